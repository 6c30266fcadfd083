// The extension's two persistent surfaces: the "Chunkscope" output channel (run summaries and
// error details) and a status bar item with the last run's throughput (click → the output).
import * as vscode from 'vscode';
import type { RunReport } from '../engine';
import { statusBarText, summaryLines } from './logic/summary';
import { formatInt, formatMs } from '../engine';

export const SHOW_OUTPUT_COMMAND = 'chunkscope.showOutput';
const LAST_STATUS_KEY = 'chunkscope.lastStatus';

interface StoredStatus {
  text: string;
  tooltip: string;
}

export class Ui implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('Chunkscope');
  private readonly status = vscode.window.createStatusBarItem(
    'chunkscope.throughput',
    vscode.StatusBarAlignment.Right,
    100,
  );

  constructor(private readonly state: vscode.Memento) {
    this.status.name = 'Chunkscope Throughput';
    this.status.command = SHOW_OUTPUT_COMMAND;
    // Keep the last figure across reloads: it is the number users compare their next run against.
    const stored = state.get<StoredStatus>(LAST_STATUS_KEY);
    if (stored) this.setStatus(stored);
  }

  log(line: string): void {
    this.output.appendLine(line);
  }

  showRun(report: RunReport, files: { results?: string; timings?: string }): void {
    for (const line of summaryLines(report, files)) this.output.appendLine(line);
    this.output.appendLine('');
    const s = report.summary;
    const stored: StoredStatus = {
      text: statusBarText(report),
      tooltip: `Chunkscope, last run: ${formatInt(s.rows)} rows in ${formatMs(s.wallMs)}, ${s.workers} workers, ${s.strategy}. Click for the summary.`,
    };
    this.setStatus(stored);
    void this.state.update(LAST_STATUS_KEY, stored);
  }

  private setStatus(s: StoredStatus): void {
    this.status.text = s.text;
    this.status.tooltip = s.tooltip;
    this.status.show();
  }

  dispose(): void {
    this.status.dispose();
    this.output.dispose();
  }
}
