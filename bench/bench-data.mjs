// The bench's generated CSV (examples/generate.mjs, shape "bench"), made once per row count and
// seed in bench/data and reused while its marker (rows, seed, size) still matches the file.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '../examples/generate.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const BENCH_SEED = 42;

/** { file, rows, bytes } of the bench CSV with `rows` rows; `onGenerate(file)` is told when it must be made. */
export async function benchCsv(rows, { seed = BENCH_SEED, onGenerate } = {}) {
  const dir = path.join(root, 'bench/data');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, rows === 2_000_000 && seed === BENCH_SEED ? 'bench-2m.csv' : `bench-${rows}-${seed}.csv`);
  const markerFile = `${file}.meta.json`;
  const marker = existsSync(markerFile) ? JSON.parse(readFileSync(markerFile, 'utf8')) : undefined;
  if (marker?.rows === rows && marker?.seed === seed && existsSync(file) && statSync(file).size === marker.bytes)
    return { file, rows, bytes: marker.bytes };
  onGenerate?.(file);
  const r = await generate('bench', { rows, out: file, seed });
  writeFileSync(markerFile, JSON.stringify({ shape: 'bench', rows, seed, bytes: r.bytes }) + '\n');
  return { file, rows, bytes: r.bytes, seconds: r.seconds };
}
