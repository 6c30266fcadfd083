// The one door to typed tables: the reader for a file's format, so the planner, the worker and
// the sample never switch on formats themselves.
import type { DatasetFormat } from '../model';
import { openArrow } from './arrow';
import { openParquet } from './parquet';
import type { TableReader } from './table';

/** The typed-table formats (the others are text, read by byte ranges of records). */
export function isTableFormat(format: DatasetFormat): format is 'parquet' | 'arrow' {
  return format === 'parquet' || format === 'arrow';
}

export async function openTable(file: string, format: DatasetFormat): Promise<TableReader> {
  if (format === 'parquet') return openParquet(file);
  if (format === 'arrow') return openArrow(file);
  throw new Error(`openTable: ${format} is a text format, not a table`);
}
