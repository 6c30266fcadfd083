// Arrow IPC files (the file format, magic ARROW1; Feather v2 is the same) as a TableReader. The
// footer lists every record batch's block, so opening reads the footer, the schema, the dictionaries
// and each batch's message header (for its row count), and a read() then reads only the blocks of
// the batches it covers: apache-arrow's AsyncRecordBatchFileReader over the file handle, its small
// reads served from one read ahead over the blocks of consecutive batches. Never the whole file.
// Values follow the typed-value policy (typed-values.ts) through columnar loops over each batch's
// buffers, not per-row get() proxies (about 20x slower); the loops check the buffers they read, so
// a damaged body is an error naming batch and column rather than wrong values or a crash.
// A reader is meant to be kept open by a worker across its chunks: it caches the last two decoded
// batches and the decoded dictionaries, and runs overlapping read() calls one after another.
// Compressed bodies (LZ4 frame, pyarrow's default, and ZSTD) are decoded; the IPC stream format
// (no footer) is refused with how to convert it.
import * as fsp from 'node:fs/promises';
import {
  CompressionType,
  Data,
  DataType,
  MessageHeader,
  MessageReader,
  RecordBatch,
  RecordBatchReader,
  TimeUnit,
  Type,
  Vector,
  compressionRegistry,
  makeVector,
  util,
} from 'apache-arrow';
import type { AsyncRecordBatchFileReader, Field } from 'apache-arrow';
import { decompress as zstdDecompress } from 'fzstd';
import { ChunkscopeError } from '../base/errors';
import type { ColumnarChunk, RowShape } from '../model';
import type { TableColumn, TableLayout, TableReader, TableUnit } from './table';
import { columnarChunk, typedValue } from './typed-values';

/* eslint-disable @typescript-eslint/no-explicit-any -- Arrow's Data is generic over its type; the loops read its buffers untyped */
type AnyData = Data<any>;
type Values = ArrayLike<unknown>;
/** Writes the values of rows [a, b) of `d` (logical indices) into out[at…]. */
type Filler = (d: AnyData, a: number, b: number, out: unknown[], at: number) => void;

const MAGIC = 'ARROW1';
/** The footer is followed by its int32 length and the closing magic. */
const TAIL = 10;
/** The opening magic, padded to 8 bytes. */
const HEAD = 8;
/** Batches whose message headers are read at once while the layout is built. */
const HEADER_READS_AT_ONCE = 64;
/** The most read ahead at once for consecutive batches (a batch bigger than this is read as apache-arrow reads it). */
const READ_AHEAD = 32 * 1024 * 1024;
/** Decoded batches kept per reader: a chunk that ends inside a batch is followed by one that starts there. */
const BATCH_CACHE = 2;

// Decoders for compressed bodies (pyarrow writes LZ4 by default for Feather v2). Registered once,
// for the whole thread, only when nothing else has registered one.
if (!compressionRegistry.get(CompressionType.ZSTD))
  compressionRegistry.set(CompressionType.ZSTD, { encode: undefined as never, decode: (b) => zstdDecompress(b) });
if (!compressionRegistry.get(CompressionType.LZ4_FRAME))
  compressionRegistry.set(CompressionType.LZ4_FRAME, { encode: undefined as never, decode: lz4FrameDecode });

/** A damaged buffer found while reading a column; turned into a ChunkscopeError naming batch and column. */
class Corrupt extends Error {}

/** Opens an Arrow IPC file and reads its footer, schema, dictionaries and batch headers (not their bodies). */
export async function openArrow(file: string): Promise<TableReader> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (err) {
    throw new ChunkscopeError('input', `${file}: cannot open the Arrow file: ${(err as Error).message}`);
  }
  try {
    return await ArrowTableReader.open(file, fh);
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The file handle as apache-arrow sees it (it takes anything with fd, stat, read and close), counting
 * what is read and refusing a read that comes back short (the file shrank since it was opened),
 * where apache-arrow's read loop would otherwise spin forever.
 */
class CountingHandle {
  bytesRead = 0;
  reads = 0;
  private closed = false;
  constructor(
    private readonly file: string,
    private readonly fh: fsp.FileHandle,
    private readonly size: number,
  ) {}
  get fd(): number {
    return this.fh.fd;
  }
  stat() {
    return this.fh.stat();
  }
  /** Bytes read ahead in one pread (the blocks of consecutive batches), served to apache-arrow's small reads. */
  private window: { start: number; bytes: Uint8Array } | undefined;

  async read(buffer: Uint8Array, offset: number, length: number, position: number) {
    const w = this.window;
    if (w && position >= w.start && position + length <= w.start + w.bytes.length) {
      buffer.set(w.bytes.subarray(position - w.start, position - w.start + length), offset);
      return { bytesRead: length, buffer };
    }
    const result = await this.fh.read(buffer, offset, length, position);
    this.reads++;
    this.bytesRead += result.bytesRead;
    if (result.bytesRead === 0 && length > 0)
      throw new ChunkscopeError(
        'input',
        `${this.file}: the Arrow file ended at byte ${position} although it was ${this.size} bytes when opened (was it truncated while being read?)`,
      );
    return result;
  }
  /** `length` bytes at `position`, read in full. */
  async readAt(position: number, length: number): Promise<Uint8Array> {
    const buffer = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.read(buffer, done, length - done, position + done);
      done += bytesRead;
    }
    return buffer;
  }
  /** Reads bytes [start, end) in one go for the reads that follow, until drop(). */
  async readAhead(start: number, end: number): Promise<void> {
    this.window = undefined;
    this.window = { start, bytes: await this.readAt(start, end - start) };
  }
  drop(): void {
    this.window = undefined;
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.window = undefined;
    await this.fh.close();
  }
}

