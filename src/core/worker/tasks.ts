// The heavy work of the editor as functions of plain data: the pipeline checks of a folder, discovery of a folder
// (kept as an index for incremental updates) and content hashes. The worker thread runs them (worker.ts); the editor
// runs the same functions in its own thread when no worker can start (client.ts). Nothing here knows which.
import fs from 'node:fs';
import { checkTypeNamed } from '../checks/builtinTypes';
import { CONFIG_FILE, discoveredNotice, loadCheckConfig } from '../checks/defaults/config';
import { createDefaultContext } from '../checks/defaults/context';
import { countResults, resolveChecks, runChecks, type CheckProgress } from '../checks/engine';
import {
  CheckCancelledError,
  CheckInputError,
  ChecksConfigError,
  type CheckContext,
  type CheckReport,
  type CheckResult,
  type CheckSummary,
} from '../checks/types';
import {
  diffDatasetVersions,
  ProfileCaches,
  profileDatasetVersion,
  validateDatasetVersion,
  type DatasetProgress,
  type DiffDatasetOutcome,
  type ProfileDatasetOutcome,
} from '../data/datasetWork';
import type { SchemaViolation } from '../data/model';
import { CancelledError as ReadCancelledError } from '../formats/data/source';
import { loadConfig, ConfigValidator, type LoadedConfig } from '../formats/mlopsYaml/validate';
import { errorMessage, type Logger } from '../logging';
import { readTelemetryConfig } from '../telemetry/config';
import { evaluateSlo } from '../telemetry/slo';
import { sloSummaries, summarizeTelemetry } from '../telemetry/summarize';
import type { SloBreach } from '../telemetry/overlays';
import { folderSloStatus, type SloStatus } from '../telemetry/sloStatus';
import { DiscoveryCancelledError, WorkspaceIndex, statItems } from '../workspace/discovery';
import { HashCache, HashCancelledError, hashFile, type HashResult } from '../workspace/hash';
import {
  WorkCancelledError,
  type CheckFolderOutcome,
  type CheckFolderRequest,
  type HashFilesRequest,
  type HashProgress,
  type ScanFolderOutcome,
  type ScanFolderRequest,
  type TelemetrySummaryOutcome,
  type TelemetrySummaryRequest,
  type SloStatusRequest,
  type UpdateFolderOutcome,
  type UpdateFolderRequest,
  type WorkKind,
  type WorkProgress,
  type WorkRequestOf,
  type WorkResult,
} from './protocol';

/**
 * A loaded mlops.yaml as plain data that crosses to the editor's thread (structured clone): without the validation's
 * position lookup, a function the checks use inside this thread only.
 */
function cloneable(loaded: LoadedConfig): LoadedConfig {
  const { config, problems, empty } = loaded.validation;
  return { ...loaded, validation: { config, problems, empty } };
}

export const UNTRUSTED_CHECKS_NOTICE =
  'This workspace is not trusted, so MLOps Workbench runs no git process: the checks that read git history were skipped.';

/** What a task gets besides its request. */
export interface TaskContext<P> {
  signal: AbortSignal;
  logger: Logger;
  progress(progress: P): void;
}

/** Whether an error means the work was cancelled. */
export function isCancellation(err: unknown, signal?: AbortSignal): boolean {
  return (
    signal?.aborted === true ||
    err instanceof WorkCancelledError ||
    err instanceof CheckCancelledError ||
    err instanceof DiscoveryCancelledError ||
    err instanceof HashCancelledError ||
    err instanceof ReadCancelledError
  );
}

/**
 * The state heavy work keeps between requests: one compiled mlops.yaml validator, the discovery index of each folder,
 * the hash cache of each cache folder. One instance per thread that runs work.
 */
export class WorkTasks {
  private validatorInstance: ConfigValidator | undefined;
  private readonly indexes = new Map<string, WorkspaceIndex>();
  private readonly caches = new Map<string, Promise<HashCache>>();
  private readonly profiles = new ProfileCaches();

  private get validator(): ConfigValidator {
    this.validatorInstance ??= new ConfigValidator();
    return this.validatorInstance;
  }

