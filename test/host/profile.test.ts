// "Chunkscope: Profile Processor" in a real extension host: the profiled run writes a .cpuprofile
// per thread, the processor's hot line gets a line-timing decoration that follows edits, the code
// lens above processRow shows µs per row with Profile and Sweep, and a hover on the hot function
// gives its self/total time and worst chunk.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ChunkscopeTestApi } from '../../src/extension/extension';
import { HOT_LOOP_LINE, PROCESS_ROW_LINE, hotProcessorSource } from '../hot-processor';
import {
  EXTENSION_ID,
  cleanWorkspace,
  closeAllEditors,
  csvText,
  outputFiles,
  readTimings,
  waitFor,
  writeFile,
} from './helpers';

const HOT = hotProcessorSource('amount');
const HOT_LINE = HOT_LOOP_LINE;
// TurboFan inlines hotLoop into processRow, so processRow holds the self time.
const FUNCTION_LINE = PROCESS_ROW_LINE;

describe('Chunkscope profiling in the editor', function () {
  let data: string;
  let processor: string;
  let api: ChunkscopeTestApi;

  before(async function () {
    cleanWorkspace();
    data = writeFile('profile/sales.csv', csvText(20_000));
    processor = writeFile(`profile-${Date.now().toString(36)}/hot.js`, HOT);
    const ext = vscode.extensions.getExtension<ChunkscopeTestApi>(EXTENSION_ID)!;
    api = await ext.activate();
  });

  after(async function () {
    await closeAllEditors();
    cleanWorkspace();
  });

  it('Profile Processor saves a .cpuprofile per thread and decorates the hot line, following edits', async function () {
    await vscode.window.showTextDocument(vscode.Uri.file(data));
    await vscode.commands.executeCommand('chunkscope.profile', vscode.Uri.file(processor));
    const out = outputFiles(data, processor);
    const timings = readTimings(out.timings) as ReturnType<typeof readTimings> & {
      profiles?: { thread: string | number; file: string; samples: number }[];
    };
    assert.equal(timings.summary.rows, 20_000);
    const profiles = timings.profiles ?? [];
    assert.ok(
      profiles.some((p) => p.thread === 'main'),
      'the main thread was profiled',
    );
    assert.ok(profiles.filter((p) => typeof p.thread === 'number').length >= 1, 'the workers were profiled');
    for (const p of profiles) {
      const parsed = JSON.parse(fs.readFileSync(p.file, 'utf8'));
      assert.ok(
        Array.isArray(parsed.nodes) && Array.isArray(parsed.samples) && Array.isArray(parsed.timeDeltas),
        `${p.file} is a .cpuprofile`,
      );
    }

    const editor = await vscode.window.showTextDocument(vscode.Uri.file(processor));
    const texts = await waitFor(() => {
      const t = api.lineTimingTexts(editor);
      return t.size > 0 && t;
    }, 'line timings on the processor');
    const hottest = [...texts.entries()].sort((a, b) => parseFloat(b[1]) - parseFloat(a[1]))[0];
    assert.equal(hottest[0], HOT_LINE, `the hot line carries the largest self time (${JSON.stringify([...texts])})`);
    assert.match(hottest[1], /ms self · .+µs\/row · [\d.]+ %/);
    assert.equal(api.lineTimingsShown(), true);

    // Code lens above processRow, with the measured per-row cost.
    const lenses =
      (await vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        editor.document.uri,
        10,
      )) ?? [];
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(
      titles.some((t) => /µs per row \(p50\)/.test(t)),
      `a per-row lens (${titles.join(' | ')})`,
    );
    assert.ok(titles.includes('Profile') && titles.includes('Sweep'));

    // Hover on the hot function: self and total time, worst chunk with a link to the report.
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      editor.document.uri,
      new vscode.Position(FUNCTION_LINE, 10),
    );
    const hoverText = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n');
    assert.match(hoverText, /processRow/);
    assert.match(hoverText, /self [\d.,]+ ms · total [\d.,]+ ms/);
    assert.match(hoverText, /worst .* in chunk \d+/);

    // Two lines inserted above: the timing moves down with its line.
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// one\n// two\n'));
    const moved = await waitFor(() => {
      const t = api.lineTimingTexts(editor);
      return t.has(HOT_LINE + 2) && t;
    }, 'the timing to follow the edit');
    assert.ok(!moved.has(HOT_LINE) || moved.get(HOT_LINE) !== hottest[1]);
    // Typing in the hot line itself: its measurement no longer describes it.
    await editor.edit((b) => b.insert(new vscode.Position(HOT_LINE + 2, 2), ' '));
    await waitFor(() => !api.lineTimingTexts(editor).has(HOT_LINE + 2), 'the edited line to lose its timing');
    await vscode.commands.executeCommand('workbench.action.files.revert');

    await vscode.commands.executeCommand('chunkscope.toggleLineTimings');
    assert.equal(api.lineTimingsShown(), false);
    await vscode.commands.executeCommand('chunkscope.toggleLineTimings');
    assert.equal(api.lineTimingsShown(), true);
  });
});
