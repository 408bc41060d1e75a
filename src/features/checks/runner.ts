import * as path from 'node:path';
import type { MlopsConfig } from '../../core/formats/mlopsYaml/model';
import picomatch from 'picomatch';
import * as vscode from 'vscode';
import { BUILTIN_CHECK_TYPES } from '../../core/checks/builtinTypes';
import { countResults } from '../../core/checks/engine';
import type { CheckResult } from '../../core/checks/types';
import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import { errorMessage, type Logger } from '../../core/logging';
import type { CoreWork } from '../../core/worker/client';
import { WorkCancelledError } from '../../core/worker/protocol';
import { Disposable } from '../../platform/disposable';
import { isTrusted } from '../../platform/trust';
import type { FolderReport } from '../../protocol/checks';

/** What the last run found in one workspace folder. */
export interface FolderRun {
  folder: vscode.WorkspaceFolder;
  report: FolderReport;
  /** The configuration the checks read (undefined when there is none or it is invalid). */
  config?: MlopsConfig;
  /** The config file, relative to the folder. */
  configFile: string;
  /** Rename targets with their placeholders filled in (e.g. the version of the newest release tag), by result. */
  renameTargets: Map<CheckResult, { to: string; reason: string }>;
}

export interface RunEvent {
  runs: readonly FolderRun[];
  reason: string;
}

/** The file names whose change can change a result: mlops.yaml and every check type's `rerunOn`. */
const RERUN_NAMES = [CONFIG_FILE_NAME, ...new Set(BUILTIN_CHECK_TYPES.flatMap((t) => t.rerunOn))];
const isRerunName = picomatch(RERUN_NAMES, { nocase: true, dot: true });

/** The files whose change can change a check result; the watcher's glob (filtered further by `isRelevant`). */
export const CHECKS_WATCH_GLOB = `**/{${[...RERUN_NAMES, '*.json', '*.yaml', '*.yml', '*.toml', '*.md'].join(',')}}`;

/**
 * Runs the pipeline checks of every workspace folder that has an mlops.yaml, one run at a time: a new request
 * cancels the run in progress. The checks run on the core engine in the background worker (`work`), off the extension
 * host's thread; in an untrusted workspace the checks that need git are skipped (no process is started) and say why.
 */
export class ChecksRunner extends Disposable {
  private runs: FolderRun[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | undefined;
  private current: Promise<void> = Promise.resolve();
  private generation = 0;
  private active = 0;
  private readonly startEmitter = this.register(new vscode.EventEmitter<void>());
  private readonly finishEmitter = this.register(new vscode.EventEmitter<RunEvent>());
  /** A run started (the panel shows that it is updating). */
  readonly onDidStart = this.startEmitter.event;
  /** A run finished and was not superseded; the results are in `folderRuns`. */
  readonly onDidFinish = this.finishEmitter.event;

  constructor(
    private readonly logger: Logger,
    private readonly work: CoreWork,
  ) {
    super();
    this.register({
      dispose: () => {
        clearTimeout(this.timer);
        this.controller?.abort();
      },
    });
  }

  get folderRuns(): readonly FolderRun[] {
    return this.runs;
  }

  get running(): boolean {
    return this.active > 0 || this.timer !== undefined;
  }

  /** Runs after `delayMs` unless another request comes first (the delay starts again). */
  schedule(reason: string, delayMs = 750): void {
    if (this.isDisposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run(reason);
    }, delayMs);
  }

