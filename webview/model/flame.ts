// The flame views' data model: pure functions over V8 `.cpuprofile`s and the run's chunk records
// (no DOM, no Node). Every thread's call tree is merged into one call-tree "trie" keyed by frame
// identity, so any set of samples (one worker, all workers, the samples inside some chunks' windows,
// one phase) aggregates with one pass over the samples and one over the trie. Views built on it:
// left-heavy flame graph, time-ordered flame chart, sandwich (self/total, callers, callees) and a
// differential flame graph (selection vs typical chunks, per chunk).
import { checkProfile } from '../../src/engine/profile/check-profile';
import { attributeSamples, sampleTimesMs, sampleWeightsMs } from '../../src/engine/profile/slice';
import type { ChunkRecord, CpuProfile } from '../../src/engine/model';
import type { ProfileInput } from '../protocol';

export type Category = 'user' | 'parser' | 'engine' | 'node' | 'gc' | 'idle' | 'other';
export const CATEGORIES: { key: Category; label: string }[] = [
  { key: 'user', label: 'your code' },
  { key: 'parser', label: 'parser' },
  { key: 'engine', label: 'pool / Chunkscope' },
  { key: 'node', label: 'Node internals' },
  { key: 'gc', label: 'GC' },
  { key: 'idle', label: 'idle' },
  { key: 'other', label: 'other' },
];

/** Where a sample fell (the engine's attribution, profile-slice.ts): a phase of its chunk, or outside every chunk (overhead or idle). */
export type SamplePhase = 'read' | 'parse' | 'compute' | 'encode' | 'overhead' | 'idle';
export const SAMPLE_PHASES: SamplePhase[] = ['read', 'parse', 'compute', 'encode', 'overhead', 'idle'];
/** The phase groups the view offers: parse (read + parse), your compute, and pool overhead (the rest). */
export type PhaseGroup = 'all' | 'parse' | 'compute' | 'overhead';
const GROUP_OF_PHASE: PhaseGroup[] = ['parse', 'parse', 'compute', 'overhead', 'overhead', 'overhead'];

/** The flame panel's views. */
export type FlameMode = 'left-heavy' | 'time-order' | 'sandwich' | 'differential';

export interface Frame {
  name: string;
  /** The script's URL as V8 reports it ('' for builtins). */
  url: string;
  /** The file path (file:// URLs decoded), or the URL itself for node: modules. */
  file: string;
  /** 1-based, as editors count. */
  line: number;
  column: number;
  category: Category;
}

/** One thread's samples on the run's clock. */
export interface ThreadSamples {
  thread: 'main' | number;
  label: string;
  /** Sample time, ms since the run's start (the chunk records' clock). */
  times: Float64Array;
  /** Time the sample stands for (until the next sample), ms. */
  weights: Float64Array;
  /** The sample's leaf in the merged trie (-1: V8's root, no frame). */
  leaves: Int32Array;
  /** Array index into report.chunks of the chunk running when the sample was taken, or -1. */
  chunkOf: Int32Array;
  /** Index into SAMPLE_PHASES. */
  phaseOf: Uint8Array;
}

export interface FlameData {
  frames: Frame[];
  /** The merged call tree: node n has frame trieFrame[n], parent trieParent[n] (-1 at the top) and depth trieDepth[n] (0 at the top); parents come before children. */
  trieFrame: Int32Array;
  trieParent: Int32Array;
  trieDepth: Int32Array;
  trieChildren: Int32Array[];
  /** Trie nodes without a parent. */
  trieRoots: Int32Array;
  threads: ThreadSamples[];
  maxDepth: number;
  sampleCount: number;
}

/** Chunkscope's parsing code: its own files, or (in the bundled dist/chunk-worker.js) these functions. */
const PARSER_FILES = /(^|[\\/])(chunk-parse|csv-parse|columnar-parse|row-shape|record-boundaries)\.[cm]?[jt]s$/;
const PARSER_FUNCTIONS = new Set([
  'parseChunk', 'parseText', 'parseColumns', 'parseSource', 'parseByteRange', 'emptyChunk', 'rowBuilder', 'countLineFeeds', 'shareNumericColumns',
  'scanCsv', 'countLines', 'byteOffsetOf', 'parseDecimal', 'slowParse', 'scanResult', 'scanColumns', 'decodeField', 'parseTextNumber', 'grow',
  'inferValue', 'isNumericText', 'objectRowConstructor', 'makeRowBuilder', 'syntheticHeader',
]);
const ENGINE_FILES = /([\\/]piscina[\\/])|([\\/](dist|out[\\/]src[\\/]engine)[\\/][^\\/]+\.js$)/;

