// The engine's public API: everything a face (CLI, extension, tests, bench) needs.
export * from './types';
export { ChunkscopeError, describeLocation } from './errors';
export { runDataset, type RunHooks } from './executor';
export { resolveRunOptions, DEFAULTS } from './options';
export { inspectDataset } from './dataset';
export { toChromeTrace } from './trace';
export { scanProcessorSource } from './processor-scan';
export { diagnose } from './diagnosis';
export { predictRun, type Prediction } from './cost-model';
export { readThreadProfiles, PROFILE_DEFAULTS } from './profile-capture';
export { sampleTimesMs, sampleWeightsMs, samplesInWindows, attributeSamples, sliceProfile, type TimeWindow, type SamplePhase, type SampleAttribution } from './profile-slice';
export { mapProfileToSources, inlineSourceMap, decodeMappings, type SourceMapV3 } from './profile-sourcemap';
export { lineTimings, functionTimings, formatLocation } from './profile-summary';
export { runSweep, type SweepOptions, type SweepHooks } from './sweep';
export { fitCostModel, bestChunkRows, explainModel, runCostSample, type RunCostSample } from './cost-fit';
export { tune, chooseWorkerCount, findSavedTuning, saveTuning, describeSetting, DEFAULT_TUNING_FILE, type TuneOptions, type TuneHooks } from './tune';
export { parseSampleSize, type SampleSize } from './sample';
