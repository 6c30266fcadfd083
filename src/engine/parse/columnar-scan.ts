// The columnar fast path: scans CSV bytes directly (no decode, no string per field) and parses
// numeric columns straight into Float64Arrays. Text columns keep only byte spans and are decoded
// on first access. Record boundaries follow exactly the rules of csv-parse.ts (Python semantics).

import { scanCsv, type CsvRecordSink } from './csv-scan';
import { isNumericText } from './row-shape';

const QUOTE = 34;
const LF = 10;
const CR = 13;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

export interface ColumnarScan {
  length: number;
  numeric: (Float64Array | null)[];
  spanStart: (Int32Array | null)[];
  spanEnd: (Int32Array | null)[];
  /** Byte offsets (relative to the buffer) of each record's start. */
  recordStarts: Int32Array;
  stop: number;
  /** Line feeds in [start, stop): counted while scanning, for the chunk's line numbers. */
  lineFeeds: number;
  incomplete: boolean;
  unterminatedQuoteAt?: number;
  problems: { record: number; recordStart: number; message: string }[];
}

function grow<T extends Int32Array | Float64Array>(array: T, size: number): T {
  if (size <= array.length) return array;
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2));
  bigger.set(array);
  return bigger;
}

/** Parses bytes [s, e) as a decimal number; exact for up to 15 significant digits (Clinger's fast path). */
export function parseDecimal(buf: Uint8Array, s: number, e: number): number {
  if (s === e) return NaN;
  let i = s;
  let negative = false;
  let c = buf[i];
  if (c === 45 || c === 43) {
    negative = c === 45;
    i++;
  }
  let mantissa = 0;
  let significant = 0;
  let exponent = 0;
  let digits = 0;
  let dot = false;
  for (; i < e; i++) {
    c = buf[i];
    if (c >= 48 && c <= 57) {
      digits++;
      // Past 15 significant digits the fast path could round differently from Number().
      if (significant === 15) return slowParse(buf, s, e);
      if (mantissa !== 0 || c !== 48) significant++;
      mantissa = mantissa * 10 + (c - 48);
      if (dot) exponent--;
    } else if (c === 46 && !dot) {
      dot = true;
    } else {
      // Exponents, whitespace and anything unusual take the exact slow path.
      return slowParse(buf, s, e);
    }
  }
  if (digits === 0) return slowParse(buf, s, e);
  let value: number;
  if (exponent === 0) value = mantissa;
  else if (exponent >= -22) value = mantissa / POW10[-exponent];
  else return slowParse(buf, s, e);
  return negative ? -value : value;
}

function slowParse(buf: Uint8Array, s: number, e: number): number {
  return parseTextNumber(Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('utf8'));
}

// A plain function, not a closure: locals a closure captures live in a heap context, and the hot
// loop below would then load and store them through memory instead of registers.
function scanResult(
  length: number,
  numeric: (Float64Array | null)[],
  spanStart: (Int32Array | null)[],
  spanEnd: (Int32Array | null)[],
  recordStarts: Int32Array,
  problems: ColumnarScan['problems'],
  stop: number,
  lineFeeds: number,
  incomplete: boolean,
  unterminatedQuoteAt?: number,
): ColumnarScan {
  return {
    length,
    numeric,
    spanStart,
    spanEnd,
    recordStarts,
    stop,
    lineFeeds,
    incomplete,
    unterminatedQuoteAt,
    problems,
  };
}

/**
 * Scans records starting in [start, limit) of `buf` (bytes up to `end` are available; `atEof`
 * says `end` is the end of the file). `numericColumns[c]` marks the columns parsed as numbers.
 */
