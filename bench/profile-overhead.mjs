#!/usr/bin/env node
// What --profile costs a run: the default job (sum-of-squares.js, byte-range, default chunk size,
// --out) through the CLI with and without --profile at the default sampling interval, each run
// in its own child process. Runs alternate (plain, profiled, plain, …) so drift on the machine
// hits both alike; the table shows the medians and the throughput ratio (bar: ≥ 0.90).
//   node bench/profile-overhead.mjs [--rows N] [--repeats N] [--workers N]   (build first: node scripts/build.mjs)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '../examples/generate.mjs';
import { lastJson, measure } from './measure.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const option = (name, fallback) => {
  if (!args.includes(`--${name}`)) return fallback;
  const value = Number(args[args.indexOf(`--${name}`) + 1]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(
      `--${name} needs a whole number ≥ 1\nusage: node bench/profile-overhead.mjs [--rows N] [--repeats N] [--workers N]`,
    );
    process.exit(2);
  }
  return value;
};
// ~50 MB: long enough for a steady state, short enough to run in about a minute.
const rows = option('rows', 500_000);
const repeats = option('repeats', 7);
const workers = option('workers', Math.min(2, os.availableParallelism()));
const BAR = 0.9;

const data = path.join(root, 'bench/data', `bench-${rows}.csv`);
if (!existsSync(data)) {
  mkdirSync(path.dirname(data), { recursive: true });
  process.stdout.write(`generating ${path.relative(root, data)}… `);
  await generate('bench', { rows, out: data, seed: 42 });
  console.log('done');
}
const processor = path.join(root, 'examples/processors/sum-of-squares.js');
const cli = path.join(root, 'bin/chunkscope.js');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-profile-bench-'));

async function once(profiled, i) {
  const out = path.join(scratch, `out-${i}.ndjson`);
  const profileDir = path.join(scratch, `profiles-${i}`);
  const runArgs = [cli, 'run', data, '--processor', processor, '--workers', String(workers), '--out', out, '--json'];
  if (profiled) runArgs.push('--profile', '--profile-dir', profileDir);
  const m = await measure(process.execPath, runArgs, { cwd: root, timeoutMs: 300_000 });
  const report = m.code === 0 ? lastJson(m.stdout) : undefined;
  if (!report)
    throw new Error(
      `${profiled ? 'profiled' : 'plain'} run failed (exit ${m.code}):\n${(m.stderr || m.stdout).slice(-2000)}`,
    );
  const profileBytes = profiled
    ? readdirSync(profileDir).reduce((n, f) => n + statSync(path.join(profileDir, f)).size, 0)
    : 0;
  rmSync(out, { force: true });
  rmSync(profileDir, { recursive: true, force: true });
  return {
    wallMs: report.summary.wallMs,
    rowsPerSecond: report.summary.rowsPerSecond,
    profiles: report.profiles?.length ?? 0,
    profileBytes,
  };
}

const plain = [];
const profiled = [];
try {
  for (let i = 0; i < repeats; i++) {
    plain.push(await once(false, i));
    profiled.push(await once(true, i));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const plainRate = median(plain.map((r) => r.rowsPerSecond));
const profiledRate = median(profiled.map((r) => r.rowsPerSecond));
const result = {
  machine: `${os.cpus()[0]?.model.trim()}, ${os.availableParallelism()} cores, Node ${process.version}`,
  input: `${path.relative(root, data)} (${rows.toLocaleString('en-US')} rows, ${(statSync(data).size / 1e6).toFixed(0)} MB), sum-of-squares.js, byte-range, ${workers} workers, --out`,
  repeats,
  plain: { wallMs: median(plain.map((r) => r.wallMs)), rowsPerSecond: plainRate },
  profiled: {
    wallMs: median(profiled.map((r) => r.wallMs)),
    rowsPerSecond: profiledRate,
    files: profiled[0].profiles,
    kib: Math.round(median(profiled.map((r) => r.profileBytes)) / 1024),
  },
  throughputRatio: profiledRate / plainRate,
  bar: BAR,
};
const row = (label, r, extra = '') =>
  `${label.padEnd(20)}${(r.wallMs / 1000).toFixed(3).padStart(8)}  ${Math.round(r.rowsPerSecond).toLocaleString('en-US').padStart(11)}${extra}`;
console.log(`machine: ${result.machine}\ninput:   ${result.input}; median of ${repeats}, alternating\n`);
console.log(`${'run'.padEnd(20)}${'wall s'.padStart(8)}  ${'rows/s'.padStart(11)}`);
console.log(row('without --profile', result.plain));
console.log(
  row('with --profile', result.profiled, `   (${result.profiled.files} .cpuprofile files, ${result.profiled.kib} KiB)`),
);
console.log(
  `each run, wall s      plain ${plain.map((r) => (r.wallMs / 1000).toFixed(2)).join(' ')} | profiled ${profiled.map((r) => (r.wallMs / 1000).toFixed(2)).join(' ')}`,
);
console.log(
  `throughput ratio    ${result.throughputRatio.toFixed(3)}   (bar: ≥ ${BAR}${result.throughputRatio >= BAR ? ', met' : ', MISSED'})`,
);
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(
  path.join(root, 'bench/results', `profile-overhead-${new Date().toISOString().slice(0, 10)}.json`),
  JSON.stringify(result, null, 2) + '\n',
);
