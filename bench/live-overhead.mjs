#!/usr/bin/env node
// What the live report costs a run: the same default run with and without a live feed that does
// what the VS Code panel does (every chunk record appended to a list; every 100 ms the new records
// and the latest progress serialised as one message, as postMessage to a webview would).
// Runs alternate (plain, live, plain, live, …) so drift on the machine hits both alike.
//   node bench/live-overhead.mjs [--rows N] [--repeats N]      (build first: node scripts/build.mjs)
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '../examples/generate.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const { runDataset } = require(path.join(root, 'dist/engine.js'));

const args = process.argv.slice(2);
const option = (name, fallback) =>
  args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback;
const rows = option('rows', 2_000_000);
const repeats = option('repeats', 5);
const BATCH_MS = 100; // the panel's batching interval (src/extension/report-panel.ts)

const data = path.join(root, 'bench/data', rows === 2_000_000 ? 'bench-2m.csv' : `bench-${rows}.csv`);
if (!existsSync(data)) {
  mkdirSync(path.dirname(data), { recursive: true });
  await generate('bench', { rows, out: data, seed: 42 });
}
const processor = path.join(root, 'examples/processors/sum-of-squares.js');
const out = path.join(os.tmpdir(), `chunkscope-live-overhead-${process.pid}.ndjson`);

async function once(live) {
  let pending = [];
  let messages = 0;
  let messageBytes = 0;
  let progress;
  const flush = () => {
    if (pending.length === 0) return;
    const message = JSON.stringify({ type: 'chunks', records: pending, progress });
    messages++;
    messageBytes += message.length;
    pending = [];
  };
  const timer = live ? setInterval(flush, BATCH_MS) : undefined;
  try {
    const report = await runDataset(
      { data, processor, workers: 2, out },
      live ? { onChunk: (record) => pending.push(record), onProgress: (p) => (progress = p) } : {},
    );
    flush();
    return { wallMs: report.summary.wallMs, messages, messageBytes };
  } finally {
    clearInterval(timer);
  }
}

const plain = [];
const live = [];
for (let i = 0; i < repeats; i++) {
  plain.push(await once(false));
  live.push(await once(true));
}
rmSync(out, { force: true });
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const plainMs = median(plain.map((r) => r.wallMs));
const liveMs = median(live.map((r) => r.wallMs));
const result = {
  machine: `${os.cpus()[0]?.model.trim()}, ${os.availableParallelism()} cores, Node ${process.version}`,
  input: `${path.relative(root, data)} (${rows.toLocaleString('en-US')} rows), sum-of-squares.js, byte-range, 2 workers, --out`,
  repeats,
  plainMs,
  liveMs,
  slowdown: liveMs / plainMs - 1,
  messagesPerRun: live[0].messages,
  messageKiBPerRun: Math.round(live[0].messageBytes / 1024),
};
console.log(`machine: ${result.machine}\ninput:   ${result.input}; median of ${repeats}, alternating\n`);
console.log(`without live feed  ${(plainMs / 1000).toFixed(3)} s`);
console.log(
  `with live feed     ${(liveMs / 1000).toFixed(3)} s   (${result.messagesPerRun} messages, ${result.messageKiBPerRun} KiB per run)`,
);
console.log(`slowdown           ${(result.slowdown * 100).toFixed(1)} %   (bar: ≤ 3 %)`);
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(
  path.join(root, 'bench/results', `live-overhead-${new Date().toISOString().slice(0, 10)}.json`),
  JSON.stringify(result, null, 2) + '\n',
);
