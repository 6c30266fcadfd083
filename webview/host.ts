// Where the report runs: inside a VS Code webview (state through vscode.setState, files saved by the
// extension) or as a standalone file in a browser (downloads, no persisted state).

import type { ProgressEvent } from '../src/engine/model';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export type ExportKind = 'timings' | 'trace' | 'png';

/** Messages the webview sends to the extension. */
export type ToExtension =
  | { type: 'export'; kind: 'timings' | 'trace'; fileName: string }
  | { type: 'export'; kind: 'png'; fileName: string; dataUrl: string }
  | { type: 'openAtRow'; line: number; row: number }
  /** The live view has loaded (first time or shown again): send every record so far. */
  | { type: 'liveReady' }
  /** The live view's Cancel button: abort the run. */
  | { type: 'cancel' }
  /** A full report has loaded: the extension may now post selectChunk. */
  | { type: 'reportReady' }
  /** A 0x flame graph page of this run: open it in the browser. */
  | { type: 'open-external'; file: string }
  /** The flame view's "Go to source": open a file at a 1-based line (and column). */
  | { type: 'open-source'; file: string; line: number; column?: number };

/** Progress of a live run, exactly as the engine reports it. */
export type LiveProgress = ProgressEvent;

/** Messages the extension sends back. */
export type ToWebview =
  | { type: 'exported'; path: string }
  | { type: 'exportFailed'; message: string }
  /** A batch of final chunk records (input order) and the latest progress; `reset` = all records so far. */
  | { type: 'live'; records: import('../src/engine/model').ChunkRecord[]; progress?: LiveProgress; reset?: boolean }
  /** The run ended without a report (cancelled or failed); a finished run reloads as the full report. */
  | { type: 'liveEnd'; outcome: 'cancelled' | 'failed'; message: string }
  /** Select a chunk in the timeline (from an editor hover's "worst chunk" link). */
  | { type: 'selectChunk'; index: number };

export interface Host {
  kind: 'vscode' | 'standalone';
  getState<T>(): T | undefined;
  setState(state: unknown): void;
  /** Saves a file: a download in a browser, a save dialog in VS Code. */
  save(kind: ExportKind, fileName: string, content: () => string | Promise<Blob | null>): Promise<void>;
  /** VS Code only: opens the dataset at a physical line. */
  openAtRow?(line: number, row: number): void;
  /** VS Code only: posts a message to the extension. */
  post?(message: ToExtension): void;
  onMessage(fn: (m: ToWebview) => void): void;
}

export function detectHost(): Host {
  if (typeof acquireVsCodeApi === 'function') {
    const api = acquireVsCodeApi();
    return {
      kind: 'vscode',
      getState: <T>() => (api.getState() as T | undefined) ?? undefined,
      setState: (s) => api.setState(s),
      async save(kind, fileName, content) {
        if (kind === 'png') {
          const dataUrl = content();
          api.postMessage({ type: 'export', kind, fileName, dataUrl: typeof dataUrl === 'string' ? dataUrl : '' } satisfies ToExtension);
        } else {
          // The extension writes timings and trace from the report file it opened.
          api.postMessage({ type: 'export', kind, fileName } satisfies ToExtension);
        }
      },
      openAtRow: (line, row) => api.postMessage({ type: 'openAtRow', line, row } satisfies ToExtension),
      post: (message) => api.postMessage(message),
      onMessage: (fn) => window.addEventListener('message', (ev) => fn(ev.data as ToWebview)),
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
