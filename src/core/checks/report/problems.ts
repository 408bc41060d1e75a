// One line per finding in the shape editors' problem matchers read (`$mlops` in VS Code, `errorformat` in Vim, most
// CI annotators): `file:line[:column]: severity type: message`, the hint on the next line, indented, for people.
// The location is the one the editor's diagnostics use: a finding without one is reported at the configuration file,
// line 1; a finding without a line at line 1 of its file. Paths are relative to the checked folder, with `/`.
import type { CheckReport, CheckResult } from '../types';
import { escapeControlCharacters as escape } from '../../security/controlCharacters';
import { findings, plural } from './common';

export interface ProblemsOptions {
  /** Where findings without a location are reported (the editor puts them there too). */
  configFile: string;
}

/** The matcher-friendly line of one finding (without the hint). */
export function problemLine(result: CheckResult, options: ProblemsOptions): string {
  const location = result.location ?? { file: options.configFile };
  const line = location.line ?? 1;
  const column = location.line === undefined ? 1 : location.column;
  const where = `${escape(location.file)}:${line}${column === undefined ? '' : `:${column}`}`;
  return `${where}: ${result.severity} ${escape(result.type)}: ${escape(result.message)}`;
}

export function formatProblems(report: CheckReport, options: ProblemsOptions): string {
  const lines: string[] = [];
  for (const result of findings(report)) {
    lines.push(problemLine(result, options));
    if (result.hint) lines.push(`    hint: ${escape(result.hint)}`);
  }
  const c = report.counts;
  lines.push(`${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${plural(c.info, 'info')}`);
  return `${lines.join('\n')}\n`;
}
