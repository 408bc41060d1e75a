// The Runs table's columns: which exist for a set of rows (the run's facts, then params, then metrics), their units
// and goals, how a cell is read from a row by column id, which columns differ across rows and which value of each
// metric is best. Browser-safe: the panel imports it, as do the CLI and the host.
import type { MetricDefinition } from '../formats/mlopsYaml/model';
import { conventionalGoal } from '../metrics/goals';
import { splitOf } from '../metrics/split';
import type { CellValue, ColumnDef, RunRow } from './model';

/** The run's own columns, in the order the table shows them. */
export const RUN_COLUMNS: readonly ColumnDef[] = [
  { id: 'name', group: 'run', label: 'Run', type: 'text' },
  { id: 'source', group: 'run', label: 'Source', type: 'text' },
  { id: 'commit', group: 'run', label: 'Commit', type: 'text' },
  { id: 'experiment', group: 'run', label: 'Experiment', type: 'text' },
  { id: 'status', group: 'run', label: 'Status', type: 'text' },
  { id: 'start', group: 'run', label: 'Started', type: 'time' },
  { id: 'duration', group: 'run', label: 'Duration', type: 'duration' },
  { id: 'author', group: 'run', label: 'Author', type: 'text' },
  { id: 'labels', group: 'run', label: 'Labels', type: 'text' },
  { id: 'note', group: 'run', label: 'Note', type: 'text' },
];

/** Every run fact a column id can name: RUN_COLUMNS' ids, and ids, keys, source kinds, git tags and branches. */
export const RUN_FIELDS = [
  'name',
  'source',
  'commit',
  'experiment',
  'status',
  'start',
  'duration',
  'author',
  'labels',
  'note',
  'id',
  'key',
  'kind',
  'tags',
  'branches',
] as const;

export type RunField = (typeof RUN_FIELDS)[number];

const RUN_FIELD_NAMES: ReadonlySet<string> = new Set(RUN_FIELDS);

/** Whether `name` is a run column (`name`, `status`, `duration`, ...) rather than a param or a metric. */
export function isRunField(name: string): name is RunField {
  return RUN_FIELD_NAMES.has(name);
}

/**
 * A parsed column reference. `key` is the param or metric key as the source names it. `variant` picks a metric's
 * min or max instead of its latest value; `variantFallback` says the suffix was written without quotes
 * (`metrics.loss.min`), so a metric whose own key ends in `.min` wins over the min of `loss`.
 */
export type ColumnRef =
  | { group: 'run'; key: RunField }
  | { group: 'params'; key: string }
  | { group: 'metrics'; key: string; variant?: 'min' | 'max'; variantFallback?: boolean }
  /** A bare name that is no run column: a metric of that key, else a param. */
  | { group: 'any'; key: string; variant?: 'min' | 'max'; variantFallback?: boolean };

/**
 * A column reference from its segments: `metrics`, `params`, or a run column, then the key's segments (joined by
 * dots). A quoted segment is one segment even if it holds dots (`metrics."val/loss".min`). A last unquoted `min` or
 * `max` after a metric key is a variant (see ColumnRef).
 */
export function columnRefOf(segments: readonly { text: string; quoted: boolean }[]): ColumnRef {
  const [head, ...rest] = segments;
  if (!head) return { group: 'any', key: '' };
  const tail = (
    parts: readonly { text: string; quoted: boolean }[],
  ): {
    key: string;
    variant?: 'min' | 'max';
    variantFallback?: boolean;
  } => {
    const last = parts[parts.length - 1];
    if (parts.length >= 2 && last && !last.quoted && (last.text === 'min' || last.text === 'max')) {
      const key = parts
        .slice(0, -1)
        .map((p) => p.text)
        .join('.');
      const quotedKey = parts.length === 2 && parts[0]?.quoted === true;
      return quotedKey ? { key, variant: last.text } : { key, variant: last.text, variantFallback: true };
    }
    return { key: parts.map((p) => p.text).join('.') };
  };
  if (!head.quoted && (head.text === 'metrics' || head.text === 'params') && rest.length > 0) {
    if (head.text === 'params') return { group: 'params', key: rest.map((p) => p.text).join('.') };
    return { group: 'metrics', ...tail(rest) };
  }
  if (!head.quoted && rest.length === 0 && isRunField(head.text)) return { group: 'run', key: head.text };
  return { group: 'any', ...tail(segments) };
}

