// Worker-side parsing of one chunk into the rows a processor receives, whatever the strategy:
// a byte range read from the file (with a speculative start), bytes handed over by the main
// thread, an index range of the shared table, or a single pre-parsed row.
import { isAscii } from 'node:buffer';
import { epochNow } from '../base/clock';
import { countLines, scanCsv, type CsvRecordSink, type ScanResult } from '../parse/csv-scan';
import { decodeField, scanColumns } from '../parse/columnar-scan';
import {
  guessRecordStart,
  jsonErrorPosition,
  jsonErrorReason,
  notAnObject,
  scanJsonArray,
  UNPARSED,
} from '../parse/json-array-scan';
import { makeRowBuilder, makeTypedRowBuilder, type RowBuilder, type TypedRowBuilder } from '../parse/row-shape';
import { scanCsvTyped, typedScanSupports, type TypedCsvRecordSink } from '../parse/typed-scan';
import { ROW_BATCH } from './row-run';
import type { ChunkPlan, ChunkTask, TextChunkTask, WorkerConfig, WorkerRowError } from '../model/protocol';
import type { ColumnarChunk } from '../model';

const LF = 10;
/** Extra bytes read past a range's limit so the last record usually completes in one read. */
const INITIAL_SLACK = 64 * 1024;

export interface ParsedChunk {
  start: number;
  end: number;
  count: number;
  lines: number;
  /** Line feeds between the chunk's start and its first record. */
  leadingLines: number;
  rows: unknown[] | ColumnarChunk;
  readMs: number;
  errors: WorkerRowError[];
  fatal?: WorkerRowError;
  skippedRecords?: Set<number>;
  /** Where record `record` is: its byte and lines (text), or its place in a typed table. */
  locate(record: number): { byteOffset?: number; linesBefore?: number; place?: string };
}

/** Reads the file's bytes from `start` into `into`; returns the part filled. */
type ReadRange = (start: number, into: Uint8Array) => Uint8Array;

/**
 * Takes text rows in small batches while the chunk is parsed (the chunk's `rows` then stay empty).
 * rows[k] is record first + k; records in `skipped` are bad data, not to be run. Returning false
 * stops the parse. A chunk whose last record ran past the bytes read is parsed again from its
 * start after `restart()`, as a wrong speculative start is.
 */
export interface RowSink {
  take(rows: unknown[], first: number, locate: ParsedChunk['locate'], skipped: Set<number> | undefined): boolean;
  restart(): void;
}

// One read buffer per worker, reused by every chunk: a fresh one per chunk made two workers read
// and parse markedly slower (new pages faulted in and unmapped each time; bench/README.md). Text
// rows are decoded out of it before user code runs. Columnar text columns decode from it lazily,
// so each columnar chunk has a generation and its text columns refuse to decode once a later
// chunk has reused the bytes, rather than return another chunk's text.
let readBufferMemory = new Uint8Array(0);
let columnarGeneration = 0;
/** Bytes per record in this worker's last columnar chunk: sizes the next chunk's arrays. */
let columnarBytesPerRecord = 32;

function readBuffer(length: number): Uint8Array {
  if (readBufferMemory.length < length)
    readBufferMemory = new Uint8Array(Math.max(length, Math.ceil(readBufferMemory.length * 1.5)));
  return readBufferMemory.subarray(0, length);
}

interface Source {
  buffer: Uint8Array;
  /** Absolute file offset of buffer[0]. */
  base: number;
  /** Relative position of the first record to parse. */
  from: number;
  /** Relative limit: records starting before it belong to this chunk. */
  limit: number;
  atEof: boolean;
  /** The bytes are the worker's read buffer, which the next chunk overwrites. */
  reusedBuffer?: boolean;
  /** `from` is a byte range's guessed first record start, not a known one. */
  guessed?: boolean;
}

