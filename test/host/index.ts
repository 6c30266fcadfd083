// The extension-host suite's entry point (`--extensionTestsPath=out/test/host/index`): VS Code calls
// `run()` inside the extension host, with the real `vscode` API. Desktop VS Code (runTests,
// "Extension Tests" in launch.json) exits with the rejection/resolution of run(); code-server's web
// workbench does not exit by itself, so when CHUNKSCOPE_HOST_RESULT is set (by
// scripts/vscode-host/code-server-launcher.mjs) the counts are also written there, and the mocha
// output is mirrored to CHUNKSCOPE_HOST_LOG for the launcher to print.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha = require('mocha');

interface HostResult {
  passed: number;
  failed: number;
  pending: number;
  error?: string;
}

function writeResult(result: HostResult): void {
  const file = process.env.CHUNKSCOPE_HOST_RESULT;
  if (!file) return;
  // Written whole and renamed, so the launcher never reads half a file.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(result));
  fs.renameSync(`${file}.tmp`, file);
}

export async function run(): Promise<void> {
  const logFile = process.env.CHUNKSCOPE_HOST_LOG;
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const original = base.consoleLog;
  if (logFile) {
    base.consoleLog = (...args: unknown[]) => {
      fs.appendFileSync(logFile, `${format(...args)}\n`);
      original(...args);
    };
  }
  const result: HostResult = { passed: 0, failed: 0, pending: 0 };
  try {
    const mocha = new Mocha({
      ui: 'bdd',
      timeout: 90_000,
      reporter: 'spec',
      color: false,
      grep: process.env.CHUNKSCOPE_TEST_GREP,
    });
    for (const f of fs
      .readdirSync(__dirname)
      .filter((n) => n.endsWith('.test.js'))
      .sort())
      mocha.addFile(path.join(__dirname, f));
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on('pass', () => result.passed++);
      runner.on('fail', () => result.failed++);
      runner.on('pending', () => result.pending++);
    });
  } catch (err) {
    result.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  } finally {
    base.consoleLog = original;
  }
  writeResult(result);
  if (result.error) throw new Error(result.error);
  if (result.failed > 0) throw new Error(`${result.failed} extension-host tests failed.`);
}
