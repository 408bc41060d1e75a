// MLflow's SQLite backend (`mlflow.db`), read with sql.js (SQLite compiled to WebAssembly: no native module). The
// file's bytes are copied into memory and opened there, so the file is never written or locked, and a database a
// tracking process is writing to is read as its bytes are at that moment.
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js';
import { MetricsError, type MetricPoint, type MetricSeries } from '../../metrics/model';
import {
  compareText,
  DELETED_VERSION_STAGE,
  errorCode,
  metricSeries,
  runLabel,
  statusFromName,
  storedMetricValue,
  type MlflowExperiment,
  type MlflowModelVersion,
  type MlflowRegisteredModel,
  type MlflowRun,
  type MlflowRunListing,
  type MlflowRunQuery,
} from './entities';

/** The loaded sql.js module, for callers that pass one in (they need not import sql.js themselves). */
export type { SqlJsStatic };

const WASM_FILE = 'sql-wasm.wasm';
const SQLITE_HEADER = 'SQLite format 3\0';

export interface SqliteOptions {
  /**
   * Where sql.js finds its WebAssembly file, given the file name (`sql-wasm.wasm`). By default: next to the running
   * bundle (the extension copies it to `dist/`), else `node_modules/sql.js/dist/`.
   */
  locateFile?: (file: string) => string;
  /** An sql.js already loaded (see `loadSqlJs`), to load the WebAssembly once for many databases. */
  sqlJs?: SqlJsStatic;
}

/** The default location of sql.js's WebAssembly: beside this code (a bundle), else in node_modules. */
export function defaultWasmLocation(file = WASM_FILE): string {
  const candidates = [path.join(__dirname, file)];
  try {
    candidates.push(require.resolve(`sql.js/dist/${file}`));
  } catch {
    // Not resolvable from a bundle without node_modules: the sibling is the answer.
  }
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

/**
 * Loads sql.js and its WebAssembly. sql.js keeps the first module it loads for the whole process, so the file is
 * checked here first: a wrong location fails with a clear error and does not stop a later, correct one.
 */
export async function loadSqlJs(options: Pick<SqliteOptions, 'locateFile'> = {}): Promise<SqlJsStatic> {
  const locateFile = options.locateFile ?? defaultWasmLocation;
  const wasm = locateFile(WASM_FILE);
  try {
    await fs.access(wasm);
  } catch (err) {
    throw new MetricsError(
      `${wasm}: SQLite's WebAssembly (sql.js) is missing (${errorCode(err)}); reinstall the extension.`,
      wasm,
    );
  }
  try {
    return await initSqlJs({ locateFile });
  } catch (err) {
    throw new MetricsError(
      `${wasm}: cannot load SQLite (sql.js WebAssembly): ${err instanceof Error ? err.message : String(err)}. Reinstall the extension.`,
      wasm,
    );
  }
}

/** Columns each table must have; a database without them comes from an MLflow version this reader does not know. */
const REQUIRED_COLUMNS: Record<string, string[]> = {
  experiments: ['experiment_id', 'name', 'lifecycle_stage'],
  runs: ['run_uuid', 'name', 'status', 'start_time', 'end_time', 'lifecycle_stage', 'experiment_id'],
  metrics: ['key', 'value', 'timestamp', 'step', 'is_nan', 'run_uuid'],
  latest_metrics: ['key', 'value', 'timestamp', 'step', 'is_nan', 'run_uuid'],
  params: ['key', 'value', 'run_uuid'],
  tags: ['key', 'value', 'run_uuid'],
};
const REGISTRY_COLUMNS: Record<string, string[]> = {
  registered_models: ['name', 'description', 'creation_time', 'last_updated_time'],
  model_versions: [
    'name',
    'version',
    'current_stage',
    'status',
    'run_id',
    'source',
    'description',
    'creation_time',
    'last_updated_time',
  ],
};

function str(value: SqlValue | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string'
    ? value
    : value instanceof Uint8Array
      ? Buffer.from(value).toString('utf8')
      : String(value);
}

function num(value: SqlValue | undefined): number | undefined {
  return typeof value === 'number'
    ? value
    : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
      ? Number(value)
      : undefined;
}

/** A metric point from its columns (`value`, `timestamp`, `step`, `is_nan`). */
function storedPoint(value: SqlValue, timestamp: SqlValue, step: SqlValue, isNan: SqlValue): MetricPoint {
  return { step: num(step) ?? 0, value: storedMetricValue(num(value) ?? NaN, !!isNan), timestamp: num(timestamp) };
}

/** Rows of (key, value, ...owner columns) as owner -> { key: value }; the owner columns joined by a newline. */
function keyValuesByOwner(rows: SqlValue[][]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const [key, value, ...owner] of rows) {
    const id = owner.map(String).join('\n');
    const map = out.get(id) ?? {};
    map[String(key)] = str(value) ?? '';
    out.set(id, map);
  }
  return out;
}

