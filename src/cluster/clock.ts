// One clock for many machines: each process estimates its offset to Redis's TIME (Cristian's
// algorithm: of several samples, the one with the smallest round trip wins, ± half of it), so a
// worker's times map onto the coordinator's as t + offset(worker) − offset(coordinator).
import { DEFAULTS, epochNow } from '../engine';
import type { Redis } from './redis';

export interface ClockEstimate {
  /** Redis time − local epochNow(), ms. */
  offsetMs: number;
  /** The winning sample's round trip; the offset is good to ± rttMs / 2. */
  rttMs: number;
  /** When it was measured (local epoch ms). */
  at: number;
}

export async function estimateClock(
  redis: Redis,
  samples: number = DEFAULTS.cluster.clockSamples,
): Promise<ClockEstimate> {
  let best: ClockEstimate | undefined;
  for (let i = 0; i < samples; i++) {
    const t0 = epochNow();
    const [seconds, micros] = await redis.time();
    const t1 = epochNow();
    const redisMs = Number(seconds) * 1000 + Number(micros) / 1000;
    const rttMs = t1 - t0;
    if (!best || rttMs < best.rttMs) best = { offsetMs: redisMs - (t0 + t1) / 2, rttMs, at: t1 };
  }
  return best!;
}

/** Redis's time now, from a local estimate (no round trip). */
export const redisNow = (clock: ClockEstimate): number => epochNow() + clock.offsetMs;

/** Keeps an estimate fresh: probes again every clockProbeMs, keeping the previous one if a probe fails. */
export class ClockKeeper {
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly redis: Redis,
    public estimate: ClockEstimate,
  ) {}

  static async start(redis: Redis): Promise<ClockKeeper> {
    const keeper = new ClockKeeper(redis, await estimateClock(redis));
    keeper.timer = setInterval(() => {
      estimateClock(redis).then(
        (e) => (keeper.estimate = e),
        () => undefined,
      );
    }, DEFAULTS.cluster.clockProbeMs);
    keeper.timer.unref();
    return keeper;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
