// The tuner on real workers: a scaling probe and a guided search for a processor with a known
// cost, far fewer runs than the grid, settings saved and then used by `chunkscope run`.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tune } from '../src/engine';
import { findSavedTuning } from '../src/engine/tune/tune';
import { ROOT, datasetForSuite } from './helpers';

const SPIN = path.join(ROOT, 'test/fixtures/cost/spin-chunk.js');
const BIN = path.join(ROOT, 'bin', 'chunkscope.js');

describe('tune', function () {
  this.timeout(240_000);
  const ROWS = 10_000;
  const suite = datasetForSuite(
    'chunkscope-tune-',
    'known.csv',
    () => 'i,v\n' + Array.from({ length: ROWS }, (_, i) => `${i},${i % 7}\n`).join(''),
  );

  it('probes worker counts, fits the model from a few sizes, and saves the measured best for run to use', async () => {
    const tempDir = suite.tmp.subdir('t');
    const tuning = path.join(suite.tmp.subdir('project'), '.chunkscope', 'tuning.json');
    const steps: string[] = [];
    const result = await tune(
      { data: suite.data, processor: SPIN, tempDir, saveTo: tuning },
      { onStep: (m) => steps.push(m) },
    );
    const probe = result.workersProbe!;
    assert.ok(probe.steps.length >= 1 && probe.chosen >= 1);
    assert.ok(['cores', 'main-thread', 'memory-bandwidth'].includes(probe.reason));
    assert.match(
      probe.explanation,
      probe.reason === 'cores' ? /number of cores/ : /Going from \d+ to \d+ workers changed throughput by -?[\d.]+ %/,
    );
    const r = result.recommendation;
    assert.equal(r.workers, probe.chosen);
    assert.equal(r.source, 'measured', 'the whole file was the sample: the measured best wins');
    // 1000 µs per chunk against 20 µs per row: tiny chunks cannot be best; one worker has no tail,
    // so one chunk can be; several workers want several chunks each.
    assert.ok(
      r.chunkRows! > 20 && r.chunkRows! <= Math.ceil(ROWS / r.workers),
      `chose ${r.chunkRows} rows for ${r.workers} workers`,
    );
    const best = Math.max(...result.points.map((p) => p.rowsPerSecond.median));
    assert.equal(r.rowsPerSecond, best);
    assert.ok(result.runs! <= 20, `${result.runs} runs (a 10-size × 2-worker grid with 3 repeats is 80)`);
    assert.ok(result.model && result.model.perRowUs > 15, 'the model was fitted');
    assert.match(result.explanation, /^Tried \d+ worker counts? and \d+ chunk sizes in \d+ runs/);
    assert.match(result.explanation, /Each chunk costs a worker about [\d,.]+ µs plus [\d,.]+ µs per row/);
    assert.ok(steps.length >= 4, 'progress lines');
    assert.deepEqual(fs.readdirSync(tempDir), []);

    assert.equal(result.savedTo, tuning);
    const saved = findSavedTuning(tuning, suite.data, SPIN);
    assert.ok(saved && 'entry' in saved);
    assert.equal(saved.entry.chunkRows, r.chunkRows);
    assert.equal(saved.entry.workers, r.workers);
  });

  it('`chunkscope run` with no chunk size uses the saved settings and says so; a changed processor makes them stale', () => {
    const project = suite.tmp.subdir('cli');
    const processor = suite.tmp.write('spin-copy.js', fs.readFileSync(SPIN, 'utf8'));
    const tuned = spawnSync(
      process.execPath,
      [BIN, 'tune', suite.data, '--processor', processor, '--workers', '1', '--save'],
      { cwd: project, encoding: 'utf8', timeout: 180_000 },
    );
    assert.equal(tuned.status, 0, tuned.stderr);
    assert.match(tuned.stdout, /^Settings: byte-range, 1 worker, [\d,]+ rows a chunk/m);
    assert.match(
      tuned.stdout,
      /Saved to .*\.chunkscope\/tuning\.json: "chunkscope run" on this dataset and processor uses these settings/,
    );
    const saved = JSON.parse(fs.readFileSync(path.join(project, '.chunkscope', 'tuning.json'), 'utf8'));
    const entry = Object.values(saved.entries)[0] as { chunkRows: number };

    const run = spawnSync(process.execPath, [BIN, 'run', suite.data, '--processor', processor, '--json'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stderr,
      /Using the saved tuning from \.chunkscope\/tuning\.json: byte-range, 1 worker, [\d,]+ rows a chunk/,
    );
    const summary = JSON.parse(run.stdout).summary;
    assert.equal(summary.workers, 1);
    assert.equal(summary.chunkRows, entry.chunkRows);

    const explicit = spawnSync(
      process.execPath,
      [BIN, 'run', suite.data, '--processor', processor, '--chunk-rows', '77', '--json'],
      { cwd: project, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(explicit.status, 0, explicit.stderr);
    assert.doesNotMatch(explicit.stderr, /saved tuning/);

    fs.appendFileSync(processor, '\n// edited\n');
    const stale = spawnSync(process.execPath, [BIN, 'run', suite.data, '--processor', processor, '--json'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(stale.status, 0, stale.stderr);
    assert.match(
      stale.stderr,
      /Saved tuning in \.chunkscope\/tuning\.json not used: .*spin-copy.*\.js changed since it was tuned/,
    );
  });

  it('usage errors name the option', () => {
    const bad = spawnSync(process.execPath, [BIN, 'tune', suite.data, '--processor', SPIN, '--workers', 'many'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--workers needs a whole number of at least 1 or "auto", got "many"/);
    const chunk = spawnSync(process.execPath, [BIN, 'run', suite.data, '--processor', SPIN, '--chunk', 'sometimes'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(chunk.status, 2);
    assert.match(chunk.stderr, /--chunk must be auto or fixed, got "sometimes"/);
    const report = spawnSync(process.execPath, [BIN, 'sweep', suite.data, '--processor', SPIN, '--sample', 'lots'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(report.status, 2);
    assert.match(
      report.stderr,
      /--sample needs a fraction of the file \(0\.1 or 10%\) or a whole number of rows \(50000\), got "lots"/,
    );
  });
});
