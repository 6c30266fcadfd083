#!/usr/bin/env node
// Seeded, dependency-free generator of the demo and benchmark CSV files.
// Rows are produced in batches and written with backpressure, so memory stays flat at any size.
// The same seed always gives the same bytes, and row i never depends on N (a prefix of a big file
// equals the file generated with fewer rows).
import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** mulberry32: tiny 32-bit PRNG, good enough for test data and identical on every platform. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** RFC 4180 quoting: only when the field needs it. */
export function csvField(value) {
  const s = String(value);
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** Fixed-point decimal from an integer count of 10^-digits units: exact and much faster than toFixed. */
function fixed(units, digits) {
  const scale = 10 ** digits;
  const int = Math.floor(units / scale);
  return int + '.' + String(units - int * scale).padStart(digits, '0');
}

const pick = (rand, list) => list[Math.floor(rand() * list.length)];

// ---------------------------------------------------------------- trips (the demo dataset)
const VENDORS = ['CMT', 'VTS', 'DDS', 'Uber', 'Lyft', 'Bolt'];
const PAYMENTS = ['card', 'cash', 'app', 'voucher'];
const PLACES = [
  'São Paulo',
  'Zürich',
  '東京',
  'Kraków',
  'Malmö',
  'Reykjavík',
  'İstanbul',
  'México City',
  'Montréal',
  'Köln',
  'Αθήνα',
  'Москва',
  'القاهرة',
  'Seoul 서울',
  'Düsseldorf',
  'Bogotá',
  'New York',
  'London',
  'Paris',
  'Washington, D.C.',
  'Lagos',
  'Mumbai मुंबई',
  'Niš',
  'Łódź',
];
const NOTE_WORDS = [
  'driver',
  'friendly',
  'late',
  'quick',
  'traffic',
  'rain',
  'airport',
  'luggage',
  'detour',
  'smooth',
  'music',
  'loud',
  'clean',
  'car',
  'route',
  'bridge',
  'tunnel',
  'night',
  'early',
  'great',
  'slow',
  'ok',
  'would',
  'ride',
  'again',
  'AC',
  'broken',
  'window',
  'open',
  'café',
];
const TAGS = ['#airport', '#latenight', '#rain', '#rushhour', '#tourist', '#business', '#étoile', '#渋滞'];

function tripNote(rand) {
  const n = 2 + Math.floor(rand() * 9);
  const words = [];
  for (let i = 0; i < n; i++) words.push(pick(rand, NOTE_WORDS));
  let note = words.join(' ');
  const r = rand();
  if (r < 0.25)
    note += ', ' + pick(rand, NOTE_WORDS) + ', ' + pick(rand, NOTE_WORDS); // commas
  else if (r < 0.35)
    note = 'said "' + note + '" twice'; // doubled quotes once escaped
  else if (r < 0.37) note += '\n' + pick(rand, NOTE_WORDS) + ' (second line)'; // embedded newline
  if (rand() < 0.4) note += ' ' + pick(rand, TAGS);
  if (rand() < 0.03) note = ''; // some trips have no note
  return note;
}

export const TRIPS_HEADER = [
  'trip_id',
  'pickup_time',
  'vendor',
  'place',
  'passengers',
  'distance_km',
  'duration_min',
  'fare',
  'tip',
  'payment',
  'note',
];

/** One trips row as CSV text (with trailing LF). `state` carries the clock between rows. */
function tripRow(i, rand, state) {
  state.t += Math.floor(rand() * 40) * 1000; // roughly one pickup every 20 s
  const distance = 200 + Math.floor(rand() * rand() * 30000); // metres, skewed to short trips
  const duration = Math.max(1, Math.round((distance / 1000) * (1.5 + rand() * 3)));
  const fareCents = 300 + Math.round(distance * 0.18 + duration * 35);
  const tipCents = rand() < 0.6 ? Math.round(fareCents * rand() * 0.25) : 0;
  return (
    [
      'T' + String(i + 1).padStart(8, '0'),
      new Date(state.t).toISOString().slice(0, 19) + 'Z',
      pick(rand, VENDORS),
      csvField(pick(rand, PLACES)),
      1 + Math.floor(rand() * rand() * 6),
      fixed(distance, 3),
      duration,
      fixed(fareCents, 2),
      fixed(tipCents, 2),
      pick(rand, PAYMENTS),
      '"' + tripNote(rand).replace(/"/g, '""') + '"', // always quoted: it is free text
    ].join(',') + '\n'
  );
}

// ---------------------------------------------------------------- bench (the benchmark file)
const FIRST = ['Ana', 'Bo', 'Chen', 'Dara', 'Eli', 'Fatou', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lea'];
const LAST = ['Lee', 'Diaz', 'Okafor', 'Novak', 'Sato', 'Berg', 'Khan', 'Rossi', 'Moreau', 'Silva'];
export const BENCH_HEADER = ['id', 'name', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8'];

function benchRow(i, rand) {
  // "Last, First" is always quoted because of its comma: every row exercises the quoted path.
  let line = i + 1 + ',"' + pick(rand, LAST) + ', ' + pick(rand, FIRST) + '"';
  // 0 .. 99.999999 with 6 decimals: keeps the 2M-row file near 190 MB like the article's workload.
  for (let c = 0; c < 8; c++) line += ',' + fixed(Math.floor(rand() * 1e8), 6);
  return line + '\n';
}

// ---------------------------------------------------------------- writing
export const SHAPES = {
  trips: { header: TRIPS_HEADER, defaultRows: 1_000_000, makeRow: (i, rand, state) => tripRow(i, rand, state) },
  bench: { header: BENCH_HEADER, defaultRows: 2_000_000, makeRow: (i, rand) => benchRow(i, rand) },
};

/**
 * Write `rows` rows of `shape` to `out` (via a temporary file renamed at the end, so an
 * interrupted run never leaves a file that looks complete). Resolves to { rows, bytes, seconds }.
 */
export async function generate(shape, { rows, out, seed = 42 } = {}) {
  const spec = SHAPES[shape];
  if (!spec) throw new Error(`unknown shape "${shape}" (expected ${Object.keys(SHAPES).join(' or ')})`);
  rows ??= spec.defaultRows;
  const started = performance.now();
  const rand = mulberry32(seed);
  const state = { t: Date.UTC(2024, 0, 1) };
  const tmp = out + '.partial';
  const stream = createWriteStream(tmp);
  try {
    stream.write(spec.header.join(',') + '\n');
    const batch = 5000; // rows per write: big enough to amortise, small enough to stay flat
    for (let i = 0; i < rows;) {
      let text = '';
      const end = Math.min(rows, i + batch);
      for (; i < end; i++) text += spec.makeRow(i, rand, state);
      if (!stream.write(text)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
  } catch (err) {
    stream.destroy();
    rmSync(tmp, { force: true });
    throw err;
  }
  renameSync(tmp, out);
  return { shape, rows, seed, out, bytes: statSync(out).size, seconds: (performance.now() - started) / 1000 };
}

function parseArgs(argv) {
  const [shape, ...rest] = argv;
  const opts = {};
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (flag === '--rows') opts.rows = Number(value);
    else if (flag === '--out') opts.out = value;
    else if (flag === '--seed') opts.seed = Number(value);
    else throw new Error(`unknown option ${flag}`);
    if (value === undefined) throw new Error(`${flag} needs a value`);
  }
  if (opts.rows !== undefined && !(Number.isInteger(opts.rows) && opts.rows >= 0))
    throw new Error('--rows must be a whole number');
  if (opts.seed !== undefined && !Number.isInteger(opts.seed)) throw new Error('--seed must be an integer');
  return { shape, opts };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { shape, opts } = parseArgs(process.argv.slice(2));
    if (!SHAPES[shape] || !opts.out) throw new Error('usage');
    const r = await generate(shape, opts);
    console.log(
      `wrote ${r.out}: ${r.rows.toLocaleString('en')} ${r.shape} rows, ` +
        `${r.bytes.toLocaleString('en')} bytes (${(r.bytes / 1e6).toFixed(1)} MB) in ${r.seconds.toFixed(2)} s (seed ${r.seed})`,
    );
  } catch (err) {
    if (err.message !== 'usage') console.error(`generate: ${err.message}`);
    console.error('usage: node examples/generate.mjs trips|bench --rows N --out PATH [--seed S]');
    process.exit(2);
  }
}
