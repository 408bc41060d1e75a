// Series building: Runs in, plottable series out. Across versions every run is one revision and gives one point
// per (key, split); across steps every run gives one curve per key.
import { AmbiguousExperimentError, resolveExperiment, type ExperimentRef } from '../git/experimentRefs';
import { latest, type MetricSeries, type Run, type SourceRef, type Split } from '../metrics/model';
import {
  ChartError,
  type PlotRun,
  type PlotSource,
  type PlotVersion,
  type RevisionRange,
  type VersionAxis,
} from './types';

/** How many parameters of a run travel to the panel (for the tooltip). */
export const MAX_PARAMS = 12;

export function sourceId(source: SourceRef): string {
  return `${source.kind}:${source.location}`;
}

/** A workspace folder a source belongs to: its name and its path. */
export interface SourceFolder {
  name: string;
  path: string;
}

/**
 * What a user calls a source: the folder it belongs to and what it is, e.g. `demo · git history`,
 * `demo · MLflow (mlruns)`, `demo · TensorBoard (runs/logs)`. Never the absolute path of the workspace.
 */
export function sourceLabel(source: SourceRef, folder?: SourceFolder): string {
  const location = source.location.replace(/\\/g, '/').replace(/\/+$/, '');
  if (source.kind === 'mlflow-rest') return `MLflow server (${hostOf(source.location)})`;
  const root = folder?.path.replace(/\\/g, '/').replace(/\/+$/, '');
  const inside = root !== undefined && (location === root || location.startsWith(`${root}/`));
  const relative = inside ? location.slice(root.length + 1) : undefined;
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1) || p;
  const parent = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
  // A repository or workspace source is the folder itself; a tracker store is a path inside it.
  const whole = source.kind === 'git' || source.kind === 'dvc' || source.kind === 'file';
  const name = folder?.name ?? (whole ? base(location) : base(parent(location)) || base(location));
  const where = relative ?? (whole ? '' : base(location));
  const what: Record<SourceRef['kind'], string> = {
    git: 'git history',
    dvc: 'DVC workspace',
    file: 'metrics files',
    dvclive: 'DVCLive',
    'mlflow-file': 'MLflow',
    'mlflow-sqlite': 'MLflow',
    'mlflow-rest': 'MLflow server',
    tensorboard: 'TensorBoard',
  };
  const detail = whole ? (where && where !== '' ? ` (${where})` : '') : where ? ` (${where})` : '';
  return `${name} · ${what[source.kind]}${detail}`;
}

function hostOf(url: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)/i.exec(url);
  return match?.[1] !== undefined ? match[1].replace(/^[^@]*@/, '') : url;
}

export function plotSource(source: SourceRef, folder?: SourceFolder): PlotSource {
  return {
    id: sourceId(source),
    kind: source.kind,
    location: source.location,
    label: sourceLabel(source, folder),
  };
}

/** Whether a query key selects a series: the full key, or the key without its split. */
export function keyMatches(queryKey: string, series: Pick<MetricSeries, 'key' | 'baseKey'>): boolean {
  return series.key === queryKey || series.baseKey === queryKey;
}

export interface SeriesFilter {
  keys: readonly string[];
  splits?: readonly Split[];
}

/** The series of a run the filter selects: a matching key, and a wanted split (series without a split always pass). */
export function selectSeries(run: Run, filter: SeriesFilter): MetricSeries[] {
  const splits = filter.splits && filter.splits.length ? new Set(filter.splits) : undefined;
  return run.metrics.filter(
    (s) => filter.keys.some((k) => keyMatches(k, s)) && (!splits || !s.split || splits.has(s.split)),
  );
}

/** The date a run's revision is placed at: the author date, else the run's start time, else NaN. */
export function versionDate(run: Run): number {
  const date = run.revisionInfo?.date ?? run.time;
  return date !== undefined && Number.isFinite(date) ? date : NaN;
}

