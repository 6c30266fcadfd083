// Workspace trust, both answers of VS Code's own trust dialog. The processor writes a marker file
// as soon as it is loaded, so "no user code ran" is checked on disk, not just in the UI.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ROOT,
  Workbench,
  makeWorkspace,
  removeWorkspace,
  screenshotIfFailed,
  tripsCsv,
  waitForFile,
} from './workbench';

const MARKING = `require('node:fs').writeFileSync(require('node:path').join(__dirname, 'processor-ran.marker'), 'loaded');
exports.processRow = (row) => Number(row.fare);
`;

describe('Chunkscope and workspace trust (the trust dialog)', function () {
  let wb: Workbench | undefined;
  let ws: string | undefined;

  beforeEach(function () {
    ws = makeWorkspace('downloaded-project', { 'trips.csv': tripsCsv(50), 'marking.js': MARKING });
  });

  afterEach(async function () {
    await screenshotIfFailed(this, wb);
    await wb?.close();
    wb = undefined;
    removeWorkspace(ws);
  });

  async function answerTrustDialog(w: Workbench, answer: RegExp): Promise<void> {
    const dialog = w.page.locator('.monaco-dialog-box');
    await dialog
      .filter({ hasText: 'Do you trust the authors of the files in this folder?' })
      .waitFor({ state: 'visible', timeout: 60_000 });
    await w.screenshot(`trust-dialog`);
    await dialog.locator('.monaco-button', { hasText: answer }).first().click();
    await dialog.waitFor({ state: 'detached' });
  }

  it('"No, I don’t trust the authors": the run explains why it cannot run, offers to manage trust, and no user code runs', async function () {
    wb = await Workbench.open({ folder: ws!, trustPrompt: true, linkExtensionFrom: ROOT });
    await answerTrustDialog(wb, /No, I don.t trust the authors/);
    await wb.waitForExplorer('trips.csv');
    await wb.openFromExplorer('trips.csv');
    await wb.runCommand('Chunkscope: Run Processor on Current Dataset');
    const warning = wb.toast(/only runs in a trusted workspace/);
    await warning.waitFor({ state: 'visible' });
    assert.match(await warning.innerText(), /Restricted Mode/);
    // No processor quick pick: the run stopped before choosing (let alone loading) any code.
    assert.equal(await wb.quickInput().isVisible(), false);
    await wb.screenshot('untrusted-warning');
    await wb.clickToastButton(warning, 'Manage Workspace Trust');
    await wb.activeTab('Workspace Trust').waitFor();
    assert.ok(!fs.existsSync(path.join(ws!, 'processor-ran.marker')), 'the processor was never loaded');
    assert.ok(!fs.existsSync(path.join(ws!, '.chunkscope')), 'no output folder');
  });

  it('"Yes, I trust the authors": the same run goes ahead', async function () {
    wb = await Workbench.open({ folder: ws!, trustPrompt: true, linkExtensionFrom: ROOT });
    await answerTrustDialog(wb, /Yes, I trust the authors/);
    await wb.waitForExplorer('trips.csv');
    await wb.openFromExplorer('trips.csv');
    await wb.runCommand('Chunkscope: Run Processor on Current Dataset');
    await wb.pick('marking.js');
    await wb.toast(/Chunkscope: 50 rows in/).waitFor({ state: 'visible' });
    await waitForFile(path.join(ws!, '.chunkscope', 'trips.marking.results.ndjson'));
    assert.ok(fs.existsSync(path.join(ws!, 'processor-ran.marker')), 'the processor ran');
  });
});