/**
 * A parse from a guessed start that gave up (a JSON array's records did not follow from it). The
 * range then reports no record start in it, which verification never accepts unless it is true:
 * the range is parsed again from where the previous chunk really ended.
 */
const ABANDONED = Symbol('abandoned');

let cachedBuilder: { key: string; build: RowBuilder } | undefined;

function rowBuilder(config: WorkerConfig, plan: ChunkPlan): RowBuilder {
  const key = `${plan.rowShape}/${plan.types}`;
  if (cachedBuilder?.key !== key) {
    cachedBuilder = { key, build: makeRowBuilder(config.hasHeader ? config.header : null, plan.rowShape, plan.types) };
  }
  return cachedBuilder.build;
}

let cachedTypedBuilder: { key: string; build: TypedRowBuilder } | undefined;

/** Rows from fields typed-scan.ts has already typed ('infer' on ASCII windows). */
function typedRowBuilder(config: WorkerConfig, plan: ChunkPlan): TypedRowBuilder {
  if (cachedTypedBuilder?.key !== plan.rowShape) {
    cachedTypedBuilder = {
      key: plan.rowShape,
      build: makeTypedRowBuilder(config.hasHeader ? config.header : null, plan.rowShape),
    };
  }
  return cachedTypedBuilder.build;
}

function countLineFeeds(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  let p = bytes.indexOf(LF, from);
  while (p >= 0 && p < to) {
    count++;
    p = bytes.indexOf(LF, p + 1);
  }
  return count;
}

/*
 * Text (CSV and JSON Lines) is decoded and scanned a window at a time, not as one string per
 * chunk. A string over about 128 KiB is a "large object" to V8, with memory of its own, mapped
 * fresh for every chunk and faulted in page by page: decoding 128 KiB–1 MiB at once costs about
 * 1 ms per MB against 0.1 for short pieces, which live in the young generation like the rows cut
 * from them. Of 16, 64 KiB and whole chunks, 16 KiB windows parsed the default job fastest
 * (bench/README.md). A window of ASCII bytes is decoded as Latin-1 (characters are bytes); any
 * other as UTF-8, so text that is mostly ASCII is mostly decoded the fast way. A record that runs
 * past a window is scanned again from its start in the next one, or in a larger one when it is
 * longer than a window.
 */
const WINDOW_BYTES = 16 * 1024;

interface ScanWindow {
  /** Index of the first record found in it. */
  firstRecord: number;
  /** Its bytes in the chunk's text. */
  byteStart: number;
  byteEnd: number;
  /** Decoded as Latin-1 (characters are bytes) or, holding a byte over 0x7f, as UTF-8. */
  ascii: boolean;
  /** Line feeds in the chunk before it. */
  linesBefore: number;
}

/**
 * Scans one window's text for records starting before `limit` (character positions). `asciiBytes`
 * are the window's bytes when it is ASCII (byte i is character i), for scanners that read bytes.
 */
type PieceScanner = (
  piece: string,
  pieceFrom: number,
  limit: number,
  atEof: boolean,
  asciiBytes: Uint8Array | undefined,
) => ScanResult;

/**
 * An empty array whose elements kind already holds any value, so pushing rows never changes it. An
 * array made by `[]` starts out holding small integers, and optimized code that pushed rows onto
 * one such array deoptimized at the first row pushed onto the next (once in every worker).
 */
function emptyRowBatch(): unknown[] {
  const rows: unknown[] = [undefined];
  rows.pop();
  return rows;
}

/**
 * One chunk's parse in text form: the rows and record starts found so far, the windows scanned,
 * and the chunk's problems. The CSV scanners report each record to its `record` and `typedRecord`
 * methods; JSON Lines and JSON arrays push through the same state. A class, not closures made per
 * chunk: the scanners' calls then keep one target for the worker's life, so the optimized code
 * that inlines them is not thrown away at the next chunk. A full batch pauses the CSV scan, and
 * parseText hands it over between scans: the scanner's optimized code then never inlines the
 * user's row function, whose deoptimizations would each throw the scanner's code away too.
 */
