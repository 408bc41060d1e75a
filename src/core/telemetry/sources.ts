// The telemetry sources: one plain definition each (how it is found, read, what it needs). Adding a source is one
// module and one entry here; the Telemetry panel, the service-slo check and the CLI all read through this list.
import { otlpSource } from './otlpSource';
import { predictionLogSource } from './predictionLogSource';
import { prometheusSource } from './prometheusSource';
import type { TelemetrySourceDefinition, TelemetrySourceKind } from './types';

export const telemetrySources: readonly TelemetrySourceDefinition[] = [
  predictionLogSource,
  otlpSource,
  prometheusSource,
];

/** The definition of a kind, when it is in the list. */
export function telemetrySource(kind: TelemetrySourceKind): TelemetrySourceDefinition | undefined {
  return telemetrySources.find((s) => s.kind === kind);
}
