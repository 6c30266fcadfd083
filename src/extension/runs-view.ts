// The Chunkscope activity-bar view "Runs": every run in the workspace, newest first, from the run
// records (`.chunkscope/runs/*.run.json`) and timings files (`.chunkscope/*.timings.json`), read
// through the engine. Click opens the report; the context menu compares, runs again or deletes.
// It reloads when a run finishes and when those files change on disk (CLI runs too).
import { rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readRunRecords, readTimingsFile, RUN_RECORDS_DIR, type StoredRunRecord } from '../engine';
import { compareRuns } from './compare-panel';
import { showReport } from './report';
import {
  compareCandidates,
  filesToDelete,
  runDescription,
  runLabel,
  runRows,
  runTooltip,
  whenText,
  runFigures,
  type RunRow,
  type TimingsEntry,
} from './logic/runs-tree';

export const RUNS_VIEW_ID = 'chunkscope.runs';
export const RUNS_COMMANDS = {
  refresh: 'chunkscope.runs.refresh',
  openReport: 'chunkscope.runs.openReport',
  compareWith: 'chunkscope.runs.compareWith',
  runAgain: 'chunkscope.runs.runAgain',
  delete: 'chunkscope.runs.delete',
} as const;

const RECORD_GLOB = '**/.chunkscope/runs/*.run.json';
const TIMINGS_GLOB = '**/.chunkscope/*.timings.json';
const EXCLUDE_GLOB = '**/node_modules/**';
/** Coalesces a burst of file events (a run writes results, timings and a record) into one reload. */
const REFRESH_DELAY_MS = 250;

/** What "Run again" needs from the run command: the same entry point the palette uses. */
export type RunAgain = (dataset: vscode.Uri, processor: vscode.Uri) => Promise<unknown>;