  /** Runs now, cancelling a run in progress; resolves when this run is over (or superseded). */
  run(reason: string, token?: vscode.CancellationToken): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const generation = ++this.generation;
    const subscription = token?.onCancellationRequested(() => controller.abort());
    const previous = this.current;
    this.active++;
    this.current = (async () => {
      let finished: RunEvent | undefined;
      try {
        await previous;
        if (generation !== this.generation || controller.signal.aborted) return;
        this.startEmitter.fire();
        const started = performance.now();
        const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
        const runs: FolderRun[] = [];
        for (const folder of folders) {
          const run = await this.runFolder(folder, controller.signal);
          if (!run) return;
          runs.push(run);
        }
        if (generation !== this.generation || controller.signal.aborted) return;
        this.runs = runs;
        const counts = countResults(runs.flatMap((r) => r.report.results));
        this.logger.info(
          `checks (${reason}): ${counts.error} errors, ${counts.warning} warnings, ${counts.info} info, ${counts.passed} passed in ${(performance.now() - started).toFixed(0)} ms`,
        );
        finished = { runs, reason };
      } catch (err) {
        this.logger.error(`checks: ${errorMessage(err)}`);
      } finally {
        subscription?.dispose();
        this.active--;
      }
      // After `active` dropped: listeners see `running` false unless another run is on its way.
      if (finished) this.finishEmitter.fire(finished);
    })();
    return this.current;
  }

  /** Resolves once nothing is scheduled or running (for tests and commands that need the results). */
  async whenIdle(): Promise<void> {
    while (this.running) {
      if (this.timer !== undefined) await new Promise((resolve) => setTimeout(resolve, 50));
      else await this.current;
    }
  }

  /** Whether a changed file can change a result in its folder. */
  isRelevant(uri: vscode.Uri): boolean {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || uri.scheme !== 'file') return false;
    const relative = path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
    if (!relative || relative.startsWith('..') || /(^|\/)(\.git|node_modules)\//.test(relative)) return false;
    const base = path.posix.basename(relative);
    const ext = path.posix.extname(base).toLowerCase();
    if (isRerunName(base)) return true;
    const config = this.runs.find((r) => r.folder.uri.toString() === folder.uri.toString())?.config;
    if (!config) return false;
    const under = (p: string) => relative === p || relative.startsWith(`${p.replace(/\/+$/, '')}/`);
    const folderOf = (p: string) => path.posix.dirname(p.replace(/\/+$/, ''));
    return (
      config.models.some(
        (m) =>
          under(m.path) || m.metrics.includes(relative) || (ext === '.md' && folderOf(relative) === folderOf(m.path)),
      ) || config.datasets.some((d) => under(d.path) || (ext === '.md' && folderOf(relative) === folderOf(d.path)))
    );
  }

  private async runFolder(folder: vscode.WorkspaceFolder, signal: AbortSignal): Promise<FolderRun | undefined> {
    const started = performance.now();
    const root = folder.uri.fsPath;
    const base: FolderRun = {
      folder,
      configFile: CONFIG_FILE_NAME,
      renameTargets: new Map(),
      report: {
        folder: folder.uri.toString(),
        name: folder.name,
        status: 'ok',
        checks: [],
        results: [],
        counts: countResults([]),
        problems: [],
        finishedAt: 0,
        durationMs: 0,
      },
    };
    const finish = (run: FolderRun): FolderRun => {
      run.report.finishedAt = Date.now();
      run.report.durationMs = Math.round(performance.now() - started);
      return run;
    };
    // Without mlops.yaml the default checks run on what discovery finds (the same as `mlops check`).
    let outcome;
    try {
      outcome = await this.work.run({ kind: 'checkFolder', root, trusted: isTrusted() }, { signal });
    } catch (err) {
      if (err instanceof WorkCancelledError || signal.aborted) return undefined;
      base.report.status = 'failed';
      base.report.problems = [{ message: errorMessage(err) }];
      this.logger.error(`checks: ${folder.name}: ${errorMessage(err)}`);
      return finish(base);
    }
    if (outcome.config) base.config = outcome.config;
    base.configFile = outcome.configFile;
    base.report.status = outcome.status;
    base.report.checks = outcome.checks;
    base.report.results = outcome.results;
    base.report.counts = outcome.counts;
    base.report.problems = outcome.problems;
    if (outcome.notice) base.report.notice = outcome.notice;
    for (const target of outcome.renameTargets) {
      const result = outcome.results[target.result];
      if (result) base.renameTargets.set(result, { to: target.to, reason: target.reason });
    }
    if (outcome.status === 'failed')
      this.logger.error(`checks: ${folder.name}: ${outcome.problems.map((p) => p.message).join('; ')}`);
    return finish(base);
  }
}
