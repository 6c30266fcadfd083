// The first rows of a typed table as text, for tools that show sample values (the language
// server's hover and completion): the rows of its first unit only (an Arrow record batch), never
// the whole file. Parquet needs no rows for that: its footer statistics say it (read/parquet.ts).
import type { DatasetFormat } from '../model';
import { openTable } from './open-table';

/** A value as a sample shows it: '' for null, digits for INT64s, ISO for dates, JSON for lists and structs. */
function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '';
  } catch {
    return String(value);
  }
}

/** Up to `maxRows` rows of the table's first unit, as text in column order. */
export async function firstUnitRows(file: string, format: 'parquet' | 'arrow', maxRows = 1000): Promise<string[][]> {
  const reader = await openTable(file, format as DatasetFormat);
  try {
    const first = reader.layout.units[0];
    if (!first || first.rows === 0) return [];
    const rows = (await reader.read(0, Math.min(first.rows, maxRows), 'array')) as unknown[][];
    return rows.map((row) => row.map(asText));
  } finally {
    await reader.close();
  }
}
