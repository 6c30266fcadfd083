// The small enums every other model file uses: a leaf, so run.ts and sweep.ts need not import each other.
export type Strategy = 'per-row' | 'batches' | 'byte-range' | 'shared-columns';
export type RowShape = 'object' | 'array' | 'columns';
export type TypeMode = 'string' | 'infer';
export type OnError = 'stop' | 'skip';
/**
 * `json`: a JSON array of records (`[{…}, {…}]`). `parquet` and `arrow` (Arrow IPC file, Feather v2)
 * are typed tables read in row ranges (read/table.ts); the text formats may also come compressed.
 */
export type DatasetFormat = 'csv' | 'jsonl' | 'json' | 'parquet' | 'arrow';
/** How a text dataset's bytes are stored: `bgzf` is blocked gzip, whose blocks can be read by range. */
export type Compression = 'none' | 'gzip' | 'bgzf' | 'zstd';
