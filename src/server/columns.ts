// What the head sample says about each column: its place, type, empty share, range and a few
// values. Built once per dataset head (engine's inspectDataset: at most 1 MiB of the file).
import * as path from 'node:path';
import { formatInt, formatPercent, inferValue, isNumericText, type DatasetInfo } from '../engine/inspect';

/** A sampled value `types: 'infer'` changes: what the file holds and the number a processor gets. */
export interface InferHazard {
  text: string;
  value: number;
}

export interface ColumnProfile {
  name: string;
  /** 0-based position in the header. */
  index: number;
  type: 'number' | 'text' | 'empty' | 'unknown';
  /** Sampled rows, and how many of them hold an empty value. */
  sampled: number;
  empty: number;
  min?: number;
  max?: number;
  samples: string[];
  /** The type the file's schema names (Parquet/Arrow: INT64, Utf8…). */
  schemaType?: string;
  /** Where the sample's numbers come from, when not from sampled rows ("row group 1 statistics"). */
  sampleSource?: string;
  /** Text formats under `types: 'infer'`: a value whose leading zeros are lost, one past 2^53. */
  leadingZero?: InferHazard;
  unsafeInteger?: InferHazard;
}

export interface DatasetColumns {
  file: string;
  label: string;
  format: string;
  /** CSV/TSV field delimiter; whether the file is compressed (no header cell to open then). */
  delimiter: string;
  compressed: boolean;
  sizeBytes: number;
  hasHeader: boolean;
  columns: ColumnProfile[];
  byName: Map<string, ColumnProfile>;
}

const SAMPLE_VALUES = 3;

/** What inferValue (the engine's own `types: 'infer'` conversion) does to `text` that loses something. */
function hazardOf(text: string): { leadingZero?: InferHazard; unsafeInteger?: InferHazard } {
  const value = inferValue(text);
  if (typeof value !== 'number') return {};
  if (/^[+-]?0\d/.test(text)) return { leadingZero: { text, value } };
  if (/^[+-]?\d+$/.test(text) && !Number.isSafeInteger(value)) return { unsafeInteger: { text, value } };
  return {};
}

/**
 * Column profiles from a dataset head: CSV/TSV sample rows; JSON keys; Parquet/Arrow schema types,
 * with `tableRows` (Arrow's first batch) or the footer's row-group statistics (Parquet).
 */
export function profileColumns(info: DatasetInfo, tableRows?: string[][]): DatasetColumns {
  if (info.table) return profileTable(info, tableRows ?? []);
  if (info.sampleRecords) return profileRecords(info, info.sampleRecords);
  const numeric = new Set(info.numericColumns);
  const text = info.format === 'csv';
  const columns = info.header.map((name, index): ColumnProfile => {
    let leadingZero: InferHazard | undefined;
    let unsafeInteger: InferHazard | undefined;
    let empty = 0;
    let min = Infinity;
    let max = -Infinity;
    const samples: string[] = [];
    for (const row of info.sampleRows) {
      const value = row[index];
      if (value === undefined || value === '') {
        empty++;
        continue;
      }
      if (samples.length < SAMPLE_VALUES && !samples.includes(value)) samples.push(value);
      if (text && !(leadingZero && unsafeInteger)) {
        const h = hazardOf(value);
        leadingZero ??= h.leadingZero;
        unsafeInteger ??= h.unsafeInteger;
      }
      if (numeric.has(name) && isNumericText(value)) {
        const n = Number(value);
        if (n < min) min = n;
        if (n > max) max = n;
      }
    }
    const sampled = info.sampleRows.length;
    const type = sampled === 0 ? 'unknown' : numeric.has(name) ? 'number' : empty === sampled ? 'empty' : 'text';
    return {
      name,
      index,
      type,
      sampled,
      empty,
      ...(type === 'number' ? { min, max } : {}),
      samples,
      ...(leadingZero ? { leadingZero } : {}),
      ...(unsafeInteger ? { unsafeInteger } : {}),
    };
  });
  return datasetOf(info, columns);
}

/**
 * JSON Lines / JSON arrays: values arrive as JSON typed them, so a column is a number only when
 * every sampled value is one (null or absent counts as empty); no types: 'infer' hazards apply.
 */
