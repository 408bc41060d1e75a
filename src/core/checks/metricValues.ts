// Picking metric values out of Runs for the metric checks, and comparing them by goal.
import { latest, type MetricSeries, type Run, type Split } from '../metrics/model';
import { locateKey } from '../formats/metricsFiles/keyLocation';
import type { MetricDefinition, MetricGoal } from '../formats/mlopsYaml/model';
import type { CheckContext, Location } from './types';

const SPLIT_ALIASES: Record<string, Split> = {
  train: 'train',
  training: 'train',
  val: 'validation',
  valid: 'validation',
  validation: 'validation',
  eval: 'validation',
  dev: 'validation',
  test: 'test',
  testing: 'test',
  holdout: 'test',
};

/** The split a word names (`val`, `eval` -> validation), or undefined. */
export function normalizeSplit(word: string | undefined): Split | undefined {
  return word === undefined ? undefined : SPLIT_ALIASES[word.toLowerCase()];
}

/** Splits a flattened key into its split and base key: `test.f1` -> { split: 'test', baseKey: 'f1' }. */
export function splitKey(key: string): { split?: Split; baseKey: string } {
  const segments = key.split(/[./]/);
  const index = segments.findIndex((s) => normalizeSplit(s) !== undefined);
  if (index === -1 || segments.length === 1) return { baseKey: key };
  return { split: normalizeSplit(segments[index]), baseKey: segments.filter((_, i) => i !== index).join('.') };
}

export interface MetricValue {
  run: Run;
  series: MetricSeries;
  value: number;
  split?: Split;
}

/** The latest value of every series of `key` (matched on the base key or the full key), optionally one split. */
export function valuesFor(runs: readonly Run[], key: string, split?: Split): MetricValue[] {
  const values: MetricValue[] = [];
  for (const run of runs) {
    for (const series of run.metrics) {
      if (series.baseKey !== key && series.key !== key) continue;
      if (split !== undefined && series.split !== split) continue;
      const point = latest(series);
      if (point) values.push({ run, series, value: point.value, split: series.split });
    }
  }
  return values;
}

export interface Bound {
  kind: 'min' | 'max';
  value: number;
}

/** The bound of a metric: an explicit min/max, else its threshold read by its goal (maximize when unset). */
export function boundFor(definition: MetricDefinition | undefined, min?: number, max?: number): Bound | undefined {
  if (min !== undefined) return { kind: 'min', value: min };
  if (max !== undefined) return { kind: 'max', value: max };
  if (definition?.threshold === undefined) return undefined;
  return { kind: definition.goal === 'minimize' ? 'max' : 'min', value: definition.threshold };
}

/** Whether a value satisfies a bound; NaN never does. */
export function withinBound(value: number, bound: Bound): boolean {
  if (Number.isNaN(value)) return false;
  return bound.kind === 'min' ? value >= bound.value : value <= bound.value;
}

/** How much worse `current` is than `baseline` by the goal (positive: worse). */
export function worsening(goal: MetricGoal, baseline: number, current: number): number {
  return goal === 'maximize' ? baseline - current : current - baseline;
}

/** A number for messages: up to 4 significant decimals, no exponent for ordinary values. */
export function formatValue(value: number, unit?: string): string {
  let text: string;
  if (!Number.isFinite(value)) text = String(value);
  else if (Number.isInteger(value)) text = String(value);
  else if (Math.abs(value) >= 1000) text = value.toFixed(2);
  else text = String(Number(value.toPrecision(4)));
  return unit ? `${text} ${unit}` : text;
}

/** `f1 (test)` or `f1`. */
export function metricLabel(key: string, split?: Split): string {
  return split ? `${key} (${split})` : key;
}

/** A run's source file relative to the root, when it is a file inside the root. */
export function runFile(root: string, run: Run): string | undefined {
  if (run.source.kind === 'mlflow-rest') return undefined;
  let location = run.source.location.replace(/\\/g, '/');
  const normalizedRoot = root.replace(/\\/g, '/').replace(/\/+$/, '');
  if (location.startsWith(`${normalizedRoot}/`)) location = location.slice(normalizedRoot.length + 1);
  if (/^([a-z]+:|\/)/i.test(location)) return undefined;
  return location.replace(/^\.\//, '');
}

/**
 * Finds where a metric's key sits in its file (line and column), reading each file once per `cache`.
 * Returns just the file when the key cannot be found, and undefined when the run is not a file in the root.
 */
export async function metricLocation(
  context: CheckContext,
  run: Run,
  seriesKey: string,
  cache: Map<string, string | null>,
): Promise<Location | undefined> {
  const file = runFile(context.root, run);
  if (!file) return undefined;
  if (!cache.has(file)) {
    try {
      cache.set(file, await context.files.readText(file, 8 * 1024 * 1024));
    } catch {
      cache.set(file, null);
    }
  }
  const text = cache.get(file);
  if (!text) return { file };
  const position = locateKey(text, file, seriesKey);
  return position ? { file, line: position.line, column: position.column } : { file };
}

/**
 * Labels for a list of values of one metric: `f1 (test)`, with ` in <file>` added where two files give the same
 * metric and split (e.g. metrics/eval.json and dvclive/metrics.json).
 */
export function valueLabels(root: string, key: string, values: readonly MetricValue[]): string[] {
  const plain = values.map((v) => metricLabel(key, v.split));
  return plain.map((label, i) =>
    plain.filter((l) => l === label).length > 1
      ? `${label} in ${runFile(root, values[i].run) ?? values[i].run.label}`
      : label,
  );
}
