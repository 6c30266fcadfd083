// The cost model: exact recovery from noiseless aggregates, the prediction's shape, and on real
// worker threads, a processor with a known cost (1000 µs per chunk + 20 µs per row) recovered by
// the sweep's fit, with the predicted best size near the analytic optimum.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  bestChunkRows,
  explainModel,
  fitCostModel,
  predictRun,
  runSweep,
  type CostModel,
  type RunCostSample,
} from '../src/engine';
import {
  medianInterval95,
  median,
  logSpaced,
  seededRandom,
  shuffle,
  spreadOf,
  weightedLineFit,
} from '../src/engine/base/stats';
import { ROOT, TempDir } from './helpers';

const SPIN = path.join(ROOT, 'test/fixtures/cost/spin-chunk.js');
const KNOWN_FIXED_US = 1000;
const KNOWN_PER_ROW_US = 20;

function model(over: Partial<CostModel> = {}): CostModel {
  return {
    perChunkUs: 100,
    perRowUs: 2,
    mainPerChunkUs: 0,
    startupMs: 50,
    rows: 100_000,
    r2: 1,
    fitChunks: 0,
    medianRelativeError: 0,
    ...over,
  };
}

describe('stats', () => {
  it('median, spread and the order-statistic 95 % interval of the median', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    // Fewer than 6 values: no narrower interval reaches 95 %, so it is [min, max].
    assert.deepEqual(medianInterval95([5, 1, 4, 2, 3]), [1, 5]);
    // n = 9: [x(2), x(8)] covers 96.1 %, [x(3), x(7)] only 82 %.
    assert.deepEqual(medianInterval95([9, 8, 7, 6, 5, 4, 3, 2, 1]), [2, 8]);
    assert.deepEqual(spreadOf([10, 30, 20]), { median: 20, min: 10, max: 30, ci95: [10, 30] });
  });

  it('a seeded shuffle is a reproducible permutation; log-spaced sizes are rounded and distinct', () => {
    const a = shuffle([1, 2, 3, 4, 5, 6, 7, 8], seededRandom(42));
    const b = shuffle([1, 2, 3, 4, 5, 6, 7, 8], seededRandom(42));
    assert.deepEqual(a, b);
    assert.deepEqual([...a].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(logSpaced(1, 10_000, 5), [1, 10, 100, 1000, 10_000]);
    assert.deepEqual(logSpaced(1, 3, 10), [1, 2, 3]);
  });

  it('weighted least squares recovers a line exactly and reports R² = 1', () => {
    const xs = [1, 10, 100, 1000];
    const fit = weightedLineFit(
      xs,
      xs.map((x) => 50 + 3 * x),
      xs.map(() => 1),
    )!;
    assert.ok(Math.abs(fit.intercept - 50) < 1e-9 && Math.abs(fit.slope - 3) < 1e-12 && fit.r2 > 0.999999);
    assert.equal(weightedLineFit([5, 5], [1, 2], [1, 1]), null, 'x must vary');
  });
});

