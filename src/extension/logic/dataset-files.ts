// Which files Chunkscope treats as datasets. One list, shared by the run command, the file
// picker filter and (by hand, keep in sync) the explorer menu's `when` clause in package.json.
import * as path from 'node:path';

export const DATASET_EXTENSIONS = ['csv', 'tsv', 'jsonl', 'ndjson', 'json'] as const;
export const PROCESSOR_EXTENSIONS = ['js', 'mjs', 'cjs', 'ts'] as const;

/** VS Code stops syncing documents to extensions above this size, so we never rely on them past it. */
export const EDITOR_SYNC_LIMIT_BYTES = 50 * 1024 * 1024;

export function isDatasetPath(filePath: string): boolean {
  const ext = path.extname(filePath).slice(1).toLowerCase();
  return (DATASET_EXTENSIONS as readonly string[]).includes(ext);
}

export function isProcessorPath(filePath: string): boolean {
  if (/\.d\.[cm]?ts$/i.test(filePath)) return false; // declaration files hold no code to run
  const ext = path.extname(filePath).slice(1).toLowerCase();
  return (PROCESSOR_EXTENSIONS as readonly string[]).includes(ext);
}
