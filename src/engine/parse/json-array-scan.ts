// JSON arrays of records (`[{…}, {…}]`): finds the array's top-level elements without parsing
// them. Pure and browser-safe. A record is the text from just after the `[` or a top-level comma
// to just after the next top-level comma; the last record also holds the closing `]` and the white
// space after it, so records tile the data section exactly as lines do in JSON Lines. Elements are
// found by bracket depth, skipping strings (with their escapes); JSON.parse then checks each one.

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;

const isSpace = (c: number) => c === SPACE || c === LF || c === CR || c === TAB;

export interface JsonArrayProblem {
  /** Character position of the problem. */
  at: number;
  message: string;
}

export interface JsonArrayScanResult {
  /** Where scanning stopped: the start of the first record not consumed (or of a bad one). */
  stop: number;
  /** True when the record at `stop` starts before `limit` but the text ended before it did. */
  incomplete: boolean;
  /** A structural error: the array cannot be followed past it. */
  problem?: JsonArrayProblem;
}

/**
 * Calls `onElement(start, end, recordStart, value)` for every record of `text` starting in [from,
 * limit): the element is text.slice(start, end), and `value` its JSON.parse when the scan parsed it
 * (flat objects), else UNPARSED. `atEof`: the text ends where the file does, so a record
 * that is not finished is an error (an unclosed array, string, object) rather than incomplete.
 * Returning false from the callback stops the scan after that record.
 */
export function scanJsonArray(
  text: string,
  from: number,
  limit: number,
  atEof: boolean,
  onElement: (start: number, end: number, recordStart: number, value: unknown) => boolean | void,
): JsonArrayScanResult {
  const n = text.length;
  let p = from;
  // The fast path's look-ahead: where the next "{" and "[" are (n when there is none).
  let nextBrace = -1;
  let nextBracket = -1;
  while (p < limit && p < n) {
    const recordStart = p;
    let i = p;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) {
      if (atEof) return { stop: recordStart, incomplete: false, problem: unclosedArray(n) };
      return { stop: recordStart, incomplete: true };
    }
    const start = i;
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACKET || c === COMMA || c === CLOSE_BRACE) {
      return {
        stop: recordStart,
        incomplete: false,
        problem: {
          at: i,
          message:
            c === CLOSE_BRACKET
              ? 'unexpected "]": a comma with no record after it'
              : `unexpected ${JSON.stringify(text[i])} where a record should start`,
        },
      };
    }
    // The element: a bracketed value by depth, a string to its closing quote, a scalar to a delimiter.
    let end = -1;
    let value: unknown = UNPARSED;
    if (c === OPEN_BRACE) {
      // Fast path for flat objects, the usual record: the first "}" that a comma or "]" follows,
      // with no "{" or "[" before it, ends the record if JSON.parse takes the text up to it (a
      // JSON value that starts with "{" ends at its matching "}", so no other end can parse).
      // The record is then parsed once, as a line of JSON Lines is.
      if (nextBrace <= start) nextBrace = indexOrEnd(text, '{', start + 1);
      const close = text.indexOf('}', start + 1);
      if (close >= 0 && close < nextBrace) {
        if (nextBracket <= start) nextBracket = indexOrEnd(text, '[', start + 1);
        let k = close + 1;
        while (k < n && isSpace(text.charCodeAt(k))) k++;
        const next = k < n ? text.charCodeAt(k) : 0;
        if (close < nextBracket && (next === COMMA || next === CLOSE_BRACKET)) {
          try {
            value = JSON.parse(text.slice(start, close + 1));
            end = close + 1;
          } catch {
            // A "}" inside a string, or bad JSON: the exact scan below decides.
          }
        }
      }
    }
    if (end >= 0) {
      // Found by the fast path.
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET || c === QUOTE) {
      let depth = 0;
      for (; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === QUOTE) {
          i = stringEnd(text, i + 1);
          if (i < 0) break;
          if (depth === 0) {
            end = i + 1;
            break;
          }
        } else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
        else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
          if (--depth === 0) {
            end = i + 1;
            break;
          }
        }
      }
      if (end < 0) {
        if (!atEof) return { stop: recordStart, incomplete: true };
        const what = c === QUOTE ? 'string' : c === OPEN_BRACE ? 'object' : 'array';
        return {
          stop: recordStart,
          incomplete: false,
          problem: { at: start, message: `unclosed ${what}: the file ends before the record that starts here does` },
        };
      }
    } else {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (isSpace(d) || d === COMMA || d === CLOSE_BRACKET || d === CLOSE_BRACE || d === QUOTE) break;
        i++;
      }
      if (i >= n && !atEof) return { stop: recordStart, incomplete: true };
      end = i;
    }
    // After the element: white space, then a comma (another record follows) or the closing bracket.
    i = end;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) {
      if (atEof) return { stop: recordStart, incomplete: false, problem: unclosedArray(n) };
      return { stop: recordStart, incomplete: true };
    }
    const after = text.charCodeAt(i);
    if (after === COMMA) {
      p = i + 1;
      if (onElement(start, end, recordStart, value) === false) return { stop: p, incomplete: false };
      continue;
    }
    if (after !== CLOSE_BRACKET) {
      return {
        stop: recordStart,
        incomplete: false,
        problem: { at: i, message: `unexpected ${JSON.stringify(text[i])} after a record: expected "," or "]"` },
      };
    }
    // The closing bracket: only white space may follow it, to the end of the file.
    i++;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i < n) {
      return {
        stop: recordStart,
        incomplete: false,
        problem: { at: i, message: `unexpected ${JSON.stringify(text[i])} after the array's closing "]"` },
      };
    }
    if (!atEof) return { stop: recordStart, incomplete: true };
    onElement(start, end, recordStart, value);
    return { stop: n, incomplete: false };
  }
  // The file ends after a comma (or right after the "["): no record and no "]" follow.
  if (atEof && p >= n) return { stop: n, incomplete: false, problem: unclosedArray(n) };
  return { stop: Math.min(p, n), incomplete: false };
}

