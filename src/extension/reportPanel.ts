// The run report as a webview panel: the same app as the standalone HTML report (webview/), loaded
// from media/report.js under a strict Content-Security-Policy with a nonce, no remote resources,
// localResourceRoots limited to media/. The context is not retained while hidden; the app keeps its
// view (zoom, selection, histogram mode) with vscode.setState and restores it when shown again.
// Exports are written by the extension after a save dialog; "Open at row" opens the dataset.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toChromeTrace, type RunReport } from '../engine';
import { buildPageData, makeNonce, readReportFile, renderReportHtml } from '../../webview/page';
import type { ToExtension, ToWebview } from '../../webview/host';
import { openDatasetAtLine } from './openLocations';

export const REPORT_VIEW_TYPE = 'chunkscope.report';

export class ReportPanel {
  /** One panel per timings file: showing a report again reveals its panel. */
  private static readonly panels = new Map<string, ReportPanel>();

  static async show(extensionUri: vscode.Uri, reportPath: string): Promise<ReportPanel> {
    const key = path.resolve(reportPath);
    const report = readReportFile(key);
    const existing = ReportPanel.panels.get(key);
    if (existing) {
      existing.update(report);
      existing.panel.reveal();
      return existing;
    }
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(
      REPORT_VIEW_TYPE,
      `Report: ${path.basename(report.summary.data)}`,
      vscode.ViewColumn.Active,
      { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: false, enableFindWidget: true },
    );
    const instance = new ReportPanel(panel, media, key, report);
    ReportPanel.panels.set(key, instance);
    return instance;
  }

  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly media: vscode.Uri,
    private readonly reportPath: string,
    private report: RunReport,
  ) {
    this.render();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: ToExtension) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  update(report: RunReport): void {
    this.report = report;
    this.render();
  }

  private render(): void {
    const webview = this.panel.webview;
    const data = buildPageData(this.report, { source: path.basename(this.reportPath) });
    webview.html = renderReportHtml(data, {
      kind: 'webview',
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'report.js')).toString(),
      cspSource: webview.cspSource,
      nonce: makeNonce(),
    });
  }

  private post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(m: ToExtension): Promise<void> {
    try {
      if (m?.type === 'openAtRow' && Number.isInteger(m.line) && m.line > 0) {
        await openDatasetAtLine(this.report.summary.data, m.line);
      } else if (m?.type === 'export') {
        const defaultUri = vscode.Uri.file(path.join(path.dirname(this.reportPath), path.basename(String(m.fileName))));
        const filters: Record<string, string[]> = m.kind === 'png' ? { 'PNG image': ['png'] } : { JSON: ['json'] };
        const target = await vscode.window.showSaveDialog({ defaultUri, filters, title: 'Chunkscope: save' });
        if (!target) return;
        let content: Uint8Array;
        if (m.kind === 'png') {
          const match = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(m.dataUrl);
          if (!match) throw new Error('the timeline image was empty');
          content = Buffer.from(match[1], 'base64');
        } else if (m.kind === 'trace') {
          content = Buffer.from(JSON.stringify(toChromeTrace(this.report)));
        } else {
          content = await fs.readFile(this.reportPath);
        }
        await vscode.workspace.fs.writeFile(target, content);
        this.post({ type: 'exported', path: target.fsPath });
      }
    } catch (err) {
      const message = `Could not save: ${err instanceof Error ? err.message : String(err)}`;
      this.post({ type: 'exportFailed', message });
      void vscode.window.showErrorMessage(`Chunkscope: ${message}`);
    }
  }

  dispose(): void {
    ReportPanel.panels.delete(this.reportPath);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
