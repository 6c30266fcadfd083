#!/usr/bin/env node
// Parquet: Chunkscope (engine API from dist/engine.js) reading a ~3,000,000-row, 5-column, ZSTD
// Parquet file of ~10 row groups, sum of squares over its numeric columns as object rows and as
// Float64Array columns, on 1 and 2 workers, against DuckDB computing the same sum over the same
// file with as many threads. Rounds are interleaved (every design once per round) so drift on the
// machine hits all alike; best and median wall time per design, and ratios to DuckDB.
// With --base DIR (a built checkout of an older revision, e.g. a `git worktree` of it after
// `node scripts/build.mjs --no-tsc`), that build's engine runs the same Chunkscope designs in the
// same rounds, so before and after meet the same machine noise.
//   node bench/parquet.mjs [--rounds N] [--rows N] [--base DIR]
// Writes bench/results/parquet-<date>.json and prints a table.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { benchOptions } from './bench-args.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const engine = require(path.join(root, 'dist/engine.js'));

const opts = benchOptions(
  'node bench/parquet.mjs [--rounds N] [--rows N] [--base DIR with dist/engine.js]',
  { rounds: 5, rows: 3_000_000, base: undefined },
  { dirs: { base: (dir) => existsSync(path.join(dir, 'dist/engine.js')) } },
);
const baseEngine = opts.base ? require(path.join(opts.base, 'dist/engine.js')) : undefined;

const quoted = (p) => `'${p.replace(/'/g, "''")}'`;
const dataDir = path.join(root, 'bench/data');
mkdirSync(dataDir, { recursive: true });
const file = path.join(dataDir, `parquet-${opts.rows}.parquet`);
const ROW_GROUP = Math.ceil(opts.rows / 10);

