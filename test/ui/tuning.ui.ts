// Tuning and profiling in the workbench: "Chunkscope: Sweep Chunk Sizes" from the command palette
// fills the sweep panel's chart while the sweep runs, "Apply" in the panel writes the chosen
// settings to the workspace's settings.json, and the next run from the palette uses them;
// "Chunkscope: Profile Processor" opens the report with its flame views, and "Go to source" on the
// hottest frame opens the processor at that function's line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tripsCsv, waitForFile, workbenchForSuite } from './workbench';
import { hotProcessorSource } from '../hot-processor';

// About 40 µs of work per row: chunk sizes and worker counts make a measurable difference, and the
// sweep runs for several seconds, so the test sees its chart while it is still filling in.
const WORK = `exports.processRow = (row) => {
  const until = performance.now() + 0.04;
  let x = 0;
  while (performance.now() < until) x++;
  return { id: Number(row.id), x };
};
`;

const HOT = hotProcessorSource('fare');

interface FlameHook {
  ready: boolean;
  totalSamples: number;
  topSelf: { name: string; file: string; line: number; category: string; selfMs: number } | null;
  selectedFrame: { name: string; file: string; line: number } | null;
  location: string | null;
}

interface SweepHook {
  ready: boolean;
  host: string;
  running: boolean;
  pointsDone: number;
  totalPoints: number;
  updates: number;
  pointsDrawn: number;
  bestKey: string | null;
  settings: { strategy: string; workers: number; chunkRows?: number; chunkBytes?: number } | null;
}

