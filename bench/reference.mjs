// The ground truth every design is checked against: a plain, single-threaded JS pass over the
// bench file. Its rows are `id,"Last, First",x1..x8` with no embedded newlines, so the last 8
// comma-separated fields of each line are the numbers.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export async function referenceSum(file) {
  let rows = 0;
  let total = 0;
  let header = true;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (header) {
      header = false;
      continue;
    }
    if (line === '') continue;
    const fields = line.split(',');
    let s = 0;
    for (let i = fields.length - 8; i < fields.length; i++) {
      const x = Number(fields[i]);
      s += x * x;
    }
    total += s;
    rows++;
  }
  return { rows, total };
}

/** Sum the numbers of a results file written by --out (one JSON value per line). */
export async function sumOutFile(file) {
  let rows = 0;
  let total = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line === '') continue;
    total += Number(JSON.parse(line));
    rows++;
  }
  return { rows, total };
}

/** True when a and b agree within a relative tolerance. */
export const agrees = (a, b, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);
