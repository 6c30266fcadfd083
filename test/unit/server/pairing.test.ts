// Which dataset a processor reads, through the real server (the completion shows whose columns):
// the @chunkscope-data comment, then the chunkscope.datasets setting (asked with
// workspace/configuration), then the newest run record, then the saved tuning file, then the
// dataset picked in the editor (chunkscope/pickedDataset), then the only dataset in the
// processor's folder or the workspace folder. Each rule is tested with every later rule's dataset
// present.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TempDir } from '../../helpers';
import {
  decodeRunRecord,
  encodeRunRecord,
  newestRunRecord,
  readRunRecords,
  runRecordRoot,
  saveRunRecord,
  type RunRecord,
} from '../../../src/engine/report/run-record';
import { writeTuningFile } from '../../../src/engine/tune/tuning-file';
import type { SavedTuningEntry } from '../../../src/engine/model';
import { BIN, cursor, LspServer, uriOf } from './lsp-client';
import { write } from './fixtures';

const BODY = 'export function processRow(row) {\n  return row.|;\n}\n';

/** A one-column dataset whose column names where it comes from. */
const dataset = (file: string, column: string) => write(file, `${column},n\nx,1\ny,2\n`);

/** A run record as a run writes it (the engine's saveRunRecord), for `processor` on `data`. */
function record(root: string, processor: string, data: string, finishedAt = new Date()): string {
  return saveRunRecord(root, { processor, dataset: data, finishedAt: finishedAt.toISOString() });
}

/** Writes a tuning file the way saveTuning does (mkdir, then the engine's writer). */
function tuningFile(root: string, entries: Record<string, SavedTuningEntry>): void {
  fs.mkdirSync(path.join(root, '.chunkscope'), { recursive: true });
  writeTuningFile(path.join(root, '.chunkscope', 'tuning.json'), { version: 1, entries });
}

