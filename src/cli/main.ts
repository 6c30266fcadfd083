// The `chunkscope` command. A face on the engine: parses arguments, shows progress and a summary,
// writes timings/trace files, and maps failures to exit codes (0 ok, 1 run failed, 2 usage).
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ChunkscopeError,
  formatInt,
  isSweepFile,
  readSweepFile,
  readTimingsFile,
  runDataset,
  toChromeTrace,
  writeFileAtomic,
  writeRunRecord,
  writeTimingsFile,
  type RunOptions,
  type RunReport,
} from '../engine';
import { renderStandaloneCompare, renderStandaloneReport, renderStandaloneSweep } from '../report-html/page';
import {
  DATASET_OPTION_SPECS,
  datasetOptions,
  parseCommandLine,
  positiveInteger,
  requireDataAndProcessor,
} from './args';
import { formatSummary } from './summary-table';
import { sweepCommand } from './sweep-command';
import { applyRunTuning, tuneCommand } from './tune-command';
import { formatProfileSummary, profileOptions, run0xCommand } from './profile-command';
import { lspCommand } from './lsp-command';
import { clusterCommand, clusterRunHook, workerCommand } from './cluster-command';

const USAGE = `Usage: chunkscope run DATA --processor FILE [options]
       chunkscope report TIMINGS.json [-o report.html]
       chunkscope report SWEEP.json [-o sweep.html]
       chunkscope report A.timings.json B.timings.json [-o compare.html]
       chunkscope sweep DATA --processor FILE [options]    (see chunkscope sweep --help)
       chunkscope tune DATA --processor FILE [--save]      (see chunkscope tune --help)
       chunkscope profile DATA --processor FILE [--engine inspector|0x] [run options]
       chunkscope lsp --stdio                             the language server, for editors
       chunkscope worker --redis URL [--threads N]        run cluster chunks here (see chunkscope worker --help)
       chunkscope cluster status|clean --redis URL        (see chunkscope cluster --help)

Runs your processor over DATA (CSV, TSV, JSON Lines or a JSON array of records) on a pool of worker threads, in chunks,
and records what every chunk cost.

Options:
  --processor FILE        module exporting processRow(row, ctx) or processChunk(rows, ctx)
  --strategy S            per-row | batches | byte-range (default) | shared-columns
  --workers N|auto        worker threads (default: available parallelism; auto: a short scaling probe)
  --chunk-rows N          rows per chunk
  --chunk-bytes N         bytes per chunk (default 1 MiB for byte-range)
  --chunk auto|fixed      adapt the chunk size during the run, or keep the given/default size
                          (with no size given, settings saved by "chunkscope tune --save" are used)
  --out FILE              results as JSON Lines in input row order (or the combined result)
  --timings FILE          the run report: summary and one record per chunk (JSON)
  --trace FILE            Chrome Trace Event JSON (open in Perfetto or chrome://tracing)
  --report FILE           the run report as one self-contained HTML file (opens offline)
  --on-error stop|skip    stop at the first failing row (default), or skip it and go on
  --chunk-timeout SECS    fail the run when one chunk runs longer than this
  --format F              csv | jsonl | json (a JSON array of records) | parquet; default: from the file's
                          first bytes and name
  --delimiter C           field delimiter (default: , or tab for .tsv)
  --no-header             the first row is data; rows are arrays
  --row-shape S           object | array | columns
  --types T               string (default) | infer (text formats; Parquet values are typed already)
  --max-worker-memory MB  heap limit per worker
  --profile               record a CPU profile (.cpuprofile) of every worker and the main thread
  --profile-interval US   profile sampling interval in microseconds (default 1000)
  --profile-dir DIR       folder for the profiles (default: NAME.profiles beside --timings, else beside --out,
                          else DATASET.PROCESSOR.profiles in the current folder)
  --json                  print the summary as JSON
  --cluster URL           run the chunks on \`chunkscope worker\`s through Redis (default: $CHUNKSCOPE_CLUSTER)
  --min-workers N         with --cluster: workers to wait for before starting (default 1)
  --wait-workers SECS     with --cluster: how long to wait for them (default 30)
  --queue Q               with --cluster: the BullMQ queue (default chunkscope)
  -h, --help              this help

report: writes the HTML report (timeline, summary, diagnosis) of a timings file written by
--timings or by the VS Code extension. -o/--output FILE (default: NAME.report.html beside NAME.timings.json).
With two timings files: one page comparing both runs (summary deltas, both timelines on one time
scale); default output A-vs-B.compare.html beside A. A sweep file (sweep --out, or saved by VS Code)
gets the sweep page (chart, cost model, chunk-size slider); default NAME.sweep.html beside it.

profile: a run with --profile. --engine 0x runs it under 0x instead: flame graphs of the whole
process (V8 and native frames too; one per thread), written under --profile-dir or the current folder.

Exit codes: 0 ok, 1 the run failed, 2 usage error.`;

