// A chunk's record from its verified result, and from the records the run summary: throughput,
// the worker-time split, busy shares. Both are built here only, whatever ran the chunks.
import os from 'node:os';
import type { DatasetInfo } from '../read/dataset';
import type { ResolvedOptions } from '../options';
import type { ChunkResult } from '../model/protocol';
import type { ChunkRecord, ChunkSizeChange, NodeSummary, RunSummary, WorkerSummary } from '../model';

/** When the main thread handed the chunk over and got its result back (epoch ms). */
export interface ChunkTiming {
  submittedAt: number;
  receivedAt: number;
}

/**
 * One chunk's record, once its start is verified. `firstRow` / `firstLine` are where the chunk
 * begins in input order (before its leading blank lines); times become ms since `originEpochMs`.
 */
export function chunkRecord(
  result: ChunkResult,
  timing: ChunkTiming,
  firstRow: number,
  firstLine: number,
  repaired: boolean,
  originEpochMs: number,
): ChunkRecord {
  const { submittedAt, receivedAt } = timing;
  return {
    index: result.chunk,
    workerId: result.workerId,
    rows: result.records,
    firstRow,
    firstLine: firstLine + result.leadingLines,
    bytes: result.end - result.start,
    byteStart: result.start,
    byteEnd: result.end,
    submittedAt: submittedAt - originEpochMs,
    startedAt: result.startedAt - originEpochMs,
    finishedAt: result.finishedAt - originEpochMs,
    receivedAt: receivedAt - originEpochMs,
    readMs: result.readMs,
    parseMs: result.parseMs,
    computeMs: result.computeMs,
    encodeMs: result.encodeMs,
    queueWaitMs: Math.max(0, result.startedAt - submittedAt),
    returnMs: Math.max(0, receivedAt - result.finishedAt),
    repaired,
    skipped: result.errors.reduce((n, e) => n + (e.record === undefined ? result.records : 1), 0),
    resultBytes: result.output?.length ?? 0,
    ...(result.node !== undefined ? clusterFields(result, originEpochMs) : {}),
  };
}

/** What a cluster dispatcher adds to a result: which node ran it, how often it was delivered, and when. */
function clusterFields(result: ChunkResult, originEpochMs: number): Partial<ChunkRecord> {
  const fields: Partial<ChunkRecord> = { node: result.node, thread: result.thread, attempts: result.attempts ?? 1 };
  if (result.pickedAt !== undefined) fields.pickedAt = result.pickedAt - originEpochMs;
  if (result.clockErrorMs !== undefined) fields.clockErrorMs = result.clockErrorMs;
  return fields;
}

/** Per node of a cluster run, from its records; undefined when no record names a node. */
function nodeSummaries(records: ChunkRecord[], processingMs: number): NodeSummary[] | undefined {
  const nodes = new Map<string, NodeSummary & { threadIds: Set<number> }>();
  for (const r of records) {
    if (r.node === undefined) continue;
    let n = nodes.get(r.node);
    if (!n) {
      n = {
        node: r.node,
        threads: 0,
        chunks: 0,
        rows: 0,
        busyMs: 0,
        busyShare: 0,
        clockErrorMs: 0,
        redelivered: 0,
        threadIds: new Set(),
      };
      nodes.set(r.node, n);
    }
    n.threadIds.add(r.thread ?? r.workerId);
    n.chunks++;
    n.rows += r.rows;
    n.busyMs += r.finishedAt - r.startedAt;
    n.clockErrorMs = Math.max(n.clockErrorMs, r.clockErrorMs ?? 0);
    if ((r.attempts ?? 1) > 1) n.redelivered++;
  }
  if (nodes.size === 0) return undefined;
  return [...nodes.values()]
    .map(({ threadIds, ...n }) => {
      const threads = threadIds.size;
      const busyShare = processingMs > 0 ? Math.min(1, n.busyMs / (threads * processingMs)) : 0;
      return { ...n, threads, busyShare };
    })
    .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}

export interface SummaryInput {
  opts: ResolvedOptions;
  info: DatasetInfo;
  records: ChunkRecord[];
  skippedRows: number;
  wallMs: number;
  startupMs: number;
  processingMs: number;
  peakRssBytes: number;
  startedAtEpochMs: number;
  errorsFile?: string;
  /** Set when sizes were chosen during the run (chunking 'auto'): the changes, possibly none. */
  chunkSizes?: ChunkSizeChange[];
  mainBusyMs?: number;
}

export function summarize(input: SummaryInput): RunSummary {
  const { opts, info, records, processingMs } = input;
  let rows = 0;
  let bytes = 0;
  let readMs = 0;
  let parseMs = 0;
  let computeMs = 0;
  let encodeMs = 0;
  let repairedChunks = 0;
  const perWorker = new Map<number, WorkerSummary>();
  for (const r of records) {
    rows += r.rows;
    bytes += r.bytes;
    readMs += r.readMs;
    parseMs += r.parseMs;
    computeMs += r.computeMs;
    encodeMs += r.encodeMs;
    if (r.repaired) repairedChunks++;
    let w = perWorker.get(r.workerId);
    if (!w) perWorker.set(r.workerId, (w = { workerId: r.workerId, chunks: 0, rows: 0, busyMs: 0, busyShare: 0 }));
    w.chunks++;
    w.rows += r.rows;
    w.busyMs += r.finishedAt - r.startedAt;
  }
  const workerSummaries = [...perWorker.values()].sort((a, b) => a.workerId - b.workerId);
  for (const w of workerSummaries) w.busyShare = processingMs > 0 ? Math.min(1, w.busyMs / processingMs) : 0;
  const nodes = nodeSummaries(records, processingMs);
  const workerTime = opts.workers * processingMs;
  const useful = readMs + parseMs + computeMs;
  const seconds = processingMs / 1000;
  return {
    data: info.path,
    processor: opts.processor,
    format: info.format,
    strategy: opts.strategy,
    workers: opts.workers,
    chunkRows: opts.chunkRows,
    chunkBytes: opts.chunkBytes,
    // Sizes chosen during the run (adaptive, or a caller's sizer) are what makes a run 'auto'.
    chunking: input.chunkSizes ? 'auto' : 'fixed',
    ...(input.chunkSizes ? { chunkSizes: input.chunkSizes } : {}),
    rows,
    bytes,
    chunks: records.length,
    repairedChunks,
    skippedRows: input.skippedRows,
    wallMs: input.wallMs,
    startupMs: input.startupMs,
    processingMs,
    rowsPerSecond: seconds > 0 ? rows / seconds : 0,
    mbPerSecond: seconds > 0 ? bytes / 1e6 / seconds : 0,
    readMs,
    parseMs,
    computeMs,
    encodeMs,
    overheadShare: workerTime > 0 ? Math.min(1, Math.max(0, 1 - useful / workerTime)) : 0,
    idleShare:
      workerTime > 0 ? Math.min(1, Math.max(0, 1 - workerSummaries.reduce((n, w) => n + w.busyMs, 0) / workerTime)) : 0,
    ...(input.mainBusyMs !== undefined ? { mainBusyMs: input.mainBusyMs } : {}),
    workerSummaries,
    ...(nodes ? { nodes } : {}),
    peakRssBytes: input.peakRssBytes,
    out: opts.out,
    errorsFile: input.errorsFile,
    nodeVersion: process.version,
    cpus: os.availableParallelism(),
    startedAtEpochMs: input.startedAtEpochMs,
  };
}
