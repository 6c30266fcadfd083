// What the user reads when a run fails: every way a worker, a row, the processor or the clock can
// stop the run, turned into one ChunkscopeError with its code and a message that says what and
// where. Kept together so the wording stays consistent (faces and tests match these messages).
import { ChunkscopeError, describeLocation } from '../base/errors';
import type { ChunkResult, InitResult, WorkerRowError } from '../model/protocol';
import type { RowErrorInfo } from '../model';
import type { PlannedChunk } from '../split/strategies';

export type BarrierKind = 'init' | 'teardown';
type WorkerError = NonNullable<InitResult['error']>;

export function cancelledBeforeStart(): ChunkscopeError {
  return new ChunkscopeError('cancelled', 'Run cancelled before it started');
}

export function cancelled(): ChunkscopeError {
  return new ChunkscopeError('cancelled', 'Run cancelled; workers stopped and partial output removed');
}

/** A barrier task rejected: its worker died (or was stopped) during setup() or teardown(). */
export function barrierFailure(kind: BarrierKind, error: Error): ChunkscopeError {
  return new ChunkscopeError(
    kind === 'init' ? 'processor' : 'worker',
    `A worker died while ${kind === 'init' ? 'loading the processor or running setup()' : 'running teardown()'}: ${error.message}`,
  );
}

/** A worker could not load the processor or its setup() threw: nothing ran yet. */
export function initFailure(workerId: number, error: WorkerError): ChunkscopeError {
  const stack = error.stack ? `\n${error.stack}` : '';
  return new ChunkscopeError(
    'processor',
    `Worker ${workerId} could not start the processor (no row was processed): ${error.message}${stack}`,
  );
}

/** teardown() threw: the rows are done, so the run only warns. */
export function teardownWarning(workerId: number, error: WorkerError): string {
  return `Worker ${workerId}: teardown() failed: ${error.message}`;
}

/** A chunk task rejected: its result could not be cloned, or its worker died or ran out of memory. */
export function workerFailure(error: Error & { code?: string }, planned: PlannedChunk, file: string): ChunkscopeError {
  const span = `chunk ${planned.task.chunk} (bytes ${planned.byteStart}–${planned.byteEnd} of ${file})`;
  if (error.name === 'DataCloneError') {
    return new ChunkscopeError(
      'processor',
      `A result of ${span} cannot be sent between threads (${error.message}); return plain data (numbers, strings, arrays, objects).`,
    );
  }
  // The worker could not read the file's data (a corrupt BGZF block): a data error, not a crash.
  if (error.message.startsWith(`${file}: `))
    return new ChunkscopeError(
      'data',
      `${error.message} (reading ${span}). The run was stopped; no partial output was kept.`,
    );
  const why =
    error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `ran out of memory (${error.message})` : `died: ${error.message}`;
  return new ChunkscopeError(
    'worker',
    `A worker running ${span} ${why}. The run was stopped; no partial output was kept.`,
  );
}

/** A worker's row error placed in the file: `firstRow` / `firstLine` are the chunk's, counted in input order. */
export function locate(
  failure: WorkerRowError,
  result: ChunkResult,
  firstRow: number,
  firstLine: number,
  file: string,
): RowErrorInfo {
  return {
    kind: failure.kind,
    message: failure.message,
    stack: failure.stack,
    file,
    row: failure.record !== undefined ? firstRow + failure.record : undefined,
    line: failure.linesBefore !== undefined ? firstLine + failure.linesBefore : undefined,
    byteOffset: failure.byteOffset,
    place: failure.place,
    chunk: result.chunk,
    workerId: result.workerId,
  };
}

/** A row error that stops the run (bad data, or the processor threw with --on-error stop). */
export function rowFailure(where: RowErrorInfo): ChunkscopeError {
  const what = where.kind === 'data' ? 'Bad data' : 'The processor threw';
  const stack = where.kind === 'processor' && where.stack ? `\n${where.stack}` : '';
  return new ChunkscopeError(where.kind, `${what} at ${describeLocation(where)}: ${where.message}${stack}`, where);
}

/** A verified chunk does not start where the previous one ended: rows would be lost or read twice. */
export function startMismatch(chunk: number, start: number, expectedStart: number, file: string): ChunkscopeError {
  return new ChunkscopeError(
    'data',
    `Internal check failed: chunk ${chunk} starts at byte ${start} but the previous chunk ended at byte ${expectedStart} (${file})`,
  );
}

/** The watchdog saw a chunk run past --chunk-timeout; `planned` is the chunk if still known. */
export function chunkTimeout(
  chunk: number,
  planned: PlannedChunk | undefined,
  timeoutMs: number,
  file: string,
): ChunkscopeError {
  const span = planned ? ` (bytes ${planned.byteStart}–${planned.byteEnd})` : '';
  return new ChunkscopeError(
    'timeout',
    `Chunk ${chunk}${span} of ${file} ran longer than ${timeoutMs / 1000} s (--chunk-timeout); the processor may be stuck in a loop. The run was stopped; no partial output was kept.`,
    { kind: 'processor', message: 'chunk timeout', file, chunk },
  );
}

/** combine() threw while partial results were folded. */
export function foldFailure(error: Error): ChunkscopeError {
  return new ChunkscopeError('processor', `combine() failed: ${error.message}`);
}