class ArrowTableReader implements TableReader {
  readonly layout: TableLayout;
  private readonly cache = new Map<number, RecordBatch>();
  /** read() calls run one after another: the Arrow reader seeks its one handle. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly fillers: Filler[];
  private readonly floatFillers: (FloatFiller | undefined)[];
  /** Columns whose Arrow values are already plain JS numbers (ints up to 32 bits, Float32/64). */
  private readonly direct: boolean[];
  private readonly names: string[];
  private readonly numeric: boolean[];
  private readonly objectRow: (values: Values[], i: number) => object;
  private readonly arrayRow: (values: Values[], i: number) => unknown[];

  private constructor(
    private readonly file: string,
    private readonly handle: CountingHandle,
    private readonly reader: AsyncRecordBatchFileReader,
    private readonly fields: Field[],
    units: TableUnit[],
  ) {
    const columns: TableColumn[] = fields.map((f) => ({
      name: f.name,
      type: String(f.type),
      numeric: isNumeric(f.type),
    }));
    const last = units[units.length - 1];
    this.layout = { columns, rowCount: last ? last.firstRow + last.rows : 0, units };
    this.names = columns.map((c) => c.name);
    this.numeric = columns.map((c) => c.numeric);
    const dictionaries = new WeakMap<object, unknown[]>();
    this.fillers = fields.map((f) => makeFiller(f.type, dictionaries));
    this.floatFillers = fields.map((f, c) => (this.numeric[c] ? makeFloatFiller(f.type, this.fillers[c]) : undefined));
    this.direct = fields.map((f) => isDirect(f.type));
    // One generated literal per reader, so every row shares a hidden class (as CSV rows do).
    const key = (name: string) => (name === '__proto__' ? '["__proto__"]' : JSON.stringify(name));
    this.objectRow = new Function(
      'v',
      'i',
      `return {${this.names.map((n, c) => `${key(n)}: v[${c}][i]`).join(', ')}};`,
    ) as (values: Values[], i: number) => object;
    this.arrayRow = new Function('v', 'i', `return [${this.names.map((_, c) => `v[${c}][i]`).join(', ')}];`) as (
      values: Values[],
      i: number,
    ) => unknown[];
  }

