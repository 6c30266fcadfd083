// Cluster runs (BullMQ on a real redis-server) against local runs: the same output bytes, the same
// combine value, the same located errors; and every fault of issue 15: a worker SIGKILLed, paused
// past its lock, SIGTERMed while busy, joining mid-run; Redis connections dropped; a thread out of
// memory; the coordinator killed; no worker at all; a worker that sees another file or processor.
// Machines are separate `chunkscope worker` processes on this machine.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runDataset, toChromeTrace, type ChunkRecord, type RunOptions, type RunReport } from '../src/engine';
import { clusterDispatcher } from '../src/cluster';
import { ROOT, TempDir, rejection, writeProcessor } from './helpers';
import { BIN, FAST_LOCKS, Procs, RedisServer, waitFor } from './cluster/harness';

/** A processor that sleeps `ms` per row (Atomics.wait: predictable, and it leaves the cores alone). */
const sleepy = (ms: number) =>
  `const cell = new Int32Array(new SharedArrayBuffer(4));\n` +
  `exports.processRow = (row) => { Atomics.wait(cell, 0, 0, ${ms}); return { id: row.id, v: Number(row.v) * 2 }; };\n`;
const FAST = `exports.processRow = (row) => ({ id: row.id, v: Number(row.v) * 2 });\n`;

