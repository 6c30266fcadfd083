// A processor with one known hot spot, for the profiling tests in the extension host and the
// workbench: nearly every sample lands on line 4 (1-based), inside processRow once TurboFan has
// inlined hotLoop into it. `field` names the dataset's numeric column.
export function hotProcessorSource(field: string): string {
  return `// A processor with one known hot spot.
function hotLoop(amount) {
  let x = 0;
  for (let i = 0; i < 4000; i++) x += Math.sqrt(i * amount + 1);
  return x;
}
exports.processRow = (row) => ({ id: Number(row.id), v: hotLoop(Number(row.${field})) });
`;
}

/** 0-based lines of the hot loop and of processRow's definition. */
export const HOT_LOOP_LINE = 3;
export const PROCESS_ROW_LINE = 6;