/** file:///a/b%20c.js → /a/b c.js (Windows drive paths keep their letter); other URLs unchanged. */
export function urlToPath(url: string): string {
  if (!url.startsWith('file://')) return url;
  let p = url.slice('file://'.length);
  try {
    p = decodeURIComponent(p);
  } catch {
    /* a malformed escape: keep the raw text */
  }
  return /^\/[A-Za-z]:[\\/]/.test(p) ? p.slice(1) : p;
}

function samePath(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\\/g, '/').replace(/^([A-Za-z]):/, (_, d: string) => `${d.toLowerCase()}:`);
  return a !== '' && norm(a) === norm(b);
}

/** The colour category of a frame: your processor, the parser, the pool, Node internals, GC or idle. */
export function categorize(name: string, url: string, processorFile: string): Category {
  if (name === '(garbage collector)') return 'gc';
  if (name === '(idle)' || name === '(program)') return 'idle';
  const file = urlToPath(url);
  // piscina's worker blocks in Atomics.wait here between tasks: waiting for work, not working.
  if (name === 'atomicsWaitLoop' && /[\\/]piscina[\\/]/.test(file)) return 'idle';
  if (processorFile && samePath(file, processorFile)) return 'user';
  if (PARSER_FILES.test(file)) return 'parser';
  if (/[\\/]chunk-worker\.js$/.test(file) && PARSER_FUNCTIONS.has(name)) return 'parser';
  if (ENGINE_FILES.test(file)) return 'engine';
  if (url === '' || url.startsWith('node:')) return 'node';
  return 'other';
}

/**
 * Builds the merged model of a run's profiles: frames (deduplicated by name, URL, line, column),
 * the merged call tree, and every sample on the run's clock with its chunk and phase.
 */
