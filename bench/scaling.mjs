#!/usr/bin/env node
// The second core, side by side: the default job (object rows, byte-range, --out,
// examples/processors/sum-of-squares.js) at 1 and 2 workers, and the same per-row work with no
// engine (bench/thread-scaling.mjs) on 1 and 2 threads, interleaved round by round so machine noise
// hits all four. Prints the 2-worker scaling ratio (engine over no-engine, bar ≥ 0.9), and each
// stage's worker time at 1 and 2 workers (which stage a second worker
// slows). The bar is the median over rounds of each round's engine scaling over that round's
// no-engine scaling (paired: same minutes, same machine state); best-of-each is printed beside it.
// Writes bench/results/scaling-<date>.json.
//   node bench/scaling.mjs [--rows N] [--rounds N] [--ref-rows N] [--base DIR]   (build first: node scripts/build.mjs)
// --base DIR: also run the default job with another built checkout's CLI (DIR/bin/chunkscope.js)
// in every round, for a before/after in the same run.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCsv } from './bench-data.mjs';
import { lastJson, measure } from './measure.mjs';
import { sumOutFile } from './reference.mjs';
import { benchOptions } from './bench-args.mjs';
import { machineInfo, round3, writeResults } from './bench-results.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const CLI = path.join(root, 'bin/chunkscope.js');
const PROCESSOR = path.join(root, 'examples/processors/sum-of-squares.js');
const SEED = 42;

const opts = benchOptions(
  'node bench/scaling.mjs [--rows N] [--rounds N] [--ref-rows N] [--base DIR]',
  { rows: 1_000_000, rounds: 5, 'ref-rows': 400_000, base: undefined },
  { dirs: { base: (dir) => existsSync(path.join(dir, 'bin/chunkscope.js')) } },
);

const ensureData = (rows) => benchCsv(rows, { seed: SEED });

const loadAtStart = os.loadavg()[0];
if (loadAtStart > 0.5)
  console.log(`warning: load average ${loadAtStart.toFixed(2)} before the bench started; figures will be noisy`);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-scaling-'));
