// The engine's public API: everything a face (CLI, extension, tests, bench) needs.
export * from './model';
export { ChunkscopeError, describeLocation } from './base/errors';
export { runDataset, type RunHooks } from './run/run';
export { resolveRunOptions, DEFAULTS } from './options';
export { inspectDataset } from './read/dataset';
export { toChromeTrace } from './report/trace';
export { scanProcessorSource } from './processor/scan';
export { diagnose } from './report/diagnosis';
export {
  chunkDuration,
  chunkTimeStats,
  slowChunks,
  type SlowChunks,
  type StragglerInfo,
  type ChunkTimeStats,
  medianMicrosPerRow,
} from './report/derive';
export {
  writeRunRecord,
  saveRunRecord,
  readRunRecords,
  newestRunRecord,
  runRecordRoot,
  runRecordOf,
  encodeRunRecord,
  decodeRunRecord,
  RUN_RECORD_FORMAT,
  RUN_RECORD_VERSION,
  RUN_RECORDS_DIR,
  type RunRecord,
  type StoredRunRecord,
} from './report/run-record';
export {
  formatBytes,
  formatCompact,
  formatInt,
  formatMicros,
  formatMs,
  formatPercent,
  formatMbPerSecond,
  formatRatio,
  formatRows,
  formatTick,
} from './base/format';
export { predictRun, describeCostModel, type Prediction } from './tune/cost-model';
export { readThreadProfiles } from './profile/capture';
export { checkProfile } from './profile/check-profile';
export {
  sampleTimesMs,
  sampleWeightsMs,
  samplesInWindows,
  attributeSamples,
  sliceProfile,
  type TimeWindow,
  type SamplePhase,
  type SampleAttribution,
} from './profile/slice';
export { mapProfileToSources, inlineSourceMap, decodeMappings, type SourceMapV3 } from './profile/sourcemap';
export {
  categorize,
  CATEGORIES,
  formatLocation,
  isCodeFrame,
  urlMatchesFile,
  urlToPath,
  type Category,
} from './profile/frames';
export { lineTimings, functionTimings } from './profile/summary';
export {
  buildCallTree,
  sliceCallTree,
  forEachSample,
  functionTable,
  outermost,
  SAMPLE_PHASES,
  type CallTree,
  type Frame,
  type ThreadSamples,
  type SliceSpec,
  type Slice,
  type FunctionRow,
  type PhaseGroup,
} from './profile/call-tree';
export { runSweep, clusterWorkerAxis, type SweepOptions, type SweepHooks, type SweepCluster } from './tune/sweep';
export { fitCostModel, bestChunkRows, explainModel, runCostSample, type RunCostSample } from './tune/cost-fit';
export {
  tune,
  chooseWorkerCount,
  findSavedTuning,
  saveTuning,
  describeSetting,
  DEFAULT_TUNING_FILE,
  type TuneOptions,
  type TuneHooks,
} from './tune/tune';
export { parseSampleSize, type SampleSize } from './read/sample';
export { encodeTimings, decodeTimings, TIMINGS_FORMAT, TIMINGS_VERSION } from './report/timings-codec';
export { writeTimingsFile, readTimingsFile } from './report/timings-file';
export {
  encodeSweep,
  decodeSweep,
  checkSweepReport,
  isSweepText,
  isSweepFile,
  readSweepFile,
  writeSweepFile,
  SWEEP_FORMAT,
  SWEEP_VERSION,
} from './tune/sweep-file';
export {
  encodeTuning,
  decodeTuning,
  readTuningFile,
  writeTuningFile,
  TUNING_FORMAT,
  TUNING_VERSION,
} from './tune/tuning-file';
export { NewerFileError } from './base/versioned-json';
export { writeFileAtomic } from './base/atomic-file';
export { tuneAsSweepReport } from './tune/tune-report';
export { median, seededRandom } from './base/stats';
export { shiftLines, type LineEdit } from './base/line-shift';
export { entryPointLines } from './processor/entry-points';
// The cluster face (src/cluster) runs chunks through these: the dispatcher seam, the local pool its
// workers wrap, the task protocol, the processor compile step and the shared clock.
export { PiscinaDispatcher, type ChunkDispatcher } from './run/dispatcher';
export type * from './model/protocol';
export type { ResolvedOptions } from './options';
export { compileProcessor } from './processor/compile';
export { epochNow } from './base/clock';
