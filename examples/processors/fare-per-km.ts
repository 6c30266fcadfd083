// A typed processor for the trips demo (examples/data/trips.csv): fare per kilometre, folded into
// count / sum / min / max. Compiled by the engine with esbuild; types are stripped, not checked.

/** One row of trips.csv as the engine hands it over: every field is a string. */
export interface TripRow {
  trip_id: string;
  pickup_time: string;
  vendor: string;
  place: string;
  passengers: string;
  distance_km: string;
  duration_min: string;
  fare: string;
  tip: string;
  payment: string;
  note: string;
}

interface Ctx {
  workerId: number;
  chunk?: number;
  header: string[];
  file: string;
  state: Record<string, unknown>;
}

export interface FareStats {
  count: number;
  sum: number;
  min: number;
  max: number;
}

// Trips shorter than this are mostly pickup noise; their fare per km is meaningless.
const MIN_KM = 0.5;

export function setup(ctx: Ctx): void {
  ctx.state.minKm = MIN_KM;
  ctx.state.startedAt = Date.now();
}

export function processRow(row: TripRow, ctx: Ctx): FareStats | undefined {
  const km = Number(row.distance_km);
  const fare = Number(row.fare);
  if (!(km >= (ctx.state.minKm as number)) || !Number.isFinite(fare)) return undefined; // emit nothing
  const perKm = fare / km;
  return { count: 1, sum: perKm, min: perKm, max: perKm };
}

export const initial: FareStats = { count: 0, sum: 0, min: Infinity, max: -Infinity };

export function combine(a: FareStats, b: FareStats): FareStats {
  return { count: a.count + b.count, sum: a.sum + b.sum, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}
