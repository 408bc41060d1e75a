// The workspace as a model "version" (to compare a registered version with what is on disk now), and the row counts
// of CSV datasets on either side of a comparison when the data is readable: a git blob, a file of the DVC cache, or
// the workspace file.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CatFileBatch } from '../git/catFile';
import { commitsBetween, resolveCommit } from '../git/commands';
import { dvcCachePaths } from '../data/versions';
import { readCsv } from '../formats/data/csv';
import type { DataSource, RowSink } from '../formats/data/source';
import { parseDotDvc, parseDvcLock, type DvcLockEntry } from '../formats/dvc/project';
import { readWorkspaceRun } from '../metrics/sources/workspaceFiles';
import { confineFollowed } from '../metrics/sources/gitHistory';
import { dvcDirectoryHash, hashFile } from '../workspace/hash';
import type { Goal } from '../metrics/diff';
import {
  dockerBaseImages,
  pinnedRequirements,
  readSnapshot,
  type DetailsContext,
  type VersionDetails,
} from './details';
import { compareDetails, type VersionDiff } from './diff';
import type { ModelVersion } from './model';
import { versionDetails } from './details';

/** The label of the workspace side of a comparison. */
export const WORKSPACE_VERSION = 'workspace';

const clean = (p: string): string => p.replace(/^\.\//, '').replace(/\/$/, '');

/** git's blob id of a buffer (sha1 of `blob <size>\0<content>`). */
export function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

async function readIfFile(file: string): Promise<Buffer | undefined> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() ? await fs.readFile(file) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The workspace's details: the followed metrics and params files as they are now, the datasets hashed as DVC hashes
 * them when DVC tracks them (else as git would), and the environment files with git's blob ids. The datasets listed
 * are those of HEAD's snapshot (mlops.yaml datasets and dvc.lock data dependencies).
 */
export async function workspaceDetails(model: string, context: DetailsContext): Promise<VersionDetails> {
  const details: VersionDetails = {
    model,
    version: WORKSPACE_VERSION,
    params: {},
    datasets: [],
    environment: [],
    problems: [],
  };
  const root = context.root;
  const { followed } = confineFollowed(root, context.followed);
  const [{ run, problems }, head] = await Promise.all([
    readWorkspaceRun(root, followed, 'file'),
    resolveCommit({ root }, 'HEAD').catch(() => undefined),
  ]);
  if (run) {
    details.run = { ...run, label: `${model} ${WORKSPACE_VERSION}` };
    details.params = run.params;
  }
  for (const p of problems) if (p.severity !== 'info') details.problems.push(p.message);

  // Which datasets DVC tracks now, from the workspace's dvc.lock and .dvc files.
  const tracked = new Map<string, DvcLockEntry>();
  const lockText = await readIfFile(path.join(root, 'dvc.lock'));
  if (lockText) {
    try {
      for (const stage of Object.values(parseDvcLock(lockText, 'dvc.lock').stages))
        for (const e of [...stage.deps, ...stage.outs]) tracked.set(clean(e.path), e);
    } catch (err) {
      details.problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  let paths: { path: string; name?: string }[] = context.datasets.map((d) => ({ path: clean(d.path), name: d.name }));
  if (head) {
    const cat = new CatFileBatch(root);
    try {
      const snapshot = await readSnapshot(cat, head, context.datasets);
      paths = snapshot.datasets.map((d) => (d.name ? { path: d.path, name: d.name } : { path: d.path }));
      for (const e of snapshot.environment) details.environment.push({ path: e.path, kind: e.kind, hash: '' });
    } finally {
      await cat.close();
    }
  }
  for (const d of paths) {
    const file = path.join(root, d.path);
    const entry: VersionDetails['datasets'][number] = { path: d.path, hashKind: 'missing' };
    if (d.name) entry.name = d.name;
    let dvc = tracked.has(d.path);
    if (!dvc) {
      const dotDvc = await readIfFile(`${file}.dvc`);
      if (dotDvc) {
        try {
          dvc = parseDotDvc(dotDvc, `${d.path}.dvc`).outs.length > 0;
        } catch {
          dvc = false;
        }
      }
    }
    const stat = await fs.stat(file).catch(() => undefined);
    if (stat?.isDirectory() && dvc) {
      const dir = await dvcDirectoryHash(file);
      Object.assign(entry, { hash: dir.md5, hashKind: 'dvc', from: 'workspace', size: dir.size });
    } else if (stat?.isFile()) {
      if (dvc) {
        const h = await hashFile(file, { algorithm: 'md5' });
        if (h.status === 'hashed') Object.assign(entry, { hash: h.hash, hashKind: 'dvc', from: 'workspace' });
      } else {
        const content = await readIfFile(file);
        if (content) Object.assign(entry, { hash: gitBlobId(content), hashKind: 'git', from: 'workspace' });
      }
      entry.size = stat.size;
    }
    details.datasets.push(entry);
  }
  // The environment files as they are now (the ones at HEAD, and any at the root now).
  const names = new Set(details.environment.map((e) => e.path));
  details.environment = [];
  for (const name of names) {
    const content = await readIfFile(path.join(root, name));
    if (!content) continue;
    const kind = /dockerfile/i.test(name)
      ? 'dockerfile'
      : /requirements.*\.txt$/i.test(name)
        ? 'requirements'
        : /environment\.ya?ml$/i.test(name)
          ? 'conda'
          : 'lock';
    const file: VersionDetails['environment'][number] = { path: name, kind, hash: gitBlobId(content) };
    if (kind === 'requirements') file.pinned = pinnedRequirements(content.toString('utf8'));
    if (kind === 'dockerfile') file.baseImages = dockerBaseImages(content.toString('utf8'));
    details.environment.push(file);
  }
  return details;
}

/** Compares a version with the workspace: its details against the workspace's, commits from it to HEAD. */
export async function diffWithWorkspace(
  version: ModelVersion,
  context: DetailsContext,
  goals: Readonly<Record<string, Goal>> = {},
): Promise<VersionDiff> {
  const [a, b, commits] = await Promise.all([
    versionDetails(version, context),
    workspaceDetails(version.model, context),
    version.commit ? commitsBetween({ root: context.root }, version.commit, 'HEAD') : Promise.resolve([]),
  ]);
  return compareDetails(a, b, commits, context.root, goals);
}

// Row counts parse the data with the dataset reader (quoted newlines are one row), synchronously: the cap keeps a
// comparison from holding the editor for long.
const ROWS_MAX_BYTES = 64 * 1024 * 1024;

/** Data rows of a CSV/TSV source read with its header (rows with a wrong field count are rows too). */
function rowsOf(source: DataSource, tsv: boolean): number | undefined {
  let rows = 0;
  const sink: RowSink = {
    columns: () => undefined,
    row: () => void rows++,
    bad: () => void rows++,
  };
  try {
    readCsv(source, sink, tsv ? { header: true, preferDelimiter: '\t' } : { header: true });
  } catch {
    return undefined;
  }
  return rows;
}

/** Data rows of CSV (or TSV) text, less the header. */
export function csvRows(content: Buffer, tsv = false): number {
  return rowsOf({ kind: 'buffer', bytes: content, name: 'data' }, tsv) ?? 0;
}

async function csvRowsOfFile(file: string, tsv: boolean): Promise<number | undefined> {
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile() || stat.size > ROWS_MAX_BYTES) return undefined;
  return rowsOf({ kind: 'file', path: file }, tsv);
}

/**
 * Fills `rows` of the changed CSV/TSV datasets of a comparison: each side's rows when its data can be read (a git blob,
 * the DVC cache, or the workspace file for the workspace side).
 */
export async function addRowCounts(diff: VersionDiff, root: string): Promise<void> {
  const csv = diff.datasets.filter((d) => /\.(csv|tsv)$/i.test(d.path));
  if (!csv.length) return;
  const cat = new CatFileBatch(root);
  try {
    const count = async (
      hash: string | undefined,
      side: VersionDetails,
      datasetPath: string,
    ): Promise<number | undefined> => {
      const tsv = /\.tsv$/i.test(datasetPath);
      if (side.version === WORKSPACE_VERSION) return csvRowsOfFile(path.join(root, datasetPath), tsv);
      if (!hash) return undefined;
      const kind = side.datasets.find((d) => d.path === datasetPath)?.hashKind;
      if (kind === 'git') {
        const [object] = await cat.readMany([hash]);
        return object?.type === 'blob' && object.content.length <= ROWS_MAX_BYTES
          ? csvRows(object.content, tsv)
          : undefined;
      }
      if (kind === 'dvc' && /^[0-9a-f]{32}$/.test(hash))
        for (const file of dvcCachePaths(root, hash, true)) {
          const rows = await csvRowsOfFile(file, tsv);
          if (rows !== undefined) return rows;
        }
      return undefined;
    };
    for (const d of csv) {
      const [before, after] = await Promise.all([count(d.old, diff.a, d.path), count(d.new, diff.b, d.path)]);
      if (before === undefined && after === undefined) continue;
      d.rows = {};
      if (before !== undefined) d.rows.old = before;
      if (after !== undefined) d.rows.new = after;
    }
  } finally {
    await cat.close();
  }
}
