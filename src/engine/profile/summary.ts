// What the editor and the CLI show from a run's CPU profiles: self time per source line of one
// file, and per function self/total time with its spread across chunks. Pure, no Node imports
// (the webview and the VS Code face take the same numbers).
import { sampleWeightsMs } from './slice';
import { buildCallTree, forEachSample, functionTable, sliceCallTree } from './call-tree';
import { median } from '../base/stats';
import { isCodeFrame, urlMatchesFile } from './frames';
import type { CpuProfile, FunctionTiming, LineTiming, LoadedProfile } from '../model/profile';
import type { ChunkRecord } from '../model';

function selfMsByNode(profile: CpuProfile): Map<number, number> {
  const weights = sampleWeightsMs(profile);
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++)
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + weights[i]);
  return self;
}

/**
 * Self time per 1-based line of `file` over all profiles, from positionTicks: each function node's
 * self time is shared among its lines in proportion to their ticks (what DevTools does too).
 */
export function lineTimings(profiles: LoadedProfile[], file: string): LineTiming[] {
  const byLine = new Map<number, LineTiming>();
  for (const { profile } of profiles) {
    const self = selfMsByNode(profile);
    for (const node of profile.nodes) {
      if (!node.positionTicks || !urlMatchesFile(node.callFrame.url, file)) continue;
      const ticks = node.positionTicks.reduce((n, t) => n + t.ticks, 0);
      const selfMs = self.get(node.id) ?? 0;
      if (ticks === 0) continue;
      for (const { line, ticks: lineTicks } of node.positionTicks) {
        const entry = byLine.get(line) ?? { line, selfMs: 0, samples: 0 };
        entry.selfMs += (selfMs * lineTicks) / ticks;
        entry.samples += lineTicks;
        byLine.set(line, entry);
      }
    }
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}

/**
 * Self and total time of every function over all profiles, largest self time first. With the
 * run's chunk records, each worker's samples are attributed to chunks, giving every function's
 * median and worst chunk. Self and total come from the merged call tree's function table, the
 * numbers the flame view's table shows for the whole run.
 */
export function functionTimings(profiles: LoadedProfile[], records: ChunkRecord[] = []): FunctionTiming[] {
  const tree = buildCallTree(
    profiles.map(({ thread, profile }) => ({ meta: thread, profile })),
    records,
    '',
  );
  // Per function: the samples it is the leaf of, and its self time per chunk (by array index into records).
  const samples = new Int32Array(tree.frames.length);
  const perChunk = tree.frames.map(() => new Map<number, number>());
  forEachSample(tree, {}, (ti, i) => {
    const th = tree.threads[ti];
    const leaf = th.leaves[i];
    if (leaf < 0) return;
    const frame = tree.trieFrame[leaf];
    samples[frame]++;
    const chunk = th.chunkOf[i];
    if (chunk >= 0) perChunk[frame].set(chunk, (perChunk[frame].get(chunk) ?? 0) + th.weights[i]);
  });
  // The median runs over every chunk of the profiled workers: a chunk without the function counts 0.
  const workers = new Set(profiles.map((p) => p.thread.thread).filter((t) => t !== 'main'));
  const profiledChunks = records.flatMap((r, i) => (workers.has(r.workerId) ? [i] : []));
  const result: FunctionTiming[] = [];
  for (const row of functionTable(tree, sliceCallTree(tree))) {
    const frame = tree.frames[row.frame];
    if (!isCodeFrame(frame.name)) continue;
    let worstChunk: number | undefined;
    let worstChunkSelfMs = 0;
    for (const [chunk, ms] of perChunk[row.frame]) {
      if (ms > worstChunkSelfMs) {
        worstChunk = records[chunk].index;
        worstChunkSelfMs = ms;
      }
    }
    const chunkSelf = profiledChunks.map((c) => perChunk[row.frame].get(c) ?? 0);
    result.push({
      functionName: frame.name,
      url: frame.url,
      line: frame.line,
      column: frame.column,
      selfMs: row.self,
      totalMs: row.total,
      samples: samples[row.frame],
      medianChunkSelfMs: chunkSelf.length > 0 ? median(chunkSelf) : 0,
      worstChunk,
      worstChunkSelfMs,
    });
  }
  // functionTable's order: largest self first (ties: larger total, then the frame met first).
  return result;
}
