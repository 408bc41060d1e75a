// Maps the workspace's validated mlops.yaml (src/core/formats/mlopsYaml) to the ProjectConfig the checks read, so the editor
// can run the checks on the configuration it already holds.
import type { MlopsConfig } from '../formats/mlopsYaml/model';
import type { ProjectConfig } from './types';

/** The checks' view of a validated configuration; `checks:` comes from the config or its unknown sections. */
export function projectConfigFromMlops(config: MlopsConfig): ProjectConfig {
  const withChecks = config as MlopsConfig & { checks?: unknown };
  return {
    project: config.project || undefined,
    models: config.models.map((m) => ({
      name: m.name,
      path: m.path,
      datasets: [...m.datasets],
      metrics: [...m.metrics],
      stage: m.stage,
      owner: m.owner,
    })),
    datasets: config.datasets.map((d) => ({ name: d.name, path: d.path })),
    metrics: config.metrics.map((m) => ({
      key: m.key,
      label: m.label,
      goal: m.goal,
      threshold: m.threshold,
      unit: m.unit,
    })),
    conventions: {
      models: config.conventions.models,
      datasets: config.conventions.datasets,
      notebooks: config.conventions.notebooks,
    },
    exclude: [...config.exclude],
    checks: withChecks.checks ?? config.unknownSections.checks,
  };
}