describe('Chunkscope tuning and profiling in the VS Code workbench', function () {
  const suite = workbenchForSuite(
    'tuning-demo',
    {
      // A small grid (3 sizes × 1–2 workers, one measured repeat) keeps the sweep to seconds. The
      // profile test runs with the point Apply wrote, so the grid has no tiny chunks: at 40 rows a
      // chunk the engine's row hand-over (take), not the processor, held the most self time.
      '.vscode/settings.json': JSON.stringify(
        {
          'chunkscope.sweep.repeats': 1,
          'chunkscope.sweep.workers': [1, 2],
          'chunkscope.sweep.chunkRows': [400, 1000, 2000],
        },
        null,
        2,
      ),
      'trips.csv': tripsCsv(8000),
      'work.js': WORK,
      'hot.js': HOT,
    },
    'trips.csv',
  );

  it('sweeps from the palette with a live chart; Apply writes the workspace settings and the next run uses them', async function () {
    await suite.wb.openFromExplorer('trips.csv');
    await suite.wb.runCommand('Chunkscope: Sweep Chunk Sizes');
    await suite.wb.pick('work.js');

    // Live: points appear while the sweep is still running.
    const live = await suite.wb.frameHook<SweepHook>(
      '__chunkscopeSweep',
      (h) => h.running && h.pointsDone >= 1 && h.pointsDrawn >= 1,
      60_000,
    );
    assert.equal(live.hook.host, 'vscode');
    assert.ok(live.hook.totalPoints === 6, `3 sizes × 2 worker counts planned (${live.hook.totalPoints})`);
    await suite.wb.screenshot('sweep-live');

    const done = await suite.wb.frameHook<SweepHook>(
      '__chunkscopeSweep',
      (h) => !h.running && h.pointsDone === 6 && h.settings !== null,
      120_000,
    );
    assert.ok(done.hook.updates > 1, 'the chart was redrawn as points arrived');
    assert.ok(done.hook.bestKey, 'the best point is marked');
    const chosen = done.hook.settings!;
    await suite.wb.screenshot('sweep-done');
    const sweepFile = path.join(suite.ws, '.chunkscope', 'trips.work.sweep.json');
    await waitForFile(sweepFile);
    assert.equal(JSON.parse(fs.readFileSync(sweepFile, 'utf8')).points.length, 6);

    // Apply: the chosen point lands in .vscode/settings.json (the other chunk size cleared).
    await done.frame.locator('#apply-settings').click();
    // The extension confirms once every key is written (four updates, one after the other).
    await suite.wb.statusItem(/Chunkscope: applied/).waitFor({ state: 'visible', timeout: 15_000 });
    const settingsFile = path.join(suite.ws, '.vscode', 'settings.json');
    const written = await waitForSettings(
      settingsFile,
      (s) => s['chunkscope.workers'] === chosen.workers && s['chunkscope.chunkRows'] === chosen.chunkRows,
    );
    assert.equal(written['chunkscope.strategy'], chosen.strategy);
    assert.equal(written['chunkscope.chunkBytes'], undefined);
    assert.equal(written['chunkscope.sweep.repeats'], 1, 'the other settings are kept');

    // The next run from the palette uses the applied settings.
    await suite.wb.clearNotifications();
    await suite.wb.openFromExplorer('trips.csv');
    await suite.wb.runCommand('Chunkscope: Run Processor on Current Dataset');
    await suite.wb.pick('work.js');
    const timings = path.join(suite.ws, '.chunkscope', 'trips.work.timings.json');
    await waitForFile(timings, 60_000);
    const summary = JSON.parse(fs.readFileSync(timings, 'utf8')).summary;
    assert.equal(summary.workers, chosen.workers);
    assert.equal(summary.strategy, chosen.strategy);
    assert.equal(summary.chunkRows, chosen.chunkRows, `the run's summary: ${JSON.stringify(summary)}`);
    assert.equal(summary.rows, 8000);
  });

  it('Profile Processor opens the report with flame views; "Go to source" on the hottest frame opens its line', async function () {
    await suite.wb.clearNotifications();
    await suite.wb.closeAllEditors();
    await suite.wb.openFromExplorer('trips.csv');
    await suite.wb.runCommand('Chunkscope: Profile Processor');
    await suite.wb.pick('hot.js');
    const { frame, hook } = await suite.wb.frameHook<FlameHook>(
      '__chunkscopeFlame',
      (h) => h.ready && h.totalSamples > 0 && h.topSelf !== null,
      90_000,
    );
    assert.match(
      hook.topSelf!.name,
      /processRow|hotLoop/,
      `the hot function holds the most self time (${JSON.stringify(hook.topSelf)})`,
    );
    assert.equal(hook.topSelf!.category, 'user');
    assert.equal(path.basename(hook.topSelf!.file), 'hot.js', JSON.stringify(hook.topSelf));
    const profiles = path.join(suite.ws, '.chunkscope', 'trips.hot.profiles');
    assert.ok(
      fs.readdirSync(profiles).some((f) => /^worker-\d+\.cpuprofile$/.test(f)),
      'worker profiles saved beside the timings',
    );

    // Click the hottest frame's box in the flame graph, then "Go to source".
    const canvas = frame.locator('[data-section="flame"] canvas').first();
    await canvas.scrollIntoViewIfNeeded();
    const spot = await frame.evaluate((name) => {
      const h = (
        window as unknown as {
          __chunkscopeFlame: { boxRect(n: string): { x: number; y: number; w: number; h: number } | null };
        }
      ).__chunkscopeFlame;
      const box = h.boxRect(name);
      const c = document.querySelector('[data-section="flame"] canvas')!.getBoundingClientRect();
      return box ? { x: box.x - c.left + box.w / 2, y: box.y - c.top + box.h / 2 } : null;
    }, hook.topSelf!.name);
    assert.ok(spot, 'the hot frame has a box on screen');
    await canvas.click({ position: spot! });
    const picked = await suite.wb.frameHook<FlameHook>(
      '__chunkscopeFlame',
      (h) => h.selectedFrame?.name === hook.topSelf!.name,
    );
    await suite.wb.screenshot('flame-view');
    await picked.frame.locator('#flame-go-to-source').click();
    await suite.wb.activeTab('hot.js').waitFor();
    await suite.wb.page.waitForFunction(
      (line) =>
        (document.querySelector('[id="status.editor.selection"]') as HTMLElement | null)?.innerText.includes(
          `Ln ${line},`,
        ),
      picked.hook.selectedFrame!.line,
    );
    const lines = HOT.split('\n');
    assert.match(
      lines[(await suite.wb.cursor()).line - 1],
      new RegExp(hook.topSelf!.name.replace(/^exports\./, '')),
      "the cursor is on the function's line",
    );
    await suite.wb.screenshot('flame-go-to-source');
  });
});

async function waitForSettings(
  file: string,
  want: (s: Record<string, unknown>) => boolean,
  timeoutMs = 15_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    try {
      // settings.json is JSON with comments; VS Code writes plain JSON here.
      last = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      if (want(last)) return last;
    } catch {
      // mid-write: try again
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${file} did not get the applied settings: ${JSON.stringify(last)}`);
}
