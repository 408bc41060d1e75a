// MLflow's SQLite backend (`mlflow.db`), read with sql.js (SQLite compiled to WebAssembly: no native module). The
// file's bytes are copied into memory and opened there, so the file is never written or locked, and a database a
// tracking process is writing to is read as its bytes are at that moment. A listing copies only the pages of the
// tables it reads (partialImage), not the metric histories.
import { closeSync, existsSync, fstatSync, openSync, promises as fs, readSync, statSync } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import path from 'node:path';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
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
  return candidates.find((c) => existsSync(c)) ?? path.join(__dirname, file);
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
    // Imported here, not at the top: a process that reads no database does not load sql.js.
    const { default: initSqlJs } = await import('sql.js');
    return await initSqlJs({ locateFile });
  } catch (err) {
    throw new MetricsError(
      `${wasm}: cannot load SQLite (sql.js WebAssembly): ${err instanceof Error ? err.message : String(err)}. Reinstall the extension.`,
      wasm,
    );
  }
}

/**
 * Columns each table must have. Every other table and column is optional: a database written by an older MLflow
 * (before `latest_metrics`, `metrics.step`, `metrics.is_nan`, `experiment_tags`, the registry or its aliases) is read
 * with what it has, as that MLflow release read it.
 */
const REQUIRED_COLUMNS: Record<string, string[]> = {
  experiments: ['experiment_id', 'name'],
  runs: ['run_uuid', 'experiment_id'],
  metrics: ['key', 'value', 'timestamp', 'run_uuid'],
  params: ['key', 'value', 'run_uuid'],
  tags: ['key', 'value', 'run_uuid'],
};
const LATEST_METRICS_COLUMNS = ['key', 'value', 'timestamp', 'step', 'is_nan', 'run_uuid'];
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

