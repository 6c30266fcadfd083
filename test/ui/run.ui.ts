// What a user does in VS Code, driven through the real workbench in Chromium: the command palette
// run on the active editor's CSV (progress, summary, status bar, notification buttons), the
// processor quick pick with the last-used processor first, "Run on This File" from the Explorer
// context menu, "New Processor", Cancel, and a throwing TypeScript processor. Screenshots of the
// main states go to test-artifacts/ui/; the summary one is also copied to media/screenshots/ for
// the README.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, tripsCsv, waitForFile, workbenchForSuite } from './workbench';

const FARE_PER_KM = `// Fare per kilometre for each trip.
exports.processRow = (row) => ({ id: Number(row.id), perKm: Number(row.fare) / Number(row.distance) });
`;

// About 4 ms of busy work per row: 6,000 rows keep 2 workers busy for ~12 s, long enough to watch
// the progress notification and press Cancel.
const SLOW = `exports.processRow = (row) => {
  const until = Date.now() + 4;
  while (Date.now() < until);
  return { id: Number(row.id) };
};
`;

// About 1 ms of busy work per row; LIVE_ROWS keep every worker busy for ~8 s: the live report test
// needs the run to outlast a few polls of every frame on a loaded CI machine.
const LIVE = `exports.processRow = (row) => {
  const until = performance.now() + 1;
  while (performance.now() < until);
  return { id: Number(row.id) };
};
`;
const LIVE_ROWS = 8000 * Math.min(4, Math.max(1, os.availableParallelism()));

// Types and blank lines before the throw, so a wrong (unmapped) line number would show.
const THROWS_TS = `// Throws on trip 37: the error must point at line 11 of this .ts file.
interface Trip {
  id: string;
  city: string;
  fare: string;
  distance: string;
}

export function processRow(row: Trip): number {
  if (row.id === '37') {
    throw new Error('no fare for trip ' + row.id);
  }
  return Number(row.fare);
}
`;
const THROW_LINE = 11;

