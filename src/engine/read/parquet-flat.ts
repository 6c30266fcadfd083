// The fast path for flat Parquet columns (a top-level primitive, REQUIRED or OPTIONAL, the kind
// every DuckDB, Arrow or Spark table column is): pages are decoded here, on hyparquet's page-level
// functions, straight into the output, a Float64Array (plus a null mask) for numeric columns and
// one value array for the others. hyparquet's own column reader assembles every OPTIONAL column
// through its generic list assembler (one push per value onto a growing array), then the values are
// copied again into Float64Array for the `columns` shape; profiles put most of a read's time there
// and in the garbage it leaves. Values are hyparquet's: its `convert` turns dictionaries and PLAIN
// pages into dates, strings, decimals, so both paths give the same values.
import type { ColumnChunk, SchemaTree } from 'hyparquet';
import type { ColumnDecoder, DataPageHeader, DecodedArray, PageHeader } from 'hyparquet/src/types.js';
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { compressors as jsCompressors } from 'hyparquet-compressors';
import type { Compressors } from 'hyparquet';
import { ZSTDDecoder } from 'zstddec';

const zstd = new ZSTDDecoder();
let zstdReady: Promise<void> | undefined;

/**
 * hyparquet-compressors with ZSTD on zstddec (the reference C decoder in WebAssembly), which
 * decodes the pages of DuckDB's files several times faster than fzstd (JavaScript).
 */
export const compressors: Compressors = {
  ...jsCompressors,
  ZSTD: (input: Uint8Array, size: number) => zstd.decode(input, size),
};

/** Loads the WebAssembly decoder; once per process, before the first read. */
export function initDecoders(): Promise<void> {
  if (zstdReady) return zstdReady;
  // zstddec loads its embedded module through fetch() of a data: URL when fetch exists, which in
  // Node first loads undici (~50 ms per worker); without fetch it instantiates from a Buffer
  // (~2 ms). It checks synchronously inside init(), so fetch is hidden for that call only.
  const global = globalThis as { fetch?: unknown };
  const fetch = global.fetch;
  try {
    global.fetch = undefined;
    zstdReady = zstd.init();
  } finally {
    global.fetch = fetch;
  }
  return zstdReady;
}

/** A decoded flat column: numbers (null → NaN, `nulls[i]` 1 where null) or plain values (null → null). */
export type FlatColumn =
  { kind: 'numbers'; data: Float64Array; nulls: Uint8Array | undefined } | { kind: 'values'; data: unknown[] };

/** INT64 values past 2^53 cannot go into a Float64Array: the caller reads that column the generic way. */
export class NotFlatNumbers extends Error {}

const NUMBER_PHYSICAL = new Set(['INT32', 'INT64', 'FLOAT', 'DOUBLE']);

/** A top-level leaf that is not repeated: no list assembly, one definition level bit at most. */
export function isFlat(node: SchemaTree): boolean {
  return node.children.length === 0 && node.element.repetition_type !== 'REPEATED' && node.element.type !== undefined;
}

// Scratch buffers, kept across pages and chunks (a worker reads one page at a time): definition
// levels and dictionary indices. (Decompressing ZSTD into a reused buffer
// was measured 3× slower: fzstd given an output buffer takes a slow path.)
let levels = new Uint8Array(0);
let indices = new Int32Array(0);

function levelBuffer(n: number): Uint8Array {
  if (levels.length < n) levels = new Uint8Array(Math.max(n, levels.length * 2));
  return levels.subarray(0, n);
}

function indexBuffer(n: number): Int32Array {
  if (indices.length < n) indices = new Int32Array(Math.max(n, indices.length * 2));
  return indices.subarray(0, n);
}

/** Where decoded values go: rows [from, to) of the chunk, the chunk's row `to - 1` at `offset + to - from - 1`. */
interface Sink {
  /** Page values (already converted), `defs` the page's definition levels (undefined: none null). */
  put(values: ArrayLike<unknown>, defs: ArrayLike<number> | undefined, pageFrom: number, pageTo: number): void;
  /** Dictionary indices of the non-null values. */
  putIndices(
    ix: Int32Array,
    dictionary: DecodedArray,
    defs: ArrayLike<number> | undefined,
    pageFrom: number,
    pageTo: number,
  ): void;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A number for a decoded numeric value, by the typed-values policy; NotFlatNumbers for a bigint past 2^53. */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') {
    const n = Number(v);
    if (n > MAX_SAFE || n < -MAX_SAFE || BigInt(n) !== v) throw new NotFlatNumbers();
    return n;
  }
  throw new NotFlatNumbers();
}

