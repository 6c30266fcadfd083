// Draws media/icon.png (128×128, the Marketplace size): four worker lanes of chunks on a rounded
// dark square, the picture the report's timeline shows. A tiny PNG encoder over node:zlib, so the
// icon is reproducible without an image tool: `node scripts/make-icon.mjs`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SUB = 4; // supersamples per axis, for smooth edges
const BACKGROUND = [0x1b, 0x2b, 0x44];
const COLOURS = [
  [0x3d, 0xc9, 0xb0],
  [0x4f, 0x9d, 0xf7],
  [0xf2, 0xa5, 0x3a],
];
// Lanes (y from, y to) and their chunks (x from, x to, colour) in a 128-unit square.
const LANES = [
  [
    22,
    38,
    [
      [18, 52, 0],
      [56, 78, 1],
      [82, 110, 0],
    ],
  ],
  [
    44,
    60,
    [
      [18, 40, 1],
      [44, 84, 0],
      [88, 110, 2],
    ],
  ],
  [
    66,
    82,
    [
      [18, 62, 0],
      [66, 92, 1],
      [96, 110, 1],
    ],
  ],
  [
    88,
    104,
    [
      [18, 34, 2],
      [38, 70, 1],
      [74, 110, 0],
    ],
  ],
];

function inRoundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Colour and coverage of one sample point. */
function sample(x, y) {
  for (const [y0, y1, chunks] of LANES)
    for (const [x0, x1, c] of chunks) if (inRoundedRect(x, y, x0, y0, x1, y1, 3)) return COLOURS[c];
  return inRoundedRect(x, y, 2, 2, 126, 126, 22) ? BACKGROUND : undefined;
}

const rows = [];
for (let py = 0; py < SIZE; py++) {
  const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0 (None), then RGBA
  for (let px = 0; px < SIZE; px++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let covered = 0;
    for (let sy = 0; sy < SUB; sy++)
      for (let sx = 0; sx < SUB; sx++) {
        const c = sample(px + (sx + 0.5) / SUB, py + (sy + 0.5) / SUB);
        if (!c) continue;
        r += c[0];
        g += c[1];
        b += c[2];
        covered++;
      }
    const o = 1 + px * 4;
    if (covered) {
      row[o] = Math.round(r / covered);
      row[o + 1] = Math.round(g / covered);
      row[o + 2] = Math.round(b / covered);
      row[o + 3] = Math.round((255 * covered) / (SUB * SUB));
    }
  }
  rows.push(row);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'media', 'icon.png');
writeFileSync(out, png);
console.log(`${out}: ${png.length} bytes`);
