// `npm run package`: one .vsix per VS Code target, each carrying the esbuild binary of its own
// platform (the extension compiles TypeScript processors with esbuild, a native program).
//
//   node scripts/package.mjs [--target linux-x64,…] [--out DIR] [--no-build]
//
// Each target is staged in out/package/<target>/ with only what runs: package.json (dependencies
// cut to the two that stay external in the bundles, piscina and esbuild), README, CHANGELOG,
// LICENSE, dist/*.js, the webview assets without source maps or screenshots, piscina's dist/,
// esbuild's lib/ and @esbuild/<platform>. A platform package not in node_modules (npm installs only
// this machine's) is fetched once with `npm pack` at esbuild's exact version into
// out/package-cache/. vsce then packages the staging folder with `--target`, so the manifest says
// which platform the file is for and VS Code / the Marketplace offer each user theirs.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** VS Code target → esbuild's platform package and the binary's path inside it. */
export const TARGETS = {
  'linux-x64': { pkg: '@esbuild/linux-x64', binary: 'bin/esbuild' },
  'linux-arm64': { pkg: '@esbuild/linux-arm64', binary: 'bin/esbuild' },
  'darwin-x64': { pkg: '@esbuild/darwin-x64', binary: 'bin/esbuild' },
  'darwin-arm64': { pkg: '@esbuild/darwin-arm64', binary: 'bin/esbuild' },
  'win32-x64': { pkg: '@esbuild/win32-x64', binary: 'esbuild.exe' },
};

function arg(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The platform package's folder: this machine's from node_modules, another's from `npm pack`. */
function platformPackage(pkg, version) {
  const local = path.join(root, 'node_modules', pkg);
  if (existsSync(path.join(local, 'package.json')) && readJson(path.join(local, 'package.json')).version === version)
    return local;
  const cache = path.join(root, 'out', 'package-cache');
  const dir = path.join(cache, `${pkg.replace('/', '+')}@${version}`);
  if (existsSync(path.join(dir, 'package.json'))) return dir;
  mkdirSync(cache, { recursive: true });
  const tarball = execFileSync('npm', ['pack', `${pkg}@${version}`, '--pack-destination', cache, '--silent'], {
    cwd: cache,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop();
  const unpack = `${dir}.partial`;
  rmSync(unpack, { recursive: true, force: true });
  mkdirSync(unpack, { recursive: true });
  // npm tarballs hold everything under package/.
  execFileSync('tar', ['-xzf', path.join(cache, tarball), '-C', unpack, '--strip-components=1']);
  rmSync(path.join(cache, tarball));
  // Only a complete unpack gets the final name, so an interrupted one is never taken for it.
  renameSync(unpack, dir);
  return dir;
}

function copy(from, to, filter) {
  cpSync(from, to, { recursive: true, filter: filter ?? (() => true) });
}

function stage(target, manifest, esbuildVersion) {
  const dir = path.join(root, 'out', 'package', target);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // scripts and devDependencies are for this repository; `files` is the npm package's list, and
  // vsce refuses it beside a .vscodeignore.
  const { scripts, devDependencies, files, ...kept } = manifest;
  void [scripts, devDependencies, files];
  // Everything else in `dependencies` is inside the bundles; `npm list`, which vsce runs, must see
  // only what the staging folder holds.
  kept.dependencies = { piscina: manifest.dependencies.piscina, esbuild: manifest.dependencies.esbuild };
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(kept, null, 2)}\n`);
  for (const f of ['README.md', 'CHANGELOG.md', 'LICENSE']) copy(path.join(root, f), path.join(dir, f));
  mkdirSync(path.join(dir, 'dist'));
  // engine.js is the library entry for npm users; the extension's bundles never load it.
  for (const f of readdirSync(path.join(root, 'dist')).filter((n) => n.endsWith('.js') && n !== 'engine.js'))
    copy(path.join(root, 'dist', f), path.join(dir, 'dist', f));
  copy(path.join(root, 'media'), path.join(dir, 'media'), (src) => !/\.map$|[\\/]screenshots([\\/]|$)/.test(src));
  const nm = path.join(dir, 'node_modules');
  const piscina = path.join(root, 'node_modules', 'piscina');
  for (const f of ['package.json', 'LICENSE']) copy(path.join(piscina, f), path.join(nm, 'piscina', f));
  copy(path.join(piscina, 'dist'), path.join(nm, 'piscina', 'dist'), (src) => !/\.(map|d\.ts)$/.test(src));
  const esbuild = path.join(root, 'node_modules', 'esbuild');
  for (const f of ['package.json', 'LICENSE.md', 'lib/main.js'])
    copy(path.join(esbuild, f), path.join(nm, 'esbuild', f));
  const { pkg, binary } = TARGETS[target];
  const from = platformPackage(pkg, esbuildVersion);
  for (const f of ['package.json', binary]) copy(path.join(from, f), path.join(nm, pkg, f));
  // The staging folder is exactly the contents; vsce's defaults exclude nothing we need.
  writeFileSync(path.join(dir, '.vscodeignore'), '.vscodeignore\n');
  return dir;
}

export function packageAll({
  targets = Object.keys(TARGETS),
  outDir = path.join(root, 'artifacts'),
  build = true,
} = {}) {
  if (build)
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--no-tsc'], { stdio: 'inherit' });
  const manifest = readJson(path.join(root, 'package.json'));
  const esbuildVersion = readJson(path.join(root, 'node_modules', 'esbuild', 'package.json')).version;
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const target of targets) {
    if (!TARGETS[target]) throw new Error(`unknown target ${target}; known: ${Object.keys(TARGETS).join(', ')}`);
    const dir = stage(target, manifest, esbuildVersion);
    const out = path.join(outDir, `${manifest.name}-${target}-${manifest.version}.vsix`);
    const r = spawnSync(process.execPath, [vsce, 'package', '--target', target, '--out', out], {
      cwd: dir,
      encoding: 'utf8',
    });
    // vsce prints its errors on stdout.
    if (r.status !== 0) throw new Error(`vsce package --target ${target} failed:\n${r.stdout}${r.stderr}`);
    written.push({ target, file: out, bytes: statSync(out).size });
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const targets = arg('--target')?.split(',');
  const outDir = arg('--out') ? path.resolve(arg('--out')) : undefined;
  const written = packageAll({ targets, outDir, build: !process.argv.includes('--no-build') });
  for (const w of written)
    console.log(`${path.relative(process.cwd(), w.file)}  ${(w.bytes / 1024 / 1024).toFixed(2)} MiB  (${w.target})`);
}
