// The shapes of operational telemetry: what a deployed model's requests look like once read (events), what the
// `telemetry:` section of mlops.yaml says, and the one summary every consumer reads (the Telemetry panel, the
// `service-slo` check, `mlops telemetry summary`). Telemetry sources are a list of plain definitions
// (`TelemetrySourceDefinition`): prediction and request logs, OpenTelemetry OTLP JSON files, a Prometheus server.
import type { Logger } from '../logging';
import type { TelemetryAggregator } from './aggregate';

/** One request served by a model, as read from a prediction log or an OpenTelemetry span. */
export interface TelemetryEvent {
  /** Milliseconds since the Unix epoch. */
  time: number;
  model: string;
  /** The model version that served it ('' when the log does not say). */
  version: string;
  /** Who called ('' when the log does not say). */
  caller: string;
  /** Latency in milliseconds; undefined when not recorded. */
  latencyMs?: number;
  /** The request failed (an error status, an HTTP status >= 500, an error field, a span with status code 2). */
  error: boolean;
  /** Memory in megabytes (resident set of the serving process, or as the log reports it). */
  memoryMb?: number;
  /** The model's input features, when the log records them (prediction drift). */
  features?: Record<string, unknown>;
  /** The prediction, when recorded. */
  prediction?: unknown;
  /** 1-based line of the record in its file (bad-line messages, links). */
  line?: number;
}

/** Which fields of a log record hold what (`telemetry.sources[].fields` in mlops.yaml). Dotted names reach into objects. */
export interface TelemetryFieldMapping {
  timestamp: string;
  model: string;
  version: string;
  caller: string;
  latency: string;
  /** A status field: 'error'/'fail*'/'exception', false, or a number >= 500 counts as an error. */
  status: string;
  /** An error field: present and not empty/null/false means the request failed. */
  error: string;
  memory: string;
  /** An object field holding the input features, or a list of top-level fields that are features. */
  features: string | string[];
  prediction: string;
}

/** A time unit for latency or memory fields whose names do not say it. */
export type LatencyUnit = 'ms' | 's' | 'us' | 'ns';

/** One configured source of events (a file, a folder or a glob), from `telemetry.sources[]` in mlops.yaml. */
export interface TelemetrySourceConfig {
  /** A path or glob relative to the workspace folder. */
  path: string;
  /** Detected from the name when absent (`.jsonl`, `.ndjson`, `.csv`, `.tsv`, `.json` OTLP, any with `.gz`). */
  format?: 'jsonl' | 'csv' | 'otlp';
  /** Field names; absent ones fall back to the common names (`timestamp`/`ts`/`time`, `model_version`, ...). */
  fields: Partial<TelemetryFieldMapping>;
  latencyUnit?: LatencyUnit;
  /** A model name for records that carry none (one service, one model). */
  model?: string;
}

/** A service-level objective (`telemetry.slos[]`), evaluated by the `service-slo` check. */
export interface SloConfig {
  /** The model it applies to ('*' or absent: every model). */
  model?: string;
  /** A version it applies to (absent: each version separately). */
  version?: string;
  /** Maximum error rate, 0..1. */
  maxErrorRate?: number;
  /** Maximum latency at a percentile: `{ percentile: 95, maxMs: 250 }`. */
  latency?: { percentile: number; maxMs: number };
  /** Fewer requests than this in the window is itself a finding (a dead version), and no rate is judged. */
  minRequests?: number;
  /** The window judged, ending at the newest event: '1h', '24h', '7d' (default 24h). */
  window?: string;
  /** Where the entry starts in mlops.yaml. */
  position?: { line: number; column: number };
}

/** Prometheus queries; `{model}`, `{version}` and `{range}` are filled in by the client. */
export interface PrometheusQueries {
  requests: string;
  errors: string;
  /** A histogram's `_bucket` series name, or a template with `{quantile}`. */
  latency: string;
  memory?: string;
  callers?: string;
}

/** The `telemetry:` section of mlops.yaml, read by `readTelemetryConfig`. */
export interface TelemetryConfig {
  sources: TelemetrySourceConfig[];
  slos: SloConfig[];
  prometheus?: {
    /** Labels that name the model, its version and the caller in the server's series. */
    labels: { model: string; version: string; caller: string };
    queries: Partial<PrometheusQueries>;
  };
  /** Prediction drift: the training dataset (a `datasets[].name` or a path) the logged features are compared with. */
  drift?: { dataset: string; features?: string[] };
}

/** What is asked of a source. */
export interface TelemetryQuery {
  /** Milliseconds since the epoch; absent: from the oldest event. */
  from?: number;
  /** Absent: up to the newest event (files) or now (a server). */
  to?: number;
  /** The width of one point of the time series; absent: chosen from the range (about 200 points, >= 1 minute). */
  bucketMs?: number;
  /** How groups are keyed (default: model and version). */
  by?: 'version' | 'model' | 'caller';
  /** Only these models (absent: all). */
  models?: readonly string[];
  /** How many top callers each group lists (default 10). */
  topCallers?: number;
}

/** Latency percentiles in milliseconds. */
export interface LatencyFigures {
  p50?: number;
  p95?: number;
  p99?: number;
  mean?: number;
  max?: number;
}

