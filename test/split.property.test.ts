// Splitting must never change the rows: every strategy x chunk size (down to 1 byte) x worker count
// gives exactly what a sequential parse gives (the reference parser, itself checked against Python's
// csv.DictReader). Real worker threads, real files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import fc from 'fast-check';
import type { RunOptions, RunReport } from '../src/engine';
import { AdaptiveChunker } from '../src/engine/split/adaptive-chunks';
import { DEFAULTS } from '../src/engine/options';
import { runDataset, type RunChunkSizer } from '../src/engine/run/run';
import {
  IDENTITY_PROCESSOR,
  STRATEGIES,
  TempDir,
  dictRowsReference,
  encodeField,
  hangGuard,
  hasPython,
  parseCsvReference,
  pythonDictRows,
  readNdjson,
  recordPositions,
  runToRows,
  writeProcessor,
} from './helpers';

// Shrinking re-runs the engine hundreds of times; do it only when asked (FC_SHRINK=1).
const FC = { endOnFailure: !process.env.FC_SHRINK, verbose: 1 as const };
const RUNS = Number(process.env.FC_RUNS || 30);

const CHUNKINGS: Array<Pick<RunOptions, 'chunkBytes' | 'chunkRows'>> = [
  { chunkBytes: 1 },
  { chunkBytes: 2 },
  { chunkBytes: 7 },
  { chunkBytes: 64 },
  { chunkRows: 1 },
  { chunkRows: 3 },
];

const PIECES = [
  '',
  'a',
  'xyz',
  'Hello world',
  '42',
  '-3.5',
  ',',
  '"',
  '""',
  '\n',
  '\r\n',
  '\r',
  '\nx,y\n',
  '\n\n',
  'é',
  '東京',
  '🙂',
  ' ',
  '\t',
  ';',
  '|',
];
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

function csvDocArb(
  delimiter: string,
  opts: { quirks?: boolean; minCols?: number; header?: boolean } = {},
): fc.Arbitrary<CsvDoc> {
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
        rows: fc.array(fc.array(cell, { minLength: ncol, maxLength: ncol }), {
          minLength: opts.header === false ? 1 : 0,
          maxLength: 25,
        }),
        eols: fc.array(fc.constantFrom('\n', '\r\n'), { minLength: 8, maxLength: 8 }),
        bom: fc.boolean(),
        trailing: fc.boolean(),
        blanks: fc.array(fc.nat(30), { maxLength: opts.header === false ? 0 : 2 }),
      })
      .map(({ header, rows, eols, bom, trailing, blanks }) => {
        const lines = [
          header.map((h) => encodeField(h, delimiter)).join(delimiter),
          ...rows.map((r) => r.join(delimiter)),
        ];
        if (opts.header === false) lines.shift();
        // Blank lines between records (never before the header): csv.DictReader skips them.
        for (const b of blanks) if (lines.length > 1) lines.splice(1 + (b % (lines.length - 1)), 0, '');
        let text = bom ? '\ufeff' : '';
        lines.forEach((l, i) => {
          text += l;
          if (i < lines.length - 1 || trailing) text += eols[i % eols.length];
        });
        return { text, delimiter };
      });
  });
}

// Ranges that are small but longer than a field fragment (7, 64 bytes, 1-3 rows) are where a wrong
// guess of a range's start must be caught, so they are drawn more often.
const chunkingArb = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(CHUNKINGS[0], CHUNKINGS[1]) },
  { weight: 3, arbitrary: fc.constantFrom(CHUNKINGS[2], CHUNKINGS[3], CHUNKINGS[4], CHUNKINGS[5]) },
);
const configArb = fc.record({ chunking: chunkingArb, workers: fc.constantFrom(1, 2) });

