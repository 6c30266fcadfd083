// The saved sweep (`*.sweep.json`, from `chunkscope sweep --out` or VS Code's sweep): a SweepReport
// as JSON, headed by "format": "chunkscope-sweep" and "version". In the file the dataset's format
// ("csv", "jsonl"), SweepReport.format in memory, is written as "dataFormat", since "format" names
// the file's own format. Legacy files (no "format"/"version" of their own, "kind": "sweep") still read.
import { writeFileAtomic } from '../base/atomic-file';
import { ChunkscopeError } from '../base/errors';
import { readTextFile } from '../base/read-text-file';
import { decodeVersionedJson, encodeVersionedJson, type FileFormatSpec } from '../base/versioned-json';
import type { SweepReport } from '../model/sweep';

export const SWEEP_FORMAT = 'chunkscope-sweep';
/** The sweep file layout this build writes and the newest it reads. */
export const SWEEP_VERSION = 1;

const SPEC: FileFormatSpec = {
  format: SWEEP_FORMAT,
  version: SWEEP_VERSION,
  noun: 'sweep file',
  writtenBy: 'as written by "chunkscope sweep --out" or the VS Code extension',
  // Until format/version were added: the bare SweepReport, "kind": "sweep" and the dataset's "format".
  isLegacy: (v) =>
    v.kind === 'sweep' &&
    v.version === undefined &&
    (v.format === undefined || v.format === 'csv' || v.format === 'jsonl'),
};

/** The sweep file's text for `report` (one-space indent, as the timings file). */
export function encodeSweep(report: SweepReport): string {
  // "dataFormat" takes "format"'s place, beside "data" and "processor".
  const body = Object.fromEntries(
    Object.entries(report).map(([key, value]) => [key === 'format' ? 'dataFormat' : key, value]),
  );
  return encodeVersionedJson(body, SPEC, 1);
}

/** The SweepReport in a sweep file's text (this version or older, legacy files included); `fileName` names it in errors. */
export function decodeSweep(text: string, fileName: string): SweepReport {
  const { body, version } = decodeVersionedJson(text, fileName, SPEC);
  if (version > 0) {
    const report = Object.fromEntries(
      Object.entries(body).map(([key, value]) => [key === 'dataFormat' ? 'format' : key, value]),
    );
    return checkSweepReport(report, fileName);
  }
  return checkSweepReport(body, fileName);
}

/** True when the JSON in `text` says it is a sweep (either layout); anything else, JSON or not, is not. */
export function isSweepText(text: string): boolean {
  // Files this build writes say what they are first: no need to parse a long timings file twice.
  const head = /^\s*\{\s*"format"\s*:\s*"([^"\\]*)"/.exec(text.slice(0, 200));
  if (head) return head[1] === SWEEP_FORMAT;
  try {
    const v = JSON.parse(text) as Record<string, unknown> | null;
    return !!v && typeof v === 'object' && (v.format === SWEEP_FORMAT || v.kind === 'sweep');
  } catch {
    return false;
  }
}

/** Checks that `value` is a sweep report (as `chunkscope sweep` makes it); `where` names its source in the error. */
export function checkSweepReport(value: unknown, where: string): SweepReport {
  const fail = (message: string): never => {
    throw new ChunkscopeError('input', message);
  };
  const r = value as Partial<SweepReport> | null;
  if (!r || typeof r !== 'object' || r.kind !== 'sweep')
    fail(`${where} is not a sweep report (expected "kind": "sweep")`);
  if (!Array.isArray(r!.points)) fail(`${where} is not a sweep report: "points" is not a list`);
  const g = r!.grid;
  if (
    !g ||
    (g.axis !== 'rows' && g.axis !== 'bytes') ||
    !Array.isArray(g.sizes) ||
    !Array.isArray(g.workers) ||
    !Array.isArray(g.strategies)
  ) {
    fail(
      `${where} is not a sweep report: "grid" needs axis "rows" or "bytes" and lists of sizes, workers and strategies`,
    );
  }
  if (!r!.sample || typeof r!.sample.rows !== 'number' || typeof r!.sample.bytes !== 'number')
    fail(`${where} is not a sweep report: "sample" needs rows and bytes`);
  r!.points!.forEach((p, i) => {
    if (
      !p ||
      typeof p.key !== 'string' ||
      typeof p.workers !== 'number' ||
      !p.rowsPerSecond ||
      !Array.isArray(p.rowsPerSecond.ci95) ||
      !Array.isArray(p.repeats)
    ) {
      fail(`${where}: point ${i} is not a measured sweep point (needs key, workers, rowsPerSecond with ci95, repeats)`);
    }
  });
  return r as SweepReport;
}

/** Writes `report` to `file` as a sweep file, atomically. */
export function writeSweepFile(file: string, report: SweepReport): void {
  writeFileAtomic(file, encodeSweep(report));
}

/** Reads and checks a sweep file; a missing or unreadable file is a ChunkscopeError naming it. */
export function readSweepFile(file: string): SweepReport {
  return decodeSweep(readTextFile(file, 'sweep file'), file);
}

/** True when `file` holds a sweep (either layout); a missing or unreadable file is not one. */
export function isSweepFile(file: string): boolean {
  try {
    return isSweepText(readTextFile(file, 'sweep file'));
  } catch {
    return false;
  }
}
