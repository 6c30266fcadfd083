// The sweep page's model, no DOM: the chart's lines (one per strategy and worker count), the size
// axis, the cost model's predictions at any size, the hover text of a point and the slider's
// simulated timeline. charts/sweep-chart.ts draws them.
import { predictRun, type Prediction } from '../../src/engine/tune/cost-model';
import type { CostModel, SweepPoint, SweepReport } from '../../src/engine/model/sweep';
import type { Strategy } from '../../src/engine/model';
import { formatBytes, formatCompact, formatInt, formatPercent } from '../../src/engine/base/format';

export type SizeAxis = SweepReport['grid']['axis'];
export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond';
const MARKERS: MarkerShape[] = ['circle', 'square', 'triangle', 'diamond'];

/** One line of the chart: every measured point of one strategy at one worker count, by size. */
export interface SweepSeries {
  key: string;
  strategy: Strategy;
  workers: number;
  /** Index into the palette (by worker count) and the marker (by strategy). */
  colorIndex: number;
  marker: MarkerShape;
  points: SweepPoint[];
}

/** The point's chunk size on the sweep's axis (rows or bytes); undefined when it has none. */
export function pointSize(p: SweepPoint, axis: SizeAxis): number | undefined {
  const size = axis === 'rows' ? p.chunkRows : p.chunkBytes;
  return size !== undefined && size > 0 ? size : undefined;
}

export function formatSize(size: number, axis: SizeAxis): string {
  return axis === 'rows' ? `${formatInt(size)} rows` : formatBytes(Math.round(size));
}

/** Rows in a chunk of `size` on the axis: bytes become rows at the sample's mean row length. */
export function sizeToRows(size: number, report: SweepReport): number {
  if (report.grid.axis === 'rows') return size;
  const bytesPerRow = report.sample.rows > 0 ? report.sample.bytes / report.sample.rows : 1;
  return Math.max(1, size / Math.max(1e-9, bytesPerRow));
}

/**
 * The rows the sweep's runs processed (the sample's): the chart's model curves are drawn for these,
 * so they compare like for like with the measured points, while the slider predicts model.rows.
 */
export function measuredRows(report: SweepReport): number {
  return report.model?.sampleRows || report.sample.rows || report.model?.rows || 1;
}

/** What the model predicts for a chunk size on the axis and a worker count, over `rows` rows. */
export function predictAt(
  model: CostModel,
  report: SweepReport,
  size: number,
  workers: number,
  rows = model.rows,
): Prediction {
  return predictRun(model, { rows, chunkRows: sizeToRows(size, report), workers });
}

/** Lines in a stable order: by worker count, then by the grid's strategy order. */
export function sweepSeries(report: SweepReport): SweepSeries[] {
  const byKey = new Map<string, SweepSeries>();
  const workerOrder = [...new Set([...report.grid.workers, ...report.points.map((p) => p.workers)])].sort(
    (a, b) => a - b,
  );
  const strategyOrder = [...new Set([...report.grid.strategies, ...report.points.map((p) => p.strategy)])];
  for (const p of report.points) {
    if (pointSize(p, report.grid.axis) === undefined) continue;
    const key = `${p.strategy}/${p.workers}w`;
    let s = byKey.get(key);
    if (!s) {
      s = {
        key,
        strategy: p.strategy,
        workers: p.workers,
        colorIndex: workerOrder.indexOf(p.workers),
        marker: MARKERS[strategyOrder.indexOf(p.strategy) % MARKERS.length],
        points: [],
      };
      byKey.set(key, s);
    }
    s.points.push(p);
  }
  const list = [...byKey.values()];
  for (const s of list) s.points.sort((a, b) => pointSize(a, report.grid.axis)! - pointSize(b, report.grid.axis)!);
  return list.sort(
    (a, b) => a.workers - b.workers || strategyOrder.indexOf(a.strategy) - strategyOrder.indexOf(b.strategy),
  );
}

/**
 * The chunk sizes the chart and the slider span: the measured sizes widened eight-fold both ways
 * (the model says what happens beyond them), clamped to one row and to the whole sample.
 */
