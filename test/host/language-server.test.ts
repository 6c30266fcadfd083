// The language server in a real extension host, through VS Code's own command API: it starts
// lazily (a plain JS file does not start it, a processor does), column completion after `row.`,
// the unknown-column warning and its quick fix applied with workspace.applyEdit, a server-made lens
// command (string arguments) profiling the file, the per-row lens read back from disk by a fresh
// server, and exactly one server process per window, gone once stopped as deactivate() stops it.
// The launcher checks that no server outlives the extension host (CHUNKSCOPE_HOST_RESULT.lsp-pids).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChunkscopeTestApi } from '../../src/extension/extension';
import { HOT_LOOP_LINE, PROCESS_ROW_LINE, hotProcessorSource } from '../hot-processor';
import { tripsCsv } from '../unit/server/fixtures';
import {
  EXTENSION_ID,
  cleanWorkspace,
  closeAllEditors,
  csvText,
  outputFiles,
  sleep,
  waitFor,
  writeFile,
} from './helpers';

const SERVER_BUNDLE = `${path.sep}dist${path.sep}server.js`;

/** Live (not zombie) processes whose parent is this extension host and whose command line runs dist/server.js. */
function serverProcesses(): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so split after its closing parenthesis.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(SERVER_BUNDLE)) found.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

/** For the launcher: every server pid seen, checked again after the extension host has exited. */
function recordPids(pids: number[]): void {
  const file = process.env.CHUNKSCOPE_HOST_RESULT;
  if (file) fs.appendFileSync(`${file}.lsp-pids`, pids.map((p) => `${p}\n`).join(''));
}

const PROCESSOR = `// @chunkscope-data ./trips.csv
exports.processRow = (row) => {
  const total = row.fare + 1;
  return total;
};
`;

