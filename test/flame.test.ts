// The flame views of the standalone report in Debian's Chromium (playwright-core): a real profiled
// run (profile: true, 2 workers, a known hot function and a rare slow path in a known row range) →
// timings JSON → `chunkscope report` → the page. What the page computes (window.__chunkscopeFlame)
// is checked against the run's records and the .cpuprofile files read here independently.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { runDataset, type ChunkRecord, type CpuProfile, type RunReport } from '../src/engine';
import type { FlameTestHook } from '../webview/pages/test-hooks';
import { buildPageData, renderReportHtml } from '../src/report-html/page';
import { launchChromium, openWatchedPage } from './chromium';
import { ROOT, TempDir, writeProcessor } from './helpers';

const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'flame');
const RARE_FIRST = 3001;
const RARE_LAST = 3300;

// hotSquareRoots has a body too big for V8 to inline into processRow, so it keeps its own frame.
const PROCESSOR = `
function hotSquareRoots(x, n) {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += Math.sqrt(i + x) * Math.sin(i) + Math.cos(i * 0.5) / (1 + (i % 7));
    if (i % 1000 === 999) s = s % 1e6;
    s += Math.atan2(i, s + 1) + Math.log1p(i % 97) - Math.tanh(s % 3);
  }
  return s;
}
function rareSlowPath(x) {
  let s = 0;
  for (let i = 0; i < 60000; i++) s += Math.sqrt(i * x + 1);
  return s;
}
exports.processRow = (row) => {
  const x = Number(row.x1);
  let s = hotSquareRoots(x, 500);
  const id = Number(row.id);
  if (id >= ${RARE_FIRST} && id <= ${RARE_LAST}) s += rareSlowPath(x + 1);
  return s;
};
`;

type Hook = Omit<FlameTestHook, 'sliceSampleTimes' | 'boxRect' | 'redraw'>;
const flame = (page: Page): Promise<Hook> =>
  page.evaluate(
    () => JSON.parse(JSON.stringify((window as unknown as { __chunkscopeFlame: Hook }).__chunkscopeFlame)) as Hook,
  );
const flameBox = (page: Page, name: string) =>
  page.evaluate((n) => (window as unknown as { __chunkscopeFlame: FlameTestHook }).__chunkscopeFlame.boxRect(n), name);
const sliceTimes = (page: Page) =>
  page.evaluate(() => (window as unknown as { __chunkscopeFlame: FlameTestHook }).__chunkscopeFlame.sliceSampleTimes());
const barRect = (page: Page, index: number) =>
  page.evaluate(
    (i) =>
      (
        window as unknown as {
          __chunkscopeReport: { barRect(i: number): { x: number; y: number; w: number; h: number } | null };
        }
      ).__chunkscopeReport.barRect(i),
    index,
  );
/** Polls the hook (a string predicate would be eval, which the page's CSP forbids) until `fn` holds. */
async function waitFor(page: Page, fn: (h: Hook) => boolean, what: string): Promise<void> {
  let last: Hook | undefined;
  for (let attempt = 0; attempt < 400; attempt++) {
    last = await flame(page);
    if (fn(last)) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`${what}: not reached\nhook: ${JSON.stringify(last)}`);
}

/** Brings the flame canvas into view and lets two frames pass, so layout and scrolling have settled before a click. */
async function settle(page: Page): Promise<void> {
  await page.locator('.flame-box').scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Sample times on the run clock, read from the .cpuprofile files without the page's code (a chunk's window is [startedAt, finishedAt)). */
function samplesFromFiles(report: RunReport): { thread: string; t: number }[] {
  const out: { thread: string; t: number }[] = [];
  for (const meta of report.profiles ?? []) {
    const p = JSON.parse(fs.readFileSync(meta.file, 'utf8')) as CpuProfile;
    let us = p.startTime;
    for (let i = 0; i < p.samples.length; i++) {
      us += p.timeDeltas[i];
      out.push({ thread: String(meta.thread), t: us / 1000 + meta.clockOffsetMs });
    }
  }
  return out;
}

const inWindow = (c: ChunkRecord, s: { thread: string; t: number }) =>
  s.thread === String(c.workerId) && s.t >= c.startedAt && s.t < c.finishedAt;

