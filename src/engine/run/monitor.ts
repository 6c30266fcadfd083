// What the main thread watches while chunks run, apart from their results: a worker stuck on one
// chunk (from the shared status slots the workers write), this run's peak RSS, throttled progress
// for the faces, and its own busy time (per chunk for the adaptive chunker, in total for the
// summary). Each is cheap on purpose: it runs once per chunk or on the watchdog's timer.
import { epochNow } from '../base/clock';
import type { ProgressEvent } from '../model';
import { mainThreadBusyClock, type BusyClock } from './main-thread-clock';

export interface MonitorSettings {
  workers: number;
  /** 0: no timeout. */
  chunkTimeoutMs: number;
  /** The workers' status slots: [chunk index, start epoch ms] per slot while a chunk runs. */
  status: SharedArrayBuffer;
  /** A profiled run reads busy time from the thread's CPU clock (see main-thread-clock.ts). */
  profiled: boolean;
  /** Bytes of data to process, for progress. */
  totalBytes: number;
  /** When the data's size is learnt as it is read (a decompressed stream): its current best value. */
  totalBytesNow?: () => number;
  /** Progress is sent at most once per `progressIntervalMs` from chunks, and on every timer tick. */
  progressIntervalMs: number;
  onProgress?: (progress: ProgressEvent) => void;
}

// Reading RSS costs ~0.1 ms (a /proc read): per chunk it was ~8 % of the main thread's work.
// Every 50 ms is enough between the watchdog's own samples.
const RSS_SAMPLE_MS = 50;

export class RunMonitor {
  /** This run's own peak: process-lifetime maxRSS would include whatever ran before in this process. */
  private peakRss = process.memoryUsage.rss();
  private lastRssSample = 0;
  private lastProgress = 0;
  private readonly status: Float64Array;
  private readonly busyClock: BusyClock;
  private lastBusy: number | undefined;
  private mainMsAverage: number | undefined;
  private busyAtStart: number | undefined;
  /** When processing (the first chunk's submission) began; 0 before. */
  processingStart = 0;
  /** The main thread's busy time while processing, if the clock could be read. */
  mainBusyMs: number | undefined;

  constructor(private readonly settings: MonitorSettings) {
    this.status = new Float64Array(settings.status);
    this.busyClock = mainThreadBusyClock(settings.profiled);
  }

  beginProcessing(): void {
    this.processingStart = epochNow();
    this.busyAtStart = this.busyClock();
  }

  /** Returns when processing ended. */
  endProcessing(): number {
    const processingEnd = epochNow();
    const busyAtEnd = this.busyClock();
    const busyAtStart = this.busyAtStart;
    this.mainBusyMs = busyAtStart !== undefined && busyAtEnd !== undefined ? busyAtEnd - busyAtStart : undefined;
    return processingEnd;
  }

  /** The chunk a worker has been running for longer than the chunk timeout, if any. */
  stuckChunk(): number | undefined {
    const timeout = this.settings.chunkTimeoutMs;
    if (!(timeout > 0)) return undefined;
    const status = this.status;
    const now = epochNow();
    for (let slot = 0; slot < this.settings.workers; slot++) {
      const since = status[slot * 2 + 1];
      if (since > 0 && now - since > timeout) return status[slot * 2];
    }
    return undefined;
  }

  sampleRss(): void {
    this.lastRssSample = epochNow();
    const rss = process.memoryUsage.rss();
    if (rss > this.peakRss) this.peakRss = rss;
  }

  /** Per chunk: a sample only if the last one is at least RSS_SAMPLE_MS old. */
  sampleRssSometimes(): void {
    if (epochNow() - this.lastRssSample >= RSS_SAMPLE_MS) this.sampleRss();
  }

  /** The peak so far, including now. */
  peakRssBytes(): number {
    return Math.max(this.peakRss, process.memoryUsage.rss());
  }

  /** From a chunk (`fromTimer` false: throttled) or the watchdog's timer (always sent). */
  progress(fromTimer: boolean, rows: number, bytes: number, chunksDone: number): void {
    const onProgress = this.settings.onProgress;
    if (!onProgress || this.processingStart === 0) return;
    const now = epochNow();
    if (!fromTimer && now - this.lastProgress < this.settings.progressIntervalMs) return;
    this.lastProgress = now;
    const elapsedMs = now - this.processingStart;
    onProgress({
      rows,
      bytes,
      totalBytes: this.settings.totalBytesNow?.() ?? this.settings.totalBytes,
      chunksDone,
      elapsedMs,
      rowsPerSecond: elapsedMs > 0 ? (rows / elapsedMs) * 1000 : 0,
    });
  }

  /**
   * The main thread's recent work per chunk (ms), from its busy time between chunks: it receives,
   * checks and writes every chunk, and with a worker per core that time is the workers'.
   */
  mainMsPerChunk(): number | undefined {
    const now = this.busyClock();
    const last = this.lastBusy;
    this.lastBusy = now;
    // The first chunk's interval holds start-up, not per-chunk work.
    if (last === undefined || now === undefined) return this.mainMsAverage;
    const active = now - last;
    this.mainMsAverage = this.mainMsAverage === undefined ? active : this.mainMsAverage * 0.9 + active * 0.1;
    return this.mainMsAverage;
  }
}
