// What a file is, from its first bytes (magic numbers), not only from its name: a Parquet file
// named .csv must be reported as Parquet, never as a CSV parse error on binary bytes. Formats
// Chunkscope does not read yet are named, with what to do instead. gzip and zstd are read
// (read/compressed.ts); here they are only met inside another compressed layer.
import { ChunkscopeError } from '../base/errors';
import type { Compression, DatasetFormat } from '../model';

/** What the first bytes say. `text` is anything that is not a known binary format. */
export type SniffedKind =
  | 'text'
  | 'json-lines'
  | 'json-array'
  | 'json-object'
  | 'parquet'
  | 'arrow'
  | 'gzip'
  | 'zstd'
  | 'bzip2'
  | 'xz'
  | 'zip'
  | 'excel'
  | 'sqlite'
  | 'pdf'
  | 'utf16'
  | 'binary';

/** Enough bytes for every signature below and a look past leading white space in JSON. */
export const SNIFF_BYTES = 4096;

const startsWith = (head: Uint8Array, bytes: readonly number[], at = 0) =>
  head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The kind of data in a file whose first bytes are `head` (at most SNIFF_BYTES of them). */
export function sniff(head: Uint8Array): SniffedKind {
  if (startsWith(head, ascii('PAR1'))) return 'parquet';
  if (startsWith(head, ascii('ARROW1'))) return 'arrow';
  // Feather v1 (FEA1) is named by the Arrow reader, which says how to rewrite it as v2.
  if (startsWith(head, ascii('FEA1'))) return 'arrow';
  // An Arrow IPC stream (no file magic) starts with the continuation marker 0xFFFFFFFF.
  if (startsWith(head, [0xff, 0xff, 0xff, 0xff]) && head.length >= 8) return 'arrow';
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (startsWith(head, ascii('BZh'))) return 'bzip2';
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return hasText(head, 'xl/') ? 'excel' : 'zip';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'excel';
  if (startsWith(head, ascii('SQLite format 3\0'))) return 'sqlite';
  if (startsWith(head, ascii('%PDF-'))) return 'pdf';
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return 'utf16';
  let i = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (head[i] === 0x5b) return 'json-array';
  if (head[i] === 0x7b) return looksLikeJsonLines(head, i) ? 'json-lines' : 'json-object';
  // NUL bytes do not occur in CSV or JSON text: some other binary format.
  if (head.subarray(0, Math.min(head.length, 1024)).includes(0)) return 'binary';
  return 'text';
}

function hasText(head: Uint8Array, text: string): boolean {
  return Buffer.from(head.buffer, head.byteOffset, head.length).includes(text, 0, 'latin1');
}

/** `{…}\n{` within the first bytes: one object per line, not one object for the whole file. */
function looksLikeJsonLines(head: Uint8Array, at: number): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, head.length).toString('utf8', at);
  const firstLine = text.split('\n', 1)[0].trim();
  try {
    JSON.parse(firstLine);
    return true;
  } catch {
    // A first line that is not a whole object: a pretty-printed single object, or JSON Lines
    // whose first line is longer than the sniffed bytes. Only a complete line decides.
    return !text.includes('\n');
  }
}

const NAMES: Record<Exclude<SniffedKind, 'text' | 'json-lines' | 'json-array'>, string> = {
  'json-object': 'a JSON file holding one object',
  parquet: 'a Parquet file',
  arrow: 'an Arrow IPC (Feather v2) file',
  gzip: 'a gzip-compressed file',
  zstd: 'a zstd-compressed file',
  bzip2: 'a bzip2-compressed file',
  xz: 'an xz-compressed file',
  zip: 'a zip archive',
  excel: 'an Excel workbook',
  sqlite: 'an SQLite database',
  pdf: 'a PDF document',
  utf16: 'UTF-16 text',
  binary: 'a binary file (it has NUL bytes, which CSV and JSON text never have)',
};

const ADVICE: Partial<Record<SniffedKind, string>> = {
  'json-object':
    'Chunkscope reads rows as JSON Lines (one object per line) or a JSON array of objects; if the rows are inside this object, write them out that way (for example with jq -c)',
  arrow: 'Chunkscope reads Arrow IPC files as they are (their batches may be LZ4- or ZSTD-compressed inside)',
  parquet: 'Chunkscope reads Parquet files as they are (their pages are compressed inside)',
  gzip: 'Chunkscope reads one layer of compression; decompress the outer one first',
  zstd: 'Chunkscope reads one layer of compression; decompress the outer one first',
  bzip2: 'decompress it first (bunzip2 -k)',
  xz: 'decompress it first (xz -dk)',
  zip: 'extract the file you want to process from it',
  excel: 'save the sheet as CSV',
  utf16: 'save it as UTF-8 (CSV and JSON Lines are read as UTF-8)',
};

/**
 * The dataset format to read, from what the file holds; an error naming the format when it is one
 * Chunkscope does not read. `named` is what the file's name or `--format` says. For a compressed
 * file `head` is the start of the decompressed data and `compression` names the layer around it.
 */
export function formatFromContent(
  file: string,
  head: Uint8Array,
  named: DatasetFormat,
  explicit: boolean,
  compression: Compression = 'none',
): DatasetFormat {
  const kind = sniff(head);
  if (named === 'arrow' && kind !== 'arrow')
    throw new ChunkscopeError(
      'input',
      `${file} is not an Arrow IPC file: it does not start with the Arrow magic ARROW1${kind in NAMES ? ` (it is ${NAMES[kind as keyof typeof NAMES]})` : ''}`,
    );
  if (named === 'parquet' && kind !== 'parquet')
    throw new ChunkscopeError(
      'input',
      `${file} is not a Parquet file: it does not start with the Parquet magic PAR1${kind in NAMES ? ` (it is ${NAMES[kind as keyof typeof NAMES]})` : ''}`,
    );
  if (kind === 'text') return named;
  // Objects one per line are JSON Lines whatever the file is called (.json, .txt), unless the caller said otherwise.
  if (kind === 'json-lines') return explicit ? named : 'jsonl';
  // A JSON array of records, whatever the file is called, unless the caller said otherwise.
  if (kind === 'json-array') return explicit ? named : 'json';
  // A Parquet file is read as one whatever it is called or --format says: its bytes are not text.
  if (kind === 'parquet' && compression === 'none') return 'parquet';
  // Arrow too (an Arrow IPC stream or Feather v1 gets the Arrow reader's own message on how to convert it).
  if (kind === 'arrow' && compression === 'none') return 'arrow';
  if (explicit && kind === 'json-object' && named === 'jsonl') return named;
  const what = compression === 'none' ? NAMES[kind] : `${compression}-compressed, and inside it is ${NAMES[kind]}`;
  const advice = ADVICE[kind] ?? 'Chunkscope reads CSV, TSV, JSON Lines and JSON arrays of records';
  throw new ChunkscopeError(
    'input',
    `${file} is ${what}, not ${describe(named)}: ${compression === 'none' ? advice : `decompress it first; ${advice}`}.`,
  );
}

function describe(format: DatasetFormat): string {
  if (format === 'parquet') return 'a Parquet file';
  if (format === 'arrow') return 'an Arrow IPC file';
  return format === 'jsonl' ? 'JSON Lines text' : format === 'json' ? 'a JSON array' : 'CSV/TSV text';
}
