// Turns the `chunkscope.*` settings into engine RunOptions. 0 means "let the engine decide", so it
// becomes an absent option and the engine's own defaults (options.ts) stay the single source of truth.
import type { RunOptions, Strategy } from '../../engine';

export const STRATEGIES: readonly Strategy[] = ['per-row', 'batches', 'byte-range', 'shared-columns'];
export const DEFAULT_STRATEGY: Strategy = 'byte-range';

/** The raw values as read from the configuration (users can put anything in settings.json). */
export interface ChunkscopeSettings {
  workers?: unknown;
  strategy?: unknown;
  chunkRows?: unknown;
  chunkBytes?: unknown;
  outputFolder?: unknown;
}

export interface MappedSettings {
  options: RunOptions;
  outputFolder: string;
  /** Settings that were ignored, explained for the output channel. */
  warnings: string[];
}

function positiveInteger(name: string, value: unknown, warnings: string[]): number | undefined {
  if (value === undefined || value === null || value === 0) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    warnings.push(`chunkscope.${name} = ${JSON.stringify(value)} is not a whole number ≥ 0; using automatic.`);
    return undefined;
  }
  return value;
}

export function settingsToRunOptions(
  settings: ChunkscopeSettings,
  paths: { data: string; processor: string; out: string },
): MappedSettings {
  const warnings: string[] = [];
  const options: RunOptions = { data: paths.data, processor: paths.processor, out: paths.out };

  let strategy: Strategy = DEFAULT_STRATEGY;
  if (settings.strategy !== undefined && settings.strategy !== null && settings.strategy !== '') {
    if (STRATEGIES.includes(settings.strategy as Strategy)) strategy = settings.strategy as Strategy;
    else
      warnings.push(
        `chunkscope.strategy = ${JSON.stringify(settings.strategy)} is unknown; using ${DEFAULT_STRATEGY}.`,
      );
  }
  options.strategy = strategy;

  const workers = positiveInteger('workers', settings.workers, warnings);
  if (workers !== undefined) options.workers = workers;

  const chunkRows = positiveInteger('chunkRows', settings.chunkRows, warnings);
  const chunkBytes = positiveInteger('chunkBytes', settings.chunkBytes, warnings);
  // The CLI takes one chunk size or the other; when both are set, bytes win because they bound memory.
  if (chunkBytes !== undefined) {
    options.chunkBytes = chunkBytes;
    if (chunkRows !== undefined)
      warnings.push('chunkscope.chunkRows is ignored because chunkscope.chunkBytes is also set.');
  } else if (chunkRows !== undefined) {
    options.chunkRows = chunkRows;
  }

  let outputFolder = '';
  if (typeof settings.outputFolder === 'string') outputFolder = settings.outputFolder;
  else if (settings.outputFolder !== undefined && settings.outputFolder !== null)
    warnings.push('chunkscope.outputFolder must be a string; using the .chunkscope folder.');

  return { options, outputFolder, warnings };
}