  /** Runs one request. */
  run<K extends WorkKind>(request: WorkRequestOf<K>, context: TaskContext<WorkProgress<K>>): Promise<WorkResult<K>> {
    // Each case narrows the request; the casts only restate what the kind already says.
    const untyped = context as TaskContext<unknown>;
    switch (request.kind) {
      case 'checkFolder':
        return this.checkFolder(request as WorkRequestOf<'checkFolder'>, untyped);
      case 'scanFolder':
        return this.scanFolder(request as WorkRequestOf<'scanFolder'>, untyped);
      case 'updateFolder':
        return this.updateFolder(request as WorkRequestOf<'updateFolder'>);
      case 'hashFiles':
        return this.hashFiles(request as WorkRequestOf<'hashFiles'>, untyped);
      case 'telemetrySummary':
        return this.telemetrySummary(request as WorkRequestOf<'telemetrySummary'>, untyped);
      case 'sloStatus':
        return this.sloStatus(request as WorkRequestOf<'sloStatus'>, untyped);
      case 'profileDataset':
        return this.profileDataset(request as WorkRequestOf<'profileDataset'>, untyped);
      case 'diffDataset':
        return this.diffDataset(request as WorkRequestOf<'diffDataset'>, untyped);
      case 'validateDataset':
        return this.validateDataset(request as WorkRequestOf<'validateDataset'>, untyped);
      default:
        return Promise.reject(new Error(`Unknown kind of work '${String((request as { kind: unknown }).kind)}'.`));
    }
  }

  // ------------------------------------------------------------------------------------------------ datasets

  /**
   * A dataset version's profile, from the profile cache of the request's folder when the same bytes were profiled
   * before. Cancelling stops the read at its next chunk or row group.
   */
  async profileDataset(
    request: WorkRequestOf<'profileDataset'>,
    context: TaskContext<DatasetProgress>,
  ): Promise<ProfileDatasetOutcome> {
    const { kind: _kind, ...rest } = request;
    return this.cancellable(context, () =>
      profileDatasetVersion(
        rest,
        { ...this.datasetContext(context), progress: (p) => context.progress(p) },
        this.profiles,
      ),
    );
  }

  /** The drift report between two versions of a dataset, with its `drift:` settings from mlops.yaml. */
  async diffDataset(
    request: WorkRequestOf<'diffDataset'>,
    context: TaskContext<DatasetProgress>,
  ): Promise<DiffDatasetOutcome> {
    const { kind: _kind, ...rest } = request;
    return this.cancellable(context, () =>
      diffDatasetVersions(rest, { ...this.datasetContext(context), progress: (p) => context.progress(p) }),
    );
  }

  /** The schema violations of a dataset version (null without a schema). */
  async validateDataset(
    request: WorkRequestOf<'validateDataset'>,
    context: TaskContext<unknown>,
  ): Promise<SchemaViolation[] | null> {
    const { kind: _kind, ...rest } = request;
    return this.cancellable(
      context,
      async () => (await validateDatasetVersion(rest, this.datasetContext(context))) ?? null,
    );
  }

  private datasetContext(context: TaskContext<unknown>): { signal: AbortSignal; validator: ConfigValidator } {
    return { signal: context.signal, validator: this.validator };
  }

