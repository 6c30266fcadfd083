// The one way numbers read, on every surface: the CLI summary, the extension's status bar, hovers and
// notifications, the diagnosis's sentences and the webview. Browser-safe (no Node, no DOM), so the
// webview bundles these same functions rather than a copy.

const NOT_A_NUMBER = '–';
const KIB = 1024;

/** 1,234,567: whole numbers with thousands separators (en-US, as the rest of the text is English). */
export function formatInt(n: number): string {
  if (!Number.isFinite(n)) return NOT_A_NUMBER;
  return Math.round(n).toLocaleString('en-US');
}

/** 950, 1,234, 12.3k, 4.56M, 1.20G: three significant digits for rates in tight places. */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return NOT_A_NUMBER;
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (a >= 100 || Number.isInteger(n)) return formatInt(n);
  return n.toFixed(a >= 10 ? 1 : 2);
}

/** Axis ticks: 500, 1k, 2.5k, 1M (no trailing zeros; ticks are round numbers). */
export function formatTick(n: number): string {
  if (!Number.isFinite(n)) return NOT_A_NUMBER;
  const a = Math.abs(n);
  if (a >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** Milliseconds in a readable unit, three significant digits: µs below 1 ms, ms below 1 s, s below a minute, then min and s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return NOT_A_NUMBER;
  const a = Math.abs(ms);
  if (a === 0) return '0 ms';
  if (a < 1) return `${(ms * 1000).toFixed(a < 0.01 ? 1 : 0)} µs`;
  if (a < 10) return `${ms.toFixed(2)} ms`;
  if (a < 100) return `${ms.toFixed(1)} ms`;
  if (a < 1000) return `${Math.round(ms)} ms`;
  if (a < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${((ms - minutes * 60_000) / 1000).toFixed(1)} s`;
}

/** Microseconds, for per-row costs: 0.42 µs, 12.5 µs, 1,250 µs. */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return NOT_A_NUMBER;
  const a = Math.abs(us);
  if (a >= 100) return `${formatInt(us)} µs`;
  return `${us.toFixed(a >= 10 ? 1 : 2)} µs`;
}

/** Binary units, as chunk sizes are chosen: 900 B, 64 KiB, 1.5 MiB, 10 MiB, 2.25 GiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return NOT_A_NUMBER;
  const a = Math.abs(bytes);
  if (a < KIB) return `${Math.round(bytes)} B`;
  if (a < KIB ** 2) return `${+(bytes / KIB).toFixed(1)} KiB`;
  if (a < KIB ** 3) return `${+(bytes / KIB ** 2).toFixed(1)} MiB`;
  return `${+(bytes / KIB ** 3).toFixed(2)} GiB`;
}

/** A share of 1 as percent: 0.42 %, 3.7 %, 38 % (one decimal below 10 %). */
export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return NOT_A_NUMBER;
  const p = share * 100;
  const a = Math.abs(p);
  return `${a < 10 && a !== 0 ? p.toFixed(1) : Math.round(p)} %`;
}

/** How many times: 1.4×, 3.0×, 12×. */
export function formatRatio(x: number): string {
  if (!Number.isFinite(x)) return NOT_A_NUMBER;
  return `${Math.abs(x) >= 10 ? formatInt(x) : x.toFixed(1)}×`;
}

/** A rate of decimal megabytes per second: 8.4 MB/s, 152 MB/s (one decimal below 100). */
export function formatMbPerSecond(mbPerSecond: number): string {
  if (!Number.isFinite(mbPerSecond)) return NOT_A_NUMBER;
  const tenths = Math.round(mbPerSecond * 10) / 10;
  return `${Math.abs(tenths) >= 100 ? formatInt(mbPerSecond) : tenths.toFixed(1)} MB/s`;
}

/** "1 row", "2,500 rows". */
export function formatRows(n: number): string {
  return `${formatInt(n)} row${Math.round(n) === 1 ? '' : 's'}`;
}

/** "worker" or "workers", after a count. */
export function plural(n: number, word: string): string {
  return `${formatInt(n)} ${word}${Math.round(n) === 1 ? '' : 's'}`;
}
