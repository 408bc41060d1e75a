import * as path from 'node:path';
import * as vscode from 'vscode';
import { BUILTIN_CHECK_TYPES } from '../../core/checks/builtinTypes';
import { discoveredNotice, loadCheckConfig } from '../../core/checks/defaults/config';
import { createDefaultContext } from '../../core/checks/defaults/context';
import { CHECK_TYPES_NEEDING_GIT } from '../../core/checks/defaults/git';
import { countResults, resolveChecks, runChecks } from '../../core/checks/engine';
import {
  CheckCancelledError,
  CheckInputError,
  ChecksConfigError,
  type CheckContext,
  type CheckReport,
  type CheckResult,
  type CheckSummary,
  type ProjectConfig,
} from '../../core/checks/types';
import { CONFIG_FILE_NAME } from '../../core/config/starter';
import { errorMessage, type Logger } from '../../core/logging';
import { DATASET_EXTENSIONS, MODEL_EXTENSIONS, NOTEBOOK_EXTENSIONS } from '../../core/workspace/discovery';
import { Disposable } from '../../platform/disposable';
import { isTrusted } from '../../platform/trust';
import type { FolderReport } from '../../protocol/checks';
import { sharedValidator } from '../../platform/configValidator';

/** What the last run found in one workspace folder. */
export interface FolderRun {
  folder: vscode.WorkspaceFolder;
  report: FolderReport;
  /** The configuration the checks read (undefined when there is none or it is invalid). */
  config?: ProjectConfig;
  /** The config file, relative to the folder. */
  configFile: string;
  /** Rename targets with their placeholders filled in (e.g. the version of the newest release tag), by result. */
  renameTargets: Map<CheckResult, { to: string; reason: string }>;
}

export interface RunEvent {
  runs: readonly FolderRun[];
  reason: string;
}

export const UNTRUSTED_CHECKS_NOTICE =
  'This workspace is not trusted, so MLOps Workbench runs no git process: the checks that read git history were skipped.';

const FILE_NAMES = new Set([
  CONFIG_FILE_NAME,
  '.gitattributes',
  '.gitignore',
  'pyproject.toml',
  'environment.yml',
  'environment.yaml',
  'conda.yaml',
  'conda.yml',
  'dvc.yaml',
  'dvc.lock',
]);
const EXTENSIONS = new Set([...MODEL_EXTENSIONS, ...DATASET_EXTENSIONS, ...NOTEBOOK_EXTENSIONS, '.dvc']);

/** The files whose change can change a check result; the watcher's glob (filtered further by `isRelevant`). */
export const CHECKS_WATCH_GLOB = `**/{${[...FILE_NAMES, 'requirements*.txt', 'Dockerfile*', '*.json', '*.yaml', '*.yml', '*.toml', '*.md', 'LICENSE*', 'LICENCE*', 'COPYING'].join(',')},*${[...EXTENSIONS].join(',*')}}`;

