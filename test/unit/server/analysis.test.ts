// The static analysis behind the server (src/server/analysis.ts, did-you-mean.ts), as tables: the
// ways a module exports its entry points (CommonJS, ESM, TypeScript), the ways a row is read, and
// half-typed code.
import { strict as assert } from 'node:assert';
import { analyseProcessor } from '../../../src/server/analysis';
import { didYouMean, editDistance } from '../../../src/server/did-you-mean';

describe('processor analysis (TypeScript parser only)', () => {
  const entryCases: Array<[string, string, string[]]> = [
    ['ESM function', 'export function processRow(row) { return row.a; }', ['processRow']],
    ['ESM async arrow', 'export const processRow = async (row) => row.a;', ['processRow']],
    ['CJS exports.', 'exports.processRow = function (row) { return row.a; };', ['processRow']],
    ['CJS module.exports.', 'module.exports.processChunk = (rows) => rows;', ['processChunk']],
    ['module.exports object, method', 'module.exports = { processRow(row) { return row.a; } };', ['processRow']],
    [
      'module.exports shorthand',
      'function processRow(row) { return row.a; }\nmodule.exports = { processRow };',
      ['processRow'],
    ],
    ['export { }', 'function processChunk(rows) { return rows; }\nexport { processChunk };', ['processChunk']],
    [
      'TypeScript, typed',
      'export function processRow(row: Record<string, string>): number { return 1; }',
      ['processRow'],
    ],
    ['not exported', 'function processRow(row) { return row.a; }', []],
    ['a helper', 'export function transform(row) { return row.a; }', []],
  ];
  for (const [what, source, entries] of entryCases)
    it(`finds entry points: ${what}`, () => {
      assert.deepEqual(
        analyseProcessor(source, /TypeScript/.test(what) ? 'p.ts' : 'p.js').entries.map((e) => e.name),
        entries,
      );
    });

  it('reads options literals (ESM, CJS, as const)', () => {
    assert.deepEqual(
      (({ rowShape, types }) => ({ rowShape, types }))(
        analyseProcessor("export const options = { rowShape: 'columns', types: 'infer' } as const;", 'p.ts').options,
      ),
      { rowShape: 'columns', types: 'infer' },
    );
    assert.equal(analyseProcessor("exports.options = { types: 'infer' };", 'p.js').options.types, 'infer');
  });

  const readCases: Array<[string, string, Array<[string, string]>]> = [
    [
      'dot, optional, element',
      "exports.processRow = (r) => [r.a, r?.b, r['c d'], r[`e`], r[k]];",
      [
        ['a', 'dot'],
        ['b', 'optional'],
        ['c d', 'element'],
        ['e', 'element'],
      ],
    ],
    [
      'destructuring',
      "exports.processRow = (row) => { const { a, b: bee, 'c d': cd, ...rest } = row; };",
      [
        ['a', 'destructure'],
        ['b', 'destructure'],
        ['c d', 'destructure'],
      ],
    ],
    [
      'destructured parameter',
      'exports.processRow = ({ a, b }) => a + b;',
      [
        ['a', 'destructure'],
        ['b', 'destructure'],
      ],
    ],
    [
      'chunk loops',
      'exports.processChunk = (rows) => { for (const r of rows) r.a; rows.forEach((x) => x.b); const y = rows[0]; return [y.c]; };',
      [
        ['a', 'dot'],
        ['b', 'dot'],
        ['c', 'dot'],
      ],
    ],
    [
      'columns shape',
      "exports.options = { rowShape: 'columns' };\nexports.processChunk = (c) => { const { columns } = c; const k = c.columns; return [c.columns.a, columns.b, k['c']]; };",
      [
        ['a', 'columns'],
        ['b', 'columns'],
        ['c', 'columns'],
      ],
    ],
    [
      'not reads: strings, comments, other objects',
      "exports.processRow = (row) => { // row.x\n return 'row.y' + other.z + `${'row.w'}`; };",
      [],
    ],
    ['half-typed', "exports.processRow = (row) => { return row.\n const q = row['", []],
  ];
  for (const [what, source, reads] of readCases)
    it(`finds column reads: ${what}`, () => {
      assert.deepEqual(
        analyseProcessor(source, 'p.js').reads.map((r) => [r.name, r.kind]),
        reads,
      );
    });
});

describe('did you mean', () => {
  it('edit distance counts a transposition as one edit', () => {
    assert.equal(editDistance('fare', 'fare'), 0);
    assert.equal(editDistance('fair', 'fare'), 2);
    assert.equal(editDistance('frae', 'fare'), 1);
    assert.equal(editDistance('', 'abc'), 3);
  });
  it('ignores case, spaces and underscores, and gives up past two edits', () => {
    const header = ['trip_id', 'pickup zone', 'fare', 'tip', 'passengers'];
    assert.equal(didYouMean('fair', header), 'fare');
    assert.equal(didYouMean('PickupZone', header), 'pickup zone');
    assert.equal(didYouMean('tripid', header), 'trip_id');
    assert.equal(didYouMean('passenger', header), 'passengers');
    assert.equal(didYouMean('xyzzy', header), undefined);
    assert.equal(didYouMean('ab', ['tip']), undefined, 'short names allow one edit');
  });
});
