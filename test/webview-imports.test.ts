// The boundary between the Node side and the report pages: src/ may take only types from webview/,
// and only from webview/protocol.ts, so no browser code lands in the extension or the CLI bundles;
// protocol.ts itself holds types only; and webview/ has no import cycle (type-only imports count,
// since a cycle of types still ties the modules' meaning together).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { ROOT } from './helpers';

interface ImportRef {
  /** Absolute path of the .ts file imported. */
  target: string;
  typeOnly: boolean;
  line: number;
}

function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f))
    .sort();
}

/** Relative imports and re-exports of a file (including `import('…')` types), resolved to .ts files. */
function importsOf(file: string): ImportRef[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const refs: ImportRef[] = [];
  const add = (spec: ts.Expression | undefined, typeOnly: boolean, node: ts.Node) => {
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) return;
    const base = path.resolve(path.dirname(file), spec.text);
    const target = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
    if (target) refs.push({ target, typeOnly, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      // `import type` only: `import { type A }` would still load the module under verbatimModuleSyntax.
      add(node.moduleSpecifier, !!node.importClause?.isTypeOnly, node);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly, node);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, true, node);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add(node.arguments[0], false, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');

describe('webview/ import boundary', function () {
  const webview = path.join(ROOT, 'webview');
  const protocol = path.join(webview, 'protocol.ts');

  it('src/ imports from webview/ only types, and only from webview/protocol.ts', function () {
    const wrong: string[] = [];
    for (const file of tsFiles(path.join(ROOT, 'src'))) {
      for (const ref of importsOf(file)) {
        if (!ref.target.startsWith(webview + path.sep)) continue;
        if (ref.target !== protocol) wrong.push(`${rel(file)}:${ref.line} imports ${rel(ref.target)}`);
        else if (!ref.typeOnly)
          wrong.push(`${rel(file)}:${ref.line} imports webview/protocol.ts without \`import type\``);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('webview/protocol.ts imports types only', function () {
    const values = importsOf(protocol).filter((r) => !r.typeOnly);
    assert.deepEqual(
      values.map((r) => `line ${r.line}: ${rel(r.target)}`),
      [],
    );
  });

  it('webview/ has no import cycle, type-only imports included', function () {
    const files = tsFiles(webview);
    const graph = new Map(
      files.map((f) => [
        f,
        importsOf(f)
          .map((r) => r.target)
          .filter((t) => t.startsWith(webview + path.sep)),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const walk = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t].map(rel).join(' → '));
        else if (!state.has(t)) walk(t);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) walk(f);
    assert.deepEqual(cycles, []);
  });
});
