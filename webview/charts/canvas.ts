// What every canvas view needs: a backing store sized for the screen's pixel ratio, and the theme
// colours (CSS custom properties --cs-*, set from VS Code's theme or the standalone fallbacks); the
// start of a one-shot chart's draw (beginChart); and PanZoomCanvas, the frame loop, ms axis and
// wheel/drag navigation shared by the timeline and the flame views.
import { formatMs } from '../../src/engine/base/format';

/** Sizes `canvas` to width × height CSS pixels at the device pixel ratio; returns a context in CSS pixels. */
export function sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** A reader of the theme colour `--cs-NAME` as it applies to `element`, with a fallback. */
export function themeColors(element: Element): (name: string, fallback: string) => string {
  const style = getComputedStyle(element);
  return (name, fallback) => style.getPropertyValue(`--cs-${name}`).trim() || fallback;
}

/** A range of the x axis, in ms. */
export interface View {
  start: number;
  end: number;
}

/** The theme colours every pan-and-zoom canvas uses: its background, and the axis's grid and labels. */
export interface AxisColors {
  bg: string;
  grid: string;
  muted: string;
}

/** What a pan-and-zoom canvas hears from the pointer, beyond the wheel zoom and drag pan it does itself. */
export interface PointerHandlers {
  /** The pointer moved over the canvas (not while panning); p in canvas CSS pixels. */
  hover(p: { x: number; y: number }, ev: MouseEvent): void;
  /** A press and release on the canvas without panning. */
  click(p: { x: number; y: number }, ev: MouseEvent): void;
  /** A left-button press began (true) or the button went up (false). */
  drag?(active: boolean): void;
  /** The drag panned the view. */
  pan?(): void;
}

/**
 * A canvas over an x range in ms (the timeline, the flame views) that the wheel zooms and a drag pans.
 * It owns the backing store, the frame loop (at most one draw per animation frame, each timed), the
 * ms ↔ x mapping right of a gutter, and the time axis; a subclass paints, hit-tests and clamps views.
 */
export abstract class PanZoomCanvas<C extends AxisColors, S extends { ms: number }> {
  readonly canvas: HTMLCanvasElement;
  protected readonly ctx: CanvasRenderingContext2D;
  view: View = { start: 0, end: 1 };
  /** The last frame's counts and draw time (test hooks and the bench read them). */
  abstract stats: S;
  frames = 0;
  protected colors!: C;
  protected cssWidth = 0;
  protected cssHeight = 0;
  private pending = 0;
  private drag: { x: number; view: View; moved: boolean } | undefined;

  constructor(
    protected readonly container: HTMLElement,
    className: string,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = className;
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    container.appendChild(this.canvas);
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('This browser has no 2D canvas');
    this.ctx = ctx;
  }

  /** Width in CSS pixels left of the plot (lane labels). */
  abstract get gutter(): number;

  /** Shows v, clamped to what the subclass allows; tells view listeners unless notify is false. */
  abstract setView(v: View, notify?: boolean): void;

  /** Paints one frame over the background (transform already set) and returns its counts. */
  protected abstract paint(): S;

  /** This canvas's colours, from the theme reader. */
  protected abstract colorsFrom(get: (name: string, fallback: string) => string): C;

  get plotWidth(): number {
    return Math.max(10, this.cssWidth - this.gutter - 8);
  }

  /** Reads the theme colours (CSS custom properties) again: call after a theme change. */
  readColors(): void {
    this.colors = this.colorsFrom(themeColors(this.container));
    this.requestDraw();
  }

  timeToX(t: number): number {
    return this.gutter + ((t - this.view.start) / (this.view.end - this.view.start)) * this.plotWidth;
  }

  xToTime(x: number): number {
    return this.view.start + ((x - this.gutter) / this.plotWidth) * (this.view.end - this.view.start);
  }

  /** Zooms by factor (< 1 in) keeping the time under x where it is. */
  zoomAt(x: number, factor: number): void {
    const t = this.xToTime(x);
    this.setView({ start: t - (t - this.view.start) * factor, end: t + (this.view.end - t) * factor });
  }

  panBy(px: number): void {
    const dt = (px / this.plotWidth) * (this.view.end - this.view.start);
    this.setView({ start: this.view.start + dt, end: this.view.end + dt });
  }