/** Runs in history order: oldest first by date (runs without a date keep their relative order, first). */
export function orderVersions(runs: readonly Run[]): Run[] {
  return runs
    .map((run, index) => ({ run, index, date: versionDate(run) }))
    .sort((a, b) => {
      const da = Number.isNaN(a.date) ? -Infinity : a.date;
      const db = Number.isNaN(b.date) ? -Infinity : b.date;
      return da === db ? a.index - b.index : da - db;
    })
    .map((entry) => entry.run);
}

/** `a1b2c3d v1.2 · Retrain with balanced classes`: short sha, tags, subject. */
export function versionLabel(version: Pick<PlotVersion, 'shortSha' | 'tags' | 'subject'>): string {
  const head = [version.shortSha, ...version.tags].filter(Boolean).join(' ');
  return version.subject ? `${head} · ${version.subject}` : head;
}

/**
 * A DVC experiment: a commit of history that an experiment ref (`refs/exps/...`) points at. It is a variant of
 * its baseline commit (its parent), not a step of the branch's history.
 */
export function isExperimentRun(run: Run): boolean {
  const info = run.revisionInfo;
  if (!info || run.experiment === undefined) return false;
  return run.source.kind === 'git' || info.refs.some((ref) => ref.startsWith('refs/exps/'));
}

/** A source with every run it holds, as the metric readers publish it. */
export interface SourceRuns {
  id: string;
  kind: SourceRef['kind'];
  runs: readonly Run[];
}

/**
 * The runs of the versions view with the DVC experiments of the chosen git sources added: a branch history leaves
 * experiments out of its line; the chart shows them beside their baseline commits. Runs already there stay once.
 */
export function withExperiments(
  runs: readonly Run[],
  sources: readonly SourceRuns[],
  chosen?: readonly string[],
): Run[] {
  const wanted = chosen && chosen.length ? new Set(chosen) : undefined;
  const plotted = new Set(runs.map((r) => sourceId(r.source)));
  const seen = new Set(runs.map((r) => `${sourceId(r.source)}\u0000${r.id}`));
  const out = [...runs];
  for (const source of sources) {
    if (source.kind !== 'git' || (wanted && !wanted.has(source.id)) || !plotted.has(source.id)) continue;
    for (const run of source.runs) {
      const key = `${sourceId(run.source)}\u0000${run.id}`;
      if (!isExperimentRun(run) || seen.has(key)) continue;
      seen.add(key);
      out.push(run);
    }
  }
  return out;
}

/** A version of the chart; `x` is set by the caller once the axis is known. */
export function plotVersion(run: Run, x = NaN): PlotVersion {
  const info = run.revisionInfo;
  const sha = info?.sha ?? run.revision ?? run.id;
  const kind = info ? 'commit' : 'run';
  const name = run.label || run.id;
  const version = {
    sha,
    kind,
    shortSha: info?.shortSha ?? sha.slice(0, 7),
    subject: info?.subject ?? name,
    author: info?.author ?? '',
    date: versionDate(run),
    tags: info?.tags ?? [],
    runId: run.id,
    sourceId: sourceId(run.source),
    x,
  } as const;
  // A tracker run is known by its name (and experiment); a commit by its short sha, tags and subject.
  const label =
    kind === 'run'
      ? run.experiment && run.experiment !== name
        ? `${name} · ${run.experiment}`
        : name
      : versionLabel(version);
  return { ...version, label };
}

/** A DVC experiment's version: named by the experiment, attached to its baseline (an index into the versions). */
export function experimentVersion(run: Run, baseline: number, baselineShortSha: string, x: number): PlotVersion {
  const version = plotVersion(run, x);
  const name = run.experiment ?? run.label;
  return {
    ...version,
    experiment: name,
    baseline,
    label: `${name} · experiment on ${baselineShortSha}`,
  };
}

export function plotRun(run: Run): PlotRun {
  return {
    id: run.id,
    label: run.label || run.id,
    sourceId: sourceId(run.source),
    status: run.status,
    experiment: run.experiment,
    time: run.time,
    params: Object.entries(run.params).slice(0, MAX_PARAMS),
  };
}

/**
 * Keeps the revisions a range asks for, from runs already in history order. `last`: the newest N; `sinceTag`: the
 * tagged revision and everything after it; `branch`: the revisions reachable (through parents) from the one the
 * branch points at.
 */
