import type { RowErrorInfo } from '../model';

/** Why a run ended without a result; faces map these to exit codes and messages. */
export type ErrorCode = 'usage' | 'input' | 'data' | 'processor' | 'worker' | 'timeout' | 'cancelled' | 'io';

/** An error meant for the user: its message says what and where; no stack trace is needed to act on it. */
export class ChunkscopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly location?: RowErrorInfo,
  ) {
    super(message);
    this.name = 'ChunkscopeError';
  }
}

export function describeLocation(info: RowErrorInfo): string {
  const parts = [info.file];
  if (info.row !== undefined) parts.push(`row ${info.row}${info.place ? ` (${info.place})` : ''}`);
  else if (info.place) parts.push(info.place);
  if (info.line !== undefined) parts.push(`line ${info.line}`);
  if (info.byteOffset !== undefined) parts.push(`byte ${info.byteOffset}`);
  parts.push(`chunk ${info.chunk}`);
  if (info.workerId !== undefined) parts.push(`worker ${info.workerId}`);
  return parts.join(', ');
}
