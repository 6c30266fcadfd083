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

/** Takes each record a scanner finds; returning false stops the scan after that record. */
export interface CsvRecordSink {
  record(fields: string[], recordStart: number): boolean | void;
}

/**
 * Scans records whose first character lies in [start, limit). Each record's fields go to
 * `sink.record` (the array is reused: copy what you keep) with the record's start position. A sink
 * object rather than a callback: a worker passes one instance of one class per chunk, so the call
 * keeps one target in optimized code, where a closure made per chunk was a new target each chunk
 * and cost a deoptimization. `atEof` says the text
 * ends where the file ends; otherwise a record running past the text is reported as incomplete so
 * the caller can read more and scan again from `stop`.
 */
export function scanCsv(
  text: string,
  start: number,
  limit: number,
  delimiter: number,
  atEof: boolean,
  sink: CsvRecordSink,
): ScanResult {
  const n = text.length;
  const fields: string[] = [];
  let i = start;
  const delimiterChar = String.fromCharCode(delimiter);
  const nativeSearch = delimiter >= 0 && text.indexOf('\r', start) < 0;
  let nextLf = -1;
  let nextDelimiter = -1;
  // One exit for every outcome (the loop breaks out with these set). An early return of its own
  // was a site optimized code had no feedback for until some window first ended there, and each
  // cost a deoptimization and a recompile of this function in every worker (bench/README.md); the
  // branches that end a scan hold no compare or call of their own for the same reason.
  let stop = -1;
  let incomplete = false;
  let unterminatedQuoteAt = -1;
  records: while (i < n && i < limit) {
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
        incomplete = true;
        stop = recordStart;
        break;
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
          const unclosed = q < 0;
          if (unclosed || (q + 1 >= n && !atEof)) {
            // The text ends inside the quotes: at the end of the file the quote is never closed.
            if (unclosed && atEof) unterminatedQuoteAt = recordStart;
            else incomplete = true;
            stop = recordStart;
            break records;
          }
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
        if (!atEof) {
          incomplete = true;
          stop = recordStart;
          break records;
        }
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
      if (!atEof) {
        incomplete = true;
        stop = recordStart;
        break records;
      }
      i++;
      break;
    }
    if (fields.length !== count) fields.length = count;
    if (sink.record(fields, recordStart) === false) break;
  }
  return unterminatedQuoteAt >= 0
    ? { stop, incomplete: false, unterminatedQuoteAt }
    : { stop: stop >= 0 ? stop : i, incomplete };
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