export function applyRange(ordered: readonly Run[], range: RevisionRange | undefined): Run[] {
  if (!range || range.kind === 'all') return [...ordered];
  if (range.kind === 'last') {
    if (!Number.isInteger(range.count) || range.count < 1) {
      throw new ChartError(
        `"Last N revisions" needs a whole number of at least 1; got ${String(range.count)}.`,
        'invalid-range',
      );
    }
    return ordered.slice(Math.max(0, ordered.length - range.count));
  }
  if (range.kind === 'sinceTag') {
    const tag = range.tag.trim();
    const index = ordered.findIndex((r) => r.revisionInfo?.tags.includes(tag));
    if (index < 0) {
      const known = [...new Set(ordered.flatMap((r) => r.revisionInfo?.tags ?? []))];
      throw new ChartError(
        `No loaded revision has the tag "${tag}". ${known.length ? `Pick one of: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}.` : 'The loaded revisions have no tags; choose another range.'}`,
        'unknown-tag',
      );
    }
    return ordered.slice(index);
  }
  const name = range.name.trim();
  const names = new Set([name, `refs/heads/${name}`, `refs/remotes/${name}`]);
  const bySha = new Map<string, Run[]>();
  for (const run of ordered) {
    const sha = run.revisionInfo?.sha ?? run.revision;
    if (sha) bySha.set(sha, [...(bySha.get(sha) ?? []), run]);
  }
  let tips = ordered.filter((r) => r.revisionInfo?.refs.some((ref) => names.has(ref)));
  if (tips.length === 0) {
    // A DVC experiment name, as `dvc exp show` accepts it: the experiment and its baseline's history.
    const refs = ordered.flatMap((r) =>
      (r.revisionInfo?.refs ?? []).map((ref) => ({ name: ref, commit: r.revisionInfo?.sha ?? '' })),
    );
    let experiment: ExperimentRef | undefined;
    try {
      experiment = resolveExperiment(refs, name);
    } catch (err) {
      if (err instanceof AmbiguousExperimentError) throw new ChartError(err.message, 'unknown-branch');
      throw err;
    }
    if (experiment) tips = ordered.filter((r) => r.revisionInfo?.sha === experiment.commit);
  }
  if (tips.length === 0) {
    throw new ChartError(
      `No loaded revision is on the branch "${name}". Check the branch name, or choose "All revisions".`,
      'unknown-branch',
    );
  }
  const reachable = new Set<string>();
  const stack = tips.map((t) => t.revisionInfo?.sha ?? t.revision ?? '');
  while (stack.length) {
    const sha = stack.pop() as string;
    if (reachable.has(sha) || !bySha.has(sha)) continue;
    reachable.add(sha);
    for (const run of bySha.get(sha) ?? []) for (const parent of run.revisionInfo?.parents ?? []) stack.push(parent);
  }
  return ordered.filter((r) => reachable.has(r.revisionInfo?.sha ?? r.revision ?? ''));
}

/** Dates closer together than this do not make a readable date axis: the versions are plotted in order instead. */
export const MIN_DATE_SPAN_MS = 3 * 86_400_000;

export interface VersionAxisChoice {
  axis: VersionAxis;
  xs: number[];
  /** The axis title. */
  title: string;
  /** Why the axis is not the one asked for. */
  note?: string;
}

/**
 * The x of each ordered run: its date, or its position when the axis is `order`, a date is missing, or the dates
 * do not spread (all within `MIN_DATE_SPAN_MS`: a date axis would repeat one day under every tick). Commits are
 * placed by commit date; tracker runs (no revision) by start time.
 */
