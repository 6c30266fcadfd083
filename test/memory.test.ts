// Bounded memory: a generated file much larger than the allowed RSS growth streams through.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { runDataset } from '../src/engine';
import { TempDir, writeProcessor } from './helpers';

const TARGET_BYTES = 120 * 1024 * 1024;
const BOUND_SHARE = 0.6;
const BOUND_MB = Math.round((TARGET_BYTES * BOUND_SHARE) / (1024 * 1024));

async function writeBigCsv(file: string): Promise<{ rows: number; bytes: number; sumX: number }> {
  const stream = fs.createWriteStream(file);
  let bytes = 0;
  let rows = 0;
  let sumX = 0;
  const header = 'id,name,x,y,z\n';
  stream.write(header);
  bytes += header.length;
  let buf = '';
  while (bytes < TARGET_BYTES) {
    rows++;
    const x = rows % 1000;
    sumX += x;
    const line = rows % 7 === 0 ? `${rows},"name, with comma ${rows}",${x},${rows % 17}.5,-${rows % 3}\n` : `${rows},plain name ${rows},${x},${rows % 17}.5,-${rows % 3}\n`;
    buf += line;
    bytes += line.length;
    if (buf.length > 1 << 20) {
      if (!stream.write(buf)) await new Promise<void>((r) => stream.once('drain', () => r()));
      buf = '';
    }
  }
  stream.write(buf);
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { rows, bytes, sumX };
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

describe('bounded memory', function () {
  this.timeout(5 * 60 * 1000);
  let tmp: TempDir;
  after(() => tmp?.dispose());

  it(`a ~120 MB file through byte-range with 2 workers and --out keeps peak RSS growth under ${BOUND_MB} MB (60% of the file)`, async () => {
    tmp = new TempDir('chunkscope-memory-');
    const data = tmp.path('big.csv');
    const out = tmp.path('big.ndjson');
    const gen = await writeBigCsv(data);
    assert.equal(fs.statSync(data).size, gen.bytes);
    const proc = writeProcessor(tmp, 'x.js', 'exports.processRow = (row) => Number(row.x);\n');

    if (global.gc) global.gc();
    const before = process.memoryUsage.rss();
    let sampledPeak = before;
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
    }, 10);
    let report;
    try {
      report = await runDataset({ data, processor: proc, strategy: 'byte-range', workers: 2, out });
    } finally {
      clearInterval(sampler);
    }
    sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
    fs.rmSync(data);

    assert.equal(report.summary.rows, gen.rows);
    const check = await countAndSum(out);
    assert.equal(check.lines, gen.rows, 'every row was written');
    assert.equal(check.sum, gen.sumX, 'the values are right');

    const peak = Math.max(sampledPeak, report.summary.peakRssBytes);
    const growth = peak - before;
    const bound = gen.bytes * BOUND_SHARE;
    assert.ok(
      growth < bound,
      `peak RSS grew by ${(growth / 2 ** 20).toFixed(1)} MB (engine peak ${(report.summary.peakRssBytes / 2 ** 20).toFixed(1)} MB, ` +
        `sampled peak ${(sampledPeak / 2 ** 20).toFixed(1)} MB, before ${(before / 2 ** 20).toFixed(1)} MB); bound ${(bound / 2 ** 20).toFixed(1)} MB`,
    );
  });
});
