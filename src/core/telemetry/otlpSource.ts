// The `otlp` telemetry source: OpenTelemetry OTLP JSON files (spans and request-duration histograms) in the workspace,
// read by the one OTLP reader (src/core/formats/otlp/read.ts). Server spans are events; histograms give the events
// of the model versions no span in the location speaks of (their requests spread within their buckets, see
// src/core/formats/otlp/histogram.ts), so a service exporting both traces and metrics is not counted twice. Events go
// through the one aggregator like every other event source.
//
// A location is a file, a folder (its .json, .jsonl and .ndjson files, gzip too) or a glob, relative to the workspace
// folder; the `telemetry.sources[]` entry with the same path gives the field names, the model and the latency unit.
import fs from 'node:fs';
import { fileHead } from '../formats/fileHead';
import { locationFiles, relativePath } from './locationFiles';
import { exponentialRelativeError } from '../formats/otlp/exponential';
import { histogramDeltas, HistogramSpreader } from '../formats/otlp/histogram';
import {
  looksLikeOtlp,
  OtlpFormatError,
  readOtlpFile,
  type OtlpHistogramPoint,
  type OtlpReadOptions,
} from '../formats/otlp/read';
import { combinePercentiles, createAggregator } from './aggregate';
import { configuredSource } from './predictionLogSource';
import type {
  TelemetryEvent,
  TelemetryProblem,
  TelemetryQuery,
  TelemetryReadContext,
  TelemetrySourceDefinition,
  TelemetrySourceRead,
  TelemetrySummary,
} from './types';

/** Bad lines listed one by one in a file's problems (the rest are counted). */
const LISTED_BAD_LINES = 5;
/** Files a folder or a glob may stand for. */
const MAX_FILES = 200;
const EVENT_BATCH = 5000;
/** Requests of histograms turned into events per location; more (a count no file of one service holds) is refused. */
export const MAX_HISTOGRAM_REQUESTS = 50_000_000;
const OTLP_NAME = /\.(json|jsonl|ndjson)(\.gz)?$/i;
const OTLP_FOLDER = /^(otel|otlp|opentelemetry)$/;

/** Where discovery looks when mlops.yaml names no source. */
export const OTLP_GLOBS: readonly string[] = [
  '**/*.otlp.{json,jsonl}',
  '**/*.otlp.{json,jsonl}.gz',
  '**/{otel,otlp,opentelemetry}/**/*.{json,jsonl}',
  '**/{otel,otlp,opentelemetry}/**/*.{json,jsonl}.gz',
];

const relative = relativePath;

/** The OTLP files of a location: a file, a folder (its OTLP-named files) or a glob, relative to the root or absolute. */
function otlpFiles(root: string, location: string): Promise<string[]> {
  return locationFiles(root, location, OTLP_NAME, MAX_FILES, `${location}: no such file or folder.`);
}

