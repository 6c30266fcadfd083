// The run report as a webview panel: the same app as the standalone HTML report (webview/), loaded
// from media/report.js under a strict Content-Security-Policy with a nonce, no remote resources,
// localResourceRoots limited to media/. The context is not retained while hidden; the app keeps its
// view (zoom, selection, histogram mode) with vscode.setState and restores it when shown again.
// Exports are written by the extension after a save dialog; "Open at row" opens the dataset.
// While a run is going the panel shows the live view: the extension collects the engine's chunk
// records and posts them in one message every ~100 ms (never one per chunk); the page appends them
// and redraws once per animation frame. When the run ends the panel becomes the full report.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readTimingsFile, toChromeTrace, type ChunkRecord, type ProgressEvent, type RunReport } from '../engine';
import { buildPageData, makeNonce, renderReportHtml } from '../report-html/page';
import type {
  LiveInfo,
  LivePageData,
  LiveProgress,
  ReportToExtension,
  ReportToWebview,
  RunPageData,
} from '../../webview/protocol';
import { openDatasetAtLine, openProcessorAt } from './open-locations';
import { webviewOptions } from './webview-options';
import { markStepDone, WALKTHROUGH_CONTEXT } from './walkthrough';

export const REPORT_VIEW_TYPE = 'chunkscope.report';

/** How often the live view gets a batch of records: about ten messages a second. */
export const LIVE_BATCH_MS = 100;

interface LiveRun {
  info: LiveInfo;
  /** Every record so far (the page may reload when hidden and shown again: it gets them all then). */
  records: ChunkRecord[];
  /** records[0..sent) have been posted to the page now showing. */
  sent: number;
  progress?: LiveProgress;
  progressSent: boolean;
  /** The page has loaded and asked for records. */
  ready: boolean;
  timer?: ReturnType<typeof setInterval>;
  onCancel: () => void;
  ended?: { outcome: 'cancelled' | 'failed'; message: string };
}

export class ReportPanel {
  /** One panel per timings file: showing a report again reveals its panel. */
  private static readonly panels = new Map<string, ReportPanel>();
  private static readonly closed = new vscode.EventEmitter<string>();
  /** Fires with a timings path when its report panel is closed: the run's numbers leave the editor. */
  static readonly onDidClose = ReportPanel.closed.event;

  /** The timings files whose reports are open now (the extension's test API reports them). */
  static openReports(): string[] {
    return [...ReportPanel.panels.keys()];
  }

