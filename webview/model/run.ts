// The report's view model: lanes, per-lane sorted bars and the worker-time split, over the numbers
// the engine derives once (report/derive.ts: durations, p50/p95, stragglers, the slowest 5 %).
// Pure functions over a RunReport; used by the browser app and its tests.
import type { ChunkRecord, RunReport } from '../../src/engine/model';
import { formatInt, formatMs, formatRatio } from '../../src/engine/base/format';
import { chunkDuration, slowChunks } from '../../src/engine/report/derive';
import { orderLanes, type LaneKey } from './lanes';

export const PHASES = ['read', 'parse', 'compute', 'encode'] as const;
export type Phase = (typeof PHASES)[number];

export interface Lane {
  /** null for the main thread. */
  workerId: number | null;
  label: string;
  /** Cluster runs: the node (machine) of the lane; its lanes are adjacent. */
  group?: string;
  /** Indices into report.chunks, sorted by startedAt. */
  bars: Int32Array;
  /** startedAt / finishedAt of those bars, for binary search. */
  starts: Float64Array;
  ends: Float64Array;
}

export interface Model {
  report: RunReport;
  lanes: Lane[];
  /** finishedAt - startedAt per chunk (array index, not chunk.index). */
  durations: Float64Array;
  p50: number;
  p95: number;
  /** Array indices of the chunks that held the run up (the diagnosis's stragglers). */
  stragglers: Set<number>;
  /** Array indices of the slowest 5 % of chunks. */
  slowTail: Set<number>;
  /** Time range of the whole run, ms since start. */
  tMin: number;
  tMax: number;
  /** chunk.index → array index. */
  byIndex: Map<number, number>;
  /** receivedAt of every chunk, sorted (the live model keeps it; otherwise the timeline computes it). */
  received?: Float64Array;
}

export function buildModel(report: RunReport): Model {
  const chunks = report.chunks;
  const slow = slowChunks(report);
  const durations = slow.durations;
  const byIndex = new Map<number, number>();
  const perWorker = new Map<number, number[]>();
  const keys = new Map<number, LaneKey>();
  let tMax = report.summary.wallMs || 0;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    byIndex.set(c.index, i);
    let list = perWorker.get(c.workerId);
    if (!list) {
      perWorker.set(c.workerId, (list = []));
      keys.set(c.workerId, { workerId: c.workerId, node: c.node, thread: c.thread });
    }
    list.push(i);
    if (c.receivedAt > tMax) tMax = c.receivedAt;
  }
  for (const p of report.mainPhases) if (p.end > tMax) tMax = p.end;
  // Workers that ran no chunk still get a lane (idle all along is worth seeing).
  for (const w of report.summary.workerSummaries)
    if (!perWorker.has(w.workerId)) {
      perWorker.set(w.workerId, []);
      keys.set(w.workerId, { workerId: w.workerId });
    }
  const arrayIndices = (indices: Iterable<number>) => new Set([...indices].map((index) => byIndex.get(index)!));
  const stragglers = arrayIndices(slow.stragglers.map((s) => s.chunk.index));
  const slowTail = arrayIndices(slow.slowTail);

  const lanes: Lane[] = [
    {
      workerId: null,
      label: 'main thread',
      bars: new Int32Array(0),
      starts: new Float64Array(0),
      ends: new Float64Array(0),
    },
  ];
  for (const { workerId, label, group } of orderLanes(keys.values())) {
    const list = perWorker.get(workerId)!;
    list.sort((a, b) => chunks[a].startedAt - chunks[b].startedAt || a - b);
    const bars = Int32Array.from(list);
    const starts = new Float64Array(bars.length);
    const ends = new Float64Array(bars.length);
    for (let k = 0; k < bars.length; k++) {
      starts[k] = chunks[bars[k]].startedAt;
      ends[k] = chunks[bars[k]].finishedAt;
    }
    lanes.push({ workerId, label, ...(group !== undefined ? { group } : {}), bars, starts, ends });
  }
  return {
    report,
    lanes,
    durations,
    p50: slow.p50Ms,
    p95: slow.p95Ms,
    stragglers,
    slowTail,
    tMin: 0,
    tMax: Math.max(tMax, 1e-3),
    byIndex,
  };
}

