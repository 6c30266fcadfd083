// Hover on a profiled function's first line: its self and total time, and how it spread across
// chunks (median chunk, worst chunk) with a link that selects the worst chunk in the report.
import * as vscode from 'vscode';
import { formatInt, formatMs } from '../engine';
import type { RunInsights } from './run-insights';

export const SHOW_CHUNK_COMMAND = 'chunkscope.showChunk';

export class ProfileHoverProvider implements vscode.HoverProvider {
  constructor(private readonly insights: RunInsights) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const insight = this.insights.get(document.uri.fsPath);
    const functions = insight?.functionLines.get(position.line);
    if (!insight || !functions?.length) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [SHOW_CHUNK_COMMAND] };
    for (const f of functions) {
      md.appendMarkdown(`**${escape(f.functionName || '(anonymous)')}** · Chunkscope profile\n\n`);
      md.appendMarkdown(
        `self ${formatMs(f.selfMs)} · total ${formatMs(f.totalMs)} · ${formatInt(f.samples)} samples\n\n`,
      );
      md.appendMarkdown(`per chunk: median ${formatMs(f.medianChunkSelfMs)} self`);
      if (f.worstChunk !== undefined) {
        md.appendMarkdown(` · worst ${formatMs(f.worstChunkSelfMs)} in chunk ${f.worstChunk}`);
        if (insight.timingsPath) {
          const args = encodeURIComponent(JSON.stringify([insight.timingsPath, f.worstChunk]));
          md.appendMarkdown(` — [select it in the report](command:${SHOW_CHUNK_COMMAND}?${args})`);
        }
      }
      md.appendMarkdown('\n\n');
    }
    return new vscode.Hover(md, document.lineAt(position.line).range);
  }
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
