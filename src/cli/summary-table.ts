// The end-of-run summary as a small plain-text table.
import { diagnose, type RunReport } from '../engine';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

export function formatSummary(report: RunReport, files: { timings?: string; trace?: string }): string {
  const s = report.summary;
  const worker = s.readMs + s.parseMs + s.computeMs + s.encodeMs;
  const share = (ms: number) => (worker > 0 ? pct(ms / worker) : '-');
  const rows: [string, string][] = [
    ['dataset', `${s.data} (${s.format})`],
    ['processor', s.processor],
    ['strategy', `${s.strategy}, ${s.workers} worker${s.workers === 1 ? '' : 's'}, ${s.chunks} chunks${s.repairedChunks ? ` (${s.repairedChunks} re-parsed after a wrong guess)` : ''}`],
    ['rows', fmt(s.rows) + (s.skippedRows ? ` (${fmt(s.skippedRows)} skipped with errors${s.errorsFile ? `, see ${s.errorsFile}` : ''})` : '')],
    ['wall time', `${fmt(s.wallMs / 1000, 3)} s (start-up ${fmt(s.startupMs, 0)} ms, processing ${fmt(s.processingMs / 1000, 3)} s)`],
    ['throughput', `${fmt(s.rowsPerSecond)} rows/s, ${fmt(s.mbPerSecond, 1)} MB/s`],
    ['worker time', `read ${share(s.readMs)}, parse ${share(s.parseMs)}, compute ${share(s.computeMs)}, encode ${share(s.encodeMs)}`],
    ['overhead', `${pct(s.overheadShare)} of worker time is neither read, parse nor your code (${pct(s.idleShare)} outside any chunk: waiting, dispatch, hand-off)`],
    ['busy', s.workerSummaries.map((w) => `worker ${w.workerId} ${pct(w.busyShare)}`).join(', ')],
    ['peak memory', `${fmt(s.peakRssBytes / 2 ** 20)} MiB RSS`],
  ];
  if (report.hasResult) rows.push(['result', JSON.stringify(report.result)]);
  if (s.out) rows.push(['output', s.out]);
  if (files.timings) rows.push(['timings', files.timings]);
  if (files.trace) rows.push(['trace', `${files.trace} (open in https://ui.perfetto.dev or chrome://tracing)`]);
  for (const warning of report.warnings) rows.push(['warning', warning]);
  const width = Math.max(...rows.map(([k]) => k.length));
  const table = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
  const findings = diagnose(report);
  if (findings.length === 0) return table;
  const lines = findings.map((f) => `  ${f.severity === 'warning' ? '!' : '-'} ${f.title} ${f.detail}${f.suggestion ? `\n    → ${f.suggestion}` : ''}`);
  return `${table}\n\ndiagnosis\n${lines.join('\n')}`;
}
