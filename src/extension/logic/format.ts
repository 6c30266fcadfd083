// Number and duration formatting shared by the status bar, notifications and the output summary.

/** 1234 → "1.2K", 1_234_567 → "1.2M"; small numbers stay whole. */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) {
      const v = n / size;
      return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)}${suffix}`;
    }
  }
  return abs >= 10 || Number.isInteger(n) ? Math.round(n).toString() : n.toFixed(1);
}

export function formatInteger(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Milliseconds → "850 ms", "4.2 s", "2 min 05 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  return `${Math.floor(totalSeconds / 60)} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${bytes} B` : `${v.toFixed(1)} ${units[i]}`;
}

export function formatPercent(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : '–';
}

/** Whole-percent progress from bytes read; clamped because the last chunk may overshoot estimates. */
export function bytePercent(bytes: number, totalBytes: number): number {
  if (!(totalBytes > 0)) return 0;
  return Math.max(0, Math.min(100, (bytes / totalBytes) * 100));
}
