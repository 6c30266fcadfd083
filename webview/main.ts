// The report app (bundled by esbuild into media/report.js as an IIFE). Reads the embedded page data,
// renders summary tiles, the worker-time split, the canvas timeline with its tooltip, the duration
// histogram, the diagnosis and the export buttons. Runs the same in a VS Code webview and as a
// standalone file; see host.ts for the differences.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { toChromeTrace } from '../src/engine/report/trace';
import type { ChunkRecord, Finding } from '../src/engine/model/run';
import { button, el, type Child, pageHeader, section } from './dom';
import { formatBytes, formatCompact, formatInt, formatMs, formatPercent } from './format';
import { HistogramView, type HistogramMode } from './charts/histogram';
import { detectHost, type Host } from './host';
import { LiveModel } from './model/live';
import { buildModel, describeChunk, workerTimeSplit, type Model } from './model/run';
import type { ComparePageData, LivePageData, LiveToExtension, LiveToWebview, PageData, RunPageData, RunToExtension, RunToWebview } from './protocol';
import { UtilisationView } from './charts/utilisation';
import { mountFlameView, type FlameViewState } from './pages/flame-panel';
import { startSweep } from './pages/sweep';
import { Timeline, type View } from './charts/timeline';

interface SavedState {
  /** Which run the state belongs to: the panel of a timings file is reused when the file is run again. */
  run?: string;
  view?: View;
  /** chunk.index of the selected chunk. */
  selected?: number;
  hist?: HistogramMode;
  flame?: FlameViewState;
}

/** What tests may read from the page (read-only). */
export interface ReportTestHook {
  readonly ready: boolean;
  readonly host: 'vscode' | 'standalone';
  readonly lanes: { label: string; workerId: number | null; chunks: number; y: number; h: number }[];
  readonly barCount: number;
  readonly chunkCount: number;
  readonly view: View;
  readonly fullView: View;
  readonly frame: { barsDrawn: number; barsMerged: number; runs: number; ms: number; frames: number };
  readonly stragglers: number[];
  readonly tooltip: string | null;
  readonly selected: number | null;
  readonly findings: number;
  /** 1 for one run (2 on the compare page). */
  readonly runs: 1;
  /** The workers-busy-over-time chart: most workers busy at once, the mean, the worker count. */
  readonly utilisation: { max: number; mean: number; workers: number; drawn: boolean };
  /** The bar of the chunk with this index, in client (viewport) coordinates. */
  barRect(chunkIndex: number): { x: number; y: number; w: number; h: number } | null;
  /** Redraws synchronously and returns the frame time in ms (for the bench). */
  redraw(): number;
}

function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
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

function readData(): PageData {
  const el = document.getElementById('chunkscope-data');
  if (!el?.textContent) throw new Error('No report data in this page');
  return JSON.parse(el.textContent) as PageData;
}

/** What tests may read from the live page (read-only). */
export interface LiveTestHook {
  readonly ready: boolean;
  readonly live: true;
  readonly host: 'vscode' | 'standalone';
  /** Records received so far. */
  readonly chunkCount: number;
  /** Bars in the timeline's model (updated on the next animation frame after a batch). */
  readonly barCount: number;
  readonly lanes: { label: string; workerId: number | null; chunks: number }[];
  /** Messages with records received (about ten a second while chunks complete). */
  readonly batches: number;
  readonly progress: { rows: number; bytes: number; totalBytes: number; rowsPerSecond: number } | null;
  /** null while running, else 'cancelled' | 'failed'. */
  readonly ended: string | null;
  readonly frames: number;
}

/**
 * The live view in VS Code while a run is going: progress, Cancel, and the timeline filling in.
 * Batches of records append to the model; the page redraws once on the next animation frame,
 * however many records came. When the run finishes the extension replaces the page with the report.
 */