/** A tuning file entry as `chunkscope tune --save` writes it (the engine's writeTuningFile). */
function tuningEntry(processor: string, data: string, tunedAtEpochMs = Date.now()): SavedTuningEntry {
  return {
    strategy: 'byte-range',
    workers: 2,
    chunkRows: 4000,
    data,
    processor,
    rowsPerSecond: 1e6,
    tunedAtEpochMs,
    dataBytes: fs.statSync(data).size,
    dataMtimeMs: fs.statSync(data).mtimeMs,
    processorSha256: '0'.repeat(64),
  };
}

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
    // The project folder: run records and the tuning file live under <root>/.chunkscope/.
    write(path.join(root, 'package.json'), '{}');
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop();
    tmp.dispose();
  });

  async function start(settings: Record<string, unknown> = {}, initializationOptions?: unknown) {
    const server = await LspServer.start({ root, settings, initializationOptions });
    servers.push(server);
    return server;
  }

  async function firstColumn(
    text: string,
    settings: Record<string, unknown> = {},
    initializationOptions?: unknown,
  ): Promise<string | undefined> {
    const server = await start(settings, initializationOptions);
    const c = cursor(text);
    const uri = await server.open(proc, c.text);
    return (await server.complete(uri, c.position))[0]?.label;
  }

  const picked = () => dataset(path.join(root, 'data', 'picked.csv'), 'from_pick');
  const pickOptions = () => ({ pickedDatasets: { [uriOf(proc)]: path.join(root, 'data', 'picked.csv') } });

  /** Every source present: the directive's, the setting's, a record's, the tuning's, a pick's, the folder's and the root's. */
  function everySource(): void {
    dataset(path.join(root, 'data', 'directive.csv'), 'from_directive');
    dataset(path.join(root, 'data', 'setting.csv'), 'from_setting');
    dataset(path.join(root, 'data', 'record.csv'), 'from_record');
    fromTuningAndBelow();
    record(root, proc, path.join(root, 'data', 'record.csv'));
  }
  function fromTuningAndBelow(): void {
    const tuned = dataset(path.join(root, 'data', 'tuned.csv'), 'from_tuning');
    tuningFile(root, { [`${tuned}::${proc}`]: tuningEntry(proc, tuned) });
    fromPickAndBelow();
  }
  function fromPickAndBelow(): void {
    picked();
    dataset(path.join(root, 'processors', 'folder.csv'), 'from_folder');
    dataset(path.join(root, 'root.csv'), 'from_root');
  }
  const setting = () => ({ 'chunkscope.datasets': { 'processors/x.mjs': 'data/setting.csv' } });

  it('1. a // @chunkscope-data comment, relative to the processor file', async () => {
    everySource();
    assert.equal(
      await firstColumn(`// @chunkscope-data ../data/directive.csv\n${BODY}`, setting(), pickOptions()),
      'from_directive',
    );
  });

  it('2. the chunkscope.datasets setting (workspace-relative), asked with workspace/configuration', async () => {
    everySource();
    assert.equal(await firstColumn(BODY, setting(), pickOptions()), 'from_setting');
  });

  it('2b. a changed setting is asked again after workspace/didChangeConfiguration', async () => {
    everySource();
    const server = await start(setting());
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
    record(root, proc, path.join(root, 'data', 'older.csv'), new Date(Date.now() - 3_600_000));
    // Newer, but of another processor.
    record(
      root,
      path.join(root, 'processors', 'y.mjs'),
      path.join(root, 'data', 'other.csv'),
      new Date(Date.now() + 3_600_000),
    );
    write(path.join(root, '.chunkscope', 'runs', 'junk.run.json'), '{ not json');
    assert.equal(await firstColumn(BODY, {}, pickOptions()), 'from_record');
  });

  it('4. the saved tuning (.chunkscope/tuning.json of chunkscope tune --save): its newest entry for this processor', async () => {
    fromTuningAndBelow();
    const older = dataset(path.join(root, 'data', 'older.csv'), 'from_older_tuning');
    const other = dataset(path.join(root, 'data', 'other.csv'), 'from_other_processor');
    const tuned = path.join(root, 'data', 'tuned.csv');
    const y = path.join(root, 'processors', 'y.mjs');
    tuningFile(root, {
      [`${older}::${proc}`]: tuningEntry(proc, older, Date.now() - 3_600_000),
      [`${tuned}::${proc}`]: tuningEntry(proc, tuned),
      [`${other}::${y}`]: tuningEntry(y, other, Date.now() + 3_600_000),
    });
    assert.equal(await firstColumn(BODY, {}, pickOptions()), 'from_tuning');
  });

  it('4b. a tuning file that cannot be read pairs nothing and breaks nothing', async () => {
    fromPickAndBelow();
    write(path.join(root, '.chunkscope', 'tuning.json'), '{"format": "chunkscope-tuning", "version": 99}');
    assert.equal(await firstColumn(BODY, {}, pickOptions()), 'from_pick');
  });

  it('5. the dataset picked in the editor: initializationOptions, then chunkscope/pickedDataset notifications', async () => {
    fromPickAndBelow();
    dataset(path.join(root, 'data', 'later.csv'), 'from_later_pick');
    dataset(path.join(root, 'data', 'window.csv'), 'from_window_pick');
    const server = await start({}, pickOptions());
    const c = cursor(BODY);
    const uri = await server.open(proc, c.text);
    const first = async () => (await server.complete(uri, c.position))[0]?.label;
    assert.equal(await first(), 'from_pick', 'from initializationOptions.pickedDatasets');
    await server.pickDataset(path.join(root, 'data', 'later.csv'), uri);
    assert.equal(await first(), 'from_later_pick', 'a pick for this processor');
    await server.pickDataset(path.join(root, 'data', 'window.csv'), uriOf(path.join(root, 'processors', 'y.mjs')));
    assert.equal(await first(), 'from_later_pick', "another processor's pick does not apply");
    await server.pickDataset(null, uri);
    assert.equal(await first(), 'from_folder', 'forgotten: the next rule applies');
    await server.pickDataset(path.join(root, 'data', 'window.csv'));
    assert.equal(await first(), 'from_window_pick', 'a pick without processorUri applies to every processor');
  });

  it('chunkscope/runRecorded republishes the diagnostics of open processors with the new pairing', async () => {
    dataset(path.join(root, 'data', 'a.csv'), 'fare');
    dataset(path.join(root, 'data', 'b.csv'), 'other');
    const server = await start();
    const uri = await server.open(proc, 'export function processRow(row) {\n  return row.fair;\n}\n');
    assert.deepEqual(await server.waitDiagnostics(uri), [], 'two datasets nearby: no pairing yet');
    record(root, proc, path.join(root, 'data', 'a.csv'));
    await server.conn.sendNotification('chunkscope/runRecorded', { processor: proc });
    const diagnostics = await server.waitDiagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      ['row.fair is not a column of a.csv — did you mean fare?'],
    );
  });

  it("6. the only dataset in the processor's folder", async () => {
    dataset(path.join(root, 'processors', 'folder.csv'), 'from_folder');
    dataset(path.join(root, 'root.csv'), 'from_root');
    assert.equal(await firstColumn(BODY), 'from_folder');
  });

  it('6b. else the only dataset in the workspace folder (two in the folder are ambiguous)', async () => {
    dataset(path.join(root, 'processors', 'a.csv'), 'from_a');
    dataset(path.join(root, 'processors', 'b.tsv'), 'from_b');
    dataset(path.join(root, 'root.csv'), 'from_root');
    assert.equal(await firstColumn(BODY), 'from_root');
  });

  it('none of them: no completion and no diagnostics', async () => {
    dataset(path.join(root, 'a.csv'), 'a');
    dataset(path.join(root, 'b.csv'), 'b');
    const server = await start();
    const c = cursor(BODY);
    const uri = await server.open(proc, c.text);
    assert.deepEqual(await server.complete(uri, c.position), []);
    assert.deepEqual(await server.waitDiagnostics(uri), []);
  });

  it('a real `chunkscope run` writes a run record, and the server pairs the processor with its dataset', async () => {
    const data = dataset(path.join(root, 'data', 'ran.csv'), 'from_cli_run');
    dataset(path.join(root, 'processors', 'folder.csv'), 'from_folder');
    const cjs = path.join(root, 'processors', 'run.cjs');
    write(cjs, 'exports.processRow = (row) => row.n;\n');
    const timings = path.join(root, 'out', 'run.timings.json');
    fs.mkdirSync(path.dirname(timings), { recursive: true });
    const r = spawnSync(
      process.execPath,
      [BIN, 'run', data, '--processor', cjs, '--workers', '1', '--timings', timings],
      { encoding: 'utf8', timeout: 60_000, cwd: tmp.dir },
    );
    assert.equal(r.status, 0, r.stderr);
    const records = readRunRecords(root, cjs);
    assert.equal(records.length, 1);
    const rec = records[0];
    assert.equal(rec.file, path.join(root, '.chunkscope', 'runs', path.basename(rec.file)));
    assert.equal(rec.processor, cjs);
    assert.equal(rec.dataset, data);
    assert.equal(rec.processorSha256, createHash('sha256').update(fs.readFileSync(cjs)).digest('hex'));
    assert.equal(rec.rows, 2);
    assert.equal(rec.workers, 1);
    assert.equal(rec.strategy, 'byte-range');
    assert.equal(rec.dataFormat, 'csv');
    assert.equal(rec.dataBytes, fs.statSync(data).size);
    assert.equal(rec.timings, timings);
    assert.ok(typeof rec.usPerRowP50 === 'number' && rec.usPerRowP50 >= 0, `µs per row: ${rec.usPerRowP50}`);
    assert.ok(Math.abs(Date.now() - Date.parse(rec.finishedAt)) < 120_000);
    // On disk the paths are relative to the project folder, so the folder can move.
    const onDisk = JSON.parse(fs.readFileSync(rec.file, 'utf8'));
    assert.equal(onDisk.format, 'chunkscope-run-record');
    assert.equal(onDisk.processor, 'processors/run.cjs');
    assert.equal(onDisk.dataset, 'data/ran.csv');

    // A profiled run records its CPU profiles too; it is the newest record now.
    const p = spawnSync(
      process.execPath,
      [BIN, 'profile', data, '--processor', cjs, '--workers', '1', '--timings', timings],
      { encoding: 'utf8', timeout: 60_000, cwd: tmp.dir },
    );
    assert.equal(p.status, 0, p.stderr);
    const [profiled, first] = readRunRecords(root, cjs);
    assert.equal(first.file, rec.file);
    assert.ok(profiled.profiles && profiled.profiles.length >= 2, JSON.stringify(profiled));
    for (const f of profiled.profiles) assert.ok(fs.existsSync(f) && f.endsWith('.cpuprofile'), f);

    const server = await start();
    const c = cursor('exports.processRow = (row) => row.|;\n');
    const uri = await server.open(cjs, c.text);
    assert.equal((await server.complete(uri, c.position))[0]?.label, 'from_cli_run', 'the record beats the folder');
  });
});