  static async open(file: string, fh: fsp.FileHandle): Promise<ArrowTableReader> {
    const stat = await fh.stat();
    if (!stat.isFile()) throw new ChunkscopeError('input', `${file} is not a file`);
    const size = stat.size;
    const handle = new CountingHandle(file, fh, size);
    const head = Buffer.from(await handle.readAt(0, Math.min(size, HEAD)));
    if (head.length >= 4 && head.readUInt32LE(0) === 0xffffffff)
      throw new ChunkscopeError(
        'input',
        `${file} is an Arrow IPC stream (it starts with a message, not the ARROW1 magic, and has no footer), ` +
          `not an Arrow IPC file: Chunkscope reads the file format (Feather v2), whose footer lets each worker read ` +
          `its own record batches. Convert it, for example with pyarrow: ` +
          `pyarrow.feather.write_feather(pyarrow.ipc.open_stream('in.arrows').read_all(), 'out.arrow')`,
      );
    if (head.subarray(0, 4).toString('latin1') === 'FEA1')
      throw new ChunkscopeError(
        'input',
        `${file} is a Feather v1 file: Chunkscope reads Feather v2 (Arrow IPC files). Rewrite it, for example with ` +
          `pyarrow: pyarrow.feather.write_feather(pyarrow.feather.read_table('in.feather'), 'out.arrow')`,
      );
    if (head.subarray(0, 6).toString('latin1') !== MAGIC)
      throw new ChunkscopeError('input', `${file} is not an Arrow IPC file: it does not start with the ARROW1 magic`);
    const tail = size >= HEAD + TAIL ? Buffer.from(await handle.readAt(size - TAIL, TAIL)) : Buffer.alloc(0);
    if (tail.length < TAIL || tail.subarray(4).toString('latin1') !== MAGIC)
      throw new ChunkscopeError(
        'input',
        `${file}: the Arrow file has no footer (it does not end with the ARROW1 magic): it is truncated or still being written`,
      );
    const footerLength = tail.readInt32LE(0);
    const footerStart = size - TAIL - footerLength;
    if (footerLength <= 0 || footerStart < HEAD)
      throw new ChunkscopeError(
        'input',
        `${file}: the Arrow file's footer length (${footerLength} bytes) does not fit in its ${size} bytes: the file is truncated or damaged`,
      );

    let reader: AsyncRecordBatchFileReader | undefined;
    try {
      const opened = await RecordBatchReader.from(handle as unknown as fsp.FileHandle);
      if (!opened.isFile() || !opened.isAsync()) throw new Error('not read as an Arrow IPC file');
      reader = opened as AsyncRecordBatchFileReader;
      await reader.open({ autoDestroy: false });
    } catch (err) {
      if (err instanceof ChunkscopeError) throw err;
      // The footer was read when apache-arrow got as far as the dictionaries: one of those failed.
      const dictionaries = reader?.footer?.numDictionaries ?? 0;
      if (dictionaries === 0)
        throw new ChunkscopeError(
          'input',
          `${file}: cannot read the Arrow file's footer or schema (bytes ${footerStart}–${size - TAIL}): ${(err as Error).message}`,
        );
      for (let j = 0; j < dictionaries; j++) {
        const block = reader!.footer!.getDictionaryBatch(j);
        if (!block) continue;
        const message = await handle
          .readAt(Number(block.offset), block.metaDataLength)
          .then((bytes) => new MessageReader(bytes).readMessage(MessageHeader.DictionaryBatch))
          .catch(() => null);
        const compression = message?.header().data.compression?.type;
        if (compression !== undefined && !compressionRegistry.get(compression)?.decode)
          throw new ChunkscopeError(
            'input',
            `${file}: dictionary batch ${j} is compressed with ${CompressionType[compression]}, which Chunkscope cannot decode`,
          );
      }
      throw new ChunkscopeError('data', `${file}: a dictionary batch is damaged: ${(err as Error).message}`);
    }
    const footer = reader.footer;
    if (!footer) throw new ChunkscopeError('input', `${file}: the Arrow file's footer is unreadable`);
    const count = footer.numRecordBatches;
    const units: TableUnit[] = new Array<TableUnit>(count);
    // The footer gives each block's place but not its row count: that is in each batch's message header.
    const header = async (k: number) => {
      const block = footer.getRecordBatch(k);
      if (!block) throw new ChunkscopeError('input', `${file}: the footer lists no block for record batch ${k}`);
      const start = Number(block.offset);
      const end = start + block.metaDataLength + Number(block.bodyLength);
      if (!(start >= HEAD && block.metaDataLength > 0 && end <= footerStart))
        throw new ChunkscopeError(
          'input',
          `${file}: record batch ${k}'s block (bytes ${start}–${end}) lies outside the file's data (bytes ${HEAD}–${footerStart}): the file is damaged`,
        );
      let rows: number;
      let compression: CompressionType | undefined;
      try {
        const message = new MessageReader(await handle.readAt(start, block.metaDataLength)).readMessage(
          MessageHeader.RecordBatch,
        );
        if (!message) throw new Error('no message');
        const batch = message.header();
        rows = Number(batch.length);
        compression = batch.compression?.type;
        if (!(Number.isSafeInteger(rows) && rows >= 0)) throw new Error(`its row count ${rows} is impossible`);
      } catch (err) {
        if (err instanceof ChunkscopeError) throw err;
        throw new ChunkscopeError(
          'data',
          `${file}: record batch ${k} (bytes ${start}–${end}): its message header is unreadable: ${(err as Error).message}`,
        );
      }
      if (compression !== undefined && !compressionRegistry.get(compression)?.decode)
        throw new ChunkscopeError(
          'input',
          `${file}: record batch ${k} is compressed with ${CompressionType[compression]}, which Chunkscope cannot decode`,
        );
      units[k] = { firstRow: 0, rows, byteStart: start, byteEnd: end };
    };
    for (let k = 0; k < count; k += HEADER_READS_AT_ONCE) {
      const group: Promise<void>[] = [];
      for (let j = k; j < Math.min(count, k + HEADER_READS_AT_ONCE); j++) group.push(header(j));
      // The reads finish in any order; the error a user sees is the first bad batch's, every time.
      const failed = (await Promise.allSettled(group)).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    let firstRow = 0;
    for (const unit of units) {
      unit.firstRow = firstRow;
      firstRow += unit.rows;
    }
    return new ArrowTableReader(file, handle, reader, reader.schema.fields, units);
  }

  /** Bytes read from the file so far (footer, schema, dictionaries, batch headers and the batches read). */
  get bytesRead(): number {
    return this.handle.bytesRead;
  }

  read(rowStart: number, rowEnd: number, shape: RowShape): Promise<unknown[] | ColumnarChunk> {
    const run = () => this.readNow(rowStart, rowEnd, shape);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    await this.handle.close();
  }

  private async readNow(rowStart: number, rowEnd: number, shape: RowShape): Promise<unknown[] | ColumnarChunk> {
    const { rowCount, units } = this.layout;
    if (this.closed) throw new ChunkscopeError('usage', `${this.file}: read after the Arrow reader was closed`);
    if (!(
      Number.isInteger(rowStart) &&
      Number.isInteger(rowEnd) &&
      0 <= rowStart &&
      rowStart <= rowEnd &&
      rowEnd <= rowCount
    ))
      throw new ChunkscopeError(
        'usage',
        `${this.file}: rows ${rowStart}–${rowEnd} are not a range of its ${rowCount} rows`,
      );
    const n = rowEnd - rowStart;
    // The batches the range covers, each with the rows [a, b) of it that are wanted.
    const wanted: { k: number; a: number; b: number; at: number }[] = [];
    for (
      let k = n === 0 ? units.length : findUnit(units, rowStart);
      k < units.length && units[k].firstRow < rowEnd;
      k++
    ) {
      const u = units[k];
      const a = Math.max(rowStart, u.firstRow) - u.firstRow;
      const b = Math.min(rowEnd, u.firstRow + u.rows) - u.firstRow;
      if (b > a) wanted.push({ k, a, b, at: u.firstRow + a - rowStart });
    }
    const pieces: { k: number; batch: RecordBatch; a: number; b: number; at: number }[] = [];
    // Blocks of batches not cached are read a window at a time (one pread instead of four per
    // batch, which is what small batches cost), then decoded by apache-arrow from that window.
    for (let p = 0; p < wanted.length;) {
      let q = p;
      if (!this.cache.has(wanted[p].k))
        while (
          q + 1 < wanted.length &&
          !this.cache.has(wanted[q + 1].k) &&
          units[wanted[q + 1].k].byteEnd - units[wanted[p].k].byteStart <= READ_AHEAD
        )
          q++;
      const first = units[wanted[p].k];
      const last = units[wanted[q].k];
      const ahead = !this.cache.has(wanted[p].k) && last.byteEnd - first.byteStart <= READ_AHEAD;
      try {
        if (ahead) await this.handle.readAhead(first.byteStart, last.byteEnd);
        for (let r = p; r <= q; r++) pieces.push({ ...wanted[r], batch: await this.batch(wanted[r].k) });
      } finally {
        this.handle.drop();
      }
      p = q + 1;
    }
    const nan = shape === 'columns';
    const values: Values[] = this.fields.map((_, c) => {
      const float = this.floatFillers[c];
      if (float) {
        // A numeric column of one batch without nulls is its own typed array (no copy): objects
        // then get small integers as such, and columnarChunk converts what is not Float64.
        const d = pieces.length === 1 && !nan ? pieces[0].batch.data.children[c] : undefined;
        if (d && this.direct[c] && d.nullCount === 0 && (d.values as Float64Array).length >= d.offset + d.length)
          return (d.values as Float64Array).subarray(d.offset + pieces[0].a, d.offset + pieces[0].b);
        const out = new Float64Array(n);
        if (pieces.every((p) => this.guard(p.k, c, () => float(p.batch.data.children[c], p.a, p.b, out, p.at, nan))))
          return out;
      }
      const out = new Array<unknown>(n);
      for (const p of pieces) this.guard(p.k, c, () => this.fillers[c](p.batch.data.children[c], p.a, p.b, out, p.at));
      return out;
    });
    if (shape === 'columns') return this.columnar(values);
    const make = shape === 'object' ? this.objectRow : this.arrayRow;
    const rows = new Array<unknown>(n);
    for (let i = 0; i < n; i++) rows[i] = make(values, i);
    return rows;
  }

  /**
   * The `columns` shape as columnarChunk() makes it, without its second copy of what is already
   * final: numeric columns filled as Float64Array here, and value columns, which the loops have
   * already put under the typed-value policy. The rest (INT64 past 2^53 and so on) goes through it.
   */
  private columnar(values: Values[]): ColumnarChunk {
    const chunk: ColumnarChunk = { length: 0, names: this.names, numeric: [], columns: {} };
    this.names.forEach((name, c) => {
      const v = values[c];
      chunk.length = v.length;
      if (this.numeric[c] && !(v instanceof Float64Array)) {
        const one = columnarChunk([name], [v], [true]);
        chunk.columns[name] = one.columns[name];
        if (one.numeric.length > 0) chunk.numeric.push(name);
      } else {
        chunk.columns[name] = v as Float64Array | string[];
        if (this.numeric[c]) chunk.numeric.push(name);
      }
    });
    return chunk;
  }

  /** Runs one column's loop over one batch, naming batch and column when a buffer is damaged. */
  private guard<T>(k: number, c: number, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ChunkscopeError) throw err;
      throw this.batchError(k, err as Error, c);
    }
  }

  private batchError(k: number, err: Error, c?: number): ChunkscopeError {
    const u = this.layout.units[k];
    const column = c === undefined ? '' : `, column "${this.names[c]}" (${this.layout.columns[c].type})`;
    return new ChunkscopeError(
      'data',
      `${this.file}: record batch ${k} (rows ${u.firstRow + 1}–${u.firstRow + u.rows}, bytes ${u.byteStart}–${u.byteEnd})${column} is damaged: ${err.message}`,
    );
  }

  private async batch(k: number): Promise<RecordBatch> {
    const cached = this.cache.get(k);
    if (cached) return cached;
    let batch: RecordBatch | null;
    try {
      batch = await this.reader.readRecordBatch(k);
    } catch (err) {
      if (err instanceof ChunkscopeError) throw err;
      throw this.batchError(k, err as Error);
    }
    if (!batch) throw this.batchError(k, new Error('its block does not hold a record batch message'));
    if (batch.numRows !== this.layout.units[k].rows || batch.data.children.length !== this.fields.length)
      throw this.batchError(k, new Error(`it holds ${batch.numRows} rows of ${batch.data.children.length} columns`));
    if (this.cache.size >= BATCH_CACHE) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(k, batch);
    return batch;
  }
}

