// Compressed text datasets end to end (read/compressed.ts, split/compressed-chunks.ts): gzip
// written by zlib and by DuckDB, multi-member gzip, BGZF written to the htslib spec here, zstd by
// DuckDB, and .tsv.gz/.jsonl.gz/.json.gz. Every run's output must equal the uncompressed file's
// run, across strategies, workers and chunk sizes; bad input fails clearly, through the engine
// and the CLI, with no output file and no hang.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  ChunkscopeError,
  diagnose,
  inspectDataset,
  readTimingsFile,
  runDataset,
  runSweep,
  tune,
} from '../../../src/engine';
import type { ProgressEvent, RunOptions } from '../../../src/engine';
import { compressionOf, innerName } from '../../../src/engine/read/compressed';
import { hangGuard, IDENTITY_PROCESSOR, readNdjson, ROOT, runToRows, TempDir, writeProcessor } from '../../helpers';

const BIN = path.join(ROOT, 'bin/chunkscope.js');

/** BGZF as htslib's bgzip writes it: gzip members of ≤ 64 KiB with a 'BC' extra field giving BSIZE, then the EOF block. */
function bgzf(data: Buffer, blockBytes = 0xff00): Buffer {
  const blocks: Buffer[] = [];
  for (let at = 0; at < data.length; at += blockBytes) {
    const input = data.subarray(at, at + blockBytes);
    const deflated = zlib.deflateRawSync(input);
    const header = Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0, 0, 0]);
    header.writeUInt16LE(header.length + deflated.length + 8 - 1, 16);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(zlib.crc32(input), 0);
    trailer.writeUInt32LE(input.length, 4);
    blocks.push(header, deflated, trailer);
  }
  blocks.push(Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex'));
  return Buffer.concat(blocks);
}

/** CSV with quoted commas, quotes, embedded newlines and non-ASCII text: every boundary case a chunk cut can meet. */
function csvText(rows: number): string {
  let text = 'id,name,note,value\n';
  for (let i = 1; i <= rows; i++) {
    const note = i % 17 === 0 ? `"two\nlines ${i}"` : i % 11 === 0 ? `"say ""hi"", ${i}"` : `note ${i}`;
    text += `${i},${i % 5 === 0 ? 'Zoë' : 'name' + i},${note},${(i * 0.25).toFixed(2)}\n`;
  }
  return text;
}

