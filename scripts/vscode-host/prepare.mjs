#!/usr/bin/env node
// Prepares the real-VS-Code test host, idempotently, in a per-user cache folder outside the clone:
//   ${XDG_CACHE_HOME:-~/.cache}/chunkscope/code-server-4.100.3   (override: CHUNKSCOPE_HOST_DIR)
// code-server 4.100.3 (= VS Code 1.100.3) comes from the npm registry and is installed by hand,
// because `npm install code-server` would run scripts that download binaries (ripgrep) and refuse
// to run as root. Steps: Debian packages (chromium, ripgrep, libkrb5-dev, build tools) when missing,
// `npm pack` + extract, production dependencies with --ignore-scripts, native modules rebuilt from
// source against this Node, ripgrep copied from Debian's, then a check that the server starts.
// When the host is already prepared this takes about a second. Nothing is downloaded except
// Debian and npm registry packages.
//
//   node scripts/vscode-host/prepare.mjs          prepare (or verify) the host
//   node scripts/vscode-host/prepare.mjs --force   rebuild it from scratch
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CODE_SERVER_VERSION, VSCODE_VERSION, entryJs, hostDir } from './paths.mjs';

const APT_PACKAGES = ['chromium', 'ripgrep', 'libkrb5-dev', 'python3', 'make', 'g++'];
const VSCODE_NATIVE = [
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/spdlog',
  'kerberos',
  'native-watchdog',
  'node-pty',
];
const MARKER = '.chunkscope-prepared';

const log = (m) => console.log(`[host] ${m}`);
const t0 = Date.now();

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}) in ${opts.cwd ?? process.cwd()}`);
}

function hostVersion(dir = hostDir()) {
  const entry = path.join(dir, 'package', 'out', 'node', 'entry.js');
  if (!existsSync(entry)) return '';
  const r = spawnSync(process.execPath, [entry, '--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : '';
}

function isPrepared() {
  const marker = path.join(hostDir(), MARKER);
  if (!existsSync(marker) || readFileSync(marker, 'utf8').trim() !== process.version) return false;
  const v = hostVersion();
  return v.includes(CODE_SERVER_VERSION) && v.includes(VSCODE_VERSION);
}

function missingAptPackages() {
  return APT_PACKAGES.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function ensureAptPackages() {
  const missing = missingAptPackages();
  if (!missing.length) return;
  const asRoot = process.getuid?.() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  if (!asRoot && spawnSync('sudo', ['-n', 'true']).status !== 0) {
    throw new Error(
      `Missing Debian packages: ${missing.join(' ')}. Install them (sudo apt-get install ${missing.join(' ')}) and run this again.`,
    );
  }
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) =>
    run(prefix[0] ?? 'apt-get', [...prefix.slice(1), ...(prefix.length ? ['apt-get'] : []), ...args], { env });
  apt(['update', '-q']);
  apt(['install', '-y', '-q', '--no-install-recommends', ...missing]);
}

/**
 * Native modules are compiled here, never fetched: build_from_source stops argon2's node-pre-gyp
 * and kerberos' prebuild-install from downloading prebuilt binaries, and nodedir points node-gyp at
 * the headers installed with this Node instead of downloading them.
 */
function gypEnv() {
  const env = {
    ...process.env,
    npm_config_yes: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_build_from_source: 'true',
  };
  const prefix = path.dirname(path.dirname(process.execPath));
  if (existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))) env.npm_config_nodedir = prefix;
  env.JOBS = '2';
  return env;
}

function buildHost() {
  const final = hostDir();
  const work = `${final}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const env = gypEnv();
  const npm = (args, cwd) => run('npm', args, { cwd, env });

  log(`npm pack code-server@${CODE_SERVER_VERSION}`);
  const packed = execFileSync('npm', ['pack', `code-server@${CODE_SERVER_VERSION}`, '--silent'], {
    cwd: work,
    env,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop();
  run('tar', ['-xzf', packed], { cwd: work });
  rmSync(path.join(work, packed));
  const pkg = path.join(work, 'package');

  log('code-server: production dependencies (no install scripts), argon2 rebuilt');
  npm(['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], pkg);
  npm(['rebuild', 'argon2', '--loglevel=error'], pkg);

  const vs = path.join(pkg, 'lib', 'vscode');
  log('VS Code: production dependencies (no install scripts), native modules rebuilt');
  npm(['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], vs);
  const native = VSCODE_NATIVE.filter((m) => existsSync(path.join(vs, 'node_modules', m, 'binding.gyp')));
  npm(['rebuild', ...native, '--loglevel=error'], vs);
  // @vscode/ripgrep's install script would download rg; Debian's is the same program.
  const rgDir = path.join(vs, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  copyFileSync('/usr/bin/rg', path.join(rgDir, 'rg'));
  chmodSync(path.join(rgDir, 'rg'), 0o755);
  if (!existsSync(path.join(vs, 'node_modules.asar'))) symlinkSync('node_modules', path.join(vs, 'node_modules.asar'));

  log('VS Code built-in extensions: production dependencies');
  npm(
    ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    path.join(vs, 'extensions'),
  );

  const v = hostVersion(work);
  if (!v.includes(CODE_SERVER_VERSION)) throw new Error(`code-server --version printed ${JSON.stringify(v)}`);
  writeFileSync(path.join(work, MARKER), `${process.version}\n`);
  rmSync(final, { recursive: true, force: true });
  mkdirSync(path.dirname(final), { recursive: true });
  renameSync(work, final);
}

/** Starts the server once and asks it for its health endpoint, then stops it. */
async function checkStarts() {
  const { startCodeServer } = await import('./host.mjs');
  const server = await startCodeServer({ disableWorkspaceTrust: true });
  await server.stop();
}

export async function prepareHost({ force = false } = {}) {
  ensureAptPackages();
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found after installing chromium`);
  if (!force && isPrepared()) {
    log(`ready: ${hostDir()} (${hostVersion().split('\n')[0]}), ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return;
  }
  log(`preparing ${hostDir()}`);
  buildHost();
  await checkStarts();
  log(`ready: ${hostVersion().split('\n')[0]} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  prepareHost({ force: process.argv.includes('--force') }).catch((err) => {
    console.error(`[host] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
