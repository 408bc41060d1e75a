// Small multiples: one chart per metric (the default), or every series overlaid on one chart. The charts share the
// x axis: zoom and pan in one apply to all, and hovering one marks the same x (and, across versions, the same
// revision) in the others. Panel titles are text nodes; the charts draw on canvases.
import { chartPanels } from '../../src/core/chart/panels';
import type { ChartPayload } from '../../src/core/chart/types';
import { el } from '../shared/vscodeApi';
import { HistoryChart, type ChartCallbacks, type ChartOptions } from './chartView';
import type { ZoomRange } from './state';
import type { ChartTheme } from './theme';

/** `split`: one chart per metric; `overlay`: one chart with every series. */
export type ChartLayout = 'split' | 'overlay';

interface Panel {
  key: string;
  section: HTMLElement;
  title: HTMLElement;
  canvas: HTMLCanvasElement;
  chart: HistoryChart;
}

export interface GridCallbacks extends Omit<ChartCallbacks, 'onHover'> {
  /** A key pressed on a chart (zoom and pan keys act on every chart). */
  onKey(event: KeyboardEvent): void;
}

export class ChartGrid {
  readonly element = el('div', { className: 'mh-charts', attrs: { role: 'group', 'aria-label': 'Charts' } });
  private panels: Panel[] = [];
  private layout: ChartLayout = 'split';
  private theme: ChartTheme;

  constructor(
    theme: ChartTheme,
    private readonly callbacks: GridCallbacks,
  ) {
    this.theme = theme;
  }

  /** The panels' canvases, in order. */
  get canvases(): HTMLCanvasElement[] {
    return this.panels.map((p) => p.canvas);
  }

  /** Shows a payload: one chart per metric (`split`) or one for all (`overlay`). Charts of the same metrics stay. */
  setData(payload: ChartPayload, options: ChartOptions, zoom: ZoomRange | undefined, layout: ChartLayout): void {
    const groups =
      layout === 'split'
        ? chartPanels(payload.series)
        : [{ key: '', title: '', series: payload.series.map((_, i) => i) }];
    const keys = groups.map((g) => g.key);
    if (layout !== this.layout || keys.join('\u0000') !== this.panels.map((p) => p.key).join('\u0000')) {
      for (const panel of this.panels) panel.chart.destroy();
      this.panels = groups.map((g) => this.createPanel(g.key));
      this.element.replaceChildren(...this.panels.map((p) => p.section));
    }
    this.layout = layout;
    this.element.dataset.layout = layout;
    this.element.style.setProperty('--mh-panels', String(this.panels.length));
    groups.forEach((group, i) => {
      const panel = this.panels[i];
      panel.title.textContent = group.title;
      panel.title.hidden = layout === 'overlay';
      panel.section.setAttribute('aria-label', group.title || 'All metrics');
      panel.chart.setData(payload, options, zoom, group.series);
    });
  }

  setOptions(options: ChartOptions): void {
    for (const panel of this.panels) panel.chart.setOptions(options);
  }

  applyTheme(theme: ChartTheme): void {
    this.theme = theme;
    for (const panel of this.panels) panel.chart.applyTheme(theme);
  }

  zoomBy(factor: number): void {
    this.panels[0]?.chart.zoomBy(factor);
  }

  panBy(pixels: number): void {
    this.panels[0]?.chart.panBy(pixels);
  }

  resetZoom(): void {
    if (this.panels.length === 0) this.callbacks.onZoomChange(undefined);
    this.panels[0]?.chart.resetZoom();
  }

  /** Data points of the visible series over every chart. */
  get visiblePoints(): number {
    return this.panels.reduce((n, p) => n + p.chart.visiblePoints, 0);
  }

  /** Smoothed ys per series id, over every chart. */
  get smoothed(): Map<string, number[]> {
    const all = new Map<string, number[]>();
    for (const panel of this.panels) for (const [id, ys] of panel.chart.smoothed) all.set(id, ys);
    return all;
  }

  /** Labels each chart for assistive technology. */
  describe(label: (title: string) => string): void {
    for (const panel of this.panels) panel.canvas.setAttribute('aria-label', label(panel.title.textContent ?? ''));
  }

  /** Every chart in one PNG, laid out as on screen, titles included. */
  toPng(): string {
    if (this.panels.length === 1) return this.panels[0].chart.toPng();
    const scale = window.devicePixelRatio || 1;
    const origin = this.element.getBoundingClientRect();
    const boxes = this.panels.map((p) => ({ panel: p, box: p.section.getBoundingClientRect() }));
    const width = boxes.reduce((most, b) => Math.max(most, b.box.right - origin.left), -Infinity);
    const height = boxes.reduce((most, b) => Math.max(most, b.box.bottom - origin.top), -Infinity);
    const out = document.createElement('canvas');
    out.width = Math.ceil(width * scale);
    out.height = Math.ceil(height * scale);
    const ctx = out.getContext('2d');
    if (!ctx) return this.panels[0]?.chart.toPng() ?? '';
    ctx.scale(scale, scale);
    ctx.fillStyle = this.theme.background;
    ctx.fillRect(0, 0, width, height);
    ctx.font = `600 ${this.theme.fontSize}px ${this.theme.fontFamily}`;
    ctx.fillStyle = this.theme.foreground;
    ctx.textBaseline = 'top';
    for (const { panel } of boxes) {
      const title = panel.title.getBoundingClientRect();
      if (!panel.title.hidden)
        ctx.fillText(panel.title.textContent ?? '', title.left - origin.left, title.top - origin.top);
      const c = panel.canvas.getBoundingClientRect();
      ctx.drawImage(panel.canvas, c.left - origin.left, c.top - origin.top, c.width, c.height);
    }
    return out.toDataURL('image/png');
  }

  private createPanel(key: string): Panel {
    const canvas = el('canvas', { attrs: { role: 'img', tabindex: '0', 'aria-label': 'Metric chart' } });
    const title = el('h3', { className: 'mh-panel-title' });
    const section = el('section', { className: 'mh-panel' }, [
      title,
      el('div', { className: 'mh-panel-canvas' }, [canvas]),
    ]);
    if (key) section.dataset.metric = key;
    const panel: Panel = {
      key,
      section,
      title,
      canvas,
      chart: new HistoryChart(canvas, this.theme, {
        onPointClick: (target, extend) => this.callbacks.onPointClick(target, extend),
        onZoomChange: (range) => {
          // One x axis for all: the others follow, then the range is remembered.
          for (const other of this.panels) if (other !== panel) other.chart.zoomTo(range);
          this.callbacks.onZoomChange(range);
        },
        onHover: (x) => {
          for (const other of this.panels) if (other !== panel) other.chart.syncHover(x);
        },
      }),
    };
    canvas.addEventListener('keydown', (event) => this.callbacks.onKey(event));
    return panel;
  }
}
