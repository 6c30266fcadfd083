// CPU profiles (README "CPU profiles"): real runs on real worker threads with profile: true, checked against the
// .cpuprofile format, against an independent parser from npm (flamebearer), and against what the
// fixtures are known to do: test/fixtures/profile/hot.{js,ts} spend nearly all their time in spinHot.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import {
  ChunkscopeError,
  attributeSamples,
  decodeMappings,
  functionTimings,
  inlineSourceMap,
  lineTimings,
  mapProfileToSources,
  readThreadProfiles,
  runDataset,
  sampleTimesMs,
  samplesInWindows,
  sliceProfile,
  type ChunkRecord,
  type CpuProfile,
  type LoadedProfile,
  type RunReport,
} from '../src/engine';
import { runArgsFor0x } from '../src/cli/profile-command';
import { ROOT, TempDir } from './helpers';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'profile');
const HOT_JS = path.join(FIXTURES, 'hot.js');
const HOT_TS = path.join(FIXTURES, 'hot.ts');
const BIN = path.join(ROOT, 'bin', 'chunkscope.js');

// flamebearer is ESM only; a real import() kept out of tsc's CommonJS transform.
const importEsm = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;

interface FlamebearerThread {
  top: { frame: { functionName: string; url: string; lineNumber: number }; time: number }[];
  nodes: Map<number, unknown>;
}

/** Checks a profile against the .cpuprofile format as V8 writes it and DevTools reads it; returns it. */
function assertCpuProfileFormat(file: string): CpuProfile {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const where = path.basename(file);
  for (const key of ['nodes', 'samples', 'timeDeltas'] as const)
    assert.ok(Array.isArray(profile[key]), `${where}: ${key} must be an array`);
  assert.equal(typeof profile.startTime, 'number', `${where}: startTime`);
  assert.ok(profile.endTime >= profile.startTime, `${where}: endTime before startTime`);
  assert.equal(profile.samples.length, profile.timeDeltas.length, `${where}: one time delta per sample`);
  const ids = new Set(profile.nodes.map((n) => n.id));
  assert.equal(ids.size, profile.nodes.length, `${where}: node ids are unique`);
  const childOf = new Set<number>();
  for (const node of profile.nodes) {
    assert.ok(Number.isInteger(node.id), `${where}: node id`);
    const f = node.callFrame;
    assert.equal(typeof f.functionName, 'string', `${where}: node ${node.id} functionName`);
    assert.equal(typeof f.scriptId, 'string', `${where}: node ${node.id} scriptId`);
    assert.equal(typeof f.url, 'string', `${where}: node ${node.id} url`);
    assert.ok(
      Number.isInteger(f.lineNumber) && Number.isInteger(f.columnNumber),
      `${where}: node ${node.id} line/column`,
    );
    for (const child of node.children ?? []) {
      assert.ok(ids.has(child), `${where}: node ${node.id} has unknown child ${child}`);
      assert.ok(!childOf.has(child), `${where}: node ${child} has two parents`);
      childOf.add(child);
    }
    for (const tick of node.positionTicks ?? []) {
      assert.ok(
        Number.isInteger(tick.line) && tick.line >= 1,
        `${where}: node ${node.id} positionTicks line ${tick.line} (1-based)`,
      );
      assert.ok(Number.isInteger(tick.ticks) && tick.ticks >= 1, `${where}: node ${node.id} positionTicks ticks`);
    }
  }
  const roots = profile.nodes.filter((n) => !childOf.has(n.id));
  assert.equal(roots.length, 1, `${where}: one root node`);
  assert.equal(roots[0].callFrame.functionName, '(root)', `${where}: the root is (root)`);
  for (const sample of profile.samples) assert.ok(ids.has(sample), `${where}: sample of unknown node ${sample}`);
  // Timestamps never run backwards, and the last sample is inside [startTime, endTime].
  for (const delta of profile.timeDeltas.slice(1)) assert.ok(delta >= 0, `${where}: negative time delta`);
  const last = profile.startTime + profile.timeDeltas.reduce((a, b) => a + b, 0);
  assert.ok(last <= profile.endTime + 1, `${where}: samples run past endTime`);
  return profile;
}

