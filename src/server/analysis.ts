// A static look at a processor file with the TypeScript parser (no Program, no type checker, no
// lib files): its entry points, its options literal, the names bound to rows and every column read
// through them. It tolerates the half-typed code completion runs on (`row.` followed by nothing).
import * as ts from 'typescript';

export type ReadKind = 'dot' | 'optional' | 'element' | 'destructure' | 'columns';

/** One read of a column: `row.fare`, `row?.fare`, `row['fare']`, `const { fare } = row`, `chunk.columns.fare`. */
export interface ColumnRead {
  name: string;
  kind: ReadKind;
  /** Offsets of the column name itself (inside the quotes for element reads). */
  nameStart: number;
  nameEnd: number;
  /** Offsets of the whole access (`row.fare`), for fixes that rewrite it; for destructuring the name. */
  accessStart: number;
  accessEnd: number;
  /** The row binding's text (`row`), for rewriting `row.x` as `row["x y"]`. */
  target: string;
  node: ts.Node;
}

export interface EntryPoint {
  name: 'processRow' | 'processChunk';
  /** Offset of the function's name, or of the function when it has none. */
  nameStart: number;
  nameEnd: number;
  fn: ts.SignatureDeclaration;
}

export interface ProcessorOptionsLiteral {
  rowShape?: string;
  types?: string;
  /** The object literal, for fixes that add a property. */
  node?: ts.ObjectLiteralExpression;
}

/** A member of the row's declared type (`fare: number;` in `interface Row { … }`). */
export interface RowTypeMember {
  name: string;
  /** Offsets of the name (inside the quotes for `"pickup zone": string`). */
  nameStart: number;
  nameEnd: number;
  /** The whole member, for fixes that remove it. */
  node: ts.TypeElement;
  /** `number`, `string`…: the type's text, when it has one. */
  typeText?: string;
}

/** The declared type of processRow's row (`row: Row` with `interface Row` or `type Row = {…}` in this file). */
export interface RowType {
  name: string;
  nameStart: number;
  nameEnd: number;
  members: RowTypeMember[];
  /** An index signature (`[key: string]: …`) allows any column: no member check. */
  open: boolean;
  /** Offsets just inside the braces, for "Update Row from the dataset". */
  bodyStart: number;
  bodyEnd: number;
  literal: ts.TypeLiteralNode | ts.InterfaceDeclaration;
}

export interface ProcessorModel {
  source: ts.SourceFile;
  entries: EntryPoint[];
  /** Other contract names the module exports (setup, teardown, combine, initial, options). */
  contractExports: string[];
  options: ProcessorOptionsLiteral;
  reads: ColumnRead[];
  /** Identifier nodes bound to one row (processRow's parameter, loop variables over a chunk). */
  rowNames: Map<ts.Node, Set<string>>;
  /** Scopes whose row parameter has a real type (`row: TripRow`): TypeScript completes those itself. */
  typedScopes: Set<ts.Node>;
  /** The row's declared type in this file, when processRow's parameter names one. */
  rowType?: RowType;
}

/** A type that names the row's fields (TripRow, { fare: string }), not `any`, `unknown` or `Record<string, …>`. */
function namesFields(type: ts.TypeNode | undefined): boolean {
  if (!type) return false;
  if (type.kind === ts.SyntaxKind.AnyKeyword || type.kind === ts.SyntaxKind.UnknownKeyword) return false;
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === 'Record') return false;
  if (ts.isTypeLiteralNode(type) && type.members.every(ts.isIndexSignatureDeclaration)) return false;
  return true;
}

const CONTRACT = new Set(['processRow', 'processChunk', 'setup', 'teardown', 'combine', 'initial', 'options']);
const ROW_CALLBACKS = new Set(['map', 'forEach', 'filter', 'some', 'every', 'find', 'findIndex', 'flatMap']);

export function parseSource(text: string, fileName: string): ts.SourceFile {
  const kind = /\.tsx?$|\.mts$|\.cts$/i.test(fileName) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
}

