// Compares two runs metric by metric (the latest value of each series), like `dvc metrics diff`, and renders the
// result as Markdown for a pull-request comment, as JSON, or as a plain-text table.
import { latest, type Run } from './model';
import { splitOf } from './split';
import { alignedTable } from '../textTable';

export type Goal = 'maximize' | 'minimize';
export type DiffStatus = 'changed' | 'unchanged' | 'added' | 'removed';

export interface DiffEntry {
  /** The metrics file, when the runs name one. */
  file?: string;
  key: string;
  baseKey: string;
  old?: number | string;
  new?: number | string;
  /** new - old, for two numbers. */
  change?: number;
  /** change / |old|; undefined when old is 0 or either value is not finite. */
  relative?: number;
  /** Whether the change goes the key's goal's way; undefined without a goal, a change, or two finite numbers. */
  improvement?: boolean;
  status: DiffStatus;
}

export interface DiffSide {
  label: string;
  revision?: string;
}

export interface MetricsDiff {
  a: DiffSide;
  b: DiffSide;
  entries: DiffEntry[];
}

type Value = number | string;

function values(run: Run): Map<string, { file?: string; key: string; value: Value }> {
  const out = new Map<string, { file?: string; key: string; value: Value }>();
  for (const s of run.metrics) {
    const point = latest(s);
    if (point) out.set(`${s.file ?? ''}\0${s.key}`, { file: s.file, key: s.key, value: point.value });
  }
  for (const t of run.textMetrics ?? [])
    out.set(`${t.file ?? ''}\0${t.key}`, { file: t.file, key: t.key, value: t.value });
  return out;
}

function goalOf(key: string, goals: ReadonlyMap<string, Goal> | Readonly<Record<string, Goal>>): Goal | undefined {
  const get = (k: string): Goal | undefined => {
    if (goals instanceof Map) return (goals as ReadonlyMap<string, Goal>).get(k);
    const record = goals as Readonly<Record<string, Goal>>;
    return Object.prototype.hasOwnProperty.call(record, k) ? record[k] : undefined;
  };
  const base = splitOf(key).baseKey;
  const last = base.split(/[/.]/).pop() ?? base;
  return get(key) ?? get(base) ?? get(last);
}

const same = (a: Value, b: Value): boolean =>
  typeof a === 'number' && typeof b === 'number' ? Object.is(a, b) || a === b : a === b;

/**
 * Compares `runA` (old) with `runB` (new). Keys match by file and key; a key on one side only is added or removed.
 * `goals` maps a key or its base key (`f1` for `test.f1`) to maximize or minimize.
 */
export function diff(
  runA: Run,
  runB: Run,
  goals: ReadonlyMap<string, Goal> | Readonly<Record<string, Goal>> = {},
): MetricsDiff {
  const a = values(runA);
  const b = values(runB);
  const entries: DiffEntry[] = [];
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    const old = a.get(id);
    const now = b.get(id);
    const { file, key } = (now ?? old)!;
    const entry: DiffEntry = { key, baseKey: splitOf(key).baseKey, status: 'unchanged' };
    if (file !== undefined) entry.file = file;
    if (old) entry.old = old.value;
    if (now) entry.new = now.value;
    if (!old) entry.status = 'added';
    else if (!now) entry.status = 'removed';
    else {
      entry.status = same(old.value, now.value) ? 'unchanged' : 'changed';
      if (typeof old.value === 'number' && typeof now.value === 'number') {
        const change = now.value - old.value;
        entry.change = entry.status === 'unchanged' ? 0 : change;
        if (Number.isFinite(old.value) && Number.isFinite(now.value) && old.value !== 0)
          entry.relative = entry.change / Math.abs(old.value);
        const goal = goalOf(key, goals);
        if (goal && entry.status === 'changed' && Number.isFinite(change) && change !== 0)
          entry.improvement = goal === 'maximize' ? change > 0 : change < 0;
      }
    }
    entries.push(entry);
  }
  entries.sort((x, y) =>
    (x.file ?? '') < (y.file ?? '')
      ? -1
      : (x.file ?? '') > (y.file ?? '')
        ? 1
        : x.key < y.key
          ? -1
          : x.key > y.key
            ? 1
            : 0,
  );
  const side = (run: Run): DiffSide =>
    run.revision ? { label: run.label, revision: run.revision } : { label: run.label };
  return { a: side(runA), b: side(runB), entries };
}

// ------------------------------------------------------------------------------------------------ rendering

/** A value as text: numbers as written, NaN and infinities by name. */
export function formatValue(value: Value | undefined): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return String(value);
}

