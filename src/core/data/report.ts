// Profiles, drift reports and schema violations as text and Markdown, for `mlops data` and "Copy as Markdown".
// Every user-derived string (column names, values, paths) goes through the control-character escape.
import { plural } from '../checks/report/common';
import { problemRecord } from '../checks/report/problems';
import { escapeControlCharacters } from '../security/controlCharacters';
import { formatBytes } from '../sizes';
import { alignedTable } from '../textTable';
import { type ColumnProfile, type DatasetProfile, type DriftReport, type Figure, type SchemaViolation } from './model';
import { violationMessage } from './schema';

const esc = escapeControlCharacters;

export function formatNumber(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e9)) return x.toExponential(3);
  return Number(x.toPrecision(6)).toString();
}

function figure(f: Figure | undefined): string {
  if (!f) return '';
  return f.exact ? formatNumber(f.value) : `~${formatNumber(f.value)}`;
}

function value(v: number | string | undefined): string {
  return typeof v === 'number' ? formatNumber(v) : v === undefined ? '' : esc(v);
}

function columnRow(c: ColumnProfile): string[] {
  return [
    esc(c.name),
    c.type,
    String(c.nulls),
    figure(c.distinct),
    value(c.min),
    value(c.max),
    formatNumber(c.mean),
    formatNumber(c.std),
    figure(c.quantiles?.['0.5']),
  ];
}

const HEAD = ['column', 'type', 'nulls', 'distinct', 'min', 'max', 'mean', 'std', 'median'];

function exactness(p: DatasetProfile): string {
  return p.exact
    ? 'every figure exact'
    : 'figures marked ~ are sketches (quantiles: reservoir sample, rank error shown in JSON; distinct: HyperLogLog, 0.8% relative error)';
}

export function profileToText(p: DatasetProfile): string {
  const lines = [
    `${esc(p.path)} @ ${esc(p.revision)}: ${p.rows} rows x ${p.columns.length} columns, ${formatBytes(p.bytes)}, ${p.format}`,
  ];
  if (p.dialect)
    lines.push(
      `dialect: delimiter ${JSON.stringify(p.dialect.delimiter)}, header ${p.dialect.header ? 'yes' : 'no'}, ${p.dialect.encoding}`,
    );
  if (p.badRows.count > 0)
    lines.push(
      `bad rows: ${p.badRows.count} (lines ${p.badRows.lines.join(', ')}${p.badRows.count > p.badRows.lines.length ? ', ...' : ''})`,
    );
  lines.push(exactness(p), '');
  lines.push(alignedTable([HEAD, ...p.columns.map(columnRow)]));
  for (const c of p.columns) {
    if (!c.topValues?.length || c.type === 'number') continue;
    const top = c.topValues
      .slice(0, 5)
      .map((t) => `${esc(t.value)} (${t.count})`)
      .join(', ');
    lines.push(`top ${esc(c.name)}: ${top}`);
  }
  return lines.join('\n') + '\n';
}

function mdCell(text: string): string {
  return esc(text)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/([*_`<>[\]])/g, '\\$1');
}

function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ].join('\n');
}

export function profileToMarkdown(p: DatasetProfile): string {
  const rows = p.columns.map((c) => {
    const r = columnRow(c);
    r[0] = c.name;
    return r;
  });
  return [
    `### ${mdCell(p.path)} @ ${mdCell(p.revision)}`,
    '',
    `${p.rows} rows × ${p.columns.length} columns, ${formatBytes(p.bytes)} (${p.format}); ${exactness(p)}.`,
    '',
    mdTable(HEAD, rows),
    '',
  ].join('\n');
}

const isPValue = (test: string): boolean => test === 'ks' || test === 'chi-squared' || test === 'z-test';

function driftRows(r: DriftReport): string[][] {
  return r.columns.map((c) => [
    c.column,
    c.test,
    `${isPValue(c.test) ? 'p=' : ''}${formatNumber(c.score)}`,
    `${isPValue(c.test) ? '< ' : '>= '}${formatNumber(c.threshold)}`,
    c.drifted ? 'DRIFT' : 'ok',
  ]);
}

function driftSummary(r: DriftReport): string {
  const drifted = r.columns.filter((c) => c.drifted).length;
  return `${drifted} of ${r.columns.length} columns drifted (share ${r.share.toFixed(2)}, dataset drifts at ${r.shareThreshold}): ${r.drifted ? 'dataset DRIFTED' : 'no dataset drift'}`;
}

export function driftToText(r: DriftReport): string {
  return (
    [
      `${esc(r.path)}: ${esc(r.reference)} -> ${esc(r.current)}`,
      driftSummary(r),
      '',
      alignedTable([
        ['column', 'test', 'score', 'threshold', 'verdict'],
        ...driftRows(r).map((row) => [esc(row[0] ?? ''), ...row.slice(1)]),
      ]),
    ].join('\n') + '\n'
  );
}

export function driftToMarkdown(r: DriftReport): string {
  return [
    `### Drift of ${mdCell(r.path)}: ${mdCell(r.reference)} → ${mdCell(r.current)}`,
    '',
    driftSummary(r) + '.',
    '',
    mdTable(['column', 'test', 'score', 'threshold', 'verdict'], driftRows(r)),
    '',
  ].join('\n');
}

export function violationText(v: SchemaViolation): string {
  const rows = v.rows.length > 0 ? ` (rows ${v.rows.join(', ')}${v.count > v.rows.length ? ', ...' : ''})` : '';
  return `${v.rule}${v.column !== undefined ? ` ${esc(v.column)}` : ''}: ${esc(v.message)}${rows}`;
}

/** One dataset's result of `mlops data validate`: its violations, each at its place in mlops.yaml when known. */
export interface ValidationResult {
  dataset: string;
  rows: number;
  /** `line` and `character`: 1-based line and column of the violation's place in mlops.yaml. */
  violations: (SchemaViolation & { line?: number; character?: number })[];
}

/**
 * `mlops data validate --format problems`: one `file:line:column: error data-schema: message` line per violation, in
 * the shape and at the place of the data-schema check's findings (the `$mlops` problem matcher reads both), then the
 * counts. `configFile` is mlops.yaml's path as the lines should name it.
 */
export function validationToProblems(results: readonly ValidationResult[], configFile: string): string {
  const lines: string[] = [];
  for (const r of results)
    for (const v of r.violations) {
      const record = problemRecord(
        {
          checkId: 'data-schema',
          type: 'data-schema',
          severity: 'error',
          status: 'fail',
          target: r.dataset,
          message: violationMessage(r.dataset, v),
          hint: 'Fix the data, or change the schema in mlops.yaml if the data is right.',
          location: { file: configFile, line: v.line, column: v.character },
        },
        { configFile },
      );
      for (const line of record) lines.push(line);
    }
  const count = results.reduce((n, r) => n + r.violations.length, 0);
  lines.push(`${plural(count, 'error')}, 0 warnings, 0 info`);
  return `${lines.join('\n')}\n`;
}