/** The unit holding `row` (units are in row order and not empty except possibly some). */
function findUnit(units: TableUnit[], row: number): number {
  let lo = 0;
  let hi = units.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (units[mid].firstRow <= row) lo = mid;
    else hi = mid - 1;
  }
  // Skip empty batches that start at the same row.
  while (lo < units.length - 1 && units[lo].firstRow + units[lo].rows <= row) lo++;
  return lo;
}

function isDirect(type: DataType): boolean {
  const t = type as any;
  return (type.typeId === Type.Int && t.bitWidth <= 32) || (type.typeId === Type.Float && t.precision !== 0);
}

function isNumeric(type: DataType): boolean {
  if (type.typeId === Type.Dictionary) return isNumeric((type as any).dictionary as DataType);
  return type.typeId === Type.Int || type.typeId === Type.Float || type.typeId === Type.Decimal;
}

// ─── Values ─────────────────────────────────────────────────────────────────────────────────────

const TWO_32 = 4294967296;
/** 2^21: an INT64 whose high word is within ±2^21 is a safe number (bar −2^53 itself). */
const HI_SAFE = 0x200000;

/** The null bitmap when the data has nulls (checked to cover its rows), else undefined. */
function validity(d: AnyData): Uint8Array | undefined {
  if (!d.nullBitmap || d.nullBitmap.length === 0 || d.nullCount === 0) return undefined;
  if (d.nullBitmap.length * 8 < d.offset + d.length)
    throw new Corrupt(`its validity bitmap covers ${d.nullBitmap.length * 8} rows, not ${d.offset + d.length}`);
  return d.nullBitmap;
}

