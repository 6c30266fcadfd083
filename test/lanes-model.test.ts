// The report's worker lanes (webview/model/lanes.ts, used by buildModel and the live model): a
// local run's lanes are "worker N" by id; a cluster run's are grouped by node, then thread, and
// labelled "node · thread".
import * as assert from 'node:assert/strict';
import type { ChunkRecord, RunReport } from '../src/engine/model';
import { laneGroups, orderLanes } from '../webview/model/lanes';
import { LiveModel } from '../webview/model/live';
import { buildModel } from '../webview/model/run';

function record(index: number, workerId: number, node?: string, thread?: number): ChunkRecord {
  return {
    index,
    workerId,
    startedAt: index,
    finishedAt: index + 1,
    receivedAt: index + 1.5,
    ...(node !== undefined ? { node, thread } : {}),
  } as ChunkRecord;
}

function report(chunks: ChunkRecord[], workerIds: number[]): RunReport {
  return {
    summary: { wallMs: 100, workerSummaries: workerIds.map((workerId) => ({ workerId })) },
    chunks,
    mainPhases: [],
  } as unknown as RunReport;
}

describe('lanes model (grouped by node on a cluster)', () => {
  it('local lanes: "worker N" in id order, no groups', () => {
    const lanes = orderLanes([{ workerId: 2 }, { workerId: 0 }, { workerId: 1 }]);
    assert.deepEqual(lanes, [
      { workerId: 0, label: 'worker 0' },
      { workerId: 1, label: 'worker 1' },
      { workerId: 2, label: 'worker 2' },
    ]);
    assert.deepEqual(laneGroups(lanes), []);
  });

  it('cluster lanes: by node, then thread, whatever the coordinator-assigned ids; labelled "node · thread"', () => {
    const lanes = orderLanes([
      { workerId: 0, node: 'm2', thread: 1 },
      { workerId: 1, node: 'm1', thread: 0 },
      { workerId: 2, node: 'm2', thread: 0 },
      { workerId: 3, node: 'm1', thread: 1 },
    ]);
    assert.deepEqual(
      lanes.map((l) => [l.workerId, l.label, l.group]),
      [
        [1, 'm1 · 0', 'm1'],
        [3, 'm1 · 1', 'm1'],
        [2, 'm2 · 0', 'm2'],
        [0, 'm2 · 1', 'm2'],
      ],
    );
    assert.deepEqual(laneGroups(lanes), [
      { group: 'm1', lanes: 2 },
      { group: 'm2', lanes: 2 },
    ]);
  });

  it('buildModel and the live model give the same grouped lanes for a cluster report', () => {
    const chunks = [
      record(0, 0, 'beta', 0),
      record(1, 1, 'alpha', 0),
      record(2, 0, 'beta', 0),
      record(3, 2, 'alpha', 1),
    ];
    const model = buildModel(report(chunks, [0, 1, 2]));
    const worker = model.lanes.filter((l) => l.workerId !== null);
    assert.equal(model.lanes[0].label, 'main thread');
    assert.deepEqual(
      worker.map((l) => [l.label, l.group, [...l.bars]]),
      [
        ['alpha · 0', 'alpha', [1]],
        ['alpha · 1', 'alpha', [3]],
        ['beta · 0', 'beta', [0, 2]],
      ],
    );
    const live = new LiveModel({
      processor: 'p.js',
      data: 'd.csv',
      strategy: 'byte-range',
      workers: 3,
      startedAtEpochMs: 0,
    } as never);
    live.append(chunks);
    assert.deepEqual(
      live
        .toModel()
        .lanes.slice(1)
        .map((l) => [l.label, l.group, [...l.bars]]),
      worker.map((l) => [l.label, l.group, [...l.bars]]),
    );
  });

  it('a local report keeps "worker N" lanes, idle workers included', () => {
    const model = buildModel(report([record(0, 1), record(1, 1)], [0, 1]));
    assert.deepEqual(
      model.lanes.map((l) => [l.label, l.group]),
      [
        ['main thread', undefined],
        ['worker 0', undefined],
        ['worker 1', undefined],
      ],
    );
  });
});
