import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DatasetProfile, DriftReport, SchemaViolation } from '../../core/data/model';
import { errorMessage, type Logger } from '../../core/logging';
import { exceedsLimitMB, formatBytes } from '../../core/sizes';
import { getSetting, settingId } from '../../platform/config';
import { Disposable } from '../../platform/disposable';
import { WebviewHost } from '../../platform/webviewHost';
import {
  parseWebviewMessage,
  type DatasetFacts,
  type DatasetVersionInfo,
  type HostToWebview,
  type WebviewToHost,
} from '../../protocol/dataset';

/** A dataset file in a workspace folder. */
export interface DatasetTarget {
  /** Absolute path of the workspace folder. */
  folder: string;
  /** Path of the data file relative to the folder (posix). */
  path: string;
}

export interface ProfileRequest extends DatasetTarget {
  revision: string;
  /** Where profiles are cached by content hash (under the extension's global storage). */
  cacheDir: string;
  signal: AbortSignal;
  /** Reports progress: the share done (0..1) when known, and what is being read. */
  onProgress?(message: string, fraction?: number): void;
}

/** The bytes of a version are not on this machine; `command` fetches them (e.g. `dvc pull data/x.csv.dvc`). */
export interface NotPulled {
  notPulled: { revision: string; command: string };
}

/**
 * Where the panel's figures come from: the data-metrics functions of src/core/data (profiles, versions, drift,
 * schema validation), wired by the extension. The panel computes nothing itself.
 */
export interface DatasetData {
  profile(request: ProfileRequest): Promise<{ profile: DatasetProfile; cached: boolean } | NotPulled>;
  versions(
    target: DatasetTarget,
    signal: AbortSignal,
  ): Promise<{ versions: DatasetVersionInfo[]; facts: DatasetFacts }>;
  drift(
    request: DatasetTarget & { reference: string; current: string; cacheDir: string; signal: AbortSignal },
  ): Promise<{ report: DriftReport; reference: DatasetProfile; current: DatasetProfile } | NotPulled>;
  /** The violations of mlops.yaml's schema for this dataset; undefined when it has no schema. */
  validate(target: DatasetTarget, profile: DatasetProfile, signal: AbortSignal): Promise<SchemaViolation[] | undefined>;
}

export interface DatasetPanelContext {
  extensionUri: vscode.Uri;
  cacheDir: string;
  logger: Logger;
  data: DatasetData;
  /** Runs "Infer Dataset Schema" for the dataset shown. */
  inferSchema(target: DatasetTarget): Thenable<unknown>;
  /** Every message the panel receives or posts (the test hook keeps the last ones). */
  onDidPost?(message: HostToWebview): void;
  onDidReceive?(message: WebviewToHost): void;
}

function isNotPulled(value: object): value is NotPulled {
  return 'notPulled' in value;
}

/**
 * The Dataset panel of one dataset file: profiles a version under cancellable progress (the notification's Cancel
 * and the panel's both abort the core's work), compares two versions, shows schema violations.
 */
