// Column completion and the column hover, through the real built server: every access form in
// CommonJS, ESM and TypeScript files, the edits applied and the result parsed again, names that are
// not identifiers, the columns shape, and no items in strings, comments or on other objects.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { CompletionItem, MarkupContent, TextEdit } from 'vscode-languageserver-protocol';
import { TempDir } from '../../helpers';
import { analyseProcessor } from '../../../src/server/analysis';
import { applyEdits, byLabel, cursor, LspServer } from './lsp-client';
import { tripsCsv, TRIP_COLUMNS, write } from './fixtures';

const HEAD = '// @chunkscope-data ./trips.csv\n';

describe('language server: column completion', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  let server: LspServer;
  let n = 0;
  before(async () => {
    tmp = new TempDir('chunkscope-lsp-complete-');
    write(path.join(tmp.dir, 'trips.csv'), tripsCsv());
    server = await LspServer.start({ root: tmp.dir });
  });
  after(async () => {
    await server?.stop();
    tmp?.dispose();
  });

  /** Completes at `|` in `marked` (saved as a file with extension `ext`): the items and the text. */
  async function complete(marked: string, ext = '.mjs'): Promise<{ items: CompletionItem[]; text: string }> {
    const { text, position } = cursor(HEAD + marked);
    const uri = await server.open(path.join(tmp.dir, `p${++n}${ext}`), text);
    return { items: await server.complete(uri, position), text };
  }

  /** The text after applying the item's edit, and the column reads the parser then finds. */
  function accept(text: string, item: CompletionItem | undefined, ext = '.mjs') {
    assert.ok(item, 'the item is offered');
    const edited = applyEdits(text, [item.textEdit as TextEdit]);
    const reads = analyseProcessor(edited, `x${ext}`).reads.map((r) => r.name);
    return { edited, reads };
  }

  it('after row. lists every column in header order, with type, empty share and sample values', async () => {
    const { items, text } = await complete('export function processRow(row) {\n  return row.|\n}\n');
    assert.deepEqual(
      items.map((i) => i.label),
      TRIP_COLUMNS,
    );
    const byName = byLabel(items);
    assert.equal(byName.get('fare')!.detail, 'number · 0 % empty');
    assert.equal(byName.get('tip')!.detail, 'number · 2.0 % empty');
    assert.equal(byName.get('note')!.detail, 'text · 0 % empty');
    assert.equal(byName.get('zip')!.detail, 'number · 0 % empty');
    const doc = (byName.get('fare')!.documentation as MarkupContent).value;
    assert.match(doc, /^column 6 of trips\.csv/);
    assert.match(doc, /e\.g\. 12\.5 · 11\.75 · 21\.00 \(trips\.csv, first 1,000 rows\)/);
    assert.ok(items.every((i) => i.kind === 5 && i.sortText!.startsWith('!')));
    // From the dot, like TypeScript's member items: VS Code scores both alike, then sortText puts columns first.
    const fare = byName.get('fare')!;
    assert.equal(fare.filterText, '.fare');
    assert.deepEqual((fare.textEdit as TextEdit).range.start, { line: 2, character: '  return row'.length });
    assert.equal((fare.textEdit as TextEdit).newText, '.fare');
    const { edited, reads } = accept(text, fare);
    assert.match(edited, /return row\.fare\n/);
    assert.deepEqual(reads, ['fare']);
  });

  it('a name that is not an identifier turns row. into row["pickup zone"]', async () => {
    const { items, text } = await complete('export function processRow(row) {\n  return row.|\n}\n');
    const item = byLabel(items).get('pickup zone');
    assert.equal(item!.filterText, '.pickup zone');
    const { edited, reads } = accept(text, item);
    assert.match(edited, /return row\["pickup zone"\]\n/);
    assert.deepEqual(reads, ['pickup zone']);
  });

  it('replaces the part of the name already typed (row.fa → row.fare)', async () => {
    const { items, text } = await complete('exports.processRow = (row) => row.fa|;\n', '.js');
    const { edited, reads } = accept(text, byLabel(items).get('fare'), '.js');
    assert.match(edited, /=> row\.fare;\n/);
    assert.deepEqual(reads, ['fare']);
  });

  it('after row?. (optional chaining), also for non-identifiers', async () => {
    const { items, text } = await complete('export const processRow = (row) => row?.|;\n');
    assert.match(accept(text, byLabel(items).get('tip')).edited, /row\?\.tip;/);
    const { edited, reads } = accept(text, byLabel(items).get('pickup zone'));
    assert.match(edited, /row\?\.\["pickup zone"\];/);
    assert.deepEqual(reads, ['pickup zone']);
  });

  it('inside row[\' (unterminated) and row[""] (auto-closed quotes)', async () => {
    const open = await complete("export function processRow(row) {\n  return row['|\n}\n");
    const a = accept(open.text, byLabel(open.items).get('pickup zone'));
    assert.match(a.edited, /return row\['pickup zone'\]\n/);
    assert.deepEqual(a.reads, ['pickup zone']);
    const closed = await complete('export function processRow(row) {\n  return row["|"];\n}\n');
    const b = accept(closed.text, byLabel(closed.items).get('fare'));
    assert.match(b.edited, /return row\["fare"\];\n/);
    assert.deepEqual(b.reads, ['fare']);
  });

  it('in destructuring of row: const { | } = row, without the names already taken', async () => {
    const { items, text } = await complete(
      'export function processRow(row) {\n  const { fare, | } = row;\n  return fare;\n}\n',
    );
    const labels = items.map((i) => i.label);
    assert.ok(!labels.includes('fare'), 'fare is taken');
    assert.equal(labels.length, TRIP_COLUMNS.length - 1);
    assert.deepEqual(accept(text, byLabel(items).get('tip')).reads, ['fare', 'tip']);
    const { edited, reads } = accept(text, byLabel(items).get('pickup zone'));
    assert.match(edited, /const \{ fare, "pickup zone": pickupZone \} = row;/);
    assert.deepEqual(reads, ['fare', 'pickup zone']);
  });

  it("in processRow's destructured parameter, in TypeScript", async () => {
    const { items, text } = await complete(
      'export function processRow({ fa| }: Record<string, string>): number {\n  return 1;\n}\n',
      '.ts',
    );
    assert.deepEqual(accept(text, byLabel(items).get('fare'), '.ts').reads, ['fare']);
  });

  it('leaves a row of a named type (row: TripRow) to TypeScript, which completes it already', async () => {
    const typed = await complete(
      'interface TripRow { fare: string }\nexport function processRow(row: TripRow) {\n  return row.|;\n}\n',
      '.ts',
    );
    assert.deepEqual(typed.items, []);
    const loose = await complete(
      'export function processRow(row: Record<string, string>) {\n  return row.|;\n}\n',
      '.ts',
    );
    assert.equal(loose.items.length, TRIP_COLUMNS.length, 'Record<string, string> names no columns');
  });

  it('in processChunk loops over rows (for…of, map callbacks)', async () => {
    const loop = await complete(
      'export function processChunk(rows) {\n  let s = 0;\n  for (const r of rows) s += Number(r.|);\n  return [s];\n}\n',
    );
    assert.deepEqual(accept(loop.text, byLabel(loop.items).get('fare')).reads, ['fare']);
    const map = await complete(
      'module.exports = {\n  processChunk(rows) {\n    return rows.map((t) => t.|);\n  },\n};\n',
      '.js',
    );
    assert.deepEqual(accept(map.text, byLabel(map.items).get('tip'), '.js').reads, ['tip']);
  });

  it("chunk.columns. and columns. under rowShape 'columns': numeric columns first, as Float64Array", async () => {
    const direct = await complete(
      "export const options = { rowShape: 'columns' };\nexport function processChunk(chunk) {\n  const a = chunk.columns.|;\n  return [a];\n}\n",
    );
    const labels = direct.items.map((i) => i.label);
    assert.deepEqual(labels.slice(-3), ['vendor', 'pickup zone', 'note'], 'text columns last');
    assert.equal(byLabel(direct.items).get('fare')!.detail, 'Float64Array · number · 0 % empty');
    assert.equal(byLabel(direct.items).get('note')!.detail, 'string[] · text · 0 % empty');
    assert.match(accept(direct.text, byLabel(direct.items).get('fare')).edited, /chunk\.columns\.fare;/);
    const held = await complete(
      "export const options = { rowShape: 'columns' };\nexport function processChunk(chunk) {\n  const { columns } = chunk;\n  return [columns.fa|];\n}\n",
    );
    const { edited, reads } = accept(held.text, byLabel(held.items).get('fare'));
    assert.match(edited, /\[columns\.fare\]/);
    assert.deepEqual(reads, ['fare']);
  });

  it('a JSON Lines dataset: the keys of the sampled records, typed as JSON typed them, with samples', async () => {
    write(
      path.join(tmp.dir, 'events.jsonl'),
      '{"user": "a", "ms": 3}\n{"user": "b", "ms": 5, "tag": "x"}\n{"user": "c", "ms": 4.5, "tag": null}\n{"user": "d", "ms": 1, "tag": {"k": 1}}\n',
    );
    const { text, position } = cursor('// @chunkscope-data ./events.jsonl\nexports.processRow = (e) => e.|;\n');
    const uri = await server.open(path.join(tmp.dir, `j${++n}.js`), text);
    const items = await server.complete(uri, position);
    assert.deepEqual(
      items.map((i) => [i.label, i.detail]),
      [
        ['user', 'text · 0 % empty'],
        ['ms', 'number · 0 % empty'],
        ['tag', 'text · 50 % empty'],
      ],
    );
    const ms = (items[1].documentation as MarkupContent).value;
    assert.match(ms, /3/);
    assert.match(ms, /4\.5/);
    const tag = (items[2].documentation as MarkupContent).value;
    assert.match(tag, /\{"k":1\}/);
    // A JSON number arrives as a number whatever the module's types say.
    const read = cursor('// @chunkscope-data ./events.jsonl\nexports.processRow = (e) => e.m|s;\n');
    const hover = await server.hover(await server.open(path.join(tmp.dir, `j${++n}.js`), read.text), read.position);
    const shown = (hover!.contents as MarkupContent).value;
    assert.match(shown, /arrives as a number \(JSON\)/);
    assert.doesNotMatch(shown, /as a string/);
  });

  it('offers nothing in comments, in strings, on other objects or outside the row function', async () => {
    const cases = [
      'export function processRow(row) {\n  // row.|\n  return 1;\n}\n',
      'export function processRow(row) {\n  /* see row.| */\n  return 1;\n}\n',
      "export function processRow(row) {\n  return 'row.|';\n}\n",
      'export function processRow(row) {\n  return `row.|`;\n}\n',
      'export function processRow(row) {\n  return other.|;\n}\n',
      'const row = {};\nrow.|;\nexport function processRow(r) {\n  return r;\n}\n',
      'export function transform(row) {\n  return row.|;\n}\n',
    ];
    for (const marked of cases) {
      const { items } = await complete(marked);
      assert.deepEqual(items, [], marked);
    }
  });
});