/** Every table this reader reads or looks for: the only ones whose columns are loaded. */
const SCHEMA_TABLES = [
  ...Object.keys(REQUIRED_COLUMNS),
  'latest_metrics',
  'experiment_tags',
  'alembic_version',
  ...Object.keys(REGISTRY_COLUMNS),
  'registered_model_tags',
  'registered_model_aliases',
  'model_version_tags',
];

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
function storedPoint(value?: SqlValue, timestamp?: SqlValue, step?: SqlValue, isNan?: SqlValue): MetricPoint {
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

/**
 * Orders text as SQLite's BINARY collation does (UTF-8 bytes, that is code points): a UTF-16 surrogate stands for a
 * code point above every other unit.
 */
export function compareBinary(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const surrogateX = x >= 0xd800 && x <= 0xdfff;
    const surrogateY = y >= 0xd800 && y <= 0xdfff;
    if (surrogateX !== surrogateY) return surrogateX ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Tables every MLflow tracking database has, whichever release created it. */
const MLFLOW_TABLES = ['experiments', 'runs', 'metrics', 'alembic_version'];
/** At most this many bytes of a file are read to list its tables. */
const SCHEMA_READ_LIMIT = 4 * 1024 * 1024;

/**
 * Whether a file is an MLflow SQLite store, whatever its name (`mlflow.db`, `tracking.sqlite`, `store`, ...): an SQLite
 * database with MLflow's `experiments`, `runs`, `metrics` and `alembic_version` tables. Reads the 100-byte header,
 * and only when it is SQLite the pages of its schema (a few KiB; never more than 4 MiB); a file that is not SQLite
 * costs one 100-byte read. False for anything unreadable.
 */
export async function isMlflowSqliteStore(file: string): Promise<boolean> {
  await yieldToEventLoop();
  return isMlflowSqliteStoreSync(file);
}

/** `isMlflowSqliteStore` with synchronous reads (a few KiB at most), for discovery that filters found files. */
export function isMlflowSqliteStoreSync(file: string): boolean {
  let tables: Set<string> | undefined;
  try {
    tables = readSqliteTableNamesSync(file);
  } catch {
    return false;
  }
  return !!tables && MLFLOW_TABLES.every((t) => tables.has(t));
}

/**
 * The names of the tables of an SQLite file, read from its schema table (`sqlite_master`, the b-tree rooted at page
 * 1) without loading the file; undefined when the file is not an SQLite database.
 */
export async function readSqliteTableNames(file: string): Promise<Set<string> | undefined> {
  await yieldToEventLoop();
  return readSqliteTableNamesSync(file);
}

/** `readSqliteTableNames` with synchronous reads (the header, then the schema's pages: a few KiB, at most 4 MiB). */
export function readSqliteTableNamesSync(file: string): Set<string> | undefined {
  const handle = openSync(file, 'r');
  try {
    const header = readHeader(handle);
    if (!header) return undefined;
    const { pageSize, encoding } = header;
    const decode = (bytes: Buffer): string =>
      encoding === 2
        ? bytes.toString('utf16le')
        : encoding === 3
          ? Buffer.from(bytes).swap16().toString('utf16le')
          : bytes.toString('utf8');
    const tables = new Set<string>();
    let budget = SCHEMA_READ_LIMIT;
    walkBtree(
      1,
      (page) => {
        if (!Number.isInteger(page) || page < 1 || budget < pageSize) throw new UnexpectedPage();
        budget -= pageSize;
        const bytes = Buffer.alloc(pageSize);
        if (readSync(handle, bytes, 0, pageSize, (page - 1) * pageSize) < pageSize) throw new UnexpectedPage();
        return [bytes, 0];
      },
      header.usable,
      (payload) => {
        const [type, name] = recordValues(payload, 2, decode);
        if (type === 'table' && typeof name === 'string') tables.add(name);
      },
    );
    return tables;
  } catch (err) {
    if (err instanceof UnexpectedPage) return undefined;
    throw err;
  } finally {
    closeSync(handle);
  }
}

/** The page size, usable bytes per page and text encoding from an SQLite file's header; undefined if not SQLite. */
function readHeader(fd: number): { pageSize: number; usable: number; encoding: number } | undefined {
  const header = Buffer.alloc(100);
  if (readSync(fd, header, 0, 100, 0) < 100 || header.toString('latin1', 0, 16) !== SQLITE_HEADER) return undefined;
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return undefined;
  return { pageSize, usable: pageSize - header.readUInt8(20), encoding: header.readUInt32BE(56) };
}

/** A varint of the SQLite file format at `offset`: its value and length. */
function varint(bytes: Buffer, offset: number): [number, number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    const byte = bytes[offset + i];
    if (byte === undefined) return [NaN, i];
    if (i === 8) return [value * 256 + byte, 9];
    value = value * 128 + (byte & 0x7f);
    if (byte < 0x80) return [value, i + 1];
  }
  return [value, 9];
}

/** The tables a listing reads (experiments, runs with their params, tags and latest metrics). */
export const LISTING_TABLES = [
  'experiments',
  'experiment_tags',
  'runs',
  'params',
  'tags',
  'latest_metrics',
  'alembic_version',
];

/** A database file whose pages are not as a partial image expects: it is read whole instead. */
class UnexpectedPage extends Error {}

/**
 * An image of an SQLite file, as large as the file, that holds only the pages of `tables`: the schema, the b-trees
 * of those tables and of their indexes with their overflow pages, and SQLite's own tables (`sqlite_*`); every other
 * page is zeros and never read from disk. A listing of a database with long metric histories reads a few MiB
 * instead of the whole file. Undefined when the file holds something this walk does not expect (then it is read
 * whole).
 */
export function partialImage(file: string, tables: readonly string[]): Buffer | undefined {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const header = readHeader(fd);
    // Text in UTF-16 is left to SQLite: the walk below reads the schema's names as UTF-8.
    if (!header || header.encoding !== 1 || size % header.pageSize !== 0) return undefined;
    const { pageSize, usable } = header;
    const pageCount = size / pageSize;
    const image = Buffer.alloc(size);
    const loaded = new Uint8Array(pageCount + 1);
    const load = (page: number): [Buffer, number] => {
      if (!Number.isInteger(page) || page < 1 || page > pageCount) throw new UnexpectedPage();
      const at = (page - 1) * pageSize;
      if (!loaded[page]) {
        if (readSync(fd, image, at, pageSize, at) !== pageSize) throw new UnexpectedPage();
        loaded[page] = 1;
      }
      return [image, at];
    };
    const schema: Buffer[] = [];
    walkBtree(1, load, usable, (payload) => schema.push(payload));
    const wanted = new Set(tables.map((t) => t.toLowerCase()));
    const roots: number[] = [];
    const names = new Set<string>();
    for (const payload of schema) {
      const [type, name, table, root] = recordValues(payload, 4);
      if (typeof name !== 'string' || typeof table !== 'string' || typeof root !== 'number' || root <= 0) continue;
      if (type === 'table') names.add(name.toLowerCase());
      if (wanted.has(table.toLowerCase()) || (type === 'table' && name.toLowerCase().startsWith('sqlite_')))
        roots.push(root);
    }
    // Without latest_metrics a listing reads the metrics table: the whole file is as good.
    if (!names.has('latest_metrics')) return undefined;
    for (const root of roots) walkBtree(root, load, usable);
    return image;
  } catch (err) {
    if (err instanceof UnexpectedPage) return undefined;
    throw err;
  } finally {
    closeSync(fd);
  }
}

