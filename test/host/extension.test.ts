// Chunkscope inside a real VS Code extension host (code-server 1.100 here and in CI; desktop VS Code
// through the same runTests call elsewhere). API-level checks: the commands are registered, runs go
// through `vscode.commands.executeCommand` into the engine and write their files, the processor
// quick pick puts the last-used processor first, "New Processor" writes a typed template that runs,
// and the chunkscope.* settings are honoured with workspace values winning over user values.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  EXTENSION_ID,
  cleanWorkspace,
  closeAllEditors,
  csvText,
  onlyRunIn,
  outputFiles,
  readJsonLines,
  readTimings,
  removeOutputs,
  runAnswering,
  waitFor,
  workspaceRoot,
  writeFile,
} from './helpers';
import type { ChunkscopeTestApi } from '../../src/extension/extension';

const SUM = `exports.processRow = (row) => Number(row.amount);
exports.combine = (a, b) => a + b;
exports.initial = 0;
`;
const DOUBLE = `exports.processRow = (row) => ({ id: Number(row.id), doubled: Number(row.amount) * 2 });
`;
const ZERO = `exports.processRow = () => 0;
`;

describe('Chunkscope in the extension host', function () {
  let sales: string;
  let sumProcessor: string;
  let doubleProcessor: string;

  before(async function () {
    cleanWorkspace();
    // A folder per run: a "last used" processor remembered from an earlier run (desktop VS Code
    // keeps workspace state between runs of launch.json's "Extension Tests") never exists again.
    const run = `processors-${Date.now().toString(36)}`;
    sales = writeFile('data/sales.csv', csvText(200));
    sumProcessor = writeFile(`${run}/a-sum.js`, SUM);
    doubleProcessor = writeFile(`${run}/b-double.js`, DOUBLE);
  });

  afterEach(async function () {
    await closeAllEditors();
  });

  after(async function () {
    await closeAllEditors();
    cleanWorkspace();
  });

  it('activates and registers its commands', async function () {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is loaded`);
    await ext.activate();
    assert.equal(ext.isActive, true);
    const commands = await vscode.commands.getCommands(true);
    for (const c of [
      'chunkscope.run',
      'chunkscope.runOnFile',
      'chunkscope.newProcessor',
      'chunkscope.showOutput',
      'chunkscope.compareRuns',
    ]) {
      assert.ok(commands.includes(c), `${c} is registered`);
    }
    // chunkscope.showOutput just reveals the channel; it must not throw.
    await vscode.commands.executeCommand('chunkscope.showOutput');
  });

  it('contributes the settings with their documented defaults', function () {
    const c = vscode.workspace.getConfiguration('chunkscope');
    assert.equal(c.inspect('workers')?.defaultValue, 0);
    assert.equal(c.inspect('strategy')?.defaultValue, 'byte-range');
    assert.equal(c.inspect('chunkRows')?.defaultValue, 0);
    assert.equal(c.inspect('chunkBytes')?.defaultValue, 0);
    assert.equal(c.inspect('outputFolder')?.defaultValue, '');
  });

  it('runs the processor picked in the quick pick on the active editor’s dataset (chunkscope.run)', async function () {
    await vscode.window.showTextDocument(vscode.Uri.file(sales));
    // No processor used yet: the quick pick lists the workspace's processors by path; a-sum is first.
    await runAnswering('chunkscope.run');
    const out = outputFiles(sales, sumProcessor);
    assert.ok(fs.existsSync(out.results), `${out.results} written`);
    const expected = Array.from({ length: 200 }, (_, i) => (i + 1) * 1.5).reduce((a, b) => a + b, 0);
    assert.deepEqual(readJsonLines(out.results), [expected]);
    const t = readTimings(out.timings);
    assert.equal(t.summary.rows, 200);
    assert.equal(t.summary.processor, sumProcessor);
    assert.equal(t.summary.data, sales);
    assert.ok(t.chunks.length >= 1);
    // The run record the language server pairs from, under the workspace folder.
    const records = path.join(workspaceRoot(), '.chunkscope', 'runs');
    const names = fs.readdirSync(records).filter((n) => n.startsWith('a-sum.js-') && n.endsWith('.run.json'));
    assert.equal(names.length, 1, `one record in ${records}: ${fs.readdirSync(records).join(', ')}`);
    const record = JSON.parse(fs.readFileSync(path.join(records, names[0]), 'utf8'));
    assert.equal(record.format, 'chunkscope-run-record');
    assert.equal(path.resolve(workspaceRoot(), record.processor), sumProcessor);
    assert.equal(path.resolve(workspaceRoot(), record.dataset), sales);
    assert.equal(record.rows, 200);
    assert.equal(path.resolve(workspaceRoot(), record.timings), out.timings);
  });

  it('runs a processor chosen further down the quick pick, and writes results in input order', async function () {
    await vscode.window.showTextDocument(vscode.Uri.file(sales));
    await runAnswering('chunkscope.run', [], { select: 1 });
    const out = outputFiles(sales, doubleProcessor);
    const rows = readJsonLines(out.results) as { id: number; doubled: number }[];
    assert.equal(rows.length, 200);
    assert.deepEqual(rows[0], { id: 1, doubled: 3 });
    assert.deepEqual(
      rows.map((r) => r.id),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
  });

  it('offers the last-used processor first', async function () {
    // 0-zero.js sorts before everything else, but b-double was used last and must come first.
    const zero = writeFile(path.join(path.basename(path.dirname(sumProcessor)), '0-zero.js'), ZERO);
    try {
      fs.rmSync(outputFiles(sales, doubleProcessor).results);
      await vscode.window.showTextDocument(vscode.Uri.file(sales));
      await runAnswering('chunkscope.run');
      assert.ok(fs.existsSync(outputFiles(sales, doubleProcessor).results), 'the last-used processor ran again');
      assert.ok(!fs.existsSync(outputFiles(sales, zero).results), 'the first-by-name processor did not run');
    } finally {
      fs.rmSync(zero, { force: true });
    }
  });

  it('"Compare Two Runs" opens both runs\' timings in one panel under the report\'s strict CSP', async function () {
    const a = outputFiles(sales, sumProcessor).timings;
    const b = outputFiles(sales, doubleProcessor).timings;
    assert.ok(fs.existsSync(a) && fs.existsSync(b), 'the runs above left their timings files');
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('chunkscope.compareRuns', [
      vscode.Uri.file(a),
      vscode.Uri.file(b),
    ]);
    assert.ok(panel, 'a panel opened');
    try {
      assert.equal(panel.title, 'Compare: sales.a-sum ↔ sales.b-double');
      const html = panel.webview.html;
      // Both runs are embedded, and only a script with the page's nonce may run.
      for (const processor of ['a-sum.js', 'b-double.js'])
        assert.ok(html.includes(processor), `${processor}'s run is in the page`);
      assert.match(html, /"compare":\[/);
      assert.match(html, /Content-Security-Policy/);
      assert.match(html, /script-src 'nonce-[^']+'/);
      await waitFor(() => panel.visible, 'the compare panel is shown');
    } finally {
      panel.dispose();
    }
  });

  it('runs a file over 50 MB from the Explorer command (runOnFile) without opening it as a document', async function () {
    this.timeout(180_000);
    // ~60 MB: over VS Code's 50 MB limit for files synced to extensions as TextDocuments.
    const pad = 'x'.repeat(180);
    const rows = 320_000;
    const lines: string[] = ['id,name,amount'];
    for (let i = 1; i <= rows; i++) lines.push(`${i},${pad},${i % 100}`);
    const big = writeFile('data/big.csv', `${lines.join('\n')}\n`);
    assert.ok(fs.statSync(big).size > 50 * 1024 * 1024);
    await runAnswering('chunkscope.runOnFile', [vscode.Uri.file(big)], { timeoutMs: 150_000 });
    const out = outputFiles(big, doubleProcessor);
    const t = readTimings(out.timings);
    assert.equal(t.summary.rows, rows);
    const text = fs.readFileSync(out.results, 'utf8');
    assert.equal(text.split('\n').filter(Boolean).length, rows);
    assert.ok(text.startsWith('{"id":1,"doubled":2}\n'));
    assert.ok(
      !vscode.workspace.textDocuments.some((d) => d.uri.fsPath === big),
      'the dataset was never opened as a document',
    );
    fs.rmSync(big);
    fs.rmSync(out.results);
  });

  // Right after the run above, so b-double is the last-used processor the quick pick offers first.
  // Real files written by DuckDB (test/fixtures/formats/make.mjs), copied into the workspace.
  const fixture = (name: string) =>
    writeFile(
      `formats/${name}`,
      fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test/fixtures/formats', name)),
    );
  const api = () => vscode.extensions.getExtension<ChunkscopeTestApi>(EXTENSION_ID)!.exports;

  it('runs on a Parquet file and a gzip-compressed CSV, with the same rows as DuckDB wrote', async function () {
    this.timeout(120_000);
    for (const name of ['trips.parquet', 'trips.csv.gz']) {
      const file = fixture(name);
      await runAnswering('chunkscope.runOnFile', [vscode.Uri.file(file)], { timeoutMs: 90_000 });
      assert.equal(api().lastRunOutcome()?.kind, 'finished', `${name}: ${api().lastRunOutcome()?.message}`);
      const out = outputFiles(file, doubleProcessor);
      const rows = readJsonLines(out.results) as { id: number; doubled: number }[];
      assert.equal(rows.length, 3000, name);
      rows.forEach((row, i) => assert.deepEqual(row, { id: i + 1, doubled: (i + 1) * 2.5 }));
      assert.equal(readTimings(out.timings).summary.rows, 3000);
    }
    removeOutputs();
  });

  it('names what is wrong and where in bad Parquet, gzip and JSON files, and writes no results', async function () {
    this.timeout(240_000);
    for (const [name, expected] of [
      ['truncated.parquet', /truncated\.parquet: not a complete Parquet file/],
      ['corrupt.parquet', /corrupt\.parquet: cannot decode column "city" \(UTF8\) in row group 1/],
      ['cut.csv.gz', /cut\.csv\.gz: the gzip data is cut short.*compressed byte \d+/],
      ['syntax-error.json', /syntax-error\.json: invalid JSON in record 31 at byte 760/],
      ['unclosed.json', /unclosed\.json: invalid JSON array at byte \d+ .*unclosed array/],
      [
        'syntax-error.json.gz',
        /syntax-error\.json\.gz: invalid JSON in record 31 at byte 760 of the decompressed data/,
      ],
    ] as const) {
      const file = fixture(name);
      const out = outputFiles(file, doubleProcessor);
      await runAnswering('chunkscope.runOnFile', [vscode.Uri.file(file)], { timeoutMs: 90_000 });
      const outcome = api().lastRunOutcome();
      assert.equal(outcome?.kind, 'failed', `${name}: ${outcome?.message}`);
      assert.match(outcome.message, expected);
      assert.doesNotMatch(outcome.message, /expected \d+ fields/, 'never a CSV parse error');
      assert.ok(!fs.existsSync(out.results), `no results file for ${name}`);
    }
    removeOutputs();
  });

  it('"New Processor" writes a typed TypeScript processor from the header, opens it, and it runs', async function () {
    const uri = vscode.Uri.file(sales);
    // The input box offers "sales" (from sales.csv); Enter accepts it.
    await runAnswering('chunkscope.newProcessor', [uri]);
    const created = path.join(workspaceRoot(), 'processors', 'sales.ts');
    assert.ok(fs.existsSync(created), `${created} created`);
    const source = fs.readFileSync(created, 'utf8');
    for (const field of ['"id": string;', '"name": string;', '"amount": string;'])
      assert.ok(source.includes(field), `row interface has ${field}\n${source}`);
    assert.match(source, /export function processRow\(/);
    const active = await waitFor(() => vscode.window.activeTextEditor, 'the new processor in an editor');
    assert.equal(active.document.uri.fsPath, created);

    // The template is a working processor: run it (the list is: last used b-double, then by name).
    fs.renameSync(sumProcessor, `${sumProcessor}.off`);
    try {
      await runAnswering('chunkscope.runOnFile', [uri], { select: 1 });
    } finally {
      fs.renameSync(`${sumProcessor}.off`, sumProcessor);
    }
    const rows = readJsonLines(outputFiles(sales, created).results) as { key: string; value: number }[];
    assert.equal(rows.length, 200);
    // key: the first non-numeric column; value: the first numeric one (id).
    assert.deepEqual(rows[0], { key: 'name 1', value: 1 });
  });

  describe('settings', function () {
    const keys = ['workers', 'strategy', 'chunkRows', 'chunkBytes', 'outputFolder'];
    beforeEach(removeOutputs);
    afterEach(async function () {
      const c = vscode.workspace.getConfiguration('chunkscope');
      for (const k of keys) {
        await c.update(k, undefined, vscode.ConfigurationTarget.Global);
        await c.update(k, undefined, vscode.ConfigurationTarget.Workspace);
      }
    });

    async function set(target: vscode.ConfigurationTarget, values: Record<string, unknown>): Promise<void> {
      const c = vscode.workspace.getConfiguration('chunkscope');
      for (const [k, v] of Object.entries(values)) await c.update(k, v, target);
      // update() resolves when the settings file is written; wait until the extension host sees it.
      const field = target === vscode.ConfigurationTarget.Global ? 'globalValue' : 'workspaceValue';
      await waitFor(
        () =>
          Object.entries(values).every(
            ([k, v]) =>
              vscode.workspace.getConfiguration('chunkscope', vscode.Uri.file(sales)).inspect(k)?.[field] === v,
          ),
        `settings ${JSON.stringify(values)} as ${field}: ${JSON.stringify(keys.map((k) => vscode.workspace.getConfiguration('chunkscope', vscode.Uri.file(sales)).inspect(k)))}`,
        10_000,
      );
    }

    it('honours workers, strategy and chunkRows, and workspace values win over user values', async function () {
      await set(vscode.ConfigurationTarget.Global, { workers: 1, strategy: 'per-row', chunkRows: 7 });
      await set(vscode.ConfigurationTarget.Workspace, { workers: 2, strategy: 'batches', chunkRows: 50 });
      await runAnswering('chunkscope.runOnFile', [vscode.Uri.file(sales)]);
      const t = onlyRunIn().timingsData;
      assert.equal(t.summary.workers, 2);
      assert.equal(t.summary.strategy, 'batches');
      assert.equal(t.summary.chunkRows, 50);
      assert.equal(t.chunks.length, 4);
    });

    it('honours user values when the workspace sets none', async function () {
      await set(vscode.ConfigurationTarget.Global, { workers: 1, strategy: 'per-row' });
      await runAnswering('chunkscope.runOnFile', [vscode.Uri.file(sales)]);
      const t = onlyRunIn().timingsData;
      assert.equal(t.summary.workers, 1);
      assert.equal(t.summary.strategy, 'per-row');
    });

    it('honours chunkBytes and outputFolder', async function () {
      await set(vscode.ConfigurationTarget.Workspace, {
        strategy: 'byte-range',
        chunkBytes: 1024,
        outputFolder: '${workspaceFolder}/results/chunkscope',
      });
      await runAnswering('chunkscope.runOnFile', [vscode.Uri.file(sales)]);
      const folder = path.join(workspaceRoot(), 'results', 'chunkscope');
      // Only the run record (editor state, like tuning.json) stays in .chunkscope/runs: no outputs.
      const defaultFolder = path.join(workspaceRoot(), '.chunkscope');
      const left = fs.existsSync(defaultFolder) ? fs.readdirSync(defaultFolder) : [];
      assert.deepEqual(left, ['runs'], 'nothing but run records in the default folder');
      const out = onlyRunIn(folder);
      assert.ok(fs.existsSync(out.results), `results in ${folder}`);
      const t = out.timingsData;
      assert.equal(t.summary.strategy, 'byte-range');
      assert.equal(t.summary.chunkBytes, 1024);
      assert.ok(t.chunks.length >= 4, `${t.chunks.length} chunks of 1 KiB for a ${fs.statSync(sales).size}-byte file`);
      assert.equal(t.summary.rows, 200);
    });
  });
});