export function versionAxis(ordered: readonly Run[], wanted: VersionAxis): VersionAxisChoice {
  const runsOnly = ordered.length > 0 && ordered.every((r) => !r.revisionInfo);
  const what = runsOnly ? 'runs' : 'revisions';
  const orderTitle = runsOnly ? 'Run (oldest to newest)' : 'Revision (oldest to newest)';
  const order = (note?: string): VersionAxisChoice => ({
    axis: 'order',
    xs: ordered.map((_, i) => i),
    title: orderTitle,
    ...(note ? { note } : {}),
  });
  if (wanted === 'order') return order();
  const dates = ordered.map(versionDate);
  if (!dates.every((d) => Number.isFinite(d)))
    return order(
      `Some ${what} have no ${runsOnly ? 'start time' : 'date'}: plotted in ${runsOnly ? 'run' : 'revision'} order.`,
    );
  const span = dates.length
    ? dates.reduce((a, b) => Math.max(a, b), -Infinity) - dates.reduce((a, b) => Math.min(a, b), Infinity)
    : 0;
  if (dates.length > 1 && span < MIN_DATE_SPAN_MS)
    return order(
      `The ${what} ${runsOnly ? 'started' : 'were committed'} within ${spanText(span)}: plotted in ${runsOnly ? 'run' : 'revision'} order.`,
    );
  return { axis: 'date', xs: dates, title: runsOnly ? 'Run start time' : 'Commit date' };
}

/** The x of each ordered run (see `versionAxis`). */
export function versionXs(ordered: readonly Run[], axis: VersionAxis): { axis: VersionAxis; xs: number[] } {
  const { axis: chosen, xs } = versionAxis(ordered, axis);
  return { axis: chosen, xs };
}

function spanText(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 1) return `${Math.max(1, Math.round(ms / 60_000))} minutes`;
  if (hours < 48) return `${Math.round(hours)} hours`;
  return `${Math.round(hours / 24)} days`;
}

/**
 * Across versions: the branch's revisions with each DVC experiment right after its baseline (the experiment
 * commit's parent among the revisions). An experiment sits to the right of its baseline, fanned out over at most
 * half the gap to the next revision, so it reads as a variant of that commit rather than a later one.
 * Experiments whose baseline is not plotted (another range, another branch) are counted, not drawn.
 */
export function attachExperiments(
  main: readonly Run[],
  mainXs: readonly number[],
  experiments: readonly Run[],
  axis: VersionAxis = 'order',
): { runs: Run[]; xs: number[]; baselines: (number | undefined)[]; detached: number } {
  const position = new Map<string, number>();
  main.forEach((run, i) => position.set(run.revisionInfo?.sha ?? run.revision ?? run.id, i));
  const byBaseline = new Map<number, Run[]>();
  let detached = 0;
  for (const exp of experiments) {
    const parent = exp.revisionInfo?.parents.find((p) => position.has(p));
    if (parent === undefined) {
      detached++;
      continue;
    }
    const index = position.get(parent) as number;
    byBaseline.set(index, [...(byBaseline.get(index) ?? []), exp]);
  }
  const runs: Run[] = [];
  const xs: number[] = [];
  const baselines: (number | undefined)[] = [];
  main.forEach((run, i) => {
    const at = runs.length;
    // mainXs runs parallel to main; NaN (no position) if a caller passes fewer.
    const x = mainXs[i] ?? NaN;
    runs.push(run);
    xs.push(x);
    baselines.push(undefined);
    const exps = byBaseline.get(i);
    if (!exps) return;
    // Oldest experiment nearest its baseline; the gap is the one to the next revision, else the previous one.
    exps.sort((a, b) => versionDate(a) - versionDate(b) || a.label.localeCompare(b.label));
    const next = mainXs[i + 1];
    const previous = mainXs[i - 1];
    const unit = axis === 'date' ? 86_400_000 : 1;
    const span = mainXs.length > 1 ? (mainXs[mainXs.length - 1] ?? 0) - (mainXs[0] ?? 0) : 0;
    // Before the next revision: half the gap to it. After the newest (where experiments usually are), room enough
    // to be seen on the whole axis: the gap to the previous revision, at least 6% of the axis.
    const gap =
      next !== undefined && next > x
        ? next - x
        : Math.max(previous !== undefined && previous < x ? x - previous : unit, span * 0.06);
    exps.forEach((exp, k) => {
      runs.push(exp);
      xs.push(x + (gap * 0.5 * (k + 1)) / exps.length);
      baselines.push(at);
    });
  });
  return { runs, xs, baselines, detached };
}

