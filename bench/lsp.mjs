// The language server's cost: completion and diagnostics latency (p50/p95) on an idle machine and
// while a 2-worker `chunkscope run` is going, the server's RSS, and what it costs such a run (its
// wall time while someone types in the processor against the server idle, interleaved rounds).
// Drives the built server (dist/server.js, --node-ipc) with a real LSP client. Reported, never asserted.
//
//   node scripts/build.mjs --no-tsc && node bench/lsp.mjs [--requests N] [--run-rounds N]
//
// Completion is timed after an edit (so each request parses the new version); diagnostics are
// timed from didChange to the publish of that version with the debounce set to 0 ms, so the
// figure is the analysis itself (editors add the 200 ms debounce on top).
import { fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createProtocolConnection, IPCMessageReader, IPCMessageWriter } = require('vscode-languageserver-protocol/node');

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const REQUESTS = Number(args[args.indexOf('--requests') + 1]) || 200;
const RUN_ROUNDS = Number(args[args.indexOf('--run-rounds') + 1]) || 3;
const SERVER = path.join(root, 'dist/server.js');
if (!fs.existsSync(SERVER)) throw new Error('dist/server.js is missing: run node scripts/build.mjs --no-tsc');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'chunkscope-bench-lsp-'));
const columns = ['trip_id', 'vendor', 'pickup zone', 'zip', 'distance_km', 'fare', 'tip', 'passengers', 'note'];
let csv = columns.map((c) => (c.includes(' ') ? `"${c}"` : c)).join(',') + '\n';
for (let i = 0; i < 300_000; i++)
  csv += `${i},V${i % 3},Zone ${i % 40},${String(2139 + (i % 5)).padStart(5, '0')},${(i % 90) / 3},${(2.5 + (i % 580) / 4).toFixed(2)},${i % 20},${1 + (i % 4)},ok\n`;
const data = path.join(work, 'trips.csv');
fs.writeFileSync(data, csv);

// A processor of about 200 lines: the file every keystroke re-parses.
const helpers = Array.from(
  { length: 60 },
  (_, k) =>
    `function helper${k}(row, acc) {\n  const v = Number(row.fare) * ${k + 1};\n  return acc + (v > 10 ? v : Number(row.tip));\n}\n`,
).join('');
const processorText = (k) =>
  `// @chunkscope-data ./trips.csv\n${helpers}export function processRow(row) {\n  const extra${k} = 1;\n  return { total: row.fare + row.tip, zone: row["pickup zone"], v: row.\n  };\n}\n`;
const processorFile = path.join(work, 'p.mjs');
fs.writeFileSync(processorFile, processorText(0));

// A run that keeps both workers busy while the second phase is measured.
const heavy = path.join(work, 'heavy.js');
fs.writeFileSync(
  heavy,
  'exports.processRow = (row) => { let s = 0; for (let k = 0; k < 2000; k++) s += Math.sqrt(k + Number(row.fare)); return s; };\n',
);

const child = fork(SERVER, ['--node-ipc'], {
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  env: { ...process.env, CHUNKSCOPE_LSP_DEBUG: '1', CHUNKSCOPE_LSP_DEBOUNCE_MS: '0' },
});
const conn = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
const waiting = new Map();
conn.onNotification('textDocument/publishDiagnostics', (p) => {
  const w = waiting.get(p.version);
  if (w) {
    waiting.delete(p.version);
    w();
  }
});
conn.onRequest('workspace/configuration', (p) => p.items.map(() => null));
conn.listen();
const rootUri = pathToFileURL(work).href;
await conn.sendRequest('initialize', {
  processId: process.pid,
  rootUri,
  workspaceFolders: [{ uri: rootUri, name: 'bench' }],
  capabilities: { workspace: { configuration: true } },
});
await conn.sendNotification('initialized', {});
const uri = pathToFileURL(processorFile).href;
let version = 1;
await conn.sendNotification('textDocument/didOpen', {
  textDocument: { uri, languageId: 'javascript', version, text: processorText(0) },
});
const lines = processorText(0).split('\n');
const line = lines.findIndex((l) => l.includes('v: row.'));
const position = { line, character: lines[line].indexOf('v: row.') + 'v: row.'.length };

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
};
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

