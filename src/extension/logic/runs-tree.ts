// The runs view's rows: run records and timings files turned into one list, newest first, with the
// labels the tree shows. Pure (no vscode, no file reads) so the merging and wording are unit-tested;
// runs-view.ts reads the files through the engine and hands them in.
import * as path from 'node:path';
import { formatBytes, formatCompact, formatInt, formatRows, type RunSummary, type StoredRunRecord } from '../../engine';

/** A timings file that was read: its path and what its summary says. */
export interface TimingsEntry {
  file: string;
  summary: Pick<
    RunSummary,
    | 'data'
    | 'processor'
    | 'strategy'
    | 'workers'
    | 'chunkRows'
    | 'chunkBytes'
    | 'chunking'
    | 'rows'
    | 'rowsPerSecond'
    | 'wallMs'
    | 'startedAtEpochMs'
  >;
}

/** Why a row has no report to open (a record whose timings are not there, or are another run's). */
export type MissingTimings = 'not-written' | 'missing' | 'overwritten';

export interface RunRow {
  /** Stable across refreshes: the record file, else the timings file. */
  id: string;
  /** The run record file, when the run has one. */
  record?: string;
  /** The timings file of this very run, when it still exists: the report to open. */
  timings?: string;
  /** Why `timings` is absent. */
  missing?: MissingTimings;
  /** The timings path a record names (also when it no longer matches this run): Delete removes it. */
  namedTimings?: string;
  dataset: string;
  processor: string;
  finishedAtMs: number;
  rows?: number;
  rowsPerSecond?: number;
  strategy?: string;
  workers?: number;
  chunking?: 'auto' | 'fixed';
  chunkRows?: number;
  chunkBytes?: number;
}

/**
 * One row per run record, plus one per timings file no record claims, newest first. A timings file
 * is overwritten by the next run of the same dataset and processor, so several records may name
 * it: it belongs to the newest of them that finished after it started; the older ones show it as
 * overwritten (their report is gone).
 */
export function runRows(records: readonly StoredRunRecord[], timings: readonly TimingsEntry[]): RunRow[] {
  const byFile = new Map(timings.map((t) => [path.resolve(t.file), t]));
  const claimed = new Set<string>();
  const rows: RunRow[] = [];
  const newestFirst = [...records].sort((a, b) => Date.parse(b.finishedAt) - Date.parse(a.finishedAt));
  for (const r of newestFirst) {
    const finishedAtMs = Date.parse(r.finishedAt);
    const named = r.timings ? path.resolve(r.timings) : undefined;
    const entry = named ? byFile.get(named) : undefined;
    let own: TimingsEntry | undefined;
    let missing: MissingTimings | undefined;
    if (!named) missing = 'not-written';
    else if (!entry) missing = 'missing';
    else if (claimed.has(named) || entry.summary.startedAtEpochMs > finishedAtMs) missing = 'overwritten';
    else own = entry;
    if (own && named) claimed.add(named);
    rows.push({
      id: r.file,
      record: r.file,
      ...(own ? { timings: own.file } : { missing }),
      ...(named ? { namedTimings: named } : {}),
      dataset: r.dataset,
      processor: r.processor,
      finishedAtMs,
      rows: r.rows ?? own?.summary.rows,
      // The record has no rate; the timings summary's is the engine's one figure for it.
      rowsPerSecond: own?.summary.rowsPerSecond,
      strategy: r.strategy ?? own?.summary.strategy,
      workers: r.workers ?? own?.summary.workers,
      chunking: r.chunking ?? own?.summary.chunking,
      chunkRows: r.chunkRows ?? own?.summary.chunkRows,
      chunkBytes: r.chunkBytes ?? own?.summary.chunkBytes,
    });
  }
  for (const t of timings) {
    const file = path.resolve(t.file);
    if (claimed.has(file)) continue;
    const s = t.summary;
    rows.push({
      id: t.file,
      timings: t.file,
      namedTimings: file,
      dataset: s.data,
      processor: s.processor,
      finishedAtMs: s.startedAtEpochMs + s.wallMs,
      rows: s.rows,
      rowsPerSecond: s.rowsPerSecond,
      strategy: s.strategy,
      workers: s.workers,
      chunking: s.chunking,
      chunkRows: s.chunkRows,
      chunkBytes: s.chunkBytes,
    });
  }
  return sortRuns(rows);
}

