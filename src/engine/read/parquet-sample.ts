// A sweep's sample of a Parquet file: whole row groups spread evenly over the file, their bytes
// copied unchanged (same encodings, same compression, so decoding costs what it costs on the real
// file) into a new Parquet file whose footer is the original's with only those row groups, their
// offsets moved to where the bytes now are. The footer is rewritten field by field in Thrift's
// compact protocol: every field is copied as it is, except the row-group list, the row count and
// the byte offsets; page indexes and bloom filters (outside the copied bytes) are dropped.
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ChunkscopeError } from '../base/errors';
import type { SweepSample } from '../model/sweep';
import type { DatasetInfo } from './dataset';
import type { TableUnit } from './table';

// Compact-protocol type ids.
const T_STOP = 0;
const T_TRUE = 1;
const T_FALSE = 2;
const T_BYTE = 3;
const T_I16 = 4;
const T_I32 = 5;
const T_I64 = 6;
const T_DOUBLE = 7;
const T_BINARY = 8;
const T_LIST = 9;
const T_SET = 10;
const T_MAP = 11;
const T_STRUCT = 12;

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.bytes.length) throw new Error('the footer ends inside a value');
    return this.bytes[this.pos++];
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  zigzag(): bigint {
    const v = this.varint();
    return (v >> 1n) ^ -(v & 1n);
  }
  /** Skips one value of type `type` (its header already read). */
  skip(type: number): void {
    switch (type) {
      case T_TRUE:
      case T_FALSE:
        return;
      case T_BYTE:
        this.pos++;
        return;
      case T_I16:
      case T_I32:
      case T_I64:
        this.varint();
        return;
      case T_DOUBLE:
        this.pos += 8;
        return;
      case T_BINARY: {
        // Read the length first: `pos += varint()` would add to the position from before the length.
        const length = Number(this.varint());
        this.pos += length;
        return;
      }
      case T_LIST:
      case T_SET: {
        const { size, elementType } = this.listHeader();
        for (let i = 0; i < size; i++) this.skipElement(elementType);
        return;
      }
      case T_MAP: {
        const size = Number(this.varint());
        if (size === 0) return;
        const kinds = this.byte();
        for (let i = 0; i < size; i++) {
          this.skipElement(kinds >> 4);
          this.skipElement(kinds & 0x0f);
        }
        return;
      }
      case T_STRUCT:
        for (let field = this.fieldHeader(0); field.type !== T_STOP; field = this.fieldHeader(field.id))
          this.skip(field.type);
        return;
      default:
        throw new Error(`unknown Thrift type ${type} at footer byte ${this.pos}`);
    }
  }
  /** In lists, booleans take a byte each. */
  skipElement(type: number): void {
    if (type === T_TRUE || type === T_FALSE) this.pos++;
    else this.skip(type);
  }
  listHeader(): { size: number; elementType: number } {
    const b = this.byte();
    const short = b >> 4;
    return { size: short === 15 ? Number(this.varint()) : short, elementType: b & 0x0f };
  }
  fieldHeader(lastId: number): { id: number; type: number } {
    const b = this.byte();
    const type = b & 0x0f;
    if (type === T_STOP) return { id: lastId, type };
    const delta = b >> 4;
    return { id: delta === 0 ? Number(this.zigzag()) : lastId + delta, type };
  }
}

class Writer {
  private parts: number[] = [];
  byte(b: number): void {
    this.parts.push(b & 0xff);
  }
  bytes(from: Uint8Array, start: number, end: number): void {
    for (let i = start; i < end; i++) this.parts.push(from[i]);
  }
  varint(value: bigint): void {
    let v = value;
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }
  zigzag(value: bigint): void {
    this.varint(value >= 0n ? value << 1n : (-value << 1n) - 1n);
  }
  fieldHeader(id: number, lastId: number, type: number): void {
    const delta = id - lastId;
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.zigzag(BigInt(id));
    }
  }
  listHeader(size: number, elementType: number): void {
    if (size < 15) this.byte((size << 4) | elementType);
    else {
      this.byte(0xf0 | elementType);
      this.varint(BigInt(size));
    }
  }
  result(): Buffer {
    return Buffer.from(this.parts);
  }
}

