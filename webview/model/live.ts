// The live view's model: chunk records appended as the extension sends them (in batches, about ten
// a second), kept per worker lane in growable typed arrays sorted by start time, so the timeline can
// draw from it exactly like from a finished run's model. Appending is O(1) in the usual case (a
// worker's chunks arrive in the order it ran them); toModel() costs O(lanes), not O(chunks).
import type { ChunkRecord, RunReport } from '../../src/engine/model';
import type { LiveInfo } from '../protocol';
import type { Lane, Model } from './run';
import { orderLanes, type LaneKey } from './lanes';

function grow<T extends Float64Array | Int32Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as { new (n: number): T })(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

class GrowLane {
  bars = new Int32Array(64);
  starts = new Float64Array(64);
  ends = new Float64Array(64);
  n = 0;

  insert(i: number, start: number, end: number): void {
    const n = this.n + 1;
    this.bars = grow(this.bars, n);
    this.starts = grow(this.starts, n);
    this.ends = grow(this.ends, n);
    // Binary search for the slot; almost always the end.
    let lo = 0;
    let hi = this.n;
    if (this.n === 0 || this.starts[this.n - 1] <= start) lo = this.n;
    else
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.starts[mid] <= start) lo = mid + 1;
        else hi = mid;
      }
    if (lo < this.n) {
      this.bars.copyWithin(lo + 1, lo, this.n);
      this.starts.copyWithin(lo + 1, lo, this.n);
      this.ends.copyWithin(lo + 1, lo, this.n);
    }
    this.bars[lo] = i;
    this.starts[lo] = start;
    this.ends[lo] = end;
    this.n = n;
  }
}

export class LiveModel {
  readonly chunks: ChunkRecord[] = [];
  private readonly lanes = new Map<number, GrowLane>();
  private readonly laneKeys = new Map<number, LaneKey>();
  private readonly byIndex = new Map<number, number>();
  private received = new Float64Array(256);
  private durations = new Float64Array(256);
  private tMax = 1e-3;
  private readonly report: RunReport;

  constructor(readonly info: LiveInfo) {
    // Only what the timeline reads from a report: the records, no main-thread phases, no summaries yet.
    this.report = { summary: { workerSummaries: [] }, chunks: this.chunks, mainPhases: [] } as unknown as RunReport;
  }

  get count(): number {
    return this.chunks.length;
  }

  /** Drops everything (the extension resends all records when the view is shown again). */
  clear(): void {
    this.chunks.length = 0;
    this.lanes.clear();
    this.laneKeys.clear();
    this.byIndex.clear();
    this.tMax = 1e-3;
  }

  append(records: readonly ChunkRecord[]): void {
    for (const c of records) {
      if (this.byIndex.has(c.index)) continue;
      const i = this.chunks.length;
      this.chunks.push(c);
      this.byIndex.set(c.index, i);
      let lane = this.lanes.get(c.workerId);
      if (!lane) {
        this.lanes.set(c.workerId, (lane = new GrowLane()));
        this.laneKeys.set(c.workerId, { workerId: c.workerId, node: c.node, thread: c.thread });
      }
      lane.insert(i, c.startedAt, c.finishedAt);
      this.received = grow(this.received, i + 1);
      this.durations = grow(this.durations, i + 1);
      // received stays sorted: insertion from the end (results arrive nearly in order).
      let k = i;
      while (k > 0 && this.received[k - 1] > c.receivedAt) {
        this.received[k] = this.received[k - 1];
        k--;
      }
      this.received[k] = c.receivedAt;
      this.durations[i] = Math.max(0, c.finishedAt - c.startedAt);
      if (c.receivedAt > this.tMax) this.tMax = c.receivedAt;
    }
  }

  /** Extends the time axis to "now" (the run's elapsed time), so the timeline grows while idle too. */
  extendTo(ms: number): void {
    if (Number.isFinite(ms) && ms > this.tMax) this.tMax = ms;
  }

  /** A Model view over the current records (typed-array views, no copies of the records). */
  toModel(): Model {
    const n = this.chunks.length;
    const lanes: Lane[] = [
      {
        workerId: null,
        label: 'main thread',
        bars: new Int32Array(0),
        starts: new Float64Array(0),
        ends: new Float64Array(0),
      },
    ];
    for (const { workerId: id, label, group } of orderLanes(this.laneKeys.values())) {
      const l = this.lanes.get(id)!;
      lanes.push({
        workerId: id,
        label,
        ...(group !== undefined ? { group } : {}),
        bars: l.bars.subarray(0, l.n),
        starts: l.starts.subarray(0, l.n),
        ends: l.ends.subarray(0, l.n),
      });
    }
    return {
      report: this.report,
      lanes,
      durations: this.durations.subarray(0, n),
      received: this.received.subarray(0, n),
      p50: 0,
      p95: 0,
      stragglers: new Set(),
      slowTail: new Set(),
      tMin: 0,
      tMax: this.tMax,
      byIndex: this.byIndex,
    };
  }
}
