// The runs view's rows (src/extension/logic/runs-tree.ts) and the walkthrough's sample data
// (src/extension/logic/sample-data.ts): no vscode here. The first block writes real run records and
// timings files with the engine (a real run of a small CSV) and reads them back as the view does.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  inspectDataset,
  readRunRecords,
  readTimingsFile,
  runDataset,
  saveRunRecord,
  writeRunRecord,
  writeTimingsFile,
  type StoredRunRecord,
} from '../src/engine';
import {
  chunkSizeText,
  compareCandidates,
  filesToDelete,
  runDescription,
  runFigures,
  runLabel,
  runRows,
  runTooltip,
  whenText,
  type RunRow,
  type TimingsEntry,
} from '../src/extension/logic/runs-tree';
import { SAMPLE_HEADER, sampleTripsCsv } from '../src/extension/logic/sample-data';
import { ROOT, TempDir } from './helpers';

const SUM =
  'exports.processRow = (row) => Number(row.amount);\nexports.combine = (a, b) => a + b;\nexports.initial = 0;\n';

function csv(rows: number): string {
  const lines = ['id,amount'];
  for (let i = 1; i <= rows; i++) lines.push(`${i},${i}`);
  return `${lines.join('\n')}\n`;
}

const record = (over: Partial<StoredRunRecord> & { file: string; finishedAt: string }): StoredRunRecord => ({
  processor: '/w/processors/sum.js',
  dataset: '/w/data/sales.csv',
  ...over,
});

const entry = (file: string, startedAtEpochMs: number, over: Partial<TimingsEntry['summary']> = {}): TimingsEntry => ({
  file,
  summary: {
    data: '/w/data/sales.csv',
    processor: '/w/processors/sum.js',
    strategy: 'byte-range',
    workers: 2,
    chunkBytes: 65536,
    rows: 1000,
    rowsPerSecond: 1_234_567,
    wallMs: 50,
    startedAtEpochMs,
    ...over,
  },
});

