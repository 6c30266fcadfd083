// Unit tests for the extension's VS Code-free logic (src/extension/logic). No `vscode` import here.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { DATASET_FILENAME_PATTERN, isDatasetPath, isProcessorPath } from '../src/extension/logic/dataset-files';
import { bytePercent } from '../src/extension/logic/progress';
import { formatCompact, formatMs } from '../src/engine/base/format';
import { computeOutputPaths, stemOf } from '../src/extension/logic/output-paths';
import {
  generateProcessorSource,
  suggestProcessorName,
  validateProcessorName,
} from '../src/extension/logic/processor-template';
import { describeExports, orderProcessors } from '../src/extension/logic/processor-list';
import { classifyRunError, describeFailure } from '../src/extension/logic/run-errors';
import { settingsToRunOptions } from '../src/extension/logic/settings';
import { settingEditsFor } from '../src/extension/logic/apply-settings';
import { describeSetting } from '../src/engine';
import { shiftLines } from '../src/engine/base/line-shift';
import { medianMicrosPerRow } from '../src/engine/report/derive';
import { entryPointLines } from '../src/engine/processor/entry-points';
import { findProcessorFrame, parseStackFrames } from '../src/extension/logic/stack-frames';
import { notificationText, statusBarText, summaryLines } from '../src/extension/logic/summary';
import { scanProcessorSource } from '../src/engine/processor/scan';
import type { RunReport } from '../src/engine/model';

const paths = { data: '/d/sales.csv', processor: '/p/totals.ts', out: '/o/r.ndjson' };

