// Starting and stopping the test host (code-server = VS Code 1.100.3's server, workbench and Node
// extension host) and Chromium. Everything binds 127.0.0.1 on a free port; every process is started
// in its own process group and killed as a group, so no extension host, pty host or file watcher
// outlives a run, also when a test fails or the driver is interrupted.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, entryJs } from './paths.mjs';

/** A free TCP port on 127.0.0.1 (the OS picks it; we release it right away for the server). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const liveGroups = new Set();
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}
function killAllNow() {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
}
process.on('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    killAllNow();
    process.exit(128 + (os.constants.signals[sig] ?? 1));
  });
}

/** Spawns `cmd` as the leader of a new process group; `stop()` ends the whole group. */
export function spawnGroup(cmd, args, options = {}) {
  const child = spawn(cmd, args, { ...options, detached: true });
  liveGroups.add(child.pid);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const stop = async (graceMs = 3000) => {
    if (!liveGroups.has(child.pid)) return exited;
    killGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    // Children of the leader may still be shutting down: make sure the group is empty.
    killGroup(child.pid, 'SIGKILL');
    liveGroups.delete(child.pid);
    return exited;
  };
  return { child, exited, stop };
}

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

/**
 * Starts code-server on 127.0.0.1:<free port>. Options: userDataDir, extensionsDir (temp dirs when
 * omitted, removed on stop), disableWorkspaceTrust, extraArgs, log (a function receiving output).
 */
export async function startCodeServer(opts = {}) {
  if (!existsSync(entryJs()))
    throw new Error(`The test host is not prepared (${entryJs()} missing): run node scripts/vscode-host/prepare.mjs`);
  const port = await freePort();
  const temp = mkdtempSync(path.join(os.tmpdir(), 'chunkscope-host-'));
  const userDataDir = opts.userDataDir ?? path.join(temp, 'user-data');
  const extensionsDir = opts.extensionsDir ?? path.join(temp, 'extensions');
  const args = [
    entryJs(),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    ...(opts.disableWorkspaceTrust ? ['--disable-workspace-trust'] : []),
    ...(opts.extraArgs ?? []),
  ];
  const env = {
    ...process.env,
    // No public extension gallery: the host never reaches outside the machine.
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: '' }),
    // Keep the host quiet and self-contained.
    VSCODE_PROXY_URI: '',
  };
  delete env.ELECTRON_RUN_AS_NODE;
  const server = spawnGroup(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (d) => {
    output += d.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    opts.log?.(d.toString());
  };
  server.child.stdout.on('data', onData);
  server.child.stderr.on('data', onData);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  let early;
  server.exited.then((e) => (early = e));
  while ((await get(`${url}/healthz`)) !== 200) {
    if (early) throw new Error(`code-server exited early (${JSON.stringify(early)}):\n${output}`);
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`code-server did not listen within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    url,
    userDataDir,
    extensionsDir,
    output: () => output,
    async stop() {
      await server.stop();
      rmSync(temp, { recursive: true, force: true });
    },
  };
}

/** `?folder=<ws>` plus, for extension tests, the `payload` the web workbench reads. */
export function workbenchUrl(server, folder, { extensionDevelopmentPath, extensionTestsPath } = {}) {
  const q = new URLSearchParams();
  if (folder) q.set('folder', folder);
  const payload = [];
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${path.resolve(p)}`;
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  if (payload.length) q.set('payload', JSON.stringify(payload));
  return `${server.url}/?${q.toString()}`;
}

/** Chromium (Debian's) through playwright-core; never a downloaded browser. */
export async function launchChromium({ headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-features=Translate',
    ],
  });
}