/** Passed as an element's value when the scan did not parse it (the caller parses text.slice(start, end)). */
export const UNPARSED: unique symbol = Symbol('unparsed');

function indexOrEnd(text: string, char: string, from: number): number {
  const i = text.indexOf(char, from);
  return i < 0 ? text.length : i;
}

/** Position of the quote closing a string whose contents start at `from`; -1 when the text ends first. */
function stringEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return -1;
    // A quote preceded by an odd number of backslashes is escaped.
    let b = q - 1;
    while (b >= from && text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    i = q + 1;
  }
}

function unclosedArray(at: number): JsonArrayProblem {
  return { at, message: 'unclosed array: the file ends before the closing "]"' };
}

/**
 * The same records from a sequential pass over bytes, for the main thread's splitters: a record
 * ends after every top-level comma, and the last one at the end of the file. Structural errors
 * are not reported here; the worker parsing the records finds them.
 */
export class JsonArrayBoundaryScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private hasContent = false;

  get insideQuotes(): boolean {
    return this.inString;
  }

  scan(
    bytes: Uint8Array,
    from: number,
    to: number,
    onRecordEnd: (end: number, blank: boolean) => boolean | void,
  ): number {
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let i = from;
    while (i < to) {
      const c = bytes[i++];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
        continue;
      }
      if (c === COMMA) {
        if (depth === 0) {
          this.hasContent = false;
          if (onRecordEnd(i, false) === false) break;
        }
        continue;
      }
      if (isSpace(c)) continue;
      this.hasContent = true;
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      // The array's own "]" takes the depth below zero: no comma after it ends a record.
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return i;
  }

  /** At end of file: the last record, holding the closing bracket, ends there. */
  finish(fileEnd: number, onRecordEnd: (end: number, blank: boolean) => void): void {
    if (this.hasContent) onRecordEnd(fileEnd, false);
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.hasContent = false;
  }
}

/**
 * A likely record start in a byte range that begins mid-array: just after the first comma at or
 * after `from` that a "}" precedes and a "{" follows (white space aside), and whose next record looks whole (it ends at a
 * comma at its own depth, not at a "]" that closes a nested array). It may still be a comma inside
 * a record (the caller verifies it); -1 when there is none before `to`.
 */
export function guessRecordStart(bytes: Uint8Array, from: number, to: number): number {
  let i = bytes.indexOf(COMMA, from);
  while (i >= 0 && i < to) {
    let k = i + 1;
    while (k < bytes.length && isSpace(bytes[k])) k++;
    if (k < bytes.length && bytes[k] === OPEN_BRACE && closesRecord(bytes, i) && plausibleRecord(bytes, k))
      return i + 1;
    i = bytes.indexOf(COMMA, i + 1);
  }
  return -1;
}

/** The comma at `comma` follows a "}" (after white space), as one after an object record does. */
function closesRecord(bytes: Uint8Array, comma: number): boolean {
  let k = comma - 1;
  while (k >= 0 && isSpace(bytes[k])) k--;
  return k < 0 || bytes[k] === CLOSE_BRACE;
}

/**
 * False when the value at `at` is followed, at its own depth, by a closing bracket other than the
 * array's last (which only white space follows): then `at` is inside a nested array, as in
 * `"tags": [{…}, {…}]`. Bytes that end first give the benefit of the doubt.
 */
function plausibleRecord(bytes: Uint8Array, at: number): boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = at; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth < 0) {
        if (c !== CLOSE_BRACKET) return false;
        for (let k = i + 1; k < bytes.length; k++) if (!isSpace(bytes[k])) return false;
        return true;
      }
    } else if (c === COMMA && depth === 0) return true;
  }
  return true;
}

/** Why a parsed element cannot be a row (a JSON array dataset holds one object per record), or undefined. */
export function notAnObject(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return undefined;
  const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return `record is ${what}, not an object (a JSON array dataset holds one object per record)`;
}

/**
 * Where JSON.parse failed in `text`, as a character position: from its message when that has one
 * ("… in JSON at position N"), otherwise (V8's "Unexpected token …") the end of the longest prefix
 * that is still the start of valid JSON, found by bisection. Only on the error path.
 */
export function jsonErrorPosition(text: string, message: string): number {
  const at = /in JSON at position (\d+)/.exec(message);
  if (at) return Math.min(Number(at[1]), text.length);
  const fine = (k: number) => {
    try {
      JSON.parse(text.slice(0, k));
      return true;
    } catch (error) {
      const m = (error as Error).message;
      if (m.startsWith('Unexpected end of JSON input')) return true;
      const p = /in JSON at position (\d+)/.exec(m);
      return p !== null && Number(p[1]) >= k;
    }
  };
  let lo = 0; // a prefix that is fine
  let hi = text.length; // one that is not
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (fine(mid)) lo = mid;
    else hi = mid;
  }
  return hi - 1;
}

/** JSON.parse's message without its position (the caller names the byte instead). */
export function jsonErrorReason(message: string): string {
  return message
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/^(Unexpected token '.*?'), .* is not valid JSON$/s, '$1');
}
