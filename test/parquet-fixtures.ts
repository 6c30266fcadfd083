// Real Parquet files for the Parquet tests, written by DuckDB (and one by hyparquet-writer), and
// DuckDB's own reading of them as the oracle. Both sides are normalised by the one documented
// policy (read/typed-values.ts, README "Data formats"): INT64 a number when exact, else a bigint
// (written to --out as a decimal string), TIMESTAMP/DATE as Date (ISO strings in JSON), null for
// null; then through JSON, as the NDJSON output is.
import { DuckDBInstance } from '@duckdb/node-api';

export const quoted = (p: string) => `'${p.replace(/'/g, "''")}'`;

/** Rows of the main fixture; 3 row groups of 2048, 2048 and the rest with ROW_GROUP_SIZE 2048. */
export const FIXTURE_ROWS = 5000;

/**
 * Every type the reader promises: INT64 past 2^53 (and nulls), DOUBLE with nulls, DECIMAL,
 * INTEGER, FLOAT, VARCHAR with unicode and nulls, a low-cardinality (dictionary) VARCHAR, BOOLEAN,
 * TIMESTAMP, DATE, a LIST (empty and null too) and a STRUCT.
 */
export function fixtureSelect(rows = FIXTURE_ROWS): string {
  return `SELECT
      i::BIGINT AS id,
      CASE WHEN i % 7 = 0 THEN NULL ELSE i * 1.25 - 300 END::DOUBLE AS x,
      CASE WHEN i % 11 = 0 THEN NULL WHEN i % 2 = 0 THEN 9007199254740993::BIGINT + i ELSE (i * 1000)::BIGINT END AS big,
      (i % 1000)::INTEGER AS n,
      (i / 8)::FLOAT AS f,
      (i * 0.01)::DECIMAL(10, 2) AS dec,
      CASE WHEN i % 13 = 0 THEN NULL ELSE 'ñandú ' || i::VARCHAR || ' 🦆 "q", x' END AS s,
      ['red', 'green', 'blue', 'ochre'][1 + i % 4] AS cat,
      CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
      TIMESTAMP '2024-02-29 12:00:00' + to_milliseconds(i * 1234567) AS ts,
      DATE '1969-12-20' + (i % 400)::INTEGER AS d,
      CASE WHEN i % 17 = 0 THEN NULL WHEN i % 3 = 0 THEN []::INTEGER[] ELSE [i, i + 1, NULL]::INTEGER[] END AS l,
      {'a': i, 'b': 'k' || (i % 10)::VARCHAR} AS st
    FROM range(${rows}) t(i)`;
}

export async function withDuckDb<T>(
  work: (run: (sql: string) => Promise<void>, rows: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run('SET threads = 1');
    return await work(
      async (sql) => {
        await connection.run(sql);
      },
      async (sql) => {
        const reader = await connection.runAndReadAll(sql);
        return reader.getRowObjectsJS() as Record<string, unknown>[];
      },
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function writeParquet(file: string, select: string, options: string): Promise<void> {
  await withDuckDb((run) => run(`COPY (${select}) TO ${quoted(file)} (FORMAT parquet, ${options})`));
}

/** DuckDB's reading of the file, in file order. */
export async function duckRows(file: string): Promise<Record<string, unknown>[]> {
  return withDuckDb((_run, rows) => rows(`SELECT * FROM read_parquet(${quoted(file)}, file_row_number = false)`));
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The documented policy, then JSON: what the identity processor's NDJSON output holds. */
export function normalise(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v.toString();
      return v;
    }),
  );
}
