#!/usr/bin/env node
// The floor: read the whole file through a reused 1 MiB buffer and do nothing with it.
// No design can beat this; every other row of the table is this plus parsing, compute and transport.
//   node bench/raw-read.mjs FILE   → one JSON line { bytes, wallMs, peakRssBytes }
import { closeSync, openSync, readSync } from 'node:fs';

const file = process.argv[2];
const started = performance.now();
const fd = openSync(file, 'r');
const buf = Buffer.allocUnsafe(1 << 20);
let bytes = 0;
for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) bytes += n;
closeSync(fd);
const wallMs = performance.now() - started;
console.log(JSON.stringify({ design: 'raw-read', bytes, wallMs, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
