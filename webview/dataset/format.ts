// Text of the Dataset panel's figures and its "Copy as Markdown": pure functions over the data-metrics model, so the
// page and the tests format a figure the same way.
import type { ColumnProfile, DatasetProfile, DriftReport, Figure, SchemaViolation } from '../../src/core/data/model';
import type { DatasetFacts } from '../../src/protocol/dataset';

export const QUANTILE_KEYS = ['0.05', '0.25', '0.5', '0.75', '0.95'] as const;

export function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e9)) return value.toExponential(3);
  return value.toLocaleString('en-US', { maximumSignificantDigits: 6 });
}

export function formatValue(value: number | string | undefined): string {
  return typeof value === 'number' ? formatNumber(value) : (value ?? '—');
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${n.toFixed(n >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** "exact", or "sketch, rank error ≤ 1%" / "sketch, relative error ≤ 2%". */
export function figureKind(figure: Figure): string {
  if (figure.exact) return 'exact';
  if (!figure.error) return 'sketch';
  const pct = `${+(figure.error.bound * 100).toPrecision(3)}%`;
  return `sketch, ${figure.error.kind} error ≤ ${pct}`;
}

/** A figure's value, with `≈` in front of a sketch. */
export function formatFigure(figure: Figure): string {
  return `${figure.exact ? '' : '≈'}${formatNumber(figure.value)}`;
}

export function nullShare(column: ColumnProfile): string {
  const total = column.count + column.nulls;
  if (total === 0) return '—';
  return `${formatNumber(column.nulls)} (${((column.nulls / total) * 100).toFixed(1)}%)`;
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 16).replace('T', ' ');
}

export function driftScore(score: number): string {
  return Math.abs(score) < 1e-4 && score !== 0 ? score.toExponential(2) : score.toFixed(4);
}

export const TEST_NAMES: Record<string, string> = {
  ks: 'Kolmogorov-Smirnov (p-value)',
  'chi-squared': 'chi-squared (p-value)',
  'z-test': 'Z-test (p-value)',
  wasserstein: 'Wasserstein (normed)',
  'jensen-shannon': 'Jensen-Shannon distance',
  psi: 'PSI',
};

/** Markdown table cells hold any text: pipes and newlines escaped, HTML-significant characters as entities. */
export function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[<>&]/g, (ch) => `&#${ch.charCodeAt(0)};`)
    .replace(/`/g, '\\`')
    .replace(/\r?\n|\r/g, ' ');
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

export function profileMarkdown(
  profile: DatasetProfile,
  facts: DatasetFacts,
  violations?: readonly SchemaViolation[],
): string {
  const lines = [
    `### ${cell(profile.path)} @ ${cell(profile.revision)}`,
    '',
    `${formatNumber(profile.rows)} rows · ${profile.columns.length} columns · ${formatBytes(profile.bytes)} · ${profile.format}` +
      (facts.lastChange ? ` · last change ${formatDate(facts.lastChange)}` : '') +
      (facts.updateFrequency ? ` · ${cell(facts.updateFrequency)}` : '') +
      (profile.exact ? ' · every figure exact' : ' · ≈ marks a sketch'),
    '',
    ...table(
      ['Column', 'Type', 'Nulls', 'Distinct', 'Min', 'Max', 'Mean', 'Std', 'Median'],
      profile.columns.map((c) => [
        c.name,
        c.type,
        nullShare(c),
        formatFigure(c.distinct),
        formatValue(c.min),
        formatValue(c.max),
        formatNumber(c.mean),
        formatNumber(c.std),
        c.quantiles?.['0.5'] ? formatFigure(c.quantiles['0.5']) : '—',
      ]),
    ),
  ];
  if (profile.badRows.count > 0)
    lines.push('', `${profile.badRows.count} unreadable rows (lines ${profile.badRows.lines.join(', ')})`);
  if (violations?.length) {
    lines.push('', '#### Schema violations', '');
    for (const line of violationTable(violations)) lines.push(line);
  }
  return lines.join('\n') + '\n';
}

export function violationTable(violations: readonly SchemaViolation[]): string[] {
  return table(
    ['Column', 'Rule', 'Message', 'Rows'],
    violations.map((v) => [v.column ?? '(dataset)', v.rule, v.message, rowList(v)]),
  );
}

export function rowList(v: SchemaViolation): string {
  if (v.rows.length === 0) return v.count ? `${v.count}` : '—';
  const more = v.count > v.rows.length ? ` … (${formatNumber(v.count)} in all)` : '';
  return `${v.rows.join(', ')}${more}`;
}

export function driftSummary(report: DriftReport): string {
  const drifted = report.columns.filter((c) => c.drifted).length;
  return (
    `${report.drifted ? 'Drift detected' : 'No dataset drift'}: ${drifted} of ${report.columns.length} columns drifted ` +
    `(share ${report.share.toFixed(2)}, dataset drifts at ${report.shareThreshold.toFixed(2)})`
  );
}

export function driftMarkdown(report: DriftReport): string {
  return [
    `### Drift of ${cell(report.path)}: ${cell(report.current)} against ${cell(report.reference)}`,
    '',
    driftSummary(report),
    '',
    ...table(
      ['Column', 'Test', 'Score', 'Threshold', 'Drifted'],
      report.columns.map((c) => [
        c.column,
        TEST_NAMES[c.test] ?? c.test,
        driftScore(c.score),
        String(c.threshold),
        c.drifted ? 'yes' : 'no',
      ]),
    ),
  ]
    .join('\n')
    .concat('\n');
}
