// types: 'infer' rows end to end, for every strategy and for object and array rows: the workers'
// typed scan (numbers parsed from the bytes, parse/typed-scan.ts) must give exactly the rows of the
// string path, i.e. the file's fields (an independent reference parser) mapped through inferValue.
// The file mixes plain numbers with every value the number parser treats specially, quoted
// numbers, CRLF lines, and a stretch of non-ASCII text (those windows keep the string path), and
// chunks are small so records cross windows and chunk ends.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { inferValue } from '../../../src/engine/parse/row-shape';
import { STRATEGIES, TempDir, parseCsvReference, readNdjson, runToRows, writeProcessor } from '../../helpers';

// Each value as text that keeps its type and exact double (JSON would turn -0 into 0).
const EXACT = `const exact = (v) => typeof v === 'number' ? (Object.is(v, -0) ? 'n:-0' : 'n:' + String(v)) : 's:' + v;`;
const exact = (v: unknown): string =>
  typeof v === 'number' ? (Object.is(v, -0) ? 'n:-0' : 'n:' + String(v)) : 's:' + String(v);

const SPECIAL = [
  '',
  '0',
  '-0',
  '+5',
  '5.',
  '.5',
  '.',
  '-',
  '1e5',
  '-2.5E-3',
  ' 5',
  '5 ',
  '0x1F',
  'Infinity',
  'NaN',
  '00012',
  '12345678901234567890',
  '9007199254740993',
  '0.00000000135366050628363',
  '"1.5"',
  '"-0"',
  '"7"x',
  '12abc',
];

function makeCsv(rows: number): string {
  let s = 'id,name,a,b,c\n';
  let x = 12345;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
  for (let i = 1; i <= rows; i++) {
    const name = i > rows / 2 && i < rows / 2 + 200 ? `"Zoë, 東京 ${i}"` : `"n, ${i}"`;
    const a = ((next() % 2000000) / 1000 - 1000).toFixed(3);
    const b = i % 7 === 0 ? SPECIAL[i % SPECIAL.length] : String(next() / 65536);
    const c = i % 11 === 0 ? SPECIAL[(i * 3) % SPECIAL.length] : String(next() % 1000);
    s += `${i},${name},${a},${b},${c}${i % 13 === 0 ? '\r\n' : '\n'}`;
  }
  return s;
}

describe("types: 'infer' rows from bytes, every strategy", function () {
  this.timeout(120_000);
  let tmp: TempDir;
  let data: string;
  let expected: string[][];
  before(() => {
    tmp = new TempDir('chunkscope-infer-');
    const csv = makeCsv(6000);
    data = tmp.write('infer.csv', csv);
    const [, ...records] = parseCsvReference(csv);
    expected = records.map((fields) => fields.map(inferValue).map(exact));
  });
  after(() => tmp?.dispose());

  for (const shape of ['object', 'array'] as const) {
    for (const strategy of STRATEGIES) {
      it(`${shape} rows, ${strategy}: the same values as the string fields through inferValue`, async () => {
        const proc = writeProcessor(
          tmp,
          `${shape}.js`,
          `${EXACT}\nexports.options = { types: 'infer', rowShape: '${shape}' };\nexports.processRow = (row) => Object.values(row).map(exact);\n`,
        );
        const sizes =
          strategy === 'batches' ? { chunkRows: 500 } : strategy === 'per-row' ? {} : { chunkBytes: 20_000 };
        const { rows } = await runToRows(tmp, { data, processor: proc, strategy, workers: 2, ...sizes });
        assert.equal(rows.length, expected.length);
        for (let r = 0; r < expected.length; r++) assert.deepEqual(rows[r], expected[r], `row ${r + 1}`);
      });
    }
  }

  it('a record with the wrong number of fields is reported with its text fields, as on the string path', async () => {
    const csv = 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n';
    const bad = tmp.write('bad.csv', csv);
    const errorsOf = async (types: 'string' | 'infer') => {
      const proc = writeProcessor(tmp, 'bad.js', `exports.processRow = (row) => row.a;\n`);
      const out = tmp.path('bad.ndjson');
      const { runDataset } = await import('../../../src/engine');
      await runDataset({ data: bad, processor: proc, types, workers: 1, onError: 'skip', out });
      const values = readNdjson(out);
      const errors = readNdjson(`${out}.errors.ndjson`) as Record<string, unknown>[];
      fs.rmSync(`${out}.errors.ndjson`, { force: true });
      return { values, errors: errors.map(({ file: _file, workerId: _worker, ...rest }) => rest) };
    };
    const strings = await errorsOf('string');
    const typed = await errorsOf('infer');
    assert.deepEqual(strings.values, ['1', '10']);
    assert.deepEqual(typed.values, [1, 10]);
    assert.deepEqual(
      typed.errors.map((e) => e.data),
      [
        ['4', '5'],
        ['6', '7', '8', '9'],
      ],
    );
    assert.deepEqual(typed.errors, strings.errors);
  });
});
