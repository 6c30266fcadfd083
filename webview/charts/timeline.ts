// The canvas timeline: one lane for the main thread (its phases and every result's arrival) and one
// per worker thread, each chunk a bar split into read / parse / compute / encode, with its queue
// wait and return trip as thin lead-in and lead-out lines under it. Only what is visible is drawn;
// bars narrower than a couple of pixels are merged into runs (split by phase share), so 100,000
// chunks draw in a few milliseconds. Wheel zooms around the pointer, drag pans, click selects.
import { PHASES, lastStartAtOrBefore, type Model } from '../model/run';
import { PanZoomCanvas, type View } from './canvas';

export type { View };

export interface FrameStats {
  /** Bars drawn one by one (wide enough to show their phases). */
  barsDrawn: number;
  /** Chunks drawn inside merged runs, and the number of runs. */
  barsMerged: number;
  runs: number;
  ms: number;
}

type ColorKey =
  | 'read'
  | 'parse'
  | 'compute'
  | 'encode'
  | 'other'
  | 'wait'
  | 'ret'
  | 'straggler'
  | 'select'
  | 'fg'
  | 'muted'
  | 'grid'
  | 'laneBg'
  | 'main'
  | 'result'
  | 'bg';
type Colors = Record<ColorKey, string>;

export const GUTTER = 92;
export const AXIS_H = 24;
export const MAIN_H = 30;
export const LANE_H = 32;
const BOTTOM_PAD = 6;
const MIN_SPAN = 0.005; // ms
const MERGE_BELOW_PX = 2;
const RUN_MAX_PX = 3;

export interface LaneBox {
  y: number;
  h: number;
}

export class Timeline extends PanZoomCanvas<Colors, FrameStats> {
  hovered = -1;
  selected = -1;
  /** Chunks selected together (shift-click range or a preset such as "slowest 5 %"), array indices. */
  selectedSet = new Set<number>();
  stats: FrameStats = { barsDrawn: 0, barsMerged: 0, runs: 0, ms: 0 };
  private received: Float64Array;
  private readonly listeners = {
    hover: [] as ((index: number, ev: MouseEvent | undefined) => void)[],
    select: [] as ((index: number) => void)[],
    selectset: [] as ((indices: number[]) => void)[],
    view: [] as ((v: View) => void)[],
  };

  constructor(
    container: HTMLElement,
    public model: Model,
    initial?: View,
  ) {
    super(container, 'timeline-canvas');
    this.canvas.setAttribute(
      'aria-label',
      `Timeline of ${model.report.chunks.length} chunks on ${model.lanes.length - 1} workers`,
    );
    this.received = model.received ?? Float64Array.from(model.report.chunks, (c) => c.receivedAt).sort();
    this.view = this.fullView();
    // A saved view is kept within this run's time range (setView clamps), never taken as is.
    if (initial && initial.end > initial.start) this.setView(initial, false);
    this.readColors();
    this.resize();
    new ResizeObserver(() => this.resize()).observe(container);
    this.bindEvents();
  }

  /**
   * Swaps in a newer model (the live view, once per animation frame with new records). A view that
   * showed the whole run keeps showing the whole run; a zoomed view stays where it is.
   */
  setModel(model: Model): void {
    const before = this.fullView();
    const following = this.view.start <= before.start + 1e-9 && this.view.end >= before.end - 1e-9;
    this.model = model;
    this.received = model.received ?? Float64Array.from(model.report.chunks, (c) => c.receivedAt).sort();
    this.canvas.setAttribute(
      'aria-label',
      `Timeline of ${model.report.chunks.length} chunks on ${model.lanes.length - 1} workers`,
    );
    if (following) this.view = this.fullView();
    this.resize();
    this.requestDraw();
  }

  on<K extends keyof Timeline['listeners']>(kind: K, fn: Timeline['listeners'][K][number]): void {
    (this.listeners[kind] as unknown[]).push(fn);
  }

  fullView(): View {
    const pad = (this.model.tMax - this.model.tMin) * 0.01;
    return { start: this.model.tMin - pad, end: this.model.tMax + pad };
  }

