// The report's CPU-profile panel, under the timeline: a left-heavy flame graph, time-ordered
// flame charts of the workers stacked on the timeline's time axis, a sandwich table (self / total,
// callers, callees) and a differential flame graph (the selected chunks against typical chunks, per
// chunk). Selecting chunks in the timeline (a click, shift-click for a range, or the presets here)
// slices every view to the samples taken while those chunks ran; the phase buttons keep only parse,
// your compute or pool overhead. "Go to source" opens the frame's file in VS Code; the standalone
// report shows the location.
import type { ChunkRecord } from '../../src/engine/model';
import { button, el, type Child, section } from '../dom';
import { FlameCanvas, type BoxRef, type View } from '../charts/flame-graph';
import { CATEGORIES } from '../../src/engine/profile/frames';
import {
  buildCallTree,
  functionTable,
  forEachSample,
  sliceCallTree,
  type Frame,
  type FunctionRow,
  type PhaseGroup,
  type Slice,
  type SliceSpec,
} from '../../src/engine/profile/call-tree';
import {
  differential,
  layoutLeftHeavy,
  sandwich,
  searchFrames,
  timeOrder,
  topSelfFrame,
  typicalChunks,
  type FlameData,
  type FlameMode,
} from '../model/flame';
import { formatInt, formatMs, formatPercent } from '../../src/engine/base/format';
import type { Host } from '../host';
import type { ProfileInput, RunToExtension, RunToWebview } from '../protocol';
import type { Model } from '../model/run';
import type { Timeline } from '../charts/timeline';
import type { FlameTestHook } from './test-hooks';

/** The mode buttons: value, label, title. */
const MODE_CHOICES: readonly (readonly [FlameMode, string, string])[] = [
  ['left-heavy', 'Left heavy', 'Identical stacks merged, heaviest first'],
  ['time-order', 'Time order', 'Stacks over time, each worker on the timeline’s time axis'],
  ['sandwich', 'Sandwich', 'Functions by self and total time, with callers and callees'],
  ['differential', 'Differential', 'The selected chunks against typical chunks, per chunk'],
];

/** The phase buttons: value, label, title. */
const PHASE_CHOICES: readonly (readonly [PhaseGroup, string, string])[] = [
  ['all', 'All', 'Every sample'],
  ['parse', 'Parse', 'Samples while chunks were read and parsed'],
  ['compute', 'Your compute', 'Samples while your processor ran'],
  ['overhead', 'Pool overhead', 'Samples while encoding, handing off, or outside any chunk'],
];

/** A button of a segmented control (class "seg"): markSeg() shows which one is on. */
function segButton(label: string, value: string, onClick: () => void, title?: string): HTMLElement {
  return button(label, onClick, { secondary: true, value, title });
}

/** A segmented control of choices (value, label, title) that calls pick with the chosen value. */
function segmented<V extends string>(
  name: string,
  choices: readonly (readonly [V, string, string])[],
  pick: (value: V) => void,
): HTMLElement {
  const seg = el('span', { class: 'seg', 'data-flame': name });
  for (const [value, label, title] of choices) seg.append(segButton(label, value, () => pick(value), title));
  return seg;
}

function markSeg(seg: HTMLElement, value: string): void {
  for (const b of Array.from(seg.children)) b.toggleAttribute('secondary', b.getAttribute('data-value') !== value);
}

function locationText(f: Frame): string {
  if (!f.url) return `${f.name} (built in, no source file)`;
  return `${f.file}:${f.line}:${f.column}`;
}

export interface FlameViewOptions {
  profiles: ProfileInput[];
  problems?: string[];
  model: Model;
  timeline: Timeline;
  host: Host<RunToWebview, RunToExtension>;
  /** The choices the panel had before it was hidden (VS Code reloads a hidden webview). */
  initial?: Partial<FlameViewState>;
  /** Called after the user changes a choice: the page saves the state. */
  onChange?: () => void;
}

/** What survives the panel being hidden and shown again: the view's choices, not the chunk selection (the timeline keeps that). */
export interface FlameViewState {
  mode: FlameMode;
  threads: string;
  phase: PhaseGroup;
  query: string;
}

