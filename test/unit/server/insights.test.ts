// Past runs through the real built server over IPC: after a real profiled run (the engine's
// runDataset, 2 workers) the client's chunkscope/runRecorded makes the lens show µs per row with
// Run · Profile · Sweep, the hover on the hot function gives its self/total time and worst chunk,
// and chunkscope/lineTimings put the largest self time on the hot line; two changes in one
// didChange move the lines in array order (the LSP rule); a report closing drops them; a fresh
// server reads the lens back from a run record on disk, and shows the saved tuning (or that it is stale).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { runDataset, writeTimingsFile, writeTuningFile, type RunReport } from '../../../src/engine';
import { FORGET_PROFILE, LINE_TIMINGS, RUN_RECORDED, type LineTimingsParams } from '../../../src/server/protocol';
import { saveRunRecord } from '../../../src/engine/report/run-record';
import { HOT_LOOP_LINE, PROCESS_ROW_LINE, hotProcessorSource } from '../../hot-processor';
import { TempDir } from '../../helpers';
import { LspServer, uriOf } from './lsp-client';

const HOT = hotProcessorSource('amount');

function csv(rows: number): string {
  const lines = ['id,amount'];
  for (let i = 1; i <= rows; i++) lines.push(`${i},${(i % 97) + 0.5}`);
  return lines.join('\n') + '\n';
}

