// What a model version was made of, read at its commit: the metrics and params files the workspace follows (through
// the history reader, the same values the metrics views show), the datasets with their content hash (dvc.lock,
// `.dvc` files, else the git blob id), and the environment (requirements files with their pinned lines, lock files,
// Dockerfile base images). One `git cat-file --batch` serves the datasets and the environment.
import path from 'node:path';
import { CatFileBatch, parseTree, type TreeEntry } from '../git/catFile';
import { readAtRevision } from '../git/history';
import { parseDotDvc, parseDvcLock, type DvcLock } from '../formats/dvc/project';
import type { DatasetConfig } from '../formats/mlopsYaml/model';
import type { FollowedFiles } from '../metrics/sources/types';
import { confineFollowed } from '../metrics/sources/gitHistory';
import type { Run } from '../metrics/model';
import type { ModelVersion } from './model';
import { environmentFileKind } from '../checks/builtin/environment';
import type { DatasetAtVersion, EnvironmentFile } from './types';
export type { DatasetAtVersion, EnvironmentFile };

export interface VersionDetails {
  model: string;
  version: string;
  commit?: string;
  /** The followed metrics and params files at the commit. */
  run?: Run;
  params: Record<string, string>;
  datasets: DatasetAtVersion[];
  environment: EnvironmentFile[];
  problems: string[];
}

export interface DetailsContext {
  /** The repository (or workspace folder in it). */
  root: string;
  /** The metrics and params files the workspace follows. */
  followed: FollowedFiles;
  /** mlops.yaml datasets. */
  datasets: readonly DatasetConfig[];
}

const CODE = /\.(py|ipynb|r|sh|js|ts|jl|scala|java|go|rs|c|cc|cpp|m|sql)$/i;
const LOCK_FILES = new Set(['poetry.lock', 'Pipfile.lock', 'uv.lock', 'pdm.lock', 'pylock.toml', 'conda-lock.yml']);

/** Which environment file a root-level name is: the environment check's kinds, plus lock files. */
function environmentKind(name: string): EnvironmentFile['kind'] | undefined {
  if (LOCK_FILES.has(name) || name === 'pyproject.toml') return 'lock';
  const kind = environmentFileKind(name);
  return kind === 'docker' ? 'dockerfile' : kind === 'pyproject' ? 'lock' : kind;
}

/** `name==1.2` lines of a requirements file (comments, options and unpinned lines left out), lower-cased names. */
export function pinnedRequirements(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*===?\s*([^\s;,]+)/.exec(line);
    if (m?.[1] && m[3]) out.push(`${m[1].toLowerCase().replace(/[._]+/g, '-')}==${m[3]}`);
  }
  return [...new Set(out)].sort();
}

/** The images of a Dockerfile's FROM lines (`--platform` and `AS name` left out). */
export function dockerBaseImages(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*FROM\s+(?:--\S+\s+)*(\S+)/i.exec(line);
    if (m?.[1]) out.push(m[1]);
  }
  return out;
}

/** A tree's entries by name, or undefined when the object is not a tree. */
function entries(content: Buffer | undefined, oidBytes: number): Map<string, TreeEntry> | undefined {
  if (!content) return undefined;
  return new Map(parseTree(content, oidBytes).map((e) => [e.name, e]));
}

