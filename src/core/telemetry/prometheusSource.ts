// The `prometheus` telemetry source: a Prometheus server (or any server speaking its HTTP API) queried for the
// request, error, latency and memory series a model server exposes, turned into the one TelemetrySummary.
//
// Queries come from `telemetry.prometheus.queries` in mlops.yaml, or from the metric names of a known server found
// on the server (one instant query): the generic names below, or OpenVINO Model Server's. A query is either
//  - metric names (`model_requests_total`, or `a_total + b_total`): the raw series are fetched and counted here,
//    exactly (the difference of each counter between steps, a reset counted from zero, no extrapolation), and a
//    histogram's `_bucket` series give percentiles by the interpolation `histogram_quantile` uses; or
//  - a PromQL template, used as written after filling its placeholders: `{model}`, `{version}`, `{caller}` (the
//    label names), `{by}` (the labels to group by, comma-separated), `{selector}` (label matchers for the models
//    asked for, possibly empty), `{range}` (one step as a PromQL duration) and, in a latency template, `{quantile}`.
//    Request and error templates give counts per step; a latency template gives seconds; memory gives bytes.
import {
  MAX_POINTS_PER_SERIES,
  PrometheusApiError,
  PrometheusClient,
  type PrometheusResult,
  type PrometheusSeries,
} from '../formats/prometheus/api';
import type {
  CallerFigures,
  LatencyFigures,
  PrometheusQueries,
  TelemetryConfig,
  TelemetryGroup,
  TelemetryPoint,
  TelemetryProblem,
  TelemetryQuery,
  TelemetryReadContext,
  TelemetrySourceDefinition,
  TelemetrySummary,
} from './types';

export interface PrometheusLabels {
  model: string;
  version: string;
  caller: string;
}

/** The metric names of a kind of model server: what the source looks for when mlops.yaml names no queries. */
export interface PrometheusPreset {
  id: string;
  label: string;
  queries: PrometheusQueries;
  labels: PrometheusLabels;
}

export const DEFAULT_PROMETHEUS_LABELS: PrometheusLabels = { model: 'model', version: 'version', caller: 'caller' };

/**
 * Known metric names. `generic`: counters `model_requests_total` and `model_errors_total`, the histogram
 * `model_request_duration_seconds` and the gauge `model_memory_bytes`, labelled `model`, `version` and (optionally)
 * `caller`. `ovms`: OpenVINO Model Server's `ovms_requests_success` / `ovms_requests_fail` counters and its
 * `ovms_request_time_us` histogram (microseconds), labelled `name` and `version`.
 */
export const PROMETHEUS_PRESETS: readonly PrometheusPreset[] = [
  {
    id: 'generic',
    label: 'model_requests_total / model_errors_total / model_request_duration_seconds',
    queries: {
      requests: 'model_requests_total',
      errors: 'model_errors_total',
      latency: 'model_request_duration_seconds_bucket',
      memory: 'model_memory_bytes',
    },
    labels: DEFAULT_PROMETHEUS_LABELS,
  },
  {
    id: 'ovms',
    label: 'OpenVINO Model Server (ovms_requests_success / ovms_requests_fail / ovms_request_time_us)',
    queries: {
      requests: 'ovms_requests_success + ovms_requests_fail',
      errors: 'ovms_requests_fail',
      latency: 'ovms_request_time_us_bucket',
    },
    labels: { model: 'name', version: 'version', caller: 'caller' },
  },
];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const DEFAULT_RANGE_MS = 24 * 3600_000;
/** About this many points per series when the query names no bucket width. */
const TARGET_POINTS = 200;
const NICE_STEPS_S = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
const QUANTILES = [
  ['p50', 0.5],
  ['p95', 0.95],
  ['p99', 0.99],
] as const;

/** The metric names of a query made of names only (`a_total` or `a_total + b_total`); undefined for a template. */
export function metricNames(query: string): string[] | undefined {
  const names = query.split('+').map((part) => part.trim());
  return names.length > 0 && names.every((n) => METRIC_NAME.test(n)) ? names : undefined;
}

