// A dataset's format is decided by what the file holds (src/engine/read/sniff.ts): real Parquet and
// zstd files written by DuckDB, gzip by Node's zlib, JSON arrays and objects. Formats Chunkscope
// does not read are named as such, through the CLI too, and never reported as CSV errors; JSON
// Lines is read whatever the file is called.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { inspectDataset, runDataset } from '../../../src/engine';
import { sniff } from '../../../src/engine/read/sniff';
import { IDENTITY_PROCESSOR, readNdjson, ROOT, TempDir, writeProcessor } from '../../helpers';

const BIN = path.join(ROOT, 'bin/chunkscope.js');

describe('dataset format from content', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  let csv: string;
  let parquet: string;
  let zstd: string;
  let proc: string;

  before(async function () {
    tmp = new TempDir('chunkscope-sniff-');
    let text = 'id,x\n';
    for (let i = 1; i <= 500; i++) text += `${i},${i % 7}\n`;
    csv = tmp.write('rows.csv', text);
    proc = writeProcessor(tmp, 'identity.js', IDENTITY_PROCESSOR);
    // Written by another engine, as users get them.
    parquet = path.join(tmp.dir, 'flights.csv'); // misnamed on purpose: the bytes decide
    zstd = path.join(tmp.dir, 'rows.csv.zst');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const quoted = (p: string) => `'${p.replace(/'/g, "''")}'`;
    await connection.run(
      `COPY (FROM read_csv(${quoted(csv)})) TO ${quoted(parquet)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    await connection.run(`COPY (FROM read_csv(${quoted(csv)})) TO ${quoted(zstd)} (FORMAT csv, COMPRESSION zstd)`);
    connection.closeSync();
    instance.closeSync();
  });
  after(() => tmp?.dispose());

  const head = (file: string) => fs.readFileSync(file).subarray(0, 4096);

  it('knows binary formats by their magic bytes', function () {
    assert.equal(sniff(head(parquet)), 'parquet');
    assert.equal(sniff(head(zstd)), 'zstd');
    assert.equal(sniff(gzipSync(fs.readFileSync(csv))), 'gzip');
    assert.equal(sniff(Buffer.from('ARROW1\0\0')), 'arrow');
    assert.equal(sniff(Buffer.from('\ufeffid,x\n1,2\n')), 'text');
    assert.equal(sniff(Buffer.from('  [{"a":1}]')), 'json-array');
    assert.equal(sniff(Buffer.from('{"a":1}\n{"a":2}\n')), 'json-lines');
    assert.equal(sniff(Buffer.from('{\n  "rows": [1, 2]\n}\n')), 'json-object');
    assert.equal(sniff(Buffer.from('id,x\n', 'utf16le')), 'binary');
    assert.equal(sniff(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,x\n', 'utf16le')])), 'utf16');
  });

  it('reads a Parquet file as Parquet, whatever it is called, instead of failing as CSV', async function () {
    const info = await inspectDataset(parquet);
    assert.equal(info.format, 'parquet');
    assert.ok(info.header.length > 0);
    // --format csv does not make Parquet bytes text.
    assert.equal((await inspectDataset(parquet, { format: 'csv' })).format, 'parquet');
  });

  it('names doubly compressed files and JSON that is not rows, through the CLI, and leaves no output', function () {
    const gz = path.join(tmp.dir, 'rows.csv.gz');
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(csv)));
    fs.writeFileSync(`${gz}.gz`, gzipSync(fs.readFileSync(gz)));
    const write = (name: string, text: string) => {
      fs.writeFileSync(path.join(tmp.dir, name), text);
      return path.join(tmp.dir, name);
    };
    const object = write('config.json', '{\n  "rows": [1, 2, 3]\n}\n');
    // gzip and zstd are read now (compressed.test.ts); one inside the other is named as such.
    const doubled = path.join(tmp.dir, 'rows.csv.zst.gz');
    fs.writeFileSync(doubled, gzipSync(fs.readFileSync(zstd)));
    const cases: [string, RegExp][] = [
      [doubled, /rows\.csv\.zst\.gz is gzip-compressed, and inside it is a zstd-compressed file/],
      [`${gz}.gz`, /is gzip-compressed, and inside it is a gzip-compressed file/],
      [object, /config\.json is a JSON file holding one object/],
    ];
    for (const [file, message] of cases) {
      const out = path.join(tmp.dir, `${path.basename(file)}.out.ndjson`);
      const r = spawnSync(process.execPath, [BIN, 'run', file, '--processor', proc, '--out', out], {
        encoding: 'utf8',
      });
      assert.notEqual(r.status, 0, `${file} must fail`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /Bad data|fields \(as in the header\)/, 'never a CSV error');
      assert.equal(fs.existsSync(out), false, 'no output file');
    }
  });

  it('reads a JSON array of records, through the CLI, whatever the file is called', function () {
    const array = tmp.write('records.txt', '[{"a": 1}, {"a": 2}]\n');
    const out = path.join(tmp.dir, 'records.out.ndjson');
    const r = spawnSync(process.execPath, [BIN, 'run', array, '--processor', proc, '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readNdjson(out), [{ a: 1 }, { a: 2 }]);
  });

  it("reads JSON Lines content in a .json file as JSON Lines; --format csv keeps the caller's word", async function () {
    const lines = tmp.write('events.json', '{"id": 1, "v": "a"}\n{"id": 2, "v": "b"}\n');
    const info = await inspectDataset(lines);
    assert.equal(info.format, 'jsonl');
    assert.deepEqual(info.header, ['id', 'v']);
    const out = path.join(tmp.dir, 'events.out.ndjson');
    const report = await runDataset({ data: lines, processor: proc, workers: 1, out });
    assert.equal(report.summary.rows, 2);
    assert.deepEqual(readNdjson(out), [
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
    ]);
    assert.equal((await inspectDataset(lines, { format: 'csv' })).format, 'csv');
  });
});
