// Above processRow / processChunk: "0.42 µs per row (p50) · Profile · Sweep". The figure is the
// median chunk's compute time per row of the processor's last run; the actions run the profiler or
// a chunk-size sweep with this processor.
import * as vscode from 'vscode';
import { entryPointLines } from './logic/entry-points';
import { formatMicros } from '../engine';
import type { RunInsights } from './run-insights';

export const PROFILE_COMMAND = 'chunkscope.profile';
export const SWEEP_COMMAND = 'chunkscope.sweep';
export const SHOW_LAST_REPORT_COMMAND = 'chunkscope.showLastReport';

export class ProcessorCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly insights: RunInsights) {
    insights.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const entries = entryPointLines(document.getText());
    if (entries.length === 0) return [];
    const insight = this.insights.get(document.uri.fsPath);
    const lenses: vscode.CodeLens[] = [];
    for (const { line } of entries) {
      const range = new vscode.Range(line, 0, line, 0);
      const perRow = insight?.computeUsPerRowP50;
      lenses.push(
        new vscode.CodeLens(range, {
          title: perRow === undefined ? 'µs per row: not run yet' : `${formatMicros(perRow)} per row (p50)`,
          tooltip:
            perRow === undefined
              ? 'Run or profile this processor to measure it'
              : 'Median over chunks of compute time per row, last run — open its report',
          command: perRow === undefined || !insight?.timingsPath ? '' : SHOW_LAST_REPORT_COMMAND,
          arguments: insight?.timingsPath ? [insight.timingsPath] : [],
        }),
        new vscode.CodeLens(range, {
          title: 'Profile',
          tooltip: 'Run with CPU profiles of every worker',
          command: PROFILE_COMMAND,
          arguments: [document.uri],
        }),
        new vscode.CodeLens(range, {
          title: 'Sweep',
          tooltip: 'Measure throughput over chunk sizes and worker counts',
          command: SWEEP_COMMAND,
          arguments: [document.uri],
        }),
      );
    }
    return lenses;
  }
}
