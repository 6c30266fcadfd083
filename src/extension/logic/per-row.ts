// "µs per row (p50)" for the code lens: the median chunk's compute time per row. The median, not
// the mean, so one straggler chunk (GC, a cold cache) does not move the number a user tunes against.
import { median, type ChunkRecord } from '../../engine';

export function medianMicrosPerRow(chunks: readonly ChunkRecord[]): number | undefined {
  const perRow = chunks.filter((c) => c.rows > 0).map((c) => (c.computeMs * 1000) / c.rows);
  return perRow.length > 0 ? median(perRow) : undefined;
}

/** 0.42 µs, 12.5 µs, 1,250 µs: two significant digits below 10, whole numbers above. */
export function formatMicros(us: number): string {
  if (us < 10) return `${us.toPrecision(2)} µs`;
  return `${Math.round(us).toLocaleString('en-US')} µs`;
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString('en-US')} ms`;
}
