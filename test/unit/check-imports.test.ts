// scripts/check-imports.mjs: the import rules, cycles and the strict known-debt list, on small trees
// in a temp dir (spawned with --root and --debt, as `npm test` runs it), and on the repository.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root (this file compiles to out/test/unit). */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'check-imports.mjs');

interface Debt {
  imports?: { from: string; to: string; reason: string }[];
  cycles?: { cycle: string[]; reason: string }[];
}

/** A tree that follows every rule: engine layers, a face, the webview and bench. */
const CLEAN: Record<string, string> = {
  'src/engine/model/run.ts': 'export interface RunReport { rows: number }\n',
  'src/engine/base/errors.ts':
    "import type { RunReport } from '../model/run';\nexport class ChunkscopeError extends Error {}\nexport type R = RunReport;\n",
  'src/engine/options.ts':
    "import os from 'node:os';\nimport { ChunkscopeError } from './base/errors';\nexport const DEFAULTS = { os, ChunkscopeError };\n",
  'src/engine/parse/csv-scan.ts': "import { DEFAULTS } from '../options';\nexport const scan = () => DEFAULTS;\n",
  'src/engine/report/trace.ts':
    "import type { RunReport } from '../model/run';\nexport const trace = (r: RunReport) => r.rows;\n",
  'src/engine/index.ts':
    "export * from './model/run';\nexport { trace } from './report/trace';\nexport { scan } from './parse/csv-scan';\n",
  'src/cli/main.ts': [
    '// A comment that says import x from "../engine/base/errors" is not an import.',
    "import { trace } from '../engine';",
    'const text = \'require("../engine/parse/csv-scan")\';',
    "const tpl = `import('../engine/options')`;",
    'export { trace, text, tpl };',
    '',
  ].join('\n'),
  'webview/main.ts':
    "import type { RunReport } from '../src/engine/model/run';\nimport { trace } from '../src/engine/report/trace';\nexport const show = (r: RunReport) => trace(r);\n",
  'bench/run.mjs':
    "import path from 'node:path';\nconst root = '.';\nconst { trace } = require(path.join(root, 'dist/engine.js'));\nexport { trace };\n",
};

