// Exact record boundaries from a sequential pass over bytes: the main thread's splitter for the
// batches, per-row and shared-columns strategies. The state machine follows csv-parse.ts exactly
// (quotes special only at a field's start, doubled quotes, LF / CRLF / lone CR), so a boundary
// found here is a boundary the parser agrees with. No field is decoded.

import { JsonArrayBoundaryScanner } from './json-array-scan';
import type { DatasetFormat } from '../model';

const QUOTE = 34;
const LF = 10;
const CR = 13;

const enum State {
  RecordStart,
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  AfterCr,
}

export class RecordBoundaryScanner {
  private state = State.RecordStart;
  private blankRecord = false;

  constructor(private readonly delimiter: number) {}

  /** True when the bytes seen so far end inside a quoted field. */
  get insideQuotes(): boolean {
    return this.state === State.Quoted;
  }

  /** True when the bytes seen so far end exactly at a record boundary. */
  get atRecordStart(): boolean {
    return this.state === State.RecordStart;
  }

  /**
   * Feeds bytes [from, to) and calls `onRecordEnd(position after the record, isBlank)` for every
   * record that ends inside them. Returning false from the callback stops the scan; the return
   * value is where scanning stopped (the next byte to feed).
   */
  scan(
    bytes: Uint8Array,
    from: number,
    to: number,
    onRecordEnd: (end: number, blank: boolean) => boolean | void,
  ): number {
    const delimiter = this.delimiter;
    let state = this.state;
    let i = from;
    while (i < to) {
      const c = bytes[i];
      switch (state) {
        case State.AfterCr:
          state = State.RecordStart;
          if (c === LF) {
            i++;
            if (onRecordEnd(i, this.blankRecord) === false) {
              this.state = state;
              return i;
            }
            continue;
          }
          if (onRecordEnd(i, this.blankRecord) === false) {
            this.state = state;
            return i;
          }
          continue; // re-read this byte as the start of a new record
        case State.RecordStart:
          if (c === LF) {
            i++;
            if (onRecordEnd(i, true) === false) {
              this.state = state;
              return i;
            }
            continue;
          }
          if (c === CR) {
            // CRLF alone is a blank line; a lone CR at a record's start reads as one empty field.
            this.blankRecord = bytes[i + 1] === LF || i + 1 >= to;
            state = State.AfterCr;
            i++;
            continue;
          }
          state = State.FieldStart;
          continue;
        case State.FieldStart:
          if (c === QUOTE) {
            state = State.Quoted;
            i++;
            continue;
          }
          state = State.Unquoted;
          continue;
        case State.Unquoted:
          if (c === delimiter) state = State.FieldStart;
          else if (c === LF) {
            state = State.RecordStart;
            i++;
            if (onRecordEnd(i, false) === false) {
              this.state = state;
              return i;
            }
            continue;
          } else if (c === CR) {
            this.blankRecord = false;
            state = State.AfterCr;
          }
          i++;
          continue;
        case State.Quoted: {
          const q = bytes.indexOf(QUOTE, i);
          if (q < 0 || q >= to) {
            i = to;
            continue;
          }
          i = q + 1;
          state = State.QuoteInQuoted;
          continue;
        }
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            state = State.Quoted;
            i++;
            continue;
          }
          state = State.Unquoted;
          continue;
      }
    }
    this.state = state;
    return i;
  }

  /** At end of file: a record without a final newline still ends there. */
  finish(fileEnd: number, onRecordEnd: (end: number, blank: boolean) => void): void {
    if (this.state === State.AfterCr) onRecordEnd(fileEnd, this.blankRecord);
    else if (this.state !== State.RecordStart) onRecordEnd(fileEnd, false);
    this.state = State.RecordStart;
  }
}

/** JSON Lines: a raw line feed cannot occur inside a JSON string, so every LF ends a record. */
export class LineBoundaryScanner {
  private lineHasContent = false;

  get insideQuotes(): boolean {
    return false;
  }

  scan(
    bytes: Uint8Array,
    from: number,
    to: number,
    onRecordEnd: (end: number, blank: boolean) => boolean | void,
  ): number {
    let i = from;
    while (i < to) {
      const lf = bytes.indexOf(LF, i);
      const stop = lf < 0 || lf >= to ? to : lf;
      for (let k = i; k < stop && !this.lineHasContent; k++) {
        const c = bytes[k];
        if (c !== 32 && c !== 9 && c !== CR) this.lineHasContent = true;
      }
      if (stop === to) return to;
      i = lf + 1;
      const blank = !this.lineHasContent;
      this.lineHasContent = false;
      if (onRecordEnd(i, blank) === false) return i;
    }
    return i;
  }

  finish(fileEnd: number, onRecordEnd: (end: number, blank: boolean) => void): void {
    if (this.lineHasContent) onRecordEnd(fileEnd, false);
    this.lineHasContent = false;
  }
}

export type BoundaryScanner = RecordBoundaryScanner | LineBoundaryScanner | JsonArrayBoundaryScanner;

export function boundaryScannerFor(format: DatasetFormat, delimiter: string): BoundaryScanner {
  if (format === 'parquet' || format === 'arrow')
    throw new Error(`internal: a ${format} file has no text records to scan (it is read in row ranges)`);
  if (format === 'json') return new JsonArrayBoundaryScanner();
  return format === 'jsonl' ? new LineBoundaryScanner() : new RecordBoundaryScanner(delimiter.charCodeAt(0));
}
