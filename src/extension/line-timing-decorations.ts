// Per-line self time of the last profiled run, drawn after each hot line of the processor file:
// "12.3 ms · 0.41 µs/row", with a background whose strength follows the line's share of the
// hottest line. "Chunkscope: Toggle Line Timings" hides and shows them.
import * as vscode from 'vscode';
import { formatMicros, formatMs, formatPercent } from '../engine';
import type { ProcessorInsight, RunInsights } from './run-insights';

/** Lines below this share of the processor's profiled self time stay undecorated (noise). */
const MIN_SHARE = 0.005;
const HEAT_STEPS = 5;

export class LineTimingDecorations implements vscode.Disposable {
  private enabled = true;
  /** One decoration type per heat step: a type's colour is fixed when it is created. */
  private readonly types = Array.from({ length: HEAT_STEPS }, (_, i) =>
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: `rgba(255, 120, 0, ${(0.06 + (0.3 * i) / (HEAT_STEPS - 1)).toFixed(3)})`,
      overviewRulerColor: `rgba(255, 120, 0, ${(0.3 + (0.7 * i) / (HEAT_STEPS - 1)).toFixed(2)})`,
      overviewRulerLane: vscode.OverviewRulerLane.Right,
      after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'italic' },
    }),
  );
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly insights: RunInsights) {
    this.disposables.push(
      insights.onDidChange(() => this.refresh()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
    );
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  toggle(): boolean {
    this.enabled = !this.enabled;
    this.refresh();
    return this.enabled;
  }

  /** Turn them on (a new profiled run always shows its numbers). */
  show(): void {
    this.enabled = true;
    this.refresh();
  }

  /** What is drawn on an editor, for the tests and the status message: 0-based line → text. */
  describe(editor: vscode.TextEditor): Map<number, string> {
    const insight = this.insights.get(editor.document.uri.fsPath);
    return new Map(this.lineTexts(insight).map(({ line, text }) => [line, text]));
  }

  refresh(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const insight = this.enabled ? this.insights.get(editor.document.uri.fsPath) : undefined;
      const buckets: vscode.DecorationOptions[][] = this.types.map(() => []);
      for (const { line, text, heat } of this.lineTexts(insight)) {
        if (line >= editor.document.lineCount) continue;
        const range = editor.document.lineAt(line).range;
        buckets[heat].push({ range, renderOptions: { after: { contentText: text } } });
      }
      this.types.forEach((type, i) => editor.setDecorations(type, buckets[i]));
    }
  }

  private lineTexts(insight: ProcessorInsight | undefined): { line: number; text: string; heat: number }[] {
    if (!insight || !insight.profiled || insight.lines.size === 0) return [];
    let total = 0;
    let hottest = 0;
    for (const t of insight.lines.values()) {
      total += t.selfMs;
      hottest = Math.max(hottest, t.selfMs);
    }
    if (total <= 0) return [];
    const out: { line: number; text: string; heat: number }[] = [];
    for (const [line, t] of insight.lines) {
      if (t.selfMs / total < MIN_SHARE) continue;
      const perRow = insight.rows > 0 ? ` · ${formatMicros((t.selfMs * 1000) / insight.rows)}/row` : '';
      const heat = Math.min(HEAT_STEPS - 1, Math.floor((t.selfMs / hottest) * HEAT_STEPS));
      out.push({ line, text: `${formatMs(t.selfMs)} self${perRow} · ${formatPercent(t.selfMs / total)}`, heat });
    }
    return out;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    for (const t of this.types) t.dispose();
  }
}