/** A numeric dictionary (or page) as plain numbers, converting INT64s by the policy. */
function numbersOf(values: ArrayLike<unknown>): ArrayLike<number> {
  if (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array) return values;
  if (values instanceof Uint32Array || values instanceof Int16Array || values instanceof Uint16Array) return values;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return int64Numbers(values);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toNumber(values[i]);
  return out;
}

/** INT64s as numbers through their 32-bit halves (no bigint per value); NotFlatNumbers past 2^53. */
function int64Numbers(values: BigInt64Array | BigUint64Array): Float64Array {
  const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const out = new Float64Array(values.length);
  const unsigned = values instanceof BigUint64Array;
  for (let i = 0; i < values.length; i++) {
    const lo = halves[2 * i] >>> 0;
    const hi = halves[2 * i + 1];
    // |hi| < 2^21 keeps hi·2^32 + lo within ±2^53 (exact); -2^53 itself is not a safe integer.
    if (unsigned ? hi >>> 0 >= 0x200000 : hi >= 0x200000 || hi < -0x200000) throw new NotFlatNumbers();
    const n = hi * 4294967296 + lo;
    if (n === -9007199254740992) throw new NotFlatNumbers();
    out[i] = n;
  }
  return out;
}

class NumberSink implements Sink {
  private dictionary: DecodedArray | undefined;
  private dictionaryNumbers: ArrayLike<number> = [];

  constructor(
    readonly data: Float64Array,
    public nulls: Uint8Array | undefined,
    private offset: number,
  ) {}

  put(values: ArrayLike<unknown>, defs: ArrayLike<number> | undefined, pageFrom: number, pageTo: number): void {
    const numbers = numbersOf(values);
    const data = this.data;
    let o = this.offset;
    if (!defs) {
      for (let i = pageFrom; i < pageTo; i++) data[o++] = numbers[i];
    } else {
      let v = 0;
      for (let i = 0; i < pageFrom; i++) v += defs[i];
      const nulls = this.nullMask();
      for (let i = pageFrom; i < pageTo; i++, o++) {
        if (defs[i]) data[o] = numbers[v++];
        else {
          data[o] = NaN;
          nulls[o] = 1;
        }
      }
    }
    this.offset = o;
  }

  putIndices(
    ix: Int32Array,
    dictionary: DecodedArray,
    defs: ArrayLike<number> | undefined,
    pageFrom: number,
    pageTo: number,
  ): void {
    // A dictionary serves every page of its chunk: convert it once.
    if (dictionary !== this.dictionary) {
      this.dictionaryNumbers = numbersOf(dictionary);
      this.dictionary = dictionary;
    }
    const dict = this.dictionaryNumbers;
    const data = this.data;
    let o = this.offset;
    if (!defs) {
      for (let i = pageFrom; i < pageTo; i++) data[o++] = dict[ix[i]];
    } else {
      let v = 0;
      for (let i = 0; i < pageFrom; i++) v += defs[i];
      const nulls = this.nullMask();
      for (let i = pageFrom; i < pageTo; i++, o++) {
        if (defs[i]) data[o] = dict[ix[v++]];
        else {
          data[o] = NaN;
          nulls[o] = 1;
        }
      }
    }
    this.offset = o;
  }

  private nullMask(): Uint8Array {
    return (this.nulls ??= new Uint8Array(this.data.length));
  }
}

class ValueSink implements Sink {
  constructor(
    readonly data: unknown[],
    private offset: number,
  ) {}

  put(values: ArrayLike<unknown>, defs: ArrayLike<number> | undefined, pageFrom: number, pageTo: number): void {
    const data = this.data;
    let o = this.offset;
    if (!defs) {
      for (let i = pageFrom; i < pageTo; i++) data[o++] = values[i];
    } else {
      let v = 0;
      for (let i = 0; i < pageFrom; i++) v += defs[i];
      for (let i = pageFrom; i < pageTo; i++) data[o++] = defs[i] ? values[v++] : null;
    }
    this.offset = o;
  }

  putIndices(
    ix: Int32Array,
    dictionary: DecodedArray,
    defs: ArrayLike<number> | undefined,
    pageFrom: number,
    pageTo: number,
  ): void {
    const data = this.data;
    let o = this.offset;
    if (!defs) {
      for (let i = pageFrom; i < pageTo; i++) data[o++] = dictionary[ix[i]];
    } else {
      let v = 0;
      for (let i = 0; i < pageFrom; i++) v += defs[i];
      for (let i = pageFrom; i < pageTo; i++) data[o++] = defs[i] ? dictionary[ix[v++]] : null;
    }
    this.offset = o;
  }
}

