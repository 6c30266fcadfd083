// What the user sees in a processor file, from its analysis and its dataset's head: column
// completion, diagnostics with their quick fixes, and the column hover. Plain functions over LSP
// types, so the server's handlers stay thin.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, CompletionItem, Diagnostic, Hover, Range, TextEdit } from 'vscode-languageserver-types';
import { formatInt } from '../engine/inspect';
import { binaryAround, completionSite, ts, type ColumnRead, type ProcessorModel } from './analysis';
import { columnDetail, emptyShare, isIdentifierName, type ColumnProfile, type DatasetColumns } from './columns';
import { inferHazards, rowTypeDrift, rowTypeFix } from './data-checks';
import { didYouMean } from './did-you-mean';
import type { Pairing } from './pairing';
import { bracket, ERROR, FIELD, INFORMATION, quoteFor, range, SOURCE, WARNING } from './lsp-util';

export { SOURCE };

/** Where a column's sample comes from: `trips.csv, first 1,000 rows`, `trips.parquet, row group 1 statistics`. */
const sampleWhere = (c: ColumnProfile, data: DatasetColumns) =>
  `${data.label}, ${c.sampleSource ?? `first ${formatInt(c.sampled)} rows`}`;

function sampleLine(c: ColumnProfile, data: DatasetColumns): string {
  const where = sampleWhere(c, data);
  return c.samples.length ? `e.g. ${c.samples.join(' · ')} (${where})` : `no values in the sample (${where})`;
}

function documentation(c: ColumnProfile, data: DatasetColumns) {
  return { kind: 'markdown' as const, value: `column ${c.index + 1} of ${data.label}\n\n${sampleLine(c, data)}` };
}

/** Completion items at `offset`, or [] when the cursor is not on a column site. */
export function completeColumns(
  doc: TextDocument,
  model: ProcessorModel,
  data: DatasetColumns,
  offset: number,
): CompletionItem[] {
  const site = completionSite(model, offset);
  if (!site) return [];
  const text = doc.getText();
  const items: CompletionItem[] = [];
  const columns =
    site.kind === 'columns'
      ? [...data.columns].sort((a, b) => Number(b.type === 'number') - Number(a.type === 'number') || a.index - b.index)
      : data.columns;
  columns.forEach((c, order) => {
    const base: CompletionItem = {
      label: c.name,
      kind: FIELD,
      detail:
        site.kind === 'columns'
          ? `${c.type === 'number' ? 'Float64Array' : 'string[]'} · ${columnDetail(c)}`
          : columnDetail(c),
      documentation: documentation(c, data),
      sortText: `!${String(order).padStart(5, '0')}`,
    };
    let edit: TextEdit;
    let filterText: string | undefined;
    if (site.kind === 'dot' || site.kind === 'columns') {
      const access = text.slice(site.dotStart, site.replaceStart);
      if (isIdentifierName(c.name) && access.includes('\n'))
        edit = { range: range(doc, site.replaceStart, site.replaceEnd), newText: c.name };
      else if (isIdentifierName(c.name)) {
        // From the dot, as TypeScript's member items are (filterText `.fare`): VS Code ranks items by
        // how the typed text from their range's start matches first, and only then by sortText, so
        // an item starting after the dot ranked below every TypeScript one.
        const dot = access.includes('?.') ? '?.' : '.';
        edit = { range: range(doc, site.dotStart, site.replaceEnd), newText: `${dot}${c.name}` };
        filterText = access + c.name;
      } else {
        // `row.` + `pickup zone` → `row["pickup zone"]`: the edit starts at the dot (or `?.`).
        const optional = site.kind === 'dot' && site.optional;
        const from = site.dotStart;
        edit = { range: range(doc, from, site.replaceEnd), newText: `${optional ? '?.' : ''}${bracket(c.name)}` };
        filterText = text.slice(from, site.replaceStart) + c.name;
      }
    } else if (site.kind === 'element') {
      const quote = (site as { quote: string }).quote;
      let newText = quoteFor(c.name, quote);
      if (!site.closed) newText += quote + (text[site.replaceEnd] === ']' ? '' : ']');
      edit = { range: range(doc, site.replaceStart, site.replaceEnd), newText };
    } else {
      if (site.taken.has(c.name)) return;
      const local = c.name.replace(/[^\w$]+(.)?/g, (_, ch: string | undefined) => (ch ? ch.toUpperCase() : ''));
      const newText = isIdentifierName(c.name)
        ? c.name
        : `${JSON.stringify(c.name)}: ${/^\d/.test(local) ? `_${local}` : local || 'value'}`;
      edit = { range: range(doc, site.replaceStart, site.replaceEnd), newText };
    }
    items.push({ ...base, textEdit: edit, ...(filterText ? { filterText } : {}) });
  });
  return items;
}