class TextChunkParse implements CsvRecordSink, TypedCsvRecordSink {
  rows = emptyRowBatch();
  readonly starts: number[] = [];
  /**
   * The windows scanned so far. A record's position in `starts` is its window's byte offset plus
   * its character position in the window's text; `where` turns that into bytes and lines. Only
   * reported locations need it, mostly for a record of the window being scanned, whose text is kept.
   */
  readonly windows: ScanWindow[] = [];
  kept = { window: -1, text: '' };
  /** Records handed to the sink so far (with a sink, `rows` holds only the batch being filled). */
  handedOver = 0;
  stopped = false;
  readonly errors: WorkerRowError[] = [];
  fatal: WorkerRowError | undefined = undefined;
  skippedRecords: Set<number> | undefined = undefined;
  /** Where the window being scanned starts in the chunk's bytes. */
  offset = 0;
  /** The window the typed scanner is on: a bad record's fields are cut again from it as text. */
  typedPiece = '';
  readonly locate = (record: number): { byteOffset: number; linesBefore: number } => {
    const { byte, lines } = this.where(record, this.starts[record]);
    return { byteOffset: this.firstByte + byte, linesBefore: lines };
  };

  constructor(
    readonly bytes: Buffer,
    /** File offset of bytes[0]. */
    readonly firstByte: number,
    private readonly stopOnError: boolean,
    private readonly sink: RowSink | undefined,
    private readonly width: number,
    private readonly delimiter: number,
    private readonly build: RowBuilder | undefined,
    private readonly buildTyped: TypedRowBuilder | undefined,
  ) {}

  where(record: number, position: number): { byte: number; lines: number } {
    const windows = this.windows;
    let k = windows.length - 1;
    while (k > 0 && windows[k].firstRecord > record) k--;
    const w = windows[k];
    if (this.kept.window !== k)
      this.kept = { window: k, text: this.bytes.toString(w.ascii ? 'latin1' : 'utf8', w.byteStart, w.byteEnd) };
    const before = this.kept.text.slice(0, position - w.byteStart);
    return {
      byte: w.byteStart + (w.ascii ? before.length : Buffer.byteLength(before, 'utf8')),
      lines: w.linesBefore + countLines(before, 0, before.length),
    };
  }

  /** Records a bad record; false when the run stops at it. */
  dataError(message: string, record: number, data: unknown): boolean {
    const failure: WorkerRowError = { kind: 'data', message, record, ...this.locate(record), data };
    if (this.stopOnError) {
      this.fatal = failure;
      return false;
    }
    this.errors.push(failure);
    (this.skippedRecords ??= new Set()).add(record);
    return true;
  }

  /** Hands the batch to the sink; false when the sink stops the chunk. */
  handOver(): boolean {
    const go = this.sink!.take(this.rows, this.handedOver, this.locate, this.skippedRecords);
    this.handedOver += this.rows.length;
    this.rows = emptyRowBatch();
    if (!go) this.stopped = true;
    return go;
  }

  /** A row (or undefined, for a bad record) found at `position` of the window. */
  add(row: unknown, position: number): void {
    this.starts.push(this.offset + position);
    this.rows.push(row);
  }

  /** True when the batch is full and the sink should take it. */
  batchFull(): boolean {
    return this.sink !== undefined && this.rows.length >= ROW_BATCH;
  }

  /** False pauses the scan: the batch is full (parseText hands it over), or the run stops here. */
  record(fields: string[], recordStart: number): boolean {
    if (fields.length !== this.width) return this.badWidth(fields.slice(), fields.length, recordStart);
    this.add(this.build!(fields), recordStart);
    return !this.batchFull();
  }

