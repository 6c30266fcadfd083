// Drives the real VS Code workbench (code-server 1.100) in Debian's Chromium the way a person does:
// keyboard for the command palette and quick picks, clicks for the Explorer, context menus,
// notification buttons and the trust dialog. One `Workbench` = one code-server (127.0.0.1, free
// port) + one Chromium; `close()` stops both (call it in `after`, it is safe to call twice).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'ui');
const HOST_SCRIPTS = path.join(ROOT, 'scripts', 'vscode-host');

// The host helpers are ES modules; tsc's CommonJS output would turn `import()` into `require()`.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function hostModule(): Promise<any> {
  return importEsm(path.join(HOST_SCRIPTS, 'host.mjs'));
}

export interface WorkbenchOptions {
  /** The folder to open. */
  folder: string;
  /** false: start with --disable-workspace-trust (no trust prompt, trusted). true: the normal trust flow. */
  trustPrompt?: boolean;
  /** Load the extension from this source folder (linked into the extensions dir). */
  linkExtensionFrom?: string;
  /** Use this extensions dir as is (e.g. after --install-extension of the .vsix). */
  extensionsDir?: string;
  userDataDir?: string;
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.colorTheme': 'Default Dark Modern',
};

export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly browser: Browser,
    private readonly server: { stop(): Promise<void>; url: string; port: number },
    private readonly temp: string,
  ) {}

  static async open(opts: WorkbenchOptions): Promise<Workbench> {
    const host = await hostModule();
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'chunkscope-ui-'));
    const userDataDir = opts.userDataDir ?? path.join(temp, 'user-data');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    const extensionsDir = opts.extensionsDir ?? path.join(temp, 'extensions');
    fs.mkdirSync(extensionsDir, { recursive: true });
    if (opts.linkExtensionFrom) {
      const pkg = JSON.parse(fs.readFileSync(path.join(opts.linkExtensionFrom, 'package.json'), 'utf8'));
      fs.symlinkSync(opts.linkExtensionFrom, path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`));
    }
    let server: any;
    let browser: Browser | undefined;
    try {
      server = await host.startCodeServer({ userDataDir, extensionsDir, disableWorkspaceTrust: !opts.trustPrompt });
      browser = (await host.launchChromium()) as Browser;
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      page.setDefaultTimeout(30_000);
      await page.goto(host.workbenchUrl(server, opts.folder));
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      const wb = new Workbench(page, browser, server, temp);
      return wb;
    } catch (err) {
      await browser?.close().catch(() => undefined);
      await server?.stop();
      fs.rmSync(temp, { recursive: true, force: true });
      throw err;
    }
  }

  private closed = false;
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
    fs.rmSync(this.temp, { recursive: true, force: true });
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name}.png`);
    await this.page.mouse.move(700, 300); // no hover tooltip in the picture
    await this.page.waitForTimeout(400); // let notifications finish sliding in
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Waits until the Explorer shows the folder's files (the workbench has restored). */
  async waitForExplorer(fileName: string): Promise<void> {
    await this.explorerRow(fileName).waitFor({ state: 'visible', timeout: 60_000 });
  }

  explorerRow(fileName: string): Locator {
    return this.page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${fileName}"]`).first();
  }

  /** Opens a file as a person does: a click in the Explorer (a pinned editor, not a preview). */
  async openFromExplorer(fileName: string): Promise<void> {
    await this.explorerRow(fileName).dblclick();
    await this.page.locator('.tabs-container .tab.active', { hasText: fileName }).waitFor();
  }

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  quickPickRows(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  }

  /** F1, type the command's title, Enter. `beforeEnter` runs with the palette showing (screenshots). */
  async runCommand(title: string, beforeEnter?: () => Promise<void>): Promise<void> {
    // Keys typed while the palette was still opening were sometimes lost (CI saw the command never
    // listed): the whole text is set at once, and the palette is opened again once if need be.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('F1');
      const input = this.page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      const row = this.quickPickRows().filter({ hasText: title }).first();
      try {
        await row.waitFor({ state: 'visible', timeout: 15_000 });
        break;
      } catch (error) {
        if (attempt >= 2)
          throw new Error(
            `the command palette did not list "${title}" (input: ${JSON.stringify(await input.inputValue().catch(() => '?'))}): ${(error as Error).message}`,
          );
      }
    }
    // The list re-sorts while it filters; wait until the match is the selected (focused) row.
    await this.quickPickRows().first().filter({ hasText: title }).waitFor();
    if (beforeEnter) await beforeEnter();
    await this.page.keyboard.press('Enter');
  }

  /** The visible rows of the open quick pick, as text, once `expect` appears among them. */
  async quickPickTexts(expect: string): Promise<string[]> {
    await this.quickPickRows().filter({ hasText: expect }).first().waitFor({ state: 'visible' });
    return this.quickPickRows().allInnerTexts();
  }

  /** Types into the open quick pick to filter it, then Enter on the first match. */
  async pick(text: string): Promise<void> {
    await this.quickPickRows().filter({ hasText: text }).first().waitFor({ state: 'visible' });
    await this.page.keyboard.type(text, { delay: 5 });
    await this.quickPickRows().first().filter({ hasText: text }).waitFor();
    await this.page.keyboard.press('Enter');
  }

  toast(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  }

  async clickToastButton(toast: Locator, label: string): Promise<void> {
    await toast.locator('.monaco-button', { hasText: label }).first().click();
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
  }

  async closeAllEditors(): Promise<void> {
    await this.runCommand('View: Close All Editors');
  }

  statusItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar-item', { hasText: text }).first();
  }

  /** Puts the active editor's cursor at a 1-based line and column with "Go to Line/Column" (Ctrl+G). */
  async goTo(line: number, column: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.page.waitForFunction(
      (want) => document.querySelector('[id="status.editor.selection"]')?.textContent?.includes(want),
      `Ln ${line}, Col ${column}`,
    );
  }

  /** The rows of the editor's suggest list once one holding `expect` is visible, as text. */
  async suggestRows(expect: string, timeoutMs = 30_000): Promise<string[]> {
    const suggest = this.page.locator('.editor-widget.suggest-widget');
    await suggest
      .locator('.monaco-list-row', { hasText: expect })
      .first()
      .waitFor({ state: 'visible', timeout: timeoutMs });
    return suggest.locator('.monaco-list-row').allInnerTexts();
  }

  /** "Ln 8, Col 5" of the active editor, from the status bar. */
  async cursor(): Promise<{ line: number; column: number }> {
    const item = this.page.locator('[id="status.editor.selection"]');
    await item.waitFor({ state: 'visible' });
    const text = await item.innerText();
    const m = /Ln (\d+), Col (\d+)/.exec(text);
    if (!m) throw new Error(`no cursor position in the status bar: ${JSON.stringify(text)}`);
    return { line: Number(m[1]), column: Number(m[2]) };
  }

  activeTab(text: string): Locator {
    return this.page.locator('.tabs-container .tab.active', { hasText: text });
  }

  /** The visible text of the panel's editor (the output channel). */
  async panelText(mustContain: string): Promise<string> {
    const lines = this.page.locator('.part.panel .monaco-editor .view-lines');
    await lines.filter({ hasText: mustContain }).first().waitFor({ state: 'visible' });
    return (await lines.first().innerText()).replace(/\u00a0/g, ' ');
  }

  /** The visible text of the active editor. */
  async editorText(mustContain: string): Promise<string> {
    const lines = this.page.locator('.part.editor .editor-instance .monaco-editor .view-lines');
    await lines.filter({ hasText: mustContain }).first().waitFor({ state: 'visible' });
    return (await lines.first().innerText()).replace(/\u00a0/g, ' ');
  }

  /**
   * The report webview's test hook (window.__chunkscopeReport, a plain-data snapshot) from the
   * frame that exposes it: webview documents live in nested iframes. Polls until `want` accepts one.
   */
  async reportHook<Hook>(want: (hook: Hook) => boolean, timeoutMs = 20_000): Promise<{ frame: Frame; hook: Hook }> {
    return this.frameHook<Hook>('__chunkscopeReport', want, timeoutMs);
  }

  /** Polls every frame for a page's test hook (window[name]) until `want` holds for one. */
  async frameHook<Hook>(
    name: string,
    want: (hook: Hook) => boolean,
    timeoutMs = 20_000,
  ): Promise<{ frame: Frame; hook: Hook }> {
    const until = Date.now() + timeoutMs;
    let seen: Hook[] = [];
    while (Date.now() < until) {
      seen = [];
      for (const frame of this.page.frames()) {
        // A frame still loading (or a webview's outer iframe) can hold evaluate() for seconds; a
        // bounded wait keeps the poll fast enough to see a live panel before its run ends.
        const hook = await Promise.race([
          frame
            .evaluate((hookName) => {
              const h = (window as unknown as Record<string, unknown>)[hookName];
              return h ? (JSON.parse(JSON.stringify(h)) as unknown) : undefined;
            }, name)
            .catch(() => undefined),
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 500)),
        ]);
        if (!hook) continue;
        seen.push(hook as Hook);
        if (want(hook as Hook)) return { frame, hook: hook as Hook };
      }
      await this.page.waitForTimeout(50);
    }
    throw new Error(`no frame with ${name} as expected; seen: ${JSON.stringify(seen)}`);
  }
}

