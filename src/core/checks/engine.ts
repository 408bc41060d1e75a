// The checks engine: resolves the `checks:` section of mlops.yaml (or the default set), runs each check against a
// CheckContext in declaration order, isolates a check that throws, and returns a CheckReport.
import type { MlopsConfig } from '../formats/mlopsYaml/model';
import { BUILTIN_CHECK_TYPES, checkTypeNamed } from './builtinTypes';
import { readTelemetryConfig } from '../telemetry/config';
import type { CheckSink, Finding } from './checkType';
import {
  CheckCancelledError,
  CheckInputError,
  ChecksConfigError,
  CheckSelectionError,
  SCOPE_KINDS,
  SEVERITIES,
  type CheckContext,
  type CheckDefinition,
  type CheckReport,
  type CheckResult,
  type CheckSummary,
  type ConfigProblem,
  type ReportCounts,
  type ScopeKind,
  type Severity,
  type SourcePosition,
} from './types';

const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';

/**
 * JSON schema of the `checks` section of mlops.yaml (draft-07), composed into the file's schema as
 * `properties.checks` (src/core/formats/mlopsYaml/mlopsSchema.ts). Options are described per check type.
 */
export const checksSchema: Record<string, unknown> = {
  title: 'Pipeline checks',
  type: ['array', 'null'],
  description: 'Pipeline checks run in the editor and by `mlops check`. When absent, a default set runs.',
  items: {
    title: 'Check',
    type: 'object',
    required: ['type'],
    additionalProperties: false,
    properties: {
      id: {
        title: 'Id',
        type: 'string',
        pattern: ID_PATTERN,
        description: 'Unique id of the check (default: its type). Used by `mlops check --only`.',
      },
      type: { title: 'Check type', enum: BUILTIN_CHECK_TYPES.map((t) => t.type), description: 'The kind of check.' },
      description: { title: 'Description', type: 'string', description: 'What the check is for, in your words.' },
      severity: {
        title: 'Severity',
        enum: [...SEVERITIES],
        description: 'How serious a finding is (default depends on the type).',
      },
      scope: {
        title: 'Scope',
        description:
          'What the check looks at: models, datasets, notebooks or paths; optionally narrowed by names or globs.',
        anyOf: [
          { enum: [...SCOPE_KINDS] },
          {
            type: 'object',
            required: ['kind'],
            additionalProperties: false,
            properties: {
              kind: { title: 'Kind', enum: [...SCOPE_KINDS] },
              names: {
                title: 'Names',
                type: 'array',
                items: { type: 'string' },
                description: 'Only these models or datasets.',
              },
              globs: {
                title: 'Globs',
                type: 'array',
                items: { type: 'string' },
                description: 'Only paths matching these globs.',
              },
            },
          },
        ],
      },
      options: { title: 'Options', type: 'object', description: 'Settings of the check type.' },
      enabled: { title: 'Enabled', type: 'boolean', description: 'Set false to keep a check declared but not run.' },
    },
    allOf: BUILTIN_CHECK_TYPES.map((t) => ({
      if: { properties: { type: { const: t.type } }, required: ['type'] },
      then: { properties: { options: { type: 'object', additionalProperties: false, properties: t.options } } },
    })),
  },
};

