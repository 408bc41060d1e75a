// Drift between a reference and a current version of a dataset, with Evidently's defaults (data drift preset):
// - the test per column: reference with <= 1,000 non-null values: numeric columns with more than 5 distinct values
//   (reference and current together) get the two-sample Kolmogorov-Smirnov test, other columns chi-squared, or the
//   Z-test for two proportions when there are at most 2 distinct values; drift when p < 0.05 (p <= 0.05 for KS).
//   Integer columns (without missing values) with at most 5 distinct values in the reference are categorical, as
//   Evidently types them: compared by value counts, never by numeric bins.
//   Above 1,000 values: numeric with more than 5 distinct values get the Wasserstein distance divided by the
//   reference's population standard deviation (floored at 0.001), others the Jensen-Shannon distance (natural log);
//   drift when the distance >= 0.1. PSI on request (Sturges bins, empty bins floored at 0.0001; drift >= 0.1).
// - nulls are dropped before testing; a column with no values on either side is not tested;
// - the dataset drifts when the share of drifted columns >= 0.5.
// All of it can be changed per dataset (`datasets[].drift` in mlops.yaml): DriftOptions.
import { type ColumnDrift, type DriftReport, type DriftTest } from './model';
import { type ColumnData } from './profile';
import { DRIFT_TEST_NAMES } from './schemaFragments';
import {
  binCounts,
  chiSquareTest,
  jensenShannon,
  ks2samp,
  normalTwoSided,
  populationStd,
  sturgesEdges,
  wasserstein,
} from './stats';

export interface ColumnDriftOptions {
  test?: DriftTest;
  threshold?: number;
}

export interface DriftOptions {
  /** Reference sizes up to this use the statistical tests (1000). */
  smallReference: number;
  /** Numeric columns with at most this many distinct values are treated as categorical (5). */
  categoricalMaxDistinct: number;
  /** p-value threshold of the statistical tests (0.05). */
  pValue: number;
  /** Distance threshold of Wasserstein, Jensen-Shannon and PSI (0.1). */
  distance: number;
  /** Share of drifted columns at which the dataset drifts (0.5). */
  share: number;
  /** One test for every column instead of the default choice. */
  test?: DriftTest;
  /** Per-column test and threshold. */
  columns?: Record<string, ColumnDriftOptions>;
  /** Columns not tested (identifiers, timestamps). */
  ignore?: string[];
}

export const DEFAULT_DRIFT: DriftOptions = {
  smallReference: 1000,
  categoricalMaxDistinct: 5,
  pValue: 0.05,
  distance: 0.1,
  share: 0.5,
};

export const DRIFT_TESTS = DRIFT_TEST_NAMES;

const P_VALUE_TESTS: ReadonlySet<DriftTest> = new Set(['ks', 'chi-squared', 'z-test']);

function distinctUnion(a: Map<string, number>, b: Map<string, number>): string[] {
  const keys = [...a.keys()];
  for (const k of b.keys()) if (!a.has(k)) keys.push(k);
  return keys;
}

/**
 * Whether Evidently types a numeric column as categorical: an integer dtype in pandas (the current version's dtype:
 * integers without missing values) with at most `categoricalMaxDistinct` distinct values in the reference (the
 * current's when the reference has none). Such a column is compared by value counts, not by numeric bins.
 */
export function integerCategorical(
  reference: ColumnData,
  current: ColumnData,
  options: DriftOptions = DEFAULT_DRIFT,
): boolean {
  if (current.type !== 'integer' || current.nulls) return false;
  const distinct = reference.counts.size || current.counts.size;
  return distinct <= options.categoricalMaxDistinct;
}

/** Evidently's default test for a column. */
export function defaultTest(
  reference: ColumnData,
  current: ColumnData,
  options: DriftOptions = DEFAULT_DRIFT,
): DriftTest {
  const distinct = distinctUnion(reference.counts, current.counts).length;
  const numeric =
    reference.numeric !== undefined &&
    current.numeric !== undefined &&
    !integerCategorical(reference, current, options);
  const asNumeric = numeric && distinct > options.categoricalMaxDistinct;
  if (reference.count <= options.smallReference) {
    if (asNumeric) return 'ks';
    return distinct > 2 ? 'chi-squared' : 'z-test';
  }
  return asNumeric ? 'wasserstein' : 'jensen-shannon';
}

function counts(column: ColumnData, keys: readonly string[]): number[] {
  return keys.map((k) => column.counts.get(k) ?? 0);
}

