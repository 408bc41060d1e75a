// Telemetry summaries as text and Markdown, for `mlops telemetry summary` and "Copy as Markdown". Every name from the
// logs (models, versions, callers, file names) goes through the control-character escape, and Markdown cells through
// the cell escape: a hostile caller name cannot add markup, start a line or repaint a terminal.
import { escapeMarkdownCell } from '../checks/report/markdown';
import { escapeControlCharacters } from '../security/controlCharacters';
import { alignedTable } from '../textTable';
import type { TelemetryGroup, TelemetryProblem, TelemetrySummary } from './types';

const esc = escapeControlCharacters;
const count = (n: number): string => n.toLocaleString('en-US');

export function formatRate(rate: number): string {
  const p = rate * 100;
  if (p === 0) return '0%';
  if (p < 0.01) return '<0.01%';
  return `${Number(p.toFixed(2))}%`;
}

export function formatMs(value: number | undefined): string {
  if (value === undefined) return '-';
  if (value >= 1000) return `${Number((value / 1000).toFixed(2))} s`;
  return `${Number(value.toPrecision(value >= 100 ? 4 : 3))} ms`;
}

const perMinute = (value: number): string =>
  value >= 100 ? count(Math.round(value)) : String(Number(value.toPrecision(3)));

function isoMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A fraction as a percentage, rounded up at the second decimal (a bound stays a bound). */
function percent(fraction: number): number {
  return Math.ceil(fraction * 10_000) / 100;
}

function duration(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 60) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${Number((minutes / 60).toFixed(1))} h`;
  return `${Number((minutes / 1440).toFixed(1))} d`;
}

/** The group's name: `model version`, the model, or the caller. */
export function groupName(group: TelemetryGroup): string {
  if (group.version !== '' || (group.model !== '' && group.key.includes('@')))
    return `${group.model || '(no model)'} ${group.version || '(no version)'}`;
  return group.key || '(none)';
}

/** How the percentiles were computed (the CLI's header, the Telemetry panel's header and its Markdown). */
export function percentileNote(summary: TelemetrySummary): string {
  const { exact, rankError, relativeError } = summary.percentiles;
  if (exact) return 'Percentiles: exact (as numpy computes them).';
  if (rankError === undefined && relativeError !== undefined)
    return `Percentiles: estimated, interpolated within exponential histogram buckets (within ${percent(relativeError)}% of the true value).`;
  return rankError === undefined
    ? 'Percentiles: estimated, interpolated within histogram buckets (no rank error can be stated).'
    : `Percentiles: from a sample, rank error within ${Number((rankError * 100).toFixed(2))}%.`;
}

function header(summary: TelemetrySummary): string[] {
  const lines = [
    `Telemetry ${isoMinute(summary.from)} to ${isoMinute(summary.to)} (${duration(summary.to - summary.from)}, points of ${duration(summary.bucketMs)})`,
  ];
  lines.push(percentileNote(summary));
  if (summary.sources.length)
    lines.push(
      `Sources: ${summary.sources
        .map(
          (s) =>
            `${s.location} (${s.kind}${s.events !== undefined ? `, ${count(s.events)} events` : ''}${s.badLines ? `, ${count(s.badLines)} bad lines` : ''})`,
        )
        .join('; ')}`,
    );
  return lines;
}

const COLUMNS = ['requests', 'req/min', 'errors', 'error rate', 'p50', 'p95', 'p99', 'max', 'memory MB', 'callers'];

function row(group: TelemetryGroup): string[] {
  return [
    count(group.requests),
    perMinute(group.requestsPerMinute),
    count(group.errors),
    formatRate(group.errorRate),
    formatMs(group.latency.p50),
    formatMs(group.latency.p95),
    formatMs(group.latency.p99),
    formatMs(group.latency.max),
    group.memoryMb ? `${Number(group.memoryMb.mean.toFixed(1))} / ${Number(group.memoryMb.max.toFixed(1))}` : '-',
    count(group.uniqueCallers),
  ];
}

function problemText(p: TelemetryProblem): string {
  const where = p.file ? `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ` : '';
  return `${p.severity}: ${where}${p.message}`;
}

export function summaryToText(summary: TelemetrySummary, by: 'version' | 'model' | 'caller' = 'version'): string {
  if (summary.sources.length === 0 && summary.groups.length === 0)
    return summary.problems.map((p) => esc(problemText(p)) + '\n').join('');
  const lines = header(summary).map(esc);
  let out = lines.join('\n') + '\n';
  if (summary.groups.length === 0) out += '\nNo requests in this range.\n';
  else {
    const first = by === 'caller' ? 'caller' : by === 'model' ? 'model' : 'model version';
    out += '\n' + alignedTable([[first, ...COLUMNS], ...summary.groups.map((g) => [groupName(g), ...row(g)])]);
    const withCallers = summary.groups.filter((g) => g.topCallers.length > 0 && by !== 'caller');
    if (withCallers.length) {
      out += '\nTop callers\n';
      for (const g of withCallers)
        out +=
          esc(
            `  ${groupName(g)}: ${g.topCallers.map((c) => `${c.caller} ${count(c.requests)}${c.errors ? ` (${count(c.errors)} errors)` : ''}`).join(', ')}`,
          ) + '\n';
    }
  }
  if (summary.problems.length) {
    out += '\nProblems\n';
    for (const p of summary.problems) out += esc(`  ${problemText(p)}`) + '\n';
  }
  return out;
}

export function summaryToMarkdown(summary: TelemetrySummary, by: 'version' | 'model' | 'caller' = 'version'): string {
  const md = (text: string): string => escapeMarkdownCell(esc(text));
  if (summary.sources.length === 0 && summary.groups.length === 0)
    return summary.problems.map((p) => `- ${md(problemText(p))}\n`).join('');
  const lines = header(summary).map((l) => md(l));
  let out = `### ${lines[0]}\n\n${lines.slice(1).join('\n\n')}\n\n`;
  if (summary.groups.length === 0) out += 'No requests in this range.\n';
  else {
    const first = by === 'caller' ? 'Caller' : by === 'model' ? 'Model' : 'Model version';
    out += `| ${first} | ${COLUMNS.join(' | ')} |\n|${' --- |'.repeat(COLUMNS.length + 1)}\n`;
    for (const g of summary.groups) out += `| ${[groupName(g), ...row(g)].map(md).join(' | ')} |\n`;
    if (by !== 'caller') {
      const withCallers = summary.groups.filter((g) => g.topCallers.length > 0);
      if (withCallers.length) {
        out += '\n| Model version | Top callers |\n| --- | --- |\n';
        for (const g of withCallers)
          out += `| ${md(groupName(g))} | ${md(g.topCallers.map((c) => `${c.caller} ${count(c.requests)}${c.errors ? ` (${count(c.errors)} errors)` : ''}`).join(', '))} |\n`;
      }
    }
  }
  if (summary.problems.length) {
    out += '\n';
    for (const p of summary.problems) out += `- ${md(problemText(p))}\n`;
  }
  return out;
}