export class FlameView {
  readonly data: FlameData;
  readonly element: HTMLElement;
  private readonly canvas: FlameCanvas;
  private readonly chunks: ChunkRecord[];
  mode: FlameMode = 'left-heavy';
  /** 'workers', 'all', or a thread index as text. */
  threadSel = 'workers';
  phase: PhaseGroup = 'all';
  /** Array indices of the chunks to slice to; null = no chunk filter. */
  chunkSel: number[] | null = null;
  query = '';
  private current!: Slice;
  private table: FunctionRow[] = [];
  private selectedFrame = -1;
  private sortBy: 'self' | 'total' = 'self';
  private readonly info: HTMLElement;
  private readonly details: HTMLElement;
  private readonly sandwichBox: HTMLElement;
  private readonly canvasBox: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly modeSeg: HTMLElement;
  private readonly phaseSeg: HTMLElement;
  private readonly threadSelect: HTMLSelectElement;
  private location: string | null = null;
  private syncing = false;

  constructor(
    container: HTMLElement,
    private readonly opts: FlameViewOptions,
  ) {
    this.chunks = opts.model.report.chunks;
    this.data = buildCallTree(opts.profiles, this.chunks, opts.model.report.summary.processor);
    this.modeSeg = segmented('modes', MODE_CHOICES, (m) => this.setMode(m));
    this.phaseSeg = segmented('phases', PHASE_CHOICES, (p) => this.setPhase(p));
    this.threadSelect = el('select', { class: 'flame-threads', 'aria-label': 'Threads' });
    this.threadSelect.append(
      el('option', { value: 'workers', text: 'All workers' }),
      el('option', { value: 'all', text: 'All threads (with main)' }),
    );
    this.data.threads.forEach((t, i) =>
      this.threadSelect.append(
        el('option', { value: String(i), text: `${t.label} (${formatInt(t.times.length)} samples)` }),
      ),
    );
    this.threadSelect.addEventListener('change', () => this.setThreads(this.threadSelect.value));
    const search = el('input', {
      type: 'search',
      class: 'flame-search',
      placeholder: 'Search functions and files',
      'aria-label': 'Search functions',
    });
    search.addEventListener('input', () => this.setQuery(search.value));
    this.restore(opts.initial, search);
    const presets = el(
      'span',
      { class: 'seg', 'data-flame': 'presets' },
      segButton(
        'Slowest 5 %',
        'slowest',
        () => opts.timeline.selectMany([...opts.model.slowTail]),
        'Select the slowest 5 % of chunks',
      ),
      segButton(
        'Stragglers',
        'stragglers',
        () => opts.timeline.selectMany([...opts.model.stragglers]),
        "Select the chunks that held the run up (the diagnosis's stragglers)",
      ),
      segButton('All chunks', 'none', () => opts.timeline.select(-1), 'Clear the chunk selection'),
    );
    this.info = el('div', { class: 'sub flame-info', role: 'status' });
    this.canvasBox = el('div', { class: 'flame-box' });
    this.sandwichBox = el('div', { class: 'flame-sandwich' });
    this.details = el('div', { class: 'flame-details' });
    this.legend = el('div', { class: 'legend' });
    this.tooltip = el('div', { class: 'tooltip', role: 'tooltip' });
    this.tooltip.hidden = true;
    this.element = section(
      'flame',
      'CPU profile',
      ...(opts.problems ?? []).map((p) => el('div', { class: 'warnings', text: p })),
      el('div', { class: 'toolbar' }, this.modeSeg, this.threadSelect, this.phaseSeg, search),
      el(
        'div',
        { class: 'toolbar' },
        el('span', { class: 'muted', text: 'Chunks:' }),
        presets,
        el('span', {
          class: 'hint',
          text: 'click a chunk in the timeline to slice · shift-click: a range · arrows walk the stack · Enter zooms · Ctrl+Enter: source',
        }),
      ),
      this.info,
      this.canvasBox,
      this.sandwichBox,
      this.legend,
      this.details,
      this.tooltip,
    );
    container.append(this.element);
    this.canvas = new FlameCanvas(this.canvasBox, this.data);
    this.canvas.canvas.setAttribute('aria-label', `Flame graph of ${formatInt(this.data.sampleCount)} samples`);
    this.canvas.on('select', (ref) => this.onBoxSelected(ref));
    this.canvas.on('hover', (ref, ev) => this.onHover(ref, ev));
    this.canvas.on('open', (ref) => this.openSource(this.data.trieFrame[ref.node]));
    this.canvas.on('view', (v) => {
      if (this.mode !== 'time-order' || this.syncing) return;
      this.syncing = true;
      opts.timeline.setView(v);
      this.syncing = false;
    });
    opts.timeline.on('view', (v: View) => {
      if (this.mode === 'time-order' && !this.syncing) this.canvas.setView(v, false);
    });
    opts.timeline.on('select', (i) => this.setChunks(i >= 0 ? [i] : null));
    opts.timeline.on('selectset', (list) => this.setChunks(list.length ? list : null));
    this.refresh();
    this.installHook();
  }