/** The exported name a node defines, for `export function f`, `exports.f =`, `module.exports = { f }`… */
function definedName(node: ts.Node): string | undefined {
  if (ts.isFunctionDeclaration(node) && node.name) return node.name.text;
  if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) return node.name.text;
  if ((ts.isPropertyAssignment(node) || ts.isMethodDeclaration(node)) && ts.isIdentifier(node.name))
    return node.name.text;
  if (ts.isShorthandPropertyAssignment(node)) return node.name.text;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const left = node.left;
    if (ts.isPropertyAccessExpression(left)) {
      const base = left.expression.getText();
      if (base === 'exports' || base === 'module.exports') return left.name.text;
    }
  }
  return undefined;
}

function functionOf(node: ts.Node): ts.SignatureDeclaration | undefined {
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) return node;
  const init = ts.isVariableDeclaration(node) || ts.isPropertyAssignment(node) ? node.initializer : undefined;
  const value = init ?? (ts.isBinaryExpression(node) ? node.right : undefined);
  if (value && (ts.isArrowFunction(value) || ts.isFunctionExpression(value))) return value;
  return undefined;
}

/** Is `node` (a declaration of a top-level name) exported by the module? */
function isExported(node: ts.Node, exportedNames: Set<string>): boolean {
  if (ts.isBinaryExpression(node)) return true; // exports.x = / module.exports.x =
  if (ts.isFunctionDeclaration(node))
    return !!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) || exportedNames.has(node.name!.text);
  if (ts.isVariableDeclaration(node)) {
    const statement = node.parent?.parent;
    const exported =
      statement && ts.isVariableStatement(statement)
        ? !!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
        : false;
    return exported || (ts.isIdentifier(node.name) && exportedNames.has(node.name.text));
  }
  // A property of `module.exports = { … }` or `export default { … }`.
  return true;
}

function moduleExportsObject(statement: ts.Statement): ts.ObjectLiteralExpression | undefined {
  if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression)) {
    const { left, right, operatorToken } = statement.expression;
    if (
      operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      left.getText() === 'module.exports' &&
      ts.isObjectLiteralExpression(right)
    )
      return right;
  }
  if (ts.isExportAssignment(statement) && ts.isObjectLiteralExpression(statement.expression))
    return statement.expression;
  return undefined;
}

function readOptions(value: ts.Expression | undefined): ProcessorOptionsLiteral {
  let v = value;
  while (v && (ts.isAsExpression(v) || ts.isSatisfiesExpression(v) || ts.isParenthesizedExpression(v)))
    v = v.expression;
  if (!v || !ts.isObjectLiteralExpression(v)) return {};
  const out: ProcessorOptionsLiteral = { node: v };
  for (const p of v.properties) {
    if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) continue;
    const key = p.name.text;
    const init = p.initializer;
    const text = ts.isStringLiteralLike(init) ? init.text : undefined;
    if (key === 'rowShape') out.rowShape = text;
    if (key === 'types') out.types = text;
  }
  return out;
}

