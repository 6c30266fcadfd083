// What a processor module sees and exports (the user's contract), and the compiled form the main
// thread hands to workers.
import type { RowShape, TypeMode } from './common';

/** A processor ready to load in a worker: TypeScript compiled on the main thread, JavaScript by path. */
export interface CompiledProcessor {
  path: string;
  /** CommonJS code to evaluate as if it were `path` (TypeScript only). */
  code?: string;
}

/** What a processor module may export (the user's contract). */
export interface ProcessorContext {
  workerId: number;
  /** The chunk being processed (undefined in setup/teardown). */
  chunk?: number;
  header: string[];
  file: string;
  /** Scratch space that lives for the worker's lifetime (set in setup, read in processRow). */
  state: Record<string, unknown>;
}

export interface ColumnarChunk {
  length: number;
  names: string[];
  /** Names of the columns that arrive as Float64Array: iterate these to stay on the fast path. */
  numeric: string[];
  /**
   * Numeric columns as Float64Array (NaN for empty fields or nulls). Others: from text formats, string
   * arrays built on first access; from typed tables (Parquet), arrays of their typed values (strings,
   * booleans, Dates, bigints past 2^53, arrays, objects, null).
   */
  columns: Record<string, Float64Array | string[] | unknown[]>;
}

export interface ProcessorOptions {
  rowShape?: RowShape;
  types?: TypeMode;
}
