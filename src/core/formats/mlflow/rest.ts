// A client for an MLflow tracking server's REST API (`<base>/api/2.0/mlflow/...`): experiments, runs with their
// latest metrics, full metric histories and the model registry, following page tokens until done; and the registry's
// release actions (set or delete an alias, transition a version's stage), which callers run only when the user asks. Uses Node's
// global fetch with a timeout; an optional bearer token is sent but never appears in errors. A server cannot make
// it loop or fill memory: pages per listing and bytes per answer are capped, and the error names the setting.
import { HttpFailure, MB, megabytes, parseJsonBody, redact, requestText, serverAddress } from '../../httpRequest';
import { MetricsError, type MetricPoint, type MetricSeries } from '../../metrics/model';
import {
  compareText,
  DELETED_VERSION_STAGE,
  integerField,
  metricSeries,
  runLabel,
  statusFromName,
  storedMetricValue,
  textField,
  type MlflowExperiment,
  type MlflowModelVersion,
  type MlflowRegisteredModel,
  type MlflowRun,
  type MlflowRunListing,
  type MlflowRunQuery,
} from './entities';

export type MlflowRestErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'not-mlflow'
  | 'unauthorized'
  | 'not-found'
  | 'server'
  | 'malformed'
  | 'limit'
  | 'invalid-url';

/** A failed call to a tracking server; `kind` says what went wrong, the message what to do. */
export class MlflowRestError extends MetricsError {
  constructor(
    message: string,
    location: string,
    readonly kind: MlflowRestErrorKind,
    readonly status?: number,
  ) {
    super(message, location);
    this.name = 'MlflowRestError';
  }
}

export interface MlflowRestOptions {
  /** The tracking server, e.g. `http://127.0.0.1:5000` (a path prefix is kept: `https://host/mlflow`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`; never logged or shown. */
  token?: string;
  /** Per request, in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Page size for run searches (default 1000) and metric histories (default 25 000). */
  runPageSize?: number;
  historyPageSize?: number;
  /** Page size for the registry: registered models (default 1000, the most MLflow allows) and model versions (default 10 000). */
  registryPageSize?: number;
  /** Pages one listing may take before it stops with a `limit` error (default 1000). */
  maxPages?: number;
  /** Bytes one answer may have (after decompression) before reading stops with a `limit` error (default 64 MB). */
  maxResponseBytes?: number;
  /** The fetch to use (default: Node's global fetch). */
  fetch?: typeof fetch;
}

type Json = Record<string, unknown>;

/** The stages MLflow's registry knows (`transition-stage` accepts these). */
export const MLFLOW_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export type MlflowStage = (typeof MLFLOW_STAGES)[number];

const API = 'api/2.0/mlflow/';

export const DEFAULT_MAX_PAGES = 1000;
export const DEFAULT_MAX_RESPONSE_MB = 64;

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? (value.filter((v) => v !== null && typeof v === 'object') as Json[]) : [];
}

/** A text field; the server sends absent text as an empty string. */
function str(value: unknown): string | undefined {
  return value === '' ? undefined : textField(value);
}

/**
 * A metric value as the server sends it: a number, or the strings `NaN`, `Infinity`, `-Infinity` (protobuf JSON);
 * a SQL-backed server sends infinities as +/-1.7976931348623157e308, given back as +/-Infinity.
 */
export function restMetricValue(value: unknown): number {
  if (typeof value === 'number') return storedMetricValue(value, false);
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return storedMetricValue(Number(value), false);
  return NaN;
}

/** A metric point as the server sends it (`step`, `value`, `timestamp`). */
function restPoint(metric: Json): MetricPoint {
  return {
    step: integerField(metric.step) ?? 0,
    value: restMetricValue(metric.value),
    timestamp: integerField(metric.timestamp),
  };
}

function keyValues(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of asArray(list)) {
    const key = str(item.key);
    if (key !== undefined) out[key] = typeof item.value === 'string' ? item.value : (str(item.value) ?? '');
  }
  return out;
}

