// Bounded memory: generated files much larger than the allowed RSS growth stream through, and the
// growth does not follow the file's size.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { runDataset } from '../src/engine';
import type { RunReport } from '../src/engine';
import { TempDir, writeProcessor } from './helpers';

const MB = 1024 * 1024;
/** The stated bound: what two warm workers plus the main thread may add, whatever the file's size. */
const BOUND_MB = 256;
/** Three times the bound, so a reader that held the file (or a growing share of it) would break it. */
const HUGE_BYTES = 3 * BOUND_MB * MB;
const BIG_BYTES = 120 * MB;
/** Extra growth allowed for a 6× larger file, as a share of the size difference: a reader that kept
 * even a tenth of what it read would exceed it, while GC noise (tens of MB) stays well inside. */
const SCALING_SHARE = 0.1;

// A real full GC before measuring, so garbage from generating the file does not blur the baseline.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface Generated {
  file: string;
  rows: number;
  bytes: number;
  sumX: number;
}

function writeCsv(file: string, target: number): Generated {
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  let rows = 0;
  let sumX = 0;
  let buf = 'id,name,x,y,z\n';
  bytes += buf.length;
  while (bytes < target) {
    rows++;
    const x = rows % 1000;
    sumX += x;
    const line =
      rows % 7 === 0
        ? `${rows},"name, with comma ${rows}",${x},${rows % 17}.5,-${rows % 3}\n`
        : `${rows},plain name ${rows},${x},${rows % 17}.5,-${rows % 3}\n`;
    buf += line;
    bytes += line.length;
    if (buf.length > MB) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
  return { file, rows, bytes, sumX };
}

/** Emits every 100th row only: the huge file still streams through --out without a slow check afterwards. */
const SPARSE_EVERY = 100;

/** What the sparse processor writes for a generated file: the x of every SPARSE_EVERY-th row. */
function sparseExpectation(gen: Generated): { lines: number; sum: number } {
  let lines = 0;
  let sum = 0;
  for (let id = SPARSE_EVERY; id <= gen.rows; id += SPARSE_EVERY) {
    lines++;
    sum += id % 1000;
  }
  return { lines, sum };
}

async function countAndSum(file: string): Promise<{ lines: number; sum: number }> {
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let lines = 0;
  let sum = 0;
  for await (const l of rl) {
    lines++;
    sum += JSON.parse(l) as number;
  }
  return { lines, sum };
}

/** Runs byte-range with 2 workers and --out; returns peak RSS growth (engine's peak and our own 10 ms samples). */
async function measure(
  tmp: TempDir,
  gen: Generated,
  proc: string,
  expected: { lines: number; sum: number } = { lines: gen.rows, sum: gen.sumX },
  chunkBytes?: number,
): Promise<{ growth: number; report: RunReport; detail: string }> {
  const out = tmp.path('mem.ndjson');
  gc();
  const before = process.memoryUsage.rss();
  let sampled = before;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage.rss());
  }, 10);
  let report: RunReport;
  try {
    report = await runDataset({ data: gen.file, processor: proc, strategy: 'byte-range', workers: 2, out, chunkBytes });
  } finally {
    clearInterval(sampler);
  }
  sampled = Math.max(sampled, process.memoryUsage.rss());
  assert.equal(report.summary.rows, gen.rows);
  const check = await countAndSum(out);
  fs.rmSync(out);
  assert.equal(check.lines, expected.lines, 'every result was written');
  assert.equal(check.sum, expected.sum, 'the values are right');
  const peak = Math.max(sampled, report.summary.peakRssBytes);
  const detail =
    `file ${(gen.bytes / MB).toFixed(0)} MB: RSS before ${(before / MB).toFixed(1)} MB, engine peak ${(report.summary.peakRssBytes / MB).toFixed(1)} MB, ` +
    `sampled peak ${(sampled / MB).toFixed(1)} MB, growth ${((peak - before) / MB).toFixed(1)} MB; ` +
    `${report.summary.chunks} chunks, sizes ${(report.summary.chunkSizes ?? []).map((c) => `${(c.bytes / MB).toFixed(2)}@${c.atChunk}`).join(' ')}`;
  return { growth: peak - before, report, detail };
}

describe('bounded memory', function () {
  this.timeout(5 * 60 * 1000);
  let tmp: TempDir;
  let big: Generated;
  let sparseProc: string;
  before(function () {
    this.timeout(5 * 60 * 1000);
    tmp = new TempDir('chunkscope-memory-');
    big = writeCsv(tmp.path('big.csv'), BIG_BYTES);
    sparseProc = writeProcessor(
      tmp,
      'sparse.js',
      `exports.processRow = (row) => (Number(row.id) % ${SPARSE_EVERY} === 0 ? Number(row.x) : undefined);\n`,
    );
  });
  after(() => tmp?.dispose()); // deletes the generated files

  // Measured in test 1, compared in test 2: two files past the point where the workers' heaps
  // settle (a few dozen chunks), so what remains is any growth that follows the file's size.
  let hugeGrowth: { growth: number; detail: string; report: RunReport } | undefined;

  it(`a ${HUGE_BYTES / MB} MB file (3× the bound) through byte-range with 2 workers and --out keeps peak RSS growth under ${BOUND_MB} MB`, async () => {
    const huge = writeCsv(tmp.path('huge.csv'), HUGE_BYTES);
    try {
      const m = await measure(tmp, huge, sparseProc, sparseExpectation(huge));
      hugeGrowth = m;
      console.log(`      ${m.detail}`);
      assert.ok(m.growth < BOUND_MB * MB, `${m.detail}; bound ${BOUND_MB} MB`);
    } finally {
      fs.rmSync(huge.file, { force: true });
    }
  });

  it(`peak RSS growth does not follow the file size: ${HUGE_BYTES / MB} MB adds under ${SCALING_SHARE * 100}% of the difference over ${BIG_BYTES / MB} MB`, async function () {
    if (!hugeGrowth) this.skip();
    // The growth follows the chunk size (bigger chunks, bigger worker heaps), and adaptive chunking
    // may settle on 1 MB in one run and 2 MB in the next. So the smaller file runs at the largest
    // size the big run reached: a difference left is growth that follows the file.
    const largest = Math.max(...(hugeGrowth!.report.summary.chunkSizes ?? []).map((c) => c.bytes));
    const b = await measure(tmp, big, sparseProc, sparseExpectation(big), largest);
    console.log(`      ${b.detail} (fixed at ${(largest / MB).toFixed(2)} MB)`);
    const allowed = SCALING_SHARE * (HUGE_BYTES - big.bytes);
    assert.ok(
      hugeGrowth!.growth - b.growth < allowed,
      `${b.detail}\n${hugeGrowth!.detail}\nallowed extra ${(allowed / MB).toFixed(1)} MB`,
    );
  });
});
