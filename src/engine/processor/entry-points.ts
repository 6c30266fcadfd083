// Where a processor defines its entry points, for the code lens above them.

/** The line of a processRow / processChunk definition or export (0-based), in the forms processors use. */
export function entryPointLines(text: string): { line: number; name: 'processRow' | 'processChunk' }[] {
  const found: { line: number; name: 'processRow' | 'processChunk' }[] = [];
  const lines = text.split('\n');
  const pattern =
    /(?:\bfunction\s+|\bexports\.|\bmodule\.exports\.|\bexport\s+(?:const|let)\s+|^\s*(?:async\s+)?)(processRow|processChunk)\b\s*(?:=|\(|:)/;
  lines.forEach((l, line) => {
    const m = pattern.exec(l);
    if (m && !found.some((f) => f.name === m[1])) found.push({ line, name: m[1] as 'processRow' | 'processChunk' });
  });
  return found;
}
