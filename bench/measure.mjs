// Runs one child process and measures it from the outside: wall time, exit code, output, and its
// peak RSS through GNU time (`/usr/bin/time -v`) when the machine has it. Every child the bench
// starts also reports its own peak RSS, which is the fallback when GNU time is missing.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);

// Children run in their own process groups (see below), so a Ctrl-C on the bench would not reach
// them: pass it on.
const running = new Set();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const pid of running)
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    process.exit(130);
  });
}

/**
 * Run `cmd args` and resolve to { code, stdout, stderr, outerMs, peakRssBytes?, timedOut }.
 * peakRssBytes is GNU time's "Maximum resident set size": the largest single process of the tree.
 * After timeoutMs the child's whole process group is killed, so a hung run fails instead of
 * stalling the bench.
 */
export function measure(cmd, args, { cwd, timeoutMs = 0 } = {}) {
  const dir = hasGnuTime ? mkdtempSync(path.join(os.tmpdir(), 'chunkscope-measure-')) : undefined;
  const timeFile = dir && path.join(dir, 'time.txt');
  const [bin, argv] = hasGnuTime ? [GNU_TIME, ['-v', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // detached: the child leads its own process group, which a timeout can kill as a whole.
    const child = spawn(bin, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child.pid);
    let timedOut = false;
    const timer =
      timeoutMs > 0 &&
      setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, timeoutMs);
    const out = [];
    const err = [];
    child.stdout.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      running.delete(child.pid);
      const outerMs = performance.now() - started;
      let peakRssBytes;
      if (timeFile && existsSync(timeFile)) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'));
        if (m) peakRssBytes = Number(m[1]) * 1024;
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
      resolve({
        code: code ?? (signal ? 128 : 1),
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        outerMs,
        peakRssBytes,
        timedOut,
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
    try {
      return JSON.parse(t);
    } catch {
      /* not this line */
    }
  }
  // The CLI may pretty-print its --json document over several lines.
  try {
    return JSON.parse(stdout);
  } catch {
    return undefined;
  }
}
