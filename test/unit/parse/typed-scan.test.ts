// The typed CSV scanner for types: 'infer' (src/engine/parse/typed-scan.ts) against the string
// path it replaces: scanCsv's fields mapped through inferValue. Random CSV full of what a number
// parser could get wrong (signs, dots, exponents, whitespace, hex, Infinity, long digit strings,
// quoted numbers, CR/CRLF line ends), scanned whole and cut at random points (an incomplete last
// record), must give the same records, the same values (Object.is: -0 and NaN count) and the same
// stop/incomplete/unterminated result.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { scanCsv, type ScanResult } from '../../../src/engine/parse/csv-scan';
import { inferValue } from '../../../src/engine/parse/row-shape';
import { scanCsvTyped, typedScanSupports } from '../../../src/engine/parse/typed-scan';

const FC = { endOnFailure: !process.env.FC_SHRINK, verbose: 1 as const };
const RUNS = Number(process.env.FC_RUNS || 300);

type Scanned = { records: { start: number; fields: (string | number)[] }[]; result: ScanResult };

function viaStrings(text: string, limit: number, delimiter: number, atEof: boolean): Scanned {
  const records: Scanned['records'] = [];
  const result = scanCsv(text, 0, limit, delimiter, atEof, {
    record: (fields, start) => {
      records.push({ start, fields: fields.map(inferValue) });
    },
  });
  return { records, result };
}

function viaBytes(text: string, limit: number, delimiter: number, atEof: boolean): Scanned {
  const records: Scanned['records'] = [];
  const bytes = Buffer.from(text, 'latin1');
  const result = scanCsvTyped(text, bytes, 0, limit, delimiter, atEof, {
    typedRecord: (fields, start) => {
      records.push({ start, fields: fields.slice() });
    },
  });
  return { records, result };
}

/** Equal records and results, values compared with Object.is (so -0 ≠ 0 and NaN = NaN). */
function assertSame(got: Scanned, want: Scanned, text: string): void {
  assert.deepEqual(got.result, want.result, `scan result of ${JSON.stringify(text)}`);
  assert.equal(got.records.length, want.records.length, `records of ${JSON.stringify(text)}`);
  for (let r = 0; r < want.records.length; r++) {
    const g = got.records[r];
    const w = want.records[r];
    assert.equal(g.start, w.start);
    assert.equal(g.fields.length, w.fields.length, `fields of record ${r} of ${JSON.stringify(text)}`);
    for (let f = 0; f < w.fields.length; f++) {
      assert.ok(
        Object.is(g.fields[f], w.fields[f]),
        `record ${r} field ${f}: ${typeof g.fields[f]} ${String(g.fields[f])} vs ${typeof w.fields[f]} ${String(w.fields[f])} in ${JSON.stringify(text)}`,
      );
    }
  }
}

// Values a number parser could get wrong, as unquoted field text (no delimiter, quote or line end).
const trickyNumber = fc.constantFrom(
  '',
  '0',
  '-0',
  '+0',
  '-0.000',
  '+5',
  '5.',
  '.5',
  '-.5',
  '+.5',
  '.',
  '-',
  '+',
  '+-1',
  '--1',
  '1.2.3',
  '1e5',
  '1E-3',
  '-2.5e+10',
  '1e',
  '.e1',
  ' 5',
  '5 ',
  '\t7',
  '0x1F',
  '0b11',
  '0o7',
  'Infinity',
  '-Infinity',
  'NaN',
  '00012',
  '007.500',
  '12345678901234567890',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '0.1234567890123456789012',
  '0.12345678901234567890123',
  '1.00000000000000000000001',
  '123456789012345.678',
  '4.35',
  '0.1',
  '1_000',
  '1,5',
  '12abc',
  'abc',
);
const randomNumber = fc.oneof(
  fc.double({ noNaN: true }).map(String),
  fc.double({ noNaN: true, min: -1e6, max: 1e6 }).map((x) => x.toFixed(6)),
  fc
    .integer({ min: 0, max: 20 })
    .chain((k) => fc.double({ min: -1e3, max: 1e3, noNaN: true }).map((x) => x.toFixed(k))),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String),
  fc.stringMatching(/^[-+]?[0-9]{0,18}\.?[0-9]{0,24}$/),
  // Many fraction digits, few significant: the fast path's power-of-ten limit (10^22 is exact, 10^23 not).
  fc
    .tuple(fc.integer({ min: 0, max: 14 }), fc.bigInt({ min: 1n, max: 999_999_999_999_999n }))
    .map(([zeros, digits]) => `0.${'0'.repeat(zeros)}${digits}`),
);
const text = fc.stringMatching(/^[a-z ]{0,6}$/);
const quoted = fc
  .oneof(trickyNumber, randomNumber, fc.constantFrom('a"b', '1\n2', '3,4', '5\r\n6', ''))
  .map((v) => `"${v.replace(/"/g, '""')}"`);
