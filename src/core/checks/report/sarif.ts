// SARIF 2.1.0 report for code scanning (GitHub shows each result on its file and line): rules are the check
// types, results carry a level, a message, a location relative to %SRCROOT% and a stable partial fingerprint.
import { createHash } from 'node:crypto';
import { BUILTIN_CHECK_TYPES } from '../builtinTypes';
import type { CheckReport, CheckResult, Location, Severity } from '../types';
import { DEFAULT_HELP_URI, findings, TOOL_NAME, type ReportOptions } from './common';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const FINGERPRINT_KEY = 'mlopsFindingHash/v1';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** A root-relative path as a URI reference (each segment percent-encoded). */
export function artifactUri(file: string): string {
  return file
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

const pascal = (type: string): string =>
  type.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());

/** A fingerprint that survives line moves and value changes: check, target, file and the finding's key. */
export function fingerprint(result: CheckResult): string {
  const parts = [result.type, result.checkId, result.target, result.location?.file ?? '', result.key ?? result.message];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function physicalLocation(location: Location, uriPrefix: string): Record<string, unknown> {
  const startLine = Math.max(1, location.line ?? 1);
  const region: Record<string, number> = { startLine };
  if (location.column !== undefined) region.startColumn = Math.max(1, location.column);
  if (location.endLine !== undefined) region.endLine = Math.max(startLine, location.endLine);
  if (location.endColumn !== undefined) region.endColumn = Math.max(1, location.endColumn);
  return {
    physicalLocation: {
      artifactLocation: { uri: artifactUri(`${uriPrefix}${location.file}`), uriBaseId: '%SRCROOT%' },
      region,
    },
  };
}

export interface SarifOptions extends ReportOptions {
  /** Where findings without a location point (the config file). */
  configFile?: string;
  /** The checked folder's path inside the repository (`git rev-parse --show-prefix`), prepended to every uri. */
  uriPrefix?: string;
}

export function toSarif(report: CheckReport, options: SarifOptions): Record<string, unknown> {
  const helpBase = options.helpBaseUri ?? DEFAULT_HELP_URI;
  const rules = BUILTIN_CHECK_TYPES.map((t) => ({
    id: t.type,
    name: pascal(t.type),
    shortDescription: { text: t.title },
    fullDescription: { text: t.description },
    helpUri: `${helpBase}#${t.type}`,
    help: { text: t.description },
    defaultConfiguration: { level: LEVEL[t.defaultSeverity] },
    properties: { tags: ['mlops'] },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const uriPrefix = options.uriPrefix ? `${options.uriPrefix.replace(/\\/g, '/').replace(/\/*$/, '')}/` : '';
  const results = findings(report).map((r) => {
    const location = r.location ?? (options.configFile ? { file: options.configFile } : undefined);
    const properties: Record<string, unknown> = { checkId: r.checkId, target: r.target };
    if (r.model) properties.model = r.model;
    if (r.dataset) properties.dataset = r.dataset;
    if (r.retrain) properties.retrain = true;
    if (r.status === 'error') properties.checkError = true;
    return {
      ruleId: r.type,
      ruleIndex: ruleIndex.get(r.type) ?? 0,
      level: LEVEL[r.severity],
      message: { text: r.hint ? `${r.message} ${r.hint}` : r.message },
      ...(location ? { locations: [physicalLocation(location, uriPrefix)] } : {}),
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(r) },
      properties,
    };
  });
  const crashed = report.checks.filter((c) => c.error !== undefined);
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            informationUri: helpBase,
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: crashed.length === 0,
            ...(crashed.length
              ? {
                  toolExecutionNotifications: crashed.map((c) => ({
                    level: 'error',
                    message: { text: `The check '${c.id}' could not run: ${c.error ?? ''}` },
                    descriptor: { id: c.type },
                  })),
                }
              : {}),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(report: CheckReport, options: SarifOptions): string {
  return `${JSON.stringify(toSarif(report, options), null, 2)}\n`;
}
