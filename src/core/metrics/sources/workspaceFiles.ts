// The workspace's metrics files as one run: the files dvc.yaml declares, mlops.yaml's models[].metrics and DVCLive's
// output (metrics.json, plots/metrics). Read through the DVC and metrics-file readers; every path is confined to
// the workspace folder.
import fs from 'node:fs';
import path from 'node:path';
import { resolveInside } from '../../security/confine';
import { absentMessage, explainAbsentInWorkspace } from '../absence';
import { conventionalMetricsFiles } from '../conventional';
import {
  combineFiles,
  declaredFiles,
  loadWorkspaceFiles,
  readDvcProjects,
  type ParamsFile,
} from '../../formats/dvc/project';
import type { Run } from '../model';
import type { FollowedFiles, MetricSourceDefinition, SourceProblem, SourceReadResult } from './types';

export const DVC_YAML_FILE = 'dvc.yaml';
/** The DVCLive summary a search finds (its folder is a DVCLive folder). */
export const DVCLIVE_GLOB = '**/dvclive/metrics.json';
/** Extensions of the metrics, params and plots files the workspace may follow. */
export const WORKSPACE_FILE_GLOB = '**/*.{json,yaml,yml,toml,csv,tsv}';

/** Forward slashes, no leading `./`, no trailing `/`. */
export function cleanPath(p: string): string {
  return p.split(path.sep).join('/').replace(/^\.\//, '').replace(/\/+$/, '');
}

function joinPosix(dir: string, file: string): string {
  return dir ? `${dir}/${file}` : file;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export interface FollowedResult {
  followed: FollowedFiles;
  /** `dvc` when the folder has a dvc.yaml, else `file`. */
  kind: 'dvc' | 'file';
  /** dvc.yaml could not be read. */
  problems: SourceProblem[];
}

/**
 * The files the workspace follows: dvc.yaml's metrics, params and plots, metrics.json|yaml|yml in their conventional
 * places (see conventional.ts), mlops.yaml's models[].metrics (given), and the DVCLive folders (given: `dvclive`
 * folders a search found, relative to the root).
 */
export function followedFiles(
  root: string,
  options: { modelMetrics?: readonly string[]; liveFolders?: readonly string[] } = {},
): FollowedResult {
  const problems: SourceProblem[] = [];
  let declared = {
    metrics: [] as string[],
    params: [] as ParamsFile[],
    plots: [] as string[],
    dvclive: [] as string[],
  };
  const kind = fs.existsSync(path.join(root, DVC_YAML_FILE)) ? 'dvc' : 'file';
  try {
    declared = declaredFiles(root, readDvcProjects(root));
  } catch (err) {
    problems.push({
      severity: 'warning',
      message: `dvc.yaml cannot be read: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  const live = unique([...declared.dvclive, ...(options.liveFolders ?? []).map(cleanPath)]).filter(
    (d) => !d.startsWith('..') && !path.isAbsolute(d),
  );
  return {
    kind,
    problems,
    followed: {
      metrics: unique([
        ...declared.metrics,
        ...conventionalMetricsFiles(root),
        ...(options.modelMetrics ?? []).map(cleanPath),
        ...live.map((d) => joinPosix(d, 'metrics.json')),
      ]),
      params: declared.params,
      plots: unique([
        ...declared.plots,
        ...live
          .map((d) => joinPosix(d, 'plots/metrics'))
          .filter((p) => {
            const full = resolveInside(root, p);
            return full !== undefined && isDirectory(full);
          }),
      ]),
      live,
    },
  };
}

/** Whether the workspace follows any metrics or plots (else it has no run and no history). */
export function hasWorkspaceFiles(followed: FollowedFiles): boolean {
  return followed.metrics.length > 0 || followed.plots.length > 0;
}

/** The DVCLive folders (relative to the root) of `dvclive/metrics.json` files a search found. */
export function liveFoldersOf(matches: readonly string[], root: string): string[] {
  return matches
    .map((m) => path.relative(root, path.dirname(m)).split(path.sep).join('/'))
    .filter((d) => d && !d.startsWith('..'));
}

/** The workspace's run: the followed metrics, params and plots files as they are now (none: no run). */
export async function readWorkspaceRun(
  root: string,
  followed: FollowedFiles,
  kind: 'dvc' | 'file',
): Promise<{ run?: Run; problems: SourceProblem[] }> {
  const { loaded, errors } = await loadWorkspaceFiles(root, {
    metrics: followed.metrics,
    params: followed.params,
    plots: followed.plots,
  });
  const combined = combineFiles(loaded);
  const problems = [...errors, ...combined.errors].map(
    (e): SourceProblem => ({ severity: 'warning', message: e.message }),
  );
  if (!loaded.some((f) => f.role !== 'params')) {
    // Declared metrics files that are not there: say why (DVC-tracked and not pulled, not built yet, ...) and what to
    // run, rather than showing an empty workspace.
    const absent = (await explainAbsentInWorkspace(root, followed.metrics)).filter((a) => a.state !== 'not-found');
    for (const a of absent) problems.push({ severity: 'info', message: absentMessage(a) });
    return { problems };
  }
  let time: number | undefined;
  await Promise.all(
    loaded.map(async (f) => {
      const stat = await fs.promises.stat(f.location ?? path.join(root, f.path)).catch(() => undefined);
      if (stat && (time === undefined || stat.mtimeMs > time)) time = stat.mtimeMs;
    }),
  );
  const run: Run = {
    id: 'workspace',
    source: { kind, location: root },
    label: 'workspace',
    params: combined.params,
    tags: {},
    status: 'unknown',
    metrics: combined.metrics,
    time,
  };
  if (combined.textMetrics.length) run.textMetrics = combined.textMetrics;
  return { run, problems };
}

/** The workspace: its location is the folder; it reads as `dvc` when the folder has a dvc.yaml. */
export const workspaceFilesSource: MetricSourceDefinition = {
  kind: 'file',
  aliases: ['dvc'],
  label: 'Workspace',
  description:
    "The metrics files dvc.yaml declares, mlops.yaml's models[].metrics and DVCLive's output, as they are now.",
  discovery: 'workspace',
  watch: 'followed',
  needs: {},
  async read(location, context): Promise<SourceReadResult> {
    const kind = fs.existsSync(path.join(location, DVC_YAML_FILE)) ? 'dvc' : 'file';
    const { run, problems } = await readWorkspaceRun(location, context.followed, kind);
    return { runs: run ? [run] : [], problems };
  },
};

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
