// The Dataset panel's drawings: sparkline histograms on small canvases (drawn directly, one per table row) and the
// column charts (chart.js): a histogram or the top values, and two versions overlaid as shares of their rows.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import type { ColumnProfile, HistogramBin } from '../../src/core/data/model';
import { withAlpha, type ChartTheme } from '../metricHistory/theme';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Filler,
  Legend,
  Tooltip,
);

/** Draws a histogram's bars into a small canvas; the canvas records what it drew (`data-bins`, `data-max`). */
export function drawSparkline(canvas: HTMLCanvasElement, bins: readonly HistogramBin[], colour: string): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 96;
  const height = canvas.clientHeight || 20;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.scale(ratio, ratio);
  ctx.clearRect(0, 0, width, height);
  const max = bins.reduce((m, b) => Math.max(m, b.count), 0);
  canvas.dataset.bins = String(bins.length);
  canvas.dataset.max = String(max);
  if (!bins.length || max === 0) return;
  const w = width / bins.length;
  ctx.fillStyle = colour;
  bins.forEach((bin, i) => {
    const h = Math.max(bin.count > 0 ? 1 : 0, (bin.count / max) * (height - 1));
    ctx.fillRect(i * w + 0.5, height - h, Math.max(1, w - 1), h);
  });
}

/** Top values of a categorical column as sparkline bars (most frequent first). */
export function topValueBins(column: ColumnProfile): HistogramBin[] {
  return (column.topValues ?? []).slice(0, 12).map((t, i) => ({ lower: i, upper: i + 1, count: t.count }));
}

interface Series {
  label: string;
  column: ColumnProfile;
  colour: string;
}

function rowsOf(column: ColumnProfile): number {
  return Math.max(1, column.count);
}

function baseOptions(theme: ChartTheme, yTitle: string) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    plugins: {
      legend: { labels: { color: theme.foreground, font: { family: theme.fontFamily, size: theme.fontSize } } },
      tooltip: { enabled: true },
    },
    scales: {
      x: {
        ticks: { color: theme.muted, font: { family: theme.fontFamily }, maxRotation: 45, autoSkip: true },
        grid: { color: theme.grid },
      },
      y: {
        beginAtZero: true,
        title: { display: true, text: yTitle, color: theme.muted },
        ticks: { color: theme.muted, font: { family: theme.fontFamily } },
        grid: { color: theme.grid },
      },
    },
  };
}

/**
 * A column of one or two versions: numeric columns as stepped histograms (share of rows per bin, so versions of
 * different sizes and bins overlay), categorical columns as grouped bars of their top values' shares.
 */
export function columnChart(canvas: HTMLCanvasElement, series: readonly Series[], theme: ChartTheme): Chart {
  const numeric = series.some((s) => s.column.histogram?.length);
  canvas.dataset.kind = numeric ? 'histogram' : 'topValues';
  canvas.dataset.series = String(series.length);
  if (numeric) {
    const datasets = series.map((s) => {
      const bins = s.column.histogram ?? [];
      const total = rowsOf(s.column);
      const points: { x: number; y: number }[] = [];
      for (const bin of bins) points.push({ x: bin.lower, y: bin.count / total });
      const last = bins[bins.length - 1];
      if (last) points.push({ x: last.upper, y: last.count / total });
      return {
        label: s.label,
        data: points,
        stepped: 'before' as const,
        borderColor: s.colour,
        backgroundColor: withAlpha(s.colour, series.length > 1 ? 0.25 : 0.45),
        fill: 'origin' as const,
        pointRadius: 0,
        borderWidth: 1.5,
      };
    });
    canvas.dataset.points = String(datasets.reduce((n, d) => n + d.data.length, 0));
    const options = baseOptions(theme, 'share of rows');
    return new Chart(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        ...options,
        parsing: false,
        scales: { ...options.scales, x: { ...options.scales.x, type: 'linear' } },
      },
    });
  }
  const labels: string[] = [];
  for (const s of series)
    for (const t of s.column.topValues ?? []) if (!labels.includes(t.value) && labels.length < 20) labels.push(t.value);
  const datasets = series.map((s) => {
    const counts = new Map((s.column.topValues ?? []).map((t) => [t.value, t.count]));
    const total = rowsOf(s.column);
    return {
      label: s.label,
      data: labels.map((l) => (counts.get(l) ?? 0) / total),
      backgroundColor: withAlpha(s.colour, 0.7),
      borderColor: s.colour,
      borderWidth: 1,
    };
  });
  canvas.dataset.points = String(labels.length * series.length);
  return new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: baseOptions(theme, 'share of rows'),
  });
}
