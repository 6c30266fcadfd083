// Line timings must follow edits: a profile measured line 12, and after the user inserts two lines
// above it, the number belongs on line 14. Lines the edit itself touched no longer hold the code
// that was measured, so their timings are dropped rather than guessed.

/** One text change as VS Code reports it: the replaced range (0-based) and the new text. */
export interface LineEdit {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
  text: string;
}

/** Moves 0-based line keys through one edit; returns a new map. */
export function shiftLines<T>(byLine: ReadonlyMap<number, T>, edit: LineEdit): Map<number, T> {
  const inserted = countNewlines(edit.text);
  const delta = inserted - (edit.endLine - edit.startLine);
  // Whole lines inserted at the start of a line (or a whole-line deletion ending at a line start)
  // leave that line's code intact: it only moves.
  const endLineUntouched =
    edit.endCharacter === 0 && edit.startCharacter === 0 && (edit.text === '' || edit.text.endsWith('\n'));
  const out = new Map<number, T>();
  for (const [line, value] of byLine) {
    if (line < edit.startLine) out.set(line, value);
    else if (line > edit.endLine || (line === edit.endLine && endLineUntouched)) out.set(line + delta, value);
    // Otherwise the line was edited: its measurement no longer describes it.
  }
  return out;
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
