// The language server as a process: the real dist/server.js driven by a real LSP client over Node
// IPC and over stdio (`chunkscope lsp --stdio`): initialize, shutdown and exit, the watch on the
// client's process, low priority, broken input answered without a crash, and a 4 GiB dataset of
// which only the head is read.
import { strict as assert } from 'node:assert';
import { fork, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TempDir } from '../../helpers';
import type { Location } from 'vscode-languageserver-protocol';
import { BIN, cursor, LspServer, SERVER, type Transport } from './lsp-client';
import { tripsCsv, TRIP_COLUMNS, write } from './fixtures';

const PROCESSOR = `// @chunkscope-data ./trips.csv
export function processRow(row) {
  return row.|
}
`;

/** Checks that `out` is nothing but `Content-Length` framed JSON-RPC messages. */
function assertFramed(out: Buffer): number {
  let at = 0;
  let messages = 0;
  while (at < out.length) {
    const headerEnd = out.indexOf('\r\n\r\n', at);
    assert.ok(
      headerEnd > at,
      `unframed bytes on stdout at ${at}: ${JSON.stringify(out.subarray(at, at + 80).toString())}`,
    );
    const header = out.subarray(at, headerEnd).toString('ascii');
    const m = /^Content-Length: (\d+)$/im.exec(header);
    assert.ok(m, `not an LSP header: ${JSON.stringify(header)}`);
    const body = out.subarray(headerEnd + 4, headerEnd + 4 + Number(m[1]));
    assert.equal(body.length, Number(m[1]), 'a message was cut');
    assert.equal(JSON.parse(body.toString('utf8')).jsonrpc, '2.0');
    at = headerEnd + 4 + Number(m[1]);
    messages++;
  }
  return messages;
}

for (const transport of ['ipc', 'stdio'] as Transport[]) {
  describe(`language server over ${transport === 'ipc' ? 'Node IPC (--node-ipc)' : 'stdio (chunkscope lsp --stdio)'}`, function () {
    this.timeout(60_000);
    let tmp: TempDir;
    let server: LspServer;
    /** The server process's nice value read the moment it has answered initialize. */
    let niceAtInitialize: number;
    before(async () => {
      tmp = new TempDir('chunkscope-lsp-process-');
      write(path.join(tmp.dir, 'trips.csv'), tripsCsv());
      server = await LspServer.start({ transport, root: tmp.dir });
      niceAtInitialize = os.getPriority(server.child.pid!);
    });
    after(async () => {
      await server?.stop();
      tmp?.dispose();
    });

    it('initialize names the server and its capabilities, with the trigger characters', () => {
      const { capabilities, serverInfo } = server.initializeResult;
      assert.equal(serverInfo?.name, 'chunkscope');
      assert.deepEqual(capabilities.completionProvider?.triggerCharacters, ['.', '[', "'", '"', '`']);
      assert.equal(capabilities.hoverProvider, true);
      assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: ['quickfix'] });
      assert.equal(capabilities.textDocumentSync, 2, 'incremental sync');
      assert.deepEqual(capabilities.renameProvider, { prepareProvider: true });
      assert.equal(capabilities.definitionProvider, true);
    });

    it('completes the columns of the dataset', async () => {
      const { text, position } = cursor(PROCESSOR);
      const uri = await server.open(path.join(tmp.dir, 'p.mjs'), text);
      const items = await server.complete(uri, position);
      assert.deepEqual(
        items.map((i) => i.label),
        TRIP_COLUMNS,
      );
    });

    it('publishes diagnostics, answers hover and a quick fix', async () => {
      const text = '// @chunkscope-data ./trips.csv\nexports.processRow = (row) => row.fair + row.fare;\n';
      const uri = await server.open(path.join(tmp.dir, 'd.js'), text);
      const [d] = await server.waitDiagnostics(uri, (x) => x.length > 0);
      assert.equal(d.message, 'row.fair is not a column of trips.csv — did you mean fare?');
      const actions = await server.codeActions(uri, d);
      assert.equal(actions?.[0].title, 'Change to fare');
      const hover = await server.hover(uri, { line: 1, character: 46 });
      assert.match((hover?.contents as { value: string }).value, /^\*\*fare\*\* — column 6 of 9 in trips\.csv/);
    });

    it('is already at low priority when it answers initialize', function () {
      assert.equal(niceAtInitialize, 10);
    });

    it('runs at low priority (nice 10)', async function () {
      const stats = await server.debugStats();
      assert.equal(stats.priority, 10);
      const stat = fs.readFileSync(`/proc/${stats.pid}/stat`, 'utf8');
      // Field 19 is the nice value; the name in field 2 may hold spaces, so count after its ')'.
      assert.equal(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16], '10');
    });

    it('shutdown then exit ends the process with code 0', async () => {
      const code = await server.stop();
      assert.equal(code, 0);
      if (transport === 'stdio') {
        const messages = assertFramed(server.stdout);
        assert.ok(messages >= 3, `initialize, completion, stats and shutdown answers: ${messages}`);
      }
    });
  });
}