  requestDraw(): void {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.drawNow();
    });
  }

  drawNow(): void {
    if (this.pending) {
      cancelAnimationFrame(this.pending);
      this.pending = 0;
    }
    const t0 = performance.now();
    const dpr = this.canvas.width / Math.max(1, this.cssWidth);
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.ctx.fillStyle = this.colors.bg;
    this.ctx.fillRect(0, 0, this.cssWidth, this.cssHeight);
    const stats = this.paint();
    stats.ms = performance.now() - t0;
    this.stats = stats;
    this.frames++;
  }

  /** Sizes the backing store to width × height CSS pixels and draws, unless nothing changed. */
  protected resizeTo(width: number, height: number): void {
    const dpr = window.devicePixelRatio || 1;
    if (
      width === this.cssWidth &&
      height === this.cssHeight &&
      this.canvas.width === Math.round(width * dpr) &&
      this.canvas.height === Math.round(height * dpr)
    )
      return;
    this.cssWidth = width;
    this.cssHeight = height;
    sizeCanvas(this.canvas, width, height);
    this.drawNow();
  }

  /** Grid lines at round times (1, 2 or 5 × 10^n ms, about 110 px apart) from top to bottom, labelled at labelY. */
  protected drawTimeAxis(top: number, bottom: number, labelY: number): void {
    const ctx = this.ctx;
    const span = this.view.end - this.view.start;
    const target = span / Math.max(1, this.plotWidth / 110);
    const pow = Math.pow(10, Math.floor(Math.log10(target)));
    const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= target) ?? 10 * pow;
    ctx.font = '11px var(--vscode-font-family, system-ui, sans-serif)';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    for (let t = Math.ceil(this.view.start / step) * step; t <= this.view.end; t += step) {
      const x = Math.round(this.timeToX(t)) + 0.5;
      ctx.strokeStyle = this.colors.grid;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.fillStyle = this.colors.muted;
      ctx.fillText(formatMs(Math.abs(t) < step / 1e6 ? 0 : t), x + 3, labelY);
    }
  }

  /** A mouse event's position in canvas CSS pixels. */
  protected local(ev: MouseEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ev.clientX - r.left, y: ev.clientY - r.top };
  }

  /** True between a left-button press on the canvas and its release. */
  protected get dragging(): boolean {
    return this.drag !== undefined;
  }

  /**
   * Wheel: zoom around the pointer (shift or a horizontal wheel pans). Drag: pan, once the pointer
   * has moved more than 3 px; a press released before that is a click.
   */
  protected bindPanZoom(on: PointerHandlers): void {
    const canvas = this.canvas;
    canvas.addEventListener(
      'wheel',
      (ev) => {
        ev.preventDefault();
        const unit = ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? this.plotWidth : 1;
        const dx = ev.deltaX * unit;
        const dy = ev.deltaY * unit;
        if (ev.shiftKey || Math.abs(dx) > Math.abs(dy)) this.panBy(ev.shiftKey ? dy || dx : dx);
        else this.zoomAt(this.local(ev).x, Math.exp(dy * 0.0015));
      },
      { passive: false },
    );
    canvas.addEventListener('mousedown', (ev) => {
      if (ev.button !== 0) return;
      this.drag = { x: ev.clientX, view: { ...this.view }, moved: false };
      on.drag?.(true);
    });
    // On the window, so a drag keeps panning when the pointer leaves the canvas.
    window.addEventListener('mousemove', (ev) => {
      if (this.drag) {
        const dx = ev.clientX - this.drag.x;
        if (Math.abs(dx) > 3) this.drag.moved = true;
        if (this.drag.moved) {
          const dt = (dx / this.plotWidth) * (this.drag.view.end - this.drag.view.start);
          this.setView({ start: this.drag.view.start - dt, end: this.drag.view.end - dt });
          on.pan?.();
          return;
        }
      }
      if (ev.target !== canvas) return;
      on.hover(this.local(ev), ev);
    });
    window.addEventListener('mouseup', (ev) => {
      const drag = this.drag;
      this.drag = undefined;
      on.drag?.(false);
      if (!drag || drag.moved || ev.target !== canvas) return;
      on.click(this.local(ev), ev);
    });
  }
}

/**
 * The start of a chart's draw: sizes `canvas` to width × height CSS pixels and fills it with the
 * theme's background (bgFallback outside a theme). Returns the context and the theme colour reader.
 */
export function beginChart(
  canvas: HTMLCanvasElement,
  container: Element,
  width: number,
  height: number,
  bgFallback: string,
): { ctx: CanvasRenderingContext2D; color: (name: string, fallback: string) => string } {
  const ctx = sizeCanvas(canvas, width, height);
  const color = themeColors(container);
  ctx.fillStyle = color('bg', bgFallback);
  ctx.fillRect(0, 0, width, height);
  return { ctx, color };
}
