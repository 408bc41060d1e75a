// MLflow stores in a workspace: which files are SQLite stores whatever their name, and what a store holds (runs,
// experiments, registered models), so a store without runs can be folded away instead of listed as "0 runs".
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { countRuns, listExperiments, readRegistry } from '../formats/mlflow/fileStore';
import { isMlflowSqliteStore, openMlflowDatabase, type SqliteOptions } from '../formats/mlflow/sqlite';
import { MetricsError } from '../metrics/model';

export interface MlflowStoreSummary {
  /** The `mlruns` folder or the SQLite file, absolute. */
  location: string;
  backend: 'file' | 'sqlite';
  /** Runs that are not deleted, in experiments that are not deleted. */
  runs: number;
  /** Experiments that are not deleted (MLflow creates `Default` in every store, so an empty store has one). */
  experiments: number;
  /** Registered models (with or without versions). */
  registeredModels: number;
  /** Whether the store has anything to show: a run or a registered model. */
  empty: boolean;
}

/** File extensions an SQLite store usually has; files without an extension are candidates too. */
export const SQLITE_STORE_EXTENSIONS: readonly string[] = ['.db', '.sqlite', '.sqlite3', '.db3'];
const SQLITE_EXTENSIONS = new Set(SQLITE_STORE_EXTENSIONS);

/**
 * Whether a file's name is worth checking with `isMlflowSqliteStore`: `.db`, `.sqlite`, `.sqlite3`, `.db3`, or no
 * extension (`mlruns.db`, `tracking.sqlite`, `store`). A pre-filter for scans: the check itself reads only 100
 * bytes of a file that is not SQLite.
 */
export function mayBeMlflowSqliteStore(fileName: string): boolean {
  const extension = path.extname(fileName).toLowerCase();
  return (extension === '' && !fileName.startsWith('.')) || SQLITE_EXTENSIONS.has(extension);
}

/**
 * What an MLflow store holds, for a file store folder (`mlruns`) or an SQLite store file; undefined when `location`
 * is neither (a file that is not an MLflow database, a folder without experiments or registry). Reads no metric:
 * runs are counted from their `meta.yaml` files or with one SQL count.
 */
export async function describeMlflowStore(
  location: string,
  options: SqliteOptions = {},
): Promise<MlflowStoreSummary | undefined> {
  const stat = await fs.stat(location).catch(() => undefined);
  if (!stat) return undefined;
  if (stat.isFile()) {
    if (!(await isMlflowSqliteStore(location))) return undefined;
    const db = await openMlflowDatabase(location, options);
    try {
      const runs = db.countRuns();
      const registeredModels = db.listRegisteredModels().length;
      return summary(location, 'sqlite', runs, db.listExperiments().length, registeredModels);
    } finally {
      db.close();
    }
  }
  if (!stat.isDirectory()) return undefined;
  const experiments = await listExperiments(location).catch((err: unknown) => {
    if (err instanceof MetricsError) return [];
    throw err;
  });
  const registeredModels = (await readRegistry(location)).models.length;
  if (!experiments.length && !registeredModels) return undefined;
  return summary(location, 'file', await countRuns(location), experiments.length, registeredModels);
}

function summary(
  location: string,
  backend: 'file' | 'sqlite',
  runs: number,
  experiments: number,
  registeredModels: number,
): MlflowStoreSummary {
  return { location, backend, runs, experiments, registeredModels, empty: runs === 0 && registeredModels === 0 };
}
