// Parquet as a TableReader (read/table.ts), on hyparquet. The footer is read once per reader; a
// worker reads only the byte ranges of the column chunks (or, with an offset index, the pages) of
// the rows it is asked for, through an AsyncBuffer over its own file handle.
//
// Values: numbers (INT32, FLOAT, DOUBLE, DECIMAL), INT64 by the typed-values policy (a number when
// exact, else a bigint), strings (UTF-8), booleans, TIMESTAMP and DATE as Date objects (so JSON
// output shows ISO strings), lists as arrays and structs as plain objects, null for null.
import { promises as fsp } from 'node:fs';
import { parquetMetadataAsync, parquetScan, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, FileMetaData, ParquetScan, SchemaElement, SchemaTree } from 'hyparquet';
import { ChunkscopeError } from '../base/errors';
import type { ColumnarChunk, RowShape } from '../model';
import type { TableColumn, TableLayout, TableReader, TableUnit } from './table';
import { columnarChunk, float64Column, int64Value, typedValue } from './typed-values';
import type { FlatColumn } from './parquet-flat';
import {
  chunkRange,
  decodeFlat,
  compressors,
  flatDecoder,
  initDecoders,
  isFlat,
  newFlatColumn,
  NotFlatNumbers,
  numbersColumn,
} from './parquet-flat';

const MAGIC = 'PAR1';
/** The footer's last 8 bytes: the metadata's length (4 bytes, little-endian) and the magic. */
const TAIL = 8;

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The type as Parquet names it: the logical type when there is one, else the physical type. */
function typeName(node: SchemaTree): string {
  const e = node.element;
  const logical = e.logical_type;
  if (logical) {
    if (logical.type === 'TIMESTAMP' || logical.type === 'TIME') return `${logical.type}(${logical.unit})`;
    if (logical.type === 'DECIMAL') return `DECIMAL(${logical.precision},${logical.scale})`;
    if (logical.type === 'INTEGER') return `${logical.isSigned ? 'INT' : 'UINT'}${logical.bitWidth}`;
    return logical.type;
  }
  // INT_64 and the like are the old name of an integer width: say INT64 as the physical types do.
  if (e.converted_type) return e.converted_type.replace(/^(U?INT)_/, '$1');
  if (node.children.length > 0) return 'STRUCT';
  return e.type ?? 'GROUP';
}

const NUMERIC_PHYSICAL = new Set(['INT32', 'INT64', 'FLOAT', 'DOUBLE']);
const NUMERIC_LOGICAL = new Set(['INTEGER', 'DECIMAL', 'FLOAT16']);
const NUMERIC_CONVERTED = new Set([
  'DECIMAL',
  'INT_8',
  'INT_16',
  'INT_32',
  'INT_64',
  'UINT_8',
  'UINT_16',
  'UINT_32',
  'UINT_64',
]);

/** Values of the column are numbers (INT64 past 2^53 aside): INT32/INT64/FLOAT/DOUBLE/DECIMAL, not dates or times. */
function isNumeric(element: SchemaElement, nested: boolean): boolean {
  if (nested || element.repetition_type === 'REPEATED') return false;
  if (element.logical_type) return NUMERIC_LOGICAL.has(element.logical_type.type);
  if (element.converted_type) return NUMERIC_CONVERTED.has(element.converted_type);
  return element.type !== undefined && NUMERIC_PHYSICAL.has(element.type);
}

/** Nested values (lists, structs) by the same policy as top-level ones, all the way down. */
function deepValue(value: unknown): unknown {
  if (typeof value === 'bigint') return int64Value(value);
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(deepValue);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>, deepValue);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = deepValue((value as Record<string, unknown>)[key]);
  return out;
}

/** Checks the tail before hyparquet does, so a cut file is reported as one, with the byte. */
async function checkTail(file: string, handle: fsp.FileHandle, size: number): Promise<void> {
  const notComplete = `${file}: not a complete Parquet file`;
  if (size < 4 + TAIL)
    throw new ChunkscopeError('data', `${notComplete}: it is only ${size} bytes (the file may be truncated)`);
  const tail = Buffer.alloc(TAIL);
  await handle.read(tail, 0, TAIL, size - TAIL);
  if (tail.toString('latin1', 4) !== MAGIC)
    throw new ChunkscopeError(
      'data',
      `${notComplete}: the footer magic PAR1 is missing at byte ${size - 4} (the file may be truncated)`,
    );
  const metadataLength = tail.readUInt32LE(0);
  if (metadataLength + TAIL + 4 > size)
    throw new ChunkscopeError(
      'data',
      `${notComplete}: the footer says its metadata is ${metadataLength} bytes, more than the file holds before it (${size - TAIL - 4})`,
    );
}

