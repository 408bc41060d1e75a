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

/** `a.{json,jsonl}.gz` → `a.json.gz`, `a.jsonl.gz` (one level of braces at a time, as many groups as there are). */
function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  const close = open < 0 ? -1 : pattern.indexOf('}', open);
  if (close < 0) return [pattern];
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  return pattern
    .slice(open + 1, close)
    .split(',')
    .flatMap((alternative) => expandBraces(`${head}${alternative}${tail}`));
}

/**
 * One file-watcher glob for `configName` and every file a file source could discover: the last segment of each
 * discovery glob, braces expanded, in one `**\/{…}` group (a glob watcher matches no nested braces, so a source glob
 * such as `*.otlp.{json,jsonl}` must not be put in the group as it is).
 */
export function telemetryWatchGlob(configName: string): string {
  const names = new Set<string>([configName, '*.jsonl', '*.ndjson', '*.csv', '*.tsv', '*.gz']);
  for (const source of telemetrySources)
    if (source.discovery !== 'server')
      for (const glob of source.discovery.globs)
        for (const name of expandBraces(glob.split('/').pop() ?? glob)) names.add(name);
  return `**/{${[...names].join(',')}}`;
}
