// Render bench of the standalone report: synthetic runs of 1,000 / 10,000 / 100,000 chunks (8
// workers, back-to-back chunks of 0.3–1.3 ms), each written as a self-contained HTML file and opened
// in headless Chromium (Debian's /usr/bin/chromium through playwright-core). Measures the time to
// first paint (navigation start → first-contentful-paint, and → the report hook's `ready`), the frame
// time of a full-view redraw and of a zoomed redraw (the hook's redraw(), best and median of 15).
// Prints a table naming the machine and writes bench/results/report-render-<date>.json.
// Build first (node scripts/build.mjs). Never part of npm test.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const { renderStandaloneReport } = require(path.join(root, 'out/webview/page.js'));
const { runDataset } = require(path.join(root, 'out/src/engine/index.js'));
const { syntheticReport } = require(path.join(root, 'out/test/synthetic-report.js'));
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHUNKSCOPE_CHROMIUM || '/usr/bin/chromium';
const SIZES = [1_000, 10_000, 100_000];
const REPEATS = 15;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-render-bench-'));

// A real (tiny) run gives a complete summary to build the synthetic reports on.
writeFileSync(path.join(tmp, 'd.csv'), 'id,x\n' + Array.from({ length: 200 }, (_, i) => `${i},${i % 7}`).join('\n') + '\n');
writeFileSync(path.join(tmp, 'p.js'), 'exports.processRow = (r) => Number(r.x);\n');
const template = await runDataset({ data: path.join(tmp, 'd.csv'), processor: path.join(tmp, 'p.js'), workers: 2, chunkRows: 50 });

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { best: s[0], median: s[Math.floor(s.length / 2)] };
};

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-extensions', '--disable-background-networking'],
});
const rows = [];
try {
  for (const n of SIZES) {
    const file = path.join(tmp, `report-${n}.html`);
    const html = renderStandaloneReport(syntheticReport(template, n), { source: `synthetic-${n}.timings.json` });
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => window.__chunkscopeReport?.ready === true, undefined, { timeout: 120_000, polling: 'raf' });
    const paint = await page.evaluate(() => ({
      ready: performance.now(),
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    }));
    const full = [];
    for (let k = 0; k < REPEATS; k++) full.push(await page.evaluate(() => window.__chunkscopeReport.redraw()));
    const box = await page.locator('.timeline-canvas').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + 80);
    // Zoom in to about 50 ms shown (a few hundred bars drawn one by one).
    for (let k = 0; k < 40; k++) {
      const v = await page.evaluate(() => window.__chunkscopeReport.view);
      if (v.end - v.start < 50) break;
      await page.mouse.wheel(0, -400);
      await page.waitForTimeout(20);
    }
    const zoomed = [];
    for (let k = 0; k < REPEATS; k++) zoomed.push(await page.evaluate(() => window.__chunkscopeReport.redraw()));
    const frame = await page.evaluate(() => window.__chunkscopeReport.frame);
    const view = await page.evaluate(() => window.__chunkscopeReport.view);
    rows.push({
      chunks: n,
      htmlBytes: Buffer.byteLength(html),
      firstContentfulPaintMs: paint.fcp,
      readyMs: paint.ready,
      fullRedrawMs: stats(full),
      zoomedRedrawMs: stats(zoomed),
      zoomedSpanMs: view.end - view.start,
      zoomedBarsDrawn: frame.barsDrawn,
    });
    await page.close();
  }
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium: browser.version(),
  };
  const f = (x) => (x === null || x === undefined ? '–' : x.toFixed(1));
  console.log(`Report render bench · ${machine.cpu} · ${machine.cpus} CPUs · ${machine.memoryGiB} GiB · ${machine.platform} · Chromium ${machine.chromium} · headless, --disable-gpu`);
  console.log('');
  console.log('| chunks | HTML size | first paint (FCP) | report ready | full redraw best / median | zoomed redraw best / median (bars drawn) |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.chunks.toLocaleString('en-US')} | ${(r.htmlBytes / 2 ** 20).toFixed(1)} MiB | ${f(r.firstContentfulPaintMs)} ms | ${f(r.readyMs)} ms | ${f(r.fullRedrawMs.best)} / ${f(r.fullRedrawMs.median)} ms | ${f(r.zoomedRedrawMs.best)} / ${f(r.zoomedRedrawMs.median)} ms (${r.zoomedBarsDrawn}) |`,
    );
  }
  const dir = path.join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `report-render-${new Date().toISOString().slice(0, 10)}.json`);
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine, repeats: REPEATS, viewport: '1280x900', results: rows }, null, 2) + '\n');
  console.log(`\n${path.relative(root, out)}`);
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
