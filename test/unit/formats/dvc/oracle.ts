// Compares our readers with what DVC itself reported (the JSON files test/interop/dvc/generate.py writes): the
// workspace, every commit, every experiment, `metrics diff` and `params diff`. Used by the unit test on the
// committed fixture and by the interop test on a project the real tools build afresh.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readAtRevision, readHistory } from '../../../../src/core/git/history';
import { diff } from '../../../../src/core/metrics/diff';
import { paramsKey, readDvcWorkspace } from '../../../../src/core/formats/dvc/project';
import { formatParam, parseJsonText } from '../../../../src/core/formats/metricsFiles/parse';
import { latest, type Run } from '../../../../src/core/metrics/model';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export const gitEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function git(cwd: string, args: string[], input?: string | Buffer): string {
  return execFileSync('git', args, {
    cwd,
    env: gitEnv,
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  }).toString('utf8');
}

/** Rebuilds the fixture project (commits, branches, tags, experiment refs from the bundle, then the workspace files). */
export function restoreFixture(fixtureDir: string, target: string): string {
  fs.mkdirSync(target, { recursive: true });
  git(target, ['init', '-q', '-b', 'main']);
  git(target, ['fetch', '-q', '--update-head-ok', path.join(fixtureDir, 'project.bundle'), 'refs/*:refs/*']);
  git(target, ['checkout', '-q', '-f', 'main']);
  fs.cpSync(path.join(fixtureDir, 'workspace'), target, { recursive: true });
  return target;
}

export function readExpected(expectedDir: string, name: string): unknown {
  // DVC writes NaN into its JSON: our JSON reader accepts it, as Python does.
  return parseJsonText(fs.readFileSync(path.join(expectedDir, name), 'utf8'), name);
}

