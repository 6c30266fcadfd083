// The saved sweep (`*.sweep.json`) and the tuning file (`.chunkscope/tuning.json`): both carry
// "format" and "version"; files the release before them wrote (test/fixtures/files/sweep-v0.json,
// tuning-v1-legacy.json) still read; a newer version and JSON of another kind are rejected with
// errors naming the file.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  decodeSweep,
  decodeTuning,
  encodeSweep,
  encodeTimings,
  encodeTuning,
  findSavedTuning,
  isSweepFile,
  readSweepFile,
  readTimingsFile,
  readTuningFile,
  runSweep,
  saveTuning,
  SWEEP_FORMAT,
  TUNING_FORMAT,
  writeSweepFile,
  writeTuningFile,
  type SavedTuning,
  type SweepReport,
  type TuneResult,
} from '../../../src/engine';
import { ROOT, TempDir, dropUndefined, inputError, writeProcessor } from '../../helpers';

const FIXTURES = path.join(ROOT, 'test/fixtures/files');
const LEGACY_SWEEP = path.join(FIXTURES, 'sweep-v0.json');
const LEGACY_TUNING = path.join(FIXTURES, 'tuning-v1-legacy.json');
const BIN = path.join(ROOT, 'bin/chunkscope.js');

describe('saved sweep and tuning files', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  let data: string;
  let proc: string;

  before(() => {
    tmp = new TempDir('chunkscope-tune-files-');
    data = tmp.write('rows.csv', 'i,v\n' + Array.from({ length: 2000 }, (_, i) => `${i},${i % 7}\n`).join(''));
    proc = writeProcessor(tmp, 'sum.js', 'exports.processRow = (row) => Number(row.v);\n');
  });
  after(() => tmp.dispose());

  describe('sweep file', () => {
    let report: SweepReport;
    before(async function () {
      report = await runSweep({
        data,
        processor: proc,
        workers: [1, 2],
        chunkRows: [200, 1000],
        repeats: 1,
        seed: 3,
        tempDir: tmp.subdir('sweep'),
      });
      assert.equal(report.points.length, 4);
    });

    it('a real sweep round-trips; the file starts with "format"/"version" and keeps the dataset format as "dataFormat"', () => {
      const file = tmp.path('rows.sweep.json');
      writeSweepFile(file, report);
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, /^\{\n "format": "chunkscope-sweep",\n "version": 1,\n "kind": "sweep",\n "data": /);
      const raw = JSON.parse(text) as Record<string, unknown>;
      assert.equal(raw.format, SWEEP_FORMAT);
      assert.equal(raw.dataFormat, 'csv');
      const back = readSweepFile(file);
      assert.deepEqual(back, dropUndefined(report));
      assert.equal(back.format, 'csv');
      assert.equal(encodeSweep(back), text);
      assert.ok(isSweepFile(file));
      assert.deepEqual(
        fs.readdirSync(path.dirname(file)).filter((f) => f.includes('partial')),
        [],
        'no temporary file left',
      );
    });

    it('reads the sweep file the release before format/version wrote, and `chunkscope report` renders it', () => {
      const raw = JSON.parse(fs.readFileSync(LEGACY_SWEEP, 'utf8')) as Record<string, unknown>;
      assert.equal(raw.version, undefined, 'the fixture is a legacy file');
      const legacy = readSweepFile(LEGACY_SWEEP);
      assert.deepEqual(legacy, raw);
      assert.equal(legacy.format, 'csv');
      assert.equal(legacy.points.length, 4);
      assert.ok(isSweepFile(LEGACY_SWEEP));
      assert.deepEqual(decodeSweep(encodeSweep(legacy), 'again.json'), legacy);
      const html = tmp.path('legacy.sweep.html');
      const cli = spawnSync(process.execPath, [BIN, 'report', LEGACY_SWEEP, '-o', html], { encoding: 'utf8' });
      assert.equal(cli.status, 0, cli.stderr);
      assert.match(cli.stdout, /^Sweep report: /);
      assert.match(fs.readFileSync(html, 'utf8'), /^<!DOCTYPE html>/);
    });

    it('rejects a sweep file from a newer Chunkscope, naming it', () => {
      const file = tmp.write('future.sweep.json', encodeSweep(report).replace('"version": 1,', '"version": 5,'));
      assert.ok(isSweepFile(file), 'still recognised as a sweep, so the sweep reader says why it cannot read it');
      const err = inputError(() => readSweepFile(file), file);
      assert.match(
        err.message,
        /was written by a newer Chunkscope \(sweep file version 5; this Chunkscope reads up to version 1\)/,
      );
      const cli = spawnSync(process.execPath, [BIN, 'report', file], { encoding: 'utf8' });
      assert.equal(cli.status, 1);
      assert.match(cli.stderr, /future\.sweep-\d+\.json was written by a newer Chunkscope/);
    });

    it('rejects a file that is not JSON, or JSON that is not a sweep file, naming it', () => {
      const broken = tmp.write('broken.sweep.json', '{"format": "chunkscope-sweep", ');
      assert.match(
        inputError(() => readSweepFile(broken), broken).message,
        /is not a Chunkscope sweep file: it is not valid JSON/,
      );
      const other = tmp.write('other.json', '{"points": []}');
      assert.match(
        inputError(() => readSweepFile(other), other).message,
        /is not a Chunkscope sweep file: .*expected "format": "chunkscope-sweep"/,
      );
      const timings = path.join(FIXTURES, 'timings-v0.json');
      assert.equal(isSweepFile(timings), false);
      assert.match(inputError(() => readSweepFile(timings), timings).message, /is not a Chunkscope sweep file/);
      const versionedTimings = tmp.write('run.timings.json', encodeTimings(readTimingsFile(timings)));
      assert.equal(isSweepFile(versionedTimings), false);
      assert.match(
        inputError(() => readSweepFile(versionedTimings), versionedTimings).message,
        /it is a Chunkscope timings file \("format": "chunkscope-timings"\)/,
      );
      // Right header, wrong body: the shape check names the file too.
      const hollow = tmp.write('hollow.sweep.json', '{"format": "chunkscope-sweep", "version": 1, "kind": "sweep"}');
      assert.match(
        inputError(() => readSweepFile(hollow), hollow).message,
        /is not a sweep report: "points" is not a list/,
      );
      const missing = path.join(tmp.dir, 'gone.sweep.json');
      assert.equal(isSweepFile(missing), false);
      assert.match(inputError(() => readSweepFile(missing), missing).message, /no such file/);
    });
  });

  describe('tuning file', () => {
    const entry = (processor: string) => ({
      strategy: 'byte-range' as const,
      workers: 2,
      chunkRows: 100,
      data: '/d.csv',
      processor,
      rowsPerSecond: 1000,
      tunedAtEpochMs: 1,
      dataBytes: 10,
      dataMtimeMs: 2,
      processorSha256: 'ab',
    });

    it('writes "format" and "version" and reads back equal; no file is no saved tuning', () => {
      const dir = tmp.subdir('tuning');
      const file = path.join(dir, 'tuning.json');
      assert.deepEqual(readTuningFile(file), { version: 1, entries: {} });
      const saved: SavedTuning = { version: 1, entries: { '/d.csv::/p.js': entry('/p.js') } };
      writeTuningFile(file, saved);
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, /^\{\n {2}"format": "chunkscope-tuning",\n {2}"version": 1,\n {2}"entries": \{/);
      assert.equal(JSON.parse(text).format, TUNING_FORMAT);
      assert.deepEqual(readTuningFile(file), saved);
      assert.equal(encodeTuning(readTuningFile(file)), text);
      assert.deepEqual(fs.readdirSync(dir), ['tuning.json']);
    });

    it('reads the tuning file the release before "format" wrote; saving to it keeps its entries and adds the header', () => {
      const raw = JSON.parse(fs.readFileSync(LEGACY_TUNING, 'utf8')) as Record<string, unknown>;
      assert.equal(raw.format, undefined, 'the fixture is a legacy file');
      const legacy = readTuningFile(LEGACY_TUNING);
      assert.deepEqual(legacy, raw);
      const [key] = Object.keys(legacy.entries);
      assert.equal(legacy.entries[key].chunkRows, 100);

      const file = path.join(tmp.subdir('legacy'), 'tuning.json');
      fs.copyFileSync(LEGACY_TUNING, file);
      const result = {
        kind: 'tune',
        data,
        processor: proc,
        recommendation: { strategy: 'byte-range', workers: 1, chunkRows: 500, rowsPerSecond: 1234, source: 'measured' },
      } as unknown as TuneResult;
      saveTuning(file, result);
      const after = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      assert.equal(after.format, 'chunkscope-tuning');
      assert.equal(after.version, 1);
      const reread = readTuningFile(file);
      assert.deepEqual(reread.entries[key], legacy.entries[key], 'the old entry is kept');
      const found = findSavedTuning(file, data, proc);
      assert.ok(found && 'entry' in found);
      assert.equal(found.entry.chunkRows, 500);
    });

    it('rejects a tuning file from a newer Chunkscope, naming it, and does not overwrite it', () => {
      const file = tmp.write(
        'tuning.json',
        '{"format": "chunkscope-tuning", "version": 3, "entries": {}, "profiles": {}}',
      );
      const before = fs.readFileSync(file, 'utf8');
      const err = inputError(() => readTuningFile(file), file);
      assert.match(
        err.message,
        /was written by a newer Chunkscope \(tuning file version 3; this Chunkscope reads up to version 1\): update Chunkscope to read it$/,
      );
      assert.throws(() => findSavedTuning(file, data, proc), /newer Chunkscope/);
      const result = {
        kind: 'tune',
        data,
        processor: proc,
        recommendation: { strategy: 'byte-range', workers: 1, chunkRows: 500, rowsPerSecond: 1, source: 'measured' },
      } as unknown as TuneResult;
      assert.throws(() => saveTuning(file, result), /newer Chunkscope/);
      assert.equal(fs.readFileSync(file, 'utf8'), before);
    });

    it('rejects a file that is not JSON, or JSON that is not a tuning file, naming it and saying to fix or delete it', () => {
      const broken = tmp.write('tuning.json', '{"version": 1, "entr');
      assert.match(
        inputError(() => readTuningFile(broken), broken).message,
        /is not a Chunkscope tuning file: it is not valid JSON .*; fix or delete it$/,
      );
      for (const content of [
        '{"version": 2, "entries": {}}',
        '{"entries": {}}',
        '{"format": "chunkscope-timings", "version": 1, "summary": {}, "chunks": []}',
        '[]',
      ]) {
        const file = tmp.write('tuning.json', content);
        const err = inputError(() => readTuningFile(file), file);
        assert.match(
          err.message,
          /is not a Chunkscope tuning file: .*expected "format": "chunkscope-tuning".*; fix or delete it$/,
        );
      }
      assert.throws(
        () => decodeTuning('{"format": "chunkscope-tuning", "version": 1, "entries": 4}', 'x.json'),
        /x\.json is not a valid Chunkscope tuning file: "entries" is not an object/,
      );
    });
  });
});
