// Output files that never exist half-written: data goes to a temporary file beside the target,
// renamed into place only when the run succeeds, and removed when it does not.
import { close, closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ChunkscopeError } from './errors';

export class AtomicFile {
  private fd: number;
  readonly tempPath: string;

  constructor(readonly finalPath: string) {
    this.tempPath = path.join(
      path.dirname(finalPath),
      `.${path.basename(finalPath)}.${process.pid}.${Date.now().toString(36)}.partial`,
    );
    try {
      this.fd = openSync(this.tempPath, 'w');
    } catch (error) {
      throw new ChunkscopeError('io', `Cannot write ${finalPath}: ${(error as Error).message}`);
    }
  }

  write(data: string | Uint8Array): void {
    if (typeof data === 'string') {
      if (data.length > 0) writeSync(this.fd, data);
      return;
    }
    for (let done = 0; done < data.length;) done += writeSync(this.fd, data, done, data.length - done);
  }

  commit(): void {
    closeSync(this.fd);
    this.fd = -1;
    // Replacing a file frees its blocks inside rename(): ~20 ms for a 40 MB output, on the run's
    // critical path. Held open across the rename, the old file is freed when that descriptor is
    // closed, which a libuv pool thread does afterwards.
    const replaced = openExisting(this.finalPath);
    try {
      renameSync(this.tempPath, this.finalPath);
    } finally {
      if (replaced !== undefined) close(replaced, () => undefined);
    }
  }

  discard(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.tempPath, { force: true });
  }
}

function openExisting(file: string): number | undefined {
  try {
    return openSync(file, 'r');
  } catch {
    return undefined;
  }
}

/** Writes a whole file atomically (timings, traces). */
export function writeFileAtomic(finalPath: string, text: string): void {
  const file = new AtomicFile(finalPath);
  try {
    file.write(text);
    file.commit();
  } catch (error) {
    file.discard();
    throw error;
  }
}
