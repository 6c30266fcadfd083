// Parquet and Arrow datasets in the language server: columns and types from the file's schema,
// empty shares and values from the footer's row-group statistics (Parquet, written by DuckDB) or
// the first record batch (Arrow, written by apache-arrow); never the whole file.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Float64, Int32, tableToIPC, Utf8, vectorFromArray, Table } from 'apache-arrow';
import type { MarkupContent } from 'vscode-languageserver-protocol';
import { TempDir } from '../../helpers';
import { openParquet } from '../../../src/engine/read/parquet';
import { byLabel, cursor, LspServer } from './lsp-client';
import { write } from './fixtures';

const PARQUET_ROWS = 1_500_000;
const GROUP_ROWS = 100_000;

describe('language server: Parquet and Arrow datasets (schema and statistics only)', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  let server: LspServer;
  let parquet: string;
  let arrow: string;
  let n = 0;
  /** Rows of row group 1, as DuckDB chose them (a multiple of its vector size near ROW_GROUP_SIZE). */
  let groupRows = '';

  before(async () => {
    tmp = new TempDir('chunkscope-lsp-tables-');
    parquet = path.join(tmp.dir, 'trips.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // fare 2.5 … 101.5 in the first row group; zone NULL on every 10th row; the second half holds
    // larger fares, so a min/max from the whole file would differ from row group 1's.
    await connection.run(
      `COPY (SELECT i::BIGINT AS trip_id, (2.5 + (i % 100) + CASE WHEN i >= ${PARQUET_ROWS / 2} THEN 1000 ELSE 0 END)::DOUBLE AS fare,
         (i % 4 + 1)::INTEGER AS passengers, CASE WHEN i % 10 = 0 THEN NULL ELSE 'zone' || (i % 7) END AS zone,
         random() AS noise
       FROM range(${PARQUET_ROWS}) t(i))
       TO '${parquet.replace(/'/g, "''")}' (FORMAT parquet, ROW_GROUP_SIZE ${GROUP_ROWS})`,
    );
    connection.closeSync();
    instance.closeSync();
    const reader = await openParquet(parquet);
    groupRows = reader.layout.units[0].rows.toLocaleString('en-US');
    assert.ok(reader.layout.units.length > 2, 'several row groups');
    await reader.close();

    // Two record batches; the second one's values must not show up.
    const first = new Table({
      fare: vectorFromArray([12.5, null, 7.25, 30], new Float64()),
      zone: vectorFromArray(['Midtown', 'SoHo', null, null], new Utf8()),
      passengers: vectorFromArray([1, 2, 3, 4], new Int32()),
    });
    const second = new Table({
      fare: vectorFromArray([999, 998], new Float64()),
      zone: vectorFromArray(['Later', 'Later'], new Utf8()),
      passengers: vectorFromArray([9, 9], new Int32()),
    });
    const table = new Table([...first.batches, ...second.batches]);
    arrow = write(path.join(tmp.dir, 'trips.arrow'), Buffer.from(tableToIPC(table, 'file')));
    server = await LspServer.start({ root: tmp.dir });
  });
  after(async () => {
    await server?.stop();
    tmp?.dispose();
  });

  async function open(dataset: string, marked: string) {
    const { text, position } = cursor(`// @chunkscope-data ./${path.basename(dataset)}\n${marked}`);
    const uri = await server.open(path.join(tmp.dir, `p${++n}.mjs`), text);
    return { uri, position, text };
  }

  it('Parquet: columns and types from the footer; empty share and values from row group 1 statistics', async () => {
    const before = await server.debugStats();
    const { uri, position } = await open(parquet, 'export function processRow(row) {\n  return row.|\n}\n');
    const items = await server.complete(uri, position);
    assert.deepEqual(
      items.map((i) => i.label),
      ['trip_id', 'fare', 'passengers', 'zone', 'noise'],
    );
    const byName = byLabel(items);
    assert.equal(byName.get('fare')!.detail, 'number (DOUBLE) · 0 % empty');
    assert.equal(byName.get('trip_id')!.detail, 'number (INT64) · 0 % empty');
    assert.equal(byName.get('passengers')!.detail, 'number (INT32) · 0 % empty');
    assert.equal(byName.get('zone')!.detail, 'text (UTF8) · 10 % empty');
    const doc = (byName.get('fare')!.documentation as MarkupContent).value;
    assert.match(
      doc,
      new RegExp(String.raw`e\.g\. 2\.5 · 101\.5 \(trips\.parquet, row group 1 statistics \(${groupRows} rows\)\)`),
    );
    const after = await server.debugStats();
    const read = after.datasetBytesRead - before.datasetBytesRead;
    const size = fs.statSync(parquet).size;
    console.log(`      ${size} B Parquet file: ${read} B read for its columns`);
    // hyparquet reads the file's last 512 KiB in one go to find the footer; nothing else is read.
    assert.ok(size > 8 << 20, `the fixture is large enough to tell (${size} B)`);
    assert.ok(read < 1 << 20, `read ${read} B of a ${size} B file: the footer only`);
  });

  it('Parquet: the hover shows the schema type and row group 1 range; a misspelt column is flagged', async () => {
    const { uri, position } = await open(
      parquet,
      'export function processRow(row) {\n  return row.fa|re + row.passengers + row.fair;\n}\n',
    );
    const hover = await server.hover(uri, position);
    const value = (hover!.contents as MarkupContent).value;
    assert.match(value, /\*\*fare\*\* — column 2 of 5 in trips\.parquet/);
    assert.match(
      value,
      new RegExp(
        String.raw`number \(DOUBLE\) · from row group 1 statistics \(${groupRows} rows\) · 0 % empty · 2\.5 … 101\.5`,
      ),
    );
    assert.doesNotMatch(value, /arrives as a string/, 'typed files deliver numbers whatever types says');
    assert.equal(await server.definition(uri, position), null, 'F12: a Parquet column has no header cell to open');
    const diagnostics = await server.waitDiagnostics(uri, (d) => d.length > 0);
    // Typed values: no string-arithmetic warning on fare + passengers, only the unknown column.
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      ['row.fair is not a column of trips.parquet — did you mean fare?'],
    );
  });

  it('Arrow: types from the schema; values and empty share from the first record batch only', async () => {
    const { uri, position } = await open(arrow, 'export function processRow(row) {\n  return row.|\n}\n');
    const byName = byLabel(await server.complete(uri, position));
    assert.deepEqual([...byName.keys()], ['fare', 'zone', 'passengers']);
    assert.equal(byName.get('fare')!.detail, 'number (Float64) · 25 % empty');
    assert.equal(byName.get('zone')!.detail, 'text (Utf8) · 50 % empty');
    assert.equal(byName.get('passengers')!.detail, 'number (Int32) · 0 % empty');
    const doc = (byName.get('fare')!.documentation as MarkupContent).value;
    assert.match(doc, /e\.g\. 12\.5 · 7\.25 · 30 \(trips\.arrow, first 4 rows \(record batch 1\)\)/);
    assert.doesNotMatch(doc, /999/);
  });

  it('an unreadable Parquet footer or a cut Arrow file is one information diagnostic, and the next request is answered', async () => {
    const broken = write(
      path.join(tmp.dir, 'broken.parquet'),
      Buffer.concat([fs.readFileSync(parquet).subarray(0, 5000)]),
    );
    const { uri, position } = await open(broken, 'export function processRow(row) {\n  return row.|\n}\n');
    const diagnostics = await server.waitDiagnostics(uri, (d) => d.length > 0);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].severity, 3);
    assert.match(diagnostics[0].message, /broken\.parquet: not a complete Parquet file/);
    assert.deepEqual(await server.complete(uri, position), []);
    const cut = write(path.join(tmp.dir, 'cut.arrow'), fs.readFileSync(arrow).subarray(0, 300));
    const arrowBroken = await open(cut, 'export function processRow(row) {\n  return row.|\n}\n');
    const [arrowDiagnostic, ...more] = await server.waitDiagnostics(arrowBroken.uri, (d) => d.length > 0);
    assert.deepEqual(more, []);
    assert.equal(arrowDiagnostic.severity, 3);
    assert.match(arrowDiagnostic.message, /cut\.arrow/);
    const ok = await open(arrow, 'export function processRow(row) {\n  return row.|\n}\n');
    assert.equal((await server.complete(ok.uri, ok.position)).length, 3, 'the server goes on');
    assert.equal((await server.debugStats()).handlerErrors, 0);
  });
});
