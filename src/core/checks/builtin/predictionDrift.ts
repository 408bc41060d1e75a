// prediction-drift: the input features the prediction logs record (the event sources of the telemetry list, as
// configured in `telemetry.sources` or discovered) against the training dataset named in `telemetry.drift`, window by
// window, with the data drift engine (src/core/telemetry/drift.ts over src/core/data/drift.ts) and the dataset's own
// `drift:` options. Each drift episode (consecutive drifted windows) is one finding at `telemetry.drift` in mlops.yaml,
// flagged as a retraining trigger, so the editor raises one retraining alert for it and the stage gate sees it.
import { collectAt, formatFor } from '../../data/dataset';
import { readDriftConfig } from '../../data/schema';
import { WORKSPACE } from '../../data/versions';
import { type DataFormat } from '../../formats/data/source';
import { DURATION_PATTERN, parseDuration, readTelemetryConfig } from '../../telemetry/config';
import { episodeRange, predictionDrift as judgeDrift, type DriftEpisode } from '../../telemetry/drift';
import { plannedReads } from '../../telemetry/summarize';
import type { TelemetryEvent, TelemetryProblem, TelemetryReadContext } from '../../telemetry/types';
import { option, optionalOption, throwIfAborted, type CheckRun, type CheckTypeDefinition } from '../checkType';
import { configLocation, selectModels } from '../scope';

const DEFAULT_WINDOW = '1d';
const DEFAULT_LOOKBACK = '7d';
const DEFAULT_MIN_EVENTS = 200;

const P_VALUE_TESTS = new Set(['ks', 'chi-squared', 'z-test']);

/** "amount (wasserstein distance 0.468), merchant_category (jensen-shannon distance 0.158)" */
function columnsText(episode: DriftEpisode): string {
  return episode.columns
    .map((c) => `${c.column} (${c.test} ${P_VALUE_TESTS.has(c.test) ? 'p' : 'distance'} ${c.score.toPrecision(3)})`)
    .join(', ');
}