/** Analyses one processor source. Never throws on syntax errors: the parser recovers. */
export function analyseProcessor(text: string, fileName: string): ProcessorModel {
  const source = parseSource(text, fileName);
  const exportedNames = new Set<string>();
  const topLevel: ts.Node[] = [];
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause))
      for (const e of statement.exportClause.elements) exportedNames.add(e.name.text);
    const object = moduleExportsObject(statement);
    if (object) for (const p of object.properties) topLevel.push(p);
    if (ts.isFunctionDeclaration(statement)) topLevel.push(statement);
    if (ts.isVariableStatement(statement)) topLevel.push(...statement.declarationList.declarations);
    if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression))
      topLevel.push(statement.expression);
  }
  // `function processRow() {}; module.exports = { processRow }`: the shorthand names the function.
  const shorthand = new Set(
    topLevel.filter(ts.isShorthandPropertyAssignment).map((p) => (p as ts.ShorthandPropertyAssignment).name.text),
  );
  const entries: EntryPoint[] = [];
  const contract = new Set<string>();
  let options: ProcessorOptionsLiteral = {};
  for (const node of topLevel) {
    const name = definedName(node);
    if (!name || !CONTRACT.has(name)) continue;
    const exported = isExported(node, new Set([...exportedNames, ...shorthand]));
    if (!exported) continue;
    contract.add(name);
    if (name === 'options') {
      const value = ts.isVariableDeclaration(node) || ts.isPropertyAssignment(node) ? node.initializer : undefined;
      options = readOptions(value ?? (ts.isBinaryExpression(node) ? node.right : undefined));
      continue;
    }
    let fn = functionOf(node);
    if (!fn && ts.isShorthandPropertyAssignment(node)) {
      const decl = topLevel.find((n) => n !== node && definedName(n) === name && functionOf(n));
      fn = decl && functionOf(decl);
    }
    if (fn && (name === 'processRow' || name === 'processChunk') && !entries.some((e) => e.fn === fn)) {
      const nameNode = (fn as ts.FunctionDeclaration).name ?? (ts.isBinaryExpression(node) ? node.left : node);
      entries.push({ name, nameStart: nameNode.getStart(source), nameEnd: nameNode.getEnd(), fn });
    }
  }
  const rowNames = new Map<ts.Node, Set<string>>();
  const typedScopes = new Set<ts.Node>();
  const reads: ColumnRead[] = [];
  const shape = options.rowShape;
  for (const entry of entries) {
    const first = entry.fn.parameters[0];
    if (!first) continue;
    if (entry.name === 'processRow') {
      if (ts.isIdentifier(first.name)) addRowName(rowNames, entry.fn, first.name.text);
      if (namesFields(first.type)) typedScopes.add(entry.fn);
      else if (ts.isObjectBindingPattern(first.name)) collectPattern(first.name, 'row', reads, source);
    } else if (shape === 'columns') {
      if (ts.isIdentifier(first.name)) collectColumnsReads(entry.fn, first.name.text, reads, source);
    } else if (ts.isIdentifier(first.name)) collectChunkRowNames(entry.fn, first.name.text, rowNames);
  }
  for (const [scope, names] of rowNames) collectReads(scope, names, reads, source);
  reads.sort((a, b) => a.nameStart - b.nameStart);
  const rowType = rowTypeOf(entries, source);
  return { source, entries, contractExports: [...contract], options, reads, rowNames, typedScopes, rowType };
}

/** `row: Row` / `rows: Row[]` → the file's own `interface Row` or `type Row = { … }`. */
function rowTypeOf(entries: EntryPoint[], source: ts.SourceFile): RowType | undefined {
  for (const entry of entries) {
    let type = entry.fn.parameters[0]?.type;
    if (type && entry.name === 'processChunk' && ts.isArrayTypeNode(type)) type = type.elementType;
    if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName) || type.typeArguments) continue;
    const name = type.typeName.text;
    for (const st of source.statements) {
      let literal: ts.TypeLiteralNode | ts.InterfaceDeclaration | undefined;
      let nameNode: ts.Identifier | undefined;
      if (ts.isInterfaceDeclaration(st) && st.name.text === name && !st.heritageClauses?.length) {
        literal = st;
        nameNode = st.name;
      } else if (ts.isTypeAliasDeclaration(st) && st.name.text === name && ts.isTypeLiteralNode(st.type)) {
        literal = st.type;
        nameNode = st.name;
      }
      if (!literal || !nameNode) continue;
      const members: RowTypeMember[] = [];
      let open = false;
      for (const m of literal.members) {
        if (ts.isIndexSignatureDeclaration(m)) open = true;
        if (!ts.isPropertySignature(m) || !(ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) continue;
        const quoted = ts.isStringLiteral(m.name);
        members.push({
          name: m.name.text,
          nameStart: m.name.getStart(source) + (quoted ? 1 : 0),
          nameEnd: m.name.getEnd() - (quoted ? 1 : 0),
          node: m,
          typeText: m.type?.getText(source),
        });
      }
      // The braces: the members' list sits between them.
      const text = source.text;
      const open0 = text.indexOf(
        '{',
        ts.isInterfaceDeclaration(literal) ? literal.name.getEnd() : literal.getStart(source),
      );
      const close = literal.getEnd() - 1;
      if (open0 < 0 || text[close] !== '}') return undefined;
      return {
        name,
        nameStart: nameNode.getStart(source),
        nameEnd: nameNode.getEnd(),
        members,
        open,
        bodyStart: open0 + 1,
        bodyEnd: close,
        literal,
      };
    }
  }
  return undefined;
}

function addRowName(map: Map<ts.Node, Set<string>>, scope: ts.Node, name: string): void {
  const set = map.get(scope) ?? new Set<string>();
  set.add(name);
  map.set(scope, set);
}

