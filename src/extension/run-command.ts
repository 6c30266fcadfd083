// `chunkscope.run` / `chunkscope.runOnFile` / `chunkscope.profile`: trust check → dataset →
// processor → settings → runDataset under a cancellable progress notification → timings file,
// summary and notification. A profiled run also records every thread's CPU profile next to the
// timings and puts its numbers into the editor (line timings, hovers, code lens).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  runDataset,
  writeRunRecord,
  writeTimingsFile,
  type ChunkRecord,
  type ProgressEvent,
  type RunOptions,
  type RunHooks,
  type RunReport,
  type SweepPointSpec,
} from '../engine';
import { readOpenReport, readSettings, workspaceFolderFor } from './config';
import { openDatasetAtLine, openProcessorAt, openResults } from './open-locations';
import { chooseInputs } from './choose-inputs';
import { extensionUri, showReport } from './report';
import { ReportPanel } from './report-panel';
import type { LanguageServer } from './language-client';
import type { LineTimingDecorations } from './line-timing-decorations';
import { ensureTrusted } from './trust';
import type { Ui } from './ui';
import { formatCompact, formatInt } from '../engine';
import { bytePercent } from './logic/progress';
import { computeOutputPaths } from './logic/output-paths';
import { classifyRunError, describeFailure } from './logic/run-errors';
import { settingsToRunOptions } from './logic/settings';
import { notificationText } from './logic/summary';

/** Progress messages are throttled: the engine may report far more often than anyone can read. */
const PROGRESS_INTERVAL_MS = 200;

export interface RunRequest {
  dataset?: vscode.Uri;
  /** Given by the code lens / the profile command's argument: skips the processor pick. */
  processor?: vscode.Uri;
  /** Record CPU profiles of every worker and the main thread. */
  profile?: boolean;
  /** Settings chosen in a sweep ("Run with these settings"): they win over chunkscope.* for this run. */
  settings?: SweepPointSpec;
  /** "Run on Cluster": the chunks go to `chunkscope worker`s through this Redis (chunkscope.cluster.url). */
  cluster?: string;
}

/** How the last run ended, as the user was told (the toast's text). */
export interface RunOutcome {
  kind: 'finished' | 'failed' | 'cancelled';
  dataset: string;
  message: string;
  /** Cluster runs: the nodes (machines) that ran chunks. */
  nodes?: string[];
}

export class RunCommand implements vscode.Disposable {
  /** One run at a time: a run already uses every core, and two would skew each other's timings. */
  private running: AbortController | undefined;
  private outcome: RunOutcome | undefined;
  private readonly ended = new vscode.EventEmitter<RunOutcome>();
  /** Fires when a run has ended (finished, failed or cancelled): the runs view reloads. */
  readonly onDidEnd = this.ended.event;

  get lastOutcome(): RunOutcome | undefined {
    return this.outcome;
  }

  constructor(
    private readonly ui: Ui,
    private readonly state: vscode.Memento,
    private readonly server?: Pick<LanguageServer, 'runRecorded'>,
    private readonly decorations?: LineTimingDecorations,
  ) {}

