// Chunkscope executes the user's processor, so it refuses to run in an untrusted (Restricted Mode)
// workspace and points the user to the trust settings instead (package.json declares "limited").
import * as vscode from 'vscode';

export async function ensureTrusted(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(
    'Chunkscope runs your processor’s code on worker threads, so it only runs in a trusted workspace. ' +
      'This workspace is in Restricted Mode.',
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
