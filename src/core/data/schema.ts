// A dataset's `schema:` and `drift:` in mlops.yaml (`datasets[]`): the JSON-schema fragments composed into
// mlops.yaml's schema, the typed reading, validation of a dataset version against the schema (one streaming pass,
// violations with the first rows that break them), and a schema inferred from a profile for the user to edit.
import { NA_VALUES } from '../formats/data/csv';
import { readDataset, type ReadOptions } from '../formats/data/read';
import { type DataFormat, type DataSource } from '../formats/data/source';
import { type SourcePosition } from '../formats/mlopsYaml/model';
import { DEFAULT_DRIFT, DRIFT_TESTS, type DriftOptions } from './drift';
export { COLUMN_TYPES, datasetDriftFragment, datasetSchemaFragment } from './schemaFragments';
import {
  type ColumnProfile,
  type ColumnType,
  type DatasetProfile,
  type DriftTest,
  type SchemaViolation,
} from './model';

export interface ColumnRules {
  type?: ColumnType;
  nullable?: boolean;
  min?: number | string;
  max?: number | string;
  allowed?: (string | number | boolean)[];
  pattern?: string;
  unique?: boolean;
  required?: boolean;
}

export interface DatasetSchema {
  columns: Record<string, ColumnRules>;
  rows?: { min?: number; max?: number };
  /** Max age in milliseconds. */
  freshnessMs?: number;
  freshness?: string;
}

export interface DatasetDriftConfig extends Partial<DriftOptions> {
  reference?: string;
  current?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([hdw])$/.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2] === 'h' ? 3_600_000 : m[2] === 'd' ? 86_400_000 : 7 * 86_400_000;
  return Number(m[1]) * unit;
}

/** The typed `schema:` (as mlops.yaml's schema validated it); undefined when absent. */
export function readDatasetSchema(raw: unknown): DatasetSchema | undefined {
  if (!isRecord(raw)) return undefined;
  const schema: DatasetSchema = { columns: {} };
  if (isRecord(raw.columns))
    for (const [name, rules] of Object.entries(raw.columns)) if (isRecord(rules)) schema.columns[name] = rules;
  if (isRecord(raw.rows)) {
    schema.rows = {};
    if (typeof raw.rows.min === 'number') schema.rows.min = raw.rows.min;
    if (typeof raw.rows.max === 'number') schema.rows.max = raw.rows.max;
  }
  if (typeof raw.freshness === 'string') {
    schema.freshness = raw.freshness;
    schema.freshnessMs = parseDuration(raw.freshness);
  }
  return schema;
}

export function readDriftConfig(raw: unknown): DatasetDriftConfig {
  const out: DatasetDriftConfig = {};
  if (!isRecord(raw)) return out;
  if (typeof raw.reference === 'string') out.reference = raw.reference;
  if (typeof raw.current === 'string') out.current = raw.current;
  if (typeof raw.test === 'string' && (DRIFT_TESTS as readonly string[]).includes(raw.test))
    out.test = raw.test as DriftTest;
  for (const key of ['pValue', 'distance', 'share', 'smallReference'] as const)
    if (typeof raw[key] === 'number') out[key] = raw[key];
  if (Array.isArray(raw.ignore)) out.ignore = raw.ignore.filter((x): x is string => typeof x === 'string');
  if (isRecord(raw.columns)) {
    out.columns = {};
    for (const [name, c] of Object.entries(raw.columns)) {
      if (!isRecord(c)) continue;
      out.columns[name] = {
        ...(typeof c.test === 'string' && (DRIFT_TESTS as readonly string[]).includes(c.test)
          ? { test: c.test as DriftTest }
          : {}),
        ...(typeof c.threshold === 'number' ? { threshold: c.threshold } : {}),
      };
    }
  }
  return out;
}

export { DEFAULT_DRIFT };

// ------------------------------------------------------------------------------------------------ validation

const ROWS_KEPT = 10;
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const BOOLEAN = new Set(['true', 'false', 'True', 'False', 'TRUE', 'FALSE']);

class Tally {
  count = 0;
  readonly rows: number[] = [];
  constructor(
    readonly column: string | undefined,
    readonly rule: string,
    readonly message: string,
  ) {}
  hit(row: number): void {
    this.count++;
    if (this.rows.length < ROWS_KEPT) this.rows.push(row);
  }
}

