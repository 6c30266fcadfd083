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

/** `chunkscope.sweep.*`: what a sweep or tune measures; anything malformed falls back to the engine's default. */
export function readSweepSettings(scope: vscode.Uri): {
  repeats?: number;
  budgetSeconds?: number;
  workers?: number[];
  chunkRows?: number[];
} {
  const c = vscode.workspace.getConfiguration('chunkscope.sweep', scope);
  const wholeList = (v: unknown) =>
    Array.isArray(v) && v.length > 0 && v.every((n) => Number.isInteger(n) && n >= 1) ? (v as number[]) : undefined;
  const repeats = c.get<unknown>('repeats');
  const budget = c.get<unknown>('budgetSeconds');
  return {
    repeats: Number.isInteger(repeats) && (repeats as number) >= 1 ? (repeats as number) : undefined,
    budgetSeconds: typeof budget === 'number' && budget > 0 ? budget : undefined,
    workers: wholeList(c.get('workers')),
    chunkRows: wholeList(c.get('chunkRows')),
  };
}

/** `chunkscope.cluster.url`: the Redis of "Run on Cluster" and the status bar item; '' = none. */
export function readClusterUrl(): string {
  const v = vscode.workspace.getConfiguration('chunkscope').get<unknown>('cluster.url');
  return typeof v === 'string' ? v.trim() : '';
}
