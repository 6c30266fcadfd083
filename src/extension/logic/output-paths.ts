// Where a run's files go: `<folder>/<dataset>.<processor>.results.ndjson` and `.timings.json`.
// Names are derived, not chosen per run, so re-running the same pair overwrites its last output.
import * as path from 'node:path';

export interface OutputPaths {
  folder: string;
  results: string;
  timings: string;
  /** Folder for the run's .cpuprofile files (profiled runs). */
  profiles: string;
}

/** File name without its extension, made safe for every file system we may write to. */
export function stemOf(filePath: string): string {
  const base = path.basename(filePath);
  const ext = path.extname(base);
  const stem = ext && ext !== base ? base.slice(0, -ext.length) : base;
  return stem.replace(/[<>:"/\\|?*\u0000-\u001f]/g, '_') || 'unnamed';
}

/**
 * @param outputFolderSetting `chunkscope.outputFolder`: "" = `.chunkscope` in the workspace folder;
 *   relative paths are taken from the workspace folder; `${workspaceFolder}` is expanded.
 * @param workspaceFolder folder containing the dataset (or the first one); undefined without a workspace,
 *   in which case the dataset's own folder stands in for it.
 */
export function computeOutputPaths(
  datasetPath: string,
  processorPath: string,
  outputFolderSetting: string,
  workspaceFolder: string | undefined,
): OutputPaths {
  const base = workspaceFolder ?? path.dirname(datasetPath);
  const setting = outputFolderSetting.trim().replace(/\$\{workspaceFolder\}/g, base);
  const folder = setting === '' ? path.join(base, '.chunkscope') : path.resolve(base, setting);
  const name = `${stemOf(datasetPath)}.${stemOf(processorPath)}`;
  return {
    folder,
    results: path.join(folder, `${name}.results.ndjson`),
    timings: path.join(folder, `${name}.timings.json`),
    profiles: path.join(folder, `${name}.profiles`),
  };
}
