// The workers' hot path must keep its optimized code for the whole run. Every deoptimization of a
// function of the worker bundle throws its optimized code away, runs it slowly until V8 compiles it
// again, and costs that compile (tens of ms for the CSV scanner, on the same two cores as the
// workers) once in every worker, which is most of what a second worker lost before
// (bench/README.md, "The second core"). A real run of the built CLI under --trace-deopt-verbose:
// no bailout may start in dist/chunk-worker.js. The user's own function may deoptimize (those of
// the example are not the engine's to hold), and a byte range whose guessed start is inside a quoted
// field takes a cold path once; the bench-shaped file has neither.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT, TempDir, writeProcessor } from '../../helpers';

const root = ROOT;
const CLI = path.join(root, 'bin/chunkscope.js');

/**
 * Where each bailout happened: the innermost frame's file and line, with the reason. Left out: a
 * function's first optimized code failing at its very first bytecode for want of feedback. V8
 * allocates a function's feedback vector lazily, during its first call when that call runs long (a
 * scanner on its first window), so the loads before its loop hold no feedback if it is compiled
 * before a second call; that depends on when the concurrent compile finishes, not on the engine.
 */
function bailouts(output: string): { reason: string; at: string }[] {
  const lines = output.split('\n');
  const found: { reason: string; at: string }[] = [];
  lines.forEach((line, k) => {
    const reason = /^\[bailout \(kind: [^,]+, reason: ([^)]*)\)/.exec(line)?.[1];
    if (reason === undefined) return;
    if (/opt id 0, bytecode offset 0,/.test(line) && reason.startsWith('Insufficient type feedback')) return;
    const at = /deoptimize at <([^>]*)>/.exec(lines[k + 1] ?? '')?.[1] ?? '(no location)';
    found.push({ reason, at });
  });
  return found;
}

function deoptsOfEngine(file: string, processor: string, workers: number): { reason: string; at: string }[] {
  const run = spawnSync(
    process.execPath,
    [
      '--trace-deopt-verbose',
      CLI,
      'run',
      file,
      '--processor',
      processor,
      '--workers',
      String(workers),
      '--out',
      `${file}.out.ndjson`,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  assert.equal(run.status, 0, `the run failed:\n${run.stderr.slice(-2000)}`);
  const all = bailouts(run.stdout);
  return all.filter((b) => b.at.includes(`dist${path.sep}chunk-worker.js`));
}

describe('worker hot path: no deoptimization in a whole run', function () {
  this.timeout(180_000);
  const tmp = new TempDir('chunkscope-jit-');
  let file: string;

  before(() => {
    file = path.join(tmp.dir, 'bench.csv');
    execFileSync(
      process.execPath,
      [path.join(root, 'examples/generate.mjs'), 'bench', '--rows', '400000', '--out', file],
      {
        cwd: root,
      },
    );
  });
  after(() => tmp.dispose());

  it('object rows of strings (the default job): the scanner, the row batches and the row loop keep their code', () => {
    const found = deoptsOfEngine(file, path.join(root, 'examples/processors/sum-of-squares.js'), 1);
    assert.deepEqual(
      found,
      [],
      `deoptimizations in the worker bundle:\n${found.map((b) => `${b.reason} at ${b.at}`).join('\n')}`,
    );
  });

  it("types: 'infer' object rows (numbers from the bytes), on two workers", () => {
    const found = deoptsOfEngine(file, path.join(root, 'examples/processors/sum-of-squares-infer.js'), 2);
    assert.deepEqual(
      found,
      [],
      `deoptimizations in the worker bundle:\n${found.map((b) => `${b.reason} at ${b.at}`).join('\n')}`,
    );
  });

  it('sees a deoptimization of the worker bundle when there is one (the check reads real V8 output)', () => {
    // Small integers for most rows, then strings: the row loop's results array must change its
    // elements kind mid-run, which V8 deoptimizes the loop for.
    const processor = writeProcessor(
      tmp,
      'kind-change.js',
      `let n = 0;\nexports.processRow = (row) => (++n < 150000 ? n : 'text ' + row.id);\n`,
    );
    const found = deoptsOfEngine(file, processor, 1);
    assert.ok(found.length > 0, 'no bailout in dist/chunk-worker.js: the trace format was not recognised');
  });
});