/** One point of a group's time series (a bucket starting at `t`). */
export interface TelemetryPoint {
  t: number;
  requests: number;
  errors: number;
  latency: LatencyFigures;
  memoryMb?: number;
}

export interface CallerFigures {
  caller: string;
  requests: number;
  errors: number;
}

/** The figures of one group (a model version, a model, or a caller) over the query's range. */
export interface TelemetryGroup {
  /** The group's key: `model@version`, `model`, or the caller. */
  key: string;
  model: string;
  /** '' when grouped by model or caller. */
  version: string;
  requests: number;
  errors: number;
  /** errors / requests (0 when no requests). */
  errorRate: number;
  /** Requests per minute over the range. */
  requestsPerMinute: number;
  latency: LatencyFigures;
  memoryMb?: { mean: number; max: number };
  uniqueCallers: number;
  topCallers: CallerFigures[];
  series: TelemetryPoint[];
  firstTime?: number;
  lastTime?: number;
}

/** A problem reading a source (bad lines are counted, the first few are listed with their line numbers). */
export interface TelemetryProblem {
  severity: 'warning' | 'error' | 'info';
  message: string;
  /** The file (relative to the workspace folder) and line, when there is one. */
  file?: string;
  line?: number;
}

/** What every consumer reads. */
export interface TelemetrySummary {
  /** The range covered (milliseconds since the epoch). */
  from: number;
  to: number;
  bucketMs: number;
  groups: TelemetryGroup[];
  /**
   * Each percentile exact, or a sketch with its rank error, or estimated within exponential histogram buckets with the
   * largest relative error of a value (base - 1 of the coarsest scale).
   */
  percentiles: { exact: boolean; rankError?: number; relativeError?: number };
  /** Where the figures came from, for the panel's header and the CLI. */
  sources: { kind: TelemetrySourceKind; location: string; events?: number; badLines?: number }[];
  problems: TelemetryProblem[];
}

export type TelemetrySourceKind = 'predictionLog' | 'otlp' | 'prometheus';

/** What a read is given by its adapter (the editor or the CLI). */
export interface TelemetryReadContext {
  root: string;
  config: TelemetryConfig;
  /** A bearer token for a server (from secret storage or the environment; never logged). */
  token?: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
  logger?: Logger;
  signal?: AbortSignal;
  /** At most this many threads read one large log (default: one per core, up to 4; 1 reads in this thread only). */
  threads?: number;
  /** Event sources: whether to read the input features and the prediction (default true; summaries need neither). */
  features?: boolean;
  /** Told by an event source, at the end of each file it read, what it found there (counts and problems). */
  report?: (read: TelemetrySourceRead) => void;
}

/** What an event source found in one file (`TelemetryReadContext.report`). */
export interface TelemetrySourceRead {
  kind: TelemetrySourceKind;
  location: string;
  events: number;
  badLines: number;
  problems: TelemetryProblem[];
  /** Set when the events read are estimates (e.g. spread from histogram buckets): their percentiles are not exact. */
  percentiles?: TelemetrySummary['percentiles'];
}

/** One kind of telemetry source. Adding one is a module exporting this and an entry in the list. */
export interface TelemetrySourceDefinition {
  kind: TelemetrySourceKind;
  label: string;
  description: string;
  /** File sources: globs found when mlops.yaml names none; `server`: a URL from a setting, a flag or the environment. */
  discovery:
    | {
        globs: readonly string[];
        maxResults: number;
        /** The locations read for the files found (relative to the root); default: each file on its own. */
        locate?(files: readonly string[], root: string): string[];
        /** Whether a file found is this source's (looked at before it is read); default: every file found. */
        admits?: (file: string) => Promise<boolean>;
      }
    | 'server';
  needs: { network?: boolean; secret?: boolean; trust?: boolean };
  /**
   * File sources whose files share a name with another's (`.jsonl`): whether a file's content is this source's. A
   * file another source would read by its name (configured without a format, or discovered) is then read by this one.
   */
  recognizes?(file: string): Promise<boolean>;
  summarize(location: string, query: TelemetryQuery, context: TelemetryReadContext): Promise<TelemetrySummary>;
  /** Event sources only: the events themselves, in batches (prediction drift reads the features). */
  events?(location: string, context: TelemetryReadContext): AsyncIterable<TelemetryEvent[]>;
  /**
   * Event sources that can tell the newest event time from a little of each file (the last lines of an uncompressed
   * log): the newest time read there, or undefined when a file cannot be looked at that way. A hint only (a log need
   * not be in time order): a window ending at it is confirmed by the aggregator's newestSeen after the read.
   */
  newestTimeHint?(location: string, context: TelemetryReadContext): Promise<number | undefined>;
  /**
   * Event sources that can do better than handing over every event (a large log read in parallel parts): adds the
   * location's events to `into`, which aggregates `query`, with the figures `events` would give; reports like it.
   */
  aggregate?(
    location: string,
    query: TelemetryQuery,
    context: TelemetryReadContext,
    into: TelemetryAggregator,
  ): Promise<void>;
}
