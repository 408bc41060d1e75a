// Host-side preparation of the chart: filter the loaded Runs by the query, build the series, decimate each to its
// share of the point budget, and mark thresholds and breaches. The result is plain JSON for the panel.
import type { Run } from '../metrics/model';
import { breachIndices, findDefinition, thresholdLabel } from './annotations';
import { decimateIndices, MIN_BUDGET, pick } from './decimate';
import {
  applyRange,
  attachExperiments,
  buildVersionPoints,
  counterAtStep,
  experimentVersion,
  isExperimentRun,
  orderVersions,
  plotRun,
  plotSource,
  plotVersion,
  pointsByCounter,
  selectSeries,
  sourceId,
  stepPoints,
  versionAxis,
} from './series';
import {
  ChartError,
  type ChartPayload,
  type MetricDefinition,
  type MetricHistoryQuery,
  type PlotSeries,
  type PlotThreshold,
  type PlotVersion,
  type StepAxisChoice,
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

/** Names of counters: what a run counts (its step, epoch, iteration), an x axis rather than a metric. */
const COUNTER =
  /^_?(global_?step|steps?|epochs?|iter|iters|iterations?|n_?iter|num_?steps|batch(_?idx)?|timestamp|runtime)$/i;

/** Whether a key names a counter (`step`, `epoch`, `train/iteration`, ...) rather than a metric. */
export function isCounterKey(key: string): boolean {
  const last = key.split(/[/.]/).pop() ?? key;
  return COUNTER.test(last);
}

/** How many runs have each key (without its split), the most common first; ties in name order. */
export function keyCoverage(runs: readonly Run[]): { key: string; runs: number }[] {
  const counts = new Map<string, number>();
  for (const run of runs) {
    const keys = new Set(run.metrics.map((s) => s.baseKey || s.key));
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .map(([key, n]) => ({ key, runs: n }))
    .sort((a, b) => b.runs - a.runs || a.key.localeCompare(b.key));
}

/**
 * The keys to plot when the query names none: the defined metrics that exist; else the metrics most runs have
 * (counters such as `step` or `epoch` only when there is nothing else).
 */
export function defaultKeys(runs: readonly Run[], definitions: readonly MetricDefinition[], count = 3): string[] {
  const present = new Set(availableKeys(runs));
  for (const run of runs) for (const series of run.metrics) present.add(series.key);
  const defined = definitions.map((d) => d.key).filter((k, i, all) => present.has(k) && all.indexOf(k) === i);
  if (defined.length) return defined.slice(0, Math.max(count, 1));
  const ranked = keyCoverage(runs).map((c) => c.key);
  const metrics = ranked.filter((k) => !isCounterKey(k));
  return (metrics.length ? metrics : ranked).slice(0, count);
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
    counterKeys: availableKeys(inSources).filter(isCounterKey),
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
    const all = orderVersions(inSources);
    const main = applyRange(
      all.filter((r) => !isExperimentRun(r)),
      query.range,
    );
    const choice = versionAxis(main, query.axis ?? 'date');
    const { axis } = choice;
    const attached = attachExperiments(
      main,
      choice.xs,
      all.filter((r) => isExperimentRun(r)),
      axis,
    );
    const ordered = attached.runs;
    const xs = attached.xs;
    const groups = buildVersionPoints(ordered, xs, filter).filter((g) => g.rawCount > 0);
    const perSeries = shareOf(totalBudget, groups.length, minPerSeries, maxPerSeries);
    const manySources = new Set(groups.map((g) => g.sourceId)).size > 1;
    const manyFiles =
      new Set(groups.map((g) => `${g.sourceId}\u0000${g.file ?? ''}`)).size >
      new Set(groups.map((g) => g.sourceId)).size;
    const versions: PlotVersion[] = ordered.map((run, i) => {
      const baseline = attached.baselines[i];
      const x = xs[i] ?? NaN;
      if (baseline === undefined) return plotVersion(run, x);
      const base = ordered[baseline]?.revisionInfo;
      return experimentVersion(run, baseline, base?.shortSha ?? '', x);
    });
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
      xTitle: choice.title,
      ...(choice.note ? { axisNote: choice.note } : {}),
      detachedExperiments: attached.detached,
      xChoices: [],
      runsWithoutX: [],
      pointsWithoutX: 0,
      series,
      versions,
      runs: [],
      thresholds,
      rawPoints,
      plottedPoints,
      budgetPerSeries: perSeries,
    };
  }

  const candidates = inSources
    .map((run) => ({ run, series: selectSeries(run, filter) }))
    .filter((e) => e.series.length > 0);
  // The x axis: the logged step, or a counter the runs log (its value at each step). Runs without the counter are
  // left out and named in the payload; a counter no plotted run logs falls back to the step, with a note.
  const xChoices = stepAxisChoices(candidates.map((e) => e.run));
  const wantedX = query.xKey?.trim() ?? '';
  const xKey = wantedX && xChoices.some((c) => c.key === wantedX && c.runs > 0) ? wantedX : '';
  const axisNote = wantedX && !xKey ? `No plotted run logs ${wantedX}: plotted against the step.` : undefined;
  const runsWithoutX: string[] = [];
  const selected: { run: Run; series: ReturnType<typeof selectSeries>; counter?: Map<number, number> }[] = [];
  for (const entry of candidates) {
    if (!xKey) {
      selected.push(entry);
      continue;
    }
    const counter = counterAtStep(entry.run, xKey);
    if (counter) selected.push({ ...entry, counter });
    else runsWithoutX.push(entry.run.label || entry.run.id);
  }
  const seriesCount = selected.reduce((n, e) => n + e.series.length, 0);
  const perSeries = shareOf(totalBudget, seriesCount, minPerSeries, maxPerSeries);
  const plotRuns = selected.map((e) => plotRun(e.run));
  let rawPoints = 0;
  let plottedPoints = 0;
  let pointsWithoutX = 0;
  const series: PlotSeries[] = [];
  selected.forEach(({ run, series: list, counter }, runIndex) => {
    const source = sourceId(run.source);
    const runLabel = (plotRuns[runIndex] ?? plotRun(run)).label;
    for (const metric of list) {
      const byStep = stepPoints(metric);
      const byCounter = counter ? pointsByCounter(byStep, counter) : undefined;
      pointsWithoutX += byCounter?.withoutX ?? 0;
      const points = byCounter ?? byStep;
      const kept = decimateIndices(points.xs, points.ys, perSeries);
      rawPoints += metric.points.length;
      plottedPoints += kept.length;
      series.push(
        annotate({
          id: `s|${source}|${run.id}|${metric.file ?? ''}|${metric.key}`,
          key: metric.key,
          baseKey: metric.baseKey,
          split: metric.split,
          label: list.length > 1 ? `${runLabel} · ${metric.key}` : runLabel,
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
  const effectiveQuery = { ...base.query };
  if (xKey) effectiveQuery.xKey = xKey;
  else delete effectiveQuery.xKey;
  return {
    ...base,
    query: effectiveQuery,
    axis: 'order',
    xTitle: xKey || 'Step',
    ...(axisNote ? { axisNote } : {}),
    detachedExperiments: 0,
    xChoices,
    runsWithoutX,
    pointsWithoutX,
    series,
    versions: [],
    runs: plotRuns,
    thresholds,
    rawPoints,
    plottedPoints,
    budgetPerSeries: perSeries,
  };
}

/**
 * The x axes the steps view offers for these runs: the logged step (every run has one), then each counter
 * (`epoch`, `iteration`, ...) with how many of the runs log it, the most common first.
 */
export function stepAxisChoices(runs: readonly Run[]): StepAxisChoice[] {
  const counters = keyCoverage(runs).filter((c) => isCounterKey(c.key));
  return [{ key: '', runs: runs.length }, ...counters.map((c) => ({ key: c.key, runs: c.runs }))];
}

function shareOf(total: number, count: number, min: number, max: number): number {
  if (count === 0) return max;
  return Math.max(min, Math.min(max, Math.floor(total / count)));
}
