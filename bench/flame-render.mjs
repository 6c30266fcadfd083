// Render bench of the flame views: a real profiled run (profile: true, 2 workers, a hot function),
// its worker profiles scaled up to 100,000 and 1,000,000 samples by repeating their real samples k
// times with the time deltas divided by k (so the same real stacks, k times denser, stay inside the
// run's own time range and chunk windows). Each size is written as a standalone report and opened in
// headless Chromium (Debian's /usr/bin/chromium through playwright-core). Measures first paint
// (first-contentful-paint), the flame hook's `ready`, and the frame time of a redraw (best / median
// of 15) of the merged left-heavy graph and of the time-ordered charts (full run and zoomed to 2 %).
// Prints a table naming the machine and writes bench/results/flame-render-<date>.json.
// Build first (node scripts/build.mjs). Never part of npm test.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  launchBenchChromium,
  machineInfo,
  machineLine,
  ms1 as f,
  openTimedPage,
  redrawStats,
  writeResults,
  zoomWithWheel,
} from './browser.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const { renderStandaloneReport } = require(path.join(root, 'out/src/report-html/page.js'));
const { runDataset } = require(path.join(root, 'out/src/engine/index.js'));

const SIZES = [100_000, 1_000_000];
const REPEATS = 15;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-flame-bench-'));

writeFileSync(
  path.join(tmp, 'd.csv'),
  'id,x\n' + Array.from({ length: 20_000 }, (_, i) => `${i},${i % 13}`).join('\n') + '\n',
);
writeFileSync(
  path.join(tmp, 'p.js'),
  'function hot(x) { let s = 0; for (let i = 0; i < 2000; i++) s += Math.sqrt(i + x) * Math.sin(i); return s; }\nexports.processRow = (r) => hot(Number(r.x));\n',
);
const run = await runDataset({
  data: path.join(tmp, 'd.csv'),
  processor: path.join(tmp, 'p.js'),
  workers: 2,
  chunkRows: 500,
  profile: true,
  profileIntervalUs: 100,
  profileDir: path.join(tmp, 'prof'),
});
const real = run.profiles
  .filter((p) => p.thread !== 'main')
  .map((meta) => ({ meta, profile: JSON.parse(readFileSync(meta.file, 'utf8')) }));
const realSamples = real.reduce((n, p) => n + p.profile.samples.length, 0);

/** The real worker profiles with every sample repeated k times, k times denser (see the header). */
function scaled(total) {
  const k = Math.max(1, Math.round(total / realSamples));
  return real.map(({ meta, profile }) => {
    const samples = [];
    const timeDeltas = [];
    for (let i = 0; i < profile.samples.length; i++) {
      const d = profile.timeDeltas[i] / k;
      for (let r = 0; r < k; r++) {
        samples.push(profile.samples[i]);
        timeDeltas.push(d);
      }
    }
    return {
      meta: { ...meta, samples: samples.length, samplingIntervalUs: meta.samplingIntervalUs / k },
      profile: { ...profile, samples, timeDeltas },
    };
  });
}

const redraws = (page) => redrawStats(page, '__chunkscopeFlame', REPEATS);

const browser = await launchBenchChromium();
const rows = [];
try {
  for (const n of SIZES) {
    const profiles = scaled(n);
    const samples = profiles.reduce((s, p) => s + p.profile.samples.length, 0);
    const file = path.join(tmp, `flame-${n}.html`);
    const html = renderStandaloneReport(run, { source: `flame-${n}.timings.json`, profiles });
    writeFileSync(file, html);
    const { page, paint } = await openTimedPage(browser, file, {
      viewport: { width: 1280, height: 1000 },
      hookName: '__chunkscopeFlame',
      timeoutMs: 300_000,
    });
    const graph = await redraws(page);
    const boxesGraph = await page.evaluate(() => window.__chunkscopeFlame.framesDrawn);
    const t0 = Date.now();
    await page.locator('[data-flame="modes"] [data-value="time-order"]').click();
    await page.waitForFunction(() => window.__chunkscopeFlame.mode === 'time-order', undefined, { timeout: 300_000 });
    const switchMs = Date.now() - t0;
    const chart = await redraws(page);
    const boxesChart = await page.evaluate(() => window.__chunkscopeFlame.framesDrawn);
    // Zoom with the wheel to about 2 % of the run around the middle.
    await zoomWithWheel(page, '.flame-canvas', 60, async () => {
      const v = await page.evaluate(() => window.__chunkscopeFlame.view);
      const full = await page.evaluate(() => window.__chunkscopeReport.fullView);
      return v.end - v.start < (full.end - full.start) * 0.02;
    });
    const zoomed = await redraws(page);
    const boxesZoomed = await page.evaluate(() => window.__chunkscopeFlame.framesDrawn);
    rows.push({
      samples,
      htmlBytes: Buffer.byteLength(html),
      fcpMs: paint.fcp,
      readyMs: paint.ready,
      graph,
      boxesGraph,
      switchMs,
      chart,
      boxesChart,
      zoomed,
      boxesZoomed,
    });
    await page.close();
  }
  const machine = machineInfo(browser);
  console.log(machineLine('Flame render bench', machine));
  console.log(`Real worker samples: ${realSamples.toLocaleString('en-US')} (scaled by repetition)\n`);
  console.log(
    '| samples | HTML size | first paint (FCP) | flame ready | left-heavy redraw best / median (boxes) | switch to time order | time order redraw, full run (boxes + merged) | time order, zoomed to 2 % |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.samples.toLocaleString('en-US')} | ${(r.htmlBytes / 2 ** 20).toFixed(1)} MiB | ${f(r.fcpMs)} ms | ${f(r.readyMs)} ms | ${f(r.graph.best)} / ${f(r.graph.median)} ms (${r.boxesGraph.boxesDrawn}) | ${r.switchMs} ms | ${f(r.chart.best)} / ${f(r.chart.median)} ms (${r.boxesChart.boxesDrawn} + ${r.boxesChart.boxesMerged}) | ${f(r.zoomed.best)} / ${f(r.zoomed.median)} ms (${r.boxesZoomed.boxesDrawn} + ${r.boxesZoomed.boxesMerged}) |`,
    );
  }
  writeResults('flame-render', {
    date: new Date().toISOString(),
    machine,
    repeats: REPEATS,
    viewport: '1280x1000',
    realSamples,
    results: rows,
  });
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
