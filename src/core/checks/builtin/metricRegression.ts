// metric-regression: each model's current metric values against a baseline revision (the merge base with the
// default branch, a tag pattern such as `fraud-classifier@v*`, or any revision); fails when a metric got worse
// by more than the tolerance, in the direction its goal says.
import { option, optionalOption, throwIfAborted, type CheckRun, type CheckTypeDefinition } from '../checkType';
import { formatValue, metricLocation, normalizeSplit, valueLabels, valuesFor, worsening } from '../metricValues';
import { selectModels } from '../scope';
import type { MetricDefinition, ModelConfig } from '../../formats/mlopsYaml/model';
import type { CheckContext } from '../types';

export const metricRegression: CheckTypeDefinition = {
  type: 'metric-regression',
  title: 'Metric did not regress against the baseline',
  description:
    "Compares each model's current metric values with the same files at a baseline revision: by default the merge base of HEAD with the default branch (origin/HEAD, main or master); `baseline` may name a tag pattern (`{name}@v*` takes the newest matching tag) or any revision. Fails when a metric is worse, by its goal, by more than `tolerance` (absolute) or `relativeTolerance` (a fraction of the baseline), whichever is larger.",
  scopes: ['models'],
  defaultSeverity: 'warning',
  needsGit: true,
  rerunOn: [],
  docsAnchor: '#metric-regression',
  options: {
    metric: { title: 'Metric', type: 'string', description: 'Metric key; every metric with a goal when absent.' },
    split: { title: 'Split', type: 'string', description: 'Only this split (train, validation, test).' },
    baseline: {
      title: 'Baseline',
      type: 'string',
      description: "'merge-base' (default), a tag pattern with * (e.g. '{name}@v*'), or a revision (branch, tag, sha).",
    },
    tolerance: {
      title: 'Tolerance',
      type: 'number',
      minimum: 0,
      description: 'Allowed absolute worsening (default 0).',
    },
    relativeTolerance: {
      title: 'Relative tolerance',
      type: 'number',
      minimum: 0,
      description: 'Allowed worsening as a fraction of the baseline value (0.02 = 2%).',
    },
  },
  run: runMetricRegression,
};

const EPSILON = 1e-12;

async function baselineFor(
  context: CheckContext,
  model: ModelConfig,
  baseline: string,
): Promise<{ revision?: string; label: string }> {
  if (baseline === 'merge-base') {
    const revision = await context.metrics.mergeBase();
    return {
      revision,
      label: revision ? `the merge base ${revision.slice(0, 7)}` : 'the merge base with the default branch',
    };
  }
  const named = baseline.replace(/\{name\}/g, model.name);
  if (named.includes('*')) {
    const tag = await context.git.newestTag(named);
    return { revision: tag, label: tag ? `${tag}` : `the newest tag matching ${named}` };
  }
  const revision = await context.git.resolveRevision(named);
  return { revision: revision ? named : undefined, label: named };
}

async function runMetricRegression({ context, check, sink, signal }: CheckRun): Promise<void> {
  const metricKey = optionalOption<string>(check, 'metric');
  const split = normalizeSplit(optionalOption<string>(check, 'split'));
  const baseline = option(check, 'baseline', 'merge-base');
  const tolerance = option(check, 'tolerance', 0);
  const relativeTolerance = option(check, 'relativeTolerance', 0);
  const definitions: MetricDefinition[] = metricKey
    ? [context.config.metrics.find((m) => m.key === metricKey) ?? { key: metricKey, goal: 'maximize' }]
    : context.config.metrics.filter((m) => m.goal !== undefined);
  if (!(await context.git.isRepository())) {
    sink.skip('baseline', 'Not a git repository: there is no baseline revision to compare with.');
    return;
  }
  const texts = new Map<string, string | null>();
  for (const model of selectModels(context, check)) {
    throwIfAborted(signal);
    const { revision, label } = await baselineFor(context, model, baseline);
    if (!revision) {
      sink.skip(model.name, `No baseline: ${label} does not exist.`, { model: model.name });
      continue;
    }
    const [current, base] = [
      await context.metrics.current(model.name),
      await context.metrics.atRevision(revision, model.name),
    ];
    for (const definition of definitions) {
      const goal = definition.goal ?? 'maximize';
      const values = valuesFor(current, definition.key, split);
      const labels = valueLabels(context.root, definition.key, values);
      for (const [index, now] of values.entries()) {
        const before = valuesFor(base, definition.key, now.split).find(
          (b) => b.series.key === now.series.key && b.run.source.location === now.run.source.location,
        );
        const name = labels[index];
        const target = `${model.name}: ${name}`;
        const key = `${definition.key}|${now.split ?? ''}|${now.series.key}|${now.run.source.location}`;
        if (!before) {
          sink.skip(target, `${name} has no value at ${label}.`, { model: model.name, key });
          continue;
        }
        const worse = worsening(goal, before.value, now.value);
        const allowed = Math.max(tolerance, relativeTolerance * Math.abs(before.value));
        const location = await metricLocation(context, now.run, now.series.key, texts);
        const change = `${formatValue(before.value, definition.unit)} at ${label} -> ${formatValue(now.value, definition.unit)}`;
        if (Number.isNaN(now.value) || worse > allowed + EPSILON) {
          sink.fail({
            target,
            message: `${model.name}: ${name} regressed: ${change} (${goal === 'maximize' ? 'lower' : 'higher'} is worse; allowed ${formatValue(allowed)}).`,
            hint: 'Find what changed since the baseline (data, params, code) before merging, or raise the tolerance if the drop is expected.',
            location,
            model: model.name,
            key,
          });
        } else {
          sink.pass(target, `${name}: ${change}`, { model: model.name, location, key });
        }
      }
    }
  }
}
