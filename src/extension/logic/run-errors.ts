// Sorts a failed run's rejection into what the UI does with it. Duck-typed on `name`/`code`
// rather than instanceof so it also works if the engine and extension end up in different bundles.
import type { RowErrorInfo } from '../../engine';
import { findProcessorFrame, findProcessorPositionInMessage, type StackFrame } from './stack-frames';

export type RunFailure =
  | { kind: 'cancelled' }
  | { kind: 'located'; message: string; location: RowErrorInfo; processorFrame?: StackFrame }
  /** processorFrame: where a processor that failed to compile or load points at itself. */
  | { kind: 'other'; message: string; code?: string; processorFrame?: StackFrame };

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  stack?: unknown;
  location?: RowErrorInfo;
}

export function classifyRunError(err: unknown, processorPath: string, aborted: boolean): RunFailure {
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorLike;
  const message = typeof e.message === 'string' && e.message ? e.message : String(err);
  if (e.code === 'cancelled' || e.name === 'AbortError' || aborted) return { kind: 'cancelled' };
  if (
    e.name === 'ChunkscopeError' &&
    e.location &&
    (e.location.kind === 'processor' || e.location.line !== undefined)
  ) {
    // The worker's own stack (location.stack) is the one that passes through the processor.
    const stack = e.location.stack ?? (typeof e.stack === 'string' ? e.stack : undefined);
    const processorFrame = e.location.kind === 'processor' ? findProcessorFrame(stack, processorPath) : undefined;
    return { kind: 'located', message, location: e.location, ...(processorFrame ? { processorFrame } : {}) };
  }
  const processorFrame =
    e.code === 'processor'
      ? (findProcessorPositionInMessage(message, processorPath) ??
        findProcessorFrame(typeof e.stack === 'string' ? e.stack : undefined, processorPath))
      : undefined;
  return {
    kind: 'other',
    message,
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(processorFrame ? { processorFrame } : {}),
  };
}

/** The notification line: names the row, the dataset line and, when known, the processor line. */
export function describeFailure(f: Extract<RunFailure, { kind: 'located' }>, processorName: string): string {
  const where: string[] = [];
  if (f.location.row !== undefined) where.push(`row ${f.location.row}`);
  if (f.location.line !== undefined) where.push(`line ${f.location.line} of the dataset`);
  const at = f.processorFrame ? ` (${processorName}:${f.processorFrame.line})` : '';
  const what = f.location.kind === 'processor' ? `Processor failed${at}` : 'Could not read the dataset';
  // The engine's message already carries the details; keep ours short and put its first line after.
  const detail = f.location.message || f.message.split('\n')[0];
  return `Chunkscope: ${what}${where.length ? ` at ${where.join(', ')}` : ''}: ${detail}`;
}
