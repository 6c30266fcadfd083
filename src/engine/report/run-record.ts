// Run records: one small file per finished run under `<project>/.chunkscope/runs/*.run.json`,
// naming the processor (and its hash), the dataset, how it ran and what a row cost. The CLI and
// the extension write them through writeRunRecord; the language server reads them (pairing,
// lenses) through readRunRecords, so what an editor shows survives a reload and a CLI run.
//
// Where: the processor's project folder (runRecordRoot): the nearest folder above the processor
// holding package.json or .git, else the processor's own folder. One rule for every face, so a
// record written by `chunkscope run` is where the editor looks.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../base/atomic-file';
import { ChunkscopeError } from '../base/errors';
import { decodeVersionedJson, encodeVersionedJson, type FileFormatSpec } from '../base/versioned-json';
import type { DatasetFormat, RowShape, RunOptions, RunReport, Strategy, TypeMode } from '../model';
import { DEFAULTS } from '../options';
import { medianMicrosPerRow } from './derive';

export const RUN_RECORD_FORMAT = 'chunkscope-run-record';
/** The run record layout this build writes and the newest it reads. */
export const RUN_RECORD_VERSION = 1;
export const RUN_RECORDS_DIR = DEFAULTS.runRecords.dir;
export const RUN_RECORD_SUFFIX = '.run.json';

export interface RunRecord {
  /** Absolute paths in memory; in the file, relative to the folder holding `.chunkscope/` when inside it (posix separators). */
  processor: string;
  /** SHA-256 of the processor file as it ran: a lens can tell the figures are of an older version. */
  processorSha256?: string;
  dataset: string;
  dataBytes?: number;
  dataMtimeMs?: number;
  dataFormat?: DatasetFormat;
  /** ISO 8601: which record is the newest. */
  finishedAt: string;
  rows?: number;
  /** The median chunk's compute time per row, µs (the lens figure). */
  usPerRowP50?: number;
  strategy?: Strategy;
  workers?: number;
  chunking?: 'auto' | 'fixed';
  chunkRows?: number;
  chunkBytes?: number;
  /** The run's timings file and CPU profiles, when written. */
  timings?: string;
  profiles?: string[];
  /** Dataset options the run was given, so a reader of the head reads it the same way. */
  delimiter?: string;
  header?: boolean;
  rowShape?: RowShape;
  types?: TypeMode;
}

/** A record read from disk: its fields (paths absolute) and its file. */
export interface StoredRunRecord extends RunRecord {
  file: string;
}

const SPEC: FileFormatSpec = {
  format: RUN_RECORD_FORMAT,
  version: RUN_RECORD_VERSION,
  noun: 'run record',
  writtenBy: 'as written by "chunkscope run" or the VS Code extension',
  isLegacy: () => false,
};

