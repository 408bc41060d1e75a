// The Runs panel's message contract, imported by the host (src/features/runs) and the panel (webview/runs). Every
// message is plain JSON with a discriminating `type`; the host checks every field of what the panel sends. The rows
// travel in a columnar form (`RunsTable`): fixed fields as arrays, params and metrics as typed arrays per kind, so
// 10,000 runs x 500 columns cross to the panel as a few buffers instead of millions of small objects.
import type { CellValue, ColumnDef, MetricCell, RunAnnotation, RunLabel, RunRow } from '../core/runs/model';

export const RUNS_VIEW_TYPE = 'mlops.runs';

/** One sort key: a column id and its direction. */
export interface RunsSortKey {
  id: string;
  desc: boolean;
}

export type RunsGroupBy = 'none' | 'source' | 'experiment' | 'branch';

/** What the host can ask the panel to show (a source item's "Show Runs Table", tests). */
export interface RunsViewRequest {
  filter?: string;
  sort?: RunsSortKey[];
  group?: RunsGroupBy;
}

export type HostToWebview =
  /**
   * The rows and columns. `refresh`: a source changed on disk; the panel keeps filter, sort, selection, scroll.
   * `total`: the table holds only the first rows of this many (the first screen, sent ahead); every row follows in
   * the next `data` message.
   */
  | {
      type: 'data';
      table: RunsTable;
      columns: ColumnDef[];
      reason: 'initial' | 'refresh';
      problems: string[];
      total?: number;
    }
  | { type: 'loading'; message: string }
  | { type: 'error'; message: string }
  /** Replace filter, sort or grouping (from a command). */
  | { type: 'view'; request: RunsViewRequest };

export type WebviewToHost =
  | { type: 'ready' }
  /** Write a run's note (empty text removes it). */
  | { type: 'setNote'; key: string; note: string }
  /** Replace a run's labels. */
  | { type: 'setLabels'; key: string; labels: RunLabel[] }
  /** Chart these runs' metrics in Metric History (every one of them: no cap). */
  | { type: 'chart'; keys: string[] }
  /** Compare two runs in the comparison report. */
  | { type: 'compare'; keys: string[] }
  | { type: 'export'; format: 'csv' | 'md'; text: string; suggestedName: string }
  | { type: 'copyMarkdown'; markdown: string }
  /** What the table shows after a render: the keys in order (tests, benchmarks), the total and the time taken. */
  | { type: 'shown'; keys: string[]; total: number; filter: string; filterError?: string; ms: number };

/** The rows sent ahead of the rest when a panel opens: more than a screen shows. */
export const FIRST_SCREEN_ROWS = 100;

export type RunsDataMessage = Extract<HostToWebview, { type: 'data' }>;

/**
 * The `data` messages of the rows, in posting order. When a panel opens on more rows than a screen shows, the first
 * screen's rows go ahead (encoded and carried in milliseconds, where every row of 10,000 runs x 500 columns takes a
 * second), then every row; `ahead: false` sends every row at once. Each message is made when the next one is asked for: the host posts one and lets it go
 * before making the next.
 */
export function* dataMessages(
  rows: readonly RunRow[],
  columns: ColumnDef[],
  reason: 'initial' | 'refresh',
  problems: string[],
  ahead = reason === 'initial',
): Generator<RunsDataMessage, void, void> {
  if (ahead && rows.length > FIRST_SCREEN_ROWS)
    yield {
      type: 'data',
      table: encodeRuns(rows.slice(0, FIRST_SCREEN_ROWS)),
      columns,
      reason,
      problems,
      total: rows.length,
    };
  yield { type: 'data', table: encodeRuns(rows), columns, reason, problems };
}

/** Upper bounds of what the host accepts from the panel. */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;
export const MAX_NOTE_CHARS = 10_000;
export const MAX_LABELS = 50;
const MAX_KEYS = 1_000_000;

/** The colour names a label may have (the panel maps each to a theme chart colour). */
export const LABEL_COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'grey'] as const;
const colors = new Set<string>(LABEL_COLORS);

