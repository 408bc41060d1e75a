// The `telemetry:` section of mlops.yaml: where the prediction and request logs are, how their fields are named, the
// service-level objectives the `service-slo` check judges, Prometheus queries and prediction drift.
//
//   telemetry:
//     sources:
//       - path: logs/predictions.jsonl        # a file, a folder or a glob; .gz too
//         fields: { latency: duration, caller: client_id }
//         latencyUnit: s
//     slos:
//       - model: churn
//         version: v2                        # absent: each version separately
//         maxErrorRate: 0.01
//         latency: { percentile: 95, maxMs: 250 }
//         minRequests: 100
//         window: 24h
//
// The validator (src/core/formats/mlopsYaml/validate.ts) reports a section that does not have this shape, with
// positions, through the schema fragment below; `readTelemetryConfig` keeps whatever is usable.
import type {
  LatencyUnit,
  PrometheusQueries,
  SloConfig,
  TelemetryConfig,
  TelemetryFieldMapping,
  TelemetrySourceConfig,
} from './types';

type Position = { line: number; column: number };
type PositionOf = (path: readonly (string | number)[]) => Position | undefined;

export const FIELD_NAMES: readonly (keyof TelemetryFieldMapping)[] = [
  'timestamp',
  'model',
  'version',
  'caller',
  'latency',
  'status',
  'error',
  'memory',
  'features',
  'prediction',
];
export const LATENCY_UNITS: readonly LatencyUnit[] = ['ms', 's', 'us', 'ns'];
/** The latency percentiles an SLO may judge (the ones every summary carries). */
export const SLO_PERCENTILES = [50, 95, 99] as const;
export const SOURCE_FORMATS = ['jsonl', 'csv', 'otlp'] as const;
const QUERY_NAMES: readonly (keyof PrometheusQueries)[] = ['requests', 'errors', 'latency', 'memory', 'callers'];

/** A window or a `--since`: a number and a unit (s, m, h, d, w), e.g. 15m, 24h, 7d. */
export const DURATION_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*(s|m|min|h|d|w)\\s*$';
const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
/** The window an SLO judges when it names none. */
export const DEFAULT_SLO_WINDOW = '24h';

