// A CSV record scanner over a decoded JS string, with Python csv module semantics (the default
// "excel" dialect, strict=False): a quote is special only at the start of a field; inside quotes a
// doubled quote is one quote; characters after a closing quote up to the delimiter are kept as they
// are; records end at LF or CRLF; blank lines are skipped (as csv.DictReader does).
//
// Working on a decoded string rather than bytes lets V8 cut fields as cheap substrings; the
// caller maps character positions back to byte offsets only where a location must be reported.

const QUOTE = 34;
const LF = 10;
const CR = 13;

export interface ScanResult {
  /** Character position where scanning stopped: the start of the first record not consumed. */
  stop: number;
  /** True when the record at `stop` starts before `limit` but the text ended before it did. */
  incomplete: boolean;
  /** Set when the text ends inside a quoted field at end of file. */
  unterminatedQuoteAt?: number;
}

/**
 * Scans records whose first character lies in [start, limit). Each record's fields go to `onRecord`
 * (the array is reused: copy what you keep) with the record's start position. `atEof` says the text
 * ends where the file ends; otherwise a record running past the text is reported as incomplete so
 * the caller can read more and scan again from `stop`.
 */
export function scanCsv(
  text: string,
  start: number,
  limit: number,
  delimiter: number,
  atEof: boolean,
  onRecord: (fields: string[], recordStart: number) => boolean | void,
): ScanResult {
  const n = text.length;
  const fields: string[] = [];
  let i = start;
  const delimiterChar = String.fromCharCode(delimiter);
  const nativeSearch = delimiter >= 0 && text.indexOf('\r', start) < 0;
  let nextLf = -1;
  let nextDelimiter = -1;
  while (i < n && i < limit) {
    const recordStart = i;
    let c = text.charCodeAt(i);
    if (c === LF) {
      i++;
      continue;
    }
    if (c === CR) {
      if (i + 1 < n) {
        if (text.charCodeAt(i + 1) === LF) {
          i += 2;
          continue;
        }
      } else if (!atEof) {
        return { stop: recordStart, incomplete: true };
      }
    }
    // Fields overwrite the previous record's in place; the length is set only when it differs, since
    // setting an array's length is a runtime call (1–1.5 % of a worker's time once per record).
    let count = 0;
    for (;;) {
      let value: string;
      if (i < n && text.charCodeAt(i) === QUOTE) {
        let segment = i + 1;
        value = '';
        for (;;) {
          const q = text.indexOf('"', segment);
          if (q < 0) {
            if (atEof) return { stop: recordStart, incomplete: false, unterminatedQuoteAt: recordStart };
            return { stop: recordStart, incomplete: true };
          }
          if (q + 1 >= n && !atEof) return { stop: recordStart, incomplete: true };
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(segment, q + 1);
            segment = q + 2;
            continue;
          }
          value += text.slice(segment, q);
          i = q + 1;
          break;
        }
        // Python keeps characters that follow a closing quote, up to the delimiter.
        const tail = i;
        while (i < n) {
          c = text.charCodeAt(i);
          if (c === delimiter || c === LF || c === CR) break;
          i++;
        }
        if (i > tail) value += text.slice(tail, i);
      } else if (nativeSearch) {
        // Without CRs a field ends at the next delimiter or LF; indexOf finds both natively.
        const fieldStart = i;
        if (nextLf < i) {
          nextLf = text.indexOf('\n', i);
          if (nextLf < 0) nextLf = n;
        }
        if (nextDelimiter < i) {
          nextDelimiter = text.indexOf(delimiterChar, i);
          if (nextDelimiter < 0) nextDelimiter = n;
        }
        i = nextDelimiter < nextLf ? nextDelimiter : nextLf;
        value = text.slice(fieldStart, i);
      } else {
        const fieldStart = i;
        while (i < n) {
          c = text.charCodeAt(i);
          if (c === delimiter || c === LF || c === CR) break;
          i++;
        }
        value = text.slice(fieldStart, i);
      }
      fields[count++] = value;
      if (i >= n) {
        if (!atEof) return { stop: recordStart, incomplete: true };
        break;
      }
      c = text.charCodeAt(i);
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
        i += text.charCodeAt(i + 1) === LF ? 2 : 1;
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

/** Counts LF characters in text[from, to): physical line numbers for error locations. */
export function countLines(text: string, from: number, to: number): number {
  let count = 0;
  let p = text.indexOf('\n', from);
  while (p >= 0 && p < to) {
    count++;
    p = text.indexOf('\n', p + 1);
  }
  return count;
}

/** Bytes of the UTF-8 encoding of text[0, charPos). Cheap for ASCII text (the common case). */
export function byteOffsetOf(text: string, charPos: number, asciiOnly: boolean): number {
  return asciiOnly ? charPos : Buffer.byteLength(text.slice(0, charPos), 'utf8');
}
