// The prediction-log telemetry source: JSON Lines and CSV request logs (gzip too) in the workspace, read by the one
// reader in src/core/formats/telemetry/predictionLog.ts with the field mapping of their `telemetry.sources[]` entry.
import { locationFiles, relativePath } from './locationFiles';
import {
  emptyStats,
  predictionLogFormat,
  readPredictionLog,
  type PredictionLogStats,
} from '../formats/telemetry/predictionLog';
import { createAggregator } from './aggregate';
import type {
  TelemetryEvent,
  TelemetryProblem,
  TelemetryQuery,
  TelemetryReadContext,
  TelemetrySourceConfig,
  TelemetrySourceDefinition,
  TelemetrySourceRead,
  TelemetrySummary,
} from './types';

/** Files a folder or a glob may expand to. */
export const MAX_LOG_FILES = 200;
const LOG_FILE = /\.(jsonl|ndjson|csv|tsv)(\.gz)?$/i;

/** Where discovery looks when mlops.yaml names no source. */
export const PREDICTION_LOG_GLOBS: readonly string[] = [
  'logs/**/*.jsonl',
  'logs/**/*.jsonl.gz',
  'logs/**/*.ndjson',
  '**/predictions*.jsonl',
  '**/predictions*.jsonl.gz',
  '**/predictions*.csv',
  '**/predictions*.csv.gz',
  '**/requests*.jsonl',
  '**/requests*.jsonl.gz',
];

const relative = relativePath;

/** The configured source a location stands for (same path), or undefined for a discovered file. */
export function configuredSource(context: TelemetryReadContext, location: string): TelemetrySourceConfig | undefined {
  const normalized = location.replace(/\\/g, '/').replace(/^\.\//, '');
  return context.config.sources.find((s) => s.path.replace(/\\/g, '/').replace(/^\.\//, '') === normalized);
}

/** The log files of a location: a file, a folder (its log files) or a glob, relative to the root or absolute. */
export function logFiles(root: string, location: string): Promise<string[]> {
  return locationFiles(root, location, LOG_FILE, MAX_LOG_FILES);
}

/** The problems of a read: one line about the bad lines, then the first few with their numbers. */
export function badLineProblems(file: string, stats: PredictionLogStats): TelemetryProblem[] {
  if (stats.badLines === 0) return [];
  const problems: TelemetryProblem[] = [
    {
      severity: 'warning',
      message: `${file}: ${stats.badLines} of ${stats.lines} lines could not be read (first at line ${stats.bad[0]?.line ?? '?'}).`,
      file,
    },
  ];
  for (const bad of stats.bad) problems.push({ severity: 'warning', message: bad.message, file, line: bad.line });
  return problems;
}

async function* events(location: string, context: TelemetryReadContext): AsyncIterable<TelemetryEvent[]> {
  const source = configuredSource(context, location);
  const files = await logFiles(context.root, location);
  if (files.length === 0)
    context.report?.({
      kind: 'predictionLog',
      location,
      events: 0,
      badLines: 0,
      problems: [{ severity: 'warning', message: `${location} matches no log file.`, file: location }],
    });
  for (const file of files) {
    const stats = emptyStats();
    const format = source?.format === 'csv' || source?.format === 'jsonl' ? source.format : predictionLogFormat(file);
    const read: TelemetrySourceRead = {
      kind: 'predictionLog',
      location: relative(context.root, file),
      events: 0,
      badLines: 0,
      problems: [],
    };
    try {
      yield* readPredictionLog(
        file,
        {
          ...(format ? { format } : {}),
          fields: source?.fields ?? {},
          ...(source?.latencyUnit ? { latencyUnit: source.latencyUnit } : {}),
          ...(source?.model ? { model: source.model } : {}),
          features: context.features !== false,
          ...(context.signal ? { signal: context.signal } : {}),
        },
        stats,
      );
    } catch (err) {
      if (context.signal?.aborted) throw err;
      read.problems.push({
        severity: 'error',
        message: err instanceof Error ? err.message : String(err),
        file: read.location,
      });
    }
    read.events = stats.events;
    read.badLines = stats.badLines;
    for (const problem of badLineProblems(read.location, stats)) read.problems.push(problem);
    context.report?.(read);
  }
}

async function summarize(
  location: string,
  query: TelemetryQuery,
  context: TelemetryReadContext,
): Promise<TelemetrySummary> {
  const aggregator = createAggregator(query);
  const reads: TelemetrySourceRead[] = [];
  for await (const batch of events(location, { ...context, report: (read) => reads.push(read) }))
    for (const event of batch) aggregator.add(event);
  return {
    ...aggregator.finish(),
    sources: reads.map((r) => ({ kind: r.kind, location: r.location, events: r.events, badLines: r.badLines })),
    problems: reads.flatMap((r) => r.problems),
  };
}

export const predictionLogSource: TelemetrySourceDefinition = {
  kind: 'predictionLog',
  label: 'Prediction log',
  description: 'JSON Lines or CSV request logs (gzip too), one record per prediction.',
  discovery: { globs: PREDICTION_LOG_GLOBS, maxResults: 50 },
  needs: {},
  summarize,
  events,
};