  protected colorsFrom(get: (name: string, fallback: string) => string): Colors {
    return {
      read: get('read', '#3794ff'),
      parse: get('parse', '#b180d7'),
      compute: get('compute', '#89d185'),
      encode: get('encode', '#cca700'),
      other: get('other', '#8a8a8a'),
      wait: get('wait', '#d18616'),
      ret: get('return', '#4fc1ff'),
      straggler: get('straggler', '#f14c4c'),
      select: get('select', '#0090f1'),
      fg: get('fg', '#cccccc'),
      muted: get('muted', '#9d9d9d'),
      grid: get('grid', 'rgba(128,128,128,0.25)'),
      laneBg: get('lane-bg', 'rgba(128,128,128,0.07)'),
      main: get('main', '#6c6cc4'),
      result: get('result', '#4fc1ff'),
      bg: get('bg', '#1e1e1e'),
    };
  }

  laneBox(lane: number): LaneBox {
    if (lane === 0) return { y: AXIS_H, h: MAIN_H };
    return { y: AXIS_H + MAIN_H + (lane - 1) * LANE_H, h: LANE_H };
  }

  get gutter(): number {
    return GUTTER;
  }

  setView(v: View, notify = true): void {
    const full = this.fullView();
    const fullSpan = full.end - full.start;
    let span = Math.min(Math.max(v.end - v.start, MIN_SPAN), fullSpan);
    let start = v.start;
    if (start < full.start) start = full.start;
    if (start + span > full.end) start = full.end - span;
    if (!Number.isFinite(start) || !Number.isFinite(span)) {
      start = full.start;
      span = fullSpan;
    }
    this.view = { start, end: start + span };
    this.requestDraw();
    if (notify) for (const fn of this.listeners.view) fn(this.view);
  }

  fit(): void {
    this.setView(this.fullView());
  }

  /** Brings a chunk into view (keeping the zoom when it fits) and selects it. */
  reveal(arrayIndex: number): void {
    const c = this.model.report.chunks[arrayIndex];
    if (!c) return;
    const span = this.view.end - this.view.start;
    const need = Math.max(c.receivedAt, c.finishedAt) - Math.min(c.submittedAt, c.startedAt);
    const newSpan = need * 1.2 > span ? need * 4 : span;
    const mid = (c.startedAt + c.finishedAt) / 2;
    this.setView({ start: mid - newSpan / 2, end: mid + newSpan / 2 });
    this.select(arrayIndex);
  }

  select(arrayIndex: number): void {
    this.selected = arrayIndex;
    this.selectedSet = new Set(arrayIndex >= 0 ? [arrayIndex] : []);
    this.requestDraw();
    for (const fn of this.listeners.select) fn(arrayIndex);
  }

  /** Selects several chunks at once (array indices); the flame views slice to them. */
  selectMany(arrayIndices: number[]): void {
    this.selectedSet = new Set(arrayIndices);
    this.requestDraw();
    for (const fn of this.listeners.selectset) fn([...this.selectedSet]);
  }

  /** Shift-click: every chunk whose index lies between the selected chunk's and this one's. */
  private selectRangeTo(arrayIndex: number): void {
    const chunks = this.model.report.chunks;
    const a = chunks[this.selected].index;
    const b = chunks[arrayIndex].index;
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const range: number[] = [];
    chunks.forEach((c, i) => {
      if (c.index >= lo && c.index <= hi) range.push(i);
    });
    this.selectMany(range);
  }

  /** The chunk (array index) under a point in canvas CSS pixels, or -1. */
  hitTest(x: number, y: number): number {
    if (x < GUTTER) return -1;
    for (let l = 1; l < this.model.lanes.length; l++) {
      const box = this.laneBox(l);
      if (y < box.y || y >= box.y + box.h) continue;
      const lane = this.model.lanes[l];
      const t = this.xToTime(x);
      const tol = (3 / this.plotWidth) * (this.view.end - this.view.start);
      const k = lastStartAtOrBefore(lane.starts, t + tol);
      let best = -1;
      let bestDist = Infinity;
      // k is the last bar starting within tolerance after the point: with bars back to back (a
      // worker holds its next chunk) the bar under the point is often the one before it.
      for (const kk of [k - 1, k, k + 1]) {
        if (kk < 0 || kk >= lane.bars.length) continue;
        const s = lane.starts[kk];
        const e = lane.ends[kk];
        const d = t < s ? s - t : t > e ? t - e : 0;
        if (d <= tol && d < bestDist) {
          best = lane.bars[kk];
          bestDist = d;
        }
      }
      return best;
    }
    return -1;
  }

