import fs from 'node:fs';
import path from 'node:path';
import { formatOfEntry, samePath } from '../../core/data/datasetWork';
import { inferSchema } from '../../core/data/schema';
import { datasetHistory, WORKSPACE } from '../../core/data/versions';
import { setDatasetSchema } from '../../core/formats/mlopsYaml/edits';
import { validateConfig } from '../../core/formats/mlopsYaml/validate';
import type { CoreWork } from '../../core/worker/client';
import type { DatasetFacts, DatasetVersionInfo } from '../../protocol/dataset';
import type { DatasetFeatureData } from './register';

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
 * The Dataset panel's data: the data-metrics functions of src/core/data, run in the background worker (profiles,
 * drift and schema validation read every row there, off the editor's thread; cancelling stops the worker's read).
 * Profiles are cached by content hash in `cacheDir` (one JSON per hash), so reopening a dataset whose bytes did not
 * change reads no data.
 */
export function coreDatasetData(work: CoreWork): DatasetFeatureData {
  return {
    async profile(request) {
      return work.run(
        {
          kind: 'profileDataset',
          root: request.folder,
          path: request.path,
          revision: request.revision,
          cacheDir: request.cacheDir,
        },
        {
          signal: request.signal,
          ...(request.onProgress ? { onProgress: (p) => request.onProgress?.(p.message, p.fraction) } : {}),
        },
      );
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
      // The dataset's `drift:` settings in mlops.yaml (tests, thresholds, share) apply there as in the data-drift check.
      return work.run(
        {
          kind: 'diffDataset',
          root: request.folder,
          path: request.path,
          reference: request.reference,
          current: request.current,
        },
        { signal: request.signal },
      );
    },

    async validate(target, profile, signal) {
      const violations = await work.run(
        { kind: 'validateDataset', root: target.folder, path: target.path, revision: profile.revision },
        { signal },
      );
      return violations ?? undefined;
    },

    async inferSchemaEdits(target, configText, { cacheDir, signal }) {
      const entry = validateConfig(configText).config.datasets.find((d) => samePath(d.path, target.path));
      if (!entry)
        throw new Error(
          `mlops.yaml has no dataset with path ${target.path}: add one under datasets: (name and path), then infer its schema.`,
        );
      const profiled = await work.run(
        {
          kind: 'profileDataset',
          root: target.folder,
          path: target.path,
          revision: WORKSPACE,
          cacheDir,
          format: formatOfEntry(target.path, entry),
        },
        { signal },
      );
      if ('notPulled' in profiled)
        throw new Error(`${target.path} is not in the local cache: ${profiled.notPulled.command}`);
      const after = setDatasetSchema(configText, entry.name, inferSchema(profiled.profile));
      return after === configText ? [] : [minimalEdit(configText, after)];
    },
  };
}
