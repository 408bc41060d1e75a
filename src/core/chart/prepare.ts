// Host-side preparation of the chart: filter the loaded Runs by the query, build the series, decimate each to its
// share of the point budget, and mark thresholds and breaches. The result is plain JSON for the panel.
import type { Run } from '../metrics/model';
import { breachIndices, findDefinition, thresholdLabel } from './annotations';
import { decimateIndices, MIN_BUDGET, pick } from './decimate';
import {
  applyRange,
  buildVersionPoints,
  orderVersions,
  plotRun,
  plotSource,
  plotVersion,
  selectSeries,
  sourceId,
  stepPoints,
  versionXs,
} from './series';
import {
  ChartError,
  type ChartPayload,
  type MetricDefinition,
  type MetricHistoryQuery,
  type PlotSeries,
  type PlotThreshold,
  type PlotVersion,
} from './types';

export interface PrepareOptions {
  /** Points for all series together; each series gets an equal share within [minPerSeries, maxPerSeries]. */
  totalBudget?: number;
  minPerSeries?: number;
  maxPerSeries?: number;
  /** How many keys to plot when the query names none and no definition matches. */
  defaultKeyCount?: number;
}

export const DEFAULT_TOTAL_BUDGET = 100_000;
export const DEFAULT_MIN_PER_SERIES = 200;
export const DEFAULT_MAX_PER_SERIES = 5_000;

/** Every key without its split in the runs, sorted. */
export function availableKeys(runs: readonly Run[]): string[] {
  const keys = new Set<string>();
  for (const run of runs) for (const series of run.metrics) keys.add(series.baseKey || series.key);
  return [...keys].sort((a, b) => a.localeCompare(b));
}

/** The keys to plot when the query names none: the defined metrics that exist, else the first few keys. */
export function defaultKeys(runs: readonly Run[], definitions: readonly MetricDefinition[], count = 3): string[] {
  const keys = availableKeys(runs);
  const present = new Set(keys);
  for (const run of runs) for (const series of run.metrics) present.add(series.key);
  const defined = definitions.map((d) => d.key).filter((k, i, all) => present.has(k) && all.indexOf(k) === i);
  return defined.length ? defined.slice(0, Math.max(count, 1)) : keys.slice(0, count);
}