export interface VersionPoints {
  key: string;
  baseKey: string;
  split?: Split;
  sourceId: string;
  file?: string;
  xs: number[];
  ys: number[];
  /** Index of each point's run in the ordered runs. */
  versions: number[];
  rawCount: number;
  nonFinite: number;
}

/**
 * Across versions: for every (source, file, key) the runs select, one point per run: the series' latest value.
 * Series come out in first-seen order.
 */
export function buildVersionPoints(
  ordered: readonly Run[],
  xs: readonly number[],
  filter: SeriesFilter,
): VersionPoints[] {
  const groups = new Map<string, VersionPoints>();
  ordered.forEach((run, index) => {
    const source = sourceId(run.source);
    for (const series of selectSeries(run, filter)) {
      const id = `${source}\u0000${series.file ?? ''}\u0000${series.key}`;
      let group = groups.get(id);
      if (!group) {
        group = {
          key: series.key,
          baseKey: series.baseKey,
          split: series.split,
          sourceId: source,
          file: series.file,
          xs: [],
          ys: [],
          versions: [],
          rawCount: 0,
          nonFinite: 0,
        };
        groups.set(id, group);
      }
      const point = latest(series);
      if (!point) continue;
      group.rawCount++;
      if (!Number.isFinite(point.value)) {
        group.nonFinite++;
        continue;
      }
      group.xs.push(xs[index] ?? NaN);
      group.ys.push(point.value);
      group.versions.push(index);
    }
  });
  return [...groups.values()];
}

export interface StepPoints {
  xs: number[];
  ys: number[];
  nonFinite: number;
}

/** Across steps: a series' points ordered by step (stable for repeated steps), non-finite values left out. */
export function stepPoints(series: MetricSeries): StepPoints {
  const points = series.points;
  let sorted = true;
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.step < points[i - 1]!.step) {
      sorted = false;
      break;
    }
  }
  const ordered = sorted
    ? points
    : points
        .map((p, i) => ({ p, i }))
        .sort((a, b) => a.p.step - b.p.step || a.i - b.i)
        .map((e) => e.p);
  const xs: number[] = [];
  const ys: number[] = [];
  let nonFinite = 0;
  for (const p of ordered) {
    if (!Number.isFinite(p.value) || !Number.isFinite(p.step)) {
      nonFinite++;
      continue;
    }
    xs.push(p.step);
    ys.push(p.value);
  }
  return { xs, ys, nonFinite };
}

/** A counter's value at each step of a run (the last finite value logged at that step), or undefined when the run does not log it. */
export function counterAtStep(run: Run, key: string): Map<number, number> | undefined {
  const candidates = run.metrics.filter((s) => s.key === key || s.baseKey === key);
  // One series of the counter: the one without a split, else the first that has values.
  const counter =
    candidates.find((s) => !s.split && s.points.length > 0) ?? candidates.find((s) => s.points.length > 0);
  if (!counter) return undefined;
  const at = new Map<number, number>();
  for (const p of counter.points) if (Number.isFinite(p.step) && Number.isFinite(p.value)) at.set(p.step, p.value);
  return at.size ? at : undefined;
}

/**
 * Across steps with a counter as the x axis: each point's x is the counter's value at the point's step, in x order
 * (stable). Points at steps where the counter has no value are left out and counted.
 */
export function pointsByCounter(
  points: StepPoints,
  counter: ReadonlyMap<number, number>,
): StepPoints & { withoutX: number } {
  const entries: { x: number; y: number; i: number }[] = [];
  let withoutX = 0;
  points.xs.forEach((step, i) => {
    const x = counter.get(step);
    if (x === undefined) withoutX++;
    else entries.push({ x, y: points.ys[i] ?? NaN, i });
  });
  entries.sort((a, b) => a.x - b.x || a.i - b.i);
  return { xs: entries.map((e) => e.x), ys: entries.map((e) => e.y), nonFinite: points.nonFinite, withoutX };
}
