// Chunkscope's own messages between the VS Code client and the language server (beside the
// standard LSP ones). The client imports this file for its types only.

/** Client → server, after a run wrote its timings file: read it (per-row cost, profiles) now. */
export const RUN_RECORDED = 'chunkscope/runRecorded';
export interface RunRecordedParams {
  /** Absolute paths. */
  processor: string;
  /** The run's timings file: its figures become the processor's lens and line timings. */
  timings?: string;
}

/** Client → server, when a run's report closes: its profile numbers leave the editor. */
export const FORGET_PROFILE = 'chunkscope/forgetProfile';
export interface ForgetProfileParams {
  timings: string;
}

/** Server → client: the per-line timings to draw on one version of an open document. */
export const LINE_TIMINGS = 'chunkscope/lineTimings';
export interface LineTimingsParams {
  uri: string;
  /** The document version the lines are for: the client draws them only on that version. */
  version: number;
  lines: LineTimingText[];
}

export interface LineTimingText {
  /** 0-based. */
  line: number;
  /** "12.3 ms self · 0.41 µs/row · 31 %". */
  text: string;
  /** 0 (cool) … HEAT_STEPS - 1 (the hottest line). */
  heat: number;
}

export const HEAT_STEPS = 5;

/** Commands the server's lenses and hovers name; the extension registers them (the server lists none). */
export const COMMANDS = {
  run: 'chunkscope.run',
  profile: 'chunkscope.profile',
  sweep: 'chunkscope.sweep',
  tune: 'chunkscope.tune',
  showLastReport: 'chunkscope.showLastReport',
  showChunk: 'chunkscope.showChunk',
} as const;
