// Markdown report for pull-request comments: a summary line, a table of findings (capped), and per-check counts.
// Every piece of text from the workspace is escaped so it cannot add markup, links or HTML.
import type { CheckReport, Severity } from '../types';
import { findings, formatLocation, plural } from './common';

const MAX_ROWS = 200;
const ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };

/** Text for a table cell: HTML entities for & < >, backslashes before Markdown punctuation, no line breaks. */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

export function formatMarkdown(report: CheckReport): string {
  const c = report.counts;
  const failing = findings(report);
  const lines: string[] = [];
  const status = c.error ? '❌' : c.warning ? '⚠️' : '✅';
  lines.push(
    `### ${status} MLOps checks: ${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.info, 'info')}, ${c.passed} passed, ${c.skipped} skipped`,
    '',
  );
  if (failing.length === 0) lines.push(`All ${plural(report.checks.length, 'check')} passed.`, '');
  else {
    lines.push('| Severity | Check | Location | Finding |', '| --- | --- | --- | --- |');
    for (const r of failing.slice(0, MAX_ROWS)) {
      const finding = `${r.message}${r.retrain ? ' (retrain)' : ''}${r.hint ? ` — ${r.hint}` : ''}`;
      lines.push(
        `| ${ICON[r.severity]} ${r.severity} | ${escapeMarkdownCell(r.checkId)} | ${escapeMarkdownCell(formatLocation(r.location))} | ${escapeMarkdownCell(finding)} |`,
      );
    }
    if (failing.length > MAX_ROWS)
      lines.push('', `… and ${failing.length - MAX_ROWS} more findings; see the full report.`);
    lines.push('');
  }
  lines.push(
    '<details><summary>Checks</summary>',
    '',
    '| Check | Type | Failed | Passed | Skipped |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const check of report.checks) {
    lines.push(
      `| ${escapeMarkdownCell(check.id)} | ${escapeMarkdownCell(check.type)} | ${check.failed} | ${check.passed} | ${check.skipped} |`,
    );
  }
  lines.push('', '</details>', '');
  return lines.join('\n');
}
