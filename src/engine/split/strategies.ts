// The four strategies, each a producer of chunk tasks in input order. They differ in who reads
// and who splits: the worker (byte-range), the main thread sending bytes (batches) or single rows
// (per-row), or a shared in-memory table with index ranges (shared-columns).
import { DEFAULTS } from '../options';
import { closeSync, openSync, readSync } from 'node:fs';
import { byteOffsetOf, countLines, scanCsv } from '../parse/csv-scan';
import type { DatasetInfo } from '../read/dataset';
import type { ChunkPlan, ChunkTask, SharedTable } from '../model/protocol';
import { boundaryScannerFor } from '../parse/record-boundaries';
import { budgetOf, SegmentCutter, type ChunkSizer, type Segment } from './segment-cutter';
import { jsonErrorPosition, jsonErrorReason, notAnObject, scanJsonArray, UNPARSED } from '../parse/json-array-scan';
import { makeRowBuilder } from '../parse/row-shape';

const READ_BLOCK = DEFAULTS.readBlockBytes;

export interface PlannedChunk {
  task: ChunkTask;
  transferList?: ArrayBuffer[];
  /** The nominal byte span (for byte-range, the range before verification). */
  byteStart: number;
  byteEnd: number;
}

export interface StrategyInput {
  info: DatasetInfo;
  plan: ChunkPlan;
  chunkRows?: number;
  chunkBytes?: number;
  /** When given, it decides every chunk's size in bytes and chunkRows / chunkBytes are ignored. */
  sizer?: ChunkSizer;
}

export function* byteRangeChunks({ info, plan, chunkBytes, sizer }: StrategyInput): Generator<PlannedChunk> {
  let chunk = 0;
  // Ranges tile the data whatever their sizes, so in-order verification of speculative starts holds.
  for (let start = info.dataStart; start < info.sizeBytes; chunk++) {
    const size = sizer ? budgetOf(sizer, chunk, start) : chunkBytes!;
    const limit = Math.min(start + size, info.sizeBytes);
    yield {
      task: { kind: 'range', chunk, plan, start, limit, speculative: chunk > 0 },
      byteStart: start,
      byteEnd: limit,
    };
    start = limit;
  }
}

/**
 * Exact record-aligned byte segments of a plain file, cut after `chunkRows` rows or once
 * `chunkBytes` is reached; with a sizer, each segment's byte budget is asked for when its first
 * record has been scanned.
 */
export function* recordAlignedSegments(
  info: DatasetInfo,
  chunkRows: number,
  chunkBytes: number,
  sizer?: ChunkSizer,
): Generator<Segment> {
  const cutter = new SegmentCutter(info, chunkRows, chunkBytes, sizer, true);
  const fd = openSync(info.path, 'r');
  try {
    const block = Buffer.allocUnsafe(READ_BLOCK);
    let pos = info.dataStart;
    while (pos < info.sizeBytes) {
      const n = readSync(fd, block, 0, Math.min(READ_BLOCK, info.sizeBytes - pos), pos);
      if (n === 0) break;
      yield* cutter.push(block.subarray(0, n), pos);
      pos += n;
    }
    const tail = cutter.finish(pos);
    if (tail) yield tail;
  } finally {
    closeSync(fd);
  }
}

/** A fresh ArrayBuffer holding exactly these bytes, so it can be transferred instead of cloned. */
export function ownBuffer(bytes: Buffer): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return new Uint8Array(bytes.buffer);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

export function* batchChunks({ info, plan, chunkRows, chunkBytes, sizer }: StrategyInput): Generator<PlannedChunk> {
  let chunk = 0;
  const segments = sizer
    ? recordAlignedSegments(info, Infinity, Infinity, sizer)
    : recordAlignedSegments(info, chunkRows ?? Infinity, chunkBytes ?? Infinity);
  for (const segment of segments) {
    const bytes = ownBuffer(segment.bytes);
    yield {
      task: { kind: 'bytes', chunk: chunk++, plan, bytes, byteStart: segment.start },
      transferList: [bytes.buffer as ArrayBuffer],
      byteStart: segment.start,
      byteEnd: segment.start + bytes.length,
    };
  }
}

/** The article's naive design: the main thread parses every row and dispatches each one alone. */
export function* perRowChunks({ info, plan }: StrategyInput): Generator<PlannedChunk> {
  const rowsOf = rowTasks(info, plan);
  for (const segment of recordAlignedSegments(info, 4096, Infinity))
    yield* rowsOf(segment, segment.start + segment.bytes.length >= info.sizeBytes);
}

