// Rename (F2) of a column read across the file and go to definition (F12) from a read to the
// dataset's header cell, through the real built server.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location, TextEdit } from 'vscode-languageserver-protocol';
import { TempDir } from '../../helpers';
import { analyseProcessor } from '../../../src/server/analysis';
import { headerCells } from '../../../src/server/navigation';
import { applyEdits, cursor, LspServer } from './lsp-client';
import { tripsCsv, write } from './fixtures';

describe('language server: rename a column (F2) and go to its header cell (F12)', function () {
  this.timeout(60_000);
  let tmp: TempDir;
  let server: LspServer;
  let csv: string;
  let n = 0;
  before(async () => {
    tmp = new TempDir('chunkscope-lsp-nav-');
    csv = write(path.join(tmp.dir, 'trips.csv'), tripsCsv(50));
    write(path.join(tmp.dir, 'trips.tsv'), 'id\tpickup zone\tfare\n1\tSoHo\t2.5\n');
    write(
      path.join(tmp.dir, 'trips.jsonl'),
      '\n{"id": 1, "nested": {"fare": 0}, "fare": 12.5}\n{"id": 2, "fare": 3}\n',
    );
    write(path.join(tmp.dir, 'big.csv'), 'a,b\n1,2\n');
    server = await LspServer.start({ root: tmp.dir });
  });
  after(async () => {
    await server?.stop();
    tmp?.dispose();
  });

  async function open(marked: string, dataset = 'trips.csv', ext = '.mjs') {
    const c = cursor(`// @chunkscope-data ./${dataset}\n${marked}`);
    const uri = await server.open(path.join(tmp.dir, `nav${++n}${ext}`), c.text);
    return { uri, ...c };
  }

  const RENAME = `export function processRow(row) {
  const { fare, tip } = row;
  if (row.fa|re > 10) return row['fare'] * 2 + fare + row?.fare;
  return row.tip + tip;
}
`;

  it('prepareRename gives the column name under the cursor; anything else is rejected', async () => {
    const { uri, position, text } = await open(RENAME);
    const prepared = await server.prepareRename(uri, position);
    assert.ok(prepared && 'placeholder' in prepared);
    assert.equal(prepared.placeholder, 'fare');
    assert.deepEqual(prepared.range, { start: { line: 3, character: 10 }, end: { line: 3, character: 14 } });
    // `if`, `processRow`, a string, the return: no column there.
    for (const at of ['if', 'processRow', 'return row.tip']) {
      const offset = text.indexOf(at);
      const line = text.slice(0, offset).split('\n').length - 1;
      const character = offset - text.lastIndexOf('\n', offset - 1) - 1;
      assert.equal(await server.prepareRename(uri, { line, character }), null, at);
    }
  });

  it('renames every read of the column: dot, bracket, optional, destructured (keeping the local name)', async () => {
    const { uri, position, text } = await open(RENAME);
    const edit = await server.rename(uri, position, 'fare_amount');
    const edited = applyEdits(text, edit!.changes![uri] as TextEdit[]);
    assert.equal(
      edited.split('\n').slice(1).join('\n'),
      `export function processRow(row) {
  const { fare_amount: fare, tip } = row;
  if (row.fare_amount > 10) return row['fare_amount'] * 2 + fare + row?.fare_amount;
  return row.tip + tip;
}
`,
    );
    const reads = analyseProcessor(edited, 'x.mjs').reads.map((r) => r.name);
    assert.deepEqual(reads, ['fare_amount', 'tip', 'fare_amount', 'fare_amount', 'fare_amount', 'tip']);
  });

  it('a new name that is not an identifier switches dot reads to brackets; the Row member is renamed too', async () => {
    const { uri, position, text } = await open(
      'interface Row { fare: string; tip: string }\nexport function processRow(row: Row) {\n  return row.fa|re + row["fare"];\n}\n',
      'trips.csv',
      '.ts',
    );
    const edit = await server.rename(uri, position, 'fare amount');
    const edited = applyEdits(text, edit!.changes![uri] as TextEdit[]);
    assert.match(edited, /interface Row \{ "fare amount": string; tip: string \}/);
    assert.match(edited, /return row\["fare amount"\] \+ row\["fare amount"\];/);
    // F2 on the member renames the reads as well.
    const memberAt = text.indexOf('fare: string') + 1;
    const line = text.slice(0, memberAt).split('\n').length - 1;
    const character = memberAt - text.lastIndexOf('\n', memberAt - 1) - 1;
    const fromMember = await server.rename(uri, { line, character }, 'total');
    const renamed = applyEdits(text, fromMember!.changes![uri] as TextEdit[]);
    assert.match(renamed, /interface Row \{ total: string; tip: string \}/);
    assert.match(renamed, /return row\.total \+ row\["total"\];/);
  });

  it('F12 on a CSV column read opens the header cell (line 0, its characters; after the BOM, inside quotes)', async () => {
    const { uri, position } = await open(
      'export function processRow(row) {\n  return row.fa|re + row["pickup zone"];\n}\n',
    );
    const loc = (await server.definition(uri, position)) as Location;
    assert.equal(loc.uri, pathToFileURL(csv).href);
    const header = fs
      .readFileSync(csv, 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\n')[0];
    assert.equal(loc.range.start.line, 0);
    assert.equal(header.slice(loc.range.start.character, loc.range.end.character), 'fare');
    const zone = await open('export function processRow(row) {\n  return row["pickup z|one"];\n}\n');
    const z = (await server.definition(zone.uri, zone.position)) as Location;
    assert.equal(header.slice(z.range.start.character, z.range.end.character), 'pickup zone');
    assert.equal(header[z.range.start.character - 1], '"', 'inside the quotes');
  });

  it('F12 in a TSV finds the cell by tab; in JSON Lines the key of the first record; Parquet/unknown: none', async () => {
    const tsv = await open('export function processRow(row) {\n  return row.fa|re;\n}\n', 'trips.tsv');
    const t = (await server.definition(tsv.uri, tsv.position)) as Location;
    assert.deepEqual(t.range, { start: { line: 0, character: 15 }, end: { line: 0, character: 19 } });
    const jsonl = await open('export function processRow(row) {\n  return row.fa|re;\n}\n', 'trips.jsonl');
    const j = (await server.definition(jsonl.uri, jsonl.position)) as Location;
    const first = fs.readFileSync(path.join(tmp.dir, 'trips.jsonl'), 'utf8').split('\n')[1];
    assert.equal(j.range.start.line, 1, 'the first record, after a blank line');
    assert.equal(first.slice(j.range.start.character - 1, j.range.end.character + 1), '"fare"');
    assert.ok(j.range.start.character > first.indexOf('"nested"'), 'the top-level key, not the nested one');
    const unknown = await open('export function processRow(row) {\n  return row.fa|ir;\n}\n');
    assert.equal(await server.definition(unknown.uri, unknown.position), null, 'not a column of the dataset');
    const other = await open('export function processRow(row) {\n  return ro|w.fare;\n}\n');
    assert.equal(await server.definition(other.uri, other.position), null, 'not on a column');
  });

  it('header cells: quotes, doubled quotes, empty cells', () => {
    const line = 'a,"b ""c""",,"d,e"';
    assert.deepEqual(
      headerCells(line, ',').map(([s, e]) => line.slice(s, e)),
      ['a', 'b ""c""', '', 'd,e'],
    );
  });
});
