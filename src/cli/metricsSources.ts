// What the commands that read metric sources share (`mlops metrics`, `mlops runs`): the --kind names, the parts of
// mlops.yaml they use, and the tracking URI and token from flags and the environment.
import { line } from './output';
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAME } from '../core/formats/mlopsYaml/starter';
import type { MetricDefinition } from '../core/formats/mlopsYaml/model';
import type { Goal } from '../core/metrics/diff';
import { defaultCacheDir, listingCache, type ListingCache } from '../core/listingCache';
import type { SourceKind } from '../core/metrics/model';
import type { readSources } from '../core/metrics/sources/discover';
import { metricSources } from '../core/metrics/sources/list';
import type { CliIo } from './registry';

/** The kinds --kind accepts: every source's kind and aliases, plus `workspace`, `mlflow` and `all`. */
export const KIND_NAMES = [
  'workspace',
  ...metricSources.flatMap((s) => [s.kind, ...(s.aliases ?? [])]),
  'mlflow',
  'all',
];

export interface TeamConfig {
  metricsFiles: string[];
  goals: Record<string, Goal>;
  /** mlops.yaml's `metrics:` definitions (units, goals, labels). */
  metrics: MetricDefinition[];
}

/**
 * The parts of mlops.yaml these commands use (models[].metrics and metrics[]), read by the one mlops.yaml reader
 * the editor and `mlops check` use. Its problems are warnings on stderr, prefixed with `prefix` (`mlops metrics
 * show`): the usable part of the file still counts.
 */
export async function readTeamConfig(folder: string, io: CliIo, prefix: string): Promise<TeamConfig> {
  const config: TeamConfig = { metricsFiles: [], goals: {}, metrics: [] };
  // Without mlops.yaml there is nothing to read: its validator (the schema composes every check type's) is not loaded.
  if (!mayHaveConfig(folder)) return config;
  const { ConfigError, loadConfig } = await import('../core/formats/mlopsYaml/validate.js');
  let loaded;
  try {
    loaded = await loadConfig(folder);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(line(`${prefix}: warning: ${err.message}`));
    return config;
  }
  const name = path.basename(loaded.file);
  for (const p of loaded.validation.problems)
    if (p.severity === 'error')
      io.stderr(line(`${prefix}: warning: ${name}:${p.line + 1}:${p.column + 1}: ${p.message}`));
  for (const model of loaded.validation.config.models) for (const m of model.metrics) config.metricsFiles.push(m);
  for (const metric of loaded.validation.config.metrics) {
    config.metrics.push(metric);
    if (metric.goal) config.goals[metric.key] = metric.goal;
  }
  return config;
}

/** False when the folder has no mlops.yaml (any other answer, an unreadable folder too, is left to the reader). */
function mayHaveConfig(folder: string): boolean {
  try {
    return fs.statSync(path.join(folder, CONFIG_FILE_NAME), { throwIfNoEntry: false }) !== undefined;
  } catch {
    return true;
  }
}

export interface SourceOptions {
  trackingUri?: string;
  modelMetrics: string[];
}

/** The cache of MLflow listings in the user's cache folder (MLOPS_CACHE_DIR=off: none). */
function cliCache(): ListingCache | undefined {
  const folder = defaultCacheDir();
  return folder === undefined ? undefined : listingCache(folder);
}

/** The tracking URI (flag, else MLFLOW_TRACKING_URI) and token (MLFLOW_TRACKING_TOKEN, never printed). */
export function sourceOptions(options: SourceOptions): Parameters<typeof readSources>[1] {
  const fromFlag = options.trackingUri !== undefined;
  const trackingUri = options.trackingUri ?? process.env.MLFLOW_TRACKING_URI;
  return {
    trackingUri,
    trackingUriName: fromFlag ? '--tracking-uri' : 'MLFLOW_TRACKING_URI',
    modelMetrics: options.modelMetrics,
    context: { token: process.env.MLFLOW_TRACKING_TOKEN || undefined, cache: cliCache() },
  };
}

/** The kinds named by --kind values (undefined: none named). */
export function kindSet(names: readonly string[]): Set<SourceKind> | undefined {
  if (names.length === 0) return undefined;
  const kinds = new Set<SourceKind>();
  for (const name of names) {
    if (name === 'all') metricSources.forEach((s) => [s.kind, ...(s.aliases ?? [])].forEach((k) => kinds.add(k)));
    else if (name === 'workspace') ['file', 'dvc'].forEach((k) => kinds.add(k as SourceKind));
    else if (name === 'mlflow')
      metricSources.filter((s) => s.kind.startsWith('mlflow')).forEach((s) => kinds.add(s.kind));
    else {
      const source = metricSources.find((s) => s.kind === name || s.aliases?.includes(name as SourceKind));
      if (!source) return undefined;
      kinds.add(name as SourceKind);
      if (name === 'file' || name === 'dvc') ['file', 'dvc'].forEach((k) => kinds.add(k as SourceKind));
    }
  }
  return kinds;
}
