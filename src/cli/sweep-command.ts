// `chunkscope sweep DATA --processor FILE …`: runs the grid, prints a table of medians and spreads,
// the cost model and its reasons, and writes the report as JSON and as a self-contained HTML page.
import * as path from 'node:path';
import { renderStandaloneSweep } from '../report-html/page';
import {
  ChunkscopeError,
  chooseWorkerCount,
  describeCostModel,
  formatBytes,
  formatInt,
  formatPercent,
  parseSampleSize,
  runSweep,
  writeFileAtomic,
  writeSweepFile,
  type SweepReport,
  type Strategy,
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

export const SWEEP_USAGE = `Usage: chunkscope sweep DATA --processor FILE [options]

Runs DATA (or a sample spread over it) at every chunk size × worker count × strategy of a grid,
several times each in a randomised interleaved order after a discarded warm-up round, and reports
medians and spreads, a fitted cost model (µs per chunk, µs per row) and the best settings.

Options:
  --chunk-rows LIST       chunk sizes in rows, e.g. 100,1000,10000 (default: log-spaced, 1 row to one chunk per worker)
  --chunk-bytes LIST      chunk sizes in bytes instead
  --workers LIST|auto     worker counts, e.g. 1,2,4 (default 1..cores); auto = a scaling probe picks one
  --strategy LIST         strategies (default byte-range)
  --repeats N             measured runs per point (default 3; one warm-up run more)
  --sample F|ROWS         a fraction (0.1, 10%) or a number of rows (default: up to 16 MiB)
  --budget SECONDS        stop then, keeping what was measured
  --json                  print the report as JSON
  --out FILE              write the report as JSON
  --report FILE           write the sweep as a self-contained HTML page
  --format F, --delimiter C, --no-header, --row-shape S, --types T   as for run
${CLUSTER_OPTIONS_USAGE}
Ctrl-C stops the sweep and keeps what was measured (exit code 1).`;

function list(name: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1))
    throw new ChunkscopeError(
      'usage',
      `--${name} needs whole numbers of at least 1 separated by commas, got "${text}"`,
    );
  return values;
}

export function formatSweep(report: SweepReport): string {
  const lines: string[] = [];
  const size = (p: { chunkRows?: number; chunkBytes?: number }) =>
    p.chunkRows !== undefined ? formatInt(p.chunkRows) : formatBytes(p.chunkBytes ?? 0);
  const header = [
    'strategy',
    'workers',
    report.grid.axis === 'bytes' ? 'chunk bytes' : 'chunk rows',
    'rows/s median',
    'min – max',
    '95 % CI',
    'overhead',
    'idle',
    'runs',
  ];
  const rows = [...report.points]
    .sort(
      (a, b) =>
        a.strategy.localeCompare(b.strategy) ||
        a.workers - b.workers ||
        (a.chunkRows ?? a.chunkBytes ?? 0) - (b.chunkRows ?? b.chunkBytes ?? 0),
    )
    .map((p) => [
      p.strategy,
      String(p.workers),
      size(p),
      formatInt(p.rowsPerSecond.median) + (report.best?.key === p.key ? ' *' : ''),
      `${formatInt(p.rowsPerSecond.min)} – ${formatInt(p.rowsPerSecond.max)}`,
      `${formatInt(p.rowsPerSecond.ci95[0])} – ${formatInt(p.rowsPerSecond.ci95[1])}`,
      formatPercent(p.overheadShare),
      formatPercent(p.idleShare),
      String(p.repeats.length),
    ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  lines.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line));
  if (report.best) lines.push('* best measured');
  lines.push('');
  if (report.model) {
    const m = report.model;
    lines.push(`Cost model: ${describeCostModel(m)}`);
  }
  for (const r of report.recommendations) {
    lines.push(
      `Recommended for ${r.workers} worker${r.workers === 1 ? '' : 's'}: ${r.strategy}, ${size(r)} a chunk, ~${formatInt(r.rowsPerSecond)} rows/s (${r.source === 'model' ? 'the best measured size, moved by the model from the sample to the whole file' : 'best measured'}).`,
    );
  }
  lines.push('', ...report.explanation);
  lines.push(
    '',
    `${report.runsDone ?? 0} runs in ${(report.wallMs / 1000).toFixed(1)} s on ${report.machine.cpus} cores (${report.machine.cpuModel}).`,
  );
  return lines.join('\n');
}

export async function sweepCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    processor: { type: 'string' },
    'chunk-rows': { type: 'string' },
    'chunk-bytes': { type: 'string' },
    workers: { type: 'string' },
    strategy: { type: 'string' },
    repeats: { type: 'string' },
    sample: { type: 'string' },
    budget: { type: 'string' },
    json: { type: 'boolean' },
    out: { type: 'string' },
    report: { type: 'string' },
    ...DATASET_OPTION_SPECS,
    ...CLUSTER_OPTION_SPECS,
  });
  if (values.help) {
    process.stdout.write(SWEEP_USAGE + '\n');
    return 0;
  }
  const { data, processor } = requireDataAndProcessor(positionals, values.processor, 'sweep');
  if (values['chunk-rows'] && values['chunk-bytes'])
    throw new ChunkscopeError('usage', 'Give --chunk-rows or --chunk-bytes, not both');
  const renderPage = values.report
    ? (report: SweepReport) =>
        renderStandaloneSweep(report, { source: values.out ? path.basename(values.out) : undefined })
    : undefined;
  const repeats = positiveInteger('repeats', values.repeats);
  const common = datasetOptions(values);
  const strategies = values.strategy?.split(',').map((s) => s.trim()) as Strategy[] | undefined;

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const showProgress = process.stderr.isTTY && !values.json;
  try {
    const cluster = await clusterSweepHook(values);
    let workers: number[] | undefined;
    if (values.workers?.trim() === 'auto') {
      const probe = await chooseWorkerCount(
        { ...common, data, processor, strategy: strategies?.[0] },
        controller.signal,
        cluster,
      );
      process.stderr.write(`--workers auto: ${probe.chosen}. ${probe.explanation}\n`);
      workers = [probe.chosen];
    } else workers = list('workers', values.workers);
    const report = await runSweep(
      {
        ...common,
        data,
        processor,
        chunkRows: list('chunk-rows', values['chunk-rows']),
        chunkBytes: list('chunk-bytes', values['chunk-bytes']),
        workers,
        strategies,
        repeats,
        sample: values.sample === undefined ? undefined : parseSampleSize(values.sample),
        budgetSeconds: positiveNumber('budget', values.budget),
      },
      {
        signal: controller.signal,
        cluster,
        onProgress: showProgress
          ? (done, total) => process.stderr.write(`\rsweep: run ${done} of ${total}   `)
          : undefined,
      },
    );
    if (showProgress) process.stderr.write('\r\x1b[K');
    if (values.out) writeSweepFile(values.out, report);
    if (values.report && renderPage) writeFileAtomic(values.report, renderPage(report));
    if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else {
      process.stdout.write(formatSweep(report) + '\n');
      if (values.out) process.stdout.write(`sweep JSON: ${values.out}\n`);
      if (values.report) process.stdout.write(`sweep page: ${values.report} (open in any browser)\n`);
    }
    return report.stopped === 'cancelled' ? 1 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
