// The prediction-log telemetry source: JSON Lines and CSV request logs (gzip too) in the workspace, read by the one
// reader in src/core/formats/telemetry/predictionLog.ts with the field mapping of their `telemetry.sources[]` entry.
import path from 'node:path';
import { locationFiles, relativePath } from './locationFiles';
import {
  emptyStats,
  isRequestLogHeader,
  predictionLogFormat,
  readCsvHeader,
  eachPredictionLogEvent,
  readPredictionLog,
  type PredictionLogOptions,
  type PredictionLogStats,
} from '../formats/telemetry/predictionLog';
import { createAggregator, type TelemetryAggregator } from './aggregate';
import { aggregateLogInParts, tailRange, uncompressedSize } from './parallelLog';
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
  // CSV under logs/ only when its header reads as a request log (admitsLog).
  'logs/**/*.csv',
  'logs/**/*.csv.gz',
  'logs/**/*.tsv',
];

/**
 * Whether a discovered file is read as a prediction log: JSON Lines and files named predictions* or requests* are;
 * another CSV or TSV (under logs/) only when its header has a timestamp column and a latency, status, error, model or
 * version column, so a training log or a dataset kept there is left alone.
 */
export async function admitsLog(file: string): Promise<boolean> {
  const name = path.basename(file).toLowerCase();
  if (!/\.(csv|tsv)(\.gz)?$/.test(name) || /^(predictions|requests)/.test(name)) return true;
  const header = await readCsvHeader(file);
  return header !== undefined && isRequestLogHeader(header);
}

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

/** The reader's options for a file of a location. */
function readOptions(
  context: TelemetryReadContext,
  source: TelemetrySourceConfig | undefined,
  file: string,
): PredictionLogOptions {
  const format = source?.format === 'csv' || source?.format === 'jsonl' ? source.format : predictionLogFormat(file);
  return {
    ...(format ? { format } : {}),
    fields: source?.fields ?? {},
    ...(source?.latencyUnit ? { latencyUnit: source.latencyUnit } : {}),
    ...(source?.model ? { model: source.model } : {}),
    features: context.features !== false,
    ...(context.signal ? { signal: context.signal } : {}),
  };
}

/**
 * Reads each file of a location through `readFile` (its events into `stats`), then reports what it found there;
 * a file that cannot be read becomes a problem of its own.
 */
async function* eachFile<T>(
  location: string,
  context: TelemetryReadContext,
  readFile: (file: string, options: PredictionLogOptions, stats: PredictionLogStats) => AsyncIterable<T>,
): AsyncIterable<T> {
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
    const read: TelemetrySourceRead = {
      kind: 'predictionLog',
      location: relative(context.root, file),
      events: 0,
      badLines: 0,
      problems: [],
    };
    try {
      yield* readFile(file, readOptions(context, source, file), stats);
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

function events(location: string, context: TelemetryReadContext): AsyncIterable<TelemetryEvent[]> {
  return eachFile(location, context, (file, options, stats) => readPredictionLog(file, options, stats));
}

/** The events of a location into an aggregator: a large log in parallel parts (parallelLog.ts), others in order. */
async function aggregate(
  location: string,
  query: TelemetryQuery,
  context: TelemetryReadContext,
  into: TelemetryAggregator,
): Promise<void> {
  const files = eachFile(location, context, async function* (file, options, stats) {
    const tuning = context.threads !== undefined ? { cores: context.threads } : {};
    if (!(await aggregateLogInParts(file, options, query, into, stats, tuning)))
      await eachPredictionLogEvent(file, options, stats, (event) => into.add(event));
    yield file;
  });
  for await (const file of files) void file;
}

/** How much of the end of each log the newest-time hint reads. */
export const TAIL_BYTES = 1024 * 1024;

/**
 * The newest event time in the last lines (about TAIL_BYTES) of each file of a location, or undefined when a file is
 * not uncompressed JSON Lines, holds no event there, or cannot be read (the whole read then decides).
 */
async function newestTimeHint(location: string, context: TelemetryReadContext): Promise<number | undefined> {
  const source = configuredSource(context, location);
  const files = await logFiles(context.root, location);
  if (files.length === 0) return undefined;
  let newest = -Infinity;
  for (const file of files) {
    const options = readOptions({ ...context, features: false }, source, file);
    if ((options.format ?? 'jsonl') !== 'jsonl') return undefined;
    try {
      const size = uncompressedSize(file);
      if (size === undefined) return undefined;
      const range = tailRange(file, size, TAIL_BYTES);
      if (!range) return undefined;
      let fileNewest = -Infinity;
      await eachPredictionLogEvent(file, { ...options, range }, emptyStats(), (event) => {
        if (event.time > fileNewest) fileNewest = event.time;
      });
      if (!Number.isFinite(fileNewest)) return undefined;
      if (fileNewest > newest) newest = fileNewest;
    } catch (err) {
      if (context.signal?.aborted) throw err;
      return undefined;
    }
  }
  return newest;
}

async function summarize(
  location: string,
  query: TelemetryQuery,
  context: TelemetryReadContext,
): Promise<TelemetrySummary> {
  const aggregator = createAggregator(query);
  const reads: TelemetrySourceRead[] = [];
  await aggregate(location, query, { ...context, features: false, report: (read) => reads.push(read) }, aggregator);
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
  discovery: { globs: PREDICTION_LOG_GLOBS, maxResults: 50, admits: admitsLog },
  needs: {},
  summarize,
  events,
  aggregate,
  newestTimeHint,
};
