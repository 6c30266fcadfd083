// Reading and writing timings files on disk: the codec (timings-codec.ts) plus Node file I/O.
// Writes are atomic: a reader never sees half a file, and a failed write leaves the old one.
import { writeFileAtomic } from '../base/atomic-file';
import { readTextFile } from '../base/read-text-file';
import type { RunReport } from '../model';
import { decodeTimings, encodeTimings } from './timings-codec';

/** Writes `report` to `file` as a timings file, atomically. */
export function writeTimingsFile(file: string, report: RunReport): void {
  writeFileAtomic(file, encodeTimings(report));
}

/** Reads and checks a timings file; a missing or unreadable file is a ChunkscopeError naming it. */
export function readTimingsFile(file: string): RunReport {
  return decodeTimings(readTextFile(file, 'timings file'), file);
}
