// What a built-in check type provides to the engine, and the sink it reports through.
import type { CheckContext, CheckDefinition, Location, QuickFix, ScopeKind, Severity } from './types';

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
  run(run: CheckRun): Promise<void>;
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