describe('flame views of the standalone report in Chromium', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  let report: RunReport;
  let processor: string;
  let html: string;
  let browser: Browser;
  let page: Page;
  const consoleProblems: string[] = [];

  const shot = async (name: string) => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('[data-section="flame"]').screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  };

  /** Back to the merged left-heavy graph of the whole run, every phase, no search. */
  const reset = async () => {
    await page.locator('[data-flame="presets"] [data-value="none"]').click();
    await page.locator('[data-flame="modes"] [data-value="left-heavy"]').click();
    await page.locator('[data-flame="phases"] [data-value="all"]').click();
    await page.locator('.flame-search').fill('');
    await waitFor(
      page,
      (h) => h.mode === 'left-heavy' && h.phase === 'all' && h.selectedChunks.length === 0 && h.searchHits.frames === 0,
      'reset',
    );
  };

  before(async function () {
    tmp = new TempDir('chunkscope-flame-');
    let csv = 'id,x1,x2\n';
    for (let i = 1; i <= 6000; i++) csv += `${i},${(i * 0.37) % 10},${(i * 1.3) % 7}\n`;
    const data = tmp.write('rows.csv', csv);
    processor = writeProcessor(tmp, 'hot.js', PROCESSOR);
    const profileDir = path.join(tmp.dir, 'profiles');
    report = await runDataset({
      data,
      processor,
      workers: 2,
      chunkRows: 150,
      strategy: 'batches',
      profile: true,
      profileIntervalUs: 100,
      profileDir,
    });
    assert.equal(report.profiles?.length, 3, 'main thread and two workers profiled');
    const timings = path.join(tmp.dir, 'rows.timings.json');
    fs.writeFileSync(timings, JSON.stringify(report, null, 1));
    html = path.join(tmp.dir, 'report.html');
    const cli = spawnSync(process.execPath, [path.join(ROOT, 'bin/chunkscope.js'), 'report', timings, '-o', html], {
      encoding: 'utf8',
    });
    assert.equal(cli.status, 0, `chunkscope report failed: ${cli.stderr}`);

    browser = await launchChromium();
    page = await openWatchedPage(browser, { viewport: { width: 1280, height: 1000 } }, { problems: consoleProblems });
    await page.goto(pathToFileURL(html).href);
    await page.waitForFunction(
      () => (window as unknown as { __chunkscopeFlame?: { ready: boolean } }).__chunkscopeFlame?.ready === true,
      undefined,
      { timeout: 30_000 },
    );
  });

  after(async function () {
    await browser?.close().catch(() => undefined);
    tmp?.dispose();
  });

  it('shows the flame panel under the timeline with every thread’s samples', async function () {
    const h = await flame(page);
    assert.equal(h.totalSamples, samplesFromFiles(report).length);
    assert.deepEqual(
      h.threads,
      report.profiles!.map((p) => p.label),
    );
    assert.equal(h.mode, 'left-heavy');
    assert.equal(h.threadSelection, 'workers');
    assert.ok(h.framesDrawn.boxesDrawn > 3, `boxes drawn: ${JSON.stringify(h.framesDrawn)}`);
    const timelineBottom = (await page.locator('[data-section="timeline"]').boundingBox())!;
    const panel = (await page.locator('[data-section="flame"]').boundingBox())!;
    assert.ok(panel.y >= timelineBottom.y + timelineBottom.height - 1, 'the flame panel sits below the timeline');
    await shot('left-heavy-merged');
  });

  it('the merged flame graph gives the hot function the largest self time', async function () {
    await reset();
    const h = await flame(page);
    assert.equal(h.topSelf?.name, 'hotSquareRoots', JSON.stringify(h.topSelf));
    assert.equal(h.topSelf?.category, 'user');
    assert.equal(h.topSelf?.file, processor);
    const workerSamples = samplesFromFiles(report).filter((s) => s.thread !== 'main').length;
    assert.equal(h.sliceSamples, workerSamples, 'all workers merged, nothing else');
  });

  it('slices to a chunk range selected in the timeline: only samples inside those chunks’ windows', async function () {
    const byIndex = [...report.chunks].sort((a, b) => a.index - b.index);
    const first = byIndex[5];
    const last = byIndex[12];
    const a = (await barRect(page, first.index))!;
    await page.mouse.click(a.x + Math.max(1, a.w / 2), a.y + a.h / 2);
    await waitFor(page, (h) => h.selectedChunks.length === 1, 'one chunk selected');
    const b = (await barRect(page, last.index))!;
    await page.keyboard.down('Shift');
    await page.mouse.click(b.x + Math.max(1, b.w / 2), b.y + b.h / 2);
    await page.keyboard.up('Shift');
    const expected = byIndex.filter((c) => c.index >= first.index && c.index <= last.index);
    await waitFor(page, (h) => h.selectedChunks.length > 1, 'a range selected');
    const h = await flame(page);
    assert.deepEqual(
      h.selectedChunks,
      expected.map((c) => c.index),
    );
    const times = await sliceTimes(page);
    assert.equal(times.length, h.sliceSamples);
    for (const s of times)
      assert.ok(
        expected.some((c) => inWindow(c, s)),
        `sample at ${s.t} ms on ${s.thread} lies in a selected chunk's window`,
      );
    // And none is missing: every sample of the files inside those windows is in the slice.
    const fromFiles = samplesFromFiles(report).filter((s) => expected.some((c) => inWindow(c, s)));
    assert.equal(h.sliceSamples, fromFiles.length);
    assert.ok(h.sliceSamples > 0, 'the range has samples');
    assert.match(
      await page.locator('.flame-info').innerText(),
      new RegExp(`while ${expected.length} selected chunks ran`),
    );
    await shot('slice-range');
  });

  it('keeps only your compute when asked, by the records’ phase windows', async function () {
    await page.locator('[data-flame="phases"] [data-value="compute"]').click();
    await waitFor(page, (h) => h.phase === 'compute', 'compute phase');
    const h = await flame(page);
    const chunks = report.chunks.filter((c) => h.selectedChunks.includes(c.index));
    const times = await sliceTimes(page);
    assert.ok(times.length > 0);
    for (const s of times) {
      const c = chunks.find((k) => inWindow(k, s))!;
      const from = c.startedAt + c.readMs + c.parseMs;
      assert.ok(
        s.t >= from - 1e-9 && s.t < from + c.computeMs + 1e-9,
        `sample at ${s.t} lies in chunk ${c.index}'s compute (${from}–${from + c.computeMs})`,
      );
    }
    assert.equal(h.topSelf?.name, 'hotSquareRoots');
    await page.locator('[data-flame="phases"] [data-value="all"]').click();
    await waitFor(page, (x) => x.phase === 'all', 'all phases');
  });

  it('“Slowest 5 %” selects the slowest chunks by the records', async function () {
    await reset();
    await page.locator('[data-flame="presets"] [data-value="slowest"]').click();
    const dur = (c: ChunkRecord) => c.finishedAt - c.startedAt;
    const take = Math.max(1, Math.round(report.chunks.length * 0.05));
    const slowest = [...report.chunks].sort((a, b) => dur(b) - dur(a)).slice(0, take);
    await waitFor(page, (h) => h.selectedChunks.length > 0 && h.selectedChunks.length < 10, 'slowest selected');
    assert.deepEqual(
      (await flame(page)).selectedChunks,
      slowest.map((c) => c.index).sort((a, b) => a - b),
    );
  });

  it('compares the chunks holding the rare rows with typical chunks: the rare slow path got slower', async function () {
    await reset();
    // Selected by their rows (not by speed, which a busy machine can blur): shift-click from the first to the last.
    const rare = [...report.chunks]
      .filter((c) => c.firstRow <= RARE_LAST && c.firstRow + c.rows - 1 >= RARE_FIRST)
      .sort((a, b) => a.index - b.index);
    assert.ok(rare.length >= 1);
    const a = (await barRect(page, rare[0].index))!;
    await page.mouse.click(a.x + Math.max(1, a.w / 2), a.y + a.h / 2);
    const b = (await barRect(page, rare[rare.length - 1].index))!;
    await page.keyboard.down('Shift');
    await page.mouse.click(b.x + Math.max(1, b.w / 2), b.y + b.h / 2);
    await page.keyboard.up('Shift');
    await waitFor(page, (h) => h.selectedChunks.length === rare.length, 'rare chunks selected');
    assert.deepEqual(
      (await flame(page)).selectedChunks,
      rare.map((c) => c.index),
    );
    await page.locator('[data-flame="modes"] [data-value="differential"]').click();
    await waitFor(page, (h) => h.mode === 'differential' && h.slowerSelf.length > 0, 'differential drawn');
    const h = await flame(page);
    assert.equal(h.slowerSelf[0].name, 'rareSlowPath', JSON.stringify(h.slowerSelf));
    assert.match(await page.locator('.flame-info').innerText(), /selected chunks vs \d+ typical chunks/);
    await shot('differential-rare-rows');
  });

  it('search highlights matching frames at every depth, drawn in the highlight colour', async function () {
    await reset();
    await page.locator('.flame-search').fill('hotSquare');
    await waitFor(page, (h) => h.searchHits.boxes > 0, 'search hits');
    const h = await flame(page);
    assert.equal(h.searchHits.frames, 1);
    assert.ok(
      Math.min(...h.searchHits.depths) >= 2,
      `hotSquareRoots is deep in the stack (depths ${h.searchHits.depths})`,
    );
    // Box and canvas measured in one go, so nothing can move in between.
    const pixel = await page.evaluate(() => {
      const hook = (window as unknown as { __chunkscopeFlame: FlameTestHook }).__chunkscopeFlame;
      const canvas = document.querySelector('.flame-canvas') as HTMLCanvasElement;
      hook.redraw();
      const r = hook.boxRect('hotSquareRoots')!;
      const c = canvas.getBoundingClientRect();
      const dpr = canvas.width / c.width;
      return Array.from(
        canvas
          .getContext('2d')!
          .getImageData(Math.round((r.x + 1.5 - c.left) * dpr), Math.round((r.y + 2 - c.top) * dpr), 1, 1).data,
      );
    });
    assert.deepEqual(pixel.slice(0, 3), [0xff, 0x3d, 0xb8], 'the match is painted in --cs-flame-hit');
    assert.match(await page.locator('.flame-info').innerText(), /Search: 1 function matches “hotSquare”/);
    await shot('search');
    await page.locator('.flame-search').fill('');
  });

  it('clicking a frame shows its location; arrow keys walk to the caller and back', async function () {
    await reset();
    await settle(page);
    const r = (await flameBox(page, 'hotSquareRoots'))!;
    await page.mouse.click(r.x + Math.min(10, r.w / 2), r.y + r.h / 2);
    await waitFor(page, (h) => h.selectedFrame?.name === 'hotSquareRoots', 'frame selected');
    const line = PROCESSOR.split('\n').findIndex((l) => l.startsWith('function hotSquareRoots')) + 1;
    const sel = (await flame(page)).selectedFrame!;
    assert.equal(sel.line, line);
    assert.match(
      await page.locator('[data-flame="location"]').innerText(),
      new RegExp(`^${processor.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+$`),
    );
    assert.equal(
      await page.locator('#flame-go-to-source').count(),
      0,
      'no "Go to source" outside VS Code: the location is shown instead',
    );
    await page.keyboard.press('ArrowUp');
    await waitFor(page, (h) => h.selectedFrame?.name === 'exports.processRow', 'caller selected');
    assert.equal((await flame(page)).selectedFrame!.depth, sel.depth - 1);
    await page.keyboard.press('ArrowDown');
    // Down goes to the heaviest callee, which left-heavy puts first; right goes to the next sibling.
    await waitFor(page, (h) => h.selectedFrame?.depth === sel.depth, 'back down to a callee');
    const heaviest = (await flame(page)).selectedFrame!;
    assert.equal(heaviest.name, 'hotSquareRoots');
    await page.keyboard.press('ArrowRight');
    await waitFor(
      page,
      (h) => h.selectedFrame?.name !== 'hotSquareRoots' && h.selectedFrame?.depth === sel.depth,
      'the next sibling',
    );
    assert.ok((await flame(page)).selectedFrame!.total <= heaviest.total, 'siblings go from heavy to light');
    await page.keyboard.press('ArrowLeft');
    await waitFor(page, (h) => h.selectedFrame?.name === 'hotSquareRoots', 'back to hotSquareRoots');
    await page.keyboard.press('Enter');
    await waitFor(page, (h) => h.view.end - h.view.start < h.sliceMs * 0.99, 'zoomed to the frame');
    await shot('selected-frame');
    await page.keyboard.press('Escape');
  });

  it('sandwich lists functions by self time, with callers and callees of the chosen one', async function () {
    await reset();
    await page.locator('[data-flame="modes"] [data-value="sandwich"]').click();
    await waitFor(page, (h) => h.mode === 'sandwich', 'sandwich mode');
    // Heaviest self time first: the first row that is not idle is the hook's top function.
    const firstWorking = page.locator('[data-flame="functions"] tbody tr:not([data-category="idle"])').first();
    assert.match(await firstWorking.innerText(), new RegExp(`\\t ${(await flame(page)).topSelf!.name}\\t`));
    await page.locator('[data-flame="functions"] tbody tr', { hasText: 'exports.processRow' }).first().click();
    await waitFor(page, (h) => h.sandwich?.frame === 'exports.processRow', 'processRow chosen');
    const h = await flame(page);
    assert.ok(h.sandwich!.callees.includes('hotSquareRoots'), JSON.stringify(h.sandwich));
    assert.ok(h.sandwich!.callees.includes('rareSlowPath'), JSON.stringify(h.sandwich));
    assert.ok(h.sandwich!.callers.length >= 1 && !h.sandwich!.callers.includes('exports.processRow'));
    assert.match(await page.locator('[data-flame="callees"]').innerText(), /hotSquareRoots/);
    assert.match(
      await page.locator('[data-flame="callers"]').innerText(),
      new RegExp(h.sandwich!.callers[0].replace(/[()]/g, '\\$&')),
    );
    await shot('sandwich');
  });

  it('time order stacks the workers on the timeline’s time axis and zooms with it', async function () {
    await reset();
    await page.locator('[data-flame="modes"] [data-value="time-order"]').click();
    await waitFor(page, (h) => h.mode === 'time-order' && h.framesDrawn.boxesDrawn > 0, 'time order drawn');
    const timeline = await page.evaluate(
      () =>
        (window as unknown as { __chunkscopeReport: { view: { start: number; end: number } } }).__chunkscopeReport.view,
    );
    let h = await flame(page);
    assert.ok(
      Math.abs(h.view.start - timeline.start) < 1e-6 && Math.abs(h.view.end - timeline.end) < 1e-6,
      'same time range as the timeline',
    );
    await settle(page);
    const box = (await page.locator('.flame-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 40);
    await page.mouse.wheel(0, -500);
    await waitFor(page, (x) => x.view.end - x.view.start < 0.9 * (h.view.end - h.view.start), 'zoomed');
    h = await flame(page);
    const after = await page.evaluate(
      () =>
        (window as unknown as { __chunkscopeReport: { view: { start: number; end: number } } }).__chunkscopeReport.view,
    );
    assert.ok(
      Math.abs(after.start - h.view.start) < 1e-6 && Math.abs(after.end - h.view.end) < 1e-6,
      'the timeline followed the flame chart',
    );
    await page
      .locator('[data-section="timeline"]')
      .screenshot({ path: path.join(ARTIFACTS, 'timeline-above-time-order.png') });
    await shot('time-order');
    await page.locator('#fit').click();
  });

  it('in a VS Code webview, the mode, threads, phase and search survive the panel being hidden and shown again', async function () {
    // What VS Code's webview gives the page, faked: acquireVsCodeApi with getState/setState.
    const fakeApi = (initial: unknown) => {
      const w = window as unknown as Record<string, unknown>;
      w.__state = initial;
      w.acquireVsCodeApi = () => ({
        postMessage: () => undefined,
        getState: () => w.__state,
        setState: (st: unknown) => (w.__state = st),
      });
    };
    const file = path.join(tmp.dir, 'webview.html');
    const scriptUri = pathToFileURL(path.join(ROOT, 'media', 'report.js')).href;
    fs.writeFileSync(
      file,
      renderReportHtml(buildPageData(report, { source: 'rows.timings.json' }), {
        kind: 'webview',
        scriptUri,
        cspSource: 'file:',
        nonce: 'flamenonce1',
      }),
    );
    const open = async (state: unknown) => {
      const p = await openWatchedPage(
        browser,
        { viewport: { width: 1280, height: 1000 } },
        { problems: consoleProblems },
      );
      await p.addInitScript(fakeApi, state);
      await p.goto(pathToFileURL(file).href);
      await p.waitForFunction(
        () => (window as unknown as { __chunkscopeFlame?: { ready: boolean } }).__chunkscopeFlame?.ready === true,
        undefined,
        { timeout: 30_000 },
      );
      return p;
    };
    const first = await open(undefined);
    await first.locator('[data-flame="modes"] [data-value="sandwich"]').click();
    await first.locator('[data-flame="phases"] [data-value="compute"]').click();
    await first.locator('.flame-threads').selectOption('1');
    await first.locator('.flame-search').fill('hot');
    await first.waitForFunction(
      () => (window as unknown as { __state?: { flame?: { query: string } } }).__state?.flame?.query === 'hot',
    );
    const state = await first.evaluate(() => (window as unknown as { __state: unknown }).__state);
    await first.context().close();

    const second = await open(state);
    const h = await flame(second);
    assert.equal(h.mode, 'sandwich');
    assert.equal(h.phase, 'compute');
    assert.equal(h.threadSelection, h.threads[1], 'the second thread, as chosen');
    assert.equal(await second.locator('.flame-search').inputValue(), 'hot');
    assert.ok(h.searchHits.frames > 0, 'the restored search is applied');
    await second.context().close();
  });

  it('logged no errors or warnings', function () {
    assert.deepEqual(consoleProblems, []);
  });
});
