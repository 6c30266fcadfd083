// Compressed text datasets: which compression a file uses (from its bytes), the name of what is
// inside, a decompressing stream for the main thread (gzip on libuv's thread pool through Node's
// zlib, zstd through fzstd), the decompressed prefix for inspection and sampling, and the block
// index of BGZF files, whose blocks can be read by range.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { ChunkscopeError } from '../base/errors';
import type { Compression } from '../model';

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
const SUFFIXES = ['.gz', '.gzip', '.bgz', '.zst', '.zstd'];

/** The compression of a file whose first bytes are `head` (BGZF: a gzip member with a 'BC' extra subfield). */
export function compressionOf(head: Uint8Array): Compression {
  if (head[0] === GZIP[0] && head[1] === GZIP[1]) return bgzfBlockSize(head, 0) !== undefined ? 'bgzf' : 'gzip';
  if (ZSTD.every((b, i) => head[i] === b)) return 'zstd';
  return 'none';
}

/** The file name without its compression suffix: `rows.csv.gz` → `rows.csv` (what the inside is called). */
export function innerName(file: string): string {
  const ext = path.extname(file).toLowerCase();
  return SUFFIXES.includes(ext) ? file.slice(0, -ext.length) : file;
}

export function compressionName(c: Compression): string {
  return c === 'bgzf' ? 'BGZF (blocked gzip)' : c;
}

/**
 * BSIZE + 1 of the BGZF block whose header starts at `at` (the whole block's length), or
 * undefined when the header there is not a BGZF one (or not all in `bytes`).
 */
function bgzfBlockSize(bytes: Uint8Array, at: number): number | undefined {
  // ID1 ID2 CM=8 FLG with FEXTRA (4), then MTIME(4) XFL OS XLEN(2) and the extra subfields.
  if (bytes.length < at + 18 || bytes[at] !== 0x1f || bytes[at + 1] !== 0x8b || bytes[at + 2] !== 8) return undefined;
  if ((bytes[at + 3] & 4) === 0) return undefined;
  const xlen = bytes[at + 10] | (bytes[at + 11] << 8);
  let p = at + 12;
  const end = p + xlen;
  if (bytes.length < end) return undefined;
  while (p + 4 <= end) {
    const slen = bytes[p + 2] | (bytes[p + 3] << 8);
    if (bytes[p] === 66 && bytes[p + 1] === 67 && slen === 2 && p + 6 <= end)
      return (bytes[p + 4] | (bytes[p + 5] << 8)) + 1;
    p += 4 + slen;
  }
  return undefined;
}

/** A BGZF file's blocks: block k holds decompressed bytes [decompressed[k], decompressed[k+1]) at compressed [compressed[k], compressed[k+1]). */
export interface BgzfIndex {
  compressed: Float64Array;
  decompressed: Float64Array;
}

/**
 * Walks a BGZF file's block headers by their BSIZE and reads each block's ISIZE trailer: the
 * decompressed offset of every block, without inflating any. Sequential reads of a large window,
 * so it costs one pass over the file's pages (headers only are parsed).
 */
export function indexBgzf(file: string, size: number): BgzfIndex {
  const compressed: number[] = [];
  const decompressed: number[] = [];
  const fd = openSync(file, 'r');
  try {
    const window = Buffer.allocUnsafe(1 << 20);
    let windowStart = 0;
    let windowEnd = 0;
    const bytesAt = (pos: number, length: number): Buffer => {
      if (pos < windowStart || pos + length > windowEnd) {
        windowStart = pos;
        windowEnd = pos + readSync(fd, window, 0, Math.min(window.length, size - pos), pos);
      }
      return window.subarray(pos - windowStart, pos - windowStart + Math.min(length, windowEnd - pos));
    };
    let pos = 0;
    let out = 0;
    while (pos < size) {
      const header = bytesAt(pos, 4096);
      const blockSize = bgzfBlockSize(header, 0);
      if (blockSize === undefined)
        throw new ChunkscopeError(
          'data',
          `${file}: the BGZF data has no valid block header at compressed byte ${pos} (a block ${compressed.length > 0 ? 'ended there' : 'should start there'}); the file is corrupt or is not BGZF`,
        );
      if (pos + blockSize > size)
        throw new ChunkscopeError(
          'data',
          `${file}: the BGZF file is cut short: the block at compressed byte ${pos} needs ${blockSize} bytes but the file ends at byte ${size}`,
        );
      const trailer = bytesAt(pos + blockSize - 4, 4);
      compressed.push(pos);
      decompressed.push(out);
      out += trailer.readUInt32LE(0);
      pos += blockSize;
    }
    compressed.push(pos);
    decompressed.push(out);
  } finally {
    closeSync(fd);
  }
  return { compressed: Float64Array.from(compressed), decompressed: Float64Array.from(decompressed) };
}

