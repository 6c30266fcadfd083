// The Chunkscope activity-bar view "Runs" in the real extension host: real runs through the
// commands, the run records and timings files they leave, and the view's commands on its rows.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { saveRunRecord } from '../../src/engine';
import {
  EXTENSION_ID,
  cleanWorkspace,
  closeAllEditors,
  csvText,
  outputFiles,
  runAnswering,
  waitFor,
  workspaceRoot,
  writeFile,
} from './helpers';
import type { ChunkscopeTestApi } from '../../src/extension/extension';
import type { RunRow } from '../../src/extension/logic/runs-tree';

const SUM = `exports.processRow = (row) => Number(row.amount);
exports.combine = (a, b) => a + b;
exports.initial = 0;
`;
const DOUBLE = `exports.processRow = (row) => ({ id: Number(row.id), doubled: Number(row.amount) * 2 });
`;

describe('Runs view', function () {
  let api: ChunkscopeTestApi;
  let sales: string;
  let sum: string;
  let double: string;
  let runsDir: string;
  const records = () => (fs.existsSync(runsDir) ? fs.readdirSync(runsDir).filter((f) => f.endsWith('.run.json')) : []);

  before(async function () {
    cleanWorkspace();
    // A project folder (package.json): run records go to <workspace>/.chunkscope/runs/.
    writeFile('package.json', '{ "name": "runs-view-test", "private": true }\n');
    sales = writeFile('data/sales.csv', csvText(300));
    sum = writeFile('processors/sum.js', SUM);
    double = writeFile('processors/double.js', DOUBLE);
    runsDir = path.join(workspaceRoot(), '.chunkscope', 'runs');
    const ext = vscode.extensions.getExtension<ChunkscopeTestApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    await vscode.workspace
      .getConfiguration('chunkscope')
      .update('openReport', 'never', vscode.ConfigurationTarget.Workspace);
  });

  afterEach(async function () {
    await closeAllEditors();
  });

  after(async function () {
    const c = vscode.workspace.getConfiguration('chunkscope');
    await c.update('openReport', undefined, vscode.ConfigurationTarget.Workspace);
    await c.update('runs.confirmDelete', undefined, vscode.ConfigurationTarget.Workspace);
    await closeAllEditors();
    cleanWorkspace();
  });

  it('is contributed to its own activity-bar container and opens', async function () {
    const commands = await vscode.commands.getCommands(true);
    for (const c of [
      'chunkscope.runs.refresh',
      'chunkscope.runs.openReport',
      'chunkscope.runs.compareWith',
      'chunkscope.runs.runAgain',
      'chunkscope.runs.delete',
    ])
      assert.ok(commands.includes(c), c);
    // The container's generated command: the view shows up in the activity bar.
    await vscode.commands.executeCommand('workbench.view.extension.chunkscope');
    assert.deepEqual(await api.runsViewRows(), []);
  });

  it('lists a run first with its label once it finishes', async function () {
    await vscode.window.showTextDocument(vscode.Uri.file(sales));
    const before = api.runsViewReloads();
    await vscode.commands.executeCommand('chunkscope.run', vscode.Uri.file(sum));
    assert.equal(api.lastRunOutcome()?.kind, 'finished', api.lastRunOutcome()?.message);
    // The run's end reloads the view by itself (no call of ours).
    await waitFor(() => api.runsViewReloads() > before, 'the view to reload after the run');
    const rows = await api.runsViewRows();
    assert.equal(rows.length, 1);
    assert.equal(rows[0].processor, sum);
    assert.equal(rows[0].dataset, sales);
    assert.equal(rows[0].timings, outputFiles(sales, sum).timings);
    assert.equal(path.dirname(rows[0].record!), runsDir);
    const [item] = await api.runsViewItems();
    assert.equal(item.label, 'sum.js on sales.csv');
    assert.match(
      String(item.description),
      /^[\d.,]+[kMG]? rows\/s · byte-range · (auto|[\d.]+ [KMG]?i?B|[\d,]+ rows?) · \d\d:\d\d$/,
    );
    assert.equal(item.command?.command, 'chunkscope.runs.openReport');
    assert.match(String(item.tooltip), /Click to open the report/);
  });

  it('opens the report of the clicked run', async function () {
    const [row] = await api.runsViewRows();
    const item = (await api.runsViewItems())[0];
    // What a click does: the item's command with its arguments.
    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    await waitFor(() => api.openReports().includes(path.resolve(row.timings!)), 'the report panel');
  });

  it('"Run Again" runs the same dataset and processor: a second record, listed first', async function () {
    const [row] = await api.runsViewRows();
    assert.equal(records().length, 1);
    await vscode.commands.executeCommand('chunkscope.runs.runAgain', row);
    assert.equal(api.lastRunOutcome()?.kind, 'finished', api.lastRunOutcome()?.message);
    assert.equal(records().length, 2);
    const rows = await api.runsViewRows();
    assert.equal(rows.length, 2);
    assert.notEqual(rows[0].id, row.id);
    assert.equal(rows[0].processor, sum);
    assert.equal(rows[0].dataset, sales);
    // The timings file now holds the new run; the older record says so and opens nothing.
    assert.equal(rows[0].timings, row.timings);
    assert.equal(rows[1].id, row.id);
    assert.equal(rows[1].missing, 'overwritten');
    const items = await api.runsViewItems();
    assert.equal(items[1].command, undefined);
    assert.match(String(items[1].tooltip), /no report to open/);
    assert.equal(items[1].contextValue, 'chunkscope.run.noReport');
  });

  it('"Compare with…" opens the compare panel for the run and the one picked', async function () {
    await vscode.window.showTextDocument(vscode.Uri.file(sales));
    await vscode.commands.executeCommand('chunkscope.run', vscode.Uri.file(double));
    const rows = await api.runsViewRows();
    assert.equal(rows[0].processor, double);
    const first = rows.find((r) => r.processor === sum && r.timings)!;
    // The quick pick offers the other runs with a report; Enter takes the first (the double run).
    const panel = await runAnswering<vscode.WebviewPanel | undefined>('chunkscope.runs.compareWith', [first]);
    assert.ok(panel, 'a compare panel');
    assert.equal(panel.title, 'Compare: sales.sum ↔ sales.double');
    panel.dispose();
  });

  it('a run record without a timings file opens nothing and says why', async function () {
    saveRunRecord(workspaceRoot(), {
      processor: sum,
      dataset: sales,
      finishedAt: new Date(Date.now() + 60_000).toISOString(),
      strategy: 'per-row',
      chunkRows: 1,
    });
    const rows = await api.runsViewRows();
    assert.equal(rows[0].missing, 'not-written');
    const [item] = await api.runsViewItems();
    assert.equal(item.command, undefined);
    assert.match(String(item.tooltip), /No timings file was written for this run/);
    const open = api.openReports().length;
    assert.equal(await vscode.commands.executeCommand('chunkscope.runs.openReport', rows[0]), undefined);
    assert.equal(api.openReports().length, open);
  });

  it('reloads when a record is removed on disk (file watcher)', async function () {
    const [row] = await api.runsViewRows();
    const before = api.runsViewReloads();
    fs.rmSync(row.record!);
    await waitFor(() => api.runsViewReloads() > before, 'the watcher to reload the view', 15_000);
    assert.ok(!(await api.runsViewRows()).some((r) => r.id === row.id));
  });

  it('"Delete" without confirmation keeps the files; confirmed, removes the record and its timings file', async function () {
    const row = (await api.runsViewRows()).find((r) => r.processor === double)!;
    assert.ok(row.record && row.timings);
    // Confirmation on (the default): the modal is asked for first; this test host refuses modal
    // dialogs (it throws, naming the dialog), and nothing is deleted.
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('chunkscope.runs.delete', row)),
      /refused to show dialog in tests\. Contents: Delete the run double\.js on sales\.csv\?/,
    );
    assert.ok(fs.existsSync(row.record) && fs.existsSync(row.timings));
    await vscode.workspace
      .getConfiguration('chunkscope')
      .update('runs.confirmDelete', false, vscode.ConfigurationTarget.Workspace);
    const removed = await vscode.commands.executeCommand<string[]>('chunkscope.runs.delete', row);
    assert.deepEqual(removed, [row.record, row.timings]);
    assert.ok(!fs.existsSync(row.record) && !fs.existsSync(row.timings));
    const rows: RunRow[] = await api.runsViewRows();
    assert.ok(!rows.some((r) => r.id === row.id || r.timings === row.timings));
    // The other runs are untouched.
    assert.ok(rows.some((r) => r.processor === sum && r.timings));
  });

  it('"Open Sample Data" (the walkthrough\'s first step) writes data/trips.csv once and opens it; a run on it is listed', async function () {
    const file = path.join(workspaceRoot(), 'data', 'trips.csv');
    assert.ok(!fs.existsSync(file));
    const uri = await vscode.commands.executeCommand<vscode.Uri>('chunkscope.openSampleData');
    assert.equal(uri?.fsPath, file);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    const text = fs.readFileSync(file, 'utf8');
    assert.equal(
      text.split('\n')[0],
      'trip_id,pickup_time,vendor,place,passengers,distance_km,duration_min,fare,tip,payment',
    );
    assert.equal(text.trimEnd().split('\n').length, 50_001);
    // Opened again: the file is kept as it is (the user may have edited it).
    fs.appendFileSync(file, '50001,2026-01-02T00:00:00.000Z,CMT,Köln,1,1.00,2.0,4.00,0.00,card\n');
    await vscode.commands.executeCommand('chunkscope.openSampleData');
    assert.equal(fs.readFileSync(file, 'utf8').trimEnd().split('\n').length, 50_002);
    const fare = writeFile(
      'processors/fare.js',
      'exports.processRow = (row) => Number(row.fare) / Number(row.distance_km);\n',
    );
    await vscode.commands.executeCommand('chunkscope.run', vscode.Uri.file(fare));
    assert.equal(api.lastRunOutcome()?.kind, 'finished', api.lastRunOutcome()?.message);
    const [row] = await api.runsViewRows();
    assert.equal(row.dataset, file);
    assert.equal(row.rows, 50_001);
  });
});