  typedRecord(fields: (string | number)[], recordStart: number): boolean {
    if (fields.length !== this.width)
      return this.badWidth(untypedFields(this.typedPiece, recordStart, this.delimiter), fields.length, recordStart);
    this.add(this.buildTyped!(fields), recordStart);
    return !this.batchFull();
  }

  private badWidth(data: string[], found: number, recordStart: number): boolean {
    this.starts.push(this.offset + recordStart);
    this.rows.push(undefined);
    return this.dataError(
      `expected ${this.width} fields (as in the header), found ${found}`,
      this.starts.length - 1,
      data,
    );
  }
}

/** Parses records of `source` in text form (object or array rows, JSON Lines). Null when incomplete. */
function parseText(
  source: Source,
  config: WorkerConfig,
  plan: ChunkPlan,
  sink: RowSink | undefined,
): Omit<ParsedChunk, 'readMs'> | null | typeof ABANDONED {
  const { buffer, base, from, limit } = source;
  // Read once here: a property first read in the last window was a deoptimization in every worker.
  const sourceAtEof = source.atEof;
  const bytes = Buffer.from(buffer.buffer, buffer.byteOffset + from, buffer.length - from);
  const byteLimit = limit - from;
  const isCsv = config.format !== 'jsonl' && config.format !== 'json';
  const delimiter = config.delimiter.charCodeAt(0);
  const typed = isCsv && plan.types === 'infer' && typedScanSupports(delimiter);
  const parse = new TextChunkParse(
    bytes,
    base + from,
    plan.onError === 'stop',
    sink,
    config.header.length,
    delimiter,
    isCsv ? rowBuilder(config, plan) : undefined,
    typed ? typedRowBuilder(config, plan) : undefined,
  );
  const { starts, windows } = parse;

  let lines = 0;
  // A JSON array that cannot be followed past some byte (always fatal: there is no next record to find).
  let structural: WorkerRowError | undefined;
  let abandoned = false;
  let scanPiece: PieceScanner;
  if (config.format === 'jsonl') {
    scanPiece = (piece, pieceFrom, pieceLimit, atEof) => {
      let p = pieceFrom;
      while (p < pieceLimit && p < piece.length) {
        let nl = piece.indexOf('\n', p);
        if (nl < 0) {
          if (!atEof) return { stop: p, incomplete: true };
          nl = piece.length;
        }
        const line = piece.slice(p, nl);
        if (line.trim() !== '') {
          let row: unknown;
          try {
            row = JSON.parse(line);
          } catch (error) {
            starts.push(parse.offset + p);
            parse.rows.push(undefined);
            if (!parse.dataError(`invalid JSON: ${(error as Error).message}`, starts.length - 1, line))
              return { stop: Math.min(nl + 1, piece.length), incomplete: false };
            p = nl + 1;
            continue;
          }
          parse.add(row, p);
          if (parse.batchFull() && !parse.handOver())
            return { stop: Math.min(nl + 1, piece.length), incomplete: false };
        }
        p = nl + 1;
      }
      return { stop: Math.min(p, piece.length), incomplete: false };
    };
  } else if (config.format === 'json') {
    // From a guessed start, bad JSON most likely means a wrong guess (inside a string or a nested
    // array): give up at once rather than follow it, perhaps to the end of the file.
    const guessed = source.guessed === true;
    const bad = (message: string, record: number, data: unknown) => {
      if (!guessed) return parse.dataError(message, record, data);
      abandoned = true;
      return false;
    };
    scanPiece = (piece, pieceFrom, pieceLimit, atEof) => {
      const scan = scanJsonArray(piece, pieceFrom, pieceLimit, atEof, (start, end, _recordStart, parsed) => {
        starts.push(parse.offset + start);
        const record = starts.length - 1;
        let value = parsed;
        if (value === UNPARSED) {
          const text = piece.slice(start, end);
          try {
            value = JSON.parse(text);
          } catch (error) {
            parse.rows.push(undefined);
            const message = (error as Error).message;
            const at = jsonErrorPosition(text, message);
            const byte =
              parse.firstByte +
              parse.offset +
              Buffer.byteLength(piece.slice(0, start)) +
              Buffer.byteLength(text.slice(0, at));
            if (guessed) return bad('', record, text);
            return parse.dataError(`invalid JSON at byte ${byte}: ${jsonErrorReason(message)}`, record, text);
          }
        }
        const notObject = notAnObject(value);
        if (notObject !== undefined) {
          parse.rows.push(undefined);
          return bad(notObject, record, value);
        }
        parse.rows.push(value);
        if (parse.batchFull()) return parse.handOver();
      });
      if (scan.problem && guessed) abandoned = true;
      else if (scan.problem) {
        const before = piece.slice(0, scan.problem.at);
        structural = {
          kind: 'data',
          message: `invalid JSON array: ${scan.problem.message}`,
          record: starts.length,
          byteOffset: parse.firstByte + parse.offset + Buffer.byteLength(before),
          linesBefore: lines + countLines(before, 0, before.length),
        };
      }
      return scan;
    };
  } else if (typed) {
    // Numbers parsed from the bytes, no string per numeric field (typed-scan.ts): the same rows
    // as the string fields through inferValue, at about the columnar path's cost.
    scanPiece = (piece, pieceFrom, pieceLimit, atEof, asciiBytes) => {
      if (!asciiBytes) return scanCsv(piece, pieceFrom, pieceLimit, delimiter, atEof, parse);
      parse.typedPiece = piece;
      return scanCsvTyped(piece, asciiBytes, pieceFrom, pieceLimit, delimiter, atEof, parse);
    };
  } else
    scanPiece = (piece, pieceFrom, pieceLimit, atEof) => scanCsv(piece, pieceFrom, pieceLimit, delimiter, atEof, parse);

  let window = WINDOW_BYTES;
  let stop: number;
  let scan: ScanResult;
  for (;;) {
    const offset = parse.offset;
    let windowEnd = Math.min(bytes.length, offset + window);
    const last = windowEnd === bytes.length;
    // A plain view, not Buffer#subarray: its bounds handling deoptimized parseText once per
    // worker at the first window that ends where the chunk's bytes end.
    const windowBytes = new Uint8Array(bytes.buffer, bytes.byteOffset + offset, windowEnd - offset);
    const ascii = isAscii(windowBytes);
    // UTF-8 text is cut between characters (a continuation byte is 10xxxxxx).
    if (!ascii && !last) {
      let cut = windowEnd;
      while (cut > offset && (bytes[cut] & 0xc0) === 0x80) cut--;
      if (cut > offset) windowEnd = cut;
    }
    const piece = ascii ? bytes.toString('latin1', offset, windowEnd) : bytes.toString('utf8', offset, windowEnd);
    const limitBytes = byteLimit - offset;
    // A limit inside the window, in characters. A limit inside a character counts it as one
    // character: records start after a line feed, so none is wrongly let in or left out.
    const pieceLimit =
      ascii || limitBytes >= windowEnd - offset
        ? limitBytes
        : bytes.toString('utf8', offset, offset + limitBytes).length;
    parse.kept = {
      window:
        windows.push({ firstRecord: starts.length, byteStart: offset, byteEnd: windowEnd, ascii, linesBefore: lines }) -
        1,
      text: piece,
    };
    const atEof = last && sourceAtEof;
    const asciiBytes = ascii ? windowBytes : undefined;
    scan = scanPiece(piece, 0, pieceLimit, atEof, asciiBytes);
    // A CSV scan pauses at a full batch: hand it over, then go on in the same window.
    while (isCsv && !scan.incomplete && !parse.fatal && parse.batchFull()) {
      if (!parse.handOver()) break;
      scan = scanPiece(piece, scan.stop, pieceLimit, atEof, asciiBytes);
    }
    if (abandoned) return ABANDONED;
    if (scan.incomplete) {
      if (last) return source.guessed && config.format === 'json' ? ABANDONED : null;
      if (scan.stop === 0) {
        windows.pop();
        window *= 2; // one record longer than the window
        continue;
      }
    }
    // Counted on the piece: a string's indexOf is a builtin; a Buffer's is a call into C++ each time.
    lines += countLines(piece, 0, scan.stop);
    const consumed = ascii ? scan.stop : Buffer.byteLength(piece.slice(0, scan.stop), 'utf8');
    if (
      !scan.incomplete &&
      (last ||
        offset + consumed >= byteLimit ||
        parse.stopped ||
        parse.fatal ||
        structural ||
        abandoned ||
        scan.unterminatedQuoteAt !== undefined)
    ) {
      stop = offset + consumed;
      break;
    }
    // Go on from the first record not consumed: one that ran past the window, or the one
    // starting right where the window ended.
    parse.offset += consumed;
    window = WINDOW_BYTES;
  }
  if (scan.unterminatedQuoteAt !== undefined) {
    starts.push(parse.offset + scan.unterminatedQuoteAt);
    parse.fatal = {
      kind: 'data',
      message: 'unterminated quoted field (a quote opens a field but the file ends before it closes)',
      record: starts.length - 1,
      ...parse.locate(starts.length - 1),
    };
    starts.pop();
  }
  parse.fatal ??= structural;
  if (sink && !parse.stopped && !parse.fatal && parse.rows.length > 0) parse.handOver();
  const leadingLines = starts.length > 0 ? parse.where(0, starts[0]).lines : 0;
  return {
    start: base + from,
    end: base + from + stop,
    count: starts.length,
    lines,
    leadingLines,
    rows: parse.rows,
    errors: parse.errors,
    fatal: parse.fatal,
    skippedRecords: parse.skippedRecords,
    locate: parse.locate,
  };
}

