// An MLflow SQLite database (`mlflow.db`), read with sql.js (no native module).
import path from 'node:path';
import { databaseStamp, loadSqlJs, openMlflowDatabase, type SqlJsStatic } from '../../formats/mlflow/sqlite';
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
  description: 'An MLflow tracking database (mlflow.db): its experiments and runs.',
  discovery: { globs: ['**/mlflow.db'], maxResults: 50, locate: (matches) => [...new Set(matches)].sort() },
  watch: ['**/mlflow.db*'],
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
  const db = await openMlflowDatabase(location, { sqlJs: await sqlJsOf(context) });
  try {
    const listing = db.listRuns();
    return {
      runs: listing.runs,
      problems: [
        ...summarizeProblems(
          listing.problems.map((e) => e.message),
          'runs could not be read',
        ),
        ...(db.walPending
          ? [
              {
                severity: 'info' as const,
                message: 'The newest runs may be missing: MLflow has not yet written its -wal file into the database.',
              },
            ]
          : []),
      ],
    };
  } finally {
    db.close();
  }
}
