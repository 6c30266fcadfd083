// The one door to typed tables: the reader for a file's format, so the planner, the worker and
// the sample never switch on formats themselves.
import type { DatasetFormat } from '../model';
import type { TableReader } from './table';

/** The typed-table formats (the others are text, read by byte ranges of records). */
export function isTableFormat(format: DatasetFormat): format is 'parquet' | 'arrow' {
  return format === 'parquet' || format === 'arrow';
}

export async function openTable(file: string, format: DatasetFormat): Promise<TableReader> {
  // Loaded on first use: their libraries are most of the worker's code, which a CSV run need not
  // evaluate in every thread it starts.
  if (format === 'parquet') return (await import('./parquet')).openParquet(file);
  if (format === 'arrow') return (await import('./arrow')).openArrow(file);
  throw new Error(`openTable: ${format} is a text format, not a table`);
}