const isNull = (bitmap: Uint8Array | undefined, j: number) =>
  bitmap !== undefined && (bitmap[j >> 3] & (1 << (j & 7))) === 0;

function need(available: number, wanted: number, what: string): void {
  if (available < wanted) throw new Corrupt(`its ${what} buffer holds ${available} values where ${wanted} are needed`);
}

/** Offsets [from, to] of a variable-size column, checked to be in range and non-decreasing over it. */
function offsetsOf(
  d: AnyData,
  a: number,
  b: number,
  limit: number,
): { offsets: ArrayLike<number | bigint>; large: boolean } {
  const offsets = d.valueOffsets as Int32Array | BigInt64Array;
  need(offsets.length, d.offset + b + 1, 'offsets');
  const large = offsets instanceof BigInt64Array;
  let previous = Number(offsets[d.offset + a]);
  if (previous < 0 || previous > limit) throw new Corrupt(`offset ${previous} is outside its ${limit}-byte data`);
  for (let j = d.offset + a + 1; j <= d.offset + b; j++) {
    const o = large ? Number(offsets[j]) : (offsets[j] as number);
    if (o < previous || o > limit)
      throw new Corrupt(
        `offset ${o} at row ${j - d.offset} is outside its ${limit}-long data or before the one preceding it`,
      );
    previous = o;
  }
  return { offsets, large };
}

/** An INT64 (signed) at index j of the Int32 view `w` (little-endian words), by the INT64 policy. */
function int64At(w: Int32Array, big: BigInt64Array, j: number): number | bigint {
  const hi = w[2 * j + 1];
  const lo = w[2 * j] >>> 0;
  if ((hi > -HI_SAFE && hi < HI_SAFE) || (hi === -HI_SAFE && lo !== 0)) return hi * TWO_32 + lo;
  return big[j];
}

function uint64At(w: Uint32Array, big: BigUint64Array, j: number): number | bigint {
  const hi = w[2 * j + 1];
  return hi < HI_SAFE ? hi * TWO_32 + w[2 * j] : big[j];
}

/** trunc(v / div) for the INT64 v at index j, exactly (div divides time units: 1e3, 1e6). */
function int64DivTrunc(w: Int32Array, j: number, div: number): number {
  const hi = w[2 * j + 1];
  const lo = w[2 * j] >>> 0;
  // v = hi·2^32 + lo = hi·(A·div + B) + lo, with every product below exact in a double.
  const A = Math.floor(TWO_32 / div);
  const B = TWO_32 - A * div;
  const r = hi * B + lo;
  const q1 = Math.floor(r / div);
  const q = hi * A + q1;
  return hi < 0 && r - q1 * div !== 0 ? q + 1 : q;
}

function words(values: BigInt64Array | BigUint64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** The value of a type this module has no loop for, through apache-arrow's own get(). */
function genericValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return typedValue(value);
  if (typeof value === 'object' && !ArrayBuffer.isView(value) && typeof (value as any).toJSON === 'function')
    return genericValue((value as any).toJSON());
  if (Array.isArray(value)) return value.map(genericValue);
  return value;
}