/** Checks a message from the panel and returns it typed, or undefined when its shape is wrong. */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'setNote':
      return isKey(raw.key) && typeof raw.note === 'string' && raw.note.length <= MAX_NOTE_CHARS
        ? { type: 'setNote', key: raw.key, note: raw.note }
        : undefined;
    case 'setLabels': {
      const labels = parseLabels(raw.labels);
      return isKey(raw.key) && labels ? { type: 'setLabels', key: raw.key, labels } : undefined;
    }
    case 'chart':
    case 'compare': {
      const keys = keyList(raw.keys);
      return keys && keys.length > 0 ? { type: raw.type, keys } : undefined;
    }
    case 'export': {
      if ((raw.format !== 'csv' && raw.format !== 'md') || typeof raw.text !== 'string') return undefined;
      if (raw.text.length > MAX_EXPORT_CHARS) return undefined;
      const name = typeof raw.suggestedName === 'string' ? raw.suggestedName.slice(0, 200) : 'runs';
      return { type: 'export', format: raw.format, text: raw.text, suggestedName: name };
    }
    case 'copyMarkdown':
      return typeof raw.markdown === 'string' && raw.markdown.length <= MAX_EXPORT_CHARS
        ? { type: 'copyMarkdown', markdown: raw.markdown }
        : undefined;
    case 'shown': {
      const keys = keyList(raw.keys);
      if (!keys || typeof raw.total !== 'number' || typeof raw.ms !== 'number' || typeof raw.filter !== 'string')
        return undefined;
      const shown: WebviewToHost = { type: 'shown', keys, total: raw.total, filter: raw.filter, ms: raw.ms };
      if (typeof raw.filterError === 'string') shown.filterError = raw.filterError.slice(0, 1000);
      return shown;
    }
    default:
      return undefined;
  }
}

/** A view request (from a command argument or a test), checked field by field. */
export function parseViewRequest(raw: unknown): RunsViewRequest | undefined {
  if (!isRecord(raw)) return undefined;
  const request: RunsViewRequest = {};
  if (typeof raw.filter === 'string') request.filter = raw.filter.slice(0, 10_000);
  if (Array.isArray(raw.sort))
    request.sort = raw.sort
      .filter((s): s is { id: string; desc?: unknown } => isRecord(s) && typeof s.id === 'string')
      .slice(0, 20)
      .map((s) => ({ id: s.id, desc: s.desc === true }));
  if (raw.group === 'none' || raw.group === 'source' || raw.group === 'experiment' || raw.group === 'branch')
    request.group = raw.group;
  return request;
}

function parseLabels(raw: unknown): RunLabel[] | undefined {
  if (!Array.isArray(raw) || raw.length > MAX_LABELS) return undefined;
  const labels: RunLabel[] = [];
  for (const item of raw) {
    if (!isRecord(item) || typeof item.name !== 'string' || typeof item.color !== 'string') return undefined;
    const name = item.name.trim();
    if (!name || name.length > 100 || !colors.has(item.color)) return undefined;
    if (!labels.some((l) => l.name === name)) labels.push({ name, color: item.color });
  }
  return labels;
}

function isKey(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 4096;
}

function keyList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_KEYS) return undefined;
  return value.every(isKey) ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------- the rows on the wire

/**
 * The rows, column by column. Numbers travel in typed arrays, which VS Code's postMessage carries as binary buffers
 * beside the JSON of the rest (NaN and +/-Infinity kept, nothing parsed); a matrix is column-major: the value of
 * column `c` of row `r` is at `c * count + r`.
 */
export interface RunsTable {
  count: number;
  key: string[];
  runId: string[];
  name: string[];
  sourceKind: string[];
  sourceLabel: string[];
  sourceLocation: string[];
  status: string[];
  commit: (string | null)[];
  experiment: (string | null)[];
  author: (string | null)[];
  tags: string[][];
  branches: string[][];
  startTime: (number | null)[];
  durationMs: (number | null)[];
  annotation: RunAnnotation[];
  params: {
    keys: string[];
    /** Per cell: 0 absent, 1 number (in `numbers`), 2 text (in `strings`), 3 true, 4 false, 5 null. */
    kinds: Uint8Array;
    numbers: Float64Array;
    /** Per column: the texts of its rows (`''` where the cell is not text), or null when it has none. */
    strings: (string[] | null)[];
  };
  metrics: {
    keys: string[];
    /** Per cell: 0 absent, 1 present with a step, 2 present without a step. */
    mask: Uint8Array;
    latest: Float64Array;
    /**
     * Per column: the step every present cell of it shares (most columns: runs log the same number of steps), or
     * null when its steps differ (then they are in `step`). A shared value travels once instead of once per row.
     */
    sharedStep: (number | null)[];
    /** The steps of the columns whose `sharedStep` is null, column-major over them (in their order in `keys`). */
    step: Float64Array;
    /** The metric columns (indexes into `keys`) whose min or max differs from the latest value somewhere. */
    extremes: number[];
    /** Min and max of the `extremes` columns, column-major over them; the other columns' min and max are latest. */
    min: Float64Array;
    max: Float64Array;
  };
}

