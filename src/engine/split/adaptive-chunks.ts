// Adaptive chunk sizing during a run (chunking: 'auto'). Fed every completed chunk's record, it
// decides the byte budget of the next chunk to plan: start small so every worker gets work at once,
// double while the fixed per-chunk cost is a noticeable share of chunk time and doubling really
// made bytes cheaper, keep chunks short, and shrink at the end so the workers finish together.
// Pure arithmetic over the records it is given: the same measurements give the same sizes.
import { median } from '../base/stats';
import { formatBytes, formatPercent } from '../base/format';
import type { ChunkRecord, ChunkSizeChange } from '../model';

export interface AdaptiveSettings {
  workers: number;
  /** The data section: [dataStart, dataEnd) bytes of the file. */
  dataStart: number;
  dataEnd: number;
  /** Size of the first chunks (the user's size when one was given with chunking: 'auto'). */
  startBytes: number;
  /** No chunk is planned smaller than this, except when less data is left. */
  minBytes: number;
  maxBytes: number;
  /** Chunks should take at most this long on a worker (progress, balance, the chunk timeout). */
  maxChunkMs: number;
  /**
   * Chunks shorter than this (ms) are doubled whatever the comparisons say: the main thread's fixed
   * work per chunk (dispatch, receipt, bookkeeping) would be a large share of them, and a noisy
   * comparison between two such small sizes must not settle the run there.
   */
  minChunkMs?: number;
  /** Stop growing once the per-chunk fixed cost is at most this share of a chunk's time. */
  overheadTarget: number;
  /** A doubled size is kept only when it makes a byte at least this much cheaper. */
  minGain: number;
  /** Never plan a chunk bigger than (bytes left) / (workers × this): the last wave stays short. */
  tailChunksPerWorker: number;
  /** A size is judged after at least this many chunks per worker at that size … */
  sampleChunksPerWorker: number;
  /** … covering at least this much worker time per worker (ms), so one noisy chunk cannot decide. */
  sampleMsPerWorker: number;
  /** The dataset sample's mean row size: turns bytes into rows in the trace until rows are measured. */
  meanRowBytes: number;
  /** Settled with the hand-off still over target × this: try doubling again … */
  regrowOverheadFactor?: number;
  /** … at most this many times a run. */
  maxRegrowths?: number;
  /**
   * A worker's chunks are judged only once it has been busy this long (ms): until its code is
   * compiled, a worker runs several times slower, and sizes measured then look dear.
   */
  warmupMsPerWorker?: number;
}

/** What was measured for chunks planned at one size. */
interface LevelStats {
  bytes: number;
  chunks: number;
  busyMs: number;
  /**
   * What a chunk costs besides its own busy time: idle time on the worker lane just before it
   * (dispatch, result return, main-thread delay) plus the main thread's work per chunk, which on a
   * machine with a worker per core comes out of the workers' time.
   */
  gapMs: number;
  /** Per chunk: (busy + gap) / bytes. Their median judges the size, so one disturbed chunk cannot. */
  costs: number[];
  /** Per chunk: gap / (busy + gap). */
  overheads: number[];
}

interface Level {
  size: number;
  stats: LevelStats;
}

const msPerMb = (level: LevelStats) => +(costPerByte(level) * 1e6).toFixed(2);

/** Worker time (busy plus the gap before the chunk) per byte: throughput per worker is its inverse. */
function costPerByte(level: LevelStats): number {
  return level.costs.length > 0 ? median(level.costs) : Infinity;
}

function overheadShare(level: LevelStats): number {
  return level.overheads.length > 0 ? median(level.overheads) : 0;
}

function emptyStats(): LevelStats {
  return { bytes: 0, chunks: 0, busyMs: 0, gapMs: 0, costs: [], overheads: [] };
}

export class AdaptiveChunker {
  /** Every size change (and why), in the order the chunks were planned. */
  readonly trace: ChunkSizeChange[] = [];
  private phase: 'growing' | 'settled' = 'growing';
  private current: Level;
  /** The level before the current one while growing: a doubling is kept only if it beat this. */
  private previous: Level | undefined;
  /** Why the size changed since the last chunk was planned, for the trace. */
  private pendingReason: string | undefined;
  /** Budget and level size of every chunk planned and not yet observed. */
  private readonly planned = new Map<number, { bytes: number; level: number }>();
  private readonly laneFinishedAt = new Map<number, number>();
  private readonly laneBusyMs = new Map<number, number>();
  /** Durations of the latest chunks at the current size once settled (the duration cap's evidence). */
  private recentBusy: number[] = [];
  /** Busy times of the current size's latest chunks while growing, warm-up included (growShortChunks). */
  private shortBusy: number[] = [];
  private rowsSeen = 0;
  private bytesSeen = 0;
  private regrowths = 0;
  private readonly sampleChunks: number;
  private readonly sampleMs: number;