function makeFiller(type: DataType, dictionaries: WeakMap<object, unknown[]>): Filler {
  const t = type as any;
  // Over the type ids of data read from IPC (the base ids; the rest go through apache-arrow below).
  switch (type.typeId as number) {
    case Type.Null:
      return (_d, a, b, out, at) => {
        for (let i = a; i < b; i++) out[at + i - a] = null;
      };
    case Type.Bool:
      return (d, a, b, out, at) => {
        const bits = d.values as Uint8Array;
        need(bits.length * 8, d.offset + d.length, 'values');
        const nulls = validity(d);
        for (let i = a; i < b; i++) {
          const j = d.offset + i;
          out[at + i - a] = isNull(nulls, j) ? null : (bits[j >> 3] & (1 << (j & 7))) !== 0;
        }
      };
    case Type.Int:
      if (t.bitWidth === 64)
        return t.isSigned
          ? (d, a, b, out, at) => {
              const big = d.values as BigInt64Array;
              need(big.length, d.offset + d.length, 'values');
              const w = words(big);
              const nulls = validity(d);
              for (let i = a; i < b; i++) {
                const j = d.offset + i;
                out[at + i - a] = isNull(nulls, j) ? null : int64At(w, big, j);
              }
            }
          : (d, a, b, out, at) => {
              const big = d.values as BigUint64Array;
              need(big.length, d.offset + d.length, 'values');
              const w = new Uint32Array(big.buffer, big.byteOffset, big.length * 2);
              const nulls = validity(d);
              for (let i = a; i < b; i++) {
                const j = d.offset + i;
                out[at + i - a] = isNull(nulls, j) ? null : uint64At(w, big, j);
              }
            };
      return plainFiller;
    case Type.Float:
      if (t.precision === 0 /* HALF */)
        return (d, a, b, out, at) => {
          const v = d.values as Uint16Array;
          need(v.length, d.offset + d.length, 'values');
          const nulls = validity(d);
          for (let i = a; i < b; i++) {
            const j = d.offset + i;
            out[at + i - a] = isNull(nulls, j) ? null : util.uint16ToFloat64(v[j]);
          }
        };
      return plainFiller;
    case Type.Decimal:
      return decimalFiller(t.scale as number, (t.bitWidth as number) / 32);
    case Type.Date:
      return t.unit === 0 /* DAY */
        ? (d, a, b, out, at) => {
            const v = d.values as Int32Array;
            need(v.length, d.offset + d.length, 'values');
            const nulls = validity(d);
            for (let i = a; i < b; i++) {
              const j = d.offset + i;
              out[at + i - a] = isNull(nulls, j) ? null : new Date(v[j] * 86_400_000);
            }
          }
        : timeFiller(1, 1);
    case Type.Timestamp: {
      const unit = t.unit as TimeUnit;
      if (unit === TimeUnit.SECOND) return timeFiller(1000, 1);
      if (unit === TimeUnit.MILLISECOND) return timeFiller(1, 1);
      return timeFiller(1, unit === TimeUnit.MICROSECOND ? 1000 : 1_000_000);
    }
    case Type.Utf8:
    case Type.LargeUtf8:
      return utf8Filler;
    case Type.Binary:
    case Type.LargeBinary:
      return (d, a, b, out, at) => {
        const bytes = d.values as Uint8Array;
        const { offsets, large } = offsetsOf(d, a, b, bytes.length);
        const nulls = validity(d);
        for (let i = a; i < b; i++) {
          const j = d.offset + i;
          out[at + i - a] = isNull(nulls, j)
            ? null
            : bytes.slice(
                large ? Number(offsets[j]) : (offsets[j] as number),
                large ? Number(offsets[j + 1]) : (offsets[j + 1] as number),
              );
        }
      };
    case Type.FixedSizeBinary: {
      const width = t.byteWidth as number;
      return (d, a, b, out, at) => {
        const bytes = d.values as Uint8Array;
        need(bytes.length, (d.offset + d.length) * width, 'values');
        const nulls = validity(d);
        for (let i = a; i < b; i++) {
          const j = d.offset + i;
          out[at + i - a] = isNull(nulls, j) ? null : bytes.slice(j * width, (j + 1) * width);
        }
      };
    }
    case Type.Dictionary: {
      const valueFiller = makeFiller(t.dictionary as DataType, dictionaries);
      return (d, a, b, out, at) => {
        const dictionary = d.dictionary as Vector | undefined;
        if (!dictionary) throw new Corrupt('its dictionary is missing');
        let decoded = dictionaries.get(dictionary);
        if (!decoded) {
          // Decoded once per dictionary, however many batches and chunks use it.
          decoded = new Array<unknown>(dictionary.length);
          let at2 = 0;
          for (const chunk of dictionary.data) {
            valueFiller(chunk, 0, chunk.length, decoded, at2);
            at2 += chunk.length;
          }
          dictionaries.set(dictionary, decoded);
        }
        const indices = d.values as Int32Array | BigInt64Array;
        need(indices.length, d.offset + d.length, 'indices');
        const large = indices instanceof BigInt64Array || indices instanceof BigUint64Array;
        const nulls = validity(d);
        const size = decoded.length;
        for (let i = a; i < b; i++) {
          const j = d.offset + i;
          if (isNull(nulls, j)) out[at + i - a] = null;
          else {
            const index = large ? Number(indices[j]) : (indices[j] as number);
            if (!(index >= 0 && index < size))
              throw new Corrupt(`row ${i + 1}'s dictionary index ${index} is outside its ${size}-entry dictionary`);
            out[at + i - a] = decoded[index];
          }
        }
      };
    }
    case Type.List:
    case Type.LargeList: {
      const child = makeFiller(t.children[0].type as DataType, dictionaries);
      return (d, a, b, out, at) => {
        const items = d.children[0];
        const { offsets, large } = offsetsOf(d, a, b, items.length);
        const nulls = validity(d);
        const first = Number(offsets[d.offset + a]);
        const all = new Array<unknown>(Number(offsets[d.offset + b]) - first);
        child(items, first, first + all.length, all, 0);
        for (let i = a; i < b; i++) {
          const j = d.offset + i;
          out[at + i - a] = isNull(nulls, j)
            ? null
            : all.slice(
                (large ? Number(offsets[j]) : (offsets[j] as number)) - first,
                (large ? Number(offsets[j + 1]) : (offsets[j + 1] as number)) - first,
              );
        }
      };
    }
    case Type.FixedSizeList: {
      const size = t.listSize as number;
      const child = makeFiller(t.children[0].type as DataType, dictionaries);
      return (d, a, b, out, at) => {
        const items = d.children[0];
        need(items.length, (d.offset + b) * size, 'list items');
        const nulls = validity(d);
        const first = (d.offset + a) * size;
        const all = new Array<unknown>((b - a) * size);
        child(items, first, first + all.length, all, 0);
        for (let i = a; i < b; i++)
          out[at + i - a] = isNull(nulls, d.offset + i) ? null : all.slice((i - a) * size, (i - a + 1) * size);
      };
    }
    case Type.Struct: {
      const fields = t.children as Field[];
      const children = fields.map((f) => makeFiller(f.type, dictionaries));
      return (d, a, b, out, at) => {
        const nulls = validity(d);
        // apache-arrow slices a struct's children with it, so row i of the struct is row i of each child.
        const columns = children.map((fill, c) => {
          const values = new Array<unknown>(b - a);
          need(d.children[c].length, b, `field "${fields[c].name}"`);
          fill(d.children[c], a, b, values, 0);
          return values;
        });
        for (let i = a; i < b; i++) {
          if (isNull(nulls, d.offset + i)) {
            out[at + i - a] = null;
            continue;
          }
          const row: Record<string, unknown> = {};
          for (let c = 0; c < fields.length; c++) setKey(row, fields[c].name, columns[c][i - a]);
          out[at + i - a] = row;
        }
      };
    }
    case Type.Map: {
      // A map becomes a plain object keyed by its keys as strings (as JSON would have it).
      const entries = makeFiller(t.children[0].type as DataType, dictionaries);
      return (d, a, b, out, at) => {
        const items = d.children[0];
        const { offsets } = offsetsOf(d, a, b, items.length);
        const nulls = validity(d);
        const first = Number(offsets[d.offset + a]);
        const all = new Array<unknown>(Number(offsets[d.offset + b]) - first);
        entries(items, first, first + all.length, all, 0);
        const [keyName, valueName] = (t.children[0].type.children as Field[]).map((f) => f.name);
        for (let i = a; i < b; i++) {
          const j = d.offset + i;
          if (isNull(nulls, j)) {
            out[at + i - a] = null;
            continue;
          }
          const row: Record<string, unknown> = {};
          for (let e = Number(offsets[j]) - first; e < Number(offsets[j + 1]) - first; e++) {
            const entry = all[e] as Record<string, unknown>;
            setKey(row, String(entry[keyName]), entry[valueName]);
          }
          out[at + i - a] = row;
        }
      };
    }
    default:
      // Time, Duration, Interval, Union and the view types: rare in datasets, read through apache-arrow.
      return (d, a, b, out, at) => {
        const vector = makeVector(d);
        for (let i = a; i < b; i++) out[at + i - a] = genericValue(vector.get(i));
      };
  }
}

