// Reads a whole zip file (a .vsix) into memory with yauzl, the zip reader vsce itself depends on.
import * as fs from 'node:fs';

interface YauzlEntry {
  fileName: string;
  externalFileAttributes: number;
}
interface YauzlZip {
  readEntry(): void;
  on(event: 'entry', cb: (entry: YauzlEntry) => void): void;
  on(event: 'end', cb: () => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  openReadStream(entry: YauzlEntry, cb: (err: Error | null, stream: NodeJS.ReadableStream) => void): void;
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yauzl = require('yauzl') as {
  open(file: string, options: { lazyEntries: boolean }, cb: (err: Error | null, zip: YauzlZip) => void): void;
};

export interface ZipEntry {
  data: Buffer;
  /** Unix mode bits from the entry's external attributes (0 when the writer stored none). */
  mode: number;
}

export function readZip(file: string): Promise<Map<string, ZipEntry>> {
  if (!fs.existsSync(file)) return Promise.reject(new Error(`${file} does not exist`));
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const entries = new Map<string, ZipEntry>();
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const parts: Buffer[] = [];
          stream.on('data', (b: Buffer) => parts.push(b));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.set(entry.fileName, { data: Buffer.concat(parts), mode: entry.externalFileAttributes >>> 16 });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
