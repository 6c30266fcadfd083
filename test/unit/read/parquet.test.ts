// The Parquet reader against DuckDB's reading of the same real files: every codec, every value
// type, row ranges across row groups, the three row shapes, a file written by hyparquet-writer
// (with page indexes), a cut footer, the planner's tiling and the sweep's row-group sample.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { inspectDataset } from '../../../src/engine';
import { ChunkscopeError } from '../../../src/engine/base/errors';
import { openParquet } from '../../../src/engine/read/parquet';
import { prepareSample } from '../../../src/engine/read/sample';
import { tableChunks } from '../../../src/engine/split/table-chunks';
import type { ChunkPlan, TableTask } from '../../../src/engine/model/protocol';
import type { ColumnarChunk } from '../../../src/engine/model';
import { TempDir } from '../../helpers';
import {
  duckRows,
  FIXTURE_ROWS,
  fixtureSelect,
  normalise,
  withDuckDb,
  quoted,
  writeParquet,
} from '../../parquet-fixtures';

const CODECS = ['zstd', 'snappy', 'gzip', 'brotli', 'lz4_raw', 'uncompressed'];

const PLAN: ChunkPlan = {
  rowShape: 'object',
  types: 'string',
  numericColumns: [],
  encode: true,
  fold: false,
  onError: 'stop',
};