/** Does this file look like a processor (so a missing entry point is worth an error)? */
export function looksLikeProcessor(file: string, text: string, model: ProcessorModel, pairing?: Pairing): boolean {
  return (
    /\/\/[ \t]*@chunkscope-data\b/.test(text) ||
    /[\\/]processors[\\/]/.test(file) ||
    model.contractExports.some((n) => n !== 'processRow' && n !== 'processChunk') ||
    pairing?.source === 'run-record'
  );
}

const typesMode = (model: ProcessorModel) => (model.options.types === 'infer' ? 'infer' : 'string');
const readsRows = (model: ProcessorModel) => model.options.rowShape !== 'array';

function readText(read: ColumnRead, text: string): string {
  return read.kind === 'destructure' ? read.name : text.slice(read.accessStart, read.accessEnd);
}

/** A read of a column the header does not have: the message and the fix. */
function unknownRead(read: ColumnRead, data: DatasetColumns, text: string) {
  if (data.byName.has(read.name)) return undefined;
  const suggestion = didYouMean(
    read.name,
    data.columns.map((c) => c.name),
  );
  const what = data.hasHeader ? `a column of ${data.label}` : `a key of the sampled records of ${data.label}`;
  const message = suggestion
    ? `${readText(read, text)} is not ${what} — did you mean ${suggestion}?`
    : `${readText(read, text)} is not ${what} (it has ${data.columns
        .slice(0, 8)
        .map((c) => c.name)
        .join(', ')}${data.columns.length > 8 ? ', …' : ''})`;
  return { message, suggestion };
}

/** The edit that makes `read` read `name` instead. */
export function renameRead(doc: TextDocument, read: ColumnRead, name: string): TextEdit {
  if (read.kind === 'dot' || read.kind === 'optional' || read.kind === 'columns') {
    if (isIdentifierName(name)) return { range: range(doc, read.nameStart, read.nameEnd), newText: name };
    const text = doc.getText();
    const dot = text.lastIndexOf(read.kind === 'optional' ? '?.' : '.', read.nameStart);
    return { range: range(doc, dot, read.nameEnd), newText: `${read.kind === 'optional' ? '?.' : ''}${bracket(name)}` };
  }
  if (read.kind === 'destructure') {
    const el = read.node as ts.BindingElement;
    const newKey = isIdentifierName(name) ? name : JSON.stringify(name);
    // `{ fair }` binds a local called fair: keep that name so the code below still works.
    const newText = el.propertyName ? newKey : `${newKey}: ${read.name}`;
    return { range: range(doc, read.accessStart, read.accessEnd), newText };
  }
  const quote = doc.getText()[read.nameStart - 1];
  return { range: range(doc, read.nameStart, read.nameEnd), newText: quoteFor(name, quote) };
}

interface NumericUse {
  expr: ts.BinaryExpression;
  reads: ColumnRead[];
  message: string;
}

const COMPARISONS = new Set([
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
]);
const STRICT_EQUALITY = new Set([ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken]);