/**
 * Loads every page of the b-tree rooted at `root` (interior and leaf pages, and the overflow pages of cells whose
 * payload does not fit), calling `onRow` with each table-leaf row's payload when given. `load` gives the bytes that
 * hold a page and the page's offset in them; a page that is not a b-tree page, or one reached twice, throws
 * UnexpectedPage.
 */
function walkBtree(
  root: number,
  load: (page: number) => [Buffer, number],
  usable: number,
  onRow?: (payload: Buffer) => void,
): void {
  const pending = [root];
  const visited = new Set<number>();
  // The most of a payload kept on a b-tree page (table leaves, index pages) and the least kept before overflowing.
  const minLocal = Math.floor(((usable - 12) * 32) / 255) - 23;
  const maxIndexLocal = Math.floor(((usable - 12) * 64) / 255) - 23;
  while (pending.length) {
    const page = pending.pop()!;
    if (visited.has(page)) throw new UnexpectedPage();
    visited.add(page);
    const [image, at] = load(page);
    const start = at + (page === 1 ? 100 : 0);
    const type = image[start];
    const interior = type === 0x02 || type === 0x05;
    if (!interior && type !== 0x0a && type !== 0x0d) throw new UnexpectedPage();
    const cells = image.readUInt16BE(start + 3);
    const pointers = start + (interior ? 12 : 8);
    if (interior) pending.push(image.readUInt32BE(start + 8));
    for (let i = 0; i < cells; i++) {
      let cell = at + image.readUInt16BE(pointers + 2 * i);
      if (cell + 4 > at + usable) throw new UnexpectedPage();
      if (interior) {
        pending.push(image.readUInt32BE(cell));
        // A table's interior cells hold a child and a rowid only.
        if (type === 0x05) continue;
        cell += 4;
      }
      const [payloadSize, sizeLength] = varint(image, cell);
      cell += sizeLength;
      if (type === 0x0d) cell += varint(image, cell)[1];
      if (!Number.isSafeInteger(payloadSize)) throw new UnexpectedPage();
      const maxLocal = type === 0x0d ? usable - 35 : maxIndexLocal;
      let local = payloadSize;
      if (payloadSize > maxLocal) {
        const k = minLocal + ((payloadSize - minLocal) % (usable - 4));
        local = k <= maxLocal ? k : minLocal;
      }
      if (cell + local > at + usable) throw new UnexpectedPage();
      const parts = onRow && type === 0x0d ? [image.subarray(cell, cell + local)] : undefined;
      let remaining = payloadSize - local;
      let next = remaining > 0 ? image.readUInt32BE(cell + local) : 0;
      while (remaining > 0) {
        const [bytes, overflow] = load(next);
        const take = Math.min(remaining, usable - 4);
        parts?.push(bytes.subarray(overflow + 4, overflow + 4 + take));
        remaining -= take;
        next = bytes.readUInt32BE(overflow);
      }
      if (parts) onRow?.(Buffer.concat(parts));
    }
  }
}

