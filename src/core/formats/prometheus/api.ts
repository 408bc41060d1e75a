// A client for a Prometheus server's HTTP API (or any server speaking it: Thanos, Mimir, VictoriaMetrics):
// instant queries (`/api/v1/query`) and range queries (`/api/v1/query_range`), sent as form posts so long queries
// fit. Shares the request path of the other server clients (timeout, answer size limit, credentials in the address,
// a bearer token that never appears in a message). Every way an answer can be wrong becomes a
// `PrometheusApiError` whose `kind` says what went wrong and whose message says what to do.
//
// A server on the loopback interface is asked for uncompressed answers: Prometheus gzips a week of fine-stepped
// series (megabytes of JSON) several times slower than the loopback carries them, so compression only costs there;
// any other server is asked for gzip, which pays for itself on a network.
import { HttpFailure, MB, megabytes, parseJsonBody, redact, requestText, serverAddress } from '../../httpRequest';
import { readMatrixAnswer, sampleValue, type SampleColumns } from './samples';

export type PrometheusApiErrorKind =
  | 'invalid-url'
  | 'unreachable'
  | 'timeout'
  | 'cancelled'
  | 'unauthorized'
  | 'not-prometheus'
  | 'bad-query'
  | 'server'
  | 'malformed'
  | 'limit';

/** A failed call to a Prometheus server; `kind` says what went wrong, the message what to do. */
export class PrometheusApiError extends Error {
  constructor(
    message: string,
    /** The server's address as shown (no credentials). */
    readonly location: string,
    readonly kind: PrometheusApiErrorKind,
    readonly status?: number,
    /** The server's `errorType` (`bad_data`, `timeout`, `execution`, ...), when it sent one. */
    readonly errorType?: string,
  ) {
    super(message);
    this.name = 'PrometheusApiError';
  }
}

export interface PrometheusClientOptions {
  /** The server, e.g. `http://127.0.0.1:9090` (a path prefix is kept: `https://host/prometheus`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`; never logged or shown. */
  token?: string;
  /** Per request, in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Bytes one answer may have (after decompression) before reading stops with a `limit` error (default 64 MB). */
  maxResponseBytes?: number;
  /** Cancels requests in flight. */
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/**
 * One series of an answer: its labels (`__name__` included when the server sends it) and its samples in time order,
 * as two columns: `times` in milliseconds since the epoch, `values` as numbers (`"NaN"`, `"+Inf"` included).
 */
export interface PrometheusSeries extends SampleColumns {
  labels: Record<string, string>;
}

/** An answer, normalised: a matrix as is, a vector as one sample per series, a scalar as one series without labels. */
export interface PrometheusResult {
  resultType: 'matrix' | 'vector' | 'scalar' | 'string';
  series: PrometheusSeries[];
  /** Warnings the server attached to a successful answer. */
  warnings: string[];
}

/** The most points Prometheus returns per series of a range query. */
export const MAX_POINTS_PER_SERIES = 11_000;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_MB = 64;

type Json = Record<string, unknown>;

/** Whether a URL's host name is this machine's loopback interface: `localhost` (and `*.localhost`), 127.0.0.0/8 (IPv4-mapped too), [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]' || host === '::1' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A time for the API: seconds since the epoch with millisecond precision. */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3).replace(/\.?0+$/, '');
}

export class PrometheusClient {
  /** The server's address without credentials, as shown in messages. */
  readonly baseUrl: string;
  private readonly apiUrl: URL;
  private readonly headers: Record<string, string>;
  private readonly secrets: string[];
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly signal: AbortSignal | undefined;
  private readonly fetchImpl: typeof fetch | undefined;

