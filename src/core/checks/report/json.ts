// JSON report: a stable, versioned document for other tools (schemaVersion changes only on breaking changes).
import type { CheckReport } from '../types';
import type { ReportOptions } from './common';

export const JSON_REPORT_SCHEMA_VERSION = 1;

export interface JsonReport extends CheckReport {
  schemaVersion: number;
  tool: { name: 'mlops'; version: string };
}

export function toJsonReport(report: CheckReport, options: ReportOptions): JsonReport {
  return {
    schemaVersion: JSON_REPORT_SCHEMA_VERSION,
    tool: { name: 'mlops', version: options.toolVersion },
    counts: report.counts,
    checks: report.checks,
    results: report.results,
    durationMs: report.durationMs,
  };
}

export function formatJson(report: CheckReport, options: ReportOptions): string {
  return `${JSON.stringify(toJsonReport(report, options), null, 2)}\n`;
}
