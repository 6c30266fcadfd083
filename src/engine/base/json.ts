// JSON for values that may hold bigints (Parquet INT64 past 2^53): JSON.stringify has no exact
// number for them and throws, so they are written as decimal strings. Plain JSON.stringify is
// tried first, so values without bigints pay nothing.
export function toJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError) || !/BigInt/i.test(error.message)) throw error;
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
}
