// Checks of a processor against what its data holds: values `types: 'infer'` changes (leading
// zeros, integers past 2^53, as the engine's own inferValue converts them), and a declared row type
// (`interface Row { … }` on processRow's parameter) that no longer matches the header. Each
// message says what a run will do; the tests run the engine on the same fixture to show it.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-types';
import type { ColumnRead, ProcessorModel, RowType } from './analysis';
import { isIdentifierName, type ColumnProfile, type DatasetColumns } from './columns';
import { didYouMean } from './did-you-mean';
import { INFORMATION, range, SOURCE, typesMode, WARNING } from './lsp-util';

const ROW_READS = new Set(['dot', 'optional', 'element', 'destructure']);

function readText(read: ColumnRead, text: string): string {
  return read.kind === 'destructure' ? read.name : text.slice(read.accessStart, read.accessEnd);
}

/** Reads of columns whose sampled values `types: 'infer'` changes: one warning per read. */
export function inferHazards(doc: TextDocument, model: ProcessorModel, data: DatasetColumns): Diagnostic[] {
  // Only text formats are converted by inferValue; typed files keep their own types.
  if (data.format !== 'csv' || typesMode(model.options) !== 'infer' || model.options.rowShape === 'array') return [];
  if (model.options.rowShape === 'columns') return [];
  const text = doc.getText();
  const out: Diagnostic[] = [];
  for (const read of model.reads) {
    if (!ROW_READS.has(read.kind)) continue;
    const c = data.byName.get(read.name);
    if (!c) continue;
    const where = `${readText(read, text)}: under types: 'infer'`;
    if (c.leadingZero)
      out.push({
        range: range(doc, read.nameStart, read.nameEnd),
        severity: WARNING,
        source: SOURCE,
        code: 'infer-leading-zeros',
        message: `${where}, '${c.leadingZero.text}' becomes ${c.leadingZero.value} (leading zeros lost). Keep ${c.name} as text: leave types at 'string' and convert other columns with Number().`,
        data: { column: c.name, text: c.leadingZero.text, value: c.leadingZero.value },
      });
    if (c.unsafeInteger)
      out.push({
        range: range(doc, read.nameStart, read.nameEnd),
        severity: WARNING,
        source: SOURCE,
        code: 'infer-unsafe-integer',
        message: `${where}, ${c.unsafeInteger.text} becomes ${String(c.unsafeInteger.value)} (past Number.MAX_SAFE_INTEGER, integers lose digits). Keep ${c.name} as text: leave types at 'string' (BigInt(${readText(read, text)}) for arithmetic).`,
        data: { column: c.name, text: c.unsafeInteger.text, value: String(c.unsafeInteger.value) },
      });
  }
  return out;
}

/** The TypeScript type a column's values arrive as: what "Update Row" writes for a new member. */
function arrivingType(c: ColumnProfile, data: DatasetColumns, model: ProcessorModel): string {
  if (data.format === 'csv') return typesMode(model.options) === 'infer' && c.type === 'number' ? 'number' : 'string';
  if (c.type === 'number') return 'number';
  return /^(STRING|UTF8|Utf8|LargeUtf8)$/.test(c.schemaType ?? '') ? 'string' : 'unknown';
}

/** A member's declared type that disagrees with how a CSV column's values arrive, or undefined. */
function typeMismatch(typeText: string | undefined, c: ColumnProfile, model: ProcessorModel): string | undefined {
  const declared = typeText?.trim();
  if (declared === 'number' && typesMode(model.options) === 'string')
    return `values arrive as strings under types: 'string'${c.samples[0] !== undefined ? ` ('${c.samples[0]}')` : ''}`;
  if (declared === 'string' && typesMode(model.options) === 'infer' && c.type === 'number')
    return `its values arrive as numbers under types: 'infer'${c.samples[0] !== undefined ? ` (${c.samples[0]})` : ''}`;
  return undefined;
}

