// The sweep page: what was measured (a chart per worker count and strategy, a table of every point),
// what the engine recommends and why, and a chunk-size slider that shows the cost model's prediction
// and the run's likely timeline at any size. In VS Code it fills in live as points complete and can
// apply or run the chosen settings; the standalone file shows the equivalent command line instead.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { describeCostModel, type Prediction } from '../../src/engine/tune/cost-model';
import type { Recommendation, SweepPoint, SweepReport } from '../../src/engine/model/sweep';
import type { Strategy } from '../../src/engine/model';
import { ignoreUnknown } from '../assert';
import { button, el, pageHeader, section } from '../dom';
import { formatBytes, formatCompact, formatInt, formatMs, formatPercent } from '../../src/engine/base/format';
import type { Host } from '../host';
import type { SweepPageData, SweepSettings, SweepToExtension, SweepToWebview } from '../protocol';
import { SweepChart, TimelinePreview } from '../charts/sweep-chart';
import {
  describeSweepPoint,
  formatSize,
  measuredRows,
  pointSize,
  predictAt,
  previewLayout,
  sizeDomain,
  sizeToRows,
} from '../model/sweep';
import { basename } from './sections';
import type { SweepTestHook } from './test-hooks';

/** A POSIX shell word: bare when it is safe, single-quoted otherwise. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function cliCommandFor(report: SweepReport, s: SweepSettings): string {
  const size =
    s.chunkBytes !== undefined
      ? `--chunk-bytes ${s.chunkBytes}`
      : s.chunkRows !== undefined
        ? `--chunk-rows ${s.chunkRows}`
        : '';
  return `npx chunkscope run ${shellWord(report.data)} --processor ${shellWord(report.processor)} --strategy ${s.strategy} --workers ${s.workers}${size ? ` ${size}` : ''}`;
}

function totalPointsOf(report: SweepReport | null, data: SweepPageData): number {
  if (data.running?.totalPoints) return data.running.totalPoints;
  if (!report) return 0;
  const g = report.grid;
  // per-row sends one row a task whatever the size: one point per worker count.
  const perStrategy = (st: Strategy) => (st === 'per-row' ? g.workers.length : g.workers.length * g.sizes.length);
  return Math.max(
    report.points.length,
    g.strategies.reduce((n, st) => n + perStrategy(st), 0),
  );
}

/** The slider's steps: fine enough that one arrow key press moves the size by a few per cent. */
const SLIDER_STEPS = 240;

function describeModel(report: SweepReport): string {
  const m = report.model;
  if (!m) return 'No cost model: too few points completed to fit one, so the slider cannot predict.';
  return `Cost model: ${describeCostModel(m)} The chart's dashed curves are for the sample's ${formatInt(measuredRows(report))} rows; the slider predicts a run over ${formatInt(m.rows)} rows.`;
}

function describeSample(report: SweepReport): string {
  const s = report.sample;
  const whole =
    s.fraction >= 1
      ? 'the whole file'
      : `${formatPercent(s.fraction)} of the file in ${s.ranges.length} byte range${s.ranges.length === 1 ? '' : 's'} spread over it`;
  return `Sample: ${formatInt(s.rows)} rows, ${formatBytes(s.bytes)} (${whole}) · ${report.repeats} repeat${report.repeats === 1 ? '' : 's'} a point · ${report.machine.cpus} CPUs · Node ${report.machine.nodeVersion} · took ${formatMs(report.wallMs)}`;
}

