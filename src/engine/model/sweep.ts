// The vocabulary of sweeps, the cost model and tuning (README "Sweep and tune"). Plain JSON-serialisable data:
// the CLI, the extension and the webview only present it. Fields may be added; none renamed.
import type { DatasetFormat, Strategy } from './common';

/** One point of the grid: a strategy, a worker count and one chunk size (rows or bytes). */
export interface SweepPointSpec {
  strategy: Strategy;
  workers: number;
  chunkRows?: number;
  chunkBytes?: number;
}

/** One measured run of a point (warm-up runs are not kept). */
export interface SweepRepeat {
  rowsPerSecond: number;
  /** First chunk submitted → last result received: what the chunk size changes. */
  processingMs: number;
  wallMs: number;
  overheadShare: number;
  idleShare: number;
  chunks: number;
  meanChunkRows: number;
  /** Position in the sweep's interleaved, randomised order (0-based) and start, ms since the sweep began. */
  order: number;
  startedAtMs: number;
  /** Rows of the run: fewer than the sample's when a point with tiny chunks ran on a spread sub-sample. */
  rows?: number;
  /** Cluster sweeps: the nodes (machines) that ran this run's chunks. */
  nodes?: string[];
}

/** A sweep or tuning run over a cluster (--cluster): the workers registered, and how the worker axis was fitted to them. */
export interface SweepClusterInfo {
  /** Redis, without a password. */
  url: string;
  queue: string;
  /** The nodes registered when the sweep started, and their threads. */
  nodes: { name: string; threads: number }[];
  /** Their threads in all: the top of the worker axis (worker counts mean threads over all nodes). */
  threads: number;
  /** Worker counts asked for that were above `threads`, and so ran as `threads`. */
  capped: number[];
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** 95 % interval of the median (order statistics; equals [min, max] for fewer than 6 repeats). */
  ci95: [number, number];
}

export interface SweepPoint extends SweepPointSpec {
  /** Stable id: `${strategy}/${workers}w/${chunkRows ?? chunkBytes + 'B'}`. */
  key: string;
  repeats: SweepRepeat[];
  rowsPerSecond: Spread;
  /** Medians over the repeats. */
  overheadShare: number;
  idleShare: number;
  chunks: number;
  meanChunkRows: number;
}

/** Where the sweep's sample came from: byte ranges spread over the whole file, cut at record boundaries. */
export interface SweepSample {
  fileBytes: number;
  rows: number;
  bytes: number;
  /** bytes / fileBytes. 1 when the whole file was used. */
  fraction: number;
  ranges: { start: number; end: number }[];
  /** How the sample was taken when not as ranges over the file (a compressed file), in words. */
  note?: string;
}

/**
 * time per chunk on a worker = perChunkUs + perRowUs × rows; the main thread spends mainPerChunkUs
 * per chunk in series (dispatch, reorder, write); the last wave of chunks leaves workers idle (tail).
 * predictRunMs in cost-model.ts turns these numbers into a run time for any chunk size and workers.
 */
export interface CostModel {
  perChunkUs: number;
  perRowUs: number;
  mainPerChunkUs: number;
  /** Pool start-up and setup, not affected by the chunk size. */
  startupMs: number;
  /** Rows the model predicts for (the sample's or the file's). */
  rows: number;
  /** Goodness of fit of the per-chunk time regression (0..1) and its sample count. */
  r2: number;
  fitChunks: number;
  /** Median |predicted − measured| / measured processing time over the sweep's points. */
  medianRelativeError: number;
  /** The strategy whose runs were fitted (a model describes one strategy). */
  strategy?: Strategy;
  /** Rows of the sample the model was fitted on (`rows` may be the whole file's estimate). */
  sampleRows?: number;
}

export interface Recommendation extends SweepPointSpec {
  rowsPerSecond: number;
  /** 'measured' when a measured point won; 'model' when the model's optimum was preferred. */
  source: 'measured' | 'model';
}

export interface SweepReport {
  kind: 'sweep';
  data: string;
  processor: string;
  format: DatasetFormat;
  sample: SweepSample;
  grid: { axis: 'rows' | 'bytes'; sizes: number[]; workers: number[]; strategies: Strategy[] };
  repeats: number;
  points: SweepPoint[];
  model: CostModel | null;
  /** Best measured point, and the recommendation per worker count (from the model where it fits). */
  best: (SweepPointSpec & { key: string; rowsPerSecond: number }) | null;
  recommendations: Recommendation[];
  /** Plain-words reasons: "below 2,000 rows a chunk, dispatch overhead exceeds 5 % of worker time; …". */
  explanation: string[];
  stopped: null | 'budget' | 'cancelled';
  budgetSeconds?: number;
  /** Estimated rows of the whole file: what the recommendations are for. */
  fileRows?: number;
  /** Runs done, warm-up runs included, and runs planned. */
  runsDone?: number;
  runsPlanned?: number;
  startedAtEpochMs: number;
  wallMs: number;
  machine: { cpus: number; cpuModel: string; nodeVersion: string; platform: string };
  /** Set when the sweep ran over a cluster. */
  cluster?: SweepClusterInfo;
}

export interface TuneResult {
  kind: 'tune';
  data: string;
  processor: string;
  recommendation: Recommendation;
  /** One paragraph a user can read: what was tried, what won, why. */
  explanation: string;
  points: SweepPoint[];
  model: CostModel | null;
  wallMs: number;
  /** The full sweep's time would have been about this (for the 25 % bar). */
  savedTo?: string;
  /** The scaling probe, when the worker count was chosen by the tuner. */
  workersProbe?: WorkersProbe;
  sample?: SweepSample;
  /** Runs done, warm-up runs included. */
  runs?: number;
  /** Set when the tuning ran over a cluster. */
  cluster?: SweepClusterInfo;
}

/** `--workers auto`: worker counts tried in turn until throughput stopped rising, and why it stopped. */
export interface WorkersProbe {
  chosen: number;
  /** 'cores': every core is in use; 'main-thread': workers waited for work; 'memory-bandwidth': busy workers each got slower. */
  reason: 'cores' | 'main-thread' | 'memory-bandwidth';
  /** One sentence with the numbers behind the reason. */
  explanation: string;
  steps: { workers: number; rowsPerSecond: number; idleShare: number; chunkRows: number }[];
}

/** `.chunkscope/tuning.json`: saved settings keyed by `${dataset path}::${processor path}` (absolute). */
export interface SavedTuning {
  version: 1;
  entries: Record<string, SavedTuningEntry>;
}

export interface SavedTuningEntry extends SweepPointSpec {
  data: string;
  processor: string;
  rowsPerSecond: number;
  tunedAtEpochMs: number;
  /** The dataset's size and mtime and the processor's SHA-256 when tuned: a changed file makes the entry stale. */
  dataBytes: number;
  dataMtimeMs: number;
  processorSha256: string;
}
