// Arrow IPC files (read/arrow.ts): real files written by apache-arrow, with record batches of
// different sizes and every kind of column a dataset holds, read back in row ranges and checked
// value by value against apache-arrow's own read of the whole file, put under the typed-value
// policy by an independent normaliser here. Reading one batch reads that batch's bytes, not the
// file; damaged, truncated and stream-format files fail as ChunkscopeErrors naming the place.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import {
  CompressionType,
  DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Dictionary,
  Field,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  Int8,
  Int32,
  Int64,
  LargeUtf8,
  List,
  Map_,
  RecordBatch,
  Struct,
  Table,
  TimeMillisecond,
  TimeUnit,
  Timestamp,
  Type,
  Uint16,
  Uint64,
  Utf8,
  Binary,
  Bool,
  RecordBatchFileWriter,
  Vector,
  compressionRegistry,
  makeData,
  makeVector,
  tableFromIPC,
  tableToIPC,
  util,
  vectorFromArray,
} from 'apache-arrow';
import fc from 'fast-check';
import { ChunkscopeError } from '../../../src/engine/base/errors';
import type { ColumnarChunk, RowShape } from '../../../src/engine/model';
import { lz4FrameDecode, openArrow } from '../../../src/engine/read/arrow';
import type { TableReader } from '../../../src/engine/read/table';
import { columnarChunk, typedValue } from '../../../src/engine/read/typed-values';
import { seededRandom } from '../../../src/engine/base/stats';
import { TempDir } from '../../helpers';

/* eslint-disable @typescript-eslint/no-explicit-any -- apache-arrow's values are read untyped here */

const SIZES = [700, 1, 0, 1299, 1000];
const N = SIZES.reduce((a, b) => a + b, 0);
/** Rows of the fourth batch (first row 701) where the INT64 extremes sit (rows i % 7 === 3 are null). */
const SPECIAL_AT = 1502;
const INT64_SPECIALS = [
  2n ** 53n - 1n,
  2n ** 53n,
  -(2n ** 53n) + 1n,
  -(2n ** 53n),
  2n ** 63n - 1n,
  -(2n ** 63n),
  0n, // row 1508 is null
  2n ** 53n + 1n,
  -(2n ** 32n),
  2n ** 32n + 5n,
  -1n,
];
const UNICODE = ['😀 smile', '漢字かな', 'é', 'e\u0301', '', 'Ωmega', 'tab\there', 'naïve café', '𝄞 clef'];

/** A nullable column from raw values: every `nullEvery`-th row (from `phase`) is null. */
function bitmap(n: number, isValid: (i: number) => boolean): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array(Math.ceil(n / 8));
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (isValid(i)) nullBitmap[i >> 3] |= 1 << (i & 7);
    else nullCount++;
  }
  return { nullBitmap, nullCount };
}

function rawVector(
  type: DataType,
  data: ArrayLike<unknown>,
  isValid: (i: number) => boolean = () => true,
  stride = 1,
): Vector {
  const length = data.length / stride;
  return makeVector(makeData({ type, length, data: data as any, ...bitmap(length, isValid) } as any));
}

