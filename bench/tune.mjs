#!/usr/bin/env node
// The tuner against the full sweep, for three processors with different cost profiles: the seed's
// cheap numeric row function, a string-heavy one, and a slow one (~50 µs a row).
//   node bench/tune.mjs [--scale F] [--repeats N]     (build first: node scripts/build.mjs)
// Bars: the tuner's choice reaches ≥ 90 % of the sweep's best throughput in ≤ 25 % of its time;
// `--chunk auto` reaches ≥ 90 % of the sweep's best. The tuner's choice and `--chunk auto` are
// measured afterwards like a sweep point (median of N fresh runs on the same file), so all three
// numbers are medians of the same kind. Missed bars are reported, not fatal.
import { mkdirSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { generate } from '../examples/generate.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const engine = require(path.join(root, 'dist/engine.js'));

function parseArgs(argv) {
  const opts = { scale: 1, repeats: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!(key in opts) || !(value > 0)) {
      console.error('usage: node bench/tune.mjs [--scale F] [--repeats N]');
      process.exit(2);
    }
    opts[key] = value;
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
// Sizes chosen so one run is ~0.1–0.5 s of work: the whole file is the sample, for every method alike.
const CASES = [
  { name: 'cheap numeric (seed)', shape: 'bench', rows: 200_000, processor: 'examples/processors/sum-of-squares.js' },
  { name: 'string-heavy', shape: 'trips', rows: 60_000, processor: 'examples/processors/text-stats.js' },
  { name: 'slow (~50 µs/row)', shape: 'bench', rows: 8_000, processor: 'examples/processors/slow.js' },
];

const dataDir = path.join(root, 'bench/data');
mkdirSync(dataDir, { recursive: true });
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const pct = (x) => `${(x * 100).toFixed(0)} %`;
const setting = (p) =>
  `${p.workers}w × ${p.chunkRows !== undefined ? fmt(p.chunkRows) + ' rows' : fmt(p.chunkBytes) + ' B'}`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Median rows/s of `repeats` runs (after one discarded warm-up), as a sweep measures a point. */
async function measure(options, repeats) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-bench-tune-'));
  try {
    const out = path.join(tmp, 'out.ndjson');
    const rps = [];
    for (let i = 0; i <= repeats; i++) {
      const r = await engine.runDataset({ ...options, out });
      if (i > 0) rps.push(r.summary.rowsPerSecond);
    }
    return median(rps);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const results = [];
for (const c of CASES) {
  const rows = Math.max(1000, Math.round(c.rows * opts.scale));
  const data = path.join(dataDir, `tune-${c.shape}-${rows}.csv`);
  if (!existsSync(data)) await generate(c.shape, { rows, out: data, seed: 42 });
  const processor = path.join(root, c.processor);
  console.log(`${c.name}: ${fmt(rows)} rows (${path.relative(root, data)})`);
  const sweep = await engine.runSweep({ data, processor, repeats: opts.repeats, seed: 42, sample: { fraction: 1 } });
  console.log(
    `  sweep: ${sweep.points.length} points, ${sweep.runsDone} runs, ${(sweep.wallMs / 1000).toFixed(1)} s; best ${sweep.best.key} ${fmt(sweep.best.rowsPerSecond)} rows/s`,
  );
  const tuned = await engine.tune({ data, processor, sample: { fraction: 1 } });
  const r = tuned.recommendation;
  console.log(`  tune: ${setting(r)} in ${tuned.runs} runs, ${(tuned.wallMs / 1000).toFixed(1)} s`);
  const base = { data, processor, strategy: r.strategy };
  const tunedRps = await measure(
    { ...base, workers: r.workers, chunkRows: r.chunkRows, chunkBytes: r.chunkBytes, chunking: 'fixed' },
    opts.repeats,
  );
  const autoRps = await measure({ ...base, workers: sweep.best.workers, chunking: 'auto' }, opts.repeats);
  results.push({
    name: c.name,
    rows,
    best: `${setting(sweep.best)} ${fmt(sweep.best.rowsPerSecond)}`,
    sweepS: sweep.wallMs / 1000,
    tune: `${setting(r)} ${fmt(tunedRps)}`,
    tuneS: tuned.wallMs / 1000,
    timeShare: tuned.wallMs / sweep.wallMs,
    tunedShare: tunedRps / sweep.best.rowsPerSecond,
    autoShare: autoRps / sweep.best.rowsPerSecond,
    auto: fmt(autoRps),
    model: sweep.model
      ? `${sweep.model.perChunkUs.toFixed(0)} µs + ${sweep.model.perRowUs.toFixed(2)} µs/row, R² ${sweep.model.r2.toFixed(2)}`
      : '—',
  });
}

const header = [
  'processor',
  'rows',
  'sweep best (rows/s)',
  'sweep s',
  'tuned choice (rows/s)',
  'tune s',
  'tune time',
  'tuned / best',
  'chunk auto (rows/s)',
  'auto / best',
  'sweep model',
];
const table = results.map((x) => [
  x.name,
  fmt(x.rows),
  x.best,
  x.sweepS.toFixed(1),
  x.tune,
  x.tuneS.toFixed(1),
  pct(x.timeShare),
  pct(x.tunedShare),
  x.auto,
  pct(x.autoShare),
  x.model,
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
console.log('\n' + [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...table.map(line)].join('\n'));
const bars = [];
for (const x of results) {
  if (x.tunedShare < 0.9)
    bars.push(`${x.name}: the tuner's choice reached ${pct(x.tunedShare)} of the sweep's best (bar 90 %)`);
  if (x.timeShare > 0.25) bars.push(`${x.name}: tuning took ${pct(x.timeShare)} of the sweep's time (bar 25 %)`);
  if (x.autoShare < 0.9)
    bars.push(`${x.name}: --chunk auto reached ${pct(x.autoShare)} of the sweep's best (bar 90 %)`);
}
console.log(bars.length ? `\nMissed bars:\n  ${bars.join('\n  ')}` : '\nAll bars met.');
const outDir = path.join(root, 'bench/results');
mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, `tune-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      machine: { cpus: os.availableParallelism(), cpu: os.cpus()[0]?.model, node: process.version },
      scale: opts.scale,
      repeats: opts.repeats,
      results,
    },
    null,
    1,
  ) + '\n',
);
console.log(`results: ${path.relative(root, file)}`);
