// The Metric History panel's message contract, imported by the host (src/features/metricHistory) and the panel
// (webview/metricHistory). Every message is plain JSON with a discriminating `type`.
import type { Split } from '../core/metrics/model';
import type {
  ChartPayload,
  HistoryView,
  MetricDefinition,
  MetricHistoryQuery,
  PlotSource,
  RevisionRange,
  VersionAxis,
} from '../core/chart/types';

export const METRIC_HISTORY_VIEW_TYPE = 'mlops.metricHistory';

/** What the host can ask the panel to show (from a command, or restored defaults). */
export interface MetricHistorySelection {
  view?: HistoryView;
  keys?: string[];
  sources?: string[];
  splits?: Split[];
  range?: RevisionRange;
  axis?: VersionAxis;
  /** Only these runs (ids within the sources), e.g. the runs selected in the Runs table; absent: every run. */
  runs?: string[];
}

export type HostToWebview =
  /** First message after each `ready`: the sources and definitions the pickers offer. */
  | { type: 'init'; sources: PlotSource[]; definitions: MetricDefinition[]; selection?: MetricHistorySelection }
  /** A query is running; the panel keeps what it shows and says it is updating. */
  | { type: 'loading'; message: string }
  /** Chart data. `refresh`: the sources changed on disk; zoom, hidden series and selection stay. */
  | { type: 'data'; payload: ChartPayload; reason: 'request' | 'refresh' }
  /** The host changes the selection (e.g. "Show Metric History…" picked keys); the panel asks for data. */
  | { type: 'state'; selection: MetricHistorySelection }
  /** Nothing to plot: a title and what to do about it. */
  | { type: 'empty'; view: HistoryView; title: string; hint: string; availableKeys: string[] }
  | { type: 'error'; message: string; hint?: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'requestData'; query: MetricHistoryQuery }
  /** Open the metrics file `path` (a source location) as it was at `sha`. */
  | { type: 'openRevision'; sha: string; path: string; sourceId: string }
  | { type: 'openRun'; runId: string; sourceId: string }
  | { type: 'export'; format: 'png'; dataUrl: string; suggestedName: string }
  | { type: 'export'; format: 'csv'; csv: string; suggestedName: string }
  | { type: 'copyMarkdown'; markdown: string }
  /** Let the user pick sources in a quick pick; the host answers with `state`. */
  | { type: 'selectSources'; current: string[] }
  /** The chart finished drawing a `data` message (for tests and benchmarks). */
  | { type: 'rendered'; view: HistoryView; series: number; points: number; ms: number };

/** Upper bound of an export the host accepts (a PNG data URL or CSV text). */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;

const views = new Set(['versions', 'steps']);
const splitNames = new Set(['train', 'validation', 'test']);

/**
 * Checks a message from the panel and returns it typed, or undefined when its shape is wrong. The host trusts
 * nothing the page sends: every field is checked before use.
 */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'requestData': {
      const query = parseQuery(raw.query);
      return query && { type: 'requestData', query };
    }
    case 'openRevision':
      return isText(raw.sha) && typeof raw.path === 'string' && typeof raw.sourceId === 'string'
        ? { type: 'openRevision', sha: raw.sha, path: raw.path, sourceId: raw.sourceId }
        : undefined;
    case 'openRun':
      return isText(raw.runId) && typeof raw.sourceId === 'string'
        ? { type: 'openRun', runId: raw.runId, sourceId: raw.sourceId }
        : undefined;
    case 'export': {
      const name = typeof raw.suggestedName === 'string' ? raw.suggestedName : 'metric-history';
      if (
        raw.format === 'png' &&
        typeof raw.dataUrl === 'string' &&
        raw.dataUrl.length <= MAX_EXPORT_CHARS &&
        raw.dataUrl.startsWith('data:image/png;base64,')
      ) {
        return { type: 'export', format: 'png', dataUrl: raw.dataUrl, suggestedName: name };
      }
      if (raw.format === 'csv' && typeof raw.csv === 'string' && raw.csv.length <= MAX_EXPORT_CHARS) {
        return { type: 'export', format: 'csv', csv: raw.csv, suggestedName: name };
      }
      return undefined;
    }
    case 'copyMarkdown':
      return typeof raw.markdown === 'string' && raw.markdown.length <= MAX_EXPORT_CHARS
        ? { type: 'copyMarkdown', markdown: raw.markdown }
        : undefined;
    case 'selectSources':
      return { type: 'selectSources', current: stringList(raw.current) ?? [] };
    case 'rendered':
      return typeof raw.view === 'string' &&
        views.has(raw.view) &&
        typeof raw.series === 'number' &&
        typeof raw.points === 'number' &&
        typeof raw.ms === 'number'
        ? { type: 'rendered', view: raw.view as HistoryView, series: raw.series, points: raw.points, ms: raw.ms }
        : undefined;
    default:
      return undefined;
  }
}

/** A query from the panel, checked field by field; undefined when it is not one. */
export function parseQuery(raw: unknown): MetricHistoryQuery | undefined {
  if (!isRecord(raw) || typeof raw.view !== 'string' || !views.has(raw.view)) return undefined;
  const keys = stringList(raw.keys);
  if (!keys) return undefined;
  const query: MetricHistoryQuery = { view: raw.view as HistoryView, keys };
  const sources = stringList(raw.sources);
  if (sources) query.sources = sources;
  const splits = stringList(raw.splits);
  if (splits) query.splits = splits.filter((s): s is Split => splitNames.has(s));
  if (raw.axis === 'date' || raw.axis === 'order') query.axis = raw.axis;
  const runs = stringList(raw.runs);
  if (runs?.length) query.runs = runs;
  if (typeof raw.xKey === 'string' && raw.xKey.length > 0 && raw.xKey.length <= 200) query.xKey = raw.xKey;
  const range = parseRange(raw.range);
  if (range) query.range = range;
  return query;
}

function parseRange(raw: unknown): RevisionRange | undefined {
  if (!isRecord(raw)) return undefined;
  if (raw.kind === 'all') return { kind: 'all' };
  if (raw.kind === 'last' && typeof raw.count === 'number') return { kind: 'last', count: raw.count };
  if (raw.kind === 'sinceTag' && typeof raw.tag === 'string') return { kind: 'sinceTag', tag: raw.tag };
  if (raw.kind === 'branch' && typeof raw.name === 'string') return { kind: 'branch', name: raw.name };
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 1024;
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length > 1_000_000) return undefined;
  return value.every((v): v is string => typeof v === 'string') ? value : undefined;
}
