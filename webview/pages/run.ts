// The run report page: summary tiles, the worker-time split, the canvas timeline with its tooltip,
// utilisation over time, the flame views of a profiled run, the duration histogram, the diagnosis
// and the export buttons.
import { toChromeTrace } from '../../src/engine/report/trace';
import { encodeTimings } from '../../src/engine/report/timings-codec';
import type { ChunkRecord } from '../../src/engine/model';
import { ignoreUnknown } from '../assert';
import { button, el, type Child, pageHeader, section } from '../dom';
import {
  formatBytes,
  formatCompact,
  formatInt,
  formatMbPerSecond,
  formatMs,
  formatPercent,
} from '../../src/engine/base/format';
import { HistogramView, type HistogramMode } from '../charts/histogram';
import type { Host } from '../host';
import { buildModel, describeChunk, workerTimeSplit, type Model } from '../model/run';
import type { RunPageData, RunToExtension, RunToWebview } from '../protocol';
import { UtilisationView } from '../charts/utilisation';
import { mountFlameView, type FlameViewState } from './flame-panel';
import { basename, findingsSection, timelineLegend } from './sections';
import type { ReportTestHook } from './test-hooks';
import { Timeline, type View } from '../charts/timeline';

interface SavedState {
  /** Which run the state belongs to: the panel of a timings file is reused when the file is run again. */
  run?: string;
  view?: View;
  /** chunk.index of the selected chunk. */
  selected?: number;
  hist?: HistogramMode;
  flame?: FlameViewState;
}

function tile(label: string, value: string, note?: string, extra: { wide?: boolean; id?: string } = {}): HTMLElement {
  return el(
    'div',
    { class: `tile${extra.wide ? ' wide' : ''}`, ...(extra.id ? { 'data-tile': extra.id } : {}) },
    el('div', { class: 'label', text: label }),
    el('div', { class: 'value', text: value, title: value }),
    note ? el('div', { class: 'note', text: note, title: note }) : null,
  );
}

/** The format, and for a compressed file how it was read (the engine's own note says why). */
function readingNote(s: Model['report']['summary']): string {
  const r = s.reader;
  if (!r) return s.format.toUpperCase();
  const rate = r.decompressMbPerSecond;
  const changed = r.strategyUsed !== r.strategyRequested ? ` · ${r.strategyRequested} → ${r.strategyUsed}` : '';
  return `${s.format.toUpperCase()} · ${r.compression}${rate !== undefined ? `, decompressed at ${formatMbPerSecond(rate)}` : ''}${changed}. ${r.note}`;
}

function summaryTiles(model: Model): HTMLElement {
  const s = model.report.summary;
  const chunkSize = s.chunkRows
    ? `${formatInt(s.chunkRows)} rows`
    : s.chunkBytes
      ? formatBytes(s.chunkBytes)
      : 'automatic';
  const meanRows = s.chunks ? s.rows / s.chunks : 0;
  const busy = el(
    'div',
    { class: 'tile wide', 'data-tile': 'busy' },
    el('div', { class: 'label', text: 'Busy share per worker' }),
  );
  for (const w of [...s.workerSummaries].sort((a, b) => a.workerId - b.workerId)) {
    const fill = el('div');
    fill.style.width = `${Math.min(100, w.busyShare * 100).toFixed(1)}%`;
    busy.append(
      el(
        'div',
        {
          class: 'busy-row',
          title: `worker ${w.workerId}: ${w.chunks} chunks, ${formatInt(w.rows)} rows, busy ${formatMs(w.busyMs)}`,
        },
        el('span', { text: `worker ${w.workerId}` }),
        el('div', { class: 'meter' }, fill),
        el('span', { text: formatPercent(w.busyShare) }),
      ),
    );
  }
  return el(
    'section',
    { class: 'tiles', 'aria-label': 'Summary' },
    tile(
      'Wall time',
      formatMs(s.wallMs),
      `processing ${formatMs(s.processingMs)} · start-up ${formatMs(s.startupMs)}`,
      { id: 'wall' },
    ),
    tile(
      'Rows',
      formatInt(s.rows),
      `${formatInt(s.chunks)} chunks${s.repairedChunks ? ` · ${s.repairedChunks} re-parsed` : ''}`,
      { id: 'rows' },
    ),
    tile('Rows/s', formatCompact(s.rowsPerSecond), 'over the processing phase', { id: 'rps' }),
    tile('MB/s', s.mbPerSecond.toFixed(s.mbPerSecond >= 100 ? 0 : 1), formatBytes(s.bytes), { id: 'mbps' }),
    tile('Workers', String(s.workers), `${s.cpus} CPUs · Node ${s.nodeVersion}`, { id: 'workers' }),
    tile('Strategy', s.strategy, readingNote(s), { id: 'strategy' }),
    tile('Chunk size', chunkSize, `${formatCompact(meanRows)} rows per chunk on average`, { id: 'chunk' }),
    tile('Overhead', formatPercent(s.overheadShare), `idle ${formatPercent(s.idleShare)} of worker time`, {
      id: 'overhead',
    }),
    busy,
  );
}