describe('Parquet reader (read/parquet.ts) against DuckDB', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  const files: Record<string, string> = {};
  let expected: unknown[];

  before(async () => {
    tmp = new TempDir('chunkscope-parquet-');
    for (const codec of CODECS) {
      files[codec] = tmp.path(`fixture-${codec}.parquet`);
      await writeParquet(files[codec], fixtureSelect(), `COMPRESSION ${codec}, ROW_GROUP_SIZE 2048`);
    }
    expected = (await duckRows(files.zstd)).map(normalise);
  });
  after(() => tmp?.dispose());

  it('lays the file out from its footer: columns, types, numeric flags, row groups tiling the rows', async () => {
    const reader = await openParquet(files.zstd);
    try {
      const { layout } = reader;
      assert.equal(layout.rowCount, FIXTURE_ROWS);
      assert.deepEqual(
        layout.units.map((u) => [u.firstRow, u.rows]),
        [
          [0, 2048],
          [2048, 2048],
          [4096, FIXTURE_ROWS - 4096],
        ],
      );
      for (let u = 1; u < layout.units.length; u++)
        assert.equal(layout.units[u].byteStart, layout.units[u - 1].byteEnd);
      assert.equal(layout.units[0].byteStart, 4, 'data starts after the magic');
      const byName = Object.fromEntries(layout.columns.map((c) => [c.name, c]));
      assert.deepEqual(
        layout.columns.filter((c) => c.numeric).map((c) => c.name),
        ['id', 'x', 'big', 'n', 'f', 'dec'],
      );
      assert.equal(byName.ts.type, 'TIMESTAMP(MICROS)');
      assert.equal(byName.d.type, 'DATE');
      assert.equal(byName.dec.type, 'DECIMAL(10,2)');
      assert.equal(byName.l.type, 'LIST');
      assert.equal(byName.st.type, 'STRUCT');
      assert.match(layout.createdBy ?? '', /DuckDB/);
    } finally {
      await reader.close();
    }
  });

  it('inspectDataset fills the dataset info from the footer (no row decoded)', async () => {
    const info = await inspectDataset(files.zstd);
    assert.equal(info.format, 'parquet');
    assert.equal(info.header.length, 13);
    assert.deepEqual(info.numericColumns, ['id', 'x', 'big', 'n', 'f', 'dec']);
    assert.equal(info.dataStart, 4);
    assert.equal(info.sizeBytes, fs.statSync(files.zstd).size);
    const dataBytes = info.table!.units.reduce((n, u) => n + u.byteEnd - u.byteStart, 0);
    assert.equal(info.meanRowBytes, dataBytes / FIXTURE_ROWS);
    // Named .csv, the bytes still decide.
    const misnamed = tmp.path('really-parquet.csv');
    fs.copyFileSync(files.zstd, misnamed);
    assert.equal((await inspectDataset(misnamed)).format, 'parquet');
  });

  for (const codec of CODECS) {
    it(`reads every row of a ${codec} file as DuckDB does`, async () => {
      const reader = await openParquet(files[codec]);
      try {
        const rows = (await reader.read(0, FIXTURE_ROWS, 'object')) as unknown[];
        assert.equal(rows.length, FIXTURE_ROWS);
        for (let i = 0; i < rows.length; i++) assert.deepStrictEqual(normalise(rows[i]), expected[i], `row ${i}`);
      } finally {
        await reader.close();
      }
    });
  }

  it('keeps INT64 exact: numbers up to 2^53, bigints past it, per value; Dates for TIMESTAMP and DATE', async () => {
    const reader = await openParquet(files.zstd);
    try {
      const rows = (await reader.read(0, 4, 'object')) as Record<string, unknown>[];
      assert.equal(rows[0].big, null);
      assert.equal(rows[1].big, 1000);
      assert.equal(rows[2].big, 9007199254740995n);
      assert.ok(rows[0].ts instanceof Date && rows[0].d instanceof Date);
      assert.equal((rows[0].d as Date).toISOString(), '1969-12-20T00:00:00.000Z');
      assert.deepEqual(rows[1].l, [1, 2, null]);
      assert.deepEqual(rows[0].l, null);
      assert.deepEqual(rows[3].l, []);
      assert.deepEqual(rows[1].st, { a: 1, b: 'k1' });
      assert.equal(rows[1].s, 'ñandú 1 🦆 "q", x');
    } finally {
      await reader.close();
    }
  });

  it('reads row ranges inside one row group and across row groups, as objects and as arrays', async () => {
    const reader = await openParquet(files.snappy);
    try {
      for (const [from, to] of [
        [0, 1],
        [100, 2000],
        [2040, 2060],
        [1000, 4500],
        [4999, 5000],
      ]) {
        const objects = (await reader.read(from, to, 'object')) as unknown[];
        assert.deepStrictEqual(objects.map(normalise), expected.slice(from, to), `objects ${from}–${to}`);
        const arrays = (await reader.read(from, to, 'array')) as unknown[][];
        const names = reader.layout.columns.map((c) => c.name);
        assert.deepStrictEqual(
          arrays.map((row) => normalise(Object.fromEntries(names.map((n, c) => [n, row[c]])))),
          expected.slice(from, to),
          `arrays ${from}–${to}`,
        );
      }
    } finally {
      await reader.close();
    }
  });

  it('gives rowShape columns as Float64Array per numeric column (null → NaN), typed values otherwise', async () => {
    const reader = await openParquet(files.zstd);
    try {
      const chunk = (await reader.read(2000, 2100, 'columns')) as ColumnarChunk;
      assert.equal(chunk.length, 100);
      // big holds bigints past 2^53 in this range: handed over as values, not floats.
      assert.deepEqual(chunk.numeric, ['id', 'x', 'n', 'f', 'dec']);
      for (const name of chunk.numeric) assert.ok(chunk.columns[name] instanceof Float64Array, name);
      const x = chunk.columns.x as Float64Array;
      for (let i = 0; i < 100; i++) {
        const want = (expected[2000 + i] as Record<string, unknown>).x;
        if (want === null) assert.ok(Number.isNaN(x[i]));
        else assert.equal(x[i], want);
      }
      assert.ok(Array.isArray(chunk.columns.s));
      assert.deepStrictEqual(
        normalise(chunk.columns.big),
        (expected.slice(2000, 2100) as { big: unknown }[]).map((r) => r.big),
      );
    } finally {
      await reader.close();
    }
  });

  it('decodes dictionary-encoded strings (low cardinality)', async () => {
    const encodings = await withDuckDb((_run, rows) =>
      rows(
        `SELECT encodings FROM parquet_metadata(${quoted(files.zstd)}) WHERE path_in_schema = 'cat' AND row_group_id = 0`,
      ),
    );
    assert.match(String(encodings[0].encodings), /DICTIONARY/);
    const reader = await openParquet(files.zstd);
    try {
      const rows = (await reader.read(0, FIXTURE_ROWS, 'object')) as { cat: string }[];
      assert.deepEqual(
        rows.map((r) => r.cat),
        (expected as { cat: string }[]).map((r) => r.cat),
      );
    } finally {
      await reader.close();
    }
  });

  it('reads a file written by hyparquet-writer (several row groups, page indexes) as DuckDB does', async () => {
    const file = tmp.path('hyparquet-writer.parquet');
    const n = 3500;
    const written = parquetWriteBuffer({
      rowGroupSize: 1000,
      pageSize: 2048,
      columnData: [
        { name: 'k', data: Array.from({ length: n }, (_, i) => BigInt(i) * 4398046511104n), type: 'INT64' },
        { name: 'v', data: Array.from({ length: n }, (_, i) => (i % 9 === 0 ? null : i / 3)), type: 'DOUBLE' },
        { name: 'name', data: Array.from({ length: n }, (_, i) => `é${i % 50}`), type: 'STRING' },
        { name: 'ok', data: Array.from({ length: n }, (_, i) => i % 4 === 0), type: 'BOOLEAN' },
      ],
    });
    fs.writeFileSync(file, new Uint8Array(written));
    const want = (await duckRows(file)).map(normalise);
    assert.equal(want.length, n);
    const reader = await openParquet(file);
    try {
      assert.equal(reader.layout.units.length, 4);
      assert.match(reader.layout.createdBy ?? '', /hyparquet/);
      for (const [from, to] of [
        [0, n],
        [999, 1001],
        [1500, 1600],
      ]) {
        const rows = (await reader.read(from, to, 'object')) as unknown[];
        assert.deepStrictEqual(rows.map(normalise), want.slice(from, to), `${from}–${to}`);
      }
    } finally {
      await reader.close();
    }
    // Its sample drops the page indexes (outside the copied row groups) and still reads the same.
    const sample = prepareSample(await inspectDataset(file), { rows: 10 }, tmp.subdir('hw-sample'));
    assert.equal(sample.sample.rows, 1000);
    assert.deepStrictEqual((await duckRows(sample.path)).map(normalise), want.slice(2000, 3000));
    const sampled = await openParquet(sample.path);
    try {
      assert.deepStrictEqual(
        ((await sampled.read(0, 1000, 'object')) as unknown[]).map(normalise),
        want.slice(2000, 3000),
      );
    } finally {
      await sampled.close();
    }
  });

  it('names a cut file: the footer magic is missing, at which byte', async () => {
    const whole = fs.readFileSync(files.zstd);
    const cut = tmp.write('flights.parquet', whole.subarray(0, whole.length - 100));
    const check = (err: unknown) => {
      assert.ok(err instanceof ChunkscopeError);
      assert.equal(err.code, 'data');
      assert.match(
        err.message,
        new RegExp(
          `flights-\\d+\\.parquet: not a complete Parquet file: the footer magic PAR1 is missing at byte ${whole.length - 104} \\(the file may be truncated\\)`,
        ),
      );
      return true;
    };
    await assert.rejects(openParquet(cut), check);
    await assert.rejects(inspectDataset(cut), check);
    // The magic kept but the metadata gone: its length points before the file's start.
    const noMeta = tmp.write('nometa.parquet', Buffer.concat([whole.subarray(0, 4), whole.subarray(whole.length - 8)]));
    await assert.rejects(openParquet(noMeta), /not a complete Parquet file: the footer says its metadata is \d+ bytes/);
    // Text named .parquet is not read as Parquet.
    const text = tmp.write('text.parquet', 'a,b\n1,2\n');
    await assert.rejects(inspectDataset(text), /text-\d+\.parquet is not a Parquet file: it does not start with/);
  });

  it('plans chunks that cover every row once and tile the bytes: whole row groups, or row ranges when asked', async () => {
    const info = await inspectDataset(files.zstd);
    const cases: { opts: Parameters<typeof tableChunks>[0]; chunks?: number; whole?: boolean }[] = [
      { opts: { info, plan: PLAN, chunkRows: 4096, splitUnits: true }, chunks: 2 },
      { opts: { info, plan: PLAN, chunkRows: 5000, splitUnits: true }, chunks: 1 },
      { opts: { info, plan: PLAN, chunkRows: 300, splitUnits: true } },
      { opts: { info, plan: PLAN, chunkBytes: 1, splitUnits: false }, chunks: 3, whole: true },
      { opts: { info, plan: PLAN, chunkBytes: 1 << 30, splitUnits: false }, chunks: 1, whole: true },
      { opts: { info, plan: PLAN, chunkBytes: 5000, splitUnits: true } },
      { opts: { info, plan: PLAN, sizer: (c) => 1000 * (c + 1), splitUnits: true } },
    ];
    for (const { opts, chunks, whole } of cases) {
      const planned = [...tableChunks(opts)];
      const tasks = planned.map((p) => p.task as TableTask);
      if (chunks !== undefined) assert.equal(tasks.length, chunks, JSON.stringify(opts.chunkRows ?? opts.chunkBytes));
      assert.equal(planned[0].byteStart, info.dataStart);
      assert.equal(planned[planned.length - 1].byteEnd, info.sizeBytes);
      let row = 0;
      for (let k = 0; k < tasks.length; k++) {
        assert.equal(tasks[k].rowStart, row);
        assert.ok(tasks[k].rowEnd > tasks[k].rowStart);
        if (k > 0) assert.equal(planned[k].byteStart, planned[k - 1].byteEnd);
        assert.ok(planned[k].byteEnd >= planned[k].byteStart);
        if (opts.chunkRows && opts.splitUnits) assert.ok(tasks[k].rowEnd - tasks[k].rowStart <= opts.chunkRows);
        if (whole) assert.ok(info.table!.units.some((u) => u.firstRow === tasks[k].rowStart));
        row = tasks[k].rowEnd;
      }
      assert.equal(row, FIXTURE_ROWS);
    }
  });

  it('samples whole row groups into a real Parquet file (DuckDB reads it), spread over the file', async () => {
    const info = await inspectDataset(files.gzip);
    const dir = tmp.subdir('sample');
    const prepared = prepareSample(info, { rows: 100 }, dir);
    assert.notEqual(prepared.path, info.path);
    assert.equal(prepared.sample.rows, 2048, 'one row group: the middle one');
    assert.equal(prepared.fileRows, FIXTURE_ROWS);
    assert.deepEqual(prepared.sample.ranges, [
      { start: info.table!.units[1].byteStart, end: info.table!.units[1].byteEnd },
    ]);
    const sampled = (await duckRows(prepared.path)).map(normalise);
    assert.deepStrictEqual(sampled, expected.slice(2048, 4096));
    const reader = await openParquet(prepared.path);
    try {
      assert.deepStrictEqual(((await reader.read(0, 2048, 'object')) as unknown[]).map(normalise), sampled);
    } finally {
      await reader.close();
    }
    const two = prepareSample(info, { rows: 2500 }, dir, 'two');
    assert.equal(two.sample.rows, 2048 + (FIXTURE_ROWS - 4096));
    // Two of three: the first and the last, evenly spread.
    assert.deepStrictEqual((await duckRows(two.path)).map(normalise), [
      ...expected.slice(0, 2048),
      ...expected.slice(4096),
    ]);
    const whole = prepareSample(info, { fraction: 1 }, dir, 'whole');
    assert.equal(whole.path, info.path);
    assert.equal(whole.sample.rows, FIXTURE_ROWS);
  });
});