function isNumberLiteral(e: ts.Expression): boolean {
  return ts.isNumericLiteral(e) || (ts.isPrefixUnaryExpression(e) && ts.isNumericLiteral(e.operand));
}

/** `row.fare + row.tip` and friends on numeric columns while values arrive as strings. */
function stringArithmetic(model: ProcessorModel, data: DatasetColumns, text: string): NumericUse[] {
  // Only text formats deliver strings: Parquet, Arrow and JSON values keep their own types.
  if (
    data.format !== 'csv' ||
    typesMode(model) !== 'string' ||
    !readsRows(model) ||
    model.options.rowShape === 'columns'
  )
    return [];
  const numericRead = new Map<ts.Node, ColumnRead>();
  for (const r of model.reads)
    if (r.kind !== 'destructure' && r.kind !== 'columns' && data.byName.get(r.name)?.type === 'number')
      numericRead.set(r.node, r);
  const unwrap = (e: ts.Expression) => {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    return e;
  };
  const uses = new Map<ts.BinaryExpression, NumericUse>();
  for (const read of numericRead.values()) {
    const around = binaryAround(read);
    if (!around || uses.has(around.expr)) continue;
    const { expr, other } = around;
    const otherRead = numericRead.get(unwrap(other));
    const op = expr.operatorToken.kind;
    const src = (r: ColumnRead) => text.slice(r.accessStart, r.accessEnd);
    const sample = (r: ColumnRead) => data.byName.get(r.name)!.samples[0] ?? '1';
    const left = unwrap(expr.left) === read.node ? read : otherRead;
    const right = left === read ? otherRead : read;
    const exprText = expr.getText(model.source);
    if (op === ts.SyntaxKind.PlusToken && (otherRead || isNumberLiteral(other))) {
      const l = left ? sample(left) : other.getText(model.source);
      const r = right ? sample(right) : other.getText(model.source);
      const joined = String(l) + String(r);
      const fix = [left, right].map((x) => (x ? `Number(${src(x)})` : other.getText(model.source))).join(' + ');
      uses.set(expr, {
        expr,
        reads: [left, right].filter((x): x is ColumnRead => !!x),
        message: `${exprText} joins strings: '${l}' + ${right ? `'${r}'` : r} = '${joined}' — values arrive as strings under types: 'string'. Write ${fix}, or set options.types: 'infer'.`,
      });
    } else if (COMPARISONS.has(op) && otherRead) {
      uses.set(expr, {
        expr,
        reads: [read, otherRead],
        message: `${exprText} compares text, not numbers ('9' > '10' is true) — values arrive as strings under types: 'string'. Wrap both sides in Number(), or set options.types: 'infer'.`,
      });
    } else if (STRICT_EQUALITY.has(op) && isNumberLiteral(other)) {
      uses.set(expr, {
        expr,
        reads: [read],
        message: `${exprText} is always ${op === ts.SyntaxKind.EqualsEqualsEqualsToken ? 'false' : 'true'}: ${src(read)} is a string under types: 'string', never === a number. Write Number(${src(read)}), or set options.types: 'infer'.`,
      });
    }
  }
  return [...uses.values()];
}

export type DatasetState = { data: DatasetColumns } | { error: string } | undefined;

