#!/usr/bin/env node
// The cluster path (BullMQ on Redis) against the local thread pool, side by side in one run, on
// this machine: a real redis-server on a loopback port and `chunkscope worker` processes (one
// thread each) standing in for machines.
//   - added cost per chunk: one worker process × 1 thread against --workers 1, fixed chunk sizes;
//     ms per chunk from the processing phases, Redis commands per chunk from INFO commandstats;
//     and the chunk size where that cost falls under 3 % of the worker time of a chunk;
//   - throughput with 1, 2 and 4 worker processes against the local pool with the same threads;
//   - recovery after a SIGKILL: from the kill to the re-delivered chunk being taken again.
// Real multi-machine scaling cannot be measured here: every "machine" shares this box's cores
// with Redis and the coordinator, so past the core count the figures show coordination cost, not
// speed-up. The results file says so. Speed is never asserted in tests; this is the only place.
//   node bench/cluster.mjs [--rows N] [--rounds N]    (build first: node scripts/build.mjs)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCsv } from './bench-data.mjs';
import { lastJson, measure } from './measure.mjs';
import { machineInfo, round3, writeResults } from './bench-results.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const CLI = path.join(root, 'bin/chunkscope.js');
const PROCESSOR = path.join(root, 'examples/processors/sum-of-squares.js');
const REDIS_SERVER = process.env.CHUNKSCOPE_REDIS_SERVER || '/usr/bin/redis-server';
const NOTE =
  'All on one machine: the worker processes, Redis and the coordinator share its cores, so these figures are the cost of the cluster path and its scaling up to the core count, not multi-machine scaling, which cannot be measured on one machine.';

const opts = { rows: 200_000, rounds: 1 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  const value = Number(argv[i + 1]);
  if (!(key in opts) || !(value >= 1)) {
    console.error('usage: node bench/cluster.mjs [--rows N] [--rounds N]');
    process.exit(2);
  }
  opts[key] = value;
}

spawnSync(process.execPath, [path.join(root, 'scripts/redis.mjs')], { stdio: 'inherit' });
const { default: IORedis } = await import('ioredis');

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

const loadAtStart = os.loadavg()[0];
if (loadAtStart > 0.5)
  console.log(`warning: load average ${loadAtStart.toFixed(2)} before the bench started; figures will be noisy`);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-bench-cluster-'));
const children = new Set();
const startChild = (args, env) => {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (log += d));
  children.add(child);
  child.on('exit', () => children.delete(child));
  return { child, log: () => log };
};
const stopChild = async (c, signal = 'SIGTERM') => {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  const exited = new Promise((r) => c.child.once('exit', r));
  c.child.kill(signal);
  await exited;
};

const port = await freePort();
const url = `redis://127.0.0.1:${port}`;
const redisProc = spawn(
  REDIS_SERVER,
  ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp],
  {
    stdio: 'ignore',
  },
);
const redis = new IORedis(port, '127.0.0.1', { maxRetriesPerRequest: null });
redis.on('error', () => undefined);

async function startWorkers(n, queue, extra = []) {
  const workers = [];
  for (let i = 1; i <= n; i++)
    workers.push(
      startChild(['worker', '--redis', url, '--threads', '1', '--name', `b${i}`, '--queue', queue, ...extra]),
    );
  for (const w of workers)
    for (let t = 0; !w.log().includes('ready'); t++) {
      if (t > 400) throw new Error(`worker did not start:\n${w.log()}`);
      await sleep(50);
    }
  return workers;
}

/** Commands Redis ran (INFO commandstats counts those inside BullMQ's Lua scripts too) and script calls. */
async function commandCalls() {
  const info = await redis.info('commandstats');
  let calls = 0;
  let scripts = 0;
  for (const m of info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) {
    calls += Number(m[2]);
    if (m[1] === 'evalsha' || m[1] === 'eval') scripts += Number(m[2]);
  }
  return { calls, scripts, at: Date.now() };
}

