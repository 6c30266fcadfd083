// The flame views' model (the merged call tree, src/engine/profile/call-tree.ts, and the views over
// it, webview/model/flame.ts): a small hand-made profile whose every number is known, and a real
// profile captured here through node:inspector.
import * as assert from 'node:assert/strict';
import { Session } from 'node:inspector';
import type { ChunkRecord, CpuProfile, ThreadProfile } from '../src/engine/model';
import { buildCallTree, functionTable, sliceCallTree, SAMPLE_PHASES } from '../src/engine/profile/call-tree';
import { categorize, urlToPath } from '../src/engine/profile/frames';
import {
  differential,
  layoutLeftHeavy,
  sandwich,
  searchFrames,
  stackOf,
  timeOrder,
  topSelfFrame,
  typicalChunks,
  type FlameData,
} from '../webview/model/flame';
import { checkProfile } from '../src/engine/profile/check-profile';
import { chunkAt } from './helpers';

const PROC = '/p/proc.js';
const frame = (functionName: string, url: string, lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  columnNumber: 0,
  scriptId: '1',
});

/**
 * (root) → main → hot → hot (recursion), main → parseText, plus (garbage collector) and (idle).
 * Seven samples 100 µs apart from 1,100 µs; the clock offset puts them at 11.1 … 11.7 ms.
 */
function smallProfile(): CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 6, 7] },
      { id: 2, callFrame: frame('main', `file://${PROC}`, 2), children: [3, 4] },
      { id: 3, callFrame: frame('hot', `file://${PROC}`, 10), children: [5] },
      { id: 4, callFrame: frame('parseText', 'file:///x/out/src/engine/worker/chunk-parse.js', 64), children: [] },
      { id: 5, callFrame: frame('hot', `file://${PROC}`, 10), children: [] },
      { id: 6, callFrame: frame('(garbage collector)', ''), children: [] },
      { id: 7, callFrame: frame('(idle)', ''), children: [] },
    ],
    startTime: 1000,
    endTime: 1800,
    samples: [3, 3, 5, 4, 6, 7, 3],
    timeDeltas: [100, 100, 100, 100, 100, 100, 100],
  };
}

const META: ThreadProfile = {
  thread: 1,
  label: 'worker 1',
  file: '/tmp/w1.cpuprofile',
  samples: 7,
  clockOffsetMs: 10,
  samplingIntervalUs: 100,
};

function chunk(
  index: number,
  startedAt: number,
  phases: { read?: number; parse?: number; compute?: number },
  finishedAt: number,
): ChunkRecord {
  return chunkAt(index, { startedAt, finishedAt }, phases);
}