async function measure(label) {
  const completion = [];
  const diagnostics = [];
  for (let k = 0; k < REQUESTS; k++) {
    version++;
    const published = new Promise((resolve) => waiting.set(version, resolve));
    const t0 = process.hrtime.bigint();
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text: processorText(k) }],
    });
    await published;
    diagnostics.push(ms(t0));
    version++;
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text: processorText(k + 1) }],
    });
    const t1 = process.hrtime.bigint();
    const items = await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position });
    completion.push(ms(t1));
    if (items.length !== columns.length) throw new Error(`completion gave ${items.length} items`);
  }
  const stats = await conn.sendRequest('chunkscope/debugStats');
  const result = {
    label,
    requests: REQUESTS,
    completionMs: { p50: quantile(completion, 0.5), p95: quantile(completion, 0.95) },
    diagnosticsMs: { p50: quantile(diagnostics, 0.5), p95: quantile(diagnostics, 0.95) },
    serverRssMiB: stats.rssBytes / 2 ** 20,
  };
  console.log(
    `${label.padEnd(28)} completion p50 ${result.completionMs.p50.toFixed(2)} ms, p95 ${result.completionMs.p95.toFixed(2)} ms; ` +
      `diagnostics p50 ${result.diagnosticsMs.p50.toFixed(2)} ms, p95 ${result.diagnosticsMs.p95.toFixed(2)} ms; RSS ${result.serverRssMiB.toFixed(0)} MiB`,
  );
  return result;
}

await measure('warm-up');
const idle = await measure('idle');
// The run goes on for the whole phase: restarted if it ends first.
let running = true;
let run;
const startRun = () => {
  run = spawn(
    process.execPath,
    [path.join(root, 'bin/chunkscope.js'), 'run', data, '--processor', heavy, '--workers', '2'],
    {
      stdio: 'ignore',
    },
  );
  run.on('exit', () => running && startRun());
};
startRun();
await new Promise((r) => setTimeout(r, 1500));
const duringRun = await measure('during a 2-worker run');
running = false;
run.kill();
await new Promise((r) => run.once('exit', r));

// What the server costs a run: the same 2-worker run, its wall time with someone typing in the
// processor (an edit, diagnostics and a completion, back to back, the whole run long) and with the
// server idle, rounds interleaved so machine drift hits both.
const timedRun = () =>
  new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [path.join(root, 'bin/chunkscope.js'), 'run', data, '--processor', heavy, '--workers', '2', '--json'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let text = '';
    p.stdout.on('data', (b) => (text += b));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`run exited ${code}`));
      resolve(JSON.parse(text).summary.wallMs);
    });
  });
async function typeWhile(done) {
  let edits = 0;
  let finished = false;
  done.then(() => (finished = true));
  while (!finished) {
    version++;
    const published = new Promise((resolve) => waiting.set(version, resolve));
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text: processorText(edits) }],
    });
    await published;
    await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position });
    edits++;
  }
  return edits;
}
const runCost = { typing: [], idle: [], edits: 0 };
for (let round = 0; round < RUN_ROUNDS; round++) {
  for (const typing of round % 2 === 0 ? [true, false] : [false, true]) {
    const done = timedRun();
    if (typing) runCost.edits += await typeWhile(done);
    runCost[typing ? 'typing' : 'idle'].push(await done);
  }
}
const medianOf = (xs) => quantile(xs, 0.5);
runCost.ratio = medianOf(runCost.typing) / medianOf(runCost.idle);
console.log(
  `a 2-worker run's wall time, median of ${RUN_ROUNDS}: ${medianOf(runCost.idle).toFixed(0)} ms with the server idle, ` +
    `${medianOf(runCost.typing).toFixed(0)} ms while typing in the processor (${runCost.edits} edits answered): ×${runCost.ratio.toFixed(3)}`,
);
await conn.sendRequest('shutdown');
await conn.sendNotification('exit');
fs.rmSync(work, { recursive: true, force: true });

const out = path.join(root, 'bench/results', `lsp-${new Date().toISOString().slice(0, 10)}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  JSON.stringify(
    {
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      processorLines: processorText(0).split('\n').length,
      debounceMs: 0,
      idle,
      duringRun,
      runCost,
    },
    null,
    1,
  ) + '\n',
);
console.log(`written ${path.relative(root, out)}`);