export function diagnose(
  doc: TextDocument,
  file: string,
  model: ProcessorModel,
  pairing: Pairing | undefined,
  dataset: DatasetState,
): Diagnostic[] {
  const text = doc.getText();
  const out: Diagnostic[] = [];
  // An exported processRow that is not a function (yet) is code being typed (`processRow = ({ fa`): no error.
  const namesEntry = model.contractExports.some((n) => n === 'processRow' || n === 'processChunk');
  if (model.entries.length === 0 && !namesEntry && looksLikeProcessor(file, text, model, pairing)) {
    const firstLine = doc
      .getText({ start: { line: 0, character: 0 }, end: { line: 1, character: 0 } })
      .replace(/\r?\n$/, '');
    out.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: firstLine.length } },
      severity: ERROR,
      source: SOURCE,
      code: 'no-entry-point',
      message: 'This processor exports neither processRow nor processChunk: a run would fail before its first row.',
    });
  }
  if (
    model.options.rowShape === 'columns' &&
    !model.entries.some((e) => e.name === 'processChunk') &&
    model.entries.length
  ) {
    const e = model.entries[0];
    out.push({
      range: range(doc, e.nameStart, e.nameEnd),
      severity: ERROR,
      source: SOURCE,
      code: 'columns-needs-chunk',
      message: "rowShape 'columns' needs processChunk: processRow gets no columnar chunk.",
    });
  }
  if (dataset && 'error' in dataset) {
    const where =
      pairing?.directiveStart !== undefined
        ? range(doc, pairing.directiveStart, pairing.directiveEnd!)
        : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    out.push({
      range: where,
      severity: INFORMATION,
      source: SOURCE,
      code: 'dataset-unreadable',
      message: dataset.error,
    });
    return out;
  }
  if (!dataset) return out;
  const { data } = dataset;
  if (readsRows(model)) {
    for (const read of model.reads) {
      const unknown = unknownRead(read, data, text);
      if (!unknown) continue;
      out.push({
        range: range(doc, read.nameStart, read.nameEnd),
        severity: WARNING,
        source: SOURCE,
        code: 'unknown-column',
        message: unknown.message,
        data: unknown.suggestion ? { suggestion: unknown.suggestion } : undefined,
      });
    }
  }
  out.push(...inferHazards(doc, model, data), ...rowTypeDrift(doc, model, data));
  for (const use of stringArithmetic(model, data, text)) {
    out.push({
      range: range(doc, use.expr.getStart(model.source), use.expr.getEnd()),
      severity: WARNING,
      source: SOURCE,
      code: 'string-arithmetic',
      message: use.message,
    });
  }
  return out;
}

const overlaps = (a: Range, b: Range) =>
  !(
    a.end.line < b.start.line ||
    (a.end.line === b.start.line && a.end.character < b.start.character) ||
    b.end.line < a.start.line ||
    (b.end.line === a.start.line && b.end.character < a.start.character)
  );

/** Quick fixes for the diagnostics in `at`, recomputed from the current text (never from stale data). */
export function codeActions(
  doc: TextDocument,
  model: ProcessorModel,
  data: DatasetColumns | undefined,
  at: Range,
): CodeAction[] {
  if (!data) return [];
  const text = doc.getText();
  const actions: CodeAction[] = [];
  const edit = (edits: TextEdit[]) => ({ changes: { [doc.uri]: edits } });
  if (readsRows(model)) {
    for (const read of model.reads) {
      const r = range(doc, read.nameStart, read.nameEnd);
      if (!overlaps(r, at)) continue;
      const unknown = unknownRead(read, data, text);
      if (!unknown?.suggestion) continue;
      const same = model.reads.filter((x) => x.name === read.name);
      actions.push({
        title: `Change to ${unknown.suggestion}`,
        kind: 'quickfix',
        isPreferred: true,
        edit: edit([renameRead(doc, read, unknown.suggestion)]),
      });
      if (same.length > 1)
        actions.push({
          title: `Change every ${read.name} to ${unknown.suggestion} (${same.length} reads)`,
          kind: 'quickfix',
          edit: edit(same.map((x) => renameRead(doc, x, unknown.suggestion!))),
        });
    }
  }
  const drift = rowTypeDrift(doc, model, data).filter((d) => overlaps(d.range, at));
  const update = rowTypeFix(doc, model, data, drift);
  if (update) actions.push(update);
  let inferOffered = false;
  for (const use of stringArithmetic(model, data, text)) {
    const r = range(doc, use.expr.getStart(model.source), use.expr.getEnd());
    if (!overlaps(r, at)) continue;
    if (!inferOffered) {
      inferOffered = true;
      actions.push({ title: "Set options.types: 'infer'", kind: 'quickfix', edit: edit([inferEdit(doc, model)]) });
    }
    actions.push({
      title: `Convert with Number(): ${use.reads.map((x) => `Number(${text.slice(x.accessStart, x.accessEnd)})`).join(', ')}`,
      kind: 'quickfix',
      isPreferred: true,
      edit: edit(
        use.reads.map((x) => ({
          range: range(doc, x.accessStart, x.accessEnd),
          newText: `Number(${text.slice(x.accessStart, x.accessEnd)})`,
        })),
      ),
    });
  }
  return actions;
}