function typeOk(type: ColumnType, v: unknown, text: boolean): boolean {
  if (text) {
    const s = v as string;
    switch (type) {
      case 'integer':
        return INTEGER.test(s);
      case 'number':
        return NUMBER.test(s) || /^[+-]?(inf|Infinity)$/i.test(s);
      case 'boolean':
        return BOOLEAN.has(s);
      case 'datetime':
        return DATETIME.test(s) && !Number.isNaN(Date.parse(s.length === 10 ? s : s.replace(' ', 'T')));
      case 'list':
        return s.startsWith('[');
      case 'struct':
        return s.startsWith('{');
      default:
        return true;
    }
  }
  switch (type) {
    case 'integer':
      return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
    case 'number':
      return typeof v === 'number' || typeof v === 'bigint';
    case 'boolean':
      return typeof v === 'boolean';
    case 'datetime':
      return v instanceof Date || (typeof v === 'string' && DATETIME.test(v));
    case 'list':
      return Array.isArray(v);
    case 'struct':
      return isRecord(v) && !(v instanceof Date);
    default:
      return true;
  }
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && NUMBER.test(v)) return Number(v);
  return undefined;
}

function display(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? String(v);
}

export interface ValidationResult {
  rows: number;
  violations: SchemaViolation[];
}

/** Validates one dataset version against its schema in one streaming pass. Rows are 1-based data rows. */
export async function validateDataset(
  source: DataSource,
  format: DataFormat,
  schema: DatasetSchema,
  options: { read?: ReadOptions; lastChange?: Date; now?: Date } = {},
): Promise<ValidationResult> {
  const text = format === 'csv' || format === 'tsv';
  const names: string[] = [];
  const checks: {
    index: number;
    name: string;
    rules: ColumnRules;
    type?: Tally;
    nulls?: Tally;
    min?: Tally;
    max?: Tally;
    allowed?: { tally: Tally; set: Set<string> };
    pattern?: { tally: Tally; re: RegExp };
    unique?: { tally: Tally; seen: Set<string> };
  }[] = [];
  const all: Tally[] = [];
  const tally = (column: string | undefined, rule: string, message: string): Tally => {
    const t = new Tally(column, rule, message);
    all.push(t);
    return t;
  };
  const bound = (v: number | string | undefined): number | undefined =>
    typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : undefined;
  let rows = 0;
  let bound_ = false;
  const bind = (): void => {
    bound_ = true;
    for (const [name, rules] of Object.entries(schema.columns)) {
      const index = names.indexOf(name);
      if (index < 0) {
        if (rules.required !== false) tally(name, 'missing-column', `column "${name}" is missing`).count = 1;
        continue;
      }
      const c: (typeof checks)[number] = { index, name, rules };
      if (rules.type) c.type = tally(name, 'type', `values of "${name}" that are not ${rules.type}`);
      if (rules.nullable === false)
        c.nulls = tally(name, 'nullable', `missing values in "${name}", which is not nullable`);
      if (rules.min !== undefined) c.min = tally(name, 'min', `values of "${name}" below ${String(rules.min)}`);
      if (rules.max !== undefined) c.max = tally(name, 'max', `values of "${name}" above ${String(rules.max)}`);
      if (rules.allowed)
        c.allowed = {
          tally: tally(name, 'allowed', `values of "${name}" not in ${rules.allowed.map(String).join(', ')}`),
          set: new Set(rules.allowed.map(String)),
        };
      if (rules.pattern !== undefined) {
        let re: RegExp | undefined;
        try {
          re = new RegExp(rules.pattern, 'u');
        } catch (err) {
          tally(
            name,
            'pattern',
            `the pattern of "${name}" is not a valid regular expression: ${(err as Error).message}`,
          ).count = 1;
        }
        if (re)
          c.pattern = { tally: tally(name, 'pattern', `values of "${name}" not matching /${rules.pattern}/`), re };
      }
      if (rules.unique)
        c.unique = {
          tally: tally(name, 'unique', `repeated values in "${name}", which must be unique`),
          seen: new Set(),
        };
      checks.push(c);
    }
  };
  await readDataset(
    source,
    format,
    {
      columns(cols) {
        names.length = 0;
        for (const c of cols) names.push(c);
      },
      row(cells) {
        if (!bound_) bind();
        rows++;
        for (const c of checks) {
          const v = cells[c.index];
          const missing =
            v === null ||
            v === undefined ||
            (text && NA_VALUES.has(v as string)) ||
            (typeof v === 'number' && Number.isNaN(v));
          if (missing) {
            c.nulls?.hit(rows);
            continue;
          }
          if (c.type && c.rules.type && !typeOk(c.rules.type, v, text)) c.type.hit(rows);
          if (c.min || c.max) {
            const x =
              c.rules.type === 'datetime' || typeof c.rules.min === 'string'
                ? v instanceof Date
                  ? v.getTime()
                  : Date.parse(display(v))
                : asNumber(v);
            if (x !== undefined && !Number.isNaN(x)) {
              const lo = bound(c.rules.min);
              const hi = bound(c.rules.max);
              if (c.min && lo !== undefined && x < lo) c.min.hit(rows);
              if (c.max && hi !== undefined && x > hi) c.max.hit(rows);
            }
          }
          if (c.allowed || c.pattern || c.unique) {
            const s = display(v);
            if (c.allowed && !c.allowed.set.has(s) && !(typeof v === 'number' && c.allowed.set.has(String(v))))
              c.allowed.tally.hit(rows);
            if (c.pattern && !c.pattern.re.test(s)) c.pattern.tally.hit(rows);
            if (c.unique) {
              if (c.unique.seen.has(s)) c.unique.tally.hit(rows);
              else c.unique.seen.add(s);
            }
          }
        }
      },
      bad() {
        /* bad rows are reported by the profile */
      },
    },
    options.read,
  );
  if (!bound_) bind();
  const violations: SchemaViolation[] = all
    .filter((t) => t.count > 0)
    .map((t) => ({
      ...(t.column !== undefined ? { column: t.column } : {}),
      rule: t.rule,
      message: t.rule === 'missing-column' || t.rows.length === 0 ? t.message : `${t.count} ${t.message}`,
      rows: t.rows,
      count: t.count,
    }));
  if (schema.rows?.min !== undefined && rows < schema.rows.min)
    violations.push({
      rule: 'rows',
      message: `${rows} rows, fewer than the minimum ${schema.rows.min}`,
      rows: [],
      count: 1,
    });
  if (schema.rows?.max !== undefined && rows > schema.rows.max)
    violations.push({
      rule: 'rows',
      message: `${rows} rows, more than the maximum ${schema.rows.max}`,
      rows: [],
      count: 1,
    });
  if (schema.freshnessMs !== undefined && options.lastChange) {
    const age = (options.now ?? new Date()).getTime() - options.lastChange.getTime();
    if (age > schema.freshnessMs)
      violations.push({
        rule: 'freshness',
        message: `last changed ${options.lastChange.toISOString().slice(0, 10)}, ${Math.floor(age / 86_400_000)} days ago: older than ${schema.freshness ?? ''}`,
        rows: [],
        count: 1,
      });
  }
  return { rows, violations };
}

