// The packaged artifact, not the source tree: `npm run package -- --target linux-x64` builds this
// platform's .vsix, which is installed into a fresh extensions dir with code-server's
// `--install-extension` and then runs a TypeScript processor (compiled by the esbuild binary inside
// the .vsix) from the command palette on a dataset. test/unit/package/vsix.test.ts checks every
// target's file.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, Workbench, makeWorkspace, removeWorkspace, waitForFile } from './workbench';

const importEsm = new Function('specifier', 'return import(specifier)') as (
  s: string,
) => Promise<{ entryJs(): string }>;

/** Entry names of a zip file (the .vsix), read with Python's zipfile (no extra npm package). */
function zipEntries(file: string): string[] {
  const out = execFileSync(
    'python3',
    ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', file],
    { encoding: 'utf8' },
  );
  return out.split('\n').filter(Boolean);
}

describe('The packaged extension (.vsix)', function () {
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version as string;
  let vsix: string;
  let temp: string;
  let ws: string | undefined;
  let wb: Workbench | undefined;

  before(function () {
    this.timeout(240_000);
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'chunkscope-vsix-'));
    vsix = path.join(temp, `chunkscope-linux-x64-${version}.vsix`);
  });

  after(async function () {
    await wb?.close();
    removeWorkspace(ws);
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
  });

  it('`npm run package` produces the linux-x64 .vsix with the bundles and runtime packages only', function () {
    this.timeout(240_000);
    execFileSync('npm', ['run', 'package', '--silent', '--', '--target', 'linux-x64', '--out', temp], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    assert.ok(fs.existsSync(vsix), `${vsix} written`);
    const entries = zipEntries(vsix);
    for (const needed of [
      'extension/package.json',
      'extension/dist/extension.js',
      'extension/dist/chunk-worker.js',
      'extension/dist/server.js',
      'extension/node_modules/piscina/package.json',
      'extension/node_modules/esbuild/package.json',
      'extension/node_modules/@esbuild/linux-x64/bin/esbuild',
    ]) {
      assert.ok(entries.includes(needed), `${needed} is in the .vsix`);
    }
    const unwanted = entries.filter(
      (e) =>
        /^extension\/(src|test|out|bench)\//.test(e) ||
        /node_modules\/(mocha|typescript|playwright-core|@vscode\/test-electron)\//.test(e),
    );
    assert.deepEqual(unwanted, [], 'no sources, tests or dev dependencies');
    assert.ok(fs.statSync(vsix).size < 30 * 1024 * 1024, `${fs.statSync(vsix).size} bytes`);
  });

  it('installs with --install-extension and runs a TypeScript processor from the command palette', async function () {
    this.timeout(180_000);
    assert.ok(fs.existsSync(vsix), 'the previous test built the .vsix');
    const { entryJs } = await importEsm(path.join(ROOT, 'scripts', 'vscode-host', 'paths.mjs'));
    const extensionsDir = path.join(temp, 'extensions');
    const userDataDir = path.join(temp, 'user-data');
    const log = execFileSync(
      process.execPath,
      [entryJs(), '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix],
      {
        encoding: 'utf8',
        env: { ...process.env, EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: '' }) },
        timeout: 120_000,
      },
    );
    assert.match(log, /successfully installed/i);
    const installed = fs.readdirSync(extensionsDir).find((d) => d.startsWith('chunkscope.chunkscope-'));
    assert.ok(installed, `installed in ${extensionsDir}: ${fs.readdirSync(extensionsDir).join(', ')}`);
    assert.ok(
      !fs.lstatSync(path.join(extensionsDir, installed)).isSymbolicLink(),
      'a real copy, not a link to the sources',
    );

    ws = makeWorkspace('vsix-check', {
      'sales.csv': 'region,amount\nnorth,10\nsouth,20\nnorth,30\n',
      'total.ts':
        'interface Row { amount: string }\n' +
        'export const processRow = (row: Row): number => Number(row.amount);\n' +
        'export const combine = (a: number, b: number): number => a + b;\nexport const initial = 0;\n',
      // Untyped, so completion after `row.` is the language server's (a typed row is TypeScript's).
      'amounts.js': 'exports.processRow = (row) => Number(row.amount);\n',
    });
    wb = await Workbench.open({ folder: ws, extensionsDir, userDataDir });
    await wb.waitForExplorer('sales.csv');
    await wb.openFromExplorer('sales.csv');
    await wb.runCommand('Chunkscope: Run Processor on Current Dataset');
    await wb.pick('total.ts');
    await wb.toast(/Chunkscope: 3 rows in/).waitFor({ state: 'visible' });
    const results = path.join(ws, '.chunkscope', 'sales.total.results.ndjson');
    await waitForFile(results);
    assert.equal(fs.readFileSync(results, 'utf8').trim(), '60');
    // Nothing links this checkout into the host: the extension that ran is the installed copy.
    const timings = JSON.parse(fs.readFileSync(path.join(ws, '.chunkscope', 'sales.total.timings.json'), 'utf8'));
    assert.equal(timings.summary.rows, 3);

    // The packaged language server: completion in amounts.js lists sales.csv's columns (the only
    // dataset in the folder), with the cursor just after `row.` in `Number(row.amount)`.
    await wb.openFromExplorer('amounts.js');
    await wb.goTo(1, 'exports.processRow = (row) => Number(row.'.length + 1);
    await wb.page.keyboard.press('Control+Space');
    const rows = await wb.suggestRows('region');
    // "region" is written nowhere in amounts.js: only the server, reading sales.csv, can offer it.
    assert.ok(
      rows.some((r) => /^region\b/.test(r.trim())),
      rows.join(' | '),
    );
  });
});
