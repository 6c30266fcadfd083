// Sweeps and tuning over a cluster (issue 15): every run of `chunkscope sweep|tune --cluster` goes
// through BullMQ on a real redis-server to two local `chunkscope worker` processes, and the worker
// axis is threads over the nodes registered.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clusterWorkerAxis, type SweepReport, type TuneResult } from '../src/engine';
import { ROOT, TempDir, writeProcessor } from './helpers';
import { BIN, Procs, RedisServer } from './cluster/harness';

describe('cluster sweep and tune', function () {
  this.timeout(90_000);
  let redis: RedisServer;
  let tmp: TempDir;
  const procs = new Procs();
  let data: string;
  let identity: string;
  const Q = 'sweepq';

  before(async function () {
    if (!RedisServer.available()) {
      if (process.env.CI) throw new Error('redis-server is missing: node scripts/redis.mjs installs it');
      this.skip();
    }
    assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'cli.js')), 'dist/cli.js must be built (node scripts/build.mjs)');
    redis = await RedisServer.start();
    tmp = new TempDir('chunkscope-cluster-sweep-');
    let s = 'id,v\n';
    for (let i = 0; i < 400; i++) s += `${i},${i * 7}\n`;
    data = tmp.write('rows.csv', s);
    identity = writeProcessor(tmp, 'identity.js', 'exports.processRow = (row) => row;\n');
    await procs.worker(redis.url, 'm1', ['--queue', Q]);
    await procs.worker(redis.url, 'm2', ['--queue', Q]);
  });

  after(async () => {
    await procs.stopAll();
    await redis?.stop();
    tmp?.dispose();
  });

  it('the worker axis on a cluster: counts above the threads registered run as that many, and are listed', () => {
    assert.deepEqual(clusterWorkerAxis([1, 2, 5, 8], 4), { workers: [1, 2, 4], capped: [5, 8] });
    assert.deepEqual(clusterWorkerAxis([3, 1], 4), { workers: [1, 3], capped: [] });
  });

  it('sweep --cluster: every point runs on the nodes; --workers 1,5 on 2 threads sweeps 1 and 2 and says so', () => {
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'sweep',
        data,
        '--processor',
        identity,
        '--cluster',
        redis.url,
        '--queue',
        Q,
        '--workers',
        '1,5',
        '--chunk-rows',
        '50,200',
        '--repeats',
        '1',
        '--json',
      ],
      { encoding: 'utf8', cwd: tmp.dir },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /cluster: 2 workers \(2 threads\) on redis:\/\/127\.0\.0\.1:\d+, queue sweepq/);
    const report = JSON.parse(r.stdout) as SweepReport;
    assert.equal(report.kind, 'sweep');
    assert.deepEqual(report.grid.workers, [1, 2]);
    assert.equal(report.points.length, 4);
    assert.deepEqual(report.cluster?.nodes, [
      { name: 'm1', threads: 1 },
      { name: 'm2', threads: 1 },
    ]);
    assert.equal(report.cluster?.threads, 2);
    assert.deepEqual(report.cluster?.capped, [5]);
    assert.equal(report.cluster?.queue, Q);
    assert.ok(report.best);
    for (const p of report.points) {
      assert.equal(p.repeats.length, 1);
      const nodes = p.repeats[0].nodes ?? [];
      assert.ok(nodes.length >= 1, `point ${p.key} names the nodes that ran it`);
      for (const n of nodes) assert.ok(['m1', 'm2'].includes(n), n);
      assert.equal(p.repeats[0].rows, 400);
    }
    // Chunks of 50 rows at 2 workers: both nodes take some somewhere in the sweep.
    const seen = new Set(report.points.flatMap((p) => p.repeats.flatMap((x) => x.nodes ?? [])));
    assert.deepEqual([...seen].sort(), ['m1', 'm2']);
    assert.ok(
      report.explanation.some((e) => /Worker counts 5 are above the 2 threads registered, so they ran as 2/.test(e)),
      report.explanation.join('\n'),
    );
  });

  it('sweep --workers auto --cluster: the scaling probe runs on the cluster, up to its threads; text output names the nodes', () => {
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'sweep',
        data,
        '--processor',
        identity,
        '--cluster',
        redis.url,
        '--queue',
        Q,
        '--workers',
        'auto',
        '--chunk-rows',
        '100',
        '--repeats',
        '1',
      ],
      { encoding: 'utf8', cwd: tmp.dir },
    );
    assert.equal(r.status, 0, r.stderr);
    const auto = /--workers auto: (\d+)\./.exec(r.stderr);
    assert.ok(auto, r.stderr);
    assert.ok(Number(auto[1]) >= 1 && Number(auto[1]) <= 2, auto[1]);
    assert.match(
      r.stdout,
      /Ran on the cluster at redis:\/\/127\.0\.0\.1:\d+ \(queue sweepq\): 2 nodes, m1 \(1\), m2 \(1\)/,
    );
  });

  it('tune with CHUNKSCOPE_CLUSTER: the probe stops at the threads registered and a setting is chosen', () => {
    const r = spawnSync(process.execPath, [BIN, 'tune', data, '--processor', identity, '--queue', Q, '--json'], {
      encoding: 'utf8',
      cwd: tmp.dir,
      env: { ...process.env, CHUNKSCOPE_CLUSTER: redis.url },
    });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as TuneResult;
    assert.equal(result.kind, 'tune');
    assert.ok([1, 2].includes(result.recommendation.workers), String(result.recommendation.workers));
    assert.ok((result.recommendation.chunkRows ?? 0) >= 1);
    assert.ok((result.workersProbe?.steps.length ?? 0) >= 1);
    assert.ok(result.workersProbe!.steps.every((s) => s.workers <= 2));
    assert.deepEqual(
      result.cluster?.nodes.map((n) => n.name),
      ['m1', 'm2'],
    );
    assert.match(result.explanation, /Ran on the cluster at redis:\/\/127\.0\.0\.1:\d+ \(queue sweepq\): 2 nodes/);
    for (const p of result.points) for (const x of p.repeats) assert.ok((x.nodes ?? []).length >= 1);
  });

  it('tune --cluster with no worker on the queue: a clear message after --wait-workers, exit code 1', () => {
    const r = spawnSync(
      process.execPath,
      [BIN, 'tune', data, '--processor', identity, '--cluster', redis.url, '--queue', 'empty', '--wait-workers', '1'],
      { encoding: 'utf8', cwd: tmp.dir },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /No cluster workers: 0 of the 1 needed \(--min-workers\) .*queue empty.* within 1 s/);
  });
});
