import fs from 'node:fs';
import path from 'node:path';
import { diffAt, formatFor, profileAt } from '../../core/data/dataset';
import { inferSchema, readDatasetSchema, readDriftConfig, validateDataset } from '../../core/data/schema';
import { datasetAt, datasetHistory, NotInCacheError, WORKSPACE } from '../../core/data/versions';
import { ProfileCache } from '../../core/formats/data/profileCache';
import type { Cancellation, DataFormat } from '../../core/formats/data/source';
import { setDatasetSchema } from '../../core/formats/mlopsYaml/edits';
import type { DatasetConfig } from '../../core/formats/mlopsYaml/model';
import { loadConfig, validateConfig } from '../../core/formats/mlopsYaml/validate';
import type { DatasetFacts, DatasetVersionInfo } from '../../protocol/dataset';
import type { NotPulled } from './panel';
import type { DatasetFeatureData } from './register';

/** A profile cache that counts its hits, so the panel can say a profile came from the cache. */
class CountingCache extends ProfileCache {
  hits = 0;
  override get(hash: string): ReturnType<ProfileCache['get']> {
    const found = super.get(hash);
    if (found) this.hits++;
    return found;
  }
}

function cancellation(signal: AbortSignal): Cancellation {
  return {
    get cancelled() {
      return signal.aborted;
    },
  };
}

/** `dvc pull` of the dataset's `.dvc` file when it has one, else of the dataset (a dvc.yaml output). */
function notPulled(folder: string, dataPath: string, revision: string): NotPulled {
  const dotDvc = `${dataPath}.dvc`;
  const target = fs.existsSync(path.join(folder, dotDvc)) ? dotDvc : dataPath;
  return { notPulled: { revision, command: `dvc pull ${target}` } };
}

function samePath(a: string, b: string): boolean {
  const clean = (p: string) => path.posix.normalize(p.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/+$/, '');
  return clean(a) === clean(b);
}

/** The `datasets:` entry of mlops.yaml for a data file, if it has one. */
async function entryOf(folder: string, dataPath: string): Promise<DatasetConfig | undefined> {
  try {
    const loaded = await loadConfig(folder);
    return loaded.validation.config.datasets.find((d) => samePath(d.path, dataPath));
  } catch {
    return undefined;
  }
}

function formatOfEntry(dataPath: string, entry: DatasetConfig | undefined): DataFormat {
  return formatFor(dataPath, entry?.format as DataFormat | undefined);
}

/** One edit that turns `before` into `after`: the changed middle only, so undo and the diff stay small. */
function minimalEdit(before: string, after: string): { range: [number, number]; text: string } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  )
    end++;
  return { range: [start, before.length - end], text: after.slice(start, after.length - end) };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The Dataset panel's data: the data-metrics functions of src/core/data. Profiles are cached by content hash in
 * `cacheDir` (one JSON per hash), so reopening a dataset whose bytes did not change reads no data.
 */
export function coreDatasetData(): DatasetFeatureData {
  const caches = new Map<string, CountingCache>();
  const cacheFor = (dir: string) => {
    let cache = caches.get(dir);
    if (!cache) caches.set(dir, (cache = new CountingCache(dir)));
    return cache;
  };
  return {
    async profile(request) {
      const cache = cacheFor(request.cacheDir);
      const before = cache.hits;
      request.onProgress?.(`reading ${request.path}`);
      try {
        const entry = await entryOf(request.folder, request.path);
        const profile = await profileAt({
          root: request.folder,
          path: request.path,
          revision: request.revision,
          format: formatOfEntry(request.path, entry),
          cache,
          read: { cancel: cancellation(request.signal) },
        });
        return { profile, cached: cache.hits > before };
      } catch (err) {
        if (err instanceof NotInCacheError) return notPulled(request.folder, request.path, request.revision);
        throw err;
      }
    },

    async versions(target) {
      const history = await datasetHistory(target.folder, target.path);
      let modified: string | undefined;
      try {
        modified = fs.statSync(path.join(target.folder, target.path)).mtime.toISOString();
      } catch {
        modified = undefined;
      }
      const versions: DatasetVersionInfo[] = [];
      if (modified)
        versions.push({
          revision: WORKSPACE,
          label: 'Working tree',
          date: modified,
          source: 'workspace',
          available: true,
        });
      for (const change of history.changes)
        versions.push({
          revision: change.commit,
          label: `${change.commit.slice(0, 7)} ${change.subject}`,
          date: change.date,
          source: 'git',
          available: true,
        });
      const facts: DatasetFacts = { lastChange: history.changes[0]?.date ?? modified };
      const newest = history.changes[0];
      const oldest = history.changes.at(-1);
      if (history.meanDaysBetween !== undefined && newest && oldest) {
        const span = (Date.parse(newest.date) - Date.parse(oldest.date)) / 86_400_000;
        facts.updateFrequency = `${plural(history.changes.length, 'version')} in ${Math.round(span)} days (about every ${plural(Math.max(1, Math.round(history.meanDaysBetween)), 'day')})`;
      } else {
        facts.updateFrequency = history.changes.length === 1 ? 'one version in git' : 'not in git yet';
      }
      return { versions, facts };
    },

    async drift(request) {
      // The dataset's `drift:` settings in mlops.yaml (tests, thresholds, share) apply here as in the data-drift check.
      const entry = await entryOf(request.folder, request.path);
      try {
        return await diffAt(
          {
            root: request.folder,
            path: request.path,
            reference: request.reference,
            current: request.current,
            format: formatOfEntry(request.path, entry),
            read: { cancel: cancellation(request.signal) },
          },
          readDriftConfig(entry?.drift),
        );
      } catch (err) {
        if (err instanceof NotInCacheError) return notPulled(request.folder, request.path, err.revision);
        throw err;
      }
    },

    async validate(target, profile, signal) {
      const entry = await entryOf(target.folder, target.path);
      const schema = readDatasetSchema(entry?.schema);
      if (!schema) return undefined;
      const bytes = await datasetAt(target.folder, target.path, profile.revision);
      let lastChange: Date | undefined;
      if (profile.revision === WORKSPACE) {
        try {
          lastChange = fs.statSync(path.join(target.folder, target.path)).mtime;
        } catch {
          lastChange = undefined;
        }
      }
      const result = await validateDataset(bytes.source, formatOfEntry(target.path, entry), schema, {
        read: { cancel: cancellation(signal) },
        lastChange,
      });
      return result.violations;
    },

    async inferSchemaEdits(target, configText, { cacheDir, signal }) {
      const entry = validateConfig(configText).config.datasets.find((d) => samePath(d.path, target.path));
      if (!entry)
        throw new Error(
          `mlops.yaml has no dataset with path ${target.path}: add one under datasets: (name and path), then infer its schema.`,
        );
      const profile = await profileAt({
        root: target.folder,
        path: target.path,
        format: formatOfEntry(target.path, entry),
        cache: cacheFor(cacheDir),
        read: { cancel: cancellation(signal) },
      });
      const after = setDatasetSchema(configText, entry.name, inferSchema(profile));
      return after === configText ? [] : [minimalEdit(configText, after)];
    },
  };
}
