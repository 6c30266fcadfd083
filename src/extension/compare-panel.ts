// "Chunkscope: Compare Two Runs": the report's compare page (webview/) in a panel — two runs' summaries
// with deltas and both timelines on one time scale, e.g. per-row against byte-range on the same data.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readTimingsFile } from '../engine';
import { buildPageData, makeNonce, renderReportHtml } from '../report-html/page';
import type { ComparePageData } from '../../webview/protocol';
import { extensionUri } from './report';
import { webviewOptions } from './webview-options';

const COMPARE_VIEW_TYPE = 'chunkscope.compare';

async function pickTimings(): Promise<vscode.Uri[] | undefined> {
  return vscode.window.showOpenDialog({
    canSelectMany: true,
    filters: { 'Chunkscope timings': ['json'] },
    openLabel: 'Compare',
    title: 'Chunkscope: choose two timings files (.timings.json)',
  });
}

/** Opens the compare panel; returns it (tests read its HTML), or undefined when nothing was chosen. */
export async function compareRuns(files?: vscode.Uri[]): Promise<vscode.WebviewPanel | undefined> {
  const chosen = files && files.length > 0 ? files : await pickTimings();
  if (!chosen) return undefined;
  if (chosen.length !== 2) {
    void vscode.window.showErrorMessage(
      `Chunkscope: choose exactly two timings files to compare (got ${chosen.length}).`,
    );
    return undefined;
  }
  let data: ComparePageData;
  try {
    data = {
      kind: 'compare',
      compare: chosen.map((uri) =>
        buildPageData(readTimingsFile(uri.fsPath), { source: path.basename(uri.fsPath), profiles: false }),
      ),
      generatedAt: new Date().toISOString(),
    };
  } catch (err) {
    void vscode.window.showErrorMessage(
      `Chunkscope: cannot compare: ${err instanceof Error ? err.message : String(err)}`,
    );
    return undefined;
  }
  const media = vscode.Uri.joinPath(extensionUri(), 'media');
  const [a, b] = chosen.map((uri) => path.basename(uri.fsPath).replace(/\.timings\.json$/, ''));
  const panel = vscode.window.createWebviewPanel(
    COMPARE_VIEW_TYPE,
    `Compare: ${a} ↔ ${b}`,
    vscode.ViewColumn.Active,
    webviewOptions(media),
  );
  panel.webview.html = renderReportHtml(data, {
    kind: 'webview',
    scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.js')).toString(),
    cspSource: panel.webview.cspSource,
    nonce: makeNonce(),
  });
  return panel;
}