export class RunsView implements vscode.TreeDataProvider<RunRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunRow | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private current: Promise<RunRow[]> | undefined;
  private reloads = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Timings files are re-read only when their size or mtime changed: a report can be megabytes. */
  private readonly cache = new Map<string, { stamp: string; entry: TimingsEntry | undefined }>();

  constructor(private readonly runAgain: RunAgain) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.chunkscope/**/*.json');
    const later = () => this.scheduleRefresh();
    this.disposables.push(
      this.changed,
      watcher,
      watcher.onDidCreate(later),
      watcher.onDidChange(later),
      watcher.onDidDelete(later),
      vscode.workspace.onDidChangeWorkspaceFolders(later),
      vscode.window.registerTreeDataProvider(RUNS_VIEW_ID, this),
      vscode.commands.registerCommand(RUNS_COMMANDS.refresh, () => this.refresh()),
      vscode.commands.registerCommand(RUNS_COMMANDS.openReport, (arg?: unknown) => this.openReport(arg)),
      vscode.commands.registerCommand(RUNS_COMMANDS.compareWith, (arg?: unknown, other?: unknown) =>
        this.compareWith(arg, other),
      ),
      vscode.commands.registerCommand(RUNS_COMMANDS.runAgain, (arg?: unknown) => this.again(arg)),
      vscode.commands.registerCommand(RUNS_COMMANDS.delete, (arg?: unknown) => this.delete(arg)),
    );
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** The rows as the view shows them after a fresh read (tests read them through the extension's API). */
  async rows(): Promise<RunRow[]> {
    return this.current ?? this.refresh();
  }

  /** How many times the list was re-read (tests watch it move after a file changes on disk). */
  get reloadCount(): number {
    return this.reloads;
  }

  /** The tree items as VS Code gets them, after a fresh read. */
  async items(): Promise<vscode.TreeItem[]> {
    return (await this.refresh()).map((r) => this.getTreeItem(r));
  }

  /** Re-reads the files now and redraws; resolves with the new rows. */
  refresh(): Promise<RunRow[]> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.load();
    this.current = next;
    this.reloads++;
    void next.then(
      () => this.changed.fire(undefined),
      () => undefined,
    );
    return next;
  }

  scheduleRefresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  getTreeItem(row: RunRow): vscode.TreeItem {
    const item = new vscode.TreeItem(runLabel(row), vscode.TreeItemCollapsibleState.None);
    item.id = row.id;
    item.description = runDescription(row, Date.now());
    item.tooltip = runTooltip(row);
    item.contextValue = row.timings ? 'chunkscope.run.report' : 'chunkscope.run.noReport';
    item.iconPath = new vscode.ThemeIcon(row.timings ? 'graph' : 'circle-slash');
    item.resourceUri = vscode.Uri.file(row.record ?? row.timings ?? row.dataset);
    // A run without a timings file opens nothing; the tooltip says why.
    if (row.timings) item.command = { command: RUNS_COMMANDS.openReport, title: 'Show Report', arguments: [row] };
    return item;
  }

  async getChildren(element?: RunRow): Promise<RunRow[]> {
    if (element) return [];
    try {
      return await this.rows();
    } catch (err) {
      void vscode.window.showErrorMessage(`Chunkscope: could not list the runs: ${message(err)}`);
      return [];
    }
  }

  private async load(): Promise<RunRow[]> {
    const [recordFiles, timingsFiles] = await Promise.all([
      vscode.workspace.findFiles(RECORD_GLOB, EXCLUDE_GLOB),
      vscode.workspace.findFiles(TIMINGS_GLOB, EXCLUDE_GLOB),
    ]);
    // A record file sits at <root>/.chunkscope/runs/: the engine reads (and checks) a root's records.
    const depth = RUN_RECORDS_DIR.split(path.sep).length;
    const roots = new Set<string>();
    for (const uri of recordFiles) {
      let root = path.dirname(uri.fsPath);
      for (let i = 0; i < depth; i++) root = path.dirname(root);
      roots.add(root);
    }
    const records: StoredRunRecord[] = [...roots].flatMap((root) => readRunRecords(root));
    // Timings in `.chunkscope/` folders, and wherever a record says its run wrote them (chunkscope.outputFolder).
    const timingsPaths = new Set(timingsFiles.map((u) => path.resolve(u.fsPath)));
    for (const r of records) if (r.timings) timingsPaths.add(path.resolve(r.timings));
    const entries = [...timingsPaths].map((f) => this.readTimings(f)).filter((e): e is TimingsEntry => !!e);
    for (const key of this.cache.keys()) if (!timingsPaths.has(key)) this.cache.delete(key);
    return runRows(records, entries);
  }

  /** A timings file's summary, or undefined when it is missing or not a timings file (that run shows no report). */
  private readTimings(file: string): TimingsEntry | undefined {
    let stamp: string;
    try {
      const st = statSync(file);
      stamp = `${st.size}:${st.mtimeMs}`;
    } catch {
      this.cache.delete(file);
      return undefined;
    }
    const hit = this.cache.get(file);
    if (hit && hit.stamp === stamp) return hit.entry;
    let entry: TimingsEntry | undefined;
    try {
      entry = { file, summary: readTimingsFile(file).summary };
    } catch {
      entry = undefined;
    }
    this.cache.set(file, { stamp, entry });
    return entry;
  }

  /** A command's argument as a row of the current list: the row itself (view, tests) or its id. */
  private async find(arg: unknown): Promise<RunRow | undefined> {
    const id = typeof arg === 'string' ? arg : arg && typeof arg === 'object' ? (arg as Partial<RunRow>).id : undefined;
    if (!id) return undefined;
    const rows = await this.refresh();
    return rows.find((r) => r.id === id || r.timings === id || r.record === id);
  }

  private async openReport(arg: unknown): Promise<string | undefined> {
    const row = await this.find(arg);
    if (!row) return undefined;
    if (!row.timings) {
      void vscode.window.showInformationMessage(`Chunkscope: ${runTooltip(row).split('\n').pop()}`);
      return undefined;
    }
    await showReport(row.timings);
    return row.timings;
  }

  private async compareWith(arg: unknown, other?: unknown): Promise<vscode.WebviewPanel | undefined> {
    const row = await this.find(arg);
    if (!row?.timings) return undefined;
    const rows = await this.rows();
    const candidates = compareCandidates(rows, row);
    let chosen = other === undefined ? undefined : await this.find(other);
    if (!chosen) {
      if (candidates.length === 0) {
        void vscode.window.showInformationMessage('Chunkscope: no other run with a report to compare with.');
        return undefined;
      }
      const now = Date.now();
      const pick = await vscode.window.showQuickPick(
        candidates.map((r) => ({
          label: runLabel(r),
          description: `${runFigures(r)} · ${whenText(r.finishedAtMs, now)}`,
          detail: r.timings,
          row: r,
        })),
        { title: `Compare ${runLabel(row)} with…`, matchOnDescription: true },
      );
      chosen = pick?.row;
    }
    if (!chosen?.timings) return undefined;
    return compareRuns([vscode.Uri.file(row.timings), vscode.Uri.file(chosen.timings)]);
  }

  private async again(arg: unknown): Promise<void> {
    const row = await this.find(arg);
    if (!row) return;
    for (const [what, file] of [
      ['dataset', row.dataset],
      ['processor', row.processor],
    ]) {
      try {
        statSync(file);
      } catch {
        void vscode.window.showErrorMessage(`Chunkscope: cannot run again: the ${what} ${file} no longer exists.`);
        return;
      }
    }
    // The run command itself checks workspace trust (trust.ts), as from the palette.
    await this.runAgain(vscode.Uri.file(row.dataset), vscode.Uri.file(row.processor));
    await this.refresh();
  }

  /** Deletes the record and its timings file after a modal confirmation; returns the files removed. */
  private async delete(arg: unknown): Promise<string[]> {
    const row = await this.find(arg);
    if (!row) return [];
    const files = filesToDelete(row);
    const confirm = vscode.workspace.getConfiguration('chunkscope.runs').get<boolean>('confirmDelete', true);
    if (confirm) {
      const del = 'Delete';
      const choice = await vscode.window.showWarningMessage(
        `Delete the run ${runLabel(row)}?`,
        { modal: true, detail: `This removes:\n${files.join('\n')}` },
        del,
      );
      if (choice !== del) return [];
    }
    const removed: string[] = [];
    for (const f of files) {
      try {
        rmSync(f, { force: true });
        removed.push(f);
      } catch (err) {
        void vscode.window.showErrorMessage(`Chunkscope: could not delete ${f}: ${message(err)}`);
      }
    }
    await this.refresh();
    return removed;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