export class DatasetPanel extends Disposable {
  private readonly host: WebviewHost<HostToWebview, WebviewToHost>;
  private running: AbortController | undefined;
  private revision = 'workspace';
  private lastCompare: { reference: string; current: string } | undefined;
  private readonly disposeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: DatasetPanelContext,
    private target: DatasetTarget | undefined,
  ) {
    super();
    this.host = this.register(
      new WebviewHost<HostToWebview, WebviewToHost>(panel, {
        bundle: 'dataset',
        title: 'Dataset',
        extensionUri: context.extensionUri,
        styles: ['dataset.css'],
      }),
    );
    this.updateTitle();
    this.register(this.host.onReady(() => void this.onReady()));
    this.register(this.host.onMessage((raw) => void this.onMessage(raw)));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register({ dispose: () => this.running?.abort() });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposeEmitter.fire();
    super.dispose();
  }

  get dataset(): DatasetTarget | undefined {
    return this.target;
  }

  /** Shows another dataset (or the same one again, from its working tree). */
  show(target: DatasetTarget): void {
    this.target = target;
    this.revision = 'workspace';
    this.lastCompare = undefined;
    this.updateTitle();
    this.panel.reveal(undefined, false);
    if (this.host.isReady) void this.load();
  }

  /** Compares two versions (used by commands and tests); resolves when the panel has the report. */
  compare(reference: string, current: string): Promise<void> {
    return this.runCompare(reference, current);
  }

  private updateTitle(): void {
    this.panel.title = this.target ? `Dataset: ${this.target.path.split('/').pop() ?? this.target.path}` : 'Dataset';
  }

  private post(message: HostToWebview): void {
    this.context.onDidPost?.(message);
    this.host.post(message);
  }

  private async onReady(): Promise<void> {
    // A reloaded page has lost everything: show the version it showed, and the comparison if there was one.
    await this.load();
    if (this.lastCompare) await this.runCompare(this.lastCompare.reference, this.lastCompare.current);
  }

  private async onMessage(raw: WebviewToHost): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.context.logger.warn('dataset: ignored a malformed message from the panel');
      return;
    }
    this.context.onDidReceive?.(message);
    switch (message.type) {
      case 'requestProfile':
        this.revision = message.revision;
        await this.load();
        break;
      case 'requestCompare':
        await this.runCompare(message.reference, message.current);
        break;
      case 'cancel':
        this.running?.abort();
        break;
      case 'copyMarkdown':
        await vscode.env.clipboard.writeText(message.markdown);
        void vscode.window.setStatusBarMessage('Copied the dataset profile as Markdown', 3000);
        break;
      case 'inferSchema':
        if (this.target) await this.context.inferSchema(this.target);
        break;
      default:
        break;
    }
  }

  /** Runs `work` under a cancellable notification; a newer request or the panel's Cancel aborts it too. */
  private async withProgress<T>(
    title: string,
    work: (signal: AbortSignal, report: (m: string, f?: number) => void) => Promise<T>,
  ): Promise<T | undefined> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        async (progress, token) => {
          const subscription = token.onCancellationRequested(() => controller.abort());
          let done = 0;
          try {
            return await work(controller.signal, (message, fraction) => {
              let increment: number | undefined;
              if (fraction !== undefined) {
                const percent = Math.max(0, Math.min(100, fraction * 100));
                increment = percent - done;
                done = percent;
              }
              progress.report({ message, increment });
            });
          } finally {
            subscription.dispose();
          }
        },
      );
    } catch (err) {
      if (controller.signal.aborted) return undefined;
      throw err;
    } finally {
      if (this.running === controller) this.running = undefined;
    }
  }

  private async load(): Promise<void> {
    const target = this.target;
    if (!target) {
      this.post({
        type: 'empty',
        title: 'No dataset chosen',
        hint: 'Run "MLOps: Show Dataset Profile" and pick a data file (CSV, TSV, JSON Lines, Parquet or Arrow), or right-click one in the Explorer or the Datasets view.',
      });
      return;
    }
    const revision = this.revision;
    const label = revision === 'workspace' ? target.path : `${target.path} @ ${revision}`;
    if (revision === 'workspace') {
      const declined = await this.declinedLargeFile(target);
      if (this.isDisposed || this.target !== target || this.revision !== revision) return;
      if (declined) {
        this.post({ type: 'empty', title: `${target.path} was not profiled`, hint: declined });
        return;
      }
    }
    this.post({ type: 'loading', path: target.path, message: `Profiling ${label}…` });
    try {
      const result = await this.withProgress(`Profiling ${label}`, async (signal, report) => {
        const [profiled, history] = await Promise.all([
          this.context.data.profile({
            ...target,
            revision,
            cacheDir: this.context.cacheDir,
            signal,
            onProgress: report,
          }),
          this.context.data.versions(target, signal),
        ]);
        if (isNotPulled(profiled)) return profiled;
        const violations = await this.context.data.validate(target, profiled.profile, signal);
        return { profiled, history, violations };
      });
      if (this.isDisposed || this.target !== target || this.revision !== revision) return;
      if (!result) {
        this.post({
          type: 'error',
          message: `Profiling ${label} was cancelled`,
          hint: 'Pick the version again in the Version list, or run "MLOps: Show Dataset Profile" to start over.',
        });
        return;
      }
      if (isNotPulled(result)) {
        this.post({ type: 'notPulled', path: target.path, ...result.notPulled });
        return;
      }
      const { profiled, history, violations } = result;
      this.post({
        type: 'profile',
        profile: profiled.profile,
        cached: profiled.cached,
        versions: history.versions,
        facts: history.facts,
        violations,
      });
    } catch (err) {
      this.context.logger.error(`dataset: profiling ${label} failed: ${errorMessage(err)}`);
      this.post({
        type: 'error',
        message: `Could not profile ${label}: ${errorMessage(err)}`,
        hint: 'Check that the file is CSV, TSV, JSON Lines, Parquet or Arrow and readable; the MLOps Workbench output channel has details.',
      });
    }
  }

  /**
   * Asks before profiling a working-tree file larger than `mlops.data.maxProfileSizeMB`: undefined when it is smaller
   * (or unreadable: the profile says why) or the user chose to go on, else the hint the panel shows.
   */
  private async declinedLargeFile(target: DatasetTarget): Promise<string | undefined> {
    const limitMB = getSetting('data.maxProfileSizeMB', vscode.Uri.file(target.folder));
    const bytes = await fs.stat(path.join(target.folder, ...target.path.split('/'))).then(
      (s) => s.size,
      () => undefined,
    );
    if (bytes === undefined || !exceedsLimitMB(bytes, limitMB)) return undefined;
    const size = `${target.path} is ${formatBytes(bytes)}, more than the ${limitMB} MB of ${settingId('data.maxProfileSizeMB')}`;
    const go = 'Profile Anyway';
    const choice = await vscode.window.showWarningMessage(
      `Profile ${target.path}?`,
      { modal: true, detail: `${size}. Profiling reads every row, which can take a while.` },
      go,
    );
    return choice === go
      ? undefined
      : `${size}. Run "MLOps: Show Dataset Profile" on it again and choose ${go}, or raise the setting.`;
  }

  private async runCompare(reference: string, current: string): Promise<void> {
    const target = this.target;
    if (!target) return;
    this.lastCompare = { reference, current };
    this.post({ type: 'loading', path: target.path, message: `Comparing ${current} with ${reference}…` });
    try {
      const result = await this.withProgress(`Comparing ${target.path}: ${current} with ${reference}`, (signal) =>
        this.context.data.drift({ ...target, reference, current, cacheDir: this.context.cacheDir, signal }),
      );
      if (this.isDisposed || this.target !== target) return;
      if (!result) {
        this.post({
          type: 'error',
          message: 'The comparison was cancelled',
          hint: 'Press Compare again to run it.',
        });
        return;
      }
      if (isNotPulled(result)) {
        this.post({ type: 'notPulled', path: target.path, ...result.notPulled });
        return;
      }
      this.post({ type: 'compare', report: result.report, reference: result.reference, current: result.current });
    } catch (err) {
      this.context.logger.error(`dataset: comparing ${target.path} failed: ${errorMessage(err)}`);
      this.post({
        type: 'error',
        message: `Could not compare ${current} with ${reference}: ${errorMessage(err)}`,
        hint: 'Both versions must be readable: commit the file, or pull it with DVC.',
      });
    }
  }
}
