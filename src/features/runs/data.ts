import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/logging';
import type { Run } from '../../core/metrics/model';
import type { CellValue, ColumnDef, MetricCell, RunAnnotation, RunRow } from '../../core/runs/model';
import { Disposable } from '../../platform/disposable';
import type { MetricsService, ServiceSource } from '../experiments/metricsService';
import type { RowOrigin, RunsData } from './panel';

/** The notes file of a workspace folder, relative to it. */
export const NOTES_FILE = '.mlops/notes.yaml';

export interface RunsDataSource extends RunsData, vscode.Disposable {
  /** The filter that shows one source's runs (a source item's "Show Runs Table"). */
  sourceFilter(source: ServiceSource): string;
}

/**
 * The table's data over the metrics service the Experiments view uses: its sources' runs as rows, and the notes
 * file of each folder. Changes of either fire `onDidChange`.
 */
export function runsData(service: MetricsService, logger: Logger): RunsDataSource {
  const owner = new Disposable();
  const emitter = owner.register(new vscode.EventEmitter<void>());
  owner.register(service.onDidChange(() => emitter.fire()));
  const watcher = owner.register(vscode.workspace.createFileSystemWatcher(`**/${NOTES_FILE}`));
  owner.register(watcher.onDidChange(() => emitter.fire()));
  owner.register(watcher.onDidCreate(() => emitter.fire()));
  owner.register(watcher.onDidDelete(() => emitter.fire()));
  const annotations = new Map<string, RunAnnotation>();

  return {
    onDidChange: emitter.event,
    dispose: () => owner.dispose(),
    sourceFilter: (source) => `source:${JSON.stringify(sourceLabelOf(source))}`,
    async load() {
      await service.ensureLoaded();
      const roots = new Map(service.folders().map((f) => [f.key, f.root]));
      const rows: RunRow[] = [];
      const origins = new Map<string, RowOrigin>();
      const problems: string[] = [];
      for (const source of service.sources()) {
        const root = roots.get(source.folderKey) ?? '';
        for (const p of source.problems)
          if (p.severity !== 'info') problems.push(`${sourceLabelOf(source)}: ${p.message}`);
        for (const run of source.runs) {
          const row = rowOf(source, run, root);
          if (origins.has(row.key)) continue;
          row.annotation = annotations.get(row.key) ?? row.annotation;
          rows.push(row);
          origins.set(row.key, {
            sourceId: source.id,
            runId: run.id,
            folderRoot: root,
            hasSteps: run.metrics.some((m) => m.points.length > 1),
          });
        }
      }
      logger.debug(`runs: ${rows.length} rows from ${service.sources().length} sources`);
      return { rows, columns: columnsOf(rows, service), origins, problems };
    },
    annotate(_origin, row, annotation) {
      const previous = annotations.get(row.key) ?? row.annotation;
      annotations.set(row.key, annotation);
      emitter.fire();
      return Promise.resolve(previous);
    },
  };
}

function sourceLabelOf(source: ServiceSource): string {
  return source.where ? `${source.label} ${source.where}` : source.label;
}

function rowOf(source: ServiceSource, run: Run, root: string): RunRow {
  const location =
    root && path.isAbsolute(source.location)
      ? path.relative(root, source.location).split(path.sep).join('/') || '.'
      : source.location;
  const info = run.revisionInfo;
  const start = info?.date ?? run.time;
  const metrics: Record<string, MetricCell> = {};
  for (const series of run.metrics) {
    let latest: { step: number; value: number } | undefined;
    let min = Infinity;
    let max = -Infinity;
    for (const p of series.points) {
      if (!latest || p.step >= latest.step) latest = p;
      if (p.value < min) min = p.value;
      if (p.value > max) max = p.value;
    }
    if (latest) metrics[series.key] = { latest: latest.value, min, max, step: latest.step };
  }
  const params: Record<string, CellValue> = {};
  for (const [k, v] of Object.entries(run.params)) params[k] = v.trim() !== '' && Number.isFinite(+v) ? +v : v;
  return {
    key: `${source.kind}:${location}:${run.id}`,
    runId: run.id,
    name: run.experiment && info ? run.experiment : run.label,
    sourceKind: source.kind,
    sourceLabel: sourceLabelOf(source),
    sourceLocation: location,
    commit: info?.shortSha ?? run.revision,
    tags: info?.tags ?? [],
    experiment: run.experiment,
    branches: info?.refs.filter((r) => !r.startsWith('refs/') && !info.tags.includes(r)) ?? [],
    status: run.status,
    startTime: start,
    durationMs: run.endTime !== undefined && run.time !== undefined ? run.endTime - run.time : undefined,
    author: info?.author,
    params,
    metrics,
    annotation: { labels: [] },
  };
}

function columnsOf(rows: readonly RunRow[], service: MetricsService): ColumnDef[] {
  const definitions = new Map(service.definitions().map((d) => [d.key, d]));
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const row of rows) {
    for (const k of Object.keys(row.params)) params.add(k);
    for (const k of Object.keys(row.metrics)) metrics.add(k);
  }
  const columns: ColumnDef[] = [
    { id: 'name', group: 'run', label: 'Run', type: 'text' },
    { id: 'source', group: 'run', label: 'Source', type: 'text' },
    { id: 'commit', group: 'run', label: 'Commit', type: 'text' },
    { id: 'status', group: 'run', label: 'Status', type: 'text' },
    { id: 'start', group: 'run', label: 'Started', type: 'time' },
    { id: 'duration', group: 'run', label: 'Duration', type: 'duration' },
    { id: 'author', group: 'run', label: 'Author', type: 'text' },
  ];
  for (const k of [...params].sort()) columns.push({ id: `params.${k}`, group: 'params', label: k, type: 'number' });
  for (const k of [...metrics].sort()) {
    const base = k.includes('.') ? k.slice(k.indexOf('.') + 1) : k;
    const d = definitions.get(k) ?? definitions.get(base);
    const goal = d?.goal ?? (/loss|error|mse|mae|rmse/i.test(k) ? 'minimize' : undefined);
    columns.push({ id: `metrics.${k}`, group: 'metrics', label: k, unit: d?.unit, goal, type: 'number' });
  }
  return columns;
}
