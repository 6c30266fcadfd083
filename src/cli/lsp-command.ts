// `chunkscope lsp --stdio`: the language server for editors other than VS Code (Neovim, Helix,
// Zed). The server is its own bundle (dist/server.js, with the TypeScript parser) that this process
// loads at run time, so cli.js stays small; it reads its transport from argv (--stdio, --node-ipc,
// --socket=N, --pipe=NAME) and exits when the client sends `exit` or its process dies.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChunkscopeError } from '../engine';

const USAGE = `Usage: chunkscope lsp --stdio

Runs Chunkscope's language server (column completion, diagnostics, quick fixes and hovers in
processor files) over stdin/stdout. Editors start it themselves; see README "Language server".
Also: --node-ipc, --socket=PORT, --pipe=NAME.`;

export function lspCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return Promise.resolve(0);
  }
  if (!argv.some((a) => a === '--stdio' || a === '--node-ipc' || /^--(socket|pipe)=/.test(a)))
    throw new ChunkscopeError('usage', 'lsp needs a transport: --stdio (or --node-ipc, --socket=PORT, --pipe=NAME)');
  // Beside this bundle in dist/ (bin/chunkscope.js loads dist/cli.js).
  const server = path.join(__dirname, 'server.js');
  if (!fs.existsSync(server))
    throw new ChunkscopeError('input', `The language server bundle is missing: ${server} (run npm run build)`);
  // A run-time load of the other bundle, not an import: the path is not known to the bundler.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(server);
  // The server owns the process from here: it calls process.exit on `exit`.
  return new Promise<number>(() => undefined);
}
