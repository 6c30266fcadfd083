// The walkthrough's sample dataset: taxi trips as CSV, seeded so every workspace gets the same
// bytes (the demo's trips.csv columns, without its free-text note, small enough to open in an editor).
import { formatInt, seededRandom } from '../../engine';

export const SAMPLE_DATA_FILE = 'data/trips.csv';
export const SAMPLE_ROWS = 50_000;
export const SAMPLE_HEADER = [
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
];

const VENDORS = ['CMT', 'VTS', 'DDS', 'Uber', 'Lyft', 'Bolt'];
const PAYMENTS = ['card', 'cash', 'app', 'voucher'];
const PLACES = ['São Paulo', 'Zürich', 'Kraków', 'Malmö', 'Reykjavík', 'Montréal', 'Köln', 'Bogotá', 'London', 'Paris'];
const START_MS = Date.UTC(2026, 0, 1);

/** The CSV text of `rows` trips (header first, "\n" line ends, a final newline). */
export function sampleTripsCsv(rows: number = SAMPLE_ROWS, seed = 42): string {
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`Sample rows must be a whole number ≥ 1, got ${rows}`);
  const rand = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const lines = [SAMPLE_HEADER.join(',')];
  for (let i = 1; i <= rows; i++) {
    const distance = 0.5 + rand() * 30;
    const duration = distance * (1.5 + rand() * 3);
    const fare = 3 + distance * (1.2 + rand() * 0.8);
    const tip = rand() < 0.4 ? fare * rand() * 0.25 : 0;
    const when = new Date(START_MS + i * 37_000).toISOString();
    lines.push(
      [
        i,
        when,
        pick(VENDORS),
        pick(PLACES),
        1 + Math.floor(rand() * 4),
        distance.toFixed(2),
        duration.toFixed(1),
        fare.toFixed(2),
        tip.toFixed(2),
        pick(PAYMENTS),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function sampleDataMessage(file: string, rows: number = SAMPLE_ROWS): string {
  return `Chunkscope: wrote ${formatInt(rows)} sample trips to ${file}.`;
}
