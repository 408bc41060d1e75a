// Small multiples: one chart per metric. Series of one metric (its splits, its sources, its runs) share a chart
// and so a y axis; metrics of different scales (a 0-1 score, a loss, a dollar amount) never squash each other.
import type { PlotSeries } from './types';

export interface ChartPanel {
  /** The metric (key without its split) the panel charts. */
  key: string;
  /** The panel's title: the metric, and its unit when every series has the same one. */
  title: string;
  /** Indices into the payload's series, in payload order. */
  series: number[];
}

/** The panels of a payload's series: one per metric, in the order the metrics first appear. */
export function chartPanels(series: readonly Pick<PlotSeries, 'key' | 'baseKey' | 'unit'>[]): ChartPanel[] {
  const panels = new Map<string, ChartPanel>();
  series.forEach((s, index) => {
    const key = s.baseKey || s.key;
    let panel = panels.get(key);
    if (!panel) {
      panel = { key, title: key, series: [] };
      panels.set(key, panel);
    }
    panel.series.push(index);
  });
  for (const panel of panels.values()) {
    const units = new Set(panel.series.map((i) => series[i].unit));
    const unit = units.size === 1 ? [...units][0] : undefined;
    if (unit) panel.title = `${panel.key} (${unit})`;
  }
  return [...panels.values()];
}