/** Field ids (parquet.thrift) this rewrite changes; every other field is copied byte for byte. */
const FILE_NUM_ROWS = 3;
const FILE_ROW_GROUPS = 4;
const GROUP_COLUMNS = 1;
const GROUP_FILE_OFFSET = 5;
const CHUNK_FILE_OFFSET = 2;
const CHUNK_META = 3;
/** ColumnChunk: offset/column index offsets and lengths, which point outside the copied bytes. */
const CHUNK_DROPPED = new Set([4, 5, 6, 7]);
/** ColumnMetaData: data, index and dictionary page offsets. */
const META_OFFSETS = new Set([9, 10, 11]);
/** ColumnMetaData: bloom filter offset and length (outside the copied bytes). */
const META_DROPPED = new Set([14, 15]);

type FieldRule = (id: number, type: number, r: Reader, w: Writer, lastId: number) => 'copy' | 'done' | 'drop';

/** Copies a struct, letting `rule` handle the fields it knows; returns after the STOP byte. */
function copyStruct(r: Reader, w: Writer, rule: FieldRule): void {
  let lastRead = 0;
  let lastWritten = 0;
  for (;;) {
    const field = r.fieldHeader(lastRead);
    lastRead = field.id;
    if (field.type === T_STOP) {
      w.byte(T_STOP);
      return;
    }
    const action = rule(field.id, field.type, r, w, lastWritten);
    if (action === 'done') {
      lastWritten = field.id;
      continue;
    }
    const start = r.pos;
    r.skip(field.type);
    if (action === 'drop') continue;
    w.fieldHeader(field.id, lastWritten, field.type);
    w.bytes(r.bytes, start, r.pos);
    lastWritten = field.id;
  }
}

/** An i64 byte offset moved by `shift`; offsets of 0 (some writers' "none") stay 0. */
function shiftedI64(id: number, r: Reader, w: Writer, lastId: number, shift: bigint): 'done' {
  const value = r.zigzag();
  w.fieldHeader(id, lastId, T_I64);
  w.zigzag(value > 0n ? value + shift : value);
  return 'done';
}

function copyColumnMeta(r: Reader, w: Writer, shift: bigint): void {
  copyStruct(r, w, (id, type, rr, ww, lastId) => {
    if (META_DROPPED.has(id)) return 'drop';
    if (META_OFFSETS.has(id) && type === T_I64) return shiftedI64(id, rr, ww, lastId, shift);
    return 'copy';
  });
}

function copyColumnChunk(r: Reader, w: Writer, shift: bigint): void {
  copyStruct(r, w, (id, type, rr, ww, lastId) => {
    if (CHUNK_DROPPED.has(id)) return 'drop';
    if (id === CHUNK_FILE_OFFSET && type === T_I64) return shiftedI64(id, rr, ww, lastId, shift);
    if (id === CHUNK_META && type === T_STRUCT) {
      ww.fieldHeader(id, lastId, T_STRUCT);
      copyColumnMeta(rr, ww, shift);
      return 'done';
    }
    return 'copy';
  });
}

function copyRowGroup(r: Reader, w: Writer, shift: bigint): void {
  copyStruct(r, w, (id, type, rr, ww, lastId) => {
    if (id === GROUP_FILE_OFFSET && type === T_I64) return shiftedI64(id, rr, ww, lastId, shift);
    if (id === GROUP_COLUMNS && type === T_LIST) {
      const { size, elementType } = rr.listHeader();
      ww.fieldHeader(id, lastId, T_LIST);
      ww.listHeader(size, elementType);
      for (let i = 0; i < size; i++) copyColumnChunk(rr, ww, shift);
      return 'done';
    }
    return 'copy';
  });
}

/**
 * The footer (FileMetaData) with only the row groups in `keep`, each moved by its shift, and
 * num_rows set to `rows`.
 */