/** processChunk(rows) with object rows: `for (const r of rows)`, `rows.map((r) => …)`, `const r = rows[i]`. */
function collectChunkRowNames(fn: ts.Node, rows: string, map: Map<ts.Node, Set<string>>): void {
  const visit = (node: ts.Node): void => {
    if (ts.isForOfStatement(node) && ts.isIdentifier(node.expression) && node.expression.text === rows) {
      const init = node.initializer;
      if (ts.isVariableDeclarationList(init) && init.declarations[0] && ts.isIdentifier(init.declarations[0].name))
        addRowName(map, node, init.declarations[0].name.text);
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === rows &&
      ROW_CALLBACKS.has(node.expression.name.text)
    ) {
      const cb = node.arguments[0];
      if (cb && (ts.isArrowFunction(cb) || ts.isFunctionExpression(cb))) {
        const p = cb.parameters[0];
        if (p && ts.isIdentifier(p.name)) addRowName(map, cb, p.name.text);
      }
    }
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer &&
      ts.isElementAccessExpression(node.initializer) &&
      ts.isIdentifier(node.initializer.expression) &&
      node.initializer.expression.text === rows
    )
      addRowName(map, fn, node.name.text);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn, visit);
}

/** `chunk.columns.x`, `const { columns } = chunk` then `columns.x`, `const cols = chunk.columns` then `cols.x`. */
function collectColumnsReads(fn: ts.Node, chunk: string, reads: ColumnRead[], source: ts.SourceFile): void {
  const holders = columnHolders(fn, chunk);
  const visit = (node: ts.Node): void => {
    const read = columnsAccess(node, chunk, holders, source);
    if (read) reads.push(read);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn, visit);
}

/** Names that hold `chunk.columns` inside `fn`. */
export function columnHolders(fn: ts.Node, chunk: string): Set<string> {
  const holders = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.initializer) {
      const init = node.initializer;
      if (ts.isIdentifier(init) && init.text === chunk && ts.isObjectBindingPattern(node.name)) {
        for (const el of node.name.elements) {
          const key = el.propertyName ?? el.name;
          if (ts.isIdentifier(key) && key.text === 'columns' && ts.isIdentifier(el.name)) holders.add(el.name.text);
        }
      }
      if (
        ts.isIdentifier(node.name) &&
        ts.isPropertyAccessExpression(init) &&
        ts.isIdentifier(init.expression) &&
        init.expression.text === chunk &&
        init.name.text === 'columns'
      )
        holders.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn, visit);
  return holders;
}

/** The object a `.x` or `['x']` access reads columns from: `chunk.columns` or a holder name. */
function isColumnsObject(expr: ts.Expression, chunk: string, holders: Set<string>): boolean {
  if (ts.isIdentifier(expr)) return holders.has(expr.text);
  return (
    ts.isPropertyAccessExpression(expr) &&
    ts.isIdentifier(expr.expression) &&
    expr.expression.text === chunk &&
    expr.name.text === 'columns'
  );
}

function columnsAccess(
  node: ts.Node,
  chunk: string,
  holders: Set<string>,
  source: ts.SourceFile,
): ColumnRead | undefined {
  if (ts.isPropertyAccessExpression(node) && isColumnsObject(node.expression, chunk, holders))
    return dotRead(node, 'columns', source);
  if (ts.isElementAccessExpression(node) && isColumnsObject(node.expression, chunk, holders))
    return elementRead(node, source, 'columns');
  return undefined;
}

function dotRead(node: ts.PropertyAccessExpression, kind: ReadKind, source: ts.SourceFile): ColumnRead | undefined {
  const name = node.name;
  if (!ts.isIdentifier(name) || name.text === '') return undefined;
  // `row.` then a keyword on the next line is half-typed code, not a read of "const".
  const dotLine = source.getLineAndCharacterOfPosition(node.expression.getEnd()).line;
  if (source.getLineAndCharacterOfPosition(name.getStart(source)).line !== dotLine) return undefined;
  return {
    name: name.text,
    kind: kind === 'columns' ? 'columns' : node.questionDotToken ? 'optional' : 'dot',
    nameStart: name.getStart(source),
    nameEnd: name.getEnd(),
    accessStart: node.getStart(source),
    accessEnd: node.getEnd(),
    target: node.expression.getText(source),
    node,
  };
}

