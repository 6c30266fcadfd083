// A run's CPU profiles merged into one call tree: every thread's tree folded into one trie keyed by
// frame identity, with each sample on the run's clock and its chunk and phase. Any set of samples
// (some threads, the samples inside some chunks' windows, one phase) then aggregates with one pass
// over the samples and one over the trie. Pure (browser-safe): the flame views, the editor's hovers
// and the CLI's summary all read per-function self and total time from functionTable over this
// tree, so the same samples give the same numbers everywhere.
import { checkProfile } from './check-profile';
import { attributeSamples, sampleTimesMs, sampleWeightsMs, type SamplePhase } from './slice';
import { categorize, urlToPath, type Category } from './frames';
import type { ChunkRecord, CpuCallFrame, CpuProfileNode, ProfileInput } from '../model';

export type { SamplePhase };
/** Where a sample fell (slice.ts's attribution): a phase of its chunk, or outside every chunk (overhead or idle). */
export const SAMPLE_PHASES: SamplePhase[] = ['read', 'parse', 'compute', 'encode', 'overhead', 'idle'];
/** The phase groups the views offer: parse (read + parse), your compute, and pool overhead (the rest). */
export type PhaseGroup = 'all' | 'parse' | 'compute' | 'overhead';
const GROUP_OF_PHASE: PhaseGroup[] = ['parse', 'parse', 'compute', 'overhead', 'overhead', 'overhead'];

export interface Frame {
  /** The function's name ('(anonymous)' where V8 gives none). */
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
  /** Array index into the chunk records given to buildCallTree (report.chunks) of the chunk running when the sample was taken, or -1. */
  chunkOf: Int32Array;
  /** Index into SAMPLE_PHASES. */
  phaseOf: Uint8Array;
}

