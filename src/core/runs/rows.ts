// Runs of every metrics source (src/core/metrics/sources) as rows of the Runs table: the latest, min and max of each
// metric, params typed (numeric text becomes a number), duration, author, git tags and branches, and a key that
// stays the same across reloads (notes are stored under it).
import path from 'node:path';
import { numberOf } from './filter';
import type { CellValue, MetricCell, RunAnnotation, RunRow } from './model';
import type { Run, SourceKind } from '../metrics/model';
import type { ListedSource } from '../metrics/sources/discover';

/** MLflow's tag of the run's author. */
const MLFLOW_USER = 'mlflow.user';
/** MLflow's tag of the commit a run was started from. */
const MLFLOW_COMMIT = 'mlflow.source.git.commit';

export interface RowContext {
  /** The workspace folder: source locations in keys are relative to it. */
  root: string;
  /** A short name of the source for display (`MLflow mlruns/`); default: the source kind and location. */
  sourceLabel?: string;
  /** The annotation of a row (notes and labels), by its key; default: none. */
  annotate?: (key: string, run: Run) => RunAnnotation;
}

/** A source location for keys and display: a path relative to the root (posix, `.` for the root), or a URL without credentials. */
export function sourceLocationOf(location: string, root: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    try {
      const url = new URL(location);
      url.username = '';
      url.password = '';
      url.search = '';
      url.hash = '';
      return url.toString().replace(/\/$/, '');
    } catch {
      return location;
    }
  }
  const relative = path.relative(root, path.resolve(root, location)).split(path.sep).join('/');
  return relative === '' ? '.' : relative;
}

/** The stable key of a run: `<source kind>:<source location>:<run id>` (the workspace source is always `file`). */
export function runKey(kind: SourceKind, location: string, runId: string): string {
  return `${kind === 'dvc' ? 'file' : kind}:${location}:${runId}`;
}

/** A param's cell: numeric text (`0.01`, `1e-3`, `nan`, `inf`) as a number, other text as it is. */
export function paramValue(text: string): CellValue {
  const number = text.trim() === '' ? undefined : numberOf(text);
  return number === undefined ? text : number;
}

function metricCells(run: Run): Record<string, MetricCell> {
  // Only series read from a file can share a key (trackers keep one series per key).
  const counts = run.metrics.some((s) => s.file) ? new Map<string, number>() : undefined;
  if (counts) for (const s of run.metrics) counts.set(s.key, (counts.get(s.key) ?? 0) + 1);
  const out: Record<string, MetricCell> = {};
  for (const series of run.metrics) {
    if (series.points.length === 0) continue;
    // The same key in two metrics files of one run: each is named by its file.
    const key = (counts?.get(series.key) ?? 0) > 1 && series.file ? `${series.file}:${series.key}` : series.key;
    let latest = series.points[0];
    let min = NaN;
    let max = NaN;
    for (const p of series.points) {
      if (latest === undefined || p.step >= latest.step) latest = p;
      if (!Number.isNaN(p.value)) {
        if (Number.isNaN(min) || p.value < min) min = p.value;
        if (Number.isNaN(max) || p.value > max) max = p.value;
      }
    }
    if (!latest) continue;
    out[key] = { latest: latest.value, min, max, step: latest.step };
  }
  return out;
}

/** The rows of one source's runs. */
export function runsToRows(runs: readonly Run[], ctx: RowContext): RunRow[] {
  const rows: RunRow[] = [];
  const locations = new Map<string, string>();
  for (const run of runs) {
    let location = locations.get(run.source.location);
    if (location === undefined) {
      location = sourceLocationOf(run.source.location, ctx.root);
      locations.set(run.source.location, location);
    }
    const key = runKey(run.source.kind, location, run.id);
    const info = run.revisionInfo;
    const params: Record<string, CellValue> = {};
    for (const [name, value] of Object.entries(run.params)) params[name] = paramValue(value);
    const tags: string[] = [];
    const branches: string[] = [];
    if (info) {
      for (const tag of info.tags) tags.push(tag);
      for (const ref of info.refs) if (!ref.startsWith('refs/') && !info.tags.includes(ref)) branches.push(ref);
    }
    for (const [name, value] of Object.entries(run.tags))
      if (!name.startsWith('mlflow.')) tags.push(value === '' ? name : `${name}=${value}`);
    // The commit: a git run's revision, or the commit an MLflow run was started from (never a tracker's run id).
    const commit = info?.sha ?? run.tags[MLFLOW_COMMIT];
    const author = info?.author ?? run.tags[MLFLOW_USER];
    const row: RunRow = {
      key,
      runId: run.id,
      name: run.label,
      sourceKind: run.source.kind,
      sourceLabel: ctx.sourceLabel ?? `${run.source.kind} ${location}`,
      sourceLocation: location,
      tags,
      branches,
      status: run.status,
      params,
      metrics: metricCells(run),
      annotation: ctx.annotate?.(key, run) ?? { labels: [] },
    };
    if (commit) row.commit = commit;
    if (run.experiment !== undefined) row.experiment = run.experiment;
    if (run.time !== undefined) row.startTime = run.time;
    if (run.time !== undefined && run.endTime !== undefined && run.endTime >= run.time)
      row.durationMs = run.endTime - run.time;
    if (author) row.author = author;
    rows.push(row);
  }
  return rows;
}

/** The rows of every listed source, in list order; each source named `<label> <where>` (`MLflow mlruns`). */
export function sourcesToRows(sources: readonly ListedSource[], ctx: Omit<RowContext, 'sourceLabel'>): RunRow[] {
  const out: RunRow[] = [];
  for (const source of sources)
    for (const row of runsToRows(source.runs, { ...ctx, sourceLabel: `${source.label} ${source.where}` }))
      out.push(row);
  return out;
}