  /** Where a chunk's bar is, in canvas CSS pixels (may lie outside the visible range). */
  barRect(arrayIndex: number): { x: number; y: number; w: number; h: number } | null {
    const c = this.model.report.chunks[arrayIndex];
    if (!c) return null;
    const lane = this.model.lanes.findIndex((l) => l.workerId === c.workerId);
    if (lane < 0) return null;
    const box = this.laneBox(lane);
    const x0 = this.timeToX(c.startedAt);
    const x1 = this.timeToX(c.finishedAt);
    return { x: x0, y: box.y + 5, w: Math.max(1, x1 - x0), h: box.h - 14 };
  }

  toBlob(): Promise<Blob | null> {
    this.drawNow();
    return new Promise((resolve) => this.canvas.toBlob(resolve, 'image/png'));
  }

  toDataURL(): string {
    this.drawNow();
    return this.canvas.toDataURL('image/png');
  }

  private resize(): void {
    const width = Math.max(200, Math.floor(this.container.clientWidth));
    this.resizeTo(width, AXIS_H + MAIN_H + (this.model.lanes.length - 1) * LANE_H + BOTTOM_PAD);
  }

  protected paint(): FrameStats {
    const ctx = this.ctx;
    this.drawTimeAxis(AXIS_H - 6, this.cssHeight - BOTTOM_PAD, AXIS_H / 2);
    const stats: FrameStats = { barsDrawn: 0, barsMerged: 0, runs: 0, ms: 0 };
    ctx.save();
    ctx.beginPath();
    ctx.rect(GUTTER, 0, this.plotWidth, this.cssHeight);
    ctx.clip();
    this.drawMainLane();
    for (let l = 1; l < this.model.lanes.length; l++) this.drawWorkerLane(l, stats);
    ctx.restore();
    this.drawLabels();
    return stats;
  }

  private drawLabels(): void {
    const ctx = this.ctx;
    ctx.fillStyle = this.colors.bg;
    ctx.fillRect(0, 0, GUTTER, this.cssHeight);
    ctx.font = '12px var(--vscode-font-family, system-ui, sans-serif)';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    const s = this.model.report.summary;
    for (let l = 0; l < this.model.lanes.length; l++) {
      const box = this.laneBox(l);
      const lane = this.model.lanes[l];
      if (l > 1 && lane.group !== undefined && lane.group !== this.model.lanes[l - 1].group) {
        // Cluster runs: a rule across the timeline where the next node's lanes start.
        ctx.fillStyle = this.colors.muted;
        ctx.fillRect(0, box.y, this.cssWidth, 1);
      }
      ctx.fillStyle = this.colors.fg;
      ctx.fillText(lane.label, 8, box.y + box.h / 2 - (l > 0 ? 5 : 0));
      if (l > 0) {
        const w = s.workerSummaries.find((x) => x.workerId === lane.workerId);
        ctx.fillStyle = this.colors.muted;
        ctx.font = '10px var(--vscode-font-family, system-ui, sans-serif)';
        ctx.fillText(
          `${lane.bars.length} chunks${w ? ` · ${Math.round(w.busyShare * 100)} %` : ''}`,
          8,
          box.y + box.h / 2 + 8,
        );
        ctx.font = '12px var(--vscode-font-family, system-ui, sans-serif)';
      }
    }
  }

  private drawMainLane(): void {
    const ctx = this.ctx;
    const box = this.laneBox(0);
    ctx.fillStyle = this.colors.laneBg;
    ctx.fillRect(GUTTER, box.y + 2, this.plotWidth, box.h - 4);
    ctx.font = '11px var(--vscode-font-family, system-ui, sans-serif)';
    ctx.textBaseline = 'middle';
    for (const p of this.model.report.mainPhases) {
      if (p.end < this.view.start || p.start > this.view.end) continue;
      const x0 = this.timeToX(p.start);
      const x1 = Math.max(x0 + 1, this.timeToX(p.end));
      ctx.fillStyle = this.colors.main;
      ctx.fillRect(x0, box.y + 4, x1 - x0, box.h / 2 - 4);
      if (x1 - x0 > 40) {
        ctx.fillStyle = this.colors.bg;
        ctx.fillText(p.name, Math.max(x0, GUTTER) + 3, box.y + 4 + (box.h / 2 - 4) / 2);
      }
    }
    // One tick per result arriving on the main thread, at most one per pixel column.
    const r = this.received;
    let k = lastStartAtOrBefore(r, this.view.start) + 1;
    let lastPx = -1;
    ctx.fillStyle = this.colors.result;
    const y = box.y + box.h / 2 + 2;
    for (; k < r.length && r[k] <= this.view.end; k++) {
      const px = Math.floor(this.timeToX(r[k]));
      if (px === lastPx) continue;
      lastPx = px;
      ctx.fillRect(px, y, 1, box.h / 2 - 5);
    }
  }

