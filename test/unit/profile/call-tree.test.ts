// The merged call tree (src/engine/profile/call-tree.ts) and the editor's and CLI's function
// timings (functionTimings in profile/summary.ts) on small hand-made profiles whose every number is
// known: both read self and total per function from one function table, so the hover, the CLI
// summary and the flame view's table show the same numbers for the same samples.
import { strict as assert } from 'node:assert';
import { buildCallTree, functionTable, sliceCallTree } from '../../../src/engine/profile/call-tree';
import { functionTimings } from '../../../src/engine/profile/summary';
import type { ChunkRecord, CpuProfile, FunctionTiming, LoadedProfile, ThreadProfile } from '../../../src/engine/model';
import { chunkAt } from '../../helpers';

const PROC = 'file:///p/proc.js';
const PARSER = 'file:///x/out/src/engine/worker/chunk-parse.js';
const frame = (functionName: string, url: string, lineNumber: number, columnNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  columnNumber,
  scriptId: '1',
});

/** Samples 100 µs apart from startTime + 100 µs; the last one runs to endTime, so each weighs 0.1 ms. */
function profile(nodes: CpuProfile['nodes'], samples: number[], startTime: number): CpuProfile {
  return {
    nodes,
    startTime,
    endTime: startTime + 100 * (samples.length + 1),
    samples,
    timeDeltas: samples.map(() => 100),
  };
}

/**
 * Worker 1: (root) → main → walk → visit → walk → (anonymous) (mutual recursion), main → parseText,
 * and V8's (garbage collector), (idle) and (program). Ten samples at 11.1 … 12.0 ms.
 */
const WORKER_1 = profile(
  [
    { id: 1, callFrame: frame('(root)', '', -1), children: [2, 8, 9, 10] },
    { id: 2, callFrame: frame('main', PROC, 1), children: [3, 6] },
    { id: 3, callFrame: frame('walk', PROC, 10, 2), children: [4] },
    { id: 4, callFrame: frame('visit', PROC, 20), children: [5] },
    { id: 5, callFrame: frame('walk', PROC, 10, 2), children: [7] },
    { id: 6, callFrame: frame('parseText', PARSER, 64), children: [] },
    { id: 7, callFrame: frame('', PROC, 30, 4), children: [] },
    { id: 8, callFrame: frame('(garbage collector)', '', -1), children: [] },
    { id: 9, callFrame: frame('(idle)', '', -1), children: [] },
    { id: 10, callFrame: frame('(program)', '', -1), children: [] },
  ],
  [3, 5, 7, 4, 6, 8, 9, 10, 7, 3],
  1000,
);

/** Worker 2: (root) → main → walk; samples walk, walk, walk, main at 20.1 … 20.4 ms. */
const WORKER_2 = profile(
  [
    { id: 1, callFrame: frame('(root)', '', -1), children: [2] },
    { id: 2, callFrame: frame('main', PROC, 1), children: [3] },
    { id: 3, callFrame: frame('walk', PROC, 10, 2), children: [] },
  ],
  [3, 3, 3, 2],
  0,
);

/** The main thread: a builtin, twice. */
const MAIN = profile(
  [
    { id: 1, callFrame: frame('(root)', '', -1), children: [2] },
    { id: 2, callFrame: frame('dispatch', '', -1), children: [] },
  ],
  [2, 2],
  0,
);

const meta = (thread: 'main' | number, clockOffsetMs: number, samples: number): ThreadProfile => ({
  thread,
  label: thread === 'main' ? 'main thread' : `worker ${thread}`,
  file: `/tmp/${thread}.cpuprofile`,
  samples,
  clockOffsetMs,
  samplingIntervalUs: 100,
});

const PROFILES: LoadedProfile[] = [
  { thread: meta('main', 0, MAIN.samples.length), profile: MAIN },
  { thread: meta(1, 10, WORKER_1.samples.length), profile: WORKER_1 },
  { thread: meta(2, 20, WORKER_2.samples.length), profile: WORKER_2 },
];

function chunk(index: number, workerId: number, startedAt: number, finishedAt: number): ChunkRecord {
  return chunkAt(index, { workerId, startedAt, finishedAt }, { compute: finishedAt - startedAt });
}