function parse(argv: string[]) {
  return parseCommandLine(argv, {
    processor: { type: 'string' },
    strategy: { type: 'string' },
    workers: { type: 'string' },
    'chunk-rows': { type: 'string' },
    'chunk-bytes': { type: 'string' },
    chunk: { type: 'string' },
    out: { type: 'string' },
    timings: { type: 'string' },
    trace: { type: 'string' },
    report: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'on-error': { type: 'string' },
    'chunk-timeout': { type: 'string' },
    ...DATASET_OPTION_SPECS,
    'max-worker-memory': { type: 'string' },
    profile: { type: 'boolean' },
    'profile-interval': { type: 'string' },
    'profile-dir': { type: 'string' },
    engine: { type: 'string' },
    json: { type: 'boolean' },
    cluster: { type: 'string' },
    'min-workers': { type: 'string' },
    'wait-workers': { type: 'string' },
    queue: { type: 'string' },
  });
}

async function run(argv: string[]): Promise<number> {
  // sweep and tune have options of their own: each parses its arguments.
  if (argv[0] === 'sweep') return sweepCommand(argv.slice(1));
  if (argv[0] === 'tune') return tuneCommand(argv.slice(1));
  if (argv[0] === 'lsp') return lspCommand(argv.slice(1));
  if (argv[0] === 'worker') return workerCommand(argv.slice(1));
  if (argv[0] === 'cluster') return clusterCommand(argv.slice(1));
  const { values, positionals } = parse(argv);
  const [command, data, ...extra] = positionals;
  if (values.help || command === 'help' || command === undefined) {
    process.stdout.write(USAGE + '\n');
    return command === undefined && !values.help ? 2 : 0;
  }
  if (command === 'report') return writeReportCommand(data, extra, values.output);
  if (command !== 'run' && command !== 'profile') throw new ChunkscopeError('usage', `Unknown command "${command}"`);
  if (values.output !== undefined)
    throw new ChunkscopeError('usage', '-o/--output belongs to "chunkscope report"; use --out for results');
  const input = requireDataAndProcessor(positionals.slice(1), values.processor, 'process');
  const chunkTimeout = values['chunk-timeout'] === undefined ? undefined : Number(values['chunk-timeout']);
  if (chunkTimeout !== undefined && !(chunkTimeout >= 0))
    throw new ChunkscopeError('usage', `--chunk-timeout needs a number of seconds, got "${values['chunk-timeout']}"`);
  const profiling = profileOptions(command, values);
  if (profiling.engine === '0x')
    return run0xCommand(argv, values['profile-dir'], { timings: values.timings, report: values.report });
  const options: RunOptions = {
    ...profiling.options,
    data: input.data,
    processor: input.processor,
    strategy: values.strategy as RunOptions['strategy'],
    workers: values.workers === 'auto' ? undefined : positiveInteger('workers', values.workers),
    chunkRows: positiveInteger('chunk-rows', values['chunk-rows']),
    chunkBytes: positiveInteger('chunk-bytes', values['chunk-bytes']),
    out: values.out,
    onError: values['on-error'] as RunOptions['onError'],
    chunkTimeout,
    ...datasetOptions(values),
    maxWorkerMemoryMb: positiveInteger('max-worker-memory', values['max-worker-memory']),
  };

  const dispatcher = await clusterRunHook(values);
  if (dispatcher && options.profile)
    throw new ChunkscopeError('usage', "--profile records this machine's threads: run it without --cluster");
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  for (const note of await applyRunTuning(options, { workers: values.workers, chunk: values.chunk }, controller.signal))
    process.stderr.write(`${note}\n`);
  const showProgress = process.stderr.isTTY && !values.json;
  let report: RunReport;
  try {
    report = await runDataset(options, {
      signal: controller.signal,
      dispatcher,
      onProgress: showProgress
        ? (p) => {
            const percent = p.totalBytes > 0 ? Math.floor((p.bytes / p.totalBytes) * 100) : 100;
            process.stderr.write(`\r${percent}%  ${formatInt(p.rows)} rows  ${formatInt(p.rowsPerSecond)} rows/s   `);
          }
        : undefined,
    });
  } finally {
    process.off('SIGINT', onSigint);
    if (showProgress) process.stderr.write('\r\x1b[K');
  }
  if (values.timings) writeTimingsFile(values.timings, report);
  try {
    // For editors: the language server pairs the processor with this dataset and shows its figures.
    writeRunRecord(report, { timings: values.timings, options });
  } catch (error) {
    process.stderr.write(`Chunkscope: the run record was not written: ${(error as Error).message}\n`);
  }
  if (values.trace) writeFileAtomic(values.trace, JSON.stringify(toChromeTrace(report)));
  if (values.report)
    writeFileAtomic(
      values.report,
      renderStandaloneReport(report, {
        source: values.timings ? path.basename(values.timings) : undefined,
        timingsFile: values.timings,
      }),
    );
  if (values.json) {
    const json: Record<string, unknown> = { summary: report.summary, errors: report.errors, warnings: report.warnings };
    if (report.hasResult) json.result = report.result;
    if (report.profiles) json.profiles = report.profiles;
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else {
    process.stdout.write(formatSummary(report, { timings: values.timings, trace: values.trace }) + '\n');
    if (report.profiles) process.stdout.write(formatProfileSummary(report) + '\n');
    if (values.report) process.stdout.write(`${'report'.padEnd(11)}  ${values.report} (open in any browser)\n`);
  }
  return 0;
}

/** `chunkscope report TIMINGS.json -o report.html` */
function writeReportCommand(timings: string | undefined, extra: string[], output: string | undefined): number {
  if (!timings)
    throw new ChunkscopeError('usage', 'Missing TIMINGS.json: a timings file written by "chunkscope run --timings"');
  if (extra.length > 1)
    throw new ChunkscopeError(
      'usage',
      `Unexpected argument "${extra[1]}": report takes one timings file, or two to compare`,
    );
  if (extra.length === 1) {
    const other = extra[0];
    const stem = (f: string) => path.basename(f).replace(/(\.timings)?\.json$/i, '');
    const out = output ?? path.join(path.dirname(timings), `${stem(timings)}-vs-${stem(other)}.compare.html`);
    const runs = [timings, other].map((f) => ({ report: readTimingsFile(f), source: path.basename(f) }));
    writeFileAtomic(out, renderStandaloneCompare(runs));
    process.stdout.write(`Comparison: ${out}\n`);
    return 0;
  }
  // A sweep saved by `sweep --out` (or by VS Code) gets the sweep page.
  if (isSweepFile(timings)) {
    const sweepOut = output ?? timings.replace(/(\.sweep)?\.json$/i, '') + '.sweep.html';
    writeFileAtomic(sweepOut, renderStandaloneSweep(readSweepFile(timings), { source: path.basename(timings) }));
    process.stdout.write(`Sweep report: ${sweepOut}\n`);
    return 0;
  }
  const out = output ?? timings.replace(/(\.timings)?\.json$/i, '') + '.report.html';
  const report = readTimingsFile(timings);
  writeFileAtomic(out, renderStandaloneReport(report, { source: path.basename(timings), timingsFile: timings }));
  process.stdout.write(`Report: ${out}\n`);
  return 0;
}

async function main(): Promise<void> {
  let code: number;
  try {
    code = await run(process.argv.slice(2));
  } catch (error) {
    if (error instanceof ChunkscopeError && error.code === 'usage') {
      process.stderr.write(`chunkscope: ${error.message}\nRun "chunkscope --help" for usage.\n`);
      code = 2;
    } else if (error instanceof ChunkscopeError) {
      process.stderr.write(`chunkscope: ${error.message}\n`);
      code = 1;
    } else {
      process.stderr.write(`chunkscope: unexpected failure: ${(error as Error).stack ?? error}\n`);
      code = 1;
    }
  }
  process.exitCode = code;
}

void main();
