// The worker lanes' order and labels. A local run has one lane per worker thread ("worker 3"); a
// cluster run's lanes are grouped by node (machine), then thread, and labelled "node · thread", so
// the timeline shows each machine's threads together.
export interface LaneKey {
  workerId: number;
  /** Cluster runs: the node that ran the lane's chunks, and its thread there. */
  node?: string;
  thread?: number;
}

export interface LaneLabel {
  workerId: number;
  label: string;
  /** The node the lane belongs to (cluster runs); lanes of one group are adjacent. */
  group?: string;
}

export function orderLanes(keys: Iterable<LaneKey>): LaneLabel[] {
  const all = [...keys];
  return all
    .sort((a, b) => {
      if (a.node !== undefined || b.node !== undefined) {
        // Lanes without a node (none on a cluster run, but a mixed input stays ordered) come last.
        if (a.node === undefined) return 1;
        if (b.node === undefined) return -1;
        if (a.node !== b.node) return a.node < b.node ? -1 : 1;
        return (a.thread ?? a.workerId) - (b.thread ?? b.workerId) || a.workerId - b.workerId;
      }
      return a.workerId - b.workerId;
    })
    .map((k) =>
      k.node !== undefined
        ? { workerId: k.workerId, label: `${k.node} · ${k.thread ?? k.workerId}`, group: k.node }
        : { workerId: k.workerId, label: `worker ${k.workerId}` },
    );
}

/** The node groups in lane order, with how many lanes each has. */
export function laneGroups(lanes: readonly { group?: string }[]): { group: string; lanes: number }[] {
  const out: { group: string; lanes: number }[] = [];
  for (const l of lanes) {
    if (l.group === undefined) continue;
    const last = out[out.length - 1];
    if (last && last.group === l.group) last.lanes++;
    else out.push({ group: l.group, lanes: 1 });
  }
  return out;
}
