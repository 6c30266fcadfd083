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

/**
 * The processor pick on screen, read by the extension-host tests: its labels once the items have
 * loaded, and the item VS Code reports as active (the keyboard's position in the list).
 */
let shownLabels: string[] | undefined;
let activeLabel: string | undefined;
export const processorPickLabels = (): string[] | undefined => shownLabels;
export const processorPickActiveLabel = (): string | undefined => (shownLabels ? activeLabel : undefined);

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
  // A QuickPick rather than showQuickPick: it shows at once with a busy bar while the workspace is
  // scanned, and it reports the active item (which the tests wait on before pressing Enter).
  const pick = vscode.window.createQuickPick<ProcessorItem>();
  pick.title = 'Chunkscope: choose a processor';
  pick.placeholder = 'A module exporting processRow or processChunk';
  pick.matchOnDescription = true;
  pick.busy = true;
  try {
    const picked = await new Promise<ProcessorItem | undefined>((resolve, reject) => {
      pick.onDidHide(() => resolve(undefined));
      // Enter before the list has loaded has nothing to choose: the pick stays open.
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0] ?? pick.activeItems[0];
        if (item) resolve(item);
      });
      pick.onDidChangeActive((items) => {
        activeLabel = items[0]?.label;
      });
      pick.show();
      buildItems(lastUsed, cts.token).then((list) => {
        pick.items = list;
        pick.busy = false;
        shownLabels = list.map((i) => i.label);
      }, reject);
    });
    pick.hide();
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
    activeLabel = undefined;
    pick.dispose();
    cts.cancel(); // stops a scan still running if the pick was dismissed early
    cts.dispose();
  }
}
