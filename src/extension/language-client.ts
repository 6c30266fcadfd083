// The VS Code side of Chunkscope's language server (dist/server.js, its own Node process over IPC):
// column completion, diagnostics, quick fixes, hovers, code lenses and the line-timing model.
// Started lazily — on the first processor-looking JS/TS document or the first Chunkscope command —
// so activating on every JS/TS file costs nothing more than a regex; never more than one per
// window; stopped (and awaited) in deactivate(). The server runs no user code, so it also serves
// untrusted workspaces.
import * as vscode from 'vscode';
import {
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  COMMANDS,
  FORGET_PROFILE,
  LINE_TIMINGS,
  RUN_RECORDED,
  type ForgetProfileParams,
  type LineTimingsParams,
  type RunRecordedParams,
} from '../server/protocol';

/** The languages the server reads (never CSV or plaintext: VS Code would send whole datasets). */
export const PROCESSOR_LANGUAGES = ['javascript', 'typescript'];

/** The cheap look that decides a document is worth starting the server for. */
const PROCESSOR_HINT = /\b(processRow|processChunk)\b|@chunkscope-data\b/;
/** Only the head is looked at: a processor names its entry points long before 1 MiB. */
const HINT_CHARS = 1 << 20;

export function looksLikeProcessor(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme !== 'file' || !PROCESSOR_LANGUAGES.includes(doc.languageId)) return false;
  if (/[\\/]processors[\\/]/.test(doc.uri.fsPath)) return true;
  const head = doc.getText(new vscode.Range(0, 0, doc.positionAt(HINT_CHARS).line + 1, 0));
  return PROCESSOR_HINT.test(head);
}

export type LanguageServerState = 'stopped' | 'starting' | 'running';

export class LanguageServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient | undefined> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly serverModule: string,
    private readonly onLineTimings: (params: LineTimingsParams) => void,
  ) {
    for (const doc of vscode.workspace.textDocuments) if (looksLikeProcessor(doc)) void this.start();
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((doc) => {
        if (!this.starting && looksLikeProcessor(doc)) void this.start();
      }),
    );
  }

  get state(): LanguageServerState {
    if (!this.starting) return 'stopped';
    return this.client?.isRunning() ? 'running' : 'starting';
  }

  /** Starts the server once (later calls return the same client); undefined when it failed to start. */
  start(): Promise<LanguageClient | undefined> {
    this.starting ??= this.create();
    return this.starting;
  }

  /** A finished run wrote `timings`: the server reads it for lenses, hovers and line timings. */
  runRecorded(processor: string, timings: string): void {
    const params: RunRecordedParams = { processor, timings };
    void this.start().then((c) => c?.sendNotification(RUN_RECORDED, params));
  }

  /** A report closed: its profile numbers leave the editor (nothing to do when no server runs). */
  forgetProfile(timings: string): void {
    const params: ForgetProfileParams = { timings };
    if (this.starting) void this.starting.then((c) => c?.sendNotification(FORGET_PROFILE, params));
  }

  /** Stops the server process and waits for it (deactivate returns this). A later start() starts a new one. */
  async stop(): Promise<void> {
    const starting = this.starting;
    this.starting = undefined;
    // stop() during start throws (vscode-languageserver-node#1559): let the start finish first.
    const client = await starting?.catch(() => undefined);
    this.client = undefined;
    if (client?.needsStop()) await client.stop(5000).catch(() => undefined);
  }

  private async create(): Promise<LanguageClient | undefined> {
    const serverOptions: ServerOptions = {
      run: { module: this.serverModule, transport: TransportKind.ipc },
      debug: { module: this.serverModule, transport: TransportKind.ipc },
    };
    // Datasets (their heads) and what finished runs leave: run records, timings, the tuning file.
    // Not the results a run appends to while it goes (see the middleware below).
    const watchers = [
      '**/*.{csv,tsv,jsonl,ndjson,parquet,arrow,feather}',
      '**/.chunkscope/runs/*.json',
      '**/.chunkscope/*.timings.json',
      '**/.chunkscope/tuning.json',
    ].map((glob) => vscode.workspace.createFileSystemWatcher(glob));
    this.disposables.push(...watchers);
    const clientOptions: LanguageClientOptions = {
      documentSelector: PROCESSOR_LANGUAGES.map((language) => ({ scheme: 'file', language })),
      synchronize: { configurationSection: 'chunkscope', fileEvents: watchers },
      // Hovers link to "select the worst chunk in the report"; no other command runs from markdown.
      markdown: { isTrusted: { enabledCommands: [COMMANDS.showChunk] } },
      middleware: {
        workspace: {
          // A run writes `<dataset>.<processor>.results.ndjson` under .chunkscope/ chunk by chunk:
          // those are outputs, not datasets, and telling the server would make it work during the run.
          didChangeWatchedFile: (event, next) =>
            /\/\.chunkscope\//.test(event.uri) && !/\.json$/.test(event.uri) ? Promise.resolve() : next(event),
        },
      },
      outputChannelName: 'Chunkscope Language Server',
      revealOutputChannelOn: RevealOutputChannelOn.Never,
    };
    const client = new LanguageClient('chunkscope', 'Chunkscope Language Server', serverOptions, clientOptions);
    client.onNotification(LINE_TIMINGS, (params: LineTimingsParams) => this.onLineTimings(params));
    this.client = client;
    try {
      await client.start();
      return client;
    } catch (error) {
      void vscode.window.showWarningMessage(
        `Chunkscope: the language server did not start (${error instanceof Error ? error.message : String(error)}); runs still work.`,
      );
      return undefined;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
