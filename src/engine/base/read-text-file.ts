// Reads a Chunkscope file (timings, sweep, tuning) as text, with errors that say which file and why.
import { readFileSync } from 'node:fs';
import { ChunkscopeError } from './errors';

/** The file's text; `noun` ("timings file") names what was expected in the errors. */
export function readTextFile(file: string, noun: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ChunkscopeError('input', `Cannot read the ${noun} ${file}: there is no such file`);
    if (code === 'EISDIR') throw new ChunkscopeError('input', `Cannot read the ${noun} ${file}: it is a folder`);
    throw new ChunkscopeError('io', `Cannot read the ${noun} ${file}: ${(err as Error).message}`);
  }
}
