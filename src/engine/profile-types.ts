// The vocabulary of CPU profiles (issue 7). The profile itself is the standard V8 `.cpuprofile`
// format (what node:inspector's Profiler.stop returns, and what Chrome DevTools, speedscope and the
// VS Code profile visualizer load). Fields may be added; none renamed.

export interface CpuCallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based, as V8 reports them. */
  lineNumber: number;
  columnNumber: number;
}

export interface CpuProfileNode {
  id: number;
  callFrame: CpuCallFrame;
  hitCount?: number;
  children?: number[];
  /** Samples per source line of this function (1-based lines), as V8 reports them. */
  positionTicks?: { line: number; ticks: number }[];
}

/** A `.cpuprofile`: times in microseconds on V8's monotonic clock. */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One thread's profile as the run report lists it. */
export interface ThreadProfile {
  /** 'main' or the worker's thread id (the same id as ChunkRecord.workerId). */
  thread: 'main' | number;
  label: string;
  /** Absolute path of the saved `.cpuprofile`. */
  file: string;
  samples: number;
  /** ms since the run's start = (profile µs timestamp) / 1000 + clockOffsetMs: one clock with the chunk records. */
  clockOffsetMs: number;
  samplingIntervalUs: number;
}
