// Datasets for the language-server tests, written into a temp workspace: trips.csv (a BOM, a
// column whose name is not an identifier, leading-zero zips, ids past 2^53, empty tips, 1,200
// rows) and small helpers. Row 0 is fixed so messages can be asserted: fare 12.5, tip 3.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TRIP_COLUMNS = [
  'trip_id',
  'vendor',
  'pickup zone',
  'zip',
  'distance_km',
  'fare',
  'tip',
  'passengers',
  'note',
];

export function tripsCsv(rows = 1200): string {
  const lines = ['\uFEFF' + TRIP_COLUMNS.map((c) => (c.includes(' ') ? `"${c}"` : c)).join(',')];
  const zones = ['Midtown', 'Harlem', 'SoHo', 'JFK Airport'];
  for (let i = 0; i < rows; i++) {
    const fare = i === 0 ? '12.5' : (2.5 + ((i * 37) % 580) / 4).toFixed(2);
    const tip = i === 0 ? '3' : i % 50 === 49 ? '' : ((i * 13) % 20).toString();
    lines.push(
      [
        (9007199254740993n + BigInt(i)).toString(),
        i % 3 === 0 ? 'CMT' : 'VTS',
        zones[i % zones.length],
        String(2139 + (i % 5)).padStart(5, '0'),
        ((i % 90) / 3).toFixed(1),
        fare,
        tip,
        String(1 + (i % 4)),
        i % 7 === 0 ? 'late, "rush"' : 'ok',
      ]
        .map((v) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v))
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

export function write(file: string, text: string | Buffer): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}
