// The one OpenTelemetry OTLP JSON reader. It reads what the OpenTelemetry file exporters write (the OTLP file exporter
// specification: JSON lines, one ExportTraceServiceRequest or ExportMetricsServiceRequest a line, as the SDKs' OTLP
// JSON file exporters and the Collector's `file` exporter write them), one request in a file (indented or not), or a
// JSON array of requests; gzip-compressed too. Field names in lowerCamelCase or snake_case, 64-bit integers as strings
// or numbers, enums as numbers or names, attribute values of every kind.
//
// Spans become TelemetryEvents through the semantic conventions: a server span (or a root span that is not a client
// call) is one request; its time is the start, its latency end - start; it failed when its status code is 2 (ERROR),
// its HTTP status is >= 500 or it has an `error.type`; model, version and caller come from the attributes listed in
// OTLP_DEFAULT_FIELDS (or the ones `telemetry.sources[].fields` names), then from the resource's service.name and
// service.version. Duration histograms (http.server.request.duration and its older names), explicit or base-2
// exponential (./exponential.ts lays the exponential buckets out as bounds), become histogram points with their buckets
// in milliseconds; ./histogram.ts turns them into per-interval counts and quantiles.
//
// Memory is bounded: a JSON-lines file is read a line at a time (a line longer than maxLineBytes is skipped as bad),
// an indented single document is refused past maxDocumentBytes. A line that is not an OTLP request is a bad line with
// its number; a file that cannot be read as OTLP at all raises OtlpFormatError with a message saying what to fix.
import fs from 'node:fs';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { LatencyUnit, TelemetryEvent, TelemetryFieldMapping } from '../../telemetry/types';
import { exponentialLayout, MAX_SCALE, MIN_SCALE, type ExponentialBuckets } from './exponential';

/** Raised when a file cannot be read as OTLP JSON; the message names the file (and line) and what to do. */
export class OtlpFormatError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'OtlpFormatError';
  }
}

/** Where model, version, caller, status and error are looked for when `telemetry.sources[].fields` names nothing. */
export const OTLP_DEFAULT_FIELDS = {
  /** Span (or data point) attributes first; then the source's `model`, then the resource's service.name. */
  model: ['model.name', 'ml.model.name', 'gen_ai.request.model'],
  /** Then the resource's service.version. */
  version: ['model.version', 'ml.model.version'],
  /** The first present wins: an authenticated caller, then the address, then the user agent (older names last). */
  caller: ['enduser.id', 'client.address', 'user_agent.original', 'http.client_ip', 'http.user_agent'],
  status: ['http.response.status_code', 'http.status_code'],
  error: ['error.type'],
  /** Duration histograms of a metrics file (the unit comes from the metric, or from the name). */
  latencyHistograms: ['http.server.request.duration', 'http.server.duration', 'rpc.server.duration'],
} as const;

export interface OtlpReadOptions {
  /** `telemetry.sources[].fields`: a named field replaces the defaults of that field. */
  fields?: Partial<TelemetryFieldMapping>;
  /** A model name for spans that carry none (before the resource's service.name). */
  model?: string;
  /** The unit of a latency attribute (`fields.latency`) or of a histogram whose metric has no unit. */
  latencyUnit?: LatencyUnit;
  /** Longest line read (bytes of text); longer ones are bad lines. Default 64 MiB. */
  maxLineBytes?: number;
  /** Largest single indented document, or decompressed in-memory input. Default 256 MiB. */
  maxDocumentBytes?: number;
  signal?: AbortSignal;
}

/** A histogram data point of a duration metric, buckets converted to milliseconds. */
export interface OtlpHistogramPoint {
  /** Identifies the series (resource, scope, metric and point attributes): cumulative points are differenced per series. */
  series: string;
  metric: string;
  model: string;
  version: string;
  /** A 5xx status code or an error.type among the point's attributes. */
  error: boolean;
  temporality: 'delta' | 'cumulative' | 'unspecified';
  startMs?: number;
  timeMs: number;
  count: number;
  sumMs?: number;
  minMs?: number;
  maxMs?: number;
  /** Upper bounds of the buckets but the last (which is +Inf), ascending, in milliseconds. */
  boundsMs: number[];
  /** One count per bucket: boundsMs.length + 1 of them. */
  counts: number[];
  /** The buckets of an exponential histogram as written (boundsMs and counts are their layout). */
  exponential?: ExponentialBuckets;
  line: number;
}