  constructor(private readonly settings: AdaptiveSettings) {
    const { workers, startBytes, minBytes, maxBytes } = settings;
    if (
      !(workers >= 1) ||
      !(startBytes >= 1) ||
      !(minBytes >= 1) ||
      !(maxBytes >= minBytes) ||
      !(settings.dataEnd >= settings.dataStart)
    ) {
      throw new Error(`Adaptive chunking: invalid settings ${JSON.stringify(settings)}`);
    }
    this.current = { size: Math.min(maxBytes, Math.max(minBytes, startBytes)), stats: emptyStats() };
    this.sampleChunks = Math.max(2, Math.ceil(settings.sampleChunksPerWorker * workers));
    this.sampleMs = settings.sampleMsPerWorker * workers;
  }

  /** The size chosen for the body of the run (the tail is smaller): the current level. */
  get baseBytes(): number {
    return this.current.size;
  }

  /** The byte budget of chunk `chunk`, which starts at `byteStart`. Called once per chunk, in order. */
  plan(chunk: number, byteStart: number): number {
    const { workers, tailChunksPerWorker, minBytes, dataEnd } = this.settings;
    const base = this.current.size;
    const left = Math.max(0, dataEnd - byteStart);
    const balanceCap = left / (workers * tailChunksPerWorker);
    let bytes = base;
    let capped = false;
    if (balanceCap < base) {
      // The tail shrinks geometrically, but not below an eighth of the base (their overhead would dominate).
      bytes = Math.max(Math.min(base, Math.max(minBytes, base / 8)), Math.ceil(balanceCap));
      capped = bytes < base;
    }
    bytes = Math.max(1, Math.round(bytes));
    this.planned.set(chunk, { bytes, level: capped ? -1 : base });
    this.traceSize(chunk, bytes, capped, left);
    return bytes;
  }

  private traceSize(chunk: number, bytes: number, capped: boolean, left: number): void {
    const last = this.trace[this.trace.length - 1];
    let reason: string | undefined;
    if (!last) {
      reason = capped
        ? `start: ${formatBytes(left)} of data split into ${this.settings.tailChunksPerWorker} chunks per worker`
        : `start: ${formatBytes(bytes)}, small so that every worker gets work at once`;
    } else if (this.pendingReason !== undefined && !capped) {
      reason = this.pendingReason;
    } else if (capped && bytes <= last.bytes / 2) {
      reason = `tail: ${formatBytes(left)} left, at most 1/${this.settings.tailChunksPerWorker} of each worker's share per chunk so the workers finish together`;
    }
    if (reason === undefined) return;
    this.pendingReason = undefined;
    this.trace.push({ atChunk: chunk, bytes, rows: Math.max(1, Math.round(bytes / this.meanRowBytes())), reason });
  }

  private meanRowBytes(): number {
    return this.rowsSeen > 0 ? this.bytesSeen / this.rowsSeen : this.settings.meanRowBytes;
  }

  /**
   * Feeds one completed chunk's record (in input order, once verified), with the main thread's
   * recent work per chunk (ms) when the caller measures it.
   */
  observe(record: ChunkRecord, mainMsPerChunk = 0): void {
    this.rowsSeen += record.rows;
    this.bytesSeen += record.bytes;
    const planned = this.planned.get(record.index);
    this.planned.delete(record.index);
    // A re-parsed chunk ran again later, out of its lane's order: its times say nothing about its size.
    if (record.repaired) return;
    const previousFinish = this.laneFinishedAt.get(record.workerId);
    this.laneFinishedAt.set(record.workerId, record.finishedAt);
    const busyMs = Math.max(0, record.finishedAt - record.startedAt);
    const laneBusy = (this.laneBusyMs.get(record.workerId) ?? 0) + busyMs;
    this.laneBusyMs.set(record.workerId, laneBusy);
    // Tail chunks have other sizes.
    if (!planned || planned.level !== this.current.size || record.bytes === 0) return;
    if (this.phase === 'growing' && this.growShortChunks(busyMs)) return;
    // Until a worker's code is compiled its times mislead; the lane's first chunk waited for start-up, not a hand-off.
    if (laneBusy - busyMs < (this.settings.warmupMsPerWorker ?? 0) || previousFinish === undefined) return;
    const stats = this.current.stats;
    const gapMs = Math.max(0, record.startedAt - previousFinish) + Math.max(0, mainMsPerChunk);
    stats.bytes += record.bytes;
    stats.chunks++;
    stats.busyMs += busyMs;
    stats.gapMs += gapMs;
    stats.costs.push((busyMs + gapMs) / record.bytes);
    stats.overheads.push(busyMs + gapMs > 0 ? gapMs / (busyMs + gapMs) : 0);
    if (this.phase === 'settled') {
      this.recentBusy.push(busyMs);
      if (this.recentBusy.length > this.sampleChunks) this.recentBusy.shift();
    }
    if (stats.chunks < this.sampleChunks || stats.busyMs + stats.gapMs < this.sampleMs) return;
    if (this.phase === 'growing') this.judgeGrowth();
    else this.judgeSettled();
  }