/** A bad record's fields as text (its report shows them as in the file), cut again by scanCsv. */
function untypedFields(text: string, recordStart: number, delimiter: number): string[] {
  let fields: string[] = [];
  scanCsv(text, recordStart, recordStart + 1, delimiter, true, {
    record: (f) => {
      fields = f.slice();
      return false;
    },
  });
  return fields;
}

/** The columnar fast path: numbers parsed from bytes, text columns decoded only when read. */
function parseColumns(source: Source, config: WorkerConfig, plan: ChunkPlan): Omit<ParsedChunk, 'readMs'> | null {
  const { buffer, base, from, limit } = source;
  const width = config.header.length;
  // A little under the last chunk's bytes per record, so the arrays are rarely grown.
  const scan = scanColumns(
    buffer,
    from,
    limit,
    buffer.length,
    config.delimiter.charCodeAt(0),
    source.atEof,
    width,
    plan.numericColumns,
    columnarBytesPerRecord * 0.8,
  );
  if (scan.length > 0) columnarBytesPerRecord = (scan.stop - from) / scan.length;
  const generation = columnarGeneration;
  const bytesReused = source.reusedBuffer === true;
  if (scan.incomplete) return null;
  const locate = (record: number) => {
    const at = scan.recordStarts[record];
    return { byteOffset: base + at, linesBefore: countLineFeeds(buffer, from, at) };
  };
  const errors: WorkerRowError[] = [];
  let fatal: WorkerRowError | undefined;
  for (const problem of scan.problems) {
    const failure: WorkerRowError = {
      kind: 'data',
      message: problem.message,
      record: problem.record,
      ...locate(problem.record),
    };
    if (plan.onError === 'stop') {
      fatal = failure;
      break;
    }
    errors.push(failure);
  }
  if (scan.unterminatedQuoteAt !== undefined) {
    fatal = {
      kind: 'data',
      message: 'unterminated quoted field (a quote opens a field but the file ends before it closes)',
      byteOffset: base + scan.unterminatedQuoteAt,
      linesBefore: countLineFeeds(buffer, from, scan.unterminatedQuoteAt),
    };
  }
  const columns: ColumnarChunk['columns'] = {};
  config.header.forEach((name, c) => {
    const numeric = scan.numeric[c];
    if (numeric) {
      columns[name] = numeric.subarray(0, scan.length);
      return;
    }
    let decoded: string[] | undefined;
    Object.defineProperty(columns, name, {
      enumerable: true,
      get() {
        if (!decoded && bytesReused && generation !== columnarGeneration) {
          throw new Error(
            `text column "${name}" of a chunk was read after its processChunk call returned; the next chunk reuses the bytes text columns decode from, so read (and copy) the text you keep while processChunk runs`,
          );
        }
        if (!decoded) {
          decoded = new Array<string>(scan.length);
          const s = scan.spanStart[c]!;
          const e = scan.spanEnd[c]!;
          for (let r = 0; r < scan.length; r++) decoded[r] = decodeField(buffer, s[r], e[r]);
        }
        return decoded;
      },
    });
  });
  return {
    start: base + from,
    end: base + scan.stop,
    count: scan.length,
    lines: scan.lineFeeds,
    leadingLines: scan.length > 0 ? countLineFeeds(buffer, from, scan.recordStarts[0]) : 0,
    rows: {
      length: scan.length,
      names: config.header,
      numeric: config.header.filter((_, c) => plan.numericColumns[c]),
      columns,
    },
    errors,
    fatal,
    locate,
  };
}

