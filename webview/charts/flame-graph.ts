// The flame canvas: draws boxes in rows (one row per stack depth), for a left-heavy flame graph (x =
// share of the slice's time) or for time-ordered flame charts of several threads stacked on the
// run's clock (x = ms since start, the timeline's axis and gutter, so both line up). Only what is in
// view is drawn: each row is sorted, found by binary search, and boxes under a pixel are merged into
// runs, so a million samples draw in a few milliseconds. Wheel zooms, drag pans, click selects,
// arrows walk the stack (up: caller, down: callee, left/right: neighbours), Enter zooms to the box.
import { PanZoomCanvas, type View } from './canvas';
import type { Category } from '../../src/engine/profile/frames';
import type { Differential, FlameData, FlameLayout, TimeRows } from '../model/flame';
import { GUTTER } from './timeline';

export const ROW_H = 18;
const LANE_HEAD = 18;
const MIN_LABEL_PX = 28;
const CHAR_PX = 6.4;

/** One drawable row: sorted, non-overlapping boxes of one depth. */
interface Row {
  start: Float64Array;
  end: Float64Array;
  node: Int32Array;
}

interface Lane {
  label: string;
  rows: Row[];
  top: number;
  height: number;
}

/** A box, as lane, depth and position in that row. */
export interface BoxRef {
  lane: number;
  depth: number;
  k: number;
  node: number;
}

export interface FlameFrameStats {
  boxesDrawn: number;
  boxesMerged: number;
  ms: number;
}

export type { View };

type Colors = Record<
  Category | 'bg' | 'fg' | 'muted' | 'grid' | 'select' | 'hit' | 'slower' | 'faster' | 'same' | 'text',
  string
>;

export class FlameCanvas extends PanZoomCanvas<Colors, FlameFrameStats> {
  mode: 'graph' | 'chart' = 'graph';
  lanes: Lane[] = [];
  /** The x domain: [0, slice ms] for a graph, the run's time range for a chart. */
  domain: View = { start: 0, end: 1 };
  selected: BoxRef | null = null;
  hovered: BoxRef | null = null;
  /** Per frame: 1 if it matches the search (every depth is searched). */
  hits: Uint8Array | null = null;
  diff: Differential | null = null;
  stats: FlameFrameStats = { boxesDrawn: 0, boxesMerged: 0, ms: 0 };
  /** The height the lanes need (CSS pixels); the canvas is this tall. */
  private contentHeight = 0;
  private readonly listeners = {
    select: [] as ((ref: BoxRef | null) => void)[],
    hover: [] as ((ref: BoxRef | null, ev: MouseEvent | undefined) => void)[],
    view: [] as ((v: View) => void)[],
    open: [] as ((ref: BoxRef) => void)[],
  };

  constructor(
    container: HTMLElement,
    private readonly data: FlameData,
  ) {
    super(container, 'flame-canvas');
    this.readColors();
    new ResizeObserver(() => this.resize()).observe(container);
    this.bindEvents();
  }

  on<K extends keyof FlameCanvas['listeners']>(kind: K, fn: FlameCanvas['listeners'][K][number]): void {
    (this.listeners[kind] as unknown[]).push(fn);
  }

  get gutter(): number {
    return this.mode === 'chart' ? GUTTER : 4;
  }

  /** A left-heavy (or differential) flame graph of one layout. */
  setGraph(layout: FlameLayout, diff: Differential | null = null): void {
    this.mode = 'graph';
    this.diff = diff;
    const rows: { start: number[]; end: number[]; node: number[] }[] = [];
    for (let k = 0; k < layout.node.length; k++) {
      const r = (rows[layout.depth[k]] ??= { start: [], end: [], node: [] });
      r.start.push(layout.x0[k]);
      r.end.push(layout.x1[k]);
      r.node.push(layout.node[k]);
    }
    // Depth-first order is left-to-right order within a depth, so each row is already sorted.
    this.lanes = [{ label: '', rows: rows.map(toRow), top: 0, height: 0 }];
    this.domain = { start: 0, end: Math.max(layout.width, 1e-9) };
    this.view = { ...this.domain };
    this.selected = null;
    this.relayout();
  }

