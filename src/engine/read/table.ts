// Typed tables (Parquet, Arrow IPC) as the engine sees them: a file of columns whose natural chunks
// are row ranges (row groups, record batches) that a worker reads by itself from the file by byte
// range, so no row data crosses threads. Each format implements TableReader in its own module.
import type { ColumnarChunk, RowShape } from '../model';

/** One natural chunk of the file: a Parquet row group or an Arrow record batch. */
export interface TableUnit {
  /** Rows before this unit in the file. */
  firstRow: number;
  rows: number;
  /** The unit's bytes in the file (its column chunks or its message and body). */
  byteStart: number;
  byteEnd: number;
}

export interface TableColumn {
  name: string;
  /** The type as the format names it (for example INT64, TIMESTAMP(MICROS), Utf8), for messages and the report. */
  type: string;
  /** Values of this column arrive as numbers (a Float64Array in `columns` shape). */
  numeric: boolean;
  /**
   * What the first unit's footer statistics say (Parquet row group 0; absent when the writer wrote
   * none): its rows, nulls among them, and min/max as text. Read with the footer, no row decoded.
   */
  stats?: { rows: number; nulls?: number; min?: string; max?: string };
}

export interface TableLayout {
  columns: TableColumn[];
  rowCount: number;
  units: TableUnit[];
  /** The writer, as the file records it (Parquet `created_by`), for messages. */
  createdBy?: string;
}

export interface TableReader {
  readonly layout: TableLayout;
  /**
   * Rows [rowStart, rowEnd) of the file (within one unit or across several), as objects keyed by
   * column name, arrays in column order, or typed columns. Errors name the file, the unit and the column.
   */
  read(rowStart: number, rowEnd: number, shape: RowShape): Promise<unknown[] | ColumnarChunk>;
  /**
   * Milliseconds spent so far waiting for the file's bytes; the rest of read() is decoding. Lets a
   * chunk's record split its time into read and parse honestly (0 or absent: all counted as parse).
   */
  readonly ioMs?: number;
  close(): Promise<void>;
}
