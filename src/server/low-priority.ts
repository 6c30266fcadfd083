// Lowers this process's priority as its first act: imported first by server.ts, so it runs before
// the bundled TypeScript parser loads (ES imports are evaluated in order, and esbuild keeps that
// order), and the server never competes at normal priority with the workers of a measured run.
import * as os from 'node:os';

/** The nice value the language server runs at. */
export const SERVER_NICE = 10;

try {
  os.setPriority(SERVER_NICE);
} catch {
  // not permitted here: run at normal priority
}