/** The checks that run when mlops.yaml has no `checks:` section. */
export function defaultChecks(config: MlopsConfig): CheckDefinition[] {
  const check = (id: string, type: string, severity: Severity, kind: ScopeKind): CheckDefinition => ({
    id,
    type,
    severity,
    scope: { kind },
    options: {},
    enabled: true,
  });
  const naming: CheckDefinition[] = [];
  if (config.conventions.models?.length) naming.push(check('model-naming', 'naming-convention', 'warning', 'models'));
  if (config.conventions.datasets?.length)
    naming.push(check('dataset-naming', 'naming-convention', 'warning', 'datasets'));
  if (config.conventions.notebooks?.length)
    naming.push(check('notebook-naming', 'naming-convention', 'warning', 'notebooks'));
  return [
    check('metric-thresholds', 'metric-threshold', 'error', 'models'),
    check('metric-regression', 'metric-regression', 'warning', 'models'),
    ...naming,
    check('large-files', 'large-file-untracked', 'error', 'paths'),
    check('notebook-hygiene', 'notebook-hygiene', 'warning', 'notebooks'),
    check('lineage', 'lineage', 'warning', 'models'),
    check('staleness', 'staleness', 'info', 'models'),
    check('environment', 'environment', 'warning', 'paths'),
    check('model-card', 'required-files', 'warning', 'models'),
    check('data-schema', 'data-schema', 'error', 'datasets'),
    check('data-drift', 'data-drift', 'warning', 'datasets'),
    // Only where mlops.yaml sets service-level objectives: a workspace without telemetry gets no empty skip.
    ...(readTelemetryConfig(config.telemetry).slos.length
      ? [check('service-slos', 'service-slo', 'error', 'models')]
      : []),
  ];
}

export interface ConfigSource {
  /** The config file name for messages (default mlops.yaml). */
  file?: string;
  positionOf?: (path: readonly (string | number)[]) => SourcePosition | undefined;
}

/**
 * The checks of a config read by the mlops.yaml validator: its `checks:` section, or the default set when there is
 * none. Throws a ChecksConfigError listing every problem (with positions when `source.positionOf` knows them).
 */
export function resolveChecks(config: MlopsConfig, source: ConfigSource = {}): CheckDefinition[] {
  const file = source.file ?? 'mlops.yaml';
  const raw = config.checks;
  if (raw === undefined || raw === null) return defaultChecks(config);
  const problems: ConfigProblem[] = [];
  // The shape of the section was validated with the rest of mlops.yaml (src/core/formats/mlopsYaml/validate.ts);
  // what a schema cannot say (distinct ids, scopes a type supports, names that exist) is checked here.
  if (!Array.isArray(raw)) {
    throw new ChecksConfigError(file, [
      { path: ['checks'], message: 'checks must be a list or empty.', position: source.positionOf?.(['checks']) },
    ]);
  }
  const definitions: CheckDefinition[] = [];
  {
    const seen = new Map<string, number>();
    raw.forEach((item: Record<string, unknown>, index) => {
      const type = checkTypeNamed(String(item.type));
      if (!type) return;
      const id = typeof item.id === 'string' ? item.id : type.type;
      if (seen.has(id)) {
        problems.push({
          path: ['checks', index, typeof item.id === 'string' ? 'id' : 'type'],
          message: `checks[${index}] has the id '${id}' of checks[${seen.get(id)}]; give each check a distinct id.`,
        });
      }
      seen.set(id, index);
      const scopeRaw = item.scope as string | { kind: ScopeKind; names?: string[]; globs?: string[] } | undefined;
      const scope: { kind: ScopeKind; names?: string[]; globs?: string[] } =
        scopeRaw === undefined
          ? { kind: type.scopes[0] ?? 'paths' }
          : typeof scopeRaw === 'string'
            ? { kind: scopeRaw as ScopeKind }
            : { ...scopeRaw };
      if (!type.scopes.includes(scope.kind)) {
        problems.push({
          path: ['checks', index, 'scope'],
          message: `checks[${index}] (${type.type}) cannot have scope '${scope.kind}'; use ${type.scopes.join(' or ')}.`,
        });
      }
      if (scope.names) {
        const known =
          scope.kind === 'models'
            ? config.models.map((m) => m.name)
            : scope.kind === 'datasets'
              ? config.datasets.map((d) => d.name)
              : [];
        if (scope.kind !== 'models' && scope.kind !== 'datasets') {
          problems.push({
            path: ['checks', index, 'scope', 'names'],
            message: `checks[${index}].scope.names only applies to models and datasets; use globs for ${scope.kind}.`,
          });
        } else {
          scope.names.forEach((name, n) => {
            if (!known.includes(name))
              problems.push({
                path: ['checks', index, 'scope', 'names', n],
                message: `checks[${index}].scope.names: no ${scope.kind.slice(0, -1)} named '${name}' (known: ${known.join(', ') || 'none'}).`,
              });
          });
        }
      }
      definitions.push({
        id,
        type: type.type,
        severity: (item.severity as Severity | undefined) ?? type.defaultSeverity,
        scope,
        options: (item.options as Record<string, unknown> | undefined) ?? {},
        enabled: item.enabled !== false,
        position: source.positionOf?.(['checks', index]),
      });
    });
  }
  if (problems.length) {
    throw new ChecksConfigError(
      file,
      problems.map((p) => ({ ...p, position: p.position ?? nearestPosition(source, p.path) })),
    );
  }
  return definitions;
}

