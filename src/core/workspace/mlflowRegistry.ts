// The model registry of an MLflow store, one entry per live model version, whatever the backend: a file store
// (`mlruns/models/<name>/version-<N>/meta.yaml`) or an SQLite store (`mlflow.db`, or any file `isMlflowSqliteStore`
// recognises). Both backends are read by the MLflow readers and give the same shape for the same model.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ModelStage } from '../config/model';
import { listRegisteredModels } from '../metrics/mlflow/fileStore';
import { type MlflowRegisteredModel } from '../metrics/mlflow/entities';
import { openMlflowDatabase, type SqliteOptions } from '../metrics/mlflow/sqlite';
import { MetricsError } from '../metrics/model';

export interface RegisteredModelVersion {
  /** The registered model's name. */
  name: string;
  version: string;
  /**
   * Where the version is stored, absolute: its folder in a file store (`<store>/models/<name>/version-<N>`), the
   * database file in an SQLite store.
   */
  folder: string;
  /** The backend: a file store (`mlruns`) or an SQLite store (`mlflow.db`). */
  backend: 'file' | 'sqlite';
  description?: string;
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
}

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
  const result: RegistryContents = { versions: [], problems: [] };
  const isFile = await fs.stat(store).then(
    (s) => s.isFile(),
    () => false,
  );
  const problems: MetricsError[] = [];
  let models: MlflowRegisteredModel[] = [];
  try {
    if (isFile) {
      const db = await openMlflowDatabase(store, options);
      try {
        models = db.listRegisteredModels();
      } finally {
        db.close();
      }
    } else models = await listRegisteredModels(store, { problems });
  } catch (err) {
    if (!(err instanceof MetricsError)) throw err;
    problems.push(err);
  }
  for (const p of problems)
    result.problems.push({ file: p.location, message: `${p.message} This registry entry is skipped.` });
  for (const model of models) {
    const aliasesByVersion = new Map<string, string[]>();
    for (const [alias, version] of Object.entries(model.aliases))
      aliasesByVersion.set(version, [...(aliasesByVersion.get(version) ?? []), alias]);
    for (const v of model.versions) {
      const item: RegisteredModelVersion = {
        name: model.name,
        version: v.version,
        folder: isFile ? store : path.join(store, 'models', model.name, `version-${v.version}`),
        backend: isFile ? 'sqlite' : 'file',
        aliases: [...new Set(aliasesByVersion.get(v.version) ?? [])].sort(),
        tags: v.tags,
      };
      const description = v.description || model.description;
      if (description) item.description = description;
      const stage = STAGES[String(v.stage).toLowerCase()];
      if (stage) item.stage = stage;
      if (v.runId) item.runId = v.runId;
      if (v.source) item.source = v.source;
      if (v.status) item.status = v.status;
      if (v.creationTime !== undefined) item.created = v.creationTime;
      result.versions.push(item);
    }
  }
  result.versions.sort((a, b) => a.name.localeCompare(b.name) || Number(a.version) - Number(b.version));
  return result;
}
