// The default job's per-row work with no engine around it, shared by floor.mjs (one thread, each part
// timed apart) and thread-scaling.mjs (all of it at once, on 1 and on 2 threads).
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';

/** Field positions of the bench file's rows (id, "quoted, name", x1..x8), found outside any timing. */
export function cutRows(file, limit) {
  const text = readPrefix(file, limit);
  let at = text.indexOf('\n') + 1;
  const header = text.slice(0, at - 1).split(',');
  const width = header.length;
  // Where each field's text starts and ends, per row (the quoted name without its quotes).
  const spans = new Int32Array(limit * width * 2);
  let count = 0;
  while (count < limit && at < text.length) {
    const end = text.indexOf('\n', at);
    if (end < 0) break; // a cut-off last line is left out
    const line = text.slice(at, end);
    const open = line.indexOf('"');
    const close = line.indexOf('"', open + 1);
    const fields = [line.slice(0, line.indexOf(',')), line.slice(open + 1, close), ...line.slice(close + 2).split(',')];
    if (fields.length !== width) throw new Error(`row ${count + 1}: ${fields.length} fields, the header has ${width}`);
    let p = at;
    const base = count * width * 2;
    fields.forEach((field, i) => {
      if (i === 1) p++; // the opening quote
      spans[base + 2 * i] = p;
      spans[base + 2 * i + 1] = p + field.length;
      p += field.length + (i === 1 ? 2 : 1); // the closing quote, then the comma
    });
    count++;
    at = end + 1;
  }
  return { text, header, width, spans, count };
}

// Rows of the bench file are about 100 bytes; 4× that leaves room and reads no more than needed.
function readPrefix(file, rows) {
  const fd = openSync(file, 'r');
  try {
    const length = Math.min(fstatSync(fd).size, 1024 + rows * 400);
    const buffer = Buffer.allocUnsafe(length);
    readSync(fd, buffer, 0, length, 0);
    return buffer.latin1Slice(0, length);
  } finally {
    closeSync(fd);
  }
}

/** The cheapest way we know to make the rows: one constructor, the header's keys in order (one hidden class), as row-shape.ts does. */
export function rowClass(header) {
  return new Function(
    `return function Row(f) {\n${header.map((name, i) => `this[${JSON.stringify(name)}] = f[${i}];`).join('\n')}\n};`,
  )();
}

/** The engine's own output encoding (chunk-worker.ts): one JSON.stringify per chunk of numbers, commas made line feeds in its bytes. */
export function encodeNumbers(values) {
  const bytes = Buffer.from(JSON.stringify(values), 'latin1').subarray(1);
  for (let i = bytes.indexOf(44); i >= 0; i = bytes.indexOf(44, i + 1)) bytes[i] = 10;
  bytes[bytes.length - 1] = 10;
  return bytes;
}

/** About a 512 KiB chunk of the bench file. */
export const CHUNK_ROWS = 5000;

/**
 * Rows [from, to) the whole way, as the default job must: cut the field strings, make the row object
 * (kept 256 at a time, as the engine hands them over), run the row function, and encode the results
 * a chunk at a time. Returns the output's byte count, so nothing can be optimised away.
 */
export function defaultJobWork(cut, Row, processRow, ctx, from, to) {
  const { text, spans, width } = cut;
  const batch = new Array(256);
  const fields = new Array(width);
  let values = [];
  let outBytes = 0;
  for (let r = from; r < to; r++) {
    const base = r * width * 2;
    for (let i = 0; i < width; i++) fields[i] = text.slice(spans[base + 2 * i], spans[base + 2 * i + 1]);
    const row = new Row(fields);
    batch[r & 255] = row;
    values.push(processRow(row, ctx));
    if (values.length === CHUNK_ROWS) {
      outBytes += encodeNumbers(values).length;
      values = [];
    }
  }
  if (values.length) outBytes += encodeNumbers(values).length;
  return outBytes;
}
