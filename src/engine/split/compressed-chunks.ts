// Chunks of a compressed dataset. A gzip or zstd stream cannot be entered at a byte offset, so it
// is decompressed once, in order, off the workers (gzip on libuv's thread pool, zstd with fzstd),
// and cut into record-aligned segments of decompressed bytes for `batches` (or single rows for
// `per-row`), as recordAlignedSegments does for a plain file. BGZF is the exception: its blocks
// can be read by range, so byte-range works there (workers inflate their own blocks).
import { ChunkscopeError } from '../base/errors';
import { compressionName, openDecompressed, type DecompressedStream } from '../read/compressed';
import type { DatasetInfo } from '../read/dataset';
import type { ChunkPlan } from '../model/protocol';
import type { Strategy } from '../model';
import { boundaryScannerFor } from '../parse/record-boundaries';
import { budgetOf, ownBuffer, rowTasks, type ChunkSizer, type PlannedChunk } from './strategies';

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
): AsyncGenerator<{ start: number; bytes: Buffer; records: number; last: boolean }> {
  const scanner = boundaryScannerFor(info.format, info.delimiter);
  let pieces: Buffer[] = [];
  let chunkStart = info.dataStart;
  let records = 0;
  let rowsHanded = 0;
  let segmentIndex = 0;
  let budget: number | undefined = sizer ? undefined : chunkBytes;
  // One segment is held back so the data's last one is known when it is handed out.
  let held: { start: number; bytes: Buffer; records: number } | undefined;
  let pos = 0;
  try {
    for await (const piece of stream) {
      const block = Buffer.from(piece.buffer, piece.byteOffset, piece.length);
      const n = block.length;
      // The header (and BOM, or a JSON array's "[") lies before dataStart.
      let i = Math.max(0, Math.min(n, info.dataStart - pos));
      let segmentStart = i;
      while (i < n) {
        let cut = -1;
        i = scanner.scan(block, i, n, (end, blank) => {
          if (!blank) records++;
          budget ??= budgetOf(sizer!, segmentIndex, chunkStart);
          if (records >= chunkRows || pos + end - chunkStart >= budget) {
            cut = end;
            return false;
          }
        });
        if (cut >= 0) {
          pieces.push(block.subarray(segmentStart, cut));
          if (held) {
            yield { ...held, last: false };
            rowsHanded += held.records;
          }
          held = { start: chunkStart, bytes: pieces.length === 1 ? pieces[0] : Buffer.concat(pieces), records };
          pieces = [];
          chunkStart = pos + cut;
          segmentStart = cut;
          records = 0;
          segmentIndex++;
          if (sizer) budget = undefined;
        }
      }
      if (segmentStart < n) pieces.push(block.subarray(segmentStart, n));
      pos += n;
    }
  } catch (error) {
    if (!(error instanceof ChunkscopeError)) throw error;
    throw new ChunkscopeError(
      error.code,
      `${error.message}; ${rowsHanded} row${rowsHanded === 1 ? '' : 's'} had been handed to the workers before it (no output was kept)`,
    );
  }
  scanner.finish(pos, (_end, blank) => {
    if (!blank) records++;
  });
  const tail = pieces.length > 0 ? { start: chunkStart, bytes: Buffer.concat(pieces), records } : undefined;
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
