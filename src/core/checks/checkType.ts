// What a built-in check type provides to the engine, and the sink it reports through.
import type { CheckContext, CheckDefinition, CheckResult, Location, QuickFix, ScopeKind, Severity } from './types';

export interface Finding {
  target: string;
  message: string;
  location?: Location;
  hint?: string;
  model?: string;
  dataset?: string;
  retrain?: boolean;
  key?: string;
  fix?: QuickFix;
  /** Raises (never lowers below info) the severity of this finding instead of the check's. */
  severity?: Severity;
}

export interface CheckSink {
  fail(finding: Finding): void;
  pass(target: string, message: string, extra?: Omit<Finding, 'target' | 'message' | 'severity'>): void;
  skip(target: string, message: string, extra?: Omit<Finding, 'target' | 'message' | 'severity'>): void;
}

export interface CheckRun {
  context: CheckContext;
  check: CheckDefinition;
  sink: CheckSink;
  signal: AbortSignal;
}

export interface CheckTypeDefinition {
  type: string;
  /** One line, for rule names and reports. */
  title: string;
  /** A paragraph: what it checks and what to do about a finding (SARIF fullDescription). */
  description: string;
  /** Scopes the type supports; the first is the default. */
  scopes: readonly ScopeKind[];
  defaultSeverity: Severity;
  /** JSON-schema `properties` of the `options` object. */
  options: Record<string, unknown>;
  /** Reads git (history, the index, attributes): skipped, and says why, where no git process may run. */
  needsGit: boolean;
  /**
   * File-name globs (matched against a file's name, any case) whose change can change its results, besides
   * mlops.yaml and the paths the config names: the editor reruns the checks when such a file is saved.
   */
  rerunOn: readonly string[];
  /**
   * How its results relate to retraining: `all` (every result says whether a model is due), `failures` (a failure
   * means a model is past a bound), or absent (nothing to do with retraining).
   */
  retraining?: 'all' | 'failures';
  /** Whether a failing result is a retraining trigger (an alert); default: its `retrain` flag. */
  retrainTrigger?(result: CheckResult): boolean;
  /** Where its documentation is: the anchor of its section in the README (`#<type>`). */
  docsAnchor: string;
  run(run: CheckRun): Promise<void>;
}

/** Whether a result is a retraining trigger, by its type's facts: a failure its type counts as one. */
export function isRetrainTrigger(type: CheckTypeDefinition | undefined, result: CheckResult): boolean {
  if (result.status !== 'fail') return false;
  return type?.retrainTrigger ? type.retrainTrigger(result) : result.retrain === true;
}

/**
 * The text of one retraining alert for new trigger findings: the first finding, and for several the models and the
 * check types they come from (stale models, metrics past thresholds, drifted data…), as the findings say.
 */
export function retrainingAlertMessage(results: readonly CheckResult[]): string {
  const first = results[0]?.message ?? '';
  if (results.length === 1) return `Retraining alert: ${first}`;
  const models = [...new Set(results.map((r) => r.model).filter((m): m is string => Boolean(m)))];
  const who =
    models.length === 0
      ? ''
      : models.length === 1
        ? ` for ${models[0]}`
        : ` for ${models.slice(0, -1).join(', ')} and ${models[models.length - 1]}`;
  const types = [...new Set(results.map((r) => r.type))].join(', ');
  return `Retraining alert${who}: ${results.length} new findings (${types}). First: ${first}`;
}

/** Throws a CheckCancelledError-compatible abort when the signal fired. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('The checks were cancelled.');
}

/** An option value (already validated against the type's schema), or the fallback. */
export function option<T>(check: CheckDefinition, name: string, fallback: T): T {
  const value = check.options[name];
  return value === undefined || value === null ? fallback : (value as T);
}

/** An optional option value (already validated against the type's schema). */
export function optionalOption<T>(check: CheckDefinition, name: string): T | undefined {
  const value = check.options[name];
  return value === undefined || value === null ? undefined : (value as T);
}
