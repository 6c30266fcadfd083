// What the head sample says about each column: its place, type, empty share, range and a few
// values. Built once per dataset head (engine's inspectDataset: at most 1 MiB of the file).
import * as path from 'node:path';
import { formatPercent, isNumericText, type DatasetInfo } from '../engine/inspect';

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
}

export interface DatasetColumns {
  file: string;
  label: string;
  format: string;
  sizeBytes: number;
  hasHeader: boolean;
  columns: ColumnProfile[];
  byName: Map<string, ColumnProfile>;
}

const SAMPLE_VALUES = 3;

export function profileColumns(info: DatasetInfo): DatasetColumns {
  const numeric = new Set(info.numericColumns);
  const columns = info.header.map((name, index): ColumnProfile => {
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
      if (numeric.has(name) && isNumericText(value)) {
        const n = Number(value);
        if (n < min) min = n;
        if (n > max) max = n;
      }
    }
    const sampled = info.sampleRows.length;
    // JSON formats come without sample rows from inspectDataset: the keys are known, their values not.
    const type = sampled === 0 ? 'unknown' : numeric.has(name) ? 'number' : empty === sampled ? 'empty' : 'text';
    return {
      name,
      index,
      type,
      sampled,
      empty,
      ...(type === 'number' ? { min, max } : {}),
      samples,
    };
  });
  return {
    file: info.path,
    label: path.basename(info.path),
    format: info.format,
    sizeBytes: info.sizeBytes,
    hasHeader: info.hasHeader,
    columns,
    byName: new Map(columns.map((c) => [c.name, c])),
  };
}

export function emptyShare(c: ColumnProfile): string {
  return c.sampled === 0 ? '' : `${formatPercent(c.empty / c.sampled)} empty`;
}

/** `number · 0.4 % empty`: the completion item's detail. */
export function columnDetail(c: ColumnProfile): string {
  return [c.type === 'unknown' ? 'column' : c.type, emptyShare(c)].filter(Boolean).join(' · ');
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
export const isIdentifierName = (name: string): boolean => IDENTIFIER.test(name);