/** The first block whose data contains decompressed byte `offset` (the last block for offset = the end). */
export function bgzfBlockAt(index: BgzfIndex, offset: number): number {
  const d = index.decompressed;
  let lo = 0;
  let hi = d.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (d[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  // Empty blocks (the EOF marker) share their offset with the next one: skip to one with data.
  while (lo < d.length - 2 && d[lo + 1] <= offset) lo++;
  return lo;
}

/**
 * Reads decompressed bytes [start, start + into.length) of a BGZF file through `fd`: the blocks
 * covering them are read and inflated (each is a whole gzip member, CRC checked). Fewer bytes only
 * at the end of the data.
 */
export function readBgzfRange(file: string, fd: number, index: BgzfIndex, start: number, into: Uint8Array): Uint8Array {
  const total = index.decompressed[index.decompressed.length - 1];
  const end = Math.min(total, start + into.length);
  if (end <= start) return into.subarray(0, 0);
  const first = bgzfBlockAt(index, start);
  let filled = 0;
  // A few MB of compressed blocks at a time: the range of a big chunk need not be in memory twice.
  for (let block = first; filled < end - start;) {
    let last = block;
    while (
      last + 1 < index.compressed.length - 1 &&
      index.decompressed[last + 1] < end &&
      index.compressed[last + 1] - index.compressed[block] < 4 << 20
    )
      last++;
    const from = index.compressed[block];
    const compressed = Buffer.allocUnsafe(index.compressed[last + 1] - from);
    for (let got = 0; got < compressed.length;) {
      const n = readSync(fd, compressed, got, compressed.length - got, from + got);
      if (n === 0)
        throw new ChunkscopeError(
          'data',
          `${file}: the BGZF file ended at compressed byte ${from + got} while reading its blocks (was it changed during the run?)`,
        );
      got += n;
    }
    let inflated: Buffer;
    try {
      inflated = zlib.gunzipSync(compressed);
    } catch (error) {
      throw corruptBlock(file, index, compressed, block, last, error as Error);
    }
    const base = index.decompressed[block];
    const take = inflated.subarray(Math.max(0, start + filled - base), Math.min(inflated.length, end - base));
    into.set(take, filled);
    filled += take.length;
    block = last + 1;
    if (take.length === 0 && block >= index.compressed.length - 1) break;
  }
  return into.subarray(0, filled);
}

/** The error for blocks `first`..`last` (read into `bytes`) that failed to inflate, naming the first bad block. */
function corruptBlock(file: string, index: BgzfIndex, bytes: Buffer, first: number, last: number, error: Error) {
  const base = index.compressed[first];
  let bad = first;
  let why = error.message;
  // Inflated one by one only now, to say which block it is.
  for (let k = first; k <= last; k++) {
    try {
      zlib.gunzipSync(bytes.subarray(index.compressed[k] - base, index.compressed[k + 1] - base));
    } catch (e) {
      bad = k;
      why = (e as Error).message;
      break;
    }
  }
  return new ChunkscopeError(
    'data',
    `${file}: corrupt BGZF block at compressed byte ${index.compressed[bad]} (it holds decompressed bytes ${index.decompressed[bad]}–${index.decompressed[bad + 1]}): ${why}`,
  );
}

/** What a decompressing stream has done so far; read while it runs and after. */
export interface DecompressStats {
  compression: Compression;
  compressedBytes: number;
  /** Compressed bytes read from the file so far (the decoder may not have used them all yet). */
  compressedRead: number;
  /** Compressed bytes the decoder has taken in, for the decompressed data yielded so far. */
  compressedConsumed: number;
  decompressedBytes: number;
  /**
   * Time decompression was running (reading included): for gzip, from opening to the end less the
   * time it was paused because enough decompressed data waited unused; for zstd, the time in fzstd.
   */
  decompressMs: number;
  /** The consumer's waits for decompressed bytes: the time decompression kept it waiting. */
  waitMs: number;
  done: boolean;
}

/** Decompressed bytes of a file, in pieces, in order. An error names the file and the compressed byte reached. */
export interface DecompressedStream extends AsyncIterable<Uint8Array> {
  readonly stats: DecompressStats;
  /** Stops reading and releases the file. */
  close(): void;
}

const READ_CHUNK = 1 << 20;
/** Decompressed bytes gzip may run ahead of the consumer: enough that it rarely pauses, so its rate is its own. */
const AHEAD_BYTES = 8 << 20;

/** A streaming decompression of `file` (gzip and BGZF on libuv's thread pool, zstd with fzstd). */
export function openDecompressed(file: string, compression: Compression, compressedBytes: number): DecompressedStream {
  const stats: DecompressStats = {
    compression,
    compressedBytes,
    compressedRead: 0,
    compressedConsumed: 0,
    decompressedBytes: 0,
    decompressMs: 0,
    waitMs: 0,
    done: false,
  };
  const input = createReadStream(file, { highWaterMark: READ_CHUNK });
  input.on('data', (piece) => (stats.compressedRead += piece.length));
  const failed = (message: string) =>
    new ChunkscopeError(
      'data',
      `${file}: ${message}, at compressed byte ${stats.compressedRead} of ${compressedBytes} (decompressed byte ${stats.decompressedBytes})`,
    );
  const source = compression === 'zstd' ? zstdSource(input, failed, stats) : gzipSource(input, failed, stats);
  return {
    stats,
    close: source.stop,
    async *[Symbol.asyncIterator]() {
      try {
        for (;;) {
          const waitStart = performance.now();
          const piece = await source.next();
          stats.waitMs += performance.now() - waitStart;
          if (piece === undefined) break;
          stats.decompressedBytes += piece.length;
          yield piece;
        }
        stats.done = true;
      } finally {
        source.stop();
      }
    },
  };
}

interface PieceSource {
  /** The next decompressed piece; undefined at the end. */
  next(): Promise<Uint8Array | undefined>;
  stop(): void;
}

/**
 * gzip (multi-member and BGZF too: concatenated members are one stream to Node's gunzip), run on
 * libuv's thread pool. It decompresses ahead of the consumer into a bounded queue and pauses only
 * when the queue is full, so its running time is known.
 */
function gzipSource(
  input: NodeJS.ReadableStream & { destroy(): void },
  failed: (message: string) => ChunkscopeError,
  stats: DecompressStats,
): PieceSource {
  const opened = performance.now();
  let pausedMs = 0;
  let pausedAt: number | undefined;
  const gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
  const queue: Uint8Array[] = [];
  let queued = 0;
  let ended = false;
  let error: ChunkscopeError | undefined;
  let wake: (() => void) | undefined;
  const running = () => {
    if (!ended) stats.decompressMs = performance.now() - opened - pausedMs;
  };
  input.on('error', (e) => gunzip.destroy(e as Error));
  input.pipe(gunzip);
  gunzip.on('data', (piece: Buffer) => {
    queue.push(piece);
    queued += piece.length;
    if (queued >= AHEAD_BYTES && pausedAt === undefined) {
      pausedAt = performance.now();
      gunzip.pause();
    }
    wake?.();
  });
  gunzip.on('end', () => {
    running();
    ended = true;
    wake?.();
  });
  gunzip.on('error', (e: NodeJS.ErrnoException) => {
    if (e instanceof ChunkscopeError) error = e;
    else if (e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message))
      error = failed('the gzip data is cut short (the file ends inside a compressed block)');
    else if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR')
      error = failed(`cannot be read (${e.message})`);
    else error = failed(`corrupt gzip data (${e.message})`);
    wake?.();
  });
  return {
    async next() {
      for (;;) {
        if (error) throw error;
        const piece = queue.shift();
        if (piece) {
          queued -= piece.length;
          if (pausedAt !== undefined && queued < AHEAD_BYTES / 2) {
            pausedMs += performance.now() - pausedAt;
            pausedAt = undefined;
            gunzip.resume();
          }
          stats.compressedConsumed = gunzip.bytesWritten;
          running();
          return piece;
        }
        if (ended) return undefined;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
    stop() {
      input.destroy();
      gunzip.destroy();
    },
  };
}

/** zstd with fzstd (Node 20's zlib has none): it runs in JavaScript on this thread, timed push by push. */
function zstdSource(
  input: NodeJS.ReadableStream & { destroy(): void },
  failed: (message: string) => ChunkscopeError,
  stats: DecompressStats,
): PieceSource {
  const pieces = zstdPieces(input, failed, stats);
  return {
    async next() {
      const next = await pieces.next();
      return next.done ? undefined : next.value;
    },
    stop: () => input.destroy(),
  };
}

async function* zstdPieces(
  input: NodeJS.ReadableStream,
  failed: (message: string) => ChunkscopeError,
  stats: DecompressStats,
): AsyncGenerator<Uint8Array> {
  let out: Uint8Array[] = [];
  const decoder = new ZstdDecompress((data) => out.push(data));
  let last: Uint8Array | undefined;
  let pushed = 0;
  const push = (piece: Uint8Array, final: boolean) => {
    const t0 = performance.now();
    try {
      decoder.push(piece, final);
    } catch (error) {
      const message = (error as Error).message;
      throw failed(
        /unexpected EOF|end of|truncat/i.test(message)
          ? `the zstd data is cut short (${message})`
          : `corrupt zstd data (${message})`,
      );
    } finally {
      stats.decompressMs += performance.now() - t0;
    }
    pushed += piece.length;
    stats.compressedConsumed = pushed;
  };
  // fzstd needs to know which push is the last: hold one piece back.
  for await (const piece of input) {
    if (last) push(last, false);
    last = piece as Buffer;
    if (out.length > 0) {
      const ready = out;
      out = [];
      yield* ready;
    }
  }
  push(last ?? new Uint8Array(0), true);
  yield* out;
  // A frame that never completed leaves fzstd waiting for bytes without an error: check its state.
  if (!zstdFinished(decoder)) throw failed('the zstd data is cut short (the file ends inside a frame)');
}

/** fzstd keeps its partial frame in private fields; a finished stream has none left. */
function zstdFinished(decoder: ZstdDecompress): boolean {
  const state = decoder as unknown as { s?: unknown; c?: Uint8Array };
  return !state.s && (!state.c || state.c.length === 0);
}

/** The first `bytes` (or fewer, at the end) of the decompressed data, and whether that is all of it. */
export async function decompressedPrefix(
  file: string,
  compression: Compression,
  compressedBytes: number,
  bytes: number,
): Promise<{ data: Buffer; atEnd: boolean; compressedConsumed: number }> {
  const stream = openDecompressed(file, compression, compressedBytes);
  const pieces: Uint8Array[] = [];
  let length = 0;
  let atEnd = true;
  try {
    for await (const piece of stream) {
      pieces.push(piece);
      length += piece.length;
      if (length > bytes) {
        atEnd = false;
        break;
      }
    }
  } finally {
    stream.close();
  }
  const all = Buffer.concat(pieces);
  return { data: atEnd ? all : all.subarray(0, bytes), atEnd, compressedConsumed: stream.stats.compressedConsumed };
}

/** The last member's ISIZE (decompressed size mod 2^32): the whole size when the file is one member. */
export function gzipTrailerSize(file: string, compressedBytes: number): number | undefined {
  if (compressedBytes < 18) return undefined;
  const fd = openSync(file, 'r');
  try {
    const trailer = Buffer.alloc(4);
    readSync(fd, trailer, 0, 4, compressedBytes - 4);
    return trailer.readUInt32LE(0);
  } finally {
    closeSync(fd);
  }
}

/**
 * What inspection needs of a compressed file: its first `bytes` decompressed, the decompressed
 * size (exact for BGZF and for a stream decompressed to its end, else estimated) and, for BGZF,
 * the block index.
 */
export async function inspectCompressed(
  file: string,
  compression: Compression,
  compressedBytes: number,
  bytes: number,
): Promise<{ prefix: Buffer; atEnd: boolean; dataSize: number; bytes: number; sizeExact: boolean; bgzf?: BgzfIndex }> {
  if (compression === 'bgzf') {
    const bgzf = indexBgzf(file, compressedBytes);
    const total = bgzf.decompressed[bgzf.decompressed.length - 1];
    const fd = openSync(file, 'r');
    let prefix: Buffer;
    try {
      prefix = Buffer.from(readBgzfRange(file, fd, bgzf, 0, new Uint8Array(Math.min(bytes, total))));
    } finally {
      closeSync(fd);
    }
    return { prefix, atEnd: prefix.length >= total, dataSize: total, bytes: compressedBytes, sizeExact: true, bgzf };
  }
  const { data, atEnd, compressedConsumed } = await decompressedPrefix(file, compression, compressedBytes, bytes);
  if (atEnd) return { prefix: data, atEnd, dataSize: data.length, bytes: compressedBytes, sizeExact: true };
  // The prefix's compression ratio, carried over the file; a gzip file of one member says its
  // size in its trailer (mod 4 GiB), believed when it is near that estimate (a multi-member file's
  // last trailer is only its last member's).
  let estimate = Math.round((data.length * compressedBytes) / Math.max(1, compressedConsumed));
  const trailer = compression === 'gzip' ? gzipTrailerSize(file, compressedBytes) : undefined;
  if (trailer !== undefined && trailer > estimate / 2 && trailer < estimate * 2)
    estimate = Math.max(trailer, data.length);
  return {
    prefix: data,
    atEnd,
    dataSize: Math.max(estimate, data.length + 1),
    bytes: compressedBytes,
    sizeExact: false,
  };
}

/**
 * The same error with its byte offsets named as decompressed ones ("byte N" → "byte N of the
 * decompressed data"): a compressed file's rows are located in its decompressed data. Offsets
 * already called compressed or decompressed are left alone.
 */
export function inDecompressedTerms(error: unknown): unknown {
  if (!(error instanceof ChunkscopeError) || error.message.includes('of the decompressed data')) return error;
  const message = error.message
    .replace(/(?<!compressed )\bbyte (\d+)(?! of the decompressed)/g, 'byte $1 of the decompressed data')
    .replace(/(?<!compressed )\bbytes (\d+)–(\d+) of /g, 'decompressed bytes $1–$2 of ');
  return message === error.message ? error : new ChunkscopeError(error.code, message, error.location);
}
