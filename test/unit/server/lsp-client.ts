// A real LSP client for the real built server (dist/server.js): forked with --node-ipc, or started
// as `chunkscope lsp --stdio`. It answers the server's requests (workspace/configuration,
// client/registerCapability) as an editor would, and keeps every diagnostic the server publishes.
import { strict as assert } from 'node:assert';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  Diagnostic,
  Hover,
  InitializeResult,
  Location,
  Position,
  Range,
  WorkspaceEdit,
  PublishDiagnosticsParams,
  TextEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ROOT } from '../../helpers';

export const SERVER = path.join(ROOT, 'dist/server.js');
export const BIN = path.join(ROOT, 'bin/chunkscope.js');

export type Transport = 'ipc' | 'stdio';

export interface StartOptions {
  transport?: Transport;
  /** Workspace folder (rootUri and the only workspaceFolder). */
  root: string;
  /** What workspace/configuration answers, by section ('chunkscope.datasets'). */
  settings?: Record<string, unknown>;
  /** processId sent in initialize (default: this process). */
  processId?: number | null;
  env?: Record<string, string>;
  /** Advertise workspace/configuration support (default true). */
  configuration?: boolean;
  /** initialize's initializationOptions (the client's picked datasets). */
  initializationOptions?: unknown;
}

export const uriOf = (file: string) => pathToFileURL(file).href;

/** Text with one `|` marking the cursor: the text without it and the cursor's position. */
export function cursor(marked: string): { text: string; position: Position; offset: number } {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'the fixture marks the cursor with |');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const doc = TextDocument.create('file:///x', 'typescript', 0, text);
  return { text, position: doc.positionAt(offset), offset };
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'typescript', 0, text), edits);
}

const languageOf = (file: string) => (/\.[cm]?tsx?$/.test(file) ? 'typescript' : 'javascript');

export class LspServer {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  readonly logs: string[] = [];
  stderr = '';
  /** Everything the server wrote to stdout (stdio transport), to check its framing. */
  stdout = Buffer.alloc(0);
  settings: Record<string, unknown>;
  initializeResult!: InitializeResult;
  readonly exited: Promise<number | null>;
  private versions = new Map<string, number>();
  private waiters: Array<() => void> = [];

  constructor(
    readonly child: ChildProcess,
    readonly conn: ProtocolConnection,
    settings: Record<string, unknown>,
  ) {
    this.settings = settings;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    conn.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) =>
      params.items.map((item) => (item.section ? (this.settings[item.section] ?? null) : null)),
    );
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('client/unregisterCapability', () => null);
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onNotification('window/logMessage', (p: { message: string }) => this.logs.push(p.message));
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const list = this.diagnostics.get(p.uri) ?? [];
      list.push(p);
      this.diagnostics.set(p.uri, list);
      for (const w of this.waiters.splice(0)) w();
    });
    conn.listen();
  }

  static async start(opts: StartOptions): Promise<LspServer> {
    assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run node scripts/build.mjs --no-tsc`);
    const env = { ...process.env, CHUNKSCOPE_LSP_DEBUG: '1', ...opts.env };
    let child: ChildProcess;
    let conn: ProtocolConnection;
    if ((opts.transport ?? 'ipc') === 'ipc') {
      child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
      conn = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    } else {
      child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
      conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    }
    const server = new LspServer(child, conn, opts.settings ?? {});
    child.stdout?.on('data', (d: Buffer) => (server.stdout = Buffer.concat([server.stdout, d])));
    const rootUri = uriOf(opts.root);
    server.initializeResult = await conn.sendRequest('initialize', {
      processId: opts.processId === undefined ? process.pid : opts.processId,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(opts.root) }],
      ...(opts.initializationOptions !== undefined ? { initializationOptions: opts.initializationOptions } : {}),
      capabilities: {
        workspace: { configuration: opts.configuration ?? true, didChangeWatchedFiles: { dynamicRegistration: false } },
        textDocument: {
          synchronization: { didSave: true },
          completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
          publishDiagnostics: { versionSupport: true },
          rename: { prepareSupport: true },
          definition: { linkSupport: false },
        },
      },
    });
    await conn.sendNotification('initialized', {});
    return server;
  }

  async open(file: string, text: string): Promise<string> {
    const uri = uriOf(file);
    this.versions.set(uri, 1);
    await this.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: languageOf(file), version: 1, text },
    });
    return uri;
  }

  /** Replaces the whole text (a change without a range); returns the new version. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  async complete(uri: string, position: Position): Promise<CompletionItem[]> {
    const r = await this.conn.sendRequest<CompletionItem[] | CompletionList | null>('textDocument/completion', {
      textDocument: { uri },
      position,
    });
    return r === null ? [] : Array.isArray(r) ? r : r.items;
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position });
  }

  codeActions(uri: string, diagnostic: Diagnostic): Promise<CodeAction[] | null> {
    return this.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic], only: ['quickfix'] },
    });
  }

  prepareRename(uri: string, position: Position): Promise<Range | { range: Range; placeholder: string } | null> {
    return this.conn.sendRequest('textDocument/prepareRename', { textDocument: { uri }, position });
  }

  rename(uri: string, position: Position, newName: string): Promise<WorkspaceEdit | null> {
    return this.conn.sendRequest('textDocument/rename', { textDocument: { uri }, position, newName });
  }

  definition(uri: string, position: Position): Promise<Location | Location[] | null> {
    return this.conn.sendRequest('textDocument/definition', { textDocument: { uri }, position });
  }

  /** The client's `chunkscope/pickedDataset` notification (a dataset picked in the editor). */
  pickDataset(datasetPath: string | null, processorUri?: string): Promise<void> {
    return this.conn.sendNotification('chunkscope/pickedDataset', { datasetPath, processorUri });
  }

  debugStats(): Promise<{
    parses: number;
    parseFailures: number;
    analyses: number;
    datasetInspections: number;
    datasetBytesRead: number;
    /** Everything the process has read so far (/proc/self/io rchar), files and messages alike. */
    processBytesRead?: number;
    handlerErrors: number;
    pid: number;
    rssBytes: number;
    priority: number;
  }> {
    return this.conn.sendRequest('chunkscope/debugStats');
  }

  /** The first diagnostics published for `uri` (at `version` or later) that satisfy `pred`. */
  async waitDiagnostics(
    uri: string,
    pred: (d: Diagnostic[]) => boolean = () => true,
    opts: { version?: number; timeoutMs?: number } = {},
  ): Promise<Diagnostic[]> {
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    for (;;) {
      const hit = (this.diagnostics.get(uri) ?? []).find(
        (p) => (opts.version === undefined || (p.version ?? 0) >= opts.version) && pred(p.diagnostics),
      );
      if (hit) return hit.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching diagnostics for ${uri} in time; got ${JSON.stringify(this.diagnostics.get(uri) ?? [])}\n${this.stderr}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The latest diagnostics for `uri` at exactly `version`. */
  latest(uri: string): PublishDiagnosticsParams | undefined {
    const list = this.diagnostics.get(uri) ?? [];
    return list[list.length - 1];
  }

  /** shutdown + exit, as an editor closes; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    try {
      await this.conn.sendRequest('shutdown');
      await this.conn.sendNotification('exit');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    const code = await this.exited;
    clearTimeout(timer);
    this.conn.dispose();
    return code;
  }
}

/** The label → item map of a completion answer. */
export const byLabel = (items: CompletionItem[]) => new Map(items.map((i) => [i.label, i]));
