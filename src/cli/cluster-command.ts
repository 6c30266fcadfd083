// The CLI's cluster commands: `chunkscope worker`, `chunkscope cluster status|clean`, and the
// --cluster options of `run`. The cluster face (src/cluster, with bullmq and ioredis) is loaded
// here with import(), only when one of them is used.
import * as os from 'node:os';
import { ChunkscopeError, DEFAULTS, type RunHooks, type SweepCluster } from '../engine';
import { parseCommandLine, positiveInteger, positiveNumber } from './args';

const WORKER_USAGE = `Usage: chunkscope worker --redis URL [--threads N] [--name NAME] [--queue Q]

Runs chunks of cluster runs (chunkscope run --cluster URL) on this machine's worker threads.
Leave it running; SIGTERM (or Ctrl-C) finishes the chunks it holds, then exits.

Options:
  --redis URL            redis://[:PASSWORD@]HOST:PORT (default: $CHUNKSCOPE_CLUSTER)
  --threads N            worker threads (default: available parallelism)
  --name NAME            this node's name in records and reports (default: HOST/PID)
  --queue Q              the BullMQ queue (default ${DEFAULTS.cluster.queue})
  --data-root FROM=TO    the coordinator's data paths under FROM are under TO here
  --code-root FROM=TO    the same for processor files
  --lock-ms N            job lock: a dead worker's chunk is re-delivered after this (default ${DEFAULTS.cluster.lockMs})
  --stalled-ms N         how often to look for stalled chunks (default ${DEFAULTS.cluster.stalledIntervalMs})`;

const CLUSTER_USAGE = `Usage: chunkscope cluster status --redis URL [--queue Q] [--json]
       chunkscope cluster clean --redis URL [--run ID] [--queue Q]

status: the workers connected (threads, clock offset, heartbeat), the queue's jobs, the runs in
Redis, and warnings about Redis settings. clean: removes the jobs and keys of one run (--run), or
of every run whose coordinator is gone, and workers that stopped without saying so.`;

function redisUrl(value: string | undefined, command: string): string {
  const url = value ?? process.env.CHUNKSCOPE_CLUSTER;
  if (!url) throw new ChunkscopeError('usage', `${command} needs --redis URL (or CHUNKSCOPE_CLUSTER)`);
  return url;
}

function mapping(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && !/^[^=]+=.+$/.test(value))
    throw new ChunkscopeError('usage', `--${name} needs FROM=TO (two folders), got "${value}"`);
  return value;
}

export async function workerCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    redis: { type: 'string' },
    threads: { type: 'string' },
    name: { type: 'string' },
    queue: { type: 'string' },
    'data-root': { type: 'string' },
    'code-root': { type: 'string' },
    'lock-ms': { type: 'string' },
    'stalled-ms': { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(WORKER_USAGE + '\n');
    return 0;
  }
  if (positionals.length) throw new ChunkscopeError('usage', `Unexpected argument "${positionals[0]}"`);
  const { ClusterWorker } = await import('../cluster');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const worker = await ClusterWorker.start({
    url: redisUrl(values.redis, 'chunkscope worker'),
    threads: positiveInteger('threads', values.threads) ?? os.availableParallelism(),
    name: values.name,
    queue: values.queue,
    dataRoot: mapping('data-root', values['data-root']),
    codeRoot: mapping('code-root', values['code-root']),
    lockMs: positiveInteger('lock-ms', values['lock-ms']),
    stalledIntervalMs: positiveInteger('stalled-ms', values['stalled-ms']),
    log,
  });
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: string) => {
      signals++;
      if (signals === 1) {
        log(
          `chunkscope worker ${worker.name}: ${signal}: finishing the chunks it holds, then exiting (again to stop now)`,
        );
        void worker.close().then(resolve, resolve);
      } else void worker.close(true).finally(() => process.exit(1));
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
  });
  return 0;
}

