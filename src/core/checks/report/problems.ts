// Two lines per finding in the shape editors' problem matchers read (`$mlops` in VS Code, `errorformat` in Vim, most
// CI annotators): `file:line[:column]: severity type: message`, then `    hint: what to do`, indented. Every finding
// has the hint line (a default one when its check gave none), so VS Code's two-line `$mlops` pattern reads each
// finding into a Problems entry whose message is the editor's own: the message, then the hint on a line of its own.
// The location is the one the editor's diagnostics use: a finding without one is reported at the configuration file,
// line 1; a finding without a line at line 1 of its file. Paths are relative to the checked folder, with `/`.
import type { CheckReport, CheckResult } from '../types';
import { escapeControlCharacters as escape } from '../../security/controlCharacters';
import { findings, plural } from './common';

export interface ProblemsOptions {
  /** Where findings without a location are reported (the editor puts them there too). */
  configFile: string;
}

/** What to do about a finding: its check's hint, or how to change the check when it gave none. */
export function findingHint(result: Pick<CheckResult, 'hint' | 'checkId'>): string {
  return result.hint ?? `Fix what it names, or change the check '${result.checkId}' (its severity, or enabled: false).`;
}

/**
 * A finding's message in the Problems panel, from the editor or from a task: the message, then its hint on the next
 * line. The `$mlops` problem matcher joins the two lines of `problemRecord` the same way.
 */
export function problemMessage(result: Pick<CheckResult, 'message' | 'hint' | 'checkId'>): string {
  return `${result.message}\n${findingHint(result)}`;
}

/** The matcher-friendly line of one finding (without the hint). */
export function problemLine(result: CheckResult, options: ProblemsOptions): string {
  const location = result.location ?? { file: options.configFile };
  const line = location.line ?? 1;
  const column = location.line === undefined ? 1 : location.column;
  const where = `${escape(location.file)}:${line}${column === undefined ? '' : `:${column}`}`;
  return `${where}: ${result.severity} ${escape(result.type)}: ${escape(result.message)}`;
}

/** Both lines of one finding: its `problemLine`, then its hint. */
export function problemRecord(result: CheckResult, options: ProblemsOptions): string[] {
  return [problemLine(result, options), `    hint: ${escape(findingHint(result))}`];
}

export function formatProblems(report: CheckReport, options: ProblemsOptions): string {
  const lines: string[] = [];
  for (const result of findings(report)) for (const line of problemRecord(result, options)) lines.push(line);
  const c = report.counts;
  lines.push(`${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.info, 'info')}`);
  return `${lines.join('\n')}\n`;
}
