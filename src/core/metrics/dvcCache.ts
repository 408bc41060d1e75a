// Metric values of past revisions from the local DVC cache. On a DVC project a stage's metrics file is often an
// output DVC caches: dvc.lock holds its hash, git does not hold the file, so the git history has no values for it.
// `dvc exp run`, `dvc repro` and `dvc fetch` leave those bytes in `.dvc/cache`, where `dvc exp show` reads them; this
// reads them from there too (a file out by its md5, a file inside a cached folder through the folder's `.dir`
// listing), through the same metrics-file reader as every other source.
import fs from 'node:fs';
import path from 'node:path';
import { dvcCachePaths } from '../data/versions';
import { md5InDirListing } from '../formats/dvc/dirListing';
import { combineFiles } from '../formats/dvc/project';
import { CatFileBatch } from '../git/catFile';
import { explainAbsent } from './absence';
import type { Run } from './model';

/** A cached metrics file larger than this is not read (metrics files are small; the readers' limit elsewhere). */
const MAX_CACHED_BYTES = 16 * 1024 * 1024;
/** Revisions looked at, at most (each is one batch of small git reads). */
const MAX_REVISIONS = 5000;

/**
 * The bytes of a cache object, or undefined when the cache does not hold it (or it is too large). DVC 3 keeps them
 * under `files/md5`, DVC 2 directly under the cache: both are tried.
 */
function cacheObject(root: string, md5: string): Buffer | undefined {
  for (const file of dvcCachePaths(root, md5, true)) {
    try {
      const stat = fs.statSync(file);
      if (!stat.isFile() || stat.size > MAX_CACHED_BYTES) return undefined;
      return fs.readFileSync(file);
    } catch {
      // Not in this layout: try the other.
    }
  }
  return undefined;
}

/**
 * The DVC files whose changes are revisions of DVC-cached metrics files (dvc.lock, `<file>.dvc`): none unless the
 * folder is a DVC project and a followed metrics file is not held by git at HEAD. Such a file changes in git only
 * through its recorded hash, so the history follows these files too (their values come from the DVC cache).
 */
export async function dvcMetricsMarkers(root: string, metricsFiles: readonly string[]): Promise<string[]> {
  if (metricsFiles.length === 0 || !fs.existsSync(path.join(root, '.dvc'))) return [];
  const cat = new CatFileBatch(root);
  try {
    // `HEAD:./<path>` is relative to the folder cat-file runs in (the project may be a subfolder of the repository).
    const objects = await cat.readMany(metricsFiles.map((f) => `HEAD:./${f}`));
    if (objects.every((o) => o?.type === 'blob')) return [];
  } catch {
    return []; // No commit yet, or git cannot read: the history explains that itself.
  } finally {
    await cat.close();
  }
  return ['dvc.lock', ...metricsFiles.map((f) => `${f}.dvc`)];
}

/**
 * Fills the runs of revisions that have no metric values with those of their DVC-tracked metrics files found in the
 * local DVC cache. Returns how many runs it filled. `metricsFiles` are the followed metrics files (relative, posix).
 */
export async function fillMetricsFromDvcCache(
  root: string,
  metricsFiles: readonly string[],
  runs: readonly Run[],
): Promise<number> {
  if (metricsFiles.length === 0 || !fs.existsSync(path.join(root, '.dvc', 'cache'))) return 0;
  const empty = runs
    .filter((r) => r.revision && r.metrics.length === 0 && !r.textMetrics?.length)
    .slice(0, MAX_REVISIONS);
  if (empty.length === 0) return 0;
  const cat = new CatFileBatch(root);
  const names = ['dvc.yaml', 'dvc.lock', ...metricsFiles.map((f) => `${f}.dvc`)];
  // Revisions mostly share their DVC files (experiments of one baseline): explained once per set of blobs.
  const explained = new Map<string, Awaited<ReturnType<typeof explainAbsent>>>();
  let filled = 0;
  try {
    for (const run of empty) {
      const revision = run.revision!;
      const objects = await cat.readMany(names.map((n) => `${revision}:${n}`));
      const blobs = new Map<string, Buffer>();
      objects.forEach((o, i) => {
        if (o?.type === 'blob') blobs.set(names[i]!, o.content);
      });
      if (blobs.size === 0) continue;
      const key = objects.map((o) => (o?.type === 'blob' ? o.oid : '')).join(' ');
      let absent = explained.get(key);
      if (!absent) {
        absent = await explainAbsent(metricsFiles, (rel) => blobs.get(rel));
        explained.set(key, absent);
      }
      const loaded = [];
      for (const a of absent) {
        if (a.state !== 'not-pulled' || !a.md5) continue;
        let content: Buffer | undefined;
        if (a.within) {
          const listing = a.md5.endsWith('.dir') ? cacheObject(root, a.md5) : undefined;
          const md5 = listing && md5InDirListing(listing, path.posix.relative(a.within, a.path));
          content = md5 ? cacheObject(root, md5) : undefined;
        } else content = cacheObject(root, a.md5);
        if (!content) continue;
        const shortSha = run.revisionInfo?.shortSha ?? revision.slice(0, 7);
        loaded.push({ path: a.path, role: 'metrics' as const, content, location: `${shortSha}:${a.path} (DVC cache)` });
      }
      if (loaded.length === 0) continue;
      // Each file on its own, as the history reader combines a revision's metrics files.
      const textMetrics = [];
      for (const file of loaded) {
        const combined = combineFiles([file]);
        for (const series of combined.metrics) run.metrics.push(series);
        for (const text of combined.textMetrics) textMetrics.push(text);
      }
      if (textMetrics.length) run.textMetrics = [...(run.textMetrics ?? []), ...textMetrics];
      if (run.metrics.length || textMetrics.length) filled++;
    }
  } finally {
    await cat.close();
  }
  return filled;
}
