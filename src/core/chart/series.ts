// Series building: Runs in, plottable series out. Across versions every run is one revision and gives one point
// per (key, split); across steps every run gives one curve per key.
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

export function plotSource(source: SourceRef): PlotSource {
  return {
    id: sourceId(source),
    kind: source.kind,
    location: source.location,
    label: `${source.location} (${source.kind})`,
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

export function plotVersion(run: Run): PlotVersion {
  const info = run.revisionInfo;
  const sha = info?.sha ?? run.revision ?? run.id;
  const version = {
    sha,
    shortSha: info?.shortSha ?? sha.slice(0, 7),
    subject: info?.subject ?? run.label,
    author: info?.author ?? '',
    date: versionDate(run),
    tags: info?.tags ?? [],
    runId: run.id,
    sourceId: sourceId(run.source),
  };
  return { ...version, label: versionLabel(version) };
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
  const tips = ordered.filter((r) => r.revisionInfo?.refs.some((ref) => names.has(ref)));
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

/** The x of each ordered run: its date, or its position when the axis is `order` or a date is missing. */
export function versionXs(ordered: readonly Run[], axis: VersionAxis): { axis: VersionAxis; xs: number[] } {
  const dates = ordered.map(versionDate);
  if (axis === 'date' && dates.every((d) => Number.isFinite(d))) return { axis, xs: dates };
  return { axis: 'order', xs: ordered.map((_, i) => i) };
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
      group.xs.push(xs[index]);
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
    if (points[i].step < points[i - 1].step) {
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
