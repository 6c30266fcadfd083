// Looks at the start of a dataset: format, delimiter, header, where data begins, a sample of rows
// and which columns are numeric. Reads only the first bytes, never the whole file.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { countLines, scanCsv, type ScanResult } from '../parse/csv-scan';
import { ChunkscopeError } from '../base/errors';
import { isNumericText } from '../parse/row-shape';
import type { Compression, DatasetFormat } from '../model';
import { formatFromContent, SNIFF_BYTES } from './sniff';
import { compressionOf, inDecompressedTerms, inspectCompressed, innerName } from './compressed';
import { jsonErrorPosition, jsonErrorReason, scanJsonArray, UNPARSED } from '../parse/json-array-scan';
import { isTableFormat, openTable } from './open-table';
import type { TableLayout } from './table';

export interface DatasetInfo {
  path: string;
  format: DatasetFormat;
  delimiter: string;
  /** Column names; for files without a header, c1..cN. */
  header: string[];
  hasHeader: boolean;
  sizeBytes: number;
  /** Byte offset of the first data row (after a BOM and the header). */
  dataStart: number;
  /** 1-based physical line on which the data section starts. */
  dataStartLine: number;
  sampleRows: string[][];
  /** Columns whose sampled values are all numbers (empty values allowed). */
  numericColumns: string[];
  /** JSON Lines / JSON arrays: the first records as parsed (typed values), for column profiles. */
  sampleRecords?: Record<string, unknown>[];
  /** Mean bytes per data row in the sample: turns row counts into byte budgets. */
  meanRowBytes: number;
  /**
   * How the file's bytes are stored (absent: 'none'). When compressed, every byte offset here
   * (sizeBytes, dataStart) is one of the decompressed data, and `compressed` says what is known of it.
   */
  compression?: Compression;
  compressed?: {
    /** The file's size on disk. */
    bytes: number;
    /** sizeBytes is exact (BGZF index, or the whole stream was decompressed) or an estimate from the sampled prefix. */
    sizeExact: boolean;
    /** BGZF: the block index byte-range reads use. */
    bgzf?: import('./compressed').BgzfIndex;
  };
  /** Typed tables (Parquet): the file's columns and units (row groups) from its footer, for the planner. */
  table?: TableLayout;
}

const SAMPLE_BYTES = 1 << 20;
const FIRST_SAMPLE_BYTES = 96 * 1024;
const SAMPLE_ROWS = 1000;
/** JSON records kept as parsed for column profiles (the keys come from all SAMPLE_ROWS). */
const SAMPLE_RECORDS = 200;

export function formatOf(file: string, explicit?: DatasetFormat): DatasetFormat {
  if (explicit) return explicit;
  const ext = path.extname(innerName(file)).toLowerCase();
  // A .json file is taken for a JSON array here; its content decides in the end (read/sniff.ts).
  if (ext === '.json') return 'json';
  if (ext === '.parquet' || ext === '.parq') return 'parquet';
  if (ext === '.arrow' || ext === '.feather' || ext === '.ipc') return 'arrow';
  return ext === '.jsonl' || ext === '.ndjson' ? 'jsonl' : 'csv';
}

export function delimiterOf(file: string, explicit?: string): string {
  if (explicit !== undefined) {
    const d = explicit === '\\t' || explicit === 'tab' ? '\t' : explicit;
    if (d.length !== 1 || d === '"' || d === '\n' || d === '\r') {
      throw new ChunkscopeError(
        'usage',
        `--delimiter must be one character other than a quote or newline, got ${JSON.stringify(explicit)}`,
      );
    }
    return d;
  }
  return path.extname(innerName(file)).toLowerCase() === '.tsv' ? '\t' : ',';
}