/** The first `count` values of an SQLite record (text decoded with `decode`, integers; others as null). */
function recordValues(
  payload: Buffer,
  count: number,
  decode: (bytes: Buffer) => string = (bytes) => bytes.toString('utf8'),
): (string | number | null)[] {
  const [headerSize, headerLength] = varint(payload, 0);
  const serials: number[] = [];
  for (let at = headerLength; at < headerSize && serials.length < count; ) {
    const [serial, length] = varint(payload, at);
    if (Number.isNaN(serial)) break;
    serials.push(serial);
    at += length;
  }
  const values: (string | number | null)[] = [];
  let at = headerSize;
  for (const serial of serials) {
    const length = serial >= 12 ? Math.floor((serial - 12) / 2) : ([0, 1, 2, 3, 4, 6, 8, 8, 0, 0][serial] ?? 0);
    if (at + length > payload.length) break;
    if (serial >= 13 && serial % 2 === 1) values.push(decode(payload.subarray(at, at + length)));
    else if (serial >= 1 && serial <= 6)
      values.push(length === 8 ? Number(payload.readBigInt64BE(at)) : payload.readIntBE(at, length));
    else if (serial === 8 || serial === 9) values.push(serial - 8);
    else values.push(null);
    at += length;
  }
  return values;
}

/**
 * The modification time and size of a database file and of its `-wal` and `-journal` files (-1, -1 for a missing
 * one): SQLite changes at least one of them with every write, so an equal stamp means the same content.
 */
export function databaseStamp(file: string): number[] {
  const out: number[] = [];
  for (const name of [file, `${file}-wal`, `${file}-journal`]) {
    const stat = statSync(name, { throwIfNoEntry: false });
    out.push(stat ? stat.mtimeMs : -1, stat ? stat.size : -1);
  }
  return out;
}

/**
 * Opens an `mlflow.db` read-only (an in-memory copy of its bytes). Close it when done. With `listing`, only the pages
 * of the tables a listing reads are copied (see partialImage): the database then serves listExperiments, countRuns
 * and listRuns without full history, and nothing else.
 */
