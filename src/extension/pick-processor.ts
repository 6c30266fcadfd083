// Chooses the processor module: workspace files that export processRow/processChunk (found by a
// cheap source scan, not by loading them — loading would run user code), last used first, or Browse….
import * as path from 'node:path';
import * as vscode from 'vscode';
import { scanProcessorSource } from '../engine';
import { PROCESSOR_EXTENSIONS, isProcessorPath } from './logic/dataset-files';
import { describeExports, isRunnableProcessor, orderProcessors, type ProcessorExports } from './logic/processor-list';

const LAST_PROCESSOR_KEY = 'chunkscope.lastProcessor';
/** Bigger files are bundles or generated code, not hand-written processors; skip reading them. */
const MAX_SCAN_BYTES = 1024 * 1024;
const SCAN_CONCURRENCY = 16;

interface Candidate {
  path: string;
  uri: vscode.Uri;
  exports: ProcessorExports;
}

interface ProcessorItem extends vscode.QuickPickItem {
  uri?: vscode.Uri;
}

/** The labels of the processor pick on screen once its items have loaded (read by the extension-host tests). */
let shownLabels: string[] | undefined;
export const processorPickLabels = (): string[] | undefined => shownLabels;

async function scanFile(uri: vscode.Uri): Promise<Candidate | undefined> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_SCAN_BYTES) return undefined;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const exports = scanProcessorSource(text);
    return isRunnableProcessor(exports) ? { path: uri.fsPath, uri, exports } : undefined;
  } catch {
    return undefined; // unreadable or vanished since findFiles: just not a candidate
  }
}

async function findCandidates(token: vscode.CancellationToken): Promise<Candidate[]> {
  const uris = (await vscode.workspace.findFiles('**/*.{js,mjs,cjs,ts}', '**/node_modules/**', 2000, token)).filter(
    (u) => u.scheme === 'file' && isProcessorPath(u.fsPath),
  );
  const found: Candidate[] = [];
  let next = 0;
  const worker = async () => {
    while (next < uris.length && !token.isCancellationRequested) {
      const c = await scanFile(uris[next++]);
      if (c) found.push(c);
    }
  };
  await Promise.all(Array.from({ length: SCAN_CONCURRENCY }, worker));
  return found;
}

async function buildItems(lastUsed: string | undefined, token: vscode.CancellationToken): Promise<ProcessorItem[]> {
  const candidates = await findCandidates(token);
  // The last one may live outside the workspace (picked with Browse…): keep offering it.
  if (lastUsed && !candidates.some((c) => c.path === lastUsed)) {
    const c = await scanFile(vscode.Uri.file(lastUsed));
    if (c) candidates.push(c);
  }
  const items: ProcessorItem[] = orderProcessors(candidates, lastUsed).map((c) => ({
    label: `$(file-code) ${path.basename(c.path)}`,
    description: vscode.workspace.asRelativePath(c.uri),
    detail: `exports ${describeExports(c.exports)}${c.path === lastUsed ? ' · last used' : ''}`,
    uri: c.uri,
  }));
  if (items.length) items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({
    label: '$(folder-opened) Browse…',
    description: items.length ? '' : 'no processor found in the workspace',
  });
  return items;
}

export async function pickProcessor(state: vscode.Memento): Promise<vscode.Uri | undefined> {
  const lastUsed = state.get<string>(LAST_PROCESSOR_KEY);
  const cts = new vscode.CancellationTokenSource();
  try {
    const items = buildItems(lastUsed, cts.token).then((list) => {
      shownLabels = list.map((i) => i.label);
      return list;
    });
    const picked = await vscode.window.showQuickPick(
      items,
      {
        title: 'Chunkscope: choose a processor',
        placeHolder: 'A module exporting processRow or processChunk',
        matchOnDescription: true,
      },
      cts.token,
    );
    if (!picked) return undefined;
    let uri = picked.uri;
    if (!uri) {
      const browsed = await vscode.window.showOpenDialog({
        title: 'Choose a processor module',
        canSelectMany: false,
        openLabel: 'Use Processor',
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        filters: { 'Processor modules': [...PROCESSOR_EXTENSIONS] },
      });
      uri = browsed?.[0];
    }
    if (uri) await state.update(LAST_PROCESSOR_KEY, uri.fsPath);
    return uri;
  } finally {
    shownLabels = undefined;
    cts.cancel(); // stops a scan still running if the pick was dismissed early
    cts.dispose();
  }
}