describe('runs view logic', () => {
  describe('from files the engine wrote', () => {
    let tmp: TempDir;
    before(() => {
      tmp = new TempDir('chunkscope-runs-view-');
      // A project folder: runRecordRoot is the nearest package.json.
      fs.writeFileSync(path.join(tmp.dir, 'package.json'), '{}');
    });
    after(() => tmp.dispose());

    it('lists two real runs newest first, with the rate from the timings file and the record’s settings', async () => {
      const data = path.join(tmp.dir, 'sales.csv');
      fs.writeFileSync(data, csv(2000));
      const processor = path.join(tmp.dir, 'sum.js');
      fs.writeFileSync(processor, SUM);
      const timings = path.join(tmp.dir, '.chunkscope', 'sales.sum.timings.json');
      const other = path.join(tmp.dir, '.chunkscope', 'sales.sum-bytes.timings.json');
      fs.mkdirSync(path.dirname(timings), { recursive: true });

      const first = await runDataset({ data, processor, strategy: 'batches', chunkRows: 500, workers: 1 });
      writeTimingsFile(timings, first);
      writeRunRecord(first, { timings });
      await new Promise((r) => setTimeout(r, 5));
      const second = await runDataset({ data, processor, strategy: 'byte-range', chunkBytes: 4096, workers: 1 });
      writeTimingsFile(other, second);
      writeRunRecord(second, { timings: other });

      const records = readRunRecords(tmp.dir);
      assert.equal(records.length, 2);
      const entries = [timings, other].map((f) => ({ file: f, summary: readTimingsFile(f).summary }));
      const rows = runRows(records, entries);
      assert.equal(rows.length, 2, 'one row per run: the timings files are claimed by their records');
      assert.equal(rows[0].timings, other);
      assert.equal(rows[1].timings, timings);
      assert.equal(runLabel(rows[0]), 'sum.js on sales.csv');
      assert.equal(rows[0].rowsPerSecond, second.summary.rowsPerSecond);
      assert.match(runFigures(rows[0]), /^[\d.,]+[kMG]? rows\/s · byte-range · 4 KiB$/);
      assert.match(runFigures(rows[1]), /^[\d.,]+[kMG]? rows\/s · batches · 500 rows$/);
      assert.equal(rows[0].rows, 2000);
      assert.deepEqual(filesToDelete(rows[0]), [rows[0].record, other]);
      assert.deepEqual(
        compareCandidates(rows, rows[0]).map((r) => r.id),
        [rows[1].id],
      );
    });
  });

  describe('merging records and timings', () => {
    it('gives an overwritten timings file to the newest record only; the older one has no report', () => {
      const t = '/w/.chunkscope/sales.sum.timings.json';
      const older = record({ file: '/w/r/a.run.json', finishedAt: '2026-12-01T10:00:00.000Z', timings: t });
      const newer = record({ file: '/w/r/b.run.json', finishedAt: '2026-12-01T11:00:00.000Z', timings: t });
      const rows = runRows([older, newer], [entry(t, Date.parse('2026-12-01T10:59:59.000Z'))]);
      assert.deepEqual(
        rows.map((r) => [r.id, r.timings, r.missing]),
        [
          ['/w/r/b.run.json', t, undefined],
          ['/w/r/a.run.json', undefined, 'overwritten'],
        ],
      );
      assert.match(
        runTooltip(rows[1]),
        /later run of the same dataset and processor, so this run has no report to open/,
      );
      // Deleting the older run must not remove the newer run's timings file.
      assert.deepEqual(filesToDelete(rows[1]), ['/w/r/a.run.json']);
      assert.equal(rows[1].rowsPerSecond, undefined, 'no rate from another run’s timings');
    });

    it('a timings file that started after the record finished is a later run: its own row', () => {
      const t = '/w/.chunkscope/sales.sum.timings.json';
      const r = record({ file: '/w/r/a.run.json', finishedAt: '2026-12-01T10:00:00.000Z', timings: t });
      const rows = runRows([r], [entry(t, Date.parse('2026-12-01T12:00:00.000Z'))]);
      assert.equal(rows.length, 2);
      assert.equal(rows[0].id, t);
      assert.equal(rows[0].record, undefined);
      assert.equal(rows[0].finishedAtMs, Date.parse('2026-12-01T12:00:00.050Z'));
      assert.equal(rows[1].missing, 'overwritten');
    });

    it('says why a record has no report: none written, or the file is gone', () => {
      const rows = runRows(
        [
          record({ file: '/w/r/a.run.json', finishedAt: '2026-12-01T10:00:00.000Z' }),
          record({ file: '/w/r/b.run.json', finishedAt: '2026-12-01T09:00:00.000Z', timings: '/w/gone.timings.json' }),
        ],
        [],
      );
      assert.deepEqual(
        rows.map((r) => r.missing),
        ['not-written', 'missing'],
      );
      assert.match(runTooltip(rows[0]), /No timings file was written for this run/);
      assert.match(runTooltip(rows[1]), /timings file is gone/);
      assert.ok(!runTooltip(rows[0]).includes('Click to open'));
      assert.deepEqual(compareCandidates(rows, rows[0]), []);
    });

    it('sorts newest first and equal times by id, whatever the input order', () => {
      const at = '2026-12-01T10:00:00.000Z';
      const rows = runRows(
        [
          record({ file: '/w/r/c.run.json', finishedAt: at }),
          record({ file: '/w/r/a.run.json', finishedAt: at }),
          record({ file: '/w/r/z.run.json', finishedAt: '2026-12-02T10:00:00.000Z' }),
        ],
        [entry('/w/x.timings.json', Date.parse('2026-11-30T10:00:00.000Z'))],
      );
      assert.deepEqual(
        rows.map((r) => path.basename(r.id)),
        ['z.run.json', 'a.run.json', 'c.run.json', 'x.timings.json'],
      );
    });
  });

  describe('labels', () => {
    const row: RunRow = {
      id: '/w/r/a.run.json',
      record: '/w/r/a.run.json',
      timings: '/w/t.timings.json',
      dataset: '/w/data/trips.csv',
      processor: '/w/processors/fare.ts',
      finishedAtMs: Date.parse('2026-12-01T10:00:00.000Z'),
      rowsPerSecond: 1_234_567,
      strategy: 'byte-range',
      chunkBytes: 65536,
      rows: 50_000,
      workers: 4,
    };
    it('reads "1.23M rows/s · byte-range · 64 KiB"', () => {
      assert.equal(runFigures(row), '1.23M rows/s · byte-range · 64 KiB');
      assert.equal(runLabel(row), 'fare.ts on trips.csv');
    });
    it('chunk size: bytes, rows, or auto', () => {
      assert.equal(chunkSizeText({ chunkBytes: 1536 }), '1.5 KiB');
      assert.equal(chunkSizeText({ chunkRows: 10_000 }), '10,000 rows');
      assert.equal(chunkSizeText({ chunking: 'auto', chunkRows: 5 }), 'auto');
      assert.equal(chunkSizeText({}), undefined);
    });
    it('when: the time for today, the date before that', () => {
      const d = new Date(2026, 11, 3, 9, 5);
      assert.equal(whenText(d.getTime(), new Date(2026, 11, 3, 18, 0).getTime()), '09:05');
      assert.equal(whenText(d.getTime(), new Date(2026, 11, 4, 8, 0).getTime()), '2026-12-03 09:05');
      assert.equal(runDescription({ ...row, finishedAtMs: d.getTime() }, d.getTime()), `${runFigures(row)} · 09:05`);
    });
    it('the tooltip names every field and says a click opens the report', () => {
      const tip = runTooltip(row);
      for (const s of [
        '/w/processors/fare.ts',
        '/w/data/trips.csv',
        '2026-12-01T10:00:00.000Z',
        '50,000',
        '1.23M',
        'Workers: 4',
        '64 KiB',
        'Click to open the report.',
      ])
        assert.ok(tip.includes(s), s);
    });
  });

  describe('sample data', () => {
    it('is the same bytes every time, one line per trip, and the engine reads its header and numeric columns', async () => {
      const text = sampleTripsCsv(1000);
      assert.equal(text, sampleTripsCsv(1000));
      assert.notEqual(text, sampleTripsCsv(1000, 7));
      const lines = text.trimEnd().split('\n');
      assert.equal(lines.length, 1001);
      for (const l of lines) assert.equal(l.split(',').length, SAMPLE_HEADER.length, l);
      const tmp = new TempDir('chunkscope-sample-');
      try {
        const file = tmp.write('trips.csv', text);
        const info = await inspectDataset(file);
        assert.deepEqual(info.header, SAMPLE_HEADER);
        for (const c of ['passengers', 'distance_km', 'duration_min', 'fare', 'tip'])
          assert.ok(info.numericColumns?.includes(c), c);
      } finally {
        tmp.dispose();
      }
    });
    it('refuses a row count that is not a whole number ≥ 1', () => {
      assert.throws(() => sampleTripsCsv(0), /whole number ≥ 1/);
      assert.throws(() => sampleTripsCsv(1.5), /whole number ≥ 1/);
    });
  });

  it('saveRunRecord and readRunRecords round-trip what the view reads', () => {
    const tmp = new TempDir('chunkscope-runs-rt-');
    try {
      saveRunRecord(tmp.dir, {
        processor: path.join(tmp.dir, 'p.js'),
        dataset: path.join(tmp.dir, 'd.csv'),
        finishedAt: '2026-12-01T10:00:00.000Z',
        strategy: 'per-row',
        chunkRows: 1,
      });
      const rows = runRows(readRunRecords(tmp.dir), []);
      assert.equal(rows.length, 1);
      assert.equal(runFigures(rows[0]), 'per-row · 1 row');
      assert.equal(rows[0].missing, 'not-written');
    } finally {
      tmp.dispose();
    }
  });

  describe('the manifest', () => {
    interface Step {
      id: string;
      description: string;
      media: { markdown?: string };
      completionEvents: string[];
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      contributes: {
        commands: { command: string }[];
        walkthroughs: { id: string; steps: Step[] }[];
        viewsContainers: { activitybar: { id: string; icon: string }[] };
        views: Record<string, { id: string }[]>;
        menus: Record<string, { command: string }[]>;
      };
    };
    const c = manifest.contributes;
    const commands = new Set(c.commands.map((x) => x.command));
    // Context keys the extension sets (src/extension/walkthrough.ts), read from the source so a rename is caught.
    const walkthroughSource = fs.readFileSync(path.join(ROOT, 'src/extension/walkthrough.ts'), 'utf8');

    it('every walkthrough step completes on a contributed command or a context key the extension sets, and has its markdown', () => {
      const steps = c.walkthroughs[0].steps;
      assert.equal(steps.length, 6);
      for (const step of steps) {
        assert.ok(step.completionEvents.length > 0, step.id);
        for (const event of step.completionEvents) {
          const [kind, value] = event.split(/:(.*)/s);
          if (kind === 'onCommand') assert.ok(commands.has(value), `${step.id}: ${value} is a contributed command`);
          else if (kind === 'onContext')
            assert.ok(walkthroughSource.includes(`'${value}'`), `${step.id}: ${value} is set`);
          else assert.fail(`${step.id}: ${event} is neither onCommand nor onContext`);
        }
        assert.ok(step.media.markdown && fs.existsSync(path.join(ROOT, step.media.markdown)), `${step.id} markdown`);
        for (const m of step.description.matchAll(/\(command:([\w.]+)/g))
          assert.ok(commands.has(m[1]) || m[1].startsWith('workbench.'), `${step.id}: button ${m[1]}`);
      }
    });

    it('the runs view sits in its own activity-bar container, with an icon and its menus on contributed commands', () => {
      const container = c.viewsContainers.activitybar.find((x) => x.id === 'chunkscope');
      assert.ok(container);
      assert.ok(fs.existsSync(path.join(ROOT, container.icon)), container.icon);
      assert.deepEqual(
        c.views.chunkscope.map((v) => v.id),
        ['chunkscope.runs'],
      );
      for (const item of [...c.menus['view/item/context'], ...c.menus['view/title']])
        assert.ok(commands.has(item.command), item.command);
    });
  });
});