const PARAM_ABSENT = 0;
const PARAM_NUMBER = 1;
const PARAM_TEXT = 2;
const PARAM_TRUE = 3;
const PARAM_FALSE = 4;
const PARAM_NULL = 5;

/** Rows to their columnar form (the host, before posting them). */
export function encodeRuns(rows: readonly RunRow[]): RunsTable {
  const n = rows.length;
  const paramIndex = new Map<string, number>();
  const metricIndex = new Map<string, number>();
  const paramColumns = columnsOfKeys(rows, (row) => row.params, paramIndex);
  const metricColumns = columnsOfKeys(rows, (row) => row.metrics, metricIndex);
  const P = paramIndex.size;
  const M = metricIndex.size;
  const kinds = new Uint8Array(n * P);
  const numbers = new Float64Array(n * P);
  const strings: (string[] | null)[] = new Array<string[] | null>(P).fill(null);
  const mask = new Uint8Array(n * M);
  const latest = new Float64Array(n * M);
  // Steps row by row first; the columns whose steps are all the same then travel as that one value.
  const steps = new Float64Array(n * M);
  const differs = new Uint8Array(M);
  for (let r = 0; r < n; r++) {
    const row = rows[r] as RunRow;
    const pValues = Object.values(row.params);
    const pColumns = paramColumns[r] as number[];
    for (let j = 0; j < pValues.length; j++) {
      const c = pColumns[j] as number;
      const v = pValues[j];
      const i = c * n + r;
      if (typeof v === 'number') {
        kinds[i] = PARAM_NUMBER;
        numbers[i] = v;
      } else if (typeof v === 'string') {
        kinds[i] = PARAM_TEXT;
        (strings[c] ??= new Array<string>(n).fill(''))[r] = v;
      } else if (v === true) kinds[i] = PARAM_TRUE;
      else if (v === false) kinds[i] = PARAM_FALSE;
      else kinds[i] = PARAM_NULL;
    }
    const mValues = Object.values(row.metrics);
    const mColumns = metricColumns[r] as number[];
    for (let j = 0; j < mValues.length; j++) {
      const c = mColumns[j] as number;
      const m = mValues[j] as MetricCell;
      const i = c * n + r;
      const value = m.latest;
      latest[i] = value;
      if (m.step === undefined) mask[i] = 2;
      else {
        mask[i] = 1;
        steps[i] = m.step;
      }
      if (differs[c] === 0 && (!Object.is(m.min, value) || !Object.is(m.max, value))) differs[c] = 1;
    }
  }
  const sharedStep: (number | null)[] = new Array<number | null>(M).fill(null);
  const varying: number[] = [];
  for (let c = 0; c < M; c++) {
    let shared: number | undefined;
    let same = true;
    for (let i = c * n, end = i + n; i < end && same; i++) {
      if (mask[i] !== 1) continue;
      const s = steps[i] as number;
      if (shared === undefined) shared = s;
      // Only finite steps are shared (JSON would turn NaN or Infinity into null).
      same = s === shared && Number.isFinite(s);
    }
    if (same) sharedStep[c] = shared ?? 0;
    else varying.push(c);
  }
  const step = new Float64Array(n * varying.length);
  varying.forEach((c, v) => step.set(steps.subarray(c * n, c * n + n), v * n));
  const extremes: number[] = [];
  for (let c = 0; c < M; c++) if (differs[c]) extremes.push(c);
  const metricNames = [...metricIndex.keys()];
  const min = new Float64Array(n * extremes.length);
  const max = new Float64Array(n * extremes.length);
  extremes.forEach((c, e) => {
    const key = metricNames[c] as string;
    for (let r = 0; r < n; r++) {
      const m = (rows[r] as RunRow).metrics[key];
      min[e * n + r] = m ? m.min : NaN;
      max[e * n + r] = m ? m.max : NaN;
    }
  });
  const pick = <T>(f: (row: RunRow) => T) => rows.map(f);
  return {
    count: n,
    key: pick((r) => r.key),
    runId: pick((r) => r.runId),
    name: pick((r) => r.name),
    sourceKind: pick((r) => r.sourceKind),
    sourceLabel: pick((r) => r.sourceLabel),
    sourceLocation: pick((r) => r.sourceLocation),
    status: pick((r) => r.status),
    commit: pick((r) => r.commit ?? null),
    experiment: pick((r) => r.experiment ?? null),
    author: pick((r) => r.author ?? null),
    tags: pick((r) => r.tags),
    branches: pick((r) => r.branches),
    startTime: pick((r) => r.startTime ?? null),
    durationMs: pick((r) => r.durationMs ?? null),
    annotation: pick((r) => r.annotation),
    params: { keys: [...paramIndex.keys()], kinds, numbers, strings },
    metrics: { keys: metricNames, mask, latest, sharedStep, step, extremes, min, max },
  };
}