function parseSource(source: Source, config: WorkerConfig, plan: ChunkPlan, sink?: RowSink) {
  return plan.rowShape === 'columns' ? parseColumns(source, config, plan) : parseText(source, config, plan, sink);
}

/**
 * A byte range [start, limit) owns the records that start inside it. When the range starts
 * mid-file its true first record is unknown: we guess the first position after a line feed. The
 * guess is wrong only when that line feed sits inside a quoted field; the executor checks every
 * guess against where the previous chunk's parse actually ended and re-parses on a mismatch.
 */
function parseByteRange(
  task: Extract<ChunkTask, { kind: 'range' }>,
  config: WorkerConfig,
  readRange: ReadRange,
  sink: RowSink | undefined,
) {
  let readMs = 0;
  let slack = INITIAL_SLACK;
  for (;;) {
    const readFrom = task.speculative ? task.start - 1 : task.start;
    const length = Math.min(config.fileSize - readFrom, task.limit - readFrom + slack);
    const t0 = epochNow();
    const buffer = readRange(readFrom, readBuffer(length));
    readMs += epochNow() - t0;
    const atEof = readFrom + buffer.length >= config.fileSize;
    let from = 0;
    if (task.speculative) {
      // A guess: after a line feed, or in a JSON array after a comma that seems to end a record.
      const lf = config.format === 'json' ? guessRecordStart(buffer, 0, task.limit - readFrom) - 1 : buffer.indexOf(LF);
      from = lf < 0 || readFrom + lf + 1 >= task.limit ? task.limit - readFrom : lf + 1;
      if (from >= task.limit - readFrom) {
        // No record is guessed to start in this range.
        return { parsed: emptyChunk(task.limit), readMs };
      }
    }
    const parsed = parseSource(
      {
        buffer,
        base: readFrom,
        from,
        limit: task.limit - readFrom,
        atEof,
        reusedBuffer: true,
        guessed: task.speculative,
      },
      config,
      task.plan,
      sink,
    );
    if (parsed === ABANDONED) {
      sink?.restart();
      return { parsed: emptyChunk(task.limit), readMs };
    }
    if (parsed) return { parsed, readMs };
    sink?.restart();
    slack *= 4;
  }
}

