// A sweep's sample of an Arrow IPC file: whole record batches spread over the file, written as a
// smaller Arrow file. apache-arrow's file reader reads the footer, the dictionaries and the picked
// batches synchronously from the file on disk (only those bytes); the sample is written
// uncompressed, so it measures decoding and your code, not decompression.
import { closeSync, fstatSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RecordBatchReader, Table, tableToIPC, vectorFromArray, type RecordBatch } from 'apache-arrow';
import { RandomAccessFile } from 'apache-arrow/io/file';
import { RecordBatchFileReader } from 'apache-arrow/ipc/reader';
import { ChunkscopeError } from '../base/errors';
import type { SweepSample } from '../model';
import type { DatasetInfo } from './dataset';
import { unitsSample } from './parquet-sample';
// Registers the LZ4 and ZSTD body codecs with apache-arrow, as a read of the file would.
import './arrow';

type FileReaderImpl = ConstructorParameters<typeof RecordBatchFileReader>[0];

/**
 * apache-arrow's synchronous file-reader implementation, which its package does not export (only
 * the in-memory and async FileHandle doors): taken from a reader of a one-row file.
 */
function fileReaderImpl(): new (file: RandomAccessFile) => FileReaderImpl {
  const probe = RecordBatchReader.from(tableToIPC(new Table({ x: vectorFromArray([0]) }), 'file')) as unknown as {
    _impl?: { constructor: new (file: RandomAccessFile) => FileReaderImpl };
  };
  if (!(probe instanceof RecordBatchFileReader) || !probe._impl)
    throw new Error('this apache-arrow version has no synchronous file reader to sample with');
  return probe._impl.constructor;
}

/** apache-arrow's in-memory file, reading from a file descriptor instead: only the bytes asked for. */
class FileOnDisk extends RandomAccessFile {
  constructor(
    private readonly fd: number,
    size: number,
  ) {
    super(new Uint8Array(0), size);
  }

  override readAt(position: number, nBytes: number): Uint8Array {
    const buffer = new Uint8Array(Math.max(0, Math.min(this.size, position + nBytes) - position));
    for (let filled = 0; filled < buffer.length;) {
      const n = readSync(this.fd, buffer, filled, buffer.length - filled, position + filled);
      if (n === 0) break;
      filled += n;
    }
    return buffer;
  }

  override read(nBytes?: number | null): Uint8Array | null {
    if (this.position >= this.size) return null;
    const bytes = this.readAt(this.position, Math.min(nBytes ?? this.size, this.size - this.position));
    this.position += bytes.length;
    return bytes;
  }
}

/** Writes the sample file of record batches `picks`; returns its SweepSample. */
export function writeArrowSample(
  info: DatasetInfo,
  picks: number[],
  tempDir: string,
  name: string,
): { path: string; sample: SweepSample } {
  const file = path.join(tempDir, `${name}.arrow`);
  const input = openSync(info.path, 'r');
  try {
    const Impl = fileReaderImpl();
    const reader = new RecordBatchFileReader(new Impl(new FileOnDisk(input, fstatSync(input).size)));
    reader.open();
    const batches: RecordBatch[] = [];
    for (const u of picks) {
      const batch = reader.readRecordBatch(u);
      if (!batch) throw new Error(`record batch ${u} is missing`);
      batches.push(batch);
    }
    writeFileSync(file, tableToIPC(new Table(batches), 'file'));
  } catch (error) {
    rmSync(file, { force: true });
    throw new ChunkscopeError(
      'io',
      `Cannot write the sweep's sample of ${info.path} (record batches ${picks.join(', ')}) to ${file}: ${(error as Error).message}`,
    );
  } finally {
    closeSync(input);
  }
  return {
    path: file,
    sample: unitsSample(info, picks, 'whole record batches spread over the file, written uncompressed'),
  };
}
