// Entry point (bundled by esbuild to dist/extension.js). Wires commands to their modules; no logic here.
import * as vscode from 'vscode';
import { compareRuns } from './comparePanel';
import { newProcessor } from './newProcessor';
import { RunCommand } from './runCommand';
import { SHOW_OUTPUT_COMMAND, Ui } from './ui';

export function activate(context: vscode.ExtensionContext): void {
  const ui = new Ui(context.workspaceState);
  const runner = new RunCommand(ui, context.workspaceState);
  context.subscriptions.push(
    ui,
    runner,
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
      compareRuns(all && all.length > 1 ? all : first instanceof vscode.Uri ? [first] : Array.isArray(first) ? first : undefined),
    ),
  );
}

// Nothing to do: disposing the subscriptions aborts a running run and releases the UI.
export function deactivate(): void {}
