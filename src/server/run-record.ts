// Run records: a small file per finished run under `<workspace>/.chunkscope/runs/`, naming the
// processor and the dataset it read, so the language server knows a processor's data after a
// reload. This module defines the format and reads it; the engine and the extension do not write
// records yet (writeRunRecord is the writer they are to call; until then only tests write them).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const RUN_RECORD_FORMAT = 'chunkscope-run-record';
export const RUN_RECORD_VERSION = 1;
export const RUN_RECORD_DIR = path.join('.chunkscope', 'runs');

export interface RunRecord {
  format: typeof RUN_RECORD_FORMAT;
  version: number;
  /** Paths relative to the folder that holds `.chunkscope/` (posix separators), or absolute. */
  processor: string;
  dataset: string;
  /** ISO 8601: which record is the newest. */
  finishedAt: string;
  /** The run's timings file, when one was written. */
  timings?: string;
}

const toPosix = (p: string) => p.split(path.sep).join('/');

/** Writes `<root>/.chunkscope/runs/<processor>-<time>.run.json`; returns its path. */
export function writeRunRecord(
  root: string,
  run: { processor: string; dataset: string; finishedAt?: Date; timings?: string },
): string {
  const rel = (p: string) => toPosix(path.relative(root, path.resolve(root, p)));
  const finishedAt = (run.finishedAt ?? new Date()).toISOString();
  const record: RunRecord = {
    format: RUN_RECORD_FORMAT,
    version: RUN_RECORD_VERSION,
    processor: rel(run.processor),
    dataset: rel(run.dataset),
    finishedAt,
    ...(run.timings ? { timings: rel(run.timings) } : {}),
  };
  const dir = path.join(root, RUN_RECORD_DIR);
  fs.mkdirSync(dir, { recursive: true });
  const name = `${path.basename(run.processor).replace(/[^\w.-]+/g, '_')}-${finishedAt.replace(/[:.]/g, '-')}.run.json`;
  const file = path.join(dir, name);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(record, null, 2) + '\n');
  fs.renameSync(tmp, file);
  return file;
}

/** A record's fields checked; undefined for anything that is not a record of a version we read. */
export function decodeRunRecord(text: string): RunRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = value as Partial<RunRecord> | null;
  if (!r || r.format !== RUN_RECORD_FORMAT || typeof r.version !== 'number' || r.version > RUN_RECORD_VERSION)
    return undefined;
  if (typeof r.processor !== 'string' || typeof r.dataset !== 'string' || typeof r.finishedAt !== 'string')
    return undefined;
  if (Number.isNaN(Date.parse(r.finishedAt))) return undefined;
  return r as RunRecord;
}

/** The dataset of the newest readable record of `processor` under `root`, as an absolute path. */
export function newestRunDataset(root: string, processor: string): string | undefined {
  const dir = path.join(root, RUN_RECORD_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.run.json'));
  } catch {
    return undefined;
  }
  const target = path.resolve(processor);
  let best: { at: number; dataset: string } | undefined;
  for (const name of names) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, name), 'utf8');
    } catch {
      continue;
    }
    const record = decodeRunRecord(text);
    if (!record || path.resolve(root, record.processor) !== target) continue;
    const at = Date.parse(record.finishedAt);
    if (!best || at > best.at) best = { at, dataset: path.resolve(root, record.dataset) };
  }
  return best?.dataset;
}
