// CPU profiles from the command line: the profile options of `run` / `profile`, the summary printed
// after a profiled run, and `profile --engine 0x`, which runs the same command under 0x.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { renderStandaloneReport } from '../report-html/page';
import {
  ChunkscopeError,
  formatInt,
  formatLocation,
  functionTimings,
  readThreadProfiles,
  readTimingsFile,
  writeFileAtomic,
  writeTimingsFile,
  type RunOptions,
  type RunReport,
} from '../engine';

export type ProfileEngine = 'inspector' | '0x';

/** What the CLI's flags say about profiling, checked: `chunkscope profile` always profiles. */
export function profileOptions(
  command: string,
  values: { profile?: boolean; 'profile-interval'?: string; 'profile-dir'?: string; engine?: string; timings?: string },
): {
  engine: ProfileEngine;
  options: Pick<RunOptions, 'profile' | 'profileIntervalUs' | 'profileDir' | 'timings' | 'cwd'>;
} {
  const engine = values.engine ?? 'inspector';
  if (engine !== 'inspector' && engine !== '0x')
    throw new ChunkscopeError('usage', `--engine must be inspector or 0x, got "${engine}"`);
  if (values.engine !== undefined && command !== 'profile')
    throw new ChunkscopeError('usage', '--engine belongs to "chunkscope profile"');
  const profile = command === 'profile' || values.profile === true;
  const interval = values['profile-interval'];
  const profileIntervalUs = interval === undefined ? undefined : Number(interval);
  if (interval !== undefined && !Number.isInteger(profileIntervalUs))
    throw new ChunkscopeError('usage', `--profile-interval needs a whole number of microseconds, got "${interval}"`);
  if (!profile && (interval !== undefined || values['profile-dir'] !== undefined)) {
    throw new ChunkscopeError(
      'usage',
      '--profile-interval and --profile-dir need --profile (or the "profile" command)',
    );
  }
  if (engine === '0x' && interval !== undefined) {
    throw new ChunkscopeError(
      'usage',
      "--profile-interval is for the inspector engine: --engine 0x samples with V8's own --prof",
    );
  }
  // Without --profile-dir the engine puts them beside --timings or --out, else in this folder
  // (defaultProfileDir): it needs to know both.
  const options = {
    profile,
    profileIntervalUs,
    profileDir: values['profile-dir'],
    timings: values.timings,
    cwd: process.cwd(),
  };
  return { engine, options: profile && engine === 'inspector' ? options : {} };
}

const TOP_FUNCTIONS = 5;

/** The lines printed after a profiled run: where the profiles are and the top self-time functions. */
export function formatProfileSummary(report: RunReport): string {
  const profiles = report.profiles ?? [];
  if (profiles.length === 0) return '';
  const lines = ['cpu profiles (open in VS Code, Chrome DevTools or speedscope)'];
  for (const p of profiles)
    lines.push(`  ${p.label.padEnd(12)} ${p.file} (${formatInt(p.samples)} samples every ${p.samplingIntervalUs} µs)`);
  const top = functionTimings(readThreadProfiles(profiles), report.chunks)
    .filter((f) => f.functionName !== '(garbage collector)' || f.selfMs > 0)
    .slice(0, TOP_FUNCTIONS);
  if (top.length > 0) {
    const total = top.reduce((ms, f) => ms + f.selfMs, 0);
    lines.push(`top ${top.length} functions by self time (all threads; ${total.toFixed(0)} ms shown)`);
    for (const f of top) {
      const worst =
        f.worstChunk !== undefined
          ? `, worst chunk ${f.worstChunk} ${f.worstChunkSelfMs.toFixed(1)} ms (median ${f.medianChunkSelfMs.toFixed(1)} ms)`
          : '';
      lines.push(`  ${f.selfMs.toFixed(1).padStart(9)} ms  ${f.functionName}  ${formatLocation(f)}${worst}`);
    }
  }
  return lines.join('\n');
}

/** 0x's programmatic API (index.js), loaded only when asked for. */
type ZeroEks = (args: Record<string, unknown>) => Promise<string | null>;

function load0x(): ZeroEks {
  // From Chunkscope's own install first (a devDependency), then from the current project.
  for (const from of [__filename, path.join(process.cwd(), 'package.json')]) {
    try {
      return createRequire(from)('0x') as ZeroEks;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    }
  }
  throw new ChunkscopeError(
    'usage',
    '--engine 0x needs the 0x package, which is not installed: run "npm install --save-dev 0x" (or use the default --engine inspector)',
  );
}

const ISOLATE_LOG = /^isolate-((?:0x)?[0-9A-Fa-f]+)-(\d+)-(\d+)-v8\.log$/;

export interface ZeroXResult {
  /** The flame graph 0x rendered itself: the process's main isolate. */
  main: string;
  /** One flame graph per other isolate (each worker thread has its own V8 isolate and --prof log). */
  isolates: { label: string; html: string }[];
  exitCode: number;
}