export const predictionDrift: CheckTypeDefinition = {
  type: 'prediction-drift',
  title: 'Logged model inputs have not drifted from the training data (retraining trigger)',
  description:
    "Compares the input features the prediction logs record (telemetry.sources in mlops.yaml, or the logs found under logs/) with the training dataset named in telemetry.drift, one window at a time (a UTC day by default, over the last 7 days of the log), with the data drift engine and that dataset's drift: options (Evidently's tests and thresholds; the window drifts when the share of drifted features reaches the dataset's share). Consecutive drifted windows are one drift episode, reported once and raising one retraining alert. Retrain on data that looks like what the model now serves, or find out what changed upstream.",
  scopes: ['models'],
  defaultSeverity: 'warning',
  needsGit: false,
  rerunOn: ['*.jsonl', '*.ndjson', '*.jsonl.gz', '*.ndjson.gz', '*.csv', '*.csv.gz', '*.tsv', '*.parquet', '*.dvc'],
  retraining: 'failures',
  docsAnchor: '#prediction-drift',
  options: {
    window: {
      type: 'string',
      pattern: DURATION_PATTERN,
      description: 'The width of one window judged, e.g. 1h, 12h, 1d (default 1d; windows are aligned to UTC).',
    },
    lookback: {
      type: 'string',
      pattern: DURATION_PATTERN,
      description: 'How far back from the newest logged request windows are judged (default 7d).',
    },
    minEvents: {
      type: 'integer',
      minimum: 1,
      description: 'Windows with fewer logged requests are not judged (default 200).',
    },
  },
  async run({ context, check, sink, signal }: CheckRun): Promise<void> {
    const models = selectModels(context, check);
    if (models.length === 0) return;
    const telemetry = readTelemetryConfig(context.config.telemetry, context.positionOf);
    const driftConfig = telemetry.drift;
    const location = configLocation(
      context,
      context.positionOf?.(['telemetry', 'drift', 'dataset']) ?? context.positionOf?.(['telemetry']),
    );
    const skipAll = (message: string): void => {
      for (const model of models) sink.skip(model.name, message, { model: model.name, location });
    };
    if (!driftConfig) {
      skipAll('no telemetry.drift in mlops.yaml: name the training dataset the logged features are compared with');
      return;
    }
    const dataset = context.config.datasets.find((d) => d.name === driftConfig.dataset);
    const datasetPath = dataset?.path ?? driftConfig.dataset;
    const datasetName = dataset?.name ?? driftConfig.dataset;
    let reference;
    try {
      reference = await collectAt({
        root: context.root,
        path: datasetPath,
        revision: WORKSPACE,
        format: formatFor(datasetPath, dataset?.format as DataFormat | undefined),
      });
    } catch (err) {
      skipAll(`cannot read the training dataset ${datasetPath}: ${(err as Error).message}`);
      return;
    }
    throwIfAborted(signal);

    const readContext: TelemetryReadContext = { root: context.root, config: telemetry, logger: context.logger, signal };
    const problems: TelemetryProblem[] = [];
    const reads = (await plannedReads(readContext, {}, problems)).filter((r) => r.definition.events !== undefined);
    if (reads.length === 0) {
      skipAll('no prediction log: name one in telemetry.sources in mlops.yaml');
      return;
    }
    const readProblems: TelemetryProblem[] = [];
    async function* events(): AsyncIterable<TelemetryEvent[]> {
      for (const { definition, location: where } of reads) {
        if (!definition.events) continue;
        try {
          const report = (read: { problems: TelemetryProblem[] }): void => {
            for (const problem of read.problems) readProblems.push(problem);
          };
          yield* definition.events(where, { ...readContext, report });
        } catch (err) {
          throwIfAborted(signal);
          readProblems.push({ severity: 'error', message: `${where}: ${(err as Error).message}`, file: where });
        }
      }
    }

    const window = option<string>(check, 'window', DEFAULT_WINDOW);
    const lookback = option<string>(check, 'lookback', DEFAULT_LOOKBACK);
    const windowMs = parseDuration(window) ?? 86_400_000;
    const results = await judgeDrift(
      events(),
      { path: datasetPath, revision: WORKSPACE, columns: reference.columns },
      {
        windowMs,
        lookbackMs: parseDuration(lookback) ?? 7 * 86_400_000,
        minEvents: optionalOption<number>(check, 'minEvents') ?? DEFAULT_MIN_EVENTS,
        models: models.map((m) => m.name),
        ...(driftConfig.features ? { features: driftConfig.features } : {}),
        drift: readDriftConfig(dataset?.drift),
      },
    );
    throwIfAborted(signal);
    const unreadable = readProblems.find((p) => p.severity === 'error');

    for (const model of models) {
      const result = results.find((r) => r.model === model.name);
      const extra = { model: model.name, dataset: datasetName, location };
      if (!result || result.withFeatures === 0) {
        const why = !result
          ? `no logged requests of ${model.name}${unreadable ? ` (${unreadable.message})` : ''}`
          : `the logs record no input features of ${model.name} (telemetry.sources[].fields.features)`;
        sink.skip(model.name, why, extra);
        continue;
      }
      const judged = result.windows.filter((w) => w.report);
      if (judged.length === 0) {
        sink.skip(
          model.name,
          `no window of ${window} in the last ${lookback} has ${optionalOption<number>(check, 'minEvents') ?? DEFAULT_MIN_EVENTS} logged requests`,
          extra,
        );
        continue;
      }
      if (result.episodes.length === 0) {
        sink.pass(
          model.name,
          `no prediction drift: ${judged.length} windows of ${window} in the last ${lookback} match '${datasetName}'`,
          { ...extra, key: 'prediction-drift' },
        );
        continue;
      }
      for (const episode of result.episodes) {
        const windows = episode.windows === 1 ? `1 window of ${window}` : `${episode.windows} windows of ${window}`;
        sink.fail({
          target: model.name,
          message: `The inputs logged for '${model.name}' drifted from the training data '${datasetName}' from ${episodeRange(episode)} (${windows}, ${episode.events} requests): ${columnsText(episode)}; up to ${episode.columns.length} of ${episode.tested} features drifted (share ${episode.share.toFixed(2)}, threshold ${episode.shareThreshold}).`,
          hint: 'Retrain on data like what the model now serves, or find out what changed in the callers or upstream data.',
          ...extra,
          key: `episode:${new Date(episode.from).toISOString()}`,
          retrain: true,
        });
      }
    }
  },
};
