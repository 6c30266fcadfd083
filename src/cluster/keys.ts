// Names in Redis, in one place: every key of a run starts `cs:{run}:`, the worker list is one hash,
// and job ids are `${run}-c${chunk}` (no ':' and never all digits, which BullMQ reserves).
export const WORKERS_KEY = 'cs:workers';

export const runKeys = (run: string) => ({
  /** The run's settings (v8-serialized), written once by the coordinator. */
  config: `cs:{${run}}:config`,
  /** Refreshed by the coordinator while it lives: workers drop a run whose key expired. */
  alive: `cs:{${run}}:alive`,
  /** Every key of the run, for SCAN. */
  pattern: `cs:{${run}}:*`,
  /** A result's bytes, per attempt (the job's lock token), so a late attempt never overwrites one. */
  out: (job: string, token: string) => `cs:{${run}}:out:${job}:${token}`,
  /** A fold's input values. */
  input: (job: string) => `cs:{${run}}:in:${job}`,
});

export const jobIds = {
  init: (run: string) => `${run}-init`,
  chunk: (run: string, chunk: number) => `${run}-c${chunk}`,
  repair: (run: string, chunk: number) => `${run}-c${chunk}-r`,
  fold: (run: string, n: number) => `${run}-f${n}`,
};

/** The run a job id or key belongs to. */
export const runOfJob = (jobId: string): string => jobId.split('-')[0];
export const runOfKey = (key: string): string | undefined => /^cs:\{([0-9a-f]+)\}:/.exec(key)?.[1];

/** BullMQ's own keys of a job (prefix `bull`). */
export const bullJobKey = (queue: string, jobId: string) => `bull:${queue}:${jobId}`;
