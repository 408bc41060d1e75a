// The one summary of a workspace's telemetry: every configured source (mlops.yaml `telemetry.sources`), else every
// discovered one, read through the list of sources. Events of all event sources (logs, OTLP files) go through one
// aggregator, so percentiles stay exact across files; a server's summary (Prometheus) is added group by group. The
// summary's percentiles are exact only when every part's are (histogram-derived or sampled ones are not).
import fs from 'node:fs';
import path from 'node:path';
import { type FindFiles, walkingFinder } from '../metrics/sources/discover';
import { combinePercentiles, createAggregator } from './aggregate';
import { sloWindowMs } from './slo';
import { telemetrySource, telemetrySources } from './sources';
import type {
  SloConfig,
  TelemetryGroup,
  TelemetryProblem,
  TelemetryQuery,
  TelemetryReadContext,
  TelemetrySourceDefinition,
  TelemetrySourceKind,
  TelemetrySourceRead,
  TelemetrySummary,
} from './types';

export interface SummarizeOptions {
  /** A Prometheus (or compatible) server to query besides the files. */
  prometheusUrl?: string;
  /** Locations read instead of the configured or discovered ones (`--source`): files, folders, globs or URLs. */
  locations?: readonly string[];
  /**
   * A window ending at the newest event (milliseconds), used when `query.from` is absent: `--since 24h` on a log
   * judges its last day. Logs whose last lines tell their newest event (uncompressed JSON Lines) are read once;
   * other event sources twice (the newest time first), and a log whose newest event is not near its end too.
   */
  windowMs?: number;
  /** The file search of discovery (the editor's); default a walk of the root. */
  findFiles?: FindFiles;
}

/** What to do when there is nothing to read. */
export const NO_SOURCE_MESSAGE =
  'No telemetry source: name a prediction log in mlops.yaml (telemetry: sources: - path: logs/predictions.jsonl), put JSON Lines or CSV request logs under logs/, or give a Prometheus URL (the mlops.telemetry.prometheusUrl setting, or --source URL).';

export interface Read {
  definition: TelemetrySourceDefinition;
  location: string;
}

const isUrl = (location: string): boolean => /^https?:\/\//i.test(location);

