// Rename (F2) of a column across a processor file, and go to definition (F12) from a column read
// to its header cell in the dataset. The dataset is read by path, a bounded head only: F12 never
// needs the file as a document, so it works on files VS Code would not sync (over 50 MB).
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Location, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { ColumnRead, ProcessorModel, RowTypeMember } from './analysis';
import { isIdentifierName, type DatasetColumns } from './columns';
import { renameRead } from './features';
import { range } from './lsp-util';

/** How far into a dataset the header line is looked for (a header longer than this gets no location). */
const HEADER_BYTES = 256 << 10;

/** The column name at `offset`: a read, or a member of the declared row type. */
function columnAt(
  model: ProcessorModel,
  offset: number,
): { name: string; start: number; end: number; read?: ColumnRead; member?: RowTypeMember } | undefined {
  const read = model.reads.find((r) => r.nameStart <= offset && offset <= r.nameEnd);
  if (read) return { name: read.name, start: read.nameStart, end: read.nameEnd, read };
  const member = model.rowType?.members.find((m) => m.nameStart <= offset && offset <= m.nameEnd);
  if (member) return { name: member.name, start: member.nameStart, end: member.nameEnd, member };
  return undefined;
}

/** prepareRename: the column name's range and text, or null (the editor then says it cannot rename this). */
export function prepareRename(
  doc: TextDocument,
  model: ProcessorModel,
  offset: number,
): { range: Range; placeholder: string } | null {
  const at = columnAt(model, offset);
  return at ? { range: range(doc, at.start, at.end), placeholder: at.name } : null;
}

/** Every read of the column at `offset`, and its member in the row type, renamed to `newName`. */
export function renameColumn(
  doc: TextDocument,
  model: ProcessorModel,
  offset: number,
  newName: string,
): WorkspaceEdit | null {
  const at = columnAt(model, offset);
  if (!at || newName === '') return null;
  const edits: TextEdit[] = model.reads.filter((r) => r.name === at.name).map((r) => renameRead(doc, r, newName));
  for (const m of model.rowType?.members ?? []) {
    if (m.name !== at.name) continue;
    const quoted = doc.getText()[m.nameStart - 1] === '"' || doc.getText()[m.nameStart - 1] === "'";
    const start = quoted ? m.nameStart - 1 : m.nameStart;
    const end = quoted ? m.nameEnd + 1 : m.nameEnd;
    edits.push({
      range: range(doc, start, end),
      newText: isIdentifierName(newName) ? newName : JSON.stringify(newName),
    });
  }
  return { changes: { [doc.uri]: edits } };
}

/** The first `HEADER_BYTES` of the file as text, BOM dropped (editors hide it, so positions start after it). */
function headText(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(HEADER_BYTES);
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    const text = buffer.toString('utf8', 0, n);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The header line's cells: [start, end) of each cell's text (inside its quotes), in UTF-16 units. */
export function headerCells(line: string, delimiter: string): Array<[number, number]> {
  const cells: Array<[number, number]> = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let j = i + 1;
      while (j < line.length && !(line[j] === '"' && line[j + 1] !== '"')) j += line[j] === '"' ? 2 : 1;
      cells.push([i + 1, j]);
      i = j + 1;
      while (i < line.length && line[i] !== delimiter) i++;
    } else {
      let j = i;
      while (j < line.length && line[j] !== delimiter) j++;
      cells.push([i, j]);
      i = j;
    }
    if (i >= line.length) return cells;
    i++; // the delimiter
  }
}

/** F12 on a column: its header cell (CSV/TSV), or its key in the first record (JSON Lines); null for typed files. */
export function columnDefinition(model: ProcessorModel, data: DatasetColumns, offset: number): Location | null {
  const at = columnAt(model, offset);
  const column = at && data.byName.get(at.name);
  if (!column || data.compressed) return null;
  if (data.format !== 'csv' && data.format !== 'jsonl') return null;
  const text = headText(data.file);
  if (text === undefined) return null;
  const uri = pathToFileURL(data.file).href;
  const lines = text.split('\n');
  if (data.format === 'csv') {
    if (!data.hasHeader || lines.length < 2) return null; // a header longer than the window: no place
    const cell = headerCells(lines[0].replace(/\r$/, ''), data.delimiter)[column.index];
    return cell
      ? { uri, range: { start: { line: 0, character: cell[0] }, end: { line: 0, character: cell[1] } } }
      : null;
  }
  for (let line = 0; line < lines.length - 1; line++) {
    const record = lines[line];
    if (record.trim() === '') continue;
    const key = keyRange(record, column.name);
    return key ? { uri, range: { start: { line, character: key[0] }, end: { line, character: key[1] } } } : null;
  }
  return null;
}

/** Where `name` is a key of the top-level object on this JSON line: inside its quotes. */
function keyRange(line: string, name: string): [number, number] | undefined {
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (depth === 1 && /^\s*:/.test(line.slice(j + 1))) {
        let key: unknown;
        try {
          key = JSON.parse(line.slice(i, j + 1));
        } catch {
          key = undefined;
        }
        if (key === name) return [i + 1, j];
      }
      i = j;
    }
  }
  return undefined;
}
