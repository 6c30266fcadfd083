// The timings file (`*.timings.json`): a run's RunReport as JSON, headed by
// "format": "chunkscope-timings" and "version". Every writer (CLI, VS Code extension, `profile`)
// and every reader (report, compare, Show Report) goes through encodeTimings/decodeTimings.
// Pure: no Node imports, so the browser report page may use it too (Node file I/O: timings-file.ts).
import type { RunReport } from '../model';
import { ChunkscopeError } from '../base/errors';
import { decodeVersionedJson, encodeVersionedJson, type FileFormatSpec } from '../base/versioned-json';

export const TIMINGS_FORMAT = 'chunkscope-timings';
/** The timings layout this build writes and the newest it reads. */
export const TIMINGS_VERSION = 1;
/** One space: chunk records make these files long, and one space keeps them readable. */
const INDENT = 1;

const SPEC: FileFormatSpec = {
  format: TIMINGS_FORMAT,
  version: TIMINGS_VERSION,
  noun: 'timings file',
  writtenBy: 'as written by "chunkscope run --timings" or the VS Code extension',
  // Until format/version were added the file was the bare RunReport: "summary" and "chunks" at the top.
  isLegacy: (v) => v.format === undefined && v.version === undefined && isObject(v.summary) && Array.isArray(v.chunks),
};

/** The timings file's text for `report`. */
export function encodeTimings(report: RunReport): string {
  return encodeVersionedJson(report, SPEC, INDENT);
}

/** The RunReport in a timings file's text (this version or older, legacy files included); `fileName` names it in errors. */
export function decodeTimings(text: string, fileName: string): RunReport {
  const { body } = decodeVersionedJson(text, fileName, SPEC);
  const summary = body.summary as Record<string, unknown> | undefined;
  if (!isObject(summary) || !Array.isArray(body.chunks)) {
    throw new ChunkscopeError(
      'input',
      `${fileName} is not a valid Chunkscope timings file: it needs "summary" and a "chunks" list`,
    );
  }
  for (const key of ['data', 'processor', 'strategy'] as const) {
    if (typeof summary[key] !== 'string')
      throw new ChunkscopeError(
        'input',
        `${fileName} is not a valid Chunkscope timings file: "summary.${key}" is not text`,
      );
  }
  // Fields older writers may have left out; added after the others, so the key order stays the file's.
  const report = { ...body } as unknown as RunReport;
  report.errors ??= [];
  report.mainPhases ??= [];
  report.warnings ??= [];
  report.hasResult ??= false;
  return report;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
