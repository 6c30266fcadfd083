// "Chunkscope: Tune" in a real extension host: the guided search runs on the active dataset with
// the processor given by the code lens, returns its recommendation, and shows what it measured on
// the sweep page (a "Tune: …" panel).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TuneResult } from '../../src/engine/model/sweep';
import { cleanWorkspace, closeAllEditors, csvText, waitFor, writeFile } from './helpers';

const WORK = `exports.processRow = (row) => {
  const until = performance.now() + 0.01;
  let x = Number(row.amount);
  while (performance.now() < until) x++;
  return x;
};
`;

describe('Chunkscope tuning in the extension host', function () {
  let data: string;
  let processor: string;

  before(function () {
    cleanWorkspace();
    data = writeFile('tune/sales.csv', csvText(20_000));
    processor = writeFile(`tune-${Date.now().toString(36)}/work.js`, WORK);
  });

  after(async function () {
    await closeAllEditors();
    cleanWorkspace();
  });

  it('Tune returns settings with an explanation and opens the tune page', async function () {
    await vscode.window.showTextDocument(vscode.Uri.file(data));
    const result = await vscode.commands.executeCommand<TuneResult | undefined>(
      'chunkscope.tune',
      vscode.Uri.file(processor),
    );
    assert.ok(result, 'the tune finished');
    assert.equal(result.kind, 'tune');
    assert.equal(result.data, data);
    const r = result.recommendation;
    assert.ok(r.workers >= 1 && (r.chunkRows ?? 0) >= 1, JSON.stringify(r));
    assert.ok(r.rowsPerSecond > 0);
    assert.match(result.explanation, /rows a chunk/);
    assert.ok(result.points.length >= 3, 'several chunk sizes were measured');
    await waitFor(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Tune: work.js on sales.csv'),
      'the tune page',
    );
  });
});