export function buildFlameData(inputs: ProfileInput[], chunks: ChunkRecord[], processorFile: string): FlameData {
  const frames: Frame[] = [];
  const frameIds = new Map<string, number>();
  const trieFrame: number[] = [];
  const trieParent: number[] = [];
  const trieDepth: number[] = [];
  const trieKids: Map<number, number>[] = [];
  const rootKids = new Map<number, number>();
  // The engine's slicing attributes samples by ChunkRecord.index; the views index report.chunks.
  const arrayIndex = new Map<number, number>();
  chunks.forEach((c, i) => arrayIndex.set(c.index, i));
  const threads: ThreadSamples[] = [];
  let maxDepth = 0;
  let sampleCount = 0;

  const frameOf = (cf: CpuProfile['nodes'][number]['callFrame']): number => {
    const key = `${cf.functionName}\u0000${cf.url}\u0000${cf.lineNumber}\u0000${cf.columnNumber}`;
    let id = frameIds.get(key);
    if (id === undefined) {
      id = frames.length;
      frameIds.set(key, id);
      frames.push({
        name: cf.functionName || '(anonymous)',
        url: cf.url,
        file: urlToPath(cf.url),
        line: cf.lineNumber + 1,
        column: cf.columnNumber + 1,
        category: categorize(cf.functionName, cf.url, processorFile),
      });
    }
    return id;
  };
  const child = (parent: number, frame: number): number => {
    const kids = parent < 0 ? rootKids : trieKids[parent];
    let id = kids.get(frame);
    if (id === undefined) {
      id = trieFrame.length;
      kids.set(frame, id);
      trieFrame.push(frame);
      trieParent.push(parent);
      const depth = parent < 0 ? 0 : trieDepth[parent] + 1;
      trieDepth.push(depth);
      trieKids.push(new Map());
      if (depth > maxDepth) maxDepth = depth;
    }
    return id;
  };

  for (const { meta, profile } of inputs) {
    checkProfile(profile, meta.file || meta.label);
    // Profile node id → trie node, walking from V8's (root) down (its own frame is dropped).
    const byId = new Map<number, CpuProfile['nodes'][number]>();
    for (const n of profile.nodes) byId.set(n.id, n);
    const isChild = new Set<number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) isChild.add(c);
    const trieOf = new Map<number, number>();
    const stack: [number, number][] = [];
    // Pushed in reverse so nodes pop (and get trie ids) in V8's listed order: ties sort the same every time.
    for (const n of [...profile.nodes].reverse()) if (!isChild.has(n.id)) stack.push([n.id, -2]);
    while (stack.length) {
      const [id, parentTrie] = stack.pop()!;
      const n = byId.get(id);
      if (!n) throw new Error(`${meta.file || meta.label}: node ${id} is listed as a child but does not exist`);
      // -2 marks a top node: V8's '(root)' contributes no frame.
      const t = parentTrie === -2 && n.callFrame.functionName === '(root)' ? -1 : child(parentTrie === -2 ? -1 : parentTrie, frameOf(n.callFrame));
      trieOf.set(id, t);
      for (const c of [...(n.children ?? [])].reverse()) stack.push([c, t]);
    }

    const n = profile.samples.length;
    const times = sampleTimesMs(profile, meta.clockOffsetMs);
    const weights = sampleWeightsMs(profile);
    const leaves = new Int32Array(n);
    const chunkOf = new Int32Array(n);
    const phaseOf = new Uint8Array(n);
    const attributed = attributeSamples(profile, meta.clockOffsetMs, meta.thread === 'main' ? [] : chunks.filter((c) => c.workerId === meta.thread));
    for (let i = 0; i < n; i++) {
      const leaf = trieOf.get(profile.samples[i]);
      if (leaf === undefined) throw new Error(`${meta.file || meta.label}: sample ${i} names node ${profile.samples[i]}, which does not exist`);
      leaves[i] = leaf;
      chunkOf[i] = attributed[i].chunk < 0 ? -1 : (arrayIndex.get(attributed[i].chunk) ?? -1);
      phaseOf[i] = SAMPLE_PHASES.indexOf(attributed[i].phase);
    }
    sampleCount += n;
    threads.push({ thread: meta.thread, label: meta.label, times, weights, leaves, chunkOf, phaseOf });
  }

  const trieChildren = trieKids.map((m) => Int32Array.from(m.values()));
  return {
    frames,
    trieFrame: Int32Array.from(trieFrame),
    trieParent: Int32Array.from(trieParent),
    trieDepth: Int32Array.from(trieDepth),
    trieChildren,
    trieRoots: Int32Array.from(rootKids.values()),
    threads,
    maxDepth,
    sampleCount,
  };
}

/** Which samples a view shows: some threads, optionally only inside some chunks, optionally one phase group. */
export interface SliceSpec {
  /** Indices into FlameData.threads; empty or undefined = all. */
  threads?: number[];
  /** Array indices into report.chunks; undefined = no chunk filter. */
  chunks?: Iterable<number>;
  phase?: PhaseGroup;
}

/** A slice's weights per trie node: self (samples whose leaf is the node) and total (the node's subtree). */
export interface Slice {
  self: Float64Array;
  total: Float64Array;
  /** Samples in the slice and the time they stand for (ms). */
  samples: number;
  ms: number;
  /** Chunks the slice covers (0 without a chunk filter). */
  chunkCount: number;
}

/** Calls fn(thread, sampleIndex) for every sample in the slice. */
export function forEachSample(data: FlameData, spec: SliceSpec, fn: (thread: number, i: number) => void): void {
  const threadSet = spec.threads?.length ? new Set(spec.threads) : null;
  const chunkSet = spec.chunks ? new Set(spec.chunks) : null;
  const group = spec.phase ?? 'all';
  for (let ti = 0; ti < data.threads.length; ti++) {
    if (threadSet && !threadSet.has(ti)) continue;
    const th = data.threads[ti];
    // With a chunk filter, the main thread (which runs no chunk) has nothing to show.
    if (chunkSet && th.thread === 'main') continue;
    for (let i = 0; i < th.times.length; i++) {
      if (chunkSet && !chunkSet.has(th.chunkOf[i])) continue;
      if (group !== 'all' && GROUP_OF_PHASE[th.phaseOf[i]] !== group) continue;
      fn(ti, i);
    }
  }
}

