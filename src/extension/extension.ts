// Entry point (bundled by esbuild to dist/extension.js). Wires commands to their modules; no logic here.
import * as vscode from 'vscode';
import { compareRuns } from './compare-panel';
import { newProcessor } from './new-processor';
import { LineTimingDecorations } from './line-timing-decorations';
import {
  ProcessorCodeLensProvider,
  PROFILE_COMMAND,
  SHOW_LAST_REPORT_COMMAND,
  SWEEP_COMMAND,
} from './processor-code-lens';
import { ProfileHoverProvider, SHOW_CHUNK_COMMAND } from './profile-hover';
import { showReport } from './report';
import { ReportPanel } from './report-panel';
import { RunCommand, type RunOutcome } from './run-command';
import { RunInsights } from './run-insights';
import { SweepCommand } from './sweep-command';
import { SHOW_OUTPUT_COMMAND, Ui } from './ui';

/** What activate returns: read-only views for the extension-host tests (decorations are not readable through the API). */
export interface ChunkscopeTestApi {
  lineTimingTexts(editor: vscode.TextEditor): Map<number, string>;
  lineTimingsShown(): boolean;
  /** How the last run ended and what its message said (errors as the toast shows them). */
  lastRunOutcome(): RunOutcome | undefined;
}

export function activate(context: vscode.ExtensionContext): ChunkscopeTestApi {
  const ui = new Ui(context.workspaceState);
  const insights = new RunInsights();
  const decorations = new LineTimingDecorations(insights);
  const runner = new RunCommand(ui, context.workspaceState, insights, decorations);
  const sweeper = new SweepCommand(ui, context.workspaceState, runner);
  const processorFiles: vscode.DocumentSelector = [
    { scheme: 'file', language: 'javascript' },
    { scheme: 'file', language: 'typescript' },
  ];
  context.subscriptions.push(
    ui,
    insights,
    decorations,
    runner,
    sweeper,
    ReportPanel.onDidClose((timings) => insights.forgetTimings(timings)),
    vscode.languages.registerCodeLensProvider(processorFiles, new ProcessorCodeLensProvider(insights)),
    vscode.languages.registerHoverProvider(processorFiles, new ProfileHoverProvider(insights)),
    // From the palette (pick a processor) or a processor's code lens (its URI).
    vscode.commands.registerCommand(PROFILE_COMMAND, (processor?: vscode.Uri) =>
      runner.run(undefined, { profile: true, processor: processor instanceof vscode.Uri ? processor : undefined }),
    ),
    vscode.commands.registerCommand(SWEEP_COMMAND, (processor?: vscode.Uri) =>
      sweeper.sweep(processor instanceof vscode.Uri ? processor : undefined),
    ),
    vscode.commands.registerCommand('chunkscope.tune', (processor?: vscode.Uri) =>
      sweeper.tune(processor instanceof vscode.Uri ? processor : undefined),
    ),
    vscode.commands.registerCommand('chunkscope.toggleLineTimings', () => {
      const on = decorations.toggle();
      void vscode.window.setStatusBarMessage(`Chunkscope: line timings ${on ? 'shown' : 'hidden'}`, 3000);
    }),
    vscode.commands.registerCommand(SHOW_LAST_REPORT_COMMAND, (timings?: string) =>
      timings ? showReport(timings) : undefined,
    ),
    vscode.commands.registerCommand(SHOW_CHUNK_COMMAND, (timings?: string, chunk?: number) =>
      typeof timings === 'string' && Number.isInteger(chunk) ? showReport(timings, { selectChunk: chunk }) : undefined,
    ),
    // From the palette or the editor: the active dataset or a picker.
    vscode.commands.registerCommand('chunkscope.run', () => runner.run()),
    // From the explorer context menu: VS Code passes the clicked file's URI.
    vscode.commands.registerCommand('chunkscope.runOnFile', (uri?: vscode.Uri) => runner.run(uri ?? undefined)),
    vscode.commands.registerCommand('chunkscope.newProcessor', (uri?: vscode.Uri) =>
      newProcessor(uri instanceof vscode.Uri ? uri : undefined),
    ),
    vscode.commands.registerCommand(SHOW_OUTPUT_COMMAND, () => ui.output.show(true)),
    // Two timings files side by side; from the palette (file picker) or with their URIs.
    vscode.commands.registerCommand('chunkscope.compareRuns', (first?: vscode.Uri, all?: vscode.Uri[]) =>
      compareRuns(
        all && all.length > 1 ? all : first instanceof vscode.Uri ? [first] : Array.isArray(first) ? first : undefined,
      ),
    ),
  );
  return {
    lineTimingTexts: (editor) => decorations.describe(editor),
    lineTimingsShown: () => decorations.isEnabled,
    lastRunOutcome: () => runner.lastOutcome,
  };
}

// Nothing to do: disposing the subscriptions aborts a running run and releases the UI.
export function deactivate(): void {}
