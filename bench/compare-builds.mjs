#!/usr/bin/env node
// Old build against new, side by side: the default job (object rows, byte-range, --out, 2 workers)
// run alternately by the CLI of a reference commit and by this tree's, so both meet the same
// machine noise. A change meant to keep speed (a refactor) shows here whether it did.
//   node bench/compare-builds.mjs [--base REV] [--rows N] [--pairs N]
// REV defaults to the commit named in bench/baseline-rev (the last release the figures were taken
// on). It is checked out into a temporary worktree and built there (this tree's node_modules).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '../examples/generate.mjs';
import { lastJson, measure } from './measure.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const PROCESSOR = path.join(root, 'examples/processors/sum-of-squares.js');

function parseArgs(argv) {
  const opts = {
    base: readFileSync(path.join(root, 'bench/baseline-rev'), 'utf8').trim(),
    rows: 1_000_000,
    pairs: 7,
    workers: 2,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in opts)) {
      console.error('usage: node bench/compare-builds.mjs [--base REV] [--rows N] [--pairs N] [--workers N]');
      process.exit(2);
    }
    opts[key] = key === 'base' ? argv[i + 1] : Number(argv[i + 1]);
  }
  return opts;
}

/** A built checkout of `rev` in a temporary worktree; removed by the caller. */
function buildBase(rev) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-base-'));
  execFileSync('git', ['worktree', 'add', '--detach', dir, rev], { cwd: root, stdio: 'ignore' });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(process.execPath, ['scripts/build.mjs', '--no-tsc'], { cwd: dir, stdio: 'inherit' });
  return dir;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

async function runOnce(cliRoot, data, out, workers) {
  rmSync(out, { force: true });
  const args = [
    path.join(cliRoot, 'dist/cli.js'),
    'run',
    data,
    '--processor',
    PROCESSOR,
    '--workers',
    String(workers),
    '--out',
    out,
    '--json',
  ];
  const m = await measure(process.execPath, args, { cwd: cliRoot, timeoutMs: 300_000 });
  const report = m.code === 0 ? lastJson(m.stdout) : undefined;
  if (!report) throw new Error(`${cliRoot}: exit ${m.code}\n${(m.stderr || m.stdout).slice(-2000)}`);
  return report.summary;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const rev = execFileSync('git', ['rev-parse', '--short', opts.base], { cwd: root, encoding: 'utf8' }).trim();
  const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const dataDir = path.join(root, 'bench/data');
  mkdirSync(dataDir, { recursive: true });
  const data = path.join(dataDir, `compare-${opts.rows}.csv`);
  if (!existsSync(data)) await generate('bench', { rows: opts.rows, out: data, seed: 42 });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-compare-'));
  const baseDir = buildBase(opts.base);
  try {
    console.log(`machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores, Node ${process.version}`);
    console.log(
      `input: ${path.relative(root, data)} (${opts.rows.toLocaleString('en')} rows), default job, ${opts.workers} workers, --out; ${opts.pairs} alternating pairs after one warm-up each`,
    );
    const variants = [
      { name: `base ${rev}`, dir: baseDir, wall: [], rows: 0 },
      { name: `this tree (${head})`, dir: root, wall: [], rows: 0 },
    ];
    for (const v of variants) await runOnce(v.dir, data, path.join(tmp, 'out.ndjson'), opts.workers);
    for (let pair = 0; pair < opts.pairs; pair++) {
      // Alternate which goes first, so neither always gets the warmer page cache.
      const order = pair % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) {
        const s = await runOnce(v.dir, data, path.join(tmp, 'out.ndjson'), opts.workers);
        v.wall.push(s.wallMs);
        v.rows = s.rows;
      }
    }
    const [base, mine] = variants;
    if (base.rows !== mine.rows) throw new Error(`row counts differ: ${base.rows} vs ${mine.rows}`);
    const ratio = median(mine.wall) / median(base.wall);
    for (const v of variants)
      console.log(
        `  ${v.name.padEnd(24)} median ${median(v.wall).toFixed(0)} ms  (runs: ${v.wall.map((w) => w.toFixed(0)).join(', ')})`,
      );
    console.log(`  this tree / base: ${ratio.toFixed(3)} (below 1 is faster; the VM's own spread is 5–20 %)`);
    const resultsDir = path.join(root, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `compare-builds-${new Date().toISOString().slice(0, 10)}-${opts.workers}w.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version },
          input: { rows: opts.rows, workers: opts.workers, job: 'default (object rows, byte-range, --out)' },
          base: { rev, wallMs: base.wall },
          head: { rev: head, wallMs: mine.wall },
          medianRatio: ratio,
        },
        null,
        2,
      ) + '\n',
    );
    console.log(path.relative(root, file));
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', baseDir], { cwd: root, stdio: 'ignore' });
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