  /** Reads the theme colours again (after a theme change). */
  recolor(): void {
    this.canvas.readColors();
  }

  setMode(m: FlameMode): void {
    this.mode = m;
    this.refresh();
    this.opts.onChange?.();
  }

  setPhase(p: PhaseGroup): void {
    this.phase = p;
    this.refresh();
    this.opts.onChange?.();
  }

  setThreads(sel: string): void {
    this.threadSel = sel;
    this.threadSelect.value = sel;
    this.refresh();
    this.opts.onChange?.();
  }

  get state(): FlameViewState {
    return { mode: this.mode, threads: this.threadSel, phase: this.phase, query: this.query };
  }

  /** Takes the saved choices that still make sense for this report (a thread may be gone). */
  private restore(saved: Partial<FlameViewState> | undefined, search: HTMLInputElement): void {
    if (!saved) return;
    if (saved.mode && MODE_CHOICES.some(([v]) => v === saved.mode)) this.mode = saved.mode;
    if (saved.phase && PHASE_CHOICES.some(([v]) => v === saved.phase)) this.phase = saved.phase;
    if (saved.threads && Array.from(this.threadSelect.options).some((o) => o.value === saved.threads)) {
      this.threadSel = saved.threads;
      this.threadSelect.value = saved.threads;
    }
    if (typeof saved.query === 'string') {
      this.query = saved.query;
      search.value = saved.query;
    }
  }

  setChunks(list: number[] | null): void {
    this.chunkSel = list;
    this.refresh();
  }

  setQuery(q: string): void {
    this.query = q;
    this.canvas.hits = searchFrames(this.data, q);
    this.canvas.requestDraw();
    this.showInfo();
    this.opts.onChange?.();
  }

  private threadIndices(): number[] {
    if (this.threadSel === 'all') return this.data.threads.map((_, i) => i);
    if (this.threadSel === 'workers') return this.data.threads.flatMap((t, i) => (t.thread === 'main' ? [] : [i]));
    return [Number(this.threadSel)];
  }

  private spec(): SliceSpec {
    return { threads: this.threadIndices(), chunks: this.chunkSel ?? undefined, phase: this.phase };
  }

  /** Recomputes the slice and redraws the current view. */
  refresh(): void {
    markSeg(this.modeSeg, this.mode);
    markSeg(this.phaseSeg, this.phase);
    const spec = this.spec();
    this.current = sliceCallTree(this.data, spec);
    this.table = functionTable(this.data, this.current);
    this.canvasBox.hidden = this.mode === 'sandwich';
    this.sandwichBox.hidden = this.mode !== 'sandwich';
    if (this.mode === 'left-heavy') {
      this.canvas.setGraph(layoutLeftHeavy(this.data, this.current.total));
    } else if (this.mode === 'differential') {
      const selected = this.chunkSel ?? [];
      const base = typicalChunks(this.chunks, new Set(selected));
      const diff = differential(this.data, selected, base, { threads: spec.threads, phase: spec.phase });
      this.canvas.setGraph(layoutLeftHeavy(this.data, diff.selection), selected.length ? diff : null);
      this.diffBaseline = base;
    } else if (this.mode === 'time-order') {
      const lanes = spec.threads!.map((ti) => ({
        label: this.data.threads[ti].label,
        rows: timeOrder(this.data, ti, spec),
      }));
      const full = this.opts.timeline.fullView();
      this.canvas.setChart(lanes, full, this.opts.timeline.view);
    }
    this.canvas.hits = searchFrames(this.data, this.query);
    if (this.mode === 'sandwich') this.renderSandwich();
    this.renderLegend();
    this.showInfo();
    if (this.selectedFrame >= 0 && this.mode !== 'sandwich') {
      // Keep the selected function selected across slices when it is still there.
      const node = this.firstNodeOf(this.selectedFrame);
      if (node >= 0) this.canvas.selectNode(node);
    }
    this.showDetails();
  }