/** Datasets and environment at `commit`, through `cat`. */
export async function readSnapshot(
  cat: CatFileBatch,
  commit: string,
  datasets: readonly DatasetConfig[],
): Promise<{ datasets: DatasetAtVersion[]; environment: EnvironmentFile[]; problems: string[] }> {
  const problems: string[] = [];
  const oidBytes = commit.length / 2;
  const [rootTree, lockObject] = await cat.readMany([`${commit}^{tree}`, `${commit}:dvc.lock`]);
  const root =
    entries(rootTree?.type === 'tree' ? rootTree.content : undefined, oidBytes) ?? new Map<string, TreeEntry>();
  let lock: DvcLock | undefined;
  if (lockObject?.type === 'blob') {
    try {
      lock = parseDvcLock(lockObject.content, `${commit.slice(0, 7)}:dvc.lock`);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }

  // Datasets: mlops.yaml's, then dvc.lock's data dependencies.
  const wanted = new Map<string, DatasetAtVersion>();
  for (const d of datasets) wanted.set(clean(d.path), { path: clean(d.path), name: d.name, hashKind: 'missing' });
  const lockEntries = new Map<string, { md5?: string; hash?: string; size?: number }>();
  for (const stage of Object.values(lock?.stages ?? {}))
    for (const e of [...stage.deps, ...stage.outs]) lockEntries.set(clean(e.path), e);
  for (const stage of Object.values(lock?.stages ?? {}))
    for (const dep of stage.deps) {
      const p = clean(dep.path);
      if (!CODE.test(p) && !wanted.has(p)) wanted.set(p, { path: p, hashKind: 'missing' });
    }
  const list = [...wanted.values()];
  const names: string[] = [];
  for (const d of list) {
    names.push(`${commit}:${d.path}.dvc`);
    const dir = path.posix.dirname(d.path);
    names.push(dir === '.' ? `${commit}^{tree}` : `${commit}:${dir}`);
  }
  const env = [...root.values()].filter((e) => environmentKind(e.name) !== undefined && e.mode !== '40000');
  const readable = env.filter(
    (e) => environmentKind(e.name) === 'requirements' || environmentKind(e.name) === 'dockerfile',
  );
  const objects = await cat.readMany([...names, ...readable.map((e) => e.oid)]);
  list.forEach((d, i) => {
    const inLock = lockEntries.get(d.path);
    if (inLock?.md5 ?? inLock?.hash) {
      d.hash = (inLock.md5 ?? inLock.hash)!;
      d.hashKind = 'dvc';
      d.from = 'dvc.lock';
      if (inLock.size !== undefined) d.size = inLock.size;
      return;
    }
    const dotDvc = objects[2 * i];
    if (dotDvc?.type === 'blob') {
      try {
        const out = parseDotDvc(dotDvc.content, `${d.path}.dvc`).outs[0];
        if (out?.md5 ?? out?.hash) {
          d.hash = (out.md5 ?? out.hash)!;
          d.hashKind = 'dvc';
          d.from = `${d.path}.dvc`;
          if (out.size !== undefined) d.size = out.size;
          return;
        }
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
    }
    const parent = objects[2 * i + 1];
    const entry = entries(parent?.type === 'tree' ? parent.content : undefined, oidBytes)?.get(
      path.posix.basename(d.path),
    );
    if (entry) {
      d.hash = entry.oid;
      d.hashKind = 'git';
      d.from = 'git';
    }
  });

  const environment: EnvironmentFile[] = env.map((e) => ({
    path: e.name,
    kind: environmentKind(e.name)!,
    hash: e.oid,
  }));
  readable.forEach((e, i) => {
    const file = environment.find((f) => f.path === e.name)!;
    const blob = objects[names.length + i];
    if (blob?.type !== 'blob') return;
    const text = blob.content.toString('utf8');
    if (file.kind === 'requirements') file.pinned = pinnedRequirements(text);
    else file.baseImages = dockerBaseImages(text);
  });
  return { datasets: list.sort((a, b) => (a.path < b.path ? -1 : 1)), environment, problems };
}

function clean(p: string): string {
  return p.replace(/^\.\//, '').replace(/\/$/, '');
}

/** Details of `version`: its metrics and params, datasets and environment at its commit. */
export async function versionDetails(
  version: ModelVersion,
  context: DetailsContext,
  cat?: CatFileBatch,
): Promise<VersionDetails> {
  const details: VersionDetails = {
    model: version.model,
    version: version.version,
    params: {},
    datasets: [],
    environment: [],
    problems: [],
  };
  if (!version.commit) return details;
  details.commit = version.commit;
  const own = cat === undefined;
  const batch = cat ?? new CatFileBatch(context.root);
  try {
    const { followed } = confineFollowed(context.root, context.followed);
    const [atRevision, snapshot] = await Promise.all([
      readAtRevision(context.root, version.commit, {
        metrics: followed.metrics,
        params: followed.params,
        plots: [],
        decorate: false,
      }),
      readSnapshot(batch, version.commit, context.datasets),
    ]);
    details.run = { ...atRevision.run, label: `${version.model} ${version.version}` };
    details.params = atRevision.run.params;
    for (const e of atRevision.errors) details.problems.push(e.message);
    details.datasets = snapshot.datasets;
    details.environment = snapshot.environment;
    for (const p of snapshot.problems) details.problems.push(p);
  } finally {
    if (own) await batch.close();
  }
  return details;
}
