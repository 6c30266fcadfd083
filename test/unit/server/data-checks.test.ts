// The checks of a processor against its data that predict a run's values: `types: 'infer'`
// hazards seen in the head sample (leading zeros lost, integers past 2^53) and a declared row
// type (`interface Row`) that no longer matches the header. Each diagnostic is checked against a
// real run of the engine on the same fixture, so the check cannot drift from what the engine does.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { Diagnostic, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { runDataset } from '../../../src/engine';
import { readNdjson, TempDir } from '../../helpers';
import { applyEdits, LspServer } from './lsp-client';
import { tripsCsv, TRIP_COLUMNS, write } from './fixtures';

const HEAD = '// @chunkscope-data ./trips.csv\n';

describe('language server: checks that predict what a run reads', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  let server: LspServer;
  let data: string;
  let n = 0;
  before(async () => {
    tmp = new TempDir('chunkscope-lsp-data-checks-');
    data = write(path.join(tmp.dir, 'trips.csv'), tripsCsv());
    server = await LspServer.start({ root: tmp.dir });
  });
  after(async () => {
    await server?.stop();
    tmp?.dispose();
  });

  async function open(text: string, ext = '.js') {
    const file = write(path.join(tmp.dir, `check${++n}${ext}`), text);
    const uri = await server.open(file, text);
    return { uri, file, diagnostics: await server.waitDiagnostics(uri) };
  }

  /** A real run of the engine over trips.csv, one worker: the results, one per row. */
  async function run(processor: string): Promise<Record<string, unknown>[]> {
    const out = tmp.path('results.ndjson');
    await runDataset({ data, processor, workers: 1, out });
    return readNdjson(out) as Record<string, unknown>[];
  }

  describe("types: 'infer' hazards in the head sample", () => {
    const INFER = `${HEAD}exports.options = { types: 'infer' };\nexports.processRow = (row) => ({ zip: row.zip, id: row.trip_id, fare: row.fare });\n`;

    it('warns at the reads of a zip with leading zeros and of ids past 2^53, with the values a run gets', async () => {
      const { diagnostics } = await open(INFER);
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.severity, d.message]),
        [
          [
            'infer-leading-zeros',
            2,
            "row.zip: under types: 'infer', '02139' becomes 2139 (leading zeros lost). Keep zip as text: leave types at 'string' and convert other columns with Number().",
          ],
          [
            'infer-unsafe-integer',
            2,
            "row.trip_id: under types: 'infer', 9007199254740993 becomes 9007199254740992 (past Number.MAX_SAFE_INTEGER, integers lose digits). Keep trip_id as text: leave types at 'string' (BigInt(row.trip_id) for arithmetic).",
          ],
        ],
      );
      const zip = diagnostics[0];
      assert.deepEqual(zip.range, { start: { line: 2, character: 42 }, end: { line: 2, character: 45 } });
    });

    it("predicts: the run writes zip 2139 and id 9007199254740992; under types: 'string' both stay as in the file", async () => {
      const { diagnostics } = await open(INFER);
      const [zip, id] = diagnostics.map((d) => d.data as { text: string; value: number | string });
      const inferred = await run(write(tmp.path('infer.js'), INFER));
      assert.equal(inferred[0].zip, zip.value, 'the number the diagnostic names');
      assert.notEqual(String(inferred[0].zip), zip.text);
      assert.equal(String(inferred[0].id), id.value);
      assert.notEqual(String(inferred[0].id), id.text);
      assert.equal(inferred[0].fare, 12.5, 'fare is not a hazard: no diagnostic, converted exactly');
      const asText = INFER.replace("types: 'infer'", "types: 'string'");
      assert.deepEqual((await open(asText)).diagnostics, [], "no hazard under types: 'string'");
      const kept = await run(write(tmp.path('string.js'), asText));
      assert.equal(kept[0].zip, zip.text);
      assert.equal(kept[0].id, id.text);
    });

    it('no hazard for columns whose values convert exactly, nor for reads of other columns', async () => {
      const text = `${HEAD}exports.options = { types: 'infer' };\nexports.processRow = ({ fare, tip, passengers }) => fare + tip + passengers;\n`;
      assert.deepEqual((await open(text)).diagnostics, []);
      const destructured = `${HEAD}exports.options = { types: 'infer' };\nexports.processRow = ({ zip }) => zip;\n`;
      assert.deepEqual(
        (await open(destructured)).diagnostics.map((d) => d.code),
        ['infer-leading-zeros'],
        'destructuring reads the column too',
      );
    });
  });

  describe('a declared Row type that no longer matches the header', () => {
    const TYPED = `${HEAD}interface Row {
  trip_id: string;
  "pickup zone": string;
  tips: string;
  fare: number;
}

export function processRow(row: Row) {
  return { keys: Object.keys(row), typeofFare: typeof row.fare, zone: row["pickup zone"] };
}
`;

    it('flags members that are not columns, a type the values do not arrive as, and the columns it lacks', async () => {
      const { diagnostics } = await open(TYPED, '.ts');
      const byCode = new Map(diagnostics.map((d) => [d.code, d]));
      assert.deepEqual(
        diagnostics.map((d) => d.code),
        ['row-type-extra', 'row-type-mismatch', 'row-type-missing'],
      );
      const extra = byCode.get('row-type-extra')!;
      assert.equal(
        extra.message,
        'Row.tips is not a column of trips.csv — a run reads undefined for it. Did you mean tip?',
      );
      assert.deepEqual(extra.range, { start: { line: 4, character: 2 }, end: { line: 4, character: 6 } });
      assert.equal(
        byCode.get('row-type-mismatch')!.message,
        "Row.fare says number, but values arrive as strings under types: 'string' ('12.5').",
      );
      const missing = byCode.get('row-type-missing')!;
      assert.equal(missing.severity, 3);
      assert.equal(
        missing.message,
        'Row does not list 6 columns of trips.csv: vendor, zip, distance_km, tip, passengers, note (rows have them all the same).',
      );
      assert.deepEqual(missing.range, { start: { line: 1, character: 10 }, end: { line: 1, character: 13 } });
    });

    it('predicts: a run row has exactly the header as keys (no tips), fare is a string', async () => {
      const results = await run(write(tmp.path('typed.ts'), TYPED));
      const { diagnostics } = await open(TYPED, '.ts');
      const listed = /: (.*) \(rows have/.exec(diagnostics.find((d) => d.code === 'row-type-missing')!.message)![1];
      const keys = results[0].keys as string[];
      assert.deepEqual(keys, TRIP_COLUMNS);
      assert.deepEqual(
        listed.split(', '),
        keys.filter((k) => !['trip_id', 'pickup zone', 'tips', 'fare'].includes(k)),
      );
      assert.ok(!keys.includes('tips'), 'a run reads undefined for tips');
      assert.equal(results[0].typeofFare, 'string', 'fare arrives as a string, not the number Row says');
      assert.equal(results[0].zone, 'Midtown');
    });

    it('the quick fix "Update Row from trips.csv" rewrites the members; the diagnostics clear', async () => {
      const { uri, diagnostics } = await open(TYPED, '.ts');
      const d: Diagnostic = diagnostics.find((x) => x.code === 'row-type-extra')!;
      const actions = (await server.codeActions(uri, d)) ?? [];
      const update = actions.find((a) => a.title === 'Update Row from trips.csv');
      assert.ok(update, JSON.stringify(actions.map((a) => a.title)));
      const fixed = applyEdits(TYPED, (update.edit as WorkspaceEdit).changes![uri] as TextEdit[]);
      assert.match(
        fixed,
        /interface Row \{\n {2}trip_id: string;\n {2}vendor: string;\n {2}"pickup zone": string;\n {2}zip: string;\n {2}distance_km: string;\n {2}fare: string;\n {2}tip: string;\n {2}passengers: string;\n {2}note: string;\n\}/,
      );
      const version = await server.change(uri, fixed);
      const after = await server.waitDiagnostics(uri, () => true, { version });
      assert.deepEqual(after, []);
    });

    it("under types: 'infer', a numeric column typed string is flagged; number is right", async () => {
      const text = `${HEAD}export const options = { types: 'infer' } as const;
type Row = { fare: string; tip: number; [other: string]: unknown };
export function processRow(row: Row) { return row.fare; }
`;
      assert.deepEqual((await open(text, '.ts')).diagnostics, [], 'an index signature allows any column');
      const closed = text.replace('; [other: string]: unknown', '');
      const { diagnostics } = await open(closed, '.ts');
      const mismatch = diagnostics.filter((d) => d.code === 'row-type-mismatch');
      assert.deepEqual(
        mismatch.map((d) => d.message),
        ["Row.fare says string, but its values arrive as numbers under types: 'infer' (12.5)."],
      );
      const results = await run(
        write(
          tmp.path('typed-infer.ts'),
          closed.replace('return row.fare;', 'return { t: typeof row.fare, tip: typeof row.tip };'),
        ),
      );
      assert.deepEqual(results[0], { t: 'number', tip: 'number' });
    });
  });
});
