// The JSON array tokenizer (src/engine/parse/json-array-scan.ts): random arrays of random objects,
// pretty-printed and compact, scanned the way the worker scans (windows that end anywhere, a record
// cut by a window's end is scanned again from its start) and split the way the main thread splits
// (bytes fed in pieces of every size): the elements found are JSON.parse of the whole file.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  JsonArrayBoundaryScanner,
  guessRecordStart,
  jsonErrorPosition,
  scanJsonArray,
  UNPARSED,
  type JsonArrayScanResult,
} from '../../../src/engine/parse/json-array-scan';

const FC = { endOnFailure: !process.env.FC_SHRINK, verbose: 1 as const };
const RUNS = Number(process.env.FC_RUNS || 60);

// Strings full of what a tokenizer could mistake for structure.
const tricky = fc.constantFrom(
  ',',
  ']',
  '[',
  '}',
  '{',
  '"',
  '\\',
  '\\"',
  '},{',
  '],[',
  '\n',
  'é',
  '東京',
  '🙂',
  ' ',
  ', {',
);
const stringArb = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.array(tricky, { maxLength: 5 }).map((a) => a.join('')),
);
const valueArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringArb,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(stringArb, tie('value'), { maxKeys: 3 }),
  ),
})).value;
const objectArb = fc.dictionary(stringArb, valueArb, { maxKeys: 4 });
const docArb = fc
  .record({
    rows: fc.array(objectArb, { minLength: 1, maxLength: 12 }),
    indent: fc.constantFrom(0, 1, 2, '\t'),
    lead: fc.constantFrom('', ' ', '\n', '\r\n  '),
    trail: fc.constantFrom('', '\n', ' \r\n\t'),
  })
  .map(({ rows, indent, lead, trail }) => ({ rows, text: `${lead}${JSON.stringify(rows, null, indent)}${trail}` }));

/** The worker's way: windows of `window` characters; a record a window cuts is scanned again in the next. */
function scanInWindows(text: string, from: number, window: number): { elements: unknown[]; ends: number[] } {
  const elements: unknown[] = [];
  const ends: number[] = [];
  let offset = from;
  let size = window;
  for (;;) {
    const end = Math.min(text.length, offset + size);
    const last = end === text.length;
    const piece = text.slice(offset, end);
    const scan: JsonArrayScanResult = scanJsonArray(piece, 0, piece.length, last, (s, e, _r, value) => {
      const parsed = JSON.parse(piece.slice(s, e));
      // The fast path's value (flat objects) is the element's own.
      if (value !== UNPARSED) assert.deepEqual(value, parsed);
      elements.push(parsed);
    });
    assert.equal(scan.problem, undefined, `no problem in valid JSON: ${JSON.stringify(scan.problem)}`);
    if (scan.incomplete && scan.stop === 0) {
      size *= 2;
      continue;
    }
    offset += scan.stop;
    ends.push(offset);
    size = window;
    if (last && !scan.incomplete) return { elements, ends };
  }
}

/** The main thread's way: bytes fed in pieces of `piece` bytes; the record ends found. */
function boundaries(bytes: Uint8Array, from: number, piece: number): number[] {
  const scanner = new JsonArrayBoundaryScanner();
  const ends: number[] = [];
  for (let p = from; p < bytes.length; p += piece) {
    const to = Math.min(bytes.length, p + piece);
    let i = p;
    while (i < to) i = scanner.scan(bytes, i, to, (end) => void ends.push(end));
  }
  scanner.finish(bytes.length, (end) => void ends.push(end));
  return ends;
}

/** Record ends (after each top-level comma, then the end) from the whole text in one go, in bytes. */
function referenceEnds(text: string, from: number): number[] {
  const ends: number[] = [];
  const scan = scanJsonArray(text, from, text.length, true, (_s, _e, recordStart) => {
    if (recordStart > from) ends.push(Buffer.byteLength(text.slice(0, recordStart)));
  });
  assert.equal(scan.problem, undefined);
  ends.push(Buffer.byteLength(text));
  return ends;
}