export interface CallTree {
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

/**
 * Builds the merged model of a run's profiles: frames (deduplicated by name, URL, line, column),
 * the merged call tree, and every sample on the run's clock with its chunk and phase.
 * `processorFile` only colours frames (category 'user'); '' when no one looks at categories.
 */
export function buildCallTree(inputs: ProfileInput[], chunks: ChunkRecord[], processorFile: string): CallTree {
  const frames: Frame[] = [];
  const frameIds = new Map<string, number>();
  const trieFrame: number[] = [];
  const trieParent: number[] = [];
  const trieDepth: number[] = [];
  const trieKids: Map<number, number>[] = [];
  const rootKids = new Map<number, number>();
  // The attribution names chunks by ChunkRecord.index; the tree holds array indices into `chunks`.
  const arrayIndex = new Map<number, number>();
  chunks.forEach((c, i) => arrayIndex.set(c.index, i));
  const threads: ThreadSamples[] = [];
  let maxDepth = 0;
  let sampleCount = 0;

  const frameOf = (cf: CpuCallFrame): number => {
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
    const byId = new Map<number, CpuProfileNode>();
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
      const t =
        parentTrie === -2 && n.callFrame.functionName === '(root)'
          ? -1
          : child(parentTrie === -2 ? -1 : parentTrie, frameOf(n.callFrame));
      trieOf.set(id, t);
      for (const c of [...(n.children ?? [])].reverse()) stack.push([c, t]);
    }

    const n = profile.samples.length;
    const times = sampleTimesMs(profile, meta.clockOffsetMs);
    const weights = sampleWeightsMs(profile);
    const leaves = new Int32Array(n);
    const chunkOf = new Int32Array(n);
    const phaseOf = new Uint8Array(n);
    const attributed = attributeSamples(
      profile,
      meta.clockOffsetMs,
      meta.thread === 'main' ? [] : chunks.filter((c) => c.workerId === meta.thread),
    );
    for (let i = 0; i < n; i++) {
      const leaf = trieOf.get(profile.samples[i]);
      if (leaf === undefined)
        throw new Error(
          `${meta.file || meta.label}: sample ${i} names node ${profile.samples[i]}, which does not exist`,
        );
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

/** Which samples to aggregate: some threads, optionally only inside some chunks, optionally one phase group. */
export interface SliceSpec {
  /** Indices into CallTree.threads; empty or undefined = all. */
  threads?: number[];
  /** Array indices into the chunk records (report.chunks); undefined = no chunk filter. */
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
export function forEachSample(tree: CallTree, spec: SliceSpec, fn: (thread: number, i: number) => void): void {
  const threadSet = spec.threads?.length ? new Set(spec.threads) : null;
  const chunkSet = spec.chunks ? new Set(spec.chunks) : null;
  const group = spec.phase ?? 'all';
  for (let ti = 0; ti < tree.threads.length; ti++) {
    if (threadSet && !threadSet.has(ti)) continue;
    const th = tree.threads[ti];
    // With a chunk filter, the main thread (which runs no chunk) has nothing to show.
    if (chunkSet && th.thread === 'main') continue;
    for (let i = 0; i < th.times.length; i++) {
      if (chunkSet && !chunkSet.has(th.chunkOf[i])) continue;
      if (group !== 'all' && GROUP_OF_PHASE[th.phaseOf[i]] !== group) continue;
      fn(ti, i);
    }
  }
}

/** Self and total weight of every trie node over the slice's samples (the whole run by default). */
export function sliceCallTree(tree: CallTree, spec: SliceSpec = {}): Slice {
  const self = new Float64Array(tree.trieFrame.length);
  let samples = 0;
  let ms = 0;
  forEachSample(tree, spec, (ti, i) => {
    const th = tree.threads[ti];
    samples++;
    ms += th.weights[i];
    const leaf = th.leaves[i];
    if (leaf >= 0) self[leaf] += th.weights[i];
  });
  const total = Float64Array.from(self);
  // Parents precede children in the trie, so one backward pass sums every subtree.
  for (let n = total.length - 1; n >= 0; n--) {
    const p = tree.trieParent[n];
    if (p >= 0) total[p] += total[n];
  }
  return { self, total, samples, ms, chunkCount: spec.chunks ? new Set(spec.chunks).size : 0 };
}

/** Visits trie nodes of frame f that have no ancestor of the same frame (recursion counted once), skipping subtrees of no weight. */
export function outermost(tree: CallTree, weights: Float64Array, fn: (node: number, frame: number) => void): void {
  const onStack = new Int32Array(tree.frames.length);
  const stack: [number, boolean][] = [];
  for (let k = tree.trieRoots.length - 1; k >= 0; k--) stack.push([tree.trieRoots[k], true]);
  while (stack.length) {
    const [n, enter] = stack.pop()!;
    const f = tree.trieFrame[n];
    if (!enter) {
      onStack[f]--;
      continue;
    }
    if (weights[n] <= 0) continue;
    if (onStack[f] === 0) fn(n, f);
    onStack[f]++;
    stack.push([n, false]);
    const kids = tree.trieChildren[n];
    for (let k = kids.length - 1; k >= 0; k--) stack.push([kids[k], true]);
  }
}

/** One function's self and total time (ms) in a slice. */
export interface FunctionRow {
  frame: number;
  self: number;
  total: number;
}

/** Self and total time per function (a recursive function's time counted once), heaviest self first. */
export function functionTable(tree: CallTree, s: Slice): FunctionRow[] {
  const self = new Float64Array(tree.frames.length);
  const total = new Float64Array(tree.frames.length);
  for (let n = 0; n < s.self.length; n++) self[tree.trieFrame[n]] += s.self[n];
  outermost(tree, s.total, (n, f) => {
    total[f] += s.total[n];
  });
  const rows: FunctionRow[] = [];
  for (let f = 0; f < tree.frames.length; f++)
    if (total[f] > 0 || self[f] > 0) rows.push({ frame: f, self: self[f], total: total[f] });
  return rows.sort((a, b) => b.self - a.self || b.total - a.total || a.frame - b.frame);
}
