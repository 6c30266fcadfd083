// The server's side of past runs: keeps each processor's Insight (insights.ts), answers code
// lenses, adds the profiled-function hover, follows edits, and pushes line timings to the client
// (`chunkscope/lineTimings`), which draws them. Wired into server.ts by a few lines.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeLensRefreshRequest,
  type ClientCapabilities,
  type CodeLens,
  type Connection,
  type FileEvent,
  type Hover,
  type Position,
  type TextDocuments,
  type TextDocumentsConfiguration,
} from 'vscode-languageserver/node';
import type { TextDocument, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { readTuningFile } from '../engine/inspect';
import { functionHover, insightLenses, lineTimingTexts, type SavedTuning } from './insight-features';
import { followChanges, newestRunOnDisk, readInsight, type Insight } from './insights';
import { workspaceRootOf } from './pairing';
import {
  FORGET_PROFILE,
  LINE_TIMINGS,
  RUN_RECORDED,
  type ForgetProfileParams,
  type LineTimingsParams,
  type RunRecordedParams,
} from './protocol';

const TUNING_FILE = path.join('.chunkscope', 'tuning.json');

const filePath = (uri: string): string | undefined => {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
};

export class InsightService {
  /** By processor path; null = looked on disk, found no run. */
  private readonly byProcessor = new Map<string, Insight | null>();
  /** Timings files whose report was closed: their profiles stay out of the editor. */
  private readonly forgotten = new Set<string>();
  /** Documents last sent non-empty line timings (an empty list then clears them). */
  private readonly drawn = new Set<string>();
  private documents: TextDocuments<TextDocument> | undefined;
  private canRefreshLenses = false;

  constructor(
    private readonly connection: Connection,
    private readonly roots: () => readonly string[],
    private readonly log: (message: string) => void,
  ) {}

  /** The TextDocuments configuration: `base` plus line maps moved by each change before it applies. */
  followingEdits(base: TextDocumentsConfiguration<TextDocument>): TextDocumentsConfiguration<TextDocument> {
    return {
      create: (...args) => base.create(...args),
      update: (doc: TextDocument, changes: TextDocumentContentChangeEvent[], version: number) => {
        const file = filePath(doc.uri);
        const insight = file ? this.byProcessor.get(file) : undefined;
        if (insight) {
          try {
            followChanges(insight, changes, doc.lineCount);
          } catch (error) {
            this.log(`following edits failed: ${(error as Error).message}`);
          }
          // After TextDocuments has stored the new version.
          setImmediate(() => this.publishLines(doc.uri));
        }
        return base.update(doc, changes, version);
      },
    };
  }

  /** Called after every chunkscope/runRecorded (the server re-pairs its open processors). */
  afterRunRecorded?: () => void;

  listen(documents: TextDocuments<TextDocument>): void {
    this.documents = documents;
    documents.onDidOpen((e) => this.publishLines(e.document.uri));
    documents.onDidClose((e) => {
      this.drawn.delete(e.document.uri);
      const file = filePath(e.document.uri);
      // Maps moved by unsaved edits no longer match the file: read it again next time.
      if (file && this.byProcessor.get(file)?.edited) this.byProcessor.delete(file);
    });
    this.connection.onCodeLens((params) => this.guard('codeLens', [], () => this.lenses(params.textDocument.uri)));
    this.connection.onNotification(RUN_RECORDED, (params: RunRecordedParams) =>
      this.guard('runRecorded', undefined, () => this.runRecorded(params)),
    );
    this.connection.onNotification(FORGET_PROFILE, (params: ForgetProfileParams) =>
      this.guard('forgetProfile', undefined, () => this.forget(params.timings)),
    );
  }

  initialize(capabilities: ClientCapabilities): void {
    this.canRefreshLenses = !!capabilities.workspace?.codeLens?.refreshSupport;
  }

  /** The hover on a profiled function's first line, if any. */
  hover(uri: string, position: Position): Hover | undefined {
    const doc = this.documents?.get(uri);
    const file = filePath(uri);
    if (!doc || !file) return undefined;
    const lineText = doc.getText({
      start: { line: position.line, character: 0 },
      end: { line: position.line + 1, character: 0 },
    });
    return functionHover(this.insightFor(file), position.line, lineText.replace(/\r?\n$/, '').length);
  }

  /** Timings files or tuning changed on disk (a CLI run, another window): read them again. */
  filesChanged(changes: readonly FileEvent[]): void {
    if (!changes.some((c) => /[\\/]\.chunkscope[\\/]/.test(filePath(c.uri) ?? ''))) return;
    for (const [file, insight] of this.byProcessor) if (!insight?.edited) this.byProcessor.delete(file);
    this.refreshAll();
  }

  private guard<T>(what: string, fallback: T, body: () => T): T {
    try {
      return body();
    } catch (error) {
      this.log(`${what} failed: ${(error as Error).stack ?? error}`);
      return fallback;
    }
  }

  private insightFor(file: string): Insight | undefined {
    const known = this.byProcessor.get(file);
    if (known !== undefined) return known ?? undefined;
    const root = workspaceRootOf(file, this.roots());
    const run = root ? newestRunOnDisk(root, file) : undefined;
    let insight: Insight | null = null;
    if (run) {
      // A processor saved after the run: its lines may have moved, so show only the per-row figure.
      const processorMtime = fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Infinity;
      const withProfiles = !this.forgotten.has(run.timings) && processorMtime <= run.finishedAtMs;
      try {
        insight = readInsight(file, run.timings, run.finishedAtMs, withProfiles);
      } catch (error) {
        this.log(`cannot read ${run.timings}: ${(error as Error).message}`);
      }
    }
    this.byProcessor.set(file, insight);
    return insight ?? undefined;
  }

  private tuningFor(file: string): SavedTuning | undefined {
    const root = workspaceRootOf(file, this.roots());
    if (!root) return undefined;
    let entries;
    try {
      entries = Object.values(readTuningFile(path.join(root, TUNING_FILE)).entries);
    } catch {
      return undefined; // a broken tuning file is `chunkscope tune`'s to report
    }
    const entry = entries
      .filter((e) => path.resolve(root, e.processor) === file)
      .sort((a, b) => b.tunedAtEpochMs - a.tunedAtEpochMs)[0];
    if (!entry) return undefined;
    // Tuning is only as good as the data and code it measured (the engine's findSavedTuning rule).
    const data = fs.statSync(path.resolve(root, entry.data), { throwIfNoEntry: false });
    if (!data || data.size !== entry.dataBytes || data.mtimeMs !== entry.dataMtimeMs)
      return { stale: `${path.basename(entry.data)} changed` };
    const sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    if (sha !== entry.processorSha256) return { stale: `${path.basename(file)} changed` };
    return { entry };
  }

  private lenses(uri: string): CodeLens[] {
    const doc = this.documents?.get(uri);
    const file = filePath(uri);
    if (!doc || !file) return [];
    const text = doc.getText();
    if (!/\b(processRow|processChunk)\b/.test(text)) return [];
    return insightLenses(text, uri, this.insightFor(file), this.tuningFor(file));
  }

  private runRecorded({ processor, timings }: RunRecordedParams): void {
    if (timings) {
      const file = path.resolve(processor);
      this.forgotten.delete(timings);
      const insight = readInsight(file, timings, Date.now(), true);
      if (insight.problem) this.log(`profiles of ${timings}: ${insight.problem}`);
      this.byProcessor.set(file, insight);
      this.refreshAll();
    }
    this.afterRunRecorded?.();
  }

  private forget(timings: string): void {
    this.forgotten.add(timings);
    for (const insight of this.byProcessor.values()) {
      if (insight?.timings !== timings || !insight.profiled) continue;
      insight.profiled = false;
      insight.lines = new Map();
      insight.functionLines = new Map();
    }
    this.refreshAll();
  }

  private refreshAll(): void {
    for (const doc of this.documents?.all() ?? []) this.publishLines(doc.uri);
    if (this.canRefreshLenses) void this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }

  private publishLines(uri: string): void {
    this.guard('lineTimings', undefined, () => {
      const doc = this.documents?.get(uri);
      const file = filePath(uri);
      if (!doc || !file) return;
      // Only documents that have a run on record cost a look on disk (cached after the first).
      if (!/\b(processRow|processChunk)\b/.test(doc.getText()) && !this.byProcessor.get(file)) return;
      const lines = lineTimingTexts(this.insightFor(file));
      if (lines.length === 0 && !this.drawn.has(uri)) return;
      if (lines.length) this.drawn.add(uri);
      else this.drawn.delete(uri);
      const params: LineTimingsParams = { uri, version: doc.version, lines };
      void this.connection.sendNotification(LINE_TIMINGS, params).catch(() => undefined);
    });
  }
}