// Chunk 0 holds the samples at 11.1 (parse), 11.2, 11.3, 11.4 (compute); chunk 1 holds 11.6 (compute).
const CHUNKS = [
  chunk(0, 11.0, { read: 0.05, parse: 0.1, compute: 0.3 }, 11.45),
  chunk(1, 11.55, { compute: 0.1 }, 11.65),
];

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} ≠ ${b}`);
const frameNamed = (d: FlameData, name: string) => d.frames.findIndex((f) => f.name === name);

describe('flame model', function () {
  const data = buildCallTree([{ meta: META, profile: smallProfile() }], CHUNKS, PROC);

  it('puts every sample on the run clock with its weight, chunk and phase', function () {
    const th = data.threads[0];
    assert.deepEqual(
      Array.from(th.times, (t) => Number(t.toFixed(6))),
      [11.1, 11.2, 11.3, 11.4, 11.5, 11.6, 11.7],
    );
    for (const w of th.weights) close(w, 0.1, 'weight (the last runs to the profile’s end)');
    assert.deepEqual(Array.from(th.chunkOf), [0, 0, 0, 0, -1, 1, -1]);
    // The engine's attribution (profile/slice.ts): the record's phases in order; outside chunks, idle or overhead.
    assert.deepEqual(
      Array.from(th.phaseOf, (p) => SAMPLE_PHASES[p]),
      ['parse', 'compute', 'compute', 'compute', 'overhead', 'compute', 'overhead'],
    );
    assert.equal(data.sampleCount, 7);
  });

  it('merges identical frames and drops V8’s (root)', function () {
    assert.deepEqual(data.frames.map((f) => f.name).sort(), [
      '(garbage collector)',
      '(idle)',
      'hot',
      'main',
      'parseText',
    ]);
    const hot = frameNamed(data, 'hot');
    assert.equal(data.frames[hot].line, 11, '1-based line');
    assert.equal(data.frames[hot].file, PROC);
    // The recursive call is a child of the outer call in the trie: main → hot → hot.
    const deepest = [...data.trieFrame.keys()].find((n) => data.trieDepth[n] === 2)!;
    assert.deepEqual(
      stackOf(data, deepest).map((f) => data.frames[f].name),
      ['main', 'hot', 'hot'],
    );
  });

  it('colours frames by category', function () {
    const cat = (name: string) => data.frames[frameNamed(data, name)].category;
    assert.equal(cat('main'), 'user');
    assert.equal(cat('hot'), 'user');
    assert.equal(cat('parseText'), 'parser');
    assert.equal(cat('(garbage collector)'), 'gc');
    assert.equal(cat('(idle)'), 'idle');
    assert.equal(categorize('(program)', '', PROC), 'idle');
    assert.equal(categorize('readSync', 'node:fs', PROC), 'node');
    assert.equal(
      categorize('atomicsWaitLoop', 'file:///w/node_modules/piscina/dist/worker.js', PROC),
      'idle',
      'piscina waiting for work',
    );
    assert.equal(categorize('onMessage', 'file:///w/node_modules/piscina/dist/worker.js', PROC), 'engine');
    assert.equal(
      categorize('scanCsv', 'file:///w/dist/chunk-worker.js', PROC),
      'parser',
      'parser functions inside the bundled worker',
    );
    assert.equal(categorize('runChunk', 'file:///w/dist/chunk-worker.js', PROC), 'engine');
    assert.equal(categorize('helper', 'file:///w/lib/other.js', PROC), 'other');
  });

  it('aggregates self and total time, counting a recursive function once', function () {
    const s = sliceCallTree(data);
    assert.equal(s.samples, 7);
    close(s.ms, 0.7, 'slice ms');
    const rows = functionTable(data, s);
    const row = (name: string) => rows.find((r) => data.frames[r.frame].name === name)!;
    close(row('hot').self, 0.4, 'hot self');
    close(row('hot').total, 0.4, 'hot total (recursion once)');
    close(row('main').self, 0, 'main self');
    close(row('main').total, 0.5, 'main total');
    assert.equal(data.frames[topSelfFrame(data, s)].name, 'hot');
  });

  it('lays out left-heavy: heaviest first at every depth', function () {
    const s = sliceCallTree(data);
    const L = layoutLeftHeavy(data, s.total);
    const boxes = Array.from(L.node, (n, k) => ({
      name: data.frames[data.trieFrame[n]].name,
      x0: +L.x0[k].toFixed(6),
      x1: +L.x1[k].toFixed(6),
      depth: L.depth[k],
    }));
    assert.deepEqual(boxes, [
      { name: 'main', x0: 0, x1: 0.5, depth: 0 },
      { name: 'hot', x0: 0, x1: 0.4, depth: 1 },
      { name: 'hot', x0: 0, x1: 0.1, depth: 2 },
      { name: 'parseText', x0: 0.4, x1: 0.5, depth: 1 },
      { name: '(garbage collector)', x0: 0.5, x1: 0.6, depth: 0 },
      { name: '(idle)', x0: 0.6, x1: 0.7, depth: 0 },
    ]);
    close(L.width, 0.7, 'width');
    assert.equal(L.maxDepth, 2);
  });

  it('orders stacks in time, merging consecutive samples that share a prefix', function () {
    const T = timeOrder(data, 0);
    const rows = T.rows.map((r) =>
      Array.from(
        r.node,
        (n, k) => `${data.frames[data.trieFrame[n]].name} ${r.start[k].toFixed(1)}–${r.end[k].toFixed(1)}`,
      ),
    );
    assert.deepEqual(rows, [
      ['main 11.1–11.5', '(garbage collector) 11.5–11.6', '(idle) 11.6–11.7', 'main 11.7–11.8'],
      ['hot 11.1–11.4', 'parseText 11.4–11.5', 'hot 11.7–11.8'],
      ['hot 11.3–11.4'],
    ]);
    // Sliced to chunk 0, samples outside it leave gaps.
    const sliced = timeOrder(data, 0, { chunks: [0] });
    assert.equal(sliced.samples, 4);
    assert.deepEqual(
      Array.from(sliced.rows[0].end, (e) => +e.toFixed(6)),
      [11.5],
    );
  });

  it('slices by chunk and by phase', function () {
    assert.equal(sliceCallTree(data, { chunks: [0] }).samples, 4);
    assert.equal(sliceCallTree(data, { chunks: [1] }).samples, 1);
    assert.equal(sliceCallTree(data, { chunks: [0], phase: 'compute' }).samples, 3);
    assert.equal(sliceCallTree(data, { chunks: [0], phase: 'parse' }).samples, 1);
    assert.equal(sliceCallTree(data, { phase: 'overhead' }).samples, 2, 'the two samples outside any chunk');
    assert.equal(sliceCallTree(data, { threads: [0], chunks: [] }).samples, 0);
  });

  it('builds the sandwich: callers above, callees below', function () {
    const s = sliceCallTree(data);
    const hot = sandwich(data, s, frameNamed(data, 'hot'));
    assert.deepEqual(
      hot.callers.map((c) => [data.frames[c.frame!].name, +c.ms.toFixed(6)]),
      [['main', 0.4]],
    );
    assert.deepEqual(hot.callees, [], 'the recursive call is hot itself, not a callee');
    const main = sandwich(data, s, frameNamed(data, 'main'));
    assert.deepEqual(
      main.callers.map((c) => c.frame),
      [null],
    );
    assert.deepEqual(
      main.callees.map((c) => [data.frames[c.frame].name, +c.ms.toFixed(6)]),
      [
        ['hot', 0.4],
        ['parseText', 0.1],
      ],
    );
    close(main.total, 0.5, 'main total');
  });

  it('searches frames by name or file', function () {
    const hits = searchFrames(data, 'HOT');
    assert.deepEqual(
      [...hits.keys()].filter((f) => hits[f]).map((f) => data.frames[f].name),
      ['hot'],
    );
    const byFile = searchFrames(data, 'chunk-parse');
    assert.deepEqual(
      [...byFile.keys()].filter((f) => byFile[f]).map((f) => data.frames[f].name),
      ['parseText'],
    );
    assert.equal(
      searchFrames(data, '  ').reduce((n, h) => n + h, 0),
      0,
    );
  });

  it('compares a selection with a baseline per chunk', function () {
    const d = differential(data, [0], [1]);
    const mainNode = data.trieRoots.find((n) => data.frames[data.trieFrame[n]].name === 'main')!;
    const idleNode = data.trieRoots.find((n) => data.frames[data.trieFrame[n]].name === '(idle)')!;
    close(d.selection[mainNode], 0.4, 'selection main');
    close(d.baseline[mainNode], 0, 'baseline main');
    close(d.delta[mainNode], 0.4, 'delta main');
    close(d.delta[idleNode], -0.1, 'delta idle');
    assert.equal(d.selectionChunks, 1);
    assert.equal(d.baselineChunks, 1);
  });

  it('picks typical chunks from the records', function () {
    const cs = [5, 1, 3, 2, 4].map((ms, i) => chunk(i, i * 10, { compute: ms }, i * 10 + ms));
    assert.deepEqual(typicalChunks(cs), [2], 'the median duration (3 ms)');
    assert.deepEqual(typicalChunks(cs, new Set([2])), [3], 'nearest the median of the rest');
  });

  it('rejects malformed profiles, naming the file and the problem', function () {
    const bad = { ...smallProfile(), timeDeltas: [1, 2] };
    assert.throws(
      () => checkProfile(bad, '/runs/w1.cpuprofile'),
      /\/runs\/w1\.cpuprofile is not a V8 CPU profile: 7 samples but 2 timeDeltas/,
    );
    assert.throws(
      () => checkProfile({ nodes: [] }, 'x.cpuprofile'),
      /x\.cpuprofile is not a V8 CPU profile: "samples" is missing/,
    );
    const dangling = { ...smallProfile(), samples: [3, 3, 99, 4, 6, 7, 3] };
    assert.throws(
      () => buildCallTree([{ meta: META, profile: dangling }], CHUNKS, PROC),
      /\/tmp\/w1\.cpuprofile: sample 2 names node 99, which does not exist/,
    );
  });

  it('turns file URLs into paths', function () {
    assert.equal(urlToPath('file:///a/b%20c.js'), '/a/b c.js');
    assert.equal(urlToPath('file:///C:/x/y.js'), 'C:/x/y.js');
    assert.equal(urlToPath('node:fs'), 'node:fs');
  });
});

/** A real profile of this thread while `busy` runs. */
async function captureOwnProfile(busy: () => void): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) =>
      session.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))),
    );
  try {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 100 });
    await post('Profiler.start');
    busy();
    const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
    return profile;
  } finally {
    session.disconnect();
  }
}

// Kept out of line (a big body) so V8 does not inline it into its caller.
function flameModelHotLoop(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += Math.sqrt(i) * Math.sin(i) + Math.cos(i * 0.5) / (1 + (i % 7));
    if (i % 1000 === 999) s = s % 1e6;
    s += Math.atan2(i, s + 1) + Math.log1p(i % 97) - Math.tanh(s % 3);
  }
  return s;
}

describe('flame model on a real V8 profile', function () {
  this.timeout(60_000);

  it('finds the hot function as the largest self time, with samples in time order', async function () {
    let sink = 0;
    const profile = await captureOwnProfile(() => {
      const until = Date.now() + 400;
      while (Date.now() < until) sink += flameModelHotLoop(20_000);
    });
    assert.ok(Number.isFinite(sink));
    checkProfile(profile, 'captured');
    const meta: ThreadProfile = {
      thread: 'main',
      label: 'main thread',
      file: '',
      samples: profile.samples.length,
      clockOffsetMs: -profile.startTime / 1000,
      samplingIntervalUs: 100,
    };
    const data = buildCallTree([{ meta, profile }], [], __filename);
    const s = sliceCallTree(data);
    assert.ok(s.samples > 500, `${s.samples} samples in 400 ms at 100 µs`);
    const top = data.frames[topSelfFrame(data, s, { skipIdle: true })];
    assert.equal(top.name, 'flameModelHotLoop');
    assert.equal(top.category, 'user', 'this file is the "processor" here');
    const th = data.threads[0];
    const spanMs = (profile.endTime - profile.startTime) / 1000;
    assert.ok(
      th.times[0] >= 0 && th.times[th.times.length - 1] <= spanMs + 1e-6,
      `samples inside the profile's span (0–${spanMs} ms)`,
    );
    // The time-ordered chart covers every sample exactly once per depth-0 box.
    const T = timeOrder(data, 0);
    let covered = 0;
    for (let k = 0; k < T.rows[0].node.length; k++) covered += T.rows[0].end[k] - T.rows[0].start[k];
    assert.ok(Math.abs(covered - s.ms) < s.ms * 0.01 + 1, `time order covers ${covered} ms of ${s.ms} ms`);
  });
});
