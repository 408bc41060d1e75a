// A typed sample of the telemetry core's summary for the panel's tests: one day of a model in an A/B rollout (the
// old version serves all traffic until noon, then half of it), the new version with a latency regression and a
// caller whose requests fail, registry events on the time axis, and two objectives the new version breaches.
import type { RegistryMarker, SloBreach, SloLine } from '../../../src/core/telemetry/overlays';
import type { TelemetryGroup, TelemetryPoint, TelemetrySummary } from '../../../src/core/telemetry/types';

export const DAY_START = Date.UTC(2026, 10, 30, 0, 0, 0);
export const BUCKET_MS = 10 * 60_000;
export const ROLLOUT = DAY_START + 12 * 3_600_000;
export const MODEL = 'fraud-classifier';

/** A deterministic wobble in [-1, 1] (no randomness in figures a test asserts). */
function wobble(i: number, k: number): number {
  return Math.sin(i * 0.37 + k) * 0.6 + Math.sin(i * 1.91 + 2 * k) * 0.4;
}

function group(
  model: string,
  version: string,
  points: TelemetryPoint[],
  callers: { caller: string; requests: number; errors: number }[],
  latency: TelemetryGroup['latency'],
  memoryMb?: { mean: number; max: number },
): TelemetryGroup {
  const live = points.filter((p) => p.requests > 0);
  const requests = live.reduce((n, p) => n + p.requests, 0);
  const errors = live.reduce((n, p) => n + p.errors, 0);
  const first = live[0]?.t;
  const last = live[live.length - 1]?.t;
  return {
    key: `${model}@${version}`,
    model,
    version,
    requests,
    errors,
    errorRate: requests ? errors / requests : 0,
    requestsPerMinute: requests / ((24 * 3_600_000) / 60_000),
    latency,
    ...(memoryMb ? { memoryMb } : {}),
    uniqueCallers: callers.length,
    topCallers: callers,
    series: points,
    ...(first !== undefined ? { firstTime: first } : {}),
    ...(last !== undefined ? { lastTime: last + BUCKET_MS - 1 } : {}),
  };
}

/** The A/B day: `model` and version names can be replaced by hostile ones. */
export function sampleSummary(
  names: { model?: string; old?: string; next?: string; caller?: string } = {},
): TelemetrySummary {
  const model = names.model ?? MODEL;
  const oldPoints: TelemetryPoint[] = [];
  const newPoints: TelemetryPoint[] = [];
  for (let i = 0; i < 144; i++) {
    const t = DAY_START + i * BUCKET_MS;
    const traffic = Math.round(300 + 120 * Math.sin((i / 144) * Math.PI) + 20 * wobble(i, 1));
    const split = t >= ROLLOUT;
    const oldRequests = split ? Math.round(traffic / 2) : traffic;
    const newRequests = split ? traffic - oldRequests : 0;
    oldPoints.push({
      t,
      requests: oldRequests,
      errors: Math.round(oldRequests * 0.006 + Math.max(0, wobble(i, 2))),
      latency: { p50: 42 + 3 * wobble(i, 3), p95: 118 + 8 * wobble(i, 4), p99: 190 + 15 * wobble(i, 5) },
      memoryMb: 612 + 10 * wobble(i, 6),
    });
    newPoints.push(
      newRequests
        ? {
            t,
            requests: newRequests,
            errors: Math.round(newRequests * 0.031 + Math.max(0, wobble(i, 7))),
            latency: { p50: 71 + 5 * wobble(i, 8), p95: 318 + 20 * wobble(i, 9), p99: 455 + 30 * wobble(i, 10) },
            memoryMb: 890 + 14 * wobble(i, 11),
          }
        : { t, requests: 0, errors: 0, latency: {} },
    );
  }
  const oldVersion = names.old ?? 'v1.1.0';
  const newVersion = names.next ?? 'v1.2.0';
  const badCaller = names.caller ?? 'partner-gateway';
  const a = group(
    model,
    oldVersion,
    oldPoints,
    [
      { caller: 'checkout-api', requests: 0, errors: 0 },
      { caller: 'mobile-app', requests: 0, errors: 0 },
      { caller: 'back-office', requests: 0, errors: 0 },
    ],
    { p50: 42, p95: 118, p99: 191, mean: 55.2, max: 402 },
    { mean: 612, max: 631 },
  );
  const b = group(
    model,
    newVersion,
    newPoints,
    [
      { caller: 'checkout-api', requests: 0, errors: 0 },
      { caller: badCaller, requests: 0, errors: 0 },
      { caller: 'mobile-app', requests: 0, errors: 0 },
    ],
    { p50: 71, p95: 318, p99: 457, mean: 96.4, max: 1210 },
    { mean: 890, max: 917 },
  );
  // Callers' shares of each version's requests: the bad caller carries most of the new version's errors.
  const share = (g: TelemetryGroup, shares: number[], errorShares: number[]) => {
    let left = g.requests;
    let leftErrors = g.errors;
    g.topCallers.forEach((c, i) => {
      const last = i === g.topCallers.length - 1;
      c.requests = last ? left : Math.round(g.requests * (shares[i] ?? 0));
      c.errors = last ? leftErrors : Math.round(g.errors * (errorShares[i] ?? 0));
      left -= c.requests;
      leftErrors -= c.errors;
    });
  };
  share(a, [0.55, 0.35], [0.5, 0.4]);
  share(b, [0.5, 0.3], [0.1, 0.85]);
  return {
    from: DAY_START,
    to: DAY_START + 24 * 3_600_000,
    bucketMs: BUCKET_MS,
    groups: [b, a],
    percentiles: { exact: true },
    sources: [
      { kind: 'predictionLog', location: 'logs/predictions.jsonl', events: a.requests + b.requests, badLines: 2 },
    ],
    problems: [
      { severity: 'warning', message: 'line is not JSON', file: 'logs/predictions.jsonl', line: 1812 },
      { severity: 'warning', message: 'no timestamp field', file: 'logs/predictions.jsonl', line: 4410 },
    ],
  };
}

export function sampleMarkers(model = MODEL, version = 'v1.2.0'): RegistryMarker[] {
  return [
    {
      time: DAY_START + 9 * 3_600_000,
      model,
      version,
      stage: 'staging',
      kind: 'assigned',
      label: `${version} → staging`,
    },
    { time: ROLLOUT, model, version, stage: 'production', kind: 'assigned', label: `${version} → production` },
    { time: DAY_START - 86_400_000, model, version, kind: 'registered', label: `${version} registered` },
  ];
}

export const sampleSlos: SloLine[] = [
  { metric: 'errorRate', limit: 0.02, label: 'SLO error rate ≤ 2%' },
  { metric: 'latency', percentile: 95, limit: 250, label: 'SLO p95 ≤ 250 ms' },
];

export function sampleBreaches(model = MODEL, version = 'v1.2.0'): SloBreach[] {
  return [
    {
      model,
      version,
      severity: 'error',
      message: `${model} ${version}: error rate 3.19% (432 of 13,563 requests in the last 24h) is above the SLO's 2%.`,
    },
    {
      model,
      version,
      severity: 'error',
      message: `${model} ${version}: latency p95 318 ms is above the SLO's 250 ms (13,563 requests in the last 24h).`,
    },
  ];
}

/** Names that would run or inject markup if a page inserted them as HTML. */
export const HOSTILE = {
  model: '<img src=x onerror="window.__pwned=1">',
  old: '<script>window.__pwned=2</script>',
  next: 'v2 <b>bold</b> | pipe',
  caller: '<svg onload="window.__pwned=3"></svg>',
};
