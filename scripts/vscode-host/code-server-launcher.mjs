#!/usr/bin/env node
// A stand-in for the `code` executable that @vscode/test-electron's runTests launches
// (`vscodeExecutablePath`), so the extension-host suite runs unchanged in code-server here and in
// CI, and in desktop VS Code wherever that can be downloaded.
//
// It accepts the arguments runTests passes (`[folder] --extensionTestsPath=… --extensionDevelopmentPath=…
// --extensions-dir=… --user-data-dir=… --disable-workspace-trust …`; flags it has no use for, like
// --no-sandbox, are ignored), starts code-server on 127.0.0.1:<free port>, opens the workbench in
// Chromium with the `payload` query parameter that makes the web workbench load the development
// extension and run the tests in the Node extension host, waits for the test index to write its
// results file (CHUNKSCOPE_HOST_RESULT), prints the mocha output, stops everything and exits with
// the tests' status (0 = all passed).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchChromium, startCodeServer, workbenchUrl } from './host.mjs';

const TIMEOUT_MS = Number(process.env.CHUNKSCOPE_HOST_TIMEOUT_MS || 5 * 60_000);

function parseArgs(argv) {
  const out = { folder: undefined, flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) out.flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (
        ['--extensions-dir', '--user-data-dir', '--extensionTestsPath', '--extensionDevelopmentPath'].includes(a)
      )
        out.flags.set(a.slice(2), argv[++i]);
      else out.flags.set(a.slice(2), true);
    } else if (!out.folder) {
      out.folder = path.resolve(a);
    }
  }
  return out;
}

/** A test index given as `…/index` (as desktop VS Code accepts) is resolved to the file. */
function resolveTestsPath(p) {
  if (existsSync(p) && statSync(p).isFile()) return p;
  if (existsSync(`${p}.js`)) return `${p}.js`;
  if (existsSync(path.join(p, 'index.js'))) return path.join(p, 'index.js');
  return p;
}

async function main() {
  const { folder, flags } = parseArgs(process.argv.slice(2));
  const testsPath = flags.get('extensionTestsPath');
  const devPath = flags.get('extensionDevelopmentPath');
  if (!testsPath || !devPath)
    throw new Error(
      'usage: code-server-launcher.mjs [folder] --extensionDevelopmentPath=DIR --extensionTestsPath=FILE',
    );
  const temp = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-launch-'));
  const resultFile = process.env.CHUNKSCOPE_HOST_RESULT || path.join(temp, 'result.json');
  const logFile = `${resultFile}.log`;
  rmSync(resultFile, { force: true });
  rmSync(logFile, { force: true });
  // Inherited by the server and so by its extension host, where the test index reads them.
  process.env.CHUNKSCOPE_HOST_RESULT = resultFile;
  process.env.CHUNKSCOPE_HOST_LOG = logFile;

  let server;
  let browser;
  let printed = 0;
  const pump = () => {
    if (!existsSync(logFile)) return;
    const text = readFileSync(logFile, 'utf8');
    if (text.length > printed) {
      process.stdout.write(text.slice(printed));
      printed = text.length;
    }
  };
  try {
    server = await startCodeServer({
      userDataDir: typeof flags.get('user-data-dir') === 'string' ? flags.get('user-data-dir') : undefined,
      extensionsDir: typeof flags.get('extensions-dir') === 'string' ? flags.get('extensions-dir') : undefined,
      disableWorkspaceTrust: flags.has('disable-workspace-trust'),
      log: process.env.CHUNKSCOPE_HOST_VERBOSE ? (s) => process.stderr.write(`[code-server] ${s}`) : undefined,
    });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => process.env.CHUNKSCOPE_HOST_VERBOSE && console.error(`[page] ${e.message}`));
    if (process.env.CHUNKSCOPE_HOST_VERBOSE) page.on('console', (m) => console.error(`[console] ${m.text()}`));
    const consoleErrors = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !/gallery|marketplace/i.test(m.text()))
        consoleErrors.push(m.text()) > 20 && consoleErrors.shift();
    });
    const url = workbenchUrl(server, folder, {
      extensionDevelopmentPath: devPath,
      extensionTestsPath: resolveTestsPath(testsPath),
    });
    await page.goto(url);
    const deadline = Date.now() + TIMEOUT_MS;
    let hostExitedAt;
    while (!existsSync(resultFile)) {
      pump();
      if (Date.now() > deadline) throw new Error(`the extension tests wrote no result within ${TIMEOUT_MS / 1000} s`);
      // The extension host exits once the test index is done — or when it could not even load it
      // (then there is no result file, and waiting for the timeout would only waste CI time).
      if (!hostExitedAt && /Extension Host Process exited with code/.test(server.output())) hostExitedAt = Date.now();
      if (hostExitedAt && Date.now() - hostExitedAt > 3000) {
        throw new Error(
          `the extension host exited without a test result (did the test index fail to load?).\n` +
            `Workbench console errors:\n${consoleErrors.join('\n')}\nServer log:\n${server.output().slice(-3000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    pump();
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    if (result.error) console.error(`[launcher] the test index failed: ${result.error}`);
    const leftBehind = await languageServersLeft(`${resultFile}.lsp-pids`, server);
    if (leftBehind.length)
      console.error(`[launcher] language server processes outlived the extension host: ${leftBehind.join(', ')}`);
    return result.failed === 0 &&
      !result.error &&
      !leftBehind.length &&
      (result.passed > 0 || process.env.CHUNKSCOPE_TEST_GREP)
      ? 0
      : 1;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}

/** A pid is gone when /proc has no live (non-zombie) process of that number. */
function alive(pid) {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

/**
 * The language-server pids the suite saw (test/host/language-server.test.ts) that are still running
 * once the extension host has exited — before the launcher stops code-server's process group, which
 * would end them anyway. The server's clientProcessId watchdog polls every 3 s, so allow 10 s.
 */
async function languageServersLeft(pidsFile, server) {
  if (!existsSync(pidsFile)) return [];
  const pids = [...new Set(readFileSync(pidsFile, 'utf8').split('\n').filter(Boolean).map(Number))];
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && !/Extension Host Process exited with code/.test(server.output()))
    await new Promise((r) => setTimeout(r, 200));
  const hostExited = /Extension Host Process exited with code/.test(server.output());
  while (Date.now() < deadline + 10_000 && pids.some(alive)) await new Promise((r) => setTimeout(r, 200));
  const left = pids.filter(alive);
  console.log(
    `[launcher] language server pids ${pids.join(', ')}: ${left.length ? `${left.length} still running` : 'none left'} after the extension host ${hostExited ? 'exited' : 'was asked to finish'}`,
  );
  return left;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[launcher] ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
