#!/usr/bin/env node
// `npm run demo`: make the 1,000,000-row trips dataset once, run the typed fare-per-km processor
// over it with timings, a trace and the standalone HTML report, fold the same file to one total
// with another processor, then sweep chunk sizes on a sample into a sweep page, and end with the
// command that opens the report.
// CHUNKSCOPE_DEMO_ROWS and CHUNKSCOPE_DEMO_DIR (default examples/data) run the same steps on a
// smaller dataset elsewhere (test/unit/demo.test.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ROWS = Number(process.env.CHUNKSCOPE_DEMO_ROWS || 1_000_000);
const SEED = 42;
const dataDir = path.resolve(root, process.env.CHUNKSCOPE_DEMO_DIR || 'examples/data');
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
  // The CLI's working directory is the project root; paths are printed relative to it.
  console.log(`\n$ node bin/chunkscope.js ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['bin/chunkscope.js', ...args], { stdio: 'inherit', cwd: root });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const inData = (name) => path.relative(root, path.join(dataDir, name));
const timings = inData('trips.timings.json');
const trace = inData('trips.trace.json');
const report = inData('trips.report.html');
const sweepJson = inData('trips.sweep.json');
const sweepPage = inData('trips.sweep.html');
const trips = inData('trips.csv');
const fare = 'examples/processors/fare-per-km.ts';
let code = cli(['run', trips, '--processor', fare, '--timings', timings, '--trace', trace, '--report', report]);
if (code === 0) {
  code = cli(['run', trips, '--processor', 'examples/processors/total-sum-of-squares.js']);
}
if (code === 0) {
  // A small sweep (a spread sample, three sizes, two measured runs each) so the demo stays quick;
  // `chunkscope sweep` without these flags measures a full grid.
  const sample = String(Math.min(50_000, ROWS));
  code = cli(
    ['sweep', trips, '--processor', fare, '--sample', sample, '--chunk-rows', '500,2000,8000', '--repeats', '2'].concat(
      ['--out', sweepJson, '--report', sweepPage],
    ),
  );
}

if (code === 0) {
  const opener = { darwin: 'open', win32: 'start ""' }[process.platform] ?? 'xdg-open';
  console.log(`\nper-chunk timings: ${rel(path.join(root, timings))}`);
  console.log(`trace:             ${rel(path.join(root, trace))}  (https://ui.perfetto.dev or chrome://tracing)`);
  console.log(`sweep page:        ${rel(path.join(root, sweepPage))}  (throughput against chunk size, the cost model)`);
  console.log(`report:            ${rel(path.join(root, report))}  (timeline, summary, diagnosis; opens offline)`);
  console.log(`\nopen the report:   ${opener} ${rel(path.join(root, report))}`);
} else {
  console.error(`\ndemo: the CLI exited with code ${code}`);
}
process.exit(code);