/** In an `afterEach` hook: a screenshot named after the test that just failed, if one did. */
export async function screenshotIfFailed(context: Mocha.Context, wb: Workbench | undefined): Promise<void> {
  if (context.currentTest?.state === 'failed' && wb)
    await wb.screenshot(`failed-${context.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`);
}

/** A suite's workspace folder and the workbench open on it (trusted, the extension linked from the sources). */
export interface SuiteWorkbench {
  wb: Workbench;
  ws: string;
}

/**
 * Registers the calling describe block's hooks: `before` makes the workspace from `files` and opens
 * the workbench on it, waiting for `firstFile` in the Explorer; `afterEach` screenshots a failed
 * test and presses Escape (so one test's open picker does not leak into the next); `after` closes
 * the workbench and removes the workspace. Read `wb` and `ws` inside the tests.
 */
export function workbenchForSuite(name: string, files: Record<string, string>, firstFile: string): SuiteWorkbench {
  const suite = {} as SuiteWorkbench;
  before(async function () {
    suite.ws = makeWorkspace(name, files);
    suite.wb = await Workbench.open({ folder: suite.ws, linkExtensionFrom: ROOT });
    await suite.wb.waitForExplorer(firstFile);
  });

  after(async function () {
    await suite.wb?.close();
    removeWorkspace(suite.ws);
  });

  afterEach(async function () {
    await screenshotIfFailed(this, suite.wb);
    await suite.wb?.page.keyboard.press('Escape');
  });
  return suite;
}

/** Polls a condition on the file system (outputs the extension writes). */
export async function waitForFile(file: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A fresh folder `<tmp>/<unique>/<name>` with the given files (relative path → content); remove with removeWorkspace. */
export function makeWorkspace(name: string, files: Record<string, string>): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chunkscope-ui-ws-')), name);
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return dir;
}

export function removeWorkspace(dir: string | undefined): void {
  if (dir) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
}

export function tripsCsv(rows: number): string {
  const lines = ['id,city,fare,distance'];
  const cities = ['Lisbon', 'Porto', 'Faro', 'Braga'];
  for (let i = 1; i <= rows; i++)
    lines.push(`${i},${cities[i % 4]},${(5 + (i % 17) * 1.25).toFixed(2)},${(1 + (i % 9) * 0.5).toFixed(1)}`);
  return `${lines.join('\n')}\n`;
}
