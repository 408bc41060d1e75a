// Hand-built rows for the runs table's unit tests.
import type { CellValue, MetricCell, RunRow } from '../../../src/core/runs/model';

export interface RowSpec {
  name: string;
  params?: Record<string, CellValue>;
  metrics?: Record<string, number | MetricCell>;
  tags?: string[];
  branches?: string[];
  labels?: string[];
  note?: string;
  status?: RunRow['status'];
  sourceKind?: RunRow['sourceKind'];
  commit?: string;
  experiment?: string;
  author?: string;
  startTime?: number;
  durationMs?: number;
}

export function row(spec: RowSpec): RunRow {
  const metrics: Record<string, MetricCell> = {};
  for (const [key, v] of Object.entries(spec.metrics ?? {}))
    metrics[key] = typeof v === 'number' ? { latest: v, min: v, max: v } : v;
  const kind = spec.sourceKind ?? 'mlflow-file';
  return {
    key: `${kind}:store:${spec.name}`,
    runId: `id-${spec.name}`,
    name: spec.name,
    sourceKind: kind,
    sourceLabel: kind === 'git' ? 'Git history' : 'MLflow mlruns/',
    sourceLocation: kind === 'git' ? '.' : 'mlruns',
    ...(spec.commit ? { commit: spec.commit } : {}),
    tags: spec.tags ?? [],
    ...(spec.experiment ? { experiment: spec.experiment } : {}),
    branches: spec.branches ?? [],
    status: spec.status ?? 'finished',
    ...(spec.startTime !== undefined ? { startTime: spec.startTime } : {}),
    ...(spec.durationMs !== undefined ? { durationMs: spec.durationMs } : {}),
    ...(spec.author ? { author: spec.author } : {}),
    params: spec.params ?? {},
    metrics,
    annotation: {
      labels: (spec.labels ?? []).map((name) => ({ name, color: 'blue' })),
      ...(spec.note ? { note: spec.note, noteSource: 'notes-file' as const } : {}),
    },
  };
}
