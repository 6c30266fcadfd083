#!/usr/bin/env node
// What no engine can avoid in the default job, measured on one thread: the user's row function
// (sum-of-squares.js: Number() of 8 fields) over row objects that are already built, writing its
// results as JSON, and making each row object (keyed by the header, like csv.DictReader's) with
// its field strings, cut from the text at positions found beforehand. Any design's per-row time is
// at least their sum, so with W workers the default job takes at least rows × that / W: the bound
// the "7× Python" bar is checked against. Finding the fields in the text is left out, so the bound
// is below what any CSV reader can do.
//   node bench/floor.mjs FILE [--rows N]   → one JSON line { rows, userUsPerRow, encodeUsPerRow, buildUsPerRow }
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
const width = header.length;
// Where each field's text starts and ends, per row (the quoted name without its quotes).
const spans = new Int32Array(limit * width * 2);
while (rows.length < limit && at < text.length) {
  const end = text.indexOf('\n', at);
  const lineEnd = end < 0 ? text.length : end;
  const line = text.slice(at, lineEnd);
  const close = line.indexOf('"', line.indexOf('"') + 1);
  const fields = [line.slice(0, line.indexOf(',')), line.slice(line.indexOf('"') + 1, close), ...line.slice(close + 2).split(',')];
  let p = at;
  const base = rows.length * width * 2;
  fields.forEach((field, i) => {
    if (i === 1) p++; // the opening quote
    spans[base + 2 * i] = p;
    spans[base + 2 * i + 1] = p + field.length;
    p += field.length + (i === 1 ? 2 : 1); // the closing quote, then the comma
  });
  const row = {};
  header.forEach((name, i) => (row[name] = fields[i]));
  rows.push(row);
  at = lineEnd + 1;
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
// The cheapest way we know to make the rows: a constructor that assigns the header's keys in order
// (one hidden class for all rows), as the engine's row-shape.ts does.
const Row = new Function(`return function Row(f) {\n${header.map((name, i) => `this[${JSON.stringify(name)}] = f[${i}];`).join('\n')}\n};`)();
// Kept 256 at a time, as the engine hands rows over, so they die young as they do there.
const batch = new Array(256);
const fields = new Array(width);
let built = 0;
const buildMs = best(5, () => {
  built = 0;
  for (let r = 0; r < rows.length; r++) {
    const base = r * width * 2;
    for (let i = 0; i < width; i++) fields[i] = text.slice(spans[base + 2 * i], spans[base + 2 * i + 1]);
    batch[built++ & 255] = new Row(fields);
  }
});
// The cut fields must be the rows' own, or the bound would be of other work.
for (let r = 0; r < rows.length; r += 9973) {
  const base = r * width * 2;
  header.forEach((name, i) => {
    if (text.slice(spans[base + 2 * i], spans[base + 2 * i + 1]) !== rows[r][name]) throw new Error(`row ${r + 1}: field ${name} cut wrongly`);
  });
}
if (built !== rows.length) throw new Error('rows lost');
console.log(JSON.stringify({ rows: rows.length, userUsPerRow: (userMs * 1000) / rows.length, encodeUsPerRow: (encodeMs * 1000) / rows.length, buildUsPerRow: (buildMs * 1000) / rows.length }));
