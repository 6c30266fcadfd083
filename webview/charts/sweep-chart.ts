// The sweep's canvases: throughput against chunk size (log axis) with one line per (workers,
// strategy), error bars, the cost model's predicted curves, the best point and the chunk-size
// slider's position, above a panel of the overhead share; and the slider's timeline preview (what
// a run at that size would look like: chunks per worker lane and the idle tail). What they draw is
// computed in model/sweep.ts.
import type { SweepPoint, SweepReport } from '../../src/engine/model/sweep';
import type { Strategy } from '../../src/engine/model';
import { beginChart, themeColors } from './canvas';
import {
  formatBytes,
  formatCompact,
  formatInt,
  formatMs,
  formatPercent,
  formatTick,
} from '../../src/engine/base/format';
import {
  describeSweepPoint,
  measuredRows,
  pointSize,
  predictAt,
  sizeDomain,
  sweepSeries,
  type MarkerShape,
  type PreviewLayout,
  type SizeAxis,
  type SweepSeries,
} from '../model/sweep';

const SERIES_FALLBACK = ['#1a85ff', '#d18616', '#388a34', '#b180d7', '#e51400', '#0598bc', '#bf8803', '#7f7f7f'];

/** Round steps (1, 2, 5 × 10^k) for a linear axis from 0 up to the first step at or above max. */
function linearTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const steps = Math.max(1, Math.ceil(max / step - 1e-9));
  return Array.from({ length: steps + 1 }, (_, k) => k * step);
}

