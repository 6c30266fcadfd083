// The format libraries (apache-arrow, hyparquet, its compressors, zstddec) are bundled apart in
// dist/vendor-*.js and loaded only when a Parquet or Arrow file is opened: every worker thread of
// every run and every CLI start would otherwise parse them (scripts/build.mjs says why).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../helpers';

/** The dist/ files a fresh Node process holds at exit, after requiring `bundle` with `argv` (and running `then`). */
function loadedAfter(bundle: string, then = '', argv: string[] = []): string[] {
  const script = `
    process.on('exit', () => {
      const loaded = Object.keys(require.cache).filter((f) => f.includes('dist')).map((f) => require('path').basename(f));
      process.stderr.write('\\nLOADED ' + JSON.stringify(loaded) + '\\n');
    });
    process.argv.splice(2, Infinity, ...${JSON.stringify(argv)});
    require(${JSON.stringify(path.join(ROOT, 'dist', bundle))});
    Promise.resolve(${then || 'undefined'}).catch((e) => { console.error(e); process.exitCode = 1; });`;
  const child = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  const line = child.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  assert.ok(line, `no module list from ${bundle}: exit ${child.status}\n${child.stderr}`);
  return JSON.parse(line.slice('LOADED '.length)) as string[];
}

describe('bundles load the format libraries only when a table file is opened', function () {
  this.timeout(60_000);

  for (const [bundle, argv] of [
    ['chunk-worker.js', []],
    ['cli.js', ['run', '--help']],
    ['engine.js', []],
  ] as const) {
    it(`requiring dist/${bundle} loads no vendor-*.js`, () => {
      const loaded = loadedAfter(bundle, '', [...argv]);
      assert.ok(loaded.includes(bundle), `dist/${bundle} was not loaded: ${loaded.join(', ')}`);
      assert.deepEqual(
        loaded.filter((f) => f.startsWith('vendor-')),
        [],
      );
    });
  }

  it('opening a Parquet file through the engine bundle loads hyparquet from dist/vendor-hyparquet.js', () => {
    const file = path.join(ROOT, 'test/fixtures/formats/trips.parquet');
    const loaded = loadedAfter(
      'engine.js',
      `require(${JSON.stringify(path.join(ROOT, 'dist/engine.js'))}).inspectDataset(${JSON.stringify(file)})`,
    );
    assert.ok(loaded.includes('vendor-hyparquet.js'), loaded.join(', '));
    assert.ok(!loaded.includes('vendor-apache-arrow.js'), loaded.join(', '));
  });
});
