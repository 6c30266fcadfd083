// The engine's public API: everything a face (CLI, extension, tests, bench) needs.
export * from './model';
export { ChunkscopeError, describeLocation } from './base/errors';
export { runDataset, type RunHooks } from './run/run';
export { resolveRunOptions, DEFAULTS } from './options';
export { inspectDataset } from './read/dataset';
export { toChromeTrace } from './report/trace';
export { scanProcessorSource } from './processor/scan';
export { diagnose } from './report/diagnosis';
export { predictRun, type Prediction } from './tune/cost-model';
export { readThreadProfiles } from './profile/capture';
export { sampleTimesMs, sampleWeightsMs, samplesInWindows, attributeSamples, sliceProfile, type TimeWindow, type SamplePhase, type SampleAttribution } from './profile/slice';
export { mapProfileToSources, inlineSourceMap, decodeMappings, type SourceMapV3 } from './profile/sourcemap';
export { lineTimings, functionTimings, formatLocation } from './profile/summary';
export { runSweep, type SweepOptions, type SweepHooks } from './tune/sweep';
export { fitCostModel, bestChunkRows, explainModel, runCostSample, type RunCostSample } from './tune/cost-fit';
export { tune, chooseWorkerCount, findSavedTuning, saveTuning, describeSetting, DEFAULT_TUNING_FILE, type TuneOptions, type TuneHooks } from './tune/tune';
export { parseSampleSize, type SampleSize } from './read/sample';