/** The edit that makes the module's options say `types: 'infer'`, adding options when there are none. */
function inferEdit(doc: TextDocument, model: ProcessorModel): TextEdit {
  const object = model.options.node;
  if (object) {
    const existing = object.properties.find(
      (p) =>
        ts.isPropertyAssignment(p) &&
        (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) &&
        p.name.text === 'types',
    ) as ts.PropertyAssignment | undefined;
    if (existing)
      return {
        range: range(doc, existing.initializer.getStart(model.source), existing.initializer.getEnd()),
        newText: "'infer'",
      };
    const last = object.properties[object.properties.length - 1];
    return last
      ? { range: range(doc, last.getEnd(), last.getEnd()), newText: ", types: 'infer'" }
      : { range: range(doc, object.getStart(model.source) + 1, object.getEnd() - 1), newText: " types: 'infer' " };
  }
  const text = doc.getText();
  const esm = model.source.statements.some(
    (st) =>
      ts.isExportDeclaration(st) ||
      ts.isExportAssignment(st) ||
      (ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)),
  );
  // After `module.exports = { … }`, `exports` is no longer the module's exports object.
  const declaration = esm
    ? "export const options = { types: 'infer' };"
    : "module.exports.options = { types: 'infer' };";
  const end = doc.positionAt(text.length);
  return { range: { start: end, end }, newText: `${text.endsWith('\n') || text === '' ? '' : '\n'}${declaration}\n` };
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? formatInt(n) : String(n);
}

/** The column hover: place, type, empty share, range, sample values. */
export function hoverColumn(
  doc: TextDocument,
  model: ProcessorModel,
  data: DatasetColumns,
  offset: number,
): Hover | undefined {
  const read = model.reads.find((r) => r.nameStart <= offset && offset <= r.nameEnd);
  if (!read) return undefined;
  const c = data.byName.get(read.name);
  if (!c) return undefined;
  const parts = [`**${c.name}** — column ${c.index + 1} of ${data.columns.length} in ${data.label}`];
  const facts: string[] = [];
  const type = c.schemaType ? `${c.type} (${c.schemaType})` : c.type;
  if (c.type !== 'unknown')
    facts.push(c.sampleSource ? `${type} · from ${c.sampleSource}` : `${type} (${formatInt(c.sampled)} rows sampled)`);
  if (c.sampled) facts.push(emptyShare(c));
  if (c.min !== undefined && c.max !== undefined) facts.push(`${formatNumber(c.min)} … ${formatNumber(c.max)}`);
  if (facts.length) parts.push(facts.join(' · '));
  if (c.samples.length) parts.push(`e.g. ${c.samples.map((s) => `\`${s}\``).join(', ')}`);
  // Text formats convert by the module's types; JSON values arrive as JSON typed them.
  if (c.type === 'number' && read.kind !== 'columns' && !c.schemaType)
    parts.push(
      data.format !== 'csv'
        ? 'arrives as a number (JSON)'
        : typesMode(model) === 'string'
          ? `arrives as a string ('${c.samples[0] ?? ''}') under types: 'string'`
          : `arrives as a number under types: 'infer'`,
    );
  if (read.kind === 'columns') parts.push(c.type === 'number' ? 'a Float64Array (NaN for empty values)' : 'a string[]');
  return { contents: { kind: 'markdown', value: parts.join('\n\n') }, range: range(doc, read.nameStart, read.nameEnd) };
}