  /** Time-ordered flame charts, one lane per thread, on the run's clock. */
  setChart(lanes: { label: string; rows: TimeRows }[], domain: View, view: View): void {
    this.mode = 'chart';
    this.diff = null;
    this.lanes = lanes.map((l) => ({ label: l.label, rows: l.rows.rows, top: 0, height: 0 }));
    this.domain = { ...domain };
    this.view = { ...view };
    this.selected = null;
    this.relayout();
  }

  protected colorsFrom(get: (name: string, fallback: string) => string): Colors {
    return {
      user: get('cat-user', '#e0793a'),
      parser: get('cat-parser', '#a87fd6'),
      engine: get('cat-engine', '#5b9bd5'),
      node: get('cat-node', '#7fb77e'),
      gc: get('cat-gc', '#d4b13f'),
      idle: get('cat-idle', '#b0b0b0'),
      other: get('cat-other', '#8fa8b8'),
      bg: get('bg', '#1e1e1e'),
      fg: get('fg', '#cccccc'),
      muted: get('muted', '#9d9d9d'),
      grid: get('grid', 'rgba(128,128,128,0.25)'),
      select: get('select', '#0090f1'),
      hit: get('flame-hit', '#ff00aa'),
      slower: get('flame-slower', '#e5484d'),
      faster: get('flame-faster', '#3e7bfa'),
      same: get('flame-same', '#a0a0a0'),
      text: get('flame-text', '#111111'),
    };
  }

  setView(v: View, notify = true): void {
    const span0 = this.domain.end - this.domain.start;
    let span = Math.min(Math.max(v.end - v.start, span0 * 1e-7, 1e-9), span0 * (this.mode === 'chart' ? 1.02 : 1));
    let start = v.start;
    const lo = this.mode === 'chart' ? this.domain.start - span0 * 0.01 : this.domain.start;
    const hi = this.mode === 'chart' ? this.domain.end + span0 * 0.01 : this.domain.end;
    if (start < lo) start = lo;
    if (start + span > hi) start = hi - span;
    if (!Number.isFinite(start) || !Number.isFinite(span)) {
      start = this.domain.start;
      span = span0;
    }
    this.view = { start, end: start + span };
    this.requestDraw();
    if (notify) for (const fn of this.listeners.view) fn(this.view);
  }

  fit(): void {
    this.setView(
      this.mode === 'chart'
        ? {
            start: this.domain.start - (this.domain.end - this.domain.start) * 0.01,
            end: this.domain.end + (this.domain.end - this.domain.start) * 0.01,
          }
        : this.domain,
    );
  }

  /** Zooms so the box fills the width (speedscope's double-click). */
  zoomTo(ref: BoxRef): void {
    const row = this.lanes[ref.lane]?.rows[ref.depth];
    if (!row) return;
    const s = row.start[ref.k];
    const e = row.end[ref.k];
    const pad = (e - s) * 0.02;
    this.setView({ start: s - pad, end: e + pad });
  }

  select(ref: BoxRef | null): void {
    this.selected = ref;
    this.requestDraw();
    for (const fn of this.listeners.select) fn(ref);
  }

  /** Selects the first box of a trie node (e.g. the hottest function's box) and brings it into view. */
  selectNode(node: number): BoxRef | null {
    for (let l = 0; l < this.lanes.length; l++) {
      for (let d = 0; d < this.lanes[l].rows.length; d++) {
        const row = this.lanes[l].rows[d];
        for (let k = 0; k < row.node.length; k++) {
          if (row.node[k] !== node) continue;
          const ref = { lane: l, depth: d, k, node };
          if (row.end[k] < this.view.start || row.start[k] > this.view.end) this.zoomTo(ref);
          this.select(ref);
          return ref;
        }
      }
    }
    return null;
  }