describe('json array scan: the tokenizer finds exactly the elements JSON.parse finds', function () {
  this.timeout(120_000);

  it('worker windows of every size (1 to the whole text) give JSON.parse(whole), pretty and compact', () => {
    fc.assert(
      fc.property(docArb, ({ text }) => {
        const rows = JSON.parse(text) as unknown[];
        const from = text.indexOf('[') + 1;
        for (let window = 1; window <= text.length + 1; window += window < 40 ? 1 : 17) {
          const { elements } = scanInWindows(text, from, window);
          assert.deepEqual(elements, rows, `window ${window}: ${JSON.stringify(text)}`);
        }
      }),
      { ...FC, numRuns: RUNS },
    );
  });

  it('main-thread boundaries fed in pieces of every size equal the records the worker finds', () => {
    fc.assert(
      fc.property(docArb, ({ text }) => {
        const bytes = Buffer.from(text);
        const from = Buffer.byteLength(text.slice(0, text.indexOf('[') + 1));
        const want = referenceEnds(text, text.indexOf('[') + 1);
        for (let piece = 1; piece <= bytes.length; piece += piece < 20 ? 1 : 13) {
          assert.deepEqual(boundaries(bytes, from, piece), want, `piece ${piece}: ${JSON.stringify(text)}`);
        }
      }),
      { ...FC, numRuns: RUNS },
    );
  });

  it('a guessed start is either a true record start or is inside a record', () => {
    fc.assert(
      fc.property(docArb, fc.nat(), ({ text }, at) => {
        const bytes = Buffer.from(text);
        const cut = at % bytes.length;
        const guess = guessRecordStart(bytes, cut, bytes.length);
        if (guess < 0) return;
        assert.ok(guess > cut && bytes[guess - 1] === 44, 'just after a comma at or after the cut');
      }),
      { ...FC, numRuns: RUNS },
    );
  });

  it('a guess skips commas between the objects of a nested array', () => {
    const text = Buffer.from('[{"t":[{"a":1},{"b":"x,{y"}]},{"id":2},\n {"id":3}]');
    assert.equal(guessRecordStart(text, 2, text.length), text.indexOf(',{"id":2}') + 1);
    assert.equal(guessRecordStart(text, text.indexOf('{"id":2}'), text.length), text.indexOf(',\n {"id":3}') + 1);
    assert.equal(guessRecordStart(text, text.indexOf('{"id":3}'), text.length), -1);
  });

  it('names structural errors with their exact offsets', () => {
    const problem = (text: string) => scanJsonArray(text, 1, text.length, true, () => {}).problem;
    assert.deepEqual(problem('[{"a":1},{"a":2}'), {
      at: 16,
      message: 'unclosed array: the file ends before the closing "]"',
    });
    assert.deepEqual(problem('[{"a":1},'), { at: 9, message: 'unclosed array: the file ends before the closing "]"' });
    assert.match(problem('[{"a":1} {"a":2}]')!.message, /unexpected "\{" after a record: expected "," or "\]"/);
    assert.equal(problem('[{"a":1} {"a":2}]')!.at, 9);
    assert.equal(problem('[{"a":1}] x')!.at, 10);
    assert.match(problem('[{"a":1}] x')!.message, /after the array's closing "\]"/);
    assert.equal(problem('[{"a":1},]')!.at, 9);
    assert.equal(problem('[{"a":1},,{}]')!.at, 9);
    assert.deepEqual(problem('[{"a":"x\\"]'), {
      at: 1,
      message: 'unclosed object: the file ends before the record that starts here does',
    });
    assert.equal(problem('[{"a":1}]  \n'), undefined);
    // Not at the end of the file, an unfinished record is incomplete, never an error.
    const partial = scanJsonArray('[{"a":1},{"a":', 1, 14, false, () => {});
    assert.deepEqual(partial, { stop: 9, incomplete: true });
  });

  it("locates JSON.parse's errors, with or without a position in its message", () => {
    for (const [text, at] of [
      ['{"a": @}', 6],
      ['{"a": 1 x}', 8],
      ['{"a": [1,]}', 9],
      ['{"a": tru}', 9],
    ] as const) {
      let message = '';
      try {
        JSON.parse(text);
      } catch (error) {
        message = (error as Error).message;
      }
      assert.equal(jsonErrorPosition(text, message), at, `${text}: ${message}`);
    }
  });
});