try {
  const data = await ensureData(opts.rows);
  const refRows = Math.min(opts['ref-rows'], opts.rows);
  const out = path.join(tmp, 'out.ndjson');
  const engine = { 1: [], 2: [] };
  const baseEngine = { 1: [], 2: [] };
  const reference = { 1: [], 2: [] };
  const engineRun = async (workers, base = false) => {
    rmSync(out, { force: true });
    const args = [
      base ? path.join(opts.base, 'bin/chunkscope.js') : CLI,
      'run',
      data.file,
      '--processor',
      PROCESSOR,
      '--workers',
      String(workers),
      '--out',
      out,
      '--json',
    ];
    const m = await measure(process.execPath, args, { cwd: root, timeoutMs: 600_000 });
    const report = m.code === 0 ? lastJson(m.stdout) : undefined;
    if (!report) throw new Error(`default job, ${workers} workers: exit ${m.code}\n${m.stderr.slice(-2000)}`);
    const got = await sumOutFile(out);
    if (got.rows !== data.rows) throw new Error(`${workers} workers wrote ${got.rows} lines, expected ${data.rows}`);
    const s = report.summary;
    (base ? baseEngine : engine)[workers].push({
      wallMs: s.wallMs,
      processingMs: s.processingMs,
      readMs: s.readMs,
      parseMs: s.parseMs,
      computeMs: s.computeMs,
      encodeMs: s.encodeMs,
      idleShare: s.idleShare,
      chunks: s.chunks,
      total: got.total,
    });
  };
  const referenceRun = async () => {
    const args = ['bench/thread-scaling.mjs', data.file, '--rows', String(refRows), '--rounds', '1'];
    const m = await measure(process.execPath, args, { cwd: root, timeoutMs: 600_000 });
    const report = m.code === 0 ? lastJson(m.stdout) : undefined;
    if (!report) throw new Error(`thread-scaling: exit ${m.code}\n${m.stderr.slice(-2000)}`);
    reference[1].push(report.oneThreadMs);
    reference[2].push(report.twoThreadsMs);
  };
  for (let round = 0; round < opts.rounds; round++) {
    const steps = [() => engineRun(1), () => engineRun(2), referenceRun];
    if (opts.base)
      steps.push(
        () => engineRun(1, true),
        () => engineRun(2, true),
      );
    if (round % 2 === 1) steps.reverse();
    for (const step of steps) await step();
    process.stdout.write(`round ${round + 1}/${opts.rounds} done\r`);
  }
  const totals = [...engine[1], ...engine[2], ...baseEngine[1], ...baseEngine[2]].map((r) => r.total);
  if (totals.some((t) => Math.abs(t - totals[0]) > 1e-9 * Math.abs(totals[0])))
    throw new Error(`runs disagree on the output's total: ${totals.join(', ')}`);
  const best = (runs, key) => Math.min(...runs.map((r) => (typeof r === 'number' ? r : r[key])));
  const median = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const engineScaling = best(engine[1], 'wallMs') / best(engine[2], 'wallMs');
  const processingScaling = best(engine[1], 'processingMs') / best(engine[2], 'processingMs');
  const referenceScaling = best(reference[1]) / best(reference[2]);
  const ratio = engineScaling / referenceScaling;
  const baseScaling = opts.base ? best(baseEngine[1], 'wallMs') / best(baseEngine[2], 'wallMs') : undefined;
  const baseProcessingScaling = opts.base
    ? best(baseEngine[1], 'processingMs') / best(baseEngine[2], 'processingMs')
    : undefined;
  // Per-round scalings (same round, so the same machine state): the bar is judged on their paired
  // ratios. Best-of-each across rounds leans against the engine on this noisy VM: a reference
  // measurement is ~0.2 s of threads and often lands in a quiet moment, an engine run is ~0.8 s
  // and rarely does, so the reference's best 2-thread time is the luckier outlier.
  const roundScaling = engine[1].map((r, k) => r.wallMs / engine[2][k].wallMs);
  const roundReference = reference[1].map((t, k) => t / reference[2][k]);
  const roundRatio = roundScaling.map((x, k) => x / roundReference[k]);
  const pairedRatio = median(roundRatio);
  const roundProcessingRatio = engine[1].map((r, k) => r.processingMs / engine[2][k].processingMs / roundReference[k]);
  const baseRoundRatio = opts.base
    ? baseEngine[1].map((r, k) => r.wallMs / baseEngine[2][k].wallMs / roundReference[k])
    : undefined;
  // Worker time per stage (summed over workers, medians): what a second worker makes dearer.
  const stages = ['readMs', 'parseMs', 'computeMs', 'encodeMs'];
  const stageMs = Object.fromEntries(
    [1, 2].map((w) => [w, Object.fromEntries(stages.map((k) => [k, median(engine[w].map((r) => r[k]))]))]),
  );
  console.log(
    `input: ${path.relative(root, data.file)}, ${data.rows.toLocaleString('en')} rows (reference: first ${refRows.toLocaleString('en')}); ${opts.rounds} interleaved rounds, best of each`,
  );
  console.log(
    `machine: ${os.cpus()[0]?.model}, ${os.cpus().length} cores, Node ${process.version}, load ${os.loadavg()[0].toFixed(2)}\n`,
  );
  console.log('                          1 worker/thread   2 workers/threads   scaling');
  const line = (name, a, b) =>
    console.log(
      `${name.padEnd(26)}${a.toFixed(0).padStart(10)} ms${b.toFixed(0).padStart(16)} ms${(a / b).toFixed(2).padStart(12)}×`,
    );
  line('engine wall', best(engine[1], 'wallMs'), best(engine[2], 'wallMs'));
  line('engine processing phase', best(engine[1], 'processingMs'), best(engine[2], 'processingMs'));
  line('no engine (thread-scaling)', best(reference[1]), best(reference[2]));
  if (opts.base) {
    line('base build: engine wall', best(baseEngine[1], 'wallMs'), best(baseEngine[2], 'wallMs'));
    line('base build: processing', best(baseEngine[1], 'processingMs'), best(baseEngine[2], 'processingMs'));
    console.log(
      `this build against the base, 2 workers, best wall: ${(best(baseEngine[2], 'wallMs') / best(engine[2], 'wallMs')).toFixed(3)}× faster; per round ${baseEngine[2].map((r, k) => (r.wallMs / engine[2][k].wallMs).toFixed(2)).join(' ')}`,
    );
  }
  console.log('\nworker time per stage (all workers, median ms): 1 worker → 2 workers');
  for (const k of stages)
    console.log(
      `  ${k.replace('Ms', '').padEnd(8)} ${stageMs[1][k].toFixed(0).padStart(6)} → ${stageMs[2][k].toFixed(0).padStart(6)}  (×${(stageMs[2][k] / stageMs[1][k]).toFixed(2)})`,
    );
  console.log(
    `\nper round: engine ${roundScaling.map((x) => x.toFixed(2)).join(' ')}; no engine ${roundReference.map((x) => x.toFixed(2)).join(' ')}; ratio ${roundRatio.map((x) => x.toFixed(2)).join(' ')}`,
  );
  // When the threads with no engine did not get near 2× either, the machine did not have a second
  // core to give (other work on it): the ratio then says nothing, and the bar is void, not passed.
  const pass = median(roundReference) >= 1.5 ? pairedRatio >= 0.9 : undefined;
  console.log(
    `\n${pass === undefined ? 'VOID' : pass ? 'PASS' : 'MISS'}  2-worker scaling against the no-engine threads, paired in each round: median ratio ${pairedRatio.toFixed(2)} (bar ≥ 0.9); processing phase ${median(roundProcessingRatio).toFixed(2)}` +
      (baseRoundRatio ? `; base build ${median(baseRoundRatio).toFixed(2)}` : ''),
  );
  console.log(
    `      best of each over the rounds: engine ${engineScaling.toFixed(2)}×, no-engine ${referenceScaling.toFixed(2)}×, ratio ${ratio.toFixed(2)}; processing phase (pool start-up excluded, as the no-engine threads' start is) ${processingScaling.toFixed(2)}×, ratio ${(processingScaling / referenceScaling).toFixed(2)}` +
      (opts.base
        ? `; base build: wall ${baseScaling.toFixed(2)}× (ratio ${(baseScaling / referenceScaling).toFixed(2)}), processing ${baseProcessingScaling.toFixed(2)}× (ratio ${(baseProcessingScaling / referenceScaling).toFixed(2)})`
        : ''),
  );
  writeResults(
    'scaling',
    {
      date: new Date().toISOString(),
      machine: machineInfo(loadAtStart),
      input: { rows: data.rows, bytes: data.bytes, seed: SEED, referenceRows: refRows },
      rounds: opts.rounds,
      engineScaling,
      processingScaling,
      base: opts.base
        ? { dir: opts.base, engineScaling: baseScaling, processingScaling: baseProcessingScaling }
        : undefined,
      referenceScaling,
      ratio,
      pairedRatio,
      pairedProcessingRatio: median(roundProcessingRatio),
      basePairedRatio: baseRoundRatio ? median(baseRoundRatio) : undefined,
      pass,
      roundScaling,
      roundReference,
      roundRatio,
      stageMs,
      engine,
      baseEngine: opts.base ? baseEngine : undefined,
      reference,
    },
    { suffix: opts.rows === 1_000_000 ? '' : `-${opts.rows}rows`, replacer: round3 },
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
