// Runs one child process and measures it from the outside: wall time, exit code, output, and its
// peak RSS through GNU time (`/usr/bin/time -v`) when the machine has it. Every child the bench
// starts also reports its own peak RSS, which is the fallback when GNU time is missing.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);

/**
 * Run `cmd args` and resolve to { code, stdout, stderr, outerMs, peakRssBytes? }.
 * peakRssBytes is GNU time's "Maximum resident set size": the largest single process of the tree.
 */
export function measure(cmd, args, { cwd } = {}) {
  const dir = hasGnuTime ? mkdtempSync(path.join(os.tmpdir(), 'chunkscope-measure-')) : undefined;
  const timeFile = dir && path.join(dir, 'time.txt');
  const [bin, argv] = hasGnuTime ? [GNU_TIME, ['-v', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const outerMs = performance.now() - started;
      let peakRssBytes;
      if (timeFile && existsSync(timeFile)) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'));
        if (m) peakRssBytes = Number(m[1]) * 1024;
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
      resolve({
        code: code ?? (signal ? 128 : 1), signal,
        stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
        outerMs, peakRssBytes,
      });
    });
  });
}

/** The last line of stdout that parses as a JSON object (children print their report last). */
export function lastJson(stdout) {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try { return JSON.parse(t); } catch { /* not this line */ }
  }
  // The CLI may pretty-print its --json document over several lines.
  try { return JSON.parse(stdout); } catch { return undefined; }
}
