// The panel's run plots, drawn with chart.js: a scatter of any column against any column, and parallel coordinates
// (params to a metric) as a chart.js line chart across category axes, each axis normalised to 0..1 so params of
// different scales share one chart; tooltips show the real values.
import {
  CategoryScale,
  Chart,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { cellValue } from '../../src/core/runs/columns';
import type { CellValue, ColumnDef, RunRow } from '../../src/core/runs/model';
import { readTheme, withAlpha } from '../metricHistory/theme';
import { formatCell } from '../../src/core/runs/export';

Chart.register(ScatterController, LineController, LineElement, PointElement, LinearScale, CategoryScale, Tooltip);

/** The most axes a parallel-coordinates plot draws before the metric (the params that differ most come first). */
export const MAX_PARALLEL_PARAMS = 12;

export class RunPlots {
  private chart: Chart | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }

  /** Plots `y` against `x` for the runs (numbers only; a run without both values is left out). */
  scatter(rows: readonly RunRow[], x: ColumnDef, y: ColumnDef): number {
    const theme = readTheme();
    const points: { x: number; y: number; label: string }[] = [];
    for (const row of rows) {
      const vx = cellValue(row, x.id);
      const vy = cellValue(row, y.id);
      if (typeof vx === 'number' && typeof vy === 'number' && Number.isFinite(vx) && Number.isFinite(vy))
        points.push({ x: vx, y: vy, label: row.name });
    }
    const colour = theme.base[0] ?? theme.foreground;
    this.draw({
      type: 'scatter',
      data: {
        datasets: [
          {
            label: `${y.label} vs ${x.label}`,
            data: points,
            backgroundColor: withAlpha(colour, 0.7),
            borderColor: colour,
            pointRadius: 4,
            pointHoverRadius: 6,
          },
        ],
      },
      options: {
        ...this.common(theme),
        scales: {
          x: this.axis(theme, axisTitle(x)),
          y: this.axis(theme, axisTitle(y)),
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) => {
                const p = item.raw as { x: number; y: number; label: string };
                return `${p.label}: ${formatCell(p.x, x)}, ${formatCell(p.y, y)}`;
              },
            },
          },
        },
      },
    });
    return points.length;
  }

  /**
   * One line per run through the params' axes to the metric's axis. Each axis maps its own min..max to 0..1 (text
   * params: their sorted distinct values spread evenly). Runs without the metric are left out.
   */
  parallel(rows: readonly RunRow[], params: readonly ColumnDef[], metric: ColumnDef): number {
    const theme = readTheme();
    const axes = [...params, metric];
    const scales = axes.map((column) => axisScale(rows, column));
    const kept = rows.filter((row) => typeof cellValue(row, metric.id) === 'number');
    const metricScale = scales[scales.length - 1];
    const palette = theme.palette(Math.max(1, Math.min(kept.length, 12)));
    const datasets = kept.map((row, i) => {
      const values = axes.map((column) => cellValue(row, column.id));
      const m = metricScale?.(values[values.length - 1] ?? null) ?? 0.5;
      // Colour by the metric: the better end uses the theme's first colour, the rest fade.
      const colour = palette[Math.floor(m * (palette.length - 1))] ?? palette[i % palette.length] ?? theme.foreground;
      return {
        label: row.name,
        data: values.map((v, axis) => scales[axis]?.(v) ?? null),
        raw: values,
        borderColor: withAlpha(colour, kept.length > 200 ? 0.35 : 0.8),
        backgroundColor: colour,
        borderWidth: 1.5,
        pointRadius: 2,
        spanGaps: false,
        tension: 0,
      };
    });
    this.draw({
      type: 'line',
      data: { labels: axes.map((c) => axisTitle(c)), datasets },
      options: {
        ...this.common(theme),
        scales: {
          x: { type: 'category', ticks: { color: theme.foreground }, grid: { color: theme.grid } },
          y: {
            type: 'linear',
            min: 0,
            max: 1,
            ticks: { color: theme.muted, callback: (v) => (v === 0 ? 'min' : v === 1 ? 'max' : '') },
            grid: { color: theme.grid },
          },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) => {
                const raw = (item.dataset as unknown as { raw: CellValue[] }).raw[item.dataIndex];
                const column = axes[item.dataIndex];
                return `${item.dataset.label ?? ''}: ${column ? formatCell(raw ?? null, column) : String(raw)}`;
              },
            },
          },
        },
      },
    });
    return kept.length;
  }

  private common(theme: ReturnType<typeof readTheme>) {
    return {
      animation: false as const,
      maintainAspectRatio: false,
      responsive: true,
      color: theme.foreground,
      font: { family: theme.fontFamily, size: theme.fontSize },
    };
  }

  private axis(theme: ReturnType<typeof readTheme>, title: string) {
    return {
      type: 'linear' as const,
      title: { display: true, text: title, color: theme.foreground },
      ticks: { color: theme.muted },
      grid: { color: theme.grid },
    };
  }

  private draw(config: ChartConfiguration): void {
    this.chart?.destroy();
    this.chart = new Chart(this.canvas, config);
  }
}

function axisTitle(column: ColumnDef): string {
  const prefix = column.group === 'run' ? '' : `${column.group}.`;
  return `${prefix}${column.label}${column.unit ? ` (${column.unit})` : ''}`;
}

/** Maps a column's values to 0..1: numbers by min..max, texts by their sorted position; missing values to null. */
function axisScale(rows: readonly RunRow[], column: ColumnDef): (value: unknown) => number | null {
  let min = Infinity;
  let max = -Infinity;
  const texts = new Set<string>();
  for (const row of rows) {
    const v = cellValue(row, column.id);
    if (typeof v === 'number' && Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    } else if (typeof v === 'string' || typeof v === 'boolean') texts.add(String(v));
  }
  const order = [...texts].sort();
  const position = new Map(order.map((t, i) => [t, order.length > 1 ? i / (order.length - 1) : 0.5]));
  return (value) => {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return null;
      return max > min ? (value - min) / (max - min) : 0.5;
    }
    if (typeof value === 'string' || typeof value === 'boolean') return position.get(String(value)) ?? null;
    return null;
  };
}
