// The small enums every other model file uses: a leaf, so run.ts and sweep.ts need not import each other.
export type Strategy = 'per-row' | 'batches' | 'byte-range' | 'shared-columns';
export type RowShape = 'object' | 'array' | 'columns';
export type TypeMode = 'string' | 'infer';
export type OnError = 'stop' | 'skip';
/** `json`: a JSON array of records (`[{…}, {…}]`). */
export type DatasetFormat = 'csv' | 'jsonl' | 'json';
