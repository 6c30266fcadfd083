// The "Show Report" action. For now it opens the timings JSON (the whole RunReport); the webview
// report replaces this one function later, so every caller goes through it.
import * as vscode from 'vscode';

export async function showReport(reportPath: string): Promise<void> {
  await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(reportPath));
}