  private diffBaseline: number[] = [];

  private firstNodeOf(frame: number): number {
    for (const lane of this.canvas.lanes)
      for (const row of lane.rows)
        for (let k = 0; k < row.node.length; k++) if (this.data.trieFrame[row.node[k]] === frame) return row.node[k];
    return -1;
  }

  private showInfo(): void {
    const s = this.current;
    const where = this.chunkSel
      ? `while ${formatInt(this.chunkSel.length)} selected chunk${this.chunkSel.length === 1 ? '' : 's'} ran`
      : 'over the whole run';
    const phase =
      this.phase === 'all'
        ? ''
        : ` · ${this.phase === 'compute' ? 'your compute' : this.phase === 'parse' ? 'parse' : 'pool overhead'} only`;
    let text = `${formatInt(s.samples)} samples (${formatMs(s.ms)}) ${where}${phase}.`;
    if (this.mode === 'differential')
      text = this.chunkSel?.length
        ? `${formatInt(this.chunkSel.length)} selected chunks vs ${formatInt(this.diffBaseline.length)} typical chunks (durations nearest the median), ms per chunk: red got slower, blue faster.`
        : 'Select chunks in the timeline (or “Slowest 5 %”) to compare them with typical chunks.';
    const hits = this.canvas.hits ? this.canvas.hits.reduce((n, h) => n + h, 0) : 0;
    if (this.query.trim())
      text += ` Search: ${hits} function${hits === 1 ? ' matches' : 's match'} “${this.query.trim()}”.`;
    this.info.textContent = text;
  }

  private renderLegend(): void {
    const key = (color: string, label: string) => {
      const sw = el('span', { class: 'swatch' });
      sw.style.background = color;
      return el('span', { class: 'key' }, sw, label);
    };
    if (this.mode === 'differential' && this.chunkSel?.length) {
      this.legend.replaceChildren(
        key('var(--cs-flame-slower)', 'slower in the selection'),
        key('var(--cs-flame-faster)', 'faster'),
        key('var(--cs-flame-same)', 'about the same'),
      );
      return;
    }
    this.legend.replaceChildren(...CATEGORIES.map((c) => key(`var(--cs-cat-${c.key})`, c.label)));
  }

  private frameTimes(frame: number): { self: number; total: number } {
    const row = this.table.find((r) => r.frame === frame);
    return { self: row?.self ?? 0, total: row?.total ?? 0 };
  }

  private onBoxSelected(ref: BoxRef | null): void {
    this.selectedFrame = ref ? this.data.trieFrame[ref.node] : -1;
    this.showDetails();
  }