/** Last k with starts[k] <= t, or -1. */
export function lastStartAtOrBefore(starts: Float64Array, t: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

export interface TimeSplitPart {
  key: Phase | 'handoff' | 'idle';
  label: string;
  ms: number;
  share: number;
}

/**
 * Where total worker time (workers × processing wall time) went: the four measured phases, the
 * rest of each chunk's time on the worker (hand-off inside the task), and the time outside any
 * chunk (waiting for work: dispatch, result return, an empty queue).
 */
export function workerTimeSplit(report: RunReport): TimeSplitPart[] {
  const s = report.summary;
  let busy = 0;
  for (const c of report.chunks) busy += chunkDuration(c);
  const measured = s.readMs + s.parseMs + s.computeMs + s.encodeMs;
  const total = Math.max(s.workers * s.processingMs, busy, measured, 1e-9);
  const parts: [TimeSplitPart['key'], string, number][] = [
    ['read', 'read', s.readMs],
    ['parse', 'parse', s.parseMs],
    ['compute', 'compute (your code)', s.computeMs],
    ['encode', 'encode results', s.encodeMs],
    ['handoff', 'in-task hand-off', Math.max(0, busy - measured)],
    ['idle', 'idle / dispatch / return', Math.max(0, total - Math.max(busy, measured))],
  ];
  return parts.map(([key, label, ms]) => ({ key, label, ms, share: ms / total }));
}

export interface Histogram {
  edges: number[];
  counts: number[];
  max: number;
}

export function histogram(values: ArrayLike<number>, bins = 40): Histogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return { edges: [0, 1], counts: [0], max: 0 };
  if (hi === lo) hi = lo + Math.max(1e-6, Math.abs(lo) * 0.01);
  lo = Math.min(0, lo);
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + k * width);
  return { edges, counts, max: Math.max(...counts) };
}

/** The hover text of one chunk: its record in words, one line per fact. */
export function describeChunk(
  c: ChunkRecord,
  model?: Pick<Model, 'stragglers' | 'slowTail' | 'p50' | 'p95' | 'byIndex'>,
): string[] {
  const lastRow = c.firstRow + Math.max(0, c.rows - 1);
  const lines = [
    `Chunk ${c.index} · worker ${c.workerId}`,
    `rows ${formatInt(c.rows)}: ${c.rows > 0 ? `rows ${formatInt(c.firstRow)}–${formatInt(lastRow)}, line ${formatInt(c.firstLine)}` : 'none'}`,
    `bytes ${formatInt(c.byteStart)}–${formatInt(c.byteEnd)} (${formatInt(c.bytes)} B)`,
    `took ${formatMs(chunkDuration(c))}, started at ${formatMs(c.startedAt)}`,
    `read ${formatMs(c.readMs)} · parse ${formatMs(c.parseMs)} · compute ${formatMs(c.computeMs)} · encode ${formatMs(c.encodeMs)}`,
    `queue wait ${formatMs(c.queueWaitMs)} · return trip ${formatMs(c.returnMs)}`,
  ];
  if (c.repaired) lines.push('re-parsed: the byte range started inside a row');
  if (c.skipped) lines.push(`${formatInt(c.skipped)} rows skipped after errors`);
  const i = model?.byIndex.get(c.index);
  if (model && i !== undefined && model.stragglers.has(i)) {
    lines.push(
      `straggler: held the run up (${formatRatio(chunkDuration(c) / model.p50)} the median chunk, others idle meanwhile)`,
    );
  }
  if (model && i !== undefined && model.slowTail.has(i))
    lines.push(`in the slowest 5 % of chunks (p95 ${formatMs(model.p95)})`);
  return lines;
}