/** Splits a column id (`metrics.val/loss.min`, `params.lr`, `status`) into a reference; no quoting in ids. */
export function parseColumnId(id: string): ColumnRef {
  const group = /^(metrics|params)\.(.+)$/s.exec(id);
  if (group) {
    if (group[1] === 'params') return { group: 'params', key: group[2] as string };
    const variant = /^(.+)\.(min|max)$/s.exec(group[2] as string);
    return variant
      ? { group: 'metrics', key: variant[1] as string, variant: variant[2] as 'min' | 'max', variantFallback: true }
      : { group: 'metrics', key: group[2] as string };
  }
  if (isRunField(id)) return { group: 'run', key: id };
  return { group: 'any', key: id };
}

const own = (record: object, key: string): boolean => Object.prototype.hasOwnProperty.call(record, key);

function runField(field: RunField): (row: RunRow) => CellValue {
  switch (field) {
    case 'name':
      return (r) => r.name;
    case 'source':
      return (r) => r.sourceLabel;
    case 'kind':
      return (r) => r.sourceKind;
    case 'commit':
      return (r) => r.commit ?? null;
    case 'experiment':
      return (r) => r.experiment ?? null;
    case 'status':
      return (r) => r.status;
    case 'start':
      return (r) => r.startTime ?? null;
    case 'duration':
      return (r) => r.durationMs ?? null;
    case 'author':
      return (r) => r.author ?? null;
    case 'labels':
      return (r) => (r.annotation.labels.length ? r.annotation.labels.map((l) => l.name).join(', ') : null);
    case 'note':
      return (r) => r.annotation.note ?? null;
    case 'id':
      return (r) => r.runId;
    case 'key':
      return (r) => r.key;
    case 'tags':
      return (r) => (r.tags.length ? r.tags.join(', ') : null);
    case 'branches':
      return (r) => (r.branches.length ? r.branches.join(', ') : null);
  }
}

function metricValue(
  key: string,
  variant: 'min' | 'max' | undefined,
  fallback: boolean | undefined,
): (row: RunRow) => CellValue | undefined {
  if (!variant) return (r) => (own(r.metrics, key) ? (r.metrics[key]?.latest ?? null) : undefined);
  const whole = `${key}.${variant}`;
  return (r) => {
    if (fallback && own(r.metrics, whole)) return r.metrics[whole]?.latest ?? null;
    if (!own(r.metrics, key)) return undefined;
    const cell = r.metrics[key];
    return cell ? cell[variant] : null;
  };
}

/**
 * A function reading a column's cell from a row: a number, a text, or null when the row has no such value (a run
 * without that param or metric). Build it once per column, call it per row.
 */
export function columnAccessor(ref: ColumnRef): (row: RunRow) => CellValue {
  switch (ref.group) {
    case 'run':
      return runField(ref.key);
    case 'params': {
      const key = ref.key;
      return (r) => (own(r.params, key) ? (r.params[key] ?? null) : null);
    }
    case 'metrics': {
      const read = metricValue(ref.key, ref.variant, ref.variantFallback);
      return (r) => read(r) ?? null;
    }
    case 'any': {
      const read = metricValue(ref.key, ref.variant, ref.variantFallback);
      const whole = ref.variant ? `${ref.key}.${ref.variant}` : ref.key;
      return (r) => {
        const metric = read(r);
        if (metric !== undefined) return metric;
        return own(r.params, whole) ? (r.params[whole] ?? null) : null;
      };
    }
  }
}

/** The cell of one column id in one row (see columnAccessor; build an accessor for many rows). */
export function cellValue(row: RunRow, columnId: string): CellValue {
  return columnAccessor(parseColumnId(columnId))(row);
}

/** How mlops.yaml's `metrics:` entries and conventional names give columns units and goals. */
export interface ColumnOptions {
  /** mlops.yaml's metric definitions (`MlopsConfig.metrics`). */
  metricDefinitions?: readonly MetricDefinition[];
  /** Add `.min` and `.max` columns: for every metric (`true`) or for these metric keys. */
  minMax?: boolean | readonly string[];
}