/** Reference and current shares per bin: categories for text, Sturges bins for numbers (Evidently's get_binned_data). */
function binned(
  reference: ColumnData,
  current: ColumnData,
  floor: boolean,
  options: DriftOptions,
): { ref: number[]; cur: number[] } {
  let ref: number[];
  let cur: number[];
  if (
    reference.numeric &&
    current.numeric &&
    reference.type !== 'categorical' &&
    !integerCategorical(reference, current, options)
  ) {
    // pandas keeps an integer dtype only without missing values; numpy's integer bins are at least 1 wide.
    const integer = reference.type === 'integer' && current.type === 'integer' && !reference.nulls && !current.nulls;
    const edges = sturgesEdges(reference.numeric, current.numeric, integer);
    ref = binCounts(reference.numeric, edges);
    cur = binCounts(current.numeric, edges);
  } else {
    const keys = distinctUnion(reference.counts, current.counts);
    ref = counts(reference, keys);
    cur = counts(current, keys);
  }
  const rn = reference.count;
  const cn = current.count;
  let r = ref.map((c) => c / rn);
  let c = cur.map((x) => x / cn);
  if (floor) {
    r = r.map((x) => (x === 0 ? 0.0001 : x));
    c = c.map((x) => (x === 0 ? 0.0001 : x));
  }
  return { ref: r, cur: c };
}

/** The score of one test: a p-value or a distance. */
export function driftScore(
  test: DriftTest,
  reference: ColumnData,
  current: ColumnData,
  options: DriftOptions = DEFAULT_DRIFT,
): number {
  switch (test) {
    case 'ks': {
      if (!reference.numeric || !current.numeric)
        throw new Error(`The KS test needs numeric values; ${reference.name} is ${reference.type}.`);
      return ks2samp(reference.numeric, current.numeric).p;
    }
    case 'wasserstein': {
      if (!reference.numeric || !current.numeric)
        throw new Error(`The Wasserstein distance needs numeric values; ${reference.name} is ${reference.type}.`);
      const norm = Math.max(populationStd(reference.numeric), 0.001);
      return wasserstein(reference.numeric, current.numeric) / norm;
    }
    case 'chi-squared': {
      const keys = distinctUnion(current.counts, reference.counts);
      const k = current.count / reference.count;
      const expected = counts(reference, keys).map((x) => x * k);
      return chiSquareTest(counts(current, keys), expected).p;
    }
    case 'z-test': {
      const keys = distinctUnion(reference.counts, current.counts);
      if (keys.length === 1) return 1;
      const target = keys[keys.length - 1] as string;
      const n1 = reference.count;
      const n2 = current.count;
      const p1 = (n1 - (reference.counts.get(target) ?? 0)) / n1;
      const p2 = (n2 - (current.counts.get(target) ?? 0)) / n2;
      const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
      const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
      return Number.isNaN(z) ? NaN : normalTwoSided(z);
    }
    case 'jensen-shannon': {
      const { ref, cur } = binned(reference, current, false, options);
      return jensenShannon(ref, cur);
    }
    case 'psi': {
      const { ref, cur } = binned(reference, current, true, options);
      let psi = 0;
      for (let i = 0; i < ref.length; i++) {
        const a = ref[i] as number;
        const b = cur[i] as number;
        psi += (a - b) * Math.log(a / b);
      }
      return psi;
    }
  }
}

export function isDrifted(test: DriftTest, score: number, threshold: number): boolean {
  if (Number.isNaN(score)) return false;
  if (test === 'ks') return score <= threshold;
  if (P_VALUE_TESTS.has(test)) return score < threshold;
  return score >= threshold;
}

export function columnDrift(
  reference: ColumnData,
  current: ColumnData,
  options: DriftOptions = DEFAULT_DRIFT,
): ColumnDrift | undefined {
  if (reference.count === 0 || current.count === 0) return undefined;
  const own = options.columns?.[reference.name];
  const test = own?.test ?? options.test ?? defaultTest(reference, current, options);
  const threshold = own?.threshold ?? (P_VALUE_TESTS.has(test) ? options.pValue : options.distance);
  const score = driftScore(test, reference, current, options);
  return { column: reference.name, test, score, threshold, drifted: isDrifted(test, score, threshold) };
}

export interface DriftInput {
  path: string;
  reference: { revision: string; columns: ColumnData[] };
  current: { revision: string; columns: ColumnData[] };
}

/** Tests every column present in both versions (minus ignored ones) and decides the dataset's drift. */
export function driftReport(input: DriftInput, options: Partial<DriftOptions> = {}): DriftReport {
  const o: DriftOptions = { ...DEFAULT_DRIFT, ...options };
  const ignored = new Set(o.ignore ?? []);
  const current = new Map(input.current.columns.map((c) => [c.name, c]));
  const columns: ColumnDrift[] = [];
  for (const ref of input.reference.columns) {
    if (ignored.has(ref.name)) continue;
    const cur = current.get(ref.name);
    if (!cur) continue;
    const drift = columnDrift(ref, cur, o);
    if (drift) columns.push(drift);
  }
  const drifted = columns.filter((c) => c.drifted).length;
  const share = columns.length === 0 ? 0 : drifted / columns.length;
  return {
    path: input.path,
    reference: input.reference.revision,
    current: input.current.revision,
    columns,
    share,
    shareThreshold: o.share,
    drifted: columns.length > 0 && share >= o.share,
  };
}
