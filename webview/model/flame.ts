// The flame views' models: pure functions (no DOM, no Node) over the run's merged call tree
// (src/engine/profile/call-tree.ts, which also gives the function table the editor and the CLI
// read). Views built on it: left-heavy flame graph, time-ordered flame chart, sandwich (self/total,
// callers, callees), search and a differential flame graph (selection vs typical chunks, per chunk).
import {
  forEachSample,
  functionTable,
  outermost,
  sliceCallTree,
  type CallTree,
  type Slice,
  type SliceSpec,
} from '../../src/engine/profile/call-tree';
import type { ChunkRecord } from '../../src/engine/model';
import { median } from '../../src/engine/base/stats';
import { chunkDuration } from '../../src/engine/report/derive';

/** The flame views' name for the merged call tree. */
export type FlameData = CallTree;

/** The flame panel's views. */
export type FlameMode = 'left-heavy' | 'time-order' | 'sandwich' | 'differential';

/** Flame-graph boxes in columns: box k spans [x0[k], x1[k]) in ms of the slice, at depth[k], for trie node node[k]. */
export interface FlameLayout {
  x0: Float64Array;
  x1: Float64Array;
  depth: Int32Array;
  node: Int32Array;
  /** Width of the whole graph (ms). */
  width: number;
  maxDepth: number;
  /** Box index of each trie node (-1: not laid out). */
  boxOf: Int32Array;
}

/**
 * Left-heavy layout: identical stacks merged, the heaviest child first at every level (speedscope's
 * "Left Heavy"). `root` lays out only that node's subtree, placed at depth 0.
 */
export function layoutLeftHeavy(data: FlameData, weights: Float64Array, root = -1): FlameLayout {
  const x0: number[] = [];
  const x1: number[] = [];
  const depth: number[] = [];
  const node: number[] = [];
  const boxOf = new Int32Array(data.trieFrame.length).fill(-1);
  const byWeight = (list: ArrayLike<number>) =>
    Array.from(list)
      .filter((n) => weights[n] > 0)
      .sort((a, b) => weights[b] - weights[a] || a - b);
  let maxDepth = 0;
  const top = root >= 0 ? [root] : byWeight(data.trieRoots);
  // Explicit stack (deep recursion in a profile must not overflow ours).
  const stack: [number, number, number][] = [];
  let x = 0;
  for (const r of top) {
    stack.push([r, x, 0]);
    x += weights[r];
  }
  stack.reverse();
  while (stack.length) {
    const [n, start, d] = stack.pop()!;
    boxOf[n] = x0.length;
    x0.push(start);
    x1.push(start + weights[n]);
    depth.push(d);
    node.push(n);
    if (d > maxDepth) maxDepth = d;
    const kids = byWeight(data.trieChildren[n]);
    let cx = start;
    const next: [number, number, number][] = [];
    for (const k of kids) {
      next.push([k, cx, d + 1]);
      cx += weights[k];
    }
    for (let k = next.length - 1; k >= 0; k--) stack.push(next[k]);
  }
  return {
    x0: Float64Array.from(x0),
    x1: Float64Array.from(x1),
    depth: Int32Array.from(depth),
    node: Int32Array.from(node),
    width: x,
    maxDepth,
    boxOf,
  };
}

/** The frames (root first) of a trie node's stack. */
export function stackOf(data: FlameData, node: number): number[] {
  const out: number[] = [];
  for (let n = node; n >= 0; n = data.trieParent[n]) out.push(data.trieFrame[n]);
  return out.reverse();
}

/** Time-ordered boxes of one thread, one sorted run of boxes per depth (for binary search when drawing). */
export interface TimeRows {
  thread: number;
  /** Per depth: start/end (ms, run clock) and trie node of each box, in time order. */
  rows: { start: Float64Array; end: Float64Array; node: Int32Array }[];
  samples: number;
}

/**
 * speedscope's "Time Order": consecutive samples sharing a stack prefix extend the same boxes; a
 * sample outside the slice closes every open box (the chart shows a gap).
 */
export function timeOrder(data: FlameData, thread: number, spec: SliceSpec = {}): TimeRows {
  const th = data.threads[thread];
  const keep = new Uint8Array(th.times.length);
  let samples = 0;
  forEachSample(data, { ...spec, threads: [thread] }, (_, i) => {
    keep[i] = 1;
    samples++;
  });
  const rows: { start: number[]; end: number[]; node: number[] }[] = [];
  const open: number[] = []; // trie node open at each depth
  const openAt: number[] = [];
  const close = (fromDepth: number, t: number) => {
    for (let d = open.length - 1; d >= fromDepth; d--) {
      const row = (rows[d] ??= { start: [], end: [], node: [] });
      row.start.push(openAt[d]);
      row.end.push(t);
      row.node.push(open[d]);
    }
    open.length = Math.min(open.length, fromDepth);
    openAt.length = open.length;
  };
  let prevLeaf = -2;
  let path: number[] = [];
  for (let i = 0; i < th.times.length; i++) {
    const t = th.times[i];
    if (!keep[i] || th.leaves[i] < 0) {
      close(0, t);
      prevLeaf = -2;
      continue;
    }
    const leaf = th.leaves[i];
    if (leaf !== prevLeaf) {
      path = [];
      for (let n = leaf; n >= 0; n = data.trieParent[n]) path.push(n);
      path.reverse();
      let same = 0;
      while (same < open.length && same < path.length && open[same] === path[same]) same++;
      close(same, t);
      for (let d = same; d < path.length; d++) {
        open.push(path[d]);
        openAt.push(t);
      }
      prevLeaf = leaf;
    }
    // The box runs until the next sample (or for this sample's weight at a gap or the end).
    const next = i + 1 < th.times.length ? th.times[i + 1] : t + th.weights[i];
    if (i + 1 >= th.times.length || !keep[i + 1]) {
      close(0, Math.max(t, Math.min(next, t + th.weights[i])));
      prevLeaf = -2;
    }
  }
  close(0, th.times.length ? th.times[th.times.length - 1] + th.weights[th.weights.length - 1] : 0);
  return {
    thread,
    rows: rows.map((r) => ({
      start: Float64Array.from(r.start),
      end: Float64Array.from(r.end),
      node: Int32Array.from(r.node),
    })),
    samples,
  };
}