describe('check-imports (scripts/check-imports.mjs)', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Writes the clean tree with `changes` (null deletes a file) and runs the checker over it. */
  function check(changes: Record<string, string | null> = {}, debt: Debt = {}): { code: number | null; out: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chunkscope-imports-'));
    dirs.push(dir);
    for (const [file, text] of Object.entries({ ...CLEAN, ...changes })) {
      if (text === null) continue;
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const debtFile = path.join(dir, 'debt.json');
    fs.writeFileSync(debtFile, JSON.stringify(debt));
    const r = spawnSync(process.execPath, [SCRIPT, '--root', dir, '--debt', debtFile], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (r.error) throw r.error;
    return { code: r.status, out: r.stdout + r.stderr };
  }

  function assertFails(result: { code: number | null; out: string }, ...expected: string[]): void {
    assert.equal(result.code, 1, `expected the check to fail:\n${result.out}`);
    for (const text of expected)
      assert.ok(result.out.includes(text), `expected ${JSON.stringify(text)} in:\n${result.out}`);
  }

  it('passes on a tree that follows the rules (comments and strings are not imports)', () => {
    const r = check();
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /check-imports: 9 files, 0 violations, 0 known debt/);
  });

  it('fails on an engine layer importing a layer above it, with file:line and the rule', () => {
    const r = check({
      'src/engine/model/bad.ts':
        "export type X = 1;\nimport { ChunkscopeError } from '../base/errors';\nexport { ChunkscopeError };\n",
    });
    assertFails(
      r,
      'src/engine/model/bad.ts:2 imports src/engine/base/errors.ts: src/engine/model may import only model/',
    );
  });

  it('fails on a face reaching into the engine, vscode in the engine and Node in the webview', () => {
    const r = check({
      'src/cli/deep.ts': "import { scan } from '../engine/parse/csv-scan';\nexport { scan };\n",
      'src/engine/parse/host.ts': "import * as vscode from 'vscode';\nexport { vscode };\n",
      'webview/disk.ts':
        "import { readFileSync } from 'node:fs';\nimport { scan } from '../src/engine/parse/csv-scan';\nexport { readFileSync, scan };\n",
    });
    assertFails(
      r,
      'src/cli/deep.ts:1 imports src/engine/parse/csv-scan.ts: src/cli imports the engine only through src/engine/index.ts',
      'src/engine/parse/host.ts:1 imports vscode: src/engine must not import vscode',
      'webview/disk.ts:1 imports node:fs: webview must not import Node built-ins',
      'webview/disk.ts:2 imports src/engine/parse/csv-scan.ts: webview may import only browser-safe engine files',
    );
  });

  it('keeps the cluster face (bullmq, ioredis) out of the engine, and loaded by faces only with import()', () => {
    const cluster = {
      'src/cluster/index.ts':
        "import { Queue } from 'bullmq';\nimport { trace } from '../engine';\nexport { Queue, trace };\n",
      'src/cli/lazy.ts': "export const load = () => import('../cluster');\n",
    };
    const ok = check(cluster);
    assert.equal(ok.code, 0, ok.out);
    const r = check({
      ...cluster,
      'src/cli/eager.ts': "import { Queue } from '../cluster';\nexport { Queue };\n",
      'src/cli/redis.ts': "import IORedis from 'ioredis';\nexport { IORedis };\n",
      'src/engine/parse/queue.ts': "import { Queue } from 'bullmq';\nexport { Queue };\n",
      'src/engine/parse/reach.ts': "export const c = () => import('../../cluster');\n",
    });
    assertFails(
      r,
      'src/cli/eager.ts:1 imports src/cluster/index.ts: src/cluster/index.ts may be loaded only lazily, with import()',
      'src/cli/redis.ts:1 imports ioredis: src/cli must not import ioredis',
      'src/engine/parse/queue.ts:1 imports bullmq: src/engine must not import bullmq',
      'src/engine/parse/reach.ts:1 imports src/cluster/index.ts: engine files import only engine files',
    );
  });

  it('fails when a browser-safe engine file imports Node, and the webview file importing it too', () => {
    const r = check({
      'src/engine/report/trace.ts':
        "import { writeFileSync } from 'node:fs';\nexport const trace = () => writeFileSync;\n",
    });
    assertFails(
      r,
      'webview/main.ts:2 imports src/engine/report/trace.ts: webview may import only browser-safe engine files: src/engine/report/trace.ts imports node:fs',
    );
  });

  it('fails when a file of the required browser-safe set (model, base, …) imports Node or a Node-only file', () => {
    const r = check({
      'src/engine/model/disk.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
      'src/engine/base/atomic-file.ts': 'export const writeFileAtomic = 1;\n',
      'src/engine/base/stats.ts':
        "import { writeFileAtomic } from './atomic-file';\nexport const median = writeFileAtomic;\n",
    });
    assertFails(
      r,
      'src/engine/model/disk.ts:1 imports node:fs: files in the browser-safe set stay browser-safe: no node:fs',
      'src/engine/base/stats.ts:1 imports src/engine/base/atomic-file.ts: files in the browser-safe set stay browser-safe: src/engine/base/atomic-file.ts not in the browser-safe set',
    );
  });

  it('allows webview/protocol.ts to Node code with `import type` only', () => {
    const protocol = {
      'webview/protocol.ts': 'export interface ToWebview { type: string }\nexport const VERSION = 1;\n',
    };
    assert.equal(
      check({
        ...protocol,
        'src/cli/page.ts': "import type { ToWebview } from '../../webview/protocol';\nexport type T = ToWebview;\n",
      }).code,
      0,
    );
    assertFails(
      check({
        ...protocol,
        'src/cli/page.ts': "import { VERSION } from '../../webview/protocol';\nexport { VERSION };\n",
      }),
      'src/cli/page.ts:1 imports webview/protocol.ts: webview/protocol.ts may be imported only with `import type`',
    );
  });

  it('fails on an import cycle, type-only included, printed as a chain of files', () => {
    const r = check({
      'src/engine/parse/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'src/engine/parse/b.ts': "export const b = 1;\nimport type { C } from './c';\nexport type B = C;\n",
      'src/engine/parse/c.ts': "export type C = import('./a').A;\n",
    });
    assertFails(
      r,
      'src/engine/parse/a.ts:1 imports src/engine/parse/b.ts: import cycle src/engine/parse/a.ts:1 → src/engine/parse/b.ts:2 → src/engine/parse/c.ts:1 → src/engine/parse/a.ts',
    );
  });

  it('known debt silences exactly the listed import and cycle', () => {
    const changes = {
      'src/cli/deep.ts': "import { scan } from '../engine/parse/csv-scan';\nexport { scan };\n",
      'src/engine/parse/a.ts': "import { b } from './b';\nexport const a = 1;\n",
      'src/engine/parse/b.ts': "import { a } from './a';\nexport const b = a;\n",
    };
    const debt: Debt = {
      imports: [{ from: 'src/cli/deep.ts', to: 'src/engine/parse/csv-scan.ts', reason: 'a test' }],
      cycles: [{ cycle: ['src/engine/parse/b.ts', 'src/engine/parse/a.ts'], reason: 'a test' }],
    };
    const r = check(changes, debt);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /0 violations, 2 known debt/);
  });

  it('fails on a stale exception: listed debt that no longer occurs', () => {
    const r = check(
      {},
      {
        imports: [{ from: 'src/cli/main.ts', to: 'src/engine/parse/csv-scan.ts', reason: 'fixed already' }],
        cycles: [{ cycle: ['src/engine/parse/a.ts', 'src/engine/parse/b.ts'], reason: 'gone' }],
      },
    );
    assertFails(
      r,
      'stale exception: src/cli/main.ts → src/engine/parse/csv-scan.ts is listed as known debt (fixed already) but no longer occurs',
      'stale exception: cycle src/engine/parse/a.ts → src/engine/parse/b.ts is listed as known debt (gone)',
    );
  });

  it('fails on a file in no zone and on an import it cannot resolve', () => {
    const r = check({
      'src/misc.ts': 'export const x = 1;\n',
      'src/cli/missing.ts': "import { y } from './nowhere';\nexport { y };\n",
    });
    assertFails(
      r,
      'src/misc.ts:1 is in no zone',
      "src/cli/missing.ts:1 imports src/cli/nowhere: cannot resolve './nowhere'",
    );
  });

  it('passes on the repository, its known debt included', () => {
    const r = spawnSync(process.execPath, [SCRIPT], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