// ------------------------------------------------------------------------------------------------ inference

function inferColumn(column: ColumnProfile, rows: number): Record<string, unknown> {
  const rules: Record<string, unknown> = { type: column.type };
  rules.nullable = column.nulls > 0;
  if (
    (column.type === 'integer' || column.type === 'number') &&
    typeof column.min === 'number' &&
    typeof column.max === 'number'
  ) {
    rules.min = column.min;
    rules.max = column.max;
  }
  if (column.type === 'categorical' && column.topValues && column.distinct.exact && column.distinct.value <= 20)
    rules.allowed = column.topValues.map((t) => t.value).sort();
  if (
    column.distinct.exact &&
    column.distinct.value === column.count &&
    column.count === rows &&
    rows > 1 &&
    column.type !== 'number'
  )
    rules.unique = true;
  return rules;
}

/** A `schema:` written from a profile for the user to edit (setDatasetSchema in mlopsYaml/edits.ts writes it). */
export function inferSchema(profile: DatasetProfile): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const column of profile.columns) columns[column.name] = inferColumn(column, profile.rows);
  return { columns, rows: { min: Math.floor(profile.rows / 2), max: profile.rows * 10 } };
}

/**
 * Where a schema violation sits in mlops.yaml: at the column's rule (or the column, or the schema) for a column rule,
 * at `rows:` or `freshness:` (or the schema) for a dataset rule, else at the dataset's entry. The data-schema check and
 * `mlops data validate` both place violations here.
 */
export function violationPosition(
  positionOf: ((path: readonly (string | number)[]) => SourcePosition | undefined) | undefined,
  datasetIndex: number,
  dataset: { position?: SourcePosition },
  v: SchemaViolation,
): SourcePosition | undefined {
  const paths: (string | number)[][] =
    v.column !== undefined
      ? [['schema', 'columns', v.column, v.rule], ['schema', 'columns', v.column], ['schema']]
      : [['schema', v.rule], ['schema']];
  for (const p of paths) {
    const position = positionOf?.(['datasets', datasetIndex, ...p]);
    if (position) return position;
  }
  return dataset.position;
}

/** The finding's message for a violation, as the data-schema check and `mlops data validate --format problems` say it. */
export function violationMessage(dataset: string, v: SchemaViolation): string {
  const rows = v.rows.length > 0 ? ` (rows ${v.rows.join(', ')}${v.count > v.rows.length ? ', ...' : ''})` : '';
  return `Dataset '${dataset}': ${v.message}${rows}.`;
}