/** Newest first; equal times by id, so the order never flickers between refreshes. */
export function sortRuns(rows: RunRow[]): RunRow[] {
  return rows.sort((a, b) => b.finishedAtMs - a.finishedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** "64 KiB", "10,000 rows", "auto": the chunk size as the run chose it. */
export function chunkSizeText(row: Pick<RunRow, 'chunkBytes' | 'chunkRows' | 'chunking'>): string | undefined {
  if (row.chunking === 'auto') return 'auto';
  if (row.chunkBytes !== undefined) return formatBytes(row.chunkBytes);
  if (row.chunkRows !== undefined) return formatRows(row.chunkRows);
  return undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "14:05" for a run of today, "2026-12-01 14:05" otherwise (local time, the clock the user reads). */
export function whenText(ms: number, now: number): string {
  const d = new Date(ms);
  const n = new Date(now);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay = d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** The item's label: which processor ran on which dataset. */
export function runLabel(row: RunRow): string {
  return `${path.basename(row.processor)} on ${path.basename(row.dataset)}`;
}

/** "1.20M rows/s · byte-range · 64 KiB": what the run did, in the item's description. */
export function runFigures(row: RunRow): string {
  const parts: string[] = [];
  if (row.rowsPerSecond !== undefined) parts.push(`${formatCompact(row.rowsPerSecond)} rows/s`);
  if (row.strategy) parts.push(row.strategy);
  const size = chunkSizeText(row);
  if (size) parts.push(size);
  return parts.join(' · ');
}

export function runDescription(row: RunRow, now: number): string {
  const figures = runFigures(row);
  const when = whenText(row.finishedAtMs, now);
  return figures ? `${figures} · ${when}` : when;
}

const MISSING_TEXT: Record<MissingTimings, string> = {
  'not-written': 'No timings file was written for this run, so it has no report to open.',
  missing: 'Its timings file is gone, so this run has no report to open.',
  overwritten:
    'Its timings file now holds a later run of the same dataset and processor, so this run has no report to open.',
};

/** The hover: every field in full, and why there is nothing to open when there isn't. */
export function runTooltip(row: RunRow): string {
  const lines = [
    `Processor: ${row.processor}`,
    `Dataset: ${row.dataset}`,
    `Finished: ${new Date(row.finishedAtMs).toISOString()}`,
  ];
  if (row.rows !== undefined) lines.push(`Rows: ${formatInt(row.rows)}`);
  if (row.rowsPerSecond !== undefined) lines.push(`Rows/s: ${formatCompact(row.rowsPerSecond)}`);
  if (row.strategy) lines.push(`Strategy: ${row.strategy}`);
  if (row.workers !== undefined) lines.push(`Workers: ${row.workers}`);
  const size = chunkSizeText(row);
  if (size) lines.push(`Chunk size: ${size}`);
  if (row.timings) lines.push(`Timings: ${row.timings}`, '', 'Click to open the report.');
  else if (row.missing) lines.push('', MISSING_TEXT[row.missing]);
  return lines.join('\n');
}

/** The files Delete removes: the record, and the timings file when it is this run's (not a later run's). */
export function filesToDelete(row: RunRow): string[] {
  return [row.record, row.timings].filter((f): f is string => f !== undefined);
}

/** The runs "Compare with…" offers for `row`: others with a report, not the same timings file. */
export function compareCandidates(rows: readonly RunRow[], row: RunRow): RunRow[] {
  return rows.filter((r) => r.id !== row.id && r.timings !== undefined && r.timings !== row.timings);
}