/** The file as hyparquet reads it; `clock.ioMs` adds up the time spent waiting for reads. */
function fileBuffer(handle: fsp.FileHandle, size: number, clock: { ioMs: number }): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const started = performance.now();
      const length = Math.max(0, Math.min(end, size) - start);
      // Not zero-filled first (a row group is megabytes): every byte is read over, or zeroed below.
      const bytes = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(bytes, filled, length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      bytes.fill(0, filled);
      clock.ioMs += performance.now() - started;
      return bytes.buffer;
    },
  };
}

/** A statistics value as text (numbers, INT64s, strings, dates); undefined for bytes and absent values. */
function statText(value: unknown): string | undefined {
  if (value === undefined || value === null || value instanceof Uint8Array) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return String(value);
}

/** Row group 0's statistics of the flat column `name` (from the footer already decoded), if the writer kept any. */
function firstGroupStats(metadata: FileMetaData, name: string): TableColumn['stats'] {
  const group = metadata.row_groups[0];
  const chunk = group?.columns.find(
    (c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name,
  );
  const stats = chunk?.meta_data?.statistics;
  if (!group || !stats) return undefined;
  const min = statText(stats.min_value ?? stats.min);
  const max = statText(stats.max_value ?? stats.max);
  return {
    rows: Number(group.num_rows),
    ...(stats.null_count !== undefined ? { nulls: Number(stats.null_count) } : {}),
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
  };
}

/** Row groups as table units: their rows and the bytes of their column chunks. */
function unitsOf(metadata: FileMetaData): TableUnit[] {
  let firstRow = 0;
  return metadata.row_groups.map((group) => {
    let byteStart = Infinity;
    let byteEnd = 0;
    for (const column of group.columns) {
      const meta = column.meta_data;
      if (!meta) continue;
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      // Some writers record a dictionary offset of 0 for columns without a dictionary.
      const from = start > 0 ? Math.min(start, Number(meta.data_page_offset)) : Number(meta.data_page_offset);
      byteStart = Math.min(byteStart, from);
      byteEnd = Math.max(byteEnd, from + Number(meta.total_compressed_size));
    }
    const rows = Number(group.num_rows);
    const unit = { firstRow, rows, byteStart: Number.isFinite(byteStart) ? byteStart : 4, byteEnd };
    firstRow += rows;
    return unit;
  });
}

function isFlatColumn(v: FlatColumn | ArrayLike<unknown>): v is FlatColumn {
  return (v as FlatColumn).kind !== undefined && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** A flat column's own value array (a fresh one per read), INT64s by the typed-values policy. */
function typedInPlace(data: unknown[]): unknown[] {
  for (let r = 0; r < data.length; r++) if (typeof data[r] === 'bigint') data[r] = int64Value(data[r] as bigint);
  return data;
}

/** The `columns` shape: flat numeric columns are already Float64Array (null → NaN). */
function columnsOf(names: string[], values: (FlatColumn | ArrayLike<unknown>)[], numeric: boolean[]): ColumnarChunk {
  if (values.every((v) => !isFlatColumn(v))) return columnarChunk(names, values as ArrayLike<unknown>[], numeric);
  const columns: ColumnarChunk['columns'] = {};
  const numericNames: string[] = [];
  let length = 0;
  names.forEach((name, c) => {
    const v = values[c];
    length = isFlatColumn(v) ? v.data.length : v.length;
    if (isFlatColumn(v) && v.kind === 'numbers') {
      columns[name] = v.data;
      numericNames.push(name);
      return;
    }
    const plain = isFlatColumn(v) ? v.data : v;
    const asFloats = numeric[c] ? float64Column(plain) : undefined;
    if (asFloats) {
      columns[name] = asFloats;
      numericNames.push(name);
    } else if (isFlatColumn(v)) columns[name] = typedInPlace(v.data) as string[];
    else columns[name] = Array.from(plain, typedValue) as string[];
  });
  return { length, names, numeric: numericNames, columns };
}

export async function openParquet(file: string): Promise<TableReader> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'r');
  } catch (error) {
    throw new ChunkscopeError('input', `Cannot read dataset ${file}: ${describeError(error)}`);
  }
  try {
    const { size } = await handle.stat();
    await checkTail(file, handle, size);
    const clock = { ioMs: 0 };
    const buffer = fileBuffer(handle, size, clock);
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(buffer);
    } catch (error) {
      throw new ChunkscopeError(
        'data',
        `${file}: not a complete Parquet file: its footer metadata cannot be decoded (${describeError(error)})`,
      );
    }
    const tree = parquetSchema(metadata);
    const nodes = tree.children;
    const columns: TableColumn[] = nodes.map((node) => {
      const stats = firstGroupStats(metadata, node.element.name);
      return {
        name: node.element.name,
        type: typeName(node),
        numeric: isNumeric(node.element, node.children.length > 0),
        ...(stats ? { stats } : {}),
      };
    });
    const layout: TableLayout = {
      columns,
      rowCount: Number(metadata.num_rows),
      units: unitsOf(metadata),
      createdBy: metadata.created_by,
    };
    await initDecoders();
    const scan = await parquetScan({ file: buffer, metadata, compressors });
    return new ParquetReader(file, layout, scan, handle, nodes, clock, metadata, buffer);
  } catch (error) {
    await handle.close();
    throw error;
  }
}