/** The whole test table: one column of each kind a dataset holds. */
function fixtureColumns(): Record<string, Vector> {
  const rnd = seededRandom(42);
  const i64 = new BigInt64Array(N).map((_, i) =>
    i >= SPECIAL_AT && i < SPECIAL_AT + INT64_SPECIALS.length
      ? INT64_SPECIALS[i - SPECIAL_AT]
      : BigInt(Math.floor((rnd() - 0.5) * 2 ** 40)),
  );
  const u64 = new BigUint64Array(N).map((_, i) =>
    i === N - 2 ? 2n ** 64n - 1n : i === N - 3 ? 2n ** 53n : BigInt(i * 3),
  );
  const f64 = new Float64Array(N).map((_, i) =>
    i === 5 ? NaN : i === 6 ? -0 : i === 7 ? Infinity : i === 8 ? -Number.MAX_VALUE : (rnd() - 0.5) * 1e6,
  );
  const i32 = new Int32Array(N).map((_, i) => i * 7 - 10_000);
  const i8 = new Int8Array(N).map((_, i) => (i % 256) - 128);
  const u16 = new Uint16Array(N).map((_, i) => (i * 31) % 65536);
  const f32 = new Float32Array(N).map((_, i) => i / 3);
  // Micro and nano timestamps around the epoch and today, both signs; nanos keep a small remainder.
  const micros = Array.from({ length: N }, (_, i) => BigInt(Math.floor((rnd() - 0.3) * 2e15)) + BigInt(i));
  const nanos = micros.map((m, i) => m * 1000n + BigInt(i % 977));
  const seconds = micros.map((m) => m / 1_000_000n);
  const millis = micros.map((m) => m / 1000n);
  const days = new Int32Array(N).map((_, i) => i * 13 - 20_000);
  const decimals = new Uint32Array(4 * N);
  for (let i = 0; i < N; i++) {
    // Unscaled value: ±(i·12345 + 7), two's complement over 128 bits; one too big for a double's integers.
    let v = BigInt(i * 12345 + 7) * (i % 2 ? -1n : 1n);
    if (i === 1200) v = 12345678901234567890123n;
    const u = BigInt.asUintN(128, v);
    for (let w = 0; w < 4; w++) decimals[4 * i + w] = Number((u >> BigInt(32 * w)) & 0xffffffffn);
  }
  const text = Array.from({ length: N }, (_, i) =>
    i % 9 === 4 ? null : i < SIZES[0] ? `row ${i} ascii` : `${UNICODE[i % UNICODE.length]} #${i}`,
  );
  return {
    id: makeVector(BigInt64Array.from({ length: N }, (_, i) => BigInt(i))),
    i64: rawVector(new Int64(), i64, (i) => i % 7 !== 3),
    u64: rawVector(new Uint64(), u64, (i) => i % 10 !== 9),
    f64: rawVector(new Float64(), f64, (i) => i % 11 !== 10),
    i32: makeVector(i32),
    i8: rawVector(new Int8(), i8, (i) => i % 5 !== 1),
    u16: makeVector(u16),
    f32: makeVector(f32),
    f16: vectorFromArray(
      Array.from({ length: N }, (_, i) => (i % 13 === 0 ? null : (i % 50) / 4 - 3)),
      new Float16(),
    ),
    dec: rawVector(new Decimal(2, 38, 128), decimals, (i) => i % 8 !== 2, 4),
    s: vectorFromArray(text, new Utf8()),
    ls: vectorFromArray(
      text.map((t) => (t === null ? null : `${t}!`)),
      new LargeUtf8(),
    ),
    b: vectorFromArray(
      Array.from({ length: N }, (_, i) => (i % 6 === 0 ? null : i % 3 === 1)),
      new Bool(),
    ),
    ts: rawVector(new Timestamp(TimeUnit.MICROSECOND), BigInt64Array.from(micros), (i) => i % 12 !== 5),
    tsn: rawVector(new Timestamp(TimeUnit.NANOSECOND), BigInt64Array.from(nanos)),
    tss: rawVector(new Timestamp(TimeUnit.SECOND, 'UTC'), BigInt64Array.from(seconds)),
    tms: rawVector(new Timestamp(TimeUnit.MILLISECOND), BigInt64Array.from(millis)),
    d: rawVector(new DateDay(), days, (i) => i % 14 !== 0),
    dm: rawVector(new DateMillisecond(), BigInt64Array.from(millis)),
    dict: vectorFromArray(
      Array.from({ length: N }, (_, i) => (i % 4 === 0 ? null : ['red', 'grün', 'blue', '青'][i % 4])),
      new Dictionary(new Utf8(), new Int32()),
    ),
    list: vectorFromArray(
      Array.from({ length: N }, (_, i) =>
        i % 5 === 0 ? null : i % 5 === 1 ? [] : [BigInt(i), null, i % 3 === 0 ? 2n ** 60n : BigInt(-i)],
      ),
      new List(new Field('item', new Int64(), true)),
    ),
    st: vectorFromArray(
      Array.from({ length: N }, (_, i) => (i % 6 === 0 ? null : { a: i % 4 === 0 ? null : i, b: `x${i}é` })),
      new Struct([new Field('a', new Int32(), true), new Field('b', new Utf8(), true)]),
    ),
    fsl: vectorFromArray(
      Array.from({ length: N }, (_, i) => (i % 7 === 0 ? null : [i / 2, -i])),
      new FixedSizeList(2, new Field('xy', new Float64(), true)),
    ),
    bin: vectorFromArray(
      Array.from({ length: N }, (_, i) => (i % 10 === 0 ? null : new Uint8Array([i & 255, (i >> 8) & 255, 0xff]))),
      new Binary(),
    ),
    map: vectorFromArray(
      Array.from({ length: N }, (_, i) =>
        i % 3 === 0
          ? null
          : new Map([
              [`k${i}`, i],
              ['z', null],
            ]),
      ),
      new Map_<Utf8, Int32>(
        new Field<any>(
          'entries',
          new Struct<any>([new Field('key', new Utf8(), false), new Field('value', new Int32(), true)]),
          false,
        ),
      ),
    ),
    t32: vectorFromArray(
      Array.from({ length: N }, (_, i) => (i % 9 === 0 ? null : i * 1000)),
      new TimeMillisecond(),
    ),
  };
}

/** The columns' table split into record batches of the given sizes. */
function batchedTable(columns: Record<string, Vector>, sizes: number[]): Table {
  const whole = new Table(columns);
  assert.equal(whole.batches.length, 1);
  const batches: RecordBatch[] = [];
  let at = 0;
  for (const size of sizes) {
    batches.push(whole.batches[0].slice(at, at + size));
    at += size;
  }
  return new Table(batches);
}

