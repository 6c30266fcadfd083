// Orders processor candidates for the quick pick: the last used one first, then by path.
import * as path from 'node:path';

export interface ProcessorExports {
  processRow: boolean;
  processChunk: boolean;
  combine: boolean;
  setup: boolean;
}

export function isRunnableProcessor(exports: ProcessorExports): boolean {
  return exports.processRow || exports.processChunk;
}

export function describeExports(exports: ProcessorExports): string {
  return (['processRow', 'processChunk', 'setup', 'combine'] as const).filter((k) => exports[k]).join(' · ');
}

export function orderProcessors<T extends { path: string }>(candidates: T[], lastUsed: string | undefined): T[] {
  const sorted = [...candidates].sort((a, b) => a.path.localeCompare(b.path));
  if (!lastUsed) return sorted;
  const key = path.resolve(lastUsed);
  const i = sorted.findIndex((c) => path.resolve(c.path) === key);
  if (i > 0) sorted.unshift(...sorted.splice(i, 1));
  return sorted;
}
