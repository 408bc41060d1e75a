// The Telemetry panel's message contract, imported by the host (src/features/telemetry) and the panel
// (webview/telemetry). Every message is plain JSON with a discriminating `type`; the figures are the one summary of
// src/core/telemetry (`TelemetrySummary`), built by the core so the panel, the `service-slo` check and
// `mlops telemetry summary` agree.
import type { RegistryMarker, SloBreach, SloLine } from '../core/telemetry/overlays';
import type { TelemetryProblem, TelemetrySummary } from '../core/telemetry/types';

export const TELEMETRY_VIEW_TYPE = 'mlops.telemetry';

/** The ranges the picker offers: everything the sources hold, the last hour, day or week, or two dates. */
export type RangePreset = 'all' | 'hour' | 'day' | 'week';
export type TelemetryRange = { preset: RangePreset } | { preset: 'custom'; from: number; to: number };

export const PRESET_MS: Record<Exclude<RangePreset, 'all'>, number> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};

/** What the host does for an empty state's buttons. */
export type ConfigureAction = 'openConfig' | 'openSettings' | 'pickLog';

export type HostToWebview =
  /** Figures are being read; the panel keeps what it shows and offers Cancel. */
  | { type: 'loading'; message: string; range: TelemetryRange }
  | {
      type: 'summary';
      summary: TelemetrySummary;
      range: TelemetryRange;
      /** Where the last hour/day/week ends: the newest event of log files, or now for a server. */
      anchor: { time: number; newestEvent: boolean };
      markers: RegistryMarker[];
      slos: SloLine[];
      breaches: SloBreach[];
      /** The model to show first (a model item's "Show Telemetry"). */
      model?: string;
    }
  /** Nothing to show: no source configured or found, or no request in the range. */
  | {
      type: 'empty';
      title: string;
      hint: string;
      actions: ConfigureAction[];
      range: TelemetryRange;
      problems: TelemetryProblem[];
    }
  | { type: 'error'; message: string; hint?: string; range: TelemetryRange }
  /** Show this model (the panel is open already). */
  | { type: 'focus'; model: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'setRange'; range: TelemetryRange }
  | { type: 'refresh' }
  | { type: 'cancel' }
  | { type: 'copyMarkdown'; markdown: string }
  | { type: 'configure'; action: ConfigureAction }
  /** The panel finished drawing a message (for tests): what it shows now. */
  | { type: 'rendered'; view: 'summary' | 'state'; model?: string; versions: number; charts: number };

/** Upper bound of Markdown the host copies. */
export const MAX_MARKDOWN_CHARS = 4 * 1024 * 1024;
const MAX_MODEL_CHARS = 512;
const presets = new Set(['all', 'hour', 'day', 'week']);
const actions = new Set<string>(['openConfig', 'openSettings', 'pickLog']);
/** Ten years before 1970 to the year 2200: a date a picker can produce. */
const MIN_TIME = -315_619_200_000;
const MAX_TIME = 7_258_118_400_000;

/**
 * Checks a message from the panel and returns it typed, or undefined when its shape is wrong. The host trusts
 * nothing the page sends: a range is a known preset or two ordered dates, every field is checked.
 */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
    case 'refresh':
    case 'cancel':
      return { type: raw.type };
    case 'setRange': {
      const range = parseRange(raw.range);
      return range ? { type: 'setRange', range } : undefined;
    }
    case 'copyMarkdown':
      return typeof raw.markdown === 'string' && raw.markdown.length <= MAX_MARKDOWN_CHARS
        ? { type: 'copyMarkdown', markdown: raw.markdown }
        : undefined;
    case 'configure':
      return typeof raw.action === 'string' && actions.has(raw.action)
        ? { type: 'configure', action: raw.action as ConfigureAction }
        : undefined;
    case 'rendered': {
      if (raw.view !== 'summary' && raw.view !== 'state') return undefined;
      if (!isCount(raw.versions) || !isCount(raw.charts)) return undefined;
      if (raw.model !== undefined && !(typeof raw.model === 'string' && raw.model.length <= MAX_MODEL_CHARS))
        return undefined;
      return {
        type: 'rendered',
        view: raw.view,
        versions: raw.versions,
        charts: raw.charts,
        ...(typeof raw.model === 'string' ? { model: raw.model } : {}),
      };
    }
    default:
      return undefined;
  }
}

/** A range from the page: a known preset, or two whole-millisecond dates in order. */
export function parseRange(raw: unknown): TelemetryRange | undefined {
  if (!isRecord(raw) || typeof raw.preset !== 'string') return undefined;
  if (presets.has(raw.preset)) return { preset: raw.preset as RangePreset };
  if (raw.preset !== 'custom' || !isTime(raw.from) || !isTime(raw.to) || raw.from >= raw.to) return undefined;
  return { preset: 'custom', from: raw.from, to: raw.to };
}

/**
 * What a range asks of the sources: two dates, or a window that ends at the newest event of log files (a log written
 * last month still has a last day) or now for a server; `all` leaves both ends open (the sources' own extent).
 */
export function rangeQuery(range: TelemetryRange): { query: { from?: number; to?: number }; windowMs?: number } {
  if (range.preset === 'custom') return { query: { from: range.from, to: range.to } };
  if (range.preset === 'all') return { query: {} };
  return { query: {}, windowMs: PRESET_MS[range.preset] };
}

/** What the picker and the Markdown call a range. */
export function rangeLabel(range: TelemetryRange): string {
  switch (range.preset) {
    case 'all':
      return 'All events';
    case 'hour':
      return 'Last hour';
    case 'day':
      return 'Last day';
    case 'week':
      return 'Last week';
    case 'custom':
      return `${isoMinute(range.from)} – ${isoMinute(range.to)}`;
  }
}

function isoMinute(time: number): string {
  return new Date(time).toISOString().slice(0, 16).replace('T', ' ');
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_TIME && value <= MAX_TIME;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
