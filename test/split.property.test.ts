// Splitting must never change the rows: every strategy x chunk size (down to 1 byte) x worker count
// gives exactly what a sequential parse gives (the reference parser, itself checked against Python's
// csv.DictReader). Real worker threads, real files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import fc from 'fast-check';
import type { RunOptions } from '../src/engine';
import {
  IDENTITY_PROCESSOR,
  STRATEGIES,
  TempDir,
  dictRowsReference,
  encodeField,
  hasPython,
  parseCsvReference,
  pythonDictRows,
  runToRows,
  writeProcessor,
} from './helpers';

// Shrinking re-runs the engine hundreds of times; do it only when asked (FC_SHRINK=1).
const FC = { endOnFailure: !process.env.FC_SHRINK, verbose: 1 as const };
const RUNS = Number(process.env.FC_RUNS || 20);

const CHUNKINGS: Array<Pick<RunOptions, 'chunkBytes' | 'chunkRows'>> = [
  { chunkBytes: 1 },
  { chunkBytes: 2 },
  { chunkBytes: 7 },
  { chunkBytes: 64 },
  { chunkRows: 1 },
  { chunkRows: 3 },
];

const PIECES = ['', 'a', 'xyz', 'Hello world', '42', '-3.5', ',', '"', '""', '\n', '\r\n', 'é', '東京', '🙂', ' ', '\t', ';', '|'];
const pieceArb = fc.oneof(fc.constantFrom(...PIECES), fc.stringMatching(/^[A-Za-z0-9 .]{0,6}$/));
/** A field value drawn from plain ASCII, empty, commas, quotes, LF/CRLF, multi-byte UTF-8 (mixed). */
const valueArb = fc.array(pieceArb, { maxLength: 4 }).map((a) => a.join(''));
/** Raw (already encoded) fields that exercise Python's csv quirks: a quote that is not at the start of a
 * field is literal; characters after a closing quote are appended literally. */
const quirkArb = fc.constantFrom('ab"c', '"ab"cd', '"x""y"z', 'a""b', '5"', '"a"b"c', '"a" ', '"東"京', '"🙂"🙂"');
const nameArb = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/) },
  { weight: 1, arbitrary: fc.constantFrom('naïve', 'a,b', 'say "x"', '東京', 'two words', 'line\nbreak') },
);

interface CsvDoc {
  text: string;
  delimiter: string;
}

function csvDocArb(delimiter: string, opts: { quirks?: boolean; minCols?: number; header?: boolean } = {}): fc.Arbitrary<CsvDoc> {
  const minCols = opts.minCols ?? 1;
  return fc.integer({ min: minCols, max: 5 }).chain((ncol) => {
    const cell = opts.quirks
      ? fc.oneof(
          { weight: 3, arbitrary: fc.tuple(valueArb, fc.boolean()).map(([v, q]) => encodeField(v, delimiter, q)) },
          { weight: 1, arbitrary: quirkArb },
        )
      : fc.tuple(valueArb, fc.boolean()).map(([v, q]) => encodeField(v, delimiter, q));
    return fc
      .record({
        header: fc.uniqueArray(nameArb, { minLength: ncol, maxLength: ncol }),
        rows: fc.array(fc.array(cell, { minLength: ncol, maxLength: ncol }), { minLength: opts.header === false ? 1 : 0, maxLength: 25 }),
        eols: fc.array(fc.constantFrom('\n', '\r\n'), { minLength: 8, maxLength: 8 }),
        bom: fc.boolean(),
        trailing: fc.boolean(),
      })
      .map(({ header, rows, eols, bom, trailing }) => {
        const lines = [header.map((h) => encodeField(h, delimiter)).join(delimiter), ...rows.map((r) => r.join(delimiter))];
        if (opts.header === false) lines.shift();
        let text = bom ? '\ufeff' : '';
        lines.forEach((l, i) => {
          text += l;
          if (i < lines.length - 1 || trailing) text += eols[i % eols.length];
        });
        return { text, delimiter };
      });
  });
}