/** A change with its sign, without floating-point noise (0.86 - 0.8457 is +0.0143, not +0.014299999999999979). */
export function formatChange(change: number | undefined): string {
  if (change === undefined) return '';
  if (!Number.isFinite(change)) return formatValue(change);
  const clean = Number(change.toPrecision(10));
  return `${clean > 0 ? '+' : ''}${clean}`;
}

function formatRelative(relative: number | undefined): string {
  if (relative === undefined || !Number.isFinite(relative)) return '';
  const percent = relative * 100;
  return `${percent > 0 ? '+' : ''}${Math.abs(percent) >= 100 ? percent.toFixed(0) : percent.toFixed(2)}%`;
}

/** Text safe in a Markdown table cell: pipes, Markdown punctuation and HTML escaped, line breaks as spaces. */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~#!])/g, '\\$1');
}

function visible(d: MetricsDiff, all: boolean): DiffEntry[] {
  return all ? d.entries : d.entries.filter((e) => e.status !== 'unchanged');
}

function changeCell(e: DiffEntry): string {
  if (e.status === 'added') return 'added';
  if (e.status === 'removed') return 'removed';
  if (e.change === undefined) return e.status === 'changed' ? 'changed' : '';
  if (e.status === 'unchanged') return '0';
  const arrow = e.change > 0 ? '▲' : e.change < 0 ? '▼' : '';
  const relative = formatRelative(e.relative);
  return [arrow, formatChange(e.change), relative ? `(${relative})` : ''].filter(Boolean).join(' ');
}

function verdictCell(e: DiffEntry): string {
  return e.improvement === true ? '✅ better' : e.improvement === false ? '❌ worse' : '';
}

/** A Markdown table for a pull-request comment; unchanged metrics only with `all`. */
export function diffToMarkdown(d: MetricsDiff, options: { all?: boolean; title?: string } = {}): string {
  const rows = visible(d, options.all ?? false);
  const side = (s: DiffSide): string => escapeMarkdownCell(s.label);
  const lines: string[] = [];
  if (options.title) lines.push(`### ${escapeMarkdownCell(options.title)}`, '');
  if (rows.length === 0) {
    lines.push(`No metric changed between ${side(d.a)} and ${side(d.b)}.`);
    return lines.join('\n') + '\n';
  }
  const withVerdict = rows.some((e) => e.improvement !== undefined);
  const header = ['File', 'Metric', side(d.a), side(d.b), 'Change', ...(withVerdict ? [''] : [])];
  lines.push(
    `| ${header.join(' | ')} |`,
    `| ${['---', '---', '--:', '--:', '--:', ...(withVerdict ? [':-:'] : [])].join(' | ')} |`,
  );
  for (const e of rows) {
    const cells = [e.file ?? '', e.key, formatValue(e.old), formatValue(e.new), changeCell(e)].map(escapeMarkdownCell);
    if (withVerdict) cells.push(verdictCell(e));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const better = rows.filter((e) => e.improvement === true).length;
  const worse = rows.filter((e) => e.improvement === false).length;
  if (withVerdict) lines.push('', `${better} better, ${worse} worse.`);
  return lines.join('\n') + '\n';
}

const jsonNumber = (v: number | string | undefined): number | string | undefined =>
  typeof v === 'number' && !Number.isFinite(v) ? formatValue(v) : v;

/** JSON-ready form: NaN and infinities become the strings "NaN", "Infinity", "-Infinity". */
export function diffToJson(
  d: MetricsDiff,
  options: { all?: boolean } = {},
): { a: DiffSide; b: DiffSide; metrics: Record<string, unknown>[] } {
  return {
    a: d.a,
    b: d.b,
    metrics: visible(d, options.all ?? false).map((e) => {
      const o: Record<string, unknown> = {
        file: e.file,
        key: e.key,
        status: e.status,
        old: jsonNumber(e.old),
        new: jsonNumber(e.new),
      };
      if (e.change !== undefined) o.change = jsonNumber(e.change);
      if (e.relative !== undefined) o.relative = e.relative;
      if (e.improvement !== undefined) o.improvement = e.improvement;
      return o;
    }),
  };
}

/** An aligned plain-text table for a terminal. */
export function diffToText(d: MetricsDiff, options: { all?: boolean } = {}): string {
  const rows = visible(d, options.all ?? false);
  if (rows.length === 0) return `No metric changed between ${d.a.label} and ${d.b.label}.\n`;
  const table = [
    ['Path', 'Metric', d.a.label, d.b.label, 'Change', ''],
    ...rows.map((e) => [e.file ?? '', e.key, formatValue(e.old), formatValue(e.new), changeCell(e), verdictCell(e)]),
  ];
  return alignedTable(table);
}
