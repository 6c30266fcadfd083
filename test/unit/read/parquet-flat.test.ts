// The flat-column fast path (read/parquet-flat.ts) against DuckDB's reading of the same files:
// PLAIN and dictionary pages, nulls (none, some, all), REQUIRED columns, many pages per column
// chunk with row ranges starting and ending inside a page, every codec in all three row shapes,
// and INT64 columns that only past some row group hold values beyond 2^53.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { parquetMetadata } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { openParquet } from '../../../src/engine/read/parquet';
import { chunkRange } from '../../../src/engine/read/parquet-flat';
import type { ColumnarChunk } from '../../../src/engine/model';
import { TempDir } from '../../helpers';
import { duckRows, normalise, quoted, withDuckDb, writeParquet } from '../../parquet-fixtures';

const CODECS = ['zstd', 'snappy', 'gzip', 'brotli', 'lz4_raw', 'uncompressed'];
const ROWS = 6000;

/** Flat columns only, of every kind: PLAIN and dictionary numbers, nulls, strings, booleans, dates. */
const SELECT = `SELECT
    i::BIGINT AS id,
    ((i % 10) * 0.5)::DOUBLE AS low,
    (i % 10 - 5)::BIGINT AS lb,
    CASE WHEN i % 3 = 0 THEN NULL ELSE sin(i) END::DOUBLE AS x,
    NULL::DOUBLE AS none,
    CASE WHEN i % 4 = 1 THEN NULL ELSE (i % 7)::INTEGER END AS small,
    CASE WHEN i < 5000 THEN i * 3 ELSE 9007199254740993 + i END::BIGINT AS late,
    (i / 4)::FLOAT AS f,
    (i * 0.01)::DECIMAL(10, 2) AS dec,
    CASE WHEN i % 9 = 0 THEN NULL ELSE ['a', 'bb', 'ccc'][1 + i % 3] END AS tag,
    CASE WHEN i % 5 = 0 THEN NULL ELSE 'v' || i::VARCHAR END AS s,
    CASE WHEN i % 6 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
    TIMESTAMP '2001-01-01 00:00:00' + to_seconds(i * 77) AS ts
  FROM range(${ROWS}) t(i)`;

function asObjects(reader: { layout: { columns: { name: string }[] } }, arrays: unknown[][]): unknown[] {
  const names = reader.layout.columns.map((c) => c.name);
  return arrays.map((row) => normalise(Object.fromEntries(names.map((n, c) => [n, row[c]]))));
}

/** The `columns` shape as rows, NaN in a numeric column standing for null (as documented). */
function columnsAsRows(chunk: ColumnarChunk): unknown[] {
  const rows: unknown[] = [];
  for (let r = 0; r < chunk.length; r++) {
    const row: Record<string, unknown> = {};
    for (const name of chunk.names) {
      const v = (chunk.columns[name] as ArrayLike<unknown>)[r];
      row[name] = chunk.numeric.includes(name) && Number.isNaN(v) ? null : v;
    }
    rows.push(normalise(row));
  }
  return rows;
}

/** Data pages (of `types`) in each column chunk of row group `group`, counted from their headers. */
function dataPages(file: string, group: number, types = ['DATA_PAGE', 'DATA_PAGE_V2']): Record<string, number> {
  const bytes = fs.readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  const counts: Record<string, number> = {};
  for (const chunk of parquetMetadata(buffer).row_groups[group].columns) {
    const { start, end } = chunkRange(chunk);
    const reader = { view: new DataView(buffer, start, end - start), offset: 0 };
    let pages = 0;
    while (reader.offset < end - start) {
      const header = parquetHeader(reader);
      if (types.includes(header.type)) pages++;
      reader.offset += header.compressed_page_size;
    }
    counts[chunk.meta_data!.path_in_schema[0]] = pages;
  }
  return counts;
}

