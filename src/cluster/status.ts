// `chunkscope cluster status` and `cluster clean`: the workers seen (threads, clock, heartbeat,
// event-loop delay), the queue's job counts, the Redis settings that matter, the runs in Redis;
// and the removal of a dead run's jobs and keys.
import { DEFAULTS } from '../engine';
import { estimateClock, redisNow, type ClockEstimate } from './clock';
import { runKeys, runOfJob, runOfKey, WORKERS_KEY } from './keys';
import type { WorkerEntry } from './protocol';
import { bullmq, connect, safeUrl, scanKeys, type Redis } from './redis';

/** Workers whose last heartbeat is recent; stale entries (a worker killed) are left for `clean`. */
export async function liveWorkers(redis: Redis, clock: ClockEstimate): Promise<WorkerEntry[]> {
  const all = await redis.hgetall(WORKERS_KEY);
  const now = redisNow(clock);
  return Object.values(all)
    .map((text) => JSON.parse(text) as WorkerEntry)
    .filter((w) => now - w.seenAt < DEFAULTS.cluster.staleWorkerMs)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface ClusterStatus {
  url: string;
  queue: string;
  redisVersion: string;
  maxmemoryPolicy: string;
  workers: (WorkerEntry & { ageMs: number; clockVsHereMs: number })[];
  staleWorkers: string[];
  jobs: Record<string, number>;
  runs: { run: string; alive: boolean; keys: number }[];
  warnings: string[];
}

export async function clusterStatus(url: string, queue: string = DEFAULTS.cluster.queue): Promise<ClusterStatus> {
  const redis = await connect(url, 'cluster status');
  try {
    const clock = await estimateClock(redis);
    const info = await redis.info('server');
    const redisVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    const policy = ((await redis.config('GET', 'maxmemory-policy')) as string[])[1] ?? 'unknown';
    const all = Object.values(await redis.hgetall(WORKERS_KEY)).map((t) => JSON.parse(t) as WorkerEntry);
    const now = redisNow(clock);
    const workers = all
      .filter((w) => w.queue === queue && now - w.seenAt < DEFAULTS.cluster.staleWorkerMs)
      .map((w) => ({
        ...w,
        ageMs: Math.max(0, Math.round(now - w.seenAt)),
        clockVsHereMs: w.clock.offsetMs - clock.offsetMs,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const staleWorkers = all.filter((w) => now - w.seenAt >= DEFAULTS.cluster.staleWorkerMs).map((w) => w.name);
    const { Queue } = bullmq();
    const q = new Queue(queue, { connection: redis });
    q.on('error', () => undefined);
    const jobs = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
    await q.close();
    const runs = new Map<string, number>();
    for (const key of await scanKeys(redis, 'cs:{*}:*')) {
      const run = runOfKey(key);
      if (run) runs.set(run, (runs.get(run) ?? 0) + 1);
    }
    const runList = [];
    for (const [run, keys] of runs) runList.push({ run, keys, alive: (await redis.exists(runKeys(run).alive)) === 1 });
    const warnings: string[] = [];
    if (policy !== 'noeviction')
      warnings.push(
        `maxmemory-policy is ${policy}: set it to noeviction, or Redis may evict job locks and keys (BullMQ needs it)`,
      );
    const [major, minor] = redisVersion.split('.').map(Number);
    if (major < 6 || (major === 6 && minor < 2)) warnings.push(`Redis ${redisVersion}: BullMQ recommends 6.2 or later`);
    for (const w of workers)
      if (w.loopDelayMs > w.lockMs / 4)
        warnings.push(
          `worker ${w.name}: its event loop was late by ${w.loopDelayMs} ms (p99), over a quarter of its ${w.lockMs} ms lock: chunks may be re-delivered`,
        );
    return {
      url: safeUrl(url),
      queue,
      redisVersion,
      maxmemoryPolicy: policy,
      workers,
      staleWorkers,
      jobs,
      runs: runList,
      warnings,
    };
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

export interface CleanResult {
  runs: string[];
  jobs: number;
  keys: number;
  staleWorkers: number;
  /** Jobs still held by a worker when clean gave up waiting for them. */
  stillActive: number;
}

/**
 * Removes the jobs and keys of one run (--run) or of every run whose coordinator is gone, and
 * stale worker entries. Jobs a worker still runs cannot be removed (BullMQ holds their lock): clean
 * waits for them, up to `waitMs`, then removes them too.
 */
export async function clusterClean(
  url: string,
  options: { queue?: string; run?: string; waitMs?: number } = {},
): Promise<CleanResult> {
  const queueName = options.queue ?? DEFAULTS.cluster.queue;
  const redis = await connect(url, 'cluster clean');
  const { Queue } = bullmq();
  const queue = new Queue(queueName, { connection: redis });
  queue.on('error', () => undefined);
  try {
    const clock = await estimateClock(redis);
    let runs: string[];
    const keyRuns = new Set<string>();
    for (const key of await scanKeys(redis, 'cs:{*}:*')) {
      const run = runOfKey(key);
      if (run) keyRuns.add(run);
    }
    const jobRuns = new Set<string>();
    for (const job of await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed']))
      if (job?.id) jobRuns.add(runOfJob(job.id));
    if (options.run) runs = [options.run];
    else {
      runs = [];
      for (const run of new Set([...keyRuns, ...jobRuns]))
        if ((await redis.exists(runKeys(run).alive)) === 0) runs.push(run);
    }
    const result: CleanResult = { runs, jobs: 0, keys: 0, staleWorkers: 0, stillActive: 0 };
    if (runs.length) {
      // Workers drop a run whose alive key is gone.
      await redis.del(...runs.map((r) => runKeys(r).alive));
      const mine = (id: string | undefined) => !!id && runs.includes(runOfJob(id));
      const deadline = Date.now() + (options.waitMs ?? DEFAULTS.cluster.lockMs * 2);
      for (;;) {
        const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'completed', 'failed']);
        for (const job of jobs) if (mine(job?.id) && (await queue.remove(job.id!).catch(() => 0)) === 1) result.jobs++;
        const active = (await queue.getJobs(['active'])).filter((j) => mine(j?.id));
        result.stillActive = active.length;
        if (active.length === 0 || Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      for (const run of runs) {
        const keys = await scanKeys(redis, runKeys(run).pattern);
        if (keys.length) result.keys += await redis.del(...keys);
      }
    }
    const now = redisNow(clock);
    for (const [name, text] of Object.entries(await redis.hgetall(WORKERS_KEY))) {
      const w = JSON.parse(text) as WorkerEntry;
      if (now - w.seenAt >= DEFAULTS.cluster.staleWorkerMs) result.staleWorkers += await redis.hdel(WORKERS_KEY, name);
    }
    return result;
  } finally {
    await queue.close().catch(() => undefined);
    await redis.quit().catch(() => redis.disconnect());
  }
}