  async run(explicitDataset?: vscode.Uri, request: RunRequest = {}): Promise<void> {
    if (this.running) {
      void vscode.window.showInformationMessage('Chunkscope: a run is already in progress.');
      return;
    }
    if (!(await ensureTrusted())) return;
    const inputs = await chooseInputs(
      this.state,
      { dataset: explicitDataset ?? request.dataset, processor: request.processor },
      'Choose a dataset to run a processor on',
    );
    if (!inputs) return;
    const { dataset, processor } = inputs;

    const folder = workspaceFolderFor(dataset);
    const mapped = settingsToRunOptions(readSettings(dataset), {
      data: dataset.fsPath,
      processor: processor.fsPath,
      out: '',
    });
    const files = computeOutputPaths(dataset.fsPath, processor.fsPath, mapped.outputFolder, folder?.uri.fsPath);
    const chosen = request.settings;
    const options = {
      ...mapped.options,
      ...(chosen
        ? {
            strategy: chosen.strategy,
            workers: chosen.workers,
            chunkRows: chosen.chunkBytes === undefined ? chosen.chunkRows : undefined,
            chunkBytes: chosen.chunkBytes,
          }
        : {}),
      out: files.results,
      ...(request.profile ? { profile: true, profileDir: files.profiles } : {}),
    };
    for (const w of mapped.warnings) this.ui.log(`Settings: ${w}`);

    const controller = new AbortController();
    this.running = controller;
    let dispatcher: RunHooks['dispatcher'];
    const openReport = readOpenReport(dataset);
    let live: ReportPanel | undefined;
    try {
      await fs.mkdir(files.folder, { recursive: true });
      if (request.cluster) {
        // Loaded only now: bullmq and ioredis stay out of local runs.
        const { clusterDispatcher } = await import('../cluster');
        dispatcher = clusterDispatcher({ url: request.cluster, log: (line) => this.ui.log(line) });
      }
      if (openReport === 'live') {
        try {
          live = ReportPanel.live(
            extensionUri(),
            files.timings,
            {
              processor: processor.fsPath,
              data: dataset.fsPath,
              strategy: options.strategy ?? 'byte-range',
              workers: options.workers ?? 0,
              startedAtEpochMs: Date.now(),
            },
            () => controller.abort(),
          );
        } catch (err) {
          this.ui.log(`Could not open the live report: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      const report = await vscode.window.withProgress<RunReport>(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Chunkscope: ${request.profile ? 'profiling ' : ''}${path.basename(processor.fsPath)} on ${path.basename(dataset.fsPath)}${request.cluster ? ' (cluster)' : ''}`,
          cancellable: true,
        },
        (progress, token) => {
          // Cancel → abort: the engine stops its workers and removes the partial output.
          token.onCancellationRequested(() => controller.abort());
          let reported = 0;
          let lastMessageAt = 0;
          const onProgress = (p: ProgressEvent) => {
            live?.setProgress(p);
            const percent = bytePercent(p.bytes, p.totalBytes);
            const now = Date.now();
            if (now - lastMessageAt < PROGRESS_INTERVAL_MS && percent < 100) return;
            lastMessageAt = now;
            progress.report({
              increment: Math.max(0, percent - reported),
              message: `${formatCompact(p.rowsPerSecond)} rows/s · ${formatInt(p.rows)} rows · ${Math.floor(percent)}%`,
            });
            reported = Math.max(reported, percent);
          };
          // The live panel only collects records here; its timer posts them in batches.
          const onChunk = live ? (record: ChunkRecord) => live!.addRecord(record) : undefined;
          return runDataset(options, { signal: controller.signal, onProgress, onChunk, dispatcher });
        },
      );
      await this.finished(report, files, openReport, live, request.profile === true, options);
    } catch (err) {
      const outcome = this.failed(err, processor.fsPath, dataset.fsPath, controller.signal.aborted);
      this.outcome = { ...outcome, dataset: dataset.fsPath };
      live?.endLive(outcome.kind, outcome.message);
    } finally {
      this.running = undefined;
      if (this.outcome) this.ended.fire(this.outcome);
    }
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** On deactivate (window closing, extension host restart) a running pool must not outlive us. */
  dispose(): void {
    this.running?.abort();
    this.ended.dispose();
  }

  private async finished(
    report: RunReport,
    files: { results: string; timings: string },
    openReport: string,
    live: ReportPanel | undefined,
    profiled: boolean,
    options: Pick<RunOptions, 'delimiter' | 'header' | 'rowShape' | 'types'> = {},
  ): Promise<void> {
    let timings: string | undefined = files.timings;
    try {
      writeTimingsFile(files.timings, report);
    } catch (err) {
      timings = undefined;
      this.ui.log(`Could not write the timings file: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      // The record `chunkscope run` writes too, under the processor's workspace folder here (the
      // CLI's root is its project folder); the language server reads both places.
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(report.summary.processor));
      writeRunRecord(report, { timings, options, root: folder?.uri.fsPath });
    } catch (err) {
      this.ui.log(`Could not write the run record: ${err instanceof Error ? err.message : String(err)}`);
    }
    const results = report.summary.out ?? files.results;
    const nodes = report.summary.nodes?.map((n) => n.node);
    this.outcome = {
      kind: 'finished',
      dataset: report.summary.data,
      message: notificationText(report),
      ...(nodes ? { nodes } : {}),
    };
    this.ui.showRun(report, { results, ...(timings ? { timings } : {}) });
    // The language server reads the timings file: the lens's per-row cost, the profiles' line timings.
    if (timings) this.server?.runRecorded(report.summary.processor, timings);
    if (profiled) {
      this.decorations?.show();
      for (const p of report.profiles ?? []) this.ui.log(`CPU profile (${p.label}): ${p.file}`);
    }
    // The live panel becomes the full report; "afterRun" opens it now.
    live?.finish(report);
    // A profile is looked at in the report's flame view, so a profiled run always shows it.
    if ((openReport === 'afterRun' || (profiled && !live)) && timings) void showReport(timings);

    // Not awaited: the command is done; the buttons stay usable while the toast lives.
    const openResultsAction = 'Open Results';
    const showReportAction = 'Show Report';
    const actions = timings ? [openResultsAction, showReportAction] : [openResultsAction];
    void vscode.window.showInformationMessage(notificationText(report), ...actions).then(async (choice) => {
      if (choice === openResultsAction) await openResults(results);
      else if (choice === showReportAction && timings) await showReport(timings);
    });
  }

  /** Reports a failed or cancelled run; returns what the live panel should say. */
  private failed(
    err: unknown,
    processorPath: string,
    datasetPath: string,
    aborted: boolean,
  ): { kind: 'cancelled' | 'failed'; message: string } {
    const failure = classifyRunError(err, processorPath, aborted);
    if (failure.kind === 'cancelled') {
      this.ui.log('Run cancelled; partial output removed.');
      void vscode.window.showInformationMessage('Run cancelled; partial output removed');
      return { kind: 'cancelled', message: 'Run cancelled; partial output removed.' };
    }
    const result = { kind: 'failed' as const, message: `Run failed: ${failure.message}` };
    // Full detail (engine message, worker stack) goes to the output; the toast stays one line.
    this.ui.log(`Run failed: ${failure.message}`);
    const stack = failure.kind === 'located' ? failure.location.stack : undefined;
    if (stack && !failure.message.includes(stack)) this.ui.log(stack);
    this.ui.log('');
    if (failure.kind === 'other') {
      // Compile and load errors of the processor (code 'processor', no row) can still open it at the line.
      const show = 'Show Output';
      const open = 'Open Processor';
      const actions = failure.code === 'processor' ? [open, show] : [show];
      const frame = failure.processorFrame;
      void vscode.window.showErrorMessage(`Chunkscope: ${failure.message}`, ...actions).then(async (c) => {
        if (c === show) this.ui.output.show(true);
        else if (c === open) await openProcessorAt(processorPath, frame?.line, frame?.column).catch(() => undefined);
      });
      return result;
    }

    const openProcessor = 'Open Processor';
    const openDataset = 'Open Dataset at Row';
    const actions: string[] = [];
    if (failure.location.kind === 'processor') actions.push(openProcessor);
    if (failure.location.line !== undefined) actions.push(openDataset);
    const frame = failure.processorFrame;
    void vscode.window
      .showErrorMessage(describeFailure(failure, path.basename(processorPath)), ...actions)
      .then(async (choice) => {
        try {
          if (choice === openProcessor) await openProcessorAt(processorPath, frame?.line, frame?.column);
          else if (choice === openDataset && failure.location.line !== undefined)
            await openDatasetAtLine(datasetPath, failure.location.line);
        } catch (e) {
          void vscode.window.showErrorMessage(`Chunkscope: ${e instanceof Error ? e.message : String(e)}`);
        }
      });
    return result;
  }
}