/**
 * Runs the pipeline checks of every workspace folder that has an mlops.yaml, one run at a time: a new request
 * cancels the run in progress. Runs in the extension host on the core engine; in an untrusted workspace the checks
 * that need git are skipped (no process is started) and say why.
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

  constructor(private readonly logger: Logger) {
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
    if (
      FILE_NAMES.has(base) ||
      /^requirements.*\.txt$/i.test(base) ||
      /^dockerfile/i.test(base) ||
      /^(licen[cs]e|copying)/i.test(base) ||
      EXTENSIONS.has(ext)
    )
      return true;
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
    try {
      // Without mlops.yaml the default checks run on what discovery finds (the same as `mlops check`).
      const loaded = await loadCheckConfig(root, sharedValidator());
      base.config = loaded.config;
      base.configFile = loaded.file ?? CONFIG_FILE_NAME;
      if (loaded.discovered) base.report.notice = discoveredNotice(loaded.discovered);
      const trusted = isTrusted();
      const context = createDefaultContext(root, { loaded, logger: this.logger, signal, offline: !trusted });
      let report: CheckReport;
      if (trusted) report = await runChecks(context, { signal });
      else {
        report = await this.runOffline(context, signal);
        base.report.notice = [base.report.notice, UNTRUSTED_CHECKS_NOTICE].filter(Boolean).join(' ');
      }
      base.report.checks = report.checks;
      base.report.results = report.results;
      base.report.counts = report.counts;
      if (trusted) base.renameTargets = await renameTargets(context, report.results);
      return finish(base);
    } catch (err) {
      if (err instanceof CheckCancelledError || signal.aborted) return undefined;
      if (err instanceof ChecksConfigError) {
        base.report.status = 'config-error';
        base.report.problems = err.problems.map((p) => ({
          message: p.message,
          file: err.file,
          line: p.position?.line,
          column: p.position?.column,
        }));
      } else if (err instanceof CheckInputError) {
        base.report.status = 'config-error';
        base.report.problems = [
          { message: err.message, file: err.file, line: err.position?.line, column: err.position?.column },
        ];
      } else {
        base.report.status = 'failed';
        base.report.problems = [{ message: errorMessage(err) }];
        this.logger.error(`checks: ${folder.name}: ${errorMessage(err)}`);
      }
      return finish(base);
    }
  }

  /** The checks that need no git, plus one skipped result for each that does (it says why). */
  private async runOffline(context: CheckContext, signal: AbortSignal): Promise<CheckReport> {
    const declared = resolveChecks(context.config, { file: context.configFile, positionOf: context.positionOf }).filter(
      (c) => c.enabled,
    );
    const offline = declared.filter((c) => !CHECK_TYPES_NEEDING_GIT.includes(c.type));
    const report: CheckReport = offline.length
      ? await runChecks(context, { signal, only: offline.map((c) => c.id) })
      : { checks: [], results: [], counts: countResults([]), durationMs: 0 };
    const checks: CheckSummary[] = [];
    const results: CheckResult[] = [];
    for (const check of declared) {
      const ran = report.checks.find((c) => c.id === check.id);
      if (ran) {
        checks.push(ran);
        results.push(...report.results.filter((r) => r.checkId === check.id));
        continue;
      }
      checks.push({
        id: check.id,
        type: check.type,
        severity: check.severity,
        title: BUILTIN_CHECK_TYPES.find((t) => t.type === check.type)?.title ?? check.type,
        passed: 0,
        failed: 0,
        skipped: 1,
        durationMs: 0,
      });
      results.push({
        checkId: check.id,
        type: check.type,
        severity: 'info',
        status: 'skip',
        target: check.id,
        message: `Skipped: '${check.id}' reads git history, and MLOps Workbench runs no git process in an untrusted workspace. Trust the workspace to run it.`,
        ...(context.configFile && check.position
          ? { location: { file: context.configFile, line: check.position.line, column: check.position.column } }
          : {}),
        key: 'untrusted',
      });
    }
    return { checks, results, counts: countResults(results), durationMs: report.durationMs };
  }
}

const SEMVER = /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;

/**
 * Fills the `<version>` placeholder of rename fixes with the version of the model's newest release tag
 * (`<model>@v1.2.3`, `<model>-v1.2.3` or `<model>/v1.2.3`), so the quick fix can name a real file.
 */
async function renameTargets(
  context: CheckContext,
  results: readonly CheckResult[],
): Promise<Map<CheckResult, { to: string; reason: string }>> {
  const targets = new Map<CheckResult, { to: string; reason: string }>();
  for (const result of results) {
    if (
      result.status !== 'fail' ||
      result.fix?.kind !== 'rename' ||
      !result.fix.to.includes('<version>') ||
      !result.model
    )
      continue;
    for (const pattern of [`${result.model}@v*`, `${result.model}-v*`, `${result.model}/v*`]) {
      const tag = await context.git.newestTag(pattern).catch(() => undefined);
      const version = tag ? SEMVER.exec(tag)?.[1] : undefined;
      if (tag && version) {
        targets.set(result, {
          to: result.fix.to.split('<version>').join(version),
          reason: `the version of tag ${tag}`,
        });
        break;
      }
    }
  }
  return targets;
}
