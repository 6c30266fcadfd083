// The engine's API for faces that read code and data but never run them (the language server):
// dataset heads and static looks at processor sources. Nothing here reaches the worker pool
// (piscina) or loads a processor, so a bundle built from this file runs no user code.
export { inspectDataset, type DatasetInfo } from './read/dataset';
export { firstUnitRows } from './read/table-head';
export { scanProcessorSource } from './processor/scan';
export { inferValue, isNumericText } from './parse/row-shape';
export { ChunkscopeError } from './base/errors';
export { formatInt, formatPercent } from './base/format';
export type { DatasetFormat, RowShape, TypeMode } from './model';
// What runs and tuning left behind, read (never written) by the server: pairing and lenses.
export {
  newestRunRecord,
  readRunRecords,
  runRecordRoot,
  RUN_RECORDS_DIR,
  type RunRecord,
  type StoredRunRecord,
} from './report/run-record';
export { readTuningFile } from './tune/tuning-file';
export { DEFAULTS } from './options';
// What a past run measured, for lenses, hovers and line timings (reading files only: no pool).
export { formatMicros, formatMs } from './base/format';
export { shiftLines, type LineEdit } from './base/line-shift';
export { entryPointLines } from './processor/entry-points';
export { readTimingsFile } from './report/timings-file';
export { medianMicrosPerRow } from './report/derive';
export { readThreadProfiles } from './profile/capture';
export { functionTimings, lineTimings } from './profile/summary';
export { urlMatchesFile } from './profile/frames';
export type { FunctionTiming, LineTiming, RunReport, SavedTuningEntry } from './model';