function elementRead(
  node: ts.ElementAccessExpression,
  source: ts.SourceFile,
  kind: ReadKind = 'element',
): ColumnRead | undefined {
  const arg = node.argumentExpression;
  if (!ts.isStringLiteral(arg) && !ts.isNoSubstitutionTemplateLiteral(arg)) return undefined;
  const start = arg.getStart(source);
  const raw = arg.getText(source);
  // An unterminated literal (`row['fa`) is being typed: no read yet.
  if (raw.length < 2 || raw[raw.length - 1] !== raw[0]) return undefined;
  return {
    name: arg.text,
    kind,
    nameStart: start + 1,
    nameEnd: arg.getEnd() - 1,
    accessStart: node.getStart(source),
    accessEnd: node.getEnd(),
    target: node.expression.getText(source),
    node,
  };
}

function collectPattern(pattern: ts.ObjectBindingPattern, target: string, reads: ColumnRead[], source: ts.SourceFile) {
  for (const el of pattern.elements) {
    if (el.dotDotDotToken) continue;
    const key = el.propertyName ?? el.name;
    if (!(ts.isIdentifier(key) || ts.isStringLiteral(key)) || key.text === '') continue;
    const quoted = ts.isStringLiteral(key);
    const start = key.getStart(source) + (quoted ? 1 : 0);
    reads.push({
      name: key.text,
      kind: 'destructure',
      nameStart: start,
      nameEnd: key.getEnd() - (quoted ? 1 : 0),
      accessStart: key.getStart(source),
      accessEnd: key.getEnd(),
      target,
      node: el,
    });
  }
}

function collectReads(scope: ts.Node, names: Set<string>, reads: ColumnRead[], source: ts.SourceFile): void {
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && names.has(node.expression.text)) {
      const r = dotRead(node, 'dot', source);
      if (r) reads.push(r);
    } else if (
      ts.isElementAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      names.has(node.expression.text)
    ) {
      const r = elementRead(node, source);
      if (r) reads.push(r);
    } else if (
      ts.isVariableDeclaration(node) &&
      ts.isObjectBindingPattern(node.name) &&
      node.initializer &&
      ts.isIdentifier(node.initializer) &&
      names.has(node.initializer.text)
    )
      collectPattern(node.name, node.initializer.text, reads, source);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(scope, visit);
}

/** Where the cursor is, for completion: what it completes and which text the item replaces. */
export type CompletionSite =
  | { kind: 'dot'; target: string; dotStart: number; replaceStart: number; replaceEnd: number; optional: boolean }
  | { kind: 'element'; quote: string; replaceStart: number; replaceEnd: number; closed: boolean }
  | { kind: 'destructure'; replaceStart: number; replaceEnd: number; taken: Set<string> }
  | { kind: 'columns'; target: string; dotStart: number; replaceStart: number; replaceEnd: number };

function innermost(node: ts.Node, offset: number, source: ts.SourceFile): ts.Node[] {
  const path: ts.Node[] = [node];
  let current = node;
  for (;;) {
    let next: ts.Node | undefined;
    ts.forEachChild(current, (child) => {
      if (!next && child.getStart(source) <= offset && offset <= child.getEnd()) next = child;
    });
    if (!next) return path;
    path.push(next);
    current = next;
  }
}

/** Is this node inside the scope of a row binding named `name` (of a type TypeScript does not already know)? */
function inRowScope(model: ProcessorModel, node: ts.Node, name: string): boolean {
  for (const [scope, names] of model.rowNames)
    if (
      names.has(name) &&
      !model.typedScopes.has(scope) &&
      scope.getStart(model.source) <= node.getStart(model.source) &&
      node.getEnd() <= scope.getEnd()
    )
      return true;
  return false;
}

function columnsScope(model: ProcessorModel, node: ts.Node, expr: ts.Expression): boolean {
  if (model.options.rowShape !== 'columns') return false;
  for (const entry of model.entries) {
    if (entry.name !== 'processChunk') continue;
    const first = entry.fn.parameters[0];
    if (!first || !ts.isIdentifier(first.name)) continue;
    if (node.getStart(model.source) < entry.fn.getStart(model.source) || node.getEnd() > entry.fn.getEnd()) continue;
    if (isColumnsObject(expr, first.name.text, columnHolders(entry.fn, first.name.text))) return true;
  }
  return false;
}

