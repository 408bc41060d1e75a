// The Telemetry panel's charts: chart.js line charts over one shared time axis (every chart gets the same x range),
// with a small plugin of their own that draws registry events as markers and service-level objectives as limit
// lines. Labels are drawn on the canvas, so no name ever becomes HTML here.
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type Plugin } from 'chart.js';
import type { RegistryMarker } from '../../src/core/telemetry/overlays';
import { withAlpha, type ChartTheme } from '../metricHistory/theme';
import { formatTick, formatTime, type XY } from './format';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

export interface TimeDataset {
  label: string;
  colour: string;
  data: XY[];
  /** A dash pattern (latency percentiles of one version share its colour and differ by dash). */
  dash?: number[];
}

export interface LimitLine {
  value: number;
  label: string;
}

export interface TimeChartSpec {
  /** The y axis' title: `requests / min`, `error rate (%)`, `latency (ms)`, `memory (MB)`. */
  yTitle: string;
  datasets: TimeDataset[];
  /** The shared time axis. */
  from: number;
  to: number;
  markers: readonly RegistryMarker[];
  limits: readonly LimitLine[];
  formatY(value: number): string;
}

/** Draws markers and limit lines after the datasets; records what it drew on the canvas (tests, assistive tools). */
function overlay(spec: TimeChartSpec, theme: ChartTheme): Plugin<'line'> {
  return {
    id: 'mlopsTelemetryOverlay',
    beforeDraw: (chart) => {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.fillStyle = theme.background;
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
    afterDatasetsDraw: (chart) => {
      const { ctx, chartArea } = chart;
      const x = chart.scales.x;
      const y = chart.scales.y;
      if (!x || !y) return;
      ctx.save();
      ctx.font = `${Math.max(10, theme.fontSize - 2)}px ${theme.fontFamily}`;
      ctx.textBaseline = 'top';
      let markers = 0;
      // Labels go on up to three rows; one that fits on none (markers too close together) is left out.
      const rowHeight = Math.max(10, theme.fontSize - 2) + 3;
      const rowsRight = [-Infinity, -Infinity, -Infinity];
      let labels = 0;
      for (const m of spec.markers) {
        if (m.time < spec.from || m.time > spec.to) continue;
        const px = x.getPixelForValue(m.time);
        markers++;
        ctx.strokeStyle = withAlpha(theme.muted, 0.9);
        ctx.setLineDash([3, 3]);
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = theme.muted;
        ctx.beginPath();
        ctx.moveTo(px - 4, chartArea.top);
        ctx.lineTo(px + 4, chartArea.top);
        ctx.lineTo(px, chartArea.top + 5);
        ctx.closePath();
        ctx.fill();
        const width = ctx.measureText(m.label).width;
        const left = Math.max(chartArea.left, Math.min(px + 4, chartArea.right - width));
        const row = rowsRight.findIndex((right) => left > right + 6);
        if (row >= 0) {
          ctx.fillStyle = theme.background;
          ctx.fillRect(left - 2, chartArea.top + 6 + row * rowHeight, width + 4, rowHeight - 1);
          ctx.fillStyle = theme.foreground;
          ctx.fillText(m.label, left, chartArea.top + 7 + row * rowHeight);
          rowsRight[row] = left + width;
          labels++;
        }
      }
      let limits = 0;
      for (const limit of spec.limits) {
        if (limit.value < y.min || limit.value > y.max) continue;
        const py = y.getPixelForValue(limit.value);
        limits++;
        ctx.strokeStyle = theme.failed;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        ctx.moveTo(chartArea.left, py);
        ctx.lineTo(chartArea.right, py);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = theme.failed;
        ctx.textBaseline = 'bottom';
        const width = ctx.measureText(limit.label).width;
        ctx.fillText(limit.label, chartArea.right - width - 4, py - 2);
        ctx.textBaseline = 'top';
      }
      ctx.restore();
      const data = chart.canvas.dataset;
      data.markers = String(markers);
      data.markerLabels = String(labels);
      data.limits = String(limits);
      data.xMin = String(x.min);
      data.xMax = String(x.max);
    },
  };
}

/** The largest y to show: the data and every limit line, so a limit above the data is still drawn. */
function suggestedMax(spec: TimeChartSpec): number | undefined {
  let max: number | undefined;
  for (const limit of spec.limits) max = max === undefined ? limit.value : Math.max(max, limit.value);
  return max === undefined ? undefined : max * 1.1;
}

const STEPS = [1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10_080].map((m) => m * 60_000);

/** A tick step on whole minutes, hours or days that gives at most `count` ticks over `span`. */
export function tickStep(span: number, count = 8): number {
  return STEPS.find((step) => span / step <= count) ?? Math.ceil(span / count / 86_400_000) * 86_400_000;
}

/** A line chart of time series on the shared axis `spec.from`..`spec.to`. */
export function timeChart(canvas: HTMLCanvasElement, spec: TimeChartSpec, theme: ChartTheme): Chart<'line', XY[]> {
  const span = Math.max(1, spec.to - spec.from);
  canvas.dataset.series = String(spec.datasets.length);
  canvas.dataset.points = String(spec.datasets.reduce((n, d) => n + d.data.filter((p) => p.y !== null).length, 0));
  const tickFont = { family: theme.fontFamily, size: Math.max(10, theme.fontSize - 1) };
  return new Chart<'line', XY[]>(canvas, {
    type: 'line',
    data: {
      datasets: spec.datasets.map((d) => ({
        label: d.label,
        data: d.data,
        borderColor: d.colour,
        backgroundColor: withAlpha(d.colour, 0.2),
        borderDash: d.dash ?? [],
        borderWidth: 1.5,
        pointRadius: d.data.length > 60 ? 0 : 2,
        pointHoverRadius: 3,
        spanGaps: false,
        tension: 0,
      })),
    },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      layout: { padding: { top: 4, right: 8 } },
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: {
          type: 'linear',
          min: spec.from,
          max: spec.to,
          ticks: {
            color: theme.muted,
            font: tickFont,
            stepSize: tickStep(span),
            maxTicksLimit: 10,
            maxRotation: 0,
            callback: (value) => formatTick(Number(value), span),
          },
          grid: { color: theme.grid },
        },
        y: {
          type: 'linear',
          beginAtZero: true,
          suggestedMax: suggestedMax(spec),
          title: { display: true, text: spec.yTitle, color: theme.muted, font: tickFont },
          ticks: { color: theme.muted, font: tickFont, callback: (value) => spec.formatY(Number(value)) },
          grid: { color: theme.grid },
        },
      },
      plugins: {
        legend: {
          position: 'top',
          align: 'start',
          labels: {
            color: theme.foreground,
            boxWidth: 18,
            boxHeight: 2,
            font: { family: theme.fontFamily, size: theme.fontSize },
          },
        },
        tooltip: {
          callbacks: {
            title: (items) => formatTime(items[0]?.parsed.x ?? undefined),
            label: (item) => `${item.dataset.label ?? ''}: ${spec.formatY(item.parsed.y ?? NaN)}`,
          },
        },
      },
    },
    plugins: [overlay(spec, theme)],
  });
}