async function duck(threads, work) {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

if (!existsSync(file)) {
  const started = performance.now();
  await duck(2, (c) =>
    c.run(`COPY (SELECT i::BIGINT AS id, (i % 1000) / 7.0 AS a, sin(i)::DOUBLE AS b, (i * 0.001)::DOUBLE AS c,
        ['alpha', 'beta', 'gamma', 'delta'][1 + i % 4] AS tag FROM range(${opts.rows}) t(i))
      TO ${quoted(file)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP})`),
  );
  console.error(`wrote ${file} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
const info = await engine.inspectDataset(file);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-bench-parquet-'));
const objectProcessor = path.join(tmp, 'objects.js');
writeFileSync(
  objectProcessor,
  `exports.processRow = (r) => r.a * r.a + r.b * r.b + r.c * r.c;\nexports.combine = (x, y) => x + y;\n`,
);
const columnsProcessor = path.join(tmp, 'columns.js');
writeFileSync(
  columnsProcessor,
  `exports.options = { rowShape: 'columns' };
exports.processChunk = (t) => {
  const a = t.columns.a, b = t.columns.b, c = t.columns.c;
  let s = 0;
  for (let i = 0; i < t.length; i++) s += a[i] * a[i] + b[i] * b[i] + c[i] * c[i];
  return [s];
};
exports.combine = (x, y) => x + y;
`,
);

const designs = [
  ...[1, 2].flatMap((workers) => [
    { design: 'chunkscope objects', workers, processor: objectProcessor },
    { design: 'chunkscope columns', workers, processor: columnsProcessor },
    ...(baseEngine
      ? [
          { design: 'base objects', workers, processor: objectProcessor, base: true },
          { design: 'base columns', workers, processor: columnsProcessor, base: true },
        ]
      : []),
  ]),
  { design: 'duckdb', workers: 1 },
  { design: 'duckdb', workers: 2 },
];

async function once(d) {
  const started = performance.now();
  if (d.design === 'duckdb') {
    const total = await duck(d.workers, async (c) => {
      const reader = await c.runAndReadAll(
        `SELECT sum(a * a + b * b + c * c) AS total FROM read_parquet(${quoted(file)})`,
      );
      return Number(reader.getRowObjectsJS()[0].total);
    });
    return { wallMs: performance.now() - started, total, rows: opts.rows };
  }
  const report = await (d.base ? baseEngine : engine).runDataset({
    data: file,
    processor: d.processor,
    workers: d.workers,
  });
  const s = report.summary;
  return {
    wallMs: performance.now() - started,
    total: report.result,
    rows: s.rows,
    chunks: s.chunks,
    readShare: s.workerTime?.readMs,
    summary: {
      rowsPerSecond: s.rowsPerSecond,
      overheadShare: s.overheadShare,
      idleShare: s.idleShare,
      peakRssBytes: s.peakRssBytes,
    },
  };
}

const runs = designs.map(() => []);
// Round 0 warms up every design (code, page cache) and is not counted.
for (let round = 0; round <= opts.rounds; round++) {
  for (let k = 0; k < designs.length; k++) {
    const r = await once(designs[k]);
    if (round > 0) runs[k].push(r);
    console.error(`round ${round} ${designs[k].design} ${designs[k].workers}: ${(r.wallMs / 1000).toFixed(3)} s`);
  }
}
rmSync(tmp, { recursive: true, force: true });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const reference = runs[designs.findIndex((d) => d.design === 'duckdb')][0].total;
const results = designs.map((d, k) => {
  const walls = runs[k].map((r) => r.wallMs);
  const totals = runs[k].map((r) => r.total);
  return {
    ...d,
    processor: undefined,
    base: undefined,
    bestMs: Math.min(...walls),
    medianMs: median(walls),
    rowsPerSecondBest: opts.rows / (Math.min(...walls) / 1000),
    chunks: runs[k][0].chunks,
    agrees: totals.every((t) => Math.abs(t - reference) <= 1e-9 * Math.abs(reference)),
    walls,
    last: runs[k][runs[k].length - 1].summary,
  };
});
for (const r of results) {
  const duckSame = results.find((x) => x.design === 'duckdb' && x.workers === r.workers);
  r.vsDuckdbMedian = r.medianMs / duckSame.medianMs;
  const one = results.find((x) => x.design === r.design && x.workers === 1);
  r.speedupVs1Worker = one.medianMs / r.medianMs;
}

/** The base checkout's commit, when it is a git checkout. */
function baseRev() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: opts.base, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

const date = new Date().toISOString().slice(0, 10);
const out = path.join(root, 'bench/results', `parquet-${date}.json`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify(
    {
      bench: 'parquet',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      file: {
        path: path.relative(root, file),
        rows: opts.rows,
        bytes: info.sizeBytes,
        rowGroups: info.table?.units.length,
      },
      rounds: opts.rounds,
      base: opts.base ? { dir: opts.base, rev: baseRev() } : undefined,
      results,
    },
    null,
    2,
  ) + '\n',
);

const pad = (s, n) => String(s).padStart(n);
console.log(
  `Parquet ${opts.rows.toLocaleString('en-US')} rows, ${info.table?.units.length} row groups, ${(info.sizeBytes / 2 ** 20).toFixed(1)} MiB (ZSTD); ${opts.rounds} interleaved rounds`,
);
console.log(
  `${'design'.padEnd(20)} ${pad('workers', 7)} ${pad('best s', 8)} ${pad('median s', 9)} ${pad('M rows/s', 9)} ${pad('× DuckDB', 9)} ${pad('× 1 worker', 10)} ${pad('agrees', 7)}`,
);
for (const r of results)
  console.log(
    `${r.design.padEnd(20)} ${pad(r.workers, 7)} ${pad((r.bestMs / 1000).toFixed(3), 8)} ${pad((r.medianMs / 1000).toFixed(3), 9)} ${pad((r.rowsPerSecondBest / 1e6).toFixed(2), 9)} ${pad(r.vsDuckdbMedian.toFixed(2), 9)} ${pad(r.speedupVs1Worker.toFixed(2), 10)} ${pad(r.agrees ? 'yes' : 'NO', 7)}`,
  );
console.log(`(written to ${path.relative(root, out)})`);