  constructor(options: PrometheusClientOptions) {
    const address = serverAddress(options.baseUrl, options.token);
    if ('error' in address) {
      throw new PrometheusApiError(
        address.error === 'invalid'
          ? `'${options.baseUrl}' is not a URL; give the Prometheus server's address, e.g. http://127.0.0.1:9090.`
          : `${address.protocol}// is not supported for a Prometheus server; use an http:// or https:// address.`,
        options.baseUrl,
        'invalid-url',
      );
    }
    this.baseUrl = address.shown;
    this.apiUrl = new URL('api/v1/', address.url);
    this.headers = { ...address.headers, 'Content-Type': 'application/x-www-form-urlencoded' };
    if (isLoopbackHost(address.url.hostname)) this.headers['Accept-Encoding'] = 'identity';
    this.secrets = address.secrets;
    this.timeoutMs = Math.max(1, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.maxResponseBytes = Math.max(1, Math.floor(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_MB * MB));
    this.signal = options.signal;
    this.fetchImpl = options.fetch;
  }

  private fail(message: string, kind: PrometheusApiErrorKind, status?: number, errorType?: string): PrometheusApiError {
    return new PrometheusApiError(redact(message, this.secrets), this.baseUrl, kind, status, errorType);
  }

  /** An instant query at `time` (milliseconds; default: the server's now). */
  async query(expression: string, time?: number): Promise<PrometheusResult> {
    const params: Record<string, string> = { query: expression };
    if (time !== undefined) params.time = seconds(time);
    return this.call('query', params);
  }

  /** A range query from `start` to `end` (milliseconds) every `stepMs`; refused here when it would pass 11,000 points. */
  async queryRange(expression: string, start: number, end: number, stepMs: number): Promise<PrometheusResult> {
    if (!(stepMs > 0) || !(end >= start)) {
      throw this.fail(
        `A range query needs start <= end and a positive step (got ${start}..${end} every ${stepMs} ms).`,
        'bad-query',
      );
    }
    const points = Math.floor((end - start) / stepMs) + 1;
    if (points > MAX_POINTS_PER_SERIES) {
      throw this.fail(
        `A range query of ${points} points per series is more than the ${MAX_POINTS_PER_SERIES} Prometheus answers; use a step of at least ${Math.ceil((end - start) / (MAX_POINTS_PER_SERIES - 1) / 1000)} s.`,
        'bad-query',
      );
    }
    return this.call('query_range', {
      query: expression,
      start: seconds(start),
      end: seconds(end),
      step: seconds(stepMs),
    });
  }

  private async call(endpoint: 'query' | 'query_range', params: Record<string, string>): Promise<PrometheusResult> {
    const url = new URL(endpoint, this.apiUrl);
    const shown = `${this.baseUrl}/api/v1/${endpoint}`;
    let response: Response;
    let body: string;
    try {
      ({ response, body } = await requestText(
        url,
        { method: 'POST', headers: { ...this.headers }, body: new URLSearchParams(params).toString() },
        {
          timeoutMs: this.timeoutMs,
          maxResponseBytes: this.maxResponseBytes,
          signal: this.signal,
          fetch: this.fetchImpl,
        },
      ));
    } catch (err) {
      if (!(err instanceof HttpFailure)) throw err;
      switch (err.kind) {
        case 'limit':
          throw this.fail(
            `Prometheus server at ${this.baseUrl}: the answer to ${endpoint} is larger than ${megabytes(this.maxResponseBytes)}${err.announced === undefined ? '' : ` (it announces ${megabytes(err.announced)})`}; stopped reading it. Narrow the query (fewer series, a shorter range or a larger step), or raise the mlops.telemetry.maxResponseMB setting (now ${Number((this.maxResponseBytes / MB).toFixed(1))}).`,
            'limit',
          );
        case 'timeout':
          throw this.fail(
            `Prometheus server at ${this.baseUrl} did not answer within ${this.timeoutMs / 1000} s (${shown}); check that it is not overloaded, narrow the range, or raise mlops.telemetry.timeoutMs.`,
            'timeout',
          );
        case 'cancelled':
          throw this.fail(`The query to the Prometheus server at ${this.baseUrl} was cancelled.`, 'cancelled');
        case 'refused':
          throw this.fail(
            `Prometheus server at ${this.baseUrl} is not reachable: is it running? (connection refused)`,
            'unreachable',
          );
        default:
          throw this.fail(
            `Prometheus server at ${this.baseUrl} is not reachable (${err.detail}): check the address (mlops.telemetry.prometheusUrl) and that the server runs.`,
            'unreachable',
          );
      }
    }
    // A large answer's samples are read straight into columns; anything unusual is read (and worded) by JSON.parse.
    const fast = response.ok ? readMatrixAnswer(body) : undefined;
    const { parsed, json } = fast ? { parsed: true, json: fast.json } : parseJsonBody(body);
    const answer =
      parsed && json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Json) : undefined;
    const errorText = answer && typeof answer.error === 'string' ? answer.error : undefined;
    const errorType = answer && typeof answer.errorType === 'string' ? answer.errorType : undefined;
    if (response.status === 401 || response.status === 403) {
      throw this.fail(
        `Prometheus server at ${this.baseUrl} refused the request (HTTP ${response.status}${errorText ? `: ${errorText}` : ''}): check the token (MLOps: Set Prometheus Token)${this.secrets.length ? '' : '; none was given'}.`,
        'unauthorized',
        response.status,
      );
    }
    if (response.status === 404) {
      throw this.fail(
        `${shown} was not found (HTTP 404): is ${this.baseUrl} a Prometheus server? Check the address and any path prefix.`,
        'not-prometheus',
        404,
      );
    }
    if (answer?.status === 'error' || (!response.ok && errorText)) {
      const badQuery = errorType === 'bad_data' || response.status === 400 || response.status === 422;
      throw this.fail(
        `Prometheus server at ${this.baseUrl} rejected the ${endpoint === 'query' ? 'query' : 'range query'} (${errorType ?? `HTTP ${response.status}`}): ${errorText ?? 'no reason given'}${badQuery ? `. Query: ${params.query}` : ''}`,
        badQuery ? 'bad-query' : 'server',
        response.status,
        errorType,
      );
    }
    if (!response.ok) {
      throw this.fail(
        `Prometheus server at ${this.baseUrl} answered HTTP ${response.status} to ${endpoint}: ${body.slice(0, 200).trim() || response.statusText}.`,
        'server',
        response.status,
      );
    }
    if (!answer) {
      throw this.fail(
        `${shown} answered with ${parsed ? 'JSON that is not an object' : `something that is not JSON (${JSON.stringify(body.slice(0, 60))})`}: is ${this.baseUrl} a Prometheus server?`,
        'malformed',
        response.status,
      );
    }
    if (answer.status !== 'success') {
      throw this.malformed(shown, `its status is ${JSON.stringify(answer.status)}, not "success"`);
    }
    return this.result(shown, answer, fast?.columns);
  }