/**
 * Each row's keys (of its params or metrics) as column indexes, adding new keys to `index`. Rows of one source mostly
 * list the same keys in the same order: a row whose keys are the previous row's shares its array, and is compared
 * without making a list of its keys.
 */
function columnsOfKeys(
  rows: readonly RunRow[],
  values: (row: RunRow) => Record<string, unknown>,
  index: Map<string, number>,
): number[][] {
  const out = new Array<number[]>(rows.length);
  let previousKeys: string[] = [];
  let previous: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const record = values(rows[r] as RunRow);
    let j = 0;
    let same = true;
    for (const k in record) {
      if (previousKeys[j] !== k) {
        same = false;
        break;
      }
      j++;
    }
    if (!same || j !== previousKeys.length) {
      previousKeys = Object.keys(record);
      previous = previousKeys.map((k) => {
        let c = index.get(k);
        if (c === undefined) index.set(k, (c = index.size));
        return c;
      });
    }
    out[r] = previous;
  }
  return out;
}

/** The most rows and params/metrics columns the panel accepts in one message. */
const MAX_ROWS = 1_000_000;
const MAX_VALUE_COLUMNS = 100_000;

/**
 * The rows back from their columnar form (the panel, on receipt), in one pass; undefined when any field has the
 * wrong shape, type or length (the whole message is then rejected, never half-read).
 */
