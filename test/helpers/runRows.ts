// Runs table rows for the panel's Chromium tests and benchmark: a demo-like set (git history, DVC experiments,
// MLflow and TensorBoard runs with the demo's params and metrics) and a large synthetic set, both seeded.
import type { SourceKind } from '../../src/core/metrics/model';
import type { CellValue, ColumnDef, MetricCell, RunRow } from '../../src/core/runs/model';
import { RUN_COLUMNS } from '../../src/core/runs/columns';
import { seededRandom } from './prng';

const SOURCES: { kind: SourceKind; label: string; location: string }[] = [
  { kind: 'git', label: 'Git history demo', location: '.' },
  { kind: 'mlflow-file', label: 'MLflow mlruns', location: 'mlruns' },
  { kind: 'tensorboard', label: 'TensorBoard runs', location: 'runs' },
];
const AUTHORS = ['Ana Ruiz', 'Bo Chen', 'Chidi Okafor'];
const BRANCHES = ['main', 'feature/smote', 'tune-depth'];

function metric(value: number, spread: number): MetricCell {
  return { latest: value, min: value - spread, max: value + spread, step: 20 };
}

/** About 40 runs shaped like the demo workspace's: git revisions and tags, DVC experiments, MLflow and TensorBoard. */
export function demoLikeRows(seed = 7): { rows: RunRow[]; columns: ColumnDef[] } {
  const random = seededRandom(seed);
  const rows: RunRow[] = [];
  const start = Date.UTC(2026, 9, 1);
  for (let i = 0; i < 40; i++) {
    const source = SOURCES[i < 18 ? 0 : i < 32 ? 1 : 2];
    const lr = [0.001, 0.003, 0.01, 0.03, 0.1][Math.floor(random() * 5)];
    const depth = 3 + Math.floor(random() * 6);
    const trees = [100, 200, 400][Math.floor(random() * 3)];
    const f1 = 0.7 + depth * 0.015 - Math.abs(Math.log10(lr) + 2) * 0.03 + random() * 0.05;
    const experiment = source.kind === 'git' && i % 4 === 3 ? `exp-${(i * 7919).toString(16).slice(0, 5)}` : undefined;
    const sha = (0x1000000 + i * 0x3a7f1d).toString(16).slice(0, 7);
    const tag = source.kind === 'git' && i % 5 === 0 ? [`fraud-classifier@v1.${i / 5}.0`] : [];
    const params: Record<string, CellValue> = {
      'train.lr': lr,
      'train.max_depth': depth,
      'train.n_estimators': trees,
      'train.sampler': i % 3 === 0 ? 'smote' : 'none',
    };
    rows.push({
      key: `${source.kind}:${source.location}:${source.kind === 'git' ? sha : `run-${i}`}`,
      runId: source.kind === 'git' ? sha : `run-${i}`,
      name: source.kind === 'git' ? (experiment ?? tag[0] ?? `${sha} Tune the classifier (${i})`) : `run-${i}`,
      sourceKind: source.kind,
      sourceLabel: source.label,
      sourceLocation: source.location,
      commit: source.kind === 'git' ? sha : undefined,
      tags: tag,
      experiment: experiment ?? (source.kind === 'mlflow-file' ? 'fraud-classifier' : undefined),
      branches: source.kind === 'git' ? [BRANCHES[i % 3]] : [],
      status: source.kind === 'git' ? 'finished' : i % 7 === 0 ? 'failed' : 'finished',
      startTime: start + i * 3_600_000,
      durationMs: 60_000 + Math.floor(random() * 900_000),
      author: AUTHORS[i % 3],
      params,
      metrics: {
        'test.f1': metric(f1, 0.02),
        'test.precision': metric(f1 + 0.03, 0.02),
        'test.recall': metric(f1 - 0.04, 0.02),
        'train.loss': metric(0.6 - f1 / 2 + random() * 0.05, 0.1),
        'business.savings_usd': metric(Math.round(100_000 * f1 + random() * 8000), 5000),
      },
      annotation: { labels: [] },
    });
  }
  const columns: ColumnDef[] = [
    ...RUN_COLUMNS,
    { id: 'params.train.lr', group: 'params', label: 'train.lr', type: 'number' },
    { id: 'params.train.max_depth', group: 'params', label: 'train.max_depth', type: 'number' },
    { id: 'params.train.n_estimators', group: 'params', label: 'train.n_estimators', type: 'number' },
    { id: 'params.train.sampler', group: 'params', label: 'train.sampler', type: 'text' },
    {
      id: 'metrics.business.savings_usd',
      group: 'metrics',
      label: 'business.savings_usd',
      unit: 'USD',
      goal: 'maximize',
      type: 'number',
    },
    { id: 'metrics.test.f1', group: 'metrics', label: 'test.f1', goal: 'maximize', type: 'number' },
    { id: 'metrics.test.precision', group: 'metrics', label: 'test.precision', goal: 'maximize', type: 'number' },
    { id: 'metrics.test.recall', group: 'metrics', label: 'test.recall', goal: 'maximize', type: 'number' },
    { id: 'metrics.train.loss', group: 'metrics', label: 'train.loss', goal: 'minimize', type: 'number' },
  ];
  return { rows, columns };
}

/** `count` runs with `params` params and `metrics` metrics each (a column per key), seeded. */
export function syntheticRows(
  count: number,
  params: number,
  metrics: number,
  seed = 11,
): { rows: RunRow[]; columns: ColumnDef[] } {
  const random = seededRandom(seed);
  const columns: ColumnDef[] = [...RUN_COLUMNS];
  const paramKeys = Array.from({ length: params }, (_, i) => `p${String(i).padStart(3, '0')}`);
  const metricKeys = Array.from({ length: metrics }, (_, i) => `m${String(i).padStart(3, '0')}`);
  for (const k of paramKeys) columns.push({ id: `params.${k}`, group: 'params', label: k, type: 'number' });
  for (const [i, k] of metricKeys.entries())
    columns.push({
      id: `metrics.${k}`,
      group: 'metrics',
      label: k,
      type: 'number',
      goal: i % 2 ? 'minimize' : 'maximize',
    });
  const rows: RunRow[] = [];
  const start = Date.UTC(2026, 0, 1);
  for (let r = 0; r < count; r++) {
    const p: Record<string, CellValue> = {};
    for (const k of paramKeys) p[k] = Math.round(random() * 1000) / 1000;
    const m: Record<string, MetricCell> = {};
    for (const k of metricKeys) {
      const v = random();
      m[k] = { latest: v, min: v / 2, max: v, step: 100 };
    }
    rows.push({
      key: `mlflow-file:mlruns:run-${r}`,
      runId: `run-${r}`,
      name: `run-${r}`,
      sourceKind: 'mlflow-file',
      sourceLabel: 'MLflow mlruns',
      sourceLocation: 'mlruns',
      tags: [],
      experiment: `exp-${r % 10}`,
      branches: [],
      status: 'finished',
      startTime: start + r * 60_000,
      durationMs: 1000 * (r % 600),
      author: AUTHORS[r % 3],
      params: p,
      metrics: m,
      annotation: { labels: [] },
    });
  }
  return { rows, columns };
}