/** Ints up to 32 bits and Float32/64: the typed array's own numbers. */
const plainFiller: Filler = (d, a, b, out, at) => {
  const v = d.values as Int32Array;
  need(v.length, d.offset + d.length, 'values');
  const nulls = validity(d);
  if (!nulls) for (let i = a; i < b; i++) out[at + i - a] = v[d.offset + i];
  else
    for (let i = a; i < b; i++) {
      const j = d.offset + i;
      out[at + i - a] = isNull(nulls, j) ? null : v[j];
    }
};

/** Dates (ms) and timestamps from INT64 values: ms = v · mul / div, truncated as Date truncates. */
function timeFiller(mul: number, div: number): Filler {
  return (d, a, b, out, at) => {
    const big = d.values as BigInt64Array;
    need(big.length, d.offset + d.length, 'values');
    const w = words(big);
    const nulls = validity(d);
    for (let i = a; i < b; i++) {
      const j = d.offset + i;
      if (isNull(nulls, j)) out[at + i - a] = null;
      else if (div === 1) out[at + i - a] = new Date(Number(int64At(w, big, j)) * mul);
      else out[at + i - a] = new Date(int64DivTrunc(w, j, div));
    }
  };
}

/** Decimals as numbers: exact integer / 10^scale when the unscaled value is a safe integer. */
function decimalFiller(scale: number, stride: number): Filler {
  const power = 10 ** Math.abs(scale);
  const scaled = (n: number) => (scale > 0 ? n / power : scale < 0 ? n * power : n);
  return (d, a, b, out, at) => {
    const v = d.values as Uint32Array;
    need(v.length, (d.offset + d.length) * stride, 'values');
    const nulls = validity(d);
    for (let i = a; i < b; i++) {
      const j = d.offset + i;
      if (isNull(nulls, j)) {
        out[at + i - a] = null;
        continue;
      }
      const base = j * stride;
      if (stride === 1) {
        // Decimal32: one signed word.
        out[at + i - a] = scaled(v[base] | 0);
        continue;
      }
      const lo = v[base];
      const hi = v[base + 1] | 0;
      // Safe when the upper words are the sign extension of the low 64 bits and those are safe.
      let extension = true;
      for (let s = 2; s < stride; s++) if (v[base + s] !== (hi < 0 ? 0xffffffff : 0)) extension = false;
      if (extension && ((hi > -HI_SAFE && hi < HI_SAFE) || (hi === -HI_SAFE && lo !== 0))) {
        out[at + i - a] = scaled(hi * TWO_32 + lo);
        continue;
      }
      let big = 0n;
      for (let s = stride - 1; s >= 0; s--) big = (big << 32n) | BigInt(v[base + s]);
      if (v[base + stride - 1] & 0x80000000) big -= 1n << BigInt(32 * stride);
      out[at + i - a] = scaled(Number(big));
    }
  };
}

/** Buffer's own slice decoders, which skip toString()'s argument handling (many short strings). */
interface FastSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/**
 * Utf8 values. ASCII data (checked over the rows' bytes) is decoded once and sliced per row;
 * otherwise each value is decoded from its bytes.
 */
const utf8Filler: Filler = (d, a, b, out, at) => {
  const bytes = d.values as Uint8Array;
  const { offsets, large } = offsetsOf(d, a, b, bytes.length);
  const nulls = validity(d);
  const offset = (j: number) => (large ? Number(offsets[j]) : (offsets[j] as number));
  const start = offset(d.offset + a);
  const end = offset(d.offset + b);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as FastSlices;
  let ascii = true;
  for (let p = start; p < end; p++)
    if (bytes[p] >= 0x80) {
      ascii = false;
      break;
    }
  if (ascii) {
    const text = buffer.latin1Slice(start, end);
    let s = start;
    for (let i = a; i < b; i++) {
      const j = d.offset + i;
      const e = offset(j + 1);
      out[at + i - a] = isNull(nulls, j) ? null : text.slice(s - start, e - start);
      s = e;
    }
  } else {
    let s = start;
    for (let i = a; i < b; i++) {
      const j = d.offset + i;
      const e = offset(j + 1);
      out[at + i - a] = isNull(nulls, j) ? null : buffer.utf8Slice(s, e);
      s = e;
    }
  }
};