  private drawWorkerLane(l: number, stats: FrameStats): void {
    const ctx = this.ctx;
    const col = this.colors;
    const box = this.laneBox(l);
    const lane = this.model.lanes[l];
    const chunks = this.model.report.chunks;
    const stragglers = this.model.stragglers;
    const barTop = box.y + 5;
    const barH = box.h - 14;
    const leadY = barTop + barH + 2;
    ctx.fillStyle = col.laneBg;
    ctx.fillRect(GUTTER, box.y + 2, this.plotWidth, box.h - 4);
    const phaseColor = [col.read, col.parse, col.compute, col.encode, col.other];
    const scale = this.plotWidth / (this.view.end - this.view.start);
    const X = (t: number) => GUTTER + (t - this.view.start) * scale;
    const right = GUTTER + this.plotWidth;

    // The merged run being accumulated.
    let runX0 = 0;
    let runX1 = -Infinity;
    let runCount = 0;
    let runStraggler = false;
    const sums = [0, 0, 0, 0, 0];
    const flush = () => {
      if (runCount === 0) return;
      const w = Math.max(1, runX1 - runX0);
      const total = sums[0] + sums[1] + sums[2] + sums[3] + sums[4];
      let x = runX0;
      for (let p = 0; p < 5; p++) {
        if (sums[p] <= 0) continue;
        const pw = total > 0 ? (sums[p] / total) * w : w;
        ctx.fillStyle = phaseColor[p];
        ctx.fillRect(x, barTop, pw, barH);
        x += pw;
      }
      if (total <= 0) {
        ctx.fillStyle = col.other;
        ctx.fillRect(runX0, barTop, w, barH);
      }
      if (runStraggler) this.straggleMark(runX0 + w / 2, barTop);
      stats.runs++;
      stats.barsMerged += runCount;
      runCount = 0;
      runStraggler = false;
      sums.fill(0);
    };

    let k = Math.max(0, lastStartAtOrBefore(lane.starts, this.view.start));
    for (; k < lane.bars.length; k++) {
      const i = lane.bars[k];
      const c = chunks[i];
      const x0 = X(c.startedAt);
      if (x0 > right) break;
      const x1 = X(c.finishedAt);
      if (x1 < GUTTER - 1) continue;
      const dur = c.finishedAt - c.startedAt;
      if (x1 - x0 < MERGE_BELOW_PX) {
        // Gaps of a pixel or more stay visible: they are idle time.
        if (runCount > 0 && (x0 > runX1 + 1 || x1 - runX0 > RUN_MAX_PX)) flush();
        if (runCount === 0) runX0 = x0;
        runX1 = Math.max(runX1, x1, x0 + 0.5);
        runCount++;
        const measured = c.readMs + c.parseMs + c.computeMs + c.encodeMs;
        sums[0] += c.readMs;
        sums[1] += c.parseMs;
        sums[2] += c.computeMs;
        sums[3] += c.encodeMs;
        sums[4] += Math.max(0, dur - measured);
        if (stragglers.has(i)) runStraggler = true;
        continue;
      }
      flush();
      // Queue wait (lead-in) and return trip (lead-out), under the bar.
      const xs = X(c.submittedAt);
      if (x0 - xs >= 1) {
        ctx.fillStyle = col.wait;
        ctx.fillRect(xs, leadY, x0 - xs, 2);
      }
      const xr = X(c.receivedAt);
      if (xr - x1 >= 1) {
        ctx.fillStyle = col.ret;
        ctx.fillRect(x1, leadY + 2, xr - x1, 2);
      }
      // Phases end to end from the start, clamped to the chunk; the rest is in-task hand-off.
      let cursor = c.startedAt;
      const phaseMs = [c.readMs, c.parseMs, c.computeMs, c.encodeMs];
      for (let p = 0; p < 4; p++) {
        const ms = Math.min(phaseMs[p], c.finishedAt - cursor);
        if (ms <= 0) continue;
        ctx.fillStyle = phaseColor[p];
        ctx.fillRect(X(cursor), barTop, ms * scale, barH);
        cursor += ms;
      }
      if (c.finishedAt > cursor) {
        ctx.fillStyle = col.other;
        ctx.fillRect(X(cursor), barTop, (c.finishedAt - cursor) * scale, barH);
      }
      // A hairline between neighbouring bars so back-to-back chunks stay countable.
      if (x1 - x0 > 6) {
        ctx.fillStyle = col.bg;
        ctx.fillRect(x1 - 1, barTop, 1, barH);
      }
      if (stragglers.has(i)) {
        ctx.strokeStyle = col.straggler;
        ctx.lineWidth = 1.5;
        ctx.strokeRect(x0 + 0.75, barTop + 0.75, Math.max(0.5, x1 - x0 - 1.5), barH - 1.5);
        this.straggleMark((x0 + x1) / 2, barTop);
      }
      stats.barsDrawn++;
    }
    flush();
    // Selection and hover outlines last, so neighbours never paint over them.
    if (this.selectedSet.size > 1) {
      ctx.strokeStyle = col.select;
      ctx.lineWidth = 1;
      for (const i of this.selectedSet) {
        const c = chunks[i];
        if (c?.workerId !== lane.workerId || c.finishedAt < this.view.start || c.startedAt > this.view.end) continue;
        const x0 = X(c.startedAt);
        ctx.strokeRect(x0 - 0.5, barTop - 1.5, Math.max(1, X(c.finishedAt) - x0 + 1), barH + 3);
      }
    }
    for (const [i, color, width] of [
      [this.hovered, col.fg, 1],
      [this.selected, col.select, 2],
    ] as const) {
      if (i < 0 || chunks[i]?.workerId !== lane.workerId) continue;
      const c = chunks[i];
      const x0 = X(c.startedAt);
      const x1 = Math.max(x0 + 2, X(c.finishedAt));
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.strokeRect(x0 - 1, barTop - 2, x1 - x0 + 2, barH + 4);
    }
  }

