// The Runs panel's UI state: what the user chose, never data. Saved with setState and restored after a reload.
import type { RunsGroupBy, RunsSortKey } from '../../src/protocol/runs';

export type PlotKind = 'none' | 'scatter' | 'parallel';

export interface UiState {
  filter: string;
  /** Sort keys, the first sorts first (Shift+click a header adds one). */
  sort: RunsSortKey[];
  group: RunsGroupBy;
  /** Column ids in the order shown (columns not listed follow in their natural order). */
  order: string[];
  /** Column ids the user hid. */
  hidden: string[];
  /** Column ids pinned to the left. */
  pinned: string[];
  /** Column widths by id, in pixels. */
  widths: Record<string, number>;
  /** Hide params and metrics whose value is the same in every shown run. */
  onlyDiffering: boolean;
  /** Selected row keys. */
  selection: string[];
  plot: PlotKind;
  scatterX: string;
  scatterY: string;
  /** The metric the parallel-coordinates plot ends on. */
  parallelMetric: string;
}

export function defaultState(): UiState {
  return {
    filter: '',
    sort: [],
    group: 'none',
    order: [],
    hidden: [],
    pinned: ['name'],
    widths: {},
    onlyDiffering: false,
    selection: [],
    plot: 'none',
    scatterX: '',
    scatterY: '',
    parallelMetric: '',
  };
}

const MAX_LIST = 100_000;
const GROUPS = new Set<string>(['none', 'source', 'experiment', 'branch']);
const PLOTS = new Set<string>(['none', 'scatter', 'parallel']);

/** Restores a saved state field by field; anything malformed falls back to the default. */
export function restoreState(saved: unknown): UiState {
  const state = defaultState();
  if (!isRecord(saved)) return state;
  if (typeof saved.filter === 'string') state.filter = saved.filter.slice(0, 10_000);
  if (Array.isArray(saved.sort))
    state.sort = saved.sort
      .filter((s): s is { id: string; desc: unknown } => isRecord(s) && typeof s.id === 'string')
      .slice(0, 20)
      .map((s) => ({ id: s.id, desc: s.desc === true }));
  if (typeof saved.group === 'string' && GROUPS.has(saved.group)) state.group = saved.group as RunsGroupBy;
  state.order = strings(saved.order);
  state.hidden = strings(saved.hidden);
  if (Array.isArray(saved.pinned)) state.pinned = strings(saved.pinned);
  if (isRecord(saved.widths))
    for (const [k, v] of Object.entries(saved.widths))
      if (typeof v === 'number' && v >= 40 && v <= 2000) state.widths[k] = v;
  state.onlyDiffering = saved.onlyDiffering === true;
  state.selection = strings(saved.selection);
  if (typeof saved.plot === 'string' && PLOTS.has(saved.plot)) state.plot = saved.plot as PlotKind;
  if (typeof saved.scatterX === 'string') state.scatterX = saved.scatterX;
  if (typeof saved.scatterY === 'string') state.scatterY = saved.scatterY;
  if (typeof saved.parallelMetric === 'string') state.parallelMetric = saved.parallelMetric;
  return state;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, MAX_LIST) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
