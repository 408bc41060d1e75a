// The chart: chart.js with only the pieces it uses (line controller, linear and log scales, tooltip) and the zoom
// plugin, plus three small plugins of its own: threshold lines, tag markers and breach markers. Labels are drawn
// on the canvas, so no data ever becomes HTML here.
import {
  Chart,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
  type Plugin,
  type Scale,
  type TooltipItem,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { formatValue } from '../../src/core/chart/annotations';
import { smoothEma } from '../../src/core/chart/smoothing';
import type { ChartPayload, PlotSeries } from '../../src/core/chart/types';
import type { ZoomRange } from './state';
import { withAlpha, type ChartTheme } from './theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, zoomPlugin);

interface XY {
  x: number;
  y: number;
}

/**
 * A drawn dataset: the series it shows, and which of the series' points (indices into xs/ys) when it shows only
 * some of them (the branch line, or the DVC experiments beside it).
 */
type LineDataset = ChartDataset<'line', XY[]> & {
  seriesIndex: number;
  raw?: boolean;
  indices?: number[];
  experiment?: boolean;
};

/** The series' point a dataset's element stands for. */
function pointIndex(dataset: LineDataset, dataIndex: number): number {
  return dataset.indices ? (dataset.indices[dataIndex] ?? -1) : dataIndex;
}

export interface PointTarget {
  series: PlotSeries;
  index: number;
}

export interface ChartCallbacks {
  /** A click on a point; `extend` when Shift, Ctrl or Cmd was held (add to the comparison). */
  onPointClick(target: PointTarget, extend: boolean): void;
  onZoomChange(range: ZoomRange | undefined): void;
  /** The pointer is over x (a data value), or left the chart: other charts show the same x. */
  onHover?(x: number | undefined): void;
}

export interface ChartOptions {
  smoothing: number;
  logScale: boolean;
  hidden: ReadonlySet<string>;
  /** Colour of each series id. */
  colours: ReadonlyMap<string, string>;
  selected: ReadonlySet<string>;
}

const DATE_FORMAT = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const DATE_TIME_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const DATE_HOUR_FORMAT = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric' });

export class HistoryChart {
  private chart: Chart<'line', XY[]>;
  private payload: ChartPayload | undefined;
  private options: ChartOptions;
  private theme: ChartTheme;
  private silent = false;
  /** Indices (into the payload's series) this chart draws; undefined: all of them. */
  private members: number[] | undefined;
  /** The x the pointer is at, here or in a chart of the same panel: a crosshair marks it. */
  private hoverX: number | undefined;
  /** Smoothed ys per series id (only when smoothing is on). */
  smoothed = new Map<string, number[]>();

  constructor(
    readonly canvas: HTMLCanvasElement,
    theme: ChartTheme,
    private readonly callbacks: ChartCallbacks,
  ) {
    this.theme = theme;
    this.options = { smoothing: 0, logScale: false, hidden: new Set(), colours: new Map(), selected: new Set() };
    const overlay: Plugin<'line'> = {
      id: 'mlopsOverlay',
      beforeDraw: (chart) => {
        const { ctx, width, height } = chart;
        ctx.save();
        ctx.fillStyle = this.theme.background;
        ctx.fillRect(0, 0, width, height);
        ctx.restore();
      },
      afterDatasetsDraw: (chart) => {
        // What the overlays drew, as attributes: lets tests and assistive tooling see what the canvas shows.
        const data = chart.canvas.dataset;
        data.tags = String(this.drawTags(chart));
        data.thresholds = String(this.drawThresholds(chart));
        data.breaches = String(this.drawBreaches(chart));
        data.selected = String(this.drawSelection(chart));
        data.experiments = String(this.drawExperimentLinks(chart));
        data.xMin = String(scalesOf(chart).x.min);
        data.xMax = String(scalesOf(chart).x.max);
        data.yMin = String(scalesOf(chart).y.min);
        data.yMax = String(scalesOf(chart).y.max);
      },
      afterDraw: (chart) => {
        const data = chart.canvas.dataset;
        data.hoverX = this.drawCrosshair(chart);
        data.tooltipItems = String(chart.tooltip && chart.tooltip.opacity > 0 ? chart.tooltip.dataPoints.length : 0);
      },
    };
    this.chart = new Chart<'line', XY[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        spanGaps: true,
        layout: { padding: { top: 8, right: 12 } },
        interaction: { mode: 'nearest', intersect: false },
        scales: {
          x: { type: 'linear', ticks: {}, grid: {}, title: { display: true } },
          y: { type: 'linear', ticks: { autoSkipPadding: 10 }, grid: {}, title: { display: false } },
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: (items) => this.tooltipTitle(items),
              label: (item) => this.tooltipLabel(item),
              footer: (items) => this.tooltipFooter(items),
            },
            filter: (item) => !(item.dataset as LineDataset).raw,
          },
          zoom: {
            zoom: {
              wheel: { enabled: true, modifierKey: 'ctrl' },
              drag: { enabled: true, threshold: 8 },
              pinch: { enabled: true },
              mode: 'x',
              onZoomComplete: () => {
                if (!this.silent) this.callbacks.onZoomChange(this.zoomRange());
              },
            },
            pan: {
              enabled: true,
              mode: 'x',
              modifierKey: 'alt',
              onPanComplete: () => {
                if (!this.silent) this.callbacks.onZoomChange(this.zoomRange());
              },
            },
          },
        },
        onClick: (event, _elements, chart) => {
          const native = event.native as MouseEvent | null;
          const hits = chart.getElementsAtEventForMode(
            native ?? (event as unknown as Event),
            'nearest',
            { intersect: false },
            false,
          );
          const hit = hits.find((h) => !(chart.data.datasets[h.datasetIndex] as LineDataset).raw);
          if (!hit || !this.payload) return;
          const element = hit.element as unknown as { x: number; y: number };
          if (Math.hypot(element.x - (event.x ?? 0), element.y - (event.y ?? 0)) > 24) return;
          const dataset = chart.data.datasets[hit.datasetIndex] as LineDataset;
          const series = this.payload.series[dataset.seriesIndex];
          if (!series) return;
          this.callbacks.onPointClick(
            { series, index: pointIndex(dataset, hit.index) },
            Boolean(native && (native.shiftKey || native.ctrlKey || native.metaKey)),
          );
        },
      },
      plugins: [overlay],
    });
    // The pointer's x over the plot area, for the crosshair here and in the other charts of the panel.
    const hover = (x: number | undefined) => {
      if (x === this.hoverX) return;
      this.hoverX = x;
      this.chart.draw();
      this.callbacks.onHover?.(x);
    };
    canvas.addEventListener('mousemove', (event) => {
      const { left, right, top, bottom } = this.chart.chartArea;
      const inside = event.offsetX >= left && event.offsetX <= right && event.offsetY >= top && event.offsetY <= bottom;
      hover(inside && this.payload ? scalesOf(this.chart).x.getValueForPixel(event.offsetX) : undefined);
    });
    canvas.addEventListener('mouseleave', () => hover(undefined));
    this.applyTheme(theme);
  }

  get instance(): Chart<'line', XY[]> {
    return this.chart;
  }

  /**
   * Shows a payload. The chart instance, its scale options and so its zoom stay, so a refresh with new data keeps
   * what the user zoomed into; `zoom` (restored state) is applied when given.
   */
  setData(payload: ChartPayload, options: ChartOptions, zoom?: ZoomRange, members?: number[]): void {
    const viewChanged = this.payload?.view !== payload.view || this.payload?.axis !== payload.axis;
    const zoomed = !viewChanged && this.chart.isZoomedOrPanned();
    this.payload = payload;
    this.options = options;
    this.members = members;
    this.rebuildDatasets();
    this.configureScales();
    if (viewChanged) this.quietly(() => this.chart.resetZoom('none'));
    if (!zoomed) this.setExtent();
    this.chart.update('none');
    if (viewChanged && zoom) this.quietly(() => this.chart.zoomScale('x', zoom, 'none'));
  }

  /** Changes hidden series, smoothing, log scale, colours or selection without touching the zoom. */
  setOptions(options: ChartOptions): void {
    const rebuild = options.smoothing !== this.options.smoothing || options.colours !== this.options.colours;
    this.options = options;
    if (rebuild) this.rebuildDatasets();
    else this.chart.data.datasets.forEach((d) => (d.hidden = this.isHidden(d as LineDataset)));
    this.configureScales();
    if (!this.chart.isZoomedOrPanned()) this.setExtent();
    this.chart.update('none');
  }

  applyTheme(theme: ChartTheme): void {
    this.theme = theme;
    const o = this.chart.options;
    o.color = theme.foreground;
    o.font = { family: theme.fontFamily, size: theme.fontSize };
    for (const scale of [o.scales?.x, o.scales?.y]) {
      if (!scale) continue;
      scale.grid = { ...scale.grid, color: theme.grid };
      scale.border = { color: theme.grid };
      scale.ticks = { ...scale.ticks, color: theme.muted };
      if ('title' in scale && scale.title) scale.title.color = theme.muted;
    }
    const tooltip = o.plugins?.tooltip;
    if (tooltip) {
      const light = theme.kind === 'light' || theme.kind === 'high-contrast-light';
      tooltip.backgroundColor = light ? 'rgba(255, 255, 255, 0.96)' : 'rgba(30, 30, 30, 0.96)';
      tooltip.titleColor = theme.foreground;
      tooltip.bodyColor = theme.foreground;
      tooltip.footerColor = theme.muted;
      tooltip.borderColor = theme.border || theme.grid;
      tooltip.borderWidth = 1;
      tooltip.titleFont = { family: theme.fontFamily, weight: 'bold' };
      tooltip.bodyFont = { family: theme.fontFamily };
      tooltip.footerFont = { family: theme.fontFamily, weight: 'normal' };
    }
    const zoomDrag = o.plugins?.zoom?.zoom?.drag;
    if (zoomDrag) {
      zoomDrag.backgroundColor = withAlpha(theme.base[0] ?? '#3794ff', 0.15);
      zoomDrag.borderColor = theme.base[0];
      zoomDrag.borderWidth = 1;
    }
    if (this.payload) this.rebuildDatasets();
    this.chart.update('none');
  }

  resetZoom(): void {
    this.quietly(() => this.chart.resetZoom('none'));
    this.setExtent();
    this.chart.update('none');
    this.callbacks.onZoomChange(undefined);
  }

  /** Runs a zoom call without reporting it as the user's zoom. */
  private quietly(action: () => void): void {
    this.silent = true;
    try {
      action();
    } finally {
      this.silent = false;
    }
  }

  /** The x axis spans the data (a little margin in the versions view), not the next round numbers. */
  private setExtent(): void {
    const x = this.chart.options.scales?.x;
    const payload = this.payload;
    if (!x || !payload) return;
    let min = Infinity;
    let max = -Infinity;
    for (const s of payload.series) {
      const first = s.xs[0];
      const last = s.xs.at(-1);
      if (this.options.hidden.has(s.id) || first === undefined || last === undefined) continue;
      if (first < min) min = first;
      if (last > max) max = last;
    }
    if (!Number.isFinite(min) || !Number.isFinite(max)) {
      x.min = undefined;
      x.max = undefined;
      return;
    }
    const margin =
      payload.view === 'versions' ? (payload.axis === 'order' ? 0.5 : Math.max((max - min) * 0.02, 3_600_000)) : 0;
    x.min = min === max && margin === 0 ? min - 1 : min - margin;
    x.max = min === max && margin === 0 ? max + 1 : max + margin;
  }

  /** Shows the x range another chart of the panel zoomed to (undefined: everything), without reporting it. */
  zoomTo(range: ZoomRange | undefined): void {
    this.quietly(() => {
      if (range) this.chart.zoomScale('x', range, 'none');
      else {
        this.chart.resetZoom('none');
        this.setExtent();
        this.chart.update('none');
      }
    });
  }

  /**
   * Marks x (hovered in another chart of the panel) with a crosshair; across versions the tooltip lists the
   * series' values at the revision nearest to it, as if the pointer were here.
   */
  syncHover(x: number | undefined): void {
    this.hoverX = x;
    const chart = this.chart;
    const tooltip = chart.tooltip;
    const active: { datasetIndex: number; index: number }[] = [];
    if (x !== undefined && this.payload?.view === 'versions') {
      let nearest = NaN;
      chart.data.datasets.forEach((d) => {
        if (d.hidden || (d as LineDataset).raw) return;
        for (const p of d.data) if (Number.isNaN(nearest) || Math.abs(p.x - x) < Math.abs(nearest - x)) nearest = p.x;
      });
      chart.data.datasets.forEach((d, datasetIndex) => {
        if (d.hidden || (d as LineDataset).raw) return;
        const index = d.data.findIndex((p) => p.x === nearest);
        if (index >= 0) active.push({ datasetIndex, index });
      });
    }
    chart.setActiveElements(active);
    if (tooltip) {
      const area = chart.chartArea;
      const px = x === undefined ? 0 : scalesOf(chart).x.getPixelForValue(x);
      tooltip.setActiveElements(active, { x: px, y: (area.top + area.bottom) / 2 });
    }
    // A draw, not an update: an update would replay this chart's last pointer event.
    chart.draw();
  }

  zoomBy(factor: number): void {
    this.chart.zoom(factor, 'none');
    this.callbacks.onZoomChange(this.zoomRange());
  }

  panBy(pixels: number): void {
    this.chart.pan({ x: pixels }, undefined, 'none');
    this.callbacks.onZoomChange(this.zoomRange());
  }

  zoomRange(): ZoomRange | undefined {
    if (!this.chart.isZoomedOrPanned()) return undefined;
    const x = scalesOf(this.chart).x;
    return { min: x.min, max: x.max };
  }

  toPng(): string {
    return this.canvas.toDataURL('image/png');
  }

  destroy(): void {
    this.chart.destroy();
  }

  /** Data points of the visible series (smoothed copies not counted). */
  get visiblePoints(): number {
    return this.chart.data.datasets.reduce((n, d) => n + (d.hidden || (d as LineDataset).raw ? 0 : d.data.length), 0);
  }

  private isHidden(dataset: LineDataset): boolean {
    const series = this.payload?.series[dataset.seriesIndex];
    return !series || this.options.hidden.has(series.id);
  }

  /** The series this chart draws (its panel's, or all of them). */
  private drawnSeries(): { series: PlotSeries; index: number }[] {
    const payload = this.payload;
    if (!payload) return [];
    const indices = this.members ?? payload.series.map((_, i) => i);
    return indices.flatMap((index) => {
      const series = payload.series[index];
      return series ? [{ series, index }] : [];
    });
  }

  /** Whether a series' point is a DVC experiment (drawn apart from the branch line). */
  private isExperimentPoint(series: PlotSeries, i: number): boolean {
    const version = series.versions?.[i];
    return version !== undefined && this.payload?.versions[version]?.experiment !== undefined;
  }

  private rebuildDatasets(): void {
    const payload = this.payload;
    if (!payload) return;
    const smoothing = this.options.smoothing;
    const versions = payload.view === 'versions';
    const datasets: LineDataset[] = [];
    this.smoothed = new Map();
    for (const { series, index: seriesIndex } of this.drawnSeries()) {
      const colour = this.options.colours.get(series.id) ?? this.theme.base[0] ?? '#3794ff';
      const hidden = this.options.hidden.has(series.id);
      // The branch line and, apart from it, the DVC experiments (triangles beside their baseline commits).
      const line: number[] = [];
      const experiments: number[] = [];
      series.ys.forEach((_, i) => (versions && this.isExperimentPoint(series, i) ? experiments : line).push(i));
      const lineXs = experiments.length ? line.map((i) => series.xs[i] ?? NaN) : series.xs;
      const lineYs = experiments.length ? line.map((i) => series.ys[i]!) : series.ys;
      const indices = experiments.length ? line : undefined;
      const raw = toXY(lineXs, lineYs);
      const common = {
        seriesIndex,
        hidden,
        borderColor: colour,
        backgroundColor: colour,
        borderWidth: versions ? 2 : 1.5,
        pointRadius: versions ? 3 : 0,
        pointHoverRadius: versions ? 5 : 3,
        pointHitRadius: versions ? 6 : 3,
        tension: 0,
      };
      if (smoothing > 0 && lineYs.length > 2) {
        const smooth = smoothEma(lineYs, smoothing);
        // Full length for the export: an experiment's smoothed value is its own.
        const full = [...series.ys];
        line.forEach((i, k) => (full[i] = smooth[k]!));
        this.smoothed.set(series.id, experiments.length ? full : smooth);
        datasets.push({
          ...common,
          label: series.label,
          data: raw,
          raw: true,
          indices,
          borderColor: withAlpha(colour, 0.3),
          backgroundColor: withAlpha(colour, 0.3),
          pointRadius: 0,
          pointHitRadius: 0,
          pointHoverRadius: 0,
          borderWidth: 1,
        });
        datasets.push({ ...common, label: series.label, data: toXY(lineXs, smooth), indices });
      } else {
        datasets.push({ ...common, label: series.label, data: raw, indices });
      }
      if (experiments.length) {
        datasets.push({
          ...common,
          label: `${series.label} · experiments`,
          data: toXY(
            experiments.map((i) => series.xs[i] ?? NaN),
            experiments.map((i) => series.ys[i]!),
          ),
          indices: experiments,
          experiment: true,
          showLine: false,
          pointStyle: 'triangle',
          pointRadius: 5,
          pointHoverRadius: 7,
          pointHitRadius: 8,
          backgroundColor: withAlpha(colour, 0.35),
          borderWidth: 1.5,
        });
      }
    }
    this.chart.data.datasets = datasets;
  }

  private configureScales(): void {
    const payload = this.payload;
    const scales = this.chart.options.scales;
    if (!payload || !scales?.x || !scales.y) return;
    const x = scales.x as {
      ticks: { callback?: unknown; precision?: number; maxRotation?: number; autoSkipPadding?: number };
      title: { display: boolean; text: string };
    };
    const versions = payload.view === 'versions';
    if (versions && payload.axis === 'date') {
      x.title.text = payload.xTitle || 'Commit date';
      // Ticks within a few days of each other need the time to tell them apart.
      const dates = payload.versions.map((v) => v.date).filter((d) => Number.isFinite(d));
      const span = dates.reduce((a, b) => Math.max(a, b), -Infinity) - dates.reduce((a, b) => Math.min(a, b), Infinity);
      const short = dates.length > 1 && span < 10 * 86_400_000;
      const format = short ? DATE_HOUR_FORMAT : DATE_FORMAT;
      x.ticks.callback = (value: number | string) => format.format(new Date(Number(value)));
      x.ticks.precision = undefined;
    } else if (versions) {
      x.title.text = payload.xTitle || 'Revision (oldest to newest)';
      x.ticks.precision = 0;
      // A tick at a revision's position names it: a commit by its short sha, a tracker run by its name.
      const byX = new Map(payload.versions.filter((v) => v.experiment === undefined).map((v) => [v.x, v]));
      x.ticks.callback = (value: number | string) => {
        const v = byX.get(Number(value));
        return v ? (v.kind === 'run' ? truncate(v.subject, 18) : v.shortSha) : '';
      };
    } else {
      x.title.text = payload.xTitle || 'Step';
      x.ticks.precision = 0;
      x.ticks.callback = undefined;
    }
    x.ticks.maxRotation = 0;
    x.ticks.autoSkipPadding = 16;
    (x.ticks as { includeBounds?: boolean }).includeBounds = false;
    x.title.display = true;
    const y = scales.y;
    const wantLog = this.options.logScale;
    if ((y.type === 'logarithmic') !== wantLog) {
      // A fresh plain object: chart.js options are proxies and must not be copied into new options.
      const theme = this.theme;
      const common = {
        grid: { color: theme.grid },
        border: { color: theme.grid },
        ticks: { color: theme.muted, autoSkipPadding: 10 },
        title: { display: false, text: '', color: theme.muted },
      };
      scales.y = wantLog ? { ...common, type: 'logarithmic' } : { ...common, type: 'linear' };
    }
    const units = [...new Set(this.drawnSeries().map(({ series }) => series.unit))];
    const title = (scales.y as { title?: { display: boolean; text: string } }).title;
    if (title) {
      title.display = units.length === 1 && units[0] !== undefined;
      title.text = units[0] ?? '';
    }
    this.chart.options.interaction = versions ? { mode: 'x', intersect: false } : { mode: 'nearest', intersect: false };
  }

  /** The series and the point (index into its xs/ys) of a tooltip item. */
  private itemPoint(item: TooltipItem<'line'>): { series: PlotSeries; index: number } | undefined {
    const dataset = item.dataset as LineDataset;
    const series = this.payload?.series[dataset.seriesIndex];
    return series && { series, index: pointIndex(dataset, item.dataIndex) };
  }

  private tooltipTitle(items: TooltipItem<'line'>[]): string | string[] {
    const payload = this.payload;
    const item = items[0];
    const point = item && this.itemPoint(item);
    if (!payload || !point) return '';
    const { series, index } = point;
    if (payload.view === 'versions') {
      const version = payload.versions[series.versions?.[index] ?? -1];
      if (!version) return '';
      if (version.experiment !== undefined) {
        const base = payload.versions[version.baseline ?? -1];
        return [
          `▲ ${truncate(version.experiment, 60)} (DVC experiment)`,
          base
            ? `on ${base.shortSha}${base.tags.length ? ` ${base.tags.join(', ')}` : ''} · ${truncate(base.subject, 60)}`
            : '',
        ];
      }
      if (version.kind === 'run') return [truncate(version.label, 80)];
      return [
        version.shortSha + (version.tags.length ? `  ${version.tags.join(', ')}` : ''),
        truncate(version.subject, 80),
      ];
    }
    const run = series.run === undefined ? undefined : payload.runs[series.run];
    return run ? truncate(run.label, 80) : series.label;
  }

  private tooltipLabel(item: TooltipItem<'line'>): string {
    const payload = this.payload;
    const point = this.itemPoint(item);
    if (!payload || !point) return '';
    const { series, index } = point;
    const value = series.ys[index] ?? NaN;
    const smooth = (item.dataset as LineDataset).experiment ? undefined : this.smoothed.get(series.id)?.[index];
    const unit = series.unit ? ` ${series.unit}` : '';
    const smoothText = smooth === undefined ? '' : ` (smoothed ${formatValue(smooth)})`;
    const breach = series.breaches.includes(index) ? '  ⚠ breaches threshold' : '';
    if (payload.view === 'versions') {
      const version = payload.versions[series.versions?.[index] ?? -1];
      const name = version?.experiment !== undefined ? `${truncate(version.experiment, 30)} ▲ ` : '';
      return `${name}${truncate(series.label, 60)}: ${formatValue(value)}${unit}${smoothText}${breach}`;
    }
    const xName = payload.query.xKey ?? 'step';
    return `${series.key}: ${formatValue(value)}${unit}${smoothText} at ${xName} ${series.xs[index]}${breach}`;
  }

  private tooltipFooter(items: TooltipItem<'line'>[]): string[] {
    const payload = this.payload;
    const item = items[0];
    const point = item && this.itemPoint(item);
    if (!payload || !point) return [];
    const { series, index } = point;
    if (payload.view === 'versions') {
      const version = payload.versions[series.versions?.[index] ?? -1];
      if (!version) return [];
      const date = Number.isFinite(version.date) ? DATE_TIME_FORMAT.format(new Date(version.date)) : 'date unknown';
      return [
        `${version.author ? `${truncate(version.author, 40)}, ` : ''}${date}`,
        version.kind === 'run'
          ? 'Click to open this run · Shift+click to compare'
          : 'Click to open this revision · Shift+click to compare',
      ];
    }
    const run = series.run === undefined ? undefined : payload.runs[series.run];
    if (!run) return [];
    const params = run.params.slice(0, 6).map(([k, v]) => `${truncate(k, 24)}=${truncate(v, 24)}`);
    return [
      ...(run.experiment ? [`experiment ${truncate(run.experiment, 40)}`] : []),
      ...(params.length ? [params.join('  ')] : []),
      'Click to open this run · Shift+click to compare',
    ];
  }

  private drawTags(chart: Chart): number {
    const payload = this.payload;
    if (!payload || payload.view !== 'versions') return 0;
    let drawn = 0;
    const x = scalesOf(chart).x;
    const { top, bottom, left, right } = chart.chartArea;
    const ctx = chart.ctx;
    ctx.save();
    ctx.font = `${Math.max(10, this.theme.fontSize - 2)}px ${this.theme.fontFamily}`;
    ctx.textBaseline = 'top';
    ctx.fillStyle = this.theme.muted;
    ctx.strokeStyle = withAlpha(this.theme.muted, 0.6);
    ctx.setLineDash([2, 3]);
    let lastLabelEnd = -Infinity;
    payload.versions.forEach((version) => {
      if (!version.tags.length || version.experiment !== undefined) return;
      const px = x.getPixelForValue(version.x);
      if (!Number.isFinite(px) || px < left - 0.5 || px > right + 0.5) return;
      drawn++;
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, bottom);
      ctx.stroke();
      const text = truncate(version.tags.join(', '), 24);
      const width = ctx.measureText(text).width;
      // Right of the line when it fits, else left of it (the newest tag sits at the right edge).
      const start = px + 3 + width <= right ? px + 3 : px - 3 - width;
      if (start > lastLabelEnd && start >= left) {
        ctx.fillText(text, start, top + 2);
        lastLabelEnd = start + width + 6;
      }
      // A diamond on the axis marks the tagged revision.
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.moveTo(px, bottom - 5);
      ctx.lineTo(px + 4, bottom - 1);
      ctx.lineTo(px, bottom + 3);
      ctx.lineTo(px - 4, bottom - 1);
      ctx.closePath();
      ctx.fill();
      ctx.setLineDash([2, 3]);
    });
    ctx.restore();
    return drawn;
  }

  private drawThresholds(chart: Chart): number {
    const payload = this.payload;
    if (!payload || payload.thresholds.length === 0) return 0;
    const y = scalesOf(chart).y;
    const { left, right, top, bottom } = chart.chartArea;
    const ctx = chart.ctx;
    const visible = new Set(
      this.drawnSeries()
        .map(({ series }) => series)
        .filter((s) => !this.options.hidden.has(s.id) && s.threshold !== undefined)
        .map((s) => s.threshold),
    );
    // Thresholds at the same height share one line and one label.
    const lines = new Map<number, string[]>();
    payload.thresholds.forEach((threshold, index) => {
      if (!visible.has(index)) return;
      const py = Math.round(y.getPixelForValue(threshold.value));
      if (!Number.isFinite(py) || py < top || py > bottom) return;
      const near = [...lines.keys()].find((k) => Math.abs(k - py) <= 2) ?? py;
      lines.set(near, [...(lines.get(near) ?? []), threshold.label]);
    });
    ctx.save();
    ctx.font = `${Math.max(10, this.theme.fontSize - 2)}px ${this.theme.fontFamily}`;
    ctx.textAlign = 'right';
    ctx.strokeStyle = this.theme.warning;
    ctx.fillStyle = this.theme.warning;
    ctx.lineWidth = 2;
    for (const [py, labels] of lines) {
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(left, py);
      ctx.lineTo(right, py);
      ctx.stroke();
      const above = py - top > 16;
      const text = truncate(labels.join(' · '), 60);
      const width = ctx.measureText(text).width;
      const height = Math.max(10, this.theme.fontSize - 2) + 4;
      const baseline = py + (above ? -3 : 3);
      // A plate in the background colour keeps the label readable over dense curves.
      ctx.fillStyle = withAlpha(this.theme.background, 0.85);
      ctx.fillRect(right - 8 - width, above ? baseline - height + 2 : baseline - 2, width + 8, height);
      ctx.fillStyle = this.theme.warning;
      ctx.textBaseline = above ? 'bottom' : 'top';
      ctx.fillText(text, right - 4, baseline);
    }
    ctx.restore();
    return lines.size;
  }

  private drawBreaches(chart: Chart): number {
    const payload = this.payload;
    if (!payload) return 0;
    let drawn = 0;
    const ctx = chart.ctx;
    const { left, right, top, bottom } = chart.chartArea;
    const x = scalesOf(chart).x;
    const y = scalesOf(chart).y;
    const size = payload.view === 'versions' ? 5 : 3.5;
    ctx.save();
    ctx.strokeStyle = this.theme.failed;
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (const { series } of this.drawnSeries()) {
      if (this.options.hidden.has(series.id) || series.breaches.length === 0) continue;
      let lastPx = -Infinity;
      for (const i of series.breaches) {
        const px = x.getPixelForValue(series.xs[i] ?? NaN);
        if (px < left || px > right || px - lastPx < 6) continue;
        const py = y.getPixelForValue(series.ys[i] ?? NaN);
        if (!Number.isFinite(py) || py < top || py > bottom) continue;
        lastPx = px;
        drawn++;
        ctx.moveTo(px - size, py - size);
        ctx.lineTo(px + size, py + size);
        ctx.moveTo(px + size, py - size);
        ctx.lineTo(px - size, py + size);
      }
    }
    ctx.stroke();
    ctx.restore();
    return drawn;
  }

  /** A dashed link from each DVC experiment's point to its baseline commit's point: what it was run on. */
  private drawExperimentLinks(chart: Chart): number {
    const payload = this.payload;
    if (!payload || payload.view !== 'versions') return 0;
    const x = scalesOf(chart).x;
    const y = scalesOf(chart).y;
    const ctx = chart.ctx;
    const { left, right, top, bottom } = chart.chartArea;
    let drawn = 0;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, right - left, bottom - top);
    ctx.clip();
    ctx.setLineDash([3, 3]);
    ctx.lineWidth = 1;
    for (const { series } of this.drawnSeries()) {
      if (this.options.hidden.has(series.id) || !series.versions) continue;
      const at = new Map(series.versions.map((v, i) => [v, i]));
      ctx.strokeStyle = withAlpha(this.options.colours.get(series.id) ?? this.theme.muted, 0.6);
      ctx.beginPath();
      series.versions.forEach((v, i) => {
        const baseline = payload.versions[v]?.baseline;
        const from = baseline === undefined ? undefined : at.get(baseline);
        if (from === undefined) return;
        const x0 = x.getPixelForValue(series.xs[from] ?? NaN);
        const y0 = y.getPixelForValue(series.ys[from] ?? NaN);
        const x1 = x.getPixelForValue(series.xs[i] ?? NaN);
        const y1 = y.getPixelForValue(series.ys[i] ?? NaN);
        if (![x0, y0, x1, y1].every(Number.isFinite)) return;
        drawn++;
        ctx.moveTo(x0, y0);
        ctx.lineTo(x1, y1);
      });
      ctx.stroke();
    }
    ctx.restore();
    return drawn;
  }

  /** A vertical line where the pointer is (in this chart or another of the panel); the x as an attribute. */
  private drawCrosshair(chart: Chart): string {
    const value = this.hoverX;
    if (value === undefined || !this.payload) return '';
    const px = scalesOf(chart).x.getPixelForValue(value);
    const { left, right, top, bottom } = chart.chartArea;
    if (!Number.isFinite(px) || px < left || px > right) return '';
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = withAlpha(this.theme.muted, 0.7);
    ctx.lineWidth = 1;
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(Math.round(px) + 0.5, top);
    ctx.lineTo(Math.round(px) + 0.5, bottom);
    ctx.stroke();
    ctx.restore();
    return String(value);
  }

  private drawSelection(chart: Chart): number {
    const payload = this.payload;
    if (!payload || this.options.selected.size === 0) return 0;
    let drawn = 0;
    const ctx = chart.ctx;
    const x = scalesOf(chart).x;
    const y = scalesOf(chart).y;
    ctx.save();
    ctx.strokeStyle = this.theme.foreground;
    ctx.lineWidth = 2;
    for (const { series } of this.drawnSeries()) {
      if (this.options.hidden.has(series.id)) continue;
      if (payload.view === 'versions') {
        series.versions?.forEach((v, i) => {
          const sha = payload.versions[v]?.sha;
          if (sha === undefined || !this.options.selected.has(sha)) return;
          drawn++;
          ctx.beginPath();
          ctx.arc(x.getPixelForValue(series.xs[i] ?? NaN), y.getPixelForValue(series.ys[i] ?? NaN), 7, 0, Math.PI * 2);
          ctx.stroke();
        });
      } else if (series.run !== undefined && this.options.selected.has(payload.runs[series.run]?.id ?? '')) {
        const lastX = series.xs.at(-1);
        const lastY = series.ys[series.xs.length - 1];
        if (lastX === undefined) continue;
        drawn++;
        ctx.beginPath();
        ctx.arc(x.getPixelForValue(lastX), y.getPixelForValue(lastY ?? NaN), 6, 0, Math.PI * 2);
        ctx.stroke();
      }
    }
    ctx.restore();
    return drawn;
  }
}

function toXY(xs: readonly number[], ys: readonly number[]): XY[] {
  return xs.map((x, i) => ({ x, y: ys[i] ?? NaN }));
}

/** The x and y scales every chart here is built with. */
function scalesOf(chart: Chart): { x: Scale; y: Scale } {
  const { x, y } = chart.scales;
  if (!x || !y) throw new Error('The chart has no x and y scales.');
  return { x, y };
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
