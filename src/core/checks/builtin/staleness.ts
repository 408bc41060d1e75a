// staleness (retraining trigger): a model older than N days, older than the newest version of its datasets, or
// with a metric past its threshold. Every finding is flagged `retrain: true` so the editor raises one alert.
import { ARTIFACT_GLOBS } from '../rerun';
import { option, throwIfAborted, type CheckRun, type CheckTypeDefinition } from '../checkType';
import { boundFor, formatValue, metricLabel, metricLocation, valuesFor, withinBound } from '../metricValues';
import { configLocation, selectModels } from '../scope';
import type { CheckContext } from '../types';

export const staleness: CheckTypeDefinition = {
  type: 'staleness',
  title: 'Models are fresh (retraining trigger)',
  description:
    'Raises a retraining alert for a model whose file was last changed more than `maxAgeDays` days ago (by its last commit, else its modification time), whose datasets changed after it, or whose metrics are past their thresholds. Retrain the model on the current data, or raise the limits if the model is meant to stay as it is.',
  scopes: ['models'],
  defaultSeverity: 'info',
  needsGit: true,
  rerunOn: ['dvc.yaml', 'dvc.lock', '*.dvc', ...ARTIFACT_GLOBS],
  retraining: 'all',
  docsAnchor: '#staleness',
  options: {
    maxAgeDays: {
      title: 'Maximum age (days)',
      type: 'number',
      exclusiveMinimum: 0,
      description: 'Days after which a model is stale (default 90).',
    },
    datasets: {
      title: 'Datasets',
      type: 'boolean',
      description: 'Alert when a dataset changed after the model (default true).',
    },
    metrics: {
      title: 'Metrics',
      type: 'boolean',
      description: 'Alert when a metric is past its threshold (default true).',
    },
  },
  run: runStaleness,
};

const DAY = 86_400_000;

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** When a path last changed: its last commit (or its `.dvc` file's, for DVC data), else its modification time. */
async function changedAt(context: CheckContext, path: string): Promise<number | undefined> {
  const clean = path.replace(/\/+$/, '');
  const repo = await context.git.isRepository();
  if (repo && (await context.files.stat(`${clean}.dvc`))) {
    const dvcDate = await context.git.lastCommitDate(`${clean}.dvc`);
    if (dvcDate !== undefined) return dvcDate;
  }
  if (repo) {
    const date = await context.git.lastCommitDate(clean);
    if (date !== undefined) return date;
  }
  return (await context.files.stat(clean))?.mtimeMs;
}

async function runStaleness({ context, check, sink, signal }: CheckRun): Promise<void> {
  const maxAgeDays = option(check, 'maxAgeDays', 90);
  const checkDatasets = option(check, 'datasets', true);
  const checkMetrics = option(check, 'metrics', true);
  const now = context.now();
  const texts = new Map<string, string | null>();
  for (const model of selectModels(context, check)) {
    throwIfAborted(signal);
    const location = configLocation(context, model.position);
    const modelDate = await changedAt(context, model.path);
    let alerts = 0;
    const alert = (
      key: string,
      message: string,
      hint: string,
      extra: { dataset?: string; location?: typeof location } = {},
    ): void => {
      alerts++;
      sink.fail({
        target: model.name,
        message,
        hint,
        location: extra.location ?? location,
        model: model.name,
        dataset: extra.dataset,
        key,
        retrain: true,
      });
    };
    if (modelDate === undefined) {
      sink.skip(model.name, `${model.path} does not exist; cannot tell its age.`, { model: model.name, location });
      continue;
    }
    const ageDays = Math.floor((now - modelDate) / DAY);
    if (ageDays > maxAgeDays) {
      alert(
        'age',
        `Model '${model.name}' was last updated on ${isoDate(modelDate)}, ${ageDays} days ago (limit ${maxAgeDays}): time to retrain.`,
        'Retrain it on current data, or raise maxAgeDays if it is meant to stay as it is.',
      );
    }
    if (checkDatasets) {
      for (const name of model.datasets) {
        const dataset = context.config.datasets.find((d) => d.name === name);
        if (!dataset) continue;
        const datasetDate = await changedAt(context, dataset.path);
        if (datasetDate !== undefined && datasetDate > modelDate) {
          alert(
            `dataset:${name}`,
            `Dataset '${name}' changed on ${isoDate(datasetDate)}, after model '${model.name}' (${isoDate(modelDate)}): retrain on the new data.`,
            'Retrain and commit the new model, so it matches the data it claims to be trained on.',
            { dataset: name },
          );
        }
      }
    }
    if (checkMetrics) {
      const runs = await context.metrics.current(model.name);
      for (const definition of context.config.metrics) {
        const bound = boundFor(definition);
        if (!bound) continue;
        for (const { run, series, value, split } of valuesFor(runs, definition.key)) {
          if (withinBound(value, bound)) continue;
          alert(
            `metric:${definition.key}|${split ?? ''}|${series.key}`,
            `Model '${model.name}': ${metricLabel(definition.key, split)} is ${formatValue(value, definition.unit)}, past its threshold ${formatValue(bound.value, definition.unit)}: retraining may be due.`,
            'Retrain or investigate drift in the input data.',
            { location: (await metricLocation(context, run, series.key, texts)) ?? location },
          );
        }
      }
    }
    if (alerts === 0)
      sink.pass(
        model.name,
        `updated ${isoDate(modelDate)} (${ageDays} days ago), newer than its data, metrics within thresholds`,
        { model: model.name, location, key: 'fresh' },
      );
  }
}
