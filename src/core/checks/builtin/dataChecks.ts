// data-schema and data-drift: a dataset's working-tree version against the `schema:` of its mlops.yaml entry, and
// against a reference version with the drift tests of src/core/data/drift.ts. Findings sit at the column's line in
// mlops.yaml; a drifted dataset is a retraining trigger (`retrain: true`), so the editor raises one alert and the
// stage gate sees it.
import { diffAt, formatFor } from '../../data/dataset';
import { type DatasetConfig } from '../../formats/mlopsYaml/model';
import {
  readDatasetSchema,
  readDriftConfig,
  validateDataset,
  violationMessage,
  violationPosition,
} from '../../data/schema';
import { datasetAt, datasetHistory, NotInCacheError, WORKSPACE } from '../../data/versions';
import { type DataFormat, formatOf } from '../../formats/data/source';
import { throwIfAborted, type CheckRun, type CheckTypeDefinition } from '../checkType';
import { configLocation, selectDatasets } from '../scope';
import type { CheckContext, Location } from '../types';

const DATA_GLOBS = ['*.csv', '*.tsv', '*.jsonl', '*.ndjson', '*.parquet', '*.dvc', 'dvc.lock'];

/** The location of `datasets[i].<path...>` in mlops.yaml, falling back to shorter paths, then to the entry. */
function at(context: CheckContext, dataset: DatasetConfig, ...paths: (string | number)[][]): Location | undefined {
  const index = context.config.datasets.indexOf(dataset);
  for (const p of paths) {
    const position = context.positionOf?.(['datasets', index, ...p]);
    if (position) return configLocation(context, position);
  }
  return configLocation(context, dataset.position);
}

function readable(dataset: DatasetConfig): string | undefined {
  if (dataset.format && !['csv', 'tsv', 'jsonl', 'parquet'].includes(dataset.format))
    return `format '${dataset.format}' is not profiled (CSV, TSV, JSON Lines and Parquet are)`;
  if (!dataset.format && !formatOf(dataset.path))
    return `${dataset.path} is not a CSV, TSV, JSON Lines or Parquet file`;
  return undefined;
}

export const dataSchema: CheckTypeDefinition = {
  type: 'data-schema',
  title: 'Datasets match their schema',
  description:
    "Validates each dataset that has a `schema:` in mlops.yaml: column types, missing values, min/max, allowed values, patterns, uniqueness, row counts and freshness. A finding names the rule, how many rows break it and the first of them (1-based data rows). Fix the data, or edit the schema if the data is right ('MLOps: Infer Dataset Schema' writes one from a profile).",
  scopes: ['datasets'],
  defaultSeverity: 'error',
  needsGit: false,
  rerunOn: DATA_GLOBS,
  docsAnchor: '#data-schema',
  options: {},
  async run({ context, check, sink, signal }: CheckRun): Promise<void> {
    for (const dataset of selectDatasets(context, check)) {
      throwIfAborted(signal);
      const schema = readDatasetSchema(dataset.schema);
      const location = configLocation(context, dataset.position);
      if (!schema) {
        sink.skip(dataset.name, 'no schema: in mlops.yaml', { dataset: dataset.name, location });
        continue;
      }
      const unreadable = readable(dataset);
      if (unreadable) {
        sink.skip(dataset.name, unreadable, { dataset: dataset.name, location });
        continue;
      }
      let bytes;
      try {
        bytes = await datasetAt(context.root, dataset.path, WORKSPACE);
      } catch (err) {
        sink.skip(dataset.name, (err as Error).message, { dataset: dataset.name, location });
        continue;
      }
      let lastChange: Date | undefined;
      if (schema.freshnessMs !== undefined) {
        const clean = dataset.path.replace(/\/+$/, '');
        const ms =
          ((await context.git.isRepository()) &&
            ((await context.git.lastCommitDate(`${clean}.dvc`)) ?? (await context.git.lastCommitDate(clean)))) ||
          (await context.files.stat(clean))?.mtimeMs;
        if (ms) lastChange = new Date(ms);
      }
      const result = await validateDataset(
        bytes.source,
        formatFor(dataset.path, dataset.format as DataFormat | undefined),
        schema,
        {
          lastChange,
          now: new Date(context.now()),
        },
      );
      for (const v of result.violations) {
        const where = configLocation(
          context,
          violationPosition(context.positionOf, context.config.datasets.indexOf(dataset), dataset, v),
        );
        sink.fail({
          target: dataset.name,
          message: violationMessage(dataset.name, v),
          hint: 'Fix the data, or change the schema in mlops.yaml if the data is right.',
          location: where,
          dataset: dataset.name,
          key: `${v.rule}:${v.column ?? ''}`,
        });
      }
      if (result.violations.length === 0)
        sink.pass(dataset.name, `${result.rows} rows match the schema`, {
          dataset: dataset.name,
          location,
          key: 'schema',
        });
    }
  },
};

