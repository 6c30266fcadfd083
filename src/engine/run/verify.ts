// Byte-range workers guess where their first record starts (they cannot see a quote opened in the
// previous range). The guess is checked here, in input order, against where the previous chunk's
// parse really ended. A pure decision, so every dispatcher gets the same answer and it is testable
// without workers; running a re-parse is the caller's job.
import type { ChunkResult, ChunkTask, RangeTask } from '../model/protocol';

export type StartVerdict =
  /** The result stands as it is. */
  | { readonly action: 'accept' }
  /** The previous chunk's last record runs past this whole range: the range owns no record. */
  | { readonly action: 'empty'; readonly result: ChunkResult; readonly repaired: boolean }
  /** The guess was taken inside a quoted field: parse the range again from the true start. */
  | { readonly action: 'reparse'; readonly task: RangeTask; readonly start: number };

// Shared: nearly every chunk is accepted, and that must not cost an allocation.
const ACCEPT: StartVerdict = Object.freeze({ action: 'accept' });

/**
 * `expectedStart`: where the previous chunk's parse ended, i.e. this chunk's true first record
 * start (the previous chunk is already verified, since chunks are checked in input order).
 */
export function verifyStart(expectedStart: number, task: ChunkTask, result: ChunkResult): StartVerdict {
  if (task.kind !== 'range' || !result.speculative) return ACCEPT;
  if (expectedStart >= task.limit) {
    return {
      action: 'empty',
      result: {
        ...result,
        start: expectedStart,
        end: expectedStart,
        records: 0,
        lines: 0,
        leadingLines: 0,
        output: '',
        partial: undefined,
        hasPartial: false,
        errors: [],
        fatal: undefined,
      },
      // A worker that found no line start in its range (start at the limit) already reported it empty.
      repaired: result.start !== task.limit,
    };
  }
  if (result.start === expectedStart) return ACCEPT;
  return { action: 'reparse', task, start: expectedStart };
}