/** The completion site at `offset`, or undefined when the cursor is not completing a column. */
export function completionSite(model: ProcessorModel, offset: number): CompletionSite | undefined {
  const { source } = model;
  const path = innermost(source, offset, source);
  for (let k = path.length - 1; k >= 0; k--) {
    const node = path[k];
    if (ts.isPropertyAccessExpression(node)) {
      const dotStart = node.questionDotToken ? node.questionDotToken.getStart(source) : node.expression.getEnd();
      const name = node.name;
      const nameStart = name.getStart(source);
      // The cursor must be after the dot and within the (possibly empty) name.
      if (offset <= dotStart) continue;
      const sameLine =
        source.getLineAndCharacterOfPosition(nameStart).line === source.getLineAndCharacterOfPosition(dotStart).line;
      const replaceStart = sameLine ? nameStart : offset;
      const replaceEnd = sameLine ? Math.max(offset, name.getEnd()) : offset;
      if (sameLine && offset > name.getEnd()) continue;
      if (ts.isIdentifier(node.expression) && inRowScope(model, node, node.expression.text))
        return {
          kind: 'dot',
          target: node.expression.text,
          dotStart: node.expression.getEnd(),
          replaceStart,
          replaceEnd: sameLine ? replaceEnd : offset,
          optional: !!node.questionDotToken,
        };
      if (columnsScope(model, node, node.expression))
        return {
          kind: 'columns',
          target: node.expression.getText(source),
          dotStart: node.expression.getEnd(),
          replaceStart,
          replaceEnd,
        };
      return undefined;
    }
    if (ts.isElementAccessExpression(node)) {
      const arg = node.argumentExpression;
      if (!ts.isStringLiteral(arg) && !ts.isNoSubstitutionTemplateLiteral(arg)) return undefined;
      const start = arg.getStart(source);
      if (offset <= start) return undefined;
      const raw = arg.getText(source);
      const closed = raw.length >= 2 && raw[raw.length - 1] === raw[0];
      const rowRead = ts.isIdentifier(node.expression) && inRowScope(model, node, node.expression.text);
      if (!rowRead && !columnsScope(model, node, node.expression)) return undefined;
      return {
        kind: 'element',
        quote: raw[0],
        replaceStart: start + 1,
        replaceEnd: closed ? arg.getEnd() - 1 : Math.max(offset, start + 1 + arg.text.length),
        closed,
      };
    }
    if (ts.isObjectBindingPattern(node)) {
      const decl = node.parent;
      const fromRow =
        (ts.isVariableDeclaration(decl) &&
          decl.initializer &&
          ts.isIdentifier(decl.initializer) &&
          inRowScope(model, decl, decl.initializer.text)) ||
        (ts.isParameter(decl) && model.entries.some((e) => e.name === 'processRow' && e.fn.parameters[0] === decl));
      if (!fromRow) return undefined;
      if (offset <= node.getStart(source) || offset >= node.getEnd()) return undefined;
      const taken = new Set<string>();
      let replaceStart = offset;
      let replaceEnd = offset;
      for (const el of node.elements) {
        const key = el.propertyName ?? el.name;
        if (ts.isIdentifier(key)) {
          if (key.getStart(source) <= offset && offset <= key.getEnd()) {
            replaceStart = key.getStart(source);
            replaceEnd = key.getEnd();
          } else taken.add(key.text);
        }
      }
      return { kind: 'destructure', replaceStart, replaceEnd, taken };
    }
    if (ts.isBlock(node) || ts.isSourceFile(node) || ts.isFunctionLike(node)) return undefined;
  }
  return undefined;
}

/** Does the column read take part in `a + b`, `a > b`…? The binary expression and the other side. */
export function binaryAround(read: ColumnRead): { expr: ts.BinaryExpression; other: ts.Expression } | undefined {
  let node: ts.Node = read.node;
  while (node.parent && ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (!parent || !ts.isBinaryExpression(parent)) return undefined;
  return { expr: parent, other: parent.left === node ? parent.right : parent.left };
}

export { ts };