// ─── Numeric columns straight into Float64Array ────────────────────────────────────────────────

/**
 * Writes rows [a, b) as numbers, a null as NaN when `nan` (the `columns` shape); false when a value
 * cannot be a number there (an INT64 past 2^53, or a null in row shapes), and the value loop is used.
 */
type FloatFiller = (d: AnyData, a: number, b: number, out: Float64Array, at: number, nan: boolean) => boolean;

function makeFloatFiller(type: DataType, values: Filler): FloatFiller {
  const t = type as any;
  if (isDirect(type))
    return (d, a, b, out, at, nan) => {
      const v = d.values as Float64Array;
      need(v.length, d.offset + d.length, 'values');
      const nulls = validity(d);
      if (!nulls) out.set(v.subarray(d.offset + a, d.offset + b), at);
      else if (!nan) return false;
      else
        for (let i = a; i < b; i++) {
          const j = d.offset + i;
          out[at + i - a] = isNull(nulls, j) ? NaN : v[j];
        }
      return true;
    };
  if (type.typeId === Type.Int && t.isSigned)
    return (d, a, b, out, at, nan) => {
      const big = d.values as BigInt64Array;
      need(big.length, d.offset + d.length, 'values');
      const w = words(big);
      const nulls = validity(d);
      if (nulls && !nan) return false;
      for (let i = a; i < b; i++) {
        const j = d.offset + i;
        if (isNull(nulls, j)) out[at + i - a] = NaN;
        else {
          const hi = w[2 * j + 1];
          const lo = w[2 * j] >>> 0;
          if (!((hi > -HI_SAFE && hi < HI_SAFE) || (hi === -HI_SAFE && lo !== 0))) return false;
          out[at + i - a] = hi * TWO_32 + lo;
        }
      }
      return true;
    };
  // Uint64, Float16, Decimal, dictionaries of numbers: through the value loop.
  return (d, a, b, out, at, nan) => {
    const tmp = new Array<unknown>(b - a);
    values(d, a, b, tmp, 0);
    for (let i = 0; i < tmp.length; i++) {
      const x = tmp[i];
      if (typeof x === 'number') out[at + i] = x;
      else if (x === null && nan) out[at + i] = NaN;
      else return false;
    }
    return true;
  };
}

// ─── LZ4 frames (pyarrow's default for Feather v2 and IPC files) ────────────────────────────────

/** Decodes an LZ4 frame (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md); checksums are not verified. */
export function lz4FrameDecode(input: Uint8Array): Uint8Array {
  const fail = (why: string): never => {
    throw new Error(`LZ4 frame: ${why}`);
  };
  const u32 = (p: number) => (input[p] | (input[p + 1] << 8) | (input[p + 2] << 16) | (input[p + 3] << 24)) >>> 0;
  if (input.length < 7 || u32(0) !== 0x184d2204) fail('no LZ4 frame magic');
  const flags = input[4];
  if (flags >> 6 !== 1) fail(`version ${flags >> 6}`);
  const blockChecksum = (flags & 0x10) !== 0;
  const hasSize = (flags & 0x08) !== 0;
  const hasDictId = (flags & 0x01) !== 0;
  let p = 6 + (hasSize ? 8 : 0) + (hasDictId ? 4 : 0) + 1;
  let total = 0;
  let out = new Uint8Array(
    hasSize ? Number(new DataView(input.buffer, input.byteOffset + 6, 8).getBigUint64(0, true)) : 1 << 16,
  );
  const grow = (need: number) => {
    if (total + need <= out.length) return;
    const bigger = new Uint8Array(Math.max(out.length * 2, total + need));
    bigger.set(out.subarray(0, total));
    out = bigger;
  };
  for (;;) {
    if (p + 4 > input.length) fail('truncated');
    const size = u32(p);
    p += 4;
    if (size === 0) break;
    const length = size & 0x7fffffff;
    if (p + length > input.length) fail('truncated block');
    if (size & 0x80000000) {
      grow(length);
      out.set(input.subarray(p, p + length), total);
      total += length;
    } else {
      // One LZ4 block: sequences of literals and a match into what was decoded before.
      const end = p + length;
      let q = p;
      while (q < end) {
        const token = input[q++];
        let literals = token >> 4;
        if (literals === 15) {
          let s: number;
          do literals += s = input[q++];
          while (s === 255 && q < end);
        }
        if (q + literals > end) fail('literals past the block');
        grow(literals);
        out.set(input.subarray(q, q + literals), total);
        total += literals;
        q += literals;
        if (q >= end) break;
        const distance = input[q] | (input[q + 1] << 8);
        q += 2;
        let match = (token & 15) + 4;
        if (match === 19) {
          let s: number;
          do match += s = input[q++];
          while (s === 255 && q < end);
        }
        if (distance === 0 || distance > total) fail('match before the start');
        grow(match);
        for (let m = 0; m < match; m++, total++) out[total] = out[total - distance];
      }
    }
    p += length + (blockChecksum ? 4 : 0);
  }
  return out.subarray(0, total);
}