export interface TemplateValues {
  labels: PrometheusLabels;
  by: readonly string[];
  selector: string;
  rangeMs: number;
  quantile?: number;
}

/** A PromQL duration: `90s`, `5m`, `1h` (whole seconds, the largest exact unit). */
export function promDuration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s % 86400 === 0) return `${s / 86400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/**
 * Fills a template's placeholders; PromQL's own braces (`x{job="a"}`) are left alone. Throws on a placeholder it
 * does not know, naming the ones it does.
 */
export function fillTemplate(template: string, values: TemplateValues): string {
  return template.replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => {
    switch (name) {
      case 'model':
      case 'version':
      case 'caller':
        return values.labels[name];
      case 'by':
        return values.by.join(', ');
      case 'selector':
        return values.selector;
      case 'range':
        return promDuration(values.rangeMs);
      case 'quantile':
        if (values.quantile === undefined)
          throw new Error(`The query ${JSON.stringify(template)} uses {quantile}, which only a latency query has.`);
        return String(values.quantile);
      default:
        throw new Error(
          `The query ${JSON.stringify(template)} has an unknown placeholder ${whole}; the placeholders are {model}, {version}, {caller}, {by}, {selector}, {range} and {quantile}.`,
        );
    }
  });
}

/** A PromQL string literal. */
function promString(text: string): string {
  return JSON.stringify(text);
}

/** Label matchers (without braces) for the models asked for; '' for all. */
export function modelSelector(label: string, models: readonly string[] | undefined): string {
  if (!models?.length) return '';
  const alternatives = models.map((m) => m.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'));
  return `${label}=~${promString(alternatives.join('|'))}`;
}

/**
 * The step of a range query: the asked bucket width, or about 200 points (at least a minute, a round width);
 * never so small that a series passes Prometheus's 11,000 points (the baseline point before the range counts).
 * `widened` says the asked width was raised to fit.
 */
export function chooseStep(rangeMs: number, bucketMs?: number): { stepMs: number; widened: boolean } {
  const minimum = Math.ceil(rangeMs / (MAX_POINTS_PER_SERIES - 2) / 1000) * 1000;
  if (bucketMs !== undefined && bucketMs > 0) {
    const asked = Math.max(1000, Math.ceil(bucketMs / 1000) * 1000);
    return asked >= minimum ? { stepMs: asked, widened: false } : { stepMs: minimum, widened: true };
  }
  const wanted = rangeMs / TARGET_POINTS / 1000;
  const nice = NICE_STEPS_S.find((s) => s >= wanted) ?? Math.ceil(wanted / 86400) * 86400;
  return { stepMs: Math.max(nice * 1000, minimum), widened: false };
}

/** The samples of a range query: every step back from `to`; the first, at `start`, is the counters' baseline. */
export interface StepGrid {
  /** The baseline sample's time, where the first bucket starts; sample k ends bucket k - 1. */
  start: number;
  end: number;
  stepMs: number;
  /** Number of buckets. */
  buckets: number;
}

export function stepGrid(from: number, to: number, stepMs: number): StepGrid {
  const buckets = Math.max(1, Math.ceil((to - from) / stepMs));
  return { start: to - buckets * stepMs, end: to, stepMs, buckets };
}

/** The start of bucket `i` (0-based): bucket i spans the samples at grid start + i*step and + (i+1)*step. */
function bucketStart(grid: StepGrid, i: number): number {
  return grid.start + i * grid.stepMs;
}

/**
 * A counter's increase in each bucket of the grid: the difference between consecutive samples (a drop is a reset,
 * counted from zero); a series whose first sample comes after the baseline point was born in the range and counts
 * from zero. No extrapolation: the counts are what the counter counted between the samples.
 */
export function counterIncreases(series: PrometheusSeries, grid: StepGrid): number[] {
  const out = new Array<number>(grid.buckets).fill(0);
  let previous: number | undefined;
  const { times, values } = series;
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    const value = values[k]!;
    if (!Number.isFinite(value)) continue;
    const index = Math.round((t - grid.start) / grid.stepMs) - 1;
    if (previous === undefined) {
      previous = value;
      if (index < 0) continue; // the baseline
    } else {
      const delta = value >= previous ? value - previous : value;
      previous = value;
      if (index >= 0 && index < grid.buckets) out[index] = (out[index] ?? 0) + delta;
      continue;
    }
    if (index < grid.buckets) out[index] = (out[index] ?? 0) + value;
  }
  return out;
}

/** A histogram's cumulative counts by upper bound (`le`), as `histogram_quantile` reads them. */
export type Histogram = Map<number, number>;

/**
 * The quantile `q` of a cumulative histogram, interpolated linearly within the bucket it falls in (the lowest bucket
 * from 0 when its bound is positive); in the +Inf bucket, the highest finite bound. Undefined without observations.
 */
export function histogramQuantile(q: number, histogram: Histogram): number | undefined {
  const entries = [...histogram.entries()].sort((a, b) => a[0] - b[0]);
  const bounds = entries.map(([le]) => le);
  const cumulative = new Float64Array(entries.length);
  monotonic(
    entries.map(([, count]) => count),
    cumulative,
  );
  return sortedHistogramQuantile(q, bounds, cumulative);
}

/**
 * Cumulative counts (in the order of their ascending bounds) made monotonic, into `out`: they can come out of order
 * (series scraped at different times), and a lower count than the bound below it would give a negative width.
 */
function monotonic(counts: ArrayLike<number>, out: Float64Array): void {
  let running = 0;
  for (let b = 0; b < counts.length; b++) {
    running = Math.max(running, counts[b]!);
    out[b] = running;
  }
}

/** `histogramQuantile` of a histogram given as ascending bounds and their monotonic cumulative counts. */
function sortedHistogramQuantile(
  q: number,
  bounds: readonly number[],
  cumulative: ArrayLike<number>,
): number | undefined {
  const n = bounds.length;
  if (!n) return undefined;
  const total = cumulative[n - 1]!;
  if (!(total > 0)) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (let i = 0; i < n; i++) {
    const le = bounds[i]!;
    const count = cumulative[i]!;
    if (count >= rank) {
      if (le === Infinity) return i > 0 ? bounds[i - 1] : undefined;
      if (i === 0 && le <= 0) return le;
      if (count === lowerCount) return le;
      return lowerBound + (le - lowerBound) * ((rank - lowerCount) / (count - lowerCount));
    }
    lowerBound = le;
    lowerCount = count;
  }
  return bounds[n - 1];
}

/**
 * p50, p95 and p99 of every bucket of a histogram kept as one column per bound (each bound's increase per bucket of
 * the grid): the figures `histogramQuantile` gives for each bucket's histogram, without building one per bucket.
 */
export function bucketQuantiles(histogram: ReadonlyMap<number, ArrayLike<number>>, buckets: number): LatencyFigures[] {
  const bounds = [...histogram.keys()].sort((a, b) => a - b);
  const columns = bounds.map((le) => histogram.get(le)!);
  const counts = new Float64Array(bounds.length);
  const cumulative = new Float64Array(bounds.length);
  const out: LatencyFigures[] = new Array<LatencyFigures>(buckets);
  for (let i = 0; i < buckets; i++) {
    for (let b = 0; b < columns.length; b++) counts[b] = columns[b]![i] ?? 0;
    monotonic(counts, cumulative);
    out[i] = sortedQuantiles(bounds, cumulative);
  }
  return out;
}

/** Milliseconds per unit of a histogram whose name says its unit (`_seconds`, `_milliseconds`/`_ms`, `_us`); seconds otherwise. */
export function latencyUnitMs(metric: string): number {
  const base = metric.replace(/_bucket$/, '');
  if (/_(us|microseconds)$/.test(base)) return 0.001;
  if (/_(ms|milliseconds)$/.test(base)) return 1;
  if (/_(ns|nanoseconds)$/.test(base)) return 1e-6;
  return 1000;
}

interface GroupAccumulator {
  key: string;
  model: string;
  version: string;
  requests: number[];
  errors: number[];
  /** Per bound (`le`), that cumulative bucket's increase in each bucket of the grid. */
  histogram: Map<number, Float64Array>;
  total: Histogram;
  latencyPoints: LatencyFigures[];
  latency: LatencyFigures;
  memory: (number | undefined)[];
  callers: Map<string, CallerFigures>;
}

interface Keyer {
  by: 'version' | 'model' | 'caller';
  labels: PrometheusLabels;
}

function groupIdentity(labels: Record<string, string>, keyer: Keyer): { key: string; model: string; version: string } {
  const model = labels[keyer.labels.model] ?? '';
  const version = labels[keyer.labels.version] ?? '';
  if (keyer.by === 'caller') {
    const caller = labels[keyer.labels.caller] ?? '';
    return { key: caller, model: '', version: '' };
  }
  if (keyer.by === 'model') return { key: model, model, version: '' };
  return { key: `${model}@${version}`, model, version };
}

/** The labels a template groups by for the query's grouping. */
function groupingLabels(keyer: Keyer): string[] {
  if (keyer.by === 'caller') return [keyer.labels.caller];
  if (keyer.by === 'model') return [keyer.labels.model];
  return [keyer.labels.model, keyer.labels.version];
}

/** The raw series of a query, and how it was asked. */
interface Fetched {
  query: string;
  names?: string[];
  results: PrometheusResult[];
}

export interface PrometheusSummaryInput {
  client: PrometheusClient;
  query: TelemetryQuery;
  config: TelemetryConfig;
  now?: number;
}

/** The queries and labels in effect: mlops.yaml's over a preset's; `preset` names the preset used. */
export function effectiveQueries(
  config: TelemetryConfig,
  preset: PrometheusPreset,
): { queries: PrometheusQueries; labels: PrometheusLabels } {
  const configured = config.prometheus;
  return {
    queries: { ...preset.queries, ...stripUndefined(configured?.queries ?? {}) },
    labels: { ...preset.labels, ...stripUndefined(configured?.labels ?? {}) },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

/**
 * Which preset's metric names the server has (one instant query over the names); the first preset when mlops.yaml
 * names the requests query or the server has none of them.
 */
async function detectPreset(client: PrometheusClient, config: TelemetryConfig): Promise<PrometheusPreset> {
  const first = PROMETHEUS_PRESETS[0]!;
  if (config.prometheus?.queries.requests) return first;
  const names = PROMETHEUS_PRESETS.map((p) => metricNames(p.queries.requests)?.[0]).filter(
    (n): n is string => n !== undefined,
  );
  const found = await client.query(`count by (__name__) ({__name__=~${promString(names.join('|'))}})`);
  const present = new Set(found.series.map((s) => s.labels.__name__));
  return PROMETHEUS_PRESETS.find((p) => present.has(metricNames(p.queries.requests)?.[0] ?? '')) ?? first;
}

/** Reads the server's figures for the query into a summary (groups keyed as the query asks). */
export async function summarizePrometheus(input: PrometheusSummaryInput): Promise<TelemetrySummary> {
  const { client, query, config } = input;
  const problems: TelemetryProblem[] = [];
  const to = query.to ?? input.now ?? Date.now();
  const from = query.from ?? to - DEFAULT_RANGE_MS;
  const { stepMs, widened } = chooseStep(to - from, query.bucketMs);
  if (widened) {
    problems.push({
      severity: 'info',
      message: `Points are ${promDuration(stepMs)} apart, not ${promDuration(query.bucketMs ?? 0)}: Prometheus answers at most ${MAX_POINTS_PER_SERIES} points per series.`,
    });
  }
  const grid = stepGrid(from, to, stepMs);
  const preset = await detectPreset(client, config);
  const { queries, labels } = effectiveQueries(config, preset);
  const keyer: Keyer = { by: query.by ?? 'version', labels };
  const selector = modelSelector(labels.model, query.models);
  const values = (quantile?: number, rangeMs = stepMs): TemplateValues => ({
    labels,
    by: groupingLabels(keyer),
    selector,
    rangeMs,
    quantile,
  });

  const fetchRange = async (template: string, quantile?: number): Promise<Fetched> => {
    const names = metricNames(template);
    if (names) {
      const results = await Promise.all(
        names.map((name) =>
          client.queryRange(`${name}${selector ? `{${selector}}` : ''}`, grid.start, grid.end, stepMs),
        ),
      );
      return { query: template, names, results };
    }
    const filled = fillTemplate(template, values(quantile));
    return { query: filled, results: [await client.queryRange(filled, grid.start, grid.end, stepMs)] };
  };

  const groups = new Map<string, GroupAccumulator>();
  const groupFor = (seriesLabels: Record<string, string>): GroupAccumulator => {
    const identity = groupIdentity(seriesLabels, keyer);
    let group = groups.get(identity.key);
    if (!group) {
      group = {
        ...identity,
        requests: new Array<number>(grid.buckets).fill(0),
        errors: new Array<number>(grid.buckets).fill(0),
        histogram: new Map(),
        total: new Map(),
        latencyPoints: Array.from({ length: grid.buckets }, () => ({})),
        latency: {},
        memory: new Array<number | undefined>(grid.buckets).fill(undefined),
        callers: new Map(),
      };
      groups.set(identity.key, group);
    }
    return group;
  };
  /** Per-bucket values of a templated answer (the sample at the end of each bucket). */
  const templatedValues = (series: PrometheusSeries): (number | undefined)[] => {
    const out = new Array<number | undefined>(grid.buckets).fill(undefined);
    const { times, values } = series;
    for (let k = 0; k < times.length; k++) {
      const value = values[k]!;
      const index = Math.round((times[k]! - grid.start) / stepMs) - 1;
      if (index >= 0 && index < grid.buckets && Number.isFinite(value)) out[index] = value;
    }
    return out;
  };
  const addCounts = (fetched: Fetched, field: 'requests' | 'errors'): void => {
    for (const result of fetched.results) {
      for (const series of result.series) {
        const counts = fetched.names ? counterIncreases(series, grid) : templatedValues(series).map((v) => v ?? 0);
        const group = groupFor(series.labels);
        let total = 0;
        counts.forEach((c, i) => {
          group[field][i] = (group[field][i] ?? 0) + c;
          total += c;
        });
        const caller = series.labels[labels.caller];
        if (caller !== undefined && total > 0) {
          const figures = group.callers.get(caller) ?? { caller, requests: 0, errors: 0 };
          figures[field] += total;
          group.callers.set(caller, figures);
        }
      }
      for (const warning of result.warnings) problems.push({ severity: 'warning', message: warning });
    }
  };

  // Every query goes out at once; the answers are applied in order (requests first: they make the groups).
  const latencyNames = metricNames(queries.latency);
  const memoryQuery = queries.memory;
  const memoryNames = memoryQuery ? metricNames(memoryQuery) : undefined;
  const callersQuery = keyer.by !== 'caller' ? queries.callers : undefined;
  const requestsAnswer = settle(fetchRange(queries.requests));
  const errorsAnswer = settle(fetchRange(queries.errors));
  const histogramAnswer = latencyNames ? settle(fetchRange(queries.latency)) : undefined;
  const quantileAnswers = latencyNames
    ? undefined
    : settle(
        Promise.all(
          QUANTILES.map(async ([field, q]) => ({
            field,
            range: await fetchRange(queries.latency, q),
            whole: await client.query(fillTemplate(queries.latency, values(q, grid.buckets * stepMs)), to),
          })),
        ),
      );
  const memoryAnswer = memoryQuery
    ? settle(
        later(() =>
          client.queryRange(
            memoryNames
              ? `sum by (${groupingLabels(keyer).join(', ')}) (${memoryNames.map((n) => `${n}${selector ? `{${selector}}` : ''}`).join(' + ')})`
              : fillTemplate(memoryQuery, values()),
            grid.start,
            grid.end,
            stepMs,
          ),
        ),
      )
    : undefined;
  const callersAnswer = callersQuery
    ? settle(
        later(() =>
          client.query(
            fillTemplate(callersQuery, {
              ...values(undefined, grid.buckets * stepMs),
              by: [...groupingLabels(keyer), labels.caller],
            }),
            to,
          ),
        ),
      )
    : undefined;

  const requests = await requestsAnswer;
  if ('error' in requests) {
    // The others settle on their own; a cancellation is the caller's.
    if (requests.error instanceof PrometheusApiError && requests.error.kind === 'cancelled') throw requests.error;
    problems.push({ severity: 'error', message: message(requests.error) });
    return summary(from, to, grid, [], problems, client.baseUrl);
  }
  addCounts(requests.value, 'requests');
  if (!groups.size) {
    problems.push({
      severity: 'info',
      message: `${client.baseUrl} has no series for ${requests.value.query}${selector ? ` (${selector})` : ''} in this range. If the model server names its metrics differently, set telemetry.prometheus.queries in mlops.yaml (metric names or PromQL templates).`,
    });
  }

  /** Applies an optional answer, or notes why it is missing. */
  const apply = async <T>(
    what: string,
    answer: Promise<Settled<T>> | undefined,
    use: (value: T) => void,
  ): Promise<void> => {
    if (!answer) return;
    const settled = await answer;
    if ('error' in settled) {
      if (settled.error instanceof PrometheusApiError && settled.error.kind === 'cancelled') throw settled.error;
      problems.push({ severity: 'warning', message: `${what}: ${message(settled.error)}` });
      return;
    }
    try {
      use(settled.value);
    } catch (err) {
      problems.push({ severity: 'warning', message: `${what}: ${message(err)}` });
    }
  };
  await apply('Errors', errorsAnswer, (fetched) => addCounts(fetched, 'errors'));
  await apply('Latency', histogramAnswer, (fetched) => {
    // A histogram's _bucket series: the increase of each bound per bucket, summed per group.
    const unit = latencyUnitMs(latencyNames?.[0] ?? '');
    for (const result of fetched.results) {
      for (const series of result.series) {
        const le = Number(series.labels.le === '+Inf' ? Infinity : series.labels.le);
        if (series.labels.le === undefined || Number.isNaN(le)) continue;
        const bound = le === Infinity ? Infinity : le * unit;
        const group = groups.get(groupIdentity(series.labels, keyer).key);
        if (!group) continue; // latency of a group that served nothing, or without the grouping label
        let column = group.histogram.get(bound);
        if (!column) group.histogram.set(bound, (column = new Float64Array(grid.buckets)));
        let total = group.total.get(bound) ?? 0;
        counterIncreases(series, grid).forEach((c, i) => {
          column[i] = column[i]! + c;
          total += c;
        });
        group.total.set(bound, total);
      }
    }
    for (const group of groups.values()) {
      if (group.histogram.size) group.latencyPoints = bucketQuantiles(group.histogram, grid.buckets);
      group.latency = quantiles(group.total);
    }
  });
  await apply('Latency', quantileAnswers, (answers) => {
    // A template giving seconds: per step with {range} one step, over the whole range with {range} the range.
    for (const { field, range, whole } of answers) {
      for (const result of range.results)
        for (const series of result.series) {
          const group = groups.get(groupIdentity(series.labels, keyer).key);
          if (!group) continue; // latency of a group that served nothing, or without the grouping label
          templatedValues(series).forEach((v, i) => {
            if (v !== undefined) group.latencyPoints[i]![field] = v * 1000;
          });
        }
      for (const series of whole.series) {
        const value = series.values[0];
        const group = groups.get(groupIdentity(series.labels, keyer).key);
        if (group && value !== undefined && Number.isFinite(value)) group.latency[field] = value * 1000;
      }
    }
  });
  await apply('Memory', memoryAnswer, (result) => {
    for (const series of result.series) {
      const group = groups.get(groupIdentity(series.labels, keyer).key);
      if (!group) continue; // memory of a version that served nothing in the range
      templatedValues(series).forEach((v, i) => {
        if (v !== undefined) group.memory[i] = (group.memory[i] ?? 0) + v / (1024 * 1024);
      });
    }
  });
  await apply('Callers', callersAnswer, (result) => {
    for (const series of result.series) {
      const group = groups.get(groupIdentity(series.labels, keyer).key);
      const caller = series.labels[labels.caller];
      const value = series.values[0];
      if (!group || caller === undefined || value === undefined || !Number.isFinite(value)) continue;
      const figures = group.callers.get(caller) ?? { caller, requests: 0, errors: 0 };
      figures.requests = value;
      group.callers.set(caller, figures);
    }
  });
  const built = [...groups.values()].map((g) => toGroup(g, grid, query.topCallers ?? 10));
  built.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return summary(from, to, grid, built, problems, client.baseUrl);
}

/** Runs `work` as a promise, so what it throws while starting becomes a rejection. */
async function later<T>(work: () => Promise<T>): Promise<T> {
  return work();
}

type Settled<T> = { value: T } | { error: unknown };

/** A promise that never rejects: its value or its error (so answers not awaited yet never go unhandled). */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

function quantiles(histogram: Histogram): LatencyFigures {
  const out: LatencyFigures = {};
  for (const [field, q] of QUANTILES) {
    const value = histogramQuantile(q, histogram);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

function sortedQuantiles(bounds: readonly number[], cumulative: ArrayLike<number>): LatencyFigures {
  const out: LatencyFigures = {};
  for (const [field, q] of QUANTILES) {
    const value = sortedHistogramQuantile(q, bounds, cumulative);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

function toGroup(g: GroupAccumulator, grid: StepGrid, topCallers: number): TelemetryGroup {
  const requests = g.requests.reduce((a, b) => a + b, 0);
  const errors = g.errors.reduce((a, b) => a + b, 0);
  const series: TelemetryPoint[] = g.requests.map((r, i) => {
    const point: TelemetryPoint = {
      t: bucketStart(grid, i),
      requests: r,
      errors: g.errors[i] ?? 0,
      latency: g.latencyPoints[i] ?? {},
    };
    const memory = g.memory[i];
    if (memory !== undefined) point.memoryMb = memory;
    return point;
  });
  const memory = g.memory.filter((m): m is number => m !== undefined);
  const active = series.filter((p) => p.requests > 0);
  const callers = [...g.callers.values()].sort((a, b) => b.requests - a.requests || (a.caller < b.caller ? -1 : 1));
  const minutes = (grid.buckets * grid.stepMs) / 60_000;
  const group: TelemetryGroup = {
    key: g.key,
    model: g.model,
    version: g.version,
    requests,
    errors,
    errorRate: requests > 0 ? errors / requests : 0,
    requestsPerMinute: minutes > 0 ? requests / minutes : 0,
    latency: g.latency,
    uniqueCallers: callers.length,
    topCallers: callers.slice(0, topCallers),
    series,
  };
  if (memory.length) {
    group.memoryMb = {
      mean: memory.reduce((a, b) => a + b, 0) / memory.length,
      max: memory.reduce((a, b) => Math.max(a, b), -Infinity),
    };
  }
  if (active.length) {
    group.firstTime = active[0]!.t;
    group.lastTime = active[active.length - 1]!.t + grid.stepMs;
  }
  return group;
}

function summary(
  from: number,
  to: number,
  grid: StepGrid,
  groups: TelemetryGroup[],
  problems: TelemetryProblem[],
  location: string,
): TelemetrySummary {
  return {
    from: grid.start,
    to,
    bucketMs: grid.stepMs,
    groups,
    percentiles: { exact: false },
    sources: [{ kind: 'prometheus', location }],
    problems,
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const prometheusSource: TelemetrySourceDefinition = {
  kind: 'prometheus',
  label: 'Prometheus',
  description:
    "A Prometheus server's HTTP API (or any server speaking it): request, error, latency and memory series of the model servers it scrapes.",
  discovery: 'server',
  needs: { network: true, secret: true },
  summarize(location: string, query: TelemetryQuery, context: TelemetryReadContext): Promise<TelemetrySummary> {
    const client = new PrometheusClient({
      baseUrl: location,
      token: context.token,
      timeoutMs: context.timeoutMs,
      maxResponseBytes: context.maxResponseBytes,
      signal: context.signal,
    });
    return summarizePrometheus({ client, query, config: context.config });
  },
};
