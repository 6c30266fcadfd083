// Chunks of a typed table (Parquet): whole units (row groups) grouped until the chunk's budget
// (chunkRows, chunkBytes or the adaptive sizer's bytes) is reached; a unit larger than the budget
// is cut into row ranges, of which the reader decodes only the pages it needs. Each chunk's byte
// span is where its rows lie in the file, and the spans tile [dataStart, sizeBytes) (the last one
// takes the footer), so start verification, progress and the adaptive chunker work as for text.
import type { DatasetInfo } from '../read/dataset';
import type { TableLayout } from '../read/table';
import type { ChunkPlan } from '../model/protocol';
import type { ChunkSizer } from './segment-cutter';
import type { PlannedChunk } from './strategies';

export interface TableChunkInput {
  info: DatasetInfo;
  plan: ChunkPlan;
  /** Rows per chunk; used when neither chunkBytes nor a sizer is given. */
  chunkRows?: number;
  chunkBytes?: number;
  /** When given, it decides every chunk's size in bytes. */
  sizer?: ChunkSizer;
  /**
   * Cut units larger than the budget into row ranges (a fixed chunkRows / chunkBytes the caller
   * chose). Otherwise such a unit is a chunk by itself: without a page index (DuckDB writes none),
   * each piece of a row group decodes its column chunks from their start, so pieces cost more than
   * the whole; the adaptive sizer and the default only group row groups.
   */
  splitUnits?: boolean;
}

/**
 * Where each unit's rows lie in the file, as tiles: unit u covers [tiles[u], tiles[u + 1]); the
 * first starts at dataStart and the last ends at the file's end. Column chunks of a row group
 * are contiguous in every writer we know; a writer that orders them otherwise still gets tiles
 * that never go backwards.
 */
export function unitTiles(table: TableLayout, dataStart: number, sizeBytes: number): number[] {
  const tiles = [dataStart];
  for (let u = 1; u < table.units.length; u++)
    tiles.push(Math.min(sizeBytes, Math.max(tiles[u - 1], table.units[u].byteStart)));
  tiles.push(sizeBytes);
  return tiles;
}

export function* tableChunks({
  info,
  plan,
  chunkRows,
  chunkBytes,
  sizer,
  splitUnits,
}: TableChunkInput): Generator<PlannedChunk> {
  const table = info.table!;
  const units = table.units;
  const tiles = unitTiles(table, info.dataStart, info.sizeBytes);
  /** The byte of row `row` of unit `u`: rows spread evenly over their unit's tile. */
  const byteAt = (u: number, row: number) =>
    row >= units[u].firstRow + units[u].rows
      ? tiles[u + 1]
      : tiles[u] + Math.floor(((row - units[u].firstRow) / units[u].rows) * (tiles[u + 1] - tiles[u]));
  const byRows = !sizer && chunkBytes === undefined;
  let chunk = 0;
  let u = 0;
  let row = 0;
  while (u < units.length) {
    if (units[u].rows === 0) {
      u++;
      continue;
    }
    const byteStart = byteAt(u, row);
    const budget = sizer
      ? Math.max(1, Math.floor(sizer(chunk, byteStart)))
      : byRows
        ? Math.max(1, chunkRows ?? Infinity)
        : Math.max(1, chunkBytes!);
    const firstUnit = u;
    const rowStart = row;
    const unitEnd = units[u].firstRow + units[u].rows;
    const sizeOf = (v: number) => (byRows ? units[v].rows : tiles[v + 1] - tiles[v]);
    if (row === units[u].firstRow && (sizeOf(u) <= budget || !splitUnits)) {
      // Whole units while the next still fits.
      let used = sizeOf(u);
      u++;
      while (u < units.length && used + sizeOf(u) <= budget) used += sizeOf(u++);
      row = u < units.length ? units[u].firstRow : units[u - 1].firstRow + units[u - 1].rows;
    } else {
      // Part of a unit too large for the budget: as many of its rows as the budget holds.
      const perRow = byRows ? 1 : (tiles[u + 1] - tiles[u]) / units[u].rows;
      const rows = Math.max(1, Math.floor(budget / Math.max(perRow, 1e-9)));
      row = Math.min(unitEnd, row + rows);
      if (row >= unitEnd) u++;
    }
    const byteEnd = u >= units.length ? info.sizeBytes : byteAt(Math.min(u, units.length - 1), row);
    yield {
      task: { kind: 'table', chunk: chunk++, plan, rowStart, rowEnd: row, unit: firstUnit, byteStart, byteEnd },
      byteStart,
      byteEnd,
    };
  }
}