function emptyChunk(at: number): Omit<ParsedChunk, 'readMs'> {
  return {
    start: at,
    end: at,
    count: 0,
    lines: 0,
    leadingLines: 0,
    rows: [],
    errors: [],
    locate: () => ({ byteOffset: at, linesBefore: 0 }),
  };
}

/**
 * Every chunk's parse result with the same properties in the same order, whichever parser made
 * it: results of several shapes made the worker's optimized code that reads them deoptimize at the
 * first chunk of another shape (a speculative range with no record, a columnar chunk).
 */
export function withReadTime(parsed: Omit<ParsedChunk, 'readMs'>, readMs: number): ParsedChunk {
  return {
    start: parsed.start,
    end: parsed.end,
    count: parsed.count,
    lines: parsed.lines,
    leadingLines: parsed.leadingLines,
    rows: parsed.rows,
    readMs,
    errors: parsed.errors,
    fatal: parsed.fatal,
    skippedRecords: parsed.skippedRecords,
    locate: parsed.locate,
  };
}

/** Parses one chunk; text rows go to `sink` as they are parsed when one is given (not for single rows). */
export function parseChunk(
  task: TextChunkTask,
  config: WorkerConfig,
  readRange: ReadRange,
  sink?: RowSink,
): ParsedChunk {
  if (task.plan.rowShape === 'columns') columnarGeneration++;
  switch (task.kind) {
    case 'range': {
      const { parsed, readMs } = parseByteRange(task, config, readRange, sink);
      return withReadTime(parsed, readMs);
    }
    case 'bytes': {
      // Segments end at record ends; only a JSON array's last one ends at its "]".
      const atEof = config.format !== 'json' || (task.atEnd ?? task.byteStart + task.bytes.length >= config.fileSize);
      const source = { buffer: task.bytes, base: task.byteStart, from: 0, limit: task.bytes.length, atEof };
      return withReadTime(parseSource(source, config, task.plan, sink) as Omit<ParsedChunk, 'readMs'>, 0);
    }
    case 'index': {
      const starts = new Float64Array(task.table.recordStarts);
      const from = starts[task.firstRecord];
      const to = starts[task.endRecord];
      const buffer = new Uint8Array(task.table.bytes, from, to - from);
      const parsed = parseSource(
        { buffer, base: task.table.base + from, from: 0, limit: buffer.length, atEof: true },
        config,
        task.plan,
        sink,
      ) as Omit<ParsedChunk, 'readMs'>;
      if (task.plan.rowShape === 'columns') shareNumericColumns(parsed, task, config);
      return withReadTime(parsed, 0);
    }
    case 'row': {
      const parsed: ParsedChunk = withReadTime(
        {
          start: task.byteStart,
          end: task.byteEnd,
          count: 1,
          lines: task.lines,
          leadingLines: 0,
          rows: [task.row],
          errors: [],
          locate: () => ({ byteOffset: task.byteStart, linesBefore: 0 }),
        },
        0,
      );
      if (task.problem !== undefined) {
        const failure: WorkerRowError = {
          kind: 'data',
          message: task.problem,
          record: 0,
          byteOffset: task.byteStart,
          linesBefore: 0,
          data: task.row,
        };
        if (task.plan.onError === 'stop') parsed.fatal = failure;
        else {
          parsed.errors.push(failure);
          parsed.skippedRecords = new Set([0]);
        }
      }
      return parsed;
    }
  }
}

/** Numeric columns land in the shared table, so they are parsed once and handed out as views. */
function shareNumericColumns(
  parsed: Omit<ParsedChunk, 'readMs'>,
  task: Extract<ChunkTask, { kind: 'index' }>,
  config: WorkerConfig,
): void {
  const chunk = parsed.rows as ColumnarChunk;
  config.header.forEach((name, c) => {
    const shared = task.table.numeric[c];
    const local = chunk.columns[name];
    if (!shared || !(local instanceof Float64Array)) return;
    const column = new Float64Array(shared);
    column.set(local, task.firstRecord);
    chunk.columns[name] = column.subarray(task.firstRecord, task.firstRecord + chunk.length);
  });
}
