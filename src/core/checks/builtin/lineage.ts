// lineage: each model declares the datasets it is trained on and the metric files that evaluate it, and those
// exist: dataset names are declared under `datasets:`, and every path is on disk (or tracked by DVC).
import { option, throwIfAborted, type CheckRun, type CheckTypeDefinition } from '../checkType';
import { configLocation, selectModels } from '../scope';
import type { CheckContext } from '../types';

export const lineage: CheckTypeDefinition = {
  type: 'lineage',
  title: 'Models declare existing datasets and metrics',
  description:
    'Checks that each model in mlops.yaml names its datasets (declared under `datasets:`) and its metric files, and that the model, dataset and metric paths exist in the workspace (a DVC `.dvc` file counts for data kept outside git). Without lineage nobody can tell what a model was trained on or how it was evaluated.',
  scopes: ['models'],
  defaultSeverity: 'warning',
  needsGit: false,
  rerunOn: ['dvc.yaml', 'dvc.lock', '*.dvc'],
  docsAnchor: '#lineage',
  options: {
    requireDatasets: {
      title: 'Require datasets',
      type: 'boolean',
      description: 'A model must name at least one dataset (default true).',
    },
    requireMetrics: {
      title: 'Require metrics',
      type: 'boolean',
      description: 'A model must name at least one metric file (default true).',
    },
  },
  run: runLineage,
};

/** Whether a path exists, or DVC tracks it (a `<path>.dvc` file, or an `outs` entry). */
async function present(context: CheckContext, path: string): Promise<boolean> {
  const clean = path.replace(/\/+$/, '');
  if (await context.files.stat(clean)) return true;
  if (await context.files.stat(`${clean}.dvc`)) return true;
  return context.git.isDvcTracked(clean);
}

async function runLineage({ context, check, sink, signal }: CheckRun): Promise<void> {
  const requireDatasets = option(check, 'requireDatasets', true);
  const requireMetrics = option(check, 'requireMetrics', true);
  const configName = context.configFile ?? 'the config';
  for (const model of selectModels(context, check)) {
    throwIfAborted(signal);
    const location = configLocation(context, model.position);
    const before = { model: model.name, location };
    let problems = 0;
    const fail = (key: string, message: string, hint: string, dataset?: string): void => {
      problems++;
      sink.fail({ target: model.name, message, hint, location, model: model.name, dataset, key });
    };
    if (!(await present(context, model.path))) {
      fail(
        'model-path',
        `Model '${model.name}': ${model.path} does not exist.`,
        `Fix models[].path in ${configName}, or restore the file (dvc pull / git lfs pull).`,
      );
    }
    if (model.datasets.length === 0 && requireDatasets) {
      fail(
        'datasets',
        `Model '${model.name}' declares no datasets.`,
        `List the data it is trained on: datasets: [<name>] under the model in ${configName}.`,
      );
    }
    for (const name of model.datasets) {
      const dataset = context.config.datasets.find((d) => d.name === name);
      if (!dataset) {
        fail(
          `dataset:${name}`,
          `Model '${model.name}' names dataset '${name}', which is not declared under datasets:.`,
          `Add '${name}' with its path under datasets: in ${configName}, or fix the name.`,
          name,
        );
      } else if (!(await present(context, dataset.path))) {
        fail(
          `dataset-path:${name}`,
          `Dataset '${name}' of model '${model.name}': ${dataset.path} does not exist.`,
          `Fix datasets[].path in ${configName}, or fetch the data (dvc pull).`,
          name,
        );
      }
    }
    if (model.metrics.length === 0 && requireMetrics) {
      fail(
        'metrics',
        `Model '${model.name}' declares no metric files.`,
        `List the files its evaluation writes: metrics: [<path>] under the model in ${configName}.`,
      );
    }
    for (const metricsPath of model.metrics) {
      if (!(await present(context, metricsPath))) {
        fail(
          `metrics-path:${metricsPath}`,
          `Metric file ${metricsPath} of model '${model.name}' does not exist.`,
          `Fix the path under the model's metrics: in ${configName}, or run the evaluation that writes it.`,
        );
      }
    }
    if (problems === 0) {
      sink.pass(
        model.name,
        `${model.datasets.length} dataset(s) and ${model.metrics.length} metric file(s) declared and present`,
        { ...before, key: 'lineage' },
      );
    }
  }
}