class ParquetReader implements TableReader {
  private readonly nested: boolean[];
  /** Top-level primitive columns, decoded by read/parquet-flat.ts; the others through hyparquet's scan. */
  private readonly flat: boolean[];
  /** Flat numeric columns that go into Float64Array (cleared for one found to hold INT64s past 2^53). */
  private readonly numbers: boolean[];
  /** Per row group, per column: the index of the column's chunk (flat columns only, else -1). */
  private readonly chunkOf: number[][];
  private readonly objectRows: (values: ArrayLike<unknown>[], n: number) => unknown[];
  private readonly arrayRows: (values: ArrayLike<unknown>[], n: number) => unknown[];

  constructor(
    private readonly file: string,
    readonly layout: TableLayout,
    private readonly scan: ParquetScan,
    private readonly handle: fsp.FileHandle,
    private readonly nodes: SchemaTree[],
    private readonly clock: { ioMs: number },
    private readonly metadata: FileMetaData,
    private readonly buffer: AsyncBuffer,
  ) {
    this.nested = nodes.map((node) => node.children.length > 0 || node.element.repetition_type === 'REPEATED');
    // A flat column's chunk in each row group: the one whose path is just its name (nested
    // columns have one chunk per leaf, so chunk and column indexes differ after one).
    this.chunkOf = metadata.row_groups.map((group) => {
      const byName = new Map<string, number>();
      group.columns.forEach((chunk, i) => {
        const path = chunk.meta_data?.path_in_schema;
        if (path?.length === 1) byName.set(path[0], i);
      });
      return nodes.map((node) => byName.get(node.element.name) ?? -1);
    });
    this.flat = nodes.map((node, c) => isFlat(node) && this.chunkOf.every((chunks) => chunks[c] >= 0));
    this.numbers = nodes.map((node, c) => this.flat[c] && numbersColumn(node, layout.columns[c].numeric));
    // One generated literal per reader, so every row shares a hidden class (as Arrow's rows do).
    const names = layout.columns.map((c) => c.name);
    const key = (name: string) => (name === '__proto__' ? '["__proto__"]' : JSON.stringify(name));
    // The whole loop is generated, so each column's array is a local and each site monomorphic.
    const locals = names.map((_, c) => `const c${c} = v[${c}];`).join(' ');
    const rowsOf = (literal: string) =>
      new Function(
        'v',
        'n',
        `${locals} const rows = new Array(n); for (let i = 0; i < n; i++) rows[i] = ${literal}; return rows;`,
      ) as (values: ArrayLike<unknown>[], n: number) => unknown[];
    this.objectRows = rowsOf(`{${names.map((n, c) => `${key(n)}: c${c}[i]`).join(', ')}}`);
    this.arrayRows = rowsOf(`[${names.map((_, c) => `c${c}[i]`).join(', ')}]`);
  }

