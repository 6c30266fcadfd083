// The status bar item of `chunkscope.cluster.url`: the workers the cluster sees, polled every 10 s
// while the setting is set (hidden, and no connection made, otherwise). src/cluster (bullmq,
// ioredis) is loaded with import() on the first poll only.
import * as vscode from 'vscode';
import { readClusterUrl } from './config';
import { clusterStatusText, clusterUnreachableText } from './logic/cluster-status';

const POLL_MS = 10_000;

export class ClusterStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('chunkscope.cluster', vscode.StatusBarAlignment.Right, 99);
  private readonly watch: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;
  private url = '';
  private polling = false;

  constructor() {
    this.item.name = 'Chunkscope Cluster';
    this.item.command = 'chunkscope.runOnCluster';
    this.watch = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('chunkscope.cluster.url')) this.apply();
    });
    this.apply();
  }

  /** What the item shows now; undefined while hidden (for the extension-host tests). */
  get text(): string | undefined {
    return this.url ? this.item.text : undefined;
  }

  private apply(): void {
    const url = readClusterUrl();
    if (url === this.url) return;
    this.url = url;
    clearInterval(this.timer);
    this.timer = undefined;
    if (!url) {
      this.item.hide();
      return;
    }
    this.item.text = '$(sync~spin) cluster';
    this.item.tooltip = `Chunkscope cluster ${url}: asking…`;
    this.item.show();
    void this.poll();
    this.timer = setInterval(() => void this.poll(), POLL_MS);
  }

  /** Refreshes now (after a run, or from a test); one poll at a time. */
  async poll(): Promise<void> {
    const url = this.url;
    if (!url || this.polling) return;
    this.polling = true;
    try {
      const { clusterStatus, safeUrl } = await import('../cluster');
      let shown: { text: string; tooltip: string };
      try {
        shown = clusterStatusText(await clusterStatus(url));
      } catch (err) {
        shown = clusterUnreachableText(safeUrl(url), err instanceof Error ? err.message : String(err));
      }
      // The setting may have changed while Redis answered.
      if (url !== this.url) return;
      this.item.text = shown.text;
      this.item.tooltip = shown.tooltip;
    } finally {
      this.polling = false;
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.watch.dispose();
    this.item.dispose();
  }
}
