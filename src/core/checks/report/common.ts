// Shared bits of the report formats.
import type { CheckReport, CheckResult, Location } from '../types';

export interface ReportOptions {
  /** The version of the tool that produced the report. */
  toolVersion: string;
  /** Where rule documentation lives; `#<check type>` is appended. */
  helpBaseUri?: string;
}

export const TOOL_NAME = 'MLOps Workbench';
export const DEFAULT_HELP_URI = 'https://marketplace.visualstudio.com/items?itemName=mlops-workbench.mlops-workbench';

/** Results that are findings (failures and check errors), in report order. */
export function findings(report: CheckReport): CheckResult[] {
  return report.results.filter((r) => r.status === 'fail' || r.status === 'error');
}

/** `file:line:column`, `file:line` or `file`. */
export function formatLocation(location: Location | undefined): string {
  if (!location) return '';
  if (location.line === undefined) return location.file;
  return location.column === undefined
    ? `${location.file}:${location.line}`
    : `${location.file}:${location.line}:${location.column}`;
}

/** `2 errors, 1 warning, 0 info`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 || word === 'info' ? '' : 's'}`;
}