/** Milliseconds of a duration such as `90s`, `15m`, `24h`, `7d`; undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)\s*$/.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return ms > 0 ? ms : undefined;
}

const name = (title: string, description: string) => ({ title, description, type: 'string', minLength: 1 });

/** JSON-schema fragment for the `telemetry` property of mlops.yaml, composed into its schema (mlopsSchema.ts). */
export const telemetryConfigSchema = {
  title: 'Telemetry',
  description:
    'Operational telemetry of deployed models: prediction and request logs (JSON Lines, CSV, OTLP JSON, gzip too) and how their fields are named, service-level objectives judged by the service-slo check, Prometheus queries, and the training dataset the logged features are compared with.',
  type: 'object',
  additionalProperties: false,
  properties: {
    sources: {
      title: 'Sources',
      description:
        'Prediction and request logs, relative to the workspace folder. Absent: logs/**/*.jsonl, **/predictions*.jsonl and the like are found by themselves.',
      type: 'array',
      items: {
        title: 'Source',
        description: 'A log file, a folder or a glob, with how its records name their fields.',
        type: 'object',
        required: ['path'],
        additionalProperties: false,
        properties: {
          path: name('Path', 'A file, a folder or a glob relative to the workspace folder, e.g. logs/*.jsonl.gz'),
          format: {
            title: 'Format',
            description:
              'jsonl, csv or otlp; detected from the file name when absent (.jsonl, .ndjson, .csv, .tsv, .json, any of them .gz).',
            type: 'string',
            enum: [...SOURCE_FORMATS],
          },
          fields: {
            title: 'Fields',
            description:
              'Which field of a record holds what; dotted names reach into objects. Absent ones fall back to the common names (timestamp/ts/time, model_version, latency_ms, status_code, ...).',
            type: 'object',
            additionalProperties: false,
            properties: {
              timestamp: name('Timestamp', 'ISO 8601 text, or seconds / milliseconds since the epoch.'),
              model: name('Model', 'The model name.'),
              version: name('Version', 'The model version that served the request.'),
              caller: name('Caller', 'Who called: a client, an app or a user.'),
              latency: name('Latency', 'How long the request took (milliseconds unless latencyUnit says otherwise).'),
              status: name('Status', "'error', 'fail...', 'exception', false, or a number >= 500 counts as a failure."),
              error: name('Error', 'A field that is present and not empty, null or false when the request failed.'),
              memory: name('Memory', 'Memory of the serving process in megabytes.'),
              features: {
                title: 'Features',
                description:
                  'An object field holding the input features, or a list of top-level fields that are features.',
                type: ['string', 'array'],
                minLength: 1,
                items: { type: 'string', minLength: 1 },
              },
              prediction: name('Prediction', 'The prediction.'),
            },
          },
          latencyUnit: {
            title: 'Latency unit',
            description: 'The unit of the latency field when its name does not say it (…_ms, …_seconds).',
            type: 'string',
            enum: [...LATENCY_UNITS],
          },
          model: name('Model', 'A model name for records that carry none (one service, one model).'),
        },
      },
    },
    slos: {
      title: 'Service-level objectives',
      description:
        'Objectives the service-slo check judges per model version over a window ending at the newest event: an error rate, a latency percentile, a minimum of traffic.',
      type: 'array',
      items: {
        title: 'Service-level objective',
        description: 'At least one of maxErrorRate, latency and minRequests.',
        type: 'object',
        additionalProperties: false,
        properties: {
          model: name('Model', "The model it applies to; '*' or absent: every model."),
          version: name('Version', 'A version it applies to; absent: each version separately.'),
          maxErrorRate: {
            title: 'Maximum error rate',
            description: 'The highest acceptable share of failed requests, 0..1 (0.01 is 1%).',
            type: 'number',
            minimum: 0,
            maximum: 1,
          },
          latency: {
            title: 'Latency',
            description:
              'The highest acceptable latency at a percentile (50, 95 or 99), e.g. { percentile: 95, maxMs: 250 }.',
            type: 'object',
            required: ['percentile', 'maxMs'],
            additionalProperties: false,
            properties: {
              percentile: {
                title: 'Percentile',
                description: 'The percentile judged: 50, 95 or 99.',
                type: 'number',
                enum: [...SLO_PERCENTILES],
              },
              maxMs: {
                title: 'Maximum (ms)',
                description: 'The highest acceptable latency at that percentile, in milliseconds.',
                type: 'number',
                exclusiveMinimum: 0,
              },
            },
          },
          minRequests: {
            title: 'Minimum requests',
            description:
              'Fewer requests than this in the window is itself a finding (a dead version), and no rate is judged.',
            type: 'integer',
            minimum: 1,
          },
          window: {
            title: 'Window',
            description: 'The window judged, ending at the newest event: 1h, 24h, 7d (default 24h).',
            type: 'string',
            pattern: DURATION_PATTERN,
            patternErrorMessage: 'must be a number and a unit (s, m, h, d, w), e.g. 1h, 24h, 7d',
          },
        },
      },
    },
    prometheus: {
      title: 'Prometheus',
      description:
        'How the series of a Prometheus server name models, versions and callers, and the queries that read them; {model}, {version} and {range} are filled in.',
      type: 'object',
      additionalProperties: false,
      properties: {
        labels: {
          title: 'Labels',
          description: 'The labels that name the model, its version and the caller.',
          type: 'object',
          additionalProperties: false,
          properties: {
            model: name('Model label', 'Default: model.'),
            version: name('Version label', 'Default: version.'),
            caller: name('Caller label', 'Default: caller.'),
          },
        },
        queries: {
          title: 'Queries',
          description: 'PromQL templates overriding the defaults for common model servers.',
          type: 'object',
          additionalProperties: false,
          properties: {
            requests: name('Requests', 'A counter of requests (rate is taken).'),
            errors: name('Errors', 'A counter of failed requests.'),
            latency: name('Latency', "A histogram's _bucket series, or a template with {quantile}."),
            memory: name('Memory', 'A gauge of memory.'),
            callers: name('Callers', 'A counter of requests by caller.'),
          },
        },
      },
    },
    drift: {
      title: 'Prediction drift',
      description:
        'The training dataset (a name from the datasets section, or a path) the logged input features are compared with.',
      type: 'object',
      required: ['dataset'],
      additionalProperties: false,
      properties: {
        dataset: name('Dataset', 'A name from the datasets section, or a path relative to the workspace folder.'),
        features: {
          title: 'Features',
          description: 'The features compared (absent: every feature both have).',
          type: 'array',
          items: { type: 'string', minLength: 1 },
        },
      },
    },
  },
} as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const finite = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** An empty `telemetry:` section. */
export function emptyTelemetryConfig(): TelemetryConfig {
  return { sources: [], slos: [] };
}

