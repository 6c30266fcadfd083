// `chunkscope tune DATA --processor FILE [--save]`: a guided search that prints the settings, one
// paragraph on why, and can save them for `chunkscope run` on the same dataset + processor.
import {
  ChunkscopeError,
  chooseWorkerCount,
  DEFAULT_TUNING_FILE,
  describeSetting,
  findSavedTuning,
  formatInt,
  parseSampleSize,
  tune,
  type RunOptions,
  type Strategy,
  type TuneOptions,
} from '../engine';
import {
  DATASET_OPTION_SPECS,
  datasetOptions,
  parseCommandLine,
  positiveInteger,
  positiveNumber,
  requireDataAndProcessor,
} from './args';
import { CLUSTER_OPTION_SPECS, CLUSTER_OPTIONS_USAGE, clusterSweepHook } from './cluster-command';

export const TUNE_USAGE = `Usage: chunkscope tune DATA --processor FILE [options]

Finds a good chunk size and worker count with a few runs instead of the full grid: a scaling
probe for the worker count, three chunk sizes to fit the cost model, then its optimum and
neighbours measured. Prints the settings and why.

Options:
  --strategy S            byte-range (default) | batches | shared-columns
  --workers N|auto        fix the worker count, or let the probe choose (default auto)
  --sample F|ROWS         a fraction (0.1, 10%) or a number of rows (default: up to 16 MiB)
  --budget SECONDS        give up after this long
  --save                  save the settings to ${DEFAULT_TUNING_FILE} (in the current folder);
                          "chunkscope run" on the same dataset and processor then uses them
                          whenever no chunk size is given
  --save-to FILE          the same, to another tuning file
  --json                  print the result as JSON
  --format F, --delimiter C, --no-header, --row-shape S, --types T   as for run
${CLUSTER_OPTIONS_USAGE}`;

export async function tuneCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    processor: { type: 'string' },
    strategy: { type: 'string' },
    workers: { type: 'string' },
    sample: { type: 'string' },
    budget: { type: 'string' },
    save: { type: 'boolean' },
    'save-to': { type: 'string' },
    json: { type: 'boolean' },
    ...DATASET_OPTION_SPECS,
    ...CLUSTER_OPTION_SPECS,
  });
  if (values.help) {
    process.stdout.write(TUNE_USAGE + '\n');
    return 0;
  }
  const { data, processor } = requireDataAndProcessor(positionals, values.processor, 'tune for');
  const workers: TuneOptions['workers'] =
    values.workers === 'auto' ? 'auto' : (positiveInteger('workers', values.workers, ' or "auto"') ?? 'auto');
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const cluster = await clusterSweepHook(values);
    const result = await tune(
      {
        data,
        processor,
        strategy: values.strategy as Strategy | undefined,
        workers,
        sample: values.sample === undefined ? undefined : parseSampleSize(values.sample),
        budgetSeconds: positiveNumber('budget', values.budget),
        saveTo: values['save-to'] ?? (values.save ? DEFAULT_TUNING_FILE : undefined),
        ...datasetOptions(values),
      },
      {
        signal: controller.signal,
        cluster,
        onStep: values.json ? undefined : (m) => process.stderr.write(`tune: ${m}\n`),
      },
    );
    if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else {
      const r = result.recommendation;
      const flag = r.chunkRows !== undefined ? `--chunk-rows ${r.chunkRows}` : `--chunk-bytes ${r.chunkBytes}`;
      process.stdout.write(`Settings: ${describeSetting(r)} (~${formatInt(r.rowsPerSecond)} rows/s)\n`);
      process.stdout.write(
        `  chunkscope run ${data} --processor ${processor} --strategy ${r.strategy} --workers ${r.workers} ${flag}${result.cluster ? ` --cluster ${result.cluster.url}` : ''}\n\n`,
      );
      process.stdout.write(result.explanation + '\n');
      if (result.savedTo)
        process.stdout.write(
          `\nSaved to ${result.savedTo}: "chunkscope run" on this dataset and processor uses these settings when you give no chunk size.\n`,
        );
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * `chunkscope run` options that come from tuning: `--chunk auto|fixed`, `--workers auto` (the
 * scaling probe), and the settings saved by `tune --save` when the user gave no chunk size.
 * Changes `options` in place; returns lines for the user (stderr, so --json output stays clean).
 */
export async function applyRunTuning(
  options: RunOptions,
  flags: { workers?: string; chunk?: string },
  signal?: AbortSignal,
): Promise<string[]> {
  const notes: string[] = [];
  if (flags.chunk !== undefined) {
    if (flags.chunk !== 'auto' && flags.chunk !== 'fixed')
      throw new ChunkscopeError('usage', `--chunk must be auto or fixed, got "${flags.chunk}"`);
    options.chunking = flags.chunk;
  }
  const workersAuto = flags.workers === 'auto';
  if (options.chunkRows === undefined && options.chunkBytes === undefined && flags.chunk === undefined) {
    const found = findSavedTuning(DEFAULT_TUNING_FILE, options.data, options.processor);
    if (found && 'stale' in found)
      notes.push(
        `Saved tuning in ${DEFAULT_TUNING_FILE} not used: ${found.stale}; run "chunkscope tune … --save" again.`,
      );
    if (found && 'entry' in found) {
      const e = found.entry;
      options.strategy ??= e.strategy;
      if (options.workers === undefined && !workersAuto) options.workers = e.workers;
      options.chunkRows = e.chunkRows;
      options.chunkBytes = e.chunkBytes;
      options.chunking = 'fixed';
      notes.push(
        `Using the saved tuning from ${DEFAULT_TUNING_FILE}: ${describeSetting({ ...e, strategy: options.strategy, workers: options.workers ?? e.workers })} (give --chunk-rows, --chunk-bytes or --chunk auto to override).`,
      );
    }
  }
  if (workersAuto) {
    const probe = await chooseWorkerCount({ ...options, strategy: options.strategy }, signal);
    options.workers = probe.chosen;
    notes.push(`--workers auto: ${probe.chosen} worker${probe.chosen === 1 ? '' : 's'}. ${probe.explanation}`);
  }
  return notes;
}