/** Definition levels of a flat column as 0/1 (max level 1), or undefined when the page has no null. */
function flatDefs(defs: number[] | undefined): ArrayLike<number> | undefined {
  if (!defs || defs.length === 0) return undefined;
  for (let i = 0; i < defs.length; i++) if (defs[i] !== 1) return defs;
  return undefined;
}

/**
 * A V1 page's definition levels for a flat OPTIONAL column (bit width 1): the 4-byte length, then
 * RLE / bit-packed runs. A page without nulls is usually one RLE run of 1s: then no level array is
 * filled at all (`defs` undefined), which is the common case (DuckDB marks every column OPTIONAL).
 */
function readLevels(page: Uint8Array, offset: number, n: number): { present: number; defs?: Uint8Array; end: number } {
  if (offset + 4 > page.length) throw new Error('parquet definition levels run past the end of the page');
  const length = (page[offset] | (page[offset + 1] << 8) | (page[offset + 2] << 16) | (page[offset + 3] << 24)) >>> 0;
  const end = offset + 4 + length;
  if (end > page.length) throw new Error('parquet definition levels run past the end of the page');
  let pos = offset + 4;
  let seen = 0;
  let present = 0;
  let defs: Uint8Array | undefined;
  const materialise = (): Uint8Array => {
    // Runs before the first null or bit-packed run were all 1s.
    const buffer = levelBuffer(n);
    buffer.fill(1, 0, seen);
    return buffer;
  };
  while (seen < n) {
    if (pos >= end) throw new Error(`parquet definition levels end after ${seen} of ${n} values`);
    let header = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = page[pos++];
      header += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80 && pos < end);
    if (header % 2 === 1) {
      // Bit-packed: groups of 8 one-bit values, a byte each.
      const groups = Math.floor(header / 2);
      const count = Math.min(groups * 8, n - seen);
      defs ??= materialise();
      for (let i = 0; i < count; i++) {
        const v = (page[pos + (i >> 3)] >> (i & 7)) & 1;
        defs[seen + i] = v;
        present += v;
      }
      pos += groups;
      seen += count;
    } else {
      const count = Math.min(Math.floor(header / 2), n - seen);
      const v = page[pos++] & 1;
      if (defs || v !== 1) (defs ??= materialise()).fill(v, seen, seen + count);
      present += v * count;
      seen += count;
    }
  }
  return { present, defs: present === n ? undefined : defs, end };
}

/**
 * Decodes the rows [from, to) (row-group relative) of one flat column chunk held in `bytes` into
 * `sink`, page by page; pages wholly before `from` are skipped undecompressed.
 */
function decodeChunk(
  bytes: Uint8Array,
  decoder: ColumnDecoder,
  groupRows: number,
  from: number,
  to: number,
  sink: Sink,
): void {
  const optional = decoder.element.repetition_type === 'OPTIONAL';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = { view, offset: 0 };
  let dictionary: DecodedArray | undefined;
  let row = 0;
  while (row < to) {
    if (reader.offset >= bytes.byteLength)
      throw new Error(`parquet column chunk ends after ${row} of its ${groupRows} rows`);
    const header = parquetHeader(reader);
    const size = header.compressed_page_size;
    if (!(size >= 0) || reader.offset + size > bytes.byteLength)
      throw new Error(`parquet page of ${size} bytes runs past the end of its column chunk`);
    const compressed = bytes.subarray(reader.offset, reader.offset + size);
    reader.offset += size;
    if (header.type === 'DICTIONARY_PAGE') {
      const diph = header.dictionary_page_header;
      if (!diph) throw new Error('parquet dictionary page header is undefined');
      const page = decompressPage(compressed, Number(header.uncompressed_page_size), decoder.codec, compressors);
      const pageReader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
      dictionary = convert(readPlain(pageReader, decoder.type, diph.num_values, decoder.element.type_length), decoder);
      continue;
    }
    if (header.type === 'DATA_PAGE' || header.type === 'DATA_PAGE_V2') {
      const v1 = header.type === 'DATA_PAGE' ? header.data_page_header : undefined;
      const v2 = header.type === 'DATA_PAGE_V2' ? header.data_page_header_v2 : undefined;
      if (!v1 && !v2) throw new Error(`parquet ${header.type} header is undefined`);
      // A flat column has one value (or null) a row: a page's values are its rows.
      const n = v1 ? v1.num_values : v2!.num_rows;
      const pageFrom = Math.max(0, from - row);
      if (pageFrom < n) {
        const pageTo = Math.min(n, to - row);
        if (v1) decodeDataPage(compressed, header, v1, decoder, optional, dictionary, sink, pageFrom, pageTo);
        else {
          const { definitionLevels, dataPage } = readDataPageV2(compressed, header, decoder);
          const values = convertWithDictionary(dataPage, dictionary, v2!.encoding, decoder);
          sink.put(values, flatDefs(definitionLevels), pageFrom, pageTo);
        }
      }
      row += n;
      continue;
    }
    // Index pages and the like carry no values.
  }
}

