import fs from 'node:fs';
import path from 'node:path';
import { diffAt, profileAt } from '../../core/data/dataset';
import { datasetHistory, NotInCacheError, ProfileCache, WORKSPACE } from '../../core/data/versions';
import type { Cancellation } from '../../core/formats/data/source';
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
        const profile = await profileAt({
          root: request.folder,
          path: request.path,
          revision: request.revision,
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
      try {
        return await diffAt({
          root: request.folder,
          path: request.path,
          reference: request.reference,
          current: request.current,
          read: { cancel: cancellation(request.signal) },
        });
      } catch (err) {
        if (err instanceof NotInCacheError) return notPulled(request.folder, request.path, err.revision);
        throw err;
      }
    },

    // Schema validation and inference come with the `schema:` of mlops.yaml.
    validate: () => Promise.resolve(undefined),
    inferSchemaEdits: () =>
      Promise.reject(new Error('inferring a schema is not available in this build of MLOps Workbench')),
  };
}
