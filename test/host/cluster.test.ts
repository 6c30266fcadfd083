// "Chunkscope: Run on Cluster" in the real extension host: a real redis-server and two local
// `chunkscope worker` processes (test/cluster/harness.ts), chunkscope.cluster.url set as a user
// sets it; the run's chunks go through BullMQ to both nodes, the outcome names them, and the
// status bar item shows the workers while the setting is set (hidden once it is cleared).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { Procs, RedisServer } from '../cluster/harness';
import {
  EXTENSION_ID,
  cleanWorkspace,
  closeAllEditors,
  csvText,
  outputFiles,
  readJsonLines,
  readTimings,
  waitFor,
  writeFile,
} from './helpers';
import type { ChunkscopeTestApi } from '../../src/extension/extension';

/** 5 ms a row (Atomics.wait leaves the cores alone): chunks last long enough for both nodes to take some. */
const SLOW_DOUBLE = `const cell = new Int32Array(new SharedArrayBuffer(4));
exports.processRow = (row) => { Atomics.wait(cell, 0, 0, 5); return { id: Number(row.id), doubled: Number(row.amount) * 2 }; };
`;

describe('Run on Cluster (chunkscope.cluster.url)', function () {
  this.timeout(120_000);
  let redis: RedisServer | undefined;
  const procs = new Procs();
  const api = () => vscode.extensions.getExtension<ChunkscopeTestApi>(EXTENSION_ID)!.exports;
  const settings = () => vscode.workspace.getConfiguration('chunkscope');
  const set = async (key: string, value: unknown) => {
    await settings().update(key, value, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => settings().inspect(key)?.workspaceValue === value, `${key} = ${JSON.stringify(value)}`);
  };

  before(async function () {
    if (!RedisServer.available()) {
      if (process.env.CI) throw new Error('redis-server is missing: node scripts/redis.mjs installs it');
      this.skip();
    }
    cleanWorkspace();
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    redis = await RedisServer.start();
    await procs.worker(redis.url, 'host-a');
    await procs.worker(redis.url, 'host-b');
  });

  after(async function () {
    await set('cluster.url', undefined).catch(() => undefined);
    await set('chunkRows', undefined).catch(() => undefined);
    await closeAllEditors();
    await procs.stopAll();
    await redis?.stop();
    cleanWorkspace();
  });

  it('is registered, and the setting defaults to no cluster (no status item)', async function () {
    assert.ok((await vscode.commands.getCommands(true)).includes('chunkscope.runOnCluster'));
    assert.equal(settings().inspect('cluster.url')?.defaultValue, '');
    assert.equal(await api().clusterStatusText(), undefined);
  });

  it('runs the active dataset on both nodes; the outcome names them; the status item shows the workers', async function () {
    const data = writeFile('data/cluster.csv', csvText(200));
    const processor = writeFile('processors/slow-double.js', SLOW_DOUBLE);
    await set('cluster.url', redis!.url);
    await set('chunkRows', 20);
    assert.equal(
      await waitFor(async () => {
        const t = await api().clusterStatusText();
        return t === '$(server) 2 workers · 2 threads' ? t : undefined;
      }, 'the status item to show the two workers'),
      '$(server) 2 workers · 2 threads',
    );
    await vscode.window.showTextDocument(vscode.Uri.file(data));
    await vscode.commands.executeCommand('chunkscope.runOnCluster', vscode.Uri.file(processor));
    const outcome = api().lastRunOutcome();
    assert.equal(outcome?.kind, 'finished', outcome?.message);
    assert.equal(outcome?.dataset, data);
    assert.deepEqual([...(outcome?.nodes ?? [])].sort(), ['host-a', 'host-b'], outcome?.message);
    assert.match(outcome!.message, /on 2 nodes \(host-a, host-b\)|on 2 nodes \(host-b, host-a\)/);
    const out = outputFiles(data, processor);
    const rows = readJsonLines(out.results) as { id: number; doubled: number }[];
    assert.equal(rows.length, 200);
    rows.forEach((row, i) => assert.deepEqual(row, { id: i + 1, doubled: (i + 1) * 3 }));
    const t = readTimings(out.timings);
    assert.equal(t.summary.rows, 200);
    assert.ok(fs.existsSync(out.timings));
    assert.ok((t.chunks as { node?: string }[]).every((c) => c.node === 'host-a' || c.node === 'host-b'));
  });

  it('clearing the setting hides the status item', async function () {
    await set('cluster.url', undefined);
    await waitFor(async () => (await api().clusterStatusText()) === undefined, 'the status item to hide');
  });
});