/** Opens an `mlflow.db` read-only (an in-memory copy of its bytes). Close it when done. */
export async function openMlflowDatabase(file: string, options: SqliteOptions = {}): Promise<MlflowDatabase> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw new MetricsError(`${file}: cannot read the MLflow database (${errorCode(err)}).`, file);
  }
  let walPending: boolean;
  try {
    walPending = (await fs.stat(`${file}-wal`)).size > 0;
  } catch {
    walPending = false;
  }
  const sqlJs = options.sqlJs ?? (await loadSqlJs(options));
  return MlflowDatabase.fromBytes(bytes, file, sqlJs, walPending);
}

/** An MLflow SQLite database opened in memory. All reads are synchronous once it is open. */
export class MlflowDatabase {
  private readonly columns = new Map<string, Set<string>>();

  private constructor(
    private readonly db: Database,
    readonly file: string,
    /** A `-wal` file with changes not yet in the database file: the newest writes may be missing. */
    readonly walPending: boolean,
  ) {}

  /** Opens database bytes (an SQLite file's content); `file` names them in errors. */
  static fromBytes(bytes: Uint8Array, file: string, sqlJs: SqlJsStatic, walPending = false): MlflowDatabase {
    if (bytes.length === 0)
      throw new MetricsError(
        `${file}: the file is empty, not an MLflow database; MLflow creates it on first use (mlflow server --backend-store-uri sqlite:///${path.basename(file)}).`,
        file,
      );
    if (bytes.length < 100 || Buffer.from(bytes.subarray(0, 16)).toString('latin1') !== SQLITE_HEADER) {
      throw new MetricsError(
        `${file}: not an SQLite database (its first bytes are not 'SQLite format 3'); point to the mlflow.db file the tracking server uses.`,
        file,
        { offset: 0 },
      );
    }
    let db: Database;
    try {
      db = new sqlJs.Database(bytes);
    } catch (err) {
      throw new MetricsError(
        `${file}: SQLite cannot open it (${err instanceof Error ? err.message : String(err)}).`,
        file,
      );
    }
    const database = new MlflowDatabase(db, file, walPending);
    try {
      database.loadSchema();
    } catch (err) {
      db.close();
      throw err;
    }
    return database;
  }

  close(): void {
    this.db.close();
  }

  private loadSchema(): void {
    let tables: SqlValue[][];
    try {
      tables = this.db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? [];
    } catch (err) {
      throw this.sqlError(err, 'reading the list of tables');
    }
    for (const [name] of tables) {
      const table = String(name);
      const info = this.db.exec(`PRAGMA table_info("${table.replace(/"/g, '""')}")`)[0]?.values ?? [];
      this.columns.set(table, new Set(info.map((row) => String(row[1]))));
    }
    for (const [table, columns] of Object.entries(REQUIRED_COLUMNS)) this.requireColumns(table, columns);
  }

  private requireColumns(table: string, columns: string[]): void {
    const present = this.columns.get(table);
    if (!present) {
      throw new MetricsError(
        `${this.file}: no table '${table}': this is not an MLflow tracking database, or one from an MLflow version too old to read (upgrade it with 'mlflow db upgrade sqlite:///${path.basename(this.file)}').`,
        this.file,
      );
    }
    const missing = columns.filter((c) => !present.has(c));
    if (missing.length) {
      throw new MetricsError(
        `${this.file}: table '${table}' has no column ${missing.map((c) => `'${c}'`).join(', ')}: the database comes from an MLflow version this reader does not support (upgrade it with 'mlflow db upgrade sqlite:///${path.basename(this.file)}').`,
        this.file,
      );
    }
  }

  private sqlError(err: unknown, doing: string): MetricsError {
    const message = err instanceof Error ? err.message : String(err);
    const hint = /malformed|not a database|corrupt/i.test(message)
      ? 'the file is damaged, or was caught in the middle of a write: try again, and if it persists restore it from a backup'
      : 'the database may be damaged';
    return new MetricsError(`${this.file}: SQLite failed while ${doing} (${message}); ${hint}.`, this.file);
  }

  private rows(sql: string, params: SqlValue[], doing: string): SqlValue[][] {
    try {
      const statement = this.db.prepare(sql);
      try {
        statement.bind(params);
        const out: SqlValue[][] = [];
        while (statement.step()) out.push(statement.get());
        return out;
      } finally {
        statement.free();
      }
    } catch (err) {
      throw this.sqlError(err, doing);
    }
  }

