// The "Show Report" action: opens the run report (webview/) in a webview panel. Every caller goes
// through this one function.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ReportPanel } from './report-panel';

/** The extension's folder: from VS Code when it knows us, else from the bundle's place (dist/). */
export function extensionUri(): vscode.Uri {
  const ext = vscode.extensions.all.find(
    (e) => e.packageJSON?.name === 'chunkscope' && e.packageJSON?.publisher === 'chunkscope',
  );
  return ext?.extensionUri ?? vscode.Uri.file(path.resolve(__dirname, '..'));
}

export async function showReport(reportPath: string, opts: { selectChunk?: number } = {}): Promise<void> {
  try {
    const panel = await ReportPanel.show(extensionUri(), reportPath);
    if (opts.selectChunk !== undefined) panel.selectChunk(opts.selectChunk);
  } catch (err) {
    void vscode.window.showErrorMessage(
      `Chunkscope: could not show the report: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
