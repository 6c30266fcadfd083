// Entry point (bundled by esbuild to dist/extension.js). Wires commands to their modules; no logic here.
import * as vscode from 'vscode';
import { runOnCluster } from './cluster-command';
import { ClusterStatusItem } from './cluster-status';
import { compareRuns } from './compare-panel';
import { newProcessor } from './new-processor';
import { processorPickActiveLabel, processorPickLabels } from './pick-processor';
import { LanguageServer, type LanguageServerState } from './language-client';
import { LineTimingDecorations } from './line-timing-decorations';
import { COMMANDS } from '../server/protocol';
import { showReport } from './report';
import { ReportPanel } from './report-panel';
import { RunCommand, type RunOutcome } from './run-command';
import { SweepCommand } from './sweep-command';
import { SHOW_OUTPUT_COMMAND, Ui } from './ui';
import { RunsView } from './runs-view';
import type { RunRow } from './logic/runs-tree';
import { openSampleData } from './walkthrough';

/** What activate returns: read-only views for the extension-host tests (decorations are not readable through the API). */
export interface ChunkscopeTestApi {
  lineTimingTexts(editor: vscode.TextEditor): Map<number, string>;
  lineTimingsShown(): boolean;
  /** How the last run ended and what its message said (errors as the toast shows them). */
  lastRunOutcome(): RunOutcome | undefined;
  /** The language client: not started until a processor opens or a Chunkscope command runs. */
  languageServerState(): LanguageServerState;
  /** Resolves once the server answers (starting it if needed); false when it could not start. */
  languageServerReady(): Promise<boolean>;
  /** What deactivate() does: stops the server process and waits for it. */
  stopLanguageServer(): Promise<void>;
  /** The runs view's rows after a fresh read of the run records and timings files, newest first. */
  runsViewRows(): Promise<RunRow[]>;
  /** The runs view's tree items (label, description, tooltip, click command) after a fresh read. */
  runsViewItems(): Promise<vscode.TreeItem[]>;
  /** How often the runs view re-read its files (it moves when a run ends or a file changes). */
  runsViewReloads(): number;
  /** The timings files whose report panels are open. */
  openReports(): string[];
  /** The labels of the processor quick pick while it is open with its items loaded, else undefined. */
  processorPickLabels(): string[] | undefined;
  /** The label of the processor pick's active item as VS Code reports it, while its items are loaded. */
  processorPickActiveLabel(): string | undefined;
  /** The cluster status bar item's text after a fresh poll; undefined while chunkscope.cluster.url is unset. */
  clusterStatusText(): Promise<string | undefined>;
}

let languageServer: LanguageServer | undefined;

/** A command argument as a URI: a vscode.Uri (palette, explorer), or a string from a server's lens (JSON). */
function asUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg !== 'string' || arg === '') return undefined;
  return /^[a-z][\w+.-]+:\/\//i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
}

