// The `otlp` telemetry source: OpenTelemetry OTLP JSON files (spans and duration histograms) in the workspace, read
// by the one OTLP reader (src/core/formats/otlp/read.ts). Spans go through the one aggregator as events; histograms
// (which are counts already) give the figures of the models and versions no span speaks of, with percentiles
// interpolated within buckets as Prometheus's histogram_quantile does.
//
// A location is a file, a folder (its OTLP JSON files, not its subfolders) or a glob, relative to the workspace
// folder; `telemetry.sources[]` entries with the same path give the field names, the model and the latency unit.
import fs from 'node:fs';
import path from 'node:path';
import { walkingFinder } from '../metrics/sources/discover';
import { errorMessage } from '../logging';
import { histogramDeltas, histogramGroups } from '../formats/otlp/histogram';
import {
  looksLikeOtlp,
  OtlpFormatError,
  readOtlpFile,
  type OtlpHistogramPoint,
  type OtlpReadOptions,
} from '../formats/otlp/read';
import { createAggregator } from './aggregate';
import type {
  TelemetryEvent,
  TelemetryProblem,
  TelemetryQuery,
  TelemetryReadContext,
  TelemetrySourceDefinition,
  TelemetrySummary,
} from './types';

/** Bad lines listed one by one in a summary's problems (the rest are counted). */
const LISTED_BAD_LINES = 5;
/** Files a folder or a glob may stand for. */
const MAX_FILES = 200;
const EVENT_BATCH = 5000;
const OTLP_NAME = /\.(json|jsonl|ndjson)(\.gz)?$/i;

export const OTLP_GLOBS: readonly string[] = [
  '**/*.otlp.{json,jsonl}',
  '**/*.otlp.{json,jsonl}.gz',
  '**/{otel,otlp,opentelemetry}/**/*.{json,jsonl}',
  '**/{otel,otlp,opentelemetry}/**/*.{json,jsonl}.gz',
];

export const otlpSource: TelemetrySourceDefinition = {
  kind: 'otlp',
  label: 'OpenTelemetry (OTLP JSON)',
  description:
    'OTLP JSON files as the OpenTelemetry file exporters write them (spans, and http.server.request.duration histograms), mapped through the semantic conventions.',
  discovery: { globs: OTLP_GLOBS, maxResults: 50 },
  needs: {},
  summarize: summarizeOtlp,
  events: otlpEvents,
};

/** The read options of a location: the `telemetry.sources[]` entry with the same path, if any. */
function optionsFor(location: string, context: TelemetryReadContext): OtlpReadOptions {
  const entry = context.config.sources.find((s) => s.path === location);
  const options: OtlpReadOptions = {};
  if (entry) {
    options.fields = entry.fields;
    if (entry.model) options.model = entry.model;
    if (entry.latencyUnit) options.latencyUnit = entry.latencyUnit;
  }
  if (context.signal) options.signal = context.signal;
  return options;
}

/** The files a location stands for (absolute paths) and what was wrong with it. */
async function filesOf(
  location: string,
  context: TelemetryReadContext,
): Promise<{ files: string[]; problem?: string }> {
  const full = path.resolve(context.root, location);
  if (/[*?[\]{}]/.test(location)) {
    const found = await walkingFinder(context.root)(location.split(path.sep).join('/'), MAX_FILES);
    return found.length ? { files: found } : { files: [], problem: `No file matches ${location}.` };
  }
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(full);
  } catch {
    return { files: [], problem: `${location} does not exist.` };
  }
  if (!stat.isDirectory()) return { files: [full] };
  const names = (await fs.promises.readdir(full)).filter((n) => OTLP_NAME.test(n)).sort();
  return names.length
    ? { files: names.slice(0, MAX_FILES).map((n) => path.join(full, n)) }
    : { files: [], problem: `${location} has no .json or .jsonl files.` };
}

/** Whether a file starts like OTLP JSON (gzip files are taken on trust: the reader says if they are not). */
async function startsLikeOtlp(file: string): Promise<boolean> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    return (bytes[0] === 0x1f && bytes[1] === 0x8b) || bytesRead === 0 || looksLikeOtlp(bytes);
  } finally {
    await handle.close();
  }
}