export async function clusterCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    redis: { type: 'string' },
    queue: { type: 'string' },
    run: { type: 'string' },
    json: { type: 'boolean' },
  });
  const [sub, ...extra] = positionals;
  if (values.help || sub === undefined) {
    process.stdout.write(CLUSTER_USAGE + '\n');
    return sub === undefined && !values.help ? 2 : 0;
  }
  if (extra.length) throw new ChunkscopeError('usage', `Unexpected argument "${extra[0]}"`);
  const url = redisUrl(values.redis, `chunkscope cluster ${sub}`);
  const cluster = await import('../cluster');
  if (sub === 'status') {
    const s = await cluster.clusterStatus(url, values.queue);
    if (values.json) {
      process.stdout.write(JSON.stringify(s, null, 2) + '\n');
      return 0;
    }
    const lines = [
      `Redis ${s.redisVersion} at ${s.url}, maxmemory-policy ${s.maxmemoryPolicy}; queue ${s.queue}`,
      `workers: ${s.workers.length} (${s.workers.reduce((n, w) => n + w.threads, 0)} threads)`,
    ];
    for (const w of s.workers)
      lines.push(
        `  ${w.name.padEnd(24)} ${String(w.threads).padStart(3)} threads  clock ${fmtMs(w.clockVsHereMs)} vs here (±${(w.clock.rttMs / 2).toFixed(2)} ms)  seen ${(w.ageMs / 1000).toFixed(1)} s ago  loop delay ${w.loopDelayMs} ms${w.runs.length ? `  runs ${w.runs.join(',')}` : ''}`,
      );
    if (s.staleWorkers.length)
      lines.push(`  gone without saying so: ${s.staleWorkers.join(', ')} (cluster clean removes them)`);
    lines.push(
      `jobs: ${Object.entries(s.jobs)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
    lines.push(
      `runs in Redis: ${s.runs.length ? s.runs.map((r) => `${r.run} (${r.alive ? 'running' : 'coordinator gone'}, ${r.keys} keys)`).join(', ') : 'none'}`,
    );
    for (const w of s.warnings) lines.push(`warning: ${w}`);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  }
  if (sub === 'clean') {
    const r = await cluster.clusterClean(url, { queue: values.queue, run: values.run });
    process.stdout.write(
      `cleaned ${r.runs.length ? r.runs.join(', ') : 'no run'}: ${r.jobs} jobs, ${r.keys} keys, ${r.staleWorkers} stale workers${r.stillActive ? `; ${r.stillActive} jobs still held by a worker (run clean again)` : ''}\n`,
    );
    return 0;
  }
  throw new ChunkscopeError('usage', `Unknown cluster command "${sub}": status or clean`);
}

const fmtMs = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(2)} ms`;

/** `run --cluster URL`: the hook that hands the run's chunks to the cluster, or undefined for a local run. */
export async function clusterRunHook(values: {
  cluster?: string;
  'min-workers'?: string;
  'wait-workers'?: string;
  queue?: string;
}): Promise<RunHooks['dispatcher']> {
  const url = values.cluster ?? process.env.CHUNKSCOPE_CLUSTER;
  if (!url) {
    if (values['min-workers'] !== undefined || values['wait-workers'] !== undefined)
      throw new ChunkscopeError('usage', '--min-workers and --wait-workers go with --cluster URL');
    return undefined;
  }
  const { clusterDispatcher } = await import('../cluster');
  return clusterDispatcher({
    url,
    queue: values.queue,
    minWorkers: positiveInteger('min-workers', values['min-workers']),
    waitWorkersSeconds: positiveNumber('wait-workers', values['wait-workers']),
    log: (line) => process.stderr.write(`${line}\n`),
  });
}

/** The --cluster options of `sweep` and `tune` (those of `run`). */
export const CLUSTER_OPTION_SPECS = {
  cluster: { type: 'string' },
  'min-workers': { type: 'string' },
  'wait-workers': { type: 'string' },
  queue: { type: 'string' },
} as const;

export const CLUSTER_OPTIONS_USAGE = `  --cluster URL           every run on \`chunkscope worker\`s through Redis (default: $CHUNKSCOPE_CLUSTER);
                          worker counts are then threads over all nodes, at most the threads registered
  --min-workers N, --wait-workers SECS, --queue Q   as for run --cluster`;

/**
 * `sweep|tune --cluster URL`: waits for --min-workers, reads the nodes registered (their threads
 * are the top of the worker axis) and gives every run of the sweep a cluster dispatcher; undefined
 * for a local sweep.
 */
export async function clusterSweepHook(values: {
  cluster?: string;
  'min-workers'?: string;
  'wait-workers'?: string;
  queue?: string;
}): Promise<SweepCluster | undefined> {
  const url = values.cluster ?? process.env.CHUNKSCOPE_CLUSTER;
  if (!url) {
    if (values['min-workers'] !== undefined || values['wait-workers'] !== undefined)
      throw new ChunkscopeError('usage', '--min-workers and --wait-workers go with --cluster URL');
    return undefined;
  }
  const cluster = await import('../cluster');
  const queue = values.queue ?? DEFAULTS.cluster.queue;
  const minWorkers = positiveInteger('min-workers', values['min-workers']) ?? DEFAULTS.cluster.minWorkers;
  const waitWorkersSeconds = positiveNumber('wait-workers', values['wait-workers']);
  const waitMs = (waitWorkersSeconds ?? DEFAULTS.cluster.waitWorkersSeconds) * 1000;
  const deadline = Date.now() + waitMs;
  let status = await cluster.clusterStatus(url, queue);
  while (status.workers.length < minWorkers) {
    if (Date.now() >= deadline)
      throw new ChunkscopeError(
        'worker',
        `No cluster workers: ${status.workers.length} of the ${minWorkers} needed (--min-workers) connected to ${status.url} (queue ${queue}) within ${waitMs / 1000} s (--wait-workers). Start one on each machine with: chunkscope worker --redis ${status.url}`,
      );
    await new Promise((r) => setTimeout(r, 250));
    status = await cluster.clusterStatus(url, queue);
  }
  const nodes = status.workers.map((w) => ({ name: w.name, threads: w.threads }));
  const threads = nodes.reduce((n, w) => n + w.threads, 0);
  process.stderr.write(
    `cluster: ${nodes.length} worker${nodes.length === 1 ? '' : 's'} (${threads} thread${threads === 1 ? '' : 's'}) on ${status.url}, queue ${queue}\n`,
  );
  return {
    // Quiet per run: a sweep makes dozens of runs, the line above said what they run on.
    dispatcher: cluster.clusterDispatcher({ url, queue, minWorkers, waitWorkersSeconds }),
    info: { url: status.url, queue, nodes, threads },
  };
}
