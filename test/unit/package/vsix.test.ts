// The .vsix files as artifacts: `npm run package` (scripts/package.mjs) is run, and every file it
// writes is opened as a zip and checked against what VS Code and the Marketplace read — the
// manifest's TargetPlatform — and against what runs: the esbuild binary inside must be that
// platform's (ELF / Mach-O / PE header and CPU). The linux-x64 one is unpacked and its own bundles
// and binary run a TypeScript processor (test/ui/vsix.ui.ts installs it into VS Code).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, TempDir } from '../../helpers';
import { binaryKind } from './binary';
import { readZip, type ZipEntry } from './zip';

/** The expectations, written out here rather than read from the script under test. */
const EXPECTED: Record<string, { pkg: string; binary: string; format: string; cpu: string }> = {
  'linux-x64': { pkg: '@esbuild/linux-x64', binary: 'bin/esbuild', format: 'elf', cpu: 'x64' },
  'linux-arm64': { pkg: '@esbuild/linux-arm64', binary: 'bin/esbuild', format: 'elf', cpu: 'arm64' },
  'darwin-x64': { pkg: '@esbuild/darwin-x64', binary: 'bin/esbuild', format: 'macho', cpu: 'x64' },
  'darwin-arm64': { pkg: '@esbuild/darwin-arm64', binary: 'bin/esbuild', format: 'macho', cpu: 'arm64' },
  'win32-x64': { pkg: '@esbuild/win32-x64', binary: 'esbuild.exe', format: 'pe', cpu: 'x64' },
};