describe('run records (.chunkscope/runs/*.run.json)', () => {
  let tmp: TempDir;
  beforeEach(() => (tmp = new TempDir('chunkscope-run-record-')));
  afterEach(() => tmp.dispose());

  it("live under the processor's project folder: the nearest package.json or .git, else its own folder", () => {
    const loose = write(path.join(tmp.dir, 'a', 'b', 'p.js'), '');
    assert.equal(runRecordRoot(loose), path.join(tmp.dir, 'a', 'b'));
    write(path.join(tmp.dir, 'a', 'package.json'), '{}');
    assert.equal(runRecordRoot(loose), path.join(tmp.dir, 'a'));
    fs.mkdirSync(path.join(tmp.dir, 'a', 'b', '.git'));
    assert.equal(runRecordRoot(loose), path.join(tmp.dir, 'a', 'b'));
  });

  it('are written relative to the root and read back as absolute paths, newest first', () => {
    const proc = path.join(tmp.dir, 'p.js');
    const file = record(tmp.dir, proc, path.join(tmp.dir, 'd', 'a.csv'), new Date('2026-01-01T00:00:00Z'));
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(onDisk, {
      format: 'chunkscope-run-record',
      version: 1,
      processor: 'p.js',
      dataset: 'd/a.csv',
      finishedAt: '2026-01-01T00:00:00.000Z',
    });
    record(tmp.dir, proc, path.join(tmp.dir, 'd', 'b.csv'), new Date('2026-02-01T00:00:00Z'));
    assert.equal(newestRunRecord(proc, [tmp.dir])?.dataset, path.join(tmp.dir, 'd', 'b.csv'));
    assert.equal(newestRunRecord(path.join(tmp.dir, 'q.js'), [tmp.dir]), undefined);
    assert.equal(newestRunRecord(proc, [path.join(tmp.dir, 'nowhere')])?.dataset, path.join(tmp.dir, 'd', 'b.csv'));
    // A dataset outside the root keeps its absolute path.
    const outside = path.join(path.dirname(tmp.dir), 'elsewhere.csv');
    const f2 = record(tmp.dir, proc, outside, new Date('2026-03-01T00:00:00Z'));
    assert.equal(JSON.parse(fs.readFileSync(f2, 'utf8')).dataset, outside);
    assert.equal(newestRunRecord(proc, [tmp.dir])?.dataset, outside);
  });

  it("keep the newest 20 per processor; other processors' records stay", () => {
    const proc = path.join(tmp.dir, 'p.js');
    const other = path.join(tmp.dir, 'o.js');
    record(tmp.dir, other, 'd.csv', new Date('2025-01-01T00:00:00Z'));
    for (let i = 0; i < 25; i++) record(tmp.dir, proc, `d${i}.csv`, new Date(Date.UTC(2026, 0, 1, 0, i)));
    const kept = readRunRecords(tmp.dir, proc);
    assert.equal(kept.length, 20);
    assert.equal(kept[0].dataset, path.join(tmp.dir, 'd24.csv'));
    assert.equal(kept[19].dataset, path.join(tmp.dir, 'd5.csv'));
    assert.equal(readRunRecords(tmp.dir, other).length, 1);
    assert.equal(fs.readdirSync(path.join(tmp.dir, '.chunkscope', 'runs')).length, 21, 'no temporary file left');
  });

  it('anything else is not a record: other formats, newer versions, missing fields, bad dates', () => {
    const ok: RunRecord = { processor: '/w/p', dataset: '/w/d', finishedAt: '2026-01-01T00:00:00Z', rows: 3 };
    const text = encodeRunRecord(ok, '/w');
    assert.deepEqual(decodeRunRecord(text, 'r.run.json', '/w'), ok);
    const body = JSON.parse(text);
    for (const bad of [
      '{',
      'null',
      JSON.stringify({ ...body, format: 'chunkscope-timings' }),
      JSON.stringify({ ...body, version: 2 }),
      JSON.stringify({ ...body, dataset: undefined }),
      JSON.stringify({ ...body, finishedAt: 'yesterday' }),
    ])
      assert.throws(() => decodeRunRecord(bad, 'r.run.json', '/w'), /r\.run\.json/, bad);
    // Optional fields of the wrong type are dropped, not fatal.
    const { rows: _rows, ...withoutRows } = ok;
    assert.deepEqual(decodeRunRecord(JSON.stringify({ ...body, rows: 'many' }), 'r.run.json', '/w'), withoutRows);
  });
});
