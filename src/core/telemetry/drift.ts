// Prediction drift: the input features a prediction log records, window by window, against the training dataset,
// through the data drift engine (src/core/data/drift.ts: Evidently's tests, thresholds and share). Windows are
// aligned to the epoch (a 1-day window is a UTC day), so a window and an episode keep their identity when the log
// grows; consecutive drifted windows make one drift episode. One pass over the events, with memory bounded by the
// windows of the lookback (older windows are dropped as newer events arrive).
import { driftReport, type DriftOptions } from '../data/drift';
import { type DriftReport } from '../data/model';
import { ColumnAccumulator, EXACT_DISTINCT, EXACT_VALUES, type ColumnData } from '../data/profile';
import type { TelemetryEvent } from './types';

const DAY_MS = 86_400_000;

export interface PredictionDriftOptions {
  /** The width of one window in milliseconds (default one day). */
  windowMs?: number;
  /** How far back from the newest event windows are judged, in milliseconds (default 7 days). */
  lookbackMs?: number;
  /** Windows with fewer events carrying features are not judged (default 200). */
  minEvents?: number;
  /** Only these features (default: every column of the reference the log records, minus `drift.ignore`). */
  features?: readonly string[];
  /** Only these models (default: every model in the log). */
  models?: readonly string[];
  /** The drift engine's options (the training dataset's `drift:` in mlops.yaml: ignore, share, tests...). */
  drift?: Partial<DriftOptions>;
}

/** The training data: its path (or name) and revision, and per column the values drift tests need. */
export interface DriftReference {
  path: string;
  revision: string;
  columns: ColumnData[];
}

/** One window of one model's logged features. */
export interface DriftWindow {
  /** Milliseconds since the epoch; the window is [from, to). */
  from: number;
  to: number;
  /** Events carrying features in the window. */
  events: number;
  /** The drift report (absent when the window had fewer than `minEvents`). */
  report?: DriftReport;
}

/** Consecutive drifted windows. */
export interface DriftEpisode {
  from: number;
  to: number;
  windows: number;
  events: number;
  /** The features drifted in any of its windows, with their largest distance (or smallest p-value). */
  columns: { column: string; test: DriftReport['columns'][number]['test']; score: number; threshold: number }[];
  /** The largest share of drifted features among its windows. */
  share: number;
  shareThreshold: number;
  /** Features tested. */
  tested: number;
}

export interface ModelDrift {
  model: string;
  /** Events of the model read, and how many of them carried features. */
  events: number;
  withFeatures: number;
  /** The windows of the lookback, oldest first (windows without events are left out). */
  windows: DriftWindow[];
  episodes: DriftEpisode[];
}

const P_VALUE_TESTS = new Set(['ks', 'chi-squared', 'z-test']);

interface WindowState {
  index: number;
  events: number;
  columns: Map<string, ColumnAccumulator>;
}

interface ModelState {
  events: number;
  withFeatures: number;
  newest: number;
  windows: Map<number, WindowState>;
}

