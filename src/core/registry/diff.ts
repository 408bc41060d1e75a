// Two versions of a model compared: metric deltas judged by each metric's goal (the metrics diff), the params that
// differ, datasets whose hash changed, environment files that changed (pinned requirements added, removed or moved;
// base images), and the commits in between. Rendered as text, JSON or Markdown (for a pull request).
import { commitsBetween } from '../git/commands';
import { explainAbsentAtRevision, neitherHasValuesMessage } from '../metrics/absence';
import { CatFileBatch } from '../git/catFile';
import {
  diff as metricsDiff,
  diffToJson,
  diffToMarkdown,
  diffToText,
  escapeMarkdownCell,
  type Goal,
  type MetricsDiff,
} from '../metrics/diff';
import type { Run } from '../metrics/model';
import { alignedTable } from '../textTable';
import { versionDetails, type DetailsContext, type VersionDetails } from './details';
import type { ModelVersion } from './model';
import type { ParamChange, DatasetChange, EnvironmentChange } from './types';
export type { ParamChange, DatasetChange, EnvironmentChange };

export interface VersionDiff {
  model: string;
  a: VersionDetails;
  b: VersionDetails;
  metrics: MetricsDiff;
  params: ParamChange[];
  datasets: DatasetChange[];
  environment: EnvironmentChange[];
  /** Commits in `a..b` (newest first), when both versions have commits. */
  commits: { sha: string; author: string; date: number; subject: string }[];
  problems: string[];
  /**
   * When neither version has metric values: why, per version, as `mlops metrics diff` says it (declared in dvc.yaml,
   * DVC-tracked, not in git: fetch them), instead of "no metric changed".
   */
  metricsAbsent?: string;
}

/** Compares version `a` (older) with `b`; `goals` maps metric keys to maximize/minimize. */
export async function diffVersions(
  a: ModelVersion,
  b: ModelVersion,
  context: DetailsContext,
  goals: Readonly<Record<string, Goal>> = {},
): Promise<VersionDiff> {
  const cat = new CatFileBatch(context.root);
  let da: VersionDetails;
  let db: VersionDetails;
  let commits: VersionDiff['commits'];
  try {
    [da, db, commits] = await Promise.all([
      versionDetails(a, context, cat),
      versionDetails(b, context, cat),
      a.commit && b.commit ? commitsBetween({ root: context.root }, a.commit, b.commit) : Promise.resolve([]),
    ]);
  } finally {
    await cat.close();
  }
  const diff = compareDetails(da, db, commits, context.root, goals);
  const files = context.followed.metrics;
  const noValues = (d: VersionDetails) => !d.run?.metrics.length && !d.run?.textMetrics?.length;
  if (files.length && a.commit && b.commit && noValues(da) && noValues(db)) {
    const sides = await Promise.all(
      [
        [da, a.commit],
        [db, b.commit],
      ].map(async ([d, commit]) => ({
        label: (d as VersionDetails).version,
        absent: await explainAbsentAtRevision(context.root, commit as string, files),
      })),
    );
    diff.metricsAbsent = neitherHasValuesMessage(files, sides).trimEnd();
  }
  return diff;
}

/** Compares two sets of details already read (a version with the workspace, say). */
export function compareDetails(
  da: VersionDetails,
  db: VersionDetails,
  commits: VersionDiff['commits'],
  root: string,
  goals: Readonly<Record<string, Goal>> = {},
): VersionDiff {
  const empty: Omit<Run, 'label'> = {
    id: '',
    source: { kind: 'git', location: root },
    params: {},
    tags: {},
    status: 'unknown' as const,
    metrics: [],
  };
  const runA = da.run ?? { ...empty, label: `${da.model} ${da.version}` };
  const runB = db.run ?? { ...empty, label: `${db.model} ${db.version}` };
  return {
    model: da.model,
    a: da,
    b: db,
    metrics: metricsDiff({ ...runA, label: da.version }, { ...runB, label: db.version }, goals),
    params: paramChanges(da.params, db.params),
    datasets: datasetChanges(da, db),
    environment: environmentChanges(da, db),
    commits,
    problems: [...da.problems, ...db.problems],
  };
}

