// Turns the fields of one record into the row a processor receives.
import type { RowShape, TypeMode } from '../model';

export type RowBuilder = (fields: string[]) => unknown;
/** Builds rows from fields already typed (typed-scan.ts): values are assigned as they are. */
export type TypedRowBuilder = (fields: (string | number)[]) => unknown;

const NUMBER_PATTERN = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** 'infer' turns values that are plainly decimal numbers into numbers; everything else stays a string. */
export function inferValue(value: string): string | number {
  const first = value.charCodeAt(0);
  // Cheap first-character test before the regex: most text fields fail here.
  if (!((first >= 48 && first <= 57) || first === 45 || first === 43 || first === 46)) return value;
  return NUMBER_PATTERN.test(value) ? Number(value) : value;
}

export function isNumericText(value: string): boolean {
  return NUMBER_PATTERN.test(value);
}

/**
 * Object rows get a generated constructor that assigns the header's keys in order, so every row
 * shares one hidden class: V8 then treats property reads in the user's function as monomorphic.
 */
function objectRowConstructor(header: string[], infer: boolean): (fields: (string | number)[]) => object {
  const assignments = header
    .map((name, index) => `this[${JSON.stringify(name)}] = ${infer ? `infer(f[${index}])` : `f[${index}]`};`)
    .join('\n');
  const Row = new Function('infer', `return function Row(f) {\n${assignments}\n};`)(inferValue) as new (
    f: (string | number)[],
  ) => object;
  return (fields) => new Row(fields);
}

export function makeRowBuilder(header: string[] | null, shape: RowShape, types: TypeMode): RowBuilder {
  const infer = types === 'infer';
  if (shape === 'object' && header) return objectRowConstructor(header, infer);
  if (infer) return (fields) => fields.map(inferValue);
  return (fields) => fields.slice();
}

/** Rows for 'infer' from fields the typed scanner has already typed: the same rows makeRowBuilder gives. */
export function makeTypedRowBuilder(header: string[] | null, shape: RowShape): TypedRowBuilder {
  if (shape === 'object' && header) return objectRowConstructor(header, false);
  return (fields) => fields.slice();
}

/** Column names for files without a header row: 'c1', 'c2', … (used by columnar chunks). */
export function syntheticHeader(width: number): string[] {
  return Array.from({ length: width }, (_, i) => `c${i + 1}`);
}
