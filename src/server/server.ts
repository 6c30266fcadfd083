// Chunkscope's language server: column completion, diagnostics, quick fixes and hovers in processor
// files, from the head of the dataset each processor reads. Its own Node process (the transport
// comes from argv: --node-ipc from VS Code, --stdio from `chunkscope lsp --stdio` for Neovim, Helix,
// Zed). It never runs user code and never starts workers: it parses processors with the TypeScript
// parser and reads datasets with the engine's inspectDataset (at most ~1 MiB of a file's head).
// First: lowers the priority before anything heavy (TypeScript) loads.
import './low-priority';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { firstUnitRows, inspectDataset } from '../engine/inspect';
import { analyseProcessor, type ProcessorModel } from './analysis';
import { profileColumns } from './columns';
import { codeActions, completeColumns, diagnose, hoverColumn, type DatasetState } from './features';
import { columnDefinition, prepareRename, renameColumn } from './navigation';
import { pairDataset, type Pairing, type Picks } from './pairing';
import { InsightService } from './insight-service';

/** Analysis waits this long after the last change (typing bursts cost one analysis). */
const DEBOUNCE_MS = Number(process.env.CHUNKSCOPE_LSP_DEBOUNCE_MS ?? 200);
const DEBUG = process.env.CHUNKSCOPE_LSP_DEBUG === '1';

const connection = createConnection(ProposedFeatures.all);
// Past runs: lenses, the profiled-function hover and line timings (they follow each change).
const insights = new InsightService(connection, () => roots, log);
const documents = new TextDocuments(insights.followingEdits(TextDocument));
insights.listen(documents);

const stats = {
  parses: 0,
  parseFailures: 0,
  analyses: 0,
  datasetInspections: 0,
  datasetBytesRead: 0,
  handlerErrors: 0,
};
let roots: string[] = [];
/** Datasets the user picked in the editor (`chunkscope/pickedDataset`, initializationOptions). */
const picks: Picks = { byProcessor: new Map() };
let canAskConfiguration = false;