function timeSplit(model: Model): HTMLElement {
  const parts = workerTimeSplit(model.report);
  const bar = el('div', { class: 'stacked', role: 'img', 'aria-label': 'Where worker time went' });
  const legend = el('div', { class: 'legend' });
  for (const p of parts) {
    const seg = el('div', { class: `sw-${p.key}`, title: `${p.label}: ${formatMs(p.ms)} (${formatPercent(p.share)})` });
    seg.style.width = `${(p.share * 100).toFixed(3)}%`;
    bar.append(seg);
    legend.append(
      el(
        'span',
        { class: 'key' },
        el('span', { class: `swatch sw-${p.key}` }),
        `${p.label} ${formatPercent(p.share)}`,
        el('span', { class: 'muted', text: ` (${formatMs(p.ms)})` }),
      ),
    );
  }
  return section(
    'split',
    'Where worker time went',
    el('div', {
      class: 'sub',
      text: `All worker threads × the processing wall time (${formatMs(model.report.summary.processingMs)}).`,
    }),
    bar,
    legend,
  );
}

/** One run's report: tiles, worker-time split, timeline, utilisation, flame views, histogram, diagnosis, exports. */
export function startRun(data: RunPageData, host: Host<RunToWebview, RunToExtension>): void {
  const app = document.getElementById('app')!;
  const report = data.report;
  const model = buildModel(report);
  const s = report.summary;
  // A new run of the same file reuses its panel and with it the old run's state: its zoom and
  // selection would show the wrong stretch of time, so they apply only to the run they were saved in.
  const runKey = `${s.startedAtEpochMs} ${s.data}`;
  const stored = host.getState<SavedState>();
  const saved: SavedState = stored?.run === runKey ? stored : {};
  const chunks = report.chunks;
  const stem = data.source ? data.source.replace(/(\.timings)?\.json$/i, '') : basename(s.data).replace(/\.[^.]+$/, '');

  // ── header and exports
  const status = el('span', { class: 'status', role: 'status' });
  let timeline: Timeline;
  const exportsBar = el(
    'div',
    { class: 'actions' },
    status,
    button('Timings JSON', () => void host.save('timings', `${stem}.timings.json`, () => encodeTimings(report)), {
      secondary: true,
      id: 'export-timings',
      title: 'Save the run report (summary and one record per chunk) as JSON',
    }),
    button(
      'Chrome trace',
      () => void host.save('trace', `${stem}.trace.json`, () => JSON.stringify(toChromeTrace(report))),
      { secondary: true, id: 'export-trace', title: 'Save a Chrome Trace Event file (opens in Perfetto)' },
    ),
    button(
      'Timeline PNG',
      () =>
        void host.save('png', `${stem}.timeline.png`, () =>
          host.kind === 'vscode' ? timeline.toDataURL() : timeline.toBlob(),
        ),
      { secondary: true, id: 'export-png', title: 'Save the timeline as it is shown now' },
    ),
  );
  const when = new Date(s.startedAtEpochMs);
  app.replaceChildren(
    pageHeader(
      `${basename(s.processor)} on ${basename(s.data)}`,
      `${s.strategy} · ${s.workers} workers · ${formatInt(s.chunks)} chunks · ${Number.isNaN(when.getTime()) ? '' : when.toLocaleString()}`,
      exportsBar,
    ),
  );
  if (report.warnings?.length)
    app.append(el('ul', { class: 'warnings' }, ...report.warnings.map((w) => el('li', { text: w }))));
  if (report.errors?.length)
    app.append(
      el(
        'ul',
        { class: 'warnings' },
        el('li', { text: `${report.errors.length} rows failed and were skipped (see the errors file).` }),
      ),
    );
  app.append(summaryTiles(model), timeSplit(model));

  // ── timeline
  const range = el('span', { class: 'range' });
  const box = el('div', { class: 'timeline-box' });
  const tooltip = el('div', { class: 'tooltip', role: 'tooltip' });
  tooltip.hidden = true;
  const selection = el('div', { class: 'selection' });
  app.append(
    section(
      'timeline',
      'Timeline',
      el(
        'div',
        { class: 'toolbar' },
        button('Fit', () => timeline.fit(), {
          secondary: true,
          id: 'fit',
          title: 'Show the whole run (double-click or 0)',
        }),
        range,
        el('span', { class: 'hint', text: 'wheel: zoom · drag: pan · click: select · double-click: fit' }),
      ),
      box,
      timelineLegend(),
      selection,
    ),
    tooltip,
  );
  const utilBox = el('div', { class: 'util-box' });
  app.append(
    section(
      'utilisation',
      'Utilisation over time',
      el('div', {
        class: 'sub',
        text: 'Workers busy at each moment of the run (0 to all of them); the shaded band is the range shown in the timeline.',
      }),
      utilBox,
    ),
  );
  const savedSelected = saved.selected !== undefined ? model.byIndex.get(saved.selected) : undefined;
  timeline = new Timeline(box, model, saved.view);
  if (savedSelected !== undefined) timeline.selected = savedSelected;
  const utilView = new UtilisationView(utilBox, report, timeline.fullView());
  utilView.setWindow(timeline.view);
  timeline.on('view', (v) => utilView.setWindow(v));
  // CPU profile: flame views right under the timeline, sliced by its chunk selection.
  const flame =
    data.profiles?.length || data.profileProblems?.length
      ? mountFlameView(app, app.querySelector('[data-section="utilisation"]'), {
          profiles: data.profiles ?? [],
          problems: data.profileProblems,
          model,
          timeline,
          host,
          initial: saved.flame,
          // Called on user changes only, after persist below exists.
          onChange: () => persist(),
        })
      : null;

  // 0x's whole-process flame graphs (`profile --engine 0x`) are pages of their own: linked here.
  const graphs = report.wholeProcessFlameGraphs ?? [];
  if (graphs.length) app.querySelector('[data-section="utilisation"]')?.before(wholeProcessSection(graphs, host));

  let saveTimer = 0;
  const persist = () => {
    clearTimeout(saveTimer);
    saveTimer = window.setTimeout(() => {
      const sel = timeline.selected >= 0 ? chunks[timeline.selected].index : undefined;
      host.setState({
        run: runKey,
        view: timeline.view,
        selected: sel,
        hist: histogramView.mode,
        ...(flame ? { flame: flame.state } : {}),
      } satisfies SavedState);
    }, 150);
  };
  const showRange = (v: View) => {
    range.textContent = `${formatMs(Math.max(0, v.start))} – ${formatMs(v.end)} (${formatMs(v.end - v.start)} shown)`;
  };
  showRange(timeline.view);
  timeline.on('view', (v) => {
    showRange(v);
    persist();
  });
  timeline.on('hover', (i, ev) => {
    if (i < 0 || !ev) {
      tooltip.hidden = true;
      return;
    }
    const lines = describeChunk(chunks[i], model);
    tooltip.replaceChildren(el('div', { class: 'first', text: lines[0] }), lines.slice(1).join('\n'));
    tooltip.hidden = false;
    const pad = 14;
    const r = tooltip.getBoundingClientRect();
    const x = ev.clientX + pad + r.width > window.innerWidth ? ev.clientX - pad - r.width : ev.clientX + pad;
    const y = ev.clientY + pad + r.height > window.innerHeight ? ev.clientY - pad - r.height : ev.clientY + pad;
    tooltip.style.left = `${Math.max(0, x)}px`;
    tooltip.style.top = `${Math.max(0, y)}px`;
  });
  const showSelection = (i: number) => {
    if (i < 0) {
      selection.replaceChildren(el('span', { class: 'muted', text: 'Click a chunk to select it.' }));
      return;
    }
    const c: ChunkRecord = chunks[i];
    const parts: Child[] = [el('span', { class: 'text', text: describeChunk(c, model).join('\n') })];
    if (host.openAtRow && c.rows > 0)
      parts.push(
        button(`Open at row ${formatInt(c.firstRow)}`, () => host.openAtRow!(c.firstLine, c.firstRow), {
          id: 'open-at-row',
          title: `Open the dataset at line ${c.firstLine}`,
        }),
      );
    selection.replaceChildren(...parts.filter((p): p is Node => p instanceof Node));
  };
  showSelection(timeline.selected);
  timeline.on('select', (i) => {
    showSelection(i);
    persist();
  });
  host.onMessage((m) => {
    switch (m.type) {
      case 'exported':
        status.textContent = `Saved ${basename(m.path)}`;
        break;
      case 'export-failed':
        status.textContent = m.message;
        break;
      case 'select-chunk': {
        // An editor hover's "worst chunk" link: the extension asks once this page says it has loaded.
        const i = model.byIndex.get(m.index);
        if (i !== undefined) timeline.reveal(i);
        break;
      }
      default:
        ignoreUnknown(m);
    }
  });
  host.post?.({ type: 'report-ready' });

  // ── distribution and diagnosis
  const histBox = el('div', { class: 'hist-box' });
  const modeButtons = el('span', { class: 'seg' });
  const setMode = (m: HistogramMode) => {
    histogramView.setMode(m);
    for (const b of Array.from(modeButtons.children)) b.toggleAttribute('secondary', b.getAttribute('data-mode') !== m);
    histTitle.textContent = m === 'duration' ? 'Chunk durations' : 'Rows/s per chunk';
    persist();
  };
  for (const [m, label] of [
    ['duration', 'Duration'],
    ['rate', 'Rows/s'],
  ] as const) {
    const b = button(label, () => setMode(m), { secondary: true });
    b.setAttribute('data-mode', m);
    modeButtons.append(b);
  }
  const histTitle = el('h2', { text: 'Chunk durations' });
  const findings = data.findings;
  app.append(
    el(
      'section',
      { class: 'cols' },
      el(
        'div',
        { 'data-section': 'histogram' },
        el('div', { class: 'toolbar' }, histTitle, modeButtons),
        histBox,
        el('div', {
          class: 'sub',
          text: `p50 ${formatMs(model.p50)} · p95 ${formatMs(model.p95)} · ${formatInt(model.stragglers.size)} straggler${model.stragglers.size === 1 ? '' : 's'} (held the run up)`,
        }),
      ),
      findingsSection(findings, (k) => {
        const i = model.byIndex.get(k);
        if (i !== undefined) {
          timeline.reveal(i);
          timeline.canvas.scrollIntoView({ block: 'nearest' });
        }
      }),
    ),
  );
  const histogramView = new HistogramView(histBox, model);
  setMode(saved.hist ?? 'duration');

  // ── theme changes: VS Code swaps body classes, a browser flips prefers-color-scheme.
  const recolor = () => {
    timeline.readColors();
    histogramView.draw();
    utilView.draw();
    flame?.recolor();
  };
  new MutationObserver(recolor).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', recolor);

  const hook: ReportTestHook = {
    ready: true,
    host: host.kind,
    get lanes() {
      return model.lanes.map((l, i) => ({
        label: l.label,
        workerId: l.workerId,
        chunks: l.bars.length,
        ...timeline.laneBox(i),
      }));
    },
    get barCount() {
      return model.lanes.reduce((n, l) => n + l.bars.length, 0);
    },
    chunkCount: chunks.length,
    get view() {
      return { ...timeline.view };
    },
    get fullView() {
      return timeline.fullView();
    },
    get frame() {
      return { ...timeline.stats, frames: timeline.frames };
    },
    get stragglers() {
      return [...model.stragglers].map((i) => chunks[i].index).sort((a, b) => a - b);
    },
    get slowTail() {
      return [...model.slowTail].map((i) => chunks[i].index).sort((a, b) => a - b);
    },
    get tooltip() {
      return tooltip.hidden ? null : tooltip.innerText;
    },
    get selected() {
      return timeline.selected >= 0 ? chunks[timeline.selected].index : null;
    },
    findings: findings?.length ?? 0,
    runs: 1,
    get utilisation() {
      return {
        max: utilView.series.max,
        mean: utilView.series.mean,
        workers: utilView.series.workers,
        drawn: utilView.canvas.width > 0,
      };
    },
    barRect(chunkIndex) {
      const i = model.byIndex.get(chunkIndex);
      const r = i === undefined ? null : timeline.barRect(i);
      if (!r) return null;
      const c = timeline.canvas.getBoundingClientRect();
      return { x: r.x + c.left, y: r.y + c.top, w: r.w, h: r.h };
    },
    redraw() {
      timeline.drawNow();
      return timeline.stats.ms;
    },
  };
  Object.defineProperty(window, '__chunkscopeReport', {
    value: Object.freeze(hook),
    configurable: false,
    writable: false,
  });
}

/** Links to 0x's flame graphs: a file link in a browser, "Open" through the extension in VS Code. */
function wholeProcessSection(
  graphs: { label: string; html: string }[],
  host: Host<RunToWebview, RunToExtension>,
): HTMLElement {
  const items = graphs.map((g) => {
    const where = el('code', { text: g.html });
    if (host.post) {
      const open = button('Open', () => host.post!({ type: 'open-external', file: g.html }), {
        secondary: true,
        title: `Open ${g.html} in the browser`,
      });
      return el('li', {}, el('span', { text: `${g.label}: ` }), where, ' ', open);
    }
    const link = el('a', {
      href: 'file://' + encodeURI(g.html.replace(/\\/g, '/').replace(/^(?!\/)/, '/')),
      target: '_blank',
      rel: 'noopener',
      text: g.label,
    });
    return el('li', {}, link, ' ', where);
  });
  return section(
    'whole-process',
    'Whole-process flame graphs (0x)',
    el('div', {
      class: 'sub',
      text: 'V8, garbage collector and native frames of each isolate, rendered by 0x: no timeline or chunk boundaries.',
    }),
    el('ul', {}, ...items),
  );
}
