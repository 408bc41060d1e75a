// What the Model Dashboard shows of a model: the stage board (per stage, the version each model holds there) and the
// versions table (per version: date, author, stages, key metrics with the delta against the previous version judged
// by goal, datasets changed, environment changed). Plain data built from the registry and the versions' details.
import fs from 'node:fs';
import path from 'node:path';
import { CatFileBatch } from '../git/catFile';
import { diff as metricsDiff, type Goal } from '../metrics/diff';
import type { Run } from '../metrics/model';
import type { VersionDetails } from './details';
import { datasetChanges, environmentChanges } from './diff';
import type { ModelVersion, Registry } from './model';
import type { MetricCell, VersionRow, StageCell } from './types';
export type { MetricCell, VersionRow, StageCell };

/** The common stage names in release order; others follow, sorted. */
const STAGE_ORDER = ['dev', 'development', 'test', 'qa', 'staging', 'prod', 'production', 'archived'];

export function orderStages(stages: readonly string[]): string[] {
  const rank = (s: string) => {
    const i = STAGE_ORDER.indexOf(s.toLowerCase());
    return i === -1 ? STAGE_ORDER.length : i;
  };
  return [...stages].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** One column per stage in use: the version each (non-deprecated) model holds there. */
export function stageBoard(registry: Registry): { stage: string; cells: StageCell[] }[] {
  return orderStages(registry.stages).map((stage) => ({
    stage,
    cells: registry.models
      .filter((m) => !m.deprecated)
      .flatMap((m) => (m.stages[stage] ?? []).map((version) => ({ model: m.name, version }))),
  }));
}

function empty(details: VersionDetails, root: string): Run {
  return (
    details.run ?? {
      id: '',
      label: details.version,
      source: { kind: 'git', location: root },
      params: {},
      tags: {},
      status: 'unknown',
      metrics: [],
    }
  );
}

/**
 * The key metrics of a model: the keys with a goal (in the goals' order) that its versions have, else the first
 * numeric keys found; at most `max`.
 */
export function keyMetrics(
  details: readonly (VersionDetails | undefined)[],
  goals: Readonly<Record<string, Goal>>,
  max = 4,
): string[] {
  const seen: string[] = [];
  for (const d of details) for (const s of d?.run?.metrics ?? []) if (!seen.includes(s.key)) seen.push(s.key);
  const base = (k: string) => k.split(/[/.]/).pop() ?? k;
  // One key per metric with a goal: its test split first, then validation, then the key itself, then any split.
  const rank = (k: string) => (/(^|[/.])test[/.]/.test(k) ? 0 : /(^|[/.])(val|valid|validation)[/.]/.test(k) ? 1 : 2);
  const picked: string[] = [];
  for (const g of Object.keys(goals)) {
    const matching = seen.filter((k) => k === g || base(k) === g).sort((a, b) => rank(a) - rank(b));
    if (matching[0] && !picked.includes(matching[0])) picked.push(matching[0]);
  }
  for (const k of seen) if (picked.length < max && !picked.includes(k)) picked.push(k);
  return picked.slice(0, max);
}

/**
 * The versions table of a model, newest first. `details[i]` belongs to `versions[i]` (undefined when not read):
 * deltas and changes are against the next older version whose details were read.
 */
export function versionRows(
  versions: readonly ModelVersion[],
  details: readonly (VersionDetails | undefined)[],
  goals: Readonly<Record<string, Goal>>,
  keys: readonly string[],
  root = '',
): VersionRow[] {
  return versions.map((v, i) => {
    const row: VersionRow = {
      version: v.version,
      stages: [...v.stages],
      aliases: [...v.aliases],
      active: v.active,
      registered: v.registered,
    };
    const date = v.createdAt ?? v.commitDate;
    if (date !== undefined) row.date = date;
    const author = v.author ?? v.commitAuthor;
    if (author) row.author = author;
    if (v.commit) row.commit = v.commit;
    if (v.message) row.message = v.message;
    if (v.server) row.server = v.server;
    const own = details[i];
    if (!own) return row;
    let previous: VersionDetails | undefined;
    for (let j = i + 1; j < versions.length && !previous; j++) if (versions[j]?.active !== false) previous = details[j];
    const d = metricsDiff(
      { ...empty(previous ?? { ...own, run: undefined }, root), label: 'previous' },
      { ...empty(own, root), label: v.version },
      goals,
    );
    row.metrics = keys.map((key) => {
      const entry = d.entries.find((e) => e.key === key);
      const cell: MetricCell = { key };
      if (entry?.new !== undefined) cell.value = entry.new;
      if (previous && entry?.change !== undefined && entry.old !== undefined) cell.delta = entry.change;
      if (previous && entry?.improvement !== undefined) cell.improvement = entry.improvement;
      return cell;
    });
    // What changed is known between two commits only (a registry version without one, e.g. on a tracking server, has no
    // files to compare).
    if (previous?.commit && own.commit) {
      row.datasetsChanged = datasetChanges(previous, own).map((c) => c.name ?? c.path);
      row.environmentChanged = environmentChanges(previous, own).map((c) => c.path);
    }
    return row;
  });
}

/**
 * The model card of a model whose file is `modelPath`: the first card file next to it at `commit` (else in the
 * workspace when no commit is given), with its text.
 */
export async function readModelCard(
  root: string,
  modelPath: string,
  commit: string | undefined,
  cardFiles: readonly string[],
): Promise<{ path: string; text: string } | undefined> {
  const dir = path.posix.dirname(modelPath.replace(/\\/g, '/').replace(/\/$/, ''));
  const candidates = cardFiles.map((f) => (dir === '.' ? f : `${dir}/${f}`));
  if (commit) {
    const cat = new CatFileBatch(root);
    try {
      const objects = await cat.readMany(candidates.map((c) => `${commit}:${c}`));
      for (let i = 0; i < candidates.length; i++) {
        const o = objects[i];
        if (o?.type === 'blob') return { path: candidates[i]!, text: o.content.toString('utf8').slice(0, 200_000) };
      }
    } finally {
      await cat.close();
    }
    return undefined;
  }
  for (const c of candidates) {
    try {
      return { path: c, text: (await fs.promises.readFile(path.join(root, c), 'utf8')).slice(0, 200_000) };
    } catch {
      // next
    }
  }
  return undefined;
}