/** The folder whose `.chunkscope/runs/` holds `processor`'s records: nearest package.json or .git, else its folder. */
export function runRecordRoot(processor: string): string {
  const start = path.dirname(path.resolve(processor));
  for (let dir = start; ;) {
    if (existsSync(path.join(dir, 'package.json')) || existsSync(path.join(dir, '.git'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

function sha256Of(file: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

type DatasetReadOptions = Pick<RunOptions, 'delimiter' | 'header' | 'rowShape' | 'types'>;

/** The record of a finished run (absolute paths). */
export function runRecordOf(
  report: RunReport,
  extras: { timings?: string; options?: DatasetReadOptions; finishedAt?: Date } = {},
): RunRecord {
  const s = report.summary;
  const processor = path.resolve(s.processor);
  const dataset = path.resolve(s.data);
  let data: { size: number; mtimeMs: number } | undefined;
  try {
    data = statSync(dataset);
  } catch {
    data = undefined;
  }
  const usPerRow = medianMicrosPerRow(report.chunks);
  const o = extras.options ?? {};
  const record: RunRecord = {
    processor,
    processorSha256: sha256Of(processor),
    dataset,
    dataBytes: data?.size,
    dataMtimeMs: data?.mtimeMs,
    dataFormat: s.format,
    finishedAt: (extras.finishedAt ?? new Date()).toISOString(),
    rows: s.rows,
    usPerRowP50: usPerRow,
    strategy: s.strategy,
    workers: s.workers,
    chunking: s.chunking,
    chunkRows: s.chunkRows,
    chunkBytes: s.chunkBytes,
    timings: extras.timings ? path.resolve(extras.timings) : undefined,
    profiles: report.profiles?.map((p) => path.resolve(p.file)),
    delimiter: o.delimiter,
    header: o.header,
    rowShape: o.rowShape,
    types: o.types,
  };
  return dropUndefined(record);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const toPosix = (p: string) => p.split(path.sep).join('/');

/** `p` relative to `root` when inside it (posix separators), else absolute. */
function relativeTo(root: string, p: string): string {
  const rel = path.relative(root, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? toPosix(rel) : p;
}

export function encodeRunRecord(record: RunRecord, root: string): string {
  const rel = (p: string) => relativeTo(root, path.resolve(root, p));
  return encodeVersionedJson(
    {
      ...record,
      processor: rel(record.processor),
      dataset: rel(record.dataset),
      ...(record.timings ? { timings: rel(record.timings) } : {}),
      ...(record.profiles ? { profiles: record.profiles.map(rel) } : {}),
    },
    SPEC,
    2,
  );
}

const STRING_FIELDS = ['processorSha256', 'dataFormat', 'strategy', 'chunking', 'delimiter', 'rowShape', 'types'];
const NUMBER_FIELDS = ['dataBytes', 'dataMtimeMs', 'rows', 'usPerRowP50', 'workers', 'chunkRows', 'chunkBytes'];

/** A record's text decoded with paths made absolute against `root`; a ChunkscopeError naming `fileName` otherwise. */
export function decodeRunRecord(text: string, fileName: string, root: string): RunRecord {
  const { body } = decodeVersionedJson(text, fileName, SPEC);
  const bad = (field: string, what: string) =>
    new ChunkscopeError('input', `${fileName} is not a valid Chunkscope run record: "${field}" ${what}`);
  for (const field of ['processor', 'dataset', 'finishedAt'])
    if (typeof body[field] !== 'string' || body[field] === '') throw bad(field, 'is not a path or date');
  if (Number.isNaN(Date.parse(body.finishedAt as string))) throw bad('finishedAt', 'is not an ISO 8601 date');
  const abs = (p: string) => path.resolve(root, p);
  const record: RunRecord = {
    processor: abs(body.processor as string),
    dataset: abs(body.dataset as string),
    finishedAt: body.finishedAt as string,
  };
  const out = record as unknown as Record<string, unknown>;
  // Optional fields of the wrong type are dropped, not fatal: the pairing needs only the paths.
  for (const f of STRING_FIELDS) if (typeof body[f] === 'string') out[f] = body[f];
  for (const f of NUMBER_FIELDS) if (typeof body[f] === 'number' && Number.isFinite(body[f])) out[f] = body[f];
  if (typeof body.header === 'boolean') record.header = body.header;
  if (typeof body.timings === 'string') record.timings = abs(body.timings);
  if (Array.isArray(body.profiles) && body.profiles.every((p) => typeof p === 'string'))
    record.profiles = (body.profiles as string[]).map(abs);
  return record;
}

/** The start of a record's file name: the processor's file name, in safe characters. */
const fileStem = (processor: string) => path.basename(processor).replace(/[^\w.-]+/g, '_');

/**
 * The records under `<root>/.chunkscope/runs/` (of `processor` only, when given), newest first.
 * Files that are not records of a version this build reads are skipped: a junk file in the folder
 * must not hide the others.
 */
export function readRunRecords(root: string, processor?: string): StoredRunRecord[] {
  const dir = path.join(root, RUN_RECORDS_DIR);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(RUN_RECORD_SUFFIX));
  } catch {
    return [];
  }
  const target = processor === undefined ? undefined : path.resolve(processor);
  // Names start with the processor's file name: only those files are read (the server asks per request).
  const prefix = target === undefined ? '' : `${fileStem(target)}-`;
  const records: StoredRunRecord[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const file = path.join(dir, name);
    try {
      const record = decodeRunRecord(readFileSync(file, 'utf8'), file, root);
      if (target === undefined || record.processor === target) records.push({ ...record, file });
    } catch {
      continue;
    }
  }
  return records.sort((a, b) => Date.parse(b.finishedAt) - Date.parse(a.finishedAt) || (b.file < a.file ? -1 : 1));
}

/** The newest record of `processor` in its record root or any of `roots` (workspace folders). */
export function newestRunRecord(processor: string, roots: readonly string[] = []): StoredRunRecord | undefined {
  const places = [...new Set([runRecordRoot(processor), ...roots.map((r) => path.resolve(r))])];
  let best: StoredRunRecord | undefined;
  for (const root of places) {
    const first = readRunRecords(root, processor)[0];
    if (first && (!best || Date.parse(first.finishedAt) > Date.parse(best.finishedAt))) best = first;
  }
  return best;
}

/**
 * Writes `record` as `<root>/.chunkscope/runs/<processor>-<time>.run.json` (atomically) and
 * deletes the processor's records past the newest `keep`; returns the new file's path.
 */
export function saveRunRecord(
  root: string,
  record: RunRecord,
  keep: number = DEFAULTS.runRecords.keepPerProcessor,
): string {
  const resolved = { ...record, processor: path.resolve(root, record.processor) };
  const stamp = record.finishedAt.replace(/[:.]/g, '-');
  const unique = `${process.pid.toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
  const name = `${fileStem(resolved.processor)}-${stamp}-${unique}${RUN_RECORD_SUFFIX}`;
  const file = path.join(root, RUN_RECORDS_DIR, name);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (error) {
    throw new ChunkscopeError('io', `Cannot write the run record ${file}: ${(error as Error).message}`);
  }
  writeFileAtomic(file, encodeRunRecord(resolved, root));
  for (const old of readRunRecords(root, resolved.processor).slice(keep)) rmSync(old.file, { force: true });
  return file;
}

/** Records a finished run for the editor: `<runRecordRoot(processor)>/.chunkscope/runs/…`; returns the file. */
export function writeRunRecord(
  report: RunReport,
  extras: { timings?: string; options?: DatasetReadOptions; root?: string } = {},
): string {
  const record = runRecordOf(report, extras);
  return saveRunRecord(extras.root ?? runRecordRoot(record.processor), record);
}
