// The rules every Chunkscope file follows (timings, sweep, tuning): a JSON object that starts with
// "format" (which file it is) and "version" (of that file's layout). A reader takes its own
// format at any version up to the one it knows, a legacy file (written before these fields
// existed, recognised by its shape), and rejects everything else with an error naming the file.
// Pure: no Node imports, so the browser report page may use it too.
import { ChunkscopeError } from './errors';

export interface FileFormatSpec {
  /** The "format" value, e.g. "chunkscope-timings". */
  format: string;
  /** The newest version this build reads and the one it writes. */
  version: number;
  /** Words for errors: "timings file". */
  noun: string;
  /** Who writes such files, for errors: 'as written by "chunkscope run --timings" or the VS Code extension'. */
  writtenBy: string;
  /** A file from before "format" (and "version") existed, recognised by its shape; read as version 0. */
  isLegacy(value: Record<string, unknown>): boolean;
}

/** A file of the right format from a newer Chunkscope: its fix is an update, not an edit. */
export class NewerFileError extends ChunkscopeError {
  constructor(message: string) {
    super('input', message);
  }
}

export interface DecodedFile {
  /** The file's fields without "format" and "version". */
  body: Record<string, unknown>;
  /** The file's version; 0 for a legacy file. */
  version: number;
}

/** Parses `text` and checks its format and version against `spec`; `fileName` names it in errors. */
export function decodeVersionedJson(text: string, fileName: string, spec: FileFormatSpec): DecodedFile {
  const what = `a Chunkscope ${spec.noun}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ChunkscopeError(
      'input',
      `${fileName} is not ${what}: it is not valid JSON (${(err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ')})`,
    );
  }
  const expected = `expected "format": "${spec.format}", ${spec.writtenBy}`;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    const holds = Array.isArray(value)
      ? 'a JSON array'
      : `the JSON value ${String(JSON.stringify(value)).slice(0, 40)}`;
    throw new ChunkscopeError('input', `${fileName} is not ${what}: it holds ${holds}; ${expected}`);
  }
  const { format, version, ...body } = value as Record<string, unknown>;
  if (format !== spec.format) {
    if (spec.isLegacy(value as Record<string, unknown>)) return { body: value as Record<string, unknown>, version: 0 };
    throw new ChunkscopeError(
      'input',
      `${fileName} is not ${what}: ${describeOther(value as Record<string, unknown>)}; ${expected}`,
    );
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ChunkscopeError(
      'input',
      `${fileName} is not a valid Chunkscope ${spec.noun}: "version" is ${JSON.stringify(version) ?? 'missing'}, expected a whole number from 1`,
    );
  }
  if (version > spec.version) {
    throw new NewerFileError(
      `${fileName} was written by a newer Chunkscope (${spec.noun} version ${version}; this Chunkscope reads up to version ${spec.version}): update Chunkscope to read it`,
    );
  }
  return { body, version };
}

/** The file's text: "format" and "version" first, then `body` (any "format"/"version" of its own are replaced). */
export function encodeVersionedJson(
  body: object,
  spec: Pick<FileFormatSpec, 'format' | 'version'>,
  indent: number,
): string {
  const { format: _format, version: _version, ...rest } = body as Record<string, unknown>;
  return JSON.stringify({ format: spec.format, version: spec.version, ...rest }, null, indent) + '\n';
}

/** What a JSON object that is not the expected file seems to be, for the error. */
function describeOther(value: Record<string, unknown>): string {
  const { format, kind } = value;
  if (typeof format === 'string' && format.startsWith('chunkscope-'))
    return `it is a Chunkscope ${format.slice('chunkscope-'.length)} file ("format": "${format}")`;
  if (kind === 'sweep' || kind === 'tune') return `it is a Chunkscope ${kind} report ("kind": "${kind}")`;
  if (typeof format === 'string') return `its "format" is ${JSON.stringify(format.slice(0, 60))}`;
  return 'it has no "format" and is not an older Chunkscope file either';
}