describe('compressed datasets', function () {
  this.timeout(240_000);
  let tmp: TempDir;
  let proc: string;
  let plainCsv: string;
  let expected: unknown[];
  const files: Record<string, string> = {};

  const quoted = (p: string) => `'${p.replace(/'/g, "''")}'`;

  before(async function () {
    tmp = new TempDir('chunkscope-compressed-');
    proc = writeProcessor(tmp, 'identity.js', IDENTITY_PROCESSOR);
    const text = csvText(30_000);
    plainCsv = tmp.write('rows.csv', text);
    const bytes = Buffer.from(text);
    files.zlibGz = tmp.write('rows.csv.gz', zlib.gzipSync(bytes));
    const half = bytes.indexOf('\n', bytes.length / 2) + 1;
    files.multiGz = tmp.write(
      'multi.csv.gz',
      Buffer.concat([zlib.gzipSync(bytes.subarray(0, half)), zlib.gzipSync(bytes.subarray(half))]),
    );
    files.bgzf = tmp.write('rows.csv.bgz', bgzf(bytes));
    files.bgzfSmall = tmp.write('small-blocks.csv.gz', bgzf(bytes, 3000));
    files.duckGz = path.join(tmp.dir, 'duck.csv.gz');
    files.duckZst = path.join(tmp.dir, 'duck.csv.zst');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // all_varchar and quote='"' keep DuckDB's copy byte-for-byte equal in values to the source.
    const source = `read_csv(${quoted(plainCsv)}, all_varchar = true)`;
    await connection.run(`COPY (FROM ${source}) TO ${quoted(files.duckGz)} (FORMAT csv, COMPRESSION gzip)`);
    await connection.run(`COPY (FROM ${source}) TO ${quoted(files.duckZst)} (FORMAT csv, COMPRESSION zstd)`);
    connection.closeSync();
    instance.closeSync();
    expected = (await runToRows(tmp, { data: plainCsv, processor: proc, workers: 1, strategy: 'batches' })).rows;
    assert.equal(expected.length, 30_000);
  });
  after(() => tmp?.dispose());

  it('knows gzip, BGZF and zstd by their bytes, and the inner name without the suffix', function () {
    const head = (f: string) => fs.readFileSync(f).subarray(0, 64);
    assert.equal(compressionOf(head(files.zlibGz)), 'gzip');
    assert.equal(compressionOf(head(files.duckGz)), 'gzip');
    assert.equal(compressionOf(head(files.bgzf)), 'bgzf');
    assert.equal(compressionOf(head(files.duckZst)), 'zstd');
    assert.equal(compressionOf(head(plainCsv)), 'none');
    assert.equal(innerName('/a/b.jsonl.zst'), '/a/b.jsonl');
    assert.equal(innerName('/a/b.csv'), '/a/b.csv');
  });

  it('inspects a compressed file as its decompressed data: same header, data start and sample', async function () {
    const plain = await inspectDataset(plainCsv);
    for (const file of [files.zlibGz, files.bgzf, files.duckZst]) {
      const info = await inspectDataset(file);
      assert.deepEqual(info.header, plain.header);
      assert.equal(info.dataStart, plain.dataStart);
      assert.deepEqual(info.sampleRows.slice(0, 50), plain.sampleRows.slice(0, 50));
      assert.notEqual(info.compression, 'none');
      assert.equal(info.compressed?.bytes, fs.statSync(file).size);
    }
    // BGZF's index knows the exact size; a small gzip stream is decompressed whole by inspection.
    assert.equal((await inspectDataset(files.bgzf)).sizeBytes, plain.sizeBytes);
    assert.equal((await inspectDataset(files.bgzf)).compressed?.sizeExact, true);
  });

  const cases: [string, RunOptions['strategy'], number, Partial<RunOptions>][] = [
    ['zlibGz', undefined, 2, {}],
    ['zlibGz', 'batches', 1, { chunkRows: 1 }],
    ['zlibGz', 'batches', 2, { chunkBytes: 7000 }],
    ['zlibGz', 'batches', 2, { chunkBytes: 1 << 20 }],
    ['duckGz', undefined, 1, {}],
    ['duckGz', 'batches', 2, { chunkRows: 997 }],
    ['multiGz', 'batches', 2, { chunkBytes: 5000 }],
    ['multiGz', undefined, 1, {}],
    ['duckZst', undefined, 2, {}],
    ['duckZst', 'batches', 1, { chunkBytes: 3000 }],
    ['bgzf', undefined, 2, {}],
    ['bgzf', 'byte-range', 1, { chunkBytes: 5000 }],
    ['bgzf', 'byte-range', 2, { chunkBytes: 65_000 }],
    ['bgzfSmall', 'byte-range', 2, { chunkBytes: 777 }],
    ['bgzfSmall', 'batches', 2, { chunkRows: 3000 }],
  ];
  for (const [name, strategy, workers, extra] of cases) {
    it(`${name}: ${strategy ?? 'default strategy'}, ${workers} worker(s) ${JSON.stringify(extra)} gives the uncompressed file's rows`, async function () {
      const { rows, report } = await runToRows(tmp, {
        data: files[name],
        processor: proc,
        strategy,
        workers,
        ...extra,
      });
      assert.equal(rows.length, expected.length);
      assert.deepEqual(rows, expected);
      const reader = report.summary.reader!;
      assert.ok(reader, 'the report says how the file was read');
      const bgz = name.startsWith('bgzf');
      assert.equal(reader.compression, bgz ? 'bgzf' : name === 'duckZst' ? 'zstd' : 'gzip');
      if (strategy === undefined) {
        assert.equal(reader.strategyRequested, 'byte-range');
        assert.equal(report.summary.strategy, bgz ? 'byte-range' : 'batches');
        if (!bgz) {
          assert.match(reader.note, /byte-range is not possible for (gzip|zstd)/);
          const finding = diagnose(report).find((f) => f.id === 'decompression-ceiling');
          assert.ok(finding, 'the diagnosis names the decompression ceiling');
          assert.match(
            finding.title,
            /byte-range is not possible for (gzip|zstd): decompression on one thread is the ceiling, \d+(\.\d)? MB\/s/,
          );
          assert.ok(finding.numbers.decompressMbPerSecond > 0);
          assert.equal(reader.decompressedBytes, fs.statSync(plainCsv).size);
        }
      }
    });
  }

  it('per-row on gzip and zstd gives the same rows (a smaller file: per-row is slow on purpose)', async function () {
    const text = csvText(2000);
    const plain = tmp.write('few.csv', text);
    const want = (await runToRows(tmp, { data: plain, processor: proc, workers: 1, strategy: 'batches' })).rows;
    for (const file of [
      tmp.write('few.csv.gz', zlib.gzipSync(text)),
      tmp.write('few.csv.bgz', bgzf(Buffer.from(text), 4000)),
    ]) {
      for (const workers of [1, 2]) {
        const { rows } = await runToRows(tmp, { data: file, processor: proc, workers, strategy: 'per-row' });
        assert.deepEqual(rows, want);
      }
    }
  });

  it('reads .tsv.gz, .jsonl.gz and .json.gz (a JSON array) like their uncompressed files', async function () {
    const tsv = 'a\tb\n' + Array.from({ length: 3000 }, (_, i) => `${i}\tv,${i}`).join('\n') + '\n';
    const records = Array.from({ length: 3000 }, (_, i) => ({ id: i, text: `x "${i}", ü`, nested: { n: [i] } }));
    const jsonl = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const json = '[\n' + records.map((r) => JSON.stringify(r)).join(',\n') + '\n]\n';
    for (const [name, text] of [
      ['t.tsv', tsv],
      ['t.jsonl', jsonl],
      ['t.json', json],
    ]) {
      const plain = tmp.write(name, text);
      // Named exactly (TempDir.path would put its counter before ".gz" and hide the ".tsv").
      const gz = path.join(tmp.dir, `${name}.gz`);
      fs.writeFileSync(gz, zlib.gzipSync(text));
      const want = (await runToRows(tmp, { data: plain, processor: proc, workers: 1 })).rows;
      assert.equal(want.length, 3000);
      for (const [strategy, chunkBytes] of [
        [undefined, undefined],
        ['batches', 4000],
        ['per-row', undefined],
      ] as const) {
        const { rows } = await runToRows(tmp, { data: gz, processor: proc, workers: 2, strategy, chunkBytes });
        assert.deepEqual(rows, want, `${name}.gz ${strategy}`);
      }
    }
  });

  it('progress of a gzip run never passes 100 % (the total grows with what is learnt, never below what was read)', async function () {
    const events: ProgressEvent[] = [];
    const report = await hangGuard(
      runDataset(
        { data: files.zlibGz, processor: proc, workers: 2, strategy: 'batches', chunkBytes: 20_000 },
        { onProgress: (p) => events.push(p) },
      ),
      'gzip progress run',
    );
    assert.ok(report.summary.rows > 0);
    for (const p of events) assert.ok(p.bytes <= p.totalBytes && p.totalBytes > 0, JSON.stringify(p));
  });

  it('shared-columns on a compressed file is a clear usage error', async function () {
    await assert.rejects(
      runDataset({ data: files.zlibGz, processor: proc, workers: 1, strategy: 'shared-columns' }),
      (e: Error) =>
        e instanceof ChunkscopeError && /shared-columns strategy reads uncompressed files only/.test(e.message),
    );
  });

  it('sweeps a gzip file on a sample of its decompressed data', async function () {
    const report = await hangGuard(
      runSweep({
        data: files.zlibGz,
        processor: proc,
        workers: [1],
        strategies: ['batches'],
        chunkRows: [1000, 5000],
        repeats: 1,
      }),
      'gzip sweep',
    );
    assert.ok(report.points.length >= 2);
    assert.equal(report.data, files.zlibGz);
    assert.match(report.sample.note ?? '', /gzip-compressed: the sample is all of its decompressed data/);
    assert.match(report.explanation.join(' '), /measure processing, not decompression/);
  });

  it('tunes a gzip file: measured on the decompressed sample with batches, and the result says so', async function () {
    const result = await hangGuard(
      tune({ data: files.zlibGz, processor: proc, workers: 1, sample: { rows: 5000 }, budgetSeconds: 20 }),
      'gzip tune',
      120_000,
    );
    assert.equal(result.data, files.zlibGz);
    assert.equal(result.recommendation.strategy, 'batches');
    assert.match(result.explanation, /gzip-compressed: the sample is the first records of its decompressed data/);
    assert.match(result.explanation, /measure processing, not decompression/);
  });

  describe('bad input: a clear error, no output file, no hang (engine and CLI)', function () {
    const bad: Record<string, { file: () => string; message: RegExp }> = {};
    before(async function () {
      // Big enough that the damage lies past the 1 MiB inspection reads, so the run meets it.
      const text = csvText(120_000);
      const gz = zlib.gzipSync(text);
      bad['gzip cut short'] = {
        file: () => tmp.write('cut.csv.gz', gz.subarray(0, Math.floor(gz.length * 0.7))),
        message:
          /cut\.csv-\d+\.gz: the gzip data is cut short.*at compressed byte \d+ of \d+.*; \d+ rows had been handed to the workers/,
      };
      const corrupt = Buffer.from(gz);
      for (let i = Math.floor(gz.length * 0.8); i < gz.length * 0.8 + 64; i++) corrupt[i] ^= 0x5a;
      bad['corrupt gzip'] = {
        file: () => tmp.write('corrupt.csv.gz', corrupt),
        message: /corrupt\.csv-\d+\.gz: corrupt gzip data \(.+\), at compressed byte \d+/,
      };
      const zst = fs.readFileSync(files.duckZst);
      bad['zstd cut short'] = {
        file: () => tmp.write('cut.csv.zst', zst.subarray(0, Math.floor(zst.length * 0.6))),
        message: /cut\.csv-\d+\.zst: the zstd data is cut short.*at compressed byte \d+/,
      };
      const records = Array.from({ length: 40_000 }, (_, i) => JSON.stringify({ id: i, pad: 'p'.repeat(20) }));
      records[30_000] = '{"id": 30000, "pad": oops}';
      bad['JSON array syntax error'] = {
        file: () => tmp.write('broken.json.gz', zlib.gzipSync('[\n' + records.join(',\n') + '\n]\n')),
        message: /broken\.json-\d+\.gz.*byte \d+ of the decompressed data/,
      };
      // BGZF: a corrupt block past the inspected prefix is met by a byte-range worker; a cut file by the block index.
      const blocked = bgzf(Buffer.from(text), 20_000);
      const badBlock = Buffer.from(blocked);
      for (let i = Math.floor(blocked.length * 0.8); i < blocked.length * 0.8 + 40; i++) badBlock[i] ^= 0x55;
      bad['corrupt BGZF block'] = {
        file: () => tmp.write('corrupt.csv.bgz', badBlock),
        message:
          /corrupt\.csv-\d+\.bgz: corrupt BGZF block at compressed byte \d+ \(it holds decompressed bytes \d+–\d+\)/,
      };
      bad['BGZF cut short'] = {
        file: () => tmp.write('cut.csv.bgz', blocked.subarray(0, Math.floor(blocked.length * 0.5))),
        message: /cut\.csv-\d+\.bgz: the BGZF file is cut short: the block at compressed byte \d+ needs \d+ bytes/,
      };
      const parquet = path.join(tmp.dir, 'table.parquet');
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      await connection.run(`COPY (FROM read_csv(${quoted(plainCsv)})) TO ${quoted(parquet)} (FORMAT parquet)`);
      connection.closeSync();
      instance.closeSync();
      bad['Parquet inside gzip'] = {
        file: () => tmp.write('table.parquet.gz', zlib.gzipSync(fs.readFileSync(parquet))),
        message: /table\.parquet-\d+\.gz is gzip-compressed, and inside it is a Parquet file/,
      };
    });
    for (const what of [
      'gzip cut short',
      'corrupt gzip',
      'zstd cut short',
      'JSON array syntax error',
      'Parquet inside gzip',
      'corrupt BGZF block',
      'BGZF cut short',
    ]) {
      it(`${what}: engine`, async function () {
        const { file, message } = bad[what];
        const out = tmp.path('bad.ndjson');
        await assert.rejects(
          hangGuard(runDataset({ data: file(), processor: proc, workers: 2, out }), what),
          (e: Error) => {
            assert.ok(e instanceof ChunkscopeError, `${e.name}: ${e.message}`);
            assert.match(e.message, message);
            return true;
          },
        );
        assert.equal(fs.existsSync(out), false, 'no output file');
      });
      it(`${what}: CLI`, function () {
        const { file, message } = bad[what];
        const out = tmp.path('bad-cli.ndjson');
        const r = spawnSync(
          process.execPath,
          [BIN, 'run', file(), '--processor', proc, '--out', out, '--workers', '2'],
          {
            encoding: 'utf8',
            timeout: 60_000,
          },
        );
        assert.notEqual(r.status, 0, 'non-zero exit');
        assert.equal(r.signal, null, 'no hang');
        assert.match(r.stderr, message);
        assert.equal(fs.existsSync(out), false, 'no output file');
      });
    }
  });

  it('the CLI reads a gzip file and says in its summary that it ran batches instead of byte-range', function () {
    const out = tmp.path('cli.ndjson');
    const timings = tmp.path('timings.json');
    const r = spawnSync(
      process.execPath,
      [BIN, 'run', files.duckGz, '--processor', proc, '--out', out, '--workers', '2', '--timings', timings],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout + r.stderr,
      /reading +gzip, .*strategy batches instead of byte-range: byte-range is not possible for gzip/,
    );
    assert.match(r.stdout + r.stderr, /decompression on one thread is the ceiling, \d+(\.\d)? MB\/s/);
    assert.deepEqual(readNdjson(out), expected);
    // The timings file keeps how the file was read, for the report and compare faces.
    const saved = readTimingsFile(timings);
    assert.equal(saved.summary.reader?.compression, 'gzip');
    assert.equal(saved.summary.reader?.strategyUsed, 'batches');
  });
});
