// The options of every Chunkscope panel, so the report, live, compare and sweep pages run under the
// same rules: scripts on (the report app), local resources from media/ only, find in page. The page
// is not kept while hidden: it saves its view with vscode.setState and asks for its data again.
import type * as vscode from 'vscode';

export function webviewOptions(media: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: false, enableFindWidget: true };
}
