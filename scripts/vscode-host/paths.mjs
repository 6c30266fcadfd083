// Where the prepared test host lives: a per-user cache folder OUTSIDE the clone (CI clones afresh
// for every run, so a cache inside the clone would be rebuilt every time).
import os from 'node:os';
import path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';

export function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'chunkscope');
}

/** CHUNKSCOPE_HOST_DIR overrides the whole folder (e.g. a shared, pre-built host). */
export function hostDir() {
  return process.env.CHUNKSCOPE_HOST_DIR || path.join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

/** code-server's entry point inside the prepared host. */
export function entryJs() {
  return path.join(hostDir(), 'package', 'out', 'node', 'entry.js');
}

export const CHROMIUM = process.env.CHUNKSCOPE_CHROMIUM || '/usr/bin/chromium';