describe('cost model', () => {
  it('fitCostModel recovers per-chunk and per-row cost exactly from noiseless runs', () => {
    const rows = 50_000;
    const samples: RunCostSample[] = [10, 100, 1000, 10_000].map((chunkRows) => {
      const chunks = Math.ceil(rows / chunkRows);
      const effectiveChunkUs = chunks * 80 + rows * 1.5;
      const m = predictRun(model({ perChunkUs: 80, perRowUs: 1.5 }), { rows, chunkRows, workers: 2 });
      return { workers: 2, rows, chunks, processingMs: m.processingMs, startupMs: 40, effectiveChunkUs };
    });
    const fitted = fitCostModel(samples, rows)!;
    assert.ok(Math.abs(fitted.perChunkUs - 80) < 1e-6, `perChunkUs ${fitted.perChunkUs}`);
    assert.ok(Math.abs(fitted.perRowUs - 1.5) < 1e-9, `perRowUs ${fitted.perRowUs}`);
    assert.equal(fitted.mainPerChunkUs, 0, 'no run was slower than its workers allow');
    assert.ok(fitted.medianRelativeError < 1e-9);
    assert.equal(fitCostModel(samples.slice(0, 1), rows), null, 'one chunk size cannot separate the two costs');
  });

  it('fitCostModel finds the main thread’s cost per chunk where runs were main-thread bound', () => {
    const rows = 20_000;
    const truth = model({ perChunkUs: 20, perRowUs: 1, mainPerChunkUs: 60, rows });
    const samples: RunCostSample[] = [1, 5, 50, 500, 5000].map((chunkRows) => {
      const p = predictRun(truth, { rows, chunkRows, workers: 2 });
      return {
        workers: 2,
        rows,
        chunks: p.chunks,
        processingMs: p.processingMs,
        startupMs: 40,
        effectiveChunkUs: p.chunks * 20 + rows * 1,
      };
    });
    const fitted = fitCostModel(samples, rows)!;
    assert.ok(Math.abs(fitted.mainPerChunkUs - 60) < 1, `mainPerChunkUs ${fitted.mainPerChunkUs}`);
  });

  it('predictRun: small chunks pay overhead, large ones leave workers idle, the main thread caps the rate', () => {
    const m = model({ mainPerChunkUs: 40 });
    const tiny = predictRun(m, { rows: 100_000, chunkRows: 1, workers: 4 });
    const mid = predictRun(m, { rows: 100_000, chunkRows: 2000, workers: 4 });
    const huge = predictRun(m, { rows: 100_000, chunkRows: 30_000, workers: 4 });
    assert.ok(tiny.mainThreadBound && tiny.processingMs >= (100_000 * 40) / 1000);
    assert.ok(mid.rowsPerSecond > tiny.rowsPerSecond && mid.rowsPerSecond > huge.rowsPerSecond);
    assert.ok(huge.idleTailShare > mid.idleTailShare);
    assert.ok(tiny.overheadShare > mid.overheadShare);
  });

  it('bestChunkRows lands on the analytic optimum √(2·N·F / (S·(W−1))) and explainModel gives the reasons in words', () => {
    const m = model({ perChunkUs: 500, perRowUs: 5 });
    const rows = 200_000;
    const analytic = Math.sqrt((2 * rows * 500) / (5 * (4 - 1)));
    const best = bestChunkRows(m, { rows, workers: 4 });
    // The curve is flat near its minimum: the smallest size within 0.5 % of the fastest is chosen.
    const atAnalytic = predictRun(m, { rows, chunkRows: Math.round(analytic), workers: 4 }).processingMs;
    assert.ok(
      best.chunkRows >= analytic / 2 && best.chunkRows <= analytic * 1.05,
      `best ${best.chunkRows}, analytic ${analytic.toFixed(0)}`,
    );
    assert.ok(
      best.processingMs <= atAnalytic * 1.005,
      `${best.processingMs} ms vs ${atAnalytic} ms at the analytic optimum`,
    );
    const words = explainModel(m, { rows, workers: 4, best: best.chunkRows }).join('\n');
    assert.match(words, /500 µs plus 5\.00 µs per row/);
    assert.match(words, /Below 1,900 rows a chunk, the fixed cost per chunk .* exceeds 5 % of worker time/);
    assert.match(words, /Above [\d,]+ rows a chunk .* the last chunks leave workers idle for [\d.]+ % of the run/);
  });

  describe('on real workers: a processor with a known cost', function () {
    this.timeout(240_000);
    let tmp: TempDir;
    before(() => (tmp = new TempDir('chunkscope-cost-')));
    after(() => tmp.dispose());

    // One worker: with as many spinning workers as cores, the main thread waits for a core to hand
    // out each next task, which is a real cost but not the processor's. The per-chunk and per-row
    // costs do not depend on the worker count, so the model then predicts for two workers.
    it(`recovers ${KNOWN_FIXED_US} µs per chunk and ${KNOWN_PER_ROW_US} µs per row, and the best size for 2 workers is near the analytic optimum`, async () => {
      const rows = 10_000;
      let csv = 'i,v\n';
      for (let i = 0; i < rows; i++) csv += `${i},${i % 97}\n`;
      const data = tmp.write('known.csv', csv);
      const report = await runSweep({
        data,
        processor: SPIN,
        workers: [1],
        chunkRows: [30, 100, 300, 1000, 3000, 10_000],
        repeats: 2,
        seed: 3,
        tempDir: tmp.dir,
      });
      const m = report.model!;
      assert.ok(m, 'a model was fitted');
      // The spin is the bulk; the engine adds its own per-chunk cost (read, hand-off: 50–600 µs
      // measured on a loaded 2-core machine) and per-row cost (parsing a short row: well under
      // 1 µs), so the fitted values may only exceed the known ones by that much.
      assert.ok(
        m.perChunkUs > KNOWN_FIXED_US * 0.85 && m.perChunkUs < KNOWN_FIXED_US * 1.2 + 700,
        `perChunkUs ${m.perChunkUs.toFixed(0)}`,
      );
      assert.ok(
        m.perRowUs > KNOWN_PER_ROW_US * 0.9 && m.perRowUs < KNOWN_PER_ROW_US * 1.2 + 1,
        `perRowUs ${m.perRowUs.toFixed(2)}`,
      );
      assert.ok(m.r2 > 0.9, `R² ${m.r2}`);
      const analytic = Math.sqrt((2 * rows * KNOWN_FIXED_US) / (KNOWN_PER_ROW_US * (2 - 1)));
      const best = bestChunkRows(m, { rows, workers: 2 });
      assert.ok(
        best.chunkRows > analytic / 2 && best.chunkRows < analytic * 2,
        `model's best ${best.chunkRows}, analytic ${analytic}`,
      );
      assert.ok(report.explanation.some((line) => /rows a chunk/.test(line)));
      console.log(
        `      fitted: ${m.perChunkUs.toFixed(0)} µs per chunk, ${m.perRowUs.toFixed(2)} µs per row, R² ${m.r2.toFixed(3)}; best for 2 workers ${best.chunkRows} rows (analytic ${analytic.toFixed(0)})`,
      );
    });
  });
});
