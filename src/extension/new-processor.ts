// `chunkscope.newProcessor`: writes processors/<name>.ts typed from a dataset's header. Only the
// first line(s) are read, by the engine's inspectDataset, so this is instant even on huge files.
import * as vscode from 'vscode';
import { inspectDataset } from '../engine';
import { pickDataset } from './pick-dataset';
import { generateProcessorSource, suggestProcessorName, validateProcessorName } from './logic/processor-template';

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** processors/<name>.ts in the dataset's workspace folder; a save dialog when no folder is open. */
async function chooseTarget(dataset: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(dataset) ?? vscode.workspace.workspaceFolders?.[0];
  const suggested = suggestProcessorName(dataset.fsPath);
  if (!folder) {
    return vscode.window.showSaveDialog({
      title: 'Save the new processor',
      defaultUri: vscode.Uri.joinPath(dataset, '..', `${suggested}.ts`),
      filters: { TypeScript: ['ts'] },
    });
  }
  const dir = vscode.Uri.joinPath(folder.uri, 'processors');
  const name = await vscode.window.showInputBox({
    title: 'Chunkscope: New Processor',
    prompt: `Name of the processor (created as processors/<name>.ts in ${folder.name})`,
    value: suggested,
    validateInput: async (value) => {
      const problem = validateProcessorName(value);
      if (problem) return problem;
      return (await exists(vscode.Uri.joinPath(dir, `${value.trim()}.ts`)))
        ? {
            message: `processors/${value.trim()}.ts exists already and will be replaced.`,
            severity: vscode.InputBoxValidationSeverity.Warning,
          }
        : undefined;
    },
  });
  return name === undefined ? undefined : vscode.Uri.joinPath(dir, `${name.trim()}.ts`);
}

export async function newProcessor(explicitDataset?: vscode.Uri): Promise<void> {
  const dataset = await pickDataset(explicitDataset, 'Choose the dataset the processor will read');
  if (!dataset) return;
  let info;
  try {
    info = await inspectDataset(dataset.fsPath);
  } catch (err) {
    void vscode.window.showErrorMessage(
      `Chunkscope: could not read the header of ${dataset.fsPath}: ${err instanceof Error ? err.message : String(err)}`,
    );
    return;
  }
  const target = await chooseTarget(dataset);
  if (!target) return;
  const source = generateProcessorSource({
    datasetPath: dataset.fsPath,
    format: info.format,
    header: info.header,
    numericColumns: info.numericColumns,
  });
  // Written straight to disk (workspace.fs creates processors/), so it is a real, saved module
  // that a run can load right away rather than an untitled buffer.
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(source));
  const doc = await vscode.workspace.openTextDocument(target);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  // Put the cursor in processRow's body, where the user starts typing.
  const line = source.split('\n').findIndex((l) => l.startsWith('export function processRow'));
  if (line >= 0) {
    const pos = new vscode.Position(line + 1, 2);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
  }
}
