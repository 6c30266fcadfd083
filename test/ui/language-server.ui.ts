// The language server as a person sees it in the workbench: typing `row.` in a processor opens the
// suggest list with the dataset's columns (type and empty share beside each), and the unknown-column
// warning's lightbulb menu offers "Change to fare", which fixes the read. Screenshots:
// column-completion.png and unknown-column-quickfix.png (copied to media/screenshots/ for the README
// when missing, or always with CHUNKSCOPE_UPDATE_SCREENSHOTS=1).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TRIP_COLUMNS, tripsCsv } from '../unit/server/fixtures';
import { ARTIFACTS, ROOT, workbenchForSuite, type Workbench } from './workbench';

const TIPS = `// @chunkscope-data ./trips.csv
// Tip share of each trip's fare.
exports.processRow = (row) => {
  const fare = Number(row.fare);
  return { zone: row["pickup zone"], share: Number(row.tip) / fare };
};
`;

const FARES = `// @chunkscope-data ./trips.csv
// Fare per kilometre of each trip.
exports.processRow = (row) => {
  const perKm = Number(row.fair) / Number(row.distance_km);
  return { zone: row["pickup zone"], perKm };
};
`;

/**
 * test-artifacts/ui/<name>.png, with the pointer parked over empty editor space (Workbench.screenshot
 * parks it where an open menu would highlight an item), and the README's copy in media/screenshots/:
 * written when missing or when asked for, so test runs don't keep changing committed files.
 */
async function screenshotForReadme(wb: Workbench, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const shot = path.join(ARTIFACTS, `${name}.png`);
  await wb.page.mouse.move(1100, 700);
  await wb.page.waitForTimeout(400);
  await wb.page.screenshot({ path: shot });
  const target = path.join(ROOT, 'media', 'screenshots', path.basename(shot));
  if (!fs.existsSync(target) || process.env.CHUNKSCOPE_UPDATE_SCREENSHOTS) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(shot, target);
  }
}

describe('Chunkscope language server in the workbench', function () {
  const suite = workbenchForSuite(
    'lsp-demo',
    { 'trips.csv': tripsCsv(1200), 'tips.js': TIPS, 'fares.js': FARES },
    'fares.js',
  );

  it('typing row. lists the dataset columns with their type and empty share', async function () {
    const wb = suite.wb;
    await wb.openFromExplorer('tips.js');
    await wb.editorText('processRow');
    // A new line after the return (auto-indented), then `row.` as a person types it.
    await wb.goTo(5, 1);
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.press('Enter');
    await wb.page.keyboard.type('const tip = row.', { delay: 40 });
    // The list waits for every provider; TypeScript's first answer in a fresh window can take a
    // while on a loaded machine, so ask again (Ctrl+Space) rather than wait on one request.
    let rows: string[] = [];
    for (let attempt = 1; !rows.length; attempt++) {
      try {
        rows = await wb.suggestRows('trip_id', 20_000);
      } catch (error) {
        if (attempt >= 3) throw error;
        await wb.page.keyboard.press('Escape');
        await wb.page.keyboard.press('Control+Space');
      }
    }
    for (const column of ['trip_id', 'vendor', 'pickup zone'])
      assert.ok(
        rows.some((r) => r.split('\n')[0].trim() === column),
        rows.join(' | '),
      );
    // The columns come first, above TypeScript's own words of the file (rows in list order: the
    // virtual list's DOM order is not its screen order).
    const ordered = await wb.page.locator('.editor-widget.suggest-widget .monaco-list-row').evaluateAll((els) =>
      els
        .map((e) => ({ i: Number(e.getAttribute('data-index')), text: (e as HTMLElement).innerText }))
        .sort((a, b) => a.i - b.i)
        .map((r) => r.text.split('\n')[0].trim()),
    );
    const leading = ordered.slice(0, Math.min(ordered.length, TRIP_COLUMNS.length));
    assert.ok(
      leading.length > 0 && leading.every((label) => TRIP_COLUMNS.includes(label)),
      `the first items are the dataset's columns: ${ordered.join(' | ')}`,
    );
    // The focused column shows its type and empty share beside it.
    assert.ok(
      rows.some((r) => /(number|text) · [\d.]+ % empty/.test(r)),
      rows.join(' | '),
    );
    await screenshotForReadme(wb, 'column-completion');
    await wb.page.keyboard.press('Escape');
  });

  it('the unknown-column warning offers "Change to fare" in the lightbulb menu, which fixes the read', async function () {
    const wb = suite.wb;
    await wb.openFromExplorer('fares.js');
    // The squiggle under `fair` (line 4: `  const perKm = Number(row.fair) …`).
    await wb.page.locator('.squiggly-warning').first().waitFor({ state: 'visible', timeout: 30_000 });
    await wb.goTo(4, 30);
    await wb.page.keyboard.press('Control+.');
    const menu = wb.page.locator('.action-widget');
    const fix = menu.locator('.monaco-list-row', { hasText: 'Change to fare' }).first();
    await fix.waitFor({ state: 'visible', timeout: 30_000 });
    await screenshotForReadme(wb, 'unknown-column-quickfix');
    await fix.click();
    const text = await wb.editorText('row.fare)');
    assert.match(text, /Number\(row\.fare\)/);
    await wb.page.locator('.squiggly-warning').first().waitFor({ state: 'detached', timeout: 30_000 });
  });
});