/** Bytes this process has read through read(2) and friends (Linux), for the head-only check. */
function bytesReadSoFar(): number | undefined {
  try {
    const m = /^rchar:\s*(\d+)/m.exec(fs.readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function log(message: string): void {
  // Never process.stdout: under --stdio it carries the protocol.
  connection.console.error(`chunkscope: ${message}`);
}

/** Runs a handler body; any throw is logged and answered with `fallback`, so the server never dies. */
async function guarded<T>(what: string, fallback: T, body: () => T | Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    stats.handlerErrors++;
    log(`${what} failed: ${(error as Error).stack ?? error}`);
    return fallback;
  }
}

const filePath = (uri: string): string | undefined => {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
};

// ─── Models, pairings and dataset heads, each cached ─────────────────────────────────────────────

const models = new Map<string, { version: number; model: ProcessorModel | undefined }>();

/** Cheap look before any parse: files that mention no contract name, live in no processors/ folder and name no dataset are skipped. */
function isCandidate(file: string, text: string): boolean {
  return (
    /\b(processRow|processChunk|setup|teardown|combine)\b/.test(text) ||
    /@chunkscope-data\b/.test(text) ||
    /[\\/]processors[\\/]/.test(file)
  );
}

function modelOf(doc: TextDocument, file: string): ProcessorModel | undefined {
  const cached = models.get(doc.uri);
  if (cached && cached.version === doc.version) return cached.model;
  const text = doc.getText();
  if (!isCandidate(file, text)) return undefined;
  stats.parses++;
  let model: ProcessorModel | undefined;
  try {
    model = analyseProcessor(text, file);
  } catch (error) {
    // The parser recovers from syntax errors but not from everything (5,000 nested parentheses
    // overflow its stack): such a version gets no features, and is not parsed again.
    stats.parseFailures++;
    log(`cannot parse ${file} (version ${doc.version}): ${(error as Error).message}`);
  }
  models.set(doc.uri, { version: doc.version, model });
  return model;
}

const settings = new Map<string, Promise<unknown>>();

function datasetsSetting(uri: string): Promise<unknown> {
  if (!canAskConfiguration) return Promise.resolve(undefined);
  let pending = settings.get(uri);
  if (!pending) {
    pending = connection.workspace
      .getConfiguration({ scopeUri: uri, section: 'chunkscope.datasets' })
      .catch((error: unknown) => {
        log(`workspace/configuration failed: ${error}`);
        return undefined;
      });
    settings.set(uri, pending);
  }
  return pending;
}

async function pairingOf(doc: TextDocument, file: string): Promise<Pairing | undefined> {
  return pairDataset(file, doc.getText(), roots, await datasetsSetting(doc.uri), picks);
}

const heads = new Map<string, { size: number; mtimeMs: number; state: Promise<DatasetState> }>();

/** The dataset's head profile, read again only when its size or mtime changes. */
async function datasetOf(file: string): Promise<DatasetState> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch {
    heads.delete(file);
    return { error: `Chunkscope cannot read the dataset ${file}: no such file` };
  }
  const cached = heads.get(file);
  if (cached && cached.size === stat.size && cached.mtimeMs === stat.mtimeMs) return cached.state;
  const state = (async (): Promise<DatasetState> => {
    stats.datasetInspections++;
    const before = bytesReadSoFar();
    try {
      const info = await inspectDataset(file);
      // Arrow: sample values from the first record batch; Parquet: its footer statistics suffice.
      const rows = info.format === 'arrow' ? await firstUnitRows(file, 'arrow') : undefined;
      return { data: profileColumns(info, rows) };
    } catch (error) {
      return { error: `Chunkscope cannot read the dataset: ${(error as Error).message}` };
    } finally {
      const after = bytesReadSoFar();
      if (before !== undefined && after !== undefined) stats.datasetBytesRead += after - before;
    }
  })();
  heads.set(file, { size: stat.size, mtimeMs: stat.mtimeMs, state });
  return state;
}

interface Context {
  doc: TextDocument;
  file: string;
  model: ProcessorModel;
  pairing?: Pairing;
  dataset: DatasetState;
}

async function contextOf(uri: string): Promise<Context | undefined> {
  const doc = documents.get(uri);
  const file = doc && filePath(uri);
  if (!doc || !file) return undefined;
  const model = modelOf(doc, file);
  if (!model) return undefined;
  const pairing = await pairingOf(doc, file);
  const dataset = pairing ? await datasetOf(pairing.dataset) : undefined;
  return { doc, file, model, pairing, dataset };
}

// ─── Diagnostics: debounced, open documents only, stale versions dropped ─────────────────────────

const timers = new Map<string, NodeJS.Timeout>();
const published = new Set<string>();

function schedule(uri: string): void {
  clearTimeout(timers.get(uri));
  timers.set(
    uri,
    setTimeout(() => {
      timers.delete(uri);
      void guarded('diagnostics', undefined, () => publish(uri));
    }, DEBOUNCE_MS),
  );
}

async function publish(uri: string): Promise<void> {
  const doc = documents.get(uri);
  if (!doc) return;
  const version = doc.version;
  const ctx = await contextOf(uri);
  if (!ctx) {
    // Not a processor (any more): clear what was shown, without parsing.
    if (published.delete(uri)) await connection.sendDiagnostics({ uri, version, diagnostics: [] });
    return;
  }
  stats.analyses++;
  const diagnostics = diagnose(ctx.doc, ctx.file, ctx.model, ctx.pairing, ctx.dataset);
  // A newer version is on its way: its own analysis publishes.
  if (documents.get(uri)?.version !== version) return;
  if (diagnostics.length) published.add(uri);
  else published.delete(uri);
  await connection.sendDiagnostics({ uri, version, diagnostics });
}

// ─── Lifecycle ───────────────────────────────────────────────────────────────────────────────────

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const folders = params.workspaceFolders?.map((f) => filePath(f.uri)) ?? [];
  const rootUri = params.rootUri ? filePath(params.rootUri) : undefined;
  roots = [...folders, rootUri, params.rootPath ?? undefined]
    .filter((r): r is string => !!r)
    .map((r) => path.resolve(r));
  canAskConfiguration = !!params.capabilities?.workspace?.configuration;
  const init = (params.initializationOptions ?? {}) as { pickedDataset?: unknown; pickedDatasets?: unknown };
  if (typeof init.pickedDataset === 'string') picks.last = path.resolve(init.pickedDataset);
  if (init.pickedDatasets && typeof init.pickedDatasets === 'object')
    for (const [processor, dataset] of Object.entries(init.pickedDatasets as Record<string, unknown>))
      setPick({ processorUri: processor, datasetPath: dataset });
  insights.initialize(params.capabilities ?? {});
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['.', '[', "'", '"', '`'] },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      renameProvider: { prepareProvider: true },
      definitionProvider: true,
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'chunkscope', version: '0.1.0' },
  };
});

