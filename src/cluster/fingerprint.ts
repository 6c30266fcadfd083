// What makes "the same data" and "the same processor" on two machines: the data's size, mtime and
// the sha256 of its first and last 64 KiB; the processor file's sha256. Workers check both before
// they run anything, so a node that sees another file refuses instead of computing wrong output.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { DEFAULTS } from '../engine';

export interface DataFingerprint {
  size: number;
  mtimeMs: number;
  head: string;
  tail: string;
}

function hashRange(fd: number, start: number, length: number): string {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const n = readSync(fd, buffer, filled, length - filled, start + filled);
    if (n === 0) break;
    filled += n;
  }
  return createHash('sha256').update(buffer.subarray(0, filled)).digest('hex');
}

export function dataFingerprint(file: string): DataFingerprint {
  const stat = statSync(file);
  const n = Math.min(DEFAULTS.cluster.fingerprintBytes, stat.size);
  const fd = openSync(file, 'r');
  try {
    return {
      size: stat.size,
      mtimeMs: Math.round(stat.mtimeMs),
      head: hashRange(fd, 0, n),
      tail: hashRange(fd, stat.size - n, n),
    };
  } finally {
    closeSync(fd);
  }
}

/** Why `file` on this machine is not the coordinator's data, or undefined when it is. */
export function dataMismatch(file: string, expected: DataFingerprint): string | undefined {
  if (!existsSync(file)) return `${file} does not exist here`;
  const seen = dataFingerprint(file);
  const diffs: string[] = [];
  if (seen.size !== expected.size) diffs.push(`size ${seen.size} bytes here, ${expected.size} on the coordinator`);
  if (seen.mtimeMs !== expected.mtimeMs)
    diffs.push(
      `modified ${new Date(seen.mtimeMs).toISOString()} here, ${new Date(expected.mtimeMs).toISOString()} on the coordinator`,
    );
  if (seen.head !== expected.head) diffs.push('its first bytes differ');
  if (seen.tail !== expected.tail) diffs.push('its last bytes differ');
  return diffs.length ? `${file} is not the coordinator's file: ${diffs.join('; ')}` : undefined;
}

export function fileSha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * A path of the coordinator's as this machine sees it: `--data-root FROM=TO` (or --code-root)
 * replaces the prefix FROM with TO; without a mapping the path is the same on every machine.
 */
export function mapPath(file: string, mapping: string | undefined): string {
  if (!mapping) return file;
  const eq = mapping.indexOf('=');
  const from = mapping.slice(0, eq).replace(/\/+$/, '');
  const to = mapping.slice(eq + 1).replace(/\/+$/, '');
  if (file === from) return to;
  return file.startsWith(`${from}/`) ? to + file.slice(from.length) : file;
}