  private malformed(shown: string, what: string): PrometheusApiError {
    return this.fail(
      `${shown} answered in an unexpected shape (${what}): is ${this.baseUrl} a Prometheus server?`,
      'malformed',
    );
  }

  /** The answer's series; `columns`: the fast path's samples, which its `values` are indexes into. */
  private result(shown: string, answer: Json, columns: SampleColumns[] | undefined): PrometheusResult {
    const data = answer.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw this.malformed(shown, "no 'data' object");
    const { resultType, result } = data as Json;
    const warnings = Array.isArray(answer.warnings)
      ? answer.warnings.filter((w): w is string => typeof w === 'string')
      : [];
    const samples = (pairs: readonly unknown[], where: (j: number) => string): SampleColumns => {
      const times = new Float64Array(pairs.length);
      const values = new Float64Array(pairs.length);
      pairs.forEach((pair, j) => {
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number' || !Number.isFinite(pair[0]))
          throw this.malformed(shown, `${where(j)} is not a [time, "value"] pair`);
        const value = sampleValue(pair[1]);
        if (value === undefined)
          throw this.malformed(shown, `${where(j)} has the value ${JSON.stringify(pair[1])}, not a number as text`);
        times[j] = Math.round(pair[0] * 1000);
        values[j] = value;
      });
      return { times, values };
    };
    const labels = (item: Json, where: string): Record<string, string> => {
      const metric = item.metric ?? {};
      if (metric === null || typeof metric !== 'object' || Array.isArray(metric))
        throw this.malformed(shown, `${where}'s 'metric' is not an object of labels`);
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(metric as Json)) {
        if (typeof v !== 'string') throw this.malformed(shown, `${where}'s label ${JSON.stringify(k)} is not text`);
        out[k] = v;
      }
      return out;
    };
    if (resultType === 'scalar' || resultType === 'string') {
      if (resultType === 'string') return { resultType, series: [], warnings };
      return { resultType, series: [{ labels: {}, ...samples([result], () => 'the scalar') }], warnings };
    }
    if (resultType !== 'matrix' && resultType !== 'vector')
      throw this.malformed(shown, `resultType ${JSON.stringify(resultType)}`);
    if (!Array.isArray(result)) throw this.malformed(shown, "'result' is not a list");
    const series = result.map((item: unknown, i): PrometheusSeries => {
      const where = `series ${i + 1}`;
      if (item === null || typeof item !== 'object' || Array.isArray(item))
        throw this.malformed(shown, `${where} is not an object`);
      const entry = item as Json;
      if (resultType === 'vector')
        return { labels: labels(entry, where), ...samples([entry.value], () => `${where}'s value`) };
      const column = columns && typeof entry.values === 'number' ? columns[entry.values] : undefined;
      if (column) return { labels: labels(entry, where), ...column };
      if (!Array.isArray(entry.values)) throw this.malformed(shown, `${where} has no 'values' list`);
      return { labels: labels(entry, where), ...samples(entry.values, (j) => `${where}, point ${j + 1}`) };
    });
    return { resultType, series, warnings };
  }
}
