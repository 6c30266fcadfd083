// Node side of the report: builds the page's data (the run report plus the engine's diagnosis) and
// renders the whole HTML document, for two homes:
//  - standalone: one self-contained file, the bundled app (media/report.js) and the data inlined,
//    a Content-Security-Policy that allows nothing remote, light and dark fallback colours;
//  - VS Code webview: a strict CSP with a nonce, the app loaded from media/ through asWebviewUri,
//    colours from the theme's variables.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkSweepReport, diagnose, type Finding, type RunReport, type SweepReport } from '../engine';
import type {
  ComparePageData,
  LivePageData,
  PageData,
  ProfileInput,
  RunPageData,
  SweepPageData,
  SweepRunInfo,
} from '../../webview/protocol';
import { readRunProfiles } from './flame-files';
import { STANDALONE_THEME_CSS, REPORT_CSS } from './styles';

/** The engine's plain-words diagnosis; a failure to compute it becomes a finding saying so. */
export function diagnoseReport(report: RunReport): Finding[] | null {
  try {
    return diagnose(report);
  } catch (err) {
    return [
      {
        id: 'diagnosis-failed',
        severity: 'info',
        title: 'The diagnosis could not be computed for this report.',
        detail: err instanceof Error ? err.message : String(err),
        numbers: {},
      },
    ];
  }
}

export interface PageDataOptions {
  source?: string;
  /** The timings file the report was read from: its folder is where moved .cpuprofile files are looked for. */
  timingsFile?: string;
  /** Profiles already in memory; false leaves them out; by default report.profiles' files are read. */
  profiles?: ProfileInput[] | false;
}

export function buildPageData(report: RunReport, opts: PageDataOptions = {}): RunPageData {
  const data: RunPageData = {
    kind: 'run',
    report,
    findings: diagnoseReport(report),
    source: opts.source,
    generatedAt: new Date().toISOString(),
  };
  if (opts.profiles) data.profiles = opts.profiles;
  else if (opts.profiles !== false && report.profiles?.length) {
    const read = readRunProfiles(report, opts.timingsFile);
    data.profiles = read.profiles;
    if (read.problems.length) data.profileProblems = read.problems;
  }
  return data;
}

export function makeNonce(): string {
  return randomBytes(18)
    .toString('base64')
    .replace(/[+/=]/g, (ch) => ({ '+': 'A', '/': 'B', '=': '' })[ch] ?? '');
}

/** JSON that is safe inside a <script type="application/json"> block. */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

export type ReportHost =
  | { kind: 'standalone'; /** The bundled app (media/report.js) as text. */ script: string }
  | {
      kind: 'webview';
      /** webview.asWebviewUri(media/report.js). */ scriptUri: string;
      /** webview.cspSource. */ cspSource: string;
      nonce?: string;
    };

export function renderReportHtml(data: RunPageData | LivePageData | ComparePageData, host: ReportHost): string {
  const on = (about: { processor: string; data: string }) =>
    `${path.basename(about.processor)} on ${path.basename(about.data)}`;
  let title: string;
  switch (data.kind) {
    case 'run':
      title = `Chunkscope report · ${on(data.report.summary)}`;
      break;
    case 'live':
      title = `Chunkscope live run · ${on(data.live)}`;
      break;
    case 'compare':
      title = `Chunkscope comparison · ${data.compare.map((d) => `${d.report.summary.strategy} on ${path.basename(d.report.summary.data)}`).join(' vs ')}`;
      break;
  }
  return renderPageHtml(data, title, host);
}

/** The HTML document around any page data the app reads (run, live run, comparison, sweep). */
export function renderPageHtml(data: PageData, title: string, host: ReportHost): string {
  const nonce = host.kind === 'webview' && host.nonce ? host.nonce : makeNonce();
  const csp =
    host.kind === 'webview'
      ? `default-src 'none'; img-src ${host.cspSource} data: blob:; style-src ${host.cspSource} 'nonce-${nonce}'; font-src ${host.cspSource}; script-src 'nonce-${nonce}';`
      : `default-src 'none'; img-src data: blob:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none';`;
  const script =
    host.kind === 'webview'
      ? `<script nonce="${nonce}" src="${escapeHtml(host.scriptUri)}"></script>`
      : // "</script" cannot appear in the bundle's code except inside strings, where "<\/script" means the same.
        `<script nonce="${nonce}">${host.script.replace(/<\/(script)/gi, '<\\/$1')}</script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${host.kind === 'standalone' ? '<meta name="color-scheme" content="light dark">\n' : ''}<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
${host.kind === 'standalone' ? STANDALONE_THEME_CSS : ''}
${REPORT_CSS}
</style>
</head>
<body class="${host.kind === 'standalone' ? 'standalone' : 'in-vscode'}">
<div id="app" data-host="${host.kind}"><p class="loading">Loading the report…</p></div>
<script type="application/json" id="chunkscope-data">${embedJson(data)}</script>
${script}
</body>
</html>
`;
}

/** media/report.js, found from wherever this code runs (dist/, out/src/…, out/webview/). */
export function findMediaFile(name = 'report.js', from = __dirname): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'media', name);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`media/${name} not found: build the report UI first (node scripts/build.mjs)`);
}

/** The whole self-contained report for a run: what `chunkscope report` and `run --report` write. */
export function renderStandaloneReport(report: RunReport, opts: PageDataOptions = {}): string {
  const script = readFileSync(findMediaFile('report.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  return renderReportHtml(buildPageData(report, opts), { kind: 'standalone', script });
}

/** Two runs in one self-contained file: `chunkscope report a.timings.json b.timings.json -o compare.html`. */
export function renderStandaloneCompare(runs: { report: RunReport; source?: string }[]): string {
  const script = readFileSync(findMediaFile('report.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  // The compare view shows no flame views: leave the (large) profiles out of the file.
  const data: ComparePageData = {
    kind: 'compare',
    compare: runs.map((r) => buildPageData(r.report, { source: r.source, profiles: false })),
    generatedAt: new Date().toISOString(),
  };
  return renderReportHtml(data, { kind: 'standalone', script });
}

export function buildSweepPageData(
  report: SweepReport | null,
  opts: { source?: string; running?: SweepRunInfo } = {},
): SweepPageData {
  if (report) checkSweepReport(report, opts.source ?? 'the sweep report');
  if (!report && !opts.running)
    throw new Error('A sweep page needs a sweep report or, while a sweep runs, what it runs');
  return {
    kind: 'sweep',
    sweep: report,
    running: opts.running,
    source: opts.source,
    generatedAt: new Date().toISOString(),
  };
}

/**
 * The sweep page for either home. In a VS Code webview pass `running` while the sweep goes: the page
 * then takes 'sweep-progress' / 'sweep-done' messages and posts 'sweep-ready', 'cancel-sweep',
 * 'apply-settings' and 'run-with-settings' (see webview/protocol.ts).
 */
export function renderSweepHtml(data: SweepPageData, host: ReportHost): string {
  const about = data.sweep ?? data.running;
  const title = `Chunkscope sweep${data.running ? ' (running)' : ''} · ${about ? `${path.basename(about.processor)} on ${path.basename(about.data)}` : ''}`;
  return renderPageHtml(data, title, host);
}

/** The whole self-contained sweep page: the chart, the slider and the table, offline. */
export function renderStandaloneSweep(report: SweepReport, opts: { source?: string } = {}): string {
  const script = readFileSync(findMediaFile('report.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  return renderSweepHtml(buildSweepPageData(report, { source: opts.source }), { kind: 'standalone', script });
}
