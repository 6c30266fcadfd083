// The sweep as a webview panel: the same page as the standalone sweep report (webview/pages/sweep.ts)
// under the report's strict CSP. While the sweep runs the page gets the whole report so far after
// each point (points are seconds apart, so one message per point is cheap); it asks for it again
// when it reloads after being hidden. Its buttons come back here as Cancel / Apply / Run.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SweepPointSpec, SweepReport } from '../engine';
import { buildSweepPageData, makeNonce, renderSweepHtml } from '../report-html/page';
import type { SweepRunInfo, SweepToExtension, SweepToWebview } from '../../webview/protocol';
import { webviewOptions } from './webview-options';

export const SWEEP_VIEW_TYPE = 'chunkscope.sweep';

export interface SweepPanelActions {
  cancel(): void;
  apply(settings: SweepPointSpec): void;
  runWith(settings: SweepPointSpec): void;
}

export class SweepPanel implements vscode.Disposable {
  private report: SweepReport | null = null;
  private state: 'running' | 'done' | 'failed' = 'running';
  private failure = '';
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  static open(
    extensionUri: vscode.Uri,
    running: SweepRunInfo,
    actions: SweepPanelActions,
    title: 'Sweep' | 'Tune' = 'Sweep',
  ): SweepPanel {
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(
      SWEEP_VIEW_TYPE,
      `${title}: ${path.basename(running.processor)} on ${path.basename(running.data)}`,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: true },
      webviewOptions(media),
    );
    return new SweepPanel(panel, media, running, actions);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly media: vscode.Uri,
    private readonly running: SweepRunInfo,
    private readonly actions: SweepPanelActions,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: SweepToExtension) => this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    this.render();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The report so far, after a point completed. */
  progress(report: SweepReport): void {
    this.report = report;
    this.post({ type: 'sweep-progress', report });
  }

  done(report: SweepReport): void {
    this.report = report;
    this.state = 'done';
    this.post({ type: 'sweep-done', report });
  }

  failed(message: string): void {
    this.state = 'failed';
    this.failure = message;
    this.post({ type: 'sweep-failed', message });
  }

  private render(): void {
    const webview = this.panel.webview;
    webview.html = renderSweepHtml(buildSweepPageData(null, { running: this.running }), {
      kind: 'webview',
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'report.js')).toString(),
      cspSource: webview.cspSource,
      nonce: makeNonce(),
    });
  }

  private onMessage(m: SweepToExtension): void {
    // `m?.`: whatever the page posts arrives here, typed or not.
    switch (m?.type) {
      case 'sweep-ready':
        // A fresh page (first load, or shown again after being hidden): bring it up to date.
        if (this.report)
          this.post({ type: this.state === 'done' ? 'sweep-done' : 'sweep-progress', report: this.report });
        if (this.state === 'failed') this.post({ type: 'sweep-failed', message: this.failure });
        return;
      case 'cancel-sweep':
        this.actions.cancel();
        return;
      case 'apply-settings':
        if (m.settings) this.actions.apply(m.settings);
        return;
      case 'run-with-settings':
        if (m.settings) this.actions.runWith(m.settings);
        return;
      default: {
        const unknown: never = m;
        void unknown;
      }
    }
  }

  private post(message: SweepToWebview): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
