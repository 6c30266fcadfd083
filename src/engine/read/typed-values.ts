// One policy for typed values from Parquet and Arrow, so a column means the same whatever file it
// came from. INT64: a number when it is a safe integer (|v| ≤ 2^53 − 1), else a bigint, per value,
// so no value ever silently loses precision and the common case stays plain numbers. Nulls are
// null in rows and NaN in Float64Array columns (as an empty CSV field is).
import type { ColumnarChunk } from '../model';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** An INT64 (or UINT64) value as a number when exact, else as the bigint it is. */
export function int64Value(value: bigint): number | bigint {
  return value <= MAX_SAFE && value >= MIN_SAFE ? Number(value) : value;
}

/** Normalises one decoded value: bigints by the INT64 policy, everything else as it is. */
export function typedValue(value: unknown): unknown {
  return typeof value === 'bigint' ? int64Value(value) : value;
}

/**
 * A numeric column as a Float64Array (null → NaN), or undefined when a value is not a number after
 * the INT64 policy (a bigint past 2^53): such a column is handed over as values instead.
 */
export function float64Column(values: ArrayLike<unknown>): Float64Array | undefined {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') out[i] = v;
    else if (v === null || v === undefined) out[i] = NaN;
    else if (typeof v === 'bigint') {
      const n = int64Value(v);
      if (typeof n !== 'number') return undefined;
      out[i] = n;
    } else return undefined;
  }
  return out;
}

/** Builds the `columns` row shape from per-column value arrays (typed tables). */
export function columnarChunk(names: string[], values: ArrayLike<unknown>[], numeric: boolean[]): ColumnarChunk {
  const columns: ColumnarChunk['columns'] = {};
  const numericNames: string[] = [];
  const length = values.length > 0 ? values[0].length : 0;
  names.forEach((name, c) => {
    const asFloats = numeric[c] ? float64Column(values[c]) : undefined;
    if (asFloats) {
      columns[name] = asFloats;
      numericNames.push(name);
    } else {
      columns[name] = Array.from(values[c], typedValue) as string[];
    }
  });
  return { length, names, numeric: numericNames, columns };
}