export function scanColumns(
  buf: Uint8Array,
  start: number,
  limit: number,
  end: number,
  delimiter: number,
  atEof: boolean,
  width: number,
  numericColumns: boolean[],
  bytesPerRecord = 32,
): ColumnarScan {
  // Sized from the caller's estimate of a record's bytes (grown if short): allocating several times
  // what a chunk needs cost two workers about a third of their parse time (bench/README.md).
  let capacity = Math.max(16, Math.ceil((limit - start) / Math.max(1, bytesPerRecord)));
  // Filled by push, not made by map(): map's result array took another elements kind when the
  // scan itself was optimized than when it was not, and the scan deoptimized on it in every worker.
  const numeric: (Float64Array | null)[] = [];
  const spanStart: (Int32Array | null)[] = [];
  const spanEnd: (Int32Array | null)[] = [];
  for (let c = 0; c < numericColumns.length; c++) {
    const isNum = numericColumns[c];
    numeric.push(isNum ? new Float64Array(capacity) : null);
    spanStart.push(isNum ? null : new Int32Array(capacity));
    spanEnd.push(isNum ? null : new Int32Array(capacity));
  }
  let recordStarts = new Int32Array(capacity);
  const problems: ColumnarScan['problems'] = [];
  let length = 0;
  let i = start;
  // Counted here rather than by a second pass: that pass (an indexOf per line) cost a tenth of the
  // worker's time on the columnar path.
  let lineFeeds = 0;
  while (i < end && i < limit) {
    const recordStart = i;
    const lineFeedsBefore = lineFeeds;
    let c = buf[i];
    if (c === LF) {
      lineFeeds++;
      i++;
      continue;
    }
    if (c === CR) {
      if (i + 1 < end) {
        if (buf[i + 1] === LF) {
          lineFeeds++;
          i += 2;
          continue;
        }
      } else if (!atEof)
        return scanResult(
          length,
          numeric,
          spanStart,
          spanEnd,
          recordStarts,
          problems,
          recordStart,
          lineFeedsBefore,
          true,
        );
    }
    if (length === capacity) {
      capacity *= 2;
      recordStarts = grow(recordStarts, capacity);
      for (let col = 0; col < width; col++) {
        const num = numeric[col];
        if (num) numeric[col] = grow(num, capacity);
        const ss = spanStart[col];
        if (ss) spanStart[col] = grow(ss, capacity);
        const se = spanEnd[col];
        if (se) spanEnd[col] = grow(se, capacity);
      }
    }
    recordStarts[length] = recordStart;
    let field = 0;
    for (;;) {
      const fieldStart = i;
      let quoted = false;
      if (i < end && buf[i] === QUOTE) {
        quoted = true;
        i++;
        for (;;) {
          while (i < end && (c = buf[i]) !== QUOTE) {
            if (c === LF) lineFeeds++;
            i++;
          }
          if (i >= end) {
            if (atEof)
              return scanResult(
                length,
                numeric,
                spanStart,
                spanEnd,
                recordStarts,
                problems,
                recordStart,
                lineFeedsBefore,
                false,
                recordStart,
              );
            return scanResult(
              length,
              numeric,
              spanStart,
              spanEnd,
              recordStarts,
              problems,
              recordStart,
              lineFeedsBefore,
              true,
            );
          }
          if (i + 1 >= end && !atEof)
            return scanResult(
              length,
              numeric,
              spanStart,
              spanEnd,
              recordStarts,
              problems,
              recordStart,
              lineFeedsBefore,
              true,
            );
          if (buf[i + 1] === QUOTE) {
            i += 2;
            continue;
          }
          i++;
          break;
        }
      }
      const num = field < width ? numeric[field] : null;
      let value = NaN;
      if (num && !quoted) {
        // One pass: digits are accumulated while the field's end is searched; no bounds check in
        // the loops (see below).
        let negative = false;
        if (buf[i] === 45) {
          negative = true;
          i++;
        }
        const digitsStart = i;
        let mantissa = 0;
        // Integer digits, then (after a '.', digit value -2) the fraction's, each in a tight loop
        // with one unsigned compare per byte: about 1.5× faster than one loop that also looks for
        // the dot. `| 0` turns a read past the buffer (undefined) into 0, which is not a digit.
        let digit = (buf[i] | 0) - 48;
        while (digit >>> 0 <= 9) {
          mantissa = mantissa * 10 + digit;
          digit = (buf[++i] | 0) - 48;
        }
        let digits = i - digitsStart;
        let fraction = 0;
        if (digit === -2) {
          const fractionStart = ++i;
          digit = (buf[i] | 0) - 48;
          while (digit >>> 0 <= 9) {
            mantissa = mantissa * 10 + digit;
            digit = (buf[++i] | 0) - 48;
          }
          fraction = i - fractionStart;
          digits += fraction;
        }
        c = buf[i];
        const fieldEnds = i >= end || c === delimiter || c === LF || c === CR;
        // Exact when the digits fit in 2^53 and the power of ten is exactly representable.
        if (fieldEnds && digits > 0 && mantissa <= 9007199254740991 && fraction <= 22) {
          value = fraction === 0 ? mantissa : mantissa / POW10[fraction];
          if (negative) value = -value;
        } else {
          while (i < end) {
            c = buf[i];
            if (c === delimiter || c === LF || c === CR) break;
            i++;
          }
          value = parseDecimal(buf, fieldStart, i);
        }
      } else {
        while (i < end) {
          c = buf[i];
          if (c === delimiter || c === LF || c === CR) break;
          i++;
        }
      }
      if (field < width) {
        if (num) {
          if (quoted) value = parseTextNumber(decodeField(buf, fieldStart, i));
          num[length] = value;
          if (value !== value && i > fieldStart) {
            problems.push({
              record: length,
              recordStart,
              message: `column ${field + 1} is numeric but holds a value that is not a number`,
            });
          }
        } else {
          spanStart[field]![length] = fieldStart;
          spanEnd[field]![length] = i;
        }
      }
      field++;
      if (i >= end) {
        if (!atEof)
          return scanResult(
            length,
            numeric,
            spanStart,
            spanEnd,
            recordStarts,
            problems,
            recordStart,
            lineFeedsBefore,
            true,
          );
        break;
      }
      c = buf[i];
      if (c === delimiter) {
        i++;
        continue;
      }
      if (c === LF) {
        lineFeeds++;
        i++;
        break;
      }
      if (i + 1 < end) {
        if (buf[i + 1] === LF) {
          lineFeeds++;
          i += 2;
        } else i++;
        break;
      }
      if (!atEof)
        return scanResult(
          length,
          numeric,
          spanStart,
          spanEnd,
          recordStarts,
          problems,
          recordStart,
          lineFeedsBefore,
          true,
        );
      i++;
      break;
    }
    if (field !== width) {
      problems.push({ record: length, recordStart, message: `expected ${width} fields, found ${field}` });
      // Missing fields are empty: NaN, no text.
      for (let col = field; col < width; col++) {
        const num = numeric[col];
        if (num) num[length] = NaN;
        else {
          spanStart[col]![length] = i;
          spanEnd[col]![length] = i;
        }
      }
    }
    length++;
  }
  return scanResult(length, numeric, spanStart, spanEnd, recordStarts, problems, i, lineFeeds, false);
}

/** Keeps the first field of the first record. */
class FirstField implements CsvRecordSink {
  constructor(public value: string) {}
  record(fields: string[]): boolean {
    this.value = fields[0];
    return false;
  }
}

/** Decodes a text field's byte span with exactly the record scanner's rules (unquoting, doubled quotes). */
export function decodeField(buf: Uint8Array, s: number, e: number): string {
  const raw = Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('utf8');
  if (raw.charCodeAt(0) !== QUOTE) return raw;
  const first = new FirstField(raw);
  scanCsv(raw, 0, 1, -1, true, first);
  return first.value;
}

function parseTextNumber(text: string): number {
  return isNumericText(text.trim()) ? Number(text) : NaN;
}
