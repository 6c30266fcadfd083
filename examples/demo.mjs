#!/usr/bin/env node
// `npm run demo`: make the 1,000,000-row trips dataset once, run the typed fare-per-km processor
// over it with timings and a trace, then fold the same file to one total with another processor.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ROWS = 1_000_000;
const SEED = 42;
const dataDir = path.join(root, 'examples/data');
const data = path.join(dataDir, 'trips.csv');
const marker = data + '.meta.json'; // written after a complete generation; says what the file is
const rel = (p) => path.relative(process.cwd(), p) || '.';

function upToDate() {
  if (!existsSync(data) || !existsSync(marker)) return false;
  const m = JSON.parse(readFileSync(marker, 'utf8'));
  return m.rows === ROWS && m.seed === SEED && statSync(data).size === m.bytes;
}

mkdirSync(dataDir, { recursive: true });
if (upToDate()) {
  console.log(`using ${rel(data)} (${ROWS.toLocaleString('en')} rows, already generated)`);
} else {
  console.log(`generating ${rel(data)} (${ROWS.toLocaleString('en')} trips)…`);
  const r = await generate('trips', { rows: ROWS, out: data, seed: SEED });
  writeFileSync(marker, JSON.stringify({ shape: 'trips', rows: r.rows, seed: SEED, bytes: r.bytes }) + '\n');
  console.log(`wrote ${(r.bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(1)} s`);
}

function cli(args) {
  // Paths are relative to the project root, which is the CLI's working directory.
  console.log(`\n$ node bin/chunkscope.js ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['bin/chunkscope.js', ...args], { stdio: 'inherit', cwd: root });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const timings = 'examples/data/trips.timings.json';
const trace = 'examples/data/trips.trace.json';
const trips = 'examples/data/trips.csv';
let code = cli([
  'run',
  trips,
  '--processor',
  'examples/processors/fare-per-km.ts',
  '--timings',
  timings,
  '--trace',
  trace,
]);
if (code === 0) {
  code = cli(['run', trips, '--processor', 'examples/processors/total-sum-of-squares.js']);
}

if (code === 0) {
  console.log(`\nper-chunk timings: ${rel(path.join(root, timings))}`);
  console.log(`trace:             ${rel(path.join(root, trace))}`);
  console.log('open the trace at https://ui.perfetto.dev ("Open trace file") or in Chrome at chrome://tracing:');
  console.log('one track per worker thread, one slice per chunk, split into read / parse / compute / encode.');
} else {
  console.error(`\ndemo: the CLI exited with code ${code}`);
}
process.exit(code);
