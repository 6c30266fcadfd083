// Reads `chunkscope.*` for the dataset's folder (settings are resource-scoped, so multi-root
// workspaces can differ per folder) and finds the workspace folder outputs belong to.
import * as vscode from 'vscode';
import type { ChunkscopeSettings } from './logic/settings';

export function readSettings(scope: vscode.Uri): ChunkscopeSettings {
  const c = vscode.workspace.getConfiguration('chunkscope', scope);
  return {
    workers: c.get('workers'),
    strategy: c.get('strategy'),
    chunkRows: c.get('chunkRows'),
    chunkBytes: c.get('chunkBytes'),
    outputFolder: c.get('outputFolder'),
  };
}

export type OpenReport = 'live' | 'afterRun' | 'never';

/** `chunkscope.openReport`: when the report panel opens by itself (anything unknown → "live"). */
export function readOpenReport(scope: vscode.Uri): OpenReport {
  const v = vscode.workspace.getConfiguration('chunkscope', scope).get<unknown>('openReport');
  return v === 'afterRun' || v === 'never' ? v : 'live';
}

/** The folder containing the file, else the first folder, else undefined (no folder open). */
export function workspaceFolderFor(uri: vscode.Uri): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
}
