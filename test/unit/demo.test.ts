// `npm run demo` (examples/demo.mjs), the same script on a 2,000-row dataset in a temp folder: it
// writes the run's standalone HTML report and a sweep page, both of which open in Chromium with
// their app ready and no errors, and it ends with the command that opens the report.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium, openWatchedPage } from '../chromium';
import { ROOT, TempDir } from '../helpers';

describe('npm run demo', function () {
  this.timeout(180_000);
  let tmp: TempDir;
  let dir: string;
  let stdout: string;
  let browser: Browser | undefined;

  before(function () {
    tmp = new TempDir('chunkscope-demo-');
    dir = path.join(tmp.dir, 'data');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'examples', 'demo.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 150_000,
      env: { ...process.env, CHUNKSCOPE_DEMO_ROWS: '2000', CHUNKSCOPE_DEMO_DIR: dir },
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    stdout = r.stdout;
  });
  after(async function () {
    await browser?.close().catch(() => undefined);
    tmp?.dispose();
  });

  it('ends by printing the command that opens the report it wrote', function () {
    const last = stdout.trimEnd().split('\n').pop()!;
    const m = /^open the report: +(?:xdg-open|open|start "") (\S+)$/.exec(last);
    assert.ok(m, last);
    assert.equal(path.resolve(ROOT, m[1]), path.join(dir, 'trips.report.html'));
    assert.match(stdout, new RegExp(`sweep page: +\\S*trips\\.sweep\\.html`));
  });

  it('the run report and the sweep page open offline with their app ready and no errors', async function () {
    browser = await launchChromium();
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'trips.timings.json'), 'utf8'));
    assert.equal(report.summary.rows, 2000);
    const sweep = JSON.parse(fs.readFileSync(path.join(dir, 'trips.sweep.json'), 'utf8'));
    assert.ok(Array.isArray(sweep.points) && sweep.points.length >= 3, `${sweep.points?.length} sweep points`);
    for (const [file, hook] of [
      ['trips.report.html', '__chunkscopeReport'],
      ['trips.sweep.html', '__chunkscopeSweep'],
    ] as const) {
      const log = { problems: [] as string[], requests: [] as string[] };
      const page = await openWatchedPage(browser, { viewport: { width: 1200, height: 800 } }, log);
      await page.goto(pathToFileURL(path.join(dir, file)).href);
      await page.waitForFunction(
        (name) => (window as unknown as Record<string, { ready?: boolean } | undefined>)[name]?.ready === true,
        hook,
      );
      assert.deepEqual(log.problems, [], file);
      assert.deepEqual(
        log.requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:') && !u.startsWith('blob:')),
        [],
        `${file} fetches nothing`,
      );
      await page.close();
    }
  });
});