  /**
   * Chunks shorter than minChunkMs double as soon as a few were seen, warm or cold (cold ones only
   * look longer, so this never overshoots): fast processors leave the small start sizes quickly.
   * Judged on the latest few chunks, not all of the size's: with every chunk counted, the slow
   * first chunks of cold code held the mean over the bar long after the code was compiled (two
   * workers ran 34-37 start-size chunks where 6 were enough).
   */
  private growShortChunks(busyMs: number): boolean {
    const { minChunkMs = 0, maxBytes, maxChunkMs } = this.settings;
    if (minChunkMs <= 0) return false;
    this.shortBusy.push(busyMs);
    if (this.shortBusy.length > this.sampleChunks) this.shortBusy.shift();
    if (this.shortBusy.length < this.sampleChunks) return false;
    const meanMs = this.shortBusy.reduce((a, b) => a + b, 0) / this.shortBusy.length;
    const size = this.current.size;
    if (meanMs >= minChunkMs || size * 2 > maxBytes || meanMs * 2 > maxChunkMs) return false;
    this.previous = this.current;
    this.setSize(
      size * 2,
      `doubled: chunks took ${+meanMs.toFixed(1)} ms at ${formatBytes(size)}, under the ${minChunkMs} ms that keeps the fixed cost of a chunk small`,
    );
    return true;
  }

  private setSize(size: number, reason: string): void {
    this.current = { size, stats: emptyStats() };
    this.shortBusy = [];
    this.recentBusy = [];
    this.pendingReason = reason;
  }

  private settle(level: Level, reason: string): void {
    this.phase = 'settled';
    this.previous = undefined;
    this.setSize(level.size, reason);
  }

  /** While growing: double, or settle on the better of the last two sizes. */
  private judgeGrowth(): void {
    const { maxBytes, maxChunkMs, overheadTarget, minGain } = this.settings;
    const level = this.current;
    const { stats } = level;
    const meanMs = stats.busyMs / stats.chunks;
    if (meanMs > maxChunkMs && level.size > this.settings.minBytes) {
      this.settle(
        { size: Math.max(this.settings.minBytes, Math.floor(level.size / 2)), stats: emptyStats() },
        `halved: chunks took ${Math.round(meanMs)} ms, over the ${maxChunkMs} ms a chunk should take`,
      );
      return;
    }
    const previous = this.previous;
    if (previous && costPerByte(stats) > costPerByte(previous.stats) * (1 - minGain)) {
      // Doubling did not pay (often: bigger chunks make the workers' garbage collection dearer).
      const better = costPerByte(stats) < costPerByte(previous.stats) ? level : previous;
      this.settle(
        better,
        `settled at ${formatBytes(better.size)}: ${formatBytes(level.size)} chunks cost ${msPerMb(stats)} ms per MB of worker time, ${formatBytes(previous.size)} chunks ${msPerMb(previous.stats)}`,
      );
      return;
    }
    const overhead = overheadShare(stats);
    if (overhead <= overheadTarget) {
      this.settle(
        level,
        `settled at ${formatBytes(level.size)}: the hand-off between chunks is ${formatPercent(overhead)} of worker time (target ${formatPercent(overheadTarget)})`,
      );
      return;
    }
    const tooBig = level.size * 2 > maxBytes;
    if (tooBig || meanMs * 2 > maxChunkMs) {
      this.settle(
        level,
        `settled at ${formatBytes(level.size)}: doubling would pass the ${tooBig ? formatBytes(maxBytes) : `${maxChunkMs} ms`} a chunk may take`,
      );
      return;
    }
    this.previous = level;
    this.setSize(
      level.size * 2,
      `doubled: the hand-off between chunks is ${formatPercent(overhead)} of worker time at ${formatBytes(level.size)} (target ${formatPercent(overheadTarget)}), ${msPerMb(stats)} ms per MB`,
    );
  }

  /**
   * Once settled: halve when chunks have become too long (rows got slower); grow again when the
   * hand-off is still far over target, since the comparison that stopped the growth may have been
   * noise (the size settled on is re-measured meanwhile, and a doubling must beat it again).
   */
  private judgeSettled(): void {
    const { maxChunkMs, minBytes, maxBytes, overheadTarget } = this.settings;
    if (this.recentBusy.length < this.sampleChunks) return;
    const typical = median(this.recentBusy);
    if (typical > maxChunkMs) {
      if (this.current.size > minBytes) {
        this.setSize(
          Math.max(minBytes, Math.floor(this.current.size / 2)),
          `halved: chunks took ${Math.round(typical)} ms (median of the last ${this.recentBusy.length}), over the ${maxChunkMs} ms a chunk should take`,
        );
      }
      return;
    }
    const level = this.current;
    const overhead = overheadShare(level.stats);
    const factor = this.settings.regrowOverheadFactor ?? Infinity;
    if (this.regrowths >= (this.settings.maxRegrowths ?? 0) || overhead <= overheadTarget * factor) return;
    if (level.size * 2 > maxBytes || typical * 2 > maxChunkMs) return;
    this.regrowths++;
    this.phase = 'growing';
    this.previous = level;
    this.setSize(
      level.size * 2,
      `growing again: settled, the hand-off between chunks is still ${formatPercent(overhead)} of worker time at ${formatBytes(level.size)} (target ${formatPercent(overheadTarget)}), ${msPerMb(level.stats)} ms per MB`,
    );
  }
}