/** apache-arrow's value (row proxies and all) under the typed-value policy, independently of arrow.ts. */
function normalise(value: any, type: DataType): unknown {
  if (value === null || value === undefined) return null;
  const t = type as any;
  switch (type.typeId as number) {
    case Type.Timestamp:
    case Type.Date:
      return new Date(value as number);
    case Type.Decimal: {
      const big = util.bigNumToBigInt(value);
      // apache-arrow's own bigNumToNumber refuses integers past 2^53, so the decimal point is placed here.
      return Number(big) / 10 ** t.scale;
    }
    case Type.Dictionary:
      return normalise(value, t.dictionary);
    case Type.List:
    case Type.FixedSizeList:
      return Array.from(value as Iterable<unknown>, (x) => normalise(x, t.children[0].type));
    case Type.Struct: {
      const out: Record<string, unknown> = {};
      for (const f of t.children as Field[]) out[f.name] = normalise(value[f.name], f.type);
      return out;
    }
    case Type.Map: {
      const out: Record<string, unknown> = {};
      const [key, val] = t.children[0].type.children as Field[];
      for (const [k, v] of value as Iterable<[unknown, unknown]>)
        out[String(normalise(k, key.type))] = normalise(v, val.type);
      return out;
    }
    case Type.Binary:
      return new Uint8Array(value as Uint8Array);
    default:
      return typedValue(value);
  }
}

interface Reference {
  names: string[];
  numeric: boolean[];
  /** Normalised values, per column. */
  columns: unknown[][];
}

function reference(file: string): Reference {
  const table = tableFromIPC(fs.readFileSync(file));
  const fields = table.schema.fields;
  return {
    names: fields.map((f) => f.name),
    numeric: fields.map((f) => {
      const t = f.type.typeId === Type.Dictionary ? (f.type as any).dictionary : f.type;
      return [Type.Int, Type.Float, Type.Decimal].includes(t.typeId);
    }),
    columns: fields.map((f, c) => {
      const vector = table.getChildAt(c)!;
      return Array.from({ length: table.numRows }, (_, i) => normalise(vector.get(i), f.type));
    }),
  };
}

function expected(ref: Reference, start: number, end: number, shape: RowShape): unknown[] | ColumnarChunk {
  const slices = ref.columns.map((column) => column.slice(start, end));
  if (shape === 'columns') return columnarChunk(ref.names, slices, ref.numeric);
  return Array.from({ length: end - start }, (_, i) =>
    shape === 'array' ? slices.map((s) => s[i]) : Object.fromEntries(ref.names.map((n, c) => [n, slices[c][i]])),
  );
}

/** Compares a columns-shape chunk, with the column arrays as plain arrays where they are not Float64. */
function assertSameChunk(actual: unknown, wanted: unknown, what: string): void {
  const a = actual as ColumnarChunk;
  const w = wanted as ColumnarChunk;
  assert.equal(a.length, w.length, what);
  assert.deepStrictEqual(a.names, w.names, what);
  assert.deepStrictEqual(a.numeric, w.numeric, what);
  for (const name of w.names) {
    const av = a.columns[name];
    const wv = w.columns[name];
    assert.equal(av instanceof Float64Array, wv instanceof Float64Array, `${what}: column ${name} kind`);
    assert.deepStrictEqual(av instanceof Float64Array ? av : Array.from(av), wv, `${what}: column ${name}`);
  }
}

async function assertRange(reader: TableReader, ref: Reference, start: number, end: number, shape: RowShape) {
  const what = `rows ${start}–${end} as ${shape}`;
  const got = await reader.read(start, end, shape);
  const want = expected(ref, start, end, shape);
  if (shape === 'columns') assertSameChunk(got, want, what);
  else assert.deepStrictEqual(got, want, what);
}

async function rejectsWith(promise: Promise<unknown>, code: string, patterns: RegExp[]): Promise<void> {
  await assert.rejects(promise, (err: Error) => {
    assert.ok(err instanceof ChunkscopeError, `not a ChunkscopeError: ${err.stack}`);
    assert.equal(err.code, code, err.message);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

/** How many of this process's descriptors are open on `file` (Linux), to see that close() gives the handle back. */
const fdsOn = (file: string) =>
  fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === fs.realpathSync(file);
    } catch {
      return false; // closed meanwhile (the readdir's own descriptor)
    }
  }).length;
/** Bytes this process has read through read(2) and friends (Linux). */
const processReadBytes = () => Number(/rchar: (\d+)/.exec(fs.readFileSync('/proc/self/io', 'utf8'))![1]);

