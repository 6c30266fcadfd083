// The end-of-run summary as a small plain-text table.
import {
  diagnose,
  formatBytes,
  formatInt,
  formatMbPerSecond,
  formatMs,
  formatPercent,
  type ReaderSummary,
  type RunReport,
} from '../engine';

/** How a compressed file was read: sizes, the decompression rate, and the strategy used and why. */
function readerText(r: ReaderSummary): string {
  const sizes = `${r.compression}, ${formatBytes(r.compressedBytes)} → ${formatBytes(r.decompressedBytes)}`;
  const rate =
    r.decompressMs !== undefined
      ? `, decompressed in ${formatMs(r.decompressMs)} (${formatMbPerSecond(r.decompressMbPerSecond ?? NaN)})`
      : '';
  return `${sizes}${rate}; strategy ${r.strategyUsed}${r.strategyUsed !== r.strategyRequested ? ` instead of ${r.strategyRequested}` : ''}: ${r.note}`;
}

export function formatSummary(report: RunReport, files: { timings?: string; trace?: string }): string {
  const s = report.summary;
  const worker = s.readMs + s.parseMs + s.computeMs + s.encodeMs;
  const share = (ms: number) => (worker > 0 ? formatPercent(ms / worker) : '-');
  const rows: [string, string][] = [
    ['dataset', `${s.data} (${s.format})`],
    ['processor', s.processor],
    [
      'strategy',
      `${s.strategy}, ${s.workers} worker${s.workers === 1 ? '' : 's'}, ${s.chunks} chunks${s.repairedChunks ? ` (${s.repairedChunks} re-parsed after a wrong guess)` : ''}`,
    ],
    ...(s.reader ? ([['reading', readerText(s.reader)]] as [string, string][]) : []),
    [
      'rows',
      formatInt(s.rows) +
        (s.skippedRows
          ? ` (${formatInt(s.skippedRows)} skipped with errors${s.errorsFile ? `, see ${s.errorsFile}` : ''})`
          : ''),
    ],
    ['wall time', `${formatMs(s.wallMs)} (start-up ${formatMs(s.startupMs)}, processing ${formatMs(s.processingMs)})`],
    ['throughput', `${formatInt(s.rowsPerSecond)} rows/s, ${formatMbPerSecond(s.mbPerSecond)}`],
    [
      'worker time',
      `read ${share(s.readMs)}, parse ${share(s.parseMs)}, compute ${share(s.computeMs)}, encode ${share(s.encodeMs)}`,
    ],
    [
      'overhead',
      `${formatPercent(s.overheadShare)} of worker time is neither read, parse nor your code (${formatPercent(s.idleShare)} outside any chunk: waiting, dispatch, hand-off)`,
    ],
    ['busy', s.workerSummaries.map((w) => `worker ${w.workerId} ${formatPercent(w.busyShare)}`).join(', ')],
    ['peak memory', `${formatBytes(s.peakRssBytes)} RSS`],
  ];
  // A cluster run: what each node (machine) did, and how well its clock is known.
  for (const n of s.nodes ?? [])
    rows.push([
      'node',
      `${n.node}: ${n.threads} thread${n.threads === 1 ? '' : 's'}, ${formatInt(n.chunks)} chunks, busy ${formatPercent(n.busyShare)}, clock ±${n.clockErrorMs.toFixed(2)} ms${n.redelivered ? `, ${n.redelivered} re-delivered` : ''}`,
    ]);
  if (report.hasResult) rows.push(['result', JSON.stringify(report.result)]);
  if (s.out) rows.push(['output', s.out]);
  if (files.timings) rows.push(['timings', files.timings]);
  if (files.trace) rows.push(['trace', `${files.trace} (open in https://ui.perfetto.dev or chrome://tracing)`]);
  for (const warning of report.warnings) rows.push(['warning', warning]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const table = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
  const findings = diagnose(report);
  if (findings.length === 0) return table;
  const lines = findings.map(
    (f) =>
      `  ${f.severity === 'warning' ? '!' : '-'} ${f.title} ${f.detail}${f.suggestion ? `\n    → ${f.suggestion}` : ''}`,
  );
  return `${table}\n\ndiagnosis\n${lines.join('\n')}`;
}