export async function inspectDataset(
  file: string,
  opts: { delimiter?: string; header?: boolean; format?: DatasetFormat } = {},
): Promise<DatasetInfo> {
  const named = formatOf(file, opts.format);
  const delimiter = delimiterOf(file, opts.delimiter);
  let handle;
  try {
    handle = await fsp.open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new ChunkscopeError('input', `Cannot read dataset ${file}: ${why}`);
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) throw new ChunkscopeError('input', `Dataset ${file} is empty (0 bytes): nothing to process`);
    const head = Buffer.alloc(Math.min(size, SNIFF_BYTES));
    await handle.read(head, 0, head.length, 0);
    const compression = compressionOf(head);
    if (compression !== 'none') {
      // The decompressed prefix is inspected as the file itself would be; offsets are decompressed ones.
      const { prefix, atEnd, dataSize, ...compressed } = await inspectCompressed(
        file,
        compression,
        size,
        SAMPLE_BYTES,
      ).catch((error: unknown) => {
        // Damage within the inspected prefix is found before the run starts: say that nothing ran.
        if (error instanceof ChunkscopeError && error.code === 'data')
          throw new ChunkscopeError(
            'data',
            `${error.message}; found while inspecting the start of the file, before any row was processed (no output was written)`,
          );
        throw error;
      });
      const format = formatFromContent(
        file,
        prefix.subarray(0, SNIFF_BYTES),
        named,
        opts.format !== undefined,
        compression,
      );
      if (prefix.length === 0)
        throw new ChunkscopeError('input', `Dataset ${file} is empty once decompressed: nothing to process`);
      try {
        return {
          ...inspectText(file, format, prefix, dataSize, atEnd, delimiter, opts.header),
          compression,
          compressed,
        };
      } catch (error) {
        throw inDecompressedTerms(error);
      }
    }
    const format = formatFromContent(file, head, named, opts.format !== undefined);
    if (isTableFormat(format)) return inspectTable(file, format, size);
    // Most CSV files show their whole sample in the first FIRST_SAMPLE_BYTES; text over ~128 KiB is
    // dearer per byte to decode (chunk-parse.ts), and this is on every run's start-up path.
    for (const sampleBytes of format === 'csv' && size > FIRST_SAMPLE_BYTES
      ? [FIRST_SAMPLE_BYTES, SAMPLE_BYTES]
      : [SAMPLE_BYTES]) {
      const buffer = Buffer.alloc(Math.min(size, sampleBytes));
      await handle.read(buffer, 0, buffer.length, 0);
      const bom = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
      const atEof = buffer.length === size;
      const text = buffer.toString('utf8', bom);
      const plain = { compression: 'none' as const };
      if (format === 'jsonl') return { ...inspectJsonLines(file, text, bom, size, atEof), ...plain };
      if (format === 'json') return { ...inspectJsonArray(file, text, bom, size, atEof), ...plain };
      const sample = scanSample(text, atEof, delimiter);
      if (sample.full || sampleBytes === SAMPLE_BYTES)
        return { ...inspectCsv(file, text, bom, size, delimiter, opts.header !== false, sample), ...plain };
    }
    throw new Error('unreachable: the last sample size always returns');
  } finally {
    await handle.close();
  }
}

/** The dataset's facts from its first bytes `buffer` (all of it when `atEof`), of `size` bytes in all. */
function inspectText(
  file: string,
  format: DatasetFormat,
  buffer: Buffer,
  size: number,
  atEof: boolean,
  delimiter: string,
  header: boolean | undefined,
): Omit<DatasetInfo, 'compression'> {
  const bom = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf ? 3 : 0;
  const text = buffer.toString('utf8', bom);
  if (format === 'jsonl') return inspectJsonLines(file, text, bom, size, atEof);
  if (format === 'json') return inspectJsonArray(file, text, bom, size, atEof);
  return inspectCsv(file, text, bom, size, delimiter, header !== false, scanSample(text, atEof, delimiter));
}

interface CsvSample {
  records: string[][];
  starts: number[];
  scan: ScanResult;
  /** Every record the sample takes was found (a header and SAMPLE_ROWS rows). */
  full: boolean;
}

function scanSample(text: string, atEof: boolean, delimiter: string): CsvSample {
  const records: string[][] = [];
  const starts: number[] = [];
  const scan = scanCsv(text, 0, text.length, delimiter.charCodeAt(0), atEof, {
    record: (fields, start) => {
      records.push(fields.slice());
      starts.push(start);
      return records.length <= SAMPLE_ROWS;
    },
  });
  return { records, starts, scan, full: records.length > SAMPLE_ROWS };
}

function inspectCsv(
  file: string,
  text: string,
  bom: number,
  size: number,
  delimiter: string,
  hasHeader: boolean,
  sample: CsvSample,
): Omit<DatasetInfo, 'compression'> {
  const { records, starts, scan } = sample;
  if (scan.unterminatedQuoteAt !== undefined && records.length === 0) {
    throw new ChunkscopeError(
      'data',
      `${file}: unterminated quoted field starting at line 1, byte ${bom + scan.unterminatedQuoteAt}`,
    );
  }
  if (records.length === 0) throw new ChunkscopeError('input', `Dataset ${file} has no rows (only blank lines)`);
  const header = hasHeader ? records[0] : records[0].map((_, i) => `c${i + 1}`);
  const headerEndChar = hasHeader ? (starts[1] ?? scan.stop) : 0;
  const dataStart = bom + Buffer.byteLength(text.slice(0, headerEndChar), 'utf8');
  const sampleRows = records.slice(hasHeader ? 1 : 0, SAMPLE_ROWS + (hasHeader ? 1 : 0));
  const sampledChars =
    sampleRows.length > 0 ? (starts[sampleRows.length + (hasHeader ? 1 : 0)] ?? scan.stop) - headerEndChar : 0;
  const sampledBytes = Buffer.byteLength(text.slice(headerEndChar, headerEndChar + sampledChars), 'utf8');
  const numericColumns = header.filter((_, c) => {
    let seen = false;
    for (const row of sampleRows) {
      const value = row[c];
      if (value === undefined || value === '') continue;
      if (!isNumericText(value)) return false;
      seen = true;
    }
    return seen;
  });
  return {
    path: file,
    format: 'csv',
    delimiter,
    header,
    hasHeader,
    sizeBytes: size,
    dataStart,
    dataStartLine: 1 + countLines(text, 0, headerEndChar),
    sampleRows,
    numericColumns,
    meanRowBytes: sampleRows.length > 0 ? sampledBytes / sampleRows.length : 64,
  };
}

