// Cuts a dataset's records, as their bytes arrive, into exact record-aligned segments: after
// `chunkRows` rows or once `chunkBytes` is reached, or at the byte budget a sizer gives each segment
// when its first record has been scanned. The plain file's reader (strategies.ts) and the
// decompressed stream (compressed-chunks.ts) both push their blocks through it.
import type { DatasetInfo } from '../read/dataset';
import { boundaryScannerFor } from '../parse/record-boundaries';

export interface Segment {
  start: number;
  bytes: Buffer;
  records: number;
}

/**
 * The byte budget of the chunk about to be planned, which starts at `byteStart` (adaptive chunking).
 * Called lazily, once per chunk, when the executor asks for that chunk, so it can use every result
 * received so far.
 */
export type ChunkSizer = (chunk: number, byteStart: number) => number;

/** A sizer's answer as a usable byte count: a whole number of at least 1. */
export function budgetOf(sizer: ChunkSizer, chunk: number, byteStart: number): number {
  const bytes = Math.floor(sizer(chunk, byteStart));
  if (!(bytes >= 1))
    throw new Error(
      `Chunk sizer returned ${bytes} bytes for chunk ${chunk} (at byte ${byteStart}); a chunk needs at least 1 byte`,
    );
  return bytes;
}

export class SegmentCutter {
  private readonly scanner;
  private pieces: Buffer[] = [];
  private chunkStart: number;
  private records = 0;
  private segmentIndex = 0;
  // Asked lazily, so no budget is requested for a segment that never comes (the data ended at a cut).
  private budget: number | undefined;

  /**
   * `reusesBlocks`: the caller fills the same buffer again after each push, so what is kept of a
   * block is copied; a stream's fresh blocks are kept as views.
   */
  constructor(
    info: DatasetInfo,
    private readonly chunkRows: number,
    private readonly chunkBytes: number,
    private readonly sizer: ChunkSizer | undefined,
    private readonly reusesBlocks: boolean,
  ) {
    this.scanner = boundaryScannerFor(info.format, info.delimiter);
    this.chunkStart = info.dataStart;
    this.budget = sizer ? undefined : chunkBytes;
  }

  /**
   * Scans `block`, whose first byte is the data's byte `pos`, from index `from` (what lies before is
   * not data: the header), and yields each segment as it is cut, so a sizer's next budget is asked
   * only once the consumer wants the next segment.
   */
  *push(block: Buffer, pos: number, from = 0): Generator<Segment> {
    const n = block.length;
    let segmentStart = from;
    let i = from;
    while (i < n) {
      let cut = -1;
      i = this.scanner.scan(block, i, n, (end, blank) => {
        if (!blank) this.records++;
        this.budget ??= budgetOf(this.sizer!, this.segmentIndex, this.chunkStart);
        if (this.records >= this.chunkRows || pos + end - this.chunkStart >= this.budget) {
          cut = end;
          return false;
        }
      });
      if (cut >= 0) {
        this.keep(block.subarray(segmentStart, cut));
        const bytes = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces);
        const segment = { start: this.chunkStart, bytes, records: this.records };
        this.pieces = [];
        this.chunkStart = pos + cut;
        segmentStart = cut;
        this.records = 0;
        this.segmentIndex++;
        if (this.sizer) this.budget = undefined;
        yield segment;
      }
    }
    if (segmentStart < n) this.keep(block.subarray(segmentStart, n));
  }

  /** The data ended at byte `pos`: the last segment, when any bytes are left after the last cut. */
  finish(pos: number): Segment | undefined {
    this.scanner.finish(pos, (_end, blank) => {
      if (!blank) this.records++;
    });
    if (this.pieces.length === 0) return undefined;
    return { start: this.chunkStart, bytes: Buffer.concat(this.pieces), records: this.records };
  }

  private keep(piece: Buffer): void {
    this.pieces.push(this.reusesBlocks ? Buffer.from(piece) : piece);
  }
}
