// An MLflow SQLite database (`mlflow.db`), read with sql.js (no native module).
import { loadSqlJs, openMlflowDatabase, type SqlJsStatic } from '../../formats/mlflow/sqlite';
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
                  message:
                    'The newest runs may be missing: MLflow has not yet written its -wal file into the database.',
                },
              ]
            : []),
        ],
      };
    } finally {
      db.close();
    }
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
