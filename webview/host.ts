// Where the report runs: inside a VS Code webview (state through vscode.setState, files saved by the
// extension) or as a standalone file in a browser (downloads, no persisted state).

import type { ExportKind, RunToExtension, ToExtension, ToWebview } from './protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/**
 * What a page may do where it runs. In and Out are the messages the page takes and sends: each page
 * names its own (protocol.ts), so its message switch is checked against exactly those.
 */
export interface Host<In extends ToWebview = ToWebview, Out extends ToExtension = ToExtension> {
  kind: 'vscode' | 'standalone';
  getState<T>(): T | undefined;
  setState(state: unknown): void;
  /** Saves a file: a download in a browser, a save dialog in VS Code. */
  save(kind: ExportKind, fileName: string, content: () => string | Promise<Blob | null>): Promise<void>;
  /** VS Code only: opens the dataset at a physical line. */
  openAtRow?(line: number, row: number): void;
  /** VS Code only: posts a message to the extension. */
  post?(message: Out): void;
  /** Calls fn with every message object the extension posts (anything else is dropped). */
  onMessage(fn: (m: In) => void): void;
}

export function detectHost<In extends ToWebview = ToWebview, Out extends ToExtension = ToExtension>(): Host<In, Out> {
  if (typeof acquireVsCodeApi === 'function') {
    const api = acquireVsCodeApi();
    return {
      kind: 'vscode',
      getState: <T>() => (api.getState() as T | undefined) ?? undefined,
      setState: (s) => api.setState(s),
      async save(kind, fileName, content) {
        if (kind === 'png') {
          const dataUrl = content();
          api.postMessage({
            type: 'export',
            kind,
            fileName,
            dataUrl: typeof dataUrl === 'string' ? dataUrl : '',
          } satisfies RunToExtension);
        } else {
          // The extension writes timings and trace from the report file it opened.
          api.postMessage({ type: 'export', kind, fileName } satisfies RunToExtension);
        }
      },
      openAtRow: (line, row) => api.postMessage({ type: 'open-at-row', line, row } satisfies RunToExtension),
      post: (message) => api.postMessage(message),
      onMessage: (fn) =>
        window.addEventListener('message', (ev) => {
          const m: unknown = ev.data;
          // The pages switch over `type`: a message that is not an object with one is nobody's.
          if (m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string') fn(m as In);
        }),
    };
  }
  let memory: unknown;
  return {
    kind: 'standalone',
    getState: <T>() => memory as T | undefined,
    setState: (s) => {
      memory = s;
    },
    async save(_kind, fileName, content) {
      const c = await content();
      if (c === null) return;
      const blob = typeof c === 'string' ? new Blob([c], { type: 'application/json' }) : c;
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
    onMessage: () => undefined,
  };
}