function profileRecords(info: DatasetInfo, records: Record<string, unknown>[]): DatasetColumns {
  const columns = info.header.map((name, index): ColumnProfile => {
    let empty = 0;
    let numbers = 0;
    let min = Infinity;
    let max = -Infinity;
    const samples: string[] = [];
    for (const record of records) {
      const value = record[name];
      if (value === undefined || value === null || value === '') {
        empty++;
        continue;
      }
      if (typeof value === 'number') {
        numbers++;
        if (value < min) min = value;
        if (value > max) max = value;
      }
      const shown = typeof value === 'string' ? value : JSON.stringify(value);
      if (samples.length < SAMPLE_VALUES && !samples.includes(shown)) samples.push(shown);
    }
    const sampled = records.length;
    const present = sampled - empty;
    const type = present === 0 ? 'empty' : numbers === present ? 'number' : 'text';
    return { name, index, type, sampled, empty, ...(type === 'number' ? { min, max } : {}), samples };
  });
  return datasetOf(info, columns);
}

function datasetOf(info: DatasetInfo, columns: ColumnProfile[]): DatasetColumns {
  return {
    file: info.path,
    label: path.basename(info.path),
    format: info.format,
    delimiter: info.delimiter,
    compressed: (info.compression ?? 'none') !== 'none',
    sizeBytes: info.sizeBytes,
    hasHeader: info.hasHeader,
    columns,
    byName: new Map(columns.map((c) => [c.name, c])),
  };
}

/** Parquet/Arrow: the schema's types; values from the rows given (Arrow's first batch), else the footer statistics. */
function profileTable(info: DatasetInfo, rows: string[][]): DatasetColumns {
  const table = info.table!;
  const columns = table.columns.map((col, index): ColumnProfile => {
    const base = { name: col.name, index, schemaType: col.type, type: col.numeric ? 'number' : 'text' } as const;
    if (rows.length > 0) {
      let empty = 0;
      let min = Infinity;
      let max = -Infinity;
      const samples: string[] = [];
      for (const row of rows) {
        const value = row[index] ?? '';
        if (value === '') {
          empty++;
          continue;
        }
        if (samples.length < SAMPLE_VALUES && !samples.includes(value)) samples.push(value);
        const n = Number(value);
        if (col.numeric && Number.isFinite(n)) {
          min = Math.min(min, n);
          max = Math.max(max, n);
        }
      }
      return {
        ...base,
        sampled: rows.length,
        empty,
        ...(min <= max ? { min, max } : {}),
        samples,
        sampleSource: `first ${rows.length === 1 ? 'row' : `${rows.length} rows`} (record batch 1)`,
      };
    }
    const stats = col.stats;
    if (!stats) return { ...base, sampled: 0, empty: 0, samples: [] };
    const lo = stats.min !== undefined ? Number(stats.min) : NaN;
    const hi = stats.max !== undefined ? Number(stats.max) : NaN;
    const samples = [stats.min, stats.max].filter((v, i, all): v is string => v !== undefined && all.indexOf(v) === i);
    return {
      ...base,
      sampled: stats.nulls !== undefined ? stats.rows : 0,
      empty: stats.nulls ?? 0,
      ...(col.numeric && Number.isFinite(lo) && Number.isFinite(hi) ? { min: lo, max: hi } : {}),
      samples,
      sampleSource: `row group 1 statistics (${formatInt(stats.rows)} rows)`,
    };
  });
  return datasetOf(info, columns);
}

export function emptyShare(c: ColumnProfile): string {
  return c.sampled === 0 ? '' : `${formatPercent(c.empty / c.sampled)} empty`;
}

/** `number · 0.4 % empty` (`number (INT64) · 0 % empty` from a schema): the completion item's detail. */
export function columnDetail(c: ColumnProfile): string {
  const type = c.type === 'unknown' ? 'column' : c.schemaType ? `${c.type} (${c.schemaType})` : c.type;
  return [type, emptyShare(c)].filter(Boolean).join(' · ');
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
export const isIdentifierName = (name: string): boolean => IDENTIFIER.test(name);
