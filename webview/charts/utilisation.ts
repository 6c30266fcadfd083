// Utilisation over time: how many workers were busy (0..N) across the run, from every chunk's
// startedAt/finishedAt, as a small canvas step chart (per pixel column, the time-weighted mean).
import { formatMs } from '../../src/engine/base/format';
import type { RunReport } from '../../src/engine/model';
import { beginChart } from './canvas';

export interface UtilisationSeries {
  /** Change points, sorted; counts[k] workers were busy from times[k] to times[k + 1]. */
  times: Float64Array;
  counts: Int32Array;
  /** Most workers busy at once. */
  max: number;
  /** Time-weighted mean number of busy workers over [0, end]. */
  mean: number;
  workers: number;
  end: number;
}

export function utilisationSeries(report: RunReport, end?: number): UtilisationSeries {
  const n = report.chunks.length;
  const t = new Float64Array(2 * n);
  const d = new Int8Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = report.chunks[i];
    t[2 * i] = c.startedAt;
    d[2 * i] = 1;
    t[2 * i + 1] = Math.max(c.startedAt, c.finishedAt);
    d[2 * i + 1] = -1;
  }
  // By time; at equal times a finish comes before a start (a worker going straight to its next chunk).
  const order = Array.from({ length: 2 * n }, (_, k) => k).sort((a, b) => t[a] - t[b] || d[a] - d[b]);
  const times = new Float64Array(2 * n);
  const counts = new Int32Array(2 * n);
  let busy = 0;
  let max = 0;
  for (let k = 0; k < order.length; k++) {
    busy += d[order[k]];
    times[k] = t[order[k]];
    counts[k] = busy;
    if (busy > max) max = busy;
  }
  let last = 0;
  for (const c of report.chunks) last = Math.max(last, c.finishedAt);
  const stop = Math.max(end ?? 0, last, 1e-9);
  let area = 0;
  for (let k = 0; k + 1 < times.length; k++) area += counts[k] * (times[k + 1] - times[k]);
  return { times, counts, max, mean: area / stop, workers: report.summary.workers, end: stop };
}

export class UtilisationView {
  readonly canvas: HTMLCanvasElement;
  readonly series: UtilisationSeries;
  /** The visible time range of the timeline, shaded. */
  window: { start: number; end: number } | null = null;

  constructor(
    private readonly container: HTMLElement,
    report: RunReport,
    /** The time range drawn (a shared one when comparing runs). */
    private range: { start: number; end: number },
  ) {
    this.series = utilisationSeries(report, range.end);
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'utilisation-canvas';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute(
      'aria-label',
      `Workers busy over time: at most ${this.series.max} of ${this.series.workers}, ${this.series.mean.toFixed(2)} on average`,
    );
    container.appendChild(this.canvas);
    new ResizeObserver(() => this.draw()).observe(container);
  }

  setWindow(v: { start: number; end: number } | null): void {
    this.window = v;
    this.draw();
  }

  draw(): void {
    const width = Math.max(200, this.container.clientWidth);
    const height = 90;
    const { ctx, color } = beginChart(this.canvas, this.container, width, height, '#1e1e1e');
    const fg = color('muted', '#9d9d9d');
    const left = 92;
    const right = width - 8;
    const top = 8;
    const bottom = height - 18;
    const { times, counts } = this.series;
    const ymax = Math.max(1, this.series.workers, this.series.max);
    const span = Math.max(1e-9, this.range.end - this.range.start);
    const cols = Math.max(1, Math.floor(right - left));
    const acc = new Float64Array(cols);
    const colMs = span / cols;
    for (let k = 0; k + 1 < times.length; k++) {
      const c = counts[k];
      if (c === 0) continue;
      let a = (times[k] - this.range.start) / colMs;
      const b = Math.min(cols, (times[k + 1] - this.range.start) / colMs);
      if (a < 0) a = 0;
      while (a < b) {
        const col = Math.floor(a);
        const next = Math.min(b, col + 1);
        acc[col] += c * (next - a);
        a = next;
      }
    }
    if (this.window) {
      const x0 = left + ((this.window.start - this.range.start) / span) * (right - left);
      const x1 = left + ((this.window.end - this.range.start) / span) * (right - left);
      ctx.fillStyle = color('lane-bg', 'rgba(128,128,128,0.12)');
      ctx.fillRect(Math.max(left, x0), top, Math.max(1, Math.min(right, x1) - Math.max(left, x0)), bottom - top);
    }
    ctx.fillStyle = color('compute', '#89d185');
    for (let col = 0; col < cols; col++) {
      if (acc[col] <= 0) continue;
      const hgt = (acc[col] / ymax) * (bottom - top);
      ctx.fillRect(left + col, bottom - hgt, 1, hgt);
    }
    ctx.strokeStyle = color('grid', 'rgba(128,128,128,0.35)');
    ctx.setLineDash([3, 3]);
    const yN = bottom - (this.series.workers / ymax) * (bottom - top) + 0.5;
    ctx.beginPath();
    ctx.moveTo(left, yN);
    ctx.lineTo(right, yN);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.font = '11px var(--vscode-font-family, system-ui, sans-serif)';
    ctx.fillStyle = fg;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    ctx.fillText(`${this.series.workers} workers`, 8, yN);
    ctx.fillText('0', 8, bottom);
    ctx.fillText(formatMs(Math.max(0, this.range.start)), left, height - 8);
    ctx.textAlign = 'right';
    ctx.fillText(formatMs(this.range.end), right, height - 8);
  }
}
