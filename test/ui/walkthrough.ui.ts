// The "Get started with Chunkscope" walkthrough and the Runs view in the real workbench: the
// walkthrough opens from the palette, its first step's button writes and opens the sample data, and
// the step shows as completed; a run then appears in the Chunkscope activity-bar view. Screenshots:
// test-artifacts/ui/walkthrough.png and runs-view.png, copied to media/screenshots/ for the README
// when missing (or always with CHUNKSCOPE_UPDATE_SCREENSHOTS=1).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, waitForFile, workbenchForSuite } from './workbench';

const FARE = `// Fare per kilometre of each trip.
exports.processRow = (row) => Number(row.fare) / Number(row.distance_km);
`;

function keepForReadme(shot: string, name: string): string {
  const target = path.join(ROOT, 'media', 'screenshots', `${name}.png`);
  if (!fs.existsSync(target) || process.env.CHUNKSCOPE_UPDATE_SCREENSHOTS) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(shot, target);
  }
  return target;
}

describe('Getting started: the walkthrough and the Runs view', function () {
  const suite = workbenchForSuite(
    'getting-started',
    {
      'package.json': '{ "name": "getting-started", "private": true }\n',
      'processors/fare.js': FARE,
      // The report opens from the Runs view in this test, not by itself.
      '.vscode/settings.json': JSON.stringify({ 'chunkscope.openReport': 'never' }),
    },
    'package.json',
  );
  const step = (id: string) =>
    suite.wb.page.locator(`.getting-started-step[data-step-id$="chunkscope.gettingStarted.${id}"]`).first();
  // The step's check mark: VS Code adds "complete" to it when a completion event fires.
  const done = (id: string) =>
    suite.wb.page
      .locator(`[data-done-step-id$="chunkscope.gettingStarted.${id}"]`)
      .first()
      .evaluate((el) => el.classList.contains('complete'));

  /** The selected step's markdown is a webview: waits until one of its frames shows `text`. */
  async function markdownShown(text: string): Promise<void> {
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      for (const frame of suite.wb.page.frames()) {
        const has = await frame.evaluate((t) => document.body?.innerText.includes(t) ?? false, text).catch(() => false);
        if (has) return;
      }
      await suite.wb.page.waitForTimeout(200);
    }
    throw new Error(`the walkthrough's markdown never showed "${text}"`);
  }

  async function openWalkthrough(): Promise<void> {
    await suite.wb.runCommand('Welcome: Open Walkthrough...');
    await suite.wb.pick('Get started with Chunkscope');
    await step('sampleData').waitFor({ state: 'visible', timeout: 30_000 });
  }

  it('opens the walkthrough; "Open Sample Data" writes data/trips.csv and the step shows as completed', async function () {
    await openWalkthrough();
    const first = step('sampleData');
    assert.equal(await done('sampleData'), false, 'not done yet');
    for (const id of ['newProcessor', 'run', 'report', 'sweep', 'profile'])
      await step(id).waitFor({ state: 'attached' });
    // The step's button, as a newcomer clicks it (the first step is expanded when the page opens).
    await first.click();
    await suite.wb.page
      .locator('.getting-started-step.expanded .monaco-button, .getting-started-step.expanded a.button-link', {
        hasText: 'Open Sample Data',
      })
      .first()
      .click();
    const data = path.join(suite.ws, 'data', 'trips.csv');
    await waitForFile(data);
    await suite.wb.activeTab('trips.csv').waitFor();
    assert.equal(fs.readFileSync(data, 'utf8').trimEnd().split('\n').length, 50_001);
    // Back to the walkthrough: the step is ticked (onCommand:chunkscope.openSampleData).
    await openWalkthrough();
    await suite.wb.page.waitForFunction(
      () =>
        document
          .querySelector('[data-done-step-id$="chunkscope.gettingStarted.sampleData"]')
          ?.classList.contains('complete') === true,
      undefined,
      { timeout: 15_000 },
    );
    for (const id of ['newProcessor', 'run', 'report', 'sweep', 'profile']) assert.equal(await done(id), false, id);
    await markdownShown('A processor');
    await suite.wb.page.waitForTimeout(1500); // the markdown webview fades in
    const shot = await suite.wb.screenshot('walkthrough');
    keepForReadme(shot, 'walkthrough');
  });

  it('a run shows in the Chunkscope view, newest first, with its figures', async function () {
    await suite.wb.closeAllEditors();
    await suite.wb.openFromExplorer('trips.csv');
    await suite.wb.runCommand('Chunkscope: Run Processor on Current Dataset');
    await suite.wb.pick('fare.js');
    await suite.wb.toast(/Chunkscope: 50,000 rows in/).waitFor({ state: 'visible', timeout: 60_000 });
    await suite.wb.clearNotifications();
    await suite.wb.closeAllEditors();
    await suite.wb.page.locator('.activitybar .action-item a[aria-label="Chunkscope"]').first().click();
    const row = suite.wb.page
      .locator('.pane', { hasText: 'Runs' })
      .locator('.monaco-list-row', { hasText: 'fare.js on trips.csv' })
      .first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    const text = await row.innerText();
    assert.match(text, /rows\/s · byte-range · /, text);
    // Wider, so the figures are not cut off in the picture.
    const sash = suite.wb.page.locator('.part.sidebar').first();
    const box = await sash.boundingBox();
    if (box) {
      await suite.wb.page.mouse.move(box.x + box.width - 1, box.y + 300);
      await suite.wb.page.mouse.down();
      await suite.wb.page.mouse.move(box.x + 620, box.y + 300, { steps: 8 });
      await suite.wb.page.mouse.up();
    }
    // The context menu: Show Report, Compare with…, Run Again, Delete.
    await row.click({ button: 'right' });
    const menu = suite.wb.page.locator('.context-view .monaco-menu').first();
    await menu.waitFor({ state: 'visible' });
    const labels = await menu.locator('.action-label').allInnerTexts();
    for (const l of ['Show Report', 'Compare with…', 'Run Again', 'Delete'])
      assert.ok(
        labels.some((x) => x.includes(l)),
        labels.join(' | '),
      );
    await suite.wb.screenshot('runs-view-context-menu');
    await menu.locator('.action-item', { hasText: 'Run Again' }).click();
    await suite.wb.toast(/Chunkscope: 50,000 rows in/).waitFor({ state: 'visible', timeout: 60_000 });
    await suite.wb.clearNotifications();
    const rows = suite.wb.page.locator('.pane', { hasText: 'Runs' }).locator('.monaco-list-row');
    await rows.nth(1).waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await rows.count(), 2);
    const shot = await suite.wb.screenshot('runs-view');
    keepForReadme(shot, 'runs-view');
    // A click on the newest run opens its report (the older one's timings file was overwritten by it).
    await rows.first().click();
    await suite.wb.page.locator('.tabs-container .tab', { hasText: 'Report: trips.csv' }).waitFor();
  });
});
