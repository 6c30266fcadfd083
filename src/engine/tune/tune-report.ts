// A tune's measurements as a sweep report, so the sweep page (chart, model curve, slider) shows
// what the tuner measured and why it chose what it chose: one line (its strategy and worker
// count), the sizes it tried, and its one recommendation.
import { machineInfo } from './sweep';
import type { SweepPoint, SweepReport, TuneResult } from '../model/sweep';
import { formatOf } from '../read/dataset';

export function tuneAsSweepReport(tuned: TuneResult, startedAtEpochMs: number): SweepReport {
  const r = tuned.recommendation;
  // The tuned line only: the probe's points (other worker counts, a probe size) are in its explanation.
  const points = tuned.points.filter((p) => p.workers === r.workers && p.strategy === r.strategy);
  const axis = points.some((p) => p.chunkBytes !== undefined) ? 'bytes' : 'rows';
  const sizes = [...new Set(points.map((p) => (axis === 'bytes' ? p.chunkBytes! : p.chunkRows!)))].sort(
    (a, b) => a - b,
  );
  const best = points.reduce<SweepPoint | null>(
    (a, p) => (!a || p.rowsPerSecond.median > a.rowsPerSecond.median ? p : a),
    null,
  );
  const explanation = [tuned.explanation];
  return {
    kind: 'sweep',
    data: tuned.data,
    processor: tuned.processor,
    format: formatOf(tuned.data),
    sample: tuned.sample ?? { fileBytes: 0, rows: 0, bytes: 0, fraction: 1, ranges: [] },
    grid: { axis, sizes, workers: [r.workers], strategies: [r.strategy] },
    repeats: Math.max(1, ...points.map((p) => p.repeats.length)),
    points,
    model: tuned.model,
    best: best
      ? {
          strategy: best.strategy,
          workers: best.workers,
          chunkRows: best.chunkRows,
          chunkBytes: best.chunkBytes,
          key: best.key,
          rowsPerSecond: best.rowsPerSecond.median,
        }
      : null,
    recommendations: [r],
    explanation,
    stopped: null,
    runsDone: tuned.runs,
    runsPlanned: tuned.runs,
    startedAtEpochMs,
    wallMs: tuned.wallMs,
    machine: machineInfo(),
  };
}
