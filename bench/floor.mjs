#!/usr/bin/env node
// What no engine can avoid in the default job, measured on one thread: the user's row function
// (sum-of-squares.js: Number() of 8 fields) over row objects that are already built, writing its
// results as JSON, and making each row object (keyed by the header, like csv.DictReader's) with
// its field strings, cut from the text at positions found beforehand. Any design's per-row time is
// at least their sum, so with W workers the default job takes at least rows × that / W: the bound
// the "7× Python" bar is checked against. Finding the fields in the text is left out, so the bound
// is below what any CSV reader can do.
//   node bench/floor.mjs FILE [--rows N]   → one JSON line { rows, userUsPerRow, encodeUsPerRow, buildUsPerRow }
import { createRequire } from 'node:module';
import { CHUNK_ROWS, cutRows, encodeNumbers, rowClass } from './floor-work.mjs';

const require = createRequire(import.meta.url);
const processor = require('../examples/processors/sum-of-squares.js');
const [file, flag, value] = process.argv.slice(2);
const limit = flag === '--rows' ? Number(value) : 200_000;

const cut = cutRows(file, limit);
const { text, header, width, spans } = cut;
// Rows built outside the timing, the way csv.DictReader shapes them (quoted name with a comma).
const rows = [];
for (let r = 0; r < cut.count; r++) {
  const row = {};
  header.forEach((name, i) => (row[name] = text.slice(spans[r * width * 2 + 2 * i], spans[r * width * 2 + 2 * i + 1])));
  rows.push(row);
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
// The fastest encoding we know (the engine's own, chunk-worker.ts), a chunk of numbers at a time.
const encodeMs = best(5, () => {
  for (let from = 0; from < values.length; from += CHUNK_ROWS) encodeNumbers(values.slice(from, from + CHUNK_ROWS));
});
const Row = rowClass(header);
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
// The cut fields must be the rows' own (checked against a parse of their lines done apart), or the bound would be of other work.
for (let r = 0; r < rows.length; r += 9973) {
  const start = spans[r * width * 2]; // the row's first field starts its line
  const line = text.slice(start, text.indexOf('\n', start));
  const expected = [
    line.slice(0, line.indexOf(',')),
    line.slice(line.indexOf('"') + 1, line.lastIndexOf('"')),
    ...line.slice(line.lastIndexOf('"') + 2).split(','),
  ];
  header.forEach((name, i) => {
    if (rows[r][name] !== expected[i]) throw new Error(`row ${r + 1}: field ${name} cut wrongly`);
  });
}
if (built !== rows.length) throw new Error('rows lost');
console.log(
  JSON.stringify({
    rows: rows.length,
    userUsPerRow: (userMs * 1000) / rows.length,
    encodeUsPerRow: (encodeMs * 1000) / rows.length,
    buildUsPerRow: (buildMs * 1000) / rows.length,
  }),
);
