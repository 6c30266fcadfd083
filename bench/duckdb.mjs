#!/usr/bin/env node
// DuckDB as the "what a columnar engine does" reference: the same total sum of squares over the
// bench CSV, read with explicit column types so no time goes into sniffing.
//   node bench/duckdb.mjs FILE --threads N   → one JSON line { total, rows, wallMs, peakRssBytes }
import { DuckDBInstance } from '@duckdb/node-api';

const [file, flag, value] = process.argv.slice(2);
const threads = flag === '--threads' ? Number(value) : 1;
if (!file || !(threads >= 1)) {
  console.error('usage: node bench/duckdb.mjs FILE --threads N');
  process.exit(2);
}

const X = ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8'];
const columns = `{'id': 'BIGINT', 'name': 'VARCHAR', ${X.map((x) => `'${x}': 'DOUBLE'`).join(', ')}}`;
const sql = `SELECT count(*) AS rows, sum(${X.map((x) => `${x}*${x}`).join(' + ')}) AS total
  FROM read_csv('${file.replace(/'/g, "''")}', header = true, delim = ',', quote = '"', escape = '"', columns = ${columns})`;

// Timed from instance creation, like Chunkscope's wallMs counts its pool start-up.
const started = performance.now();
const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const connection = await instance.connect();
const reader = await connection.runAndReadAll(sql);
const [row] = reader.getRowObjectsJS();
const wallMs = performance.now() - started;
connection.closeSync();
instance.closeSync();

console.log(
  JSON.stringify({
    design: 'duckdb',
    threads,
    rows: Number(row.rows),
    total: Number(row.total),
    wallMs,
    peakRssBytes: process.resourceUsage().maxRSS * 1024, // maxRSS is in KiB
  }),
);
