// The live page: a run's progress and its timeline filling in while the run goes (VS Code only).
import { ignoreUnknown } from '../assert';
import { button, el, pageHeader, section } from '../dom';
import { formatCompact, formatInt } from '../../src/engine/base/format';
import type { Host } from '../host';
import { LiveModel } from '../model/live';
import { describeChunk } from '../model/run';
import type { LivePageData, LiveToExtension, LiveToWebview } from '../protocol';
import { basename } from './sections';
import type { LiveTestHook } from './test-hooks';
import { Timeline } from '../charts/timeline';

/**
 * The live view in VS Code while a run is going: progress, Cancel, and the timeline filling in.
 * Batches of records append to the model; the page redraws once on the next animation frame,
 * however many records came. When the run finishes the extension replaces the page with the report.
 */
export function startLive(data: LivePageData, host: Host<LiveToWebview, LiveToExtension>): void {
  const app = document.getElementById('app')!;
  const info = data.live;
  const live = new LiveModel(info);
  let progress: LiveTestHook['progress'] = null;
  let ended: string | null = null;
  let batches = 0;

  const bar = el('div');
  bar.style.width = '0%';
  const meter = el(
    'div',
    { class: 'meter live-meter', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100' },
    bar,
  );
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
    el(
      'section',
      { class: 'live-progress', 'aria-label': 'Progress' },
      el('div', { class: 'live-numbers' }, rowsText, rateText, percentText, chunksText),
      meter,
    ),
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
    switch (m.type) {
      case 'live':
        batches++;
        if (m.reset) live.clear();
        live.append(m.records);
        if (m.progress) {
          progress = m.progress;
          live.extendTo(m.progress.elapsedMs);
        }
        schedule();
        break;
      case 'live-end':
        ended = m.outcome;
        status.textContent = m.message;
        status.classList.add(m.outcome);
        cancel.hidden = true;
        schedule();
        break;
      default:
        ignoreUnknown(m);
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
  Object.defineProperty(window, '__chunkscopeReport', {
    value: Object.freeze(hook),
    configurable: false,
    writable: false,
  });
}
