// The text a finished run leaves behind: the output channel's summary block, the notification
// line and the status bar label. Pure so that its wording is tested without VS Code.
import type { RunReport } from '../../engine';
import { formatBytes, formatCompact, formatInt, formatMbPerSecond, formatMs, formatPercent } from '../../engine';

const MAX_RESULT_CHARS = 2000;

export function notificationText(report: RunReport): string {
  const s = report.summary;
  const nodes = s.nodes?.length
    ? ` on ${s.nodes.length} node${s.nodes.length === 1 ? '' : 's'} (${s.nodes.map((n) => n.node).join(', ')})`
    : '';
  return `Chunkscope: ${formatInt(s.rows)} rows in ${formatMs(s.wallMs)} (${formatCompact(s.rowsPerSecond)} rows/s)${nodes}`;
}

export function statusBarText(report: RunReport): string {
  return `$(pulse) ${formatCompact(report.summary.rowsPerSecond)} rows/s`;
}

/** JSON for display; results may be large or contain values JSON cannot show, so we cap and guard. */
export function previewResult(result: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(result, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v), 2) ?? String(result);
  } catch {
    text = String(result);
  }
  return text.length > MAX_RESULT_CHARS
    ? `${text.slice(0, MAX_RESULT_CHARS)}… (${formatInt(text.length)} chars in total)`
    : text;
}

export function summaryLines(report: RunReport, files: { results?: string; timings?: string } = {}): string[] {
  const s = report.summary;
  const when = new Date(s.startedAtEpochMs).toISOString();
  const chunkSize =
    s.chunkBytes !== undefined
      ? `, ${formatBytes(s.chunkBytes)} per chunk`
      : s.chunkRows !== undefined
        ? `, ${formatInt(s.chunkRows)} rows per chunk`
        : '';
  const lines = [
    `── Chunkscope run, ${when} ──`,
    `dataset     ${s.data} (${s.format}, ${formatBytes(s.bytes)})`,
    `processor   ${s.processor}`,
    `rows        ${formatInt(s.rows)}${s.skippedRows ? ` (${formatInt(s.skippedRows)} skipped after errors)` : ''}`,
    `wall time   ${formatMs(s.wallMs)} (start-up ${formatMs(s.startupMs)}, processing ${formatMs(s.processingMs)})`,
    `throughput  ${formatCompact(s.rowsPerSecond)} rows/s, ${formatMbPerSecond(s.mbPerSecond)}`,
    `workers     ${s.workers}, strategy ${s.strategy}`,
    `chunks      ${formatInt(s.chunks)}${s.repairedChunks ? ` (${s.repairedChunks} repaired)` : ''}${chunkSize}`,
    `overhead    ${formatPercent(s.overheadShare)} of worker time (neither read, parse nor your code)`,
  ];
  const busy = [...s.workerSummaries]
    .sort((a, b) => a.workerId - b.workerId)
    .map((w) => `#${w.workerId} ${formatPercent(w.busyShare)}`)
    .join(' · ');
  if (busy) lines.push(`worker busy ${busy}`);
  for (const n of s.nodes ?? [])
    lines.push(
      `node        ${n.node}: ${n.threads} thread${n.threads === 1 ? '' : 's'}, ${formatInt(n.chunks)} chunks, busy ${formatPercent(n.busyShare)}, clock ±${n.clockErrorMs.toFixed(2)} ms`,
    );
  if (report.errors.length) lines.push(`row errors  ${report.errors.length} (see the timings file)`);
  for (const w of report.warnings ?? []) lines.push(`warning     ${w}`);
  if (report.hasResult) {
    const [first, ...rest] = previewResult(report.result).split('\n');
    lines.push(`result      ${first}`, ...rest.map((l) => `            ${l}`));
  }
  if (files.results) lines.push(`results     ${files.results}`);
  if (files.timings) lines.push(`timings     ${files.timings}`);
  return lines;
}
