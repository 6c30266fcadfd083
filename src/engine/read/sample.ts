// A sweep's sample: byte ranges spread evenly over the whole file (not only its head, whose rows
// may differ from the rest), each cut at exact record boundaries, copied with the header into a
// file in the caller's private temp folder (the caller removes the folder, always).
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { DatasetInfo } from './dataset';
import { ChunkscopeError } from '../base/errors';
import { DEFAULTS } from '../options';
import { boundaryScannerFor } from '../parse/record-boundaries';
import type { SweepSample } from '../model/sweep';
import { pickUnits, writeParquetSample } from './parquet-sample';

const READ_BLOCK = DEFAULTS.readBlockBytes;
/** Enough ranges to cover the file's regions, few enough that each holds many rows. */
const MAX_RANGES = 16;

/** A fraction (0 < f ≤ 1) of the file's data, or a number of rows (estimated from the mean row size). */
// Required on first use: it loads apache-arrow, which every other sweep (and every run) can skip.
function arrowSample(): typeof import('./arrow-sample') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./arrow-sample') as typeof import('./arrow-sample');
}

export type SampleSize = { fraction: number } | { rows: number };

export interface PreparedSample {
  /** The file to run on: the sample's temp file, or the dataset itself when it is used whole. */
  path: string;
  sample: SweepSample;
  /** Estimated rows of the whole file (from the mean row size when the whole file is used). */
  fileRows: number;
  /** The strategy runs on the dataset default to when it is not byte-range (batches for a gzip/zstd stream). */
  defaultStrategy?: 'batches';
}

/** Parses `--sample`: "0.1" or "10%" is a fraction of the file's data, "50000" a number of rows. */
export function parseSampleSize(text: string): SampleSize {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  const value = percent ? Number(percent[1]) / 100 : Number(text);
  if (percent && value > 0 && value <= 1) return { fraction: value };
  if (!percent && value > 0 && value < 1) return { fraction: value };
  if (!percent && Number.isInteger(value) && value >= 1) return { rows: value };
  throw new ChunkscopeError(
    'usage',
    `--sample needs a fraction of the file (0.1 or 10%) or a whole number of rows (50000), got "${text}"`,
  );
}

function targetBytes(info: DatasetInfo, size: SampleSize | undefined): number {
  const dataBytes = info.sizeBytes - info.dataStart;
  if (size === undefined) return Math.min(dataBytes, DEFAULTS.sweep.sampleBytes);
  if ('fraction' in size) return Math.ceil(dataBytes * size.fraction);
  return Math.ceil(size.rows * info.meanRowBytes);
}

/**
 * Picks `ranges` equally spaced windows over the data and moves each window's start and end to the
 * next record boundary. Boundaries come from one sequential pass of the exact scanner, so a quoted
 * newline can never be mistaken for a row end (CSV has no other safe way to find one).
 */
