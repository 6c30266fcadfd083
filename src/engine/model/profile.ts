// The vocabulary of CPU profiles (README "CPU profiles"). The profile itself is the standard V8 `.cpuprofile`
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
  /**
   * How far (ms) the profile's own start/end timestamps fell outside the moments read on the
   * thread's monotonic clock around Profiler.start/stop: ~0 when both are one clock; large means
   * the offset was anchored on the profile's start instead.
   */
  clockCheckMs?: number;
  /** Source files (.ts) the profile's call frames and line ticks were mapped back to through the processor's source map. */
  mappedSources?: string[];
}

/** A thread's profile read back from its file, as the summaries and slicing take it. */
export interface LoadedProfile {
  thread: ThreadProfile;
  profile: CpuProfile;
}

/** A thread's profile with its `.cpuprofile` read: what the merged call tree is built from (the flame views get these in their page data). */
export interface ProfileInput {
  meta: ThreadProfile;
  profile: CpuProfile;
}

/** Self time of one source line of one file (1-based line), summed over threads. */
export interface LineTiming {
  line: number;
  selfMs: number;
  samples: number;
}

/** Self and total time of one function over all profiled threads, with its spread across chunks. */
export interface FunctionTiming {
  functionName: string;
  url: string;
  /** 1-based line and column of the function's start (after source mapping). */
  line: number;
  column: number;
  selfMs: number;
  /** Time with the function anywhere on the stack (recursion counted once). */
  totalMs: number;
  samples: number;
  /** Self time per chunk, over the chunks of the profiled workers (chunks where it never ran count as 0). */
  medianChunkSelfMs: number;
  /** The chunk (ChunkRecord.index) where it spent the most self time; undefined when no chunk record matched. */
  worstChunk?: number;
  worstChunkSelfMs: number;
}
