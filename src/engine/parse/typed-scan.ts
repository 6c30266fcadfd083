// The CSV record scanner for `types: 'infer'` rows: scanCsv's record rules exactly (csv-scan.ts),
// but a field that is a plain decimal number is parsed from the window's bytes as the columnar
// scanner parses it, with no JS string made for it, and becomes a number. Every other field is cut
// from the decoded text and inferred as before (inferValue), so the rows equal scanCsv's fields
// mapped through inferValue: the same doubles, and '' / quoted / exponent / whitespace / 'Infinity'
// fields exactly as inferValue treats them. Runs on ASCII windows only, where byte i is character i.

import type { ScanResult } from './csv-scan';
import { inferValue } from './row-shape';

const QUOTE = 34;
const LF = 10;
const CR = 13;
const MAX_EXACT = 9007199254740991; // 2^53 - 1
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * False for a delimiter that can be part of a number (a digit, '+', '-', '.', 'e'/'E'): the fast
 * path could then read across a field's end, so such files keep the string path.
 */
export function typedScanSupports(delimiter: number): boolean {
  return !((delimiter >= 48 && delimiter <= 57) || [43, 45, 46, 69, 101].includes(delimiter) || delimiter < 0);
}

/**
 * 1 at [c + 1] for a first character c that can start what inferValue makes a number: a digit, '-',
 * '+' or '.' (c is -1 past the text). A table, not compares: a compare first reached late in a run
 * (the first field starting with '-', the first empty field at a window's end) had no feedback in
 * optimized code and deoptimized the scanner in every worker.
 */
const NUMBER_START = new Uint8Array(257);
for (const c of [43, 45, 46, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57]) NUMBER_START[c + 1] = 1;

/** Takes each typed record; returning false stops the scan after that record. */
export interface TypedCsvRecordSink {
  typedRecord(fields: (string | number)[], recordStart: number): boolean | void;
}

/**
 * Scans records whose first character lies in [start, limit) of `text`, whose bytes are `bytes`
 * (ASCII: bytes[i] === text.charCodeAt(i), and bytes.length === text.length). Fields go to
 * `sink.typedRecord` typed as inferValue types them (the array is reused: copy what you keep).
 * A sink object and one exit, as in scanCsv, for the same reason: no deoptimization per chunk or
 * per kind of window end.
 */
