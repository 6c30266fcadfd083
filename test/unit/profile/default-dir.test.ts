// Where a profiled run's .cpuprofile files go without a profile folder (options.ts
// defaultProfileDir): beside --timings, else beside --out, else <dataset>.<processor>.profiles in
// the caller's folder — never a temp folder. Checked on the function, on a real run and on the CLI.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runDataset } from '../../../src/engine';
import { defaultProfileDir } from '../../../src/engine/options';
import { ROOT, TempDir } from '../../helpers';

const BIN = path.join(ROOT, 'bin', 'chunkscope.js');

describe('profile: the default profile folder', function () {
  this.timeout(120_000);
  let tmp: TempDir;
  let data: string;
  let processor: string;
  before(() => {
    tmp = new TempDir('chunkscope-profile-dir-');
    data = path.join(tmp.dir, 'rides.csv');
    fs.writeFileSync(data, 'x\n' + Array.from({ length: 2000 }, (_, i) => `${i}\n`).join(''));
    processor = path.join(tmp.dir, 'square.js');
    fs.writeFileSync(processor, 'exports.processRow = (row) => Number(row.x) ** 2;\n');
  });
  after(() => tmp?.dispose());

  it('is NAME.profiles beside the timings file, else beside the results file, else in the current folder', function () {
    const cwd = path.join(path.sep, 'work', 'here');
    const base = { data: '/d/trips.csv.gz', processor: '/p/fare.ts', cwd };
    assert.equal(
      defaultProfileDir({ ...base, timings: 'out/run.timings.json', out: 'x.ndjson' }),
      path.join(cwd, 'out', 'run.profiles'),
    );
    assert.equal(defaultProfileDir({ ...base, timings: '/t/run.json' }), path.join('/t', 'run.profiles'));
    // A relative out is where the engine writes it (from the process's folder), as resolveRunOptions does.
    assert.equal(
      defaultProfileDir({ ...base, out: 'trips.fare.results.ndjson' }),
      path.join(process.cwd(), 'trips.fare.profiles'),
    );
    assert.equal(defaultProfileDir({ ...base, out: '/r/sums.jsonl' }), path.join('/r', 'sums.profiles'));
    // One extension comes off, as the extension's output names do (trips.csv.gz → trips.csv).
    assert.equal(defaultProfileDir(base), path.join(cwd, 'trips.csv.fare.profiles'));
  });

  it('a profiled run without profileDir, timings or out writes <dataset>.<processor>.profiles in cwd', async function () {
    const cwd = tmp.subdir('run');
    const report = await runDataset({ data, processor, workers: 1, chunkRows: 500, profile: true, cwd });
    const dir = path.join(cwd, 'rides.square.profiles');
    assert.ok(report.profiles && report.profiles.length === 2, 'main thread and one worker');
    for (const p of report.profiles) assert.equal(path.dirname(p.file), dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), report.profiles.map((p) => path.basename(p.file)).sort());
  });

  it('`chunkscope run --profile --out` puts them beside --out and the summary names them; without --out, in the current folder', function () {
    const cwd = tmp.subdir('cli');
    const run = (extra: string[]) => {
      const r = spawnSync(
        process.execPath,
        [BIN, 'run', data, '--processor', processor, '--workers', '1', '--profile', ...extra],
        {
          cwd,
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const besideOut = path.join(cwd, 'results', 'squares.profiles');
    fs.mkdirSync(path.join(cwd, 'results'));
    let stdout = run(['--out', path.join('results', 'squares.ndjson')]);
    for (const f of ['main.cpuprofile', 'worker-1.cpuprofile']) {
      assert.ok(fs.existsSync(path.join(besideOut, f)), `${f} in ${besideOut}`);
      assert.ok(stdout.includes(path.join(besideOut, f)), `the summary names ${f}:\n${stdout}`);
    }
    stdout = run([]);
    const here = path.join(cwd, 'rides.square.profiles');
    assert.ok(fs.existsSync(path.join(here, 'main.cpuprofile')), `main.cpuprofile in ${here}`);
    assert.ok(stdout.includes(path.join(here, 'main.cpuprofile')), stdout);
  });
});