describe('cluster (BullMQ on redis-server)', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let tmp: TempDir;
  const procs = new Procs();
  let csv: string;
  let jsonl: string;
  let small: string;
  let identity: string;
  let sum: string;

  before(async function () {
    if (!RedisServer.available()) {
      // CI installs it (scripts/redis.mjs, run by npm test); elsewhere the suite says why it skipped.
      if (process.env.CI) throw new Error('redis-server is missing: node scripts/redis.mjs installs it');
      this.skip();
    }
    assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'cli.js')), 'dist/cli.js must be built (node scripts/build.mjs)');
    redis = await RedisServer.start();
    tmp = new TempDir('chunkscope-cluster-');
    // Quoted fields with newlines everywhere, so byte ranges often start inside one (repairs).
    let s = 'id,text,v\n';
    for (let i = 0; i < 3000; i++) s += `${i},"${i % 3 === 0 ? `two\nlines, ${i}` : `one "" line ${i}`}",${i * 3}\n`;
    csv = tmp.write('quoted.csv', s);
    let j = '';
    for (let i = 0; i < 2000; i++) j += JSON.stringify({ id: i, name: `n${i}`, tags: [i % 5, 'x'], v: i * 1.5 }) + '\n';
    jsonl = tmp.write('rows.jsonl', j);
    let t = 'id,v\n';
    for (let i = 0; i < 60; i++) t += `${i},${i * 7}\n`;
    small = tmp.write('small.csv', t);
    identity = writeProcessor(tmp, 'identity.js', 'exports.processRow = (row) => row;\n');
    sum = writeProcessor(
      tmp,
      'sum.js',
      'exports.processRow = (row) => Number(row.v);\nexports.combine = (a, b) => a + b;\nexports.initial = 0;\n',
    );
  });

  afterEach(() => procs.stopAll());
  after(async () => {
    await procs.stopAll();
    await redis?.stop();
    tmp?.dispose();
  });

  const cluster = (queue: string, extra: { minWorkers?: number; wait?: number } = {}) =>
    clusterDispatcher({ url: redis.url, queue, minWorkers: extra.minWorkers, waitWorkersSeconds: extra.wait ?? 15 });

  async function both(
    options: RunOptions,
    queue: string,
  ): Promise<{ local: RunReport; remote: RunReport; a: Buffer; b: Buffer }> {
    const outA = tmp.path('local.out');
    const outB = tmp.path('cluster.out');
    const local = await runDataset({ ...options, out: options.out && outA, workers: 2 });
    const remote = await runDataset(
      { ...options, out: options.out && outB },
      { dispatcher: cluster(queue, { minWorkers: 3 }) },
    );
    return {
      local,
      remote,
      a: options.out ? fs.readFileSync(outA) : Buffer.alloc(0),
      b: options.out ? fs.readFileSync(outB) : Buffer.alloc(0),
    };
  }

  /** The run id of the cluster run that is starting now (its config key appears). */
  async function newRun(before: Set<string>): Promise<string> {
    return waitFor('the run to write its config', async () => {
      for (const key of await redis.keys('cs:{*}:config')) {
        const run = /^cs:\{([0-9a-f]+)\}:/.exec(key)![1];
        if (!before.has(run)) return run;
      }
      return undefined;
    });
  }
  const runsNow = async () =>
    new Set((await redis.keys('cs:{*}:config')).map((k) => /^cs:\{([0-9a-f]+)\}:/.exec(k)![1]));

  /** The worker (its --name) holding a chunk job of `run` right now, and that job's id. */
  async function holder(queue: string, run: string, minChunk = 0): Promise<{ job: string; worker: string }> {
    return waitFor(`a chunk of run ${run} to be active`, async () => {
      for (const id of await redis.client.lrange(`bull:${queue}:active`, 0, -1)) {
        const m = new RegExp(`^${run}-c(\\d+)$`).exec(id);
        if (!m || Number(m[1]) < minChunk) continue;
        const worker = await redis.client.hget(`bull:${queue}:${id}`, 'pb');
        if (worker) return { job: id, worker };
      }
      return undefined;
    });
  }

  const chunkOf = (job: string) => Number(/-c(\d+)$/.exec(job)![1]);
  const indices = (records: ChunkRecord[]) => records.map((r) => r.index);
  const assertEveryChunkOnce = (records: ChunkRecord[]) =>
    assert.deepEqual(
      indices(records),
      records.map((_, i) => i),
    );

  async function assertRunGone(run: string): Promise<void> {
    await waitFor(
      `run ${run}'s keys and jobs to be gone`,
      async () => {
        const left = [...(await redis.keys(`cs:{${run}}:*`)), ...(await redis.keys(`bull:*:${run}-*`))];
        return left.length === 0 ? true : undefined;
      },
      10_000,
    );
  }

  describe('three workers on one queue', () => {
    const Q = 'trio';
    // The trio lives for this block (the suite's afterEach stops only per-test processes).
    const trio = new Procs();
    before(async () => {
      await Promise.all(['m1', 'm2', 'm3'].map((n) => trio.worker(redis.url, n, ['--queue', Q])));
    });
    after(() => trio.stopAll());

    it('CSV with quoted newlines at chunk edges: byte-identical --out, every chunk once, nodes named, no keys left', async () => {
      const before = await runsNow();
      const { local, remote, a, b } = await both(
        { data: csv, processor: identity, out: 'x', chunkBytes: 2048, chunking: 'fixed' },
        Q,
      );
      assert.ok(a.length > 0);
      assert.ok(a.equals(b), 'cluster output is byte-identical to the local run');
      assert.ok(remote.summary.repairedChunks > 0, 'some byte ranges started inside a quoted field');
      assert.equal(remote.summary.rows, local.summary.rows);
      assert.equal(remote.summary.chunks, local.summary.chunks);
      assertEveryChunkOnce(remote.chunks);
      const nodes = new Set(remote.chunks.map((r) => r.node));
      assert.ok(
        [...nodes].every((n) => ['m1', 'm2', 'm3'].includes(n!)),
        [...nodes].join(),
      );
      for (const r of remote.chunks) {
        assert.equal(typeof r.thread, 'number');
        assert.equal(r.attempts, 1);
        assert.ok(r.clockErrorMs! >= 0);
        assert.ok(r.pickedAt! <= r.startedAt + r.clockErrorMs! + 1, 'picked before it started');
      }
      assert.equal(remote.summary.workers, 3, 'the window is sized by the threads registered');
      const summaryNodes = remote.summary.nodes!;
      assert.deepEqual(summaryNodes.map((n) => n.node).sort(), [...nodes].sort());
      assert.equal(
        summaryNodes.reduce((n, s) => n + s.chunks, 0),
        remote.summary.chunks,
      );
      const run = [...(await runsNow())].find((r) => !before.has(r));
      assert.equal(run, undefined, 'the run removed its config');
      assert.deepEqual(await redis.keys('cs:{*}:*'), [], 'no run keys left');
      const jobs = await redis.keys(`bull:${Q}:*-c[0-9]*`);
      assert.deepEqual(jobs, [], 'no chunk jobs left');
    });

    it('JSON Lines: byte-identical --out; combine gives the same value', async () => {
      const lines = await both({ data: jsonl, processor: identity, out: 'x', chunkBytes: 4096, chunking: 'fixed' }, Q);
      assert.ok(lines.a.equals(lines.b));
      const total = await both({ data: csv, processor: sum, chunkBytes: 1024, chunking: 'fixed' }, Q);
      assert.equal(total.local.hasResult, true);
      assert.equal(total.remote.result, total.local.result);
      assert.equal(total.remote.result, (2999 * 3000 * 3) / 2);
    });

    it('Parquet (row groups read by each worker): byte-identical --out', async () => {
      const parquet = path.join(ROOT, 'test', 'fixtures', 'formats', 'trips.parquet');
      const { a, b, remote } = await both({ data: parquet, processor: identity, out: 'x', chunkRows: 50 }, Q);
      assert.ok(a.length > 0 && a.equals(b));
      assert.ok(new Set(remote.chunks.map((r) => r.node)).size >= 2, 'chunks ran on more than one node');
    });

    it('adaptive chunk sizes work over the cluster too (sizes chosen as chunks are planned)', async () => {
      const { a, b, remote } = await both({ data: csv, processor: identity, out: 'x' }, Q);
      assert.ok(a.equals(b));
      assert.equal(remote.summary.chunking, 'auto');
    });

    it('chunkscope run --cluster (or CHUNKSCOPE_CLUSTER): the same --out as a local run; the summary lists the nodes', () => {
      const outA = tmp.path('cli-local.ndjson');
      const outB = tmp.path('cli-cluster.ndjson');
      const local = spawnSync(process.execPath, [BIN, 'run', csv, '--processor', identity, '--out', outA], {
        encoding: 'utf8',
      });
      assert.equal(local.status, 0, local.stderr);
      const remote = spawnSync(
        process.execPath,
        [
          BIN,
          'run',
          csv,
          '--processor',
          identity,
          '--out',
          outB,
          '--queue',
          Q,
          '--min-workers',
          '3',
          '--wait-workers',
          '10',
        ],
        { encoding: 'utf8', env: { ...process.env, CHUNKSCOPE_CLUSTER: redis.url } },
      );
      assert.equal(remote.status, 0, remote.stderr);
      assert.ok(fs.readFileSync(outA).equals(fs.readFileSync(outB)));
      assert.match(
        remote.stderr,
        /cluster: 3 workers \(3 threads\) on redis:\/\/127\.0\.0\.1:\d+, queue trio; run [0-9a-f]{12}/,
      );
      for (const n of ['m1', 'm2', 'm3'])
        if (remote.stdout.includes(`node         ${n}:`))
          assert.match(
            remote.stdout,
            new RegExp(`node\\s+${n}: 1 thread, \\d+ chunks, busy [\\d.]+ %, clock ±[\\d.]+ ms`),
          );
      assert.match(remote.stdout, /node\s+m\d: 1 thread, \d+ chunks/);
    });

    it('cluster status lists the workers, their threads and clocks', () => {
      const r = spawnSync(process.execPath, [BIN, 'cluster', 'status', '--redis', redis.url, '--queue', Q], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /workers: 3 \(3 threads\)/);
      for (const n of ['m1', 'm2', 'm3']) assert.match(r.stdout, new RegExp(`${n}\\s+1 threads  clock [+-]\\d`));
      assert.match(r.stdout, /maxmemory-policy noeviction/);
      const json = spawnSync(
        process.execPath,
        [BIN, 'cluster', 'status', '--redis', redis.url, '--queue', Q, '--json'],
        {
          encoding: 'utf8',
        },
      );
      const s = JSON.parse(json.stdout);
      assert.equal(s.workers.length, 3);
      assert.ok(s.workers.every((w: { clock: { rttMs: number } }) => w.clock.rttMs >= 0));
    });
  });

  describe('faults', () => {
    let slow: string;
    let fastTwin: string;
    let expected: Buffer;
    const CHUNK = 64; // bytes: about 8 rows of small.csv a chunk, 8 chunks

    before(async () => {
      // 40 ms a row: a chunk runs about a third of a second, long enough to catch it in flight.
      slow = writeProcessor(tmp, 'slow.js', sleepy(40));
      fastTwin = writeProcessor(tmp, 'fast.js', FAST);
      const out = tmp.path('expected.ndjson');
      await runDataset({ data: small, processor: fastTwin, out, chunkBytes: CHUNK, chunking: 'fixed', workers: 2 });
      expected = fs.readFileSync(out);
    });

    const slowRun = (queue: string, out: string, minWorkers = 1) =>
      runDataset(
        { data: small, processor: slow, out, chunkBytes: CHUNK, chunking: 'fixed' },
        { dispatcher: cluster(queue, { minWorkers }) },
      );

    it('no worker at all: a clear message after --wait-workers (the CLI, exit code 1)', () => {
      const r = spawnSync(
        process.execPath,
        [
          BIN,
          'run',
          small,
          '--processor',
          fastTwin,
          '--cluster',
          redis.url,
          '--queue',
          'nobody',
          '--wait-workers',
          '1',
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
      assert.equal(r.status, 1, r.stderr);
      assert.match(
        r.stderr,
        /No cluster workers: 0 of the 1 needed \(--min-workers\) connected to redis:\/\/127\.0\.0\.1:\d+ \(queue nobody\) within 1 s \(--wait-workers\)/,
      );
      assert.match(r.stderr, /chunkscope worker --redis/);
    });

    it('a worker that sees another file, or another processor, refuses with a message naming it', async () => {
      const other = tmp.subdir('elsewhere');
      const copy = path.join(other, path.basename(small));
      fs.writeFileSync(copy, fs.readFileSync(small, 'utf8').replace('0,0', '0,1'));
      await procs.worker(redis.url, 'm-other-data', [
        '--queue',
        'wrongdata',
        '--data-root',
        `${path.dirname(small)}=${other}`,
      ]);
      const e = await rejection(runDataset({ data: small, processor: fastTwin }, { dispatcher: cluster('wrongdata') }));
      assert.match(
        e.message,
        /Worker m-other-data refuses run [0-9a-f]+: .*small-\d+\.csv is not the coordinator's file: .*first bytes differ/,
      );
      // The same file through the mapping (same bytes and mtime) is accepted.
      fs.copyFileSync(small, copy);
      const st = fs.statSync(small);
      fs.utimesSync(copy, st.atime, st.mtime);
      const ok = await runDataset({ data: small, processor: fastTwin }, { dispatcher: cluster('wrongdata') });
      assert.equal(ok.summary.rows, 60);
      await procs.stopAll();
      const code = tmp.subdir('code');
      fs.writeFileSync(path.join(code, path.basename(fastTwin)), FAST.replace('* 2', '* 3'));
      await procs.worker(redis.url, 'm-other-code', [
        '--queue',
        'wrongcode',
        '--code-root',
        `${path.dirname(fastTwin)}=${code}`,
      ]);
      const p = await rejection(runDataset({ data: small, processor: fastTwin }, { dispatcher: cluster('wrongcode') }));
      assert.match(
        p.message,
        /Worker m-other-code refuses run [0-9a-f]+: its processor .*fast-\d+\.js here is not the coordinator's \(sha256 /,
      );
    });

    it('a processor that throws: the same located error as a local run, not retried; --on-error skip: the same errors file', async () => {
      const marks = tmp.path('calls.txt');
      const thrower = writeProcessor(
        tmp,
        'thrower.js',
        `const fs = require('fs');\nexports.processRow = (row) => { if (row.id === '37') { fs.appendFileSync(${JSON.stringify(marks)}, 'x'); throw new Error('bad row ' + row.id); } return row; };\n`,
      );
      await Promise.all([
        procs.worker(redis.url, 'e1', ['--queue', 'errors']),
        procs.worker(redis.url, 'e2', ['--queue', 'errors']),
      ]);
      const opts = { data: small, processor: thrower, chunkBytes: CHUNK, chunking: 'fixed' as const };
      const local = await rejection(runDataset({ ...opts, workers: 2 }));
      fs.rmSync(marks);
      const remote = await rejection(runDataset(opts, { dispatcher: cluster('errors', { minWorkers: 2 }) }));
      // The worker id, and the engine's own stack frames (the bundle here, tsc's output in-process), aside.
      const engineFramesAside = (m: string) =>
        m
          .split('\n')
          .filter((l) => !/^\s+at .*(\/dist\/|\/out\/src\/engine\/)/.test(l))
          .join('\n');
      const noWorker = (m: string) => engineFramesAside(m.replace(/, worker \d+/, ''));
      assert.equal(noWorker(remote.message), noWorker(local.message));
      assert.match(
        remote.message,
        /The processor threw at .*small-\d+\.csv, row 38, line 39, byte \d+, chunk \d+.*: bad row 37/,
      );
      assert.equal(fs.readFileSync(marks, 'utf8'), 'x', 'the failing row ran once: a row error is not retried');
      const outA = tmp.path('skip-local.ndjson');
      const outB = tmp.path('skip-cluster.ndjson');
      await runDataset({ ...opts, onError: 'skip', out: outA, workers: 2 });
      await runDataset({ ...opts, onError: 'skip', out: outB }, { dispatcher: cluster('errors', { minWorkers: 2 }) });
      assert.ok(fs.readFileSync(outA).equals(fs.readFileSync(outB)));
      const errorsOf = (f: string) =>
        fs
          .readFileSync(`${f}.errors.ndjson`, 'utf8')
          .trim()
          .split('\n')
          .map((l) => {
            const e = JSON.parse(l);
            delete e.workerId;
            e.stack = engineFramesAside(e.stack);
            return e;
          });
      assert.deepEqual(errorsOf(outB), errorsOf(outA));
      assert.equal(errorsOf(outA).length, 1);
    });

    it('a worker SIGKILLed mid-chunk: its chunk is re-delivered after the lock expires; output identical; 2 attempts', async () => {
      const q = 'kill';
      const workers = await Promise.all(
        ['k1', 'k2'].map((n) => procs.worker(redis.url, n, ['--queue', q, ...FAST_LOCKS])),
      );
      const before = await runsNow();
      const out = tmp.path('kill.ndjson');
      const running = slowRun(q, out, 2);
      const run = await newRun(before);
      const held = await holder(q, run, 1);
      workers.find((w) => w.name === held.worker)!.proc.kill('SIGKILL');
      const report = await running;
      assert.ok(fs.readFileSync(out).equals(expected), 'output identical to the local run');
      assertEveryChunkOnce(report.chunks);
      const moved = report.chunks[chunkOf(held.job)];
      assert.equal(moved.attempts, 2, 'the killed chunk was delivered twice');
      assert.notEqual(moved.node, held.worker);
      // It held the chunk it ran and the next one waiting for its thread: both came back.
      assert.ok(report.summary.nodes!.find((n) => n.node === moved.node)!.redelivered >= 1);
      await assertRunGone(run);
    });

    it('SIGTERM on a busy worker: it finishes its chunk (1 attempt), then exits 0', async () => {
      const q = 'term';
      const first = await procs.worker(redis.url, 't1', ['--queue', q, ...FAST_LOCKS]);
      const before = await runsNow();
      const out = tmp.path('term.ndjson');
      const running = slowRun(q, out);
      const run = await newRun(before);
      const held = await holder(q, run, 1);
      first.proc.kill('SIGTERM');
      // Its chunks in hand finish; the rest wait for a worker.
      await procs.worker(redis.url, 't2', ['--queue', q, ...FAST_LOCKS]);
      const report = await running;
      assert.equal(await first.exited, 0, first.log());
      assert.match(first.log(), /SIGTERM: finishing the chunks it holds/);
      assert.ok(fs.readFileSync(out).equals(expected));
      const chunk = report.chunks[chunkOf(held.job)];
      assert.equal(chunk.node, 't1', 'the terminated worker finished the chunk it held');
      assert.equal(chunk.attempts, 1);
      assert.ok(
        report.chunks.some((r) => r.node === 't2'),
        'the second worker ran the rest',
      );
    });

    it('a worker joining mid-run takes chunks; a node appears in the summary', async () => {
      const q = 'join';
      await procs.worker(redis.url, 'j1', ['--queue', q]);
      const out = tmp.path('join.ndjson');
      let joined: Promise<unknown> | undefined;
      const report = await runDataset(
        { data: small, processor: slow, out, chunkBytes: CHUNK, chunking: 'fixed' },
        {
          dispatcher: cluster(q),
          onChunk: (r) => {
            if (r.index === 0) joined = procs.worker(redis.url, 'j2', ['--queue', q]);
          },
        },
      );
      await joined;
      assert.ok(fs.readFileSync(out).equals(expected));
      assert.deepEqual(
        report.summary.nodes!.map((n) => n.node),
        ['j1', 'j2'],
      );
      assert.ok(report.chunks.filter((r) => r.node === 'j2').length >= 1);
    });

    it('a worker paused (SIGSTOP) past its lock, then resumed: its late result is refused, the chunk committed once', async () => {
      const q = 'stop';
      const workers = await Promise.all(
        ['s1', 's2'].map((n) => procs.worker(redis.url, n, ['--queue', q, ...FAST_LOCKS])),
      );
      const before = await runsNow();
      const out = tmp.path('stop.ndjson');
      const running = slowRun(q, out, 2);
      const run = await newRun(before);
      const held = await holder(q, run, 1);
      const paused = workers.find((w) => w.name === held.worker)!;
      paused.proc.kill('SIGSTOP');
      // Past lockDuration + stalledInterval: the chunk is re-delivered to the other worker.
      await waitFor('the chunk to be re-delivered', async () =>
        (await redis.client.hget(`bull:${q}:${held.job}`, 'pb')) !== held.worker ? true : undefined,
      );
      const report = await running;
      paused.proc.kill('SIGCONT');
      assert.ok(fs.readFileSync(out).equals(expected));
      assertEveryChunkOnce(report.chunks);
      const chunk = report.chunks[chunkOf(held.job)];
      assert.equal(chunk.attempts, 2);
      assert.notEqual(chunk.node, held.worker);
      await waitFor('the resumed worker to find its lock gone', () => {
        return /lost its lock|could not renew lock|Missing lock|Lock mismatch|not owned/i.test(paused.log())
          ? true
          : undefined;
      }).catch((e: Error) => {
        throw new Error(`${e.message}; its log:\n${paused.log()}`);
      });
      await assertRunGone(run);
    });

    it('Redis connections dropped (CLIENT KILL) mid-run: everyone reconnects and the run completes', async () => {
      const q = 'drop';
      await Promise.all(['d1', 'd2'].map((n) => procs.worker(redis.url, n, ['--queue', q, ...FAST_LOCKS])));
      const before = await runsNow();
      const out = tmp.path('drop.ndjson');
      const running = slowRun(q, out, 2);
      const run = await newRun(before);
      await holder(q, run, 2);
      const killed = await redis.client.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      assert.ok(Number(killed) >= 4, `connections killed: ${killed}`);
      const report = await running;
      assert.ok(fs.readFileSync(out).equals(expected));
      assertEveryChunkOnce(report.chunks);
    });

    it('a thread out of memory: retried, then a clear error naming the node and the chunk', async () => {
      const q = 'oom';
      await procs.worker(redis.url, 'o1', ['--queue', q]);
      const hog = writeProcessor(
        tmp,
        'hog.js',
        "exports.processRow = (row) => { if (row.id === '20') { const a = []; for (;;) a.push(new Array(1e5).fill(row.id + a.length)); } return row; };\n",
      );
      const e = await rejection(
        runDataset(
          { data: small, processor: hog, chunkBytes: CHUNK, chunking: 'fixed', maxWorkerMemoryMb: 24 },
          { dispatcher: cluster(q) },
        ),
      );
      assert.match(
        e.message,
        /A worker running chunk \d+ .* died: node o1: a thread ran out of memory .* on chunk \d+, attempt 3 of 3/,
      );
    });

    it('--chunk-timeout: a chunk stuck in a loop on a node fails the run naming the chunk and node, not retried', async () => {
      await procs.worker(redis.url, 'l1', ['--queue', 'loop']);
      const loop = writeProcessor(
        tmp,
        'loop.js',
        "exports.processRow = (row) => { if (row.id === '30') for (;;); return row; };\n",
      );
      const e = await rejection(
        runDataset(
          { data: small, processor: loop, chunkBytes: CHUNK, chunking: 'fixed', chunkTimeout: 1 },
          { dispatcher: cluster('loop') },
        ),
      );
      assert.match(
        e.message,
        /chunk \d+ ran longer than 1 s \(--chunk-timeout\) on node l1; the processor may be stuck in a loop/,
      );
    });

    it('Redis lost for good mid-run: the run fails after --wait-workers with a message naming it, no partial output', async () => {
      const own = await RedisServer.start();
      try {
        await procs.worker(own.url, 'r1', FAST_LOCKS);
        const out = tmp.path('lost.ndjson');
        const running = runDataset(
          { data: small, processor: slow, out, chunkBytes: CHUNK, chunking: 'fixed' },
          { dispatcher: clusterDispatcher({ url: own.url, waitWorkersSeconds: 2 }) },
        );
        await waitFor('a chunk to be active', async () =>
          (await own.client.llen('bull:chunkscope:active')) > 0 ? true : undefined,
        );
        await own.stop();
        const e = await rejection(running);
        assert.match(
          e.message,
          /Redis at redis:\/\/127\.0\.0\.1:\d+ \(queue chunkscope\) was unreachable for 2 s \(--wait-workers\)/,
        );
        assert.ok(!fs.existsSync(out), 'no partial output');
        assert.deepEqual(
          fs.readdirSync(path.dirname(out)).filter((f) => f.startsWith(path.basename(out))),
          [],
        );
      } finally {
        await own.stop();
      }
    });

    it('the coordinator killed: workers drop the run, and cluster clean leaves no key of it', async () => {
      const q = 'orphan';
      const w = await procs.worker(redis.url, 'c1', ['--queue', q]);
      const before = await runsNow();
      const coordinator = procs.track(
        spawn(
          process.execPath,
          [
            BIN,
            'run',
            small,
            '--processor',
            slow,
            '--chunk-bytes',
            String(CHUNK),
            '--cluster',
            redis.url,
            '--queue',
            q,
          ],
          {
            stdio: 'ignore',
          },
        ),
      );
      const run = await newRun(before);
      await holder(q, run, 1);
      coordinator.kill('SIGKILL');
      const r = spawnSync(
        process.execPath,
        [BIN, 'cluster', 'clean', '--redis', redis.url, '--queue', q, '--run', run],
        {
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`cleaned ${run}: \\d+ jobs, \\d+ keys`));
      await assertRunGone(run);
      await waitFor('the worker to drop the run', () => (w.log().includes(`run ${run} over`) ? true : undefined));
    });
  });
});