describe('Arrow IPC files (read/arrow.ts)', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  let file: string;
  let ref: Reference;
  let table: Table;

  before(function () {
    tmp = new TempDir('chunkscope-arrow-');
    table = batchedTable(fixtureColumns(), SIZES);
    file = tmp.write('mixed.arrow', Buffer.from(tableToIPC(table, 'file')));
    ref = reference(file);
  });
  after(() => tmp?.dispose());

  it('lays out the batches and columns as the footer and the batch headers record them', async function () {
    const reader = await openArrow(file);
    try {
      const { layout } = reader;
      assert.equal(layout.rowCount, N);
      assert.deepStrictEqual(
        layout.units.map((u) => [u.firstRow, u.rows]),
        [
          [0, 700],
          [700, 1],
          [701, 0],
          [701, 1299],
          [2000, 1000],
        ],
      );
      // Each unit's bytes are its block: a message starting with the continuation marker, in order,
      // ending before the footer, and apache-arrow finds exactly that batch at that block.
      const bytes = fs.readFileSync(file);
      let previousEnd = 8;
      for (const u of layout.units) {
        assert.ok(u.byteStart >= previousEnd && u.byteEnd > u.byteStart, JSON.stringify(u));
        assert.equal(bytes.readUInt32LE(u.byteStart), 0xffffffff);
        previousEnd = u.byteEnd;
      }
      assert.ok(previousEnd < bytes.length - 10);
      assert.deepStrictEqual(
        layout.columns.map((c) => `${c.name}:${c.type}:${c.numeric ? 'n' : '-'}`),
        [
          'id:Int64:n',
          'i64:Int64:n',
          'u64:Uint64:n',
          'f64:Float64:n',
          'i32:Int32:n',
          'i8:Int8:n',
          'u16:Uint16:n',
          'f32:Float32:n',
          'f16:Float16:n',
          'dec:Decimal[38e+2]:n',
          's:Utf8:-',
          'ls:LargeUtf8:-',
          'b:Bool:-',
          'ts:Timestamp<MICROSECOND>:-',
          'tsn:Timestamp<NANOSECOND>:-',
          'tss:Timestamp<SECOND, UTC>:-',
          'tms:Timestamp<MILLISECOND>:-',
          'd:Date32<DAY>:-',
          'dm:Date64<MILLISECOND>:-',
          'dict:Dictionary<Int32, Utf8>:-',
          'list:List<Int64>:-',
          'st:Struct<{a:Int32, b:Utf8}>:-',
          'fsl:FixedSizeList[2]<Float64>:-',
          'bin:Binary:-',
          'map:Map<{key:Utf8, value:Int32}>:-',
          't32:Time32<MILLISECOND>:-',
        ],
      );
    } finally {
      await reader.close();
    }
  });

  it('reads every value, in every shape, within a batch, across batches and over the whole file', async function () {
    const reader = await openArrow(file);
    try {
      const ranges: [number, number][] = [
        [0, N], // whole file
        [10, 20], // inside the first batch
        [0, 700], // exactly the first batch
        [699, 702], // last row of batch 0, the one-row batch 1, the empty batch 2, first row of batch 3
        [700, 701], // the one-row batch alone
        [701, 701], // empty range at the empty batch
        [650, 2100], // three batches and a part of two more
        [SPECIAL_AT - 3, SPECIAL_AT + 12], // the INT64 extremes
        [N - 1, N], // the last row
        [0, 0],
      ];
      for (const shape of ['object', 'array', 'columns'] as const)
        for (const [start, end] of ranges) await assertRange(reader, ref, start, end, shape);
    } finally {
      await reader.close();
    }
  });

  it('gives values by the typed-value policy (spot checks against the values written)', async function () {
    const reader = await openArrow(file);
    try {
      const rows = (await reader.read(SPECIAL_AT, SPECIAL_AT + INT64_SPECIALS.length, 'object')) as Record<
        string,
        any
      >[];
      // INT64: a number when safe, else the bigint; a null stays null.
      const wanted = INT64_SPECIALS.map((v, k) =>
        (SPECIAL_AT + k) % 7 === 3
          ? null
          : v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(v)
            : v,
      );
      assert.deepStrictEqual(
        rows.map((r) => r.i64),
        wanted,
      );
      assert.equal(typeof rows[0].i64, 'number');
      assert.equal(rows[1].i64, 2n ** 53n);
      // Row 1207 has no nulls in any column.
      const [row] = (await reader.read(1207, 1208, 'object')) as Record<string, any>[];
      assert.ok(row.ts instanceof Date && row.d instanceof Date && row.dm instanceof Date && row.tsn instanceof Date);
      assert.equal(row.d.getTime(), (1207 * 13 - 20_000) * 86_400_000);
      assert.ok(row.tss.getTime() % 1000 === 0);
      assert.equal(row.s, `${UNICODE[1207 % UNICODE.length]} #1207`);
      assert.equal(row.ls, `${UNICODE[1207 % UNICODE.length]} #1207!`);
      assert.equal(row.dict, '青');
      assert.deepStrictEqual(row.list, [1207, null, -1207]);
      assert.deepStrictEqual(row.st, { a: 1207, b: 'x1207é' });
      assert.equal(Object.getPrototypeOf(row.st), Object.prototype);
      assert.deepStrictEqual(row.fsl, [603.5, -1207]);
      assert.deepStrictEqual(row.map, { k1207: 1207, z: null });
      assert.deepStrictEqual(row.bin, new Uint8Array([1207 & 255, 1207 >> 8, 0xff]));
      assert.equal(row.b, true);
      assert.equal(row.i8, (1207 % 256) - 128);
      assert.equal(row.dec, -(1207 * 12345 + 7) / 100);
      assert.equal(row.t32, 1207_000);
      const [empty, big] = (await reader.read(1201, 1204, 'object')) as Record<string, any>[];
      assert.deepStrictEqual(empty.list, []);
      assert.deepStrictEqual(big.list, [1202, null, -1202]);
      const [huge] = (await reader.read(1200, 1201, 'object')) as Record<string, any>[];
      assert.equal(huge.dec, Number(12345678901234567890123n) / 100);
      const [items] = (await reader.read(1203, 1204, 'object')) as Record<string, any>[];
      assert.deepStrictEqual(items.list, [1203, null, 2n ** 60n]);
      // Nulls are null in rows, NaN in Float64 columns; a column with an unsafe INT64 is handed over as values.
      const [nullRow] = (await reader.read(3, 4, 'object')) as Record<string, any>[];
      assert.equal(nullRow.i64, null);
      const chunk = (await reader.read(0, 700, 'columns')) as ColumnarChunk;
      assert.ok(chunk.columns.i64 instanceof Float64Array && Number.isNaN(chunk.columns.i64[3]));
      assert.ok(chunk.columns.dec instanceof Float64Array && Number.isNaN(chunk.columns.dec[2]));
      assert.ok(!chunk.numeric.includes('s') && chunk.numeric.includes('f16'));
      const spanning = (await reader.read(0, N, 'columns')) as ColumnarChunk;
      assert.ok(Array.isArray(spanning.columns.i64) && spanning.columns.i64.includes((2n ** 63n - 1n) as never));
      assert.ok(!spanning.numeric.includes('i64') && !spanning.numeric.includes('u64'));
      assert.ok(spanning.columns.f64 instanceof Float64Array && spanning.columns.i32 instanceof Float64Array);
    } finally {
      await reader.close();
    }
  });

  it('reads decimals of 32, 64, 128 and 256 bits, negative ones too, as numbers', async function () {
    const unscaled = [-12345n, 678n, -1n, 0n, 2n ** 30n];
    const columns: Record<string, Vector> = {};
    for (const bits of [32, 64, 128, 256]) {
      const stride = bits / 32;
      const words = new Uint32Array(unscaled.length * stride);
      unscaled.forEach((v, i) => {
        const u = BigInt.asUintN(bits, v);
        for (let w = 0; w < stride; w++) words[i * stride + w] = Number((u >> BigInt(32 * w)) & 0xffffffffn);
      });
      columns[`d${bits}`] = rawVector(new Decimal(2, 9, bits), words, (i) => i !== 3, stride);
    }
    const decimals = tmp.write('decimals.arrow', Buffer.from(tableToIPC(new Table(columns), 'file')));
    const reader = await openArrow(decimals);
    try {
      const wanted = [-123.45, 6.78, -0.01, null, 2 ** 30 / 100];
      assert.deepStrictEqual(
        await reader.read(0, 5, 'array'),
        wanted.map((v) => [v, v, v, v]),
      );
      const chunk = (await reader.read(0, 5, 'columns')) as ColumnarChunk;
      assert.deepStrictEqual(chunk.numeric, ['d32', 'd64', 'd128', 'd256']);
      assert.deepStrictEqual(
        chunk.columns.d256,
        Float64Array.from(wanted, (v) => v ?? NaN),
      );
    } finally {
      await reader.close();
    }
  });

  it('reads random row ranges on one reader correctly, one after another and at once', async function () {
    const reader = await openArrow(file);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: N }),
          fc.integer({ min: 0, max: 1500 }),
          fc.constantFrom<RowShape>('object', 'array', 'columns'),
          async (start, length, shape) => assertRange(reader, ref, start, Math.min(N, start + length), shape),
        ),
        { numRuns: 60, seed: 7 },
      );
      // Calls that overlap in time share the file handle; each still gets its own rows.
      const ranges: [number, number][] = [
        [0, 50],
        [2500, 2600],
        [690, 720],
        [1400, 2200],
        [5, 6],
      ];
      const results = await Promise.all(ranges.map(([s, e]) => reader.read(s, e, 'array')));
      results.forEach((rows, k) => assert.deepStrictEqual(rows, expected(ref, ranges[k][0], ranges[k][1], 'array')));
    } finally {
      await reader.close();
    }
  });

  it('refuses a row range outside the file and a read after close(), which gives the file handle back', async function () {
    const linux = process.platform === 'linux';
    if (linux) assert.equal(fdsOn(file), 0);
    const reader = await openArrow(file);
    if (linux) assert.equal(fdsOn(file), 1);
    await rejectsWith(reader.read(10, N + 1, 'object'), 'usage', [/mixed.*\.arrow/, /not a range/]);
    await rejectsWith(reader.read(5, 4, 'object'), 'usage', [/not a range/]);
    await reader.close();
    await reader.close(); // twice is harmless
    if (linux) assert.equal(fdsOn(file), 0);
    await rejectsWith(reader.read(0, 1, 'object'), 'usage', [/closed/]);
  });

  it('reads a file with a schema and no batches as no rows', async function () {
    const schemaOnly = new Table(table.schema);
    const empty = tmp.write('empty-table.arrow', Buffer.from(tableToIPC(schemaOnly, 'file')));
    const reader = await openArrow(empty);
    try {
      assert.equal(reader.layout.rowCount, 0);
      assert.deepStrictEqual(reader.layout.units, []);
      assert.equal(reader.layout.columns.length, table.schema.fields.length);
      assert.deepStrictEqual(await reader.read(0, 0, 'object'), []);
      const chunk = (await reader.read(0, 0, 'columns')) as ColumnarChunk;
      assert.equal(chunk.length, 0);
      assert.deepStrictEqual(chunk.names, ref.names);
      await rejectsWith(reader.read(0, 1, 'array'), 'usage', [/not a range of its 0 rows/]);
    } finally {
      await reader.close();
    }
  });

  it('lays out and reads a file of many small batches (headers read in groups, blocks read ahead together)', async function () {
    const sizes = Array.from({ length: 150 }, (_, k) => 1 + ((k * 7) % 19));
    const n = sizes.reduce((a, b) => a + b, 0);
    const many = batchedTable(
      {
        id: makeVector(Int32Array.from({ length: n }, (_, i) => i)),
        s: vectorFromArray(
          Array.from({ length: n }, (_, i) => (i % 4 === 0 ? null : `v${i}`)),
          new Utf8(),
        ),
      },
      sizes,
    );
    const manyFile = tmp.write('many.arrow', Buffer.from(tableToIPC(many, 'file')));
    const reader = await openArrow(manyFile);
    try {
      let first = 0;
      assert.deepStrictEqual(
        reader.layout.units.map((u) => [u.firstRow, u.rows]),
        sizes.map((size) => [(first += size) - size, size]),
      );
      const manyRef = reference(manyFile);
      for (const shape of ['object', 'columns'] as const) {
        await assertRange(reader, manyRef, 0, n, shape);
        await assertRange(reader, manyRef, 17, n - 23, shape);
      }
    } finally {
      await reader.close();
    }
  });

  describe('by byte range', function () {
    const BATCHES = 24;
    const ROWS = 25_000;
    let big: string;
    let bigTable: Table;

    before(function () {
      const n = BATCHES * ROWS;
      const columns = {
        id: makeVector(BigInt64Array.from({ length: n }, (_, i) => BigInt(i))),
        x: makeVector(Float64Array.from({ length: n }, (_, i) => i * 0.25)),
        s: vectorFromArray(
          Array.from({ length: n }, (_, i) => `name ${i % 9973}`),
          new Utf8(),
        ),
      };
      bigTable = batchedTable(columns, new Array<number>(BATCHES).fill(ROWS));
      big = tmp.write('big.arrow', Buffer.from(tableToIPC(bigTable, 'file')));
    });

    it('reads only the footer, schema, batch headers and the batch asked for', async function () {
      const size = fs.statSync(big).size;
      const rcharBefore = process.platform === 'linux' ? processReadBytes() : 0;
      const reader = (await openArrow(big)) as TableReader & { bytesRead: number };
      try {
        const opened = reader.bytesRead;
        // Opening reads the footer, the schema and one header per batch: a few KB of a 20 MB file.
        assert.ok(opened < 64 * 1024, `open read ${opened} bytes of ${size}`);
        const k = 13;
        const unit = reader.layout.units[k];
        const rows = (await reader.read(unit.firstRow + 10, unit.firstRow + 20, 'object')) as Record<string, unknown>[];
        assert.deepStrictEqual(rows[0], {
          id: unit.firstRow + 10,
          x: (unit.firstRow + 10) * 0.25,
          s: `name ${(unit.firstRow + 10) % 9973}`,
        });
        const forBatch = reader.bytesRead - opened;
        assert.equal(forBatch, unit.byteEnd - unit.byteStart, 'the batch read is exactly its block');
        assert.ok(reader.bytesRead < size / 10, `${reader.bytesRead} of ${size} bytes read`);
        // The same batch again (the next chunk of a worker that keeps its reader) is not read again.
        await reader.read(unit.firstRow + 20, unit.firstRow + 30, 'columns');
        assert.equal(reader.bytesRead - opened, forBatch);
        if (process.platform === 'linux') {
          const rchar = processReadBytes() - rcharBefore;
          assert.ok(rchar < size / 3, `the process read ${rchar} bytes of a ${size}-byte file`);
        }
        // Consecutive batches in one read: each block read once (in one read ahead), nothing else.
        const beforeSpan = reader.bytesRead;
        const from = reader.layout.units[2];
        const to = reader.layout.units[9];
        const span = (await reader.read(from.firstRow + 5, to.firstRow + 7, 'columns')) as ColumnarChunk;
        assert.equal(span.length, to.firstRow + 7 - from.firstRow - 5);
        assert.equal((span.columns.x as Float64Array)[0], (from.firstRow + 5) * 0.25);
        assert.equal(reader.bytesRead - beforeSpan, to.byteEnd - from.byteStart);
      } finally {
        await reader.close();
      }
    });

    it('reads a batch of a file whose other batches are destroyed, and names a destroyed batch and its column', async function () {
      const bytes = fs.readFileSync(big);
      const reader0 = await openArrow(big);
      const units = reader0.layout.units;
      await reader0.close();
      const k = 5;
      // Every other batch's body (after its message header) is overwritten with 0xFF.
      for (let j = 0; j < units.length; j++) {
        if (j === k) continue;
        const headerLength = 8 + bytes.readInt32LE(units[j].byteStart + 4);
        bytes.fill(0xff, units[j].byteStart + headerLength, units[j].byteEnd);
      }
      const damaged = tmp.write('damaged.arrow', bytes);
      const reader = await openArrow(damaged);
      try {
        const u = units[k];
        const got = await reader.read(u.firstRow, u.firstRow + u.rows, 'array');
        const whole = bigTable.batches[k];
        assert.deepStrictEqual(
          got,
          Array.from({ length: u.rows }, (_, i) => [Number(whole.get(i)!.id), whole.get(i)!.x, whole.get(i)!.s]),
        );
        // A destroyed batch: its Utf8 offsets are -1, which the reader catches, naming file, batch and column.
        await rejectsWith(reader.read(units[7].firstRow, units[7].firstRow + 5, 'object'), 'data', [
          /damaged.*\.arrow/,
          /record batch 7 \(rows 175001–200000, bytes \d+–\d+\)/,
          /column "s" \(Utf8\)/,
          /offset/,
        ]);
        // And reading across a good batch into a destroyed one fails at the destroyed one.
        await rejectsWith(reader.read(u.firstRow + u.rows - 5, u.firstRow + u.rows + 5, 'columns'), 'data', [
          /record batch 6 /,
        ]);
      } finally {
        await reader.close();
      }
    });
  });

  describe('bad input', function () {
    let good: Buffer;
    before(() => {
      good = fs.readFileSync(file);
    });

    it('names a path that is not a file, a missing one, an empty one and one that is not Arrow', async function () {
      await rejectsWith(openArrow(tmp.dir), 'input', [
        new RegExp(`${tmp.dir.replace(/[/\\^$.*+?()[\]{}|-]/g, '\\$&')} is not a file`),
      ]);
      await rejectsWith(openArrow(tmp.path('missing.arrow')), 'input', [
        /missing.*\.arrow: cannot open the Arrow file/,
        /ENOENT/,
      ]);
      await rejectsWith(openArrow(tmp.write('empty.arrow', '')), 'input', [/empty.*\.arrow is not an Arrow IPC file/]);
      await rejectsWith(openArrow(tmp.write('old.feather', Buffer.from('FEA1\0\0\0\0FEA1'))), 'input', [
        /old.*\.feather is a Feather v1 file/,
        /write_feather/,
      ]);
      await rejectsWith(openArrow(tmp.write('rows.csv', 'id,x\n1,2\n')), 'input', [
        /rows.*\.csv is not an Arrow IPC file/,
        /ARROW1/,
      ]);
    });

    it('names a file whose footer is cut off, or whose footer length or footer is damaged', async function () {
      for (const cut of [1, 10, 200, good.length - 12])
        await rejectsWith(openArrow(tmp.write('cut.arrow', good.subarray(0, good.length - cut))), 'input', [
          /cut.*\.arrow: the Arrow file has no footer/,
          /truncated/,
        ]);
      const badLength = Buffer.from(good);
      badLength.writeInt32LE(good.length, good.length - 10);
      await rejectsWith(openArrow(tmp.write('length.arrow', badLength)), 'input', [/length.*\.arrow/, /footer length/]);
      const footerLength = good.readInt32LE(good.length - 10);
      const badFooter = Buffer.from(good);
      badFooter.fill(0xab, good.length - 10 - footerLength, good.length - 10);
      await rejectsWith(openArrow(tmp.write('footer.arrow', badFooter)), 'input', [/footer.*\.arrow/, /footer/]);
    });

    it('names the batch whose message header is damaged, when the file is opened', async function () {
      const reader = await openArrow(file);
      const unit = reader.layout.units[3];
      await reader.close();
      const bytes = Buffer.from(good);
      bytes.fill(0x7f, unit.byteStart + 8, unit.byteStart + 40);
      await rejectsWith(openArrow(tmp.write('header.arrow', bytes)), 'data', [
        /header.*\.arrow: record batch 3 \(bytes \d+–\d+\)/,
        /message header/,
      ]);
    });

    it('says an Arrow IPC stream is the stream format and how to convert it', async function () {
      const stream = tmp.write('rows.arrows', Buffer.from(tableToIPC(table, 'stream')));
      await rejectsWith(openArrow(stream), 'input', [
        /rows.*\.arrows is an Arrow IPC stream/,
        /no footer/,
        /pyarrow/,
        /write_feather/,
      ]);
    });

    it('fails, rather than hangs, when the file shrinks under an open reader', async function () {
      const copy = tmp.write('shrinking.arrow', good);
      const reader = await openArrow(copy);
      try {
        const last = reader.layout.units[4];
        fs.truncateSync(copy, last.byteStart + 100);
        await rejectsWith(reader.read(last.firstRow, last.firstRow + 1, 'object'), 'input', [
          /shrinking.*\.arrow: the Arrow file ended at byte \d+/,
          /truncated/,
        ]);
      } finally {
        await reader.close();
      }
    });
  });

  describe('compressed bodies', function () {
    // Real LZ4 frames and zstd frames from the lz4 and zstd command-line tools (as pyarrow would write).
    const tool = (name: string) => spawnSync(name, ['--version']).status === 0;
    const compressed = (type: CompressionType, command: string, withDictionary = true) => {
      const codec = compressionRegistry.get(type)!;
      compressionRegistry.set(type, {
        encode: (data: Uint8Array) => {
          const run = spawnSync(command, ['-c', '-q'], { input: data, maxBuffer: 1 << 30 });
          assert.equal(run.status, 0, String(run.stderr));
          return new Uint8Array(run.stdout);
        },
        decode: codec.decode,
      });
      try {
        // Fewer columns and rows: every buffer is compressed by a child process.
        const cols = fixtureColumns();
        const small = batchedTable(
          withDictionary
            ? { i64: cols.i64, s: cols.s, dict: cols.dict, list: cols.list, f64: cols.f64, b: cols.b }
            : { i64: cols.i64, s: cols.s },
          SIZES,
        );
        const writer = new RecordBatchFileWriter({ compressionType: type } as any);
        return tmp.write(
          `${command}${withDictionary ? '' : '-plain'}.arrow`,
          Buffer.from(writer.writeAll(small).toUint8Array(true)),
        );
      } finally {
        compressionRegistry.set(type, codec);
      }
    };

    for (const [type, command] of [
      [CompressionType.LZ4_FRAME, 'lz4'],
      [CompressionType.ZSTD, 'zstd'],
    ] as const)
      it(`reads batches compressed with ${command}`, async function () {
        if (!tool(command)) this.skip();
        const written = compressed(type, command);
        const plain = compressed(type, command, false);
        const ref2 = reference(written);
        const reader = await openArrow(written);
        try {
          for (const shape of ['object', 'columns'] as const) {
            await assertRange(reader, ref2, 0, N, shape);
            await assertRange(reader, ref2, 690, 1800, shape);
          }
          // Without a decoder, the file is named as compressed with that codec at open.
          const codec = compressionRegistry.get(type)!;
          compressionRegistry.set(type, null as never);
          try {
            await rejectsWith(openArrow(written), 'input', [
              new RegExp(
                `dictionary batch 0 is compressed with ${CompressionType[type]}, which Chunkscope cannot decode`,
              ),
            ]);
            await rejectsWith(openArrow(plain), 'input', [
              new RegExp(`record batch 0 is compressed with ${CompressionType[type]}, which Chunkscope cannot decode`),
            ]);
          } finally {
            compressionRegistry.set(type, codec);
          }
        } finally {
          await reader.close();
        }
      });

    it('decodes LZ4 frames with long literal runs, overlapping matches and uncompressed blocks', function () {
      if (!tool('lz4')) this.skip();
      const rnd = seededRandom(9);
      const parts = [
        new Uint8Array(70_000).fill(7), // one long overlapping match
        Uint8Array.from({ length: 300_000 }, () => Math.floor(rnd() * 256)), // incompressible: stored blocks
        Uint8Array.from({ length: 200_000 }, (_, i) => (i % 300 < 20 ? Math.floor(rnd() * 256) : i % 17)),
      ];
      const input = Buffer.concat(parts);
      for (const flags of [[], ['--content-size'], ['-BD'], ['-BX', '--no-frame-crc']]) {
        const run = spawnSync('lz4', ['-c', '-q', ...flags], { input, maxBuffer: 1 << 30 });
        assert.equal(run.status, 0, String(run.stderr));
        assert.deepStrictEqual(Buffer.from(lz4FrameDecode(new Uint8Array(run.stdout))), input, flags.join(' '));
      }
      assert.throws(() => lz4FrameDecode(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /LZ4 frame: no LZ4 frame magic/);
    });
  });
});
