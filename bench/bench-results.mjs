// Where the benches write their figures: bench/results/<name>-<day><suffix>.json, each naming the
// machine it ran on the same way.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The CPU, core count, Node version and the load averages around the bench. */
export function machineInfo(loadAtStart) {
  return {
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    node: process.version,
    loadAtStart,
    loadAtEnd: os.loadavg(),
  };
}

/** A JSON.stringify replacer: fractions to 3 decimals, so results files stay readable. */
export const round3 = (_key, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v);

/** Writes `result` to bench/results/<name>-<today><suffix>.json and says where. */
export function writeResults(name, result, { suffix = '', replacer = null } = {}) {
  const dir = path.join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().slice(0, 10)}${suffix}.json`);
  writeFileSync(file, JSON.stringify(result, replacer, 1) + '\n');
  console.log(`results: ${path.relative(root, file)}`);
  return file;
}
