// `chunkscope.runOnCluster`: the Run command with its chunks on the cluster of
// `chunkscope.cluster.url` (workspace trust, dataset and processor as for a run).
import * as vscode from 'vscode';
import { readClusterUrl } from './config';
import type { RunCommand } from './run-command';

export async function runOnCluster(runner: RunCommand, processor?: vscode.Uri): Promise<void> {
  const url = readClusterUrl();
  if (!url) {
    const open = 'Open Settings';
    void vscode.window
      .showErrorMessage(
        'Chunkscope: set chunkscope.cluster.url (redis://HOST:PORT) to run on the cluster of `chunkscope worker`s there.',
        open,
      )
      .then((choice) =>
        choice === open
          ? vscode.commands.executeCommand('workbench.action.openSettings', 'chunkscope.cluster.url')
          : undefined,
      );
    return;
  }
  await runner.run(undefined, { processor, cluster: url });
}
