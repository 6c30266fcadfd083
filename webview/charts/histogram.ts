// Distribution of chunk durations (or rows/s per chunk) as a canvas histogram, with p50 and p95.
import { formatCompact, formatMs } from '../../src/engine/base/format';
import { histogram, type Model } from '../model/run';
import { quantile } from '../../src/engine/base/stats';
import { beginChart } from './canvas';

export type HistogramMode = 'duration' | 'rate';

export class HistogramView {
  readonly canvas: HTMLCanvasElement;
  mode: HistogramMode = 'duration';
  private readonly values: Record<HistogramMode, Float64Array>;
  /** p50 and p95 of chunk durations as the engine derived them (the page's text and tooltips quote the same). */
  private readonly durationQuantiles: Record<number, number>;

  constructor(
    private readonly container: HTMLElement,
    model: Model,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'histogram-canvas';
    this.canvas.setAttribute('role', 'img');
    container.appendChild(this.canvas);
    const chunks = model.report.chunks;
    this.values = {
      duration: model.durations,
      rate: Float64Array.from(chunks, (c, i) =>
        model.durations[i] > 0 && c.rows > 0 ? c.rows / (model.durations[i] / 1000) : NaN,
      ),
    };
    this.durationQuantiles = { 0.5: model.p50, 0.95: model.p95 };
    new ResizeObserver(() => this.draw()).observe(container);
  }

  setMode(mode: HistogramMode): void {
    this.mode = mode;
    this.draw();
  }

  draw(): void {
    const width = Math.max(200, this.container.clientWidth);
    const height = 180;
    const { ctx, color } = beginChart(this.canvas, this.container, width, height, '#1e1e1e');
    const fg = color('muted', '#9d9d9d');
    const bar = this.mode === 'duration' ? color('compute', '#89d185') : color('read', '#3794ff');
    const values = this.values[this.mode];
    const finite = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
    const fmt = this.mode === 'duration' ? formatMs : (v: number) => `${formatCompact(v)}/s`;
    const h = histogram(finite, Math.min(50, Math.max(8, Math.round(width / 16))));
    const left = 40;
    const right = width - 12;
    const top = 14;
    const bottom = height - 22;
    const lo = h.edges[0];
    const hi = h.edges[h.edges.length - 1];
    const X = (v: number) => left + ((v - lo) / (hi - lo)) * (right - left);
    ctx.font = '11px var(--vscode-font-family, system-ui, sans-serif)';
    ctx.fillStyle = fg;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    ctx.fillText(String(h.max), left - 6, top);
    ctx.fillText('0', left - 6, bottom);
    ctx.textAlign = 'center';
    ctx.fillText(fmt(lo), left + 10, height - 9);
    ctx.fillText(fmt(hi), right - 20, height - 9);
    ctx.fillStyle = bar;
    for (let b = 0; b < h.counts.length; b++) {
      if (!h.counts[b]) continue;
      const x0 = X(h.edges[b]);
      const x1 = X(h.edges[b + 1]);
      const bh = Math.max(1, (h.counts[b] / Math.max(1, h.max)) * (bottom - top));
      ctx.fillRect(x0 + 0.5, bottom - bh, Math.max(1, x1 - x0 - 1), bh);
    }
    for (const [q, name, c] of [
      [0.5, 'p50', fg],
      [0.95, 'p95', color('straggler', '#f14c4c')],
    ] as const) {
      if (!finite.length) break;
      const v = this.mode === 'duration' ? this.durationQuantiles[q] : quantile(finite, q);
      const x = Math.round(X(v)) + 0.5;
      ctx.strokeStyle = c;
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(x, top - 4);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = c;
      ctx.textAlign = x > width - 90 ? 'right' : 'left';
      ctx.fillText(`${name} ${fmt(v)}`, x + (x > width - 90 ? -4 : 4), top - 4 + (q === 0.5 ? 12 : 0));
    }
    ctx.strokeStyle = fg;
    ctx.beginPath();
    ctx.moveTo(left, bottom + 0.5);
    ctx.lineTo(right, bottom + 0.5);
    ctx.stroke();
    this.canvas.setAttribute(
      'aria-label',
      `Histogram of ${this.mode === 'duration' ? 'chunk durations' : 'rows per second per chunk'}`,
    );
  }
}