/** Collects chunkscope/lineTimings notifications; `next` waits for one that satisfies `pred`. */
function lineTimingsOf(server: LspServer) {
  const seen: LineTimingsParams[] = [];
  const waiters: Array<() => void> = [];
  server.conn.onNotification(LINE_TIMINGS, (p: LineTimingsParams) => {
    seen.push(p);
    for (const w of waiters.splice(0)) w();
  });
  return {
    seen,
    async next(pred: (p: LineTimingsParams) => boolean, timeoutMs = 15_000): Promise<LineTimingsParams> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = [...seen].reverse().find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no matching lineTimings: ${JSON.stringify(seen)}`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, 200);
          waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
  };
}

const lenses = (server: LspServer, uri: string) =>
  server.conn.sendRequest<CodeLens[] | null>('textDocument/codeLens', { textDocument: { uri } });
const titles = (l: CodeLens[] | null) => (l ?? []).map((x) => x.command?.title ?? '');

describe('language server: lenses, hovers and line timings from past runs', function () {
  this.timeout(120_000);
  const tmp = new TempDir('chunkscope-lsp-insights-');
  const root = tmp.dir;
  const data = path.join(root, 'sales.csv');
  const processor = path.join(root, 'hot.js');
  const timings = path.join(root, '.chunkscope', 'sales.hot.timings.json');
  let report: RunReport;

  before(async () => {
    fs.writeFileSync(data, csv(20_000));
    fs.writeFileSync(processor, HOT);
    report = await runDataset({
      data,
      processor,
      workers: 2,
      chunkRows: 1000,
      profile: true,
      profileDir: path.join(root, '.chunkscope', 'sales.hot.profiles'),
      out: path.join(root, '.chunkscope', 'sales.hot.results.ndjson'),
    });
    writeTimingsFile(timings, report);
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('a recorded run gives the lens, the function hover and line timings that follow edits in LSP order', async () => {
    const server = await LspServer.start({ root });
    try {
      const timingsSeen = lineTimingsOf(server);
      assert.deepEqual(server.initializeResult.capabilities.codeLensProvider, { resolveProvider: false });
      // The default output folder holds this run already: move it away to see "not run yet" first.
      fs.renameSync(timings, `${timings}.away`);
      const uri = await server.open(processor, HOT);
      assert.deepEqual(titles(await lenses(server, uri)), ['µs per row: not run yet', 'Run', 'Profile', 'Sweep']);
      fs.renameSync(`${timings}.away`, timings);

      await server.conn.sendNotification(RUN_RECORDED, { processor, timings });
      const lens = await lenses(server, uri);
      assert.match(titles(lens)[0], /^[\d.,]+ (µs|ns|ms) per row \(p50\)$/);
      assert.deepEqual(lens![0].command!.arguments, [timings]);
      assert.equal(lens![0].command!.command, 'chunkscope.showLastReport');
      for (const l of lens!.slice(1)) assert.deepEqual(l.command!.arguments, [uriOf(processor)], 'a URI string');
      assert.equal(lens![0].range.start.line, PROCESS_ROW_LINE);

      const first = await timingsSeen.next((p) => p.uri === uri && p.lines.length > 0);
      assert.equal(first.version, 1);
      const hottest = [...first.lines].sort((a, b) => parseFloat(b.text) - parseFloat(a.text))[0];
      assert.equal(hottest.line, HOT_LOOP_LINE, JSON.stringify(first.lines));
      assert.match(hottest.text, /ms self · .+µs\/row · [\d.]+ %/);
      assert.equal(hottest.heat, 4);

      const hover = await server.hover(uri, { line: PROCESS_ROW_LINE, character: 10 });
      const md = (hover?.contents as { value: string }).value;
      assert.match(md, /processRow/);
      assert.match(md, /self [\d.,]+ ms · total [\d.,]+ ms/);
      assert.match(md, /worst .* in chunk \d+ — \[select it in the report\]\(command:chunkscope\.showChunk\?/);

      // One didChange, two changes, each against the text the previous one left (the LSP rule):
      // three lines inserted at the top, then a space typed on line HOT_LOOP_LINE — which is now
      // the file's old first line, a comment. Read against the original text, the second change
      // would hit the hot line and drop its number.
      const at = (line: number, character: number) => ({ line, character });
      await server.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [
          { range: { start: at(0, 0), end: at(0, 0) }, text: '// a\n// b\n// c\n' },
          { range: { start: at(HOT_LOOP_LINE, 2), end: at(HOT_LOOP_LINE, 2) }, text: ' ' },
        ],
      });
      const moved = await timingsSeen.next((p) => p.uri === uri && p.version === 2);
      assert.ok(
        moved.lines.some((l) => l.line === HOT_LOOP_LINE + 3 && l.text === hottest.text),
        JSON.stringify(moved.lines),
      );
      const hoverMoved = await server.hover(uri, { line: PROCESS_ROW_LINE + 3, character: 10 });
      assert.match((hoverMoved?.contents as { value: string }).value, /processRow/);
      // Typing in the hot line itself: its number leaves.
      await server.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 3 },
        contentChanges: [{ range: { start: at(HOT_LOOP_LINE + 3, 2), end: at(HOT_LOOP_LINE + 3, 2) }, text: ' ' }],
      });
      const edited = await timingsSeen.next((p) => p.uri === uri && p.version === 3);
      assert.ok(!edited.lines.some((l) => l.line === HOT_LOOP_LINE + 3), JSON.stringify(edited.lines));

      // The report closed: the lines go (an empty list), the per-row lens stays.
      await server.conn.sendNotification(FORGET_PROFILE, { timings });
      await timingsSeen.next((p) => p.uri === uri && p.lines.length === 0);
      assert.match(titles(await lenses(server, uri))[0], /per row \(p50\)/);
      assert.equal((await server.debugStats()).handlerErrors, 0);
    } finally {
      await server.stop();
    }
  });

  it('a fresh server reads the lens from a run record on disk, with the saved tuning or that it is stale', async () => {
    // The record points at a timings file outside the default output folder.
    const elsewhere = path.join(root, 'runs-out', 'sales.hot.timings.json');
    fs.mkdirSync(path.dirname(elsewhere), { recursive: true });
    fs.renameSync(timings, elsewhere);
    saveRunRecord(root, { processor, dataset: data, finishedAt: new Date().toISOString(), timings: elsewhere });
    const stat = fs.statSync(data);
    const entry = {
      strategy: 'byte-range' as const,
      workers: 2,
      chunkRows: 5000,
      data,
      processor,
      rowsPerSecond: 123_456,
      tunedAtEpochMs: Date.now(),
      dataBytes: stat.size,
      dataMtimeMs: stat.mtimeMs,
      processorSha256: createHash('sha256').update(fs.readFileSync(processor)).digest('hex'),
    };
    writeTuningFile(path.join(root, '.chunkscope', 'tuning.json'), {
      version: 1,
      entries: { [`${data}::${processor}`]: entry },
    });
    const server = await LspServer.start({ root });
    try {
      const timingsSeen = lineTimingsOf(server);
      const uri = await server.open(processor, HOT);
      const lens = await lenses(server, uri);
      assert.match(titles(lens)[0], /per row \(p50\)/);
      assert.deepEqual(lens![0].command!.arguments, [elsewhere]);
      assert.equal(titles(lens)[4], 'tuned: byte-range · 2 workers · 5,000 rows a chunk (123,456 rows/s)');
      assert.equal(lens![4].command!.command, 'chunkscope.tune');
      // The profiles are on disk and the processor is older than the run: line timings come back too.
      await timingsSeen.next((p) => p.uri === uri && p.lines.some((l) => l.line === HOT_LOOP_LINE));

      // The processor changed on disk (and a watched-file event says so): the tuning is stale.
      fs.appendFileSync(processor, '// changed\n');
      await server.conn.sendNotification('workspace/didChangeWatchedFiles', {
        changes: [{ uri: uriOf(path.join(root, '.chunkscope', 'tuning.json')), type: 2 }],
      });
      assert.equal(titles(await lenses(server, uri))[4], 'tuning stale: hot.js changed');
    } finally {
      await server.stop();
    }
  });
});
