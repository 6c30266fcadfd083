#!/usr/bin/env node
// A gzip CSV against the same CSV uncompressed, and against DuckDB reading the same .csv.gz:
// Chunkscope with 1 and 2 workers (default strategy, which a gzip stream turns into batches; the
// plain file also with batches, to separate what decompression adds from what batches costs),
// interleaved rounds so drift on the machine hits every configuration alike. Reports medians,
// ratios and the decompression rate the runs measured; writes bench/results/gzip-<date>.json.
//   node bench/gzip.mjs [--rows N] [--rounds N]     (after node scripts/build.mjs)
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { pipeline } from 'node:stream/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { benchCsv } from './bench-data.mjs';
import { measure } from './measure.mjs';
import { referenceSum, agrees } from './reference.mjs';
import { benchOptions } from './bench-args.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SEED = 42;
const opts = benchOptions('node bench/gzip.mjs [--rows N] [--rounds N]', { rows: 2_000_000, rounds: 3 });

/** The bench CSV and its gzip (level 6, as gzip(1) writes it), made once and reused while the marker matches. */
async function ensureData(rows) {
  const { file: csv } = await benchCsv(rows, { seed: SEED });
  const gz = `${csv}.gz`;
  const markerFile = `${gz}.meta.json`;
  const marker = existsSync(markerFile) ? JSON.parse(readFileSync(markerFile, 'utf8')) : undefined;
  if (marker?.rows === rows && marker?.seed === SEED && existsSync(gz) && statSync(gz).size === marker.gzBytes)
    return { csv, gz, rows };
  console.log(`compressing ${path.relative(root, csv)} with gzip…`);
  await pipeline(createReadStream(csv), zlib.createGzip({ level: 6 }), createWriteStream(`${gz}.partial`));
  renameSync(`${gz}.partial`, gz);
  writeFileSync(
    markerFile,
    JSON.stringify({ rows, seed: SEED, bytes: statSync(csv).size, gzBytes: statSync(gz).size }) + '\n',
  );
  return { csv, gz, rows };
}

const data = await ensureData(opts.rows);
const expected = await referenceSum(data.csv);
const processor = path.join(root, 'examples/processors/total-sum-of-squares.js');
const bin = path.join(root, 'bin/chunkscope.js');
const timeoutMs = 120_000 + opts.rows * 0.2;

const configs = [
  { name: 'chunkscope gz, 1 worker', kind: 'chunkscope', file: data.gz, workers: 1 },
  { name: 'chunkscope gz, 2 workers', kind: 'chunkscope', file: data.gz, workers: 2 },
  { name: 'chunkscope csv, 1 worker', kind: 'chunkscope', file: data.csv, workers: 1 },
  { name: 'chunkscope csv, 2 workers', kind: 'chunkscope', file: data.csv, workers: 2 },
  // The same strategy the gzip runs use, on the plain file: what decompression itself adds.
  { name: 'chunkscope csv batches, 1 worker', kind: 'chunkscope', file: data.csv, workers: 1, strategy: 'batches' },
  { name: 'chunkscope csv batches, 2 workers', kind: 'chunkscope', file: data.csv, workers: 2, strategy: 'batches' },
  { name: 'duckdb gz, 2 threads', kind: 'duckdb', file: data.gz, workers: 2 },
  { name: 'duckdb csv, 2 threads', kind: 'duckdb', file: data.csv, workers: 2 },
];
const runs = new Map(configs.map((c) => [c.name, []]));
const problems = [];

async function once(config) {
  const args =
    config.kind === 'chunkscope'
      ? [
          bin,
          'run',
          config.file,
          '--processor',
          processor,
          '--workers',
          String(config.workers),
          ...(config.strategy ? ['--strategy', config.strategy] : []),
          '--json',
        ]
      : [path.join(root, 'bench/duckdb.mjs'), config.file, '--threads', String(config.workers)];
  const m = await measure(process.execPath, args, { cwd: root, timeoutMs });
  if (m.code !== 0) {
    problems.push(`${config.name}: exit ${m.code}${m.timedOut ? ' (timed out)' : ''}: ${m.stderr.slice(-1000)}`);
    return undefined;
  }
  if (config.kind === 'duckdb') {
    const r = JSON.parse(m.stdout.trim().split('\n').pop());
    return { wallMs: r.wallMs, rows: r.rows, total: r.total, peakRssBytes: m.peakRssBytes ?? r.peakRssBytes };
  }
  const r = JSON.parse(m.stdout);
  return {
    wallMs: r.summary.wallMs,
    rows: r.summary.rows,
    total: r.result,
    strategy: r.summary.strategy,
    peakRssBytes: m.peakRssBytes ?? r.summary.peakRssBytes,
    decompressMbPerSecond: r.summary.reader?.decompressMbPerSecond,
    decompressWaitMs: r.summary.reader?.decompressWaitMs,
  };
}

