// service-slo: the service-level objectives of mlops.yaml (`telemetry.slos`) judged on the telemetry of their window
// (ending at the newest event of the logs, or now for a server): error rate, a latency percentile, a minimum of
// traffic, per model version. Findings sit at the SLO's entry in mlops.yaml and say which version, which objective,
// the measured figure against the bound, and the window.
import { readTelemetryConfig } from '../../telemetry/config';
import { evaluateSlo } from '../../telemetry/slo';
import { sloSummaries } from '../../telemetry/summarize';
import type { TelemetryReadContext } from '../../telemetry/types';
import { throwIfAborted, type CheckRun, type CheckTypeDefinition } from '../checkType';
import { configLocation } from '../scope';

async function runServiceSlo({ context, check, sink, signal }: CheckRun): Promise<void> {
  const telemetry = readTelemetryConfig(context.config.telemetry, context.positionOf);
  const names = check.scope.names;
  const slos = telemetry.slos.filter((slo) => !names || slo.model === undefined || names.includes(slo.model));
  if (slos.length === 0) {
    sink.skip('telemetry', 'no SLO in mlops.yaml (telemetry: slos:)', { location: configLocation(context) });
    return;
  }
  const read: TelemetryReadContext = {
    root: context.root,
    config: telemetry,
    logger: context.logger,
    signal,
    ...(context.telemetry?.token ? { token: context.telemetry.token } : {}),
  };
  // One summary per distinct window, by model version.
  const summaryOf = sloSummaries(read, {
    ...(context.telemetry?.locations ? { locations: context.telemetry.locations } : {}),
    ...(context.telemetry?.prometheusUrl ? { prometheusUrl: context.telemetry.prometheusUrl } : {}),
  });

  for (const [index, slo] of slos.entries()) {
    throwIfAborted(signal);
    const summary = await summaryOf(slo);
    const location = configLocation(context, slo.position);
    const target = `SLO ${telemetry.slos.indexOf(slo) + 1}`;
    if (summary.sources.length === 0) {
      const why = summary.problems.find((p) => p.severity === 'error') ?? summary.problems[0];
      sink.skip(target, why?.message ?? 'no telemetry source', { location });
      continue;
    }
    const outcomes = evaluateSlo(slo, summary);
    if (outcomes.length === 0) {
      sink.skip(
        target,
        `no request of ${slo.model ?? 'any model'}${slo.version ? ` ${slo.version}` : ''} in the last ${slo.window ?? '24h'}`,
        {
          location,
        },
      );
      continue;
    }
    for (const outcome of outcomes) {
      const extra = {
        location,
        key: `${index}:${outcome.objective}:${outcome.key}`,
        ...(outcome.model ? { model: outcome.model } : {}),
      };
      const name = `${outcome.model || '(no model)'} ${outcome.version || '(no version)'}`;
      if (outcome.passed) sink.pass(name, outcome.message, extra);
      else
        sink.fail({
          target: name,
          message: outcome.message,
          hint:
            outcome.objective === 'minRequests'
              ? 'A version that serves too little traffic may be down or unrouted: check the deployment and the traffic split.'
              : 'Look at the version in the Telemetry panel (errors by caller, latency over time); roll back or fix it, or change the SLO in mlops.yaml if the bound is wrong.',
          ...extra,
        });
    }
  }
}

export const serviceSlo: CheckTypeDefinition = {
  type: 'service-slo',
  title: 'Deployed model versions meet their service-level objectives',
  description:
    'Judges each SLO of mlops.yaml (`telemetry: slos:`) on the telemetry of its window (default the last 24h, ending at the newest logged request, or now for a Prometheus server): the error rate against `maxErrorRate`, a latency percentile (p50, p95 or p99, exact) against `latency.maxMs`, and the traffic against `minRequests` (below it, no rate is judged). Each model version is judged on its own unless the SLO names one. Roll back or fix the version that breaches, or change the SLO if the bound is wrong.',
  scopes: ['models'],
  defaultSeverity: 'error',
  needsGit: false,
  rerunOn: ['*.jsonl', '*.ndjson', '*.jsonl.gz', 'predictions*.csv', 'requests*.csv'],
  docsAnchor: '#service-slo',
  options: {},
  run: runServiceSlo,
};
