// The "Get started with Chunkscope" walkthrough (package.json contributes.walkthroughs): the context
// keys that mark steps done which no single command completes, and the command that makes sample data.
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeFileAtomic } from '../engine';
import { SAMPLE_DATA_FILE, sampleDataMessage, sampleTripsCsv } from './logic/sample-data';

export const WALKTHROUGH_ID = 'chunkscope.chunkscope#chunkscope.gettingStarted';

/** Set once and left set: a step stays done (VS Code also remembers completed steps itself). */
export const WALKTHROUGH_CONTEXT = {
  /** A report panel opened (the toast's "Show Report", the runs view, the live panel). */
  reportOpened: 'chunkscope.walkthrough.reportOpened',
  /** A sweep's or tune's best settings were written to the workspace settings ("Apply"). */
  settingsApplied: 'chunkscope.walkthrough.settingsApplied',
} as const;

export function markStepDone(key: (typeof WALKTHROUGH_CONTEXT)[keyof typeof WALKTHROUGH_CONTEXT]): void {
  void vscode.commands.executeCommand('setContext', key, true);
}

/**
 * `chunkscope.openSampleData`: opens `data/trips.csv` in the first workspace folder, writing it
 * first (50,000 seeded trips) when it is not there. Writing data runs no user code: no trust check.
 */
export async function openSampleData(): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('Chunkscope: open a folder first; the sample data is written into it.');
    return undefined;
  }
  const file = path.join(folder.uri.fsPath, ...SAMPLE_DATA_FILE.split('/'));
  try {
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileAtomic(file, sampleTripsCsv());
      void vscode.window.setStatusBarMessage(sampleDataMessage(SAMPLE_DATA_FILE), 5000);
    }
  } catch (err) {
    void vscode.window.showErrorMessage(
      `Chunkscope: could not write ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
    return undefined;
  }
  const uri = vscode.Uri.file(file);
  await vscode.window.showTextDocument(uri, { preview: false });
  return uri;
}