describe('Parquet flat columns (read/parquet-flat.ts) against DuckDB', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  const files: Record<string, string> = {};
  let expected: unknown[];

  before(async () => {
    tmp = new TempDir('chunkscope-parquet-flat-');
    for (const codec of CODECS) {
      files[codec] = tmp.path(`flat-${codec}.parquet`);
      await writeParquet(files[codec], SELECT, `COMPRESSION ${codec}, ROW_GROUP_SIZE 2048`);
    }
    expected = (await duckRows(files.zstd)).map(normalise);
    assert.equal(expected.length, ROWS);
  });
  after(() => tmp?.dispose());

  it('the file has both encodings: dictionary for low-cardinality columns, PLAIN for the others', async () => {
    const meta = await withDuckDb((_run, rows) =>
      rows(
        `SELECT path_in_schema AS name, encodings FROM parquet_metadata(${quoted(files.zstd)}) WHERE row_group_id = 0`,
      ),
    );
    const encodings = Object.fromEntries(meta.map((m) => [String(m.name), String(m.encodings)]));
    assert.match(encodings.low, /DICTIONARY/);
    assert.match(encodings.tag, /DICTIONARY/);
    assert.match(encodings.lb, /DICTIONARY/);
    assert.match(encodings.small, /DICTIONARY/);
    assert.match(encodings.x, /PLAIN/);
    assert.doesNotMatch(encodings.x, /DICTIONARY/);
    assert.match(encodings.id, /PLAIN/);
  });

  for (const codec of CODECS) {
    it(`reads a ${codec} file as DuckDB does, as objects, arrays and columns`, async () => {
      const reader = await openParquet(files[codec]);
      try {
        const objects = (await reader.read(0, ROWS, 'object')) as unknown[];
        assert.deepStrictEqual(objects.map(normalise), expected, 'objects');
        const arrays = (await reader.read(0, ROWS, 'array')) as unknown[][];
        assert.deepStrictEqual(asObjects(reader, arrays), expected, 'arrays');
        // Within the first row groups `late` is exact: every numeric column is a Float64Array.
        const columns = (await reader.read(0, 4096, 'columns')) as ColumnarChunk;
        assert.deepEqual(columns.numeric, ['id', 'low', 'lb', 'x', 'none', 'small', 'late', 'f', 'dec']);
        for (const name of columns.numeric) assert.ok(columns.columns[name] instanceof Float64Array, name);
        assert.deepStrictEqual(columnsAsRows(columns), expected.slice(0, 4096), 'columns');
      } finally {
        await reader.close();
      }
    });
  }

  it('nulls: null in rows, NaN in Float64Array columns, a column of nulls only, a stored NaN stays NaN', async () => {
    const file = tmp.path('nan.parquet');
    await writeParquet(
      file,
      `SELECT CASE WHEN i % 2 = 0 THEN 'NaN'::DOUBLE WHEN i % 3 = 0 THEN NULL ELSE i END::DOUBLE AS v FROM range(50) t(i)`,
      'COMPRESSION zstd',
    );
    const reader = await openParquet(file);
    try {
      const rows = (await reader.read(0, 50, 'object')) as { v: unknown }[];
      for (let i = 0; i < 50; i++) {
        if (i % 2 === 0) assert.ok(Number.isNaN(rows[i].v), `row ${i} NaN`);
        else if (i % 3 === 0) assert.equal(rows[i].v, null, `row ${i} null`);
        else assert.equal(rows[i].v, i);
      }
    } finally {
      await reader.close();
    }
    const flat = await openParquet(files.zstd);
    try {
      const rows = (await flat.read(0, 100, 'object')) as { none: unknown; x: unknown }[];
      assert.ok(rows.every((r) => r.none === null));
      assert.equal(rows[0].x, null);
      const columns = (await flat.read(0, 100, 'columns')) as ColumnarChunk;
      assert.ok((columns.columns.none as Float64Array).every((v) => Number.isNaN(v)));
    } finally {
      await flat.close();
    }
  });

  it('an INT64 column past 2^53 only in a later row group: exact values, bigints in columns too', async () => {
    const reader = await openParquet(files.zstd);
    try {
      for (const [from, to] of [
        [0, ROWS],
        [4000, 5100],
        [4999, 5001],
      ]) {
        const rows = (await reader.read(from, to, 'object')) as { late: unknown }[];
        assert.deepStrictEqual(rows.map(normalise), expected.slice(from, to), `objects ${from}–${to}`);
        const columns = (await reader.read(from, to, 'columns')) as ColumnarChunk;
        assert.ok(!columns.numeric.includes('late'));
        assert.deepStrictEqual(columnsAsRows(columns), expected.slice(from, to), `columns ${from}–${to}`);
      }
      const rows = (await reader.read(5000, 5002, 'object')) as { late: unknown }[];
      assert.equal(rows[0].late, 9007199254740993n + 5000n);
      // After it, a range inside the exact row groups is still right.
      const early = (await reader.read(10, 20, 'columns')) as ColumnarChunk;
      assert.deepStrictEqual(columnsAsRows(early), expected.slice(10, 20));
    } finally {
      await reader.close();
    }
  });

  it('a file with lists and structs: its flat columns still take the flat path, all as DuckDB reads them', async () => {
    const file = tmp.path('mixed.parquet');
    await writeParquet(
      file,
      `SELECT [i, NULL]::INTEGER[] AS l, CASE WHEN i % 4 = 0 THEN NULL ELSE i / 3 END::DOUBLE AS x,
        {'a': i, 'b': 'k' || i::VARCHAR} AS st, ['p', 'q'][1 + i % 2] AS tag, i::BIGINT AS id
      FROM range(3000) t(i)`,
      'COMPRESSION zstd, ROW_GROUP_SIZE 1024',
    );
    const want = (await duckRows(file)).map(normalise);
    const reader = await openParquet(file);
    try {
      // Which columns the reader decodes itself (chunk indexes differ from column indexes after `l`).
      assert.deepEqual((reader as unknown as { flat: boolean[] }).flat, [false, true, false, true, true]);
      for (const [from, to] of [
        [0, 3000],
        [1000, 2100],
      ]) {
        const objects = (await reader.read(from, to, 'object')) as unknown[];
        assert.deepStrictEqual(objects.map(normalise), want.slice(from, to), `objects ${from}–${to}`);
        const arrays = (await reader.read(from, to, 'array')) as unknown[][];
        assert.deepStrictEqual(asObjects(reader, arrays), want.slice(from, to), `arrays ${from}–${to}`);
        const columns = (await reader.read(from, to, 'columns')) as ColumnarChunk;
        assert.deepEqual(columns.numeric, ['x', 'id']);
        assert.deepStrictEqual(columnsAsRows(columns), want.slice(from, to), `columns ${from}–${to}`);
      }
    } finally {
      await reader.close();
    }
  });

  it('many pages per column chunk (REQUIRED and OPTIONAL, PLAIN and dictionary): ranges starting and ending inside pages', async () => {
    const file = tmp.path('pages.parquet');
    const n = 5000;
    const written = parquetWriteBuffer({
      rowGroupSize: 2500,
      pageSize: 1024,
      codec: 'SNAPPY',
      columnData: [
        { name: 'k', data: Int32Array.from({ length: n }, (_, i) => i * 3), type: 'INT32', nullable: false },
        { name: 'v', data: Array.from({ length: n }, (_, i) => (i % 9 === 0 ? null : i / 3)), type: 'DOUBLE' },
        { name: 'w', data: Float64Array.from({ length: n }, (_, i) => i % 5), type: 'DOUBLE', nullable: false },
        { name: 'name', data: Array.from({ length: n }, (_, i) => (i % 11 ? `é${i % 50}` : null)), type: 'STRING' },
        { name: 'big', data: Array.from({ length: n }, (_, i) => BigInt(i) * 1000003n), type: 'INT64' },
      ],
    });
    fs.writeFileSync(file, new Uint8Array(written));
    // hyparquet-writer writes V2 data pages, DuckDB V1 ones: between them both page kinds are read.
    const pages = dataPages(file, 0, ['DATA_PAGE_V2']);
    for (const name of ['k', 'v', 'w', 'name', 'big']) assert.ok(pages[name] > 3, `${name}: ${pages[name]} V2 pages`);
    const duckPages = dataPages(files.zstd, 0, ['DATA_PAGE']);
    assert.ok(
      Object.values(duckPages).every((count) => count >= 1),
      `DuckDB's V1 pages: ${JSON.stringify(duckPages)}`,
    );
    const want = (await duckRows(file)).map(normalise);
    const reader = await openParquet(file);
    try {
      assert.deepEqual(
        reader.layout.columns.map((c) => c.name),
        ['k', 'v', 'w', 'name', 'big'],
      );
      for (const [from, to] of [
        [0, n],
        [1, 2],
        [333, 777],
        [1000, 2600],
        [2499, 2501],
        [4321, 5000],
      ]) {
        const objects = (await reader.read(from, to, 'object')) as unknown[];
        assert.deepStrictEqual(objects.map(normalise), want.slice(from, to), `objects ${from}–${to}`);
        const arrays = (await reader.read(from, to, 'array')) as unknown[][];
        assert.deepStrictEqual(asObjects(reader, arrays), want.slice(from, to), `arrays ${from}–${to}`);
        const columns = (await reader.read(from, to, 'columns')) as ColumnarChunk;
        assert.deepEqual(columns.numeric, ['k', 'v', 'w', 'big']);
        assert.deepStrictEqual(columnsAsRows(columns), want.slice(from, to), `columns ${from}–${to}`);
      }
    } finally {
      await reader.close();
    }
  });
});
