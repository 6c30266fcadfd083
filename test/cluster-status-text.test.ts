// The extension's cluster wording (src/extension/logic): the status bar item's text and tooltip,
// and the notification of a cluster run naming its nodes.
import * as assert from 'node:assert/strict';
import type { RunReport } from '../src/engine';
import { clusterStatusText, clusterUnreachableText } from '../src/extension/logic/cluster-status';
import { notificationText } from '../src/extension/logic/summary';

describe('cluster wording in VS Code', () => {
  it('status item: workers and threads seen, each named in the tooltip', () => {
    const shown = clusterStatusText({
      url: 'redis://10.0.0.5:6379',
      queue: 'chunkscope',
      workers: [
        { name: 'a', threads: 8, ageMs: 100 },
        { name: 'b', threads: 1, ageMs: 900 },
      ],
    });
    assert.equal(shown.text, '$(server) 2 workers · 9 threads');
    assert.equal(
      shown.tooltip,
      'Chunkscope cluster redis://10.0.0.5:6379 (queue chunkscope)\na: 8 threads\nb: 1 thread\nClick: Run on Cluster',
    );
    const none = clusterStatusText({ url: 'redis://h:1', queue: 'q', workers: [] });
    assert.equal(none.text, '$(server) 0 workers · 0 threads');
    assert.match(none.tooltip, /no worker connected: start one with chunkscope worker --redis URL/);
    assert.deepEqual(clusterUnreachableText('redis://h:1', 'no answer in 10 s'), {
      text: '$(warning) cluster unreachable',
      tooltip: 'Chunkscope cluster redis://h:1: no answer in 10 s',
    });
  });

  it('the notification of a cluster run names its nodes; a local run stays as it was', () => {
    const summary = { rows: 1000, wallMs: 500, rowsPerSecond: 2000 };
    const local = notificationText({ summary } as unknown as RunReport);
    assert.equal(local, 'Chunkscope: 1,000 rows in 500 ms (2,000 rows/s)');
    const cluster = notificationText({
      summary: { ...summary, nodes: [{ node: 'm1' }, { node: 'm2' }] },
    } as unknown as RunReport);
    assert.equal(cluster, `${local} on 2 nodes (m1, m2)`);
  });
});
