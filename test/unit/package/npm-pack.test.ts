// The npm package as an artifact: `npm pack` the repository, install the tarball into an empty
// folder outside it (dependencies come from npm's cache or the registry), and run the installed
// `npx chunkscope` on a CSV with a JavaScript and a TypeScript processor, with no build step there.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, TempDir } from '../../helpers';

const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', timeout: 240_000, stdio: ['ignore', 'pipe', 'pipe'] });

describe('package: the npm tarball', function () {
  this.timeout(300_000);
  let tmp: TempDir;
  let tarball: string;
  let app: string;
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

  before(function () {
    tmp = new TempDir('chunkscope-npm-pack-');
    assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'cli.js')), 'dist/ is built (npm test builds it first)');
    // --ignore-scripts: prepare would only rebuild the dist/ that npm test has just built.
    const name = npm(['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp.dir], ROOT)
      .trim()
      .split('\n')
      .pop()!;
    tarball = path.join(tmp.dir, name);
    app = tmp.subdir('app');
    fs.writeFileSync(path.join(app, 'package.json'), '{ "name": "app", "version": "1.0.0", "private": true }\n');
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], app);
  });
  after(() => tmp?.dispose());

  it(`is ${manifest.name}-${manifest.version}.tgz with the bundles and without sources, tests or source maps`, function () {
    assert.equal(path.basename(tarball), `${manifest.name}-${manifest.version}.tgz`);
    const names = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    for (const needed of [
      'package/package.json',
      'package/bin/chunkscope.js',
      'package/dist/cli.js',
      'package/dist/chunk-worker.js',
      'package/media/report.js',
      'package/README.md',
      'package/LICENSE',
    ])
      assert.ok(names.includes(needed), `${needed} is in the tarball`);
    const unwanted = names.filter(
      (n) => n.endsWith('.map') || /^package\/(src|test|out|bench|webview|scripts|node_modules)\//.test(n),
    );
    assert.deepEqual(unwanted, []);
    assert.ok(fs.statSync(tarball).size < 10 * 1024 * 1024, `${fs.statSync(tarball).size} bytes`);
  });

  it('needs at run time only packages it lists in dependencies', function () {
    // The bundles keep piscina and esbuild external (scripts/build.mjs); everything else is inside.
    for (const dep of ['piscina', 'esbuild']) assert.ok(manifest.dependencies[dep], `${dep} is a dependency`);
    const installed = path.join(app, 'node_modules', 'chunkscope');
    assert.ok(!fs.lstatSync(installed).isSymbolicLink(), 'a copy from the tarball, not a link to the repository');
    assert.ok(!fs.existsSync(path.join(installed, 'src')));
  });

  it('runs `npx chunkscope run` on a CSV with a JavaScript processor', function () {
    fs.writeFileSync(path.join(app, 'sales.csv'), 'region,amount\nnorth,10\nsouth,20\nnorth,30\n');
    fs.writeFileSync(path.join(app, 'count.js'), 'exports.processRow = (row) => row.region.toUpperCase();\n');
    const out = execFileSync(
      'npx',
      ['--no-install', 'chunkscope', 'run', 'sales.csv', '--processor', 'count.js', '--out', 'r.ndjson'],
      {
        cwd: app,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.match(out, /rows\s+3\b/);
    assert.deepEqual(
      fs
        .readFileSync(path.join(app, 'r.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
      ['NORTH', 'SOUTH', 'NORTH'],
    );
  });

  it('runs a TypeScript processor (the installed esbuild compiles it) and writes the HTML report', function () {
    fs.writeFileSync(
      path.join(app, 'total.ts'),
      'interface Row { amount: string }\nexport const processRow = (row: Row): number => Number(row.amount);\n' +
        'export const combine = (a: number, b: number): number => a + b;\nexport const initial = 0;\n',
    );
    execFileSync(
      'npx',
      [
        '--no-install',
        'chunkscope',
        'run',
        'sales.csv',
        '--processor',
        'total.ts',
        '--out',
        'total.json',
        '--report',
        'run.html',
      ],
      { cwd: app, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(JSON.parse(fs.readFileSync(path.join(app, 'total.json'), 'utf8')), 60);
    // The standalone report inlines media/report.js, found inside the installed package.
    const html = fs.readFileSync(path.join(app, 'run.html'), 'utf8');
    const bundled = fs.readFileSync(path.join(app, 'node_modules', 'chunkscope', 'media', 'report.js'), 'utf8');
    assert.ok(/<script nonce="[^"]+">/.test(html), 'a script element');
    assert.ok(html.includes(bundled.slice(1000, 1400)), 'the installed media/report.js is inlined');
  });
});
