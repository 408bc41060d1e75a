// The plain data the metric-history chart is drawn from. The host prepares it from Runs (query, grouping,
// decimation, thresholds) and posts it to the panel as JSON; the panel only styles and draws it.
import type { RunStatus, SourceKind, Split } from '../metrics/model';

export type Goal = 'maximize' | 'minimize';

/** A metric's definition as a team configures it: which way is better and the bound checks compare against. */
export interface MetricDefinition {
  /** Matches a series' full key (`test.f1`) or its key without the split (`f1`). */
  key: string;
  label?: string;
  goal?: Goal;
  threshold?: number;
  unit?: string;
}

/** "Across versions": one point per revision. "Across steps": one curve per run. */
export type HistoryView = 'versions' | 'steps';

/** The x axis of the versions view: the commit (author) date or the position in history. */
export type VersionAxis = 'date' | 'order';

export type RevisionRange =
  | { kind: 'all' }
  | { kind: 'last'; count: number }
  | { kind: 'sinceTag'; tag: string }
  | { kind: 'branch'; name: string };

export interface MetricHistoryQuery {
  view: HistoryView;
  /** Keys or keys without their split (`f1` selects `train.f1`, `test.f1`, ...). Empty: the defaults. */
  keys: string[];
  /** Source ids (see `sourceId`); empty or absent: every source. */
  sources?: string[];
  /** Splits to keep; series without a split are always kept. Empty or absent: every split. */
  splits?: Split[];
  /** Versions view only. */
  range?: RevisionRange;
  /** Versions view only; `date` unless a revision has no date. */
  axis?: VersionAxis;
  /** Run ids (commit shas, tracker run ids) to chart; empty or absent: every run of the sources. */
  runs?: string[];
  /**
   * Steps view only: the counter (`epoch`, `iteration`, ...) whose value at each step is the x of a point. Absent:
   * the step the run logged.
   */
  xKey?: string;
}

/** One choice of the steps view's x axis: the logged step (`key` empty) or a counter the runs log. */
export interface StepAxisChoice {
  /** The counter's key; empty for the logged step. */
  key: string;
  /** How many of the plotted runs log it (every run has a step). */
  runs: number;
}

export interface PlotSource {
  /** `<kind>:<location>`, stable across reloads. */
  id: string;
  kind: SourceKind;
  location: string;
  label: string;
}

/** One revision of the versions view. */
export interface PlotVersion {
  /** Commit sha, or the run id when the run has no revision. */
  sha: string;
  /** What it is: a commit of history (a DVC experiment is one too) or a tracker run (MLflow, TensorBoard). */
  kind: 'commit' | 'run';
  /** The short sha of a commit; a run's name (what the revision-order axis shows under a point). */
  shortSha: string;
  subject: string;
  author: string;
  /** Milliseconds since the epoch; NaN when unknown. */
  date: number;
  tags: string[];
  runId: string;
  sourceId: string;
  /** Short sha, tags and subject (a run: its name): what the table and the tooltip show. */
  label: string;
  /** Where the version sits on the x axis (its date, or its position in history). */
  x: number;
  /** A DVC experiment: its name. Experiments are drawn as their own points next to their baseline commit. */
  experiment?: string;
  /** A DVC experiment: the index (in `ChartPayload.versions`) of the commit it was run on. */
  baseline?: number;
}

/** One run of the steps view. */
export interface PlotRun {
  id: string;
  label: string;
  sourceId: string;
  status: RunStatus;
  experiment?: string;
  /** Start time, milliseconds since the epoch. */
  time?: number;
  /** Parameters as [name, value] pairs, at most `MAX_PARAMS` of them. */
  params: [string, string][];
}

export interface PlotSeries {
  /** Stable across refreshes: what hidden series and selections refer to. */
  id: string;
  key: string;
  baseKey: string;
  split?: Split;
  /** Legend text. */
  label: string;
  sourceId: string;
  /** The metrics file of the series (relative to its repository), when its source combines several files. */
  file?: string;
  /** Steps view: the index of the run in `ChartPayload.runs`. */
  run?: number;
  /** Step (steps view), date or position (versions view), ascending. */
  xs: number[];
  ys: number[];
  /** Versions view: the index in `ChartPayload.versions` of each point. */
  versions?: number[];
  /** Points the source holds for this series (before decimation). */
  rawCount: number;
  /** Points left out because their value is NaN or infinite (a chart cannot place them). */
  nonFinite: number;
  /**
   * Indices (into xs/ys) of points on the wrong side of the threshold: every such revision across versions; the
   * last point of a run across steps (where it ended).
   */
  breaches: number[];
  /** Index into `ChartPayload.thresholds` of the definition that applies, if any. */
  threshold?: number;
  goal?: Goal;
  unit?: string;
}

export interface PlotThreshold {
  /** The definition's key. */
  key: string;
  value: number;
  goal?: Goal;
  label: string;
  unit?: string;
}

export interface ChartPayload {
  view: HistoryView;
  axis: VersionAxis;
  /** The x axis title: `Commit date`, `Revision (oldest to newest)`, `Run start time`, `Run (oldest to newest)`, `Step`. */
  xTitle: string;
  /** Why the axis is not the one asked for (e.g. the dates do not spread), for the status line. */
  axisNote?: string;
  /** The query after defaults were applied (the keys actually plotted). */
  query: MetricHistoryQuery;
  series: PlotSeries[];
  versions: PlotVersion[];
  runs: PlotRun[];
  thresholds: PlotThreshold[];
  /** Every key (without split) in the loaded runs, for the metric picker. */
  availableKeys: string[];
  /** The available keys that count (`step`, `epoch`, ...): x-axis candidates, never ticked by default. */
  counterKeys: string[];
  /** Across versions: DVC experiments whose baseline commit is not among the plotted revisions (left out). */
  detachedExperiments: number;
  /** Across steps: what the x axis can be, the logged step first, then each counter the plotted runs log. */
  xChoices: StepAxisChoice[];
  /** Across steps with a counter as the x axis: the runs left out because they do not log it (their labels). */
  runsWithoutX: string[];
  /** Across steps with a counter as the x axis: points left out because the counter has no value at their step. */
  pointsWithoutX: number;
  availableSplits: Split[];
  sources: PlotSource[];
  rawPoints: number;
  plottedPoints: number;
  /** The largest number of points any one series was given. */
  budgetPerSeries: number;
}

/** Bad input to the chart functions: says what was wrong and what to do. */
export class ChartError extends Error {
  constructor(
    message: string,
    readonly code: 'invalid-budget' | 'invalid-range' | 'unknown-tag' | 'unknown-branch' | 'invalid-input',
  ) {
    super(message);
    this.name = 'ChartError';
  }
}