async function summarizeOtlp(
  location: string,
  query: TelemetryQuery,
  context: TelemetryReadContext,
): Promise<TelemetrySummary> {
  const problems: TelemetryProblem[] = [];
  const relative = (file: string): string => path.relative(context.root, file).split(path.sep).join('/');
  const { files, problem } = await filesOf(location, context);
  if (problem) problems.push({ severity: 'warning', message: problem });
  const options = optionsFor(location, context);
  const aggregator = createAggregator(query);
  const points: OtlpHistogramPoint[] = [];
  let events = 0;
  let badLines = 0;
  for (const file of files) {
    const rel = relative(file);
    try {
      if (!(await startsLikeOtlp(file))) {
        problems.push({
          severity: 'warning',
          file: rel,
          message: `${rel} is not OTLP JSON (it does not start with resourceSpans or resourceMetrics); name its format in telemetry.sources if it is a prediction log.`,
        });
        continue;
      }
      let listed = 0;
      let fileBad = 0;
      const stats = await readOtlpFile(
        file,
        {
          event: (event) => aggregator.add(event),
          histogram: (point) => points.push(point),
          bad: (line, reason) => {
            fileBad++;
            if (listed++ < LISTED_BAD_LINES)
              problems.push({ severity: 'warning', file: rel, line, message: `${rel}:${line}: ${reason}` });
          },
        },
        options,
      );
      events += stats.events;
      badLines += fileBad;
      if (fileBad > LISTED_BAD_LINES)
        problems.push({
          severity: 'warning',
          file: rel,
          message: `${rel}: ${fileBad} records could not be read (the first ${LISTED_BAD_LINES} are listed).`,
        });
    } catch (err) {
      if (context.signal?.aborted) throw err;
      const line = err instanceof OtlpFormatError ? err.line : undefined;
      problems.push({
        severity: 'error',
        file: rel,
        ...(line !== undefined ? { line } : {}),
        message: errorMessage(err),
      });
      context.logger?.warn(`OTLP: ${errorMessage(err)}`);
    }
  }
  const fromSpans = aggregator.finish();
  let summary: Omit<TelemetrySummary, 'sources' | 'problems'> = fromSpans;
  if (points.length) {
    const spanKeys = new Set(fromSpans.groups.map((g) => g.key));
    const hasSpans = fromSpans.groups.length > 0;
    const fromHistograms = histogramGroups(histogramDeltas(points), query, hasSpans ? fromSpans.bucketMs : undefined);
    const extra = fromHistograms.groups.filter((g) => !spanKeys.has(g.key));
    if (extra.length) {
      problems.push({
        severity: 'info',
        message: `Latency percentiles of ${extra.map((g) => g.key || 'all requests').join(', ')} are estimated from histogram buckets (linear interpolation within a bucket, as Prometheus's histogram_quantile).`,
      });
      summary = hasSpans
        ? {
            from: Math.min(fromSpans.from, fromHistograms.from),
            to: Math.max(fromSpans.to, fromHistograms.to),
            bucketMs: fromSpans.bucketMs,
            groups: [...fromSpans.groups, ...extra].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
            percentiles: { exact: false },
          }
        : {
            from: fromHistograms.from,
            to: fromHistograms.to,
            bucketMs: fromHistograms.bucketMs,
            groups: fromHistograms.groups,
            percentiles: { exact: false },
          };
    }
    if (extra.length < fromHistograms.groups.length)
      problems.push({
        severity: 'info',
        message: 'Histograms of versions that also have spans were left out: their spans were counted.',
      });
  }
  if (files.length && events === 0 && points.length === 0 && !problems.some((p) => p.severity === 'error'))
    problems.push({
      severity: 'info',
      message: `${location}: no server spans and no request-duration histograms were found.`,
    });
  return {
    ...summary,
    sources: [{ kind: 'otlp', location, events, badLines }],
    problems,
  };
}

async function* otlpEvents(location: string, context: TelemetryReadContext): AsyncIterable<TelemetryEvent[]> {
  const { files } = await filesOf(location, context);
  const options = optionsFor(location, context);
  for (const file of files) {
    if (!(await startsLikeOtlp(file))) continue;
    const batch: TelemetryEvent[] = [];
    const batches: TelemetryEvent[][] = [];
    // A file's events are handed out once it is read (OTLP files are written in rotated pieces, not gigabytes).
    await readOtlpFile(
      file,
      {
        event: (event) => {
          batch.push(event);
          if (batch.length >= EVENT_BATCH) batches.push(batch.splice(0));
        },
        histogram: () => undefined,
        bad: () => undefined,
      },
      options,
    );
    if (batch.length) batches.push(batch.splice(0));
    for (const b of batches) yield b;
  }
}