/** Rows [pageFrom, pageTo) of a V1 data page into `sink`: PLAIN and dictionary pages decoded here, the rest by hyparquet. */
function decodeDataPage(
  compressed: Uint8Array,
  header: PageHeader,
  daph: DataPageHeader,
  decoder: ColumnDecoder,
  optional: boolean,
  dictionary: DecodedArray | undefined,
  sink: Sink,
  pageFrom: number,
  pageTo: number,
): void {
  const n = daph.num_values;
  const page = decompressPage(compressed, Number(header.uncompressed_page_size), decoder.codec, compressors);
  const encoding = daph.encoding;
  const dictionaryEncoded = encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY';
  if (encoding !== 'PLAIN' && !(dictionaryEncoded && dictionary)) {
    // Other encodings (RLE booleans, DELTA_*, BYTE_STREAM_SPLIT, ...) through hyparquet whole.
    const { definitionLevels, dataPage } = readDataPage(page, daph, decoder);
    const values = convertWithDictionary(dataPage, dictionary, encoding, decoder);
    sink.put(values, flatDefs(definitionLevels), pageFrom, pageTo);
    return;
  }
  const pageReader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
  let defs: Uint8Array | undefined;
  let present = n;
  if (optional) {
    const levels = readLevels(page, pageReader.offset, n);
    pageReader.offset = levels.end;
    present = levels.present;
    defs = levels.defs;
  }
  if (encoding === 'PLAIN') {
    const values = present ? readPlain(pageReader, decoder.type, present, decoder.element.type_length) : [];
    sink.put(convert(values, decoder), defs, pageFrom, pageTo);
    return;
  }
  const ix = indexBuffer(present);
  const bitWidth = page[pageReader.offset++];
  if (bitWidth) readRleBitPackedHybrid(pageReader, bitWidth, ix, page.byteLength - pageReader.offset);
  else ix.fill(0);
  sink.putIndices(ix, dictionary!, defs, pageFrom, pageTo);
}

/** A column decoder as hyparquet builds one (default parsers, UTF-8 strings). */
export function flatDecoder(node: SchemaTree, chunk: ColumnChunk): ColumnDecoder {
  const meta = chunk.meta_data;
  if (!meta) throw new Error('parquet column chunk has no metadata');
  return {
    pathInSchema: meta.path_in_schema,
    type: meta.type,
    element: node.element,
    schemaPath: [{ children: [node], count: 1, element: { name: 'root' }, path: [] } as SchemaTree, node],
    codec: meta.codec,
    parsers: DEFAULT_PARSERS,
    compressors,
    utf8: true,
  };
}

/** The byte range of a column chunk in the file (a dictionary offset of 0 means none). */
export function chunkRange(chunk: ColumnChunk): { start: number; end: number } {
  const meta = chunk.meta_data!;
  const data = Number(meta.data_page_offset);
  const dict = meta.dictionary_page_offset === undefined ? 0 : Number(meta.dictionary_page_offset);
  const start = dict > 0 && dict < data ? dict : data;
  return { start, end: start + Number(meta.total_compressed_size) };
}

/** Whether the column goes into a Float64Array: numeric by the reader's rule and a number physical type. */
export function numbersColumn(node: SchemaTree, numeric: boolean): boolean {
  return numeric && NUMBER_PHYSICAL.has(node.element.type ?? '');
}

/** Output for `length` rows of one flat column. */
export function newFlatColumn(numbers: boolean, length: number): FlatColumn {
  return numbers
    ? { kind: 'numbers', data: new Float64Array(length), nulls: undefined }
    : { kind: 'values', data: new Array<unknown>(length) };
}

/**
 * Decodes rows [from, to) of a row group's chunk of one flat column into `out` at `offset`.
 * Throws NotFlatNumbers when a numbers column holds an INT64 past 2^53.
 */
export function decodeFlat(
  out: FlatColumn,
  offset: number,
  bytes: Uint8Array,
  decoder: ColumnDecoder,
  groupRows: number,
  from: number,
  to: number,
): void {
  if (out.kind === 'numbers') {
    const sink = new NumberSink(out.data, out.nulls, offset);
    decodeChunk(bytes, decoder, groupRows, from, to, sink);
    out.nulls = sink.nulls;
  } else decodeChunk(bytes, decoder, groupRows, from, to, new ValueSink(out.data, offset));
}
