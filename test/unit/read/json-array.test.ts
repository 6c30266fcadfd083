// JSON arrays of records end to end: a file written by DuckDB reads row for row as DuckDB wrote it,
// and broken arrays (a syntax error far past the sample, an unclosed array, text after the "]", a
// record that is not an object) fail naming the byte and the record, in the engine and the CLI.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { inspectDataset, runDataset } from '../../../src/engine';
import { prepareSample } from '../../../src/engine/read/sample';
import { IDENTITY_PROCESSOR, ROOT, TempDir, readNdjson, rejection, runToRows, writeProcessor } from '../../helpers';

const BIN = path.join(ROOT, 'bin/chunkscope.js');
const STRATEGIES = ['byte-range', 'batches', 'per-row'] as const;

describe('json arrays of records: DuckDB files, errors with byte offsets, the CLI', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  let proc: string;
  let duck: string;
  let duckRows: unknown[];
  /** 5000 pretty-printed records: errors placed in it are far past the 1000 sampled ones. */
  let pretty: string;

  before(async function () {
    tmp = new TempDir('chunkscope-json-array-');
    proc = writeProcessor(tmp, 'identity.js', IDENTITY_PROCESSOR);
    duck = path.join(tmp.dir, 'duck.json');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const quoted = (p: string) => `'${p.replace(/'/g, "''")}'`;
    // Strings with commas, brackets, quotes, backslashes and non-ASCII; nested lists of structs; nulls.
    await connection.run(
      `COPY (SELECT i AS id, 'name, [' || i || '] "q" \\ é東🙂' AS name, i * 0.5 AS half,
                    CASE WHEN i % 3 = 0 THEN NULL ELSE [{'a': i, 'b': 'x},{y'}] END AS nested
             FROM range(3000) t(i) ORDER BY i)
       TO ${quoted(duck)} (FORMAT json, ARRAY true)`,
    );
    const reader = await connection.runAndReadAll(`SELECT to_json(t)::VARCHAR AS j FROM read_json(${quoted(duck)}) t`);
    duckRows = reader.getRowObjects().map((r) => JSON.parse(String(r.j)));
    connection.closeSync();
    instance.closeSync();
    const records = Array.from({ length: 5000 }, (_, i) => ({ id: i, s: `x${i}` }));
    pretty = JSON.stringify(records, null, 1);
  });
  after(() => tmp?.dispose());

  it('inspects a JSON array: format json, keys of the first records, data after the "["', async function () {
    const info = await inspectDataset(duck);
    assert.equal(info.format, 'json');
    assert.deepEqual(info.header, ['id', 'name', 'half', 'nested']);
    assert.equal(
      fs
        .readFileSync(duck)
        .subarray(info.dataStart - 1, info.dataStart)
        .toString(),
      '[',
    );
    assert.ok(info.meanRowBytes > 20 && info.meanRowBytes < 200, `meanRowBytes ${info.meanRowBytes}`);
  });

  for (const strategy of STRATEGIES) {
    for (const workers of [1, 2]) {
      it(`a file DuckDB wrote reads with every row equal to DuckDB's (${strategy}, ${workers} workers)`, async function () {
        const { rows } = await runToRows(tmp, { data: duck, processor: proc, strategy, workers, chunkBytes: 4096 });
        assert.equal(rows.length, 3000);
        assert.deepEqual(rows, duckRows);
        assert.deepEqual(rows, JSON.parse(fs.readFileSync(duck, 'utf8')));
      });
    }
  }

  it('byte ranges whose guessed start falls inside a string or a nested array are parsed again, exactly', async function () {
    // Every record holds what a guess looks for ("}," then "{"), in a string and in a nested array.
    const records = Array.from({ length: 3000 }, (_, i) => ({
      id: i,
      s: `},{"x":[1,2]},{ ${i}`,
      nested: [{ a: i }, { b: '},{' }],
    }));
    for (const indent of [0, 1]) {
      const file = tmp.write('hostile.json', JSON.stringify(records, null, indent));
      for (const workers of [1, 2]) {
        const { rows, report } = await runToRows(tmp, {
          data: file,
          processor: proc,
          strategy: 'byte-range',
          workers,
          chunkBytes: 3000,
        });
        assert.deepEqual(rows, records);
        assert.ok(report.summary.repairedChunks > 0, 'some guesses were wrong and caught');
      }
    }
  });

  it("a sweep's sample of a JSON array is a JSON array of whole records, in order", async function () {
    const file = tmp.write('sampled.json', pretty);
    const info = await inspectDataset(file);
    const dir = fs.mkdtempSync(path.join(tmp.dir, 'sample-'));
    const prepared = prepareSample(info, { fraction: 0.3 }, dir);
    assert.notEqual(prepared.path, file);
    const rows = JSON.parse(fs.readFileSync(prepared.path, 'utf8')) as { id: number; s: string }[];
    assert.equal(rows.length, prepared.sample.rows);
    assert.ok(rows.length > 1000 && rows.length < 2500, `${rows.length} rows`);
    rows.forEach((row, k) => {
      assert.deepEqual(row, { id: row.id, s: `x${row.id}` });
      if (k > 0) assert.ok(row.id > rows[k - 1].id);
    });
  });

  it('shared-columns is a usage error for a JSON array', async function () {
    const err = await rejection(runDataset({ data: duck, processor: proc, strategy: 'shared-columns', workers: 1 }));
    assert.equal(err.code, 'usage');
    assert.match(err.message, /shared-columns strategy reads CSV\/TSV and JSON Lines, not JSON arrays/);
  });

  /** The file's text with `from` replaced by `to` at its first occurrence; the byte where they differ. */
  function broken(name: string, from: string, to: string): { file: string; byte: number } {
    const at = pretty.indexOf(from);
    assert.ok(at > 0);
    const text = pretty.slice(0, at) + to + pretty.slice(at + from.length);
    let byte = at;
    while (text[byte] === pretty[byte]) byte++;
    return { file: tmp.write(name, text), byte };
  }

  for (const strategy of STRATEGIES) {
    it(`a syntax error past the sample names its byte and record (${strategy})`, async function () {
      const { file, byte } = broken('syntax.json', '"id": 4000,', '"id": 4000x,');
      const out = tmp.path('syntax.out.ndjson');
      const err = await rejection(
        runDataset({ data: file, processor: proc, strategy, workers: 2, chunkBytes: 8192, out }),
      );
      assert.equal(err.code, 'data', err.message);
      assert.match(err.message, new RegExp(`row 4001, .*invalid JSON at byte ${byte}: Expected ',' or '}'`));
      assert.equal(fs.existsSync(out), false, 'no output file');
    });

    it(`an unexpected token, a missing comma, text after "]" and a non-object name their byte (${strategy})`, async function () {
      // [file, text, its replacement, the error, bytes from the first changed byte to the one named]
      const cases: [string, string, string, RegExp, number][] = [
        ['token.json', '"id": 4200,', '"id": @200,', /row 4201, .*invalid JSON at byte BYTE: Unexpected token '@'$/, 0],
        [
          'comma.json',
          '"s": "x3000"\n },',
          '"s": "x3000"\n } ',
          /row 3001, .*byte BYTE, .*unexpected "\{" after a record/,
          3,
        ],
        [
          'scalar.json',
          '{\n  "id": 4500,\n  "s": "x4500"\n }',
          '17',
          /row 4501, .*byte BYTE, .*record is a number, not an object/,
          0,
        ],
      ];
      for (const [name, from, to, message, shift] of cases) {
        const { file, byte } = broken(name, from, to);
        const err = await rejection(
          runDataset({ data: file, processor: proc, strategy, workers: 2, chunkBytes: 8192 }),
        );
        assert.equal(err.code, 'data', err.message);
        assert.match(err.message, new RegExp(message.source.replace('BYTE', String(byte + shift)), 's'));
      }
      const trailing = tmp.write('trailing.json', `${pretty}\n, {"id": 1}\n`);
      const err = await rejection(
        runDataset({ data: trailing, processor: proc, strategy, workers: 2, chunkBytes: 8192 }),
      );
      assert.match(
        err.message,
        new RegExp(`byte ${pretty.length + 1}, .*unexpected "," after the array's closing "\\]"`),
        err.message,
      );
    });

    it(`an unclosed array is reported at the end of the file (${strategy})`, async function () {
      for (const text of [
        pretty.slice(0, pretty.lastIndexOf(']')),
        pretty.slice(0, pretty.lastIndexOf('}') + 1) + ',\n',
      ]) {
        const file = tmp.write('unclosed.json', text);
        const err = await rejection(
          runDataset({ data: file, processor: proc, strategy, workers: 2, chunkBytes: 8192 }),
        );
        assert.equal(err.code, 'data', err.message);
        assert.match(err.message, new RegExp(`byte ${Buffer.byteLength(text)}, .*unclosed array`), err.message);
      }
    });
  }

  it('errors in the sample are named by the inspection: syntax, unclosed, no records', async function () {
    const syntax = tmp.write('small.json', '[\n{"a":1},\n{"a":2 x},\n{"a":3}\n]\n');
    assert.match(
      (await rejection(inspectDataset(syntax))).message,
      /small[-0-9]*\.json: invalid JSON in record 2 at byte 18: /,
    );
    const unclosed = tmp.write('small-unclosed.json', '[{"a":1},{"a":2}');
    const err = await rejection(inspectDataset(unclosed));
    assert.equal(err.code, 'data');
    assert.match(
      err.message,
      /small-unclosed[-0-9]*\.json: invalid JSON array at byte 16 \(record 2\): unclosed array/,
    );
    const empty = tmp.write('empty.json', '[ ]\n');
    assert.match((await rejection(inspectDataset(empty))).message, /empty[-0-9]*\.json has no records/);
  });

  it('through the CLI: a good array writes its rows; a syntax error fails naming the byte, with no output file', function () {
    const good = tmp.write('good.json', pretty);
    const out = tmp.path('good.out.ndjson');
    const ok = spawnSync(process.execPath, [BIN, 'run', good, '--processor', proc, '--out', out, '--workers', '2'], {
      encoding: 'utf8',
    });
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(readNdjson(out), JSON.parse(pretty));
    const { file, byte } = broken('cli-bad.json', '"id": 4000,', '"id": 4000x,');
    const badOut = tmp.path('cli-bad.out.ndjson');
    const r = spawnSync(process.execPath, [BIN, 'run', file, '--processor', proc, '--out', badOut], {
      encoding: 'utf8',
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`row 4001, .*invalid JSON at byte ${byte}`));
    assert.equal(fs.existsSync(badOut), false, 'no output file');
  });

  it('through the CLI: --format json selects the reader; an unknown --format is a usage error', function () {
    const file = tmp.write('records.dat', '[{"a": 1},\n {"a": 2}]');
    const out = tmp.path('records.out.ndjson');
    const run = (...extra: string[]) =>
      spawnSync(process.execPath, [BIN, 'run', file, '--processor', proc, '--out', out, ...extra], {
        encoding: 'utf8',
      });
    const ok = run('--format', 'json');
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(readNdjson(out), [{ a: 1 }, { a: 2 }]);
    const bad = run('--format', 'xml');
    assert.equal(bad.status, 2);
    assert.match(
      bad.stderr,
      /--format must be csv \(CSV or TSV\), jsonl \(JSON Lines\), json \(a JSON array of records\), parquet or arrow/,
    );
  });
});
