// Cutting a thread's CPU profile by time: which samples fall inside given windows (e.g. the chunks
// one worker ran), and which chunk and phase each sample belongs to. Pure, no Node imports: the
// webview bundles it for per-chunk flame graphs.
import type { CpuProfile } from '../model/profile';
import type { ChunkRecord } from '../model';

/** A window in ms since the run's start (the chunk records' clock), end exclusive. */
export interface TimeWindow {
  start: number;
  end: number;
}

export type SamplePhase = 'read' | 'parse' | 'compute' | 'encode' | 'overhead' | 'idle';

/** Where one sample falls: the chunk (ChunkRecord.index, -1 outside every chunk) and the phase. */
export interface SampleAttribution {
  chunk: number;
  phase: SamplePhase;
}

/**
 * Each sample's time in ms since the run's start: V8 stamps sample i at
 * startTime + timeDeltas[0] + … + timeDeltas[i] (µs), and clockOffsetMs moves µs/1000 onto the run's clock.
 */
export function sampleTimesMs(profile: CpuProfile, clockOffsetMs: number): Float64Array {
  const times = new Float64Array(profile.samples.length);
  let us = profile.startTime;
  for (let i = 0; i < times.length; i++) {
    us += profile.timeDeltas[i] ?? 0;
    times[i] = us / 1000 + clockOffsetMs;
  }
  return times;
}

/**
 * The time each sample stands for, ms: the gap to the next sample (DevTools' convention); the
 * last sample runs to the profile's end.
 */
export function sampleWeightsMs(profile: CpuProfile): Float64Array {
  const n = profile.samples.length;
  const weights = new Float64Array(n);
  let us = profile.startTime;
  const stamps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    us += profile.timeDeltas[i] ?? 0;
    stamps[i] = us;
  }
  for (let i = 0; i < n; i++)
    weights[i] = Math.max(0, ((i + 1 < n ? stamps[i + 1] : profile.endTime) - stamps[i]) / 1000);
  return weights;
}

/** Index of the first window whose end is after `t` (windows sorted by start, not overlapping). */
function firstEndingAfter(windows: TimeWindow[], t: number): number {
  let lo = 0;
  let hi = windows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (windows[mid].end <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sortedWindows<T extends TimeWindow>(windows: T[]): T[] {
  for (const w of windows) {
    if (!(w.end >= w.start)) throw new Error(`Time window [${w.start}, ${w.end}] ends before it starts`);
  }
  return [...windows].sort((a, b) => a.start - b.start);
}

/** Indices of the samples that fall inside any of `windows` (one thread's windows never overlap). */
export function samplesInWindows(profile: CpuProfile, clockOffsetMs: number, windows: TimeWindow[]): number[] {
  const sorted = sortedWindows(windows);
  const times = sampleTimesMs(profile, clockOffsetMs);
  const inside: number[] = [];
  for (let i = 0; i < times.length; i++) {
    const w = sorted[firstEndingAfter(sorted, times[i])];
    if (w && times[i] >= w.start) inside.push(i);
  }
  return inside;
}

/** The node ids whose function is the (idle) pseudo-frame: a thread with nothing to run. */
function idleNodes(profile: CpuProfile): Set<number> {
  return new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
}

/**
 * Attributes every sample of one worker's profile to the chunk it ran in (pass that worker's
 * records) and to a phase, splitting [startedAt, finishedAt] into read, parse, compute and encode
 * by the record's phase durations in that order. Outside every chunk a sample is 'idle' when the
 * thread was idle and 'overhead' otherwise (the pool's dispatch, result hand-off, GC between chunks).
 */
export function attributeSamples(
  profile: CpuProfile,
  clockOffsetMs: number,
  records: ChunkRecord[],
): SampleAttribution[] {
  const windows = sortedWindows(records.map((r) => ({ start: r.startedAt, end: r.finishedAt, record: r })));
  const times = sampleTimesMs(profile, clockOffsetMs);
  const idle = idleNodes(profile);
  const out: SampleAttribution[] = new Array(times.length);
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    const w = windows[firstEndingAfter(windows, t)];
    if (!w || t < w.start) {
      out[i] = { chunk: -1, phase: idle.has(profile.samples[i]) ? 'idle' : 'overhead' };
      continue;
    }
    const r = w.record;
    const into = t - r.startedAt;
    const phase: SamplePhase =
      into < r.readMs
        ? 'read'
        : into < r.readMs + r.parseMs
          ? 'parse'
          : into < r.readMs + r.parseMs + r.computeMs
            ? 'compute'
            : 'encode';
    out[i] = { chunk: r.index, phase };
  }
  return out;
}

/**
 * A copy of `profile` keeping only the given samples (e.g. one chunk's, for its flame graph). The
 * tree is kept whole; hitCount is recounted and positionTicks dropped, since they were the whole
 * profile's.
 */
export function sliceProfile(profile: CpuProfile, sampleIndices: number[]): CpuProfile {
  const stamps = new Float64Array(profile.samples.length);
  let us = profile.startTime;
  for (let i = 0; i < stamps.length; i++) {
    us += profile.timeDeltas[i] ?? 0;
    stamps[i] = us;
  }
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  const hits = new Map<number, number>();
  let previousUs = profile.startTime;
  for (const i of [...sampleIndices].sort((a, b) => a - b)) {
    samples.push(profile.samples[i]);
    timeDeltas.push(stamps[i] - previousUs);
    previousUs = stamps[i];
    hits.set(profile.samples[i], (hits.get(profile.samples[i]) ?? 0) + 1);
  }
  const nodes = profile.nodes.map(({ positionTicks: _dropped, ...node }) => ({
    ...node,
    hitCount: hits.get(node.id) ?? 0,
  }));
  return {
    nodes,
    startTime: profile.startTime,
    endTime: samples.length ? previousUs : profile.startTime,
    samples,
    timeDeltas,
  };
}