/** Powers of ten inside [min, max]; with 1–2–5 steps when the range spans fewer than three decades. */
function logTicks(min: number, max: number): number[] {
  const decades = Math.log10(max / min);
  const mults = decades < 3 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of mults) {
      const v = m * 10 ** e;
      if (v >= min * 0.999 && v <= max * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

function axisLabel(size: number, axis: SizeAxis): string {
  return axis === 'bytes' ? formatBytes(size) : formatTick(size);
}

function drawMarker(ctx: CanvasRenderingContext2D, shape: MarkerShape, x: number, y: number, r: number): void {
  ctx.beginPath();
  if (shape === 'circle') ctx.arc(x, y, r, 0, Math.PI * 2);
  else if (shape === 'square') ctx.rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
  else if (shape === 'triangle') {
    ctx.moveTo(x, y - r * 1.15);
    ctx.lineTo(x + r * 1.1, y + r * 0.8);
    ctx.lineTo(x - r * 1.1, y + r * 0.8);
    ctx.closePath();
  } else {
    ctx.moveTo(x, y - r * 1.25);
    ctx.lineTo(x + r * 1.1, y);
    ctx.lineTo(x, y + r * 1.25);
    ctx.lineTo(x - r * 1.1, y);
    ctx.closePath();
  }
  ctx.fill();
}

/** What the last frame drew (read by the page's test hook). */
export interface ChartStats {
  lines: {
    key: string;
    strategy: Strategy;
    workers: number;
    points: number;
    errorBars: number;
    marker: MarkerShape;
    color: string;
  }[];
  pointsDrawn: number;
  errorBars: number;
  /** Overhead-panel markers. */
  overheadPoints: number;
  modelCurves: { workers: number; samples: number }[];
  bestKey: string | null;
  bestMarked: boolean;
  frames: number;
}

/** The slider's position as the chart shows it: a vertical line and the predicted point. */
export interface SliderMark {
  size: number;
  workers: number;
}

const MODEL_SAMPLES = 96;

export class SweepChart {
  readonly canvas: HTMLCanvasElement;
  readonly tooltip: HTMLDivElement;
  stats: ChartStats = {
    lines: [],
    pointsDrawn: 0,
    errorBars: 0,
    overheadPoints: 0,
    modelCurves: [],
    bestKey: null,
    bestMarked: false,
    frames: 0,
  };
  private series: SweepSeries[] = [];
  private domain = { min: 1, max: 10 };
  /** Marker positions of the last frame (CSS pixels in the canvas), for hover and keyboard focus. */
  private hits: { key: string; x: number; y: number; point: SweepPoint }[] = [];
  private hovered: string | null = null;
  private focusIndex = -1;
  private slider: SliderMark | null = null;
  private plot = { left: 0, right: 0, top: 0, bottom: 0 };

  constructor(
    private readonly container: HTMLElement,
    private report: SweepReport,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'sweep-canvas';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'tooltip';
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.hidden = true;
    container.append(this.canvas, this.tooltip);
    this.canvas.addEventListener('pointermove', (ev) => this.onPointer(ev));
    this.canvas.addEventListener('pointerleave', () => this.hover(null));
    this.canvas.addEventListener('keydown', (ev) => this.onKey(ev));
    this.canvas.addEventListener('blur', () => this.hover(null));
    new ResizeObserver(() => this.draw()).observe(container);
    this.setReport(report);
  }

  setReport(report: SweepReport): void {
    this.report = report;
    this.series = sweepSeries(report);
    this.domain = sizeDomain(report);
    const n = report.points.length;
    this.canvas.setAttribute(
      'aria-label',
      `Throughput against chunk size: ${this.series.length} lines, ${n} measured points${report.best ? `, best ${report.best.key} at ${formatCompact(report.best.rowsPerSecond)} rows/s` : ''}. Arrow keys step through the points.`,
    );
    this.draw();
  }

  setSlider(mark: SliderMark | null): void {
    this.slider = mark;
    this.draw();
  }

  /** The palette colour of a worker count's lines (the legend uses the same). */
  seriesColor(colorIndex: number): string {
    return themeColors(this.container)(
      `series-${colorIndex % SERIES_FALLBACK.length}`,
      SERIES_FALLBACK[colorIndex % SERIES_FALLBACK.length],
    );
  }

  /** Where a point's throughput marker is, in client (viewport) coordinates. */
  pointPosition(key: string): { x: number; y: number } | null {
    const hit = this.hits.find((h) => h.key === key);
    if (!hit) return null;
    const r = this.canvas.getBoundingClientRect();
    return { x: r.left + hit.x, y: r.top + hit.y };
  }

  /** The throughput panel's plot area, in client (viewport) coordinates. */
  plotRect(): { x: number; y: number; w: number; h: number } {
    const r = this.canvas.getBoundingClientRect();
    const p = this.plot;
    return { x: r.left + p.left, y: r.top + p.top, w: p.right - p.left, h: p.bottom - p.top };
  }

  get tooltipText(): string | null {
    return this.tooltip.hidden ? null : this.tooltip.innerText;
  }

  private onPointer(ev: PointerEvent): void {
    const r = this.canvas.getBoundingClientRect();
    const x = ev.clientX - r.left;
    const y = ev.clientY - r.top;
    let best: (typeof this.hits)[number] | null = null;
    let bestD = 12 * 12;
    for (const h of this.hits) {
      const d = (h.x - x) ** 2 + (h.y - y) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = h;
      }
    }
    this.hover(best ? best.key : null, ev.clientX, ev.clientY);
  }

  private onKey(ev: KeyboardEvent): void {
    if (this.hits.length === 0) return;
    let i = this.focusIndex;
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') i = (i + 1) % this.hits.length;
    else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') i = (i - 1 + this.hits.length) % this.hits.length;
    else if (ev.key === 'Home') i = 0;
    else if (ev.key === 'End') i = this.hits.length - 1;
    else if (ev.key === 'Escape') {
      this.hover(null);
      return;
    } else return;
    ev.preventDefault();
    this.focusIndex = i;
    const pos = this.pointPosition(this.hits[i].key)!;
    this.hover(this.hits[i].key, pos.x, pos.y);
  }

  private hover(key: string | null, clientX = 0, clientY = 0): void {
    const point = key ? this.report.points.find((p) => p.key === key) : undefined;
    if (!point) {
      this.tooltip.hidden = true;
      if (this.hovered !== null) {
        this.hovered = null;
        this.draw();
      }
      return;
    }
    const lines = describeSweepPoint(point, this.report);
    const first = document.createElement('div');
    first.className = 'first';
    first.textContent = lines[0];
    this.tooltip.replaceChildren(first, lines.slice(1).join('\n'));
    this.tooltip.hidden = false;
    const pad = 14;
    const t = this.tooltip.getBoundingClientRect();
    const x = clientX + pad + t.width > window.innerWidth ? clientX - pad - t.width : clientX + pad;
    const y = clientY + pad + t.height > window.innerHeight ? clientY - pad - t.height : clientY + pad;
    this.tooltip.style.left = `${Math.max(0, x)}px`;
    this.tooltip.style.top = `${Math.max(0, y)}px`;
    if (this.hovered !== key) {
      this.hovered = key;
      this.draw();
    }
  }

  draw(): void {
    const report = this.report;
    const axis = report.grid.axis;
    const width = Math.max(360, this.container.clientWidth);
    const height = 470;
    const { ctx, color } = beginChart(this.canvas, this.container, width, height, '#ffffff');
    const fg = color('fg', '#3b3b3b');
    const muted = color('muted', '#6f6f6f');
    const grid = color('grid', 'rgba(128,128,128,0.25)');
    const font = getComputedStyle(document.body).fontFamily || 'system-ui, sans-serif';

    const left = 66;
    const right = width - 96;
    const top1 = 26;
    const bottom1 = 292;
    const top2 = 322;
    const bottom2 = 430;
    this.plot = { left, right, top: top1, bottom: bottom1 };
    const { min, max } = this.domain;
    const lmin = Math.log(min);
    const lspan = Math.max(1e-9, Math.log(max) - lmin);
    const xOf = (size: number) => left + ((Math.log(size) - lmin) / lspan) * (right - left);

    // Model curves first (they span the whole axis), so the y range includes what they predict there.
    const model = report.model;
    const rows = measuredRows(report);
    const workerCounts = [...new Set(this.series.map((s) => s.workers).concat(report.grid.workers))].sort(
      (a, b) => a - b,
    );
    const curves = model
      ? workerCounts.map((w) => ({
          workers: w,
          colorIndex: Math.max(0, workerCounts.indexOf(w)),
          samples: Array.from({ length: MODEL_SAMPLES }, (_, k) => {
            const size = Math.exp(lmin + (lspan * k) / (MODEL_SAMPLES - 1));
            return { size, p: predictAt(model, report, size, w, rows) };
          }),
        }))
      : [];
    let yMax = 0;
    let ohMax = 0;
    for (const s of this.series) {
      for (const p of s.points) {
        yMax = Math.max(yMax, p.rowsPerSecond.max, p.rowsPerSecond.ci95[1]);
        ohMax = Math.max(ohMax, p.overheadShare);
      }
    }
    // The model may shoot above the measurements at the edges: let it lift the axis by 40 % at most.
    const measuredMax = yMax;
    for (const c of curves)
      for (const s of c.samples)
        yMax = Math.max(yMax, measuredMax > 0 ? Math.min(s.p.rowsPerSecond, measuredMax * 1.4) : s.p.rowsPerSecond);
    const yTicks = linearTicks(yMax * 1.05);
    const yTop = Math.max(yTicks[yTicks.length - 1], 1e-9);
    const yOf = (v: number) => bottom1 - (v / yTop) * (bottom1 - top1);
    ohMax = Math.min(1, Math.max(0.05, ohMax * 1.25));
    const ohTicks = linearTicks(ohMax, 3);
    const ohTop = Math.max(ohTicks[ohTicks.length - 1], 1e-9);
    const ohOf = (v: number) => bottom2 - (Math.min(v, ohTop) / ohTop) * (bottom2 - top2);

    // ── grid and axes
    ctx.font = `11px ${font}`;
    ctx.lineWidth = 1;
    ctx.strokeStyle = grid;
    ctx.fillStyle = muted;
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'right';
    // A grid line per tick across the plot, labelled left of it.
    for (const [ticks, yAt, label] of [
      [yTicks, yOf, formatCompact],
      [ohTicks, ohOf, formatPercent],
    ] as const) {
      for (const v of ticks) {
        const y = Math.round(yAt(v)) + 0.5;
        ctx.beginPath();
        ctx.moveTo(left, y);
        ctx.lineTo(right, y);
        ctx.stroke();
        ctx.fillText(label(v), left - 6, y);
      }
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    // A vertical line through both panels (not the gap between them).
    const strokeAcrossPanels = (x: number) => {
      ctx.beginPath();
      ctx.moveTo(x, top1);
      ctx.lineTo(x, bottom1);
      ctx.moveTo(x, top2);
      ctx.lineTo(x, bottom2);
      ctx.stroke();
    };
    for (const v of logTicks(min, max)) {
      const x = Math.round(xOf(v)) + 0.5;
      strokeAcrossPanels(x);
      ctx.fillText(axisLabel(v, axis), x, bottom2 + 5);
    }
    ctx.fillStyle = fg;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText('rows/s', left, top1 - 10);
    ctx.fillText('overhead share', left, top2 - 6);
    ctx.textAlign = 'center';
    ctx.fillText(`chunk size (${axis}, log scale)`, (left + right) / 2, height - 8);

    // ── the slider's size
    if (this.slider) {
      const x = Math.round(xOf(Math.min(max, Math.max(min, this.slider.size)))) + 0.5;
      ctx.strokeStyle = color('select', '#005fb8');
      ctx.setLineDash([2, 3]);
      strokeAcrossPanels(x);
      ctx.setLineDash([]);
    }

    // ── model curves (dashed, in the worker count's colour), clipped to the panels
    const modelCurves: ChartStats['modelCurves'] = [];
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top1, right - left, bottom1 - top1);
    ctx.rect(left, top2, right - left, bottom2 - top2);
    ctx.clip();
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 1.5;
    for (const c of curves) {
      ctx.strokeStyle = this.seriesColor(c.colorIndex);
      ctx.globalAlpha = 0.75;
      ctx.beginPath();
      c.samples.forEach((s, k) =>
        k === 0 ? ctx.moveTo(xOf(s.size), yOf(s.p.rowsPerSecond)) : ctx.lineTo(xOf(s.size), yOf(s.p.rowsPerSecond)),
      );
      ctx.stroke();
      ctx.beginPath();
      c.samples.forEach((s, k) =>
        k === 0 ? ctx.moveTo(xOf(s.size), ohOf(s.p.overheadShare)) : ctx.lineTo(xOf(s.size), ohOf(s.p.overheadShare)),
      );
      ctx.stroke();
      modelCurves.push({ workers: c.workers, samples: c.samples.length });
    }
    ctx.restore();
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
    ctx.font = `11px ${font}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    // Label each curve at the right edge, nudged apart so they do not overlap.
    let lastLabelY = -Infinity;
    for (const c of [...curves].sort(
      (a, b) =>
        yOf(a.samples[a.samples.length - 1].p.rowsPerSecond) - yOf(b.samples[b.samples.length - 1].p.rowsPerSecond),
    )) {
      let y = Math.min(bottom1, Math.max(top1, yOf(c.samples[c.samples.length - 1].p.rowsPerSecond)));
      if (y < lastLabelY + 13) y = lastLabelY + 13;
      lastLabelY = y;
      ctx.fillStyle = this.seriesColor(c.colorIndex);
      ctx.fillText(`model, ${c.workers}w`, right + 6, y);
    }

    // ── the slider's predicted point on its worker count's curve (a ring, under the measured markers)
    if (this.slider && model) {
      const p = predictAt(model, report, this.slider.size, this.slider.workers, rows);
      const x = xOf(Math.min(max, Math.max(min, this.slider.size)));
      const y = yOf(p.rowsPerSecond);
      if (y >= top1) {
        ctx.strokeStyle = color('select', '#005fb8');
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(x, y, 5, 0, Math.PI * 2);
        ctx.stroke();
      }
    }

    // ── measured lines, error bars, markers
    const hits: typeof this.hits = [];
    const lines: ChartStats['lines'] = [];
    let pointsDrawn = 0;
    let errorBars = 0;
    let overheadPoints = 0;
    for (const s of this.series) {
      const c = this.seriesColor(s.colorIndex);
      ctx.strokeStyle = c;
      ctx.fillStyle = c;
      ctx.lineWidth = 2;
      const xy = s.points.map((p) => ({
        p,
        x: xOf(pointSize(p, axis)!),
        y: yOf(p.rowsPerSecond.median),
        oy: ohOf(p.overheadShare),
      }));
      ctx.beginPath();
      xy.forEach((q, k) => (k === 0 ? ctx.moveTo(q.x, q.y) : ctx.lineTo(q.x, q.y)));
      ctx.stroke();
      ctx.beginPath();
      xy.forEach((q, k) => (k === 0 ? ctx.moveTo(q.x, q.oy) : ctx.lineTo(q.x, q.oy)));
      ctx.stroke();
      let bars = 0;
      ctx.lineWidth = 1.25;
      for (const q of xy) {
        // The 95 % interval of the median (min..max below six repeats), with caps.
        const y0 = yOf(q.p.rowsPerSecond.ci95[0]);
        const y1 = yOf(q.p.rowsPerSecond.ci95[1]);
        ctx.beginPath();
        ctx.moveTo(q.x, y0);
        ctx.lineTo(q.x, y1);
        ctx.moveTo(q.x - 4, y0);
        ctx.lineTo(q.x + 4, y0);
        ctx.moveTo(q.x - 4, y1);
        ctx.lineTo(q.x + 4, y1);
        ctx.stroke();
        bars++;
        drawMarker(ctx, s.marker, q.x, q.y, q.p.key === this.hovered ? 6 : 4);
        drawMarker(ctx, s.marker, q.x, q.oy, 3);
        overheadPoints++;
        hits.push({ key: q.p.key, x: q.x, y: q.y, point: q.p });
      }
      pointsDrawn += xy.length;
      errorBars += bars;
      lines.push({
        key: s.key,
        strategy: s.strategy,
        workers: s.workers,
        points: xy.length,
        errorBars: bars,
        marker: s.marker,
        color: c,
      });
    }

    // ── the best measured point: a ring and a label
    let bestMarked = false;
    const bestKey = report.best?.key ?? null;
    const bestHit = bestKey ? hits.find((h) => h.key === bestKey) : undefined;
    if (bestHit) {
      ctx.strokeStyle = fg;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(bestHit.x, bestHit.y, 9, 0, Math.PI * 2);
      ctx.stroke();
      ctx.fillStyle = fg;
      ctx.font = `600 11px ${font}`;
      ctx.textAlign = bestHit.x > right - 60 ? 'right' : 'left';
      ctx.textBaseline = 'bottom';
      ctx.fillText('best', bestHit.x + (ctx.textAlign === 'right' ? -10 : 10), bestHit.y - 8);
      bestMarked = true;
    }

    // Keyboard order: left to right, then top to bottom.
    hits.sort((a, b) => a.x - b.x || a.y - b.y);
    this.hits = hits;
    this.stats = {
      lines,
      pointsDrawn,
      errorBars,
      overheadPoints,
      modelCurves,
      bestKey,
      bestMarked,
      frames: this.stats.frames + 1,
    };
  }
}

/** The preview canvas under the slider. */
export class TimelinePreview {
  readonly canvas: HTMLCanvasElement;
  layout: PreviewLayout | null = null;

  constructor(private readonly container: HTMLElement) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'preview-canvas';
    this.canvas.setAttribute('role', 'img');
    container.append(this.canvas);
    new ResizeObserver(() => this.draw()).observe(container);
  }

  setLayout(layout: PreviewLayout, label: string): void {
    this.layout = layout;
    this.canvas.setAttribute('aria-label', label);
    this.draw();
  }

  draw(): void {
    const layout = this.layout;
    const lanes = layout ? layout.laneEnds.length : 1;
    const laneH = lanes > 16 ? 6 : lanes > 8 ? 10 : 16;
    const width = Math.max(300, this.container.clientWidth);
    const top = 6;
    const height = top + lanes * (laneH + 3) + 22;
    const { ctx, color } = beginChart(this.canvas, this.container, width, height, '#ffffff');
    if (!layout) return;
    const left = 70;
    const right = width - 10;
    const xOf = (ms: number) => left + (ms / layout.spanMs) * (right - left);
    const font = getComputedStyle(document.body).fontFamily || 'system-ui, sans-serif';
    ctx.font = `11px ${font}`;
    ctx.textBaseline = 'middle';
    const compute = color('compute', '#388a34');
    const overhead = color('wait', '#d18616');
    for (let lane = 0; lane < lanes; lane++) {
      const y = top + lane * (laneH + 3);
      ctx.fillStyle = color('lane-bg', 'rgba(128,128,128,0.07)');
      ctx.fillRect(left, y, right - left, laneH);
      // Idle from the lane's last chunk to the end of the run: the tail.
      ctx.fillStyle = color('idle', 'rgba(128,128,128,0.18)');
      ctx.fillRect(xOf(layout.laneEnds[lane]), y, right - xOf(layout.laneEnds[lane]), laneH);
      ctx.fillStyle = color('muted', '#6f6f6f');
      ctx.textAlign = 'left';
      ctx.fillText(`worker ${lane + 1}`, 4, y + laneH / 2);
      const bars = layout.bars[lane];
      if (bars) {
        for (let j = 0; j < bars.length; j += 3) {
          const x0 = xOf(bars[j]);
          const x1 = xOf(bars[j + 1]);
          const xo = xOf(bars[j + 2]);
          const gap = x1 - x0 > 4 ? 1 : 0;
          ctx.fillStyle = overhead;
          ctx.fillRect(x0, y, Math.max(0.5, xo - x0), laneH);
          ctx.fillStyle = compute;
          ctx.fillRect(xo, y, Math.max(0, x1 - xo - gap), laneH);
        }
      } else {
        // Too many chunks for one bar each: the lane's busy share of its span, as one block.
        const end = layout.laneEnds[lane];
        ctx.globalAlpha = Math.max(0.15, Math.min(1, end > 0 ? layout.laneBusy[lane] / end : 1));
        ctx.fillStyle = compute;
        ctx.fillRect(left, y, xOf(end) - left, laneH);
        ctx.globalAlpha = 1;
      }
    }
    ctx.fillStyle = color('muted', '#6f6f6f');
    ctx.textAlign = 'left';
    ctx.fillText('0', left, height - 9);
    ctx.textAlign = 'right';
    ctx.fillText(formatMs(layout.spanMs), right, height - 9);
    ctx.textAlign = 'center';
    ctx.fillText(
      `${formatInt(layout.chunks)} chunks${layout.bars.length ? '' : ' (merged per worker)'}`,
      (left + right) / 2,
      height - 9,
    );
  }
}
