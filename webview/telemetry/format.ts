// Text and series of the Telemetry panel: pure functions over the core's summary, so the page, its "Copy as
// Markdown" and the tests read a figure the same way.
import { summaryToMarkdown } from '../../src/core/telemetry/report';
import type { TelemetryGroup, TelemetrySummary } from '../../src/core/telemetry/types';
import type { SloBreach } from '../../src/core/telemetry/overlays';
import { rangeLabel, type TelemetryRange } from '../../src/protocol/telemetry';

export interface XY {
  x: number;
  /** null leaves a gap (a bucket without requests has no error rate or latency). */
  y: number | null;
}

export type SeriesMetric = 'requestsPerMinute' | 'errorRate' | 'p50' | 'p95' | 'p99' | 'memory';

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** A rate 0..1 as a percentage: `1.2%`, `0%`, `< 0.01%`. */
export function formatRate(rate: number): string {
  if (!Number.isFinite(rate)) return '—';
  if (rate === 0) return '0%';
  const pct = rate * 100;
  if (pct < 0.01) return '< 0.01%';
  return `${+pct.toPrecision(pct < 10 ? 2 : 3)}%`;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${+(ms / 1000).toPrecision(3)} s`;
  return `${+ms.toPrecision(ms < 10 ? 2 : 3)} ms`;
}

export function formatPerMinute(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return value >= 100 ? value.toFixed(0) : `${+value.toPrecision(3)}`;
}

export function formatMb(mb: number | undefined): string {
  if (mb === undefined || !Number.isFinite(mb)) return '—';
  return mb >= 1024 ? `${+(mb / 1024).toPrecision(3)} GB` : `${+mb.toPrecision(3)} MB`;
}

/** A time as `2026-12-07 14:05` (UTC): the same text in the panel, the Markdown and every time zone of a test. */
export function formatTime(time: number | undefined): string {
  if (time === undefined || !Number.isFinite(time)) return '—';
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A short tick label: the time of day within one day, else the date (and hour within a week). */
export function formatTick(time: number, spanMs: number): string {
  const iso = new Date(time).toISOString();
  if (spanMs <= 36 * 3_600_000) return iso.slice(11, 16);
  if (spanMs <= 8 * 86_400_000) return `${iso.slice(5, 10)} ${iso.slice(11, 13)}h`;
  return iso.slice(0, 10);
}

/** The models of a summary, the busiest first (ties by name). */
export function modelsOf(summary: TelemetrySummary): string[] {
  const requests = new Map<string, number>();
  for (const g of summary.groups) requests.set(g.model, (requests.get(g.model) ?? 0) + g.requests);
  return [...requests.keys()].sort((a, b) => (requests.get(b) ?? 0) - (requests.get(a) ?? 0) || a.localeCompare(b));
}

/** A model's versions in the order they went live (first request), so an A/B rollout reads old → new. */
export function versionsOf(summary: TelemetrySummary, model: string): TelemetryGroup[] {
  return summary.groups
    .filter((g) => g.model === model)
    .sort(
      (a, b) =>
        (a.firstTime ?? Number.MAX_SAFE_INTEGER) - (b.firstTime ?? Number.MAX_SAFE_INTEGER) ||
        a.version.localeCompare(b.version),
    );
}

/** What a version is called in legends and headers ('' when the source does not say). */
export function versionName(group: TelemetryGroup): string {
  return group.version || '(no version)';
}

/** One series of a group's points: requests per minute, error rate in %, a latency percentile in ms, or memory. */
export function seriesOf(group: TelemetryGroup, metric: SeriesMetric, bucketMs: number): XY[] {
  const minutes = Math.max(bucketMs, 1) / 60_000;
  return group.series.map((p) => {
    switch (metric) {
      case 'requestsPerMinute':
        return { x: p.t, y: p.requests / minutes };
      case 'errorRate':
        return { x: p.t, y: p.requests > 0 ? (p.errors / p.requests) * 100 : null };
      case 'memory':
        return { x: p.t, y: p.memoryMb ?? null };
      default:
        return { x: p.t, y: p.requests > 0 ? (p.latency[metric] ?? null) : null };
    }
  });
}

/** Whether any group has memory figures (else the memory chart says where they come from). */
export function hasMemory(groups: readonly TelemetryGroup[]): boolean {
  return groups.some((g) => g.memoryMb !== undefined || g.series.some((p) => p.memoryMb !== undefined));
}

/** The figures table's rows: one row per figure, one column per version (side by side). */
export function figureRows(groups: readonly TelemetryGroup[]): { label: string; values: string[] }[] {
  const row = (label: string, value: (g: TelemetryGroup) => string) => ({ label, values: groups.map(value) });
  return [
    row('Requests', (g) => formatCount(g.requests)),
    row('Requests per minute', (g) => formatPerMinute(g.requestsPerMinute)),
    row('Errors', (g) => formatCount(g.errors)),
    row('Error rate', (g) => formatRate(g.errorRate)),
    row('Latency p50', (g) => formatMs(g.latency.p50)),
    row('Latency p95', (g) => formatMs(g.latency.p95)),
    row('Latency p99', (g) => formatMs(g.latency.p99)),
    row('Memory (mean / max)', (g) =>
      g.memoryMb ? `${formatMb(g.memoryMb.mean)} / ${formatMb(g.memoryMb.max)}` : '—',
    ),
    row('Unique callers', (g) => formatCount(g.uniqueCallers)),
    row('First request', (g) => formatTime(g.firstTime)),
    row('Last request', (g) => formatTime(g.lastTime)),
  ];
}

export interface MarkdownInput {
  summary: TelemetrySummary;
  range: TelemetryRange;
  /** The models to include (default: every model of the summary). */
  models?: readonly string[];
  breaches: readonly SloBreach[];
}

/**
 * The panel's figures as Markdown: the core's summary Markdown (the one `mlops telemetry summary --format md` writes)
 * of the models shown, under the range, with the SLO breaches the check reports.
 */
export function telemetryMarkdown(input: MarkdownInput): string {
  const { summary, range, breaches } = input;
  const models = input.models ?? modelsOf(summary);
  const shown = { ...summary, groups: summary.groups.filter((g) => models.includes(g.model)) };
  let out = `## Telemetry: ${rangeLabel(range)}\n\n${summaryToMarkdown(shown, 'version')}`;
  const listed = breaches.filter((b) => models.includes(b.model));
  if (listed.length) out += `\nSLO breaches:\n\n${listed.map((b) => `- ${escapeText(b.message)}`).join('\n')}\n`;
  return out;
}

/** Text for a list item: HTML-significant characters become entities, inline markup is escaped. */
function escapeText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]#]/g, (ch) => `\\${ch}`);
}