export function decodeRuns(raw: unknown): RunRow[] | undefined {
  if (!isRecord(raw)) return undefined;
  const n = raw.count;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_ROWS) return undefined;
  const texts = (v: unknown): v is string[] =>
    Array.isArray(v) && v.length === n && v.every((s) => typeof s === 'string');
  const optTexts = (v: unknown): v is (string | null)[] =>
    Array.isArray(v) && v.length === n && v.every((s) => s === null || typeof s === 'string');
  const optNumbers = (v: unknown): v is (number | null)[] =>
    Array.isArray(v) && v.length === n && v.every((s) => s === null || typeof s === 'number');
  const lists = (v: unknown): v is string[][] =>
    Array.isArray(v) && v.length === n && v.every((l) => Array.isArray(l) && l.every((s) => typeof s === 'string'));
  if (!texts(raw.key) || !texts(raw.runId) || !texts(raw.name) || !texts(raw.sourceKind)) return undefined;
  if (!texts(raw.sourceLabel) || !texts(raw.sourceLocation) || !texts(raw.status)) return undefined;
  if (!optTexts(raw.commit) || !optTexts(raw.experiment) || !optTexts(raw.author)) return undefined;
  if (!lists(raw.tags) || !lists(raw.branches) || !optNumbers(raw.startTime) || !optNumbers(raw.durationMs))
    return undefined;
  if (!Array.isArray(raw.annotation) || raw.annotation.length !== n) return undefined;
  const annotations: RunAnnotation[] = [];
  for (const a of raw.annotation as unknown[]) {
    const annotation = parseAnnotation(a);
    if (!annotation) return undefined;
    annotations.push(annotation);
  }
  const params = raw.params;
  const metrics = raw.metrics;
  if (!isRecord(params) || !isRecord(metrics)) return undefined;
  const pKeys = params.keys;
  const mKeys = metrics.keys;
  if (!keyColumns(pKeys) || !keyColumns(mKeys)) return undefined;
  const P = pKeys.length;
  const M = mKeys.length;
  const { kinds, numbers, strings } = params;
  if (!(kinds instanceof Uint8Array) || kinds.length !== n * P) return undefined;
  if (!(numbers instanceof Float64Array) || numbers.length !== n * P) return undefined;
  if (!Array.isArray(strings) || strings.length !== P) return undefined;
  for (const column of strings as unknown[]) if (column !== null && !texts(column)) return undefined;
  const columnTexts = strings as (string[] | null)[];
  const { mask, latest, sharedStep, step, extremes, min, max } = metrics;
  if (!(mask instanceof Uint8Array) || mask.length !== n * M) return undefined;
  if (!(latest instanceof Float64Array) || latest.length !== n * M) return undefined;
  if (!Array.isArray(sharedStep) || sharedStep.length !== M) return undefined;
  if (!sharedStep.every((s) => s === null || (typeof s === 'number' && Number.isFinite(s)))) return undefined;
  const stepOf = new Int32Array(M).fill(-1);
  let varying = 0;
  (sharedStep as (number | null)[]).forEach((s, c) => {
    if (s === null) stepOf[c] = varying++;
  });
  if (!(step instanceof Float64Array) || step.length !== n * varying) return undefined;
  if (!Array.isArray(extremes) || !extremes.every((c) => Number.isInteger(c) && c >= 0 && c < M)) return undefined;
  const E = extremes.length;
  if (!(min instanceof Float64Array) || min.length !== n * E) return undefined;
  if (!(max instanceof Float64Array) || max.length !== n * E) return undefined;
  const extremeOf = new Int32Array(M).fill(-1);
  (extremes as number[]).forEach((c, e) => (extremeOf[c] = e));

  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds[i] as number;
    if (kind > PARAM_NULL || (kind === PARAM_TEXT && !columnTexts[Math.floor(i / n)])) return undefined;
  }
  for (let i = 0; i < mask.length; i++) if ((mask[i] as number) > 2) return undefined;

  const view: TableView = {
    n,
    params: { index: indexOf(pKeys), keys: pKeys, kinds, numbers, strings: columnTexts },
    metrics: {
      index: indexOf(mKeys),
      keys: mKeys,
      mask,
      latest,
      sharedStep: sharedStep as (number | null)[],
      stepOf,
      step,
      extremeOf,
      min,
      max,
    },
  };
  const rows: RunRow[] = new Array<RunRow>(n);
  for (let r = 0; r < n; r++) {
    const row: RunRow = {
      key: raw.key[r] as string,
      runId: raw.runId[r] as string,
      name: raw.name[r] as string,
      sourceKind: raw.sourceKind[r] as RunRow['sourceKind'],
      sourceLabel: raw.sourceLabel[r] as string,
      sourceLocation: raw.sourceLocation[r] as string,
      tags: raw.tags[r] as string[],
      branches: raw.branches[r] as string[],
      status: raw.status[r] as RunRow['status'],
      params: new Proxy<Record<string, CellValue>>({}, new ParamsView(view, r)),
      metrics: new Proxy<Record<string, MetricCell>>({}, new MetricsView(view, r)),
      annotation: annotations[r] as RunAnnotation,
    };
    const commit = raw.commit[r];
    const experiment = raw.experiment[r];
    const author = raw.author[r];
    const startTime = raw.startTime[r];
    const durationMs = raw.durationMs[r];
    if (commit != null) row.commit = commit;
    if (experiment != null) row.experiment = experiment;
    if (author != null) row.author = author;
    if (startTime != null) row.startTime = startTime;
    if (durationMs != null) row.durationMs = durationMs;
    rows[r] = row;
  }
  return rows;
}

/** The decoded table's columns, shared by every row's params and metrics views. */
interface TableView {
  n: number;
  params: {
    index: Map<string, number>;
    keys: string[];
    kinds: Uint8Array;
    numbers: Float64Array;
    strings: (string[] | null)[];
  };
  metrics: {
    index: Map<string, number>;
    keys: string[];
    mask: Uint8Array;
    latest: Float64Array;
    sharedStep: (number | null)[];
    /** Per column: its index among the columns whose steps are in `step`, or -1 (its step is shared). */
    stepOf: Int32Array;
    step: Float64Array;
    extremeOf: Int32Array;
    min: Float64Array;
    max: Float64Array;
  };
}

