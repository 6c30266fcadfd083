// What the editor and the CLI show from a run's CPU profiles: self time per source line of one
// file, and per function self/total time with its spread across chunks. Pure, no Node imports
// (the webview and the VS Code face take the same numbers).
import { attributeSamples, sampleWeightsMs } from './slice';
import { median } from '../base/stats';
import { isCodeFrame, urlMatchesFile } from './frames';
import type { CpuCallFrame, CpuProfile, FunctionTiming, LineTiming, LoadedProfile } from '../model/profile';
import type { ChunkRecord } from '../model';


function selfMsByNode(profile: CpuProfile): Map<number, number> {
  const weights = sampleWeightsMs(profile);
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + weights[i]);
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

function functionKey(frame: CpuCallFrame): string {
  return `${frame.functionName}\u0000${frame.url}\u0000${frame.lineNumber}\u0000${frame.columnNumber}`;
}

/**
 * Self and total time of every function over all profiles, largest self time first. With the
 * run's chunk records, each worker's samples are attributed to chunks, giving every function's
 * median and worst chunk.
 */
export function functionTimings(profiles: LoadedProfile[], records: ChunkRecord[] = []): FunctionTiming[] {
  interface Acc {
    frame: CpuCallFrame;
    selfMs: number;
    totalMs: number;
    samples: number;
    perChunk: Map<number, number>;
  }
  const functions = new Map<string, Acc>();
  const profiledChunks = new Set<number>();
  for (const { thread, profile } of profiles) {
    const parent = new Map<number, number>();
    const keyOf = new Map<number, string>();
    for (const node of profile.nodes) {
      for (const child of node.children ?? []) parent.set(child, node.id);
      const key = functionKey(node.callFrame);
      keyOf.set(node.id, key);
      if (!functions.has(key)) functions.set(key, { frame: node.callFrame, selfMs: 0, totalMs: 0, samples: 0, perChunk: new Map() });
    }
    const weights = sampleWeightsMs(profile);
    const mine = typeof thread.thread === 'number' ? records.filter((r) => r.workerId === thread.thread) : [];
    for (const r of mine) profiledChunks.add(r.index);
    const attribution = mine.length ? attributeSamples(profile, thread.clockOffsetMs, mine) : undefined;
    for (let i = 0; i < profile.samples.length; i++) {
      const leaf = profile.samples[i];
      const self = functions.get(keyOf.get(leaf)!)!;
      self.selfMs += weights[i];
      self.samples++;
      const chunk = attribution?.[i].chunk ?? -1;
      if (chunk >= 0) self.perChunk.set(chunk, (self.perChunk.get(chunk) ?? 0) + weights[i]);
      // Total time: every function on the stack once, however often it recurses.
      const seen = new Set<string>();
      for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
        const key = keyOf.get(id)!;
        if (seen.has(key)) continue;
        seen.add(key);
        functions.get(key)!.totalMs += weights[i];
      }
    }
  }
  const result: FunctionTiming[] = [];
  for (const acc of functions.values()) {
    if (!isCodeFrame(acc.frame.functionName) || (acc.selfMs === 0 && acc.totalMs === 0)) continue;
    let worstChunk: number | undefined;
    let worstChunkSelfMs = 0;
    for (const [chunk, ms] of acc.perChunk) {
      if (ms > worstChunkSelfMs) {
        worstChunk = chunk;
        worstChunkSelfMs = ms;
      }
    }
    const perChunk = [...profiledChunks].map((c) => acc.perChunk.get(c) ?? 0);
    result.push({
      functionName: acc.frame.functionName || '(anonymous)',
      url: acc.frame.url,
      line: acc.frame.lineNumber + 1,
      column: acc.frame.columnNumber + 1,
      selfMs: acc.selfMs,
      totalMs: acc.totalMs,
      samples: acc.samples,
      medianChunkSelfMs: perChunk.length > 0 ? median(perChunk) : 0,
      worstChunk,
      worstChunkSelfMs,
    });
  }
  return result.sort((a, b) => b.selfMs - a.selfMs);
}
