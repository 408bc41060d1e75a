// Service-level objectives judged against a telemetry summary: pure functions, no reading. The `service-slo` check
// (src/core/checks/builtin/serviceSlo.ts) reads the summary of each SLO's window and reports what this returns.
import { DEFAULT_SLO_WINDOW, parseDuration } from './config';
import type { SloConfig, TelemetryGroup, TelemetrySummary } from './types';

export type SloObjective = 'minRequests' | 'errorRate' | 'latency';

/** One objective of one SLO judged for one model version. */
export interface SloOutcome {
  objective: SloObjective;
  /** The model version judged (`model@version`), or the SLO's version when no request of it was seen. */
  key: string;
  model: string;
  version: string;
  passed: boolean;
  /** The measured figure: requests, an error rate (0..1), or milliseconds at the percentile. */
  measured: number;
  /** The bound of the SLO it was judged against. */
  bound: number;
  requests: number;
  /** The window, as the SLO wrote it (default 24h). */
  window: string;
  message: string;
}

/** The window of an SLO in milliseconds (default 24h). */
export function sloWindowMs(slo: SloConfig): number {
  return parseDuration(slo.window ?? DEFAULT_SLO_WINDOW) ?? parseDuration(DEFAULT_SLO_WINDOW)!;
}

const count = (n: number): string => n.toLocaleString('en-US');
const percent = (rate: number): string => {
  const p = rate * 100;
  return `${p === 0 ? '0' : p < 0.1 ? p.toPrecision(2) : p < 10 ? p.toFixed(2).replace(/\.?0+$/, '') : p.toFixed(1).replace(/\.0$/, '')}%`;
};
const ms = (value: number): string => `${value >= 100 ? Math.round(value) : Number(value.toPrecision(3))} ms`;

/** What an SLO applies to, for messages: `fraud 2.0`, `every version of fraud`, `every model`. */
export function sloSubject(slo: SloConfig): string {
  if (slo.model && slo.version) return `${slo.model} ${slo.version}`;
  if (slo.model) return `every version of ${slo.model}`;
  if (slo.version) return `version ${slo.version} of every model`;
  return 'every model version';
}

/** The groups (by model and version) an SLO applies to. */
export function sloGroups(slo: SloConfig, groups: readonly TelemetryGroup[]): TelemetryGroup[] {
  return groups.filter(
    (g) =>
      (slo.model === undefined || g.model === slo.model) && (slo.version === undefined || g.version === slo.version),
  );
}

/**
 * Judges one SLO against a summary of its window grouped by model version (`by: 'version'`). Each matching version
 * gets one outcome per objective; with `minRequests`, a version below it gets only that outcome (no rate is judged
 * on too little traffic). A version the SLO names that served no request in the window fails `minRequests` when the
 * SLO sets one, and gets no outcome otherwise.
 */
export function evaluateSlo(slo: SloConfig, summary: Pick<TelemetrySummary, 'groups'>): SloOutcome[] {
  const window = slo.window ?? DEFAULT_SLO_WINDOW;
  const outcomes: SloOutcome[] = [];
  const groups = sloGroups(slo, summary.groups);
  if (groups.length === 0 && slo.version !== undefined && slo.minRequests !== undefined) {
    const key = `${slo.model ?? ''}@${slo.version}`;
    outcomes.push({
      objective: 'minRequests',
      key,
      model: slo.model ?? '',
      version: slo.version,
      passed: false,
      measured: 0,
      bound: slo.minRequests,
      requests: 0,
      window,
      message: `${sloSubject(slo)} served no request in the last ${window}; the SLO asks for at least ${count(slo.minRequests)}.`,
    });
    return outcomes;
  }
  for (const group of groups) {
    const name = group.model ? `${group.model} ${group.version || '(no version)'}` : group.version || group.key;
    const base = { key: group.key, model: group.model, version: group.version, requests: group.requests, window };
    const traffic = `${count(group.requests)} request${group.requests === 1 ? '' : 's'} in the last ${window}`;
    if (slo.minRequests !== undefined) {
      const passed = group.requests >= slo.minRequests;
      outcomes.push({
        ...base,
        objective: 'minRequests',
        passed,
        measured: group.requests,
        bound: slo.minRequests,
        message: passed
          ? `${name}: ${traffic}, at least the SLO's ${count(slo.minRequests)}.`
          : `${name}: only ${traffic}, fewer than the SLO's minimum of ${count(slo.minRequests)} (no rate is judged on so little traffic).`,
      });
      if (!passed) continue;
    }
    if (group.requests === 0) continue;
    if (slo.maxErrorRate !== undefined) {
      const passed = group.errorRate <= slo.maxErrorRate;
      outcomes.push({
        ...base,
        objective: 'errorRate',
        passed,
        measured: group.errorRate,
        bound: slo.maxErrorRate,
        message: `${name}: error rate ${percent(group.errorRate)} (${count(group.errors)} of ${traffic}) is ${passed ? 'within' : 'above'} the SLO's ${percent(slo.maxErrorRate)}.`,
      });
    }
    if (slo.latency) {
      const { percentile, maxMs } = slo.latency;
      const measured = latencyAt(group, percentile);
      if (measured === undefined) continue;
      const passed = measured <= maxMs;
      outcomes.push({
        ...base,
        objective: 'latency',
        passed,
        measured,
        bound: maxMs,
        message: `${name}: latency p${percentile} ${ms(measured)} is ${passed ? 'within' : 'above'} the SLO's ${ms(maxMs)} (${traffic}).`,
      });
    }
  }
  return outcomes;
}

/** The latency of a group at a percentile the summaries carry (50, 95 or 99). */
export function latencyAt(group: TelemetryGroup, percentile: number): number | undefined {
  if (percentile === 50) return group.latency.p50;
  if (percentile === 95) return group.latency.p95;
  if (percentile === 99) return group.latency.p99;
  return undefined;
}
