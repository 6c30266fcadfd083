// Chunks of a compressed dataset. A gzip or zstd stream cannot be entered at a byte offset, so it
// is decompressed once, in order, off the workers (gzip on libuv's thread pool, zstd with fzstd),
// and cut into record-aligned segments of decompressed bytes for `batches` (or single rows for
// `per-row`) by the same SegmentCutter as a plain file's batches. BGZF is the exception: its blocks
// can be read by range, so byte-range works there (workers inflate their own blocks).
import { ChunkscopeError } from '../base/errors';
import { compressionName, openDecompressed, type DecompressedStream } from '../read/compressed';
import type { DatasetInfo } from '../read/dataset';
import type { ChunkPlan } from '../model/protocol';
import type { Strategy } from '../model';
import { SegmentCutter, type ChunkSizer, type Segment } from './segment-cutter';
import { ownBuffer, rowTasks, type PlannedChunk } from './strategies';

/** The strategy a compressed file is run with, and why when it is not the one asked for. */
export function strategyForCompressed(
  info: DatasetInfo,
  requested: Strategy,
  explicit: boolean,
): { strategy: Strategy; note: string } {
  const name = compressionName(info.compression ?? 'none');
  if (requested === 'shared-columns')
    throw new ChunkscopeError(
      'usage',
      `The shared-columns strategy reads uncompressed files only; ${info.path} is ${name}-compressed: use ${(info.compression ?? 'none') === 'bgzf' ? 'byte-range (every worker reads its own BGZF blocks) or ' : ''}batches, or decompress it first`,
    );
  if ((info.compression ?? 'none') === 'bgzf')
    return {
      strategy: requested,
      note:
        requested === 'byte-range'
          ? 'BGZF: byte ranges are planned in decompressed bytes; each worker reads and inflates its own blocks'
          : `BGZF: decompressed in order on libuv's thread pool for ${requested}`,
    };
  const where =
    (info.compression ?? 'none') === 'zstd' ? 'by fzstd on the main thread' : "on one of libuv's threads (Node's zlib)";
  if (requested === 'byte-range')
    return {
      strategy: 'batches',
      note: `byte-range is not possible for ${name}: a ${name} stream cannot be entered at a byte offset, so it is decompressed in order ${where} and sent to the workers as batches${explicit ? '' : ' (the default strategy is byte-range)'}`,
    };
  return { strategy: requested, note: `${name}: decompressed in order ${where} for ${requested}` };
}

export interface CompressedChunks {
  chunks: AsyncGenerator<PlannedChunk>;
  stream: DecompressedStream;
}

/** Record-aligned segments of the decompressed data, with the data's last one marked. */
async function* decompressedSegments(
  info: DatasetInfo,
  stream: DecompressedStream,
  chunkRows: number,
  chunkBytes: number,
  sizer?: ChunkSizer,
): AsyncGenerator<Segment & { last: boolean }> {
  const cutter = new SegmentCutter(info, chunkRows, chunkBytes, sizer, false);
  let rowsHanded = 0;
  // One segment is held back so the data's last one is known when it is handed out.
  let held: Segment | undefined;
  let pos = 0;
  try {
    for await (const piece of stream) {
      const block = Buffer.from(piece.buffer, piece.byteOffset, piece.length);
      // The header (and BOM, or a JSON array's "[") lies before dataStart.
      const from = Math.max(0, Math.min(block.length, info.dataStart - pos));
      for (const segment of cutter.push(block, pos, from)) {
        if (held) {
          yield { ...held, last: false };
          rowsHanded += held.records;
        }
        held = segment;
      }
      pos += block.length;
    }
  } catch (error) {
    if (!(error instanceof ChunkscopeError)) throw error;
    throw new ChunkscopeError(
      error.code,
      `${error.message}; ${rowsHanded} row${rowsHanded === 1 ? '' : 's'} had been handed to the workers before it (no output was kept)`,
    );
  }
  const tail = cutter.finish(pos);
  if (held) yield { ...held, last: tail === undefined };
  if (tail) yield { ...tail, last: true };
}

/** batches or per-row over the decompressed data of `info` (compressed: gzip, BGZF or zstd). */
export function compressedChunks(
  strategy: 'batches' | 'per-row',
  input: { info: DatasetInfo; plan: ChunkPlan; chunkRows?: number; chunkBytes?: number; sizer?: ChunkSizer },
): CompressedChunks {
  const { info, plan } = input;
  const stream = openDecompressed(info.path, info.compression ?? 'none', info.compressed?.bytes ?? 0);
  async function* batches(): AsyncGenerator<PlannedChunk> {
    let chunk = 0;
    const segments = input.sizer
      ? decompressedSegments(info, stream, Infinity, Infinity, input.sizer)
      : decompressedSegments(info, stream, input.chunkRows ?? Infinity, input.chunkBytes ?? Infinity);
    for await (const segment of segments) {
      const bytes = ownBuffer(segment.bytes);
      yield {
        task: { kind: 'bytes', chunk: chunk++, plan, bytes, byteStart: segment.start, atEnd: segment.last },
        transferList: [bytes.buffer as ArrayBuffer],
        byteStart: segment.start,
        byteEnd: segment.start + bytes.length,
      };
    }
  }
  async function* perRow(): AsyncGenerator<PlannedChunk> {
    const rowsOf = rowTasks(info, plan);
    for await (const segment of decompressedSegments(info, stream, 4096, Infinity))
      yield* rowsOf(segment, segment.last);
  }
  return { chunks: strategy === 'batches' ? batches() : perRow(), stream };
}