export function sizeDomain(report: SweepReport): { min: number; max: number } {
  // The grid's sizes too, so the axis stays put while a live sweep's points arrive.
  const sizes = report.points
    .map((p) => pointSize(p, report.grid.axis))
    .concat(report.grid.sizes)
    .filter((s): s is number => s !== undefined && s > 0);
  if (sizes.length === 0) sizes.push(report.grid.axis === 'rows' ? 1000 : 65536);
  const oneRow =
    report.grid.axis === 'rows'
      ? 1
      : Math.max(1, report.sample.rows > 0 ? report.sample.bytes / report.sample.rows : 1);
  const whole =
    report.grid.axis === 'rows'
      ? Math.max(report.model?.rows ?? 0, report.fileRows ?? 0, report.sample.rows)
      : Math.max(report.sample.fileBytes, report.sample.bytes);
  const lo = Math.min(...sizes);
  const hi = Math.max(...sizes);
  let min = Math.max(oneRow, lo / 8);
  let max = whole > 0 ? Math.min(whole, hi * 8) : hi * 8;
  if (max < hi) max = hi;
  if (min > lo) min = lo;
  if (max <= min * 1.01) max = min * 10;
  return { min, max };
}

/** The hover text of one point: its measurements and, when there is a model, its prediction. */
export function describeSweepPoint(p: SweepPoint, report: SweepReport): string[] {
  const axis = report.grid.axis;
  const size = pointSize(p, axis);
  const r = p.rowsPerSecond;
  const lines = [
    `${p.strategy} · ${p.workers} worker${p.workers === 1 ? '' : 's'} · ${size === undefined ? 'automatic size' : formatSize(size, axis)}`,
    `${formatCompact(r.median)} rows/s median of ${p.repeats.length} run${p.repeats.length === 1 ? '' : 's'}`,
    `min ${formatCompact(r.min)} · max ${formatCompact(r.max)} · 95 % interval ${formatCompact(r.ci95[0])}–${formatCompact(r.ci95[1])}`,
    `overhead ${formatPercent(p.overheadShare)} · idle ${formatPercent(p.idleShare)} of worker time`,
    `${formatInt(p.chunks)} chunks · ${formatInt(p.meanChunkRows)} rows a chunk on average`,
  ];
  if (report.model && size !== undefined) {
    const predicted = predictAt(report.model, report, size, p.workers, measuredRows(report)).rowsPerSecond;
    const err = r.median > 0 ? (predicted - r.median) / r.median : 0;
    lines.push(
      `model predicts ${formatCompact(predicted)} rows/s (${err >= 0 ? '+' : '−'}${formatPercent(Math.abs(err))})`,
    );
  }
  if (report.best?.key === p.key) lines.push('best measured point');
  return lines;
}

/** The simulated timeline at the slider's size: per worker lane, its chunks (or their busy time when merged). */
export interface PreviewLayout {
  chunks: number;
  /** End of each lane's last chunk, ms. */
  laneEnds: number[];
  /** Busy ms per lane (chunk time, not counting waits for the main thread). */
  laneBusy: number[];
  /** Per lane, [start, end, overheadEnd] of each chunk; empty when there are too many to draw one by one. */
  bars: Float64Array[];
  spanMs: number;
}

const MAX_PREVIEW_BARS = 3000;

/**
 * Equal chunks handed out in turn (one per worker, as the pool does when they all cost the same),
 * each no earlier than the main thread can dispatch it: a picture of what predictRun counts.
 */
export function previewLayout(
  model: CostModel,
  rows: number,
  chunkRows: number,
  workers: number,
  prediction: Prediction,
): PreviewLayout {
  const total = Math.max(1, Math.round(rows));
  const size = Math.max(1, Math.min(Math.round(chunkRows), total));
  const w = Math.max(1, Math.round(workers));
  const chunks = Math.ceil(total / size);
  const laneEnds = new Array<number>(w).fill(0);
  const laneBusy = new Array<number>(w).fill(0);
  const draw = chunks <= MAX_PREVIEW_BARS;
  const perLane = Math.ceil(chunks / w);
  const bars = draw ? Array.from({ length: w }, () => new Float64Array(perLane * 3)) : [];
  const counts = new Array<number>(w).fill(0);
  const mainMs = model.mainPerChunkUs / 1000;
  const overheadMs = model.perChunkUs / 1000;
  for (let k = 0; k < chunks; k++) {
    const lane = k % w;
    const r = k === chunks - 1 ? total - size * (chunks - 1) : size;
    const ms = overheadMs + (model.perRowUs * r) / 1000;
    const start = Math.max((k + 1) * mainMs, laneEnds[lane]);
    laneEnds[lane] = start + ms;
    laneBusy[lane] += ms;
    if (draw) {
      const j = counts[lane]++;
      bars[lane][3 * j] = start;
      bars[lane][3 * j + 1] = start + ms;
      bars[lane][3 * j + 2] = start + overheadMs;
    }
  }
  if (draw) for (let lane = 0; lane < w; lane++) bars[lane] = bars[lane].subarray(0, counts[lane] * 3);
  return { chunks, laneEnds, laneBusy, bars, spanMs: Math.max(prediction.processingMs, ...laneEnds, 1e-6) };
}
