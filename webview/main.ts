// The report app (bundled by esbuild into media/report.js as an IIFE): reads the page data embedded
// in the HTML and starts the page it is for. Runs the same in a VS Code webview and as a standalone
// file; see host.ts for the differences and protocol.ts for the data and the messages.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { assertNever } from './assert';
import { detectHost } from './host';
import type { PageData } from './protocol';
import { startCompare } from './pages/compare';
import { startLive } from './pages/live';
import { startRun } from './pages/run';
import { startSweep } from './pages/sweep';

function readData(): PageData {
  const el = document.getElementById('chunkscope-data');
  if (!el?.textContent) throw new Error('No report data in this page');
  return JSON.parse(el.textContent) as PageData;
}

function start(): void {
  const data = readData();
  switch (data.kind) {
    case 'run':
      return startRun(data, detectHost());
    case 'live':
      return startLive(data, detectHost());
    case 'compare':
      return startCompare(data);
    case 'sweep':
      return startSweep(data, detectHost());
    default:
      return assertNever(data, 'page data kind');
  }
}

try {
  start();
} catch (err) {
  const app = document.getElementById('app');
  if (app) app.textContent = `Could not show the report: ${err instanceof Error ? err.message : String(err)}`;
  throw err;
}
