// "Chunkscope: Sweep Chunk Sizes" and "Chunkscope: Tune": measure throughput over chunk sizes and
// worker counts (the full grid, or the tuner's guided search) under a cancellable progress
// notification; the sweep panel's chart fills in as points complete. "Apply" writes the chosen
// settings to the workspace; "Run with these settings" starts a run with them.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  describeSetting,
  formatInt,
  runSweep,
  tune,
  tuneAsSweepReport,
  writeSweepFile,
  type SweepPointSpec,
  type SweepReport,
  type TuneResult,
} from '../engine';
import { chooseInputs } from './choose-inputs';
import { readSettings, readSweepSettings, workspaceFolderFor } from './config';
import { settingEditsFor } from './logic/apply-settings';
import { markStepDone, WALKTHROUGH_CONTEXT } from './walkthrough';
import { computeOutputPaths, stemOf } from './logic/output-paths';
import { classifyRunError } from './logic/run-errors';
import { settingsToRunOptions } from './logic/settings';
import { extensionUri } from './report';
import type { RunCommand } from './run-command';
import { SweepPanel } from './sweep-panel';
import { ensureTrusted } from './trust';
import type { Ui } from './ui';

export class SweepCommand implements vscode.Disposable {
  /** One measurement at a time: two would share the cores and skew each other. */
  private running: AbortController | undefined;

  constructor(
    private readonly ui: Ui,
    private readonly state: vscode.Memento,
    private readonly runner: RunCommand,
  ) {}

  async sweep(processorArg?: vscode.Uri): Promise<SweepReport | undefined> {
    const start = await this.begin(processorArg, 'Choose a dataset to sweep chunk sizes on');
    if (!start) return undefined;
    const { dataset, processor, folder, controller } = start;
    const file = path.join(folder, `${stemOf(dataset.fsPath)}.${stemOf(processor.fsPath)}.sweep.json`);
    const panel = SweepPanel.open(
      extensionUri(),
      { data: dataset.fsPath, processor: processor.fsPath, totalPoints: 0 },
      this.panelActions(dataset, processor, controller),
    );
    try {
      const report = await this.withProgress(
        `Chunkscope: sweeping ${path.basename(processor.fsPath)} on ${path.basename(dataset.fsPath)}`,
        controller,
        (progress) =>
          runSweep(
            { data: dataset.fsPath, processor: processor.fsPath, tempDir: folder, ...readSweepSettings(dataset) },
            {
              signal: controller.signal,
              onPoint: (_point, soFar) => panel.progress(soFar),
              onProgress: (done, total) => progress(done, total, `${done} of ${total} runs`),
            },
          ),
      );
      panel.done(report);
      writeSweepFile(file, report);
      this.ui.log(`Sweep saved: ${file}`);
      for (const line of report.explanation) this.ui.log(`  ${line}`);
      // One recommendation per worker count: offer the fastest of them (the measured best without any).
      const best = report.recommendations.length
        ? report.recommendations.reduce((a, b) => (b.rowsPerSecond > a.rowsPerSecond ? b : a))
        : report.best;
      if (best)
        this.offer(
          `Chunkscope: sweep ${report.stopped ? `${report.stopped === 'cancelled' ? 'stopped' : 'hit its budget'} — ` : ''}best ${describeSetting(best)} (${formatInt(best.rowsPerSecond)} rows/s).`,
          best,
          dataset,
          processor,
        );
      return report;
    } catch (err) {
      const message = this.reportFailure(err, processor.fsPath, controller.signal.aborted, 'Sweep');
      panel.failed(message);
      return undefined;
    } finally {
      this.running = undefined;
    }
  }

  async tune(processorArg?: vscode.Uri): Promise<TuneResult | undefined> {
    const start = await this.begin(processorArg, 'Choose a dataset to tune on');
    if (!start) return undefined;
    const { dataset, processor, folder, controller } = start;
    const startedAt = Date.now();
    try {
      const result = await this.withProgress(
        `Chunkscope: tuning ${path.basename(processor.fsPath)} on ${path.basename(dataset.fsPath)}`,
        controller,
        (progress) =>
          tune(
            {
              data: dataset.fsPath,
              processor: processor.fsPath,
              tempDir: folder,
              budgetSeconds: readSweepSettings(dataset).budgetSeconds,
            },
            { signal: controller.signal, onStep: (message) => progress(undefined, undefined, message) },
          ),
      );
      this.ui.log(`Tune: ${result.explanation}`);
      // What the tuner measured, on the sweep page: its line, the model's curve, the slider.
      const panel = SweepPanel.open(
        extensionUri(),
        { data: dataset.fsPath, processor: processor.fsPath, totalPoints: result.points.length },
        this.panelActions(dataset, processor, controller),
        'Tune',
      );
      panel.done(tuneAsSweepReport(result, startedAt));
      this.offer(
        `Chunkscope: tuned — ${describeSetting(result.recommendation)} (${formatInt(result.recommendation.rowsPerSecond)} rows/s). ${result.explanation}`,
        result.recommendation,
        dataset,
        processor,
      );
      return result;
    } catch (err) {
      this.reportFailure(err, processor.fsPath, controller.signal.aborted, 'Tune');
      return undefined;
    } finally {
      this.running = undefined;
    }
  }