export async function openMlflowDatabase(
  file: string,
  options: SqliteOptions & { listing?: boolean } = {},
): Promise<MlflowDatabase> {
  let bytes: Buffer | undefined;
  try {
    if (options.listing) {
      await yieldToEventLoop();
      bytes = partialImage(file, LISTING_TABLES);
    }
    bytes ??= await fs.readFile(file);
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

/**
 * The runs of a database as listRuns gives them without full history, and whether its `-wal` holds changes not yet
 * in it: read from the pages of the tables a listing needs, and from the whole file when those pages do not give a
 * listing (a database this walk did not expect).
 */
export async function readDatabaseListing(
  file: string,
  options: SqliteOptions = {},
): Promise<{ listing: MlflowRunListing; walPending: boolean }> {
  let db = await openMlflowDatabase(file, { ...options, listing: true }).catch(() => undefined);
  if (db) {
    try {
      return { listing: db.listRuns(), walPending: db.walPending };
    } catch {
      // Read whole below: its error, if any, is the one to report.
    } finally {
      db.close();
    }
  }
  db = await openMlflowDatabase(file, options);
  try {
    return { listing: db.listRuns(), walPending: db.walPending };
  } finally {
    db.close();
  }
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
    // The columns of the tables this reader uses, in one query (a PRAGMA per table costs a statement each; MLflow 3
    // has some ninety tables, most of them never read here).
    let rows: SqlValue[][];
    try {
      rows =
        this.db.exec(
          `SELECT m.name, p.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p WHERE m.type = 'table' AND m.name IN (${SCHEMA_TABLES.map((t) => `'${t}'`).join(', ')})`,
        )[0]?.values ?? [];
    } catch (err) {
      throw this.sqlError(err, 'reading the list of tables');
    }
    for (const [table, column] of rows) {
      let columns = this.columns.get(String(table));
      if (!columns) this.columns.set(String(table), (columns = new Set()));
      columns.add(String(column));
    }
    for (const [table, columns] of Object.entries(REQUIRED_COLUMNS)) this.requireColumns(table, columns);
  }

  /** The schema revision alembic recorded (`alembic_version.version_num`), when the database has one. */
  revision(): string | undefined {
    if (!this.has('alembic_version', 'version_num')) return undefined;
    try {
      return str(this.db.exec('SELECT version_num FROM alembic_version LIMIT 1')[0]?.values[0]?.[0]);
    } catch {
      return undefined;
    }
  }

  private requireColumns(table: string, columns: string[]): void {
    const present = this.columns.get(table);
    const missing = present ? columns.filter((c) => !present.has(c)) : columns;
    if (!missing.length) return;
    const revision = this.revision();
    const uri = `sqlite:///${path.basename(this.file)}`;
    const what = present
      ? `table '${table}' has no column ${missing.map((c) => `'${c}'`).join(', ')}`
      : `no table '${table}'`;
    if (revision === undefined)
      throw new MetricsError(
        `${this.file}: ${what}, and no schema revision (alembic_version): this is not an MLflow tracking database, or one from an MLflow version too old to read (upgrade a copy with 'mlflow db upgrade ${uri}').`,
        this.file,
      );
    throw new MetricsError(
      `${this.file}: ${what} (schema revision ${revision}): the database comes from an MLflow release whose schema this reader does not know. If that release is newer than MLflow 3, read the database through its server ('mlflow server --backend-store-uri ${uri}', then set the tracking URI to the server); if it is older, upgrade a copy with 'mlflow db upgrade ${uri}'.`,
      this.file,
    );
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

  /** A column of a table, or `fallback` (an SQL expression) when this database's schema has no such column. */
  private column(table: string, column: string, fallback = 'NULL'): string {
    return this.has(table, column) ? column : fallback;
  }

  /** `metrics.step`: 0 in databases from before MLflow recorded steps (an expression: a bare 0 in ORDER BY is a column number). */
  private metricStep(): string {
    return this.column('metrics', 'step', 'CAST(0 AS INTEGER)');
  }

  /** The columns of a metric point; databases older than `is_nan` stored NaN as NULL. */
  private metricColumns(): string {
    return `key, value, timestamp, ${this.metricStep()}, ${this.column('metrics', 'is_nan', 'value IS NULL')}, run_uuid`;
  }

  /**
   * The latest point of each metric of each run: the `latest_metrics` table, or, in a database from before it,
   * the point MLflow keeps there (the highest step, then the latest timestamp, then the largest value).
   */
  private latestMetricRows(): SqlValue[][] {
    if (LATEST_METRICS_COLUMNS.every((c) => this.has('latest_metrics', c)))
      return this.rows(
        // One row per run and key: no order needed (each run's series are sorted by key below).
        'SELECT key, value, timestamp, step, is_nan, run_uuid FROM latest_metrics',
        [],
        'reading latest metrics',
      );
    return this.rows(
      `SELECT * FROM (SELECT ${this.metricColumns()}, ROW_NUMBER() OVER (PARTITION BY run_uuid, key ORDER BY ${this.metricStep()} DESC, timestamp DESC, value DESC) AS latest FROM metrics) WHERE latest = 1 ORDER BY run_uuid, key`,
      [],
      'reading latest metrics',
    );
  }

  /**
   * The (run_uuid, key, value) rows of `params` or `tags`, in table order. They are fetched as one JSON text (one
   * string to decode instead of three per row, the slow part of reading many short strings from sql.js); a table
   * SQLite's JSON cannot hold (a BLOB value) is read row by row.
   */
  private keyValueRows(table: 'params' | 'tags'): (SqlValue | null)[][] {
    const doing = `reading ${table}`;
    try {
      const [[json] = []] = this.db.exec(`SELECT json_group_array(json_array(run_uuid, key, value)) FROM ${table}`)[0]
        ?.values ?? [[]];
      if (typeof json === 'string') {
        const parsed: unknown = JSON.parse(json);
        if (Array.isArray(parsed)) return parsed as (SqlValue | null)[][];
      }
    } catch {
      // Not representable as JSON: the rows themselves below.
    }
    return this.rows(`SELECT run_uuid, key, value FROM ${table}`, [], doing);
  }

  /** Whether the database holds a run that is not deleted (in an experiment that is not deleted). */
  hasRuns(): boolean {
    return this.countRuns() > 0;
  }

  /** The number of runs that are not deleted, in experiments that are not deleted. */
  countRuns(): number {
    const deleted = (table: string): string =>
      this.has(table, 'lifecycle_stage') ? `COALESCE(${table}.lifecycle_stage = 'deleted', 0)` : '0';
    const [row] = this.rows(
      `SELECT COUNT(*) FROM runs LEFT JOIN experiments ON experiments.experiment_id = runs.experiment_id WHERE NOT ${deleted('runs')} AND NOT ${deleted('experiments')}`,
      [],
      'counting runs',
    );
    return num(row?.[0]) ?? 0;
  }

  /** Experiments, deleted ones only when asked; ids as strings. */
  listExperiments(options: { includeDeleted?: boolean } = {}): MlflowExperiment[] {
    const optional = (column: string): string => (this.has('experiments', column) ? column : 'NULL');
    const rows = this.rows(
      `SELECT experiment_id, name, ${optional('lifecycle_stage')}, ${optional('artifact_location')}, ${optional('creation_time')}, ${optional('last_update_time')} FROM experiments ORDER BY experiment_id`,
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
      `SELECT run_uuid, ${['name', 'status', 'start_time', 'end_time', 'lifecycle_stage'].map(optional).join(', ')}, experiment_id, ${optional('user_id')}, ${optional('artifact_uri')} FROM runs ORDER BY ${optional('start_time')} DESC, run_uuid`,
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
        userId: str(userId) || undefined,
        artifactUri: str(artifactUri),
        fullHistory: query.fullHistory ?? false,
      });
    }
    // Params and tags in table order, then each run's keys in SQLite's order (what `ORDER BY key` gave, without
    // sorting every row in SQL).
    const keyed = (table: 'params' | 'tags'): void => {
      const byRun = new Map<MlflowRun, [string, string][]>();
      // Rows of one run usually follow each other (MLflow logs a run's params and tags in batches).
      let lastId: SqlValue | null | undefined;
      let entries: [string, string][] | undefined;
      for (const [runId, key, value] of this.keyValueRows(table)) {
        if (runId !== lastId || lastId === undefined) {
          lastId = runId;
          const run = runs.get(typeof runId === 'string' ? runId : String(runId));
          entries = run ? byRun.get(run) : undefined;
          if (run && !entries) byRun.set(run, (entries = []));
        }
        entries?.push([
          typeof key === 'string' ? key : String(key),
          typeof value === 'string' ? value : (str(value) ?? ''),
        ]);
      }
      const byKey = ([a]: [string, string], [b]: [string, string]): number => compareBinary(a, b);
      for (const [run, list] of byRun) {
        list.sort(byKey);
        const out = run[table];
        for (const [key, value] of list) out[key] = value;
      }
    };
    keyed('params');
    keyed('tags');
    const series = new Map<string, Map<string, MetricPoint[]>>();
    const metricRows = query.fullHistory
      ? this.rows(
          `SELECT ${this.metricColumns()} FROM metrics ORDER BY run_uuid, key, timestamp, ${this.metricStep()}, value`,
          [],
          'reading metrics',
        )
      : this.latestMetricRows();
    let lastRun: SqlValue | undefined;
    let byKey: Map<string, MetricPoint[]> | undefined;
    for (const [key, value, timestamp, step, isNan, runId] of metricRows) {
      if (runId !== lastRun || lastRun === undefined) {
        lastRun = runId;
        const id = typeof runId === 'string' ? runId : String(runId);
        byKey = series.get(id);
        if (!byKey && runs.has(id)) series.set(id, (byKey = new Map<string, MetricPoint[]>()));
      }
      if (!byKey) continue;
      const name = typeof key === 'string' ? key : String(key);
      const points = byKey.get(name);
      const point = storedPoint(value, timestamp, step, isNan);
      if (points) points.push(point);
      else byKey.set(name, [point]);
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
      `SELECT value, timestamp, ${this.metricStep()}, ${this.column('metrics', 'is_nan', 'value IS NULL')} FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY timestamp, ${this.metricStep()}, value`,
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
    for (const [name, version, stage, status, runId, source, description, created, updated, userId] of this.rows(
      `SELECT name, version, current_stage, status, run_id, source, description, creation_time, last_updated_time, ${this.column('model_versions', 'user_id')} FROM model_versions ORDER BY name, version`,
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
        userId: str(userId) || undefined,
        tags: versionTags.get(`${String(name)}\n${String(version)}`) ?? {},
      };
      model.versions.push(entry);
    }
    return [...models.values()];
  }
}
