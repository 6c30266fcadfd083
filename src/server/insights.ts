// What past runs measured for a processor, read from disk in the server process (never on the
// extension host's main thread, which a run measures): the median chunk's µs per row, and for a
// profiled run its per-line self time and per-function timings. Sources, newest first: a run
// record naming a timings file (`.chunkscope/runs/`), else a timings file of the processor in the
// default output folder, else what the client reported after a run in this session. Line maps
// follow the document's edits in LSP order (each change applies to the text the previous one left).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import {
  functionTimings,
  lineTimings,
  medianMicrosPerRow,
  readThreadProfiles,
  readRunRecords,
  readTimingsFile,
  shiftLines,
  urlMatchesFile,
  type FunctionTiming,
  type LineTiming,
} from '../engine/inspect';

export interface Insight {
  processor: string;
  timings: string;
  /** When the run finished (the record's time, else the timings file's mtime), epoch ms. */
  finishedAtMs: number;
  rows: number;
  usPerRowP50?: number;
  profiled: boolean;
  /** Self time by 0-based line of the processor (follows edits). */
  lines: Map<number, LineTiming>;
  /** The processor's functions by the 0-based line they start on (follows edits). */
  functionLines: Map<number, FunctionTiming[]>;
  /** The line maps were moved by edits: they describe the open document, not the file on disk. */
  edited: boolean;
  problem?: string;
}

/** Reads one run's timings file (and its profiles when `withProfiles`); throws on an unreadable file. */
export function readInsight(processor: string, timings: string, finishedAtMs: number, withProfiles: boolean): Insight {
  const report = readTimingsFile(timings);
  const insight: Insight = {
    processor,
    timings,
    finishedAtMs,
    rows: report.summary.rows,
    usPerRowP50: medianMicrosPerRow(report.chunks),
    profiled: false,
    lines: new Map(),
    functionLines: new Map(),
    edited: false,
  };
  if (withProfiles && report.profiles?.length) {
    try {
      const loaded = readThreadProfiles(report.profiles);
      for (const t of lineTimings(loaded, processor)) insight.lines.set(t.line - 1, t);
      for (const f of functionTimings(loaded, report.chunks)) {
        if (!urlMatchesFile(f.url, processor) || f.line < 1) continue;
        const at = insight.functionLines.get(f.line - 1) ?? [];
        at.push(f);
        insight.functionLines.set(f.line - 1, at);
      }
      insight.profiled = true;
    } catch (error) {
      // Profiles deleted or unreadable: the per-row figure still holds.
      insight.problem = (error as Error).message;
    }
  }
  return insight;
}

const mtimeOf = (file: string): number | undefined => {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

/** The newest run of `processor` on disk under `root`: its timings file and when it finished. */
export function newestRunOnDisk(
  root: string,
  processor: string,
): { timings: string; finishedAtMs: number } | undefined {
  let best: { timings: string; finishedAtMs: number } | undefined;
  const consider = (timings: string, finishedAtMs: number) => {
    if (!best || finishedAtMs > best.finishedAtMs) best = { timings, finishedAtMs };
  };
  // Records come newest first; the first whose timings file still exists wins.
  for (const record of readRunRecords(root, processor)) {
    if (record.timings && mtimeOf(record.timings) !== undefined) {
      consider(record.timings, Date.parse(record.finishedAt));
      break;
    }
  }
  // Runs into the default output folder are named `<dataset>.<processor>.timings.json`.
  const outDir = path.join(root, '.chunkscope');
  const stem = path.basename(processor, path.extname(processor));
  for (const name of safeReaddir(outDir)) {
    if (!name.endsWith(`.${stem}.timings.json`)) continue;
    const timings = path.join(outDir, name);
    const mtime = mtimeOf(timings);
    if (mtime === undefined || (best && mtime <= best.finishedAtMs)) continue;
    try {
      if (path.resolve(readTimingsFile(timings).summary.processor) === processor) consider(timings, mtime);
    } catch {
      // not a timings file we read: skip it
    }
  }
  return best;
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Moves an insight's line maps through one didChange's changes, in array order (the LSP rule). */
export function followChanges(
  insight: Insight,
  changes: readonly TextDocumentContentChangeEvent[],
  lineCountBefore: number,
): void {
  if (insight.lines.size === 0 && insight.functionLines.size === 0) return;
  let { lines, functionLines } = insight;
  for (const change of changes) {
    const edit =
      'range' in change
        ? {
            startLine: change.range.start.line,
            startCharacter: change.range.start.character,
            endLine: change.range.end.line,
            endCharacter: change.range.end.character,
            text: change.text.replace(/\r\n/g, '\n'),
          }
        : // A whole-document change: every line was replaced.
          { startLine: 0, startCharacter: 0, endLine: lineCountBefore, endCharacter: 0, text: '' };
    lines = shiftLines(lines, edit);
    functionLines = shiftLines(functionLines, edit);
  }
  insight.lines = lines;
  insight.functionLines = functionLines;
  insight.edited = true;
}
