// Helpers for tests that run inside the real extension host. The workspace folder is a fresh temp
// dir made by the runner (scripts/vscode-host/run-host-tests.mjs); tests write their datasets and
// processors into it. Quick picks and input boxes are answered with VS Code's own quick-input
// commands — the same ones a keyboard user triggers; only the processor pick's loaded items and
// its active item are read from the extension's (read-only) test API.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ChunkscopeTestApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'chunkscope.chunkscope';

/** The suite writes datasets, processors and settings into its folder, so it only runs in a scratch folder marked with this file. */
export const WORKSPACE_MARKER = '.chunkscope-test-workspace';

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder)
    throw new Error(
      'The extension-host suite needs a workspace folder (the runner opens a temp folder; launch.json: test/fixtures/host-workspace).',
    );
  if (!fs.existsSync(path.join(folder.uri.fsPath, WORKSPACE_MARKER))) {
    throw new Error(
      `${folder.uri.fsPath} has no ${WORKSPACE_MARKER}: the suite writes files into its folder and only runs in a scratch folder.`,
    );
  }
  return folder.uri.fsPath;
}

/** Removes what earlier runs left in the scratch folder (all but the marker and .gitignore). */
export function cleanWorkspace(): void {
  const root = workspaceRoot();
  for (const entry of fs.readdirSync(root)) {
    if (entry !== WORKSPACE_MARKER && entry !== '.gitignore')
      fs.rmSync(path.join(root, entry), { recursive: true, force: true });
  }
}

export function writeFile(rel: string, content: string | Buffer): string {
  const file = path.join(workspaceRoot(), rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Runs a command that opens quick picks / input boxes and answers each with the active item
 * (Enter), until the command's promise settles. `select: n` first waits until the processor quick
 * pick has loaded more than n items, then moves the keyboard down (or up) until VS Code reports the
 * n-th item active: a move sent before the list has reached the workbench does nothing, so each
 * move is checked, not assumed. Accepting while a pick is still loading is a no-op, so the loop
 * just tries again.
 */
export async function runAnswering<T>(
  command: string,
  args: unknown[] = [],
  opts: { timeoutMs?: number; select?: number } = {},
): Promise<T> {
  let settled = false;
  const p = Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)).finally(() => {
    settled = true;
  });
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  if (opts.select) await selectInProcessorPick(opts.select, () => settled, command, timeoutMs);
  while (!settled && Date.now() < deadline) {
    if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await sleep(250);
  }
  if (!settled) {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    throw new Error(`${command} did not finish within ${timeoutMs} ms`);
  }
  return p;
}

/** Moves the processor pick's active item to index `select` of its labels, checking every move. */
async function selectInProcessorPick(
  select: number,
  settled: () => boolean,
  command: string,
  timeoutMs: number,
): Promise<void> {
  const api = vscode.extensions.getExtension<ChunkscopeTestApi>(EXTENSION_ID)!.exports;
  const labels = await waitFor(
    () => settled() || ((api.processorPickLabels()?.length ?? 0) > select && api.processorPickLabels()),
    `the processor quick pick to load more than ${select} items`,
    timeoutMs,
  );
  if (labels === true) throw new Error(`${command} finished before its processor quick pick showed`);
  const target = labels[select];
  for (let moves = 0; api.processorPickActiveLabel() !== target; moves++) {
    if (settled()) throw new Error(`${command} finished before ${target} was selected in its processor quick pick`);
    if (moves > 20)
      throw new Error(`the processor quick pick did not move to ${target} (at ${api.processorPickActiveLabel()})`);
    const before = api.processorPickActiveLabel();
    const at = before === undefined ? -1 : labels.indexOf(before);
    await vscode.commands.executeCommand(
      at > select ? 'workbench.action.quickOpenSelectPrevious' : 'workbench.action.quickOpenSelectNext',
    );
    // The workbench reports the new active item a moment later; a move it ignored changes nothing.
    for (const until = Date.now() + 1000; api.processorPickActiveLabel() === before && Date.now() < until;)
      await sleep(50);
  }
}

export interface OutputFiles {
  results: string;
  timings: string;
}

export function outputFiles(
  dataset: string,
  processor: string,
  folder = path.join(workspaceRoot(), '.chunkscope'),
): OutputFiles {
  const stem = (p: string) => path.basename(p, path.extname(p));
  const name = `${stem(dataset)}.${stem(processor)}`;
  return { results: path.join(folder, `${name}.results.ndjson`), timings: path.join(folder, `${name}.timings.json`) };
}

export function readJsonLines(file: string): unknown[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

export interface TimingsFile {
  summary: {
    rows: number;
    workers: number;
    strategy: string;
    chunkRows?: number;
    chunkBytes?: number;
    processor: string;
    data: string;
    out?: string;
  };
  chunks: unknown[];
  result?: unknown;
}

export function readTimings(file: string): TimingsFile {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TimingsFile;
}

/** The files of the run that just finished in `folder` (whichever processor the quick pick offered first). */
export function onlyRunIn(
  folder = path.join(workspaceRoot(), '.chunkscope'),
): OutputFiles & { timingsData: TimingsFile } {
  const timings = fs.readdirSync(folder).filter((f) => f.endsWith('.timings.json'));
  if (timings.length !== 1)
    throw new Error(`expected one run's files in ${folder}, found ${JSON.stringify(fs.readdirSync(folder))}`);
  const t = path.join(folder, timings[0]);
  return { timings: t, results: t.replace(/\.timings\.json$/, '.results.ndjson'), timingsData: readTimings(t) };
}

export function removeOutputs(): void {
  fs.rmSync(path.join(workspaceRoot(), '.chunkscope'), { recursive: true, force: true });
}

/** Closes every editor so the next test's "active editor" is its own. */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** A small CSV: id,name,amount with `rows` rows. */
export function csvText(rows: number): string {
  const lines = ['id,name,amount'];
  for (let i = 1; i <= rows; i++) lines.push(`${i},name ${i},${(i * 1.5).toFixed(1)}`);
  return `${lines.join('\n')}\n`;
}
