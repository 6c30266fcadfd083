// What "Apply" writes: a tuned point turned into `chunkscope.*` workspace setting values. The
// chunk size the point does not use is cleared (undefined removes the key), because when both
// sizes are set the bytes win (settings.ts) and the applied rows would silently be ignored.
import type { SweepPointSpec } from '../../engine';

export interface SettingEdit {
  key: 'strategy' | 'workers' | 'chunkRows' | 'chunkBytes';
  value: string | number | undefined;
}

export function settingEditsFor(point: SweepPointSpec): SettingEdit[] {
  if (point.chunkRows === undefined && point.chunkBytes === undefined) {
    throw new Error('The chosen settings have no chunk size (neither rows nor bytes)');
  }
  if (!Number.isInteger(point.workers) || point.workers < 1)
    throw new Error(`The chosen worker count is not a whole number ≥ 1: ${point.workers}`);
  return [
    { key: 'strategy', value: point.strategy },
    { key: 'workers', value: point.workers },
    { key: 'chunkRows', value: point.chunkBytes === undefined ? point.chunkRows : undefined },
    { key: 'chunkBytes', value: point.chunkBytes },
  ];
}