  private showDetails(): void {
    const f = this.selectedFrame;
    if (f < 0) {
      this.location = null;
      this.details.replaceChildren(
        el('span', {
          class: 'muted',
          text: 'Click a frame (or focus the graph and press an arrow key) for its times and source.',
        }),
      );
      return;
    }
    const frame = this.data.frames[f];
    const t = this.frameTimes(f);
    const share = this.current.ms > 0 ? ` (${formatPercent(t.total / this.current.ms)} of the slice)` : '';
    this.location = locationText(frame);
    const parts: Child[] = [
      el('span', { class: 'name', text: frame.name }),
      el('span', {
        class: 'muted',
        text: `self ${formatMs(t.self)} · total ${formatMs(t.total)}${share} · ${CATEGORIES.find((c) => c.key === frame.category)?.label}`,
      }),
      el('code', { class: 'flame-location', 'data-flame': 'location', text: this.location }),
    ];
    if (this.canvas.diff && this.canvas.selected) {
      const n = this.canvas.selected.node;
      parts.push(
        el('span', {
          class: 'muted',
          text: `selection ${formatMs(this.canvas.diff.selection[n])}/chunk vs typical ${formatMs(this.canvas.diff.baseline[n])}/chunk`,
        }),
      );
    }
    if (this.opts.host.post && frame.url && !frame.url.startsWith('node:')) {
      const b = segButton(
        'Go to source',
        'source',
        () => this.openSource(f),
        `Open ${frame.file} at line ${frame.line}`,
      );
      b.removeAttribute('secondary');
      b.id = 'flame-go-to-source';
      parts.push(b);
    }
    this.details.replaceChildren(...parts.filter((p): p is Node | string => !!p));
  }

  private openSource(frame: number): void {
    const f = this.data.frames[frame];
    this.selectedFrame = frame;
    this.showDetails();
    if (!f.url || f.url.startsWith('node:') || !this.opts.host.post) return;
    this.opts.host.post({ type: 'open-source', file: f.file, line: f.line, column: f.column });
  }

  private onHover(ref: BoxRef | null, ev: MouseEvent | undefined): void {
    if (!ref || !ev) {
      this.tooltip.hidden = true;
      return;
    }
    const frame = this.data.frames[this.data.trieFrame[ref.node]];
    const span = this.canvas.boxSpan(ref);
    const t = this.frameTimes(this.data.trieFrame[ref.node]);
    const lines = [
      this.mode === 'time-order'
        ? `${formatMs(span.start)} – ${formatMs(span.end)} (${formatMs(span.end - span.start)})`
        : `this stack: ${formatMs(span.end - span.start)}`,
      `function: self ${formatMs(t.self)} · total ${formatMs(t.total)}`,
      locationText(frame),
    ];
    if (this.canvas.diff)
      lines.push(
        `selection ${formatMs(this.canvas.diff.selection[ref.node])}/chunk · typical ${formatMs(this.canvas.diff.baseline[ref.node])}/chunk`,
      );
    this.tooltip.replaceChildren(el('div', { class: 'first', text: frame.name }), lines.join('\n'));
    this.tooltip.hidden = false;
    const r = this.tooltip.getBoundingClientRect();
    const x = ev.clientX + 14 + r.width > window.innerWidth ? ev.clientX - 14 - r.width : ev.clientX + 14;
    this.tooltip.style.left = `${Math.max(0, x)}px`;
    this.tooltip.style.top = `${ev.clientY + 14}px`;
  }

