#!/usr/bin/env node
// Typed rows against the columnar path, side by side: the seed's row function written as
// Number(row.x1) … Number(row.x8) over object rows of strings, the same over object rows with
// `types: 'infer'` (numbers parsed from the bytes while the chunk is parsed), and the columnar
// path (rowShape 'columns'), each through the CLI with --out and 2 workers. Rounds alternate the
// order so machine noise hits all three; every output is summed and checked against the others.
//   node bench/infer.mjs [--rows N] [--rounds N] [--workers N]   (build first: node scripts/build.mjs)
// Prints the median and best wall time of each and the ratios; the bar: infer ≤ 1.25 ×
// columnar. Writes bench/results/infer-<date>.json.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCsv } from './bench-data.mjs';
import { lastJson, measure } from './measure.mjs';
import { sumOutFile, agrees } from './reference.mjs';
import { benchOptions } from './bench-args.mjs';
import { machineInfo, writeResults } from './bench-results.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const CLI = path.join(root, 'bin/chunkscope.js');
const SEED = 42;

const opts = benchOptions(
  'node bench/infer.mjs [--rows N] [--rounds N] [--workers N] [--python 0]',
  { rows: 2_000_000, rounds: 5, workers: 2, python: 1 },
  { min: { python: 0 } },
);

const ensureData = (rows) => benchCsv(rows, { seed: SEED });

const loadAtStart = os.loadavg()[0];
if (loadAtStart > 0.5)
  console.log(`warning: load average ${loadAtStart.toFixed(2)} before the bench started; figures will be noisy`);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-infer-'));
// The string-row variant is the infer processor without its options line: the same function.
const inferProcessor = path.join(root, 'examples/processors/sum-of-squares-infer.js');
const stringProcessor = path.join(tmp, 'sum-of-squares-strings.js');
writeFileSync(
  stringProcessor,
  readFileSync(inferProcessor, 'utf8').replace(/^exports\.options = .*$/m, '// string rows: no options'),
);
const variants = [
  { name: 'object rows, strings + Number()', processor: stringProcessor },
  { name: "object rows, types: 'infer'", processor: inferProcessor },
  { name: "array rows, types: 'infer'", processor: inferProcessor, args: ['--row-shape', 'array'] },
  { name: 'columnar (rowShape columns)', processor: path.join(root, 'examples/processors/sum-of-squares-columns.js') },
];
// Array rows have no names: the same function over positions 2..9.
const arrayProcessor = path.join(tmp, 'sum-of-squares-array.js');
writeFileSync(
  arrayProcessor,
  `'use strict';\nexports.options = { types: 'infer' };\nexports.processRow = (row) => { let sum = 0; for (let i = 2; i < 10; i++) { const x = Number(row[i]); if (x === x) sum += x * x; } return sum; };\n`,
);
variants[2].processor = arrayProcessor;

// The seed's best Python design on the same file (bench/run.mjs measures all three; one process
// with csv.reader is the fastest of them on this machine), once per round, for the "× Python" ratio.
const hasPython = opts.python === 1 && spawnSync('python3', ['--version']).status === 0;
const pythonTimes = [];

try {
  const data = await ensureData(opts.rows);
  const out = path.join(tmp, 'out.ndjson');
  const times = variants.map(() => []);
  const parseMs = variants.map(() => []);
  const totals = variants.map(() => undefined);
  for (let round = 0; round < opts.rounds; round++) {
    const order = variants.map((_, k) => k);
    if (round % 2 === 1) order.reverse();
    if (hasPython) {
      const m = await measure('python3', ['bench/python/seed_designs.py', 'single', data.file], {
        cwd: root,
        timeoutMs: 600_000,
      });
      const report = m.code === 0 ? lastJson(m.stdout) : undefined;
      if (!report || report.rows !== data.rows)
        throw new Error(`python single: exit ${m.code}\n${m.stderr.slice(-2000)}`);
      pythonTimes.push(report.wallMs);
    }
    for (const k of order) {
      const v = variants[k];
      rmSync(out, { force: true });
      const args = [CLI, 'run', data.file, '--processor', v.processor, '--workers', String(opts.workers)];
      args.push(...(v.args ?? []), '--out', out, '--json');
      const m = await measure(process.execPath, args, { cwd: root, timeoutMs: 600_000 });
      const report = m.code === 0 ? lastJson(m.stdout) : undefined;
      if (!report) throw new Error(`${v.name}: exit ${m.code}\n${m.stderr.slice(-2000)}`);
      const got = await sumOutFile(out);
      if (got.rows !== data.rows) throw new Error(`${v.name}: ${got.rows} output lines, expected ${data.rows}`);
      if (totals[k] === undefined) totals[k] = got.total;
      times[k].push(report.summary.wallMs);
      parseMs[k].push(report.summary.parseMs);
    }
  }
  for (let k = 1; k < variants.length; k++)
    if (!agrees(totals[k], totals[0]))
      throw new Error(`${variants[k].name} summed to ${totals[k]}, ${variants[0].name} to ${totals[0]}`);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const columnar = variants.length - 1;
  const rows = variants.map((v, k) => ({
    design: v.name,
    medianMs: median(times[k]),
    bestMs: Math.min(...times[k]),
    medianParseMs: median(parseMs[k]),
    times: times[k],
  }));
  for (const r of rows) {
    r.vsColumnarMedian = r.medianMs / rows[columnar].medianMs;
    r.vsColumnarBest = r.bestMs / rows[columnar].bestMs;
  }
  console.log(
    `input: ${path.relative(root, data.file)}, ${data.rows.toLocaleString('en')} rows; ${opts.workers} workers, --out; ${opts.rounds} alternating rounds\n`,
  );
  console.log('design                              median s   best s   parse s (median)   × columnar (median / best)');
  for (const r of rows)
    console.log(
      `${r.design.padEnd(36)}${(r.medianMs / 1000).toFixed(3).padStart(7)}${(r.bestMs / 1000).toFixed(3).padStart(9)}${(r.medianParseMs / 1000).toFixed(3).padStart(12)}           ${r.vsColumnarMedian.toFixed(2)} / ${r.vsColumnarBest.toFixed(2)}`,
    );
  const infer = rows[1];
  const pass = infer.vsColumnarMedian <= 1.25;
  console.log(
    `\n${pass ? 'PASS' : 'MISS'}  object rows with types:'infer' ≤ 1.25 × the columnar path: ${infer.vsColumnarMedian.toFixed(2)}× (median), ${infer.vsColumnarBest.toFixed(2)}× (best); strings + Number() → infer: ${(rows[0].medianMs / infer.medianMs).toFixed(2)}× faster`,
  );
  let python;
  if (hasPython) {
    python = { design: 'python: one process, csv.reader', medianMs: median(pythonTimes), times: pythonTimes };
    python.inferFaster = python.medianMs / infer.medianMs;
    python.columnarFaster = python.medianMs / rows[columnar].medianMs;
    console.log(
      `      against the seed's best Python design (one process, csv.reader, median ${(python.medianMs / 1000).toFixed(3)} s): types:'infer' ${python.inferFaster.toFixed(2)}× faster (aim 7×), columnar ${python.columnarFaster.toFixed(2)}×`,
    );
  }
  const date = new Date().toISOString();
  writeResults(
    'infer',
    {
      date,
      machine: machineInfo(loadAtStart),
      input: { rows: data.rows, bytes: data.bytes, seed: SEED },
      ...opts,
      rows,
      python,
      pass,
    },
    { suffix: opts.rows === 2_000_000 ? '' : `-${opts.rows}rows` },
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
