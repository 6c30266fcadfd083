// The compare page: two runs' summaries side by side with deltas, and both timelines on one time scale.
import { button, el, pageHeader, section } from '../dom';
import { formatCompact, formatInt, formatMs, formatPercent } from '../../src/engine/base/format';
import { buildModel, describeChunk } from '../model/run';
import type { ComparePageData, RunPageData } from '../protocol';
import { UtilisationView } from '../charts/utilisation';
import { basename, findingsSection, timelineLegend } from './sections';
import type { CompareTestHook } from './test-hooks';
import { Timeline, type View } from '../charts/timeline';

function ratioText(a: number, b: number, better: 'higher' | 'lower', word: [string, string]): string {
  if (!(a > 0) || !(b > 0)) return '–';
  const r = better === 'lower' ? a / b : b / a;
  const f = r >= 1 ? r : 1 / r;
  const shown = f >= 10 ? f.toFixed(0) : f >= 1.995 ? f.toFixed(1) : f.toFixed(2);
  return `${shown}× ${r >= 1 ? word[0] : word[1]}`;
}

function pp(a: number, b: number): string {
  const d = (b - a) * 100;
  return `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(1)} pp`;
}

/** Two runs: summary tiles side by side with deltas, and both timelines on one shared time scale. */
export function startCompare(data: ComparePageData): void {
  const app = document.getElementById('app')!;
  const runs = data.compare.slice(0, 2);
  if (runs.length !== 2) throw new Error('A comparison needs two runs');
  const models = runs.map((r) => buildModel(r.report));
  // One time scale: both timelines span the longer run, so equal widths mean equal ms per pixel.
  const tMax = Math.max(...models.map((m) => m.tMax));
  for (const m of models) m.tMax = tMax;
  const [sa, sb] = runs.map((r) => r.report.summary);
  const name = (d: RunPageData, k: number) =>
    `${k === 0 ? 'A' : 'B'}: ${d.source ? d.source.replace(/(\.timings)?\.json$/i, '') : d.report.summary.strategy}`;
  const label = `${sa.strategy} → ${sb.strategy}`;
  const meanBusy = (s: typeof sa) =>
    s.workerSummaries.length ? s.workerSummaries.reduce((n, w) => n + w.busyShare, 0) / s.workerSummaries.length : 0;
  const deltas: Record<string, string> = {
    wall: `${label}: ${ratioText(sa.wallMs, sb.wallMs, 'lower', ['faster', 'slower'])}`,
    rps: `${label}: ${ratioText(sa.rowsPerSecond, sb.rowsPerSecond, 'higher', ['more rows/s', 'fewer rows/s'])}`,
    overhead: `${label}: ${pp(sa.overheadShare, sb.overheadShare)}`,
    busy: `${label}: ${pp(meanBusy(sa), meanBusy(sb))} mean busy share`,
  };
  const busyText = (s: typeof sa) =>
    [...s.workerSummaries]
      .sort((x, y) => x.workerId - y.workerId)
      .map((w) => `w${w.workerId} ${formatPercent(w.busyShare)}`)
      .join(' · ');
  const rows: [string, string, (s: typeof sa) => string, string][] = [
    ['wall', 'Wall time', (s) => formatMs(s.wallMs), deltas.wall],
    ['rps', 'Rows/s', (s) => formatCompact(s.rowsPerSecond), deltas.rps],
    ['rows', 'Rows · chunks', (s) => `${formatInt(s.rows)} · ${formatInt(s.chunks)}`, s_eq(sa.rows, sb.rows)],
    ['workers', 'Workers · strategy', (s) => `${s.workers} · ${s.strategy}`, ''],
    [
      'overhead',
      'Overhead',
      (s) => `${formatPercent(s.overheadShare)} (idle ${formatPercent(s.idleShare)})`,
      deltas.overhead,
    ],
    ['busy', 'Busy share', (s) => `${formatPercent(meanBusy(s))} mean · ${busyText(s)}`, deltas.busy],
  ];
  function s_eq(a: number, b: number): string {
    return a === b ? 'same rows' : `rows differ: ${formatInt(a)} vs ${formatInt(b)}`;
  }
  const table = el(
    'table',
    { class: 'compare-table', 'aria-label': 'Summary of both runs' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { text: '' }),
        el('th', { text: name(runs[0], 0) }),
        el('th', { text: name(runs[1], 1) }),
        el('th', { text: 'A → B' }),
      ),
    ),
    el(
      'tbody',
      {},
      ...rows.map(([id, title, f, delta]) =>
        el(
          'tr',
          { 'data-compare': id },
          el('th', { text: title }),
          el('td', { text: f(sa) }),
          el('td', { text: f(sb) }),
          el('td', { class: 'delta', text: delta }),
        ),
      ),
    ),
  );
  const tooltip = el('div', { class: 'tooltip', role: 'tooltip' });
  tooltip.hidden = true;
  const range = el('span', { class: 'range' });
  let timelines: Timeline[] = [];
  const boxes = runs.map(() => el('div', { class: 'timeline-box' }));
  const utilBoxes = runs.map(() => el('div', { class: 'util-box' }));
  app.replaceChildren(
    pageHeader(
      `Comparison: ${label}`,
      `${basename(sa.processor)} on ${basename(sa.data)} · ${basename(sb.processor)} on ${basename(sb.data)}`,
    ),
    section('compare-summary', 'Summary', table),
    section(
      'timeline',
      'Timelines on one time scale',
      el(
        'div',
        { class: 'toolbar' },
        button('Fit', () => timelines[0].fit(), {
          secondary: true,
          id: 'fit',
          title: 'Show the whole of the longer run',
        }),
        range,
        el('span', { class: 'hint', text: 'wheel: zoom · drag: pan · both timelines move together' }),
      ),
      ...runs.flatMap((r, k) => [
        el('h3', {
          text: `${name(r, k)}${name(r, k).endsWith(r.report.summary.strategy) ? '' : ` · ${r.report.summary.strategy}`} · ${r.report.summary.workers} workers · wall ${formatMs(r.report.summary.wallMs)}`,
        }),
        boxes[k],
      ]),
      timelineLegend(),
    ),
    section(
      'utilisation',
      'Utilisation over time (workers busy)',
      ...runs.flatMap((r, k) => [el('div', { class: 'sub', text: name(r, k) }), utilBoxes[k]]),
    ),
    el(
      'section',
      { class: 'cols' },
      ...runs.map((r, k) =>
        el(
          'div',
          {},
          el('h3', { text: name(r, k) }),
          findingsSection(r.findings, (idx) => {
            const i = models[k].byIndex.get(idx);
            if (i !== undefined) timelines[k].reveal(i);
          }),
        ),
      ),
    ),
    tooltip,
  );
  timelines = models.map((m, k) => new Timeline(boxes[k], m));
  const utils = runs.map((r, k) => new UtilisationView(utilBoxes[k], r.report, timelines[k].fullView()));
  const showRange = (v: View) => {
    range.textContent = `${formatMs(Math.max(0, v.start))} – ${formatMs(v.end)} (${formatMs(v.end - v.start)} shown)`;
    for (const u of utils) u.setWindow(v);
  };
  showRange(timelines[0].view);
  timelines.forEach((t, k) => {
    t.on('view', (v) => {
      for (const other of timelines) if (other !== t) other.setView(v, false);
      showRange(v);
    });
    t.on('hover', (i, ev) => {
      if (i < 0 || !ev) {
        tooltip.hidden = true;
        return;
      }
      const lines = describeChunk(runs[k].report.chunks[i], models[k]);
      tooltip.replaceChildren(el('div', { class: 'first', text: lines[0] }), lines.slice(1).join('\n'));
      tooltip.hidden = false;
      tooltip.style.left = `${ev.clientX + 14}px`;
      tooltip.style.top = `${ev.clientY + 14}px`;
    });
  });
  const recolor = () => {
    for (const t of timelines) t.readColors();
    for (const u of utils) u.draw();
  };
  new MutationObserver(recolor).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  const hook: CompareTestHook = {
    ready: true,
    runs: 2,
    get timelines() {
      return timelines.map((t, k) => ({
        label: name(runs[k], k),
        view: { ...t.view },
        fullView: t.fullView(),
        msPerPx: (t.view.end - t.view.start) / t.plotWidth,
        lanes: t.model.lanes.length,
        chunkCount: runs[k].report.chunks.length,
        barCount: t.model.lanes.reduce((n, l) => n + l.bars.length, 0),
        top: t.canvas.getBoundingClientRect().top,
      }));
    },
    get utilisation() {
      return utils.map((u) => ({ max: u.series.max, mean: u.series.mean, workers: u.series.workers }));
    },
    deltas,
    redraw() {
      let ms = 0;
      for (const t of timelines) {
        t.drawNow();
        ms += t.stats.ms;
      }
      return ms;
    },
  };
  Object.defineProperty(window, '__chunkscopeReport', {
    value: Object.freeze(hook),
    configurable: false,
    writable: false,
  });
}
