// A dataset at a revision: from the working tree, from a git blob, or (for DVC-tracked data) from the local DVC
// cache by the md5 its `.dvc` file or dvc.lock recorded at that revision (`.dvc/cache/files/md5/xx/yyyy` for DVC 3,
// `.dvc/cache/xx/yyyy` for DVC 2). How often it changed comes from the git history of the file, its `.dvc` file and
// the dvc.lock entries that name it. Profiles are cached by content hash (src/core/formats/data/profileCache.ts).
import fs from 'node:fs';
import path from 'node:path';
import { type DataSource } from '../formats/data/source';
import { parseDotDvc, parseDvcLock } from '../formats/dvc/project';
import { explainAbsentInWorkspace } from '../metrics/absence';
import { CatFileBatch } from '../git/catFile';
import { runGit } from '../git/run';

export const WORKSPACE = 'workspace';

/** The dataset is tracked by DVC but its bytes are not in the local cache. */
export class NotInCacheError extends Error {
  constructor(
    readonly dataPath: string,
    readonly revision: string,
    /** The DVC-tracked folder that holds the file, when DVC tracks the folder rather than the file. */
    readonly within?: string,
  ) {
    super(
      revision === WORKSPACE
        ? `${dataPath} is tracked by DVC but not pulled: it is not in the working tree nor in the local cache: dvc pull ${within ?? dataPath}`
        : `${dataPath} at ${revision} is not in the local cache: dvc pull ${within ?? dataPath}`,
    );
    this.name = 'NotInCacheError';
  }
}

export class DatasetNotFoundError extends Error {
  constructor(dataPath: string, revision: string) {
    super(
      revision === WORKSPACE
        ? `${dataPath} does not exist in the working tree.`
        : `${dataPath} does not exist at ${revision} (neither in git nor in a .dvc file or dvc.lock).`,
    );
    this.name = 'DatasetNotFoundError';
  }
}

export interface DatasetBytes {
  source: DataSource;
  /** md5 from DVC when known (the cache key), else undefined (the caller hashes the bytes). */
  md5?: string;
  storage: 'workspace' | 'git' | 'dvc-cache';
}

