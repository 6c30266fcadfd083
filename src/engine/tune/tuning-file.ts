// The tuning file (`.chunkscope/tuning.json`, written by `chunkscope tune --save`): the saved
// settings per dataset + processor, headed by "format": "chunkscope-tuning" and "version". Files
// from before "format" existed ({"version": 1, "entries": {…}}) still read; saving rewrites them.
import { existsSync } from 'node:fs';
import { writeFileAtomic } from '../base/atomic-file';
import { ChunkscopeError } from '../base/errors';
import { readTextFile } from '../base/read-text-file';
import { decodeVersionedJson, encodeVersionedJson, NewerFileError, type FileFormatSpec } from '../base/versioned-json';
import type { SavedTuning } from '../model/sweep';

export const TUNING_FORMAT = 'chunkscope-tuning';
/** The tuning file layout this build writes and the newest it reads. */
export const TUNING_VERSION = 1;

const SPEC: FileFormatSpec = {
  format: TUNING_FORMAT,
  version: TUNING_VERSION,
  noun: 'tuning file',
  writtenBy: 'as written by "chunkscope tune --save"',
  // The first tuning files had a version but no format: {"version": 1, "entries": {…}}.
  isLegacy: (v) => v.format === undefined && v.version === 1 && isObject(v.entries),
};

export function encodeTuning(saved: SavedTuning): string {
  return encodeVersionedJson(saved, SPEC, 2);
}

/** The saved tuning in a tuning file's text; `fileName` names it in errors. */
export function decodeTuning(text: string, fileName: string): SavedTuning {
  const { body } = decodeVersionedJson(text, fileName, SPEC);
  if (!isObject(body.entries))
    throw new ChunkscopeError('input', `${fileName} is not a valid Chunkscope tuning file: "entries" is not an object`);
  return { version: 1, entries: body.entries as SavedTuning['entries'] };
}

/** The saved tuning in `file`; no file is no saved tuning. A file that cannot be used is an error saying to fix or delete it. */
export function readTuningFile(file: string): SavedTuning {
  if (!existsSync(file)) return { version: 1, entries: {} };
  try {
    return decodeTuning(readTextFile(file, 'tuning file'), file);
  } catch (err) {
    if (err instanceof ChunkscopeError && !(err instanceof NewerFileError))
      throw new ChunkscopeError(err.code, `${err.message}; fix or delete it`);
    throw err;
  }
}

/** Writes `saved` to `file` as a tuning file, atomically. */
export function writeTuningFile(file: string, saved: SavedTuning): void {
  writeFileAtomic(file, encodeTuning(saved));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
