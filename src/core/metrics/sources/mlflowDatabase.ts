// An MLflow SQLite database (`mlflow.db`, `mlruns.db`, `mlflow.sqlite`, ...), read with sql.js (no native module).
// Any `.db`, `.sqlite`, `.sqlite3` or `.db3` file is a candidate; it is a store only when its header says SQLite and
// its schema has MLflow's tables (a few KiB read, never the whole file).
import path from 'node:path';
import {
  databaseStamp,
  isMlflowSqliteStoreSync,
  loadSqlJs,
  openMlflowDatabase,
  readDatabaseListing,
  type SqlJsStatic,
} from '../../formats/mlflow/sqlite';
import { SQLITE_STORE_EXTENSIONS } from '../../workspace/mlflowStores';
import type { Run } from '../model';
import type { MetricSourceDefinition, SourceReadContext, SourceReadResult } from './types';
import { summarizeProblems } from './types';

let defaultSqlJs: Promise<SqlJsStatic> | undefined;

function sqlJsOf(context: SourceReadContext): Promise<SqlJsStatic> {
  if (context.sqlJs) return context.sqlJs();
  defaultSqlJs ??= loadSqlJs();
  return defaultSqlJs;
}

export const mlflowDatabaseSource: MetricSourceDefinition = {
  kind: 'mlflow-sqlite',
  label: 'MLflow',
  description: 'An MLflow tracking database (mlflow.db, or any SQLite file with its tables): its experiments and runs.',
  discovery: {
    // mlflow.db first: a workspace with many other databases still finds it.
    globs: ['**/mlflow.db', ...SQLITE_STORE_EXTENSIONS.map((e) => `**/*${e}`)],
    maxResults: 200,
    locate: (matches) => [...new Set(matches)].filter(isMlflowSqliteStoreSync).sort(),
    checks: true,
  },
  // One watcher: the databases and their -wal and -journal files.
  watch: [
    `**/*.{${SQLITE_STORE_EXTENSIONS.flatMap((e) => [e, `${e}-wal`, `${e}-journal`].map((x) => x.slice(1))).join(',')}}`,
  ],
  needs: {},
  async read(location, context): Promise<SourceReadResult> {
    const { cache } = context;
    if (!cache) return readListing(location, context);
    // The whole listing is kept while the database and its -wal and -journal files stay as they were.
    const key = `mlflow-sqlite:${path.resolve(location)}`;
    const stamp = databaseStamp(location);
    const hit = cachedListing(cache.read(key), stamp);
    if (hit) return hit;
    const result = await readListing(location, context);
    const settled = stamp.every((v, i) => i % 2 === 1 || v < Date.now() - SETTLE_MS);
    if (settled && sameStamp(stamp, databaseStamp(location))) cache.write(key, { stamp, result });
    return result;
  },
  async readFull(location, context): Promise<Run[]> {
    const db = await openMlflowDatabase(location, { sqlJs: await sqlJsOf(context) });
    try {
      return db.listRuns({ fullHistory: true }).runs;
    } finally {
      db.close();
    }
  },
};

/** How long ago the database must have last changed for its listing to be kept (a write in the same clock tick). */
const SETTLE_MS = 2000;

function sameStamp(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The cached listing when it was read from a database with this stamp. */
function cachedListing(value: unknown, stamp: readonly number[]): SourceReadResult | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { stamp: stored, result } = value as { stamp?: unknown; result?: Partial<SourceReadResult> };
  if (!Array.isArray(stored) || !sameStamp(stored as number[], stamp)) return undefined;
  if (!result || !Array.isArray(result.runs) || !Array.isArray(result.problems)) return undefined;
  return result as SourceReadResult;
}

async function readListing(location: string, context: SourceReadContext): Promise<SourceReadResult> {
  const { listing, walPending } = await readDatabaseListing(location, { sqlJs: await sqlJsOf(context) });
  return {
    runs: listing.runs,
    problems: [
      ...summarizeProblems(
        listing.problems.map((e) => e.message),
        'runs could not be read',
      ),
      ...(walPending
        ? [
            {
              severity: 'info' as const,
              message: 'The newest runs may be missing: MLflow has not yet written its -wal file into the database.',
            },
          ]
        : []),
    ],
  };
}
