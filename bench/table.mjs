// Plain-text formatting of the results table. No logic about what is measured lives here.

export const fmtBytes = (n) =>
  n === undefined
    ? '—'
    : n >= 2 ** 30
      ? `${(n / 2 ** 30).toFixed(2)} GiB`
      : n >= 2 ** 20
        ? `${(n / 2 ** 20).toFixed(0)} MiB`
        : n >= 2 ** 10
          ? `${(n / 2 ** 10).toFixed(0)} KiB`
          : `${n} B`;
export const fmtCount = (n) =>
  n === undefined
    ? '—'
    : n >= 1e6
      ? `${(n / 1e6).toFixed(2)} M`
      : n >= 1e3
        ? `${(n / 1e3).toFixed(0)} k`
        : String(Math.round(n));
const fmtRatio = (r) => (r === undefined || !Number.isFinite(r) ? '—' : `${r.toFixed(2)}×`);
const fmtShare = (s) => (s === undefined ? '—' : `${(s * 100).toFixed(1)} %`);

const COLUMNS = [
  ['design', (r) => r.design],
  ['workers', (r) => String(r.workers ?? '—')],
  ['chunk', (r) => r.chunk ?? '—'],
  ['wall s', (r) => (r.wallMs / 1000).toFixed(3)],
  ['rows/s', (r) => fmtCount(r.rowsPerSecond)],
  ['MB/s', (r) => r.mbPerSecond.toFixed(0)],
  ['× Python best', (r) => fmtRatio(r.vsPythonBest)],
  ['× CS 1 worker', (r) => fmtRatio(r.vsChunkscope1)],
  ['peak RSS', (r) => fmtBytes(r.peakRssBytes)],
  ['overhead', (r) => fmtShare(r.overheadShare)],
];

/** Rows of the results table as aligned text (numbers right-aligned). */
export function formatTable(rows) {
  const cells = [COLUMNS.map(([h]) => h), ...rows.map((r) => COLUMNS.map(([, f]) => f(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => row.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