/** Commands per second while the workers wait for work (heartbeats, blocking waits, stall checks). */
async function idleRate() {
  const a = await commandCalls();
  await sleep(2000);
  const b = await commandCalls();
  const s = (b.at - a.at) / 1000;
  return { calls: (b.calls - a.calls - 1) / s, scripts: (b.scripts - a.scripts) / s };
}

async function run(data, args) {
  const r = await measure(process.execPath, [CLI, 'run', data, '--processor', PROCESSOR, '--json', ...args], {
    timeoutMs: 600_000,
  });
  const json = lastJson(r.stdout);
  if (r.code !== 0 || !json) throw new Error(`run failed (${r.code}): ${r.stderr}`);
  return json.summary;
}

try {
  await redis.ping();
  const data = await benchCsv(opts.rows, { onGenerate: (f) => console.log(`generating ${f}`) });
  const sizes = [64 << 10, 256 << 10, 1 << 20];
  const overhead = [];
  let idle;
  {
    const q = 'bench1';
    const workers = await startWorkers(1, q);
    idle = await idleRate();
    for (const bytes of sizes) {
      const local = [];
      const remote = [];
      const commands = [];
      const scripts = [];
      for (let round = 0; round < opts.rounds; round++) {
        local.push(await run(data.file, ['--workers', '1', '--chunk-bytes', String(bytes), '--chunk', 'fixed']));
        const before = await commandCalls();
        remote.push(
          await run(data.file, ['--cluster', url, '--queue', q, '--chunk-bytes', String(bytes), '--chunk', 'fixed']),
        );
        const after = await commandCalls();
        // Less what the idle worker would have sent meanwhile.
        const seconds = (after.at - before.at) / 1000;
        const n = remote.at(-1).chunks;
        commands.push((after.calls - before.calls - 1 - idle.calls * seconds) / n);
        scripts.push((after.scripts - before.scripts - idle.scripts * seconds) / n);
      }
      const chunks = remote[0].chunks;
      const addedMsPerChunk = median(remote.map((s, i) => (s.processingMs - local[i].processingMs) / chunks));
      const workMsPerChunk = median(local.map((s) => (s.readMs + s.parseMs + s.computeMs) / s.chunks));
      const share = addedMsPerChunk / workMsPerChunk;
      overhead.push({
        chunkBytes: bytes,
        chunks,
        localProcessingMs: median(local.map((s) => s.processingMs)),
        clusterProcessingMs: median(remote.map((s) => s.processingMs)),
        addedMsPerChunk,
        workMsPerChunk,
        overheadShare: share,
        redisCommandsPerChunk: median(commands),
        redisScriptCallsPerChunk: median(scripts),
        // Overhead is about fixed per chunk, work grows with bytes: where it would be 3 %.
        breakEvenBytes: Math.round((bytes * Math.max(0, share)) / 0.03),
      });
      console.log(
        `chunk ${(bytes / 1024).toFixed(0).padStart(5)} KiB: +${addedMsPerChunk.toFixed(2)} ms/chunk over the local pool (work ${workMsPerChunk.toFixed(2)} ms/chunk, ${(share * 100).toFixed(1)} %), ${median(commands).toFixed(1)} Redis commands/chunk (${median(scripts).toFixed(1)} of them Lua script calls, which count the commands inside them too)`,
      );
    }
    for (const w of workers) await stopChild(w);
  }
  // From the smallest chunks: the most of them, so the fixed cost stands out of the noise most.
  const breakEvenBytes = overhead[0].breakEvenBytes;
  console.log(`overhead under 3 % of worker time from about ${(breakEvenBytes / (1 << 20)).toFixed(2)} MiB chunks`);

  const scaling = [];
  for (const n of [1, 2, 4]) {
    const q = `scale${n}`;
    const workers = await startWorkers(n, q);
    const local = [];
    const remote = [];
    for (let round = 0; round < opts.rounds; round++) {
      local.push(await run(data.file, ['--workers', String(n), '--chunk-bytes', String(1 << 20), '--chunk', 'fixed']));
      remote.push(
        await run(data.file, [
          '--cluster',
          url,
          '--queue',
          q,
          '--min-workers',
          String(n),
          '--chunk-bytes',
          String(1 << 20),
          '--chunk',
          'fixed',
        ]),
      );
    }
    const rps = (xs) => median(xs.map((s) => s.rowsPerSecond));
    scaling.push({
      threads: n,
      localRowsPerSecond: rps(local),
      clusterRowsPerSecond: rps(remote),
      ratio: rps(remote) / rps(local),
    });
    console.log(
      `${n} thread${n === 1 ? ' ' : 's'}: local ${Math.round(rps(local)).toLocaleString('en')} rows/s, cluster (${n} worker process${n === 1 ? '' : 'es'}) ${Math.round(rps(remote)).toLocaleString('en')} rows/s (${(rps(remote) / rps(local)).toFixed(2)}×)`,
    );
    for (const w of workers) await stopChild(w);
  }

  // Recovery: short locks (2 s, stall checks every 0.5 s), a processor that sleeps 5 ms a row.
  const lockMs = 2000;
  const stalledMs = 500;
  const slow = path.join(tmp, 'slow.js');
  writeFileSync(
    slow,
    'const c = new Int32Array(new SharedArrayBuffer(4));\nexports.processRow = (row) => { Atomics.wait(c, 0, 0, 5); return 1; };\n',
  );
  let csv = 'id,v\n';
  for (let i = 0; i < 2000; i++) csv += `${i},${i}\n`;
  const small = path.join(tmp, 'small.csv');
  writeFileSync(small, csv);
  const recovery = [];
  for (let round = 0; round < opts.rounds; round++) {
    const q = `recover${round}`;
    const workers = await startWorkers(2, q, ['--lock-ms', String(lockMs), '--stalled-ms', String(stalledMs)]);
    const timings = path.join(tmp, `recover-${round}.json`);
    const coordinator = measure(
      process.execPath,
      [
        CLI,
        'run',
        small,
        '--processor',
        slow,
        '--cluster',
        url,
        '--queue',
        q,
        '--min-workers',
        '2',
        '--chunk-bytes',
        '2048',
        '--chunk',
        'fixed',
        '--timings',
        timings,
        '--json',
      ],
      { timeoutMs: 120_000 },
    );
    let victim;
    for (let t = 0; !victim && t < 400; t++) {
      for (const id of await redis.lrange(`bull:${q}:active`, 0, -1)) {
        if (!/-c([3-9]|\d\d)$/.test(id)) continue;
        const by = await redis.hget(`bull:${q}:${id}`, 'pb');
        if (by) victim = { id, by };
      }
      if (!victim) await sleep(20);
    }
    if (!victim) throw new Error('no chunk in flight to kill');
    const killedAt = Date.now();
    workers[Number(victim.by.slice(1)) - 1].child.kill('SIGKILL');
    const r = await coordinator;
    if (r.code !== 0) throw new Error(`recovery run failed: ${r.stderr}`);
    const report = JSON.parse(readFileSync(timings, 'utf8'));
    const moved = report.chunks.filter((c) => (c.attempts ?? 1) > 1);
    const first = Math.min(...moved.map((c) => c.pickedAt + report.summary.startedAtEpochMs));
    recovery.push({ lockMs, stalledIntervalMs: stalledMs, redelivered: moved.length, recoveryMs: first - killedAt });
    console.log(
      `SIGKILL → chunk taken again after ${(first - killedAt).toFixed(0)} ms (lock ${lockMs} ms, stall check every ${stalledMs} ms; ${moved.length} chunks re-delivered)`,
    );
    for (const w of workers) await stopChild(w, 'SIGKILL');
  }
  console.log(NOTE);

  writeResults(
    'cluster',
    {
      date: new Date().toISOString().slice(0, 10),
      note: NOTE,
      machine: machineInfo(loadAtStart),
      input: { rows: data.rows, bytes: data.bytes },
      rounds: opts.rounds,
      overhead,
      breakEvenBytes,
      idleCommandsPerSecond: idle,
      scaling,
      recovery,
    },
    { replacer: round3 },
  );
} finally {
  for (const c of children) c.kill('SIGKILL');
  redis.disconnect();
  redisProc.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
}
