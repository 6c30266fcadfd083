// "µs per row (p50)" for the code lens: the median chunk's compute time per row. The median, not
// the mean, so one straggler chunk (GC, a cold cache) does not move the number a user tunes against.
import type { ChunkRecord } from '../model';
import { median } from '../base/stats';

export function medianMicrosPerRow(chunks: readonly ChunkRecord[]): number | undefined {
  const perRow = chunks.filter((c) => c.rows > 0).map((c) => (c.computeMs * 1000) / c.rows);
  return perRow.length > 0 ? median(perRow) : undefined;
}