describe('splitting: every strategy x chunk size x workers equals a sequential parse', function () {
  this.timeout(10 * 60 * 1000);
  let tmp: TempDir;
  let identity: string;
  before(() => {
    tmp = new TempDir('chunkscope-split-');
    identity = writeProcessor(tmp, 'identity.js', IDENTITY_PROCESSOR);
  });
  after(() => tmp.dispose());

  async function checkCsv(
    doc: CsvDoc,
    ext: string,
    extra: Partial<RunOptions>,
    linesAfterBlanks = false,
    sizer?: () => RunChunkSizer,
  ): Promise<void> {
    const expected = dictRowsReference(doc.text, doc.delimiter);
    const data = tmp.write(`data${ext}`, doc.text);
    const { rows, report } = sizer
      ? await runWithSizer({ data, processor: identity, ...extra }, sizer())
      : await runToRows(tmp, { data, processor: identity, ...extra });
    const where = `options ${JSON.stringify(extra)}\nCSV: ${JSON.stringify(doc.text)}`;
    assert.deepEqual(rows, expected, where);
    checkRecords(report, doc, true, fs.statSync(data).size, where, linesAfterBlanks);
    fs.rmSync(data);
  }

  /** Like runToRows, with every chunk's size planned by `sizer` as the run goes (adaptive chunking's path). */
  async function runWithSizer(
    options: Omit<RunOptions, 'out'>,
    sizer: RunChunkSizer,
  ): Promise<{ rows: unknown[]; report: RunReport }> {
    const out = tmp.path('out.ndjson');
    const report = await hangGuard(
      runDataset({ ...options, out }, { chunkSizer: sizer }),
      `run ${JSON.stringify(options)} with a chunk sizer`,
    );
    const rows = readNdjson(out);
    fs.rmSync(out, { force: true });
    return { rows, report };
  }

  /** The chunk records agree with the reference: rows, first rows, first lines, byte ranges. */
  function checkRecords(
    report: RunReport,
    doc: CsvDoc,
    header: boolean,
    size: number,
    where: string,
    linesAfterBlanks = false,
  ): void {
    const pos = recordPositions(doc.text, doc.delimiter);
    const starts = header ? pos.starts.slice(1) : pos.starts;
    // The data section starts after the header's line ending; blank lines between the header and the
    // first row may count on either side, so any start in that gap is accepted.
    const minStart = header ? pos.firstRecordEnd : doc.text.startsWith('\ufeff') ? 3 : 0;
    const maxStart = starts.length > 0 ? starts[0].byte : size;
    const dataStart = size - report.summary.bytes;
    const chunks = [...report.chunks].sort((a, b) => a.index - b.index);
    assert.equal(report.summary.rows, starts.length, `summary.rows; ${where}`);
    assert.ok(
      minStart <= dataStart && dataStart <= maxStart,
      `summary.bytes ${report.summary.bytes}: data must start in [${minStart}, ${maxStart}]; ${where}`,
    );
    let next = 1;
    for (const c of chunks) {
      const at = `chunk ${JSON.stringify(c)}; ${where}`;
      assert.equal(c.firstRow, next, `firstRow; ${at}`);
      next += c.rows;
      assert.equal(c.bytes, c.byteEnd - c.byteStart, `bytes; ${at}`);
      if (c.rows > 0) {
        const first = starts[c.firstRow - 1];
        assert.ok(
          c.byteStart <= first.byte && first.byte < c.byteEnd,
          `the first row (byte ${first.byte}) lies in the byte range; ${at}`,
        );
        // firstLine after skipped blank lines has its own test below, so that its failure stays distinct.
        if (pos.linesExact && (linesAfterBlanks || !first.afterBlank))
          assert.equal(c.firstLine, first.line, `firstLine; ${at}`);
      }
    }
    assert.equal(next - 1, starts.length, `rows sum; ${where}`);
    if (chunks.length > 0) {
      assert.equal(chunks[0].byteStart, dataStart, `first chunk starts where the data starts; ${where}`);
      for (let k = 1; k < chunks.length; k++)
        assert.equal(chunks[k].byteStart, chunks[k - 1].byteEnd, `ranges tile; ${where}`);
      assert.equal(chunks[chunks.length - 1].byteEnd, size, `last chunk ends at the end of the file; ${where}`);
    }
  }

  describe('the oracles agree with each other', () => {
    it('reference parser reads back what the encoder wrote (no blank-line rows)', () => {
      fc.assert(
        fc.property(
          fc
            .integer({ min: 2, max: 5 })
            .chain((n) =>
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

  it("every strategy: a chunk whose first row follows blank lines reports that row's line as firstLine", async () => {
    const blanky = fc
      .tuple(csvDocArb(','), fc.array(fc.nat(40), { minLength: 1, maxLength: 3 }))
      .filter(([doc]) => dictRowsReference(doc.text).length >= 2)
      .map(([doc, at]) => {
        // Put blank lines before some rows (after the line ending of the record before them).
        const pos = recordPositions(doc.text);
        const bytes = Buffer.from(doc.text);
        const cuts = [
          ...new Set(
            at.map((a) => pos.starts[2 + (a % (pos.starts.length - 2 || 1))]?.byte).filter((b) => b !== undefined),
          ),
        ].sort((x, y) => y - x);
        let buf = bytes;
        for (const b of cuts) buf = Buffer.concat([buf.subarray(0, b), Buffer.from('\n'), buf.subarray(b)]);
        return { text: buf.toString(), delimiter: ',' };
      });
    await fc.assert(
      fc.asyncProperty(blanky, fc.constantFrom(...STRATEGIES), configArb, async (doc, strategy, cfg) => {
        await checkCsv(doc, '.csv', { strategy, workers: cfg.workers, ...cfg.chunking }, true);
      }),
      { numRuns: RUNS, ...FC },
    );
  });

  it('every strategy: Python csv quirks (quote inside a field, text after a closing quote) give the reference rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        csvDocArb(',', { quirks: true }),
        fc.constantFrom(...STRATEGIES),
        configArb,
        async (doc, strategy, cfg) => {
          await checkCsv(doc, '.csv', { strategy, workers: cfg.workers, ...cfg.chunking });
        },
      ),
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
          const { rows, report } = await runToRows(tmp, { data, processor: identity, ...opts });
          const where = `options ${JSON.stringify(opts)}\nCSV: ${JSON.stringify(doc.text)}`;
          assert.deepEqual(rows, expected, where);
          checkRecords(report, doc, false, fs.statSync(data).size, where);
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

  it('every strategy but shared-columns: JSON array rows are JSON.parse of the file, in order', async () => {
    // Strings and nested arrays of objects that hold what a range's guessed start looks for (", {").
    const text = fc.oneof(
      fc.string({ maxLength: 5 }),
      fc.constantFrom(', {', '},{', '"', '\\', '[', ']', '東京', '🙂', ',\n  {'),
    );
    const keyArb = fc.oneof(fc.stringMatching(/^[a-zé東][a-z0-9]{0,3}$/), fc.constantFrom('a,b', 'x"y', '{'));
    const leaf = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
    const inner = fc.dictionary(keyArb, leaf, { maxKeys: 3 });
    const objArb = fc.dictionary(keyArb, fc.oneof(leaf, inner, fc.array(inner, { maxLength: 3 })), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(objArb, { minLength: 1, maxLength: 20 }),
        fc.constantFrom(0, 2, '\t'),
        fc.constantFrom('', '\n', ' \r\n'),
        fc.constantFrom('per-row', 'batches', 'byte-range') as fc.Arbitrary<'per-row' | 'batches' | 'byte-range'>,
        configArb,
        async (objs, indent, trail, strategy, cfg) => {
          const json = JSON.stringify(objs, null, indent) + trail;
          const expected = JSON.parse(json);
          const data = tmp.write('data.json', json);
          const opts = { strategy, workers: cfg.workers, ...cfg.chunking };
          const { rows, report } = await runToRows(tmp, { data, processor: identity, ...opts });
          const where = `options ${JSON.stringify(opts)}\nJSON: ${JSON.stringify(json)}`;
          assert.deepEqual(rows, expected, where);
          assert.equal(report.summary.rows, expected.length, where);
          // Chunk ranges tile the data section: each record in exactly one chunk.
          const chunks = [...report.chunks].sort((a, b) => a.index - b.index);
          let at = json.indexOf('[') + 1;
          for (const c of chunks) {
            if (c.rows === 0) continue;
            assert.equal(c.byteStart, at, `chunk ${JSON.stringify(c)}; ${where}`);
            at = c.byteEnd;
          }
          assert.equal(at, Buffer.byteLength(json), where);
          fs.rmSync(data);
        },
      ),
      { numRuns: RUNS * 2, ...FC },
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

  describe('long quoted fields full of fake rows', () => {
    // One quoted field holds 400 lines that each look like a valid 3-field row, spanning many
    // ranges: every range that starts inside it must be recognised as a wrong guess.
    let fake = '';
    for (let i = 0; i < 400; i++) fake += `${i},""q${i}"",${i}\n`;
    const TEXT = `a,b,c\n1,"${fake}",x\n2,y,z\n3,"${fake}\r\n",w\n4,v,u`;

    it('the reference parser sees 4 rows', () => {
      assert.equal(dictRowsReference(TEXT).length, 4);
    });

    for (const strategy of STRATEGIES) {
      for (const chunkBytes of [7, 64, 1000]) {
        it(`${strategy}, chunkBytes ${chunkBytes}, 2 workers`, async () => {
          await checkCsv({ text: TEXT, delimiter: ',' }, '.csv', { strategy, workers: 2, chunkBytes });
        });
      }
    }
  });

  it('duplicate header names: the last column wins, as in csv.DictReader', async function () {
    const TEXT = 'a,b,a\n1,2,3\n4,5,6\n';
    if (hasPython()) {
      const file = tmp.write('dup-py.csv', TEXT);
      assert.deepEqual(pythonDictRows(file), [
        { a: '3', b: '2' },
        { a: '6', b: '5' },
      ]);
    }
    for (const strategy of STRATEGIES) {
      await checkCsv({ text: TEXT, delimiter: ',' }, '.csv', { strategy, workers: 2, chunkBytes: 4 });
    }
  });

  describe('variable chunk sizes (chunking auto): sizes that change from chunk to chunk keep the rows exact', () => {
    const CHUNKED = STRATEGIES.filter((s) => s !== 'per-row');
    /** Chunk k gets schedule[k % length] bytes: sizes jump up and down, down to 1 byte, as adaptive sizing may. */
    const scheduleArb = fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 2, maxLength: 7 });
    const scheduled = (schedule: number[]) => (): RunChunkSizer => ({
      plan: (chunk) => schedule[chunk % schedule.length],
    });
    /** The real adaptive chunker, made to decide after every 2 chunks from tiny starts, so it grows and shrinks within small files. */
    const eager = (startBytes: number, workers: number, dataEnd: number) => (): RunChunkSizer =>
      new AdaptiveChunker({
        ...DEFAULTS.adaptive,
        workers,
        dataStart: 0,
        dataEnd,
        startBytes,
        minBytes: 1,
        maxBytes: 4096,
        overheadTarget: 0,
        minGain: -1,
        sampleChunksPerWorker: 1,
        sampleMsPerWorker: 0,
        meanRowBytes: 10,
      });

    for (const strategy of CHUNKED) {
      it(`${strategy}: random CSVs with a random size schedule give the reference rows and tiling ranges`, async () => {
        await fc.assert(
          fc.asyncProperty(
            csvDocArb(',', { quirks: true }),
            scheduleArb,
            fc.constantFrom(1, 2),
            async (doc, schedule, workers) => {
              await checkCsv(doc, '.csv', { strategy, workers }, false, scheduled(schedule));
            },
          ),
          { numRuns: RUNS, ...FC },
        );
      });

      it(`${strategy}: the adaptive chunker itself (growing from 1–16 bytes, shrinking at the tail) gives the reference rows`, async () => {
        await fc.assert(
          fc.asyncProperty(
            csvDocArb(','),
            fc.integer({ min: 1, max: 16 }),
            fc.constantFrom(1, 2),
            async (doc, start, workers) => {
              const size = Buffer.byteLength(doc.text);
              await checkCsv(doc, '.csv', { strategy, workers }, false, eager(start, workers, size));
            },
          ),
          { numRuns: RUNS, ...FC },
        );
      });
    }

    it('long quoted fields full of fake rows: every chunked strategy with a jumping schedule, 2 workers', async () => {
      let fake = '';
      for (let i = 0; i < 300; i++) fake += `${i},""q${i}"",${i}\n`;
      const text = `a,b,c\n1,"${fake}",x\n2,y,z\n3,"${fake}\r\n",w\n4,v,u`;
      for (const strategy of CHUNKED) {
        for (const schedule of [
          [5, 700, 3, 64],
          [1000, 1, 1, 1, 250],
          [9, 18, 36, 72, 144, 288, 576, 1152],
        ]) {
          await checkCsv({ text, delimiter: ',' }, '.csv', { strategy, workers: 2 }, false, scheduled(schedule));
        }
      }
    });

    it('the default options (chunking auto from 64 KiB) split the hostile-quotes CSV exactly, every strategy', async () => {
      let text = 'id,text,n\n';
      // Big enough (about 600 KB) that the adaptive chunker makes many chunks and reaches the tail.
      for (let i = 0; i < 6000; i++)
        text += i % 7 === 0 ? `${i},"multi\nline ${i},fake,row\n",${i}\n` : `${i},plain text ${i},${i * 3}\n`;
      for (const strategy of STRATEGIES) {
        for (const workers of [1, 2]) {
          const data = tmp.write('auto.csv', text);
          const { rows, report } = await runToRows(tmp, { data, processor: identity, strategy, workers });
          assert.deepEqual(rows, dictRowsReference(text), `${strategy}, ${workers} workers`);
          assert.equal(report.summary.chunking, strategy === 'per-row' ? 'fixed' : 'auto');
          checkRecords(
            report,
            { text, delimiter: ',' },
            true,
            fs.statSync(data).size,
            `${strategy}, ${workers} workers, default options`,
          );
          fs.rmSync(data);
        }
      }
    });
  });

  describe('chunks larger than the 16 KiB scan window (CSV text is scanned a window at a time)', () => {
    const WINDOW = 16 * 1024;
    // Rows of exactly 64 bytes: every window ends exactly where a row ends.
    const row64 = (i: number) => {
      const head = `${i},name ${i},`;
      return `${head}${'x'.repeat(63 - head.length)}\n`;
    };
    let aligned = 'id,name,pad\n';
    while (aligned.length < 24 * WINDOW + 11) aligned += row64(aligned.length);

    for (const strategy of STRATEGIES.filter((s) => s !== 'per-row')) {
      it(`${strategy}: windows that end exactly at a row end lose no row, and byte-range guesses all hold`, async () => {
        assert.equal(row64(1).length, 64);
        for (const chunkBytes of [3 * WINDOW, 20 * WINDOW + 17, 2 * 1024 * 1024]) {
          const data = tmp.write('aligned.csv', aligned);
          const { rows, report } = await runToRows(tmp, {
            data,
            processor: identity,
            strategy,
            workers: 2,
            chunkBytes,
          });
          assert.deepEqual(rows, dictRowsReference(aligned), `chunkBytes ${chunkBytes}`);
          checkRecords(
            report,
            { text: aligned, delimiter: ',' },
            true,
            fs.statSync(data).size,
            `${strategy}, chunkBytes ${chunkBytes}`,
          );
          // No quoted line feeds here, so every chunk start guessed after a line feed is right.
          assert.equal(report.summary.repairedChunks, 0, `chunkBytes ${chunkBytes}`);
          fs.rmSync(data);
        }
      });
    }

    it('records longer than the window (a 200 KB quoted field of fake rows, CRLF around it) come out whole, every strategy', async () => {
      let fake = '';
      for (let i = 0; fake.length < 200_000; i++) fake += `${i},""q${i}"",${i}\r\n`;
      let text = 'a,b,c\r\n';
      for (let i = 0; i < 3000; i++) text += `${i},plain ${i},${i}\r\n`;
      text += `x,"${fake}",y\r\n`;
      for (let i = 0; i < 3000; i++) text += `${i},"quoted, ${i}",${i}\n`;
      text += `z,"${fake}${fake}",w`; // the last record, longer than two windows, no line end
      for (const strategy of STRATEGIES) {
        for (const chunkBytes of strategy === 'per-row' ? [1] : [100_000, 700_000, 4 * 1024 * 1024]) {
          await checkCsv({ text, delimiter: ',' }, '.csv', { strategy, workers: 2, chunkBytes });
        }
      }
    });

    it('UTF-8 text (2-, 3- and 4-byte characters across window edges) comes out exact, every strategy', async () => {
      let text = 'id,name,note\n';
      for (let i = 0; text.length < 12 * WINDOW; i++) {
        text +=
          i % 5 === 0
            ? `${i},plain ${i},ascii only\n`
            : `${i},"名前 ${i} 🙂, ${'é'.repeat(i % 7)}",${'ü東'.repeat(i % 4)}\n`;
      }
      for (const strategy of STRATEGIES) {
        for (const chunkBytes of strategy === 'per-row' ? [1] : [3 * WINDOW + 1, 7 * WINDOW - 1, 4 * 1024 * 1024]) {
          await checkCsv({ text, delimiter: ',' }, '.csv', { strategy, workers: 2, chunkBytes });
        }
      }
      const data = tmp.write('utf8-windows.csv', text);
      const { report } = await runToRows(tmp, {
        data,
        processor: identity,
        strategy: 'byte-range',
        workers: 2,
        chunkBytes: 5 * WINDOW,
      });
      assert.equal(report.summary.repairedChunks, 0);
      fs.rmSync(data);
    });

    it('JSON Lines across windows (UTF-8, CRLF, blank lines, a line longer than two windows) come out exact, every strategy', async () => {
      const objects: unknown[] = [];
      let text = '';
      for (let i = 0; Buffer.byteLength(text) < 10 * WINDOW; i++) {
        const o =
          i === 700
            ? { i, long: 'ß'.repeat(3 * WINDOW) }
            : { i, name: i % 3 ? `row ${i}` : `ряд ${i} 東京 🙂`, v: i / 7 };
        objects.push(o);
        text += JSON.stringify(o) + (i % 4 ? '\n' : '\r\n') + (i % 50 === 0 ? '\n' : '');
      }
      const data = tmp.write('windows.jsonl', text);
      for (const strategy of STRATEGIES) {
        for (const chunkBytes of strategy === 'per-row' ? [1] : [3 * WINDOW + 1, 4 * 1024 * 1024]) {
          const { rows, report } = await runToRows(tmp, {
            data,
            processor: identity,
            strategy,
            workers: 2,
            chunkBytes,
          });
          assert.deepEqual(rows, objects, `${strategy}, chunkBytes ${chunkBytes}`);
          assert.equal(report.summary.rows, objects.length);
          if (strategy === 'byte-range') assert.equal(report.summary.repairedChunks, 0);
        }
      }
      fs.rmSync(data);
    });

    it('an invalid JSON line past the first window, after UTF-8 text, is reported at its own line and byte offset', async () => {
      let text = '';
      for (let i = 0; Buffer.byteLength(text) < 3 * WINDOW; i++) text += JSON.stringify({ i, s: `東京 ${i}` }) + '\n';
      const badLine = text.split('\n').length;
      const badByte = Buffer.byteLength(text);
      text += '{"broken": \n';
      for (let i = 0; i < 500; i++) text += JSON.stringify({ i }) + '\n';
      const data = tmp.write('bad-late.jsonl', text);
      const out = tmp.path('bad-late-jsonl.ndjson');
      await hangGuard(
        runDataset({
          data,
          processor: identity,
          strategy: 'byte-range',
          workers: 2,
          chunkBytes: 1024 * 1024,
          onError: 'skip',
          out,
        }),
        'JSON Lines with a bad line',
      );
      const errors = readNdjson(`${out}.errors.ndjson`) as { line: number; byteOffset: number }[];
      assert.equal(errors.length, 1);
      assert.equal(errors[0].line, badLine, JSON.stringify(errors[0]));
      assert.equal(errors[0].byteOffset, badByte, JSON.stringify(errors[0]));
      fs.rmSync(data);
    });

    it('a bad row past the first window, after UTF-8 text, is reported at its own line and byte offset', async () => {
      let text = 'a,b,c\n';
      for (let i = 0; i < 4000; i++) text += `${i},row ${i},${i}\n`; // about 60 KB
      // UTF-8 before the bad row: its byte offset is not its character offset.
      for (let i = 4000; i < 9000; i++) text += i % 3 ? `${i},row ${i},${i}\n` : `${i},"ряд ${i}, 東",${i}\n`;
      const badLine = text.split('\n').length; // the bad row's 1-based line
      const badByte = Buffer.byteLength(text);
      const badChar = text.length;
      text += 'only,two\n';
      for (let i = 9000; i < 12000; i++) text += `${i},row ${i},${i}\n`;
      assert.ok(
        badByte > 2 * WINDOW && badByte > badChar,
        `the bad row starts past two windows (${badByte}), after multi-byte characters`,
      );
      const data = tmp.write('bad-late.csv', text);
      for (const strategy of ['byte-range', 'batches'] as const) {
        const out = tmp.path('bad-late.ndjson');
        const report = await hangGuard(
          runDataset({
            data,
            processor: identity,
            strategy,
            workers: 2,
            chunkBytes: 1024 * 1024,
            onError: 'skip',
            out,
          }),
          `${strategy} with a bad row`,
        );
        const errors = readNdjson(`${out}.errors.ndjson`) as { line: number; byteOffset: number; row: number }[];
        assert.equal(errors.length, 1, strategy);
        assert.equal(errors[0].line, badLine, `${strategy}: ${JSON.stringify(errors[0])}`);
        assert.equal(errors[0].byteOffset, badByte, `${strategy}: ${JSON.stringify(errors[0])}`);
        assert.equal(report.summary.rows, 12001, strategy); // the bad row counts as read
        assert.equal(report.summary.skippedRows, 1, strategy);
        fs.rmSync(out, { force: true });
        fs.rmSync(`${out}.errors.ndjson`, { force: true });
      }
      fs.rmSync(data);
    });
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
