// Debian's Chromium through playwright-core (no browser download), as the page suites use it: one
// headless launch, and pages that record what the page complained about and what it fetched.
import * as fs from 'node:fs';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';

const CHROMIUM = process.env.CHUNKSCOPE_CHROMIUM || '/usr/bin/chromium';

/** Headless Chromium, or a clear error saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run node scripts/vscode-host/prepare.mjs (installs Debian's chromium)`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-features=Translate',
      '--disable-background-networking',
      '--disable-extensions',
    ],
  });
}

/** Where a watched page records console errors and warnings, page errors and (if given) every request URL. */
export interface PageLog {
  problems: string[];
  requests?: string[];
}

/** A page in a fresh context that appends to `log` from its first navigation on, so a test can assert the page stayed quiet and offline. */
export async function openWatchedPage(
  browser: Browser,
  contextOptions: BrowserContextOptions,
  log: PageLog,
): Promise<Page> {
  const page = await (await browser.newContext(contextOptions)).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log.problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => log.problems.push(`pageerror: ${e.message}`));
  const requests = log.requests;
  if (requests) page.on('request', (r) => requests.push(r.url()));
  return page;
}