  boxSpan(ref: BoxRef): { start: number; end: number } {
    const row = this.lanes[ref.lane].rows[ref.depth];
    return { start: row.start[ref.k], end: row.end[ref.k] };
  }

  /** Where a box is on the canvas (CSS pixels), clipped to the plot. */
  boxRect(ref: BoxRef): { x: number; y: number; w: number; h: number } {
    const { start, end } = this.boxSpan(ref);
    const x0 = Math.max(this.gutter, this.timeToX(start));
    const x1 = Math.min(this.gutter + this.plotWidth, this.timeToX(end));
    return { x: x0, y: this.rowY(ref.lane, ref.depth), w: Math.max(1, x1 - x0), h: ROW_H - 1 };
  }

  /** Keyboard walk of the stack from the selected box. */
  move(dir: 'up' | 'down' | 'left' | 'right'): BoxRef | null {
    const cur = this.selected;
    if (!cur) {
      const first = this.lanes.findIndex((l) => l.rows[0]?.node.length);
      if (first >= 0) this.select({ lane: first, depth: 0, k: 0, node: this.lanes[first].rows[0].node[0] });
      return this.selected;
    }
    const lane = this.lanes[cur.lane];
    const row = lane.rows[cur.depth];
    let next: BoxRef | null = null;
    if (dir === 'left' || dir === 'right') {
      const k = cur.k + (dir === 'left' ? -1 : 1);
      if (k >= 0 && k < row.node.length) next = { lane: cur.lane, depth: cur.depth, k, node: row.node[k] };
    } else {
      const depth = cur.depth + (dir === 'up' ? -1 : 1);
      const target = lane.rows[depth];
      if (target) {
        const s = row.start[cur.k];
        const e = row.end[cur.k];
        // The caller covers the box; the first callee starts inside it.
        const k = dir === 'up' ? lastStartAtOrBefore(target.start, s) : firstEndAfter(target.end, s);
        if (k >= 0 && k < target.node.length && target.start[k] < e + 1e-9 && target.end[k] > s - 1e-9)
          next = { lane: cur.lane, depth, k, node: target.node[k] };
      }
    }
    if (!next) return cur;
    const span = this.boxSpan(next);
    if (span.end < this.view.start || span.start > this.view.end) this.zoomTo(next);
    this.select(next);
    return next;
  }

  hitTest(x: number, y: number): BoxRef | null {
    if (x < this.gutter) return null;
    for (let l = 0; l < this.lanes.length; l++) {
      const lane = this.lanes[l];
      const top = lane.top + (this.mode === 'chart' ? LANE_HEAD : 0);
      if (y < top || y >= lane.top + lane.height) continue;
      const depth = Math.floor((y - top) / ROW_H);
      const row = lane.rows[depth];
      if (!row) return null;
      const t = this.xToTime(x);
      const tol = (1.5 / this.plotWidth) * (this.view.end - this.view.start);
      const k = firstEndAfter(row.end, t - tol);
      if (k >= 0 && k < row.node.length && row.start[k] <= t + tol) return { lane: l, depth, k, node: row.node[k] };
      return null;
    }
    return null;
  }

  private rowY(lane: number, depth: number): number {
    return this.lanes[lane].top + (this.mode === 'chart' ? LANE_HEAD : 0) + depth * ROW_H;
  }

  private relayout(): void {
    let y = this.mode === 'chart' ? 22 : 0;
    for (const lane of this.lanes) {
      lane.top = y;
      lane.height = (this.mode === 'chart' ? LANE_HEAD : 0) + Math.max(1, lane.rows.length) * ROW_H + 4;
      y += lane.height;
    }
    this.contentHeight = Math.max(ROW_H * 2, y);
    this.cssWidth = 0; // a new layout always draws
    this.resize();
  }

  private resize(): void {
    this.resizeTo(Math.max(200, Math.floor(this.container.clientWidth)), this.contentHeight);
  }