const quotedWithTail = fc.tuple(quoted, fc.constantFrom('x', '5', ' ')).map(([q, t]) => q + t);

function csvFor(delimiter: string) {
  const field = fc.oneof(
    { weight: 4, arbitrary: trickyNumber },
    { weight: 4, arbitrary: randomNumber },
    { weight: 2, arbitrary: text },
    { weight: 2, arbitrary: quoted },
    { weight: 1, arbitrary: quotedWithTail },
  );
  const record = fc.array(field, { minLength: 1, maxLength: 6 }).map((fs) => fs.join(delimiter));
  const lineEnd = fc.constantFrom('\n', '\n', '\n', '\r\n', '\r', '\n\n');
  return fc.array(fc.tuple(record, lineEnd), { minLength: 1, maxLength: 25 }).chain((recs) =>
    fc.boolean().map((finalEnd) => {
      let s = recs.map(([r, e]) => r + e).join('');
      if (!finalEnd) s = s.replace(/[\r\n]+$/, '');
      return s;
    }),
  );
}

describe('typed CSV scan (types: infer from bytes)', () => {
  for (const delimiter of [',', ';', '\t', '|']) {
    const d = delimiter.charCodeAt(0);
    it(`equals scanCsv + inferValue over random CSV (delimiter ${JSON.stringify(delimiter)})`, () => {
      fc.assert(
        fc.property(csvFor(delimiter), (csv) => {
          assertSame(viaBytes(csv, csv.length, d, true), viaStrings(csv, csv.length, d, true), csv);
        }),
        { ...FC, numRuns: RUNS },
      );
    });

    it(`equals scanCsv + inferValue on text cut anywhere, not at end of file (delimiter ${JSON.stringify(delimiter)})`, () => {
      fc.assert(
        fc.property(
          csvFor(delimiter).chain((csv) =>
            fc.tuple(fc.constant(csv), fc.nat({ max: csv.length }), fc.nat({ max: csv.length })),
          ),
          ([csv, cut, limit]) => {
            const piece = csv.slice(0, cut);
            const lim = Math.min(limit, piece.length);
            assertSame(viaBytes(piece, lim, d, false), viaStrings(piece, lim, d, false), piece);
            assertSame(viaBytes(piece, lim, d, true), viaStrings(piece, lim, d, true), piece);
          },
        ),
        { ...FC, numRuns: RUNS },
      );
    });
  }

  it('stops where the record callback returns false, as scanCsv does', () => {
    const csv = '1,2\n3,4\n5,6\n';
    let seen = 0;
    const typed = scanCsvTyped(csv, Buffer.from(csv, 'latin1'), 0, csv.length, 44, true, {
      typedRecord: () => ++seen < 2,
    });
    let seenStrings = 0;
    const strings = scanCsv(csv, 0, csv.length, 44, true, { record: () => ++seenStrings < 2 });
    assert.deepEqual(typed, strings);
    assert.equal(seen, 2);
  });

  it('types the values of the processor test file exactly as inferValue does', () => {
    const csv = 'i,f,neg,exp,text\n1,2.5,-3,1e3,abc\n20,0.125,-0.5,2E-2,"4,5"\n,"7",+8,-0,Infinity\n';
    const got = viaBytes(csv, csv.length, 44, true).records.map((r) => r.fields);
    assert.deepEqual(got, [
      ['i', 'f', 'neg', 'exp', 'text'],
      [1, 2.5, -3, 1000, 'abc'],
      [20, 0.125, -0.5, 0.02, '4,5'],
      ['', 7, 8, -0, 'Infinity'],
    ]);
    assert.ok(Object.is(got[3][3], -0));
  });

  it('is not used with a delimiter that can be part of a number', () => {
    for (const d of '0123456789+-.eE') assert.equal(typedScanSupports(d.charCodeAt(0)), false, d);
    for (const d of [',', ';', '\t', '|', ' ', ':']) assert.equal(typedScanSupports(d.charCodeAt(0)), true, d);
  });
});