export function prepareChart(
  runs: readonly Run[],
  query: MetricHistoryQuery,
  definitions: readonly MetricDefinition[],
  options: PrepareOptions = {},
): ChartPayload {
  if (query.view !== 'versions' && query.view !== 'steps') {
    throw new ChartError(`Unknown chart view "${String(query.view)}"; use "versions" or "steps".`, 'invalid-input');
  }
  const totalBudget = options.totalBudget ?? DEFAULT_TOTAL_BUDGET;
  const minPerSeries = Math.max(MIN_BUDGET, options.minPerSeries ?? DEFAULT_MIN_PER_SERIES);
  const maxPerSeries = Math.max(minPerSeries, options.maxPerSeries ?? DEFAULT_MAX_PER_SERIES);
  if (!Number.isFinite(totalBudget) || totalBudget < MIN_BUDGET) {
    throw new ChartError(
      `The total point budget must be at least ${MIN_BUDGET}; got ${String(totalBudget)}.`,
      'invalid-budget',
    );
  }

  const sourceSet = query.sources && query.sources.length ? new Set(query.sources) : undefined;
  const inSources = sourceSet ? runs.filter((r) => sourceSet.has(sourceId(r.source))) : [...runs];
  const keys = query.keys.length ? [...query.keys] : defaultKeys(inSources, definitions, options.defaultKeyCount);
  const filter = { keys, splits: query.splits };
  const allSources = new Map(runs.map((r) => [sourceId(r.source), plotSource(r.source)]));
  const splits = new Set(inSources.flatMap((r) => r.metrics.flatMap((s) => (s.split ? [s.split] : []))));
  const base = {
    view: query.view,
    query: { ...query, keys },
    availableKeys: availableKeys(inSources),
    availableSplits: (['train', 'validation', 'test'] as const).filter((s) => splits.has(s)),
    sources: [...allSources.values()],
  };

  const thresholds: PlotThreshold[] = [];
  const thresholdIndex = new Map<MetricDefinition, number>();
  const annotate = (series: PlotSeries): PlotSeries => {
    const definition = findDefinition(definitions, series.key, series.baseKey);
    if (!definition) return series;
    series.goal = definition.goal;
    series.unit = definition.unit;
    // Across versions every revision is an outcome; across steps only where a run ends is (a training curve
    // starts on the wrong side of any threshold).
    const judged = query.view === 'versions' ? series.ys : series.ys.slice(-1);
    const offset = series.ys.length - judged.length;
    series.breaches = breachIndices(judged, definition).map((i) => i + offset);
    const threshold = definition.threshold;
    if (threshold !== undefined && Number.isFinite(threshold)) {
      let index = thresholdIndex.get(definition);
      if (index === undefined) {
        index = thresholds.length;
        thresholdIndex.set(definition, index);
        thresholds.push({
          key: definition.key,
          value: threshold,
          goal: definition.goal,
          label: thresholdLabel({ ...definition, threshold }),
          unit: definition.unit,
        });
      }
      series.threshold = index;
    }
    return series;
  };

  if (query.view === 'versions') {
    const ordered = applyRange(orderVersions(inSources), query.range);
    const { axis, xs } = versionXs(ordered, query.axis ?? 'date');
    const groups = buildVersionPoints(ordered, xs, filter).filter((g) => g.rawCount > 0);
    const perSeries = shareOf(totalBudget, groups.length, minPerSeries, maxPerSeries);
    const manySources = new Set(groups.map((g) => g.sourceId)).size > 1;
    const manyFiles =
      new Set(groups.map((g) => `${g.sourceId}\u0000${g.file ?? ''}`)).size >
      new Set(groups.map((g) => g.sourceId)).size;
    const versions: PlotVersion[] = ordered.map(plotVersion);
    let rawPoints = 0;
    let plottedPoints = 0;
    const series = groups.map((group) => {
      const kept = decimateIndices(group.xs, group.ys, perSeries);
      rawPoints += group.rawCount;
      plottedPoints += kept.length;
      const location = allSources.get(group.sourceId)?.location ?? group.sourceId;
      const where = [manyFiles ? group.file : undefined, manySources ? location : undefined].filter(Boolean).join(', ');
      return annotate({
        id: `v|${group.sourceId}|${group.file ?? ''}|${group.key}`,
        key: group.key,
        baseKey: group.baseKey,
        split: group.split,
        label: where ? `${group.key} — ${where}` : group.key,
        sourceId: group.sourceId,
        file: group.file,
        xs: pick(group.xs, kept),
        ys: pick(group.ys, kept),
        versions: pick(group.versions, kept),
        rawCount: group.rawCount,
        nonFinite: group.nonFinite,
        breaches: [],
      });
    });
    return {
      ...base,
      axis,
      series,
      versions,
      runs: [],
      thresholds,
      rawPoints,
      plottedPoints,
      budgetPerSeries: perSeries,
    };
  }

  const selected = inSources
    .map((run) => ({ run, series: selectSeries(run, filter) }))
    .filter((e) => e.series.length > 0);
  const seriesCount = selected.reduce((n, e) => n + e.series.length, 0);
  const perSeries = shareOf(totalBudget, seriesCount, minPerSeries, maxPerSeries);
  const plotRuns = selected.map((e) => plotRun(e.run));
  let rawPoints = 0;
  let plottedPoints = 0;
  const series: PlotSeries[] = [];
  selected.forEach(({ run, series: list }, runIndex) => {
    const source = sourceId(run.source);
    for (const metric of list) {
      const points = stepPoints(metric);
      const kept = decimateIndices(points.xs, points.ys, perSeries);
      rawPoints += metric.points.length;
      plottedPoints += kept.length;
      series.push(
        annotate({
          id: `s|${source}|${run.id}|${metric.file ?? ''}|${metric.key}`,
          key: metric.key,
          baseKey: metric.baseKey,
          split: metric.split,
          label: list.length > 1 ? `${plotRuns[runIndex].label} · ${metric.key}` : plotRuns[runIndex].label,
          sourceId: source,
          file: metric.file,
          run: runIndex,
          xs: kept.length === points.xs.length ? points.xs : pick(points.xs, kept),
          ys: kept.length === points.ys.length ? points.ys : pick(points.ys, kept),
          rawCount: metric.points.length,
          nonFinite: points.nonFinite,
          breaches: [],
        }),
      );
    }
  });
  return {
    ...base,
    axis: 'order',
    series,
    versions: [],
    runs: plotRuns,
    thresholds,
    rawPoints,
    plottedPoints,
    budgetPerSeries: perSeries,
  };
}

function shareOf(total: number, count: number, min: number, max: number): number {
  if (count === 0) return max;
  return Math.max(min, Math.min(max, Math.floor(total / count)));
}