function csv(rows: number): string {
  let s = 'id,v\n';
  for (let i = 1; i <= rows; i++) s += `${i},${(i * 7919) % 1000}\n`;
  return s;
}

function hotLineOf(file: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes('HOT LINE'));
  assert.ok(index >= 0, `${file} marks its hot line`);
  return index + 1;
}

function workerProfiles(loaded: LoadedProfile[]): LoadedProfile[] {
  return loaded.filter((p) => p.thread.thread !== 'main');
}

describe('CPU profiles', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  let data: string;

  before(() => {
    tmp = new TempDir('chunkscope-profile-');
    data = tmp.write('rows.csv', csv(3000));
  });
  after(() => tmp.dispose());

  describe('a JavaScript processor with a known hot function', () => {
    let report: RunReport;
    let dir: string;
    let loaded: LoadedProfile[];

    before(async () => {
      dir = tmp.subdir('profiles');
      report = await runDataset({
        data,
        processor: HOT_JS,
        workers: 2,
        chunkRows: 150,
        profile: true,
        profileDir: dir,
      });
      loaded = readThreadProfiles(report.profiles ?? []);
    });

    it('saves one .cpuprofile per worker and one for the main thread, in the run folder', () => {
      const profiles = report.profiles ?? [];
      const workerIds = [...new Set(report.chunks.map((c) => c.workerId))].sort((a, b) => a - b);
      assert.deepEqual(profiles.map((p) => p.thread).sort(), ['main', ...workerIds].sort());
      assert.equal(profiles.length, 3);
      for (const p of profiles) {
        assert.equal(path.dirname(p.file), dir);
        assert.ok(fs.existsSync(p.file), `${p.file} exists`);
        assert.equal(p.samplingIntervalUs, 1000);
        assert.ok(p.samples > 0, `${p.label} has samples`);
      }
      assert.deepEqual(report.warnings, []);
    });

    it("the main thread's busy time is its own work, not the profiler's interrupts (which make an idle event loop look ~60 % busy)", function () {
      if (process.platform !== 'linux') this.skip();
      const s = report.summary;
      assert.ok(s.mainBusyMs !== undefined, 'measured from the thread CPU clock');
      // The workers spin in spinHot; the main thread only hands chunks out and takes results back.
      assert.ok(
        s.mainBusyMs < 0.3 * s.processingMs,
        `main thread busy ${s.mainBusyMs.toFixed(1)} ms of ${s.processingMs.toFixed(1)} ms`,
      );
      assert.ok(s.mainBusyMs > 0, 'some work was counted');
    });

    it('every file follows the .cpuprofile format (nodes, samples, timeDeltas, positionTicks)', () => {
      let withTicks = 0;
      for (const p of report.profiles!) {
        const profile = assertCpuProfileFormat(p.file);
        assert.equal(profile.samples.length, p.samples);
        withTicks += profile.nodes.filter((n) => n.positionTicks?.length).length;
      }
      assert.ok(withTicks > 0, 'line ticks are recorded');
    });

    it('spinHot holds the largest self time in every worker profile (engine summary)', () => {
      for (const worker of workerProfiles(loaded)) {
        const [top] = functionTimings([worker], report.chunks);
        assert.equal(top.functionName, 'spinHot', `${worker.thread.label}: top function`);
        assert.equal(top.line, 6);
        assert.equal(top.url, pathToFileURL(HOT_JS).href);
      }
    });

    it('an independent parser (flamebearer) reads every file and finds spinHot on top in the workers', async () => {
      const flamebearer = await importEsm('flamebearer');
      for (const p of report.profiles!) {
        const parsed = flamebearer.parseInput(fs.readFileSync(p.file), p.file) as { threads: FlamebearerThread[] };
        assert.equal(parsed.threads.length, 1, `${p.file} parses as one thread`);
        const thread = parsed.threads[0];
        assert.equal(thread.nodes.size, JSON.parse(fs.readFileSync(p.file, 'utf8')).nodes.length);
        if (p.thread === 'main') continue;
        assert.equal(thread.top[0].frame.functionName, 'spinHot', `${p.label}: flamebearer's top self time`);
        assert.equal(thread.top[0].frame.lineNumber + 1, 6);
      }
    });

    it('the hottest lines are inside spinHot, for the engine and for flamebearer alike', async () => {
      const lines = lineTimings(loaded, HOT_JS).sort((a, b) => b.selfMs - a.selfMs);
      const spinHotBody = (line: number) => line >= 8 && line <= 57;
      assert.ok(spinHotBody(lines[0].line), `hottest line ${lines[0].line} is in spinHot's loop`);
      const flamebearer = await importEsm('flamebearer');
      for (const worker of workerProfiles(loaded)) {
        const parsed = flamebearer.parseInput(fs.readFileSync(worker.thread.file), worker.thread.file) as {
          threads: FlamebearerThread[];
        };
        const thread = parsed.threads[0];
        // spinHot's time is spread over its 48 unrolled lines, so compare within the processor's file.
        const hot = (
          flamebearer.buildHotLines(thread, [...thread.nodes.keys()]) as { url: string; line: number; time: number }[]
        )
          .filter((l) => l.url === pathToFileURL(HOT_JS).href)
          .sort((a, b) => b.time - a.time)[0];
        assert.ok(
          hot && spinHotBody(hot.line),
          `flamebearer's hottest line of hot.js (${hot?.line}) is in spinHot's loop`,
        );
      }
    });

    it("puts samples on the chunk records' clock: spinHot samples fall in compute phases of that worker's chunks", () => {
      for (const worker of workerProfiles(loaded)) {
        const records = report.chunks.filter((c) => c.workerId === worker.thread.thread);
        const { profile, thread } = worker;
        const times = sampleTimesMs(profile, thread.clockOffsetMs);
        const first = records.reduce((m, r) => Math.min(m, r.startedAt), Infinity);
        const last = records.reduce((m, r) => Math.max(m, r.finishedAt), 0);
        // The profile runs from after setup() to teardown(): it spans every chunk of the worker.
        assert.ok(
          profile.startTime / 1000 + thread.clockOffsetMs <= first,
          `${thread.label}: profile starts before the first chunk`,
        );
        assert.ok(
          profile.endTime / 1000 + thread.clockOffsetMs >= last,
          `${thread.label}: profile ends after the last chunk`,
        );
        const spinHotIds = new Set(
          profile.nodes.filter((n) => n.callFrame.functionName === 'spinHot').map((n) => n.id),
        );
        const attribution = attributeSamples(profile, thread.clockOffsetMs, records);
        let hot = 0;
        let hotInCompute = 0;
        for (let i = 0; i < profile.samples.length; i++) {
          if (!spinHotIds.has(profile.samples[i])) continue;
          hot++;
          if (attribution[i].phase === 'compute') hotInCompute++;
          assert.ok(
            times[i] >= first - 1 && times[i] <= last + 1,
            `${thread.label}: a spinHot sample at ${times[i].toFixed(1)} ms lies outside the worker's chunks [${first.toFixed(1)}, ${last.toFixed(1)}]`,
          );
        }
        assert.ok(hot > 100, `${thread.label}: ${hot} spinHot samples`);
        // Sample stamps and chunk stamps are taken by different code a few µs apart; a wrong offset would move whole chunks' worth.
        assert.ok(
          hotInCompute / hot > 0.97,
          `${thread.label}: ${hotInCompute} of ${hot} spinHot samples are in a compute phase`,
        );
        const inside = samplesInWindows(
          profile,
          thread.clockOffsetMs,
          records.map((r) => ({ start: r.startedAt, end: r.finishedAt })),
        );
        assert.equal(inside.length, attribution.filter((a) => a.chunk >= 0).length, 'windows and attribution agree');
      }
    });

    it('per-function spread across chunks: spinHot runs in every chunk, its median and worst chunk are real chunks', () => {
      const spin = functionTimings(loaded, report.chunks).find((f) => f.functionName === 'spinHot')!;
      assert.ok(spin.medianChunkSelfMs > 0, 'spinHot has self time in the median chunk');
      assert.ok(spin.worstChunkSelfMs >= spin.medianChunkSelfMs);
      assert.ok(
        report.chunks.some((c) => c.index === spin.worstChunk),
        "the worst chunk is one of the run's",
      );
      assert.ok(spin.totalMs >= spin.selfMs);
      const processRow = functionTimings(loaded, report.chunks).find((f) => f.functionName === 'exports.processRow')!;
      assert.ok(processRow.totalMs >= spin.selfMs * 0.9, "processRow's total time includes spinHot under it");
    });
  });

  describe('a TypeScript processor', () => {
    let report: RunReport;
    let loaded: LoadedProfile[];

    before(async () => {
      report = await runDataset({
        data,
        processor: HOT_TS,
        workers: 2,
        chunkRows: 150,
        profile: true,
        profileDir: tmp.subdir('ts-profiles'),
      });
      loaded = readThreadProfiles(report.profiles ?? []);
    });

    it("the hot line reported is the .ts line (the compiled JavaScript's is elsewhere)", () => {
      const tsHot = hotLineOf(HOT_TS);
      const lines = lineTimings(loaded, HOT_TS).sort((a, b) => b.selfMs - a.selfMs);
      assert.equal(lines[0].line, tsHot);
      assert.ok(lines[0].samples > 100);
      for (const worker of workerProfiles(loaded)) assert.deepEqual(worker.thread.mappedSources, [HOT_TS]);
    });

    it('the saved files name hot.ts lines, so DevTools-style readers (flamebearer) show .ts lines too', async () => {
      const flamebearer = await importEsm('flamebearer');
      const tsHot = hotLineOf(HOT_TS);
      for (const worker of workerProfiles(loaded)) {
        assertCpuProfileFormat(worker.thread.file);
        const parsed = flamebearer.parseInput(fs.readFileSync(worker.thread.file), worker.thread.file) as {
          threads: FlamebearerThread[];
        };
        const thread = parsed.threads[0];
        const hot = (
          flamebearer.buildHotLines(thread, [...thread.nodes.keys()]) as { url: string; line: number; time: number }[]
        ).sort((a, b) => b.time - a.time)[0];
        assert.equal(hot.url, pathToFileURL(HOT_TS).href);
        assert.equal(hot.line, tsHot);
      }
      const spin = functionTimings(loaded, report.chunks).find((f) => f.functionName === 'spinHot')!;
      const declared =
        fs
          .readFileSync(HOT_TS, 'utf8')
          .split('\n')
          .findIndex((l) => l.startsWith('export function spinHot')) + 1;
      assert.equal(spin.line, declared, 'spinHot is located at its .ts declaration');
    });
  });

  describe('source maps', () => {
    it('decodes VLQ mappings exactly like @jridgewell/trace-mapping on a real esbuild map', () => {
      const source = fs.readFileSync(HOT_TS, 'utf8');
      const out = transformSync(source, { loader: 'ts', sourcemap: true, sourcefile: 'hot.ts', format: 'cjs' });
      const map = JSON.parse(out.map);
      // trace-mapping arrives with flamebearer: an independent decoder to compare against.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { TraceMap, decodedMappings } = require('@jridgewell/trace-mapping') as {
        TraceMap: new (m: unknown) => unknown;
        decodedMappings: (m: unknown) => number[][][];
      };
      const theirs = decodedMappings(new TraceMap(map)).map((line) =>
        line.filter((s) => s.length >= 4).map((s) => [s[0], s[1], s[2], s[3]]),
      );
      const ours = decodeMappings(map.mappings).map((line) =>
        line.map((s) => [s.column, s.source, s.line, s.sourceColumn]),
      );
      assert.ok(ours.flat().length > 20, 'a real map with many segments');
      assert.deepEqual(ours, theirs);
    });

    it('maps call frames and line ticks of the compiled file; leaves other frames alone', () => {
      const generated = '/work/x/proc.ts';
      // Generated line 2 (0-based 1) maps to original line 5 (0-based 4); line 3 to line 9. "AACA" = col 0, src 0, +1 line, col 0.
      const map = { version: 3, sources: ['proc.ts'], mappings: ';AAIA;AAIA', names: [] };
      assert.deepEqual(
        decodeMappings(map.mappings).map((l) => l.map((s) => s.line)),
        [[], [4], [8]],
      );
      const profile: CpuProfile = {
        nodes: [
          {
            id: 1,
            callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 },
            children: [2, 3],
          },
          {
            id: 2,
            callFrame: {
              functionName: 'f',
              scriptId: '9',
              url: 'file:///work/x/proc.ts',
              lineNumber: 1,
              columnNumber: 4,
            },
            positionTicks: [
              { line: 2, ticks: 3 },
              { line: 3, ticks: 5 },
            ],
          },
          {
            id: 3,
            callFrame: {
              functionName: 'g',
              scriptId: '8',
              url: 'file:///work/x/other.js',
              lineNumber: 1,
              columnNumber: 0,
            },
            positionTicks: [{ line: 2, ticks: 1 }],
          },
        ],
        startTime: 0,
        endTime: 10,
        samples: [2, 3],
        timeDeltas: [1, 1],
      };
      const { profile: mapped, mappedSources } = mapProfileToSources(profile, generated, map);
      assert.deepEqual(mappedSources, ['/work/x/proc.ts']);
      assert.deepEqual(mapped.nodes[1].callFrame, {
        functionName: 'f',
        scriptId: '9',
        url: 'file:///work/x/proc.ts',
        lineNumber: 4,
        columnNumber: 0,
      });
      assert.deepEqual(mapped.nodes[1].positionTicks, [
        { line: 5, ticks: 3 },
        { line: 9, ticks: 5 },
      ]);
      assert.deepEqual(mapped.nodes[2], profile.nodes[2]);
      assert.deepEqual(
        [mapped.samples, mapped.timeDeltas, mapped.startTime, mapped.endTime],
        [profile.samples, profile.timeDeltas, 0, 10],
      );
    });

    it('reads the inline map esbuild leaves in a compiled processor, and rejects a corrupt one clearly', () => {
      const out = transformSync('const a: number = 1;\nexport const b = a;\n', {
        loader: 'ts',
        sourcemap: 'inline',
        sourcefile: 'p.ts',
      });
      const map = inlineSourceMap(out.code);
      assert.ok(map && map.sources[0] === 'p.ts' && map.mappings.length > 0);
      assert.equal(inlineSourceMap('exports.x = 1;\n'), undefined);
      assert.throws(() => decodeMappings('AA!A'), /Invalid source map: character "!" at offset 2/);
    });
  });

  describe('slicing by time', () => {
    // Samples at 1, 2, … 10 ms (µs stamps 1000 … 10000) with a clock offset of 5 ms: 6 … 15 ms on the run's clock.
    const node = (id: number, functionName: string, children?: number[]) => ({
      id,
      callFrame: { functionName, scriptId: '1', url: 'file:///p.js', lineNumber: id, columnNumber: 0 },
      children,
    });
    const profile: CpuProfile = {
      nodes: [node(1, '(root)', [2, 3]), node(2, 'work'), node(3, '(idle)')],
      startTime: 0,
      endTime: 10_500,
      samples: [3, 2, 2, 2, 2, 2, 3, 2, 2, 3],
      timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
    };
    const record = (
      index: number,
      startedAt: number,
      finishedAt: number,
      phases: [number, number, number, number],
    ): ChunkRecord => ({
      index,
      workerId: 1,
      rows: 1,
      firstRow: 1,
      firstLine: 2,
      bytes: 1,
      byteStart: 0,
      byteEnd: 1,
      submittedAt: startedAt,
      startedAt,
      finishedAt,
      receivedAt: finishedAt,
      readMs: phases[0],
      parseMs: phases[1],
      computeMs: phases[2],
      encodeMs: phases[3],
      queueWaitMs: 0,
      returnMs: 0,
      repaired: false,
      skipped: 0,
      resultBytes: 0,
    });

    it('puts sample i at startTime + Σ timeDeltas[0..i] on the run clock', () => {
      assert.deepEqual([...sampleTimesMs(profile, 5)], [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    });

    it('returns the samples inside windows (start inclusive, end exclusive), in any order of windows', () => {
      assert.deepEqual(
        samplesInWindows(profile, 5, [
          { start: 12.5, end: 15 },
          { start: 6.5, end: 9 },
        ]),
        [1, 2, 7, 8],
      );
      assert.throws(() => samplesInWindows(profile, 5, [{ start: 3, end: 2 }]), /ends before it starts/);
    });

    it('attributes each sample to a chunk and a phase in read, parse, compute, encode order; outside chunks idle or overhead', () => {
      // Chunk 0 at 7–11.5 ms: read 1 → [7,8), parse 1 → [8,9), compute 2 → [9,11), encode → [11, 11.5). Chunk 1 at 13–14.5, all compute.
      const attributed = attributeSamples(profile, 5, [
        record(1, 13, 14.5, [0, 0, 1.5, 0]),
        record(0, 7, 11.5, [1, 1, 2, 0.5]),
      ]);
      assert.deepEqual(
        attributed.map((a) => `${a.chunk}:${a.phase}`),
        [
          '-1:idle',
          '0:read',
          '0:parse',
          '0:compute',
          '0:compute',
          '0:encode',
          '-1:idle',
          '1:compute',
          '1:compute',
          '-1:idle',
        ],
      );
      const busyOutside = attributeSamples({ ...profile, samples: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2] }, 5, [
        record(0, 7, 11.5, [1, 1, 2, 0.5]),
      ]);
      assert.equal(busyOutside[0].phase, 'overhead');
    });

    it('slices a profile to chosen samples with their original timestamps', () => {
      const slice = sliceProfile(profile, [8, 1]);
      assert.deepEqual(slice.samples, [2, 2]);
      assert.deepEqual([...sampleTimesMs(slice, 5)], [7, 14]);
      assert.equal(slice.nodes.find((n) => n.id === 2)!.hitCount, 2);
      assert.equal(slice.endTime, 9000);
    });
  });

  describe('options and the CLI', () => {
    it('rejects a too-fine interval and profile settings without profile: true, naming them', async () => {
      await assert.rejects(
        runDataset({ data, processor: HOT_JS, workers: 1, profile: true, profileIntervalUs: 10 }),
        (e: unknown) =>
          e instanceof ChunkscopeError &&
          e.code === 'usage' &&
          /sampling interval .* at least 50, got 10/.test(e.message),
      );
      await assert.rejects(
        runDataset({ data, processor: HOT_JS, workers: 1, profileDir: tmp.path('x') }),
        (e: unknown) => e instanceof ChunkscopeError && e.code === 'usage' && /without profile: true/.test(e.message),
      );
    });

    it("a reused profile folder ends up with exactly this run's profiles; other files stay", async () => {
      const dir = tmp.subdir('reused');
      fs.writeFileSync(path.join(dir, 'worker-999.cpuprofile'), '{}');
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
      const report = await runDataset({
        data,
        processor: HOT_JS,
        workers: 1,
        chunkRows: 1500,
        profile: true,
        profileDir: dir,
      });
      const expected = [...report.profiles!.map((p) => path.basename(p.file)), 'notes.txt'].sort();
      assert.deepEqual(fs.readdirSync(dir).sort(), expected);
    });

    it('an unprofiled run has no profiles, also when copied options switch profiling off with profile: false', async () => {
      const report = await runDataset({ data, processor: HOT_JS, workers: 1, chunkRows: 1500 });
      assert.equal(report.profiles, undefined);
      const unused = tmp.path('unused-profiles');
      const off = await runDataset({
        data,
        processor: HOT_JS,
        workers: 1,
        chunkRows: 1500,
        profile: false,
        profileDir: unused,
      });
      assert.equal(off.profiles, undefined);
      assert.ok(!fs.existsSync(unused), 'no profile folder is created');
    });

    it('`chunkscope profile` saves profiles beside --timings and prints them with the top self-time functions at file:line', () => {
      const timings = path.join(tmp.subdir('cli'), 'run.timings.json');
      const r = spawnSync(
        process.execPath,
        [BIN, 'profile', data, '--processor', HOT_TS, '--workers', '2', '--chunk-rows', '300', '--timings', timings],
        { encoding: 'utf8', timeout: 120_000 },
      );
      assert.equal(r.status, 0, r.stderr);
      const dir = timings.replace(/\.timings\.json$/, '.profiles');
      const files = fs.readdirSync(dir).sort();
      assert.equal(files.length, 3);
      assert.ok(files.includes('main.cpuprofile'));
      for (const f of files) assert.ok(r.stdout.includes(path.join(dir, f)), `the summary names ${f}`);
      const top = r.stdout.split('\n').findIndex((l) => l.startsWith('top '));
      assert.ok(top > 0, r.stdout);
      assert.match(
        r.stdout.split('\n')[top + 1],
        new RegExp(`ms {2}spinHot {2}${HOT_TS.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:11\\b`),
      );
      const saved = JSON.parse(fs.readFileSync(timings, 'utf8')) as RunReport;
      assert.equal(saved.profiles?.length, 3, 'the timings file lists the profiles');
    });

    it('CLI usage errors name the flag', () => {
      const bad = (args: string[], pattern: RegExp) => {
        const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
        assert.equal(r.status, 2, r.stderr);
        assert.match(r.stderr, pattern);
      };
      bad(['profile', data, '--processor', HOT_JS, '--engine', 'perf'], /--engine must be inspector or 0x, got "perf"/);
      bad(['run', data, '--processor', HOT_JS, '--profile-dir', 'x'], /need --profile/);
      bad(
        ['run', data, '--processor', HOT_JS, '--profile', '--profile-interval', 'fast'],
        /--profile-interval needs a whole number of microseconds, got "fast"/,
      );
      bad(['run', data, '--processor', HOT_JS, '--engine', '0x'], /--engine belongs to "chunkscope profile"/);
    });

    it('`profile --engine 0x` renders 0x flame graphs of the main thread and of each worker isolate', function () {
      this.timeout(240_000);
      const out = tmp.subdir('0x');
      const timings = path.join(out, 'run.timings.json');
      const reportHtml = path.join(out, 'run.html');
      const r = spawnSync(
        process.execPath,
        [
          BIN,
          'profile',
          data,
          '--processor',
          HOT_JS,
          '--workers',
          '2',
          '--chunk-rows',
          '300',
          '--engine',
          '0x',
          '--profile-dir',
          out,
          '--timings',
          timings,
          '--report',
          reportHtml,
        ],
        { encoding: 'utf8', timeout: 240_000 },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^rows +3,000$/m, 'the run itself printed its summary');
      const graphs = [
        ...r.stdout.matchAll(/^ {2}(main thread|worker isolate \d|esbuild thread|other isolate \S+) +(\S+\.html)$/gm),
      ].map((m) => ({ label: m[1], html: m[2] }));
      assert.deepEqual(
        graphs.map((g) => g.label).filter((l) => l !== 'esbuild thread' && !l.startsWith('other')),
        ['main thread', 'worker isolate 1', 'worker isolate 2'],
      );
      for (const g of graphs) {
        assert.ok(g.html.startsWith(out), `${g.html} is under --profile-dir`);
        assert.ok(fs.statSync(g.html).size > 10_000, `${g.label}: ${g.html} is a rendered page`);
      }
      // The processor runs on the workers: their flame graphs show its hot function. Not every
      // worker's must: piscina may hand one worker most of the ten short chunks.
      const showing = graphs.filter(
        (x) => x.label.startsWith('worker') && fs.readFileSync(x.html, 'utf8').includes('spinHot'),
      );
      assert.ok(showing.length >= 1, "a worker isolate's flame graph shows spinHot");
      // The run's timings and report link the flame graphs (0x finished after the run wrote them).
      const linked = JSON.parse(fs.readFileSync(timings, 'utf8')).wholeProcessFlameGraphs as {
        label: string;
        html: string;
      }[];
      assert.deepEqual(linked.map((g) => g.html).sort(), graphs.map((g) => g.html).sort());
      const page = fs.readFileSync(reportHtml, 'utf8');
      for (const g of graphs)
        assert.ok(page.includes(JSON.stringify(g.html).slice(1, -1)), `the report embeds ${g.html}`);
    });

    it('the 0x child gets the run arguments without the profile command and 0x-only flags', () => {
      assert.deepEqual(
        runArgsFor0x([
          'profile',
          'd.csv',
          '--processor',
          'p.js',
          '--engine',
          '0x',
          '--profile-dir',
          'out',
          '--workers',
          '2',
        ]),
        ['d.csv', '--processor', 'p.js', '--workers', '2'],
      );
      assert.deepEqual(runArgsFor0x(['--engine=0x', 'profile', 'profile.csv', '--processor', 'p.js']), [
        'profile.csv',
        '--processor',
        'p.js',
      ]);
    });
  });
});
