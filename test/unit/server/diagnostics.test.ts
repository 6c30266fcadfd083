// Diagnostics and quick fixes, through the real built server: unknown columns with "did you mean",
// a processor that exports no entry point, string arithmetic on numeric columns under the default
// types: 'string'. Every diagnostic that predicts what a run does is checked against a real run of
// the engine (runDataset) on the same fixture, so the check cannot drift from the engine. Also:
// debouncing, open documents only, stale versions dropped, a header edited on disk.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { ChunkscopeError, runDataset } from '../../../src/engine';
import { readNdjson, TempDir } from '../../helpers';
import { applyEdits, LspServer } from './lsp-client';
import { tripsCsv, write } from './fixtures';

const HEAD = '// @chunkscope-data ./trips.csv\n';

describe('language server: diagnostics and quick fixes', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  let server: LspServer;
  let data: string;
  let n = 0;
  before(async () => {
    tmp = new TempDir('chunkscope-lsp-diag-');
    data = write(path.join(tmp.dir, 'trips.csv'), tripsCsv());
    server = await LspServer.start({ root: tmp.dir });
  });
  after(async () => {
    await server?.stop();
    tmp?.dispose();
  });

  /** Opens `text` as a new processor file; resolves with its uri, path and first diagnostics. */
  async function open(text: string, name = `p${++n}.js`) {
    const file = write(path.join(tmp.dir, name), text);
    const uri = await server.open(file, text);
    return { uri, file, diagnostics: await server.waitDiagnostics(uri) };
  }

  /** Applies the quick fix titled `title` for `diagnostic` and returns the new text. */
  async function fix(uri: string, text: string, diagnostic: Diagnostic, title: string | RegExp): Promise<string> {
    const actions = (await server.codeActions(uri, diagnostic)) ?? [];
    const action = actions.find((a) => (typeof title === 'string' ? a.title === title : title.test(a.title)));
    assert.ok(action, `no action ${title} among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(action.kind, 'quickfix');
    const edits = (action.edit as WorkspaceEdit).changes![uri] as TextEdit[];
    return applyEdits(text, edits);
  }

  /** Sends the fixed text and waits for that version's diagnostics. */
  async function resend(uri: string, text: string): Promise<Diagnostic[]> {
    const version = await server.change(uri, text);
    return server.waitDiagnostics(uri, () => true, { version });
  }

  /** A real run of the engine over trips.csv: the results, one per row. */
  async function run(processor: string): Promise<unknown[]> {
    const out = tmp.path('results.ndjson');
    await runDataset({ data, processor, workers: 1, out });
    return readNdjson(out);
  }

  describe('a column read that is not in the header', () => {
    const BEFORE = `${HEAD}exports.processRow = (row) => ({ fare: row.fair, again: row.fair });\n`;

    it('warns with "did you mean", at the name, and the quick fix clears it', async () => {
      const { uri, diagnostics } = await open(BEFORE);
      assert.equal(diagnostics.length, 2);
      const [d] = diagnostics;
      assert.equal(d.message, 'row.fair is not a column of trips.csv — did you mean fare?');
      assert.equal(d.severity, 2);
      assert.equal(d.source, 'chunkscope');
      assert.equal(d.code, 'unknown-column');
      assert.deepEqual(d.range, { start: { line: 1, character: 43 }, end: { line: 1, character: 47 } });
      const one = await fix(uri, BEFORE, d, 'Change to fare');
      assert.match(one, /\{ fare: row\.fare, again: row\.fair \}/);
      const all = await fix(uri, BEFORE, d, 'Change every fair to fare (2 reads)');
      assert.match(all, /\{ fare: row\.fare, again: row\.fare \}/);
      assert.deepEqual(await resend(uri, all), [], 'the next version has no diagnostics');
    });

    it('predicts: the run reads undefined for row.fair, and the fixed processor reads the fare', async () => {
      const before = await run(write(tmp.path('unknown-before.js'), BEFORE));
      assert.equal(before.length, 1200);
      assert.deepEqual(before[0], {}, 'fare: undefined is dropped from the JSON result');
      const after = await run(write(tmp.path('unknown-after.js'), BEFORE.replace(/row\.fair/g, 'row.fare')));
      assert.deepEqual(after[0], { fare: '12.5', again: '12.5' });
    });

    it('finds names that differ in case, spaces or underscores, and fixes them in every form', async () => {
      const text = `${HEAD}exports.processRow = (row) => {\n  const { Fare } = row;\n  return [Fare, row.pickupzone, row['tipp'], row?.passenger];\n};\n`;
      const { uri, diagnostics } = await open(text);
      assert.deepEqual(
        diagnostics.map((d) => d.message),
        [
          'Fare is not a column of trips.csv — did you mean fare?',
          'row.pickupzone is not a column of trips.csv — did you mean pickup zone?',
          "row['tipp'] is not a column of trips.csv — did you mean tip?",
          'row?.passenger is not a column of trips.csv — did you mean passengers?',
        ],
      );
      let fixed = text;
      for (const title of ['Change to fare', 'Change to pickup zone', 'Change to tip', 'Change to passengers']) {
        const current = await resend(uri, fixed);
        const d = current.find((x) => x.message.includes(`did you mean ${title.slice(10)}?`))!;
        fixed = await fix(uri, fixed, d, title);
      }
      assert.match(fixed, /const \{ fare: Fare \} = row;/);
      assert.match(fixed, /row\["pickup zone"\], row\['tip'\], row\?\.passengers\]/);
      assert.deepEqual(await resend(uri, fixed), []);
    });

    it('with nothing close, lists the header; reads under rowShape array are not checked', async () => {
      const { diagnostics } = await open(`${HEAD}exports.processRow = (row) => row.xyzzy;\n`);
      assert.equal(
        diagnostics[0].message,
        'row.xyzzy is not a column of trips.csv (it has trip_id, vendor, pickup zone, zip, distance_km, fare, tip, passengers, …)',
      );
      const arrays = await open(
        `${HEAD}exports.options = { rowShape: 'array' };\nexports.processRow = (row) => row.xyzzy;\n`,
      );
      assert.deepEqual(arrays.diagnostics, []);
    });
  });

  describe('a processor without an entry point', () => {
    const BEFORE = `${HEAD}exports.setup = () => {};\nexports.procesRow = (row) => row;\n`;

    it('is an error, for files that look like processors only', async () => {
      const { diagnostics } = await open(BEFORE);
      assert.equal(diagnostics.length, 1);
      assert.equal(diagnostics[0].severity, 1);
      assert.equal(diagnostics[0].code, 'no-entry-point');
      assert.match(diagnostics[0].message, /exports neither processRow nor processChunk/);
      const inFolder = await open('module.exports = { helper() {} };\n', path.join('processors', 'helper.js'));
      assert.equal(inFolder.diagnostics[0]?.code, 'no-entry-point', 'a file in processors/ looks like a processor');
      const before = (await server.debugStats()).parses;
      const plain = await server.open(
        write(path.join(tmp.dir, 'util.js'), 'export const add = (a, b) => a + b;\n'),
        'export const add = (a, b) => a + b;\n',
      );
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(server.diagnostics.get(plain), undefined, 'a plain module gets no diagnostics');
      assert.equal((await server.debugStats()).parses, before, 'and is not even parsed');
    });

    it('predicts: the run fails before its first row', async () => {
      await assert.rejects(runDataset({ data, processor: write(tmp.path('no-entry.js'), BEFORE), workers: 1 }), (e) => {
        assert.ok(e instanceof ChunkscopeError);
        assert.match(e.message, /processRow|processChunk/);
        return true;
      });
    });

    it("rowShape 'columns' without processChunk is an error", async () => {
      const { diagnostics } = await open(
        `${HEAD}exports.options = { rowShape: 'columns' };\nexports.processRow = (row) => row;\n`,
      );
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.message]),
        [['columns-needs-chunk', "rowShape 'columns' needs processChunk: processRow gets no columnar chunk."]],
      );
    });

    it("predicts: a run with rowShape 'columns' and only processRow fails", async () => {
      const proc = write(
        tmp.path('columns-row.js'),
        "exports.options = { rowShape: 'columns' };\nexports.processRow = (row) => row;\n",
      );
      await assert.rejects(runDataset({ data, processor: proc, workers: 1 }), (e) => {
        assert.ok(e instanceof ChunkscopeError);
        assert.match(e.message, /columns/);
        assert.match(e.message, /processChunk/);
        return true;
      });
    });
  });

  describe("arithmetic on numeric columns under types: 'string'", () => {
    const BEFORE = `${HEAD}exports.processRow = (row) => ({ total: row.fare + row.tip });\n`;

    it('warns that + joins strings, with the sample values, and Number() fixes it', async () => {
      const { uri, diagnostics } = await open(BEFORE);
      assert.equal(diagnostics.length, 1);
      const [d] = diagnostics;
      assert.equal(d.code, 'string-arithmetic');
      assert.equal(
        d.message,
        "row.fare + row.tip joins strings: '12.5' + '3' = '12.53' — values arrive as strings under types: 'string'. Write Number(row.fare) + Number(row.tip), or set options.types: 'infer'.",
      );
      assert.deepEqual(d.range, { start: { line: 1, character: 40 }, end: { line: 1, character: 58 } });
      const fixed = await fix(uri, BEFORE, d, 'Convert with Number(): Number(row.fare), Number(row.tip)');
      assert.match(fixed, /total: Number\(row\.fare\) \+ Number\(row\.tip\)/);
      assert.deepEqual(await resend(uri, fixed), []);
      const inferred = `${HEAD}exports.options = { types: 'infer' };\nexports.processRow = (row) => ({ total: row.fare + row.tip });\n`;
      assert.deepEqual((await open(inferred)).diagnostics, [], "no warning under types: 'infer'");
      const text = `${HEAD}exports.processRow = (row) => row.note + row.vendor;\n`;
      assert.deepEqual((await open(text)).diagnostics, [], 'text columns are meant to be joined');
    });

    it("predicts: the run writes '12.53'; Number() and types: 'infer' both write 15.5", async () => {
      const before = await run(write(tmp.path('join-before.js'), BEFORE));
      assert.deepEqual(before[0], { total: '12.53' });
      const fixed = await run(
        write(tmp.path('join-number.js'), BEFORE.replace('row.fare + row.tip', 'Number(row.fare) + Number(row.tip)')),
      );
      assert.deepEqual(fixed[0], { total: 15.5 });
      const infer = await run(write(tmp.path('join-infer.js'), `${BEFORE}exports.options = { types: 'infer' };\n`));
      assert.deepEqual(infer[0], { total: 15.5 });
    });

    it("the fix Set options.types: 'infer' adds or changes the options, and the fixed file runs to 15.5", async () => {
      const forms = [
        BEFORE,
        `${HEAD}module.exports = { processRow: (row) => ({ total: row.fare + row.tip }) };\n`,
        `${HEAD}export const options = { rowShape: 'object' };\nexport function processRow(row) {\n  return { total: row.fare + row.tip };\n}\n`,
        `${HEAD}exports.options = { types: 'string' };\nexports.processRow = (row) => ({ total: row.fare + row.tip });\n`,
      ];
      const expected = [
        /\nmodule\.exports\.options = \{ types: 'infer' \};\n$/,
        /\nmodule\.exports\.options = \{ types: 'infer' \};\n$/,
        /export const options = \{ rowShape: 'object', types: 'infer' \};/,
        /exports\.options = \{ types: 'infer' \};/,
      ];
      for (const [k, text] of forms.entries()) {
        const ext = text.includes('export ') ? '.mjs' : '.js';
        const { uri, diagnostics } = await open(text, `infer-${k}${ext}`);
        assert.equal(diagnostics.length, 1, text);
        const fixed = await fix(uri, text, diagnostics[0], "Set options.types: 'infer'");
        assert.match(fixed, expected[k]);
        assert.deepEqual(await resend(uri, fixed), [], fixed);
        const results = await run(write(tmp.path(`infer-fixed${ext}`), fixed));
        assert.deepEqual(results[0], { total: 15.5 }, fixed);
      }
    });

    it('warns that === with a number is always false, and that > compares text', async () => {
      const text = `${HEAD}exports.processRow = (row) => [row.passengers === 2, row.fare > row.tip];\n`;
      const { diagnostics } = await open(text);
      assert.deepEqual(
        diagnostics.map((d) => d.message),
        [
          "row.passengers === 2 is always false: row.passengers is a string under types: 'string', never === a number. Write Number(row.passengers), or set options.types: 'infer'.",
          "row.fare > row.tip compares text, not numbers ('9' > '10' is true) — values arrive as strings under types: 'string'. Wrap both sides in Number(), or set options.types: 'infer'.",
        ],
      );
    });

    it('predicts: === 2 is false on every row, and > disagrees with the numeric comparison', async () => {
      const results = (await run(
        write(
          tmp.path('compare.js'),
          `exports.processRow = (row) => [row.passengers === 2, row.fare > row.tip, Number(row.fare) > Number(row.tip)];\n`,
        ),
      )) as boolean[][];
      assert.ok(
        results.every((r) => r[0] === false),
        'never === 2',
      );
      assert.ok(
        results.some((r) => r[1] !== r[2]),
        'some row compares differently as text',
      );
    });
  });

  describe('when analysis runs', () => {
    it('debounces a burst of typing into few analyses; the last diagnostics carry the last version', async () => {
      const { uri } = await open(`${HEAD}exports.processRow = (row) => row.fare;\n`);
      const before = (await server.debugStats()).analyses;
      let version = 0;
      for (let k = 0; k < 30; k++) {
        version = await server.change(uri, `${HEAD}exports.processRow = (row) => row.fair${'x'.repeat(k)};\n`);
        await new Promise((r) => setTimeout(r, 3));
      }
      const last = await server.waitDiagnostics(uri, () => true, { version });
      assert.equal(server.latest(uri)!.version, version);
      assert.match(last[0].message, new RegExp(`row\\.fair${'x'.repeat(29)} is not a column`));
      const analyses = (await server.debugStats()).analyses - before;
      assert.ok(analyses >= 1 && analyses <= 3, `${analyses} analyses for 30 changes`);
    });

    it('analyses open documents only: closing clears the diagnostics', async () => {
      const { uri, diagnostics } = await open(`${HEAD}exports.processRow = (row) => row.fair;\n`);
      assert.equal(diagnostics.length, 1);
      const count = server.diagnostics.get(uri)!.length;
      await server.close(uri);
      await server.waitDiagnostics(uri, (d) => d.length === 0);
      assert.equal(server.diagnostics.get(uri)!.length, count + 1);
      // Nothing is analysed after the close.
      const before = (await server.debugStats()).analyses;
      await new Promise((r) => setTimeout(r, 400));
      assert.equal((await server.debugStats()).analyses, before);
    });

    it('a header edited on disk is read again on workspace/didChangeWatchedFiles', async () => {
      const own = write(path.join(tmp.dir, 'own', 'trips.csv'), 'fare,tip\n1,2\n');
      const text = `${HEAD}exports.processRow = (row) => row.fair;\n`;
      const file = path.join(path.dirname(own), 'p.js');
      const uri = await server.open(file, text);
      const first = await server.waitDiagnostics(uri);
      assert.equal(first.length, 1);
      const count = server.diagnostics.get(uri)!.length;
      fs.writeFileSync(own, 'fair,tip,extra\n1,2,3\n');
      await server.conn.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [{ uri: `file://${own}`, type: 2 }],
      });
      const next = await server.waitDiagnostics(uri, (d) => d.length === 0);
      assert.deepEqual(next, []);
      assert.ok(server.diagnostics.get(uri)!.length > count);
    });
  });
});