export function rewriteFooter(footer: Uint8Array, keep: Map<number, bigint>, rows: number): Buffer {
  const r = new Reader(footer);
  const w = new Writer();
  copyStruct(r, w, (id, type, rr, ww, lastId) => {
    if (id === FILE_NUM_ROWS && type === T_I64) {
      rr.zigzag();
      ww.fieldHeader(id, lastId, T_I64);
      ww.zigzag(BigInt(rows));
      return 'done';
    }
    if (id === FILE_ROW_GROUPS && type === T_LIST) {
      const { size, elementType } = rr.listHeader();
      ww.fieldHeader(id, lastId, T_LIST);
      ww.listHeader(keep.size, elementType);
      for (let g = 0; g < size; g++) {
        const shift = keep.get(g);
        if (shift === undefined) rr.skip(T_STRUCT);
        else copyRowGroup(rr, ww, shift);
      }
      return 'done';
    }
    return 'copy';
  });
  return w.result();
}

/** Row groups spread evenly over the file whose bytes add up to at least `wanted`. */
export function pickUnits(units: TableUnit[], wanted: number): number[] {
  const sizes = units.map((u) => u.byteEnd - u.byteStart);
  const total = sizes.reduce((a, b) => a + b, 0);
  const n = units.length;
  let k = Math.max(1, Math.min(n, Math.ceil((wanted / Math.max(1, total)) * n)));
  for (;;) {
    const picks = [...new Set(Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * n) / k)))];
    const bytes = picks.reduce((sum, u) => sum + sizes[u], 0);
    if (bytes >= wanted || k >= n) return picks;
    k++;
  }
}

function readExactly(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const n = readSync(fd, buffer, filled, length - filled, position + filled);
    if (n === 0) break;
    filled += n;
  }
  return buffer.subarray(0, filled);
}

/** Writes the sample file of row groups `picks`; returns its SweepSample and rows. */
export function writeParquetSample(
  info: DatasetInfo,
  picks: number[],
  tempDir: string,
  name: string,
): { path: string; sample: SweepSample } {
  const units = info.table!.units;
  const file = path.join(tempDir, `${name}.parquet`);
  const input = openSync(info.path, 'r');
  try {
    const tail = readExactly(input, 8, info.sizeBytes - 8);
    const footerLength = tail.readUInt32LE(0);
    const footer = readExactly(input, footerLength, info.sizeBytes - 8 - footerLength);
    const keep = new Map<number, bigint>();
    const output = openSync(file, 'w');
    try {
      writeSync(output, 'PAR1');
      let at = 4;
      for (const u of picks) {
        const { byteStart, byteEnd } = units[u];
        keep.set(u, BigInt(at - byteStart));
        for (let pos = byteStart; pos < byteEnd;) {
          const piece = readExactly(input, Math.min(4 << 20, byteEnd - pos), pos);
          if (piece.length === 0) break;
          writeSync(output, piece);
          pos += piece.length;
        }
        at += byteEnd - byteStart;
      }
      const rows = picks.reduce((n, u) => n + units[u].rows, 0);
      const newFooter = rewriteFooter(footer, keep, rows);
      writeSync(output, newFooter);
      const end = Buffer.alloc(8);
      end.writeUInt32LE(newFooter.length, 0);
      end.write('PAR1', 4, 'latin1');
      writeSync(output, end);
    } finally {
      closeSync(output);
    }
  } catch (error) {
    rmSync(file, { force: true });
    throw new ChunkscopeError(
      'io',
      `Cannot write the sweep's sample of ${info.path} (row groups ${picks.join(', ')}) to ${file}: ${(error as Error).message}`,
    );
  } finally {
    closeSync(input);
  }
  return { path: file, sample: unitsSample(info, picks) };
}

/** The SweepSample of a typed table's sample made of the units `picks` (row groups, record batches). */
export function unitsSample(info: DatasetInfo, picks: number[], note?: string): SweepSample {
  const units = info.table!.units;
  const ranges = picks.map((u) => ({ start: units[u].byteStart, end: units[u].byteEnd }));
  const bytes = ranges.reduce((n, r) => n + r.end - r.start, 0);
  return {
    fileBytes: info.sizeBytes,
    rows: picks.reduce((n, u) => n + units[u].rows, 0),
    bytes,
    fraction: bytes / (info.sizeBytes - info.dataStart),
    ranges,
    ...(note ? { note } : {}),
  };
}
