// The headless Chromium timing harness the render benches share (Debian's /usr/bin/chromium through
// playwright-core): launch, open a page and time its first paint, redraw statistics, wheel zoom,
// the machine line, and the results file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHUNKSCOPE_CHROMIUM || '/usr/bin/chromium';
const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Headless Chromium without GPU or background work, so frame times are the page's own. */
export function launchBenchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-extensions',
      '--disable-background-networking',
    ],
  });
}

/** Best and median of a list of times. */
export const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { best: s[0], median: s[Math.floor(s.length / 2)] };
};

/**
 * Opens an HTML file in a new page and waits (polling every frame) until `window[hookName].ready`;
 * returns the page and its paint times from navigation start: `ready` (now) and `fcp`
 * (first-contentful-paint, or null when Chromium recorded none).
 */
export async function openTimedPage(browser, file, { viewport, hookName, timeoutMs }) {
  const page = await browser.newPage({ viewport });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction((name) => window[name]?.ready === true, hookName, { timeout: timeoutMs, polling: 'raf' });
  const paint = await page.evaluate(() => ({
    ready: performance.now(),
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
  }));
  return { page, paint };
}

/** Best and median of `repeats` calls of `window[hookName].redraw()` (each returns its frame time in ms). */
export async function redrawStats(page, hookName, repeats) {
  const times = [];
  for (let k = 0; k < repeats; k++) times.push(await page.evaluate((name) => window[name].redraw(), hookName));
  return stats(times);
}

/** Zooms in with the mouse wheel over `selector` (at `yOffset` px below its top) until `zoomedEnough()` holds, 40 notches at most. */
export async function zoomWithWheel(page, selector, yOffset, zoomedEnough) {
  const box = await page.locator(selector).boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + yOffset);
  for (let k = 0; k < 40; k++) {
    if (await zoomedEnough()) break;
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(20);
  }
}

/** The machine the bench ran on, for its table header and results file. */
export function machineInfo(browser) {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium: browser.version(),
  };
}

/** The table's title line: the bench's name, the machine and how Chromium ran. */
export const machineLine = (title, machine) =>
  `${title} · ${machine.cpu} · ${machine.cpus} CPUs · ${machine.memoryGiB} GiB · ${machine.platform} · Chromium ${machine.chromium} · headless, --disable-gpu`;

/** A time in ms with one decimal, or – when there is none. */
export const ms1 = (x) => (x === null || x === undefined ? '–' : x.toFixed(1));

/** Writes bench/results/<name>-<date>.json and prints its path. */
export function writeResults(name, results) {
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `${name}-${new Date().toISOString().slice(0, 10)}.json`);
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(`\n${path.relative(ROOT, out)}`);
}
