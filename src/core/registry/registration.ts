// The message of a registration tag, the same from every adapter (the dashboard's Register Model Version… and
// `mlops models register`): GTO's first line, then the reproducibility record of the version's commit (params, data
// hashes, metrics, environment digest) read with the workspace's mlops.yaml (its datasets and model metric files).
import { ConfigError, loadConfig } from '../formats/mlopsYaml/validate';
import type { DatasetConfig } from '../formats/mlopsYaml/model';
import { followedFiles } from '../metrics/sources/workspaceFiles';
import { versionDetails } from './details';
import { recordMessage, reproducibilityRecord } from './record';

/** GTO's own first line of a registration tag. */
export function registrationSummary(model: string, version: string): string {
  return `Registering artifact ${model} version ${version}`;
}

/**
 * The tag message registering `version` of `model` at `commit` (a full sha) in the repository at `root`: `summary`
 * (default GTO's line) and the reproducibility record.
 */
export async function registrationMessage(
  root: string,
  model: string,
  version: string,
  commit: string,
  summary: string = registrationSummary(model, version),
): Promise<string> {
  let datasets: DatasetConfig[] = [];
  let modelMetrics: string[] = [];
  try {
    const config = (await loadConfig(root)).validation.config;
    datasets = config.datasets;
    modelMetrics = config.models.flatMap((m) => m.metrics);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
  }
  const details = await versionDetails(
    { model, version, source: 'gto', registered: true, active: true, commit, stages: [], aliases: [], events: [] },
    { root, followed: followedFiles(root, { modelMetrics }).followed, datasets },
  );
  return recordMessage(summary, reproducibilityRecord(details, commit));
}
