// How long the main thread has been busy, in ms, read at two moments and subtracted. Normally from
// event-loop utilisation. But while V8's sampling profiler runs on the thread (a profiled run), its
// interrupts count as loop activity: an idle loop then reads about 60 % active. A profiled run
// therefore reads the thread's own CPU time, which Linux keeps in /proc/thread-self/schedstat (ns);
// elsewhere it has no reading (undefined) rather than a wrong one.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export type BusyClock = () => number | undefined;

export function mainThreadBusyClock(profiled: boolean): BusyClock {
  if (!profiled) return () => performance.eventLoopUtilization().active;
  return threadCpuMs;
}

function threadCpuMs(): number | undefined {
  try {
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ', 1)[0]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}