/**
 * The `telemetry` section of a parsed mlops.yaml (`MlopsConfig.telemetry`), keeping whatever is usable: an entry of
 * the wrong shape is left out (the validator reports it with its position). `positionOf` (from the validation) gives
 * each SLO the position of its entry, where the `service-slo` check reports its findings.
 */
export function readTelemetryConfig(raw: unknown, positionOf?: PositionOf): TelemetryConfig {
  const config = emptyTelemetryConfig();
  if (!isRecord(raw)) return config;
  if (Array.isArray(raw.sources)) {
    for (const entry of raw.sources) {
      const source = readSource(entry);
      if (source) config.sources.push(source);
    }
  }
  if (Array.isArray(raw.slos)) {
    raw.slos.forEach((entry: unknown, index) => {
      const slo = readSlo(entry);
      if (!slo) return;
      const position = positionOf?.(['telemetry', 'slos', index]);
      if (position) slo.position = position;
      config.slos.push(slo);
    });
  }
  if (isRecord(raw.prometheus)) {
    const labels = isRecord(raw.prometheus.labels) ? raw.prometheus.labels : {};
    const queries: Partial<PrometheusQueries> = {};
    if (isRecord(raw.prometheus.queries))
      for (const key of QUERY_NAMES) {
        const query = text(raw.prometheus.queries[key]);
        if (query) queries[key] = query;
      }
    config.prometheus = {
      labels: {
        model: text(labels.model) ?? 'model',
        version: text(labels.version) ?? 'version',
        caller: text(labels.caller) ?? 'caller',
      },
      queries,
    };
  }
  if (isRecord(raw.drift) && text(raw.drift.dataset)) {
    const drift: NonNullable<TelemetryConfig['drift']> = { dataset: raw.drift.dataset as string };
    if (Array.isArray(raw.drift.features)) {
      const features = raw.drift.features.filter((f): f is string => typeof f === 'string' && f !== '');
      if (features.length) drift.features = features;
    }
    config.drift = drift;
  }
  return config;
}

function readSource(entry: unknown): TelemetrySourceConfig | undefined {
  if (!isRecord(entry) || !text(entry.path)) return undefined;
  const source: TelemetrySourceConfig = { path: entry.path as string, fields: {} };
  if ((SOURCE_FORMATS as readonly unknown[]).includes(entry.format))
    source.format = entry.format as TelemetrySourceConfig['format'];
  if (isRecord(entry.fields)) {
    for (const key of FIELD_NAMES) {
      const value = entry.fields[key];
      if (key === 'features' && Array.isArray(value)) {
        const list = value.filter((v): v is string => typeof v === 'string' && v !== '');
        if (list.length) source.fields.features = list;
      } else if (text(value)) {
        source.fields[key] = value as string;
      }
    }
  }
  if ((LATENCY_UNITS as readonly unknown[]).includes(entry.latencyUnit))
    source.latencyUnit = entry.latencyUnit as LatencyUnit;
  if (text(entry.model)) source.model = entry.model as string;
  return source;
}

function readSlo(entry: unknown): SloConfig | undefined {
  if (!isRecord(entry)) return undefined;
  const slo: SloConfig = {};
  if (text(entry.model) && entry.model !== '*') slo.model = entry.model as string;
  if (text(entry.version)) slo.version = entry.version as string;
  const maxErrorRate = finite(entry.maxErrorRate);
  if (maxErrorRate !== undefined && maxErrorRate >= 0 && maxErrorRate <= 1) slo.maxErrorRate = maxErrorRate;
  if (isRecord(entry.latency)) {
    const percentile = finite(entry.latency.percentile);
    const maxMs = finite(entry.latency.maxMs);
    if (
      percentile !== undefined &&
      (SLO_PERCENTILES as readonly number[]).includes(percentile) &&
      maxMs !== undefined &&
      maxMs > 0
    )
      slo.latency = { percentile, maxMs };
  }
  const minRequests = finite(entry.minRequests);
  if (minRequests !== undefined && minRequests >= 1) slo.minRequests = Math.floor(minRequests);
  if (text(entry.window) && parseDuration(entry.window as string) !== undefined) slo.window = entry.window as string;
  if (slo.maxErrorRate === undefined && !slo.latency && slo.minRequests === undefined) return undefined;
  return slo;
}
