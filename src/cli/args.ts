// Argument parsing shared by the CLI's commands (run/profile, sweep, tune): the parseArgs call,
// the dataset options every command takes, the DATA/--processor checks and the number checks.
// Every failure is a ChunkscopeError('usage'), which the CLI maps to exit code 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ChunkscopeError, type RunOptions } from '../engine';

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** --format, --delimiter, --no-header, --row-shape and --types: how every command reads a dataset. */
export const DATASET_OPTION_SPECS = {
  format: { type: 'string' },
  delimiter: { type: 'string' },
  'no-header': { type: 'boolean' },
  'row-shape': { type: 'string' },
  types: { type: 'string' },
} as const satisfies OptionSpecs;

const HELP_OPTION_SPEC = { help: { type: 'boolean', short: 'h' } } as const satisfies OptionSpecs;

/** parseArgs with positionals and -h/--help allowed; an unknown or malformed option is a usage error. */
export function parseCommandLine<O extends OptionSpecs>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: { ...options, ...HELP_OPTION_SPEC } });
  } catch (error) {
    throw new ChunkscopeError('usage', (error as Error).message);
  }
}

/** The dataset options as the engine takes them. */
export function datasetOptions(values: {
  format?: string;
  delimiter?: string;
  'no-header'?: boolean;
  'row-shape'?: string;
  types?: string;
}): Pick<RunOptions, 'format' | 'delimiter' | 'header' | 'rowShape' | 'types'> {
  const { format } = values;
  if (
    format !== undefined &&
    format !== 'csv' &&
    format !== 'jsonl' &&
    format !== 'json' &&
    format !== 'parquet' &&
    format !== 'arrow'
  )
    throw new ChunkscopeError(
      'usage',
      `--format must be csv (CSV or TSV), jsonl (JSON Lines), json (a JSON array of records), parquet or arrow (Arrow IPC file / Feather v2), got "${format}"`,
    );
  return {
    format,
    delimiter: values.delimiter,
    header: !values['no-header'],
    rowShape: values['row-shape'] as RunOptions['rowShape'],
    types: values.types as RunOptions['types'],
  };
}

/** DATA (exactly one) and --processor, both required; `purpose` ends "the dataset file to …". */
export function requireDataAndProcessor(
  positionals: string[],
  processor: string | undefined,
  purpose: string,
): { data: string; processor: string } {
  const [data, ...extra] = positionals;
  if (!data) throw new ChunkscopeError('usage', `Missing DATA: the dataset file to ${purpose}`);
  if (extra.length > 0) throw new ChunkscopeError('usage', `Unexpected argument "${extra[0]}"`);
  if (!processor) throw new ChunkscopeError('usage', 'Missing --processor FILE');
  return { data, processor };
}

/** A whole number of at least 1, or undefined when the option is absent; `alternatives` extends the message (e.g. ` or "auto"`). */
export function positiveInteger(name: string, text: string | undefined, alternatives = ''): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new ChunkscopeError('usage', `--${name} needs a whole number of at least 1${alternatives}, got "${text}"`);
  return n;
}

/** A finite number above 0, or undefined when the option is absent. */
export function positiveNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n))
    throw new ChunkscopeError('usage', `--${name} needs a number above 0, got "${text}"`);
  return n;
}
