// Chooses the dataset: the clicked file, the active editor's file, or a file picker. Only the URI
// is used; the engine reads the data by path because VS Code doesn't sync files > 50 MB to
// extensions (such a file has no TextDocument and no activeTextEditor, only an editor tab).
import * as vscode from 'vscode';
import { DATASET_EXTENSIONS, isDatasetPath } from './logic/dataset-files';

function isLocalDataset(uri: vscode.Uri | undefined): boolean {
  return uri !== undefined && uri.scheme === 'file' && isDatasetPath(uri.fsPath);
}

/** The active editor tab's file if it is a dataset; tabs also cover files too large to sync. */
export function activeDatasetUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText && isLocalDataset(input.uri)) return input.uri;
  const doc = vscode.window.activeTextEditor?.document.uri;
  return doc && isLocalDataset(doc) ? doc : undefined;
}

export async function pickDataset(explicit?: vscode.Uri, title = 'Choose a dataset'): Promise<vscode.Uri | undefined> {
  if (explicit) {
    if (isLocalDataset(explicit)) return explicit;
    void vscode.window.showErrorMessage(
      `Chunkscope: ${explicit.fsPath || explicit.toString()} is not a local CSV, TSV or JSON Lines file.`,
    );
    return undefined;
  }
  const active = activeDatasetUri();
  if (active) return active;
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    openLabel: 'Use Dataset',
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: { 'Datasets (CSV, TSV, JSON Lines, JSON, Parquet, Arrow, gzip, zstd)': [...DATASET_EXTENSIONS] },
  });
  return picked?.[0];
}

/** The engine reads the file on disk; unsaved edits would silently not be part of the run. */
export async function saveIfDirty(uri: vscode.Uri): Promise<boolean> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (!doc?.isDirty) return true;
  const save = 'Save and Run';
  const asIs = 'Run on Saved Version';
  const choice = await vscode.window.showWarningMessage(
    `${vscode.workspace.asRelativePath(uri)} has unsaved changes. Chunkscope reads the file on disk.`,
    save,
    asIs,
  );
  if (choice === save) return doc.save();
  return choice === asIs;
}
