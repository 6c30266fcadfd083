#!/usr/bin/env node
// What 2 threads can give on this machine for the default job's own per-row work, with no engine:
// the same work (floor-work.mjs: cut the fields, make the row objects, run sum-of-squares.js, encode
// the results) over the same rows on 1 thread, then split in halves over 2 threads. No reading,
// no scanning, no messages, no main-thread work: what Chunkscope's "2 workers ≥ 1.7× 1 worker" bar
// can be held against. Rounds alternate 1 and 2 threads so machine drift hits both; best of each.
//   node bench/thread-scaling.mjs FILE [--rows N] [--rounds N]
//   → one JSON line { rows, rounds, oneThreadMs, twoThreadsMs, scaling }
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { cutRows, defaultJobWork, rowClass } from './floor-work.mjs';

if (isMainThread) {
  const args = process.argv.slice(2);
  const file = args[0];
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const rows = option('--rows', 400_000);
  const rounds = option('--rounds', 5);
  if (!file) {
    console.error('usage: node bench/thread-scaling.mjs FILE [--rows N] [--rounds N]');
    process.exit(2);
  }
  const times = { 1: [], 2: [] };
  const outBytes = { 1: 0, 2: 0 };
  for (let round = 0; round < rounds; round++) {
    for (const threads of round % 2 === 0 ? [1, 2] : [2, 1]) {
      const r = await timeThreads(file, rows, threads);
      times[threads].push(r.ms);
      outBytes[threads] = r.outBytes;
    }
  }
  if (outBytes[1] !== outBytes[2])
    throw new Error(`1 thread wrote ${outBytes[1]} bytes, 2 threads ${outBytes[2]}: not the same work`);
  const oneThreadMs = Math.min(...times[1]);
  const twoThreadsMs = Math.min(...times[2]);
  console.log(JSON.stringify({ rows, rounds, oneThreadMs, twoThreadsMs, scaling: oneThreadMs / twoThreadsMs, times }));
} else {
  const { file, rows, from, to } = workerData;
  const require = createRequire(import.meta.url);
  const { processRow } = require('../examples/processors/sum-of-squares.js');
  const cut = cutRows(file, rows);
  if (cut.count < rows) throw new Error(`${file} has only ${cut.count} rows`);
  const Row = rowClass(cut.header);
  const ctx = { header: cut.header };
  // Warm the code before the clock starts (the engine's workers are warm after their first chunks).
  defaultJobWork(cut, Row, processRow, ctx, from, Math.min(to, from + 20_000));
  parentPort.postMessage({ ready: true });
  parentPort.once('message', () => {
    const outBytes = defaultJobWork(cut, Row, processRow, ctx, from, to);
    parentPort.postMessage({ outBytes });
  });
}

/** Starts `threads` workers on equal shares of the rows, lets them prepare, then times the work alone. */
async function timeThreads(file, rows, threads) {
  const share = Math.ceil(rows / threads);
  const workers = Array.from(
    { length: threads },
    (_, k) =>
      new Worker(new URL(import.meta.url), {
        workerData: { file, rows, from: k * share, to: Math.min(rows, (k + 1) * share) },
      }),
  );
  const next = (w) =>
    new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  try {
    await Promise.all(workers.map(next));
    const done = workers.map(next);
    const start = performance.now();
    for (const w of workers) w.postMessage('go');
    const results = await Promise.all(done);
    const ms = performance.now() - start;
    return { ms, outBytes: results.reduce((n, r) => n + r.outBytes, 0) };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
