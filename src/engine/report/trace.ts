// Chrome Trace Event format (opens in Perfetto and chrome://tracing): one named track per worker
// and one for the main thread; per chunk a slice with strictly nested read/parse/compute/encode.
import type { RunReport } from '../model';

interface TraceEvent {
  name: string;
  ph: 'X' | 'M' | 'i';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  s?: 't' | 'p' | 'g';
  cat?: string;
  args?: Record<string, unknown>;
}

const PID = 1;
const MAIN_TID = 0;
const us = (ms: number) => Math.round(ms * 1000);

export function toChromeTrace(report: RunReport): {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: Record<string, unknown>;
} {
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: PID, tid: MAIN_TID, args: { name: `chunkscope ${report.summary.strategy}` } },
    { name: 'thread_name', ph: 'M', pid: PID, tid: MAIN_TID, args: { name: 'main thread' } },
    { name: 'thread_sort_index', ph: 'M', pid: PID, tid: MAIN_TID, args: { sort_index: -1 } },
  ];
  for (const w of report.summary.workerSummaries) {
    events.push({ name: 'thread_name', ph: 'M', pid: PID, tid: w.workerId, args: { name: `worker ${w.workerId}` } });
  }
  for (const phase of report.mainPhases) {
    events.push({
      name: phase.name,
      ph: 'X',
      pid: PID,
      tid: MAIN_TID,
      ts: us(phase.start),
      dur: Math.max(1, us(phase.end) - us(phase.start)),
      cat: 'main',
    });
  }
  for (const c of report.chunks) {
    const start = us(c.startedAt);
    const total = Math.max(1, us(c.finishedAt) - start);
    events.push({
      name: `chunk ${c.index}`,
      ph: 'X',
      pid: PID,
      tid: c.workerId,
      ts: start,
      dur: total,
      cat: 'chunk',
      args: {
        rows: c.rows,
        firstRow: c.firstRow,
        bytes: c.bytes,
        byteStart: c.byteStart,
        byteEnd: c.byteEnd,
        queueWaitMs: c.queueWaitMs,
        returnMs: c.returnMs,
        repaired: c.repaired,
      },
    });
    // Phases are laid end to end inside the chunk, clamped so they never poke out of it.
    let cursor = start;
    const end = start + total;
    for (const [name, ms] of [
      ['read', c.readMs],
      ['parse', c.parseMs],
      ['compute', c.computeMs],
      ['encode', c.encodeMs],
    ] as const) {
      const dur = Math.min(us(ms), end - cursor);
      if (dur > 0) events.push({ name, ph: 'X', pid: PID, tid: c.workerId, ts: cursor, dur, cat: 'phase' });
      cursor += Math.max(0, dur);
    }
    events.push({
      name: `result ${c.index}`,
      ph: 'i',
      s: 't',
      pid: PID,
      tid: MAIN_TID,
      ts: us(c.receivedAt),
      cat: 'result',
    });
  }
  return { traceEvents: events, displayTimeUnit: 'ms', otherData: { summary: report.summary } };
}