export function slice(data: FlameData, spec: SliceSpec = {}): Slice {
  const self = new Float64Array(data.trieFrame.length);
  let samples = 0;
  let ms = 0;
  forEachSample(data, spec, (ti, i) => {
    const th = data.threads[ti];
    samples++;
    ms += th.weights[i];
    const leaf = th.leaves[i];
    if (leaf >= 0) self[leaf] += th.weights[i];
  });
  const total = Float64Array.from(self);
  // Parents precede children in the trie, so one backward pass sums every subtree.
  for (let n = total.length - 1; n >= 0; n--) {
    const p = data.trieParent[n];
    if (p >= 0) total[p] += total[n];
  }
  return { self, total, samples, ms, chunkCount: spec.chunks ? new Set(spec.chunks).size : 0 };
}

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
  const byWeight = (list: ArrayLike<number>) => Array.from(list).filter((n) => weights[n] > 0).sort((a, b) => weights[b] - weights[a] || a - b);
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
  return { x0: Float64Array.from(x0), x1: Float64Array.from(x1), depth: Int32Array.from(depth), node: Int32Array.from(node), width: x, maxDepth, boxOf };
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
    rows: rows.map((r) => ({ start: Float64Array.from(r.start), end: Float64Array.from(r.end), node: Int32Array.from(r.node) })),
    samples,
  };
}

/** One row of the sandwich table: a function's self and total time in the slice. */
export interface FunctionRow {
  frame: number;
  self: number;
  total: number;
}

/** Visits trie nodes of frame f that have no ancestor of the same frame (recursion counted once). */
function outermost(data: FlameData, weights: Float64Array, fn: (node: number, frame: number) => void): void {
  const onStack = new Int32Array(data.frames.length);
  const stack: [number, boolean][] = [];
  for (let k = data.trieRoots.length - 1; k >= 0; k--) stack.push([data.trieRoots[k], true]);
  while (stack.length) {
    const [n, enter] = stack.pop()!;
    const f = data.trieFrame[n];
    if (!enter) {
      onStack[f]--;
      continue;
    }
    if (weights[n] <= 0) continue;
    if (onStack[f] === 0) fn(n, f);
    onStack[f]++;
    stack.push([n, false]);
    const kids = data.trieChildren[n];
    for (let k = kids.length - 1; k >= 0; k--) stack.push([kids[k], true]);
  }
}

/** Self and total time per function (a recursive function's time counted once), heaviest self first. */
export function functionTable(data: FlameData, s: Slice): FunctionRow[] {
  const self = new Float64Array(data.frames.length);
  const total = new Float64Array(data.frames.length);
  for (let n = 0; n < s.self.length; n++) self[data.trieFrame[n]] += s.self[n];
  outermost(data, s.total, (n, f) => {
    total[f] += s.total[n];
  });
  const rows: FunctionRow[] = [];
  for (let f = 0; f < data.frames.length; f++) if (total[f] > 0 || self[f] > 0) rows.push({ frame: f, self: self[f], total: total[f] });
  return rows.sort((a, b) => b.self - a.self || b.total - a.total || a.frame - b.frame);
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

export function differential(data: FlameData, selected: Iterable<number>, baseline: Iterable<number>, spec: Omit<SliceSpec, 'chunks'> = {}): Differential {
  const a = slice(data, { ...spec, chunks: selected });
  const b = slice(data, { ...spec, chunks: baseline });
  const na = Math.max(1, a.chunkCount);
  const nb = Math.max(1, b.chunkCount);
  const selection = a.total.map((v) => v / na);
  const base = b.total.map((v) => v / nb);
  return { selection, baseline: base, delta: selection.map((v, i) => v - base[i]), selectionChunks: a.chunkCount, baselineChunks: b.chunkCount };
}

/** "Typical" chunks for a differential: the ones whose duration is nearest the median (5 %, at least 1). */
export function typicalChunks(chunks: ChunkRecord[], exclude: Set<number> = new Set()): number[] {
  const idx = chunks.map((_, i) => i).filter((i) => !exclude.has(i));
  if (!idx.length) return [];
  const dur = (i: number) => chunks[i].finishedAt - chunks[i].startedAt;
  const sorted = idx.map(dur).sort((x, y) => x - y);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const take = Math.max(1, Math.round(idx.length * 0.05));
  return idx.sort((x, y) => Math.abs(dur(x) - median) - Math.abs(dur(y) - median) || x - y).slice(0, take);
}
