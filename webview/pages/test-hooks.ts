// What the tests (and the bench) may read from each page, as a frozen object on window:
// __chunkscopeReport (run, live and compare pages), __chunkscopeSweep and __chunkscopeFlame.
// Types only, so test files import them without the pages' code.
import type { Strategy } from '../../src/engine/model';
import type { Prediction } from '../../src/engine/tune/cost-model';
import type { View } from '../charts/canvas';
import type { ChartStats } from '../charts/sweep-chart';
import type { PhaseGroup } from '../../src/engine/profile/call-tree';
import type { FlameMode } from '../model/flame';
import type { SweepSettings } from '../protocol';

/** What tests may read from the page (read-only). */
export interface ReportTestHook {
  readonly ready: boolean;
  readonly host: 'vscode' | 'standalone';
  readonly lanes: { label: string; workerId: number | null; chunks: number; y: number; h: number }[];
  readonly barCount: number;
  readonly chunkCount: number;
  readonly view: View;
  readonly fullView: View;
  readonly frame: { barsDrawn: number; barsMerged: number; runs: number; ms: number; frames: number };
  /** chunk.index of the chunks the timeline marks as stragglers (held the run up), ascending. */
  readonly stragglers: number[];
  /** chunk.index of the slowest 5 % of chunks, ascending. */
  readonly slowTail: number[];
  readonly tooltip: string | null;
  readonly selected: number | null;
  readonly findings: number;
  /** 1 for one run (2 on the compare page). */
  readonly runs: 1;
  /** The workers-busy-over-time chart: most workers busy at once, the mean, the worker count. */
  readonly utilisation: { max: number; mean: number; workers: number; drawn: boolean };
  /** The bar of the chunk with this index, in client (viewport) coordinates. */
  barRect(chunkIndex: number): { x: number; y: number; w: number; h: number } | null;
  /** Redraws synchronously and returns the frame time in ms (for the bench). */
  redraw(): number;
}

/** What tests may read from the live page (read-only). */
export interface LiveTestHook {
  readonly ready: boolean;
  readonly live: true;
  readonly host: 'vscode' | 'standalone';
  /** Records received so far. */
  readonly chunkCount: number;
  /** Bars in the timeline's model (updated on the next animation frame after a batch). */
  readonly barCount: number;
  readonly lanes: { label: string; workerId: number | null; chunks: number }[];
  /** Messages with records received (about ten a second while chunks complete). */
  readonly batches: number;
  readonly progress: { rows: number; bytes: number; totalBytes: number; rowsPerSecond: number } | null;
  /** null while running, else 'cancelled' | 'failed'. */
  readonly ended: string | null;
  readonly frames: number;
}

/** What tests may read from the compare page (read-only). */
export interface CompareTestHook {
  readonly ready: boolean;
  readonly runs: 2;
  readonly timelines: {
    label: string;
    view: View;
    fullView: View;
    msPerPx: number;
    lanes: number;
    chunkCount: number;
    barCount: number;
    top: number;
  }[];
  readonly utilisation: { max: number; mean: number; workers: number }[];
  readonly deltas: Record<string, string>;
  /** Redraws both timelines synchronously and returns the total frame time in ms. */
  redraw(): number;
}

/** What tests may read from the sweep page (read-only). */
export interface SweepTestHook {
  readonly ready: boolean;
  readonly kind: 'sweep';
  readonly host: 'vscode' | 'standalone';
  readonly running: boolean;
  readonly pointsDone: number;
  readonly totalPoints: number;
  /** Progress and sweep-done messages handled. */
  readonly updates: number;
  readonly status: string;
  readonly lines: ChartStats['lines'];
  readonly pointsDrawn: number;
  readonly errorBars: number;
  readonly overheadPoints: number;
  readonly modelCurves: ChartStats['modelCurves'];
  readonly bestKey: string | null;
  readonly bestMarked: boolean;
  readonly frames: number;
  readonly tooltip: string | null;
  readonly slider: {
    position: number;
    steps: number;
    size: number;
    chunkRows: number;
    workers: number;
    strategy: Strategy;
    prediction: Prediction | null;
    text: string;
    previewChunks: number | null;
  } | null;
  readonly settings: SweepSettings | null;
  readonly cliCommand: string | null;
  /** The throughput marker of a point, in client (viewport) coordinates. */
  pointPosition(key: string): { x: number; y: number } | null;
  /** The throughput panel's plot area, in client (viewport) coordinates. */
  plotRect(): { x: number; y: number; w: number; h: number } | null;
}

/** What tests and the bench may read from the page (read-only), as window.__chunkscopeFlame. */
export interface FlameTestHook {
  readonly ready: boolean;
  readonly mode: FlameMode;
  readonly threads: string[];
  /** The thread selection: 'workers' (all workers), 'all' (with the main thread) or one thread's label. */
  readonly threadSelection: string;
  readonly phase: PhaseGroup;
  readonly framesDrawn: { boxesDrawn: number; boxesMerged: number; ms: number; frames: number };
  /** The function with the largest self time in the current slice (idle excluded). */
  readonly topSelf: { name: string; file: string; line: number; category: string; selfMs: number } | null;
  readonly sliceSamples: number;
  readonly sliceMs: number;
  /** chunk.index of the chunks the views are sliced to (empty: no chunk filter). */
  readonly selectedChunks: number[];
  readonly selectedFrame: {
    name: string;
    file: string;
    line: number;
    depth: number;
    self: number;
    total: number;
  } | null;
  /** Boxes matching the search, and the depths they were drawn at. */
  readonly searchHits: { frames: number; boxes: number; depths: number[] };
  readonly sandwich: { frame: string; callers: string[]; callees: string[] } | null;
  readonly location: string | null;
  readonly totalSamples: number;
  /** The x range shown: ms of the slice (flame graph) or ms since the run's start (time order). */
  readonly view: { start: number; end: number };
  /** Differential mode: functions whose self time per chunk grew most in the selection vs typical chunks. */
  readonly slowerSelf: { name: string; deltaMs: number }[];
  /** Every sample in the current slice: its thread and time on the run's clock (ms). */
  sliceSampleTimes(): { thread: string; t: number }[];
  /** Canvas rectangle of the widest box of the named function, in viewport coordinates. */
  boxRect(functionName: string): { x: number; y: number; w: number; h: number } | null;
  /** Redraws synchronously and returns the frame time in ms (for the bench). */
  redraw(): number;
}