  static async show(extensionUri: vscode.Uri, reportPath: string): Promise<ReportPanel> {
    const key = path.resolve(reportPath);
    const report = readTimingsFile(key);
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
      webviewOptions(media),
    );
    const instance = new ReportPanel(panel, media, key, report);
    ReportPanel.panels.set(key, instance);
    return instance;
  }

  /**
   * Opens (or reuses) the panel for a run's timings file in the live state, without taking the focus.
   * Feed it with addRecord / setProgress; end it with finish (the report) or endLive.
   */
  static live(extensionUri: vscode.Uri, reportPath: string, info: LiveInfo, onCancel: () => void): ReportPanel {
    const key = path.resolve(reportPath);
    const run: LiveRun = { info, records: [], sent: 0, progressSent: true, ready: false, onCancel };
    const existing = ReportPanel.panels.get(key);
    if (existing) {
      existing.startLive(run);
      existing.panel.reveal(undefined, true);
      return existing;
    }
    const media = vscode.Uri.joinPath(extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(
      REPORT_VIEW_TYPE,
      `Report: ${path.basename(info.data)}`,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: true },
      webviewOptions(media),
    );
    const instance = new ReportPanel(panel, media, key, undefined, run);
    ReportPanel.panels.set(key, instance);
    return instance;
  }

  private readonly disposables: vscode.Disposable[] = [];
  private liveRun: LiveRun | undefined;
  /** A chunk to select once the page says it has loaded (setting html reloads the page). */
  private pendingSelect: number | undefined;
  private disposed = false;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly media: vscode.Uri,
    private readonly reportPath: string,
    private report: RunReport | undefined,
    live?: LiveRun,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: ReportToExtension) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
      // A hidden webview is torn down (no retained context): it asks for the records again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible && this.liveRun) this.liveRun.ready = false;
      }),
    );
    markStepDone(WALKTHROUGH_CONTEXT.reportOpened);
    if (live) this.startLive(live);
    else this.render();
  }

  update(report: RunReport): void {
    this.stopLive();
    this.report = report;
    this.render();
  }

  /** Selects a chunk in the report's timeline, now or as soon as the page has loaded. */
  selectChunk(index: number): void {
    this.pendingSelect = index;
    this.post({ type: 'select-chunk', index });
  }

  /** True while the panel shows a run that has not ended. */
  get isLive(): boolean {
    return this.liveRun !== undefined && !this.liveRun.ended;
  }

  /** The engine's onChunk: only an array push (the batch timer does the rest). */
  addRecord(record: ChunkRecord): void {
    this.liveRun?.records.push(record);
  }

  setProgress(p: ProgressEvent): void {
    const run = this.liveRun;
    if (!run || run.ended) return;
    run.progress = {
      rows: p.rows,
      bytes: p.bytes,
      totalBytes: p.totalBytes,
      chunksDone: p.chunksDone,
      elapsedMs: p.elapsedMs,
      rowsPerSecond: p.rowsPerSecond,
    };
    run.progressSent = false;
  }

  /** The run finished: the panel becomes its full report. */
  finish(report: RunReport): void {
    if (this.disposed) return;
    this.update(report);
  }

  /** The run was cancelled or failed: the live view says so and keeps what it showed. */
  endLive(outcome: 'cancelled' | 'failed', message: string): void {
    const run = this.liveRun;
    if (!run || this.disposed) return;
    this.flush();
    if (run.timer) clearInterval(run.timer);
    run.timer = undefined;
    run.ended = { outcome, message };
    if (run.ready) this.post({ type: 'live-end', ...run.ended });
  }

  private startLive(run: LiveRun): void {
    this.stopLive();
    this.report = undefined;
    this.liveRun = run;
    run.timer = setInterval(() => this.flush(), LIVE_BATCH_MS);
    this.renderLive(run);
  }

  private stopLive(): void {
    if (this.liveRun?.timer) clearInterval(this.liveRun.timer);
    this.liveRun = undefined;
  }

  /** One message with every record since the last one, and the latest progress. */
  private flush(): void {
    const run = this.liveRun;
    if (!run || !run.ready || run.ended || this.disposed) return;
    if (run.sent === run.records.length && run.progressSent) return;
    const records = run.records.slice(run.sent);
    run.sent = run.records.length;
    run.progressSent = true;
    this.post({ type: 'live', records, progress: run.progress });
  }

  private onLiveReady(): void {
    const run = this.liveRun;
    if (!run) return;
    run.ready = true;
    run.sent = run.records.length;
    run.progressSent = true;
    this.post({ type: 'live', reset: true, records: run.records.slice(), progress: run.progress });
    if (run.ended) this.post({ type: 'live-end', ...run.ended });
  }

  private renderLive(run: LiveRun): void {
    const webview = this.panel.webview;
    const data: LivePageData = { kind: 'live', live: run.info, generatedAt: new Date().toISOString() };
    webview.html = this.html(data);
  }

  private render(): void {
    if (!this.report) return;
    this.panel.webview.html = this.html(
      buildPageData(this.report, { source: path.basename(this.reportPath), timingsFile: this.reportPath }),
    );
  }

  private html(data: RunPageData | LivePageData): string {
    const webview = this.panel.webview;
    return renderReportHtml(data, {
      kind: 'webview',
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.media, 'report.js')).toString(),
      cspSource: webview.cspSource,
      nonce: makeNonce(),
    });
  }

  private post(message: ReportToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(m: ReportToExtension): Promise<void> {
    // `m?.`: whatever the page posts arrives here, typed or not.
    switch (m?.type) {
      case 'live-ready':
        return this.onLiveReady();
      case 'report-ready':
        if (this.pendingSelect !== undefined) this.post({ type: 'select-chunk', index: this.pendingSelect });
        this.pendingSelect = undefined;
        return;
      case 'open-source': {
        if (typeof m.file !== 'string' || !Number.isInteger(m.line)) return;
        // Profiles name scripts by file:// URL (CommonJS) or by path.
        const file = m.file.startsWith('file://') ? vscode.Uri.parse(m.file).fsPath : m.file;
        await openProcessorAt(file, m.line, m.column).catch((err: unknown) =>
          vscode.window.showErrorMessage(
            `Chunkscope: cannot open ${m.file}: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
        return;
      }
      case 'cancel':
        if (this.isLive) this.liveRun!.onCancel();
        return;
      case 'open-external': {
        // Only the flame graph pages this run lists: the page must not make us open arbitrary files.
        const graph = this.report?.wholeProcessFlameGraphs?.find((g) => g.html === m.file);
        if (graph) await vscode.env.openExternal(vscode.Uri.file(graph.html));
        return;
      }
      case 'open-at-row':
      case 'export':
        if (this.report) await this.onReportAction(m, this.report);
        return;
      default: {
        const unknown: never = m;
        void unknown;
      }
    }
  }

  /** Open at row and the exports; a failure is shown in the page's status and as an error message. */
  private async onReportAction(
    m: Extract<ReportToExtension, { type: 'open-at-row' | 'export' }>,
    report: RunReport,
  ): Promise<void> {
    try {
      if (m.type === 'open-at-row') {
        if (Number.isInteger(m.line) && m.line > 0) await openDatasetAtLine(report.summary.data, m.line);
        return;
      }
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
        // The report now showing, like the timings file read below: a run may have ended during the dialog.
        if (!this.report) throw new Error('a new run replaced the report');
        content = Buffer.from(JSON.stringify(toChromeTrace(this.report)));
      } else {
        content = await fs.readFile(this.reportPath);
      }
      await vscode.workspace.fs.writeFile(target, content);
      this.post({ type: 'exported', path: target.fsPath });
    } catch (err) {
      const message = `Could not save: ${err instanceof Error ? err.message : String(err)}`;
      this.post({ type: 'export-failed', message });
      void vscode.window.showErrorMessage(`Chunkscope: ${message}`);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.stopLive();
    if (ReportPanel.panels.get(this.reportPath) === this) ReportPanel.panels.delete(this.reportPath);
    if (this.report) ReportPanel.closed.fire(this.reportPath);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