describe('language server priority', function () {
  it('is lowered by the first import of server.ts, before the TypeScript parser loads', function () {
    // ES imports run in order (esbuild keeps it); a statement in server.ts itself would run only
    // after every import, TypeScript's included, had loaded at normal priority.
    const src = fs.readFileSync(path.join(__dirname, '../../../../src/server/server.ts'), 'utf8');
    const imports = [...src.matchAll(/^import\s[^;]*?['"]([^'"]+)['"];/gm)].map((m) => m[1]);
    assert.equal(imports[0], './low-priority', `first import of server.ts: ${imports[0]}`);
    const low = fs.readFileSync(path.join(__dirname, '../../../../src/server/low-priority.ts'), 'utf8');
    assert.deepEqual(
      [...low.matchAll(/^import\s[^;]*?['"]([^'"]+)['"];/gm)].map((m) => m[1]),
      ['node:os'],
      'low-priority.ts loads nothing heavy itself',
    );
  });
});

describe('language server lifetime', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  before(() => (tmp = new TempDir('chunkscope-lsp-life-')));
  after(() => tmp.dispose());

  it('exits by itself when the client process named in initialize dies', async () => {
    const client = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const server = await LspServer.start({ root: tmp.dir, processId: client.pid! });
    const started = Date.now();
    client.kill('SIGKILL');
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 15_000);
    const code = await server.exited;
    clearTimeout(timer);
    const seconds = (Date.now() - started) / 1000;
    assert.notEqual(server.child.signalCode, 'SIGKILL', `the server was still running after ${seconds} s`);
    assert.ok(code !== null, 'it exited with a code');
  });

  it('also watches a --clientProcessId given on the command line', async () => {
    const client = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const child = fork(SERVER, ['--node-ipc', `--clientProcessId=${client.pid}`], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(child.exitCode, null, 'running while its client lives');
    client.kill('SIGKILL');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    assert.notEqual(child.signalCode, 'SIGKILL', 'it exited by itself');
  });

  it('exit without shutdown ends the process with code 1', async () => {
    const server = await LspServer.start({ root: tmp.dir });
    await server.conn.sendNotification('exit');
    assert.equal(await server.exited, 1);
  });
});