/** The declared row type against the header: members that are not columns, columns it lacks, CSV types. */
export function rowTypeDrift(doc: TextDocument, model: ProcessorModel, data: DatasetColumns): Diagnostic[] {
  const rowType = model.rowType;
  if (!rowType || rowType.open || model.options.rowShape === 'array' || model.options.rowShape === 'columns') return [];
  const out: Diagnostic[] = [];
  const what = data.hasHeader ? `a column of ${data.label}` : `a key of the sampled records of ${data.label}`;
  const names = data.columns.map((c) => c.name);
  const declared = new Set(rowType.members.map((m) => m.name));
  for (const m of rowType.members) {
    const c = data.byName.get(m.name);
    if (!c) {
      const suggestion = didYouMean(m.name, names);
      const hint = suggestion
        ? ` — a run reads undefined for it. Did you mean ${suggestion}?`
        : ` (it has ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}) — a run reads undefined for it.`;
      out.push({
        range: range(doc, m.nameStart, m.nameEnd),
        severity: WARNING,
        source: SOURCE,
        code: 'row-type-extra',
        message: `${rowType.name}.${m.name} is not ${what}${hint}`,
      });
      continue;
    }
    const mismatch = data.format === 'csv' ? typeMismatch(m.typeText, c, model) : undefined;
    if (mismatch)
      out.push({
        range: range(doc, m.nameStart, m.nameEnd),
        severity: WARNING,
        source: SOURCE,
        code: 'row-type-mismatch',
        message: `${rowType.name}.${m.name} says ${m.typeText!.trim()}, but ${mismatch}.`,
      });
  }
  const missing = names.filter((n) => !declared.has(n));
  if (missing.length && data.hasHeader)
    out.push({
      range: range(doc, rowType.nameStart, rowType.nameEnd),
      severity: INFORMATION,
      source: SOURCE,
      code: 'row-type-missing',
      message: `${rowType.name} does not list ${missing.length === 1 ? 'the column' : `${missing.length} columns`} of ${data.label}: ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''} (rows have ${missing.length === 1 ? 'it' : 'them'} all the same).`,
    });
  return out;
}

const ROW_TYPE_CODES = new Set(['row-type-extra', 'row-type-mismatch', 'row-type-missing']);

/** "Update Row from trips.csv": the type's members become the header's columns, keeping members that still fit. */
export function rowTypeFix(
  doc: TextDocument,
  model: ProcessorModel,
  data: DatasetColumns,
  diagnostics: readonly Diagnostic[],
): CodeAction | undefined {
  const rowType = model.rowType;
  if (!rowType || !diagnostics.some((d) => ROW_TYPE_CODES.has(String(d.code)))) return undefined;
  return {
    title: `Update ${rowType.name} from ${data.label}`,
    kind: 'quickfix',
    isPreferred: true,
    edit: { changes: { [doc.uri]: [updatedBody(doc, model, rowType, data)] } },
  };
}

function updatedBody(doc: TextDocument, model: ProcessorModel, rowType: RowType, data: DatasetColumns): TextEdit {
  const text = doc.getText();
  const first = rowType.members[0]?.node;
  const lineStart = first ? text.lastIndexOf('\n', first.getStart(model.source)) + 1 : -1;
  const indent = first ? (/^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '  ') : '  ';
  const byName = new Map(rowType.members.map((m) => [m.name, m]));
  const lines = data.columns.map((c) => {
    const kept = byName.get(c.name);
    if (kept && !(data.format === 'csv' && typeMismatch(kept.typeText, c, model))) {
      const own = kept.node.getText(model.source).trim();
      return `${indent}${/[;,]$/.test(own) ? own : `${own};`}`;
    }
    const key = isIdentifierName(c.name) ? c.name : JSON.stringify(c.name);
    return `${indent}${key}: ${arrivingType(c, data, model)};`;
  });
  return { range: range(doc, rowType.bodyStart, rowType.bodyEnd), newText: `\n${lines.join('\n')}\n` };
}