/** One row task per record of each record-aligned segment, in order (`atEof`: the data's last segment). */
export function rowTasks(
  info: DatasetInfo,
  plan: ChunkPlan,
): (segment: { start: number; bytes: Buffer }, atEof: boolean) => Generator<PlannedChunk> {
  const build = makeRowBuilder(
    info.hasHeader ? info.header : null,
    plan.rowShape === 'columns' ? 'object' : plan.rowShape,
    plan.types,
  );
  const width = info.header.length;
  const delimiter = info.delimiter.charCodeAt(0);
  let chunk = 0;
  return function* (segment, atEof) {
    const text = segment.bytes.toString('utf8');
    const asciiOnly = text.length === segment.bytes.length;
    const records: { start: number; row: unknown; problem?: string }[] = [];
    if (info.format === 'json') {
      const scan = scanJsonArray(text, 0, text.length, atEof, (start, end, _recordStart, parsed) => {
        if (parsed !== UNPARSED) {
          records.push({ start, row: parsed, problem: notAnObject(parsed) });
          return;
        }
        const element = text.slice(start, end);
        try {
          const row: unknown = JSON.parse(element);
          records.push({ start, row, problem: notAnObject(row) });
        } catch (error) {
          const message = (error as Error).message;
          const byte =
            segment.start +
            Buffer.byteLength(text.slice(0, start)) +
            Buffer.byteLength(element.slice(0, jsonErrorPosition(element, message)));
          records.push({ start, row: element, problem: `invalid JSON at byte ${byte}: ${jsonErrorReason(message)}` });
        }
      });
      if (scan.problem) {
        records.push({
          start: scan.problem.at,
          row: undefined,
          problem: `invalid JSON array: ${scan.problem.message}`,
        });
      }
    } else if (info.format === 'jsonl') {
      let p = 0;
      while (p < text.length) {
        const nl = text.indexOf('\n', p);
        const lineEnd = nl < 0 ? text.length : nl;
        const line = text.slice(p, lineEnd);
        if (line.trim() !== '') {
          try {
            records.push({ start: p, row: JSON.parse(line) });
          } catch (error) {
            records.push({ start: p, row: line, problem: `invalid JSON: ${(error as Error).message}` });
          }
        }
        p = lineEnd + 1;
      }
    } else {
      const scan = scanCsv(text, 0, text.length, delimiter, true, {
        record: (fields, start) => {
          records.push(
            fields.length === width
              ? { start, row: build(fields) }
              : {
                  start,
                  row: fields.slice(),
                  problem: `expected ${width} fields (as in the header), found ${fields.length}`,
                },
          );
        },
      });
      if (scan.unterminatedQuoteAt !== undefined) {
        records.push({
          start: scan.unterminatedQuoteAt,
          row: undefined,
          problem: 'unterminated quoted field (a quote opens a field but the file ends before it closes)',
        });
      }
    }
    for (let r = 0; r < records.length; r++) {
      const startChar = r === 0 ? 0 : records[r].start;
      const endChar = r + 1 < records.length ? records[r + 1].start : text.length;
      const byteStart = segment.start + byteOffsetOf(text, startChar, asciiOnly);
      const byteEnd = segment.start + byteOffsetOf(text, endChar, asciiOnly);
      yield {
        task: {
          kind: 'row',
          chunk: chunk++,
          plan,
          row: records[r].row,
          byteStart,
          byteEnd,
          lines: countLines(text, startChar, endChar),
          problem: records[r].problem,
        },
        byteStart,
        byteEnd,
      };
    }
  };
}

/**
 * The article's shared-memory design without its lock: the data section and an exact record
 * index are loaded once into SharedArrayBuffers; tasks are index ranges, and workers write the
 * numeric columns they parse into shared Float64Arrays at disjoint offsets, so no lock is needed.
 */
export function loadSharedTable(info: DatasetInfo, numericColumns: boolean[]): { table: SharedTable; records: number } {
  const length = info.sizeBytes - info.dataStart;
  const bytes = new SharedArrayBuffer(length);
  const view = new Uint8Array(bytes);
  const fd = openSync(info.path, 'r');
  try {
    for (let filled = 0; filled < length;) {
      const n = readSync(fd, view, filled, length - filled, info.dataStart + filled);
      if (n === 0) break;
      filled += n;
    }
  } finally {
    closeSync(fd);
  }
  let starts = new Float64Array(1024);
  let count = 0;
  let recordStart = 0;
  const onEnd = (end: number, blank: boolean) => {
    if (!blank) {
      if (count + 1 >= starts.length) {
        const bigger = new Float64Array(starts.length * 2);
        bigger.set(starts);
        starts = bigger;
      }
      starts[count++] = recordStart;
    }
    recordStart = end;
  };
  const scanner = boundaryScannerFor(info.format, info.delimiter);
  scanner.scan(view, 0, length, onEnd);
  scanner.finish(length, onEnd);
  // Blank lines before the first record belong to it; the index ends at the data's end.
  if (count > 0) starts[0] = 0;
  starts[count] = length;
  const recordStarts = new SharedArrayBuffer((count + 1) * 8);
  new Float64Array(recordStarts).set(starts.subarray(0, count + 1));
  const numeric = numericColumns.map((isNumeric) => (isNumeric ? new SharedArrayBuffer(count * 8) : null));
  return { table: { bytes, recordStarts, numeric, base: info.dataStart }, records: count };
}

/** The first record index in (first, records] whose start is at least `bytes` past record `first`'s start. */
function recordsEndAfterBytes(starts: Float64Array, first: number, records: number, bytes: number): number {
  const target = starts[first] + bytes;
  let lo = first + 1;
  let hi = records;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] >= target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function* indexRangeChunks(input: StrategyInput, table: SharedTable, records: number): Generator<PlannedChunk> {
  const { sizer } = input;
  const starts = new Float64Array(table.recordStarts);
  let chunk = 0;
  for (let first = 0; first < records;) {
    // A byte budget becomes whole records through the exact index: the first record that reaches it ends the range.
    const end = sizer
      ? recordsEndAfterBytes(starts, first, records, budgetOf(sizer, chunk, table.base + starts[first]))
      : Math.min(first + input.chunkRows!, records);
    const firstRecord = first;
    first = end;
    yield {
      task: { kind: 'index', chunk: chunk++, plan: input.plan, table, firstRecord, endRecord: end },
      byteStart: table.base + starts[firstRecord],
      byteEnd: table.base + starts[end],
    };
  }
}