describe('language server: broken input never crashes it', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  let server: LspServer;
  before(async () => {
    tmp = new TempDir('chunkscope-lsp-broken-');
    write(path.join(tmp.dir, 'trips.csv'), tripsCsv(50));
    server = await LspServer.start({ root: tmp.dir });
  });
  after(async () => {
    await server?.stop();
    tmp?.dispose();
  });

  const goodCompletion = async () => {
    const { text, position } = cursor(PROCESSOR);
    const uri = await server.open(path.join(tmp.dir, `good-${Math.random().toString(36).slice(2)}.js`), text);
    assert.equal((await server.complete(uri, position)).length, TRIP_COLUMNS.length, 'the next request is answered');
  };

  it('answers completion and hover on half-typed and garbage processors', async () => {
    const sources = [
      'export function processRow(row) {\n  return row.',
      'export function processRow(row) {\n  return row[',
      "export function processRow(row) {\n  return row['",
      'export function processRow(row { return row.fare + }}}}})))',
      'exports.processRow = (row) => { const { = row; ',
      'processRow '.repeat(2000) + '('.repeat(5000),
      '\u0000\u0001\uFFFD binary \u0000 processRow',
      '',
    ];
    for (const [k, text] of sources.entries()) {
      const uri = await server.open(path.join(tmp.dir, 'processors', `broken-${k}.ts`), text);
      const end = { line: text.split('\n').length - 1, character: text.split('\n').pop()!.length };
      await server.complete(uri, end);
      await server.hover(uri, end);
      await server.complete(uri, { line: 99, character: 99 });
    }
    const stats = await server.debugStats();
    assert.equal(stats.handlerErrors, 0, `no handler threw: ${server.logs.join('\n')}`);
    // The 5,000 nested parentheses overflow the parser's stack: that version gets no features.
    assert.equal(stats.parseFailures, 1, server.logs.join('\n'));
    assert.ok(server.logs.some((l) => /cannot parse .*broken-5\.ts \(version 1\): Maximum call stack/.test(l)));
    await goodCompletion();
  });

  it('mid-typing (`row.` followed by nothing, or by the next statement) gives no diagnostic, then the right one', async () => {
    const typing = [
      '// @chunkscope-data ./trips.csv\nexports.processRow = (row) => {\n  return row.\n};\n',
      '// @chunkscope-data ./trips.csv\nexports.processRow = (row) => {\n  const x = row.\n  const y = 1;\n  return x;\n};\n',
      "// @chunkscope-data ./trips.csv\nexports.options = { types: 'infer' };\nexports.processRow = (row) => row[\"\n",
      '// @chunkscope-data ./trips.csv\nexports.processRow = ({ fa',
    ];
    for (const [k, text] of typing.entries()) {
      const uri = await server.open(path.join(tmp.dir, `typing-${k}.js`), text);
      assert.deepEqual(await server.waitDiagnostics(uri), [], JSON.stringify(text));
      assert.equal(await server.prepareRename(uri, { line: 2, character: 13 }), null);
      assert.equal(await server.definition(uri, { line: 2, character: 13 }), null);
    }
    const uri = await server.open(path.join(tmp.dir, 'typing-done.js'), typing[0]);
    await server.waitDiagnostics(uri);
    const version = await server.change(uri, typing[0].replace('row.\n', 'row.fair;\n'));
    const diagnostics = await server.waitDiagnostics(uri, (d) => d.length > 0, { version });
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      ['row.fair is not a column of trips.csv — did you mean fare?'],
    );
    assert.equal((await server.debugStats()).handlerErrors, 0);
  });

  it('a dataset that does not exist: rename still works on the reads, F12 answers null, nothing throws', async () => {
    const { text, position } = cursor('// @chunkscope-data ./gone.csv\nexports.processRow = (row) => row.fa|re;\n');
    const uri = await server.open(path.join(tmp.dir, 'gone.js'), text);
    const [d] = await server.waitDiagnostics(uri, (x) => x.length > 0);
    assert.match(d.message, /gone\.csv: no such file/);
    assert.equal(await server.definition(uri, position), null);
    const edit = await server.rename(uri, position, 'total');
    assert.equal((edit!.changes![uri] as unknown[]).length, 1);
    assert.deepEqual(await server.complete(uri, position), []);
    assert.equal((await server.debugStats()).handlerErrors, 0);
  });

  it('a request whose handler throws is answered empty, and the next one normally', async () => {
    const uri = await server.open(path.join(tmp.dir, 'x.js'), 'exports.processRow = (row) => row.fare;\n');
    const before = (await server.debugStats()).handlerErrors;
    // An invalid position makes the handler throw inside its try/catch.
    const answer = await server.conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: null });
    assert.deepEqual(answer, []);
    assert.equal((await server.debugStats()).handlerErrors, before + 1);
    await goodCompletion();
  });

  it('a cancelled completion is answered or cancelled, and the server goes on', async () => {
    const { text, position } = cursor(PROCESSOR);
    const uri = await server.open(path.join(tmp.dir, 'cancel.js'), text);
    const { CancellationTokenSource } = await import('vscode-languageserver-protocol');
    const source = new CancellationTokenSource();
    const pending = server.conn.sendRequest(
      'textDocument/completion',
      { textDocument: { uri }, position },
      source.token,
    );
    source.cancel();
    await pending.catch((e: { code?: number }) => assert.equal(e.code, -32800, 'RequestCancelled'));
    await goodCompletion();
  });

  it('never runs the processor: a top-level side effect does not happen', async () => {
    const marker = path.join(tmp.dir, 'ran.txt');
    const text = `// @chunkscope-data ./trips.csv\nrequire('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nexports.processRow = (row) => row.fair;\n`;
    const uri = await server.open(path.join(tmp.dir, 'side-effect.js'), text);
    await server.waitDiagnostics(uri, (d) => d.length === 1);
    await server.complete(uri, { line: 2, character: 34 });
    await server.hover(uri, { line: 2, character: 34 });
    assert.equal(fs.existsSync(marker), false);
  });

  it('a missing dataset and a malformed one each give one information diagnostic', async () => {
    write(path.join(tmp.dir, 'bad', 'broken.csv'), '"id,name\n1,2\n');
    const missing = await server.open(
      path.join(tmp.dir, 'm.js'),
      '// @chunkscope-data ./nope.csv\nexports.processRow = (row) => row.fare;\n',
    );
    const malformed = await server.open(
      path.join(tmp.dir, 'bad', 'm.js'),
      '// @chunkscope-data ./broken.csv\nexports.processRow = (row) => row.fare;\n',
    );
    const a = await server.waitDiagnostics(missing);
    assert.equal(a.length, 1);
    assert.equal(a[0].severity, 3);
    assert.match(a[0].message, /nope\.csv: no such file/);
    assert.deepEqual(a[0].range, { start: { line: 0, character: 20 }, end: { line: 0, character: 30 } });
    const b = await server.waitDiagnostics(malformed);
    assert.equal(b.length, 1);
    assert.equal(b[0].severity, 3);
    assert.match(b[0].message, /broken\.csv: unterminated quoted field starting at line 1/);
    await goodCompletion();
  });
});

