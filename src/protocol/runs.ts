// The Runs panel's message contract, imported by the host (src/features/runs) and the panel (webview/runs). Every
// message is plain JSON with a discriminating `type`; the host checks every field of what the panel sends.
import type { ColumnDef, RunLabel, RunRow } from '../core/runs/model';

export const RUNS_VIEW_TYPE = 'mlops.runs';

/** One sort key: a column id and its direction. */
export interface RunsSortKey {
  id: string;
  desc: boolean;
}

export type RunsGroupBy = 'none' | 'source' | 'experiment' | 'branch';

/** What the host can ask the panel to show (a source item's "Show Runs Table", tests). */
export interface RunsViewRequest {
  filter?: string;
  sort?: RunsSortKey[];
  group?: RunsGroupBy;
}

export type HostToWebview =
  /** The rows and columns. `refresh`: a source changed on disk; the panel keeps filter, sort, selection, scroll. */
  | { type: 'data'; rows: RunRow[]; columns: ColumnDef[]; reason: 'initial' | 'refresh'; problems: string[] }
  | { type: 'loading'; message: string }
  | { type: 'error'; message: string }
  /** Replace filter, sort or grouping (from a command). */
  | { type: 'view'; request: RunsViewRequest };

export type WebviewToHost =
  | { type: 'ready' }
  /** Write a run's note (empty text removes it). */
  | { type: 'setNote'; key: string; note: string }
  /** Replace a run's labels. */
  | { type: 'setLabels'; key: string; labels: RunLabel[] }
  /** Chart these runs' metrics in Metric History (every one of them: no cap). */
  | { type: 'chart'; keys: string[] }
  /** Compare two runs in the comparison report. */
  | { type: 'compare'; keys: string[] }
  | { type: 'export'; format: 'csv' | 'md'; text: string; suggestedName: string }
  | { type: 'copyMarkdown'; markdown: string }
  /** What the table shows after a render: the keys in order (tests, benchmarks), the total and the time taken. */
  | { type: 'shown'; keys: string[]; total: number; filter: string; filterError?: string; ms: number };

/** Upper bounds of what the host accepts from the panel. */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;
export const MAX_NOTE_CHARS = 10_000;
export const MAX_LABELS = 50;
const MAX_KEYS = 1_000_000;

/** The colour names a label may have (the panel maps each to a theme chart colour). */
export const LABEL_COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'grey'] as const;
const colors = new Set<string>(LABEL_COLORS);

/** Checks a message from the panel and returns it typed, or undefined when its shape is wrong. */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'setNote':
      return isKey(raw.key) && typeof raw.note === 'string' && raw.note.length <= MAX_NOTE_CHARS
        ? { type: 'setNote', key: raw.key, note: raw.note }
        : undefined;
    case 'setLabels': {
      const labels = parseLabels(raw.labels);
      return isKey(raw.key) && labels ? { type: 'setLabels', key: raw.key, labels } : undefined;
    }
    case 'chart':
    case 'compare': {
      const keys = keyList(raw.keys);
      return keys && keys.length > 0 ? { type: raw.type, keys } : undefined;
    }
    case 'export': {
      if ((raw.format !== 'csv' && raw.format !== 'md') || typeof raw.text !== 'string') return undefined;
      if (raw.text.length > MAX_EXPORT_CHARS) return undefined;
      const name = typeof raw.suggestedName === 'string' ? raw.suggestedName.slice(0, 200) : 'runs';
      return { type: 'export', format: raw.format, text: raw.text, suggestedName: name };
    }
    case 'copyMarkdown':
      return typeof raw.markdown === 'string' && raw.markdown.length <= MAX_EXPORT_CHARS
        ? { type: 'copyMarkdown', markdown: raw.markdown }
        : undefined;
    case 'shown': {
      const keys = keyList(raw.keys);
      if (!keys || typeof raw.total !== 'number' || typeof raw.ms !== 'number' || typeof raw.filter !== 'string')
        return undefined;
      const shown: WebviewToHost = { type: 'shown', keys, total: raw.total, filter: raw.filter, ms: raw.ms };
      if (typeof raw.filterError === 'string') shown.filterError = raw.filterError.slice(0, 1000);
      return shown;
    }
    default:
      return undefined;
  }
}

/** A view request (from a command argument or a test), checked field by field. */
export function parseViewRequest(raw: unknown): RunsViewRequest | undefined {
  if (!isRecord(raw)) return undefined;
  const request: RunsViewRequest = {};
  if (typeof raw.filter === 'string') request.filter = raw.filter.slice(0, 10_000);
  if (Array.isArray(raw.sort))
    request.sort = raw.sort
      .filter((s): s is { id: string; desc?: unknown } => isRecord(s) && typeof s.id === 'string')
      .slice(0, 20)
      .map((s) => ({ id: s.id, desc: s.desc === true }));
  if (raw.group === 'none' || raw.group === 'source' || raw.group === 'experiment' || raw.group === 'branch')
    request.group = raw.group;
  return request;
}

function parseLabels(raw: unknown): RunLabel[] | undefined {
  if (!Array.isArray(raw) || raw.length > MAX_LABELS) return undefined;
  const labels: RunLabel[] = [];
  for (const item of raw) {
    if (!isRecord(item) || typeof item.name !== 'string' || typeof item.color !== 'string') return undefined;
    const name = item.name.trim();
    if (!name || name.length > 100 || !colors.has(item.color)) return undefined;
    if (!labels.some((l) => l.name === name)) labels.push({ name, color: item.color });
  }
  return labels;
}

function isKey(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 4096;
}

function keyList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_KEYS) return undefined;
  return value.every(isKey) ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