export interface OtlpSink {
  event(event: TelemetryEvent): void;
  histogram(point: OtlpHistogramPoint): void;
  /** A line (or a record within it) that could not be read. */
  bad(line: number, reason: string): void;
}

export interface OtlpReadStats {
  layout: 'lines' | 'document' | 'empty';
  /** Requests read (lines of a JSON-lines file, or the document's requests). */
  requests: number;
  spans: number;
  /** Spans that became events (server and root spans). */
  events: number;
  points: number;
  bad: number;
  /** What the file held. */
  kinds: ('traces' | 'metrics' | 'logs')[];
}

const DEFAULT_MAX_LINE = 64 * 1024 * 1024;
const DEFAULT_MAX_DOCUMENT = 256 * 1024 * 1024;
const MAX_VALUE_DEPTH = 32;

/** True when the first bytes of a file look like OTLP JSON (for telling it from a prediction log). */
export function looksLikeOtlp(head: Uint8Array | string): boolean {
  const text = typeof head === 'string' ? head : Buffer.from(head.subarray(0, 4096)).toString('utf8');
  return /^\s*[[{]\s*"(resource_?[sS]pans|resource_?[mM]etrics|resource_?[lL]ogs)"/.test(text.replace(/^\uFEFF/, ''));
}

/** Reads OTLP JSON from bytes (gzip when they start with its magic number). */
export function readOtlpBuffer(
  bytes: Uint8Array,
  name: string,
  sink: OtlpSink,
  options: OtlpReadOptions = {},
): OtlpReadStats {
  const maxDocument = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT;
  let data = bytes;
  if (isGzip(bytes)) {
    try {
      data = gunzipSync(bytes, { maxOutputLength: maxDocument });
    } catch (err) {
      throw new OtlpFormatError(`${name}: not a readable gzip file (${(err as Error).message})`, name);
    }
  }
  const reader = new OtlpTextReader(name, sink, options);
  const decoder = new TextDecoder('utf-8');
  const step = 4 * 1024 * 1024;
  for (let at = 0; at < data.byteLength; at += step)
    reader.feed(decoder.decode(data.subarray(at, at + step), { stream: true }));
  reader.feed(decoder.decode());
  return reader.end();
}

/** Reads an OTLP JSON file a chunk at a time (gunzipped on the way when it is gzip). */
export async function readOtlpFile(
  file: string,
  sink: OtlpSink,
  options: OtlpReadOptions = {},
): Promise<OtlpReadStats> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (err) {
    throw new OtlpFormatError(`Cannot read ${file}: ${(err as Error).message}`, file);
  }
  const magic = Buffer.alloc(2);
  try {
    await handle.read(magic, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const reader = new OtlpTextReader(file, sink, options);
  const raw = fs.createReadStream(file, { highWaterMark: 1024 * 1024 });
  const stream = isGzip(magic) ? raw.pipe(createGunzip()) : raw;
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of stream) {
      if (options.signal?.aborted) throw new OtlpFormatError(`Reading ${file} was cancelled.`, file);
      reader.feed(decoder.decode(chunk as Buffer, { stream: true }));
    }
  } catch (err) {
    if (err instanceof OtlpFormatError) throw err;
    throw new OtlpFormatError(
      `${file}: ${isGzip(magic) ? 'not a readable gzip file' : 'read failed'} (${(err as Error).message})`,
      file,
    );
  } finally {
    raw.destroy();
  }
  reader.feed(decoder.decode());
  return reader.end();
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Splits text into lines and decides the layout from the first non-blank line: `{` or `[` alone (an indented
 * document) collects the whole text; anything else is JSON lines.
 */
class OtlpTextReader {
  private layout: 'unknown' | 'lines' | 'document' = 'unknown';
  private carry = '';
  private skipping = false;
  private line = 0;
  private documentParts: string[] = [];
  private documentLength = 0;
  private readonly maxLine: number;
  private readonly maxDocument: number;
  private readonly mapper: OtlpMapper;
  readonly stats: OtlpReadStats = { layout: 'empty', requests: 0, spans: 0, events: 0, points: 0, bad: 0, kinds: [] };
  private firstBad?: { line: number; reason: string };

  constructor(
    private readonly name: string,
    private readonly sink: OtlpSink,
    options: OtlpReadOptions,
  ) {
    this.maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE;
    this.maxDocument = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT;
    this.mapper = new OtlpMapper(options, {
      event: (e) => {
        this.stats.events++;
        sink.event(e);
      },
      histogram: (p) => {
        this.stats.points++;
        sink.histogram(p);
      },
      bad: (line, reason) => this.bad(line, reason),
    });
  }

  feed(text: string): void {
    if (text.length === 0) return;
    if (this.layout === 'document') {
      this.collect(text);
      return;
    }
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const piece = text.slice(start, nl);
      start = nl + 1;
      if (this.skipping) {
        this.skipping = false;
        this.line++;
        this.carry = '';
        continue;
      }
      const whole = this.carry + piece;
      this.carry = '';
      this.onLine(whole);
      if (this.inDocument()) {
        this.collect(text.slice(start));
        return;
      }
    }
    if (this.skipping) return;
    const rest = text.slice(start);
    if (this.carry.length + rest.length > this.maxLine) {
      this.skipping = true;
      this.bad(this.line + 1, `longer than ${formatBytes(this.maxLine)}: skipped`);
      this.carry = '';
      return;
    }
    this.carry += rest;
  }

  /** A method, so the layout is read afresh after a call that may change it. */
  private inDocument(): boolean {
    return this.layout === 'document';
  }

  end(): OtlpReadStats {
    if (this.layout === 'document') this.parseDocument();
    else if (!this.skipping && this.carry.length > 0) {
      const last = this.carry;
      this.carry = '';
      this.onLine(last);
      if (this.inDocument()) this.parseDocument();
    } else if (this.skipping) this.line++;
    if (this.layout === 'lines' && this.stats.requests === 0 && this.firstBad)
      throw new OtlpFormatError(
        `${this.name} is not OTLP JSON: no line is an OTLP export request (line ${this.firstBad.line}: ${this.firstBad.reason}).`,
        this.name,
        this.firstBad.line,
      );
    this.stats.layout = this.layout === 'unknown' ? 'empty' : this.layout;
    return this.stats;
  }

  private onLine(raw: string): void {
    this.line++;
    const text = this.line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    const trimmed = text.trim();
    if (trimmed === '') return;
    if (this.layout === 'unknown') {
      // An indented document opens a structure on its first line; a JSON line is complete.
      if (/[[{]$/.test(trimmed) || (trimmed.startsWith('[') && !trimmed.endsWith(']'))) {
        this.layout = 'document';
        this.documentStartLine = this.line;
        this.collect(`${text}\n`);
        return;
      }
      this.layout = 'lines';
    }
    if (text.length > this.maxLine) {
      this.bad(this.line, `longer than ${formatBytes(this.maxLine)}: skipped`);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.bad(this.line, 'not valid JSON');
      return;
    }
    this.request(value, this.line, true);
  }

  private documentStartLine = 1;

  private collect(text: string): void {
    this.documentLength += text.length;
    if (this.documentLength > this.maxDocument)
      throw new OtlpFormatError(
        `${this.name}: a single OTLP JSON document larger than ${formatBytes(this.maxDocument)}; write JSON lines (one request a line, as the OpenTelemetry file exporters do) to read it a line at a time.`,
        this.name,
      );
    this.documentParts.push(text);
  }

  private parseDocument(): void {
    const text = this.carry.length ? this.documentParts.join('') + this.carry : this.documentParts.join('');
    this.documentParts = [];
    this.carry = '';
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const at = /position (\d+)/.exec((err as Error).message);
      const line = at ? this.documentStartLine + countLines(text, Number(at[1])) : undefined;
      throw new OtlpFormatError(
        `${this.name}${line ? `:${line}` : ''}: not valid JSON (${(err as Error).message}). An OTLP JSON file holds one export request, or one a line.`,
        this.name,
        line,
      );
    }
    const requests = Array.isArray(value) ? value : [value];
    for (const request of requests) this.request(request, this.documentStartLine, false);
    if (this.stats.requests === 0)
      throw new OtlpFormatError(
        `${this.name} is not OTLP JSON: expected an object with resourceSpans or resourceMetrics (an ExportTraceServiceRequest or ExportMetricsServiceRequest).`,
        this.name,
        this.documentStartLine,
      );
  }

  private request(value: unknown, line: number, oneLine: boolean): void {
    const request = record(value);
    const spans = request && list(field(request, 'resourceSpans', 'resource_spans'));
    const metrics = request && list(field(request, 'resourceMetrics', 'resource_metrics'));
    const logs = request && list(field(request, 'resourceLogs', 'resource_logs'));
    if (!request || (!spans && !metrics && !logs)) {
      this.bad(
        line,
        oneLine
          ? 'not an OTLP export request (no resourceSpans, resourceMetrics or resourceLogs)'
          : 'an element that is not an OTLP export request',
      );
      return;
    }
    this.stats.requests++;
    if (spans) {
      this.kind('traces');
      this.stats.spans += this.mapper.resourceSpans(spans, line);
    }
    if (metrics) {
      this.kind('metrics');
      this.mapper.resourceMetrics(metrics, line);
    }
    if (logs) this.kind('logs');
  }

  private kind(kind: 'traces' | 'metrics' | 'logs'): void {
    if (!this.stats.kinds.includes(kind)) this.stats.kinds.push(kind);
  }

  private bad(line: number, reason: string): void {
    this.stats.bad++;
    this.firstBad ??= { line, reason };
    this.sink.bad(line, reason);
  }
}

function countLines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MB` : `${n} bytes`;
}

// ---- OTLP JSON values -------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function list(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** A field by its lowerCamelCase or its snake_case name (ProtoJSON readers accept both). */
function field(object: Json, camel: string, snake: string): unknown {
  const value = Object.prototype.hasOwnProperty.call(object, camel) ? object[camel] : undefined;
  if (value !== undefined) return value;
  return Object.prototype.hasOwnProperty.call(object, snake) ? object[snake] : undefined;
}

/** A 64-bit unsigned integer (a string of digits or a number) as a bigint. */
function uint64(value: unknown): bigint | undefined {
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}

/** A count (uint64) as a number; undefined when it is not one. */
function count(value: unknown): number | undefined {
  const n = uint64(value);
  return n === undefined ? undefined : Number(n);
}

/** A double: a number, or "NaN"/"Infinity"/"-Infinity" as ProtoJSON writes them. */
function double(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

const NS_PER_MS = 1_000_000n;

function nanosToMs(ns: bigint): number {
  return Number(ns / NS_PER_MS) + Number(ns % NS_PER_MS) / 1e6;
}

/** An AnyValue as a plain value: strings, booleans, numbers (int64 beyond 2^53 stays a string), arrays, objects. */
export function anyValue(value: unknown, depth = 0): unknown {
  const v = record(value);
  if (!v || depth > MAX_VALUE_DEPTH) return undefined;
  for (const key of Object.keys(v)) {
    const x = v[key];
    switch (key) {
      case 'stringValue':
      case 'string_value':
        return typeof x === 'string' ? x : undefined;
      case 'boolValue':
      case 'bool_value':
        return typeof x === 'boolean' ? x : x === 'true' ? true : x === 'false' ? false : undefined;
      case 'intValue':
      case 'int_value': {
        if (typeof x === 'number') return Number.isInteger(x) ? x : undefined;
        if (typeof x === 'string' && /^-?\d{1,20}$/.test(x)) {
          const n = Number(x);
          return Number.isSafeInteger(n) ? n : x;
        }
        return undefined;
      }
      case 'doubleValue':
      case 'double_value':
        return double(x);
      case 'bytesValue':
      case 'bytes_value':
        return typeof x === 'string' ? x : undefined;
      case 'arrayValue':
      case 'array_value': {
        const values = list(record(x)?.values);
        return values ? values.map((item) => anyValue(item, depth + 1)) : [];
      }
      case 'kvlistValue':
      case 'kvlist_value': {
        const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        for (const [k, item] of attributes(record(x)?.values, depth + 1)) out[k] = item;
        return out;
      }
      default:
    }
  }
  return undefined;
}

/** A KeyValue list as a map (later duplicates win, as a receiver keeps the last). */
function attributes(value: unknown, depth = 0): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const items = list(value);
  if (!items) return out;
  for (const item of items) {
    const kv = record(item);
    if (!kv || typeof kv.key !== 'string') continue;
    out.set(kv.key, anyValue(kv.value, depth));
  }
  return out;
}

// ---- Mapping to telemetry -----------------------------------------------------------------------------------------

/** Span kinds (numbers and ProtoJSON enum names). */
const SPAN_KIND: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

function enumNumber(value: unknown, names: Record<string, number>): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') return names[value] ?? (/^\d+$/.test(value) ? Number(value) : undefined);
  return undefined;
}

const STATUS_CODE: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const TEMPORALITY: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

const UNIT_MS: Record<string, number> = { s: 1000, ms: 1, us: 0.001, μs: 0.001, ns: 1e-6, min: 60_000 };

interface Lookups {
  model: readonly string[];
  version: readonly string[];
  caller: readonly string[];
  status: readonly string[];
  error: readonly string[];
  latency?: string;
  memory?: string;
  prediction?: string;
  features?: string | readonly string[];
  histograms: readonly string[];
}

class OtlpMapper {
  private readonly fields: Lookups;
  private readonly latencyScale: number;

  constructor(
    private readonly options: OtlpReadOptions,
    private readonly sink: OtlpSink,
  ) {
    const f = options.fields ?? {};
    const named = (name: string | undefined, defaults: readonly string[]): readonly string[] =>
      name ? [name] : defaults;
    this.fields = {
      model: named(f.model, OTLP_DEFAULT_FIELDS.model),
      version: named(f.version, OTLP_DEFAULT_FIELDS.version),
      caller: named(f.caller, OTLP_DEFAULT_FIELDS.caller),
      status: named(f.status, OTLP_DEFAULT_FIELDS.status),
      error: named(f.error, OTLP_DEFAULT_FIELDS.error),
      latency: f.latency,
      memory: f.memory,
      prediction: f.prediction,
      features: f.features,
      histograms: f.latency
        ? [f.latency, ...OTLP_DEFAULT_FIELDS.latencyHistograms]
        : OTLP_DEFAULT_FIELDS.latencyHistograms,
    };
    this.latencyScale = UNIT_MS[options.latencyUnit ?? 'ms'] ?? 1;
  }

  /** Reads resourceSpans; returns how many spans there were. */
  resourceSpans(items: unknown[], line: number): number {
    let spans = 0;
    for (const item of items) {
      const rs = record(item);
      if (!rs) {
        this.sink.bad(line, 'a resourceSpans entry that is not an object');
        continue;
      }
      const resource = attributes(record(rs.resource)?.attributes);
      const scopes =
        list(field(rs, 'scopeSpans', 'scope_spans')) ??
        list(field(rs, 'instrumentationLibrarySpans', 'instrumentation_library_spans')) ??
        [];
      for (const scope of scopes) {
        for (const span of list(record(scope)?.spans) ?? []) {
          spans++;
          this.span(span, resource, line);
        }
      }
    }
    return spans;
  }

  private span(value: unknown, resource: Map<string, unknown>, line: number): void {
    const span = record(value);
    if (!span) {
      this.sink.bad(line, 'a span that is not an object');
      return;
    }
    const kind = enumNumber(span.kind, SPAN_KIND) ?? 0;
    const parent = field(span, 'parentSpanId', 'parent_span_id');
    const isRoot = parent === undefined || parent === '' || parent === null;
    // A request served: a server (or consumer) span, or a root span that is not an outgoing call.
    if (!(kind === 2 || kind === 5 || (isRoot && (kind === 0 || kind === 1)))) return;
    const start = uint64(field(span, 'startTimeUnixNano', 'start_time_unix_nano'));
    const end = uint64(field(span, 'endTimeUnixNano', 'end_time_unix_nano'));
    const name = typeof span.name === 'string' ? `span '${span.name.slice(0, 80)}'` : 'a span';
    if (start === undefined || start === 0n) {
      this.sink.bad(line, `${name} has no startTimeUnixNano`);
      return;
    }
    const attrs = attributes(span.attributes);
    const look = (keys: readonly string[]): unknown => {
      for (const key of keys) {
        const v = attrs.get(key);
        if (v !== undefined && v !== '') return v;
      }
      for (const key of keys) {
        const v = resource.get(key);
        if (v !== undefined && v !== '') return v;
      }
      return undefined;
    };
    let latencyMs: number | undefined;
    if (this.fields.latency) {
      const v = look([this.fields.latency]);
      const n = typeof v === 'number' ? v : typeof v === 'string' ? double(v) : undefined;
      if (n !== undefined && Number.isFinite(n) && n >= 0) latencyMs = n * this.latencyScale;
    } else if (end !== undefined && end !== 0n) {
      if (end < start) {
        this.sink.bad(line, `${name} ends before it starts`);
        return;
      }
      latencyMs = Number(end - start) / 1e6;
    }
    const statusCode = enumNumber(record(span.status)?.code, STATUS_CODE);
    const http = toStatus(look(this.fields.status));
    const errorValue = look(this.fields.error);
    const error =
      statusCode === 2 ||
      (http !== undefined && http >= 500) ||
      (errorValue !== undefined && errorValue !== null && errorValue !== false && errorValue !== '');
    const event: TelemetryEvent = {
      time: Number(start / NS_PER_MS),
      model: this.model(attrs, resource),
      version: text(
        firstOf(attrs, this.fields.version) ??
          firstOf(resource, this.fields.version) ??
          resource.get('service.version'),
      ),
      caller: text(firstOf(attrs, this.fields.caller) ?? firstOf(resource, this.fields.caller)),
      error,
      line,
    };
    if (latencyMs !== undefined) event.latencyMs = latencyMs;
    if (this.fields.memory) {
      const m = look([this.fields.memory]);
      if (typeof m === 'number' && Number.isFinite(m)) event.memoryMb = m;
    }
    if (this.fields.prediction) {
      const p = look([this.fields.prediction]);
      if (p !== undefined) event.prediction = p;
    }
    const features = this.features(attrs);
    if (features) event.features = features;
    this.sink.event(event);
  }

  private model(attrs: Map<string, unknown>, resource: Map<string, unknown>): string {
    const named = firstOf(attrs, this.fields.model) ?? firstOf(resource, this.fields.model);
    if (named !== undefined) return text(named);
    if (this.options.model) return this.options.model;
    return text(resource.get('service.name')) || 'unknown';
  }

  /** `fields.features`: a list of attribute keys, or a prefix ("model.input.") whose attributes are the features. */
  private features(attrs: Map<string, unknown>): Record<string, unknown> | undefined {
    const spec = this.fields.features;
    if (!spec) return undefined;
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    let any = false;
    if (typeof spec === 'string') {
      for (const [key, value] of attrs)
        if (key.startsWith(spec) && key.length > spec.length) {
          out[key.slice(spec.length)] = value;
          any = true;
        }
    } else
      for (const key of spec)
        if (attrs.has(key)) {
          out[key] = attrs.get(key);
          any = true;
        }
    return any ? out : undefined;
  }

  resourceMetrics(items: unknown[], line: number): void {
    for (const item of items) {
      const rm = record(item);
      if (!rm) {
        this.sink.bad(line, 'a resourceMetrics entry that is not an object');
        continue;
      }
      const resourceAttrs = record(rm.resource)?.attributes;
      const resource = attributes(resourceAttrs);
      const resourceKey = canonical(resource);
      const scopes =
        list(field(rm, 'scopeMetrics', 'scope_metrics')) ??
        list(field(rm, 'instrumentationLibraryMetrics', 'instrumentation_library_metrics')) ??
        [];
      for (const scopeValue of scopes) {
        const scope = record(scopeValue);
        const scopeInfo =
          record(scope?.scope) ?? record(field(scope ?? {}, 'instrumentationLibrary', 'instrumentation_library'));
        const scopeKey = `${text(scopeInfo?.name)}@${text(scopeInfo?.version)}`;
        for (const metricValue of list(scope?.metrics) ?? []) {
          const metric = record(metricValue);
          const name = typeof metric?.name === 'string' ? metric.name : undefined;
          if (!metric || !name || !this.fields.histograms.includes(name)) continue;
          const explicit = record(metric.histogram);
          const exponential = explicit
            ? undefined
            : record(field(metric, 'exponentialHistogram', 'exponential_histogram'));
          const histogram = explicit ?? exponential;
          if (!histogram) continue;
          const unit = typeof metric.unit === 'string' && metric.unit !== '' ? metric.unit : undefined;
          const scale =
            unit !== undefined
              ? UNIT_MS[unit]
              : name === 'http.server.request.duration'
                ? 1000
                : this.options.latencyUnit
                  ? UNIT_MS[this.options.latencyUnit]
                  : 1;
          if (scale === undefined) {
            this.sink.bad(line, `${name}: unit '${unit ?? ''}' is not a time unit`);
            continue;
          }
          const temporalityNumber = enumNumber(
            field(histogram, 'aggregationTemporality', 'aggregation_temporality'),
            TEMPORALITY,
          );
          const temporality =
            temporalityNumber === 1 ? 'delta' : temporalityNumber === 2 ? 'cumulative' : 'unspecified';
          for (const pointValue of list(field(histogram, 'dataPoints', 'data_points')) ?? [])
            this.histogramPoint(
              pointValue,
              {
                name,
                scale,
                temporality,
                resource,
                key: `${resourceKey}|${scopeKey}|${name}`,
                exponential: exponential !== undefined,
              },
              line,
            );
        }
      }
    }
  }

  private histogramPoint(
    value: unknown,
    metric: {
      name: string;
      scale: number;
      temporality: OtlpHistogramPoint['temporality'];
      resource: Map<string, unknown>;
      key: string;
      exponential: boolean;
    },
    line: number,
  ): void {
    const point = record(value);
    if (!point) {
      this.sink.bad(line, `${metric.name}: a data point that is not an object`);
      return;
    }
    const time = uint64(field(point, 'timeUnixNano', 'time_unix_nano'));
    const total = count(point.count);
    if (time === undefined || time === 0n || total === undefined) {
      this.sink.bad(line, `${metric.name}: a data point without timeUnixNano or count`);
      return;
    }
    let boundsMs: number[];
    let bucketCounts: number[];
    let exponential: ExponentialBuckets | undefined;
    if (metric.exponential) {
      const read = this.exponentialBuckets(point, metric.scale);
      if (typeof read === 'string') {
        this.sink.bad(line, `${metric.name}: ${read}`);
        return;
      }
      exponential = read;
      ({ boundsMs, counts: bucketCounts } = exponentialLayout(read));
      if (!boundsMs.every(Number.isFinite)) {
        this.sink.bad(line, `${metric.name}: bucket bounds beyond the range of numbers (scale ${read.scale})`);
        return;
      }
    } else {
      const bounds = (list(field(point, 'explicitBounds', 'explicit_bounds')) ?? []).map(double);
      const counts = (list(field(point, 'bucketCounts', 'bucket_counts')) ?? []).map(count);
      if (bounds.some((b) => b === undefined || Number.isNaN(b)) || counts.some((c) => c === undefined)) {
        this.sink.bad(line, `${metric.name}: bucket bounds or counts that are not numbers`);
        return;
      }
      // No bucket counts: only the total is known (one +Inf bucket).
      boundsMs = counts.length === 0 ? [] : (bounds as number[]).map((b) => b * metric.scale);
      bucketCounts = counts.length === 0 ? [total] : (counts as number[]);
      if (bucketCounts.length !== boundsMs.length + 1 || boundsMs.some((b, i) => i > 0 && b <= boundsMs[i - 1]!)) {
        this.sink.bad(
          line,
          `${metric.name}: ${bucketCounts.length} bucket counts for ${boundsMs.length} bounds (expected ascending bounds and one more count than bounds)`,
        );
        return;
      }
    }
    const inBuckets = bucketCounts.reduce((a, b) => a + b, 0);
    if (inBuckets !== total) {
      this.sink.bad(line, `${metric.name}: the bucket counts add up to ${inBuckets} but count is ${total}`);
      return;
    }
    const attrs = attributes(point.attributes);
    const status = toStatus(firstOf(attrs, this.fields.status));
    const errorValue = firstOf(attrs, this.fields.error);
    const start = uint64(field(point, 'startTimeUnixNano', 'start_time_unix_nano'));
    const out: OtlpHistogramPoint = {
      series: `${metric.key}|${canonical(attrs)}`,
      metric: metric.name,
      model: this.model(attrs, metric.resource),
      version: text(
        firstOf(attrs, this.fields.version) ??
          firstOf(metric.resource, this.fields.version) ??
          metric.resource.get('service.version'),
      ),
      error:
        (status !== undefined && status >= 500) ||
        (errorValue !== undefined && errorValue !== null && errorValue !== false && errorValue !== ''),
      temporality: metric.temporality,
      timeMs: nanosToMs(time),
      count: total,
      boundsMs,
      counts: bucketCounts,
      line,
    };
    if (exponential) out.exponential = exponential;
    if (start !== undefined && start !== 0n) out.startMs = nanosToMs(start);
    const sum = double(point.sum);
    if (sum !== undefined && Number.isFinite(sum)) out.sumMs = sum * metric.scale;
    const min = double(point.min);
    if (min !== undefined && Number.isFinite(min)) out.minMs = min * metric.scale;
    const max = double(point.max);
    if (max !== undefined && Number.isFinite(max)) out.maxMs = max * metric.scale;
    this.sink.histogram(out);
  }

  /** The buckets of an exponential histogram point, or what is wrong with them. */
  private exponentialBuckets(point: Record<string, unknown>, unitMs: number): ExponentialBuckets | string {
    // ProtoJSON leaves out a scale of 0.
    const scale = point.scale === undefined ? 0 : integer(point.scale);
    if (scale === undefined || scale < MIN_SCALE || scale > MAX_SCALE)
      return `a scale that is not an integer from ${MIN_SCALE} to ${MAX_SCALE}`;
    const zeroCount =
      point.zeroCount === undefined && point.zero_count === undefined
        ? 0
        : count(field(point, 'zeroCount', 'zero_count'));
    const zeroThreshold = field(point, 'zeroThreshold', 'zero_threshold');
    const threshold = zeroThreshold === undefined ? 0 : double(zeroThreshold);
    if (zeroCount === undefined || threshold === undefined || !Number.isFinite(threshold) || threshold < 0)
      return 'a zero count or zero threshold that is not a number';
    const range = (value: unknown): ExponentialBuckets['positive'] | undefined => {
      const buckets = record(value);
      if (value !== undefined && !buckets) return undefined;
      const offset = buckets?.offset === undefined ? 0 : integer(buckets.offset);
      const counts = (list(field(buckets ?? {}, 'bucketCounts', 'bucket_counts')) ?? []).map(count);
      if (offset === undefined || counts.some((c) => c === undefined)) return undefined;
      // Empty buckets at either end say nothing (the SDK writes a range of zeros): left out.
      let first = 0;
      let end = counts.length;
      while (first < end && counts[first] === 0) first++;
      while (end > first && counts[end - 1] === 0) end--;
      return first < end
        ? { offset: offset + first, counts: counts.slice(first, end) as number[] }
        : { offset: 0, counts: [] };
    };
    const positive = range(point.positive);
    const negative = range(point.negative);
    if (!positive || !negative) return 'bucket offsets or counts that are not numbers';
    return { scale, zeroCount, zeroThreshold: threshold, positive, negative, unitMs };
  }
}

/** A signed integer (a number, or a decimal string as ProtoJSON writes sint32). */
function integer(value: unknown): number | undefined {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

function firstOf(attrs: Map<string, unknown>, keys: readonly string[]): unknown {
  for (const key of keys) {
    const v = attrs.get(key);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

function toStatus(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d{3}$/.test(value)) return Number(value);
  return undefined;
}

/** A stable text of an attribute map (sorted keys), for series identity. */
function canonical(attrs: Map<string, unknown>): string {
  return JSON.stringify([...attrs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