describe('Chunkscope language server in the editor', function () {
  let api: ChunkscopeTestApi;
  let data: string;

  before(async function () {
    cleanWorkspace();
    data = writeFile('lsp/trips.csv', tripsCsv(1200));
    api = await vscode.extensions.getExtension<ChunkscopeTestApi>(EXTENSION_ID)!.activate();
    // Earlier suites' commands started it: begin from a window without a server.
    await api.stopLanguageServer();
  });

  after(async function () {
    recordPids(serverProcesses());
    await closeAllEditors();
    cleanWorkspace();
  });

  it('starts only for a processor, then exactly one server process per window', async function () {
    // stop() resolves once the server has answered shutdown and exit; the process then ends (the
    // client kills it if it has not within 2 s).
    await waitFor(() => serverProcesses().length === 0, 'no server left by the stop', 10_000);
    await vscode.window.showTextDocument(vscode.Uri.file(writeFile('lsp/plain.js', 'module.exports = 42;\n')));
    await sleep(500);
    assert.equal(api.languageServerState(), 'stopped', 'a plain JS file does not start the server');

    await vscode.window.showTextDocument(vscode.Uri.file(writeFile('lsp/fares.js', PROCESSOR)));
    assert.notEqual(api.languageServerState(), 'stopped', 'a processor starts it');
    assert.equal(await api.languageServerReady(), true);
    const first = await waitFor(() => serverProcesses().length > 0 && serverProcesses(), 'the server process');
    assert.equal(first.length, 1, `one server process (${first})`);
    recordPids(first);

    // A second processor and a Chunkscope command reuse it.
    await vscode.window.showTextDocument(vscode.Uri.file(writeFile('lsp/second.js', PROCESSOR)));
    await vscode.commands.executeCommand('chunkscope.toggleLineTimings');
    await vscode.commands.executeCommand('chunkscope.toggleLineTimings');
    assert.equal(await api.languageServerReady(), true);
    assert.deepEqual(serverProcesses(), first, 'still the same single server');

    // What deactivate() does: the process is gone when it resolves.
    await api.stopLanguageServer();
    assert.equal(api.languageServerState(), 'stopped');
    await waitFor(() => !alive(first[0]), `server ${first[0]} to exit`, 10_000);
    assert.deepEqual(serverProcesses(), []);

    // The next processor starts a new one, again only one.
    await closeAllEditors();
    await vscode.window.showTextDocument(vscode.Uri.file(path.join(path.dirname(data), 'fares.js')));
    assert.equal(await api.languageServerReady(), true);
    const second = await waitFor(() => serverProcesses().length > 0 && serverProcesses(), 'a new server process');
    assert.equal(second.length, 1);
    assert.notEqual(second[0], first[0]);
    recordPids(second);
  });

  it('completes the dataset columns after row.', async function () {
    const file = writeFile(
      'lsp/complete.js',
      '// @chunkscope-data ./trips.csv\nexports.processRow = (row) => {\n  return row.\n};\n',
    );
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    assert.equal(await api.languageServerReady(), true);
    const position = new vscode.Position(2, '  return row.'.length);
    const list = await waitFor(async () => {
      const l = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        editor.document.uri,
        position,
        '.',
      );
      return l.items.some((i) => i.label === 'fare' || (typeof i.label === 'object' && i.label.label === 'fare')) && l;
    }, 'column completion items');
    const byLabel = new Map(list.items.map((i) => [typeof i.label === 'string' ? i.label : i.label.label, i]));
    for (const column of ['trip_id', 'fare', 'tip', 'pickup zone', 'note']) assert.ok(byLabel.has(column), column);
    assert.equal(byLabel.get('fare')!.detail, 'number · 0 % empty');
    assert.equal(byLabel.get('note')!.detail, 'text · 0 % empty');
    // VS Code ranks by how the typed text from an item's range start matches, then by sortText:
    // columns start at the dot like TypeScript's member items, so they score alike and come first.
    const start = (i: vscode.CompletionItem) => (i.range instanceof vscode.Range ? i.range : i.range!.inserting).start;
    const dot = new vscode.Position(2, '  return row'.length);
    for (const column of ['trip_id', 'fare', 'pickup zone'])
      assert.deepEqual(start(byLabel.get(column)!), dot, `${column} replaces from the dot`);
    assert.equal(byLabel.get('fare')!.filterText, '.fare');
    // TypeScript's words of this untyped file (exports, processRow, row) are member items from the dot too.
    const typescript = list.items.filter((i) => !i.sortText?.startsWith('!'));
    for (const other of typescript)
      assert.deepEqual(start(other), dot, `${JSON.stringify(other.label)} (TypeScript) starts at the dot`);

    // Accepting "pickup zone" turns `row.` into row["pickup zone"]: apply the item's edit as VS Code does.
    const zone = byLabel.get('pickup zone')!;
    const edit = new vscode.WorkspaceEdit();
    const range = zone.range instanceof vscode.Range ? zone.range : zone.range!.replacing;
    edit.replace(
      editor.document.uri,
      range,
      typeof zone.insertText === 'string' ? zone.insertText : zone.insertText!.value,
    );
    for (const extra of zone.additionalTextEdits ?? []) edit.replace(editor.document.uri, extra.range, extra.newText);
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    assert.match(editor.document.lineAt(2).text, /return row\["pickup zone"\]/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('warns about an unknown column and its quick fix renames the read', async function () {
    const file = writeFile(
      'lsp/typo.js',
      '// @chunkscope-data ./trips.csv\nexports.processRow = (row) => {\n  return row.fair * 2;\n};\n',
    );
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    assert.equal(await api.languageServerReady(), true);
    const diagnostic = await waitFor(
      () => vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.source === 'chunkscope'),
      'the unknown-column warning',
    );
    assert.equal(diagnostic.message, 'row.fair is not a column of trips.csv — did you mean fare?');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(editor.document.getText(diagnostic.range), 'fair');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      editor.document.uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title === 'Change to fare');
    assert.ok(fix?.edit, `a "Change to fare" fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    assert.equal(editor.document.lineAt(2).text, '  return row.fare * 2;');
    await waitFor(
      () => !vscode.languages.getDiagnostics(editor.document.uri).some((d) => d.source === 'chunkscope'),
      'the warning to clear',
    );
    await editor.document.save();
  });

  it('a lens command with the server-made arguments profiles the file; a new server reads the lens back from disk', async function () {
    const processor = writeFile('lsp/lensed.js', PROCESSOR);
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(processor));
    assert.equal(await api.languageServerReady(), true);
    const lensesOf = async () =>
      (await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        editor.document.uri,
        10,
      )) ?? [];
    const before = await waitFor(async () => {
      const l = await lensesOf();
      return l.some((x) => x.command?.title === 'Profile') && l;
    }, 'the lenses');
    assert.deepEqual(
      before.map((l) => l.command?.title),
      ['µs per row: not run yet', 'Run', 'Profile', 'Sweep'],
    );
    const profile = before.find((l) => l.command?.title === 'Profile')!.command!;
    assert.equal(typeof profile.arguments?.[0], 'string', 'lens arguments arrive as JSON strings');

    await vscode.window.showTextDocument(vscode.Uri.file(data));
    await vscode.commands.executeCommand(profile.command, ...(profile.arguments ?? []));
    const out = outputFiles(data, processor);
    assert.ok(fs.existsSync(out.timings), 'the lens profiled lensed.js');
    const timings = JSON.parse(fs.readFileSync(out.timings, 'utf8')) as {
      summary: { processor: string };
      profiles?: unknown[];
    };
    assert.equal(timings.summary.processor, processor);
    assert.ok((timings.profiles ?? []).length > 0, 'with CPU profiles');

    await vscode.window.showTextDocument(vscode.Uri.file(processor));
    const perRow = (l: vscode.CodeLens[]) => l.find((x) => /µs per row \(p50\)/.test(x.command?.title ?? ''));
    await waitFor(async () => perRow(await lensesOf()), 'the per-row lens after the run');

    // A fresh server knows nothing from this session: the figure comes from the files on disk.
    await api.stopLanguageServer();
    await closeAllEditors();
    await vscode.window.showTextDocument(vscode.Uri.file(processor));
    assert.equal(await api.languageServerReady(), true);
    const lens = await waitFor(async () => perRow(await lensesOf()), 'the per-row lens from disk');
    assert.equal(lens.command!.command, 'chunkscope.showLastReport');
    assert.deepEqual(lens.command!.arguments, [out.timings]);
    recordPids(serverProcesses());
  });

  it('a multi-cursor edit moves the line timings and the function hover as VS Code sends it', async function () {
    const sales = writeFile('lsp-hot/sales.csv', csvText(20_000));
    const processor = writeFile('lsp-hot/hot.js', hotProcessorSource('amount'));
    await vscode.window.showTextDocument(vscode.Uri.file(sales));
    await vscode.commands.executeCommand('chunkscope.profile', vscode.Uri.file(processor));
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(processor));
    const before = await waitFor(() => {
      const t = api.lineTimingTexts(editor);
      return t.has(HOT_LOOP_LINE) && t;
    }, 'line timings on the hot line');
    // Two cursors in one edit: a line above the hot loop and one between it and processRow. Both
    // positions are in the text before the edit; VS Code hands the client the changes in an order
    // the server can apply one after another.
    const ok = await editor.edit((b) => {
      b.insert(new vscode.Position(0, 0), '// one\n');
      b.insert(new vscode.Position(HOT_LOOP_LINE + 1, 0), '// two\n');
    });
    assert.equal(ok, true);
    const after = await waitFor(() => {
      const t = api.lineTimingTexts(editor);
      return t.has(HOT_LOOP_LINE + 1) && t;
    }, 'the hot line timing one line down');
    assert.equal(after.get(HOT_LOOP_LINE + 1), before.get(HOT_LOOP_LINE));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      editor.document.uri,
      new vscode.Position(PROCESS_ROW_LINE + 2, 10),
    );
    const text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n');
    assert.match(text, /processRow[\s\S]*self [\d.,]+ ms · total/, 'processRow moved down by two lines');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
