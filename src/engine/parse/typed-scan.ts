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

/** A first character that can start what inferValue makes a number: a digit, '-', '+' or '.'. */
function mayBeNumber(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46;
}

/**
 * Scans records whose first character lies in [start, limit) of `text`, whose bytes are `bytes`
 * (ASCII: bytes[i] === text.charCodeAt(i), and bytes.length === text.length). Fields go to
 * `onRecord` typed as inferValue types them (the array is reused: copy what you keep).
 */
export function scanCsvTyped(
  text: string,
  bytes: Uint8Array,
  start: number,
  limit: number,
  delimiter: number,
  atEof: boolean,
  onRecord: (fields: (string | number)[], recordStart: number) => boolean | void,
): ScanResult {
  const n = text.length;
  const fields: (string | number)[] = [];
  let i = start;
  const delimiterChar = String.fromCharCode(delimiter);
  const nativeSearch = text.indexOf('\r', start) < 0;
  let nextLf = -1;
  let nextDelimiter = -1;
  while (i < n && i < limit) {
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
        return { stop: recordStart, incomplete: true };
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
          if (q < 0) {
            if (atEof) return { stop: recordStart, incomplete: false, unterminatedQuoteAt: recordStart };
            return { stop: recordStart, incomplete: true };
          }
          if (q + 1 >= n && !atEof) return { stop: recordStart, incomplete: true };
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
      } else {
        const fieldStart = i;
        let number = NaN;
        const numeric = mayBeNumber(c);
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
          // `| 0` turns a read past the bytes (undefined) into 0, which is not a digit.
          let digit = (bytes[j] | 0) - 48;
          while (digit >>> 0 <= 9) {
            mantissa = mantissa * 10 + digit;
            digit = (bytes[++j] | 0) - 48;
          }
          let digits = j - digitsStart;
          let fraction = 0;
          if (digit === -2) {
            const fractionStart = ++j;
            digit = (bytes[j] | 0) - 48;
            while (digit >>> 0 <= 9) {
              mantissa = mantissa * 10 + digit;
              digit = (bytes[++j] | 0) - 48;
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
        if (!atEof) return { stop: recordStart, incomplete: true };
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
      if (!atEof) return { stop: recordStart, incomplete: true };
      i++;
      break;
    }
    if (fields.length !== count) fields.length = count;
    if (onRecord(fields, recordStart) === false) return { stop: i, incomplete: false };
  }
  return { stop: i, incomplete: false };
}
