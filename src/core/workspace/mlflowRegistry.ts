// The explorer's view of an MLflow model registry, one entry per live model version, whatever the backend: a file
// store (`mlruns/models/<name>/version-<N>/meta.yaml`), an SQLite store (`mlflow.db`, or any file
// `isMlflowSqliteStore` recognises) or a tracking server (its REST API). Each backend is read by its MLflow reader
// (the file store's `readRegistry`, the database's `listRegisteredModels`, the REST client's `listRegisteredModels`:
// the ones the Experiments view and the CLI use); this maps their entities to ours, in the same shape for the same
// model.
import { promises as fs } from 'node:fs';
import type { ModelStage } from '../formats/mlopsYaml/model';
import { type MlflowRegisteredModel } from '../formats/mlflow/entities';
import { readRegistry } from '../formats/mlflow/fileStore';
import { type MlflowRestClient } from '../formats/mlflow/rest';
import { openMlflowDatabase, type SqliteOptions } from '../formats/mlflow/sqlite';
import { MetricsError } from '../metrics/model';

export interface RegisteredModelVersion {
  /** The registered model's name. */
  name: string;
  version: string;
  /**
   * Where the version is stored: its folder in a file store (`<store>/models/<name>/version-<N>`, absolute), the
   * database file in an SQLite store (absolute), the server's address on a tracking server (never with credentials).
   */
  folder: string;
  /** The backend: a file store (`mlruns`), an SQLite store (`mlflow.db`) or a tracking server (REST). */
  backend: RegistryBackend;
  /** The version's description, else its registered model's (for display). */
  description?: string;
  /** The version's own description (MLflow's notes on the version). */
  versionDescription?: string;
  /** The registered model's description. */
  modelDescription?: string;
  /** MLflow's legacy stage (`None`, `Staging`, `Production`, `Archived`) mapped to ours; undefined for `None`. */
  stage?: ModelStage;
  runId?: string;
  /** Where the model's files are (`runs:/...`, `models:/...` or a path). */
  source?: string;
  status?: string;
  aliases: string[];
  tags: Record<string, string>;
  /** Milliseconds since the epoch. */
  created?: number;
  /** When the version last changed (a stage transition, a new description), in milliseconds since the epoch. */
  lastUpdated?: number;
  /** Who registered it (MLflow's `user_id`), when the store records one. */
  user?: string;
}

export type RegistryBackend = 'file' | 'sqlite' | 'server';

export interface RegistryProblem {
  file: string;
  message: string;
}

export interface RegistryContents {
  versions: RegisteredModelVersion[];
  problems: RegistryProblem[];
}

const STAGES: Record<string, ModelStage> = { staging: 'staging', production: 'production', archived: 'archived' };

/**
 * Reads the registry of the MLflow store at `store`: a file store folder (the `mlruns` folder) or an SQLite store
 * file. A store without models gives nothing; what cannot be read is in `problems`, and the rest is listed.
 * `options` tell where sql.js is (SQLite stores only).
 */
export async function readMlflowRegistry(store: string, options: SqliteOptions = {}): Promise<RegistryContents> {
  const isFile = await fs.stat(store).then(
    (s) => s.isFile(),
    () => false,
  );
  const { models, problems } = isFile ? await readDatabaseRegistry(store, options) : await readRegistry(store);
  const versions = registryVersions(models, isFile ? 'sqlite' : 'file', isFile ? store : undefined);
  return {
    versions,
    problems: problems.map((p) => ({
      file: p.location,
      message: p.message.replace(/\.?$/, '; this registry entry is skipped.'),
    })),
  };
}

/**
 * The registry of a tracking server, read with `client` (its limits, timeout and token). A server that cannot be
 * read (unreachable, refused, over a limit) is one problem naming the server's address and what to do.
 */
export async function readServerRegistry(client: MlflowRestClient): Promise<RegistryContents> {
  try {
    return { versions: registryVersions(await client.listRegisteredModels(), 'server', client.baseUrl), problems: [] };
  } catch (err) {
    if (!(err instanceof MetricsError)) throw err;
    return { versions: [], problems: [{ file: client.baseUrl, message: err.message }] };
  }
}

/**
 * One entry per live version of `models`, in name and version order. `where` is the store of every version (a
 * database file, a server's address); without it each version's own folder (a file store), and a version without
 * one is left out.
 */
export function registryVersions(
  models: MlflowRegisteredModel[],
  backend: RegistryBackend,
  where?: string,
): RegisteredModelVersion[] {
  const versions: RegisteredModelVersion[] = [];
  for (const model of models) {
    const aliasesByVersion = new Map<string, string[]>();
    for (const [alias, version] of Object.entries(model.aliases))
      aliasesByVersion.set(version, [...(aliasesByVersion.get(version) ?? []), alias]);
    for (const v of model.versions) {
      const folder = where ?? v.folder;
      if (folder === undefined) continue;
      const item: RegisteredModelVersion = {
        name: model.name,
        version: v.version,
        folder,
        backend,
        aliases: [...new Set(aliasesByVersion.get(v.version) ?? [])].sort(),
        tags: v.tags,
      };
      const description = v.description || model.description;
      if (description) item.description = description;
      if (v.description) item.versionDescription = v.description;
      if (model.description) item.modelDescription = model.description;
      const stage = STAGES[String(v.stage).toLowerCase()];
      if (stage) item.stage = stage;
      if (v.runId) item.runId = v.runId;
      if (v.source) item.source = v.source;
      if (v.status) item.status = v.status;
      if (v.creationTime !== undefined) item.created = v.creationTime;
      if (v.lastUpdatedTime !== undefined) item.lastUpdated = v.lastUpdatedTime;
      if (v.userId) item.user = v.userId;
      versions.push(item);
    }
  }
  versions.sort((a, b) => a.name.localeCompare(b.name) || Number(a.version) - Number(b.version));
  return versions;
}

/** The registry of an SQLite store; a database that cannot be read is one problem. */
async function readDatabaseRegistry(
  file: string,
  options: SqliteOptions,
): Promise<{ models: MlflowRegisteredModel[]; problems: MetricsError[] }> {
  try {
    const db = await openMlflowDatabase(file, options);
    try {
      return { models: db.listRegisteredModels(), problems: [] };
    } finally {
      db.close();
    }
  } catch (err) {
    if (!(err instanceof MetricsError)) throw err;
    return { models: [], problems: [err] };
  }
}