export function activate(context: vscode.ExtensionContext): ChunkscopeTestApi {
  const ui = new Ui(context.workspaceState);
  const decorations = new LineTimingDecorations();
  const server = new LanguageServer(context.asAbsolutePath('dist/server.js'), (p) => decorations.update(p));
  languageServer = server;
  const runner = new RunCommand(ui, context.workspaceState, server, decorations);
  const sweeper = new SweepCommand(ui, context.workspaceState, runner);
  // Every Chunkscope command also starts the language server (lazily, once); the ones that run the
  // processor start it when they are done, so its start-up does not compete with the measured run.
  const RUNS = new Set<string>([
    COMMANDS.run,
    COMMANDS.profile,
    COMMANDS.sweep,
    COMMANDS.tune,
    'chunkscope.runOnFile',
    'chunkscope.runOnCluster',
  ]);
  const clusterStatus = new ClusterStatusItem();
  // "Run again" is the palette's run with that dataset and processor (trust checked there).
  const runs = new RunsView((dataset, processor) => runner.run(dataset, { processor }));
  const command = (id: string, handler: (...args: never[]) => unknown) =>
    vscode.commands.registerCommand(id, (...args: never[]) => {
      if (!RUNS.has(id)) {
        void server.start();
        return handler(...args);
      }
      const result = handler(...args);
      const start = () => void server.start();
      Promise.resolve(result).then(start, start);
      return result;
    });
  context.subscriptions.push(
    ui,
    decorations,
    runner,
    sweeper,
    server,
    clusterStatus,
    ReportPanel.onDidClose((timings) => server.forgetProfile(timings)),
    runs,
    runner.onDidEnd(() => runs.scheduleRefresh()),
    command('chunkscope.openSampleData', () => openSampleData()),
    // From the palette (pick a processor) or a processor's code lens (its URI, a string from the server).
    command(COMMANDS.profile, (processor?: unknown) =>
      runner.run(undefined, { profile: true, processor: asUri(processor) }),
    ),
    command(COMMANDS.sweep, (processor?: unknown) => sweeper.sweep(asUri(processor))),
    command(COMMANDS.tune, (processor?: unknown) => sweeper.tune(asUri(processor))),
    command('chunkscope.toggleLineTimings', () => {
      const on = decorations.toggle();
      void vscode.window.setStatusBarMessage(`Chunkscope: line timings ${on ? 'shown' : 'hidden'}`, 3000);
    }),
    command(COMMANDS.showLastReport, (timings?: string) => (timings ? showReport(timings) : undefined)),
    command(COMMANDS.showChunk, (timings?: string, chunk?: number) =>
      typeof timings === 'string' && Number.isInteger(chunk) ? showReport(timings, { selectChunk: chunk }) : undefined,
    ),
    // From the palette or the editor: the active dataset or a picker.
    // From a processor's "Run" lens: that processor on the active dataset or a picked one.
    command(COMMANDS.run, (processor?: unknown) =>
      runner.run(undefined, asUri(processor) ? { processor: asUri(processor) } : undefined),
    ),
    // The Run command on the cluster of chunkscope.cluster.url; the status item is refreshed after.
    command('chunkscope.runOnCluster', (processor?: unknown) =>
      runOnCluster(runner, asUri(processor)).finally(() => clusterStatus.poll()),
    ),
    // From the explorer context menu: VS Code passes the clicked file's URI.
    command('chunkscope.runOnFile', (uri?: vscode.Uri) => runner.run(uri ?? undefined)),
    command('chunkscope.newProcessor', (uri?: vscode.Uri) => newProcessor(uri instanceof vscode.Uri ? uri : undefined)),
    command(SHOW_OUTPUT_COMMAND, () => ui.output.show(true)),
    // Two timings files side by side; from the palette (file picker) or with their URIs.
    command('chunkscope.compareRuns', (first?: vscode.Uri, all?: vscode.Uri[]) =>
      compareRuns(
        all && all.length > 1 ? all : first instanceof vscode.Uri ? [first] : Array.isArray(first) ? first : undefined,
      ),
    ),
  );
  return {
    lineTimingTexts: (editor) => decorations.describe(editor),
    lineTimingsShown: () => decorations.isEnabled,
    lastRunOutcome: () => runner.lastOutcome,
    languageServerState: () => server.state,
    languageServerReady: async () => !!(await server.start()),
    stopLanguageServer: () => server.stop(),
    runsViewRows: () => runs.refresh(),
    runsViewItems: () => runs.items(),
    runsViewReloads: () => runs.reloadCount,
    openReports: () => ReportPanel.openReports(),
    processorPickLabels,
    processorPickActiveLabel,
    clusterStatusText: async () => {
      await clusterStatus.poll();
      return clusterStatus.text;
    },
  };
}

// Disposing the subscriptions aborts a running run and releases the UI; the server process is
// stopped here because VS Code awaits what deactivate returns, not the disposals (vscode#35196).
export function deactivate(): Promise<void> | undefined {
  const server = languageServer;
  languageServer = undefined;
  return server?.stop();
}