function startLive(data: LivePageData): void {
  const app = document.getElementById('app')!;
  const host = detectHost<LiveToWebview, LiveToExtension>();
  const info = data.live;
  const live = new LiveModel(info);
  let progress: LiveTestHook['progress'] = null;
  let ended: string | null = null;
  let batches = 0;

  const bar = el('div');
  bar.style.width = '0%';
  const meter = el('div', { class: 'meter live-meter', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100' }, bar);
  const rowsText = el('span', { class: 'value', 'data-live': 'rows', text: '0 rows' });
  const rateText = el('span', { class: 'value', 'data-live': 'rate', text: '– rows/s' });
  const percentText = el('span', { class: 'value', 'data-live': 'percent', text: '0 % of bytes' });
  const chunksText = el('span', { class: 'muted', 'data-live': 'chunks', text: '0 chunks' });
  const status = el('span', { class: 'status', role: 'status', text: 'Running…' });
  const cancel = button(
    'Cancel',
    () => {
      cancel.setAttribute('disabled', '');
      status.textContent = 'Cancelling…';
      host.post?.({ type: 'cancel' });
    },
    { id: 'cancel-run', title: 'Stop the run (partial output is removed)' },
  );
  if (!host.post) cancel.hidden = true;
  const box = el('div', { class: 'timeline-box' });
  const tooltip = el('div', { class: 'tooltip', role: 'tooltip' });
  tooltip.hidden = true;
  app.replaceChildren(
    pageHeader(
      `${basename(info.processor)} on ${basename(info.data)}`,
      `Live run · ${info.strategy} · ${info.workers > 0 ? `${info.workers} workers` : 'automatic workers'}`,
      el('div', { class: 'actions' }, status, cancel),
    ),
    el('section', { class: 'live-progress', 'aria-label': 'Progress' }, el('div', { class: 'live-numbers' }, rowsText, rateText, percentText, chunksText), meter),
    section('timeline', 'Timeline (chunks appear as they complete)', box),
    tooltip,
  );
  const timeline = new Timeline(box, live.toModel());
  timeline.on('hover', (i, ev) => {
    if (i < 0 || !ev || !live.chunks[i]) {
      tooltip.hidden = true;
      return;
    }
    const lines = describeChunk(live.chunks[i]);
    tooltip.replaceChildren(el('div', { class: 'first', text: lines[0] }), lines.slice(1).join('\n'));
    tooltip.hidden = false;
    tooltip.style.left = `${ev.clientX + 14}px`;
    tooltip.style.top = `${ev.clientY + 14}px`;
  });

  let model = timeline.model;
  let frame = 0;
  let frames = 0;
  const paint = () => {
    frame = 0;
    frames++;
    model = live.toModel();
    timeline.setModel(model);
    if (progress) {
      const pct = progress.totalBytes > 0 ? Math.min(100, (progress.bytes / progress.totalBytes) * 100) : 0;
      bar.style.width = `${pct.toFixed(1)}%`;
      meter.setAttribute('aria-valuenow', pct.toFixed(0));
      rowsText.textContent = `${formatInt(progress.rows)} rows`;
      rateText.textContent = `${formatCompact(progress.rowsPerSecond)} rows/s`;
      percentText.textContent = `${Math.floor(pct)} % of bytes`;
    }
    chunksText.textContent = `${formatInt(live.count)} chunks`;
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(paint);
  };

  host.onMessage((m) => {
    if (m?.type === 'live') {
      batches++;
      if (m.reset) live.clear();
      live.append(m.records);
      if (m.progress) {
        progress = m.progress;
        live.extendTo(m.progress.elapsedMs);
      }
      schedule();
    } else if (m?.type === 'live-end') {
      ended = m.outcome;
      status.textContent = m.message;
      status.classList.add(m.outcome);
      cancel.hidden = true;
      schedule();
    }
  });
  // Tells the extension the page is listening: it answers with every record so far.
  host.post?.({ type: 'live-ready' });

  const hook: LiveTestHook = {
    ready: true,
    live: true,
    host: host.kind,
    get chunkCount() {
      return live.count;
    },
    get barCount() {
      return model.lanes.reduce((n, l) => n + l.bars.length, 0);
    },
    get lanes() {
      return model.lanes.map((l) => ({ label: l.label, workerId: l.workerId, chunks: l.bars.length }));
    },
    get batches() {
      return batches;
    },
    get progress() {
      return progress ? { ...progress } : null;
    },
    get ended() {
      return ended;
    },
    get frames() {
      return frames;
    },
  };
  Object.defineProperty(window, '__chunkscopeReport', { value: Object.freeze(hook), configurable: false, writable: false });
}

function summaryTiles(model: Model): HTMLElement {
  const s = model.report.summary;
  const chunkSize = s.chunkRows ? `${formatInt(s.chunkRows)} rows` : s.chunkBytes ? formatBytes(s.chunkBytes) : 'automatic';
  const meanRows = s.chunks ? s.rows / s.chunks : 0;
  const busy = el('div', { class: 'tile wide', 'data-tile': 'busy' }, el('div', { class: 'label', text: 'Busy share per worker' }));
  for (const w of [...s.workerSummaries].sort((a, b) => a.workerId - b.workerId)) {
    const fill = el('div');
    fill.style.width = `${Math.min(100, w.busyShare * 100).toFixed(1)}%`;
    busy.append(
      el(
        'div',
        { class: 'busy-row', title: `worker ${w.workerId}: ${w.chunks} chunks, ${formatInt(w.rows)} rows, busy ${formatMs(w.busyMs)}` },
        el('span', { text: `worker ${w.workerId}` }),
        el('div', { class: 'meter' }, fill),
        el('span', { text: formatPercent(w.busyShare) }),
      ),
    );
  }
  return el(
    'section',
    { class: 'tiles', 'aria-label': 'Summary' },
    tile('Wall time', formatMs(s.wallMs), `processing ${formatMs(s.processingMs)} · start-up ${formatMs(s.startupMs)}`, { id: 'wall' }),
    tile('Rows', formatInt(s.rows), `${formatInt(s.chunks)} chunks${s.repairedChunks ? ` · ${s.repairedChunks} re-parsed` : ''}`, { id: 'rows' }),
    tile('Rows/s', formatCompact(s.rowsPerSecond), 'over the processing phase', { id: 'rps' }),
    tile('MB/s', s.mbPerSecond.toFixed(s.mbPerSecond >= 100 ? 0 : 1), formatBytes(s.bytes), { id: 'mbps' }),
    tile('Workers', String(s.workers), `${s.cpus} CPUs · Node ${s.nodeVersion}`, { id: 'workers' }),
    tile('Strategy', s.strategy, s.format.toUpperCase(), { id: 'strategy' }),
    tile('Chunk size', chunkSize, `${formatCompact(meanRows)} rows per chunk on average`, { id: 'chunk' }),
    tile('Overhead', formatPercent(s.overheadShare), `idle ${formatPercent(s.idleShare)} of worker time`, { id: 'overhead' }),
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
    legend.append(el('span', { class: 'key' }, el('span', { class: `swatch sw-${p.key}` }), `${p.label} ${formatPercent(p.share)}`, el('span', { class: 'muted', text: ` (${formatMs(p.ms)})` })));
  }
  return section(
    'split',
    'Where worker time went',
    el('div', { class: 'sub', text: `All worker threads × the processing wall time (${formatMs(model.report.summary.processingMs)}).` }),
    bar,
    legend,
  );
}

function findingsSection(findings: Finding[] | null, onChunk: (index: number) => void): HTMLElement {
  const list = el('ul', { class: 'findings' });
  if (findings === null) {
    list.append(el('li', { class: 'muted', text: 'This build of Chunkscope has no diagnosis.' }));
  } else if (findings.length === 0) {
    list.append(el('li', { class: 'muted', text: 'No problems found: nothing in the timing records points at a bottleneck.' }));
  }
  for (const f of findings ?? []) {
    const numbers = Object.entries(f.numbers ?? {})
      .map(([k, v]) => `${k} ${Number.isInteger(v) ? formatInt(v) : Number(v.toPrecision(4))}`)
      .join(' · ');
    const chunks = f.chunks?.length
      ? el(
          'div',
          { class: 'chunks' },
          el('span', { class: 'muted', text: 'chunks:' }),
          ...f.chunks.slice(0, 12).map((k) => {
            const b = el('button', { class: 'link', type: 'button', text: String(k), title: `Show chunk ${k} in the timeline` });
            b.addEventListener('click', () => onChunk(k));
            return b;
          }),
          f.chunks.length > 12 ? el('span', { class: 'muted', text: `and ${f.chunks.length - 12} more` }) : null,
        )
      : null;
    list.append(
      el(
        'li',
        { class: `finding ${f.severity}`, 'data-finding': f.id },
        el('div', { class: 'title', text: f.title }),
        el('div', { class: 'detail', text: f.detail }),
        f.suggestion ? el('div', { class: 'suggestion', text: `Try: ${f.suggestion}` }) : null,
        numbers ? el('div', { class: 'numbers', text: numbers }) : null,
        chunks,
      ),
    );
  }
  return el('div', { 'data-section': 'diagnosis' }, el('h2', { text: 'Diagnosis' }), list);
}

function timelineLegend(): HTMLElement {
  const key = (cls: string, label: string) => el('span', { class: 'key' }, el('span', { class: `swatch ${cls}` }), label);
  return el(
    'div',
    { class: 'legend' },
    key('sw-read', 'read'),
    key('sw-parse', 'parse'),
    key('sw-compute', 'compute'),
    key('sw-encode', 'encode'),
    key('sw-other', 'in-task hand-off'),
    key('sw-wait', 'queue wait'),
    key('sw-return', 'return trip'),
    key('sw-main', 'main thread phase'),
    key('sw-result', 'result received'),
    key('sw-straggler', 'straggler (> p95)'),
  );
}

function start(): void {
  const app = document.getElementById('app')!;
  const pageData = readData();
  if (pageData.kind === 'sweep') {
    startSweep(pageData, detectHost());
    return;
  }
  if (pageData.kind === 'live') {
    startLive(pageData);
    return;
  }
  if (pageData.kind === 'compare') {
    startCompare(pageData);
    return;
  }
  const data: RunPageData = pageData;
  const host: Host<RunToWebview, RunToExtension> = detectHost();
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
    button('Timings JSON', () => void host.save('timings', `${stem}.timings.json`, () => JSON.stringify(report, null, 1)), { secondary: true, id: 'export-timings', title: 'Save the run report (summary and one record per chunk) as JSON' }),
    button('Chrome trace', () => void host.save('trace', `${stem}.trace.json`, () => JSON.stringify(toChromeTrace(report))), { secondary: true, id: 'export-trace', title: 'Save a Chrome Trace Event file (opens in Perfetto)' }),
    button('Timeline PNG', () => void host.save('png', `${stem}.timeline.png`, () => (host.kind === 'vscode' ? timeline.toDataURL() : timeline.toBlob())), { secondary: true, id: 'export-png', title: 'Save the timeline as it is shown now' }),
  );
  host.onMessage((m) => {
    if (m?.type === 'exported') status.textContent = `Saved ${basename(m.path)}`;
    else if (m?.type === 'export-failed') status.textContent = m.message;
  });
  const when = new Date(s.startedAtEpochMs);
  app.replaceChildren(
    pageHeader(
      `${basename(s.processor)} on ${basename(s.data)}`,
      `${s.strategy} · ${s.workers} workers · ${formatInt(s.chunks)} chunks · ${Number.isNaN(when.getTime()) ? '' : when.toLocaleString()}`,
      exportsBar,
    ),
  );
  if (report.warnings?.length) app.append(el('ul', { class: 'warnings' }, ...report.warnings.map((w) => el('li', { text: w }))));
  if (report.errors?.length) app.append(el('ul', { class: 'warnings' }, el('li', { text: `${report.errors.length} rows failed and were skipped (see the errors file).` })));
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
        button('Fit', () => timeline.fit(), { secondary: true, id: 'fit', title: 'Show the whole run (double-click or 0)' }),
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
      el('div', { class: 'sub', text: 'Workers busy at each moment of the run (0 to all of them); the shaded band is the range shown in the timeline.' }),
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
      host.setState({ run: runKey, view: timeline.view, selected: sel, hist: histogramView.mode, ...(flame ? { flame: flame.state } : {}) } satisfies SavedState);
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
    const lines = describeChunk(chunks[i], { straggler: model.stragglers.has(i), p95: model.p95 });
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
    const parts: Child[] = [el('span', { class: 'text', text: describeChunk(c, { straggler: model.stragglers.has(i), p95: model.p95 }).join('\n') })];
    if (host.openAtRow && c.rows > 0) parts.push(button(`Open at row ${formatInt(c.firstRow)}`, () => host.openAtRow!(c.firstLine, c.firstRow), { id: 'open-at-row', title: `Open the dataset at line ${c.firstLine}` }));
    selection.replaceChildren(...parts.filter((p): p is Node => p instanceof Node));
  };
  showSelection(timeline.selected);
  timeline.on('select', (i) => {
    showSelection(i);
    persist();
  });
  // An editor hover's "worst chunk" link: the extension asks once this page says it has loaded.
  host.onMessage((m) => {
    if (m?.type !== 'select-chunk') return;
    const i = model.byIndex.get(m.index);
    if (i !== undefined) timeline.reveal(i);
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
        el('div', { class: 'sub', text: `p50 ${formatMs(model.p50)} · p95 ${formatMs(model.p95)} · ${model.stragglers.size} stragglers above p95` }),
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
      return model.lanes.map((l, i) => ({ label: l.label, workerId: l.workerId, chunks: l.bars.length, ...timeline.laneBox(i) }));
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
    get tooltip() {
      return tooltip.hidden ? null : tooltip.innerText;
    },
    get selected() {
      return timeline.selected >= 0 ? chunks[timeline.selected].index : null;
    },
    findings: findings?.length ?? 0,
    runs: 1,
    get utilisation() {
      return { max: utilView.series.max, mean: utilView.series.mean, workers: utilView.series.workers, drawn: utilView.canvas.width > 0 };
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
  Object.defineProperty(window, '__chunkscopeReport', { value: Object.freeze(hook), configurable: false, writable: false });
}

/** What tests may read from the compare page (read-only). */
export interface CompareTestHook {
  readonly ready: boolean;
  readonly runs: 2;
  readonly timelines: { label: string; view: View; fullView: View; msPerPx: number; lanes: number; chunkCount: number; barCount: number; top: number }[];
  readonly utilisation: { max: number; mean: number; workers: number }[];
  readonly deltas: Record<string, string>;
  /** Redraws both timelines synchronously and returns the total frame time in ms. */
  redraw(): number;
}

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
function startCompare(data: ComparePageData): void {
  const app = document.getElementById('app')!;
  const runs = data.compare.slice(0, 2);
  if (runs.length !== 2) throw new Error('A comparison needs two runs');
  const models = runs.map((r) => buildModel(r.report));
  // One time scale: both timelines span the longer run, so equal widths mean equal ms per pixel.
  const tMax = Math.max(...models.map((m) => m.tMax));
  for (const m of models) m.tMax = tMax;
  const [sa, sb] = runs.map((r) => r.report.summary);
  const name = (d: RunPageData, k: number) => `${k === 0 ? 'A' : 'B'}: ${d.source ? d.source.replace(/(\.timings)?\.json$/i, '') : d.report.summary.strategy}`;
  const label = `${sa.strategy} → ${sb.strategy}`;
  const meanBusy = (s: typeof sa) => (s.workerSummaries.length ? s.workerSummaries.reduce((n, w) => n + w.busyShare, 0) / s.workerSummaries.length : 0);
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
    ['overhead', 'Overhead', (s) => `${formatPercent(s.overheadShare)} (idle ${formatPercent(s.idleShare)})`, deltas.overhead],
    ['busy', 'Busy share', (s) => `${formatPercent(meanBusy(s))} mean · ${busyText(s)}`, deltas.busy],
  ];
  function s_eq(a: number, b: number): string {
    return a === b ? 'same rows' : `rows differ: ${formatInt(a)} vs ${formatInt(b)}`;
  }
  const table = el(
    'table',
    { class: 'compare-table', 'aria-label': 'Summary of both runs' },
    el('thead', {}, el('tr', {}, el('th', { text: '' }), el('th', { text: name(runs[0], 0) }), el('th', { text: name(runs[1], 1) }), el('th', { text: 'A → B' }))),
    el(
      'tbody',
      {},
      ...rows.map(([id, title, f, delta]) => el('tr', { 'data-compare': id }, el('th', { text: title }), el('td', { text: f(sa) }), el('td', { text: f(sb) }), el('td', { class: 'delta', text: delta }))),
    ),
  );
  const tooltip = el('div', { class: 'tooltip', role: 'tooltip' });
  tooltip.hidden = true;
  const range = el('span', { class: 'range' });
  let timelines: Timeline[] = [];
  const boxes = runs.map(() => el('div', { class: 'timeline-box' }));
  const utilBoxes = runs.map(() => el('div', { class: 'util-box' }));
  app.replaceChildren(
    pageHeader(`Comparison: ${label}`, `${basename(sa.processor)} on ${basename(sa.data)} · ${basename(sb.processor)} on ${basename(sb.data)}`),
    section('compare-summary', 'Summary', table),
    section(
      'timeline',
      'Timelines on one time scale',
      el(
        'div',
        { class: 'toolbar' },
        button('Fit', () => timelines[0].fit(), { secondary: true, id: 'fit', title: 'Show the whole of the longer run' }),
        range,
        el('span', { class: 'hint', text: 'wheel: zoom · drag: pan · both timelines move together' }),
      ),
      ...runs.flatMap((r, k) => [el('h3', { text: `${name(r, k)}${name(r, k).endsWith(r.report.summary.strategy) ? '' : ` · ${r.report.summary.strategy}`} · ${r.report.summary.workers} workers · wall ${formatMs(r.report.summary.wallMs)}` }), boxes[k]]),
      timelineLegend(),
    ),
    section('utilisation', 'Utilisation over time (workers busy)', ...runs.flatMap((r, k) => [el('div', { class: 'sub', text: name(r, k) }), utilBoxes[k]])),
    el('section', { class: 'cols' }, ...runs.map((r, k) => el('div', {}, el('h3', { text: name(r, k) }), findingsSection(r.findings, (idx) => {
      const i = models[k].byIndex.get(idx);
      if (i !== undefined) timelines[k].reveal(i);
    })))),
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
      const lines = describeChunk(runs[k].report.chunks[i], { straggler: models[k].stragglers.has(i), p95: models[k].p95 });
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
  Object.defineProperty(window, '__chunkscopeReport', { value: Object.freeze(hook), configurable: false, writable: false });
}

try {
  start();
} catch (err) {
  const app = document.getElementById('app');
  if (app) app.textContent = `Could not show the report: ${err instanceof Error ? err.message : String(err)}`;
  throw err;
}

/** Links to 0x's flame graphs: a file link in a browser, "Open" through the extension in VS Code. */
function wholeProcessSection(graphs: { label: string; html: string }[], host: Host<RunToWebview, RunToExtension>): HTMLElement {
  const items = graphs.map((g) => {
    const where = el('code', { text: g.html });
    if (host.post) {
      const open = button('Open', () => host.post!({ type: 'open-external', file: g.html }), { secondary: true, title: `Open ${g.html} in the browser` });
      return el('li', {}, el('span', { text: `${g.label}: ` }), where, ' ', open);
    }
    const link = el('a', { href: 'file://' + encodeURI(g.html.replace(/\\/g, '/').replace(/^(?!\/)/, '/')), target: '_blank', rel: 'noopener', text: g.label });
    return el('li', {}, link, ' ', where);
  });
  return section(
    'whole-process',
    'Whole-process flame graphs (0x)',
    el('div', { class: 'sub', text: 'V8, garbage collector and native frames of each isolate, rendered by 0x: no timeline or chunk boundaries.' }),
    el('ul', {}, ...items),
  );
}