  /** Writes the chosen settings to the workspace settings of the dataset's folder. */
  async apply(settings: SweepPointSpec, dataset: vscode.Uri): Promise<void> {
    const config = vscode.workspace.getConfiguration('chunkscope', dataset);
    // A multi-root workspace keeps per-folder settings; a single folder's are the workspace's.
    const target =
      (vscode.workspace.workspaceFolders?.length ?? 0) > 1
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : vscode.ConfigurationTarget.Workspace;
    for (const edit of settingEditsFor(settings)) await config.update(edit.key, edit.value, target);
    this.ui.log(`Applied to the workspace settings: ${describeSetting(settings)}`);
    markStepDone(WALKTHROUGH_CONTEXT.settingsApplied);
    void vscode.window.setStatusBarMessage(`Chunkscope: applied ${describeSetting(settings)}`, 5000);
  }

  dispose(): void {
    this.running?.abort();
  }

  private async begin(processorArg: vscode.Uri | undefined, title: string) {
    if (this.running || this.runner.isRunning) {
      void vscode.window.showInformationMessage('Chunkscope: a run or sweep is already in progress.');
      return undefined;
    }
    if (!(await ensureTrusted())) return undefined;
    const inputs = await chooseInputs(
      this.state,
      { processor: processorArg instanceof vscode.Uri ? processorArg : undefined },
      title,
    );
    if (!inputs) return undefined;
    const mapped = settingsToRunOptions(readSettings(inputs.dataset), {
      data: inputs.dataset.fsPath,
      processor: inputs.processor.fsPath,
      out: '',
    });
    const folder = computeOutputPaths(
      inputs.dataset.fsPath,
      inputs.processor.fsPath,
      mapped.outputFolder,
      workspaceFolderFor(inputs.dataset)?.uri.fsPath,
    ).folder;
    await fs.mkdir(folder, { recursive: true });
    const controller = new AbortController();
    this.running = controller;
    return { ...inputs, folder, controller };
  }

  private panelActions(dataset: vscode.Uri, processor: vscode.Uri, controller: AbortController) {
    return {
      cancel: () => controller.abort(),
      apply: (s: SweepPointSpec) => void this.apply(s, dataset).catch((err: unknown) => this.showError(err)),
      runWith: (s: SweepPointSpec) => void this.runner.run(dataset, { processor, settings: s }),
    };
  }

  private withProgress<T>(
    title: string,
    controller: AbortController,
    work: (report: (done: number | undefined, total: number | undefined, message: string) => void) => Promise<T>,
  ): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          let reported = 0;
          return work((done, total, message) => {
            const percent = done !== undefined && total ? (100 * done) / total : reported;
            progress.report({ increment: Math.max(0, percent - reported), message });
            reported = Math.max(reported, percent);
          });
        },
      ),
    );
  }

  private offer(message: string, settings: SweepPointSpec, dataset: vscode.Uri, processor: vscode.Uri): void {
    const apply = 'Apply';
    const run = 'Run with these settings';
    void vscode.window.showInformationMessage(message, apply, run).then(async (choice) => {
      try {
        if (choice === apply) await this.apply(settings, dataset);
        else if (choice === run) await this.runner.run(dataset, { processor, settings });
      } catch (err) {
        this.showError(err);
      }
    });
  }

  private reportFailure(err: unknown, processorPath: string, aborted: boolean, what: string): string {
    const failure = classifyRunError(err, processorPath, aborted);
    if (failure.kind === 'cancelled') {
      void vscode.window.showInformationMessage(`${what} cancelled.`);
      return `${what} cancelled.`;
    }
    this.ui.log(`${what} failed: ${failure.message}`);
    void vscode.window.showErrorMessage(`Chunkscope: ${what.toLowerCase()} failed: ${failure.message}`);
    return `${what} failed: ${failure.message}`;
  }

  private showError(err: unknown): void {
    void vscode.window.showErrorMessage(`Chunkscope: ${err instanceof Error ? err.message : String(err)}`);
  }
}