export function scanCsvTyped(
  text: string,
  bytes: Uint8Array,
  start: number,
  limit: number,
  delimiter: number,
  atEof: boolean,
  sink: TypedCsvRecordSink,
): ScanResult {
  const n = text.length;
  const fields: (string | number)[] = [];
  let i = start;
  const delimiterChar = String.fromCharCode(delimiter);
  const nativeSearch = text.indexOf('\r', start) < 0;
  let nextLf = -1;
  let nextDelimiter = -1;
  let stop = -1;
  let incomplete = false;
  let unterminatedQuoteAt = -1;
  records: while (i < n && i < limit) {
    const recordStart = i;
    let c = bytes[i];
    if (c === LF) {
      i++;
      continue;
    }
    if (c === CR) {
      if (i + 1 < n) {
        if (bytes[i + 1] === LF) {
          i += 2;
          continue;
        }
      } else if (!atEof) {
        incomplete = true;
        stop = recordStart;
        break;
      }
    }
    let count = 0;
    for (;;) {
      let value: string | number;
      c = i < n ? bytes[i] : -1;
      if (c === QUOTE) {
        // Quoted fields as scanCsv cuts them, then inferred: '"1.5"' is 1.5 there too.
        let segment = i + 1;
        let unquoted = '';
        for (;;) {
          const q = text.indexOf('"', segment);
          const unclosed = q < 0;
          if (unclosed || (q + 1 >= n && !atEof)) {
            if (unclosed && atEof) unterminatedQuoteAt = recordStart;
            else incomplete = true;
            stop = recordStart;
            break records;
          }
          if (bytes[q + 1] === QUOTE) {
            unquoted += text.slice(segment, q + 1);
            segment = q + 2;
            continue;
          }
          unquoted += text.slice(segment, q);
          i = q + 1;
          break;
        }
        const tail = i;
        while (i < n) {
          c = bytes[i];
          if (c === delimiter || c === LF || c === CR) break;
          i++;
        }
        if (i > tail) unquoted += text.slice(tail, i);
        value = inferValue(unquoted);
      } else if (c < 0) {
        // An empty last field at the end of the text. Said here, not found by the text-field
        // search below, whose compares no earlier field of a numeric file may have reached.
        value = '';
      } else {
        const fieldStart = i;
        let number = NaN;
        const numeric = NUMBER_START[c + 1] === 1;
        if (numeric) {
          // [-+]digits[.digits] up to the field's end, accumulated in one pass as in
          // columnar-scan.ts. Exact (equal to Number() of the text) when the digits fit in 2^53
          // and the power of ten is exactly representable: one correctly rounded division.
          let j = i;
          let negative = false;
          if (c === 45 || c === 43) {
            negative = c === 45;
            j++;
          }
          const digitsStart = j;
          let mantissa = 0;
          // Past the bytes counts as a non-digit (-48). Not read there: an out-of-bounds read
          // deoptimized the scanner the first time a window ended in a number.
          let digit = j < n ? bytes[j] - 48 : -48;
          while (digit >>> 0 <= 9) {
            mantissa = mantissa * 10 + digit;
            digit = ++j < n ? bytes[j] - 48 : -48;
          }
          let digits = j - digitsStart;
          let fraction = 0;
          if (digit === -2) {
            const fractionStart = ++j;
            digit = j < n ? bytes[j] - 48 : -48;
            while (digit >>> 0 <= 9) {
              mantissa = mantissa * 10 + digit;
              digit = ++j < n ? bytes[j] - 48 : -48;
            }
            fraction = j - fractionStart;
            digits += fraction;
          }
          if (digits > 0 && mantissa <= MAX_EXACT && fraction <= 22) {
            const e = j < n ? bytes[j] : -1;
            if (e === -1 || e === delimiter || e === LF || e === CR) {
              number = fraction === 0 ? mantissa : mantissa / POW10[fraction];
              if (negative) number = -number;
              i = j;
            }
          }
        }
        if (number === number) value = number;
        else {
          if (nativeSearch) {
            // Without CRs a field ends at the next delimiter or LF; indexOf finds both natively.
            if (nextLf < i) {
              nextLf = text.indexOf('\n', i);
              if (nextLf < 0) nextLf = n;
            }
            if (nextDelimiter < i) {
              nextDelimiter = text.indexOf(delimiterChar, i);
              if (nextDelimiter < 0) nextDelimiter = n;
            }
            i = nextDelimiter < nextLf ? nextDelimiter : nextLf;
          } else {
            while (i < n) {
              c = bytes[i];
              if (c === delimiter || c === LF || c === CR) break;
              i++;
            }
          }
          const raw = text.slice(fieldStart, i);
          // Exponents, long digit strings and the like: inferValue decides, as on the string path.
          value = numeric ? inferValue(raw) : raw;
        }
      }
      fields[count++] = value;
      if (i >= n) {
        if (!atEof) {
          incomplete = true;
          stop = recordStart;
          break records;
        }
        break;
      }
      c = bytes[i];
      if (c === delimiter) {
        i++;
        continue;
      }
      if (c === LF) {
        i++;
        break;
      }
      // CR: a CRLF pair ends the record; a lone CR too (Python treats it as a line end).
      if (i + 1 < n) {
        i += bytes[i + 1] === LF ? 2 : 1;
        break;
      }
      if (!atEof) {
        incomplete = true;
        stop = recordStart;
        break records;
      }
      i++;
      break;
    }
    if (fields.length !== count) fields.length = count;
    if (sink.typedRecord(fields, recordStart) === false) break;
  }
  return unterminatedQuoteAt >= 0
    ? { stop, incomplete: false, unterminatedQuoteAt }
    : { stop: stop >= 0 ? stop : i, incomplete };
}