export function paramChanges(a: Record<string, string>, b: Record<string, string>): ParamChange[] {
  const out: ParamChange[] = [];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (a[key] === b[key]) continue;
    const change: ParamChange = { key };
    if (a[key] !== undefined) change.old = a[key];
    if (b[key] !== undefined) change.new = b[key];
    out.push(change);
  }
  return out;
}

export function datasetChanges(a: VersionDetails, b: VersionDetails): DatasetChange[] {
  const out: DatasetChange[] = [];
  const before = new Map(a.datasets.filter((d) => d.hash).map((d) => [d.path, d]));
  const after = new Map(b.datasets.filter((d) => d.hash).map((d) => [d.path, d]));
  for (const p of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const x = before.get(p);
    const y = after.get(p);
    if (x?.hash === y?.hash) continue;
    const change: DatasetChange = { path: p, status: !x ? 'added' : !y ? 'removed' : 'changed' };
    const name = y?.name ?? x?.name;
    if (name) change.name = name;
    if (x?.hash) change.old = x.hash;
    if (y?.hash) change.new = y.hash;
    out.push(change);
  }
  return out;
}

export function environmentChanges(a: VersionDetails, b: VersionDetails): EnvironmentChange[] {
  const out: EnvironmentChange[] = [];
  const before = new Map(a.environment.map((f) => [f.path, f]));
  const after = new Map(b.environment.map((f) => [f.path, f]));
  for (const p of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const x = before.get(p);
    const y = after.get(p);
    if (x?.hash === y?.hash) continue;
    const change: EnvironmentChange = { path: p, status: !x ? 'added' : !y ? 'removed' : 'changed' };
    if (x?.pinned || y?.pinned) {
      const old = new Set(x?.pinned ?? []);
      const now = new Set(y?.pinned ?? []);
      change.pinsAdded = [...now].filter((l) => !old.has(l));
      change.pinsRemoved = [...old].filter((l) => !now.has(l));
    }
    if (x?.baseImages || y?.baseImages) change.baseImages = { old: x?.baseImages ?? [], new: y?.baseImages ?? [] };
    out.push(change);
  }
  return out;
}

const short = (hash: string | undefined): string => (hash ? hash.slice(0, 12) : '—');

/** A plain-text report for a terminal (names escaped by the table). */
export function versionDiffToText(d: VersionDiff): string {
  const parts: string[] = [
    `${d.model}: ${d.a.version} → ${d.b.version}`,
    '',
    'Metrics',
    d.metricsAbsent ? `${d.metricsAbsent}\n` : diffToText(d.metrics),
  ];
  parts.push('Params');
  parts.push(
    d.params.length
      ? alignedTable([['Param', d.a.version, d.b.version], ...d.params.map((p) => [p.key, p.old ?? '—', p.new ?? '—'])])
      : 'No param changed.\n',
  );
  parts.push('Datasets');
  parts.push(
    d.datasets.length
      ? alignedTable([
          ['Dataset', 'Status', d.a.version, d.b.version, 'Rows'],
          ...d.datasets.map((x) => [
            x.name ? `${x.name} (${x.path})` : x.path,
            x.status,
            short(x.old),
            short(x.new),
            rowsText(x),
          ]),
        ])
      : 'No dataset changed.\n',
  );
  parts.push('Environment');
  parts.push(
    d.environment.length
      ? alignedTable([
          ['File', 'Status', 'Change'],
          ...d.environment.map((e) => [e.path, e.status, environmentText(e)]),
        ])
      : 'No environment file changed.\n',
  );
  parts.push(`Commits in between (${d.commits.length})`);
  parts.push(
    d.commits.length
      ? alignedTable(
          d.commits.map((c) => [c.sha.slice(0, 7), new Date(c.date).toISOString().slice(0, 10), c.author, c.subject]),
        )
      : 'None.\n',
  );
  return parts.join('\n');
}