  private decodeError(c: number, g: number, error: unknown): ChunkscopeError {
    const { columns, units, createdBy } = this.layout;
    const unit = units[g];
    return new ChunkscopeError(
      'data',
      `${this.file}: cannot decode column "${columns[c].name}" (${columns[c].type}) in row group ${g} ` +
        `(rows ${unit.firstRow + 1}–${unit.firstRow + unit.rows}, bytes ${unit.byteStart}–${unit.byteEnd})` +
        `${createdBy ? `, written by ${createdBy}` : ''}: ${describeError(error)}`,
    );
  }

  /**
   * Column values of rows [rowStart, rowEnd), which may span several row groups: flat columns
   * decoded from one read of each row group's bytes, the others through hyparquet's scan.
   */
  private async columnValues(rowStart: number, rowEnd: number): Promise<(FlatColumn | ArrayLike<unknown>)[]> {
    const { units, columns } = this.layout;
    const length = rowEnd - rowStart;
    const flat: (FlatColumn | undefined)[] = columns.map((_, c) =>
      this.flat[c] ? newFlatColumn(this.numbers[c], length) : undefined,
    );
    const pieces: ArrayLike<unknown>[][] = columns.map(() => []);
    for (let g = 0; g < units.length; g++) {
      const unit = units[g];
      const from = Math.max(rowStart, unit.firstRow);
      const to = Math.min(rowEnd, unit.firstRow + unit.rows);
      if (from >= to) continue;
      const group = this.metadata.row_groups[g];
      let bytes: Uint8Array | undefined;
      if (flat.some((f) => f !== undefined))
        bytes = new Uint8Array(await this.buffer.slice(unit.byteStart, unit.byteEnd));
      for (let c = 0; c < columns.length; c++) {
        const out = flat[c];
        if (out && bytes) {
          try {
            const column = group.columns[this.chunkOf[g][c]];
            const range = chunkRange(column);
            const chunk = bytes.subarray(range.start - unit.byteStart, range.end - unit.byteStart);
            const decoder = flatDecoder(this.nodes[c], column);
            decodeFlat(out, from - rowStart, chunk, decoder, unit.rows, from - unit.firstRow, to - unit.firstRow);
            continue;
          } catch (error) {
            if (!(error instanceof NotFlatNumbers)) throw this.decodeError(c, g, error);
            // An INT64 past 2^53: this column, all its row groups, as values from now on.
            this.numbers[c] = false;
            flat[c] = undefined;
            for (let h = 0; h < g; h++) {
              const u = units[h];
              const f = Math.max(rowStart, u.firstRow);
              const t = Math.min(rowEnd, u.firstRow + u.rows);
              if (f < t) pieces[c].push(await this.scanColumn(c, h, f, t));
            }
          }
        }
        pieces[c].push(await this.scanColumn(c, g, from, to));
      }
    }
    return columns.map((_, c) => {
      const out = flat[c];
      if (out) return out;
      const parts = pieces[c];
      return parts.length === 1 ? parts[0] : parts.flatMap((p) => Array.from(p));
    });
  }

  private async scanColumn(c: number, g: number, from: number, to: number): Promise<ArrayLike<unknown>> {
    try {
      return await this.scan.readColumn({ column: this.layout.columns[c].name, rowStart: from, rowEnd: to });
    } catch (error) {
      throw this.decodeError(c, g, error);
    }
  }

  async read(rowStart: number, rowEnd: number, shape: RowShape): Promise<unknown[] | ColumnarChunk> {
    const values = await this.columnValues(rowStart, rowEnd);
    const { columns } = this.layout;
    const nested = this.nested;
    const names = columns.map((c) => c.name);
    // Nested columns may hold bigints at any depth; flat ones only at the top.
    const normalised = values.map((v, c) => (nested[c] && !isFlatColumn(v) ? Array.from(v, deepValue) : v));
    if (shape === 'columns')
      return columnsOf(
        names,
        normalised,
        columns.map((c) => c.numeric),
      );
    const length = rowEnd - rowStart;
    // Each column as something indexable by row holding the row's value (nulls as null).
    const sources = normalised.map((column): ArrayLike<unknown> => {
      if (!isFlatColumn(column)) return Array.from(column, typedValue);
      if (column.kind === 'numbers') {
        const { data, nulls } = column;
        if (!nulls) return data;
        return Array.from(data, (v, r) => (nulls[r] ? null : v));
      }
      return typedInPlace(column.data);
    });
    return (shape === 'array' ? this.arrayRows : this.objectRows)(sources, length);
  }

  get ioMs(): number {
    return this.clock.ioMs;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
