// Small, exact statistics for sweeps: medians, order-statistic intervals, a seeded shuffle and
// weighted least squares. Pure arithmetic, no Node imports.
import type { Spread } from '../model/sweep';

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = sorted(values);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * The q-quantile (0..1) of values sorted ascending, interpolated between the two nearest ranks (as
 * numpy's default and R's type 7): the p50 and p95 every surface shows.
 */
export function quantile(sortedValues: ArrayLike<number>, q: number): number {
  const n = sortedValues.length;
  if (n === 0) return 0;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sortedValues[lo] + (sortedValues[hi] - sortedValues[lo]) * (pos - lo);
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(k: number, n: number): number {
  let term = Math.pow(0.5, n);
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return sum;
}

/**
 * Distribution-free 95 % interval of the median: the order statistics x(j) and x(n+1−j) with the
 * largest j whose coverage 1 − 2·P(X ≤ j−1) stays ≥ 0.95. With fewer than 6 values no such j
 * exists below the extremes, so the interval is [min, max] (its coverage is then below 95 %).
 */
export function medianInterval95(values: readonly number[]): [number, number] {
  const s = sorted(values);
  const n = s.length;
  if (n === 0) return [NaN, NaN];
  let j = 1;
  while (j + 1 <= n - j && 1 - 2 * binomialHalfCdf(j, n) >= 0.95) j++;
  return [s[j - 1], s[n - j]];
}

export function spreadOf(values: readonly number[]): Spread {
  const s = sorted(values);
  return { median: median(s), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN, ci95: medianInterval95(s) };
}

/** A small seeded generator (mulberry32): sweeps are reproducible given their seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates, in place. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export interface LineFit {
  intercept: number;
  slope: number;
  /** Weighted coefficient of determination (1 = every point on the line). */
  r2: number;
}

/** y = intercept + slope·x by weighted least squares; null when x does not vary. */
export function weightedLineFit(
  xs: readonly number[],
  ys: readonly number[],
  weights: readonly number[],
): LineFit | null {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < xs.length; i++) {
    sw += weights[i];
    sx += weights[i] * xs[i];
    sy += weights[i] * ys[i];
  }
  if (!(sw > 0)) return null;
  const mx = sx / sw;
  const my = sy / sw;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxx += weights[i] * dx * dx;
    sxy += weights[i] * dx * dy;
    syy += weights[i] * dy * dy;
  }
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let residual = 0;
  for (let i = 0; i < xs.length; i++) {
    const e = ys[i] - (intercept + slope * xs[i]);
    residual += weights[i] * e * e;
  }
  return { intercept, slope, r2: syy > 0 ? Math.max(0, 1 - residual / syy) : 1 };
}

/** `count` sizes from `from` to `to`, evenly spaced on a log scale, rounded and deduplicated. */
export function logSpaced(from: number, to: number, count: number): number[] {
  const lo = Math.max(1, Math.round(from));
  const hi = Math.max(lo, Math.round(to));
  if (count <= 1 || lo === hi) return [hi];
  const out = new Set<number>();
  for (let i = 0; i < count; i++) out.add(Math.round(lo * Math.pow(hi / lo, i / (count - 1))));
  return [...out].sort((a, b) => a - b);
}
