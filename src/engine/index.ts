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
