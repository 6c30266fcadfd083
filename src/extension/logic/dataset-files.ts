// Which files Chunkscope treats as datasets. One list, shared by the run command, the file
// picker filter and the explorer menu's `when` clause in package.json (a test keeps that in sync).
import * as path from 'node:path';

/** Text formats, which may also come compressed (`.csv.gz`, `.jsonl.zst`). */
export const TEXT_DATASET_EXTENSIONS = ['csv', 'tsv', 'jsonl', 'ndjson', 'json'] as const;
/** Typed table files, read by row group or record batch. */
export const TABLE_DATASET_EXTENSIONS = ['parquet', 'arrow', 'feather'] as const;
export const COMPRESSED_EXTENSIONS = ['gz', 'zst'] as const;
/** What the file picker offers (a compressed file's last extension is all a picker filter can match). */
export const DATASET_EXTENSIONS = [
  ...TEXT_DATASET_EXTENSIONS,
  ...TABLE_DATASET_EXTENSIONS,
  ...COMPRESSED_EXTENSIONS,
] as const;

/** The explorer menu's test on `resourceFilename`; package.json holds the same regex. */
export const DATASET_FILENAME_PATTERN = new RegExp(
  `\\.((${TEXT_DATASET_EXTENSIONS.join('|')})(\\.(${COMPRESSED_EXTENSIONS.join('|')}))?|${TABLE_DATASET_EXTENSIONS.join('|')})$`,
  'i',
);
export const PROCESSOR_EXTENSIONS = ['js', 'mjs', 'cjs', 'ts'] as const;

/** VS Code stops syncing documents to extensions above this size, so we never rely on them past it. */
export const EDITOR_SYNC_LIMIT_BYTES = 50 * 1024 * 1024;

export function isDatasetPath(filePath: string): boolean {
  return DATASET_FILENAME_PATTERN.test(path.basename(filePath));
}

export function isProcessorPath(filePath: string): boolean {
  if (/\.d\.[cm]?ts$/i.test(filePath)) return false; // declaration files hold no code to run
  const ext = path.extname(filePath).slice(1).toLowerCase();
  return (PROCESSOR_EXTENSIONS as readonly string[]).includes(ext);
}