describe('Chunkscope in the VS Code workbench (trusted folder)', function () {
  const suite = workbenchForSuite(
    'trips-demo',
    {
      // Small chunks, so even these small files give live progress.
      '.vscode/settings.json': JSON.stringify({ 'chunkscope.chunkBytes': 4096 }),
      'trips.csv': tripsCsv(300),
      'long-trips.csv': tripsCsv(6000),
      'fare-per-km.js': FARE_PER_KM,
      'slow.js': SLOW,
      'live.js': LIVE,
      'live-trips.csv': tripsCsv(LIVE_ROWS),
      'throws.ts': THROWS_TS,
    },
    'trips.csv',
  );
  const out = (name: string) => path.join(suite.ws, '.chunkscope', name);

  it('runs from the command palette on the active editor’s CSV: progress, summary, status bar, notification', async function () {
    await suite.wb.openFromExplorer('trips.csv');
    await suite.wb.runCommand('Chunkscope: Run Processor on Current Dataset', () =>
      suite.wb.screenshot('command-palette').then(() => undefined),
    );
    const items = await suite.wb.quickPickTexts('fare-per-km.js');
    assert.ok(
      items.some((t) => t.includes('slow.js')) && items.some((t) => t.includes('throws.ts')),
      items.join(' | '),
    );
    assert.ok(
      items.some((t) => t.includes('Browse')),
      'Browse… is offered',
    );
    await suite.wb.screenshot('processor-quick-pick');
    await suite.wb.pick('fare-per-km.js');

    const done = suite.wb.toast(/Chunkscope: 300 rows in/);
    await done.waitFor({ state: 'visible' });
    assert.ok(await done.locator('.monaco-button', { hasText: 'Open Results' }).isVisible());
    assert.ok(await done.locator('.monaco-button', { hasText: 'Show Report' }).isVisible());
    await suite.wb.statusItem(/rows\/s/).waitFor({ state: 'visible' });

    const results = out('trips.fare-per-km.results.ndjson');
    await waitForFile(results);
    const lines = fs.readFileSync(results, 'utf8').trim().split('\n');
    assert.equal(lines.length, 300);
    assert.deepEqual(JSON.parse(lines[0]), { id: 1, perKm: 6.25 / 1.5 });

    // The summary in the "Chunkscope" output channel (clicking the status bar item shows it).
    await suite.wb.statusItem(/rows\/s/).click();
    const text = await suite.wb.panelText('throughput');
    for (const label of ['dataset', 'processor', 'rows', 'wall time', 'throughput', 'workers', 'results', 'timings']) {
      assert.match(text, new RegExp(`^${label}\\s`, 'm'), `summary line "${label}" in\n${text}`);
    }
    assert.match(text, /^rows\s+300$/m);
    assert.match(text, /^chunks\s+\d+, 4 KiB per chunk$/m, 'the workspace setting chunkscope.chunkBytes is used');
    const shot = await suite.wb.screenshot('run-summary');
    // The README's picture: written when missing or when asked for, so test runs don't keep changing a committed file.
    const readmeShot = path.join(ROOT, 'media', 'screenshots', 'run-summary.png');
    if (!fs.existsSync(readmeShot) || process.env.CHUNKSCOPE_UPDATE_SCREENSHOTS) {
      fs.mkdirSync(path.dirname(readmeShot), { recursive: true });
      fs.copyFileSync(shot, readmeShot);
    }

    await suite.wb.clickToastButton(done, 'Open Results');
    await suite.wb.activeTab('trips.fare-per-km.results.ndjson').waitFor();
  });

  it('offers the last-used processor first, and "Show Report" opens the report panel with the run\'s timeline, and "Open at row" reveals a chunk\'s first row', async function () {
    await suite.wb.clearNotifications();
    await suite.wb.openFromExplorer('trips.csv');
    await suite.wb.runCommand('Chunkscope: Run Processor on Current Dataset');
    const items = await suite.wb.quickPickTexts('slow.js');
    assert.match(items[0], /fare-per-km\.js/, `first item: ${items[0]}`);
    assert.match(items[0], /last used/);
    await suite.wb.page.keyboard.press('Enter'); // the first item
    const done = suite.wb.toast(/Chunkscope: 300 rows in/);
    await done.waitFor({ state: 'visible' });
    await suite.wb.clickToastButton(done, 'Show Report');
    await suite.wb.activeTab('Report: trips.csv').waitFor();
    const report = JSON.parse(fs.readFileSync(out('trips.fare-per-km.timings.json'), 'utf8'));
    assert.equal(report.summary.rows, 300);
    type Layout = { ready: boolean; host: string; chunkCount: number; barCount: number; lanes: unknown[] };
    const { frame, hook: layout } = await suite.wb.reportHook<Layout>((h) => h.ready);
    assert.ok(layout?.ready, 'the report rendered inside the webview');
    assert.equal(layout.host, 'vscode', 'rendered as a VS Code webview, not the standalone page');
    assert.equal(layout.chunkCount, report.chunks.length, 'every chunk record reached the webview');
    assert.equal(layout.barCount, report.chunks.length, 'one bar per chunk');
    assert.equal(
      layout.lanes.length,
      report.summary.workerSummaries.length + 1,
      'a lane per worker plus the main thread',
    );
    await suite.wb.screenshot('report-panel');

    // Click the last chunk's bar, then "Open at row": the dataset opens at that chunk's first row.
    const last = report.chunks[report.chunks.length - 1];
    const canvas = frame.locator('canvas.timeline-canvas');
    await canvas.scrollIntoViewIfNeeded();
    // The panel may still be settling (the webview resizes while the editor layout does, and the
    // timeline redraws for its new width): take the bar's place only once the canvas keeps its box.
    let previousBox = '';
    for (let tries = 0; tries < 20; tries++) {
      const box = JSON.stringify(await canvas.boundingBox());
      if (box === previousBox) break;
      previousBox = box;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const spot = await frame.evaluate((k) => {
      const hook = (
        window as unknown as {
          __chunkscopeReport: { barRect(i: number): { x: number; y: number; w: number; h: number } | null };
        }
      ).__chunkscopeReport;
      const bar = hook.barRect(k);
      const box = document.querySelector('canvas.timeline-canvas')!.getBoundingClientRect();
      return bar ? { x: bar.x - box.left + bar.w / 2, y: bar.y - box.top + bar.h / 2 } : null;
    }, last.index);
    assert.ok(spot, `chunk ${last.index} has a bar on screen`);
    const canvasBox = (await canvas.boundingBox())!;
    assert.ok(
      spot.x >= 0 && spot.y >= 0 && spot.x <= canvasBox.width && spot.y <= canvasBox.height,
      `the bar's centre ${JSON.stringify(spot)} lies on the canvas ${JSON.stringify(canvasBox)}`,
    );
    await canvas.click({ position: spot });
    await frame.locator('#open-at-row').click();
    await suite.wb.activeTab('trips.csv').filter({ hasNotText: 'Report:' }).waitFor();
    await suite.wb.page.waitForFunction(
      (line) =>
        (document.querySelector('[id="status.editor.selection"]') as HTMLElement | null)?.innerText.includes(
          `Ln ${line},`,
        ),
      last.firstLine,
    );
    assert.equal((await suite.wb.cursor()).line, last.firstLine, 'the cursor is on the chunk’s first row');
  });

  it('"Run on This File" from the Explorer context menu runs on the clicked file', async function () {
    await suite.wb.clearNotifications();
    await suite.wb.closeAllEditors();
    fs.rmSync(path.join(suite.ws, '.chunkscope'), { recursive: true, force: true });
    await suite.wb.explorerRow('trips.csv').click({ button: 'right' });
    const menu = suite.wb.page.locator('.context-view .monaco-menu');
    await menu.waitFor({ state: 'visible' });
    const labels = await menu.locator('.action-label').allInnerTexts();
    assert.ok(labels.includes('New Processor'), labels.join(' | '));
    await suite.wb.screenshot('explorer-context-menu');
    await menu.locator('.action-item', { hasText: 'Run on This File' }).click();
    await suite.wb.quickPickTexts('fare-per-km.js');
    await suite.wb.page.keyboard.press('Enter');
    await suite.wb.toast(/Chunkscope: 300 rows in/).waitFor({ state: 'visible' });
    await waitForFile(out('trips.fare-per-km.results.ndjson'));
    // Explorer runs never open the dataset (the run's report panel, "Report: trips.csv", is not the dataset).
    assert.equal(
      await suite.wb.page.locator('.tabs-container .tab', { hasText: 'trips.csv', hasNotText: 'Report:' }).count(),
      0,
    );
  });

  it('"New Processor" writes a typed TypeScript processor from the dataset’s header', async function () {
    await suite.wb.clearNotifications();
    await suite.wb.openFromExplorer('trips.csv');
    await suite.wb.runCommand('Chunkscope: New Processor');
    const input = suite.wb.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    assert.equal(await input.inputValue(), 'trips');
    await suite.wb.page.keyboard.press('Enter');
    await suite.wb.activeTab('trips.ts').waitFor();
    const created = path.join(suite.ws, 'processors', 'trips.ts');
    await waitForFile(created);
    const source = fs.readFileSync(created, 'utf8');
    for (const f of ['id', 'city', 'fare', 'distance']) assert.ok(source.includes(`"${f}": string;`), source);
    // The editor shows the new file with the cursor in processRow's body, where the user starts typing.
    const text = await suite.wb.editorText('export function processRow');
    assert.match(text, /processRow\(row: Row, ctx: Context\)/);
    const bodyLine = source.split('\n').findIndex((l) => l.startsWith('export function processRow')) + 2;
    assert.equal((await suite.wb.cursor()).line, bodyLine);
    await suite.wb.screenshot('new-processor');
  });

  it('shows live rows/s with Cancel; Cancel stops the run and leaves no partial output', async function () {
    await suite.wb.clearNotifications();
    await suite.wb.closeAllEditors();
    fs.rmSync(path.join(suite.ws, '.chunkscope'), { recursive: true, force: true });
    await suite.wb.openFromExplorer('long-trips.csv');
    await suite.wb.runCommand('Chunkscope: Run Processor on Current Dataset');
    await suite.wb.pick('slow.js');
    const progress = suite.wb.toast('Chunkscope: slow.js on long-trips.csv');
    await progress.filter({ hasText: /[1-9][\d.]*K? rows\/s · [1-9][\d,]* rows · \d+%/ }).waitFor({ state: 'visible' });
    await suite.wb.screenshot('progress');
    assert.ok(fs.existsSync(path.join(suite.ws, '.chunkscope')), 'the run has started writing');
    const cancelledAt = Date.now();
    await suite.wb.clickToastButton(progress, 'Cancel');
    await suite.wb.toast('Run cancelled; partial output removed').waitFor({ state: 'visible', timeout: 15_000 });
    const stopMs = Date.now() - cancelledAt;
    assert.ok(stopMs < 10_000, `stopped ${stopMs} ms after Cancel`);
    const left = fs.readdirSync(path.join(suite.ws, '.chunkscope'));
    assert.deepEqual(left, [], `left behind: ${left.join(', ')}`);
  });

  it('the report panel is live during a run (progress, bars growing, then the full report) and its Cancel stops a run', async function () {
    type Hook = {
      ready: boolean;
      live?: boolean;
      host: string;
      barCount: number;
      chunkCount: number;
      ended?: string | null;
      progress?: { rows: number } | null;
    };
    const findHook = (want: (h: Hook) => boolean, timeoutMs?: number) => suite.wb.reportHook<Hook>(want, timeoutMs);
    const results = out('live-trips.live.results.ndjson');
    const timings = out('live-trips.live.timings.json');

    await suite.wb.clearNotifications();
    await suite.wb.closeAllEditors();
    fs.rmSync(path.join(suite.ws, '.chunkscope'), { recursive: true, force: true });
    await suite.wb.openFromExplorer('live-trips.csv');
    await suite.wb.runCommand('Chunkscope: Run Processor on Current Dataset');
    await suite.wb.pick('live.js');
    const startedAt = Date.now();

    // While the run is going: the live panel (default chunkscope.openReport "live") fills in.
    const first = await findHook((h) => h.live === true && h.barCount > 0 && !h.ended);
    assert.equal(first.hook.host, 'vscode');
    assert.ok(!fs.existsSync(timings), 'the first bars came before the run ended');
    const second = await findHook((h) => h.live === true && h.barCount > first.hook.barCount && !h.ended);
    assert.ok(
      !fs.existsSync(timings),
      `the bar count grew (${first.hook.barCount} → ${second.hook.barCount}) before the run ended`,
    );
    assert.ok((second.hook.progress?.rows ?? 0) > 0, 'progress reached the panel');
    assert.ok(await second.frame.locator('#cancel-run').isVisible(), 'Cancel is shown while running');
    await suite.wb.activeTab('Report: live-trips.csv').waitFor();
    await suite.wb.screenshot('report-live');

    // At the end: the panel is the full report, one bar per chunk record in the timings file.
    await suite.wb.toast(/Chunkscope: [\d,]+ rows in/).waitFor({ state: 'visible', timeout: 60_000 });
    const runMs = Date.now() - startedAt;
    await waitForFile(timings);
    const report = JSON.parse(fs.readFileSync(timings, 'utf8'));
    assert.equal(report.summary.rows, LIVE_ROWS);
    const full = await findHook((h) => h.ready && !h.live);
    assert.equal(full.hook.chunkCount, report.chunks.length);
    assert.equal(full.hook.barCount, report.chunks.length, `bars at the end = chunk records (run took ${runMs} ms)`);

    // Again, and Cancel in the panel: the run stops, the toast says so, no results file.
    await suite.wb.clearNotifications();
    fs.rmSync(path.join(suite.ws, '.chunkscope'), { recursive: true, force: true });
    await suite.wb.openFromExplorer('live-trips.csv');
    await suite.wb.runCommand('Chunkscope: Run Processor on Current Dataset');
    const items = await suite.wb.quickPickTexts('live.js');
    assert.match(items[0], /live\.js/);
    await suite.wb.page.keyboard.press('Enter');
    const running = await findHook((h) => h.live === true && h.barCount > 0 && !h.ended);
    await running.frame.locator('#cancel-run').click();
    await suite.wb.toast('Run cancelled; partial output removed').waitFor({ state: 'visible', timeout: 15_000 });
    const ended = await findHook((h) => h.live === true && h.ended === 'cancelled', 5_000);
    assert.ok(ended.hook.barCount > 0, 'the cancelled run keeps the bars it showed');
    assert.ok(!fs.existsSync(results), 'no results file after Cancel');
    assert.ok(!fs.existsSync(timings), 'no timings file after Cancel');
  });

  it('a throwing processor: an error naming the row and line, "Open Processor" at the throwing .ts line, "Open Dataset at Row"', async function () {
    await suite.wb.clearNotifications();
    await suite.wb.closeAllEditors();
    await suite.wb.openFromExplorer('trips.csv');
    await suite.wb.runCommand('Chunkscope: Run Processor on Current Dataset');
    await suite.wb.pick('throws.ts');
    const error = suite.wb.toast(/Processor failed/);
    await error.waitFor({ state: 'visible' });
    const message = await error.innerText();
    assert.match(message, /row 37/);
    assert.match(message, /line 38 of the dataset/);
    assert.match(message, new RegExp(`throws\\.ts:${THROW_LINE}\\b`));
    assert.match(message, /no fare for trip 37/);
    await suite.wb.toast('Chunkscope: throws.ts on trips.csv').waitFor({ state: 'detached' });
    await suite.wb.screenshot('processor-error');
    await suite.wb.clickToastButton(error, 'Open Processor');
    await suite.wb.activeTab('throws.ts').waitFor();
    assert.equal((await suite.wb.cursor()).line, THROW_LINE);

    // Again (throws.ts is now first in the quick pick), this time to the dataset's row.
    await suite.wb.clearNotifications();
    await suite.wb.openFromExplorer('trips.csv');
    await suite.wb.runCommand('Chunkscope: Run Processor on Current Dataset');
    const items = await suite.wb.quickPickTexts('throws.ts');
    assert.match(items[0], /throws\.ts/);
    await suite.wb.page.keyboard.press('Enter');
    const again = suite.wb.toast(/Processor failed/);
    await again.waitFor({ state: 'visible' });
    await suite.wb.clickToastButton(again, 'Open Dataset at Row');
    await suite.wb.activeTab('trips.csv').waitFor();
    await suite.wb.page.waitForFunction(() =>
      /Ln 38,/.test(document.querySelector('[id="status.editor.selection"]')?.textContent ?? ''),
    );
    assert.equal((await suite.wb.cursor()).line, 38);
    assert.ok(!fs.existsSync(path.join(suite.ws, '.chunkscope', 'trips.throws.results.ndjson')), 'no partial results');
  });
});