  private async cancellable<T>(context: TaskContext<unknown>, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isCancellation(err, context.signal)) throw new WorkCancelledError('Reading the dataset was cancelled.');
      throw err;
    }
  }

  // --------------------------------------------------------------------------------------------- telemetry

  /**
   * The telemetry summary of a folder: mlops.yaml's telemetry: section (its sources, or the discovered ones when it
   * names none) through the core's one summary. Large logs are streamed here, off the editor's thread.
   */
  async telemetrySummary(
    request: TelemetrySummaryRequest,
    context: TaskContext<unknown>,
  ): Promise<TelemetrySummaryOutcome> {
    const loaded = await loadConfig(request.root, this.validator);
    const config = readTelemetryConfig(loaded.validation.config.telemetry);
    const read = {
      root: request.root,
      config,
      logger: context.logger,
      signal: context.signal,
      ...(request.token !== undefined ? { token: request.token } : {}),
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
    };
    const server = request.prometheusUrl ? { prometheusUrl: request.prometheusUrl } : {};
    const summary = await summarizeTelemetry(read, request.query, {
      ...server,
      ...(request.windowMs !== undefined ? { windowMs: request.windowMs } : {}),
    });
    // Each objective over its own window (ending at the newest event), as the service-slo check judges it: the panel
    // marks the versions the check flags, whatever range it shows. The shown summary serves when it is that window.
    const breaches: SloBreach[] = [];
    const shown =
      request.windowMs !== undefined && request.query.from === undefined && request.query.to === undefined
        ? { windowMs: request.windowMs, summary }
        : undefined;
    const judgedOn = sloSummaries(read, server, shown);
    for (const slo of config.slos) {
      if (summary.sources.length === 0) break;
      const judged = judgedOn(slo);
      for (const outcome of evaluateSlo(slo, await judged))
        if (!outcome.passed)
          breaches.push({
            model: outcome.model,
            version: outcome.version,
            message: outcome.message,
            severity: 'error',
          });
    }
    return { summary, slos: config.slos, breaches };
  }

  /** The SLO state of a folder (null without any telemetry source). */
  async sloStatus(request: WorkRequestOf<'sloStatus'>, context: TaskContext<unknown>): Promise<SloStatus | null> {
    const { root, name, prometheusUrl, token, timeoutMs, maxResponseBytes } = request;
    const server: Omit<SloStatusRequest, 'root' | 'name'> = { prometheusUrl, token, timeoutMs, maxResponseBytes };
    const status = await folderSloStatus(root, {
      name,
      ...server,
      validator: this.validator,
      signal: context.signal,
      logger: context.logger,
    });
    return status ?? null;
  }

  // ------------------------------------------------------------------------------------------------ checks

  /**
   * The pipeline checks of a folder (without mlops.yaml: on what discovery finds), as the editor shows them: config problems become the
   * `config-error` status with positions; in an untrusted workspace the checks that need git are skipped.
   * Throws only when cancelled.
   */
  async checkFolder(request: CheckFolderRequest, context: TaskContext<CheckProgress>): Promise<CheckFolderOutcome> {
    const { signal, logger } = context;
    const outcome: CheckFolderOutcome = {
      status: 'ok',
      configFile: 'mlops.yaml',
      checks: [],
      results: [],
      counts: countResults([]),
      problems: [],
      renameTargets: [],
    };
    try {
      const loaded = await loadCheckConfig(request.root, this.validator);
      outcome.config = loaded.config;
      outcome.configFile = loaded.file ?? CONFIG_FILE;
      if (loaded.discovered) outcome.notice = discoveredNotice(loaded.discovered);
      const checkContext = createDefaultContext(request.root, {
        loaded,
        logger,
        signal,
        offline: !request.trusted,
        ...(request.now !== undefined ? { now: () => request.now! } : {}),
      });
      const onProgress = (p: CheckProgress) => context.progress(p);
      let report: CheckReport;
      if (request.trusted) report = await runChecks(checkContext, { signal, onProgress });
      else {
        report = await runOffline(checkContext, signal, onProgress);
        outcome.notice = [outcome.notice, UNTRUSTED_CHECKS_NOTICE].filter(Boolean).join(' ');
      }
      outcome.checks = report.checks;
      outcome.results = report.results;
      outcome.counts = report.counts;
      if (request.trusted) outcome.renameTargets = await renameTargets(checkContext, report.results);
      return outcome;
    } catch (err) {
      if (isCancellation(err, signal)) throw new WorkCancelledError('The checks were cancelled.');
      if (err instanceof ChecksConfigError) {
        outcome.status = 'config-error';
        outcome.problems = err.problems.map((p) => ({
          message: p.message,
          file: err.file,
          line: p.position?.line,
          column: p.position?.column,
        }));
      } else if (err instanceof CheckInputError) {
        outcome.status = 'config-error';
        outcome.problems = [
          { message: err.message, file: err.file, line: err.position?.line, column: err.position?.column },
        ];
      } else {
        outcome.status = 'failed';
        outcome.problems = [{ message: errorMessage(err) }];
      }
      return outcome;
    }
  }

  // ------------------------------------------------------------------------------------------------ discovery

  /** Reads mlops.yaml, walks the folder and stats every item; keeps the index for `updateFolder`. */
  async scanFolder(request: ScanFolderRequest, context: TaskContext<unknown>): Promise<ScanFolderOutcome> {
    const outcome: ScanFolderOutcome = {
      items: [],
      problems: [],
      stats: { directories: 0, entries: 0, durationMs: 0 },
      itemStats: new Map(),
    };
    try {
      outcome.config = cloneable(await loadConfig(request.root, this.validator));
    } catch (err) {
      outcome.configError = errorMessage(err);
    }
    const index = new WorkspaceIndex({
      root: request.root,
      config: outcome.config?.validation.config,
      exclude: request.exclude,
      respectGitignore: request.respectGitignore,
      signal: context.signal,
    });
    this.indexes.delete(request.key);
    try {
      const result = await index.scan();
      this.indexes.set(request.key, index);
      outcome.items = result.items;
      outcome.problems = result.problems;
      outcome.stats = result.stats;
      outcome.itemStats = await statItems(result.items);
    } catch (err) {
      if (isCancellation(err, context.signal)) throw new WorkCancelledError('Discovery was cancelled.');
      outcome.scanError = errorMessage(err);
    }
    return outcome;
  }

  /** Applies file events to a folder scanned before; null when the folder is unknown here. */
  async updateFolder(request: UpdateFolderRequest): Promise<UpdateFolderOutcome | null> {
    const index = this.indexes.get(request.key);
    if (!index) return null;
    let reloaded: UpdateFolderOutcome['reloaded'];
    if (request.reloadConfig) {
      const config = await loadConfig(index.result.root, this.validator).then(cloneable, () => undefined);
      reloaded = config ? { config } : {};
      await index.reconfigure({ config: config?.validation.config });
    }
    const delta = await index.applyChanges(request.changes);
    return {
      ...(reloaded ? { reloaded } : {}),
      items: delta.result.items,
      added: delta.added.length,
      removed: delta.removed.length,
      updated: delta.updated.length,
      itemStats: await statItems([...delta.added, ...delta.updated]),
    };
  }

  // ------------------------------------------------------------------------------------------------ hashing

  private cache(folder: string | undefined, logger: Logger): Promise<HashCache> {
    if (!folder) return Promise.resolve(HashCache.inMemory());
    let cache = this.caches.get(folder);
    if (!cache) {
      cache = (async () => {
        try {
          await fs.promises.mkdir(folder, { recursive: true });
          const loaded = await HashCache.load(folder);
          if (loaded.loadWarning) logger.warn(loaded.loadWarning);
          return loaded;
        } catch {
          return HashCache.inMemory();
        }
      })();
      this.caches.set(folder, cache);
    }
    return cache;
  }

  /**
   * Hashes files one after the other (cached by size, mtime and inode); reports each result as progress when its
   * file is done, then saves the cache. A file that fails is skipped with a warning. Cancelling stops between files
   * (and between chunks), saves what was hashed, and throws.
   */
  async hashFiles(request: HashFilesRequest, context: TaskContext<HashProgress>): Promise<HashResult[]> {
    const { signal, logger } = context;
    const cache = await this.cache(request.cacheFolder, logger);
    const sizes = await Promise.all(
      request.files.map((f) =>
        fs.promises.stat(f.path).then(
          (s) => (s.isFile() ? s.size : 0),
          () => 0,
        ),
      ),
    );
    const total = sizes.reduce((s, n) => s + n, 0);
    const results: HashResult[] = [];
    let done = 0;
    for (const [i, file] of request.files.entries()) {
      if (signal.aborted) break;
      try {
        const result = await hashFile(file.path, {
          algorithm: file.algorithm,
          cache,
          signal,
          ...(file.maxSize !== undefined ? { maxSize: file.maxSize } : {}),
          onProgress: (bytes) => context.progress({ done: done + bytes, total, file: file.path }),
        });
        results.push(result);
        context.progress({ done: done + (sizes[i] ?? 0), total, file: file.path, result });
      } catch (err) {
        if (!signal.aborted) logger.warn(`hash ${file.path}: ${errorMessage(err)}`);
      }
      done += sizes[i] ?? 0;
    }
    await cache.save().catch((err: unknown) => logger.warn(`hash cache not saved: ${errorMessage(err)}`));
    if (signal.aborted) throw new WorkCancelledError('Hashing was cancelled.');
    return results;
  }
}