console.log(
  `input: ${path.relative(root, data.gz)} ${(statSync(data.gz).size / 1e6).toFixed(1)} MB → ${(statSync(data.csv).size / 1e6).toFixed(1)} MB, ${data.rows.toLocaleString('en')} rows; ${opts.rounds} interleaved rounds; load ${os.loadavg()[0].toFixed(2)}`,
);
for (let round = 0; round < opts.rounds; round++) {
  // Rotated each round, so no configuration always runs first (cold caches) or last.
  const order = configs.map((_, i) => configs[(i + round) % configs.length]);
  for (const config of order) {
    const r = await once(config);
    if (!r) continue;
    if (r.rows !== expected.rows || !agrees(r.total, expected.total))
      problems.push(`${config.name}: ${r.rows} rows, total ${r.total}; expected ${expected.rows}, ${expected.total}`);
    runs.get(config.name).push(r);
    console.log(`  round ${round + 1} ${config.name}: ${(r.wallMs / 1000).toFixed(2)} s`);
  }
}

/** Rows of cells as aligned columns (first column left, the rest right). */
function formatTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  '))
    .join('\n');
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summary = configs.map((c) => {
  const rs = runs.get(c.name);
  const rates = rs.map((r) => r.decompressMbPerSecond).filter((x) => x !== undefined);
  return {
    name: c.name,
    runs: rs.length,
    medianWallMs: median(rs.map((r) => r.wallMs)),
    strategy: rs[0]?.strategy,
    decompressMbPerSecond: rates.length ? median(rates) : undefined,
    decompressWaitMs: rates.length ? median(rs.map((r) => r.decompressWaitMs)) : undefined,
    peakRssBytes: Math.max(0, ...rs.map((r) => r.peakRssBytes ?? 0)),
  };
});
const wall = (name) => summary.find((s) => s.name === name).medianWallMs;
const ratios = {
  'gz vs csv, chunkscope 1 worker': wall('chunkscope gz, 1 worker') / wall('chunkscope csv, 1 worker'),
  'gz vs csv, chunkscope 2 workers': wall('chunkscope gz, 2 workers') / wall('chunkscope csv, 2 workers'),
  'gz vs csv with batches, 1 worker': wall('chunkscope gz, 1 worker') / wall('chunkscope csv batches, 1 worker'),
  'gz vs csv with batches, 2 workers': wall('chunkscope gz, 2 workers') / wall('chunkscope csv batches, 2 workers'),
  'gz 2 workers vs 1': wall('chunkscope gz, 2 workers') / wall('chunkscope gz, 1 worker'),
  'chunkscope gz 2 workers vs duckdb gz': wall('chunkscope gz, 2 workers') / wall('duckdb gz, 2 threads'),
  'duckdb gz vs csv': wall('duckdb gz, 2 threads') / wall('duckdb csv, 2 threads'),
};
console.log(
  '\n' +
    formatTable([
      ['configuration', 'median wall', 'strategy', 'decompress MB/s', 'waited for data', 'peak RSS MB'],
      ...summary.map((s) => [
        s.name,
        `${(s.medianWallMs / 1000).toFixed(2)} s`,
        s.strategy ?? '',
        s.decompressMbPerSecond?.toFixed(0) ?? '',
        s.decompressWaitMs !== undefined ? `${(s.decompressWaitMs / 1000).toFixed(2)} s` : '',
        (s.peakRssBytes / 1e6).toFixed(0),
      ]),
    ]),
);
for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v.toFixed(2)}×`);
const date = new Date().toISOString().slice(0, 10);
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
const out = path.join(root, `bench/results/gzip-${date}.json`);
writeFileSync(
  out,
  JSON.stringify(
    {
      date,
      machine: {
        cpu: os.cpus()[0]?.model,
        cores: os.cpus().length,
        node: process.version,
        loadAverage: os.loadavg()[0],
      },
      input: { rows: data.rows, csvBytes: statSync(data.csv).size, gzBytes: statSync(data.gz).size },
      rounds: opts.rounds,
      summary,
      ratios,
      runs: Object.fromEntries(runs),
      problems,
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nwrote ${path.relative(root, out)}`);
if (problems.length) {
  console.error(`\n${problems.length} problem(s):\n${problems.join('\n')}`);
  process.exit(1);
}