/** The definition of a key: by the key itself, else its base key (`f1` for `test.f1`), else its last segment. */
function definitionOf(key: string, byKey: ReadonlyMap<string, MetricDefinition>): MetricDefinition | undefined {
  const base = splitOf(key).baseKey;
  const last = base.split(/[/.]/).pop() ?? base;
  return byKey.get(key) ?? byKey.get(base) ?? byKey.get(last);
}

/** A metric's goal: mlops.yaml's, else the conventional one of its name. */
export function goalOf(
  key: string,
  definitions: readonly MetricDefinition[] = [],
): 'maximize' | 'minimize' | undefined {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  return definitionOf(key, byKey)?.goal ?? conventionalGoal(key);
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * The columns of `rows`: the run columns, then one per param (sorted by key; `number` when every value is a
 * number), then one per metric (sorted; with `.min`/`.max` columns after it when asked), with unit and goal.
 */
export function columnsOf(rows: readonly RunRow[], options: ColumnOptions = {}): ColumnDef[] {
  const params = new Map<string, boolean>();
  const metrics = new Set<string>();
  for (const row of rows) {
    for (const key in row.params) {
      if (!own(row.params, key)) continue;
      const value = row.params[key];
      const numeric = typeof value === 'number' || value === null || value === undefined;
      params.set(key, (params.get(key) ?? true) && numeric);
    }
    for (const key in row.metrics) if (own(row.metrics, key)) metrics.add(key);
  }
  const byKey = new Map((options.metricDefinitions ?? []).map((d) => [d.key, d]));
  const minMax = options.minMax;
  const wantsMinMax = (key: string): boolean => (Array.isArray(minMax) ? minMax.includes(key) : minMax === true);
  const out: ColumnDef[] = [...RUN_COLUMNS.map((c) => ({ ...c }))];
  for (const key of [...params.keys()].sort(collator.compare))
    out.push({ id: `params.${key}`, group: 'params', label: key, type: params.get(key) ? 'number' : 'text' });
  for (const key of [...metrics].sort(collator.compare)) {
    const definition = definitionOf(key, byKey);
    const goal = definition?.goal ?? conventionalGoal(key);
    const base: ColumnDef = {
      id: `metrics.${key}`,
      group: 'metrics',
      label: definition?.label && definition.key === key ? definition.label : key,
      type: 'number',
      ...(definition?.unit ? { unit: definition.unit } : {}),
      ...(goal ? { goal } : {}),
    };
    out.push(base);
    if (wantsMinMax(key))
      for (const variant of ['min', 'max'] as const)
        out.push({ ...base, id: `metrics.${key}.${variant}`, label: `${base.label} (${variant})` });
  }
  return out;
}

const sameCell = (a: CellValue, b: CellValue): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

/**
 * The columns whose values differ across `rows` (a value missing in some rows and present in others differs).
 * Run columns are always kept: they say which run a row is. With fewer than two rows every column is kept.
 */
export function differingColumns(columns: readonly ColumnDef[], rows: readonly RunRow[]): ColumnDef[] {
  if (rows.length < 2) return [...columns];
  return columns.filter((column) => {
    if (column.group === 'run') return true;
    const read = columnAccessor(parseColumnId(column.id));
    const first = read(rows[0] as RunRow);
    for (let i = 1; i < rows.length; i++) if (!sameCell(read(rows[i] as RunRow), first)) return true;
    return false;
  });
}

export interface BestValue {
  value: number;
  /** Keys of the rows holding the best value. */
  rowKeys: string[];
}

/**
 * The best value of every metric column with a goal among `rows` (finite numbers only), and the rows that hold it.
 * Columns without a goal or without a finite value are absent.
 */
export function bestValues(columns: readonly ColumnDef[], rows: readonly RunRow[]): Record<string, BestValue> {
  const out: Record<string, BestValue> = {};
  for (const column of columns) {
    if (column.group !== 'metrics' || !column.goal) continue;
    const read = columnAccessor(parseColumnId(column.id));
    const better = column.goal === 'maximize' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
    let best: BestValue | undefined;
    for (const row of rows) {
      const value = read(row);
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      if (!best || better(value, best.value)) best = { value, rowKeys: [row.key] };
      else if (value === best.value) best.rowKeys.push(row.key);
    }
    if (best) out[column.id] = best;
  }
  return out;
}
