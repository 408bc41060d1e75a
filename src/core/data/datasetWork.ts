// The Dataset panel's heavy work as functions of plain data: a version's profile (cached by content hash), the drift
// between two versions, and schema validation, each with the dataset's settings from mlops.yaml. The background
// worker runs them (src/core/worker/tasks.ts); they use the same core functions as `mlops data` and the checks.
import fs from 'node:fs';
import path from 'node:path';
import { ProfileCache } from '../formats/data/profileCache';
import type { Cancellation, DataFormat } from '../formats/data/source';
import type { DatasetConfig } from '../formats/mlopsYaml/model';
import { loadConfig, type ConfigValidator } from '../formats/mlopsYaml/validate';
import { diffAt, formatFor, profileAt } from './dataset';
import type { DatasetProfile, DriftReport, SchemaViolation } from './model';
import { readDatasetSchema, readDriftConfig, validateDataset } from './schema';
import { datasetAt, NotInCacheError, WORKSPACE } from './versions';

/** A dataset file in a workspace folder. */
export interface DatasetTarget {
  /** Absolute path of the workspace folder. */
  root: string;
  /** Path of the data file relative to the folder (posix). */
  path: string;
}

/** The bytes of a version are not on this machine; `command` fetches them (e.g. `dvc pull data/x.csv.dvc`). */
export interface NotPulled {
  notPulled: { revision: string; command: string };
}

export interface ProfileDatasetRequest extends DatasetTarget {
  revision: string;
  /** Where profiles are cached by content hash (one JSON file per hash); none keeps them in memory. */
  cacheDir?: string;
  /** The format, when the caller knows it (else mlops.yaml's entry or the file's extension says). */
  format?: DataFormat;
}

export type ProfileDatasetOutcome = { profile: DatasetProfile; cached: boolean } | NotPulled;

export interface DiffDatasetRequest extends DatasetTarget {
  reference: string;
  current: string;
}

export type DiffDatasetOutcome =
  | { report: DriftReport; reference: DatasetProfile; current: DatasetProfile }
  | NotPulled;

export interface ValidateDatasetRequest extends DatasetTarget {
  /** The version validated (`workspace` for the working tree: its modification time is the last change). */
  revision: string;
}

/** What long dataset work reports: what it reads, and the share done (0..1) when known. */
export interface DatasetProgress {
  message: string;
  fraction?: number;
}

export interface DatasetWorkContext {
  signal: AbortSignal;
  progress?: (progress: DatasetProgress) => void;
  /** mlops.yaml's compiled validator, kept by the caller between requests. */
  validator?: ConfigValidator;
}

function cancellation(signal: AbortSignal): Cancellation {
  return {
    get cancelled() {
      return signal.aborted;
    },
  };
}

/** `dvc pull` of the dataset's `.dvc` file when it has one, else of the dataset (a dvc.yaml output). */
export function notPulled(root: string, dataPath: string, revision: string): NotPulled {
  const dotDvc = `${dataPath}.dvc`;
  const target = fs.existsSync(path.join(root, dotDvc)) ? dotDvc : dataPath;
  return { notPulled: { revision, command: `dvc pull ${target}` } };
}

export function samePath(a: string, b: string): boolean {
  const clean = (p: string) => path.posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/+$/, '');
  return clean(a) === clean(b);
}

/** The `datasets:` entry of mlops.yaml for a data file, if it has one. */
export async function datasetEntry(
  root: string,
  dataPath: string,
  validator?: ConfigValidator,
): Promise<DatasetConfig | undefined> {
  try {
    const loaded = await loadConfig(root, validator);
    return loaded.validation.config.datasets.find((d) => samePath(d.path, dataPath));
  } catch {
    return undefined;
  }
}

export function formatOfEntry(dataPath: string, entry: DatasetConfig | undefined): DataFormat {
  return formatFor(dataPath, entry?.format as DataFormat | undefined);
}

/**
 * Progress reports at most once per percent, so a reader's many chunks cost the caller (and a worker's message
 * port) a hundred messages at most.
 */
function progressOf(context: DatasetWorkContext, message: string): ((fraction: number) => void) | undefined {
  const report = context.progress;
  if (!report) return undefined;
  let last = -1;
  return (fraction) => {
    const percent = Math.floor(Math.max(0, Math.min(1, fraction)) * 100);
    if (percent <= last) return;
    last = percent;
    report({ message, fraction: percent / 100 });
  };
}

/** Profile caches by folder, each counting its hits so a profile can say it came from the cache. */
export class ProfileCaches {
  private readonly caches = new Map<string, ProfileCache>();

  get(dir: string | undefined): ProfileCache {
    const key = dir ?? '';
    let cache = this.caches.get(key);
    if (!cache) this.caches.set(key, (cache = new ProfileCache(dir)));
    return cache;
  }
}

/** A version's profile, from the cache when the same bytes were profiled before. */
export async function profileDatasetVersion(
  request: ProfileDatasetRequest,
  context: DatasetWorkContext,
  caches = new ProfileCaches(),
): Promise<ProfileDatasetOutcome> {
  const cache = caches.get(request.cacheDir);
  const before = cache.hits;
  const label = request.revision === WORKSPACE ? request.path : `${request.path} @ ${request.revision}`;
  context.progress?.({ message: `reading ${label}` });
  try {
    const format =
      request.format ?? formatOfEntry(request.path, await datasetEntry(request.root, request.path, context.validator));
    const onProgress = progressOf(context, `reading ${label}`);
    const profile = await profileAt({
      root: request.root,
      path: request.path,
      revision: request.revision,
      format,
      cache,
      read: { cancel: cancellation(context.signal), ...(onProgress ? { onProgress } : {}) },
    });
    return { profile, cached: cache.hits > before };
  } catch (err) {
    if (err instanceof NotInCacheError) return notPulled(request.root, request.path, request.revision);
    throw err;
  }
}

/** The drift report between two versions, with the dataset's `drift:` settings (tests, thresholds, share). */
export async function diffDatasetVersions(
  request: DiffDatasetRequest,
  context: DatasetWorkContext,
): Promise<DiffDatasetOutcome> {
  const entry = await datasetEntry(request.root, request.path, context.validator);
  context.progress?.({ message: `reading ${request.reference} and ${request.current}` });
  try {
    return await diffAt(
      {
        root: request.root,
        path: request.path,
        reference: request.reference,
        current: request.current,
        format: formatOfEntry(request.path, entry),
        read: { cancel: cancellation(context.signal) },
      },
      readDriftConfig(entry?.drift),
    );
  } catch (err) {
    if (err instanceof NotInCacheError) return notPulled(request.root, request.path, err.revision);
    throw err;
  }
}

/** The violations of mlops.yaml's schema for the dataset at a version; undefined when it has no schema. */
export async function validateDatasetVersion(
  request: ValidateDatasetRequest,
  context: DatasetWorkContext,
): Promise<SchemaViolation[] | undefined> {
  const entry = await datasetEntry(request.root, request.path, context.validator);
  const schema = readDatasetSchema(entry?.schema);
  if (!schema) return undefined;
  const bytes = await datasetAt(request.root, request.path, request.revision);
  let lastChange: Date | undefined;
  if (request.revision === WORKSPACE) {
    try {
      lastChange = fs.statSync(path.join(request.root, request.path)).mtime;
    } catch {
      lastChange = undefined;
    }
  }
  const result = await validateDataset(bytes.source, formatOfEntry(request.path, entry), schema, {
    read: { cancel: cancellation(context.signal) },
    lastChange,
  });
  return result.violations;
}