/** DVC's nested data flattened with dots (lists kept whole, as DVC shows params). */
function flatten(data: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (isObj(data)) for (const [k, v] of Object.entries(data)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else if (prefix) out.set(prefix, data);
  return out;
}

function ourMetrics(run: Run | undefined): Map<string, number | string> {
  const out = new Map<string, number | string>();
  for (const s of run?.metrics ?? []) out.set(`${s.file}\t${s.key}`, latest(s)!.value);
  for (const t of run?.textMetrics ?? []) out.set(`${t.file}\t${t.key}`, t.value);
  return out;
}

function sameValue(dvc: unknown, ours: number | string | undefined): boolean {
  if (typeof dvc === 'boolean') return ours === Number(dvc);
  if (typeof dvc === 'number') return typeof ours === 'number' && (Object.is(dvc, ours) || dvc === ours);
  return dvc === ours;
}

export interface Comparison {
  compared: number;
  mismatches: string[];
}

function compareMetrics(where: string, dvcFiles: unknown, run: Run | undefined, result: Comparison): void {
  const expected = new Map<string, unknown>();
  if (isObj(dvcFiles))
    for (const [file, entry] of Object.entries(dvcFiles))
      for (const [k, v] of flatten(isObj(entry) && 'data' in entry ? entry.data : entry))
        expected.set(`${file}\t${k}`, v);
  const ours = ourMetrics(run);
  for (const [key, value] of expected) {
    result.compared++;
    if (!sameValue(value, ours.get(key)))
      result.mismatches.push(`${where} ${key}: DVC ${String(value)}, ours ${String(ours.get(key))}`);
  }
  for (const key of ours.keys()) if (!expected.has(key)) result.mismatches.push(`${where} ${key}: ours only`);
}

function compareParams(where: string, dvcParams: unknown, run: Run | undefined, result: Comparison): void {
  const expected = new Map<string, string>();
  if (isObj(dvcParams))
    for (const [file, data] of Object.entries(dvcParams))
      for (const [k, v] of flatten(data)) expected.set(paramsKey(file, k), formatParam(v));
  const ours = run?.params ?? {};
  for (const [key, value] of expected) {
    result.compared++;
    if (ours[key] !== value) result.mismatches.push(`${where} param ${key}: DVC ${value}, ours ${ours[key]}`);
  }
  for (const key of Object.keys(ours))
    if (!expected.has(key)) result.mismatches.push(`${where} param ${key}: ours only`);
}

/** Everything DVC reported about the project at `repo`, against our readers. */
export async function compareWithDvc(repo: string, expectedDir: string): Promise<Comparison> {
  const result: Comparison = { compared: 0, mismatches: [] };
  const workspace = await readDvcWorkspace(repo);
  if (workspace.errors.length) result.mismatches.push(...workspace.errors.map((e) => `workspace error: ${e.message}`));
  const files = { metrics: workspace.files.metrics, params: workspace.files.params, plots: workspace.files.plots };
  const history = await readHistory(repo, files);
  if (history.errors.length) result.mismatches.push(...history.errors.map((e) => `history error: ${e.message}`));
  const bySha = new Map(history.runs.map((r) => [r.id, r]));

  // dvc metrics show --all-commits: the workspace and each commit.
  const show = readExpected(expectedDir, 'metrics-show.json') as Json;
  for (const [rev, entry] of Object.entries(show)) {
    const data = (entry as Json).data;
    if (rev === 'workspace') compareMetrics('workspace', data, workspace.run, result);
    else if (isObj(data) && Object.keys(data).length === 0) {
      if (bySha.get(rev)?.metrics.length) result.mismatches.push(`${rev}: DVC has no metrics, ours has a run`);
    } else compareMetrics(rev.slice(0, 7), data, bySha.get(rev), result);
  }

  // dvc exp show --all-commits: params and metrics of every commit and experiment.
  const experiments = new Map(history.runs.filter((r) => r.experiment).map((r) => [r.experiment!, r]));
  for (const row of readExpected(expectedDir, 'exp-show.json') as Json[]) {
    const rev = row.rev as string;
    const run =
      rev === 'workspace'
        ? workspace.run
        : typeof row.experiment === 'string'
          ? experiments.get(row.experiment)
          : bySha.get(rev);
    const where =
      rev === 'workspace'
        ? 'workspace'
        : typeof row.experiment === 'string'
          ? `experiment ${row.experiment}`
          : rev.slice(0, 7);
    if (isObj(row.metrics) && Object.keys(row.metrics).length === 0 && !run) continue;
    if (typeof row.experiment === 'string' && run?.id !== rev)
      result.mismatches.push(`${where}: DVC commit ${rev}, ours ${run?.id}`);
    compareMetrics(where, row.metrics, run, result);
    compareParams(where, row.params, run, result);
  }

  // dvc metrics diff (HEAD vs workspace, and HEAD~1 vs HEAD) with --all.
  const at = async (rev: string): Promise<Run> => (await readAtRevision(repo, rev, files)).run;
  const head = await at('HEAD');
  for (const [name, a, b] of [
    ['metrics-diff.json', head, workspace.run],
    ['metrics-diff-commits.json', await at('HEAD~1'), head],
  ] as const) {
    const expected = readExpected(expectedDir, name) as Json;
    const ours = new Map(diff(a, b).entries.map((e) => [`${e.file}\t${e.key}`, e]));
    let count = 0;
    for (const [file, keys] of Object.entries(expected)) {
      for (const [key, d] of Object.entries(keys as Json)) {
        count++;
        result.compared++;
        const e = ours.get(`${file}\t${key}`);
        const dd = d as { old?: unknown; new?: unknown; diff?: number };
        if (!e) {
          result.mismatches.push(`${name} ${file} ${key}: ours missing`);
          continue;
        }
        if (!sameValue(dd.old, e.old) || !sameValue(dd.new, e.new))
          result.mismatches.push(
            `${name} ${file} ${key}: DVC ${String(dd.old)} -> ${String(dd.new)}, ours ${String(e.old)} -> ${String(e.new)}`,
          );
        // DVC computes NaN - NaN = NaN for an unchanged NaN; ours calls it unchanged (change 0).
        const nanUnchanged = typeof dd.diff === 'number' && Number.isNaN(dd.diff) && e.status === 'unchanged';
        if (
          dd.diff !== undefined &&
          !nanUnchanged &&
          !(e.change !== undefined && Math.abs(e.change - dd.diff) <= 1e-12)
        )
          result.mismatches.push(`${name} ${file} ${key}: DVC diff ${dd.diff}, ours ${e.change}`);
        if (dd.diff === undefined && e.change !== undefined && typeof dd.old !== 'boolean')
          result.mismatches.push(`${name} ${file} ${key}: ours has a change, DVC none`);
      }
    }
    if (count !== ours.size) result.mismatches.push(`${name}: DVC lists ${count} keys, ours ${ours.size}`);
  }

  // dvc params diff --all (HEAD vs workspace).
  const paramsDiff = readExpected(expectedDir, 'params-diff.json') as Json;
  for (const [file, keys] of Object.entries(paramsDiff)) {
    for (const [key, d] of Object.entries(keys as Json)) {
      result.compared++;
      const k = paramsKey(file, key);
      const dd = d as { old: unknown; new: unknown };
      if (head.params[k] !== formatParam(dd.old) || workspace.run.params[k] !== formatParam(dd.new)) {
        result.mismatches.push(
          `params diff ${k}: DVC ${formatParam(dd.old)} -> ${formatParam(dd.new)}, ours ${head.params[k]} -> ${workspace.run.params[k]}`,
        );
      }
    }
  }
  return result;
}
