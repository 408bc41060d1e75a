// metric-threshold: a metric of each model (per split) against a bound, by default `metrics[].threshold` read by
// its goal (>= for maximize, <= for minimize).
import { option, optionalOption, throwIfAborted, type CheckRun, type CheckTypeDefinition } from '../checkType';
import {
  boundFor,
  formatValue,
  metricLabel,
  metricLocation,
  normalizeSplit,
  valueLabels,
  valuesFor,
  withinBound,
} from '../metricValues';
import { configLocation, selectModels } from '../scope';
import type { MetricDefinition } from '../../formats/mlopsYaml/model';

export const metricThreshold: CheckTypeDefinition = {
  type: 'metric-threshold',
  title: 'Metric meets its threshold',
  description:
    "Compares the latest value of a metric of each model, per split, with a bound: `min`/`max` from the options, else the metric's `threshold` in mlops.yaml (a minimum when its goal is maximize, a maximum when it is minimize). Without `metric`, every metric with a threshold is checked. Improve the model or revisit the threshold.",
  scopes: ['models'],
  defaultSeverity: 'error',
  needsGit: false,
  rerunOn: [],
  retraining: 'failures',
  // A missing metric or a metric without a bound is a configuration problem, not a reason to retrain.
  retrainTrigger: (result) => !/\|(missing|no-bound)$/.test(result.key ?? ''),
  docsAnchor: '#metric-threshold',
  options: {
    metric: {
      title: 'Metric',
      type: 'string',
      description: 'Metric key (as in metrics[].key); all metrics with a threshold when absent.',
    },
    split: { title: 'Split', type: 'string', description: 'Only this split (train, validation, test).' },
    min: { title: 'Min', type: 'number', description: 'The value must be at least this.' },
    max: { title: 'Max', type: 'number', description: 'The value must be at most this.' },
  },
  run: runMetricThreshold,
};

async function runMetricThreshold({ context, check, sink, signal }: CheckRun): Promise<void> {
  const metricKey = optionalOption<string>(check, 'metric');
  const split = normalizeSplit(optionalOption<string>(check, 'split'));
  const min = optionalOption<number>(check, 'min');
  const max = optionalOption<number>(check, 'max');
  const definitions: MetricDefinition[] = metricKey
    ? [context.config.metrics.find((m) => m.key === metricKey) ?? { key: metricKey }]
    : context.config.metrics.filter((m) => m.threshold !== undefined);
  const texts = new Map<string, string | null>();
  for (const model of selectModels(context, check)) {
    throwIfAborted(signal);
    const runs = await context.metrics.current(model.name);
    for (const definition of definitions) {
      const bound = boundFor(definition, min, max);
      if (!bound) {
        sink.fail({
          target: `${model.name}: ${definition.key}`,
          message: `No bound for metric '${definition.key}': set metrics[].threshold in the config or min/max in the check's options.`,
          location: configLocation(context, check.position),
          model: model.name,
          key: `${definition.key}|no-bound`,
        });
        continue;
      }
      const values = valuesFor(runs, definition.key, split);
      if (values.length === 0) {
        if (metricKey) {
          sink.fail({
            target: `${model.name}: ${metricLabel(definition.key, split)}`,
            message: `${model.name} has no value for metric ${metricLabel(definition.key, split)} in ${model.metrics.length ? model.metrics.join(', ') : 'its metric files (none declared)'}.`,
            hint: "Write the metric in one of the model's metric files, or list the file under the model's `metrics:`.",
            location: configLocation(context, model.position),
            model: model.name,
            key: `${definition.key}|${split ?? ''}|missing`,
          });
        }
        continue;
      }
      const labels = valueLabels(context.root, definition.key, values);
      for (const [index, { run, series, value, split: valueSplit }] of values.entries()) {
        const label = labels[index];
        const target = `${model.name}: ${label}`;
        const relation = bound.kind === 'min' ? '>=' : '<=';
        const location = await metricLocation(context, run, series.key, texts);
        const key = `${definition.key}|${valueSplit ?? ''}|${series.key}|${run.source.location}`;
        if (withinBound(value, bound)) {
          sink.pass(
            target,
            `${label} = ${formatValue(value, definition.unit)} ${relation} ${formatValue(bound.value, definition.unit)}`,
            { model: model.name, location, key },
          );
        } else {
          const words = bound.kind === 'min' ? 'below the minimum' : 'above the maximum';
          sink.fail({
            target,
            message: `${model.name}: ${label} is ${formatValue(value, definition.unit)}, ${words} ${formatValue(bound.value, definition.unit)}${definition.goal ? ` (goal: ${definition.goal})` : ''}.`,
            hint: `Improve the model before releasing it, or revisit the ${min !== undefined || max !== undefined ? "bound in the check's options" : `threshold of '${definition.key}' under metrics:`}.`,
            location,
            model: model.name,
            key,
          });
        }
      }
    }
  }
  if (option(check, 'metric', '') === '' && definitions.length === 0) {
    sink.skip('metrics', 'No metric in the config has a threshold; nothing to compare.');
  }
}
