#!/usr/bin/env node
// What no engine can avoid in the default job, measured on one thread: the user's row function
// (sum-of-squares.js: Number() of 8 fields) over row objects that are already built, and writing
// its results as JSON. Any design's per-row time is at least their sum, so with W workers the
// default job takes at least rows × that / W: the bound the "7× Python" bar is checked against.
//   node bench/floor.mjs FILE [--rows N]   → one JSON line { rows, userUsPerRow, encodeUsPerRow }
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const processor = require('../examples/processors/sum-of-squares.js');
const [file, flag, value] = process.argv.slice(2);
const limit = flag === '--rows' ? Number(value) : 200_000;

// Rows built outside the timing, the way csv.DictReader shapes them (quoted name with a comma).
const text = readFileSync(file, 'latin1');
let at = text.indexOf('\n') + 1;
const header = text.slice(0, at - 1).split(',');
const rows = [];
while (rows.length < limit && at < text.length) {
  const end = text.indexOf('\n', at);
  const line = text.slice(at, end < 0 ? text.length : end);
  const close = line.indexOf('"', line.indexOf('"') + 1);
  const fields = [line.slice(0, line.indexOf(',')), line.slice(line.indexOf('"') + 1, close), ...line.slice(close + 2).split(',')];
  const row = {};
  header.forEach((name, i) => (row[name] = fields[i]));
  rows.push(row);
  at = end < 0 ? text.length : end + 1;
}
const ctx = { header };

function best(times, fn) {
  let min = Infinity;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}
let values = [];
const userMs = best(5, () => {
  values = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) values[i] = processor.processRow(rows[i], ctx);
});
// The fastest encoding we know (the engine's own, chunk-worker.ts): one JSON.stringify per chunk of
// numbers (5,000 here, about a 512 KiB chunk), its bytes with every comma made a line feed.
const CHUNK = 5000;
const encodeMs = best(5, () => {
  for (let from = 0; from < values.length; from += CHUNK) {
    const bytes = Buffer.from(JSON.stringify(values.slice(from, from + CHUNK)), 'latin1').subarray(1);
    for (let i = bytes.indexOf(44); i >= 0; i = bytes.indexOf(44, i + 1)) bytes[i] = 10;
    bytes[bytes.length - 1] = 10;
  }
});
console.log(JSON.stringify({ rows: rows.length, userUsPerRow: (userMs * 1000) / rows.length, encodeUsPerRow: (encodeMs * 1000) / rows.length }));