/** The kind of source a file location is (OTLP JSON for `.json`, a log otherwise), or the configured format's. */
export function kindOfLocation(location: string, format?: string): TelemetrySourceKind {
  if (isUrl(location)) return 'prometheus';
  if (format === 'otlp') return 'otlp';
  if (format === 'jsonl' || format === 'csv') return 'predictionLog';
  return /\.json(\.gz)?$/i.test(location) ? 'otlp' : 'predictionLog';
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Another file source that recognizes a file's content as its own (OTLP JSON named like a log), if one does. */
async function recognizedBy(file: string, kind: TelemetrySourceKind): Promise<TelemetrySourceDefinition | undefined> {
  for (const definition of telemetrySources)
    if (definition.kind !== kind && definition.recognizes && (await definition.recognizes(file))) return definition;
  return undefined;
}

/**
 * The kind of source a location is: its configured format's; else, for a single file, the source recognizing its
 * content (OTLP JSON in a `.jsonl` file); else the kind its name says.
 */
async function kindOfSource(root: string, location: string, format?: string): Promise<TelemetrySourceKind> {
  const kind = kindOfLocation(location, format);
  if (format !== undefined || kind === 'prometheus') return kind;
  const file = path.resolve(root, location);
  if (!isFile(file)) return kind;
  return (await recognizedBy(file, kind))?.kind ?? kind;
}

export async function plannedReads(
  context: TelemetryReadContext,
  options: SummarizeOptions,
  problems: TelemetryProblem[],
): Promise<Read[]> {
  const reads: Read[] = [];
  const add = (kind: TelemetrySourceKind, location: string): void => {
    const definition = telemetrySource(kind);
    if (definition) reads.push({ definition, location });
    else problems.push({ severity: 'error', message: `${location}: this build reads no ${kind} source.` });
  };
  if (options.locations?.length) {
    for (const location of options.locations) {
      const configured = context.config.sources.find((s) => s.path === location);
      add(await kindOfSource(context.root, location, configured?.format), location);
    }
    return reads;
  }
  for (const source of context.config.sources)
    add(await kindOfSource(context.root, source.path, source.format), source.path);
  if (options.prometheusUrl) add('prometheus', options.prometheusUrl);
  if (reads.length > 0 || context.config.sources.length > 0) return reads;
  // Nothing configured: each file source's discovery globs, bounded per source.
  const find = options.findFiles ?? walkingFinder(context.root);
  for (const definition of telemetrySources) {
    if (definition.discovery === 'server') continue;
    const found = new Set<string>();
    for (const glob of definition.discovery.globs) {
      if (found.size >= definition.discovery.maxResults) break;
      for (const file of await find(glob, definition.discovery.maxResults - found.size)) found.add(file);
    }
    const admits = definition.discovery.admits;
    let files = [...found].sort();
    if (admits) {
      const admitted = await Promise.all(files.map((file) => admits(file)));
      files = files.filter((_, i) => admitted[i]);
    }
    const locations = definition.discovery.locate
      ? definition.discovery.locate(files, context.root)
      : files.map((file) => path.relative(context.root, file).split(path.sep).join('/'));
    for (const location of locations) reads.push({ definition, location });
  }
  // A discovered file whose content another source recognizes (OTLP JSON under logs/) is read by that source, once.
  const planned: Read[] = [];
  for (const read of reads) {
    const file = path.resolve(context.root, read.location);
    const other = isFile(file) ? await recognizedBy(file, read.definition.kind) : undefined;
    if (!other) planned.push(read);
    else if (!reads.some((r) => r.definition === other && covers(r.location, read.location)))
      planned.push({ definition: other, location: read.location });
  }
  return planned;
}

/** Whether a location (a file or a folder) stands for another. */
const covers = (location: string, other: string): boolean => other === location || other.startsWith(`${location}/`);

/** The newest event time of event sources (for a window ending at it); undefined when they hold no event. */
async function newestTime(reads: readonly Read[], context: TelemetryReadContext): Promise<number | undefined> {
  let newest = -Infinity;
  for (const { definition, location } of reads) {
    if (!definition.events) continue;
    try {
      for await (const batch of definition.events(location, { ...context, features: false, report: () => undefined }))
        for (const event of batch) if (event.time > newest) newest = event.time;
    } catch {
      // Reported by the second read.
    }
  }
  return Number.isFinite(newest) ? newest : undefined;
}

/**
 * The telemetry summary of a workspace folder: groups over the query's range from every source; with no source,
 * no groups and a problem saying what to configure. Reading errors become problems; the figures of the sources
 * that could be read are kept.
 */
export async function summarizeTelemetry(
  context: TelemetryReadContext,
  query: TelemetryQuery,
  options: SummarizeOptions = {},
): Promise<TelemetrySummary> {
  const problems: TelemetryProblem[] = [];
  const reads = await plannedReads(context, options, problems);
  const sources: TelemetrySummary['sources'] = [];
  if (reads.length === 0) {
    const now = Date.now();
    if (problems.length === 0) problems.push({ severity: 'info', message: NO_SOURCE_MESSAGE });
    return {
      from: query.from ?? now,
      to: query.to ?? now,
      bucketMs: query.bucketMs ?? 60_000,
      groups: [],
      percentiles: { exact: true },
      sources,
      problems,
    };
  }

  if (options.windowMs !== undefined && query.from === undefined) {
    const windowMs = options.windowMs;
    const eventReads = reads.filter((r) => r.definition.events !== undefined);
    const window = (end: number): TelemetryQuery => ({ ...query, from: end - windowMs + 1, to: end });
    // One read when the end of each log tells its newest event: the window ends there, and the read confirms it (no
    // newer event anywhere); else the window ends at the newest event that read found, and a second read judges it.
    const hint = query.to === undefined && eventReads.length ? await newestTimeHint(eventReads, context) : undefined;
    if (hint !== undefined) {
      const guessed = await readSources(reads, window(hint), context, problems);
      const newest = guessed.newestSeen;
      if (newest <= hint) return guessed.summary;
      return (await readSources(reads, window(newest), context, problems)).summary;
    }
    const newest = query.to === undefined && eventReads.length ? await newestTime(eventReads, context) : undefined;
    // (end - window, end]: a window of exactly its length.
    return (await readSources(reads, window(query.to ?? newest ?? Date.now()), context, problems)).summary;
  }
  return (await readSources(reads, query, context, problems)).summary;
}

/**
 * The newest event time the end of every event source's files tells (newestTimeHint), or undefined when one cannot
 * tell it.
 */
async function newestTimeHint(reads: readonly Read[], context: TelemetryReadContext): Promise<number | undefined> {
  let newest = -Infinity;
  for (const { definition, location } of reads) {
    const hint = await definition.newestTimeHint?.(location, { ...context, features: false });
    if (hint === undefined) return undefined;
    if (hint > newest) newest = hint;
  }
  return Number.isFinite(newest) ? newest : undefined;
}

/** Every planned read over one query: the summary, and the newest time of every event read (in range or not). */
async function readSources(
  reads: readonly Read[],
  effective: TelemetryQuery,
  context: TelemetryReadContext,
  planProblems: readonly TelemetryProblem[],
): Promise<{ summary: TelemetrySummary; newestSeen: number }> {
  const problems: TelemetryProblem[] = [...planProblems];
  const sources: TelemetrySummary['sources'] = [];
  const aggregator = createAggregator(effective);
  let events = 0;
  /** What the event sources say of their own percentiles (estimated events are not exact). */
  let readPercentiles: TelemetrySummary['percentiles'] = { exact: true };
  const serverSummaries: TelemetrySummary[] = [];
  for (const { definition, location } of reads) {
    try {
      if (definition.events) {
        const report = (read: TelemetrySourceRead): void => {
          sources.push({ kind: read.kind, location: read.location, events: read.events, badLines: read.badLines });
          readPercentiles = combinePercentiles(readPercentiles, read.percentiles);
          for (const problem of read.problems) problems.push(problem);
          if (definition.aggregate) events += read.events;
        };
        if (definition.aggregate)
          await definition.aggregate(location, effective, { ...context, features: false, report }, aggregator);
        else
          for await (const batch of definition.events(location, { ...context, features: false, report })) {
            for (const event of batch) aggregator.add(event);
            events += batch.length;
          }
      } else {
        const summary = await definition.summarize(location, effective, context);
        serverSummaries.push(summary);
        for (const source of summary.sources) sources.push(source);
        for (const problem of summary.problems) problems.push(problem);
      }
    } catch (err) {
      if (context.signal?.aborted) throw err;
      const message = err instanceof Error ? err.message : String(err);
      problems.push(
        isUrl(location)
          ? { severity: 'error', message: `${location}: ${message}` }
          : { severity: 'error', message, file: location },
      );
    }
  }
  const finished = aggregator.finish();
  const aggregate = { ...finished, percentiles: combinePercentiles(finished.percentiles, readPercentiles) };
  const newestSeen = aggregator.newestSeen();
  if (serverSummaries.length === 0) return { summary: { ...aggregate, sources, problems }, newestSeen };

  // Server groups join the file groups; a key both have keeps the file's figures and the server's as a second group.
  const groups: TelemetryGroup[] = events > 0 ? [...aggregate.groups] : [];
  let from = events > 0 ? aggregate.from : Infinity;
  let to = events > 0 ? aggregate.to : -Infinity;
  let percentiles = aggregate.percentiles;
  for (const summary of serverSummaries) {
    for (const group of summary.groups) groups.push(group);
    from = Math.min(from, summary.from);
    to = Math.max(to, summary.to);
    percentiles = combinePercentiles(percentiles, summary.percentiles);
  }
  return {
    summary: {
      from: Number.isFinite(from) ? from : aggregate.from,
      to: Number.isFinite(to) ? to : aggregate.to,
      bucketMs: events > 0 ? aggregate.bucketMs : (serverSummaries[0]?.bucketMs ?? aggregate.bucketMs),
      groups,
      percentiles,
      sources,
      problems,
    },
    newestSeen,
  };
}

/**
 * The summary each SLO is judged on: by model version over the SLO's window (ending at the newest event), read once
 * per distinct window and shared by the SLOs that have it. `known` seeds a window whose summary is already at hand.
 * The `service-slo` check, the SLO status item and the Telemetry panel judge through this one function.
 */
export function sloSummaries(
  context: TelemetryReadContext,
  options: SummarizeOptions = {},
  known?: { windowMs: number; summary: TelemetrySummary },
): (slo: SloConfig) => Promise<TelemetrySummary> {
  const summaries = new Map<number, Promise<TelemetrySummary>>();
  if (known) summaries.set(known.windowMs, Promise.resolve(known.summary));
  return (slo) => {
    const windowMs = sloWindowMs(slo);
    let summary = summaries.get(windowMs);
    if (!summary) {
      summary = summarizeTelemetry(context, { by: 'version', topCallers: 0 }, { ...options, windowMs });
      summaries.set(windowMs, summary);
    }
    return summary;
  };
}
