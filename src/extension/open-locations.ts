// Opens the places a run points at: results, the processor at its throwing line, the dataset at a row.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EDITOR_SYNC_LIMIT_BYTES } from './logic/dataset-files';
import { formatBytes } from '../engine';

/** vscode.open rather than showTextDocument: result files can exceed what extensions may open as documents. */
export async function openResults(resultsPath: string): Promise<void> {
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(resultsPath));
}

function at(line: number, column = 1): vscode.Range {
  const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
  return new vscode.Range(pos, pos);
}

export async function openProcessorAt(processorPath: string, line?: number, column?: number): Promise<void> {
  await vscode.window.showTextDocument(vscode.Uri.file(processorPath), {
    preview: false,
    ...(line !== undefined ? { selection: at(line, column) } : {}),
  });
}

/** Opens the dataset at a 1-based physical line; files over the sync limit can't become documents. */
export async function openDatasetAtLine(datasetPath: string, line: number): Promise<void> {
  const size = (await fs.stat(datasetPath)).size;
  if (size > EDITOR_SYNC_LIMIT_BYTES) {
    void vscode.window.showInformationMessage(
      `${path.basename(datasetPath)} is ${formatBytes(size)}; VS Code doesn't let extensions open files over 50 MB at a line. ` +
        `The row is on line ${line}.`,
    );
    return;
  }
  await vscode.window.showTextDocument(vscode.Uri.file(datasetPath), { preview: true, selection: at(line) });
}
