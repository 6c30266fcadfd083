// The processor contract: module kinds (.js/.cjs/.mjs/.ts), processRow/processChunk, combine/initial,
// row shapes and type inference, the columnar fast path, setup/teardown and ctx.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChunkscopeError, runDataset } from '../src/engine';
import { STRATEGIES, TempDir, readNdjson, rejection, runToRows, writeProcessor } from './helpers';

describe('processors', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  let numbers: string; // id,v,name,f with v = (i * 7919) % 1000 - 300 and f = i / 4 (exact in binary)
  let expectedSumV = 0;
  let expectedSumF = 0;
  const N = 10_000;
  before(() => {
    tmp = new TempDir('chunkscope-proc-');
    let s = 'id,v,name,f\n';
    for (let i = 1; i <= N; i++) {
      const v = ((i * 7919) % 1000) - 300;
      const f = i / 4;
      expectedSumV += v;
      expectedSumF += f;
      s += `${i},${v},"n, ${i}",${f}\n`;
    }
    numbers = tmp.write('numbers.csv', s);
  });
  after(() => tmp.dispose());

  describe('module kinds', () => {
    const small = 'id,v\n1,10\n2,20\n3,30\n';

    it('a TypeScript processor (type annotations, an interface) runs', async () => {
      const data = tmp.write('small.csv', small);
      const proc = writeProcessor(
        tmp,
        'typed.ts',
        'interface Row {\n  id: string;\n  v: string;\n}\nconst scale: number = 2;\n' +
          'export function processRow(row: Row): { id: number; doubled: number } {\n  return { id: Number(row.id), doubled: Number(row.v) * scale };\n}\n',
      );
      const { rows } = await runToRows(tmp, { data, processor: proc, workers: 2 });
      assert.deepEqual(rows, [
        { id: 1, doubled: 20 },
        { id: 2, doubled: 40 },
        { id: 3, doubled: 60 },
      ]);
    });

    it('a throw in a .ts processor reports a stack naming the .ts file at the right .ts line (source-mapped)', async () => {
      const data = tmp.write('small.csv', small);
      // Type-only lines before the throw vanish when compiled, so an unmapped line number would differ.
      const source = [
        'interface Row {', //  1
        '  id: string;', //  2
        '  v: string;', //  3
        '}', //  4
        'type Out = { id: number };', //  5
        'interface Unused {', //  6
        '  a: number;', //  7
        '  b: string;', //  8
        '}', //  9
        'export function processRow(row: Row): Out {', // 10
        '  const id: number = Number(row.id);', // 11
        "  if (id === 2) throw new Error('typed failure');", // 12
        '  return { id };', // 13
        '}', // 14
        '',
      ].join('\n');
      const proc = writeProcessor(tmp, 'typed-throw.ts', source);
      const err = await rejection(runDataset({ data, processor: proc, workers: 1 }));
      assert.ok(err instanceof ChunkscopeError, String(err));
      assert.equal(err.code, 'processor');
      assert.equal(err.location?.row, 2);
      const stack = err.location?.stack ?? '';
      const m = new RegExp(`${path.basename(proc).replace('.', '\\.')}:(\\d+)`).exec(stack);
      assert.ok(m, `stack names ${path.basename(proc)}: ${stack}`);
      assert.equal(Number(m![1]), 12, `stack points at .ts line 12: ${stack}`);
    });

    it('an .mjs ESM processor runs', async () => {
      const data = tmp.write('small.csv', small);
      const proc = writeProcessor(
        tmp,
        'esm.mjs',
        'export function processRow(row) { return Number(row.v) + 1; }\nexport const options = { rowShape: "object" };\n',
      );
      const { rows } = await runToRows(tmp, { data, processor: proc, workers: 2 });
      assert.deepEqual(rows, [11, 21, 31]);
    });

    it('a .cjs processor runs', async () => {
      const data = tmp.write('small.csv', small);
      const proc = writeProcessor(tmp, 'cjs.cjs', 'module.exports = { processRow: (row) => row.id + ":" + row.v };\n');
      const { rows } = await runToRows(tmp, { data, processor: proc, workers: 2 });
      assert.deepEqual(rows, ['1:10', '2:20', '3:30']);
    });

    it('processRow returning undefined emits nothing for that row', async () => {
      const data = tmp.write('small.csv', small);
      const proc = writeProcessor(
        tmp,
        'filter.js',
        "exports.processRow = (row) => (row.id === '2' ? undefined : Number(row.id));\n",
      );
      const { rows } = await runToRows(tmp, { data, processor: proc, workers: 2, chunkRows: 1 });
      assert.deepEqual(rows, [1, 3]);
    });
  });

  describe('module resolution', () => {
    it('a .js processor can require a sibling module, a .ts processor can import a sibling .ts, an .mjs can import a .js', async () => {
      const data = tmp.write('small.csv', 'v\n1\n2\n3\n');
      const dir = tmp.subdir('procdir');
      fs.writeFileSync(path.join(dir, 'util.js'), 'exports.sq = (x) => x * x;\n');
      fs.writeFileSync(path.join(dir, 'tutil.ts'), 'export const cube = (x: number): number => x * x * x;\n');
      fs.writeFileSync(
        path.join(dir, 'req.js'),
        "const { sq } = require('./util');\nexports.processRow = (r) => sq(Number(r.v));\n",
      );
      fs.writeFileSync(
        path.join(dir, 'imp.ts'),
        "import { cube } from './tutil';\nexport function processRow(r: { v: string }): number { return cube(Number(r.v)); }\n",
      );
      fs.writeFileSync(
        path.join(dir, 'imp.mjs'),
        "import { sq } from './util.js';\nexport function processRow(r) { return sq(Number(r.v)) + 1; }\n",
      );
      assert.deepEqual(
        (await runToRows(tmp, { data, processor: path.join(dir, 'req.js'), workers: 2 })).rows,
        [1, 4, 9],
      );
      assert.deepEqual(
        (await runToRows(tmp, { data, processor: path.join(dir, 'imp.ts'), workers: 2 })).rows,
        [1, 8, 27],
      );
      assert.deepEqual(
        (await runToRows(tmp, { data, processor: path.join(dir, 'imp.mjs'), workers: 2 })).rows,
        [2, 5, 10],
      );
    });
  });

  describe('result values', () => {
    it('an async processRow never has its Promise written as {}: its values are awaited, or the run fails clearly', async () => {
      const data = tmp.write('small.csv', 'v\n1\n2\n');
      const proc = writeProcessor(
        tmp,
        'async-row.js',
        'exports.processRow = async (r) => { await null; return Number(r.v) * 10; };\n',
      );
      try {
        const { rows } = await runToRows(tmp, { data, processor: proc, workers: 2 });
        assert.deepEqual(rows, [10, 20], 'awaited values');
      } catch (e) {
        if (!(e instanceof ChunkscopeError)) throw e;
        assert.equal(e.code, 'processor', e.message);
      }
    });

    it("a result JSON cannot encode (a cycle) → 'processor' error naming the row, not a dead worker", async () => {
      const data = tmp.write('small.csv', 'v\n1\n2\n3\n');
      const proc = writeProcessor(
        tmp,
        'cycle.js',
        "exports.processRow = (r) => { if (r.v !== '2') return 1; const o = {}; o.self = o; return o; };\n",
      );
      const err = await rejection(runDataset({ data, processor: proc, workers: 2, out: tmp.path('cycle.ndjson') }));
      assert.ok(err instanceof ChunkscopeError, String(err));
      assert.equal(err.code, 'processor', err.message);
      assert.equal(err.location?.row, 2, err.message);
      assert.match(err.message, /cannot be written as JSON/);
    });

    it('a bigint result (as Parquet INT64 past 2^53 gives) is written as its exact decimal string', async () => {
      const data = tmp.write('small.csv', 'v\n1\n2\n');
      const proc = writeProcessor(
        tmp,
        'bigint.js',
        "exports.processRow = (r) => (r.v === '2' ? { big: 2n ** 60n + 1n } : 2n ** 64n);\n",
      );
      const { rows } = await runToRows(tmp, { data, processor: proc, workers: 2 });
      assert.deepEqual(rows, ['18446744073709551616', { big: '1152921504606846977' }]);
    });

    it('teardown() that throws does not fail the run; it is reported in warnings', async () => {
      const data = tmp.write('small.csv', 'v\n1\n2\n');
      const proc = writeProcessor(
        tmp,
        'td.js',
        "exports.processRow = (r) => r.v;\nexports.teardown = () => { throw new Error('teardown broke'); };\n",
      );
      const { rows, report } = await runToRows(tmp, { data, processor: proc, workers: 2 });
      assert.deepEqual(rows, ['1', '2']);
      assert.ok(
        report.warnings.length >= 1 && report.warnings.every((w) => w.includes('teardown broke')),
        JSON.stringify(report.warnings),
      );
    });

    it("processChunk that throws → 'processor' naming the chunk", async () => {
      const data = tmp.write('small.csv', 'v\n1\n2\n3\n');
      const proc = writeProcessor(
        tmp,
        'pc-throw.js',
        "exports.processChunk = (rows) => { if (rows.some((r) => r.v === '2')) throw new Error('chunk boom'); return rows; };\n",
      );
      const err = await rejection(runDataset({ data, processor: proc, workers: 2, chunkRows: 1, strategy: 'batches' }));
      assert.ok(err instanceof ChunkscopeError, String(err));
      assert.equal(err.code, 'processor');
      assert.equal(err.location?.chunk, 1, err.message);
      assert.ok(err.message.includes('chunk boom'));
    });

    it('null, strings with newlines, nested objects and arrays are written as one JSON line each', async () => {
      const data = tmp.write('vals.csv', 'k\n1\n2\n3\n4\n');
      const proc = writeProcessor(
        tmp,
        'vals.js',
        "exports.processRow = (row) => [null, 'two\\nlines \\u2028 é', { nested: { a: [1, 'x'] } }, [1, [2, 3]]][Number(row.k) - 1];\n",
      );
      const { rows } = await runToRows(tmp, { data, processor: proc, workers: 2, chunkRows: 1 });
      assert.deepEqual(rows, [null, 'two\nlines \u2028 é', { nested: { a: [1, 'x'] } }, [1, [2, 3]]]);
    });
    it('numbers are written exactly as JSON.stringify writes each one (whole chunks of numbers, and chunks mixing in NaN and text)', async () => {
      const values = [
        '-0',
        '1e21',
        '1e-7',
        '5e-324',
        '0.1 + 0.2',
        '-1.7976931348623157e308',
        '123456789012345680000',
        '2 ** 53 + 2',
        '1 / 3',
        'NaN',
        'Infinity',
        "'text'",
      ];
      const data = tmp.write('nums.csv', 'k\n' + values.map((_, i) => `${i}\n`).join(''));
      const proc = writeProcessor(
        tmp,
        'nums.js',
        `const values = [${values.join(', ')}];\nexports.processRow = (row) => values[Number(row.k)];\n`,
      );
      // eslint-disable-next-line no-new-func
      const expected = new Function(`return [${values.join(', ')}]`)() as unknown[];
      for (const chunkRows of [1, 3, 100]) {
        const out = tmp.path(`nums-${chunkRows}.ndjson`);
        await runDataset({ data, processor: proc, workers: 2, chunkRows, out });
        assert.deepEqual(
          fs.readFileSync(out, 'utf8').split('\n').slice(0, -1),
          expected.map((v) => JSON.stringify(v)),
          `chunkRows ${chunkRows}`,
        );
      }
    });
  });

  describe('independent runs', () => {
    it('two runs at once in one process, different processors and strategies, each get their own right result', async () => {
      const double = writeProcessor(
        tmp,
        'double.js',
        'exports.processRow = (r) => 2 * Number(r.v);\nexports.combine = (a, b) => a + b;\nexports.initial = 0;\n',
      );
      const count = writeProcessor(
        tmp,
        'count.js',
        'exports.processRow = () => 1;\nexports.combine = (a, b) => a + b;\nexports.initial = 0;\n',
      );
      const [a, b] = await Promise.all([
        runDataset({ data: numbers, processor: double, workers: 2, chunkRows: 300 }),
        runDataset({ data: numbers, processor: count, workers: 2, chunkRows: 7, strategy: 'batches' }),
      ]);
      assert.equal(a.result, 2 * expectedSumV);
      assert.equal(b.result, N);
    });
  });

  describe('combine / initial', () => {
    it('a header-only file with combine and initial gives initial as the result', async () => {
      const data = tmp.write('ho.csv', 'v\n');
      const proc = writeProcessor(
        tmp,
        'sum-ho.js',
        'exports.processRow = (row) => Number(row.v);\nexports.combine = (a, b) => a + b;\nexports.initial = 0;\n',
      );
      const report = await runDataset({ data, processor: proc, workers: 2 });
      assert.equal(report.hasResult, true);
      assert.equal(report.result, 0);
    });

    it('rows for which processRow returns undefined do not enter the fold', async () => {
      const proc = writeProcessor(
        tmp,
        'count-pos.js',
        'exports.processRow = (row) => (Number(row.v) > 0 ? 1 : undefined);\nexports.combine = (a, b) => a + b;\nexports.initial = 0;\n',
      );
      const report = await runDataset({ data: numbers, processor: proc, workers: 2, chunkRows: 97 });
      let pos = 0;
      for (let i = 1; i <= N; i++) if (((i * 7919) % 1000) - 300 > 0) pos++;
      assert.equal(report.result, pos);
    });

    for (const strategy of STRATEGIES) {
      it(`sum over 10,000 rows equals the direct sum (${strategy}, chunkRows 7, 2 workers)`, async () => {
        const proc = writeProcessor(
          tmp,
          'sum.js',
          'exports.processRow = (row) => Number(row.v);\nexports.combine = (a, b) => a + b;\nexports.initial = 0;\n',
        );
        const report = await runDataset({ data: numbers, processor: proc, strategy, workers: 2, chunkRows: 7 });
        assert.equal(report.hasResult, true);
        assert.equal(report.result, expectedSumV);
      });
    }

    it('without initial, the fold still gives the sum', async () => {
      const proc = writeProcessor(
        tmp,
        'sum-noinit.js',
        'exports.processRow = (row) => Number(row.v);\nexports.combine = (a, b) => a + b;\n',
      );
      const report = await runDataset({
        data: numbers,
        processor: proc,
        strategy: 'byte-range',
        workers: 2,
        chunkBytes: 300,
      });
      assert.equal(report.result, expectedSumV);
    });

    for (const strategy of STRATEGIES) {
      it(`the fold follows input order (non-commutative combine, ${strategy}, chunkRows 7)`, async () => {
        const data = tmp.write('order.csv', 'id\n' + Array.from({ length: 500 }, (_, i) => `${i + 1}\n`).join(''));
        const proc = writeProcessor(
          tmp,
          'concat.js',
          // Uneven work so chunks finish out of order.
          'exports.processRow = (row) => { const n = Number(row.id); if (n % 50 < 7) { const t = Date.now(); while (Date.now() - t < 2) {} } return [n]; };\n' +
            'exports.combine = (a, b) => a.concat(b);\nexports.initial = [];\n',
        );
        const report = await runDataset({ data, processor: proc, strategy, workers: 2, chunkRows: 7 });
        assert.deepEqual(
          report.result,
          Array.from({ length: 500 }, (_, i) => i + 1),
        );
      });
    }

    it('a histogram (object) combine', async () => {
      const proc = writeProcessor(
        tmp,
        'hist.js',
        'exports.processRow = (row) => ({ [Number(row.v) < 0 ? "neg" : "pos"]: 1 });\n' +
          'exports.combine = (a, b) => { const o = { ...a }; for (const k of Object.keys(b)) o[k] = (o[k] || 0) + b[k]; return o; };\nexports.initial = {};\n',
      );
      const report = await runDataset({ data: numbers, processor: proc, workers: 2, chunkRows: 333 });
      let neg = 0;
      for (let i = 1; i <= N; i++) if (((i * 7919) % 1000) - 300 < 0) neg++;
      assert.deepEqual(report.result, { neg, pos: N - neg });
    });
  });

  describe('processChunk and row shapes', () => {
    for (const strategy of STRATEGIES) {
      it(`processChunk gets each chunk's rows in order (${strategy}, chunkRows 3)`, async () => {
        const data = tmp.write(
          'ids.csv',
          'id,t\n' + Array.from({ length: 20 }, (_, i) => `${i + 1},"t\n${i + 1}"\n`).join(''),
        );
        const proc = writeProcessor(
          tmp,
          'chunk.js',
          'exports.processChunk = (rows, ctx) => rows.map((r) => r.id + "|" + r.t);\n',
        );
        const { rows } = await runToRows(tmp, { data, processor: proc, strategy, workers: 2, chunkRows: 3 });
        assert.deepEqual(
          rows,
          Array.from({ length: 20 }, (_, i) => `${i + 1}|t\n${i + 1}`),
        );
      });
    }

    it("options.types 'infer' turns numeric columns into numbers, leaves text as strings", async () => {
      const data = tmp.write('infer.csv', 'i,f,neg,exp,text\n1,2.5,-3,1e3,abc\n20,0.125,-0.5,2E-2,"4,5"\n');
      const proc = writeProcessor(
        tmp,
        'infer.js',
        "exports.options = { types: 'infer' };\nexports.processRow = (row) => row;\n",
      );
      const { rows } = await runToRows(tmp, { data, processor: proc, workers: 2 });
      assert.deepEqual(rows, [
        { i: 1, f: 2.5, neg: -3, exp: 1000, text: 'abc' },
        { i: 20, f: 0.125, neg: -0.5, exp: 0.02, text: '4,5' },
      ]);
    });

    it("types: 'infer' passed as a run option works the same", async () => {
      const data = tmp.write('infer2.csv', 'a,b\n1,x\n2.5,y\n');
      const proc = writeProcessor(tmp, 'infer2.js', 'exports.processRow = (row) => [typeof row.a, typeof row.b];\n');
      const { rows } = await runToRows(tmp, { data, processor: proc, types: 'infer' });
      assert.deepEqual(rows, [
        ['number', 'string'],
        ['number', 'string'],
      ]);
    });

    it('default types are strings (like csv.DictReader)', async () => {
      const data = tmp.write('strings.csv', 'a,b\n1,2.5\n');
      const proc = writeProcessor(
        tmp,
        'types.js',
        'exports.processRow = (row) => [typeof row.a, typeof row.b, row.a, row.b];\n',
      );
      const { rows } = await runToRows(tmp, { data, processor: proc });
      assert.deepEqual(rows, [['string', 'string', '1', '2.5']]);
    });

    for (const strategy of STRATEGIES) {
      it(`rowShape 'array' gives string arrays without the header (${strategy})`, async () => {
        const data = tmp.write('arr.csv', 'a,b\n1,"x,y"\n2,"é\n東"\n');
        const proc = writeProcessor(
          tmp,
          'arr.js',
          "exports.options = { rowShape: 'array' };\nexports.processRow = (row) => row;\n",
        );
        const { rows } = await runToRows(tmp, { data, processor: proc, strategy, workers: 2, chunkBytes: 3 });
        assert.deepEqual(rows, [
          ['1', 'x,y'],
          ['2', 'é\n東'],
        ]);
      });
    }
  });

  describe("the columnar fast path (rowShape 'columns')", () => {
    for (const strategy of ['byte-range', 'shared-columns', 'batches'] as const) {
      it(`numeric columns are Float64Arrays whose sums equal the reference; text columns are strings (${strategy})`, async () => {
        const proc = writeProcessor(
          tmp,
          'columns.js',
          "exports.options = { rowShape: 'columns' };\n" +
            'exports.processChunk = (chunk) => {\n' +
            '  const v = chunk.columns.v, f = chunk.columns.f, name = chunk.columns.name;\n' +
            '  let sv = 0, sf = 0;\n' +
            '  for (let i = 0; i < chunk.length; i++) { sv += v[i]; sf += f[i]; }\n' +
            '  return [{ n: chunk.length, sv, sf, vF64: v instanceof Float64Array, fF64: f instanceof Float64Array, vLen: v.length,\n' +
            '    nameIsStrings: Array.isArray(name) && name.every((s) => typeof s === "string"), firstName: name[0], names: chunk.names }];\n' +
            '};\n',
        );
        const { rows } = await runToRows(tmp, {
          data: numbers,
          processor: proc,
          strategy,
          workers: 2,
          chunkRows: 1000,
        });
        const parts = rows as Array<{
          n: number;
          sv: number;
          sf: number;
          vF64: boolean;
          fF64: boolean;
          vLen: number;
          nameIsStrings: boolean;
          firstName: string;
          names: string[];
        }>;
        assert.ok(parts.length >= 2, 'more than one chunk');
        let total = 0;
        let sv = 0;
        let sf = 0;
        for (const p of parts) {
          assert.equal(p.vF64, true, 'v is a Float64Array');
          assert.equal(p.fF64, true, 'f is a Float64Array');
          assert.ok(p.vLen >= p.n, 'the column holds at least length values');
          assert.equal(p.nameIsStrings, true, 'the text column is a string array');
          assert.equal(p.firstName, `n, ${total + 1}`, 'text column values, in order');
          assert.deepEqual(p.names, ['id', 'v', 'name', 'f']);
          total += p.n;
          sv += p.sv;
          sf += p.sf;
        }
        assert.equal(total, N);
        assert.equal(sv, expectedSumV);
        assert.equal(sf, expectedSumF);
      });
    }

    it('numeric columns hold exactly what Number() gives for the text (random doubles in every notation)', async () => {
      const fc = (await import('fast-check')).default;
      const textArb = fc
        .tuple(
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          fc.integer({ min: 0, max: 3 }),
          fc.integer({ min: 0, max: 12 }),
        )
        .map(
          ([d, form, k]) => [String(d), d.toFixed(Math.min(k, 100)), d.toExponential(k), String(d).toUpperCase()][form],
        );
      const texts = fc.sample(textArb, { numRuns: 3000, seed: 42 }).filter((t) => Number.isFinite(Number(t)));
      const data = tmp.write('doubles.csv', 'x,i\n' + texts.map((t, i) => `${t},${i}`).join('\n') + '\n');
      const proc = writeProcessor(
        tmp,
        'exact.js',
        "exports.options = { rowShape: 'columns' };\nexports.processChunk = (c) => { const out = []; const x = c.columns.x; if (!(x instanceof Float64Array)) throw new Error('x is not a Float64Array'); for (let i = 0; i < c.length; i++) out.push(Object.is(x[i], -0) ? '-0' : x[i]); return out; };\n",
      );
      for (const strategy of ['byte-range', 'shared-columns'] as const) {
        const { rows } = await runToRows(tmp, { data, processor: proc, strategy, workers: 2, chunkRows: 500 });
        assert.equal(rows.length, texts.length);
        texts.forEach((t, i) => {
          const n = Number(t);
          assert.deepEqual(rows[i], Object.is(n, -0) ? '-0' : n, `${strategy}: text ${t} gave ${rows[i]}`);
        });
      }
    });

    it("a non-numeric value after the sampled rows of a numeric column is a 'data' error, never a silent NaN", async () => {
      let s = 'v\n';
      for (let i = 0; i < 30000; i++) s += `${i}\n`;
      s += 'abc\n';
      const data = tmp.write('late.csv', s);
      const proc = writeProcessor(
        tmp,
        'late.js',
        "exports.options = { rowShape: 'columns' };\nexports.processChunk = (c) => [c.length];\n",
      );
      const err = await rejection(
        runDataset({ data, processor: proc, workers: 2, chunkRows: 10000, out: tmp.path('late.ndjson') }),
      );
      assert.ok(err instanceof ChunkscopeError, String(err));
      assert.equal(err.code, 'data');
      assert.equal(err.location?.row, 30001, err.message);
    });

    it('a numeric column kept past its chunk keeps its values; a text column read after its chunk is an error naming the cause', async () => {
      // Each worker's read buffer is reused by its next chunk; numeric columns are never reused.
      const kept = writeProcessor(
        tmp,
        'kept.js',
        "exports.options = { rowShape: 'columns' };\n" +
          'exports.processChunk = (c, ctx) => {\n' +
          '  const sum = (col) => { let s = 0; for (let i = 0; i < col.length; i++) s += col[i]; return s; };\n' +
          '  const prev = ctx.state.prev;\n' +
          '  const out = [{ n: c.length, unchanged: prev ? sum(prev.column) === prev.sum : true }];\n' +
          '  ctx.state.prev = { column: c.columns.v.subarray(0, c.length), sum: sum(c.columns.v.subarray(0, c.length)) };\n' +
          '  return out;\n' +
          '};\n',
      );
      const { rows } = await runToRows(tmp, {
        data: numbers,
        processor: kept,
        strategy: 'byte-range',
        workers: 1,
        chunkRows: 500,
      });
      const parts = rows as Array<{ n: number; unchanged: boolean }>;
      assert.ok(parts.length >= 4);
      assert.ok(
        parts.every((p) => p.unchanged),
        'a kept numeric column still holds its own chunk',
      );
      const late = writeProcessor(
        tmp,
        'late-text.js',
        "exports.options = { rowShape: 'columns' };\n" +
          'exports.processChunk = (c, ctx) => { const prev = ctx.state.prev; ctx.state.prev = c; return [prev ? prev.columns.name[0] : c.columns.name[0]]; };\n',
      );
      const err = await rejection(
        runDataset({ data: numbers, processor: late, strategy: 'byte-range', workers: 1, chunkRows: 500 }),
      );
      assert.ok(err instanceof ChunkscopeError, String(err));
      assert.equal(err.code, 'processor');
      assert.match(err.message, /text column "name" of a chunk was read after its processChunk call returned/);
    });

    it('the columnar scanner counts line feeds exactly as a second pass would (quoted newlines, CRLF, blank lines)', async () => {
      const fc = (await import('fast-check')).default;
      const { scanColumns } = await import('../src/engine/parse/columnar-scan');
      const field = fc.oneof(
        fc.constantFrom('1', '-2.5', '', '3e2', 'x'),
        fc.stringMatching(/^[a-z\n\r",]{0,6}$/).map((t) => `"${t.replace(/"/g, '""')}"`),
      );
      const record = fc.array(field, { minLength: 1, maxLength: 4 }).map((fields) => fields.join(','));
      const file = fc.tuple(
        fc.array(fc.tuple(record, fc.constantFrom('\n', '\r\n', '\n\n', '\r\n\r\n')), { maxLength: 12 }),
        fc.boolean(),
      );
      fc.assert(
        fc.property(file, fc.nat(), ([records, trailing], cut) => {
          let text = records.map(([r, end]) => r + end).join('');
          if (!trailing && text.endsWith('\n')) text = text.replace(/\r?\n$/, '');
          const bytes = Buffer.from(text);
          const limit = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
          const scan = scanColumns(bytes, 0, limit, bytes.length, 44, true, 4, [true, false, true, false]);
          if (scan.unterminatedQuoteAt !== undefined) return;
          let expected = 0;
          for (let i = 0; i < scan.stop; i++) if (bytes[i] === 10) expected++;
          assert.equal(scan.lineFeeds, expected, JSON.stringify(text.slice(0, scan.stop)));
        }),
        { numRuns: 2000, seed: 7 },
      );
    });

    it('empty numeric fields are NaN in a Float64Array column', async () => {
      const data = tmp.write('nan.csv', 'x,y\n1,2\n,3\n4,\n');
      const proc = writeProcessor(
        tmp,
        'nan.js',
        "exports.options = { rowShape: 'columns' };\nexports.processChunk = (c) => { const out = []; for (let i = 0; i < c.length; i++) out.push([c.columns.x[i], c.columns.y[i]].map((v) => (Number.isNaN(v) ? 'NaN' : v))); return out; };\n",
      );
      const { rows } = await runToRows(tmp, { data, processor: proc, workers: 1 });
      assert.deepEqual(rows, [
        [1, 2],
        ['NaN', 3],
        [4, 'NaN'],
      ]);
    });
  });

  describe('setup / teardown / ctx', () => {
    it('setup and teardown run once per worker; ctx.state lives across chunks; ctx carries workerId, chunk, header, file', async () => {
      const marker = tmp.path('lifecycle.marker');
      const proc = writeProcessor(
        tmp,
        'lifecycle.js',
        `const fs = require('fs');\nconst { threadId } = require('worker_threads');\n` +
          `exports.setup = async (ctx) => { await new Promise((r) => setTimeout(r, 5)); ctx.state.tag = 'set-' + threadId; fs.appendFileSync(${JSON.stringify(marker)}, 'setup ' + threadId + ' ' + ctx.workerId + '\\n'); };\n` +
          `exports.teardown = (ctx) => { fs.appendFileSync(${JSON.stringify(marker)}, 'teardown ' + threadId + '\\n'); };\n` +
          `exports.processRow = (row, ctx) => ({ id: row.id, tag: ctx.state.tag, thread: threadId, worker: ctx.workerId, chunk: ctx.chunk, header: ctx.header, file: ctx.file });\n`,
      );
      const data = tmp.write('life.csv', 'id,x\n' + Array.from({ length: 200 }, (_, i) => `${i + 1},${i}\n`).join(''));
      const { rows, report } = await runToRows(tmp, {
        data,
        processor: proc,
        strategy: 'byte-range',
        workers: 2,
        chunkRows: 10,
      });
      const lines = fs.readFileSync(marker, 'utf8').trim().split('\n');
      const setups = lines.filter((l) => l.startsWith('setup ')).map((l) => l.split(' '));
      const teardowns = lines.filter((l) => l.startsWith('teardown ')).map((l) => l.split(' ')[1]);
      const setupThreads = setups.map((s) => s[1]);
      assert.equal(setupThreads.length, 2, `setup ran once on each of the 2 workers: ${lines.join(' | ')}`);
      assert.equal(new Set(setupThreads).size, 2, 'no worker ran setup twice');
      for (const s of setups) assert.equal(s[2], s[1], 'ctx.workerId in setup is the thread id');
      assert.deepEqual(
        [...teardowns].sort(),
        [...setupThreads].sort(),
        'teardown ran once on each worker that ran setup',
      );
      const out = rows as Array<{
        id: string;
        tag: string;
        thread: number;
        worker: number;
        chunk: number;
        header: string[];
        file: string;
      }>;
      assert.equal(out.length, 200);
      for (const r of out) {
        assert.equal(r.tag, `set-${r.thread}`, 'state set in setup is visible in processRow on the same worker');
        assert.equal(r.worker, r.thread, 'ctx.workerId is the worker thread id');
        assert.ok(setupThreads.includes(String(r.thread)), 'rows only ran on workers that ran setup');
        assert.deepEqual(r.header, ['id', 'x']);
        assert.equal(path.resolve(r.file), path.resolve(data));
        const rec = report.chunks.find((c) => c.index === r.chunk);
        assert.ok(rec, `ctx.chunk ${r.chunk} is a chunk index of the report`);
        assert.ok(rec!.firstRow <= Number(r.id) && Number(r.id) < rec!.firstRow + rec!.rows);
        assert.equal(rec!.workerId, r.thread, 'the chunk record names the worker that ran it');
      }
    });
  });
});
