// The sweep page in Debian's Chromium (playwright-core): a real sweep (runSweep: 2 strategies × 1–2
// workers × 3 chunk sizes, 2 repeats) rendered as the standalone file, and as a live VS Code webview
// fed the reports the sweep gave after each run, as progress messages. Checks what the chart drew (through the read-only window.__chunkscopeSweep hook and
// the canvas pixels) against the report, and the slider's prediction against predictRun.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { describeCostModel, runSweep } from '../src/engine';
import { predictRun } from '../src/engine/tune/cost-model';
import type { SweepReport } from '../src/engine/model/sweep';
import { formatCompact, formatInt } from '../src/engine/base/format';
import { buildSweepPageData, renderStandaloneSweep, renderSweepHtml } from '../src/report-html/page';
import type { SweepTestHook } from '../webview/pages/test-hooks';
import { launchChromium, openWatchedPage } from './chromium';
import { ROOT, TempDir, writeProcessor } from './helpers';

const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'sweep');

type Hook = Omit<SweepTestHook, 'pointPosition' | 'plotRect'>;

/** Every point's throughput marker, in client coordinates, and whether it lies inside the plot area (not clipped off the axis). */
async function markersInsidePlot(
  page: Page,
  report: SweepReport,
): Promise<{ key: string; x: number; y: number; inside: boolean }[]> {
  return page.evaluate(
    (keys) => {
      const h = (window as unknown as { __chunkscopeSweep: SweepTestHook }).__chunkscopeSweep;
      const plot = h.plotRect()!;
      return keys.map((key) => {
        const at = h.pointPosition(key)!;
        return {
          key,
          ...at,
          inside: at.x >= plot.x && at.x <= plot.x + plot.w && at.y >= plot.y && at.y <= plot.y + plot.h,
        };
      });
    },
    report.points.map((p) => p.key),
  );
}

const hook = (page: Page): Promise<Hook> =>
  page.evaluate(
    () => JSON.parse(JSON.stringify((window as unknown as { __chunkscopeSweep: Hook }).__chunkscopeSweep)) as Hook,
  );
const pointAt = (page: Page, key: string) =>
  page.evaluate(
    (k) => (window as unknown as { __chunkscopeSweep: SweepTestHook }).__chunkscopeSweep.pointPosition(k),
    key,
  );
const waitReady = (page: Page) =>
  page.waitForFunction(
    () => (window as unknown as { __chunkscopeSweep?: { ready: boolean } }).__chunkscopeSweep?.ready === true,
  );

/** The canvas pixels under client points, and the chart's background colour, as [r, g, b] (one readback). */
async function pixelsAndBackground(
  page: Page,
  points: { x: number; y: number }[],
): Promise<{ at: number[][]; bg: number[] }> {
  return page.evaluate((pts) => {
    const canvas = document.querySelector('.sweep-canvas') as HTMLCanvasElement;
    const r = canvas.getBoundingClientRect();
    const dpr = canvas.width / r.width;
    const image = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const rgb = (x: number, y: number) => {
      const i = (Math.round(y) * image.width + Math.round(x)) * 4;
      return [image.data[i], image.data[i + 1], image.data[i + 2]];
    };
    return { at: pts.map((p) => rgb((p.x - r.left) * dpr, (p.y - r.top) * dpr)), bg: rgb(2, 2) };
  }, points);
}

function lineKeys(report: SweepReport): Map<string, number> {
  const keys = new Map<string, number>();
  for (const p of report.points)
    keys.set(`${p.strategy}/${p.workers}w`, (keys.get(`${p.strategy}/${p.workers}w`) ?? 0) + 1);
  return keys;
}

