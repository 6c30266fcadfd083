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
  // A cluster run: one process per node (machine), its threads inside; the coordinator stays pid 1.
  const nodePid = new Map<string, number>();
  for (const n of report.summary.nodes ?? []) {
    const pid = PID + 1 + nodePid.size;
    nodePid.set(n.node, pid);
    events.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `node ${n.node}` } });
  }
  const pidOf = new Map<number, number>();
  const threadOf = new Map<number, number | undefined>();
  for (const c of report.chunks) {
    if (c.node === undefined) continue;
    pidOf.set(c.workerId, nodePid.get(c.node) ?? PID);
    threadOf.set(c.workerId, c.thread);
  }
  for (const w of report.summary.workerSummaries) {
    const thread = threadOf.get(w.workerId);
    const name = thread === undefined ? `worker ${w.workerId}` : `worker ${w.workerId} (thread ${thread})`;
    events.push({ name: 'thread_name', ph: 'M', pid: pidOf.get(w.workerId) ?? PID, tid: w.workerId, args: { name } });
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
    const pid = pidOf.get(c.workerId) ?? PID;
    const start = us(c.startedAt);
    const total = Math.max(1, us(c.finishedAt) - start);
    events.push({
      name: `chunk ${c.index}`,
      ph: 'X',
      pid,
      tid: c.workerId,
      ts: start,
      dur: total,
      cat: 'chunk',
      args: {
        ...(c.node !== undefined ? { node: c.node, attempts: c.attempts } : {}),
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
      if (dur > 0) events.push({ name, ph: 'X', pid, tid: c.workerId, ts: cursor, dur, cat: 'phase' });
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