const configArb = fc.record({ chunking: fc.constantFrom(...CHUNKINGS), workers: fc.constantFrom(1, 2) });

describe('splitting: every strategy x chunk size x workers equals a sequential parse', function () {
  this.timeout(10 * 60 * 1000);
  let tmp: TempDir;
  let identity: string;
  before(() => {
    tmp = new TempDir('chunkscope-split-');
    identity = writeProcessor(tmp, 'identity.js', IDENTITY_PROCESSOR);
  });
  after(() => tmp.dispose());

  async function checkCsv(doc: CsvDoc, ext: string, extra: Partial<RunOptions>): Promise<void> {
    const expected = dictRowsReference(doc.text, doc.delimiter);
    const data = tmp.write(`data${ext}`, doc.text);
    const { rows } = await runToRows(tmp, { data, processor: identity, ...extra });
    assert.deepEqual(rows, expected, `options ${JSON.stringify(extra)}\nCSV: ${JSON.stringify(doc.text)}`);
    fs.rmSync(data);
  }

  describe('the oracles agree with each other', () => {
    it('reference parser reads back what the encoder wrote (no blank-line rows)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 2, max: 5 }).chain((n) =>
            fc.array(fc.array(valueArb, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 10 }),
          ),
          fc.constantFrom('\n', '\r\n'),
          (records, eol) => {
            const text = records.map((r) => r.map((v) => encodeField(v, ',')).join(',')).join(eol);
            assert.deepEqual(parseCsvReference(text), records);
          },
        ),
        { numRuns: 300 },
      );
    });

    it('reference parser equals python3 csv.DictReader on random CSVs, quirks included', function () {
      if (!hasPython()) this.skip();
      fc.assert(
        fc.property(csvDocArb(',', { quirks: true }), (doc) => {
          const file = tmp.write('py.csv', doc.text);
          assert.deepEqual(dictRowsReference(doc.text), pythonDictRows(file), JSON.stringify(doc.text));
          fs.rmSync(file);
        }),
        { numRuns: 40 },
      );
    });
  });

  for (const strategy of STRATEGIES) {
    it(`${strategy}: random CSVs (quotes, embedded LF/CRLF, BOM, multi-byte, no trailing newline) give the reference rows`, async () => {
      await fc.assert(
        fc.asyncProperty(csvDocArb(','), configArb, async (doc, cfg) => {
          await checkCsv(doc, '.csv', { strategy, workers: cfg.workers, ...cfg.chunking });
        }),
        { numRuns: RUNS, ...FC },
      );
    });
  }

  it('every strategy: Python csv quirks (quote inside a field, text after a closing quote) give the reference rows', async () => {
    await fc.assert(
      fc.asyncProperty(csvDocArb(',', { quirks: true }), fc.constantFrom(...STRATEGIES), configArb, async (doc, strategy, cfg) => {
        await checkCsv(doc, '.csv', { strategy, workers: cfg.workers, ...cfg.chunking });
      }),
      { numRuns: RUNS, ...FC },
    );
  });

  it('every strategy: .tsv files split on tabs and give the reference rows', async () => {
    await fc.assert(
      fc.asyncProperty(csvDocArb('\t'), fc.constantFrom(...STRATEGIES), configArb, async (doc, strategy, cfg) => {
        await checkCsv(doc, '.tsv', { strategy, workers: cfg.workers, ...cfg.chunking });
      }),
      { numRuns: RUNS, ...FC },
    );
  });

  it("every strategy: delimiter ';' overrides the .csv default", async () => {
    await fc.assert(
      fc.asyncProperty(csvDocArb(';'), fc.constantFrom(...STRATEGIES), configArb, async (doc, strategy, cfg) => {
        await checkCsv(doc, '.csv', { strategy, workers: cfg.workers, delimiter: ';', ...cfg.chunking });
      }),
      { numRuns: Math.ceil(RUNS / 2), ...FC },
    );
  });

  it('every strategy: header: false gives every record as a string array', async () => {
    await fc.assert(
      fc.asyncProperty(
        csvDocArb(',', { minCols: 2, header: false }),
        fc.constantFrom(...STRATEGIES),
        configArb,
        async (doc, strategy, cfg) => {
          const expected = parseCsvReference(doc.text);
          const data = tmp.write('nohdr.csv', doc.text);
          const opts = { strategy, workers: cfg.workers, header: false, ...cfg.chunking };
          const { rows } = await runToRows(tmp, { data, processor: identity, ...opts });
          assert.deepEqual(rows, expected, `options ${JSON.stringify(opts)}\nCSV: ${JSON.stringify(doc.text)}`);
          fs.rmSync(data);
        },
      ),
      { numRuns: RUNS, ...FC },
    );
  });

  it('every strategy: JSON Lines rows are the parsed objects, in order', async () => {
    const keyArb = fc.stringMatching(/^[a-zé東][a-z0-9]{0,3}$/);
    const objArb = fc.dictionary(keyArb, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(objArb, { minLength: 1, maxLength: 20 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.constantFrom('.jsonl', '.ndjson'),
        fc.constantFrom(...STRATEGIES),
        configArb,
        async (objs, eol, trailing, ext, strategy, cfg) => {
          const lines = objs.map((o) => JSON.stringify(o));
          const text = lines.join(eol) + (trailing && lines.length > 0 ? eol : '');
          const expected = lines.map((l) => JSON.parse(JSON.stringify(JSON.parse(l))));
          const data = tmp.write(`data${ext}`, text);
          const opts = { strategy, workers: cfg.workers, ...cfg.chunking };
          const { rows } = await runToRows(tmp, { data, processor: identity, ...opts });
          assert.deepEqual(rows, expected, `options ${JSON.stringify(opts)}\nJSONL: ${JSON.stringify(text)}`);
          fs.rmSync(data);
        },
      ),
      { numRuns: RUNS, ...FC },
    );
  });

  describe('a hand-made hostile CSV through the full matrix', () => {
    // Quoted fields that contain things that look like rows, so a guessed range start inside them
    // parses "successfully" into wrong rows unless the guess is verified.
    const HOSTILE =
      '\ufeffid,text,n\r\n' +
      '1,plain,10\n' +
      '2,"has, comma",20\r\n' +
      '3,"multi\nline\r\n4,fake,row\n5,""fake"",row\n",30\n' +
      '4,"quote ""inside"" ok",40\n' +
      '5,,50\n' +
      '6,"東京 🙂 é",60\r\n' +
      '7,"\n\n\n",70\n' +
      '8,"ends with quote """,80\n' +
      '9,"""",""""\n' +
      '10,"\n1,""2"",3\n",100';

    it('the reference parser and python3 agree on it', function () {
      if (!hasPython()) this.skip();
      const file = tmp.write('hostile.csv', HOSTILE);
      assert.deepEqual(pythonDictRows(file), dictRowsReference(HOSTILE));
      assert.equal(dictRowsReference(HOSTILE).length, 10);
    });

    for (const strategy of STRATEGIES) {
      for (const chunking of CHUNKINGS) {
        for (const workers of [1, 2]) {
          it(`${strategy} ${JSON.stringify(chunking)} workers ${workers}`, async () => {
            await checkCsv({ text: HOSTILE, delimiter: ',' }, '.csv', { strategy, workers, ...chunking });
          });
        }
      }
    }
  });

  describe('engine output equals python3 csv.DictReader directly', () => {
    for (const strategy of STRATEGIES) {
      it(`${strategy}, chunkBytes 5, 2 workers, random CSVs`, async function () {
        if (!hasPython()) this.skip();
        await fc.assert(
          fc.asyncProperty(csvDocArb(',', { quirks: true }), async (doc) => {
            const data = tmp.write('vs-python.csv', doc.text);
            const expected = pythonDictRows(data);
            const { rows } = await runToRows(tmp, { data, processor: identity, strategy, workers: 2, chunkBytes: 5 });
            assert.deepEqual(rows, expected, `CSV: ${JSON.stringify(doc.text)}`);
            fs.rmSync(data);
          }),
          { numRuns: 5, ...FC },
        );
      });
    }
  });
});
