// A typed-table chunk in the worker: rows [rowStart, rowEnd) read from the file by this worker
// (only the byte ranges of their row groups), in the shape the processor asked for. The reader and
// its footer are opened once per worker and file, and kept across chunks.
import { epochNow } from '../base/clock';
import { ChunkscopeError } from '../base/errors';
import { openTable } from '../read/open-table';
import type { TableReader } from '../read/table';
import type { TableTask, WorkerConfig, WorkerRowError } from '../model/protocol';
import { withReadTime, type ParsedChunk } from './chunk-parse';

let cached: { file: string; reader: Promise<TableReader> } | undefined;

function readerFor(config: WorkerConfig): Promise<TableReader> {
  if (cached?.file !== config.file) {
    const previous = cached;
    cached = { file: config.file, reader: openTable(config.file, config.format) };
    previous?.reader.then((r) => r.close()).catch(() => undefined);
  }
  return cached.reader;
}

/** Closes the cached reader (teardown): the worker may outlive the run. */
export async function closeTables(): Promise<void> {
  const open = cached;
  cached = undefined;
  if (open) await open.reader.then((r) => r.close()).catch(() => undefined);
}

/** The unit (row group) holding `row`: units are in row order. */
function unitOf(reader: TableReader, row: number, from: number): number {
  const units = reader.layout.units;
  let u = from;
  while (u + 1 < units.length && units[u + 1].firstRow <= row) u++;
  return u;
}

export async function readTableChunk(task: TableTask, config: WorkerConfig): Promise<ParsedChunk> {
  const started = epochNow();
  const parsed = withReadTime(
    {
      start: task.byteStart,
      end: task.byteEnd,
      count: 0,
      lines: 0,
      leadingLines: 0,
      rows: [],
      errors: [],
      locate: () => ({ place: `row group ${task.unit}` }),
    },
    0,
  );
  // The first chunk of a file opens it: its footer's reads count as this chunk's read time.
  const opening = cached?.file !== config.file;
  let reader: TableReader;
  try {
    reader = await readerFor(config);
  } catch (error) {
    cached = undefined;
    parsed.fatal = dataError(error);
    parsed.readMs = epochNow() - started;
    return parsed;
  }
  const ioBefore = opening ? 0 : (reader.ioMs ?? 0);
  try {
    parsed.rows = await reader.read(task.rowStart, task.rowEnd, task.plan.rowShape);
    parsed.count = task.rowEnd - task.rowStart;
  } catch (error) {
    parsed.fatal = dataError(error);
  }
  parsed.readMs = (reader.ioMs ?? 0) - ioBefore;
  const units = reader.layout.units;
  // A chunk may span row groups: each row is placed in its own.
  if (units.length > 1 && task.unit + 1 < units.length && units[task.unit + 1].firstRow < task.rowEnd)
    parsed.locate = (record) => ({ place: `row group ${unitOf(reader, task.rowStart + record, task.unit)}` });
  return parsed;
}

function dataError(error: unknown): WorkerRowError {
  if (error instanceof ChunkscopeError) return { kind: 'data', message: error.message };
  return { kind: 'data', message: error instanceof Error ? error.message : String(error) };
}
