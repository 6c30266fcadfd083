// What passes between the Node side and the report pages: the page data embedded in the HTML (one
// variant per page, told apart by `kind`) and the messages between a VS Code panel and its page
// (told apart by `type`). Types only: src/ imports this file, and only this file of webview/, with
// `import type`, so nothing of the browser code ends up in the extension or the CLI.
import type { ChunkRecord, Finding, ProfileInput, ProgressEvent, RunReport } from '../src/engine/model';
import type { SweepPointSpec, SweepReport } from '../src/engine/model/sweep';

// ── page data

/** A run's CPU profile with its `.cpuprofile` file read, for the flame views (the engine's type, which its call tree is built from). */
export type { ProfileInput };

/** The run report page: the whole run report plus the engine's diagnosis (when available). */
export interface RunPageData {
  kind: 'run';
  report: RunReport;
  /** null when this build of the engine has no diagnosis. */
  findings: Finding[] | null;
  /** Where the timings came from (file name), for the title and default export names. */
  source?: string;
  generatedAt: string;
  /** The run's CPU profiles (report.profiles with their .cpuprofile files read), for the flame views. */
  profiles?: ProfileInput[];
  /** Profiles listed in the report that could not be read, each naming the file and why. */
  profileProblems?: string[];
}

/** What the extension tells the live page before any chunk is done. */
export interface LiveInfo {
  processor: string;
  data: string;
  strategy: string;
  /** Worker threads requested (0 = automatic). */
  workers: number;
  startedAtEpochMs: number;
}

/** The live page while a run is going: no report yet, the records come as messages. */
export interface LivePageData {
  kind: 'live';
  live: LiveInfo;
  generatedAt: string;
}

/** Two runs compared: both reports, summary deltas, their timelines on one time scale. */
export interface ComparePageData {
  kind: 'compare';
  compare: RunPageData[];
  generatedAt: string;
}

/** What the extension knows when a sweep starts, before any point is measured. */
export interface SweepRunInfo {
  data: string;
  processor: string;
  /** Points in the grid (sizes × workers × strategies). */
  totalPoints: number;
}

/**
 * A chunk-size sweep: the report so far, or null before the first point is measured. While
 * `running` is set the page takes 'sweep-progress' / 'sweep-done' messages (VS Code only).
 */
export interface SweepPageData {
  kind: 'sweep';
  sweep: SweepReport | null;
  running?: SweepRunInfo;
  /** Where the sweep came from (file name), for the title. */
  source?: string;
  generatedAt: string;
}

/** Whatever a page embeds; main.ts picks the page by `kind`. */
export type PageData = RunPageData | LivePageData | ComparePageData | SweepPageData;

// ── messages of the run report page (VS Code's report panel)

export type ExportKind = 'timings' | 'trace' | 'png';

export type RunToExtension =
  | { type: 'export'; kind: 'timings' | 'trace'; fileName: string }
  | { type: 'export'; kind: 'png'; fileName: string; dataUrl: string }
  | { type: 'open-at-row'; line: number; row: number }
  /** The report has loaded: the extension may now post select-chunk. */
  | { type: 'report-ready' }
  /** A 0x flame graph page of this run: open it in the browser. */
  | { type: 'open-external'; file: string }
  /** The flame view's "Go to source": open a file at a 1-based line (and column). */
  | { type: 'open-source'; file: string; line: number; column?: number };

export type RunToWebview =
  | { type: 'exported'; path: string }
  | { type: 'export-failed'; message: string }
  /** Select a chunk in the timeline (from an editor hover's "worst chunk" link). */
  | { type: 'select-chunk'; index: number };

// ── messages of the live page (the report panel while a run is going)

/** Progress of a live run, exactly as the engine reports it. */
export type LiveProgress = ProgressEvent;

export type LiveToExtension =
  /** The live page has loaded (first time or shown again): send every record so far. */
  | { type: 'live-ready' }
  /** The live page's Cancel button: abort the run. */
  | { type: 'cancel' };

export type LiveToWebview =
  /** A batch of final chunk records (input order) and the latest progress; `reset` = all records so far. */
  | { type: 'live'; records: ChunkRecord[]; progress?: LiveProgress; reset?: boolean }
  /** The run ended without a report (cancelled or failed); a finished run reloads as the full report. */
  | { type: 'live-end'; outcome: 'cancelled' | 'failed'; message: string };

/** The report panel shows the live page during a run and the run page after it. */
export type ReportToExtension = RunToExtension | LiveToExtension;
export type ReportToWebview = RunToWebview | LiveToWebview;

// ── messages of the sweep page (VS Code's sweep panel)

/** The settings the Apply and Run buttons send: one point of the grid. */
export type SweepSettings = SweepPointSpec;

export type SweepToExtension =
  /** The page is listening (first load or shown again): send the report so far. */
  | { type: 'sweep-ready' }
  | { type: 'cancel-sweep' }
  | { type: 'apply-settings'; settings: SweepSettings }
  | { type: 'run-with-settings'; settings: SweepSettings };

/** The whole report so far after each point. */
export type SweepToWebview =
  | { type: 'sweep-progress'; report: SweepReport }
  | { type: 'sweep-done'; report: SweepReport }
  | { type: 'sweep-failed'; message: string };

// ── every message (the compare page sends and takes none)

export type ToExtension = ReportToExtension | SweepToExtension;
export type ToWebview = ReportToWebview | SweepToWebview;