/** The frame with the largest self time in a slice, or -1 when the slice is empty. */
export function topSelfFrame(data: FlameData, s: Slice, opts: { skipIdle?: boolean } = {}): number {
  const rows = functionTable(data, s).filter((r) => !opts.skipIdle || data.frames[r.frame].category !== 'idle');
  return rows.length ? rows[0].frame : -1;
}

export interface Sandwich {
  frame: number;
  self: number;
  total: number;
  /** Who called the function (direct callers), with the time spent in the function under them. */
  callers: { frame: number | null; ms: number }[];
  /** What the function called directly, with the time spent under each. */
  callees: { frame: number; ms: number }[];
}

/** speedscope's "Sandwich" for one function: its callers above, its callees below. */
export function sandwich(data: FlameData, s: Slice, frame: number): Sandwich {
  const callers = new Map<number | null, number>();
  const callees = new Map<number, number>();
  let total = 0;
  let self = 0;
  for (let n = 0; n < s.self.length; n++) if (data.trieFrame[n] === frame) self += s.self[n];
  outermost(data, s.total, (n, f) => {
    if (f !== frame) return;
    total += s.total[n];
    const p = data.trieParent[n];
    const pf = p >= 0 ? data.trieFrame[p] : null;
    callers.set(pf, (callers.get(pf) ?? 0) + s.total[n]);
  });
  // Callees: every occurrence's children, except a recursive call's subtree counted under its outer call.
  outermost(data, s.total, (n, f) => {
    if (f !== frame) return;
    const walk: number[] = [n];
    while (walk.length) {
      const m = walk.pop()!;
      for (const c of data.trieChildren[m]) {
        if (s.total[c] <= 0) continue;
        if (data.trieFrame[c] === frame) walk.push(c);
        else callees.set(data.trieFrame[c], (callees.get(data.trieFrame[c]) ?? 0) + s.total[c]);
      }
    }
  });
  const sortDesc = <K>(m: Map<K, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    frame,
    self,
    total,
    callers: sortDesc(callers).map(([f, ms]) => ({ frame: f, ms })),
    callees: sortDesc(callees).map(([f, ms]) => ({ frame: f, ms })),
  };
}

/** Frames whose name or file contains the query (case-insensitive); empty query → none. */
export function searchFrames(data: FlameData, query: string): Uint8Array {
  const hit = new Uint8Array(data.frames.length);
  const q = query.trim().toLowerCase();
  if (!q) return hit;
  data.frames.forEach((f, i) => {
    if (f.name.toLowerCase().includes(q) || f.file.toLowerCase().includes(q)) hit[i] = 1;
  });
  return hit;
}

/** Per trie node, selection vs baseline in ms per chunk: the differential flame graph's numbers. */
export interface Differential {
  /** Selection's ms per chunk (the layout's widths). */
  selection: Float64Array;
  baseline: Float64Array;
  /** selection - baseline, ms per chunk (positive: slower in the selection). */
  delta: Float64Array;
  selectionChunks: number;
  baselineChunks: number;
}

export function differential(
  data: FlameData,
  selected: Iterable<number>,
  baseline: Iterable<number>,
  spec: Omit<SliceSpec, 'chunks'> = {},
): Differential {
  const a = sliceCallTree(data, { ...spec, chunks: selected });
  const b = sliceCallTree(data, { ...spec, chunks: baseline });
  const na = Math.max(1, a.chunkCount);
  const nb = Math.max(1, b.chunkCount);
  const selection = a.total.map((v) => v / na);
  const base = b.total.map((v) => v / nb);
  return {
    selection,
    baseline: base,
    delta: selection.map((v, i) => v - base[i]),
    selectionChunks: a.chunkCount,
    baselineChunks: b.chunkCount,
  };
}

/** "Typical" chunks for a differential: the ones whose duration is nearest the median (5 %, at least 1). */
export function typicalChunks(chunks: ChunkRecord[], exclude: Set<number> = new Set()): number[] {
  const idx = chunks.map((_, i) => i).filter((i) => !exclude.has(i));
  if (!idx.length) return [];
  const dur = (i: number) => chunkDuration(chunks[i]);
  const typical = median(idx.map(dur));
  const take = Math.max(1, Math.round(idx.length * 0.05));
  return idx.sort((x, y) => Math.abs(dur(x) - typical) - Math.abs(dur(y) - typical) || x - y).slice(0, take);
}