/** Whether a file starts like OTLP JSON (gzip files are taken on trust: the reader says if they are not). */
async function startsLikeOtlp(file: string): Promise<boolean> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return (head[0] === 0x1f && head[1] === 0x8b) || bytesRead === 0 || looksLikeOtlp(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** Whether a file's first bytes are OTLP JSON; a gzip file is looked at through its first decompressed bytes. */
export async function isOtlpFile(file: string): Promise<boolean> {
  const head = await fileHead(file, 4096);
  return head !== undefined && looksLikeOtlp(head);
}

/**
 * The locations of discovered files: an otel/otlp/opentelemetry folder as a whole (so the traces and the metrics a
 * service exports side by side are one location and its requests are not counted twice), other files on their own.
 */
export function otlpLocations(files: readonly string[], root: string): string[] {
  const locations = new Set<string>();
  for (const file of files) {
    const parts = relative(root, file).split('/');
    const at = parts.findIndex((part, i) => i < parts.length - 1 && OTLP_FOLDER.test(part));
    locations.add(at >= 0 ? parts.slice(0, at + 1).join('/') : parts.join('/'));
  }
  const all = [...locations].sort();
  return all.filter((l) => !all.some((other) => other !== l && l.startsWith(`${other}/`)));
}

const keyOf = (e: { model: string; version: string }): string => `${e.model}@${e.version}`;

async function* events(location: string, context: TelemetryReadContext): AsyncIterable<TelemetryEvent[]> {
  const source = configuredSource(context, location);
  const options: OtlpReadOptions = {
    fields: source?.fields ?? {},
    ...(source?.model ? { model: source.model } : {}),
    ...(source?.latencyUnit ? { latencyUnit: source.latencyUnit } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
  };
  const files = await otlpFiles(context.root, location);
  const spanKeys = new Set<string>();
  /** Files with histograms: reported once their events are known. */
  const pending: { read: TelemetrySourceRead; points: OtlpHistogramPoint[] }[] = [];
  for (const file of files) {
    const read: TelemetrySourceRead = {
      kind: 'otlp',
      location: relative(context.root, file),
      events: 0,
      badLines: 0,
      problems: [],
    };
    const spans: TelemetryEvent[] = [];
    const points: OtlpHistogramPoint[] = [];
    try {
      if (!(await startsLikeOtlp(file))) {
        read.problems.push({
          severity: 'warning',
          file: read.location,
          message: `${read.location} is not OTLP JSON (it does not start with resourceSpans or resourceMetrics); if it is a prediction log, name it in telemetry.sources with format: jsonl.`,
        });
        context.report?.(read);
        continue;
      }
      await readOtlpFile(
        file,
        {
          event: (event) => spans.push(event),
          histogram: (point) => points.push(point),
          bad: (line, reason) => {
            if (read.badLines++ < LISTED_BAD_LINES)
              read.problems.push({
                severity: 'warning',
                file: read.location,
                line,
                message: `${read.location}:${line}: ${reason}`,
              });
          },
        },
        options,
      );
    } catch (err) {
      if (context.signal?.aborted) throw err;
      const line = err instanceof OtlpFormatError ? err.line : undefined;
      read.problems.push({
        severity: 'error',
        file: read.location,
        ...(line !== undefined ? { line } : {}),
        message: err instanceof Error ? err.message : String(err),
      });
    }
    if (read.badLines > LISTED_BAD_LINES)
      read.problems.push({
        severity: 'warning',
        file: read.location,
        message: `${read.location}: ${read.badLines} records could not be read (the first ${LISTED_BAD_LINES} are listed).`,
      });
    for (const span of spans) spanKeys.add(keyOf(span));
    read.events = spans.length;
    for (let at = 0; at < spans.length; at += EVENT_BATCH) yield spans.slice(at, at + EVENT_BATCH);
    if (points.length) pending.push({ read, points });
    else context.report?.(read);
  }

  // Histograms of the versions no span here speaks of; the notes go with the first file of histograms.
  const estimated = new Set<string>();
  const skipped = new Set<string>();
  const intervals = pending.map(({ read, points }) => ({
    read,
    deltas: histogramDeltas(points).filter((delta) => {
      const key = keyOf(delta);
      (spanKeys.has(key) ? skipped : estimated).add(key);
      return !spanKeys.has(key);
    }),
  }));
  const requests = intervals.reduce((n, i) => n + i.deltas.reduce((m, d) => m + d.count, 0), 0);
  if (requests > MAX_HISTOGRAM_REQUESTS) {
    for (const { read } of intervals)
      read.problems.push({
        severity: 'error',
        file: read.location,
        message: `${read.location}: the histograms count ${requests} requests, more than ${MAX_HISTOGRAM_REQUESTS} read from files; query them through Prometheus instead.`,
      });
    intervals.forEach((i) => (i.deltas = []));
    estimated.clear();
  }
  const first = intervals[0]?.read.problems;
  // Exponential buckets bound the error of a value interpolated within them: base - 1 of the coarsest scale.
  const used = intervals.flatMap((i) => i.deltas);
  let coarsest = Infinity;
  let exponential = 0;
  for (const d of used)
    if (d.exponentialScale !== undefined) {
      exponential++;
      coarsest = Math.min(coarsest, d.exponentialScale);
    }
  const relativeError = exponential && exponential === used.length ? exponentialRelativeError(coarsest) : undefined;
  if (first && estimated.size)
    first.push({
      severity: 'info',
      message:
        relativeError !== undefined
          ? `${[...estimated].sort().join(', ')}: from exponential histograms; latency percentiles are interpolated within buckets of scale ${coarsest} or finer, so within ${Math.ceil(relativeError * 10_000) / 100}% of the true value.`
          : `${[...estimated].sort().join(', ')}: from histograms; latency percentiles are interpolated within buckets, as Prometheus's histogram_quantile does.`,
    });
  if (first && skipped.size)
    first.push({
      severity: 'info',
      message: `${[...skipped].sort().join(', ')}: spans counted, the histograms of the same requests left out.`,
    });
  const spreader = new HistogramSpreader(intervals.flatMap((i) => i.deltas));
  for (const { read, deltas } of intervals) {
    // Events spread within histogram buckets: their percentiles are interpolated, with no known rank error (exponential
    // buckets bound the relative error).
    if (deltas.length)
      read.percentiles = relativeError !== undefined ? { exact: false, relativeError } : { exact: false };
    let batch: TelemetryEvent[] = [];
    for (const delta of deltas)
      for (const event of spreader.events(delta)) {
        batch.push(event);
        read.events++;
        if (batch.length >= EVENT_BATCH) {
          yield batch;
          batch = [];
        }
      }
    if (batch.length) yield batch;
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
  const problems: TelemetryProblem[] = [];
  try {
    for await (const batch of events(location, { ...context, report: (read) => reads.push(read) }))
      for (const event of batch) aggregator.add(event);
  } catch (err) {
    if (context.signal?.aborted) throw err;
    problems.push({ severity: 'error', message: err instanceof Error ? err.message : String(err) });
  }
  const aggregate = aggregator.finish();
  return {
    ...aggregate,
    percentiles: reads.reduce((all, r) => combinePercentiles(all, r.percentiles), aggregate.percentiles),
    sources: reads.map((r) => ({ kind: r.kind, location: r.location, events: r.events, badLines: r.badLines })),
    problems: [...problems, ...reads.flatMap((r) => r.problems)],
  };
}

export const otlpSource: TelemetrySourceDefinition = {
  kind: 'otlp',
  label: 'OpenTelemetry (OTLP JSON)',
  description:
    'OTLP JSON files as the OpenTelemetry file exporters write them: server spans, and http.server.request.duration histograms, mapped through the semantic conventions.',
  discovery: { globs: OTLP_GLOBS, maxResults: 50, locate: otlpLocations },
  needs: {},
  recognizes: isOtlpFile,
  summarize,
  events,
};