describe('language server: only the head of a dataset is read', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  let server: LspServer;
  before(async () => {
    tmp = new TempDir('chunkscope-lsp-head-');
    server = await LspServer.start({ root: tmp.dir });
  });
  after(async () => {
    await server?.stop();
    tmp?.dispose();
  });

  async function completionOn(dataset: string): Promise<{ ms: number; bytes: number; items: number }> {
    const before = (await server.debugStats()).datasetBytesRead;
    const { text, position } = cursor(PROCESSOR.replace('./trips.csv', `./${path.basename(dataset)}`));
    const uri = await server.open(path.join(tmp.dir, `p-${path.basename(dataset)}.js`), text);
    const started = process.hrtime.bigint();
    const items = await server.complete(uri, position);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const bytes = (await server.debugStats()).datasetBytesRead - before;
    return { ms, bytes, items: items.length };
  }

  it('a 4 GiB (sparse) CSV answers completion from at most ~1 MiB read, like a 4 KiB one', async () => {
    const big = write(path.join(tmp.dir, 'big.csv'), tripsCsv(1000));
    fs.truncateSync(big, 4 * 2 ** 30);
    assert.equal(fs.statSync(big).size, 4 * 2 ** 30);
    const small = write(path.join(tmp.dir, 'small.csv'), tripsCsv(30));
    assert.ok(fs.statSync(small).size < 4096);
    const onSmall = await completionOn(small);
    const onBig = await completionOn(big);
    console.log(
      `      4 KiB: ${onSmall.ms.toFixed(0)} ms, ${onSmall.bytes} B read; 4 GiB: ${onBig.ms.toFixed(0)} ms, ${onBig.bytes} B read`,
    );
    assert.equal(onSmall.items, TRIP_COLUMNS.length);
    assert.equal(onBig.items, TRIP_COLUMNS.length);
    // inspectDataset reads a 4 KiB sniff, a 96 KiB sample and at most a 1 MiB one.
    assert.ok(onBig.bytes > 96 * 1024, `the head was read through /proc/self/io: ${onBig.bytes}`);
    assert.ok(onBig.bytes <= (1 << 20) + 96 * 1024 + 64 * 1024, `read ${onBig.bytes} bytes of a 4 GiB file`);
    // (Times are logged, never asserted: bytes read are what shows that only the head is read.)
    const hover = await server.hover(
      await server.open(
        path.join(tmp.dir, 'h.js'),
        '// @chunkscope-data ./big.csv\nexports.processRow = (row) => row.fare;\n',
      ),
      { line: 1, character: 36 },
    );
    assert.match(JSON.stringify(hover), /fare/);
    const stats = await server.debugStats();
    assert.equal(stats.datasetInspections, 2, 'each head read once (cached by size and mtime)');
    // F12 and rename on the 4 GiB file: the header cell from a bounded head read, nothing more.
    const before = stats.processBytesRead!;
    const { text, position } = cursor(
      '// @chunkscope-data ./big.csv\nexports.processRow = (row) => row.fa|re + row.fare;\n',
    );
    const uri = await server.open(path.join(tmp.dir, 'f12.js'), text);
    const loc = (await server.definition(uri, position)) as Location;
    assert.deepEqual(loc.range, { start: { line: 0, character: 45 }, end: { line: 0, character: 49 } });
    const edit = await server.rename(uri, position, 'total');
    assert.equal((edit!.changes![uri] as unknown[]).length, 2);
    const after = await server.debugStats();
    assert.equal(after.datasetInspections, 2, 'no new inspection');
    // Everything the process read meanwhile (the 256 KiB header window, the messages): far from 4 GiB.
    const read = after.processBytesRead! - before;
    assert.ok(read < 512 << 10, `F12 and rename read ${read} bytes`);
    assert.equal(after.handlerErrors, 0);
  });
});

describe('language server bundle (dist/server.js)', () => {
  it('starts no workers and runs no user code: no piscina, esbuild or vscode; the parser is bundled', () => {
    const bundle = fs.readFileSync(SERVER, 'utf8');
    for (const pkg of ['piscina', 'esbuild', 'vscode', 'typescript'])
      assert.ok(!bundle.includes(`require("${pkg}")`), `dist/server.js requires ${pkg} at run time`);
    assert.ok(bundle.includes('createSourceFile'), 'the TypeScript parser is inside the bundle');
  });
});

describe('chunkscope lsp (CLI)', () => {
  it('needs a transport: a usage error (exit 2) without one; --help explains', () => {
    const bare = spawnSync(process.execPath, [BIN, 'lsp'], { encoding: 'utf8' });
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /lsp needs a transport: --stdio/);
    const help = spawnSync(process.execPath, [BIN, 'lsp', '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: chunkscope lsp --stdio/);
    const usage = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    assert.match(usage.stdout, /chunkscope lsp --stdio/);
  });
});