function nearestPosition(source: ConfigSource, path: readonly (string | number)[]): SourcePosition | undefined {
  if (!source.positionOf) return undefined;
  for (let n = path.length; n > 0; n--) {
    const position = source.positionOf(path.slice(0, n));
    if (position) return position;
  }
  return undefined;
}

export interface CheckProgress {
  /** Checks finished so far. */
  completed: number;
  total: number;
  /** The check about to run, or undefined when all are done. */
  checkId?: string;
}

export interface RunOptions {
  /** Run only these check ids (even disabled ones). Unknown ids throw a CheckSelectionError. */
  only?: readonly string[];
  signal?: AbortSignal;
  onProgress?: (progress: CheckProgress) => void;
}

const compareText = (a: string | undefined, b: string | undefined): number =>
  (a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0;

function compareResults(a: CheckResult, b: CheckResult): number {
  return (
    compareText(a.target, b.target) ||
    compareText(a.location?.file, b.location?.file) ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
    compareText(a.key, b.key) ||
    compareText(a.status, b.status) ||
    compareText(a.message, b.message)
  );
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Counts of a list of results: failures by severity, passes and skips. */
export function countResults(results: readonly CheckResult[]): ReportCounts {
  const counts: ReportCounts = { error: 0, warning: 0, info: 0, passed: 0, skipped: 0 };
  for (const r of results) {
    if (r.status === 'pass') counts.passed++;
    else if (r.status === 'skip') counts.skipped++;
    else counts[r.severity]++;
  }
  return counts;
}

/**
 * One line saying what a run found, for a notification: "3 errors, 2 warnings in 5 files", or "No problems found".
 * A finding without a file counts toward the files by its target.
 */
export function describeFindings(results: readonly CheckResult[]): string {
  const failing = results.filter((r) => r.status === 'fail' || r.status === 'error');
  if (failing.length === 0) return 'No problems found';
  const counts = countResults(failing);
  const files = new Set(failing.map((r) => r.location?.file ?? `(${r.target})`));
  const parts = [
    counts.error ? `${counts.error} error${counts.error === 1 ? '' : 's'}` : '',
    counts.warning ? `${counts.warning} warning${counts.warning === 1 ? '' : 's'}` : '',
    counts.info ? `${counts.info} info` : '',
  ].filter(Boolean);
  return `${parts.join(', ')} in ${files.size} file${files.size === 1 ? '' : 's'}`;
}

/** Whether a report fails at a level: `error` (errors only), `warning` (errors and warnings) or `never`. */
export function reportFails(report: CheckReport, failOn: 'error' | 'warning' | 'never'): boolean {
  if (failOn === 'never') return false;
  return report.counts.error > 0 || (failOn === 'warning' && report.counts.warning > 0);
}

/**
 * Runs the checks of `context.config` (see resolveChecks) and returns every result. A check that throws becomes
 * one `error` result of that check; the others still run. Cancelling through `signal` throws CheckCancelledError.
 */
export async function runChecks(context: CheckContext, options: RunOptions = {}): Promise<CheckReport> {
  const started = performance.now();
  const signal = options.signal ?? new AbortController().signal;
  const all = resolveChecks(context.config, { file: context.configFile, positionOf: context.positionOf });
  let selected = all.filter((c) => c.enabled);
  if (options.only && options.only.length) {
    const unknown = options.only.filter((id) => !all.some((c) => c.id === id));
    if (unknown.length)
      throw new CheckSelectionError(
        unknown,
        all.map((c) => c.id),
      );
    selected = all.filter((c) => options.only!.includes(c.id));
  }
  const results: CheckResult[] = [];
  const checks: CheckSummary[] = [];
  for (const [index, check] of selected.entries()) {
    if (signal.aborted) throw new CheckCancelledError();
    options.onProgress?.({ completed: index, total: selected.length, checkId: check.id });
    const type = checkTypeNamed(check.type)!;
    const own: CheckResult[] = [];
    const base = { checkId: check.id, type: check.type };
    const toResult = (status: CheckResult['status'], finding: Finding, severity: Severity): CheckResult => {
      const result: CheckResult = { ...base, severity, status, target: finding.target, message: finding.message };
      for (const field of ['location', 'hint', 'model', 'dataset', 'retrain', 'key', 'fix'] as const) {
        if (finding[field] !== undefined) (result as unknown as Record<string, unknown>)[field] = finding[field];
      }
      if (!result.location && !context.configFile) {
        // No mlops.yaml to point at: a finding about a model or dataset points at its path.
        const entry =
          (finding.model !== undefined ? context.config.models.find((m) => m.name === finding.model) : undefined) ??
          (finding.dataset !== undefined ? context.config.datasets.find((d) => d.name === finding.dataset) : undefined);
        if (entry) result.location = { file: entry.path };
      }
      return result;
    };
    const sink: CheckSink = {
      fail: (finding) => own.push(toResult('fail', finding, finding.severity ?? check.severity)),
      pass: (target, message, extra) => own.push(toResult('pass', { ...extra, target, message }, check.severity)),
      skip: (target, message, extra) => own.push(toResult('skip', { ...extra, target, message }, check.severity)),
    };
    const checkStarted = performance.now();
    let error: string | undefined;
    try {
      await type.run({ context, check, sink, signal });
    } catch (err) {
      if (signal.aborted) throw new CheckCancelledError();
      error = err instanceof Error ? err.message : String(err);
      context.logger.error(`Check '${check.id}' (${check.type}) failed: ${error}`);
      const location =
        err instanceof CheckInputError
          ? { file: err.file, line: err.position?.line, column: err.position?.column }
          : context.configFile
            ? {
                file: context.configFile,
                ...(check.position ? { line: check.position.line, column: check.position.column } : {}),
              }
            : undefined;
      own.push({
        ...base,
        severity: 'error',
        status: 'error',
        target: check.id,
        message: `The check '${check.id}' (${check.type}) could not run: ${error}`,
        hint: 'Fix the input it names, or disable the check with enabled: false.',
        ...(location ? { location } : {}),
        key: 'check-error',
      });
    }
    own.sort(compareResults);
    for (const result of own) results.push(result);
    const counts = countResults(own);
    checks.push({
      id: check.id,
      type: check.type,
      severity: check.severity,
      title: type.title,
      passed: counts.passed,
      failed: own.filter((r) => r.status === 'fail' || r.status === 'error').length,
      skipped: counts.skipped,
      ...(error !== undefined ? { error } : {}),
      durationMs: Math.round(performance.now() - checkStarted),
    });
  }
  options.onProgress?.({ completed: selected.length, total: selected.length });
  return { checks, results, counts: countResults(results), durationMs: Math.round(performance.now() - started) };
}

/** The most severe failing severity of a list of results, or undefined when nothing failed. */
export function worstSeverity(results: readonly CheckResult[]): Severity | undefined {
  let worst: Severity | undefined;
  for (const r of results)
    if ((r.status === 'fail' || r.status === 'error') && (!worst || SEVERITY_RANK[r.severity] > SEVERITY_RANK[worst]))
      worst = r.severity;
  return worst;
}