export const dataDrift: CheckTypeDefinition = {
  type: 'data-drift',
  title: 'Datasets have not drifted (retraining trigger)',
  description:
    "Compares each dataset's working-tree version with a reference version (`drift.reference` in mlops.yaml, by default the version before its last change) using Evidently's defaults: KS, chi-squared or Z-test up to 1,000 reference rows (p < 0.05), Wasserstein distance over the reference's standard deviation or Jensen-Shannon distance above (>= 0.1); the dataset drifts when half its columns do. A drifted dataset raises a retraining alert. Retrain on the new data, or set `drift.reference` to the version the model was trained on.",
  scopes: ['datasets'],
  defaultSeverity: 'warning',
  needsGit: true,
  rerunOn: DATA_GLOBS,
  retraining: 'failures',
  docsAnchor: '#data-drift',
  options: {},
  async run({ context, check, sink, signal }: CheckRun): Promise<void> {
    for (const dataset of selectDatasets(context, check)) {
      throwIfAborted(signal);
      const location = configLocation(context, dataset.position);
      const unreadable = readable(dataset);
      if (unreadable) {
        sink.skip(dataset.name, unreadable, { dataset: dataset.name, location });
        continue;
      }
      const config = readDriftConfig(dataset.drift);
      let reference = config.reference;
      if (!reference) {
        const history = await datasetHistory(context.root, dataset.path).catch(() => undefined);
        const previous = history?.changes[1];
        if (!previous) {
          sink.skip(dataset.name, 'one version only: nothing to compare with', { dataset: dataset.name, location });
          continue;
        }
        reference = previous.commit;
      }
      const current = config.current ?? WORKSPACE;
      let report;
      try {
        ({ report } = await diffAt(
          {
            root: context.root,
            path: dataset.path,
            reference,
            current,
            format: formatFor(dataset.path, dataset.format as DataFormat | undefined),
          },
          config,
        ));
      } catch (err) {
        const message = err instanceof NotInCacheError ? err.message : `cannot compare: ${(err as Error).message}`;
        sink.skip(dataset.name, message, { dataset: dataset.name, location });
        continue;
      }
      throwIfAborted(signal);
      const ref = reference.length === 40 ? reference.slice(0, 8) : reference;
      const summary = `${report.columns.filter((c) => c.drifted).length} of ${report.columns.length} columns drifted since ${ref} (share ${report.share.toFixed(2)}, threshold ${report.shareThreshold})`;
      if (!report.drifted) {
        sink.pass(dataset.name, `no dataset drift: ${summary}`, { dataset: dataset.name, location, key: 'drift' });
        continue;
      }
      for (const c of report.columns.filter((x) => x.drifted)) {
        const kind = c.test === 'ks' || c.test === 'chi-squared' || c.test === 'z-test' ? 'p' : 'distance';
        sink.fail({
          target: dataset.name,
          message: `Dataset '${dataset.name}' drifted on '${c.column}': ${c.test} ${kind} ${c.score.toPrecision(3)} (threshold ${c.threshold}); ${summary}.`,
          hint: 'Retrain the models that use it on the new data, or set drift.reference to the version they were trained on.',
          location: at(context, dataset, ['drift', 'columns', c.column], ['schema', 'columns', c.column], ['drift']),
          dataset: dataset.name,
          key: `drift:${c.column}`,
          retrain: true,
        });
      }
    }
  },
};
