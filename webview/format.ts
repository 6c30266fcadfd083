// Number and time formatting shared by the report UI and its tests (no DOM, no Node).

/** Milliseconds in a readable unit: µs below 1 ms, ms below 1 s, s above. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const a = Math.abs(ms);
  if (a === 0) return '0 ms';
  if (a < 1) return `${(ms * 1000).toFixed(a < 0.01 ? 1 : 0)} µs`;
  if (a < 10) return `${ms.toFixed(2)} ms`;
  if (a < 1000) return `${ms.toFixed(1)} ms`;
  if (a < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${((ms - m * 60_000) / 1000).toFixed(1)} s`;
}

export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** 12.3k, 4.56M: for rates in tiles. */
export function formatCompact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (a >= 100) return formatInt(n);
  return n.toFixed(a >= 10 ? 1 : 2);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function formatPercent(share: number): string {
  const p = share * 100;
  return `${p < 10 && p !== 0 ? p.toFixed(1) : Math.round(p)} %`;
}