// Listed out of index order, so array positions (the call tree's chunkOf) differ from ChunkRecord.index.
// Chunk 12 holds worker 2's three walk samples; chunk 10 worker 1's samples at 11.1 … 11.4; chunk 11
// those at 11.9 and 12.0; chunk 13 ran on worker 3, which has no profile.
const CHUNKS = [chunk(12, 2, 20.0, 20.35), chunk(10, 1, 11.0, 11.45), chunk(11, 1, 11.85, 12.05), chunk(13, 3, 30, 31)];

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} ≠ ${b}`);

describe('call tree: function timings', function () {
  const timings = functionTimings(PROFILES, CHUNKS);
  const timing = (name: string): FunctionTiming => {
    const t = timings.find((f) => f.functionName === name);
    assert.ok(t, `${name} is in the function timings`);
    return t;
  };

  it('reports the function table of the whole run, frame by frame', function () {
    const tree = buildCallTree(
      PROFILES.map(({ thread, profile: p }) => ({ meta: thread, profile: p })),
      CHUNKS,
      '/p/proc.js',
    );
    const rows = functionTable(tree, sliceCallTree(tree));
    const code = rows.filter((r) => !['(idle)', '(program)'].includes(tree.frames[r.frame].name));
    assert.equal(timings.length, code.length, 'one timing per code frame of the table');
    for (const row of code) {
      const f = tree.frames[row.frame];
      const t = timings.find(
        (x) => x.functionName === f.name && x.url === f.url && x.line === f.line && x.column === f.column,
      );
      assert.ok(t, `${f.name} (${f.url}:${f.line}:${f.column}) has a timing`);
      // The same numbers, not merely close ones: one derivation.
      assert.equal(t.selfMs, row.self, `${f.name} self`);
      assert.equal(t.totalMs, row.total, `${f.name} total`);
    }
  });

  it('knows every self and total time, counting recursion once', function () {
    const expected: [string, number, number, number][] = [
      // name, self ms, total ms, samples
      ['walk', 0.6, 0.9, 6],
      ['(anonymous)', 0.2, 0.2, 2],
      ['dispatch', 0.2, 0.2, 2],
      ['main', 0.1, 1.1, 1],
      ['visit', 0.1, 0.4, 1],
      ['parseText', 0.1, 0.1, 1],
      ['(garbage collector)', 0.1, 0.1, 1],
    ];
    for (const [name, self, total, samples] of expected) {
      close(timing(name).selfMs, self, `${name} self`);
      close(timing(name).totalMs, total, `${name} total`);
      assert.equal(timing(name).samples, samples, `${name} samples`);
    }
    // walk → visit → walk: the three samples under the inner walk count once in walk's total (0.9, not 1.2).
    assert.ok(timing('walk').totalMs < 1, 'recursion counted once');
    for (let k = 1; k < timings.length; k++)
      assert.ok(timings[k - 1].selfMs >= timings[k].selfMs, 'largest self first');
  });

  it('leaves out V8’s pseudo-frames and names anonymous functions', function () {
    const names = timings.map((t) => t.functionName);
    for (const pseudo of ['(root)', '(idle)', '(program)'])
      assert.ok(!names.includes(pseudo), `${pseudo} is no function`);
    const anonymous = timing('(anonymous)');
    assert.deepEqual([anonymous.url, anonymous.line, anonymous.column], [PROC, 31, 5], '1-based line and column');
    assert.deepEqual([timing('walk').line, timing('walk').column], [11, 3]);
  });

  it('spreads self time over the profiled workers’ chunks, naming chunks by ChunkRecord.index', function () {
    // walk per chunk: 10 → 0.2, 11 → 0.1, 12 → 0.3 (chunk 13's worker has no profile: not counted).
    close(timing('walk').medianChunkSelfMs, 0.2, 'walk median');
    assert.equal(timing('walk').worstChunk, 12);
    close(timing('walk').worstChunkSelfMs, 0.3, 'walk worst');
    // (anonymous): 0.1, 0.1 and 0 → 0.1 (with chunk 13 as a zero it would be 0.05).
    close(timing('(anonymous)').medianChunkSelfMs, 0.1, 'anonymous median');
    assert.equal(timing('(anonymous)').worstChunk, 10, 'the first chunk of the largest self time');
    close(timing('visit').medianChunkSelfMs, 0, 'visit ran in one chunk of three');
    assert.equal(timing('visit').worstChunk, 10);
    // Outside every chunk: no worst chunk.
    for (const name of ['parseText', 'dispatch', 'main', '(garbage collector)']) {
      assert.equal(timing(name).worstChunk, undefined, `${name} worst chunk`);
      assert.equal(timing(name).worstChunkSelfMs, 0);
    }
  });

  it('without chunk records: the same self and total, no chunk spread', function () {
    const bare = functionTimings(PROFILES);
    assert.deepEqual(
      bare.map((t) => [t.functionName, t.selfMs, t.totalMs, t.samples]),
      timings.map((t) => [t.functionName, t.selfMs, t.totalMs, t.samples]),
    );
    for (const t of bare) assert.deepEqual([t.worstChunk, t.worstChunkSelfMs, t.medianChunkSelfMs], [undefined, 0, 0]);
  });
});
