// What the editor shows from a processor's past runs: the code lens above its entry points, the
// hover on a profiled function, and the per-line timing texts the client draws as decorations.
// Pure: an Insight (insights.ts) and the saved tuning in, LSP values out.
import type { CodeLens, Hover } from 'vscode-languageserver/node';
import {
  entryPointLines,
  formatInt,
  formatMicros,
  formatMs,
  formatPercent,
  type SavedTuningEntry,
} from '../engine/inspect';
import type { Insight } from './insights';
import { COMMANDS, HEAT_STEPS, type LineTimingText } from './protocol';

/** Lines below this share of the processor's profiled self time stay undecorated (noise). */
const MIN_SHARE = 0.005;

export type SavedTuning = { entry: SavedTuningEntry } | { stale: string };

/** "0.42 µs per row (p50) · Run · Profile · Sweep [· tuned: …]" above each entry point. */
export function insightLenses(
  text: string,
  uri: string,
  insight: Insight | undefined,
  tuning: SavedTuning | undefined,
): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const { line } of entryPointLines(text)) {
    const range = { start: { line, character: 0 }, end: { line, character: 0 } };
    const perRow = insight?.usPerRowP50;
    lenses.push(
      perRow === undefined
        ? { range, command: { title: 'µs per row: not run yet', command: '' } }
        : {
            range,
            command: {
              title: `${formatMicros(perRow)} per row (p50)`,
              command: COMMANDS.showLastReport,
              arguments: [insight!.timings],
            },
          },
      { range, command: { title: 'Run', command: COMMANDS.run, arguments: [uri] } },
      { range, command: { title: 'Profile', command: COMMANDS.profile, arguments: [uri] } },
      { range, command: { title: 'Sweep', command: COMMANDS.sweep, arguments: [uri] } },
    );
    if (tuning) {
      const title =
        'entry' in tuning
          ? `tuned: ${describeTuning(tuning.entry)} (${formatInt(tuning.entry.rowsPerSecond)} rows/s)`
          : `tuning stale: ${tuning.stale}`;
      lenses.push({ range, command: { title, command: COMMANDS.tune, arguments: [uri] } });
    }
  }
  return lenses;
}

function describeTuning(e: SavedTuningEntry): string {
  const size = e.chunkRows !== undefined ? `${formatInt(e.chunkRows)} rows` : `${formatInt(e.chunkBytes ?? 0)} B`;
  return `${e.strategy} · ${e.workers} worker${e.workers === 1 ? '' : 's'} · ${size} a chunk`;
}

/** A profiled function's self/total time and worst chunk, on the line it starts on. */
export function functionHover(insight: Insight | undefined, line: number, lineLength: number): Hover | undefined {
  const functions = insight?.functionLines.get(line);
  if (!insight || !functions?.length) return undefined;
  let md = '';
  for (const f of functions) {
    md += `**${escape(f.functionName || '(anonymous)')}** · Chunkscope profile\n\n`;
    md += `self ${formatMs(f.selfMs)} · total ${formatMs(f.totalMs)} · ${formatInt(f.samples)} samples\n\n`;
    md += `per chunk: median ${formatMs(f.medianChunkSelfMs)} self`;
    if (f.worstChunk !== undefined) {
      md += ` · worst ${formatMs(f.worstChunkSelfMs)} in chunk ${f.worstChunk}`;
      const args = encodeURIComponent(JSON.stringify([insight.timings, f.worstChunk]));
      md += ` — [select it in the report](command:${COMMANDS.showChunk}?${args})`;
    }
    md += '\n\n';
  }
  return {
    contents: { kind: 'markdown', value: md },
    range: { start: { line, character: 0 }, end: { line, character: lineLength } },
  };
}

/** "12.3 ms self · 0.41 µs/row · 31 %" per hot line, with its heat step (share of the hottest line). */
export function lineTimingTexts(insight: Insight | undefined): LineTimingText[] {
  if (!insight || !insight.profiled || insight.lines.size === 0) return [];
  let total = 0;
  let hottest = 0;
  for (const t of insight.lines.values()) {
    total += t.selfMs;
    hottest = Math.max(hottest, t.selfMs);
  }
  if (total <= 0) return [];
  const out: LineTimingText[] = [];
  for (const [line, t] of insight.lines) {
    if (t.selfMs / total < MIN_SHARE) continue;
    const perRow = insight.rows > 0 ? ` · ${formatMicros((t.selfMs * 1000) / insight.rows)}/row` : '';
    const heat = Math.min(HEAT_STEPS - 1, Math.floor((t.selfMs / hottest) * HEAT_STEPS));
    out.push({ line, text: `${formatMs(t.selfMs)} self${perRow} · ${formatPercent(t.selfMs / total)}`, heat });
  }
  return out.sort((a, b) => a.line - b.line);
}

function escape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