  private has(table: string, column?: string): boolean {
    const columns = this.columns.get(table);
    return !!columns && (column === undefined || columns.has(column));
  }

  /** Experiments, deleted ones only when asked; ids as strings. */
  listExperiments(options: { includeDeleted?: boolean } = {}): MlflowExperiment[] {
    const optional = (column: string): string => (this.has('experiments', column) ? column : 'NULL');
    const rows = this.rows(
      `SELECT experiment_id, name, lifecycle_stage, ${optional('artifact_location')}, ${optional('creation_time')}, ${optional('last_update_time')} FROM experiments ORDER BY experiment_id`,
      [],
      'reading experiments',
    );
    const tags = this.has('experiment_tags', 'experiment_id')
      ? keyValuesByOwner(
          this.rows(
            'SELECT key, value, experiment_id FROM experiment_tags ORDER BY key',
            [],
            'reading experiment tags',
          ),
        )
      : new Map<string, Record<string, string>>();
    return rows
      .map(([id, name, stage, artifactLocation, creationTime, lastUpdateTime]) => ({
        id: String(id),
        name: str(name) ?? String(id),
        lifecycleStage: str(stage) ?? 'active',
        artifactLocation: str(artifactLocation),
        creationTime: num(creationTime),
        lastUpdateTime: num(lastUpdateTime),
        tags: tags.get(String(id)) ?? {},
      }))
      .filter((e) => options.includeDeleted || e.lifecycleStage !== 'deleted');
  }

  /**
   * Runs with their params, tags and metrics: each metric's latest point (from `latest_metrics`) unless
   * `fullHistory` is set. Deleted runs and runs of deleted experiments only when `includeDeleted` is set.
   */
  listRuns(query: MlflowRunQuery = {}): MlflowRunListing {
    const experiments = new Map(this.listExperiments({ includeDeleted: true }).map((e) => [e.id, e]));
    const optional = (column: string): string => (this.has('runs', column) ? column : 'NULL');
    const runRows = this.rows(
      `SELECT run_uuid, name, status, start_time, end_time, lifecycle_stage, experiment_id, ${optional('user_id')}, ${optional('artifact_uri')} FROM runs ORDER BY start_time DESC, run_uuid`,
      [],
      'reading runs',
    );
    const runs = new Map<string, MlflowRun>();
    for (const [id, name, status, start, end, stage, experimentId, userId, artifactUri] of runRows) {
      const experiment = experiments.get(String(experimentId));
      const deleted = str(stage) === 'deleted' || experiment?.lifecycleStage === 'deleted';
      if (deleted && !query.includeDeleted) continue;
      if (query.experimentIds && !query.experimentIds.includes(String(experimentId))) continue;
      const runId = String(id);
      runs.set(runId, {
        id: runId,
        source: { kind: 'mlflow-sqlite', location: this.file },
        label: str(name) ?? '',
        revision: runId,
        experiment: experiment?.name ?? String(experimentId),
        experimentId: String(experimentId),
        time: num(start),
        endTime: num(end),
        params: {},
        tags: {},
        status: statusFromName(status),
        metrics: [],
        lifecycleStage: deleted ? 'deleted' : (str(stage) ?? 'active'),
        userId: str(userId),
        artifactUri: str(artifactUri),
        fullHistory: query.fullHistory ?? false,
      });
    }
    for (const [key, value, runId] of this.rows(
      'SELECT key, value, run_uuid FROM params ORDER BY key',
      [],
      'reading params',
    )) {
      const run = runs.get(String(runId));
      if (run) run.params[String(key)] = str(value) ?? '';
    }
    for (const [key, value, runId] of this.rows(
      'SELECT key, value, run_uuid FROM tags ORDER BY key',
      [],
      'reading tags',
    )) {
      const run = runs.get(String(runId));
      if (run) run.tags[String(key)] = str(value) ?? '';
    }
    const series = new Map<string, Map<string, MetricPoint[]>>();
    const metricRows = query.fullHistory
      ? this.rows(
          'SELECT key, value, timestamp, step, is_nan, run_uuid FROM metrics ORDER BY run_uuid, key, timestamp, step, value',
          [],
          'reading metrics',
        )
      : this.rows(
          'SELECT key, value, timestamp, step, is_nan, run_uuid FROM latest_metrics ORDER BY run_uuid, key',
          [],
          'reading latest metrics',
        );
    for (const [key, value, timestamp, step, isNan, runId] of metricRows) {
      if (!runs.has(String(runId))) continue;
      let byKey = series.get(String(runId));
      if (!byKey) series.set(String(runId), (byKey = new Map<string, MetricPoint[]>()));
      let points = byKey.get(String(key));
      if (!points) byKey.set(String(key), (points = []));
      points.push(storedPoint(value, timestamp, step, isNan));
    }
    for (const run of runs.values()) {
      run.label = runLabel(run.id, run.label, run.tags);
      const byKey = series.get(run.id);
      if (byKey)
        run.metrics = [...byKey.entries()]
          .sort(([a], [b]) => compareText(a, b))
          .map(([key, points]) => metricSeries(key, points));
    }
    const problems: MetricsError[] = this.walPending
      ? [
          new MetricsError(
            `${this.file}-wal: holds changes not yet written into the database file; the newest values appear once the tracking process checkpoints it.`,
            `${this.file}-wal`,
          ),
        ]
      : [];
    return { runs: [...runs.values()], problems };
  }