  protected paint(): FlameFrameStats {
    const ctx = this.ctx;
    const stats: FlameFrameStats = { boxesDrawn: 0, boxesMerged: 0, ms: 0 };
    if (this.mode === 'chart') this.drawTimeAxis(16, this.cssHeight, 10);
    ctx.save();
    ctx.beginPath();
    ctx.rect(this.gutter, 0, this.plotWidth, this.cssHeight);
    ctx.clip();
    ctx.font = '11px var(--vscode-font-family, system-ui, sans-serif)';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    for (let l = 0; l < this.lanes.length; l++) this.drawLane(l, stats);
    for (const [ref, color, width] of [
      [this.hovered, this.colors.fg, 1],
      [this.selected, this.colors.select, 2],
    ] as const) {
      if (!ref || !this.lanes[ref.lane]?.rows[ref.depth]) continue;
      const r = this.boxRect(ref);
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.strokeRect(r.x + 0.5, r.y + 0.5, Math.max(1, r.w - 1), r.h - 1);
    }
    ctx.restore();
    if (this.mode === 'chart') this.drawLaneLabels();
    return stats;
  }

  private fillOf(node: number): string {
    const frame = this.data.trieFrame[node];
    if (this.diff) {
      const d = this.diff.delta[node];
      const base = Math.max(this.diff.baseline[node], this.diff.selection[node], 1e-9);
      const r = Math.max(-1, Math.min(1, d / base));
      if (Math.abs(r) < 0.05) return this.colors.same;
      // Stronger colour for a larger relative change.
      const alpha = (0.35 + 0.65 * Math.abs(r)).toFixed(2);
      return r > 0 ? withAlpha(this.colors.slower, alpha) : withAlpha(this.colors.faster, alpha);
    }
    return this.colors[this.data.frames[frame].category];
  }

  private drawLane(l: number, stats: FlameFrameStats): void {
    const ctx = this.ctx;
    const lane = this.lanes[l];
    const scale = this.plotWidth / (this.view.end - this.view.start);
    const vs = this.view.start;
    const ve = this.view.end;
    const g = this.gutter;
    const hits = this.hits && this.hits.some((h) => h === 1) ? this.hits : null;
    const frames = this.data.frames;
    for (let d = 0; d < lane.rows.length; d++) {
      const row = lane.rows[d];
      const y = this.rowY(l, d);
      let runX0 = 0;
      let runX1 = -Infinity;
      let runNode = -1;
      let runCount = 0;
      const flush = () => {
        if (runCount === 0) return;
        ctx.globalAlpha = hits && !hits[this.data.trieFrame[runNode]] ? 0.3 : 0.75;
        ctx.fillStyle = this.fillOf(runNode);
        ctx.fillRect(runX0, y, Math.max(1, runX1 - runX0), ROW_H - 1);
        ctx.globalAlpha = 1;
        stats.boxesMerged += runCount;
        runCount = 0;
      };
      for (let k = Math.max(0, firstEndAfter(row.end, vs)); k < row.node.length; k++) {
        const s = row.start[k];
        if (s > ve) break;
        const x0 = g + (s - vs) * scale;
        const x1 = g + (row.end[k] - vs) * scale;
        const node = row.node[k];
        if (x1 - x0 < 1) {
          if (runCount > 0 && x0 > runX1 + 1) flush();
          if (runCount === 0) {
            runX0 = x0;
            runNode = node;
          }
          runX1 = Math.max(runX1, x1);
          runCount++;
          continue;
        }
        flush();
        const frame = this.data.trieFrame[node];
        const hit = hits ? hits[frame] === 1 : false;
        ctx.globalAlpha = hits && !hit ? 0.3 : 1;
        ctx.fillStyle = hit ? this.colors.hit : this.fillOf(node);
        const w = x1 - x0;
        ctx.fillRect(x0, y, w > 2 ? w - 0.5 : w, ROW_H - 1);
        if (w > MIN_LABEL_PX) {
          const left = Math.max(x0, g) + 3;
          const room = Math.min(x1, g + this.plotWidth) - left - 2;
          const chars = Math.floor(room / CHAR_PX);
          if (chars >= 3) {
            const name = frames[frame].name;
            ctx.fillStyle = this.colors.text;
            ctx.fillText(name.length > chars ? `${name.slice(0, chars - 1)}…` : name, left, y + ROW_H / 2);
          }
        }
        ctx.globalAlpha = 1;
        stats.boxesDrawn++;
      }
      flush();
    }
  }