/** `20000 → 21500 (+1500)`, or '' when neither side's rows are known. */
export function rowsText(x: DatasetChange): string {
  const { old, new: now } = x.rows ?? {};
  if (old === undefined && now === undefined) return '';
  const delta = old !== undefined && now !== undefined ? ` (${now - old >= 0 ? '+' : ''}${now - old})` : '';
  return `${old ?? '?'} → ${now ?? '?'}${delta}`;
}

function environmentText(e: EnvironmentChange): string {
  const bits: string[] = [];
  if (e.pinsAdded?.length) bits.push(`+${e.pinsAdded.join(' +')}`);
  if (e.pinsRemoved?.length) bits.push(`-${e.pinsRemoved.join(' -')}`);
  if (e.baseImages) bits.push(`FROM ${e.baseImages.old.join(', ') || '—'} → ${e.baseImages.new.join(', ') || '—'}`);
  return bits.join('; ');
}

/** Markdown for a pull request. */
export function versionDiffToMarkdown(d: VersionDiff): string {
  const md = escapeMarkdownCell;
  const lines: string[] = [`## ${md(d.model)}: ${md(d.a.version)} → ${md(d.b.version)}`, ''];
  if (d.metricsAbsent) {
    lines.push('### Metrics', '');
    for (const l of d.metricsAbsent.split('\n')) lines.push(`> ${md(l.trim())}`);
    lines.push('');
  } else lines.push(diffToMarkdown(d.metrics, { title: 'Metrics' }));
  lines.push('### Params', '');
  if (d.params.length) {
    lines.push(`| Param | ${md(d.a.version)} | ${md(d.b.version)} |`, '| --- | --- | --- |');
    for (const p of d.params) lines.push(`| ${md(p.key)} | ${md(p.old ?? '—')} | ${md(p.new ?? '—')} |`);
  } else lines.push('No param changed.');
  lines.push('', '### Datasets', '');
  if (d.datasets.length) {
    lines.push(
      `| Dataset | Status | ${md(d.a.version)} | ${md(d.b.version)} | Rows |`,
      '| --- | --- | --- | --- | --- |',
    );
    for (const x of d.datasets)
      lines.push(
        `| ${md(x.name ? `${x.name} (${x.path})` : x.path)} | ${x.status} | \`${short(x.old)}\` | \`${short(x.new)}\` | ${rowsText(x)} |`,
      );
  } else lines.push('No dataset changed.');
  lines.push('', '### Environment', '');
  if (d.environment.length) {
    lines.push('| File | Status | Change |', '| --- | --- | --- |');
    for (const e of d.environment) lines.push(`| ${md(e.path)} | ${e.status} | ${md(environmentText(e))} |`);
  } else lines.push('No environment file changed.');
  lines.push('', `### Commits in between (${d.commits.length})`, '');
  for (const c of d.commits.slice(0, 50)) lines.push(`- \`${c.sha.slice(0, 7)}\` ${md(c.subject)} (${md(c.author)})`);
  if (d.commits.length > 50) lines.push(`- … ${d.commits.length - 50} more`);
  return lines.join('\n') + '\n';
}

/** A JSON-ready form. */
export function versionDiffToJson(d: VersionDiff): Record<string, unknown> {
  return {
    model: d.model,
    a: { version: d.a.version, commit: d.a.commit },
    b: { version: d.b.version, commit: d.b.commit },
    metrics: diffToJson(d.metrics, { all: true }).metrics,
    params: d.params,
    datasets: d.datasets,
    environment: d.environment,
    commits: d.commits,
    ...(d.metricsAbsent ? { metricsAbsent: d.metricsAbsent } : {}),
    problems: d.problems,
  };
}