function posix(p: string): string {
  return p.split(path.sep).join('/').replace(/^\.\//, '');
}

/** The md5 DVC recorded for `dataPath` in a `.dvc` file's or dvc.lock's text; `dvc3` when `hash: md5` marks DVC 3. */
export function dvcMd5(
  dataPath: string,
  dotDvc: string | undefined,
  dvcLock: string | undefined,
): { md5: string; dvc3: boolean } | undefined {
  const target = posix(dataPath);
  if (dotDvc !== undefined) {
    const parsed = parseDotDvc(dotDvc, `${target}.dvc`);
    const folder = path.posix.dirname(target);
    for (const out of parsed.outs) {
      const full = posix(path.posix.normalize(path.posix.join(folder, parsed.wdir, out.path)));
      if (full === target && out.md5) return { md5: out.md5, dvc3: out.hash === 'md5' };
    }
  }
  if (dvcLock !== undefined) {
    const lock = parseDvcLock(dvcLock, 'dvc.lock');
    for (const stage of Object.values(lock.stages))
      for (const entry of [...stage.outs, ...stage.deps])
        if (posix(path.posix.normalize(entry.path)) === target && entry.md5)
          return { md5: entry.md5, dvc3: entry.hash === 'md5' };
  }
  return undefined;
}

/** Where DVC keeps an md5's bytes; the DVC 3 path first when the entry says so. */
export function dvcCachePaths(root: string, md5: string, dvc3: boolean): string[] {
  const v3 = path.join(root, '.dvc', 'cache', 'files', 'md5', md5.slice(0, 2), md5.slice(2));
  const v2 = path.join(root, '.dvc', 'cache', md5.slice(0, 2), md5.slice(2));
  return dvc3 ? [v3, v2] : [v2, v3];
}

function checkRevision(revision: string): void {
  if (revision.startsWith('-') || /[\s\n\r:]/.test(revision)) throw new Error(`'${revision}' is not a revision name.`);
}

function readIfFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A data file absent from the working tree: DVC-tracked ones (a `.dvc` file or a dvc.lock out, as on a fresh clone)
 * are read from the local cache when `dvc fetch` put them there, else they are not pulled (NotInCacheError, with the
 * `dvc pull` target); the others do not exist (DatasetNotFoundError).
 */
async function notInWorkingTree(root: string, rel: string): Promise<DatasetBytes> {
  let hit: { md5: string; dvc3: boolean } | undefined;
  try {
    hit = dvcMd5(rel, readIfFile(path.join(root, `${rel}.dvc`)), readIfFile(path.join(root, 'dvc.lock')));
  } catch {
    hit = undefined; // DVC metadata that does not parse: the DVC reader reports it where it is shown.
  }
  if (hit) {
    for (const cached of dvcCachePaths(root, hit.md5, hit.dvc3))
      if (fs.existsSync(cached)) return { source: { kind: 'file', path: cached }, md5: hit.md5, storage: 'dvc-cache' };
    throw new NotInCacheError(rel, WORKSPACE);
  }
  // Inside a DVC-tracked folder (a folder out or a `dvc add`ed folder): DVC pulls the folder.
  const [absent] = await explainAbsentInWorkspace(root, [rel]);
  if (absent?.state === 'not-pulled') throw new NotInCacheError(rel, WORKSPACE, absent.within);
  throw new DatasetNotFoundError(rel, WORKSPACE);
}

/** The dataset's bytes at a revision (`workspace` for the working tree). `root` is the repository's top folder. */
export async function datasetAt(root: string, dataPath: string, revision: string): Promise<DatasetBytes> {
  const rel = posix(dataPath);
  if (revision === WORKSPACE) {
    const file = path.join(root, rel);
    if (fs.existsSync(file)) return { source: { kind: 'file', path: file }, storage: 'workspace' };
    return notInWorkingTree(root, rel);
  }
  checkRevision(revision);
  const cat = new CatFileBatch(root);
  try {
    const [blob, dotDvc, lock] = await cat.readMany([
      `${revision}:${rel}`,
      `${revision}:${rel}.dvc`,
      `${revision}:dvc.lock`,
    ]);
    if (blob && blob.type === 'blob')
      return { source: { kind: 'buffer', bytes: blob.content, name: `${rel}@${revision}` }, storage: 'git' };
    const hit = dvcMd5(
      rel,
      dotDvc?.type === 'blob' ? dotDvc.content.toString('utf8') : undefined,
      lock?.type === 'blob' ? lock.content.toString('utf8') : undefined,
    );
    if (!hit) throw new DatasetNotFoundError(rel, revision);
    for (const file of dvcCachePaths(root, hit.md5, hit.dvc3))
      if (fs.existsSync(file)) return { source: { kind: 'file', path: file }, md5: hit.md5, storage: 'dvc-cache' };
    throw new NotInCacheError(rel, revision);
  } finally {
    await cat.close();
  }
}

export interface DatasetChange {
  commit: string;
  /** ISO 8601 commit date. */
  date: string;
  subject: string;
}

export interface DatasetHistory {
  /** Commits that changed the data (newest first). */
  changes: DatasetChange[];
  /** Mean days between consecutive changes; undefined with fewer than two. */
  meanDaysBetween?: number;
}

/**
 * The commits that changed a dataset: those touching the file or its `.dvc` file, and those touching dvc.lock where
 * the md5 recorded for the dataset differs from the previous one.
 */
export async function datasetHistory(root: string, dataPath: string, maxCount = 1000): Promise<DatasetHistory> {
  const rel = posix(dataPath);
  const log = await runGit(root, [
    'log',
    `--max-count=${maxCount}`,
    '--format=%H%x09%cI%x09%s',
    '--name-only',
    '--',
    rel,
    `${rel}.dvc`,
    'dvc.lock',
  ]);
  if (log.code !== 0) return { changes: [] };
  const commits: (DatasetChange & { files: string[] })[] = [];
  for (const line of log.stdout.toString('utf8').split('\n')) {
    if (line === '') continue;
    const parts = line.split('\t');
    if (parts.length >= 3 && /^[0-9a-f]{40}$/.test(parts[0] ?? ''))
      commits.push({
        commit: parts[0] as string,
        date: parts[1] as string,
        subject: parts.slice(2).join('\t'),
        files: [],
      });
    else commits.at(-1)?.files.push(line);
  }
  // dvc.lock-only commits count when the dataset's md5 changed from the commit before (oldest first).
  const lockOnly = commits.filter((c) => !c.files.includes(rel) && !c.files.includes(`${rel}.dvc`));
  const md5At = new Map<string, string | undefined>();
  if (lockOnly.length > 0) {
    const cat = new CatFileBatch(root);
    try {
      const names = lockOnly.flatMap((c) => [`${c.commit}:dvc.lock`, `${c.commit}^:dvc.lock`]);
      const blobs = await cat.readMany(names);
      lockOnly.forEach((c, i) => {
        const md5 = (b: (typeof blobs)[number]): string | undefined => {
          if (!b || b.type !== 'blob') return undefined;
          try {
            return dvcMd5(rel, undefined, b.content.toString('utf8'))?.md5;
          } catch {
            return undefined;
          }
        };
        const now = md5(blobs[2 * i]);
        const before = md5(blobs[2 * i + 1]);
        md5At.set(c.commit, now !== before ? (now ?? 'gone') : undefined);
      });
    } finally {
      await cat.close();
    }
  }
  const changes = commits
    .filter((c) => !lockOnly.includes(c) || md5At.get(c.commit) !== undefined)
    .map(({ commit, date, subject }) => ({ commit, date, subject }));
  const history: DatasetHistory = { changes };
  if (changes.length >= 2) {
    const newest = Date.parse((changes[0] as DatasetChange).date);
    const oldest = Date.parse((changes.at(-1) as DatasetChange).date);
    history.meanDaysBetween = (newest - oldest) / 86_400_000 / (changes.length - 1);
  }
  return history;
}
