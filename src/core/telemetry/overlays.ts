// What telemetry charts draw besides the figures: registry events (stage assignments, registrations, deprecations)
// as markers on the time axis, and service-level objectives as limit lines. Plain data built from the registry model
// and the `telemetry.slos` of mlops.yaml; the Telemetry panel draws it.
import type { Registry, RegistryEvent, RegistryEventKind } from '../registry/model';
import type { SloConfig } from './types';

/** A registry event drawn as a marker on the time axis. */
export interface RegistryMarker {
  /** Milliseconds since the epoch. */
  time: number;
  model: string;
  version?: string;
  stage?: string;
  kind: RegistryEventKind;
  /** The marker's label: `v1.2.0 → production`. */
  label: string;
}

/** A service-level objective as a chart draws it: a limit line on the error-rate or latency chart. */
export interface SloLine {
  /** The model it applies to (absent: every model). */
  model?: string;
  version?: string;
  metric: 'errorRate' | 'latency';
  /** Latency: the percentile judged (50, 95, 99). */
  percentile?: number;
  /** Error rate 0..1, or latency in milliseconds. */
  limit: number;
  /** The legend text: `SLO error rate ≤ 2%`, `SLO p95 ≤ 250 ms`. */
  label: string;
}

/** A breached objective of one model version, as the `service-slo` check reports it. */
export interface SloBreach {
  model: string;
  version: string;
  message: string;
  severity: 'error' | 'warning';
}

function markerLabel(event: RegistryEvent): string {
  const version = event.version ?? '';
  switch (event.kind) {
    case 'assigned':
      return `${version} → ${event.stage ?? ''}`.trim();
    case 'unassigned':
      return `${version} ✕ ${event.stage ?? ''}`.trim();
    case 'registered':
      return `${version} registered`.trim();
    case 'deregistered':
      return `${version} deregistered`.trim();
    case 'deprecated':
      return version ? `${version} deprecated` : `${event.model} deprecated`;
  }
}

/** Every dated event of the registry as a marker, oldest first (optionally only those of `models`). */
export function registryMarkers(registry: Registry, models?: readonly string[]): RegistryMarker[] {
  const out: RegistryMarker[] = [];
  const seen = new Set<string>();
  const add = (event: RegistryEvent) => {
    if (!Number.isFinite(event.time) || event.time <= 0) return;
    if (models && !models.includes(event.model)) return;
    const key = `${event.time}\u0000${event.model}\u0000${event.kind}\u0000${event.version ?? ''}\u0000${event.stage ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({
      time: event.time,
      model: event.model,
      kind: event.kind,
      label: markerLabel(event),
      ...(event.version !== undefined ? { version: event.version } : {}),
      ...(event.stage !== undefined ? { stage: event.stage } : {}),
    });
  };
  for (const model of registry.models) {
    for (const version of model.versions) for (const event of version.events) add(event);
    for (const event of model.events) add(event);
  }
  return out.sort((a, b) => a.time - b.time || a.label.localeCompare(b.label));
}

function percent(rate: number): string {
  return `${+(rate * 100).toPrecision(3)}%`;
}

/** The limit lines of the configured objectives: a maximum error rate, a latency percentile's maximum. */
export function sloLines(slos: readonly SloConfig[]): SloLine[] {
  const out: SloLine[] = [];
  for (const slo of slos) {
    const scope = {
      ...(slo.model !== undefined && slo.model !== '*' ? { model: slo.model } : {}),
      ...(slo.version !== undefined ? { version: slo.version } : {}),
    };
    const whose = slo.version !== undefined ? ` (${slo.version})` : '';
    if (slo.maxErrorRate !== undefined)
      out.push({
        ...scope,
        metric: 'errorRate',
        limit: slo.maxErrorRate,
        label: `SLO error rate ≤ ${percent(slo.maxErrorRate)}${whose}`,
      });
    if (slo.latency)
      out.push({
        ...scope,
        metric: 'latency',
        percentile: slo.latency.percentile,
        limit: slo.latency.maxMs,
        label: `SLO p${slo.latency.percentile} ≤ ${slo.latency.maxMs} ms${whose}`,
      });
  }
  return out;
}