function inspectJsonLines(
  file: string,
  text: string,
  bom: number,
  size: number,
  atEof: boolean,
): Omit<DatasetInfo, 'compression'> {
  const lines = text.split('\n');
  if (!atEof) lines.pop();
  const sample = lines.filter((line) => line.trim() !== '').slice(0, SAMPLE_ROWS);
  const keys = new Set<string>();
  const sampleRecords: Record<string, unknown>[] = [];
  for (const line of sample) {
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const key of Object.keys(value)) keys.add(key);
        if (sampleRecords.length < SAMPLE_RECORDS) sampleRecords.push(value as Record<string, unknown>);
      }
    } catch {
      break;
    }
  }
  const sampledBytes = Buffer.byteLength(sample.join('\n'), 'utf8') + sample.length;
  return {
    path: file,
    format: 'jsonl',
    delimiter: '\n',
    header: [...keys],
    hasHeader: false,
    sizeBytes: size,
    dataStart: bom,
    dataStartLine: 1,
    sampleRows: [],
    numericColumns: [],
    sampleRecords,
    meanRowBytes: sample.length > 0 ? sampledBytes / sample.length : 64,
  };
}

/** A JSON array of records: the header is the union of the first records' keys. */
function inspectJsonArray(
  file: string,
  text: string,
  bom: number,
  size: number,
  atEof: boolean,
): Omit<DatasetInfo, 'compression'> {
  const open = text.search(/\S/);
  if (open < 0 || text[open] !== '[')
    throw new ChunkscopeError('input', `${file} is not a JSON array: its first character is not "["`);
  const dataStartChar = open + 1;
  const keys = new Set<string>();
  const sampleRecords: Record<string, unknown>[] = [];
  let records = 0;
  let problem: string | undefined;
  const byteAt = (char: number) => bom + Buffer.byteLength(text.slice(0, char), 'utf8');
  const scan = scanJsonArray(text, dataStartChar, text.length, atEof, (start, end, _recordStart, parsed) => {
    let value = parsed;
    try {
      if (value === UNPARSED) value = JSON.parse(text.slice(start, end));
    } catch (error) {
      const message = (error as Error).message;
      const element = text.slice(start, end);
      const where = byteAt(start) + Buffer.byteLength(element.slice(0, jsonErrorPosition(element, message)), 'utf8');
      problem = `${file}: invalid JSON in record ${records + 1} at byte ${where}: ${jsonErrorReason(message)}`;
      return false;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const key of Object.keys(value)) keys.add(key);
      if (sampleRecords.length < SAMPLE_RECORDS) sampleRecords.push(value as Record<string, unknown>);
    }
    records++;
    return records < SAMPLE_ROWS;
  });
  if (problem) throw new ChunkscopeError('data', problem);
  if (scan.problem && records < SAMPLE_ROWS) {
    if (records === 0 && /^\s*\]/.test(text.slice(dataStartChar)))
      throw new ChunkscopeError('input', `Dataset ${file} has no records: it is an empty JSON array`);
    throw new ChunkscopeError(
      'data',
      `${file}: invalid JSON array at byte ${byteAt(scan.problem.at)} (record ${records + 1}): ${scan.problem.message}`,
    );
  }
  // No record ends in the sample: one record longer than it, sized by the sample.
  if (records === 0 && !scan.incomplete) throw new ChunkscopeError('input', `Dataset ${file} has no records`);
  const sampledBytes = byteAt(records > 0 ? scan.stop : text.length) - byteAt(dataStartChar);
  return {
    path: file,
    format: 'json',
    delimiter: ',',
    header: [...keys],
    hasHeader: false,
    sizeBytes: size,
    dataStart: byteAt(dataStartChar),
    dataStartLine: 1 + countLines(text, 0, dataStartChar),
    sampleRows: [],
    numericColumns: [],
    sampleRecords,
    meanRowBytes: sampledBytes / Math.max(1, records),
  };
}

/** A typed table: everything from its footer (columns, row groups); no row is decoded. */
async function inspectTable(file: string, format: 'parquet' | 'arrow', size: number): Promise<DatasetInfo> {
  const reader = await openTable(file, format);
  try {
    const table = reader.layout;
    if (table.rowCount === 0 || table.units.length === 0)
      throw new ChunkscopeError('input', `Dataset ${file} has no rows (its footer lists none)`);
    const dataStart = table.units[0].byteStart;
    const dataBytes = table.units.reduce((n, u) => n + (u.byteEnd - u.byteStart), 0);
    return {
      path: file,
      format,
      delimiter: '',
      header: table.columns.map((c) => c.name),
      hasHeader: true,
      sizeBytes: size,
      dataStart,
      dataStartLine: 1,
      sampleRows: [],
      numericColumns: table.columns.filter((c) => c.numeric).map((c) => c.name),
      meanRowBytes: Math.max(1e-3, dataBytes / table.rowCount),
      table,
    };
  } finally {
    await reader.close();
  }
}
