// Plain-text report for terminals and CI logs; ANSI colours only when asked (the CLI asks on a TTY).
// Text from the workspace (ids, file names, messages that quote them) has its control characters escaped, so a
// name cannot start a line of its own (a CI workflow command) or send escape sequences to the terminal.
import type { CheckReport, CheckResult, Severity } from '../types';
import { escapeControlCharacters as escape } from '../../security/controlCharacters';
import { formatLocation, plural } from './common';

export interface TextOptions {
  color?: boolean;
  /** Also list passing results (default: only counts). */
  verbose?: boolean;
}

const CODES = { red: 31, yellow: 33, cyan: 36, green: 32, dim: 2, bold: 1 } as const;

export function formatText(report: CheckReport, options: TextOptions = {}): string {
  const paint = (code: keyof typeof CODES, text: string): string =>
    options.color ? `\u001b[${CODES[code]}m${text}\u001b[0m` : text;
  const severityColor: Record<Severity, keyof typeof CODES> = { error: 'red', warning: 'yellow', info: 'cyan' };
  const lines: string[] = [];
  for (const check of report.checks) {
    const own = report.results.filter((r) => r.checkId === check.id);
    const failing = own.filter((r) => r.status === 'fail' || r.status === 'error');
    const mark = check.error
      ? paint('red', '✖')
      : failing.length
        ? paint(severityColor[worst(failing)], '✖')
        : paint('green', '✔');
    const counts = [
      failing.length ? `${failing.length} failed` : '',
      check.passed ? `${check.passed} passed` : '',
      check.skipped ? `${check.skipped} skipped` : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(
      `${mark} ${paint('bold', escape(check.id))} ${paint('dim', `(${escape(check.type)})`)}${counts ? `  ${counts}` : ''}`,
    );
    const shown = options.verbose ? own : failing;
    for (const result of shown) for (const line of formatResult(result, paint, severityColor)) lines.push(line);
  }
  const c = report.counts;
  const summary = `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.info, 'info')}; ${c.passed} passed, ${c.skipped} skipped (${plural(report.checks.length, 'check')} in ${(report.durationMs / 1000).toFixed(1)} s)`;
  lines.push('', c.error ? paint('red', summary) : c.warning ? paint('yellow', summary) : paint('green', summary));
  return `${lines.join('\n')}\n`;
}

function worst(results: readonly CheckResult[]): Severity {
  return results.some((r) => r.severity === 'error')
    ? 'error'
    : results.some((r) => r.severity === 'warning')
      ? 'warning'
      : 'info';
}

function formatResult(
  result: CheckResult,
  paint: (code: keyof typeof CODES, text: string) => string,
  colors: Record<Severity, keyof typeof CODES>,
): string[] {
  const label =
    result.status === 'pass'
      ? paint('green', 'pass'.padEnd(7))
      : result.status === 'skip'
        ? paint('dim', 'skip'.padEnd(7))
        : paint(colors[result.severity], result.severity.padEnd(7));
  const where = escape(formatLocation(result.location));
  const out = [
    `  ${label} ${where ? `${where}  ` : ''}${escape(result.message)}${result.retrain ? paint('bold', ' [retrain]') : ''}`,
  ];
  if (result.hint && result.status !== 'pass') out.push(`          ${paint('dim', `hint: ${escape(result.hint)}`)}`);
  return out;
}