export function prepareSample(
  info: DatasetInfo,
  size: SampleSize | undefined,
  tempDir: string,
  name = 'sample',
): PreparedSample {
  const dataBytes = info.sizeBytes - info.dataStart;
  const wanted = targetBytes(info, size);
  const estimatedRows = info.table?.rowCount ?? Math.max(1, Math.round(dataBytes / info.meanRowBytes));
  if (wanted >= dataBytes) {
    const whole: SweepSample = {
      fileBytes: info.sizeBytes,
      rows: estimatedRows,
      bytes: dataBytes,
      fraction: 1,
      ranges: [{ start: info.dataStart, end: info.sizeBytes }],
    };
    return { path: info.path, sample: whole, fileRows: estimatedRows };
  }
  // A typed table is sampled in whole row groups or record batches, not byte windows of text.
  if (info.table) {
    const picks = pickUnits(info.table.units, wanted);
    if (picks.length >= info.table.units.length) {
      const rows = info.table.rowCount;
      const whole: SweepSample = {
        fileBytes: info.sizeBytes,
        rows,
        bytes: dataBytes,
        fraction: 1,
        ranges: [{ start: info.dataStart, end: info.sizeBytes }],
      };
      return { path: info.path, sample: whole, fileRows: rows };
    }
    const written =
      info.format === 'arrow'
        ? arrowSample().writeArrowSample(info, picks, tempDir, name)
        : writeParquetSample(info, picks, tempDir, name);
    return { ...written, fileRows: info.table.rowCount };
  }
  const count = Math.max(1, Math.min(MAX_RANGES, Math.floor(wanted / (info.meanRowBytes * 64))));
  const windowBytes = Math.ceil(wanted / count);
  const stride = dataBytes / count;
  const windows = Array.from({ length: count }, (_, i) => Math.floor(info.dataStart + i * stride));
  const ranges = findRanges(info, windows, windowBytes);

  const file = path.join(tempDir, `${name}${path.extname(info.path) || '.csv'}`);
  let rows = 0;
  try {
    const input = openSync(info.path, 'r');
    const output = openSync(file, 'w');
    try {
      copy(input, output, 0, info.dataStart); // BOM and header
      ranges.forEach((r, k) => {
        // A JSON array's records end after their comma: the sample's last one closes the array instead.
        const closeArray = info.format === 'json' && k === ranges.length - 1 && r.end < info.sizeBytes;
        copy(input, output, r.start, closeArray ? r.end - 1 : r.end);
        rows += r.rows;
        if (closeArray) writeSync(output, '\n]\n');
        else if (r.endsWithoutNewline && info.format !== 'json') writeSync(output, '\n');
      });
    } finally {
      closeSync(input);
      closeSync(output);
    }
  } catch (error) {
    rmSync(file, { force: true });
    throw new ChunkscopeError(
      'io',
      `Cannot write the sweep's sample of ${info.path} to ${file}: ${(error as Error).message}`,
    );
  }
  const bytes = ranges.reduce((n, r) => n + r.end - r.start, 0);
  return {
    path: file,
    sample: {
      fileBytes: info.sizeBytes,
      rows,
      bytes,
      fraction: bytes / dataBytes,
      ranges: ranges.map(({ start, end }) => ({ start, end })),
    },
    fileRows: Math.max(rows, Math.round((rows * dataBytes) / Math.max(1, bytes))),
  };
}

interface FoundRange {
  start: number;
  end: number;
  rows: number;
  endsWithoutNewline: boolean;
}

function findRanges(info: DatasetInfo, windowStarts: number[], windowBytes: number): FoundRange[] {
  const scanner = boundaryScannerFor(info.format, info.delimiter);
  const found: FoundRange[] = [];
  let w = 0;
  // State of the window being filled: its start boundary (once found) and its rows so far.
  let start = -1;
  let rows = 0;
  const onRecordEnd = (end: number, blank: boolean): boolean => {
    if (start >= 0) {
      if (!blank) rows++;
      if (end - start >= windowBytes) {
        found.push({ start, end, rows, endsWithoutNewline: false });
        start = -1;
        rows = 0;
        w++;
      }
    }
    if (start < 0 && w < windowStarts.length && end >= windowStarts[w]) {
      // Never overlap the previous window: a window starts at the first boundary at or after its mark.
      start = end;
      rows = 0;
    }
    return true;
  };
  if (info.dataStart >= windowStarts[0]) start = info.dataStart;
  const fd = openSync(info.path, 'r');
  try {
    const block = Buffer.allocUnsafe(READ_BLOCK);
    for (let pos = info.dataStart; pos < info.sizeBytes && w < windowStarts.length;) {
      const n = readSync(fd, block, 0, Math.min(READ_BLOCK, info.sizeBytes - pos), pos);
      if (n === 0) break;
      const base = pos;
      scanner.scan(block, 0, n, (end, blank) => onRecordEnd(base + end, blank));
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  if (start >= 0 && start < info.sizeBytes && w < windowStarts.length) {
    // The last window runs into the end of the file: its final record may lack a newline.
    scanner.finish(info.sizeBytes, (_end, blank) => {
      if (!blank) rows++;
    });
    found.push({ start, end: info.sizeBytes, rows, endsWithoutNewline: !endsWithNewline(info) });
  }
  if (found.length === 0 || found.every((r) => r.rows === 0)) {
    throw new ChunkscopeError(
      'data',
      `${info.path}: found no complete record to sample (is it one very long quoted field?)`,
    );
  }
  return found.filter((r) => r.end > r.start);
}

function endsWithNewline(info: DatasetInfo): boolean {
  const fd = openSync(info.path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, info.sizeBytes - 1);
    return last[0] === 10;
  } finally {
    closeSync(fd);
  }
}

function copy(input: number, output: number, from: number, to: number): void {
  const block = Buffer.allocUnsafe(Math.min(READ_BLOCK, Math.max(1, to - from)));
  for (let pos = from; pos < to;) {
    const n = readSync(input, block, 0, Math.min(block.length, to - pos), pos);
    if (n === 0) break;
    writeSync(output, block, 0, n);
    pos += n;
  }
}