connection.onDidChangeConfiguration(() => {
  settings.clear();
  for (const doc of documents.all()) schedule(doc.uri);
});

// A run just wrote its record: pairings may change, as on a watched-file event (the client sends
// chunkscope/runRecorded right after its own runs, so it does not wait for the watcher).
insights.afterRunRecorded = () => {
  for (const doc of documents.all()) schedule(doc.uri);
};

connection.onDidChangeWatchedFiles((params) => {
  insights.filesChanged(params.changes);
  // Heads are keyed by size and mtime, so re-analysis re-reads only what changed.
  for (const doc of documents.all()) schedule(doc.uri);
});

/**
 * The dataset picked in the editor for one processor (`processorUri`) or for every processor (no
 * `processorUri`: the window's last pick); `datasetPath: null` forgets it. Paths or file URIs.
 */
interface PickedDataset {
  processorUri?: unknown;
  datasetPath?: unknown;
}

function toPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.startsWith('file:') ? filePath(value) : path.resolve(value);
}

function setPick(p: PickedDataset): void {
  const processor = toPath(p.processorUri);
  const dataset = toPath(p.datasetPath);
  if (processor) {
    if (dataset) picks.byProcessor.set(processor, dataset);
    else picks.byProcessor.delete(processor);
  } else picks.last = dataset;
}

connection.onNotification('chunkscope/pickedDataset', (params: PickedDataset) => {
  void guarded('pickedDataset', undefined, () => {
    setPick(params ?? {});
    for (const doc of documents.all()) schedule(doc.uri);
  });
});

documents.onDidOpen((e) => schedule(e.document.uri));
documents.onDidChangeContent((e) => schedule(e.document.uri));
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  timers.delete(e.document.uri);
  models.delete(e.document.uri);
  settings.delete(e.document.uri);
  if (published.delete(e.document.uri))
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }).catch(() => undefined);
});

connection.onCompletion((params) =>
  guarded('completion', [], async () => {
    const ctx = await contextOf(params.textDocument.uri);
    if (!ctx || !ctx.dataset || !('data' in ctx.dataset)) return [];
    return completeColumns(ctx.doc, ctx.model, ctx.dataset.data, ctx.doc.offsetAt(params.position));
  }),
);

connection.onHover((params) =>
  guarded('hover', null, async () => {
    const ctx = await contextOf(params.textDocument.uri);
    const column =
      ctx?.dataset && 'data' in ctx.dataset
        ? hoverColumn(ctx.doc, ctx.model, ctx.dataset.data, ctx.doc.offsetAt(params.position))
        : undefined;
    return column ?? insights.hover(params.textDocument.uri, params.position) ?? null;
  }),
);

connection.onCodeAction((params) =>
  guarded('codeAction', [], async () => {
    const ctx = await contextOf(params.textDocument.uri);
    if (!ctx) return [];
    const data = ctx.dataset && 'data' in ctx.dataset ? ctx.dataset.data : undefined;
    return codeActions(ctx.doc, ctx.model, data, params.range);
  }),
);

connection.onPrepareRename((params) =>
  guarded('prepareRename', null, async () => {
    const ctx = await contextOf(params.textDocument.uri);
    return ctx ? prepareRename(ctx.doc, ctx.model, ctx.doc.offsetAt(params.position)) : null;
  }),
);

connection.onRenameRequest((params) =>
  guarded('rename', null, async () => {
    const ctx = await contextOf(params.textDocument.uri);
    return ctx ? renameColumn(ctx.doc, ctx.model, ctx.doc.offsetAt(params.position), params.newName) : null;
  }),
);

connection.onDefinition((params) =>
  guarded('definition', null, async () => {
    const ctx = await contextOf(params.textDocument.uri);
    if (!ctx || !ctx.dataset || !('data' in ctx.dataset)) return null;
    return columnDefinition(ctx.model, ctx.dataset.data, ctx.doc.offsetAt(params.position));
  }),
);

if (DEBUG) {
  // Counters for tests: bytes read from datasets (from /proc/self/io), parses, analyses.
  connection.onRequest('chunkscope/debugStats', () => ({
    ...stats,
    processBytesRead: bytesReadSoFar(),
    pid: process.pid,
    rssBytes: process.memoryUsage().rss,
    priority: os.getPriority(),
  }));
}

process.on('unhandledRejection', (reason) => {
  stats.handlerErrors++;
  log(`unhandled rejection: ${reason instanceof Error ? reason.stack : reason}`);
});

documents.listen(connection);
connection.listen();
