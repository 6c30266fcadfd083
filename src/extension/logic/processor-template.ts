// Generates a new TypeScript processor from a dataset's header, so users start from code that
// already names their columns. Column names go into string literals only (JSON.stringify), never
// into comments or identifiers, so any header text yields valid TypeScript.
import * as path from 'node:path';
import type { DatasetFormat } from '../../engine';

export interface TemplateInput {
  datasetPath: string;
  format: DatasetFormat;
  header: string[];
  numericColumns: string[];
}

/** A file name stem for processors/<name>.ts: letters, digits, '-', '_' and '.'; undefined if fine. */
export function validateProcessorName(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return 'Enter a name.';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(trimmed))
    return "Use letters, digits, '.', '-' or '_' (no slashes or spaces).";
  if (/\.(ts|js|mjs|cjs)$/i.test(trimmed)) return 'Leave out the extension; the file is created as <name>.ts.';
  return undefined;
}

/** A default processor name from the dataset: "Sales 2024.csv" → "sales-2024". */
export function suggestProcessorName(datasetPath: string): string {
  const base = path.basename(datasetPath).replace(/\.[^.]*$/, '');
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'processor';
}

const FORMAT_NAMES: Record<DatasetFormat, string> = {
  csv: 'CSV',
  jsonl: 'JSON Lines',
  json: 'JSON array',
  parquet: 'Parquet',
  arrow: 'Arrow IPC',
};

function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

export function generateProcessorSource(input: TemplateInput): string {
  const file = oneLine(path.basename(input.datasetPath));
  const numeric = new Set(input.numericColumns);
  const seen = new Set<string>();
  const columns = input.header.filter((c) => !seen.has(c) && seen.add(c));
  // JSON Lines and JSON arrays give the parsed objects as rows; Parquet and Arrow rows hold typed values.
  const jsonl = input.format !== 'csv';
  // CSV values arrive as strings (types: 'string'); JSON Lines rows are the parsed objects.
  const typeOf = (c: string) => (jsonl ? (numeric.has(c) ? 'number' : 'unknown') : 'string');
  const fields = columns.map((c) => `  ${JSON.stringify(c)}: ${typeOf(c)};`);
  const key = columns.find((c) => !numeric.has(c)) ?? columns[0];
  const value = columns.find((c) => numeric.has(c) && c !== key);

  const body: string[] = [];
  if (value !== undefined) {
    body.push(
      jsonl
        ? `  const value = row[${JSON.stringify(value)}];`
        : `  const value = Number(row[${JSON.stringify(value)}]); // CSV values are strings`,
      `  if (Number.isNaN(value)) return undefined; // returning undefined emits nothing for this row`,
      key !== undefined ? `  return { key: row[${JSON.stringify(key)}], value };` : `  return { value };`,
    );
  } else if (key !== undefined) {
    body.push(`  return { key: row[${JSON.stringify(key)}], worker: ctx.workerId };`);
  } else {
    body.push(`  return row;`);
  }

  return [
    `// Chunkscope processor for ${file} (${FORMAT_NAMES[input.format]}, ${columns.length} column${columns.length === 1 ? '' : 's'}).`,
    `// Chunkscope loads this module in every worker thread of a pool and calls processRow for each row of`,
    `// a chunk. Whatever processRow returns is written, in input row order, to the results file.`,
    ``,
    `/** What Chunkscope passes as ctx. */`,
    `interface Context {`,
    `  workerId: number;`,
    `  /** Index of the chunk being processed (undefined in setup/teardown). */`,
    `  chunk?: number;`,
    `  header: string[];`,
    `  file: string;`,
    `  /** Lives as long as the worker: fill it in setup, read it in processRow. */`,
    `  state: Record<string, unknown>;`,
    `}`,
    ``,
    jsonl
      ? `/** One row of ${file}: the parsed JSON object (types guessed from the first rows). */`
      : `/** One row of ${file}, keyed by header; values are strings (see options.types below). */`,
    `interface Row {`,
    ...fields,
    `}`,
    ``,
    // The optional parts below are comments without the `export` keyword on purpose: the quick pick's
    // source scan would otherwise list setup/combine as exported by a fresh template.
    `// Optional extras: uncomment one and put \`export\` in front of it to use it.`,
    `//`,
    `// options: how rows are handed to you.`,
    `//   rowShape: 'object' (default, like Python's csv.DictReader) | 'array' (string[] per row)`,
    `//             | 'columns' (processChunk only: numeric columns as Float64Array, parsed from bytes)`,
    `//   types:    'string' (default) | 'infer' (numeric-looking values become numbers; update Row to match)`,
    `// const options = { rowShape: 'object', types: 'infer' };`,
    `//`,
    `// setup(ctx): runs once per worker before its first chunk (may be async). Open files, build lookup`,
    `// tables or compile regexes here and keep them in ctx.state instead of redoing it for every row.`,
    `// async function setup(ctx: Context): Promise<void> {`,
    `//   ctx.state.startedAt = Date.now();`,
    `// }`,
    ``,
    `/** Called once per row. Return a value to write it to the results, or undefined to emit nothing. */`,
    `export function processRow(row: Row, ctx: Context) {`,
    ...body,
    `}`,
    ``,
    `// combine(a, b) and initial: fold the run into one result. Chunkscope combines chunk results in input`,
    `// order, starting from \`initial\`, and shows the result in the run summary. combine must be associative.`,
    `// const initial = 0;`,
    `// function combine(a: number, b: number): number {`,
    `//   return a + b;`,
    `// }`,
    ``,
  ].join('\n');
}
