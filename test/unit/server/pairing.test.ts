// Which dataset a processor reads, through the real server (the completion shows whose columns):
// the @chunkscope-data comment, then the chunkscope.datasets setting (asked with
// workspace/configuration), then the newest run record, then the only dataset in the processor's
// folder or the workspace folder. Each rule is tested with every later rule's dataset present.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempDir } from '../../helpers';
import { decodeRunRecord, newestRunDataset, writeRunRecord } from '../../../src/server/run-record';
import { cursor, LspServer } from './lsp-client';
import { write } from './fixtures';

const BODY = 'export function processRow(row) {\n  return row.|;\n}\n';

/** A one-column dataset whose column names where it comes from. */
const dataset = (file: string, column: string) => write(file, `${column},n\nx,1\ny,2\n`);

describe('language server: which dataset a processor reads', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  let root: string;
  let proc: string;
  const servers: LspServer[] = [];
  beforeEach(() => {
    tmp = new TempDir('chunkscope-lsp-pair-');
    root = tmp.dir;
    proc = path.join(root, 'processors', 'x.mjs');
    fs.mkdirSync(path.dirname(proc), { recursive: true });
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop();
    tmp.dispose();
  });

  async function firstColumn(text: string, settings: Record<string, unknown> = {}): Promise<string | undefined> {
    const server = await LspServer.start({ root, settings });
    servers.push(server);
    const c = cursor(text);
    const uri = await server.open(proc, c.text);
    return (await server.complete(uri, c.position))[0]?.label;
  }

  /** Every source present: the directive's, the setting's, a record's, the folder's and the root's. */
  function everySource(): void {
    dataset(path.join(root, 'data', 'directive.csv'), 'from_directive');
    dataset(path.join(root, 'data', 'setting.csv'), 'from_setting');
    dataset(path.join(root, 'data', 'record.csv'), 'from_record');
    dataset(path.join(root, 'processors', 'folder.csv'), 'from_folder');
    dataset(path.join(root, 'root.csv'), 'from_root');
    writeRunRecord(root, { processor: proc, dataset: path.join(root, 'data', 'record.csv') });
  }
  const setting = () => ({ 'chunkscope.datasets': { 'processors/x.mjs': 'data/setting.csv' } });

  it('1. a // @chunkscope-data comment, relative to the processor file', async () => {
    everySource();
    assert.equal(await firstColumn(`// @chunkscope-data ../data/directive.csv\n${BODY}`, setting()), 'from_directive');
  });

  it('2. the chunkscope.datasets setting (workspace-relative), asked with workspace/configuration', async () => {
    everySource();
    assert.equal(await firstColumn(BODY, setting()), 'from_setting');
  });

  it('2b. a changed setting is asked again after workspace/didChangeConfiguration', async () => {
    everySource();
    const server = await LspServer.start({ root, settings: setting() });
    servers.push(server);
    const c = cursor(BODY);
    const uri = await server.open(proc, c.text);
    assert.equal((await server.complete(uri, c.position))[0].label, 'from_setting');
    server.settings = { 'chunkscope.datasets': { [proc]: path.join(root, 'root.csv') } };
    await server.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    assert.equal((await server.complete(uri, c.position))[0].label, 'from_root', 'absolute paths work too');
  });

  it('3. the newest run record of this processor under .chunkscope/runs/', async () => {
    everySource();
    dataset(path.join(root, 'data', 'older.csv'), 'from_older_record');
    dataset(path.join(root, 'data', 'other.csv'), 'from_other_processor');
    writeRunRecord(root, {
      processor: proc,
      dataset: path.join(root, 'data', 'older.csv'),
      finishedAt: new Date(Date.now() - 3_600_000),
    });
    // Newer, but of another processor.
    writeRunRecord(root, {
      processor: path.join(root, 'processors', 'y.mjs'),
      dataset: path.join(root, 'data', 'other.csv'),
      finishedAt: new Date(Date.now() + 3_600_000),
    });
    write(path.join(root, '.chunkscope', 'runs', 'junk.run.json'), '{ not json');
    assert.equal(await firstColumn(BODY), 'from_record');
  });

  it("4. the only dataset in the processor's folder", async () => {
    dataset(path.join(root, 'processors', 'folder.csv'), 'from_folder');
    dataset(path.join(root, 'root.csv'), 'from_root');
    assert.equal(await firstColumn(BODY), 'from_folder');
  });

  it('5. else the only dataset in the workspace folder (two in the folder are ambiguous)', async () => {
    dataset(path.join(root, 'processors', 'a.csv'), 'from_a');
    dataset(path.join(root, 'processors', 'b.tsv'), 'from_b');
    dataset(path.join(root, 'root.csv'), 'from_root');
    write(path.join(root, 'package.json'), '{}');
    assert.equal(await firstColumn(BODY), 'from_root');
  });

  it('none of them: no completion and no diagnostics', async () => {
    dataset(path.join(root, 'a.csv'), 'a');
    dataset(path.join(root, 'b.csv'), 'b');
    const server = await LspServer.start({ root });
    servers.push(server);
    const c = cursor(BODY);
    const uri = await server.open(proc, c.text);
    assert.deepEqual(await server.complete(uri, c.position), []);
    assert.deepEqual(await server.waitDiagnostics(uri), []);
  });
});

describe('run records (.chunkscope/runs/*.run.json)', () => {
  let tmp: TempDir;
  beforeEach(() => (tmp = new TempDir('chunkscope-run-record-')));
  afterEach(() => tmp.dispose());

  it('are written relative to the workspace and read back as absolute paths, newest first', () => {
    const proc = path.join(tmp.dir, 'p.js');
    const file = writeRunRecord(tmp.dir, {
      processor: proc,
      dataset: path.join(tmp.dir, 'd', 'a.csv'),
      finishedAt: new Date('2026-01-01T00:00:00Z'),
    });
    const record = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(record, {
      format: 'chunkscope-run-record',
      version: 1,
      processor: 'p.js',
      dataset: 'd/a.csv',
      finishedAt: '2026-01-01T00:00:00.000Z',
    });
    writeRunRecord(tmp.dir, { processor: proc, dataset: 'd/b.csv', finishedAt: new Date('2026-02-01T00:00:00Z') });
    assert.equal(newestRunDataset(tmp.dir, proc), path.join(tmp.dir, 'd', 'b.csv'));
    assert.equal(newestRunDataset(tmp.dir, path.join(tmp.dir, 'q.js')), undefined);
    assert.equal(newestRunDataset(path.join(tmp.dir, 'nowhere'), proc), undefined);
  });

  it('anything else is not a record: other formats, newer versions, missing fields, bad dates', () => {
    const ok = {
      format: 'chunkscope-run-record',
      version: 1,
      processor: 'p',
      dataset: 'd',
      finishedAt: '2026-01-01T00:00:00Z',
    };
    assert.ok(decodeRunRecord(JSON.stringify(ok)));
    for (const bad of [
      '{',
      'null',
      JSON.stringify({ ...ok, format: 'chunkscope-timings' }),
      JSON.stringify({ ...ok, version: 2 }),
      JSON.stringify({ ...ok, dataset: undefined }),
      JSON.stringify({ ...ok, finishedAt: 'yesterday' }),
    ])
      assert.equal(decodeRunRecord(bad), undefined, bad);
  });
});