function indexOf(keys: readonly string[]): Map<string, number> {
  return new Map(keys.map((k, i) => [k, i]));
}

/**
 * A row's params or metrics read straight from the table's columns: an object to every reader (own keys, `in`,
 * `hasOwnProperty`, `for…in`, `Object.keys`), read-only, and nothing is built until a value is read, so the panel
 * shows 10,000 runs x 500 columns without first making millions of objects.
 */
abstract class ColumnsView<V> implements ProxyHandler<Record<string, V>> {
  constructor(
    protected readonly view: TableView,
    protected readonly r: number,
  ) {}
  protected abstract cell(key: string): V | undefined;
  protected abstract keys(): string[];
  get(_target: Record<string, V>, key: string | symbol): V | undefined {
    return typeof key === 'string' ? this.cell(key) : undefined;
  }
  has(_target: Record<string, V>, key: string | symbol): boolean {
    return typeof key === 'string' && this.cell(key) !== undefined;
  }
  getOwnPropertyDescriptor(_target: Record<string, V>, key: string | symbol): PropertyDescriptor | undefined {
    if (typeof key !== 'string') return undefined;
    const value = this.cell(key);
    return value === undefined ? undefined : { value, writable: false, enumerable: true, configurable: true };
  }
  ownKeys(): string[] {
    return this.keys();
  }
  set(): boolean {
    return false;
  }
  defineProperty(): boolean {
    return false;
  }
  deleteProperty(): boolean {
    return false;
  }
}

class ParamsView extends ColumnsView<CellValue> {
  protected cell(key: string): CellValue | undefined {
    const { n, params } = this.view;
    const c = params.index.get(key);
    if (c === undefined) return undefined;
    const i = c * n + this.r;
    switch (params.kinds[i]) {
      case PARAM_NUMBER:
        return params.numbers[i];
      case PARAM_TEXT:
        return (params.strings[c] as string[])[this.r];
      case PARAM_TRUE:
        return true;
      case PARAM_FALSE:
        return false;
      case PARAM_NULL:
        return null;
      default:
        return undefined;
    }
  }
  protected keys(): string[] {
    const { n, params } = this.view;
    return params.keys.filter((_k, c) => params.kinds[c * n + this.r] !== PARAM_ABSENT);
  }
}

class MetricsView extends ColumnsView<MetricCell> {
  protected cell(key: string): MetricCell | undefined {
    const { n, metrics } = this.view;
    const c = metrics.index.get(key);
    if (c === undefined) return undefined;
    const i = c * n + this.r;
    const present = metrics.mask[i];
    if (present === 0) return undefined;
    const value = metrics.latest[i] as number;
    const e = metrics.extremeOf[c] as number;
    const cell: MetricCell =
      e < 0
        ? { latest: value, min: value, max: value }
        : { latest: value, min: metrics.min[e * n + this.r] as number, max: metrics.max[e * n + this.r] as number };
    if (present === 1) {
      const s = metrics.stepOf[c] as number;
      cell.step = s < 0 ? (metrics.sharedStep[c] as number) : metrics.step[s * n + this.r];
    }
    return cell;
  }
  protected keys(): string[] {
    const { n, metrics } = this.view;
    return metrics.keys.filter((_k, c) => metrics.mask[c * n + this.r] !== 0);
  }
}

function keyColumns(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length <= MAX_VALUE_COLUMNS &&
    value.every((k) => typeof k === 'string') &&
    new Set(value).size === value.length
  );
}

function parseAnnotation(raw: unknown): RunAnnotation | undefined {
  if (!isRecord(raw) || !Array.isArray(raw.labels)) return undefined;
  const labels: RunLabel[] = [];
  for (const l of raw.labels as unknown[]) {
    if (!isRecord(l) || typeof l.name !== 'string' || typeof l.color !== 'string') return undefined;
    labels.push({ name: l.name, color: l.color });
  }
  const annotation: RunAnnotation = { labels };
  if (raw.note !== undefined) {
    if (typeof raw.note !== 'string') return undefined;
    annotation.note = raw.note;
  }
  if (raw.noteSource !== undefined) {
    if (raw.noteSource !== 'notes-file' && raw.noteSource !== 'mlflow' && raw.noteSource !== 'git-notes')
      return undefined;
    annotation.noteSource = raw.noteSource;
  }
  return annotation;
}