describe('extension logic', () => {
  describe('dataset and processor files', () => {
    it('recognises dataset extensions case-insensitively', () => {
      for (const f of ['a.csv', 'a.TSV', 'b.jsonl', 'c.ndjson', 'd.json', 'e.JSON']) assert.ok(isDatasetPath(f), f);
      for (const f of ['a.csv.gz', 'b.jsonl.zst', 'c.json.gz', 'd.parquet', 'e.arrow', 'f.Feather'])
        assert.ok(isDatasetPath(f), f);
      for (const f of ['a.txt', 'csv', 'a.tar.gz', 'b.gz', 'c.parquet.txt']) assert.ok(!isDatasetPath(f), f);
    });
    it("the explorer menu's when clauses test file names with the same pattern as isDatasetPath", () => {
      const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
        contributes: { menus: { 'explorer/context': { command: string; when: string }[] } };
      };
      const items = manifest.contributes.menus['explorer/context'];
      assert.ok(items.length >= 2);
      for (const item of items)
        assert.equal(
          item.when,
          `resourceScheme == file && resourceFilename =~ /${DATASET_FILENAME_PATTERN.source}/i`,
          item.command,
        );
    });
    it('accepts processor modules but not declaration files', () => {
      for (const f of ['p.js', 'p.mjs', 'p.cjs', 'p.ts']) assert.ok(isProcessorPath(f), f);
      for (const f of ['p.d.ts', 'p.d.mts', 'p.tsx', 'p.json']) assert.ok(!isProcessorPath(f), f);
    });
  });

  describe('stack frames', () => {
    const proc = '/home/u/proj/processors/totals.ts';
    const stack = [
      'TypeError: Cannot read properties of undefined (reading "x")',
      '    at helper (/home/u/proj/node_modules/lib/index.js:3:9)',
      `    at processRow (${proc}:12:15)`,
      `    at ${proc}:40:3`,
      '    at runChunk (/ext/dist/chunk-worker.js:100:20)',
      '    at async Promise.all (index 0)',
    ].join('\n');

    it('parses named, anonymous and async frames', () => {
      const frames = parseStackFrames(stack);
      assert.equal(frames.length, 4);
      assert.deepEqual(frames[1], { file: proc, line: 12, column: 15, functionName: 'processRow' });
      assert.deepEqual(frames[2], { file: proc, line: 40, column: 3 });
      const async = parseStackFrames('    at async processChunk (/a/b.mjs:7:1)');
      assert.equal(async[0].functionName, 'processChunk');
    });

    it('finds the first frame in the processor', () => {
      assert.deepEqual(findProcessorFrame(stack, proc), {
        file: proc,
        line: 12,
        column: 15,
        functionName: 'processRow',
      });
    });

    it('matches file:// URLs (ESM processors) and non-normalised paths', () => {
      const esm = '    at processRow (file:///home/u/proj/p%20q/x.mjs:5:7)';
      assert.equal(findProcessorFrame(esm, '/home/u/proj/p q/x.mjs')?.line, 5);
      assert.equal(
        findProcessorFrame(`    at f (${proc}:2:1)`, '/home/u/proj/./processors/../processors/totals.ts')?.line,
        2,
      );
    });

    it('handles Windows paths with drive letters, case-insensitively', () => {
      const win = '    at processRow (C:\\Users\\u\\proj\\totals.ts:8:4)';
      const frame = findProcessorFrame(win, 'c:\\users\\u\\proj\\totals.ts');
      assert.equal(frame?.line, 8);
      assert.equal(frame?.column, 4);
    });

    it('accepts source-mapped relative paths that end the processor path', () => {
      assert.equal(findProcessorFrame('    at processRow (../../processors/totals.ts:4:2)', proc)?.line, 4);
      assert.equal(findProcessorFrame('    at processRow (other/totals.ts:4:2)', proc), undefined);
      // An exact absolute match wins over an earlier relative one.
      assert.equal(findProcessorFrame(`    at a (totals.ts:1:1)\n    at b (${proc}:9:1)`, proc)?.line, 9);
    });

    it('falls back to the file name when a source map put the processor in the wrong folder', () => {
      const wrong = `    at processRow (/home/u/proj/processors/home/u/proj/processors/totals.ts:4:12)`;
      assert.deepEqual(findProcessorFrame(wrong, proc)?.line, 4);
      assert.equal(findProcessorFrame('    at f (/home/u/proj/node_modules/x/totals.ts:1:1)', proc), undefined);
    });

    it('returns undefined when the processor is not on the stack', () => {
      assert.equal(findProcessorFrame(stack, '/elsewhere/totals.ts'), undefined);
      assert.equal(findProcessorFrame(undefined, proc), undefined);
      assert.equal(findProcessorFrame('Error: boom', proc), undefined);
    });
  });

  describe('output paths', () => {
    it('defaults to .chunkscope in the workspace folder', () => {
      const p = computeOutputPaths('/w/data/sales.csv', '/w/processors/totals.ts', '', '/w');
      assert.equal(p.folder, path.join('/w', '.chunkscope'));
      assert.equal(p.results, path.join('/w', '.chunkscope', 'sales.totals.results.ndjson'));
      assert.equal(p.timings, path.join('/w', '.chunkscope', 'sales.totals.timings.json'));
      assert.equal(p.profiles, path.join('/w', '.chunkscope', 'sales.totals.profiles'));
    });
    it('resolves relative folders and ${workspaceFolder} from the workspace folder', () => {
      assert.equal(computeOutputPaths('/w/a.csv', '/w/p.js', 'out/runs', '/w').folder, path.resolve('/w/out/runs'));
      assert.equal(
        computeOutputPaths('/w/a.csv', '/w/p.js', '${workspaceFolder}/r', '/w').folder,
        path.resolve('/w/r'),
      );
      assert.equal(computeOutputPaths('/w/a.csv', '/w/p.js', '/abs/r', '/w').folder, path.resolve('/abs/r'));
    });
    it('falls back to the dataset folder without a workspace', () => {
      assert.equal(computeOutputPaths('/d/a.csv', '/p/p.js', '', undefined).folder, path.join('/d', '.chunkscope'));
    });
    it('keeps names file-system safe', () => {
      assert.equal(stemOf('/x/my:data.tsv'), 'my_data');
      assert.equal(stemOf('/x/.hidden'), '.hidden');
      assert.equal(stemOf('/x/a.b.jsonl'), 'a.b');
    });
  });

  describe('settings → RunOptions', () => {
    it('maps zeros to engine defaults and keeps byte-range as the default strategy', () => {
      const m = settingsToRunOptions({ workers: 0, chunkRows: 0, chunkBytes: 0, outputFolder: '' }, paths);
      assert.deepEqual(m.options, { ...paths, strategy: 'byte-range' });
      assert.deepEqual(m.warnings, []);
    });
    it('passes explicit values through', () => {
      const m = settingsToRunOptions({ workers: 4, strategy: 'per-row', chunkRows: 500, outputFolder: 'o' }, paths);
      assert.deepEqual(m.options, { ...paths, strategy: 'per-row', workers: 4, chunkRows: 500 });
      assert.equal(m.outputFolder, 'o');
    });
    it('never passes both chunk sizes (the engine rejects that): bytes win, with a warning', () => {
      const m = settingsToRunOptions({ chunkRows: 100, chunkBytes: 65536 }, paths);
      assert.equal(m.options.chunkBytes, 65536);
      assert.equal(m.options.chunkRows, undefined);
      assert.equal(m.warnings.length, 1);
    });
    it('ignores invalid values with warnings instead of failing the run', () => {
      const m = settingsToRunOptions({ workers: -2, strategy: 'fast', chunkRows: 1.5, outputFolder: 3 }, paths);
      assert.deepEqual(m.options, { ...paths, strategy: 'byte-range' });
      assert.equal(m.outputFolder, '');
      assert.equal(m.warnings.length, 4);
    });
  });

  describe('processor template', () => {
    const csv = generateProcessorSource({
      datasetPath: '/d/Sales 2024.csv',
      format: 'csv',
      header: ['region', 'amount', 'we"ird */ name', 'region'],
      numericColumns: ['amount'],
    });

    it('types Row from the header with quoted keys, once per column', () => {
      assert.match(
        csv,
        /interface Row \{\n {2}"region": string;\n {2}"amount": string;\n {2}"we\\"ird \*\/ name": string;\n\}/,
      );
      assert.match(csv, /export function processRow\(row: Row, ctx: Context\)/);
      assert.match(csv, /Number\(row\["amount"\]\)/);
      assert.match(csv, /setup/);
      assert.match(csv, /combine/);
      assert.match(csv, /rowShape/);
    });

    it('is listed by the source scan as exporting processRow only (optional parts are commented out)', () => {
      assert.deepEqual(scanProcessorSource(csv), {
        processRow: true,
        processChunk: false,
        combine: false,
        setup: false,
      });
    });

    it('types JSON Lines fields from the numeric columns', () => {
      const src = generateProcessorSource({
        datasetPath: '/d/e.jsonl',
        format: 'jsonl',
        header: ['id', 'ms'],
        numericColumns: ['ms'],
      });
      assert.match(src, /"id": unknown;\n {2}"ms": number;/);
    });

    it('names Parquet and Arrow datasets and types their numeric columns as numbers', () => {
      for (const [format, name] of [
        ['parquet', 'Parquet'],
        ['arrow', 'Arrow IPC'],
      ] as const) {
        const src = generateProcessorSource({
          datasetPath: `/d/f.${format}`,
          format,
          header: ['city', 'fare'],
          numericColumns: ['fare'],
        });
        assert.match(src, new RegExp(`processor for f\\.${format} \\(${name}, 2 columns\\)`));
        assert.match(src, /"fare": number;/);
        assert.doesNotMatch(src, /Number\(/);
      }
    });

    it('produces TypeScript that compiles under strict', function () {
      this.timeout(30_000); // a full type-check of three small programs; slow on cold CI machines
      // Transpile-and-check with the project's TypeScript: the template must not hand users errors.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const ts = require('typescript') as typeof import('typescript');
      for (const [name, source] of [
        ['csv.ts', csv],
        [
          'empty.ts',
          generateProcessorSource({ datasetPath: '/d/x.csv', format: 'csv', header: [], numericColumns: [] }),
        ],
        [
          'text.ts',
          generateProcessorSource({ datasetPath: '/d/x.tsv', format: 'csv', header: ['a', 'b'], numericColumns: [] }),
        ],
      ] as const) {
        const host = ts.createCompilerHost({});
        const original = host.getSourceFile;
        host.getSourceFile = (f, lang, ...rest) =>
          f === name ? ts.createSourceFile(f, source, lang) : original.call(host, f, lang, ...rest);
        const program = ts.createProgram(
          [name],
          { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, types: [], lib: ['lib.es2022.d.ts'] },
          host,
        );
        const diagnostics = ts
          .getPreEmitDiagnostics(program)
          .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        assert.deepEqual(diagnostics, [], `${name}:\n${source}`);
      }
    });

    it('validates and suggests names', () => {
      assert.equal(suggestProcessorName('/d/Sales 2024.csv'), 'sales-2024');
      assert.equal(suggestProcessorName('/d/___.csv'), 'processor');
      assert.equal(validateProcessorName('sales-2024'), undefined);
      for (const bad of ['', ' ', 'a/b', '../x', 'x.ts', 'has space']) assert.ok(validateProcessorName(bad), bad);
    });
  });

  describe('processor list', () => {
    it('puts the last used processor first', () => {
      const c = [{ path: '/w/b.ts' }, { path: '/w/a.js' }, { path: '/w/c.mjs' }];
      assert.deepEqual(
        orderProcessors(c, '/w/c.mjs').map((x) => x.path),
        ['/w/c.mjs', '/w/a.js', '/w/b.ts'],
      );
      assert.deepEqual(
        orderProcessors(c, undefined).map((x) => x.path),
        ['/w/a.js', '/w/b.ts', '/w/c.mjs'],
      );
      assert.deepEqual(
        orderProcessors(c, '/w/gone.ts').map((x) => x.path),
        ['/w/a.js', '/w/b.ts', '/w/c.mjs'],
      );
    });
    it('describes exports', () => {
      assert.equal(
        describeExports({ processRow: true, processChunk: false, combine: true, setup: true }),
        'processRow · setup · combine',
      );
    });
  });

  describe('run errors', () => {
    const proc = '/w/p.ts';
    function chunkscopeError(code: string, message: string, location?: object) {
      return Object.assign(new Error(message), { name: 'ChunkscopeError', code, location });
    }

    it('treats cancellation and aborts as cancelled', () => {
      assert.equal(classifyRunError(chunkscopeError('cancelled', 'x'), proc, false).kind, 'cancelled');
      assert.equal(classifyRunError(new Error('whatever'), proc, true).kind, 'cancelled');
      assert.equal(
        classifyRunError(Object.assign(new Error('a'), { name: 'AbortError' }), proc, false).kind,
        'cancelled',
      );
    });

    it('locates processor errors at the row and the processor line', () => {
      const location = {
        kind: 'processor',
        message: 'boom',
        stack: `Error: boom\n    at processRow (${proc}:9:11)`,
        file: '/w/d.csv',
        row: 41,
        line: 42,
        chunk: 0,
      };
      const f = classifyRunError(
        chunkscopeError('processor', 'Processor failed: boom (/w/d.csv, row 41, line 42, chunk 0)', location),
        proc,
        false,
      );
      assert.equal(f.kind, 'located');
      if (f.kind !== 'located') return;
      assert.equal(f.processorFrame?.line, 9);
      assert.equal(
        describeFailure(f, 'p.ts'),
        'Chunkscope: Processor failed (p.ts:9) at row 41, line 42 of the dataset: boom',
      );
    });

    it('points compile errors of the processor at its line', () => {
      const msg = `Processor ${proc} does not compile:\n${proc}:3:14: Expected ";" but found "x"\n    let a = 1 x`;
      const f = classifyRunError(chunkscopeError('processor', msg), proc, false);
      assert.equal(f.kind, 'other');
      if (f.kind !== 'other') return;
      assert.deepEqual([f.code, f.processorFrame?.line, f.processorFrame?.column], ['processor', 3, 14]);
    });

    it('keeps other errors as messages with their code', () => {
      const f = classifyRunError(chunkscopeError('input', 'No such file: /w/x.csv'), proc, false);
      assert.deepEqual(f, { kind: 'other', message: 'No such file: /w/x.csv', code: 'input' });
      assert.deepEqual(classifyRunError('plain string', proc, false), { kind: 'other', message: 'plain string' });
    });
  });

  describe('formatting and summary', () => {
    it('formats compact numbers, durations and percentages', () => {
      assert.equal(formatCompact(1_234_567), '1.23M');
      assert.equal(formatCompact(950), '950');
      assert.equal(formatCompact(123_456), '123.5k');
      assert.equal(formatMs(850), '850 ms');
      assert.equal(formatMs(4210), '4.21 s');
      assert.equal(formatMs(125_000), '2 min 5.0 s');
      assert.equal(bytePercent(50, 200), 25);
      assert.equal(bytePercent(300, 200), 100);
      assert.equal(bytePercent(1, 0), 0);
    });

    const report: RunReport = {
      summary: {
        data: '/w/sales.csv',
        processor: '/w/p.ts',
        format: 'csv',
        strategy: 'byte-range',
        workers: 2,
        chunkBytes: 1 << 20,
        rows: 1_234_567,
        bytes: 50 * 1024 * 1024,
        chunks: 50,
        repairedChunks: 1,
        skippedRows: 0,
        wallMs: 1000,
        startupMs: 100,
        processingMs: 900,
        rowsPerSecond: 1_234_567,
        mbPerSecond: 50,
        readMs: 1,
        parseMs: 1,
        computeMs: 1,
        encodeMs: 1,
        overheadShare: 0.125,
        idleShare: 0.02,
        workerSummaries: [
          { workerId: 2, chunks: 25, rows: 600_000, busyMs: 800, busyShare: 0.89 },
          { workerId: 1, chunks: 25, rows: 634_567, busyMs: 850, busyShare: 0.944 },
        ],
        peakRssBytes: 1,
        nodeVersion: 'v20',
        cpus: 2,
        startedAtEpochMs: 0,
      },
      chunks: [],
      errors: [],
      result: { total: 42 },
      hasResult: true,
      mainPhases: [],
      warnings: ['teardown() threw: x'],
    };

    it('builds the notification and status bar text', () => {
      assert.equal(notificationText(report), 'Chunkscope: 1,234,567 rows in 1.00 s (1.23M rows/s)');
      assert.equal(statusBarText(report), '$(pulse) 1.23M rows/s');
    });

    it('summarises the run for the output channel', () => {
      const text = summaryLines(report, { results: '/w/.chunkscope/r.ndjson', timings: '/w/.chunkscope/t.json' }).join(
        '\n',
      );
      for (const expected of [
        '1,234,567',
        '1.00 s',
        '1.23M rows/s',
        '50.0 MB/s',
        'workers     2, strategy byte-range',
        'chunks      50 (1 repaired), 1 MiB per chunk',
        '13 %',
        '#1 94 % · #2 89 %',
        '"total": 42',
        't.json',
        'teardown() threw: x',
      ]) {
        assert.ok(text.includes(expected), `missing ${expected} in\n${text}`);
      }
      assert.ok(
        !summaryLines({ ...report, hasResult: false })
          .join('\n')
          .includes('result'),
      );
    });
  });

  describe('Apply (tuned settings → workspace settings)', () => {
    it('writes rows and clears bytes, so the applied rows are not overridden by an old chunkBytes', () => {
      const edits = settingEditsFor({ strategy: 'batches', workers: 2, chunkRows: 20_000 });
      assert.deepEqual(edits, [
        { key: 'strategy', value: 'batches' },
        { key: 'workers', value: 2 },
        { key: 'chunkRows', value: 20_000 },
        { key: 'chunkBytes', value: undefined },
      ]);
      // Round trip through the settings mapping: the run gets exactly the applied point.
      const values = Object.fromEntries(edits.map((e) => [e.key, e.value]));
      const mapped = settingsToRunOptions(values, { data: 'd.csv', processor: 'p.js', out: 'o' });
      assert.deepEqual(
        [mapped.options.strategy, mapped.options.workers, mapped.options.chunkRows, mapped.options.chunkBytes],
        ['batches', 2, 20_000, undefined],
      );
      assert.deepEqual(mapped.warnings, []);
    });
    it('writes bytes and clears rows', () => {
      const edits = settingEditsFor({ strategy: 'byte-range', workers: 1, chunkBytes: 262_144 });
      assert.deepEqual(edits.slice(2), [
        { key: 'chunkRows', value: undefined },
        { key: 'chunkBytes', value: 262_144 },
      ]);
      assert.equal(
        describeSetting({ strategy: 'byte-range', workers: 1, chunkBytes: 262_144 }),
        'byte-range, 1 worker, 262,144 bytes a chunk',
      );
    });
    it('refuses a point without a chunk size or with a bad worker count', () => {
      assert.throws(() => settingEditsFor({ strategy: 'byte-range', workers: 2 }), /no chunk size/);
      assert.throws(() => settingEditsFor({ strategy: 'byte-range', workers: 0, chunkRows: 5 }), /worker count/);
    });
  });

  describe('line timings follow edits', () => {
    const timings = new Map([
      [2, 'a'],
      [5, 'b'],
      [9, 'c'],
    ]);
    const at = (startLine: number, startCharacter: number, endLine: number, endCharacter: number, text: string) => ({
      startLine,
      startCharacter,
      endLine,
      endCharacter,
      text,
    });
    it('two lines inserted above move the timings below down by two; those above stay', () => {
      assert.deepEqual(
        [...shiftLines(timings, at(4, 0, 4, 0, 'x\ny\n'))],
        [
          [2, 'a'],
          [7, 'b'],
          [11, 'c'],
        ],
      );
    });
    it('a line deleted above moves them up', () => {
      assert.deepEqual(
        [...shiftLines(timings, at(3, 0, 4, 0, ''))],
        [
          [2, 'a'],
          [4, 'b'],
          [8, 'c'],
        ],
      );
    });
    it('typing inside a measured line drops that line only', () => {
      assert.deepEqual(
        [...shiftLines(timings, at(5, 3, 5, 3, 'z'))],
        [
          [2, 'a'],
          [9, 'c'],
        ],
      );
    });
    it('a multi-line replacement drops the lines it covered and shifts the rest', () => {
      assert.deepEqual([...shiftLines(timings, at(1, 4, 6, 2, 'q'))], [[4, 'c']]);
    });
  });

  describe('code lens figures and places', () => {
    it('µs per row (p50) is the median chunk compute time per row', () => {
      const chunk = (rows: number, computeMs: number) => ({ rows, computeMs }) as RunReport['chunks'][number];
      assert.equal(medianMicrosPerRow([chunk(1000, 1), chunk(1000, 3), chunk(1000, 100), chunk(0, 5)]), 3);
      assert.equal(medianMicrosPerRow([]), undefined);
    });
    it('finds processRow / processChunk in CommonJS, ESM and TypeScript forms', () => {
      const src = [
        '// exports.processRow in a comment is not a definition',
        'exports.processRow = (row) => row;',
        'export function processChunk(rows: Row[]) {',
        '  return rows;',
        '}',
        'export const processRow = 1;',
      ].join('\n');
      assert.deepEqual(entryPointLines(src), [
        { line: 1, name: 'processRow' },
        { line: 2, name: 'processChunk' },
      ]);
    });
  });
});
