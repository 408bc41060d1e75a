// The panel's UI state: what the user chose, never data. Saved with setState and restored after a reload.
import type { HistoryView, RevisionRange, VersionAxis } from '../../src/core/chart/types';
import type { Split } from '../../src/core/metrics/model';
import type { MetricHistorySelection } from '../../src/protocol/metricHistory';

export interface ZoomRange {
  min: number;
  max: number;
}

export interface UiState {
  view: HistoryView;
  /** Selected keys per view (the views usually chart different metrics). Empty: the host's defaults. */
  keys: Record<HistoryView, string[]>;
  /** Source ids; empty: every source. */
  sources: string[];
  /** Splits per view; empty: every split. */
  splits: Record<HistoryView, Split[]>;
  range: RevisionRange;
  axis: VersionAxis;
  /** Across steps: the counter the x axis shows (`epoch`, ...); empty: the logged step. */
  stepAxis: string;
  /** EMA weight, 0 (off) to 0.99. */
  smoothing: number;
  logScale: boolean;
  zoom: Partial<Record<HistoryView, ZoomRange>>;
  /** Hidden series ids. */
  hidden: string[];
  /** Compare selection: revision shas (versions) and run ids (steps). */
  selection: Record<HistoryView, string[]>;
  showTable: boolean;
  legendFilter: string;
  /** One chart per metric (`split`, the default) or every series on one chart (`overlay`). */
  layout: 'split' | 'overlay';
  /** Only these run ids (the runs a command chose, e.g. the Runs table's selection); empty: every run. */
  runs: string[];
}

export function defaultState(): UiState {
  return {
    view: 'versions',
    keys: { versions: [], steps: [] },
    sources: [],
    splits: { versions: [], steps: [] },
    range: { kind: 'all' },
    axis: 'date',
    stepAxis: '',
    smoothing: 0,
    logScale: false,
    zoom: {},
    hidden: [],
    selection: { versions: [], steps: [] },
    showTable: false,
    legendFilter: '',
    layout: 'split',
    runs: [],
  };
}

const SPLITS = new Set<string>(['train', 'validation', 'test']);
const MAX_LIST = 5_000;

/** Restores a saved state field by field; anything malformed falls back to the default. */
export function restoreState(saved: unknown): UiState {
  const state = defaultState();
  if (!isRecord(saved)) return state;
  if (saved.view === 'versions' || saved.view === 'steps') state.view = saved.view;
  if (isRecord(saved.keys)) {
    state.keys.versions = strings(saved.keys.versions);
    state.keys.steps = strings(saved.keys.steps);
  }
  state.sources = strings(saved.sources);
  if (isRecord(saved.splits)) {
    state.splits.versions = splitList(saved.splits.versions);
    state.splits.steps = splitList(saved.splits.steps);
  }
  state.range = range(saved.range) ?? state.range;
  if (saved.axis === 'date' || saved.axis === 'order') state.axis = saved.axis;
  if (typeof saved.stepAxis === 'string' && saved.stepAxis.length <= 200) state.stepAxis = saved.stepAxis;
  if (typeof saved.smoothing === 'number' && saved.smoothing >= 0 && saved.smoothing < 1)
    state.smoothing = saved.smoothing;
  state.logScale = saved.logScale === true;
  if (isRecord(saved.zoom)) {
    for (const view of ['versions', 'steps'] as const) {
      const z = saved.zoom[view];
      if (isRecord(z) && typeof z.min === 'number' && typeof z.max === 'number' && z.min < z.max)
        state.zoom[view] = { min: z.min, max: z.max };
    }
  }
  state.hidden = strings(saved.hidden);
  if (isRecord(saved.selection)) {
    state.selection.versions = strings(saved.selection.versions);
    state.selection.steps = strings(saved.selection.steps);
  }
  state.showTable = saved.showTable === true;
  state.runs = Array.isArray(saved.runs) ? saved.runs.filter((v): v is string => typeof v === 'string') : [];
  if (saved.layout === 'overlay') state.layout = 'overlay';
  if (typeof saved.legendFilter === 'string') state.legendFilter = saved.legendFilter.slice(0, 200);
  return state;
}

/** Applies a selection the host sent (from a command). */
export function applySelection(state: UiState, selection: MetricHistorySelection): void {
  if (selection.view) state.view = selection.view;
  if (selection.keys) state.keys[state.view] = [...selection.keys];
  if (selection.sources) state.sources = [...selection.sources];
  if (selection.splits) state.splits[state.view] = [...selection.splits];
  if (selection.range) state.range = selection.range;
  if (selection.axis) state.axis = selection.axis;
  // Every command says which runs it charts: none named means every run again.
  state.runs = selection.runs ? [...selection.runs] : [];
}

export function rangeToken(r: RevisionRange): string {
  return r.kind === 'last' ? `last:${r.count}` : r.kind;
}

function range(value: unknown): RevisionRange | undefined {
  if (!isRecord(value)) return undefined;
  if (value.kind === 'all') return { kind: 'all' };
  if (value.kind === 'last' && typeof value.count === 'number' && Number.isInteger(value.count) && value.count > 0)
    return { kind: 'last', count: value.count };
  if (value.kind === 'sinceTag' && typeof value.tag === 'string') return { kind: 'sinceTag', tag: value.tag };
  if (value.kind === 'branch' && typeof value.name === 'string') return { kind: 'branch', name: value.name };
  return undefined;
}

function splitList(value: unknown): Split[] {
  return strings(value).filter((s): s is Split => SPLITS.has(s));
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, MAX_LIST) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