  /** One run with every metric's full history (or latest points when `fullHistory` is false). */
  readRun(runId: string, options: { fullHistory?: boolean } = {}): MlflowRun {
    const run = this.listRuns({ includeDeleted: true, fullHistory: options.fullHistory ?? true }).runs.find(
      (r) => r.id === runId,
    );
    if (!run) throw new MetricsError(`${this.file}: no run ${runId} in this database.`, this.file);
    return run;
  }

  /** The whole history of one metric, ordered like MLflow's `get_metric_history` (timestamp, step, value). */
  readMetricHistory(runId: string, key: string): MetricSeries {
    const rows = this.rows(
      'SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY timestamp, step, value',
      [runId, key],
      `reading the history of '${key}'`,
    );
    if (!rows.length && !this.rows('SELECT 1 FROM runs WHERE run_uuid = ?', [runId], 'finding the run').length) {
      throw new MetricsError(`${this.file}: no run ${runId} in this database.`, this.file);
    }
    return metricSeries(
      key,
      rows.map(([value, timestamp, step, isNan]) => storedPoint(value, timestamp, step, isNan)),
    );
  }

  /** Registered models with their live versions, tags and aliases (empty when the database has no registry). */
  listRegisteredModels(): MlflowRegisteredModel[] {
    if (!this.has('registered_models')) return [];
    for (const [table, columns] of Object.entries(REGISTRY_COLUMNS)) this.requireColumns(table, columns);
    const models = new Map<string, MlflowRegisteredModel>();
    for (const [name, description, created, updated] of this.rows(
      'SELECT name, description, creation_time, last_updated_time FROM registered_models ORDER BY name',
      [],
      'reading registered models',
    )) {
      models.set(String(name), {
        name: String(name),
        description: str(description),
        creationTime: num(created),
        lastUpdatedTime: num(updated),
        tags: {},
        aliases: {},
        versions: [],
      });
    }
    if (this.has('registered_model_tags', 'name')) {
      for (const [key, value, name] of this.rows(
        'SELECT key, value, name FROM registered_model_tags ORDER BY key',
        [],
        'reading model tags',
      )) {
        const model = models.get(String(name));
        if (model) model.tags[String(key)] = str(value) ?? '';
      }
    }
    if (this.has('registered_model_aliases', 'alias')) {
      for (const [alias, version, name] of this.rows(
        'SELECT alias, version, name FROM registered_model_aliases ORDER BY alias',
        [],
        'reading model aliases',
      )) {
        const model = models.get(String(name));
        if (model) model.aliases[String(alias)] = String(version);
      }
    }
    const versionTags = this.has('model_version_tags', 'version')
      ? keyValuesByOwner(
          this.rows(
            'SELECT key, value, name, version FROM model_version_tags ORDER BY key',
            [],
            'reading model version tags',
          ),
        )
      : new Map<string, Record<string, string>>();
    for (const [name, version, stage, status, runId, source, description, created, updated] of this.rows(
      'SELECT name, version, current_stage, status, run_id, source, description, creation_time, last_updated_time FROM model_versions ORDER BY name, version',
      [],
      'reading model versions',
    )) {
      const model = models.get(String(name));
      if (!model || str(stage) === DELETED_VERSION_STAGE) continue;
      const entry: MlflowModelVersion = {
        name: String(name),
        version: String(version),
        stage: str(stage),
        status: str(status),
        runId: str(runId),
        source: str(source),
        description: str(description),
        creationTime: num(created),
        lastUpdatedTime: num(updated),
        tags: versionTags.get(`${String(name)}\n${String(version)}`) ?? {},
      };
      model.versions.push(entry);
    }
    return [...models.values()];
  }
}
