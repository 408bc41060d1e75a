import type { Goal, MetricDefinition } from './types';

/** The definition that applies to a series: an exact key match first, then one on the key without its split. */
export function findDefinition(
  definitions: readonly MetricDefinition[],
  key: string,
  baseKey: string,
): MetricDefinition | undefined {
  return definitions.find((d) => d.key === key) ?? definitions.find((d) => d.key === baseKey);
}

/** Whether a value is on the wrong side of the threshold: below it when higher is better, above it otherwise. */
export function breachesThreshold(value: number, threshold: number, goal: Goal): boolean {
  if (!Number.isFinite(value)) return false;
  return goal === 'maximize' ? value < threshold : value > threshold;
}

/** Indices of the values that breach the definition's threshold; none without both a threshold and a goal. */
export function breachIndices(values: readonly number[], definition: MetricDefinition | undefined): number[] {
  const threshold = definition?.threshold;
  const goal = definition?.goal;
  if (threshold === undefined || !Number.isFinite(threshold) || !goal) return [];
  const out: number[] = [];
  values.forEach((value, i) => {
    if (breachesThreshold(value, threshold, goal)) out.push(i);
  });
  return out;
}

/** A threshold line's legend text: `F1 score ≥ 0.75`, `loss ≤ 0.2 s`. */
export function thresholdLabel(definition: MetricDefinition & { threshold: number }): string {
  const name = definition.label ?? definition.key;
  const relation = definition.goal === 'maximize' ? '≥' : definition.goal === 'minimize' ? '≤' : '=';
  return `${name} ${relation} ${formatValue(definition.threshold)}${definition.unit ? ` ${definition.unit}` : ''}`;
}

/** A compact, stable rendering of a metric value: up to 6 significant digits, no exponent for ordinary sizes. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e15) return String(Number(value.toPrecision(6)));
  return value.toExponential(4);
}
