// stage-gate: the version of each model that holds a stage (production by default) in the model registry must meet
// the metric thresholds at its commit, have a model card and lineage (data hashes recorded at its commit, or datasets
// declared in mlops.yaml), and not be deregistered or belong to a deprecated model.
import { MODEL_CARD_FILES } from './requiredFiles';
import { optionalOption, throwIfAborted, type CheckRun, type CheckTypeDefinition } from '../checkType';
import { boundFor, formatValue, withinBound, type Bound } from '../metricValues';
import { configLocation, selectModels } from '../scope';
import { latest } from '../../metrics/model';
import { followedFiles } from '../../metrics/sources/workspaceFiles';
import { readModelCard } from '../../registry/dashboard';
import { versionDetails } from '../../registry/details';
import { listTagRecords } from '../../git/commands';
import { gtoModels } from '../../registry/gtoState';

export const stageGate: CheckTypeDefinition = {
  type: 'stage-gate',
  title: 'A version in a stage meets the release bar',
  description:
    'Checks the version of each model that holds a stage in the model registry (GTO tags; `stage` option, default production): at its commit every metric with a `threshold` in mlops.yaml must be on the right side of it (by its goal), a model card (model_card.md or README.md) must sit next to the model, its lineage must be known (data hashes in dvc.lock or .dvc files at that commit, or datasets under the model in mlops.yaml), and the version must not be deregistered nor the model deprecated. Promote a version that meets the bar, or fix the one in the stage and register it again.',
  scopes: ['models'],
  defaultSeverity: 'error',
  needsGit: true,
  rerunOn: [],
  docsAnchor: '#stage-gate',
  options: {
    stage: { title: 'Stage', type: 'string', description: 'The stage to guard (default production).' },
    metrics: {
      title: 'Metrics',
      type: 'array',
      items: { type: 'string' },
      description: 'Only these metric keys (default: every metric with a threshold).',
    },
    min: {
      title: 'Minimums',
      type: 'object',
      additionalProperties: { type: 'number' },
      description: 'A release bar above the thresholds: metric key -> the least value the version must have.',
    },
    max: {
      title: 'Maximums',
      type: 'object',
      additionalProperties: { type: 'number' },
      description: 'Metric key -> the most the version may have (for metrics where lower is better).',
    },
    requireModelCard: { title: 'Require a model card', type: 'boolean', description: 'Default true.' },
    requireLineage: { title: 'Require lineage', type: 'boolean', description: 'Default true.' },
  },
  run: runStageGate,
};

async function runStageGate({ context, check, sink, signal }: CheckRun): Promise<void> {
  const stage = optionalOption<string>(check, 'stage') ?? 'production';
  const only = optionalOption<string[]>(check, 'metrics');
  const requireCard = optionalOption<boolean>(check, 'requireModelCard') ?? true;
  const requireLineage = optionalOption<boolean>(check, 'requireLineage') ?? true;
  const mins = optionalOption<Record<string, number>>(check, 'min') ?? {};
  const maxes = optionalOption<Record<string, number>>(check, 'max') ?? {};
  // The bars: each metric's threshold by its goal, raised (or lowered) by the options.
  const bars = new Map<string, { bound: Bound; unit?: string }>();
  for (const m of context.config.metrics) {
    if (only && !only.includes(m.key)) continue;
    const bound = boundFor(m);
    if (bound) bars.set(m.key, m.unit ? { bound, unit: m.unit } : { bound });
  }
  const unitOf = (key: string) => context.config.metrics.find((m) => m.key === key)?.unit;
  for (const [key, value] of Object.entries(mins))
    bars.set(key, { bound: { kind: 'min', value }, ...(unitOf(key) ? { unit: unitOf(key) } : {}) });
  for (const [key, value] of Object.entries(maxes))
    bars.set(key, { bound: { kind: 'max', value }, ...(unitOf(key) ? { unit: unitOf(key) } : {}) });
  // GTO's tags (the versions that have commits to judge); read directly, not through the registry reader, which
  // reads mlops.yaml and so would import the config validator that imports the check types.
  const registry = { models: gtoModels(await listTagRecords({ root: context.root })) };
  const modelMetrics = context.config.models.flatMap((m) => m.metrics);
  const followed = followedFiles(context.root, { modelMetrics }).followed;
  let gated = 0;
  for (const model of selectModels(context, check)) {
    throwIfAborted(signal);
    const entry = registry.models.find((m) => m.name === model.name);
    // The version that holds the stage as `gto show` shows it: the one assigned it last.
    const holders = entry?.versions.filter((v) => entry.stages[stage]?.includes(v.version)) ?? [];
    const location = configLocation(context, model.position);
    if (!entry || !holders.length) continue;
    for (const version of holders) {
      gated++;
      const target = `${model.name} ${version.version} (${stage})`;
      const base = { model: model.name, location };
      const problems: string[] = [];
      if (!version.active) problems.push(`${version.version} is deregistered`);
      if (entry.deprecated) problems.push(`${model.name} is deprecated`);
      const details = await versionDetails(version, {
        root: context.root,
        followed,
        datasets: context.config.datasets,
      });
      const series = (details.run?.metrics ?? []).flatMap((x) => {
        const point = latest(x);
        return point && typeof point.value === 'number' ? [{ key: x.key, baseKey: x.baseKey, value: point.value }] : [];
      });
      for (const [key, { bound, unit }] of bars) {
        // Every split of the metric must clear the bar (test.f1, validation.f1, ...).
        const matching = series.filter((x) => x.key === key || x.baseKey === key);
        if (!matching.length) {
          problems.push(`no value for ${key} at ${version.commit?.slice(0, 7) ?? 'its commit'}`);
          continue;
        }
        for (const x of matching)
          if (!withinBound(x.value, bound))
            problems.push(
              `${x.key} is ${formatValue(x.value, unit)}, ${bound.kind === 'min' ? 'below the minimum' : 'above the maximum'} ${formatValue(bound.value, unit)}`,
            );
      }
      if (requireCard) {
        const card = await readModelCard(context.root, model.path, version.commit, MODEL_CARD_FILES);
        if (!card) problems.push(`no model card next to ${model.path} at its commit`);
      }
      if (requireLineage && !model.datasets.length && !details.datasets.some((d) => d.hash))
        problems.push('no lineage: no data hashes at its commit and no datasets under the model in mlops.yaml');
      if (problems.length)
        sink.fail({
          target,
          message: `${model.name} ${version.version} holds '${stage}' but ${problems.join('; ')}.`,
          hint: `Promote a version that meets the bar (mlops models assign ${model.name} ${stage} --version …), or fix this one and register it again.`,
          key: `${stage}|${version.version}`,
          ...base,
        });
      else
        sink.pass(target, `${model.name} ${version.version} meets the bar for '${stage}'.`, {
          ...base,
          key: `${stage}|${version.version}`,
        });
    }
  }
  if (!gated) sink.skip(stage, `No model has a version in stage '${stage}'.`);
}