describe('language server: column hover', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  let server: LspServer;
  before(async () => {
    tmp = new TempDir('chunkscope-lsp-hover-');
    write(path.join(tmp.dir, 'trips.csv'), tripsCsv());
    server = await LspServer.start({ root: tmp.dir });
  });
  after(async () => {
    await server?.stop();
    tmp?.dispose();
  });

  async function hoverAt(marked: string, ext = '.js'): Promise<string | undefined> {
    const { text, position } = cursor(HEAD + marked);
    const uri = await server.open(path.join(tmp.dir, `h${Math.random().toString(36).slice(2)}${ext}`), text);
    const hover = await server.hover(uri, position);
    return hover ? (hover.contents as MarkupContent).value : undefined;
  }

  it('on row.fare: position in the header, type, empty share, min … max, sample values, how it arrives', async () => {
    const value = await hoverAt('exports.processRow = (row) => row.fa|re;\n');
    assert.match(
      value!,
      /^\*\*fare\*\* — column 6 of 9 in trips\.csv\n\nnumber \(1,000 rows sampled\) · 0 % empty · 2\.5 … 147\.25\n\ne\.g\. `12\.5`, `11\.75`, `21\.00`\n\narrives as a string \('12\.5'\) under types: 'string'$/,
    );
  });

  it("on a quoted, destructured and text column; under types: 'infer'", async () => {
    const zone = await hoverAt("exports.processRow = (row) => row['pickup |zone'];\n");
    assert.match(
      zone!,
      /^\*\*pickup zone\*\* — column 3 of 9 in trips\.csv\n\ntext \(1,000 rows sampled\) · 0 % empty\n\ne\.g\. `Midtown`, `Harlem`, `SoHo`$/,
    );
    const tip = await hoverAt('exports.processRow = (row) => {\n  const { ti|p } = row;\n  return tip;\n};\n');
    assert.match(tip!, /\*\*tip\*\* — column 7 of 9[^]*2\.0 % empty · 0 … 19/);
    const inferred = await hoverAt("exports.options = { types: 'infer' };\nexports.processRow = (row) => row.fa|re;\n");
    assert.match(inferred!, /arrives as a number under types: 'infer'$/);
  });

  it('nothing on a name that is not a column read', async () => {
    assert.equal(await hoverAt('exports.processRow = (ro|w) => row.fare;\n'), undefined);
    assert.equal(await hoverAt('exports.processRow = (row) => row.fai|r;\n'), undefined);
  });
});