/** Reads the events once and judges each model's windows of the lookback against the reference. */
export async function predictionDrift(
  events: AsyncIterable<TelemetryEvent[]> | Iterable<TelemetryEvent[]>,
  reference: DriftReference,
  options: PredictionDriftOptions = {},
): Promise<ModelDrift[]> {
  const windowMs = options.windowMs ?? DAY_MS;
  const lookbackWindows = Math.max(1, Math.ceil((options.lookbackMs ?? 7 * DAY_MS) / windowMs));
  const minEvents = options.minEvents ?? 200;
  const ignored = new Set(options.drift?.ignore ?? []);
  const wanted = new Set(
    reference.columns
      .map((c) => c.name)
      .filter((name) => !ignored.has(name) && (!options.features || options.features.includes(name))),
  );
  const onlyModels = options.models ? new Set(options.models) : undefined;
  const limits = { exactValues: EXACT_VALUES, exactDistinct: EXACT_DISTINCT };
  const models = new Map<string, ModelState>();

  for await (const batch of events) {
    for (const event of batch) {
      if (onlyModels && !onlyModels.has(event.model)) continue;
      let state = models.get(event.model);
      if (!state) {
        state = { events: 0, withFeatures: 0, newest: -Infinity, windows: new Map() };
        models.set(event.model, state);
      }
      state.events++;
      const features = event.features;
      if (!features || !Number.isFinite(event.time)) continue;
      state.withFeatures++;
      const index = Math.floor(event.time / windowMs);
      if (event.time > state.newest) {
        const before = Math.floor(state.newest / windowMs);
        state.newest = event.time;
        // Drop the windows that fell out of the lookback.
        if (index > before)
          for (const k of state.windows.keys()) if (k <= index - lookbackWindows) state.windows.delete(k);
      }
      if (index <= Math.floor(state.newest / windowMs) - lookbackWindows) continue;
      let window = state.windows.get(index);
      if (!window) {
        window = { index, events: 0, columns: new Map() };
        state.windows.set(index, window);
      }
      window.events++;
      for (const name of wanted) {
        let column = window.columns.get(name);
        if (!column) {
          column = new ColumnAccumulator(name, limits);
          window.columns.set(name, column);
        }
        // A feature this event does not record is a missing value (not tested, like a null in a dataset).
        column.addValue(features[name]);
      }
    }
  }

  const results: ModelDrift[] = [];
  for (const [model, state] of [...models].sort(([a], [b]) => a.localeCompare(b))) {
    const windows: DriftWindow[] = [];
    for (const window of [...state.windows.values()].sort((a, b) => a.index - b.index)) {
      const from = window.index * windowMs;
      const out: DriftWindow = { from, to: from + windowMs, events: window.events };
      if (window.events >= minEvents) {
        out.report = driftReport(
          {
            path: reference.path,
            reference: { revision: reference.revision, columns: reference.columns.filter((c) => wanted.has(c.name)) },
            current: {
              revision: `${new Date(from).toISOString()}/${new Date(from + windowMs).toISOString()}`,
              columns: [...window.columns.values()].map((c) => c.data()),
            },
          },
          options.drift,
        );
      }
      windows.push(out);
    }
    results.push({
      model,
      events: state.events,
      withFeatures: state.withFeatures,
      windows,
      episodes: episodesOf(windows, windowMs),
    });
  }
  return results;
}

/** Consecutive drifted windows as episodes (a window without events, or not judged, ends one). */
export function episodesOf(windows: readonly DriftWindow[], windowMs: number): DriftEpisode[] {
  const episodes: DriftEpisode[] = [];
  let current: DriftEpisode | undefined;
  for (const w of windows) {
    const report = w.report;
    if (!report?.drifted) {
      current = undefined;
      continue;
    }
    if (!current || current.to !== w.from) {
      current = {
        from: w.from,
        to: w.from,
        windows: 0,
        events: 0,
        columns: [],
        share: 0,
        shareThreshold: report.shareThreshold,
        tested: report.columns.length,
      };
      episodes.push(current);
    }
    current.to = w.from + windowMs;
    current.windows++;
    current.events += w.events;
    current.share = Math.max(current.share, report.share);
    current.tested = Math.max(current.tested, report.columns.length);
    for (const c of report.columns) {
      if (!c.drifted) continue;
      const seen = current.columns.find((x) => x.column === c.column);
      const worse = (a: number, b: number) => (P_VALUE_TESTS.has(c.test) ? a < b : a > b);
      if (!seen) current.columns.push({ column: c.column, test: c.test, score: c.score, threshold: c.threshold });
      else if (worse(c.score, seen.score)) seen.score = c.score;
    }
  }
  for (const e of episodes) e.columns.sort((a, b) => a.column.localeCompare(b.column));
  return episodes;
}

/** "2026-10-02 00:00 to 2026-10-04 00:00 UTC" (minutes dropped when both ends are midnight: "2026-10-02 to 2026-10-04"). */
export function episodeRange(episode: Pick<DriftEpisode, 'from' | 'to'>): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  if (episode.from % DAY_MS === 0 && episode.to % DAY_MS === 0) return `${day(episode.from)} to ${day(episode.to)}`;
  return `${minute(episode.from)} to ${minute(episode.to)} UTC`;
}