function htmlPath(url: string | null): string {
  if (!url) throw new ChunkscopeError('io', '0x did not write a flame graph');
  return url.startsWith('file://') ? url.slice('file://'.length) : url;
}

/**
 * Runs `chunkscope run …` under 0x (V8's --prof sampler: JavaScript, V8 and native frames, the
 * whole process). 0x renders one isolate's log, the main thread's; worker threads write logs of
 * their own that it leaves behind, so each is rendered here through 0x's visualize-only mode.
 */
export async function profileWith0x(cliEntry: string, runArgs: string[], outDir: string): Promise<ZeroXResult> {
  const zeroEks = load0x();
  mkdirSync(outDir, { recursive: true });
  const workingDir = path.resolve(outDir);
  const before = new Set(readdirSync(workingDir));
  let exitCode = 0;
  const main = htmlPath(
    await zeroEks({
      argv: [cliEntry, 'run', ...runArgs],
      workingDir,
      title: `chunkscope run ${runArgs.join(' ')} (main thread)`,
      onProcessExit: (code: number) => (exitCode = code ?? 0),
    }),
  );
  const isolates: ZeroXResult['isolates'] = [];
  const leftovers = readdirSync(workingDir).filter((f) => !before.has(f) && ISOLATE_LOG.test(f));
  let workerNumber = 0;
  for (const log of leftovers) {
    const [, address, pid] = ISOLATE_LOG.exec(log)!;
    const folder = path.join(workingDir, `${pid}.0x`, `isolate-${address}`);
    mkdirSync(folder, { recursive: true });
    renameSync(path.join(workingDir, log), path.join(folder, log));
    // Worker isolates load the chunk worker; esbuild compiles a TypeScript processor on a thread of its own.
    const text = readFileSync(path.join(folder, log), 'utf8');
    const label = text.includes('chunk-worker.js')
      ? `worker isolate ${++workerNumber}`
      : text.includes('esbuild')
        ? 'esbuild thread'
        : `other isolate ${address}`;
    // 0x resolves visualize-only folders against the current directory, so it is the working dir here.
    const html = htmlPath(
      await zeroEks({
        visualizeOnly: folder,
        workingDir: process.cwd(),
        title: `chunkscope run (${label})`,
        name: 'flamegraph',
      }),
    );
    isolates.push({ label, html: path.resolve(html) });
  }
  return { main, isolates, exitCode };
}

/** The text printed after `profile --engine 0x`. */
export function format0xSummary(result: ZeroXResult): string {
  const lines = [
    '0x flame graphs (whole process, V8 and native frames; open in a browser)',
    `  ${'main thread'.padEnd(18)} ${result.main}`,
  ];
  for (const i of result.isolates) lines.push(`  ${i.label.padEnd(18)} ${i.html}`);
  if (!existsSync(result.main)) lines.push(`  (0x reported ${result.main} but it is missing)`);
  return lines.join('\n');
}

/** The `run` arguments for the child 0x starts: the command line without `profile` and the 0x-only flags. */
export function runArgsFor0x(argv: string[]): string[] {
  const args: string[] = [];
  let droppedCommand = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!droppedCommand && arg === 'profile') {
      droppedCommand = true;
      continue;
    }
    if (arg === '--engine' || arg === '--profile-dir') {
      i++;
      continue;
    }
    if (arg.startsWith('--engine=') || arg.startsWith('--profile-dir=') || arg === '--profile') continue;
    args.push(arg);
  }
  return args;
}

/**
 * `chunkscope profile DATA … --engine 0x`: prints the flame graphs' paths; the exit code is the
 * run's. The run's --timings (and --report) then link them: 0x finishes after the run wrote its files.
 */
export async function run0xCommand(
  argv: string[],
  outDir: string | undefined,
  files: { timings?: string; report?: string } = {},
): Promise<number> {
  const result = await profileWith0x(process.argv[1], runArgsFor0x(argv), outDir ?? process.cwd());
  process.stdout.write(format0xSummary(result) + '\n');
  if (result.exitCode === 0 && files.timings && existsSync(files.timings))
    linkFlameGraphs(result, files.timings, files.report);
  return result.exitCode === 0 ? 0 : 1;
}

function linkFlameGraphs(result: ZeroXResult, timings: string, report: string | undefined): void {
  const run = readTimingsFile(timings);
  run.wholeProcessFlameGraphs = [{ label: 'main thread', html: result.main }, ...result.isolates].filter((g) =>
    existsSync(g.html),
  );
  writeTimingsFile(timings, run);
  if (report)
    writeFileAtomic(report, renderStandaloneReport(run, { source: path.basename(timings), timingsFile: timings }));
  process.stdout.write(`The run's timings${report ? ' and report' : ''} link these flame graphs.\n`);
}