export class MlflowRestClient {
  /** The server's base URL without credentials, as shown in messages. */
  readonly baseUrl: string;
  private readonly apiUrl: URL;
  private readonly headers: Record<string, string>;
  private readonly secrets: string[];
  private readonly timeoutMs: number;
  private readonly runPageSize: number;
  private readonly historyPageSize: number;
  private readonly registryPageSize: number | undefined;
  private readonly maxPages: number;
  private readonly maxResponseBytes: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: MlflowRestOptions) {
    const address = serverAddress(options.baseUrl, options.token);
    if ('error' in address) {
      throw new MlflowRestError(
        address.error === 'invalid'
          ? `'${options.baseUrl}' is not a URL; give the tracking server's address, e.g. http://127.0.0.1:5000.`
          : `${address.protocol}// is not supported for a tracking server; use an http:// or https:// address.`,
        options.baseUrl,
        'invalid-url',
      );
    }
    const url = address.url;
    this.headers = address.headers;
    this.secrets = address.secrets;
    this.baseUrl = address.shown;
    this.apiUrl = new URL(API, url);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.runPageSize = options.runPageSize ?? 1000;
    this.historyPageSize = options.historyPageSize ?? 25_000;
    this.registryPageSize = options.registryPageSize;
    this.maxPages = Math.max(1, Math.floor(options.maxPages ?? DEFAULT_MAX_PAGES));
    this.maxResponseBytes = Math.max(1, Math.floor(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_MB * MB));
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Removes the token and any password from a text. */
  private redact(text: string): string {
    return redact(text, this.secrets);
  }

  private fail(message: string, kind: MlflowRestErrorKind, status?: number): MlflowRestError {
    return new MlflowRestError(this.redact(message), this.baseUrl, kind, status);
  }

  /** One call: GET with query parameters, or POST, PATCH or DELETE with a JSON body (as MLflow's own client sends). */
  async call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', endpoint: string, params: Json): Promise<Json> {
    const url = new URL(endpoint, this.apiUrl);
    const init: RequestInit = { method, headers: { ...this.headers } };
    if (method === 'GET') {
      for (const [key, value] of Object.entries(params)) {
        if (value === undefined || value === null) continue;
        if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, String(v));
        else url.searchParams.set(key, typeof value === 'string' ? value : JSON.stringify(value));
      }
    } else {
      init.body = JSON.stringify(params);
      (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
    }
    const shown = `${this.baseUrl}/${API}${endpoint}`;
    let response: Response;
    let body: string;
    try {
      ({ response, body } = await requestText(url, init, {
        timeoutMs: this.timeoutMs,
        maxResponseBytes: this.maxResponseBytes,
        fetch: this.fetchImpl,
      }));
    } catch (err) {
      if (!(err instanceof HttpFailure)) throw err;
      if (err.kind === 'limit') throw this.tooLarge(endpoint, err.announced);
      if (err.kind === 'timeout' || err.kind === 'cancelled') {
        throw this.fail(
          `MLflow server at ${this.baseUrl} did not answer within ${this.timeoutMs / 1000} s (${shown}); check that it is not overloaded, or raise the timeout.`,
          'timeout',
        );
      }
      if (err.kind === 'refused') {
        throw this.fail(
          `MLflow server at ${this.baseUrl} is not reachable: is \`mlflow server\` running? (connection refused)`,
          'unreachable',
        );
      }
      throw this.fail(
        `MLflow server at ${this.baseUrl} is not reachable (${err.detail}): check the address and that \`mlflow server\` is running.`,
        'unreachable',
      );
    }
    const { parsed, json } = parseJsonBody(body);
    const errorBody = parsed && json !== null && typeof json === 'object' ? (json as Json) : undefined;
    const serverMessage = errorBody && typeof errorBody.message === 'string' ? errorBody.message : undefined;
    const errorCode = errorBody && typeof errorBody.error_code === 'string' ? errorBody.error_code : undefined;
    if (response.status === 401 || response.status === 403) {
      throw this.fail(
        `MLflow server at ${this.baseUrl} refused the request (HTTP ${response.status}${serverMessage ? `: ${serverMessage}` : ''}): check the token${this.secrets.length ? '' : ' (none was given)'}.`,
        'unauthorized',
        response.status,
      );
    }
    if (response.status === 404) {
      if (errorCode) throw this.fail(`${shown}: ${serverMessage ?? errorCode} (${errorCode}).`, 'not-found', 404);
      throw this.fail(
        `${shown} was not found (HTTP 404): is ${this.baseUrl} an MLflow tracking server? Check the address and any path prefix.`,
        'not-mlflow',
        404,
      );
    }
    if (!response.ok) {
      const what = serverMessage
        ? `${serverMessage}${errorCode ? ` (${errorCode})` : ''}`
        : body.slice(0, 200).trim() || response.statusText;
      throw this.fail(
        `MLflow server at ${this.baseUrl} answered HTTP ${response.status} to ${endpoint}: ${what}.`,
        'server',
        response.status,
      );
    }
    if (!errorBody || Array.isArray(json)) {
      throw this.fail(
        `${shown} answered with ${parsed ? 'JSON that is not an object' : `something that is not JSON (${JSON.stringify(body.slice(0, 60))})`}: is ${this.baseUrl} an MLflow tracking server?`,
        'malformed',
        response.status,
      );
    }
    return errorBody;
  }

  /** The answer to `endpoint` passed maxResponseBytes (or announced that it would). */
  private tooLarge(endpoint: string, announced?: number): MlflowRestError {
    const limit = this.maxResponseBytes;
    return this.fail(
      `MLflow server at ${this.baseUrl}: the answer to ${endpoint} is larger than ${megabytes(limit)}${announced === undefined ? '' : ` (it announces ${megabytes(announced)})`}; stopped reading it. If the server really sends that much, raise the mlops.mlflow.maxResponseMB setting (now ${Number((limit / MB).toFixed(1))}).`,
      'limit',
    );
  }

  /** Follows `next_page_token` until done, collecting `field` of each page. */
  private async pages(method: 'GET' | 'POST', endpoint: string, params: Json, field: string): Promise<Json[]> {
    const out: Json[] = [];
    let token: string | undefined;
    const seen = new Set<string>();
    for (let pages = 1; ; pages++) {
      const page = await this.call(method, endpoint, token ? { ...params, page_token: token } : params);
      if (page[field] !== undefined && !Array.isArray(page[field])) {
        throw this.fail(
          `${this.baseUrl}/${API}${endpoint}: '${field}' is not a list: is this an MLflow tracking server?`,
          'malformed',
        );
      }
      for (const item of asArray(page[field])) out.push(item);
      token = typeof page.next_page_token === 'string' && page.next_page_token ? page.next_page_token : undefined;
      if (!token) return out;
      if (pages >= this.maxPages)
        throw this.fail(
          `MLflow server at ${this.baseUrl}: ${endpoint} has more than ${this.maxPages} pages; stopped there. If the server really holds that much, raise the mlops.mlflow.maxPages setting (now ${this.maxPages}).`,
          'limit',
        );
      if (seen.has(token))
        throw this.fail(
          `${this.baseUrl}/${API}${endpoint}: the server returned the same page token twice; stopping to avoid a loop.`,
          'malformed',
        );
      seen.add(token);
    }
  }

  /** Experiments (POST experiments/search), deleted ones only when asked. */
  async searchExperiments(options: { includeDeleted?: boolean } = {}): Promise<MlflowExperiment[]> {
    const list = await this.pages(
      'POST',
      'experiments/search',
      { max_results: 1000, view_type: options.includeDeleted ? 'ALL' : 'ACTIVE_ONLY' },
      'experiments',
    );
    return list.map((e) => ({
      id: str(e.experiment_id) ?? '',
      name: str(e.name) ?? str(e.experiment_id) ?? '',
      lifecycleStage: str(e.lifecycle_stage) ?? 'active',
      artifactLocation: str(e.artifact_location),
      creationTime: integerField(e.creation_time),
      lastUpdateTime: integerField(e.last_update_time),
      tags: keyValues(e.tags),
    }));
  }

  /**
   * Runs with their params, tags and latest metric values (POST runs/search, every page). All experiments when
   * `experimentIds` is absent; deleted runs only when `includeDeleted` is set. `fullHistory` then fetches every
   * metric's history (one request per metric and page).
   */
  async listRuns(query: MlflowRunQuery & { filter?: string } = {}): Promise<MlflowRunListing> {
    const experiments = await this.searchExperiments({ includeDeleted: query.includeDeleted });
    const names = new Map(experiments.map((e) => [e.id, e]));
    const ids = query.experimentIds ?? experiments.map((e) => e.id);
    if (!ids.length) return { runs: [], problems: [] };
    const list = await this.pages(
      'POST',
      'runs/search',
      {
        experiment_ids: ids,
        filter: query.filter ?? '',
        max_results: this.runPageSize,
        run_view_type: query.includeDeleted ? 'ALL' : 'ACTIVE_ONLY',
      },
      'runs',
    );
    const runs = list.map((r) => this.toRun(r, names));
    if (query.fullHistory) {
      for (const run of runs) {
        run.metrics = await Promise.all(run.metrics.map((m) => this.getMetricHistory(run.id, m.key)));
        run.fullHistory = true;
      }
    }
    return { runs, problems: [] };
  }

  private toRun(raw: Json, experiments: Map<string, MlflowExperiment>): MlflowRun {
    const info = (raw.info ?? {}) as Json;
    const data = (raw.data ?? {}) as Json;
    const id = str(info.run_id) ?? str(info.run_uuid) ?? '';
    const experimentId = str(info.experiment_id) ?? '';
    const tags = keyValues(data.tags);
    const metrics: MetricSeries[] = asArray(data.metrics)
      .map((m) => metricSeries(str(m.key) ?? '', [restPoint(m)]))
      .sort((a, b) => compareText(a.key, b.key));
    return {
      id,
      source: { kind: 'mlflow-rest', location: this.baseUrl },
      label: runLabel(id, str(info.run_name), tags),
      revision: id,
      experiment: experiments.get(experimentId)?.name ?? experimentId,
      experimentId,
      time: integerField(info.start_time),
      endTime: integerField(info.end_time),
      params: keyValues(data.params),
      tags,
      status: statusFromName(info.status),
      metrics,
      lifecycleStage: str(info.lifecycle_stage) ?? 'active',
      userId: str(info.user_id),
      artifactUri: str(info.artifact_uri),
      fullHistory: false,
    };
  }

  /** The whole history of one metric (GET metrics/get-history, every page), in the server's order. */
  async getMetricHistory(runId: string, key: string): Promise<MetricSeries> {
    const list = await this.pages(
      'GET',
      'metrics/get-history',
      { run_id: runId, metric_key: key, max_results: this.historyPageSize },
      'metrics',
    );
    return metricSeries(key, list.map(restPoint));
  }

  /**
   * Registered models (GET registered-models/search, every page) with their live versions (GET
   * model-versions/search, every page, one listing for all models), in name order, versions in version order.
   */
  async listRegisteredModels(): Promise<MlflowRegisteredModel[]> {
    const models = await this.pages(
      'GET',
      'registered-models/search',
      { max_results: this.registryPageSize ?? 1000 },
      'registered_models',
    );
    const versions = await this.searchModelVersions();
    const byName = new Map<string, MlflowModelVersion[]>();
    for (const v of versions) {
      const list = byName.get(v.name) ?? [];
      list.push(v);
      byName.set(v.name, list);
    }
    return models
      .map((m) => {
        const name = str(m.name) ?? '';
        const aliases: Record<string, string> = {};
        for (const a of asArray(m.aliases)) {
          const alias = str(a.alias);
          if (alias) aliases[alias] = str(a.version) ?? '';
        }
        return {
          name,
          description: typeof m.description === 'string' ? m.description : '', // absent when empty, as MLflow's client reads it
          creationTime: integerField(m.creation_timestamp),
          lastUpdatedTime: integerField(m.last_updated_timestamp),
          tags: keyValues(m.tags),
          aliases,
          versions: byVersion(byName.get(name) ?? []),
        };
      })
      .sort((a, b) => compareText(a.name, b.name));
  }

  /** The live versions of one registered model (GET model-versions/search filtered by name, every page), in version order. */
  async listModelVersions(name: string): Promise<MlflowModelVersion[]> {
    const filter = nameFilter(name);
    const versions = await this.searchModelVersions(filter);
    // A name holding both quote characters cannot be written in a filter: every version is listed, then picked here.
    return byVersion(filter === undefined ? versions.filter((v) => v.name === name) : versions);
  }

  /** Model versions (GET model-versions/search, every page), optionally filtered (`name = 'fraud-classifier'`). */
  async searchModelVersions(filter?: string): Promise<MlflowModelVersion[]> {
    const list = await this.pages(
      'GET',
      'model-versions/search',
      { max_results: this.registryPageSize ?? 10_000, filter },
      'model_versions',
    );
    return list.filter((v) => str(v.current_stage) !== DELETED_VERSION_STAGE).map(toModelVersion);
  }

  /**
   * Points `alias` of the registered model `name` at `version` (POST registered-models/alias); an alias another
   * version holds moves to this one, as MLflow does.
   */
  async setModelAlias(name: string, alias: string, version: string): Promise<void> {
    await this.call('POST', 'registered-models/alias', { name, alias, version });
  }

  /** Removes `alias` from the registered model `name` (DELETE registered-models/alias). */
  async deleteModelAlias(name: string, alias: string): Promise<void> {
    await this.call('DELETE', 'registered-models/alias', { name, alias });
  }

  /**
   * Moves `version` of `name` to `stage` (POST model-versions/transition-stage); with `archiveExisting`, the versions
   * in that stage now go to Archived. Returns the version as the server reports it after the change.
   */
  async transitionModelVersionStage(
    name: string,
    version: string,
    stage: MlflowStage,
    archiveExisting = false,
  ): Promise<MlflowModelVersion> {
    const answer = await this.call('POST', 'model-versions/transition-stage', {
      name,
      version,
      stage,
      archive_existing_versions: archiveExisting,
    });
    const raw = answer.model_version;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw this.fail(
        `MLflow server at ${this.baseUrl} answered model-versions/transition-stage without the model version.`,
        'malformed',
      );
    return toModelVersion(raw as Json);
  }
}

/** A model version as the REST API returns it. */
function toModelVersion(v: Json): MlflowModelVersion {
  return {
    name: str(v.name) ?? '',
    version: str(v.version) ?? '',
    stage: str(v.current_stage),
    status: str(v.status),
    runId: str(v.run_id),
    source: str(v.source),
    description: typeof v.description === 'string' ? v.description : '',
    creationTime: integerField(v.creation_timestamp),
    lastUpdatedTime: integerField(v.last_updated_timestamp),
    userId: str(v.user_id),
    tags: keyValues(v.tags),
  };
}

/** Versions in numeric version order (`2` before `10`). */
function byVersion(versions: MlflowModelVersion[]): MlflowModelVersion[] {
  return versions.sort((a, b) => Number(a.version) - Number(b.version) || compareText(a.version, b.version));
}

/**
 * MLflow's search filter for one model name: quoted with single quotes, or double quotes when the name holds a
 * single quote (MLflow's filter has no escape); undefined when the name holds both.
 */
export function nameFilter(name: string): string | undefined {
  if (!name.includes("'")) return `name = '${name}'`;
  if (!name.includes('"')) return `name = "${name}"`;
  return undefined;
}