describe('package: the per-platform .vsix files', function () {
  this.timeout(180_000);
  let tmp: TempDir;
  const vsix = new Map<string, Map<string, ZipEntry>>();
  const sizes = new Map<string, number>();
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
  const esbuildVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/esbuild/package.json'), 'utf8'))
    .version as string;

  before(async function () {
    tmp = new TempDir('chunkscope-vsix-');
    assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'extension.js')), 'dist/ is built (npm test builds it first)');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs'), '--no-build', '--out', tmp.dir], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (const target of Object.keys(EXPECTED)) {
      const file = path.join(tmp.dir, `chunkscope-${target}-${version}.vsix`);
      assert.ok(fs.existsSync(file), `${file} written; the folder has ${fs.readdirSync(tmp.dir).join(', ')}`);
      sizes.set(target, fs.statSync(file).size);
      vsix.set(target, await readZip(file));
    }
  });
  after(() => tmp?.dispose());

  it('writes exactly one .vsix per target and nothing else', function () {
    assert.deepEqual(
      fs.readdirSync(tmp.dir).sort(),
      Object.keys(EXPECTED)
        .map((t) => `chunkscope-${t}-${version}.vsix`)
        .sort(),
    );
  });

  for (const [target, want] of Object.entries(EXPECTED)) {
    describe(target, function () {
      it('declares its target in extension.vsixmanifest', function () {
        const manifest = vsix.get(target)!.get('extension.vsixmanifest')!.data.toString('utf8');
        const identity = /<Identity\b[^>]*>/.exec(manifest)?.[0] ?? '';
        assert.match(identity, new RegExp(`TargetPlatform="${target}"`), identity);
        assert.match(identity, /Id="chunkscope"/);
        assert.match(
          manifest,
          /Type="Microsoft\.VisualStudio\.Services\.Icons\.Default" Path="extension\/media\/icon\.png"/,
        );
      });

      it(`holds ${want.pkg} only, at esbuild's version, with the ${want.format} ${want.cpu} binary`, function () {
        const entries = vsix.get(target)!;
        const platformPackages = new Set(
          [...entries.keys()]
            .map((n) => /^extension\/node_modules\/(@esbuild\/[^/]+)\//.exec(n)?.[1])
            .filter((p): p is string => p !== undefined),
        );
        assert.deepEqual([...platformPackages], [want.pkg]);
        const pkg = JSON.parse(entries.get(`extension/node_modules/${want.pkg}/package.json`)!.data.toString('utf8'));
        // esbuild's JavaScript refuses a binary of another version.
        assert.equal(pkg.version, esbuildVersion);
        const binary = entries.get(`extension/node_modules/${want.pkg}/${want.binary}`);
        assert.ok(binary, `${want.binary} is in ${want.pkg}`);
        assert.deepEqual(binaryKind(binary.data), { format: want.format, cpu: want.cpu });
        // VS Code keeps the zip's mode bits when it unpacks: without x the binary cannot start.
        if (want.format !== 'pe') assert.equal(binary.mode & 0o111, 0o111, `mode ${binary.mode.toString(8)}`);
      });

      it('has the bundles and runtime packages, and no source maps, screenshots, sources or dev packages', function () {
        const names = [...vsix.get(target)!.keys()];
        for (const needed of [
          'extension/package.json',
          'extension/dist/extension.js',
          'extension/dist/chunk-worker.js',
          'extension/media/report.js',
          'extension/media/icon.png',
          'extension/node_modules/piscina/package.json',
          'extension/node_modules/esbuild/lib/main.js',
        ])
          assert.ok(names.includes(needed), `${needed} is in the .vsix`);
        const unwanted = names.filter(
          (n) =>
            n.endsWith('.map') ||
            /screenshots\//.test(n) ||
            /^extension\/(src|test|out|bench|webview|scripts)\//.test(n) ||
            /node_modules\/(mocha|typescript|playwright-core|@vscode|@duckdb|apache-arrow|hyparquet)/.test(n),
        );
        assert.deepEqual(unwanted, []);
        const manifest = JSON.parse(vsix.get(target)!.get('extension/package.json')!.data.toString('utf8'));
        assert.equal(manifest.main, './dist/extension.js');
        // Every file the manifest points at (activity-bar icon, walkthrough pages) travels with it.
        const c = manifest.contributes;
        const referenced: string[] = [
          ...c.viewsContainers.activitybar.map((v: { icon: string }) => v.icon),
          ...Object.values(c.views as Record<string, { icon?: string }[]>).flatMap((vs) =>
            vs.flatMap((v) => (v.icon ? [v.icon] : [])),
          ),
          ...c.walkthroughs.flatMap((w: { steps: { media: { markdown?: string; image?: string } }[] }) =>
            w.steps.flatMap((st) => [st.media.markdown, st.media.image].filter((m): m is string => !!m)),
          ),
        ];
        assert.ok(referenced.length >= 8, referenced.join(', '));
        for (const file of referenced) assert.ok(names.includes(`extension/${file}`), `${file} is in the .vsix`);
        assert.ok(fs.existsSync(path.join(ROOT, manifest.main)));
        assert.ok(sizes.get(target)! < 15 * 1024 * 1024, `${sizes.get(target)} bytes`);
      });
    });
  }

  it('the linux-x64 .vsix, unpacked, runs a TypeScript processor with its own esbuild', function () {
    if (process.platform !== 'linux' || process.arch !== 'x64') this.skip();
    const dir = tmp.subdir('unpacked');
    for (const [name, entry] of vsix.get('linux-x64')!) {
      const file = path.join(dir, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, entry.data, { mode: entry.mode || 0o644 });
    }
    const data = tmp.write('sales.csv', 'region,amount\nnorth,10\nsouth,20\nnorth,30\n');
    const processor = tmp.write(
      'total.ts',
      'interface Row { amount: string }\nexport const processRow = (row: Row): number => Number(row.amount);\n' +
        'export const combine = (a: number, b: number): number => a + b;\nexport const initial = 0;\n',
    );
    const out = tmp.path('total.json');
    // Outside the repository, so nothing but the unpacked copy's node_modules can resolve esbuild.
    execFileSync(
      process.execPath,
      [path.join(dir, 'extension', 'dist', 'cli.js'), 'run', data, '--processor', processor, '--out', out],
      { cwd: tmp.dir, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } },
    );
    assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')), 60);
  });
});
