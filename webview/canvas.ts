// What every canvas view needs: a backing store sized for the screen's pixel ratio, and the theme
// colours (CSS custom properties --cs-*, set from VS Code's theme or the standalone fallbacks).

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
