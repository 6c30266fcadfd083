// Render bench of the standalone report: synthetic runs of 1,000 / 10,000 / 100,000 chunks (8
// workers, back-to-back chunks of 0.3–1.3 ms), each written as a self-contained HTML file and opened
// in headless Chromium (Debian's /usr/bin/chromium through playwright-core). Measures the time to
// first paint (navigation start → first-contentful-paint, and → the report hook's `ready`), the frame
// time of a full-view redraw and of a zoomed redraw (the hook's redraw(), best and median of 15).
// Prints a table naming the machine and writes bench/results/report-render-<date>.json.
// Build first (node scripts/build.mjs). Never part of npm test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const { syntheticReport } = require(path.join(root, 'out/test/synthetic-report.js'));

const SIZES = [1_000, 10_000, 100_000];
const REPEATS = 15;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-render-bench-'));

// A real (tiny) run gives a complete summary to build the synthetic reports on.
writeFileSync(
  path.join(tmp, 'd.csv'),
  'id,x\n' + Array.from({ length: 200 }, (_, i) => `${i},${i % 7}`).join('\n') + '\n',
);
writeFileSync(path.join(tmp, 'p.js'), 'exports.processRow = (r) => Number(r.x);\n');
const template = await runDataset({
  data: path.join(tmp, 'd.csv'),
  processor: path.join(tmp, 'p.js'),
  workers: 2,
  chunkRows: 50,
});

const browser = await launchBenchChromium();
const rows = [];
try {
  for (const n of SIZES) {
    const file = path.join(tmp, `report-${n}.html`);
    const html = renderStandaloneReport(syntheticReport(template, n), { source: `synthetic-${n}.timings.json` });
    writeFileSync(file, html);
    const { page, paint } = await openTimedPage(browser, file, {
      viewport: { width: 1280, height: 900 },
      hookName: '__chunkscopeReport',
      timeoutMs: 120_000,
    });
    const full = await redrawStats(page, '__chunkscopeReport', REPEATS);
    // Zoom in to about 50 ms shown (a few hundred bars drawn one by one).
    await zoomWithWheel(page, '.timeline-canvas', 80, async () => {
      const v = await page.evaluate(() => window.__chunkscopeReport.view);
      return v.end - v.start < 50;
    });
    const zoomed = await redrawStats(page, '__chunkscopeReport', REPEATS);
    const frame = await page.evaluate(() => window.__chunkscopeReport.frame);
    const view = await page.evaluate(() => window.__chunkscopeReport.view);
    rows.push({
      chunks: n,
      htmlBytes: Buffer.byteLength(html),
      firstContentfulPaintMs: paint.fcp,
      readyMs: paint.ready,
      fullRedrawMs: full,
      zoomedRedrawMs: zoomed,
      zoomedSpanMs: view.end - view.start,
      zoomedBarsDrawn: frame.barsDrawn,
    });
    await page.close();
  }
  const machine = machineInfo(browser);
  console.log(machineLine('Report render bench', machine));
  console.log('');
  console.log(
    '| chunks | HTML size | first paint (FCP) | report ready | full redraw best / median | zoomed redraw best / median (bars drawn) |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.chunks.toLocaleString('en-US')} | ${(r.htmlBytes / 2 ** 20).toFixed(1)} MiB | ${f(r.firstContentfulPaintMs)} ms | ${f(r.readyMs)} ms | ${f(r.fullRedrawMs.best)} / ${f(r.fullRedrawMs.median)} ms | ${f(r.zoomedRedrawMs.best)} / ${f(r.zoomedRedrawMs.median)} ms (${r.zoomedBarsDrawn}) |`,
    );
  }
  writeResults('report-render', {
    date: new Date().toISOString(),
    machine,
    repeats: REPEATS,
    viewport: '1280x900',
    results: rows,
  });
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