/** The checks that need no git, plus one skipped result for each that does (it says why). */
async function runOffline(
  context: CheckContext,
  signal: AbortSignal,
  onProgress: (progress: CheckProgress) => void,
): Promise<CheckReport> {
  const declared = resolveChecks(context.config, { file: context.configFile, positionOf: context.positionOf }).filter(
    (c) => c.enabled,
  );
  const offline = declared.filter((c) => !checkTypeNamed(c.type)?.needsGit);
  const report: CheckReport = offline.length
    ? await runChecks(context, { signal, only: offline.map((c) => c.id), onProgress })
    : { checks: [], results: [], counts: countResults([]), durationMs: 0 };
  const checks: CheckSummary[] = [];
  const results: CheckResult[] = [];
  for (const check of declared) {
    const ran = report.checks.find((c) => c.id === check.id);
    if (ran) {
      checks.push(ran);
      for (const r of report.results) if (r.checkId === check.id) results.push(r);
      continue;
    }
    checks.push({
      id: check.id,
      type: check.type,
      severity: check.severity,
      title: checkTypeNamed(check.type)?.title ?? check.type,
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

const SEMVER = /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;

/**
 * Fills the `<version>` placeholder of rename fixes with the version of the model's newest release tag
 * (`<model>@v1.2.3`, `<model>-v1.2.3` or `<model>/v1.2.3`), so the quick fix can name a real file.
 */
async function renameTargets(
  context: CheckContext,
  results: readonly CheckResult[],
): Promise<CheckFolderOutcome['renameTargets']> {
  const targets: CheckFolderOutcome['renameTargets'] = [];
  for (const [index, result] of results.entries()) {
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
        targets.push({
          result: index,
          to: result.fix.to.split('<version>').join(version),
          reason: `the version of tag ${tag}`,
        });
        break;
      }
    }
  }
  return targets;
}
