// What the editor knows about each processor's latest run: per-row cost from the chunk records, and
// for a profiled run its per-line self time and per-function timings. The decorations, the hover and
// the code lens all read from here; nothing is recomputed per keystroke.
import * as vscode from 'vscode';
import {
  functionTimings,
  lineTimings,
  readThreadProfiles,
  urlMatchesFile,
  type FunctionTiming,
  type LineTiming,
  type RunReport,
} from '../engine';
import { shiftLines, type LineEdit } from './logic/line-shift';
import { medianMicrosPerRow } from './logic/per-row';

export interface ProcessorInsight {
  processor: string;
  timingsPath?: string;
  rows: number;
  /** Median over chunks of compute time per row, µs: measured for every run, profiled or not. */
  computeUsPerRowP50?: number;
  profiled: boolean;
  /** Self time by 0-based line of the processor file (follows edits). */
  lines: Map<number, LineTiming>;
  /** Every profiled function, largest self time first. */
  functions: FunctionTiming[];
  /** This processor file's functions by the 0-based line they start on (follows edits). */
  functionLines: Map<number, FunctionTiming[]>;
  /** Any warning met while reading the profiles. */
  problem?: string;
}

export class RunInsights implements vscode.Disposable {
  private readonly byProcessor = new Map<string, ProcessorInsight>();
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with the processor path whose insight changed (undefined: all). */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor() {
    this.disposables.push(vscode.workspace.onDidChangeTextDocument((e) => this.followEdits(e)));
  }

  get(processor: string): ProcessorInsight | undefined {
    return this.byProcessor.get(processor);
  }

  /** A finished run: its per-row cost, and its profiles when it has them. */
  record(report: RunReport, timingsPath: string | undefined): ProcessorInsight {
    const processor = report.summary.processor;
    const insight: ProcessorInsight = {
      processor,
      timingsPath,
      rows: report.summary.rows,
      computeUsPerRowP50: medianMicrosPerRow(report.chunks),
      profiled: false,
      lines: new Map(),
      functions: [],
      functionLines: new Map(),
    };
    if (report.profiles?.length) {
      try {
        const loaded = readThreadProfiles(report.profiles);
        for (const t of lineTimings(loaded, processor)) insight.lines.set(t.line - 1, t);
        insight.functions = functionTimings(loaded, report.chunks);
        for (const f of insight.functions) {
          if (!urlMatchesFile(f.url, processor) || f.line < 1) continue;
          const at = insight.functionLines.get(f.line - 1) ?? [];
          at.push(f);
          insight.functionLines.set(f.line - 1, at);
        }
        insight.profiled = true;
      } catch (err) {
        insight.problem = err instanceof Error ? err.message : String(err);
      }
    }
    this.byProcessor.set(processor, insight);
    this.changed.fire(processor);
    return insight;
  }

  /** The run's report was closed: its numbers leave the editor. */
  forgetTimings(timingsPath: string): void {
    for (const [processor, insight] of this.byProcessor) {
      if (insight.timingsPath === timingsPath && insight.profiled) {
        this.byProcessor.delete(processor);
        this.changed.fire(processor);
      }
    }
  }

  private followEdits(e: vscode.TextDocumentChangeEvent): void {
    const insight = this.byProcessor.get(e.document.uri.fsPath);
    if (!insight || (insight.lines.size === 0 && insight.functionLines.size === 0) || e.contentChanges.length === 0)
      return;
    // VS Code reports a multi-change event's ranges against the document before the event; applying
    // them bottom-up keeps each range valid.
    const changes = [...e.contentChanges].sort(
      (a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character,
    );
    let lines = insight.lines;
    let functionLines = insight.functionLines;
    for (const c of changes) {
      const edit: LineEdit = {
        startLine: c.range.start.line,
        startCharacter: c.range.start.character,
        endLine: c.range.end.line,
        endCharacter: c.range.end.character,
        text: c.text.replace(/\r\n/g, '\n'),
      };
      lines = shiftLines(lines, edit);
      // Function start lines move the same way, so hovers stay on the right function.
      functionLines = shiftLines(functionLines, edit);
    }
    insight.lines = lines;
    insight.functionLines = functionLines;
    this.changed.fire(insight.processor);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