describe('sweep page in Chromium', function () {
  this.timeout(180_000);
  let tmp: TempDir;
  let report: SweepReport;
  /** The whole report so far after every measured run: what the extension posts as 'sweep-progress'. */
  const feed: SweepReport[] = [];
  let html: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const requests: string[] = [];

  before(async function () {
    tmp = new TempDir('chunkscope-sweep-page-');
    let csv = 'id,x1,x2,label\n';
    for (let i = 1; i <= 8000; i++) csv += `${i},${(i * 0.37) % 10},${(i * 1.3) % 7},"row ${i}"\n`;
    const data = tmp.write('sweep.csv', csv);
    const processor = writeProcessor(
      tmp,
      'sweep-work.js',
      'exports.processRow = (row) => { let s = 0; for (let i = 0; i < 200; i++) s += Math.sqrt(i + Number(row.x1)); return s; };\n',
    );
    report = await runSweep(
      {
        data,
        processor,
        chunkRows: [40, 400, 2000],
        workers: [1, 2],
        strategies: ['byte-range', 'batches'],
        repeats: 2,
        seed: 7,
        tempDir: tmp.dir,
      },
      { onPoint: (_point, soFar) => feed.push(soFar) },
    );
    assert.equal(report.points.length, 12);
    assert.equal(feed.length, 24, 'one report per measured run');
    assert.ok(report.model, 'the cost model fits the measured runs');
    html = path.join(tmp.dir, 'sweep.html');
    fs.writeFileSync(html, renderStandaloneSweep(report, { source: 'sweep.json' }));
    browser = await launchChromium();
    page = await openWatchedPage(browser, { viewport: { width: 1280, height: 1000 } }, { problems, requests });
    await page.goto(pathToFileURL(html).href);
    await waitReady(page);
  });

  after(async function () {
    await browser?.close().catch(() => undefined);
    tmp?.dispose();
  });

  it('writes one self-contained file with a strict Content-Security-Policy and the sweep inlined', function () {
    const text = fs.readFileSync(html, 'utf8').replace(/(<script[^>]*>)[\s\S]*?<\/script>/g, '$1</script>');
    assert.match(text, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    assert.doesNotMatch(text, /<script[^>]+src=/i, 'no external scripts');
    assert.doesNotMatch(text, /<link[^>]+href=/i, 'no external stylesheets');
    assert.match(text, /<title>Chunkscope sweep · sweep-work-\d+\.js on sweep-\d+\.csv<\/title>/);
  });

  it('rejects a file that is not a sweep report, saying what is wrong', function () {
    assert.throws(
      () => renderStandaloneSweep({ ...report, kind: 'tune' } as unknown as SweepReport, { source: 'x.json' }),
      /x\.json is not a sweep report \(expected "kind": "sweep"\)/,
    );
    const broken = { ...report, points: [{ ...report.points[0], rowsPerSecond: undefined }] } as unknown as SweepReport;
    assert.throws(
      () => renderStandaloneSweep(broken, { source: 'y.json' }),
      /y\.json: point 0 is not a measured sweep point/,
    );
  });

  it('draws one line per (workers, strategy), every point with its error bar, in both panels', async function () {
    const h = await hook(page);
    const expected = lineKeys(report);
    assert.equal(expected.size, 4, 'two strategies × two worker counts');
    assert.deepEqual(new Map(h.lines.map((l) => [l.key, l.points])), expected);
    for (const l of h.lines) assert.equal(l.errorBars, l.points, `error bars of ${l.key}`);
    assert.equal(h.pointsDrawn, report.points.length);
    assert.equal(h.errorBars, report.points.length);
    assert.equal(h.overheadPoints, report.points.length);
    // Lines of one worker count share a colour; strategies differ by marker.
    for (const w of report.grid.workers)
      assert.equal(new Set(h.lines.filter((l) => l.workers === w).map((l) => l.color)).size, 1);
    for (const s of report.grid.strategies)
      assert.equal(new Set(h.lines.filter((l) => l.strategy === s).map((l) => l.marker)).size, 1);
    assert.notEqual(h.lines.find((l) => l.workers === 1)!.color, h.lines.find((l) => l.workers === 2)!.color);
    // Every marker is really on the canvas: its centre pixel is not the background.
    const positions = await markersInsidePlot(page, report);
    for (const m of positions) assert.ok(m.inside, `marker of ${m.key} inside the plot area`);
    const { at, bg } = await pixelsAndBackground(page, positions);
    report.points.forEach((p, i) =>
      assert.notDeepEqual(at[i], bg, `marker of ${p.key} drawn at ${positions[i].x},${positions[i].y}`),
    );
    assert.equal(await page.locator('[data-sweep="legend"] [data-line]').count(), 4);
    assert.equal(await page.locator('[data-sweep="points"] tbody tr').count(), report.points.length);
  });

  it("draws the model's predicted curve for every worker count", async function () {
    const h = await hook(page);
    assert.deepEqual(
      h.modelCurves.map((c) => c.workers),
      report.grid.workers,
    );
    for (const c of h.modelCurves) assert.ok(c.samples >= 50, `curve for ${c.workers} workers sampled finely`);
    const modelText = await page.locator('[data-sweep="model"]').innerText();
    assert.ok(modelText.includes(describeCostModel(report.model!)), modelText);
  });

  it('marks the best point and lists the recommendations and the explanation', async function () {
    const h = await hook(page);
    assert.equal(h.bestKey, report.best!.key);
    assert.ok(h.bestMarked);
    assert.equal(await page.locator('[data-sweep="points"] tr.best').getAttribute('data-point'), report.best!.key);
    const best = await page.locator('[data-rec="best"]').innerText();
    assert.ok(best.includes(`${formatCompact(report.best!.rowsPerSecond)} rows/s`), best);
    assert.equal(await page.locator('[data-sweep="recommendations"] li').count(), report.recommendations.length + 1);
    assert.deepEqual(await page.locator('[data-sweep="explanation"] li').allInnerTexts(), report.explanation);
  });

  it("shows a point's numbers on hover, and steps through points with the keyboard", async function () {
    for (const p of [report.points[0], report.points[report.points.length - 1]]) {
      const at = (await pointAt(page, p.key))!;
      await page.mouse.move(at.x, at.y);
      const first = `${p.strategy} · ${p.workers} worker${p.workers === 1 ? '' : 's'} · ${formatInt(p.chunkRows!)} rows`;
      await page.waitForFunction(
        (f) => ((window as unknown as { __chunkscopeSweep: Hook }).__chunkscopeSweep.tooltip ?? '').startsWith(f),
        first,
      );
      const text = (await hook(page)).tooltip!;
      assert.equal(text, await page.locator('.sweep-box .tooltip').innerText());
      // The chart's model is for the rows the sweep ran on (the sample's), like the points it sits beside.
      const predicted = predictRun(report.model!, {
        rows: report.model!.sampleRows ?? report.sample.rows,
        chunkRows: p.chunkRows!,
        workers: p.workers,
      }).rowsPerSecond;
      for (const expected of [
        `${formatCompact(p.rowsPerSecond.median)} rows/s median of ${p.repeats.length} runs`,
        `min ${formatCompact(p.rowsPerSecond.min)} · max ${formatCompact(p.rowsPerSecond.max)}`,
        `${formatInt(p.chunks)} chunks`,
        `model predicts ${formatCompact(predicted)} rows/s`,
      ]) {
        assert.ok(text.includes(expected), `tooltip of ${p.key} should include "${expected}":\n${text}`);
      }
    }
    await page.mouse.move(3, 3);
    await page.waitForFunction(
      () => (window as unknown as { __chunkscopeSweep: Hook }).__chunkscopeSweep.tooltip === null,
    );
    await page.locator('.sweep-canvas').focus();
    await page.keyboard.press('Home');
    const first = (await hook(page)).tooltip;
    await page.keyboard.press('ArrowRight');
    const second = (await hook(page)).tooltip;
    assert.ok(first && second && first !== second, `arrow keys move between points: ${first} → ${second}`);
    await page.keyboard.press('Escape');
    assert.equal((await hook(page)).tooltip, null);
  });

  async function expectPredictionMatches(p: Page): Promise<NonNullable<Hook['slider']>> {
    const s = (await hook(p)).slider!;
    const expected = predictRun(report.model!, {
      rows: report.model!.rows,
      chunkRows: s.chunkRows,
      workers: s.workers,
    });
    assert.deepEqual(s.prediction, expected);
    const text = await p.locator('[data-sweep="prediction"]').innerText();
    assert.equal(text, s.text);
    assert.ok(
      text.includes(
        `on ${s.workers} worker${s.workers === 1 ? '' : 's'}: ${formatCompact(expected.rowsPerSecond)} rows/s`,
      ),
      text,
    );
    assert.ok(
      text.includes(`${formatInt(expected.chunks)} chunks, ${expected.chunksPerWorker.toFixed(1)} per worker`),
      text,
    );
    assert.equal(await p.locator('[data-sweep="size"]').innerText(), `${formatInt(s.size)} rows`);
    assert.equal(s.previewChunks, expected.chunks, 'the timeline preview shows the predicted chunks');
    return s;
  }

  it('starts the slider at the recommendation for the best worker count, with its prediction', async function () {
    const s = await expectPredictionMatches(page);
    const rec = report.recommendations.find((r) => r.workers === report.best!.workers)!;
    assert.equal(s.size, rec.chunkRows);
    assert.equal(s.workers, rec.workers);
    assert.equal(s.strategy, rec.strategy);
  });

  it('moves the slider with the keyboard and updates the prediction to predictRun', async function () {
    await page.locator('#chunk-slider').focus();
    const before = (await hook(page)).slider!;
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
    const after = await expectPredictionMatches(page);
    assert.equal(after.position, Math.min(after.steps, before.position + 12));
    assert.ok(after.size > before.size, `size grew: ${before.size} → ${after.size}`);
    await page.keyboard.press('Home');
    const home = await expectPredictionMatches(page);
    assert.equal(home.position, 0);
    assert.equal(home.size, 5, 'one eighth of the smallest measured size');
    await page.keyboard.press('End');
    const end = await expectPredictionMatches(page);
    assert.equal(end.size, report.sample.rows, 'the largest size is the whole sample');
    assert.equal(end.prediction!.chunks, 1);
  });

  it('moves the slider with the pointer and follows the worker count picked', async function () {
    const box = (await page.locator('#chunk-slider').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height / 2);
    const s = await expectPredictionMatches(page);
    assert.ok(
      Math.abs(s.position - 0.3 * s.steps) <= 0.05 * s.steps,
      `clicked near 30 %: position ${s.position} of ${s.steps}`,
    );
    const other = report.grid.workers.find((w) => w !== s.workers)!;
    await page.locator('#slider-workers').selectOption(String(other));
    const t = await expectPredictionMatches(page);
    assert.equal(t.workers, other);
    assert.equal(t.size, s.size);
  });

  it('shows the equivalent command line in the standalone page instead of Apply and Run', async function () {
    const h = await hook(page);
    const s = h.settings!;
    assert.equal(
      h.cliCommand,
      `npx chunkscope run ${report.data} --processor ${report.processor} --strategy ${s.strategy} --workers ${s.workers} --chunk-rows ${s.chunkRows}`,
    );
    assert.equal(await page.locator('[data-sweep="cli"]').innerText(), h.cliCommand);
    assert.equal(await page.locator('#apply-settings').count(), 0);
    assert.equal(await page.locator('#run-with-settings').count(), 0);
    assert.equal(await page.locator('#cancel-sweep').isVisible(), false);
  });

  it('made no network request other than the file itself and logged no errors or warnings', function () {
    assert.deepEqual(
      requests.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:')),
      [pathToFileURL(html).href],
    );
    assert.deepEqual(problems, []);
  });

  it('saves screenshots of the sweep page', async function () {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const best = (await pointAt(page, report.best!.key))!;
    await page.mouse.move(best.x, best.y);
    await page.waitForFunction(
      () => (window as unknown as { __chunkscopeSweep: Hook }).__chunkscopeSweep.tooltip !== null,
    );
    const shot = path.join(ARTIFACTS, 'sweep.png');
    await page.screenshot({ path: shot, fullPage: true });
    await page.locator('[data-section="sweep-chart"]').screenshot({ path: path.join(ARTIFACTS, 'sweep-chart.png') });
    await page.locator('[data-section="sweep-slider"]').screenshot({ path: path.join(ARTIFACTS, 'sweep-slider.png') });
    assert.ok(fs.statSync(shot).size > 10_000);
  });

  describe('live in a VS Code webview (strict CSP, progress messages)', function () {
    const fakeApi = () => {
      const w = window as unknown as Record<string, unknown>;
      w.__posted = [];
      w.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => (w.__posted as unknown[]).push(m),
        getState: () => undefined,
        setState: () => undefined,
      });
    };
    const posted = (p: Page) =>
      p.evaluate(() => (window as unknown as { __posted: Record<string, unknown>[] }).__posted);
    const send = (p: Page, message: unknown) => p.evaluate((m) => window.postMessage(m, '*'), message as object);

    it('redraws after every point, shows progress and Cancel, then the finished sweep with Apply and Run', async function () {
      const total = report.points.length;
      const file = path.join(tmp.dir, 'live-sweep.html');
      const data = buildSweepPageData(null, {
        running: { data: report.data, processor: report.processor, totalPoints: total },
      });
      fs.writeFileSync(
        file,
        renderSweepHtml(data, {
          kind: 'webview',
          scriptUri: pathToFileURL(path.join(ROOT, 'media', 'report.js')).href,
          cspSource: 'file:',
          nonce: 'sweepnonce42',
        }),
      );
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, /script-src 'nonce-sweepnonce42';/);
      assert.match(text, /<script nonce="sweepnonce42" src="file:/);
      const p = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const live: string[] = [];
      p.on('console', (m) => (m.type() === 'error' || m.type() === 'warning' ? live.push(m.text()) : undefined));
      p.on('pageerror', (e) => live.push(e.message));
      try {
        await p.addInitScript(fakeApi);
        await p.goto(pathToFileURL(file).href);
        await waitReady(p);
        assert.deepEqual(await posted(p), [{ type: 'sweep-ready' }]);
        let h = await hook(p);
        assert.equal(h.host, 'vscode');
        assert.equal(h.running, true);
        assert.equal(h.pointsDone, 0);
        assert.equal(await p.locator('[data-sweep="progress"]').innerText(), `0 / ${total} points measured`);
        assert.ok(await p.locator('#cancel-sweep').isVisible());

        for (let k = 1; k <= feed.length; k++) {
          const soFar = feed[k - 1];
          await send(p, { type: 'sweep-progress', report: soFar });
          await p.waitForFunction(
            (n) => (window as unknown as { __chunkscopeSweep: Hook }).__chunkscopeSweep.updates === n,
            k,
          );
          h = await hook(p);
          assert.equal(h.pointsDone, soFar.points.length);
          assert.equal(h.pointsDrawn, soFar.points.length);
          assert.deepEqual(new Map(h.lines.map((l) => [l.key, l.points])), lineKeys(soFar));
          for (const m of await markersInsidePlot(p, soFar))
            assert.ok(m.inside, `after run ${k}, the marker of ${m.key} is inside the plot area`);
          assert.equal(h.bestKey, soFar.best!.key);
          assert.deepEqual(
            h.modelCurves.map((c) => c.workers),
            soFar.model ? soFar.grid.workers : [],
            `model curves after run ${k}`,
          );
          assert.equal(
            await p.locator('[data-sweep="progress"]').innerText(),
            `${soFar.points.length} / ${total} points measured · run ${soFar.runsDone} of ${soFar.runsPlanned}`,
          );
          if (k === 8) {
            fs.mkdirSync(ARTIFACTS, { recursive: true });
            await p.screenshot({ path: path.join(ARTIFACTS, 'sweep-live.png'), fullPage: true });
          }
        }
        await p.locator('#cancel-sweep').click();
        assert.deepEqual((await posted(p)).at(-1), { type: 'cancel-sweep' });

        await send(p, { type: 'sweep-done', report });
        await p.waitForFunction(
          (n) => (window as unknown as { __chunkscopeSweep: Hook }).__chunkscopeSweep.updates === n,
          feed.length + 1,
        );
        h = await hook(p);
        assert.equal(h.running, false);
        assert.equal(h.status, 'Done');
        assert.equal(await p.locator('#cancel-sweep').isVisible(), false);
        assert.equal(await p.locator('[data-sweep="progress"]').isVisible(), false);
        assert.deepEqual(
          h.modelCurves.map((c) => c.workers),
          report.grid.workers,
        );
        assert.ok(h.bestMarked);

        await p.locator('#chunk-slider').focus();
        await p.keyboard.press('ArrowLeft');
        await expectPredictionMatches(p);
        const settings = (await hook(p)).settings!;
        await p.locator('#apply-settings').click();
        await p.locator('#run-with-settings').click();
        const last = (await posted(p)).slice(-2);
        assert.deepEqual(last, [
          { type: 'apply-settings', settings },
          { type: 'run-with-settings', settings },
        ]);
        assert.equal(settings.chunkRows, (await hook(p)).slider!.size);
        assert.equal(await p.locator('[data-sweep="cli"]').count(), 0);
        await p.screenshot({ path: path.join(ARTIFACTS, 'sweep-vscode-done.png'), fullPage: true });
        assert.deepEqual(live, []);
      } finally {
        await p.close();
      }
    });
  });
});
