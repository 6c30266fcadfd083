// What travels through Redis between a coordinator and its workers. Job data is small JSON (BullMQ
// stores it as JSON, where bytes would grow ~5×); bytes (results, fold inputs, the run's settings)
// sit in binary keys, v8-serialized like a thread pool's structured clone, so a result arrives
// exactly as it would from a local thread. Code never travels: workers load the processor file
// they have, after checking its hash.
import type { InitResult, RangeTask, TableTask, WorkerConfig } from '../engine';
import type { DataFingerprint } from './fingerprint';

export const PROTOCOL_VERSION = 1;

/** The run's settings, written once at `cs:{run}:config`. */
export interface RunConfig {
  v: number;
  run: string;
  /** The coordinator, `host/pid`, for messages. */
  coordinator: string;
  /** What each thread's init task gets, minus the parts that are per machine (status slots, compiled code). */
  worker: Omit<WorkerConfig, 'status' | 'processor' | 'profile'>;
  processor: { path: string; sha256: string };
  fingerprint: DataFingerprint;
  maxWorkerMemoryMb?: number;
  /** 0: no limit. Enforced by the worker that runs the chunk. */
  chunkTimeoutMs: number;
}

interface JobBase {
  v: number;
  run: string;
  /** The coordinator's epoch ms when it added the job. */
  submittedAt: number;
}

export type JobData =
  | (JobBase & { kind: 'init' })
  | (JobBase & { kind: 'chunk'; task: RangeTask | TableTask })
  | (JobBase & { kind: 'repair'; task: RangeTask; start: number })
  | (JobBase & { kind: 'fold'; inKey: string; includeInitial: boolean });

/** A job's small returnvalue; the result itself waits at `outKey`. */
export interface JobReturn {
  node: string;
  /** The worker's epoch ms when it took the job, and when its result was stored. */
  pickedAt: number;
  doneAt: number;
  /** BullMQ's attemptsStarted: 2 when the job was re-delivered once. */
  attempt: number;
  outKey?: string;
  /** init jobs: the first thread's InitResult (exports, options, a setup() error). */
  init?: InitResult;
  /** The worker's clock estimate against Redis TIME when it stored the result. */
  clock: { offsetMs: number; rttMs: number };
}

/** A worker's entry in the `cs:workers` hash, refreshed every heartbeat. */
export interface WorkerEntry {
  name: string;
  host: string;
  pid: number;
  threads: number;
  queue: string;
  version: string;
  /** Redis time (ms) of the last heartbeat. */
  seenAt: number;
  clock: { offsetMs: number; rttMs: number };
  /** The event loop's p99 delay since the last heartbeat, ms: high values risk lost locks. */
  loopDelayMs: number;
  /** Runs it holds a pool for. */
  runs: string[];
  lockMs: number;
}