  private straggleMark(x: number, top: number): void {
    const ctx = this.ctx;
    ctx.fillStyle = this.colors.straggler;
    ctx.beginPath();
    ctx.moveTo(x - 4, top - 5);
    ctx.lineTo(x + 4, top - 5);
    ctx.lineTo(x, top);
    ctx.closePath();
    ctx.fill();
  }

  private setHover(index: number, ev: MouseEvent | undefined): void {
    if (index !== this.hovered) {
      this.hovered = index;
      this.requestDraw();
    }
    for (const fn of this.listeners.hover) fn(index, ev);
  }

  private bindEvents(): void {
    const canvas = this.canvas;
    this.bindPanZoom({
      hover: (p, ev) => this.setHover(this.hitTest(p.x, p.y), ev),
      click: (p, ev) => {
        const hit = this.hitTest(p.x, p.y);
        if (ev.shiftKey && hit >= 0 && this.selected >= 0) this.selectRangeTo(hit);
        else this.select(hit);
      },
      drag: (active) => canvas.classList.toggle('dragging', active),
      pan: () => this.setHover(-1, undefined),
    });
    canvas.addEventListener('mouseleave', () => {
      if (!this.dragging) this.setHover(-1, undefined);
    });
    canvas.addEventListener('dblclick', () => this.fit());
    canvas.addEventListener('keydown', (ev) => {
      const mid = GUTTER + this.plotWidth / 2;
      if (ev.key === '+' || ev.key === '=') this.zoomAt(mid, 0.7);
      else if (ev.key === '-' || ev.key === '_') this.zoomAt(mid, 1 / 0.7);
      else if (ev.key === '0') this.fit();
      else if (ev.key === 'ArrowLeft') this.panBy(-this.plotWidth / 8);
      else if (ev.key === 'ArrowRight') this.panBy(this.plotWidth / 8);
      else if (ev.key === 'Escape') this.select(-1);
      else return;
      ev.preventDefault();
    });
  }
}

export { PHASES };
