// A sweep's or tune's sample of a compressed dataset. A gzip/zstd stream cannot be entered in the
// middle, so ranges spread over the file (read/sample.ts) are not to be had without decompressing
// it all: the sample is the decompressed data's first records, cut at a record boundary and
// written uncompressed. The runs then measure the processing, not the decompression, and the
// sample's note says so.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ChunkscopeError } from '../base/errors';
import { formatBytes, formatMbPerSecond, formatMs } from '../base/format';
import { DEFAULTS } from '../options';
import { boundaryScannerFor } from '../parse/record-boundaries';
import { compressionName, decompressedPrefix, innerName } from './compressed';
import { inspectDataset, type DatasetInfo } from './dataset';
import type { PreparedSample, SampleSize } from './sample';

/** Most of a compressed file a sample decompresses (it is held in memory once). */
const MAX_SAMPLE_BYTES = 256 << 20;

export async function prepareCompressedSample(
  info: DatasetInfo,
  size: SampleSize | undefined,
  tempDir: string,
): Promise<{ info: DatasetInfo; prepared: PreparedSample }> {
  const dataBytes = info.sizeBytes - info.dataStart;
  const wanted =
    size === undefined
      ? DEFAULTS.sweep.sampleBytes
      : 'fraction' in size
        ? Math.ceil(dataBytes * size.fraction)
        : Math.ceil(size.rows * info.meanRowBytes);
  const started = performance.now();
  const { data, atEnd } = await decompressedPrefix(
    info.path,
    info.compression ?? 'none',
    info.compressed?.bytes ?? 0,
    info.dataStart + Math.min(wanted, MAX_SAMPLE_BYTES),
  );
  const ms = performance.now() - started;
  const scanner = boundaryScannerFor(info.format, info.delimiter);
  let rows = 0;
  let end = info.dataStart;
  const onEnd = (at: number, blank: boolean) => {
    if (!blank) rows++;
    end = at;
  };
  scanner.scan(data, info.dataStart, data.length, onEnd);
  if (atEnd) scanner.finish(data.length, onEnd);
  if (rows === 0)
    throw new ChunkscopeError(
      'data',
      `${info.path}: found no complete record in the first ${formatBytes(data.length)} of its decompressed data to sample`,
    );
  // A JSON array's records end after their comma: the sample's last one closes the array instead.
  const body =
    info.format === 'json' && !atEnd
      ? Buffer.concat([data.subarray(0, end - 1), Buffer.from('\n]\n')])
      : data.subarray(0, atEnd ? data.length : end);
  const file = path.join(tempDir, `sample${path.extname(innerName(info.path)) || '.csv'}`);
  try {
    writeFileSync(file, body);
  } catch (error) {
    throw new ChunkscopeError('io', `Cannot write the sample of ${info.path} to ${file}: ${(error as Error).message}`);
  }
  const sampleInfo = await inspectDataset(file, {
    delimiter: info.delimiter,
    header: info.hasHeader,
    format: info.format,
  });
  const bytes = end - info.dataStart;
  const name = compressionName(info.compression ?? 'none');
  const rate = ms > 0 ? formatMbPerSecond(data.length / 1e6 / (ms / 1000)) : 'unmeasured';
  const whole = atEnd;
  const bgzf = info.compression === 'bgzf';
  return {
    info: sampleInfo,
    prepared: {
      path: file,
      sample: {
        fileBytes: info.sizeBytes,
        rows,
        bytes,
        fraction: whole ? 1 : Math.min(1, bytes / dataBytes),
        ranges: [{ start: info.dataStart, end }],
        note:
          `The file is ${name}-compressed: the sample is ${whole ? 'all' : 'the first records'} of its decompressed data (a ${name} stream cannot be sampled across the file), written uncompressed, so these runs measure processing, not decompression ` +
          `(decompressing those ${formatBytes(data.length)} took ${formatMs(ms)}, ${rate}, start-up included; a run on the compressed file reports its own rate).` +
          (bgzf ? '' : ' A byte-range result runs as batches on the compressed file.'),
      },
      // Measured as the dataset's own runs go: a gzip/zstd stream runs byte-range as batches.
      defaultStrategy: bgzf ? undefined : 'batches',
      fileRows: whole ? rows : Math.max(rows, Math.round((rows * dataBytes) / Math.max(1, bytes))),
    },
  };
}