  private drawLaneLabels(): void {
    const ctx = this.ctx;
    ctx.fillStyle = this.colors.bg;
    ctx.fillRect(0, 0, this.gutter, this.cssHeight);
    ctx.font = '12px var(--vscode-font-family, system-ui, sans-serif)';
    ctx.textBaseline = 'middle';
    for (const lane of this.lanes) {
      ctx.fillStyle = this.colors.fg;
      ctx.fillText(lane.label, 8, lane.top + LANE_HEAD / 2 + 2);
      ctx.strokeStyle = this.colors.grid;
      ctx.beginPath();
      ctx.moveTo(0, lane.top + 0.5);
      ctx.lineTo(this.cssWidth, lane.top + 0.5);
      ctx.stroke();
    }
  }

  private setHover(ref: BoxRef | null, ev: MouseEvent | undefined): void {
    const same =
      ref === this.hovered ||
      (ref &&
        this.hovered &&
        ref.lane === this.hovered.lane &&
        ref.depth === this.hovered.depth &&
        ref.k === this.hovered.k);
    if (!same) {
      this.hovered = ref;
      this.requestDraw();
    }
    for (const fn of this.listeners.hover) fn(ref, ev);
  }

  private bindEvents(): void {
    const canvas = this.canvas;
    this.bindPanZoom({
      hover: (p, ev) => this.setHover(this.hitTest(p.x, p.y), ev),
      click: (p) => {
        this.select(this.hitTest(p.x, p.y));
        canvas.focus();
      },
    });
    canvas.addEventListener('mouseleave', () => this.setHover(null, undefined));
    canvas.addEventListener('dblclick', (ev) => {
      const p = this.local(ev);
      const ref = this.hitTest(p.x, p.y);
      if (ref) this.zoomTo(ref);
      else this.fit();
    });
    canvas.addEventListener('keydown', (ev) => {
      const mid = this.gutter + this.plotWidth / 2;
      if (ev.key === 'ArrowUp') this.move('up');
      else if (ev.key === 'ArrowDown') this.move('down');
      else if (ev.key === 'ArrowLeft') this.move('left');
      else if (ev.key === 'ArrowRight') this.move('right');
      else if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        if (this.selected) for (const fn of this.listeners.open) fn(this.selected);
      } else if (ev.key === 'Enter') {
        if (this.selected) this.zoomTo(this.selected);
      } else if (ev.key === 'Escape') {
        this.select(null);
        this.fit();
      } else if (ev.key === '0') this.fit();
      else if (ev.key === '+' || ev.key === '=') this.zoomAt(mid, 0.7);
      else if (ev.key === '-' || ev.key === '_') this.zoomAt(mid, 1 / 0.7);
      else return;
      ev.preventDefault();
    });
  }
}

function toRow(r: { start: number[]; end: number[]; node: number[] } | undefined): Row {
  return r
    ? { start: Float64Array.from(r.start), end: Float64Array.from(r.end), node: Int32Array.from(r.node) }
    : { start: new Float64Array(0), end: new Float64Array(0), node: new Int32Array(0) };
}

/** First k with ends[k] > v (ends are sorted: a row's boxes never overlap), or ends.length. */
function firstEndAfter(ends: Float64Array, v: number): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] > v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Last k with starts[k] <= v, or -1. */
function lastStartAtOrBefore(starts: Float64Array, v: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= v + 1e-12) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** A CSS colour with an alpha, for the theme's hex or rgb() colours. */
function withAlpha(color: string, alpha: string): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color.trim());
  if (hex) {
    const n = parseInt(hex[1], 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(color.trim());
  return rgb ? `rgba(${rgb[1]},${rgb[2]},${rgb[3]}, ${alpha})` : color;
}