  private renderSandwich(): void {
    const rows = [...this.table]
      .sort((a, b) =>
        this.sortBy === 'self' ? b.self - a.self || b.total - a.total : b.total - a.total || b.self - a.self,
      )
      .slice(0, 300);
    if (this.selectedFrame < 0 && rows.length)
      this.selectedFrame = rows.find((r) => this.data.frames[r.frame].category !== 'idle')?.frame ?? rows[0].frame;
    const total = Math.max(this.current.ms, 1e-9);
    const head = (key: 'self' | 'total', label: string) => {
      const th = el('th', {
        class: 'num sortable',
        text: `${label}${this.sortBy === key ? ' ▾' : ''}`,
        'data-sort': key,
      });
      th.addEventListener('click', () => {
        this.sortBy = key;
        this.renderSandwich();
      });
      return th;
    };
    const table = el(
      'table',
      { class: 'flame-table', 'data-flame': 'functions' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          head('self', 'Self'),
          head('total', 'Total'),
          el('th', { text: 'Function' }),
          el('th', { text: 'Location' }),
        ),
      ),
      el(
        'tbody',
        {},
        ...rows.map((r) => {
          const f = this.data.frames[r.frame];
          const tr = el(
            'tr',
            {
              'data-frame': String(r.frame),
              'data-category': f.category,
              class: r.frame === this.selectedFrame ? 'selected' : '',
              tabindex: '0',
            },
            el('td', { class: 'num', text: `${formatMs(r.self)} (${formatPercent(r.self / total)})` }),
            el('td', { class: 'num', text: `${formatMs(r.total)} (${formatPercent(r.total / total)})` }),
            el('td', {}, el('span', { class: `swatch cat-${f.category}` }), ` ${f.name}`),
            el('td', { class: 'muted', text: f.url ? `${f.file.split(/[\\/]/).pop()}:${f.line}` : '(built in)' }),
          );
          const choose = () => {
            this.selectedFrame = r.frame;
            this.renderSandwich();
            this.showDetails();
          };
          tr.addEventListener('click', choose);
          tr.addEventListener('keydown', (ev) => {
            if (ev.key === 'Enter') choose();
          });
          return tr;
        }),
      ),
    );
    const side = el('div', { class: 'flame-callers' });
    if (this.selectedFrame >= 0) {
      const sw = sandwich(this.data, this.current, this.selectedFrame);
      const list = (title: string, attr: string, items: { frame: number | null; ms: number }[]) =>
        el(
          'div',
          { 'data-flame': attr },
          el('h3', { text: title }),
          items.length
            ? el(
                'ul',
                { class: 'flame-edges' },
                ...items.slice(0, 30).map((it) => {
                  const name = it.frame === null ? '(top of the stack)' : this.data.frames[it.frame].name;
                  const li = el('li', {}, el('span', { class: 'num', text: formatMs(it.ms) }), ` ${name}`);
                  if (it.frame !== null) {
                    const target = it.frame;
                    li.classList.add('link-row');
                    li.addEventListener('click', () => {
                      this.selectedFrame = target;
                      this.renderSandwich();
                      this.showDetails();
                    });
                  }
                  return li;
                }),
              )
            : el('div', { class: 'muted', text: 'none' }),
        );
      side.append(
        list(`Callers of ${this.data.frames[this.selectedFrame].name}`, 'callers', sw.callers),
        el('div', {
          class: 'flame-focus',
          text: `${this.data.frames[this.selectedFrame].name}: self ${formatMs(sw.self)} · total ${formatMs(sw.total)}`,
        }),
        list('Callees', 'callees', sw.callees),
      );
    }
    this.sandwichBox.replaceChildren(el('div', { class: 'flame-table-wrap' }, table), side);
  }

  private searchHitStats(): { frames: number; boxes: number; depths: number[] } {
    const hits = this.canvas.hits;
    if (!hits || !this.query.trim()) return { frames: 0, boxes: 0, depths: [] };
    let boxes = 0;
    const depths = new Set<number>();
    for (const lane of this.canvas.lanes)
      lane.rows.forEach((row, d) => {
        for (let k = 0; k < row.node.length; k++)
          if (hits[this.data.trieFrame[row.node[k]]]) {
            boxes++;
            depths.add(d);
          }
      });
    return { frames: hits.reduce((n, h) => n + h, 0), boxes, depths: [...depths].sort((a, b) => a - b) };
  }

  private installHook(): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const view = this;
    const frameInfo = (f: number) => ({
      name: view.data.frames[f].name,
      file: view.data.frames[f].file,
      line: view.data.frames[f].line,
      category: view.data.frames[f].category,
    });
    const hook: FlameTestHook = {
      ready: true,
      get mode() {
        return view.mode;
      },
      threads: view.data.threads.map((t) => t.label),
      get threadSelection() {
        return view.threadSel === 'workers' || view.threadSel === 'all'
          ? view.threadSel
          : view.data.threads[Number(view.threadSel)].label;
      },
      get phase() {
        return view.phase;
      },
      get framesDrawn() {
        return { ...view.canvas.stats, frames: view.canvas.frames };
      },
      get topSelf() {
        const f = topSelfFrame(view.data, view.current, { skipIdle: true });
        return f < 0 ? null : { ...frameInfo(f), selfMs: view.frameTimes(f).self };
      },
      get sliceSamples() {
        return view.current.samples;
      },
      get sliceMs() {
        return view.current.ms;
      },
      get selectedChunks() {
        return (view.chunkSel ?? []).map((i) => view.chunks[i].index).sort((a, b) => a - b);
      },
      get selectedFrame() {
        const ref = view.canvas.selected;
        const f = view.selectedFrame;
        if (f < 0) return null;
        return { ...frameInfo(f), depth: ref ? ref.depth : -1, ...view.frameTimes(f) };
      },
      get searchHits() {
        return view.searchHitStats();
      },
      get sandwich() {
        if (view.mode !== 'sandwich' || view.selectedFrame < 0) return null;
        const sw = sandwich(view.data, view.current, view.selectedFrame);
        return {
          frame: view.data.frames[sw.frame].name,
          callers: sw.callers.map((c) => (c.frame === null ? '(top)' : view.data.frames[c.frame].name)),
          callees: sw.callees.map((c) => view.data.frames[c.frame].name),
        };
      },
      get location() {
        return view.location;
      },
      totalSamples: view.data.sampleCount,
      get view() {
        return { ...view.canvas.view };
      },
      get slowerSelf() {
        const diff = view.canvas.diff;
        if (!diff) return [];
        // Self delta of a node = its total delta minus its children's.
        const perFrame = new Map<number, number>();
        for (let n = 0; n < diff.delta.length; n++) {
          let d = diff.delta[n];
          for (const c of view.data.trieChildren[n]) d -= diff.delta[c];
          const f = view.data.trieFrame[n];
          perFrame.set(f, (perFrame.get(f) ?? 0) + d);
        }
        return [...perFrame]
          .filter(([, d]) => d > 0)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 5)
          .map(([f, d]) => ({ name: view.data.frames[f].name, deltaMs: d }));
      },
      sliceSampleTimes() {
        const out: { thread: string; t: number }[] = [];
        forEachSample(view.data, view.spec(), (ti, i) =>
          out.push({ thread: String(view.data.threads[ti].thread), t: view.data.threads[ti].times[i] }),
        );
        return out;
      },
      boxRect(name) {
        // The widest box of the function (a function called from several stacks has several).
        let best: BoxRef | null = null;
        let bestWidth = -1;
        for (let l = 0; l < view.canvas.lanes.length; l++)
          for (let d = 0; d < view.canvas.lanes[l].rows.length; d++) {
            const row = view.canvas.lanes[l].rows[d];
            for (let k = 0; k < row.node.length; k++) {
              if (
                view.data.frames[view.data.trieFrame[row.node[k]]].name !== name ||
                row.end[k] - row.start[k] <= bestWidth
              )
                continue;
              best = { lane: l, depth: d, k, node: row.node[k] };
              bestWidth = row.end[k] - row.start[k];
            }
          }
        if (!best) return null;
        const r = view.canvas.boxRect(best);
        const c = view.canvas.canvas.getBoundingClientRect();
        return { x: r.x + c.left, y: r.y + c.top, w: r.w, h: r.h };
      },
      redraw() {
        view.canvas.drawNow();
        return view.canvas.stats.ms;
      },
    };
    Object.defineProperty(window, '__chunkscopeFlame', {
      value: Object.freeze(hook),
      configurable: false,
      writable: false,
    });
  }
}

/**
 * Puts the flame panel before `anchor` (or at the end of `parent`). A profile that cannot be read
 * leaves the rest of the report working: the panel then says what was wrong and where.
 */
export function mountFlameView(parent: HTMLElement, anchor: Element | null, opts: FlameViewOptions): FlameView | null {
  const holder = document.createElement('div');
  holder.className = 'flame-holder';
  if (anchor) anchor.before(holder);
  else parent.append(holder);
  try {
    if (!opts.profiles.length) throw new Error(opts.problems?.join('\n') || 'no profiles in this report');
    return new FlameView(holder, opts);
  } catch (err) {
    holder.replaceChildren(
      section(
        'flame',
        'CPU profile',
        el('div', {
          class: 'warnings',
          text: `The CPU profiles could not be shown: ${err instanceof Error ? err.message : String(err)}`,
        }),
      ),
    );
    return null;
  }
}
