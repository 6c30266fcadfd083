// Per-line self time of the last profiled run, drawn after each hot line of the processor file:
// "12.3 ms self · 0.41 µs/row · 31 %", with a background whose strength follows the line's share of
// the hottest line. The language server computes the lines and moves them through edits
// (`chunkscope/lineTimings`); this draws them on the document version they are for.
// "Chunkscope: Toggle Line Timings" hides and shows them.
import * as vscode from 'vscode';
import { HEAT_STEPS, type LineTimingsParams, type LineTimingText } from '../server/protocol';

export class LineTimingDecorations implements vscode.Disposable {
  private enabled = true;
  /** The server's latest lines per document URI, with the version they describe. */
  private readonly byUri = new Map<string, { version: number; lines: LineTimingText[] }>();
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

  constructor() {
    this.disposables.push(vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()));
  }

  /** What the server sent for one document (an empty list clears it). */
  update(params: LineTimingsParams): void {
    if (params.lines.length) this.byUri.set(params.uri, { version: params.version, lines: params.lines });
    else this.byUri.delete(params.uri);
    this.refresh();
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
    return new Map(this.linesOf(editor.document).map(({ line, text }) => [line, text]));
  }

  refresh(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const sent = this.byUri.get(editor.document.uri.toString());
      // Lines for an older version: VS Code has moved the drawn ones with the edit; the server's
      // answer for this version is on its way.
      if (this.enabled && sent && sent.version !== editor.document.version) continue;
      const buckets: vscode.DecorationOptions[][] = this.types.map(() => []);
      for (const { line, text, heat } of this.enabled ? this.linesOf(editor.document) : []) {
        if (line >= editor.document.lineCount) continue;
        const range = editor.document.lineAt(line).range;
        buckets[Math.min(heat, HEAT_STEPS - 1)].push({ range, renderOptions: { after: { contentText: text } } });
      }
      this.types.forEach((type, i) => editor.setDecorations(type, buckets[i]));
    }
  }

  private linesOf(document: vscode.TextDocument): LineTimingText[] {
    const sent = this.byUri.get(document.uri.toString());
    return sent && sent.version === document.version ? sent.lines : [];
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    for (const t of this.types) t.dispose();
  }
}