export function startSweep(data: SweepPageData, host: Host<SweepToWebview, SweepToExtension>): void {
  const app = document.getElementById('app')!;
  let report = data.sweep;
  let running = Boolean(data.running);
  let updates = 0;
  const post = (m: SweepToExtension) => host.post?.(m);
  const title = data.running ?? report;

  // ── header, status, progress
  const status = el('span', { class: 'status', role: 'status', 'data-sweep': 'status' });
  const cancel = button(
    'Cancel',
    () => {
      cancel.setAttribute('disabled', '');
      status.textContent = 'Cancelling…';
      post({ type: 'cancel-sweep' });
    },
    { id: 'cancel-sweep', title: 'Stop the sweep (the points measured so far are kept)' },
  );
  const fill = el('div');
  const meter = el(
    'div',
    { class: 'meter live-meter', role: 'progressbar', 'aria-valuemin': '0', 'aria-label': 'Points measured' },
    fill,
  );
  const progressText = el('span', { class: 'value', 'data-sweep': 'progress' });
  const progress = el(
    'section',
    { class: 'live-progress', 'aria-label': 'Progress' },
    el('div', { class: 'live-numbers' }, progressText),
    meter,
  );
  const sub = el('div', { class: 'sub', 'data-sweep': 'sample' });
  const stoppedNote = el('ul', { class: 'warnings' });

  // ── recommendation, explanation, model
  const recList = el('ul', { class: 'sweep-recs', 'data-sweep': 'recommendations' });
  const explanation = el('ul', { class: 'sweep-explanation', 'data-sweep': 'explanation' });
  const modelText = el('p', { class: 'sub', 'data-sweep': 'model' });

  // ── chart
  const chartBox = el('div', { class: 'sweep-box' });
  const legend = el('div', { class: 'legend', 'data-sweep': 'legend' });
  let chart: SweepChart | null = null;

  // ── slider and what it predicts
  const slider = el('input', {
    type: 'range',
    min: '0',
    max: String(SLIDER_STEPS),
    step: '1',
    id: 'chunk-slider',
    'aria-label': 'Chunk size',
  });
  const sizeText = el('output', { for: 'chunk-slider', class: 'value', 'data-sweep': 'size' });
  const workersSelect = el('select', { id: 'slider-workers', 'aria-label': 'Workers' });
  const strategySelect = el('select', { id: 'slider-strategy', 'aria-label': 'Strategy' });
  const predictionText = el('div', { class: 'prediction', 'data-sweep': 'prediction', 'aria-live': 'polite' });
  const previewBox = el('div', { class: 'preview-box' });
  const preview = new TimelinePreview(previewBox);
  const settingsBar = el('div', { class: 'actions settings-actions' });
  const cli = el('code', { class: 'cli', 'data-sweep': 'cli' });
  let current: {
    size: number;
    workers: number;
    strategy: Strategy;
    prediction: Prediction | null;
    text: string;
  } | null = null;
  /** Once the user moves the slider or picks a worker count, live updates stop resetting them. */
  let touched = false;

  // ── points table
  const table = el('table', { class: 'compare-table sweep-table', 'data-sweep': 'points' });

  app.replaceChildren(
    pageHeader(
      `Chunk-size sweep · ${title ? `${basename(title.processor)} on ${basename(title.data)}` : ''}`,
      sub,
      el('div', { class: 'actions' }, status, cancel),
    ),
    progress,
    stoppedNote,
    section(
      'sweep-chart',
      'Throughput against chunk size',
      el('div', {
        class: 'sub',
        text: 'One line per worker count and strategy (median, with its 95 % interval); dashed: the cost model. Lower panel: share of worker time spent on per-chunk overhead. Hover or use the arrow keys on the chart for a point’s numbers.',
      }),
      chartBox,
      legend,
    ),
    section(
      'sweep-slider',
      'Try a chunk size',
      el(
        'div',
        { class: 'toolbar slider-row' },
        el('label', { for: 'chunk-slider', text: 'Chunk size' }),
        slider,
        sizeText,
        el('label', { for: 'slider-workers', text: 'Workers' }),
        workersSelect,
        el('label', { for: 'slider-strategy', text: 'Strategy' }),
        strategySelect,
      ),
      predictionText,
      previewBox,
      el(
        'div',
        { class: 'legend' },
        el('span', { class: 'key' }, el('span', { class: 'swatch sw-wait' }), 'per-chunk overhead'),
        el('span', { class: 'key' }, el('span', { class: 'swatch sw-compute' }), 'rows'),
        el('span', { class: 'key' }, el('span', { class: 'swatch sw-idle' }), 'idle'),
      ),
      settingsBar,
    ),
    el(
      'section',
      { class: 'cols' },
      el('div', { 'data-section': 'sweep-recommendation' }, el('h2', { text: 'Recommendation' }), recList, explanation),
      el('div', {}, el('h2', { text: 'Model' }), modelText),
    ),
    section('sweep-points', 'Every point', table),
  );

  const settings = (): SweepSettings | null => {
    if (!current || !report) return null;
    const size = Math.max(1, Math.round(current.size));
    return report.grid.axis === 'rows'
      ? { strategy: current.strategy, workers: current.workers, chunkRows: size }
      : { strategy: current.strategy, workers: current.workers, chunkBytes: size };
  };
  if (host.post) {
    settingsBar.append(
      button(
        'Apply',
        () => {
          const s = settings();
          if (s) post({ type: 'apply-settings', settings: s });
        },
        {
          id: 'apply-settings',
          title: 'Write these settings to the workspace (chunkscope.strategy, workers, chunk size)',
        },
      ),
      button(
        'Run with these settings',
        () => {
          const s = settings();
          if (s) post({ type: 'run-with-settings', settings: s });
        },
        {
          id: 'run-with-settings',
          secondary: true,
          title: 'Run the processor over the whole dataset with these settings',
        },
      ),
    );
  } else {
    const copy = button(
      'Copy',
      () => {
        const text = cli.textContent ?? '';
        // A file:// page may not be allowed the clipboard: then select the command for Ctrl+C.
        const selectInstead = () => {
          window.getSelection()?.selectAllChildren(cli);
          status.textContent = 'Press Ctrl+C to copy the selected command';
        };
        if (navigator.clipboard)
          navigator.clipboard.writeText(text).then(() => (status.textContent = 'Command copied'), selectInstead);
        else selectInstead();
      },
      { id: 'copy-cli', secondary: true, title: 'Copy the command line' },
    );
    settingsBar.append(el('span', { class: 'muted', text: 'Run it with these settings:' }), cli, copy);
  }

  const domain = () => (report ? sizeDomain(report) : { min: 1, max: 10 });
  const sizeAt = (position: number) => {
    const { min, max } = domain();
    const raw = Math.exp(Math.log(min) + (Math.log(max) - Math.log(min)) * (position / SLIDER_STEPS));
    return Math.max(1, Math.round(raw));
  };
  const positionOf = (size: number) => {
    const { min, max } = domain();
    const t = (Math.log(size) - Math.log(min)) / Math.max(1e-9, Math.log(max) - Math.log(min));
    return Math.round(Math.min(1, Math.max(0, t)) * SLIDER_STEPS);
  };

  const showPrediction = () => {
    if (!report || !current) return;
    const axis = report.grid.axis;
    sizeText.textContent = formatSize(current.size, axis);
    slider.setAttribute('aria-valuetext', `${formatSize(current.size, axis)}`);
    const model = report.model;
    let text: string;
    if (!model) {
      current.prediction = null;
      text = 'No cost model in this sweep, so there is no prediction for this size.';
      preview.layout = null;
      preview.draw();
    } else {
      const p = predictAt(model, report, current.size, current.workers);
      current.prediction = p;
      const rowsNote = axis === 'bytes' ? ` (about ${formatInt(sizeToRows(current.size, report))} rows)` : '';
      text =
        `Predicted at ${formatSize(current.size, axis)}${rowsNote} on ${current.workers} worker${current.workers === 1 ? '' : 's'}: ${formatCompact(p.rowsPerSecond)} rows/s, ` +
        `${formatMs(p.processingMs)} processing (${formatMs(p.totalMs)} with start-up) for ${formatInt(model.rows)} rows.\n` +
        `${formatInt(p.chunks)} chunks, ${p.chunksPerWorker.toFixed(1)} per worker · per-chunk overhead ${formatPercent(p.overheadShare)} · idle tail ${formatPercent(p.idleTailShare)} of worker time` +
        (p.mainThreadBound
          ? '\nThe main thread sets the pace here: it cannot hand out chunks this small as fast as the workers finish them.'
          : '');
      const layout = previewLayout(model, model.rows, sizeToRows(current.size, report), current.workers, p);
      preview.setLayout(
        layout,
        `What a run would look like: ${formatInt(p.chunks)} chunks over ${current.workers} workers, idle tail ${formatPercent(p.idleTailShare)}`,
      );
    }
    current.text = text;
    predictionText.textContent = text;
    const s = settings();
    if (s) cli.textContent = cliCommandFor(report, s);
    chart?.setSlider({ size: current.size, workers: current.workers });
  };

  const fillSelect = (select: HTMLSelectElement, values: string[], value: string) => {
    const same = select.options.length === values.length && values.every((v, i) => select.options[i].value === v);
    if (!same) select.replaceChildren(...values.map((v) => el('option', { value: v, text: v })));
    select.value = value;
  };

  /** Where the slider starts: the recommendation for the best point's worker count, else the best point. */
  const defaultChoice = (r: SweepReport): { size: number; workers: number; strategy: Strategy } => {
    const axis = r.grid.axis;
    const best = r.best;
    const rec: Recommendation | undefined =
      (best && r.recommendations.find((x) => x.workers === best.workers)) || r.recommendations[0];
    const from = rec ?? best ?? r.points[0];
    const size = from ? (axis === 'rows' ? from.chunkRows : from.chunkBytes) : undefined;
    const { min, max } = sizeDomain(r);
    return {
      size: size && size > 0 ? size : Math.round(Math.sqrt(min * max)),
      workers: from?.workers ?? r.grid.workers[0] ?? 1,
      strategy: from?.strategy ?? r.grid.strategies[0] ?? 'byte-range',
    };
  };

  const renderTable = (r: SweepReport) => {
    const axis = r.grid.axis;
    const head = [
      'strategy',
      'workers',
      'chunk size',
      'rows/s (median)',
      '95 % interval',
      'runs',
      'overhead',
      'idle',
      'chunks',
      'rows a chunk',
      'model',
    ];
    const rows = [...r.points].sort(
      (a, b) =>
        a.strategy.localeCompare(b.strategy) ||
        a.workers - b.workers ||
        (pointSize(a, axis) ?? 0) - (pointSize(b, axis) ?? 0),
    );
    table.replaceChildren(
      el('thead', {}, el('tr', {}, ...head.map((t) => el('th', { text: t })))),
      el(
        'tbody',
        {},
        ...rows.map((p: SweepPoint) => {
          const size = pointSize(p, axis);
          const predicted =
            r.model && size !== undefined
              ? formatCompact(predictAt(r.model, r, size, p.workers, measuredRows(r)).rowsPerSecond)
              : '–';
          return el(
            'tr',
            {
              'data-point': p.key,
              ...(r.best?.key === p.key ? { class: 'best' } : {}),
              title: describeSweepPoint(p, r).join('\n'),
            },
            el('td', { text: p.strategy }),
            el('td', { text: String(p.workers) }),
            el('td', { text: size === undefined ? '–' : formatSize(size, axis) }),
            el('td', { text: formatCompact(p.rowsPerSecond.median) }),
            el('td', { text: `${formatCompact(p.rowsPerSecond.ci95[0])}–${formatCompact(p.rowsPerSecond.ci95[1])}` }),
            el('td', { text: String(p.repeats.length) }),
            el('td', { text: formatPercent(p.overheadShare) }),
            el('td', { text: formatPercent(p.idleShare) }),
            el('td', { text: formatInt(p.chunks) }),
            el('td', { text: formatInt(p.meanChunkRows) }),
            el('td', { text: predicted }),
          );
        }),
      ),
    );
  };

  const renderRecommendations = (r: SweepReport) => {
    const axis = r.grid.axis;
    const items: HTMLElement[] = [];
    if (r.best) {
      const size = axis === 'rows' ? r.best.chunkRows : r.best.chunkBytes;
      items.push(
        el(
          'li',
          { class: 'best', 'data-rec': 'best' },
          el('strong', { text: 'Best measured: ' }),
          `${r.best.strategy}, ${r.best.workers} worker${r.best.workers === 1 ? '' : 's'}, ${size ? formatSize(size, axis) : 'automatic size'} — ${formatCompact(r.best.rowsPerSecond)} rows/s`,
        ),
      );
    }
    for (const rec of r.recommendations) {
      const size = axis === 'rows' ? rec.chunkRows : rec.chunkBytes;
      const show = el('button', {
        class: 'link',
        type: 'button',
        text: 'show',
        title: 'Move the slider to this recommendation',
      });
      show.addEventListener('click', () => {
        touched = true;
        choose({ size: size && size > 0 ? size : (current?.size ?? 1), workers: rec.workers, strategy: rec.strategy });
      });
      items.push(
        el(
          'li',
          { 'data-rec': `${rec.workers}w` },
          `${rec.workers} worker${rec.workers === 1 ? '' : 's'}: ${size ? formatSize(size, axis) : 'automatic size'}, ${rec.strategy} — ${formatCompact(rec.rowsPerSecond)} rows/s (${rec.source === 'model' ? 'measured, size moved by the model to the whole file' : 'measured'}) `,
          show,
        ),
      );
    }
    if (items.length === 0)
      items.push(
        el('li', {
          class: 'muted',
          text: running ? 'Waiting for the first points…' : 'No point completed, so there is nothing to recommend.',
        }),
      );
    recList.replaceChildren(...items);
    explanation.replaceChildren(...r.explanation.map((line) => el('li', { text: line })));
  };

  const renderLegend = () => {
    if (!chart) return;
    const items = chart.stats.lines.map((l) => {
      const sw = el('span', { class: `marker marker-${l.marker}` });
      sw.style.background = l.color;
      return el(
        'span',
        { class: 'key', 'data-line': l.key },
        sw,
        `${l.strategy}, ${l.workers} worker${l.workers === 1 ? '' : 's'}`,
      );
    });
    legend.replaceChildren(
      ...items,
      el('span', { class: 'key' }, el('span', { class: 'dash' }), 'model'),
      el('span', { class: 'key' }, el('span', { class: 'ring' }), 'best'),
    );
  };

  const choose = (c: { size: number; workers: number; strategy: Strategy }) => {
    if (!report) return;
    current = { ...c, prediction: null, text: '' };
    const workers = [...new Set([...report.grid.workers, ...report.points.map((p) => p.workers), c.workers])].sort(
      (a, b) => a - b,
    );
    const strategies = [...new Set([...report.grid.strategies, ...report.points.map((p) => p.strategy), c.strategy])];
    fillSelect(workersSelect, workers.map(String), String(c.workers));
    fillSelect(strategySelect, strategies, c.strategy);
    slider.value = String(positionOf(c.size));
    showPrediction();
  };

  slider.addEventListener('input', () => {
    if (!current) return;
    touched = true;
    current.size = sizeAt(Number(slider.value));
    showPrediction();
  });
  workersSelect.addEventListener('change', () => {
    if (!current) return;
    touched = true;
    current.workers = Number(workersSelect.value);
    showPrediction();
  });
  strategySelect.addEventListener('change', () => {
    if (!current) return;
    touched = true;
    current.strategy = strategySelect.value as Strategy;
    showPrediction();
  });

  const render = () => {
    const total = totalPointsOf(report, data);
    const done = report?.points.length ?? 0;
    progress.hidden = !running;
    cancel.hidden = !running || !host.post;
    if (running) {
      // Every point is measured several times (after a warm-up round): runs say how far the sweep is.
      const runs = report?.runsPlanned ? { done: report.runsDone ?? 0, planned: report.runsPlanned } : null;
      progressText.textContent = `${formatInt(done)} / ${formatInt(total)} points measured${runs ? ` · run ${formatInt(runs.done)} of ${formatInt(runs.planned)}` : ''}`;
      const share = runs ? runs.done / runs.planned : total > 0 ? done / total : 0;
      fill.style.width = `${Math.min(100, share * 100).toFixed(1)}%`;
      meter.setAttribute('aria-valuemax', '100');
      meter.setAttribute('aria-valuenow', (share * 100).toFixed(0));
      if (!status.textContent || status.textContent.startsWith('Running')) status.textContent = 'Running…';
    }
    if (!report) {
      sub.textContent = 'Waiting for the first point…';
      return;
    }
    sub.textContent = describeSample(report);
    stoppedNote.replaceChildren(
      ...(report.stopped
        ? [
            el('li', {
              text:
                report.stopped === 'budget'
                  ? `Stopped at the time budget${report.budgetSeconds ? ` of ${report.budgetSeconds} s` : ''}: ${done} of ${total} points measured.`
                  : `Cancelled: ${done} of ${total} points measured.`,
            }),
          ]
        : []),
    );
    if (!chart) chart = new SweepChart(chartBox, report);
    else chart.setReport(report);
    renderLegend();
    renderRecommendations(report);
    modelText.textContent = describeModel(report);
    renderTable(report);
    if (!current || !touched) choose(defaultChoice(report));
    else choose(current);
  };

  host.onMessage((m) => {
    switch (m.type) {
      case 'sweep-progress':
      case 'sweep-done':
        if (!m.report || m.report.kind !== 'sweep' || !Array.isArray(m.report.points)) {
          status.textContent = `Ignored a ${m.type} message without a sweep report`;
          return;
        }
        updates++;
        report = m.report;
        if (m.type === 'sweep-done') {
          running = false;
          cancel.hidden = true;
          status.textContent =
            report.stopped === 'cancelled'
              ? 'Cancelled'
              : report.stopped === 'budget'
                ? 'Stopped at the time budget'
                : 'Done';
        }
        render();
        break;
      case 'sweep-failed':
        running = false;
        status.textContent = m.message;
        status.classList.add('failed');
        render();
        break;
      default:
        ignoreUnknown(m);
    }
  });
  render();
  if (running) post({ type: 'sweep-ready' });
  else if (report)
    status.textContent =
      report.stopped === 'cancelled' ? 'Cancelled' : report.stopped === 'budget' ? 'Stopped at the time budget' : '';

  const hook: SweepTestHook = {
    ready: true,
    kind: 'sweep',
    host: host.kind,
    get running() {
      return running;
    },
    get pointsDone() {
      return report?.points.length ?? 0;
    },
    get totalPoints() {
      return totalPointsOf(report, data);
    },
    get updates() {
      return updates;
    },
    get status() {
      return status.textContent ?? '';
    },
    get lines() {
      return chart?.stats.lines ?? [];
    },
    get pointsDrawn() {
      return chart?.stats.pointsDrawn ?? 0;
    },
    get errorBars() {
      return chart?.stats.errorBars ?? 0;
    },
    get overheadPoints() {
      return chart?.stats.overheadPoints ?? 0;
    },
    get modelCurves() {
      return chart?.stats.modelCurves ?? [];
    },
    get bestKey() {
      return chart?.stats.bestKey ?? null;
    },
    get bestMarked() {
      return chart?.stats.bestMarked ?? false;
    },
    get frames() {
      return chart?.stats.frames ?? 0;
    },
    get tooltip() {
      return chart?.tooltipText ?? null;
    },
    get slider() {
      if (!current || !report) return null;
      return {
        position: Number(slider.value),
        steps: SLIDER_STEPS,
        size: current.size,
        chunkRows: sizeToRows(current.size, report),
        workers: current.workers,
        strategy: current.strategy,
        prediction: current.prediction ? { ...current.prediction } : null,
        text: current.text,
        previewChunks: preview.layout?.chunks ?? null,
      };
    },
    get settings() {
      return settings();
    },
    get cliCommand() {
      return host.post ? null : cli.textContent;
    },
    pointPosition(key) {
      return chart?.pointPosition(key) ?? null;
    },
    plotRect() {
      return chart?.plotRect() ?? null;
    },
  };
  Object.defineProperty(window, '__chunkscopeSweep', {
    value: Object.freeze(hook),
    configurable: false,
    writable: false,
  });
}
