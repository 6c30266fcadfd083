// The status bar's progress percentage from bytes read.

/** Whole-percent progress from bytes read; clamped because the last chunk may overshoot estimates. */
export function bytePercent(bytes: number, totalBytes: number): number {
  if (!(totalBytes > 0)) return 0;
  return Math.max(0, Math.min(100, (bytes / totalBytes) * 100));
}
