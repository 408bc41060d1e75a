// Runs built in code for the chart tests, the standalone panel tests and the benchmarks: a deterministic history
// of evaluation metrics per split (like metrics/eval.json across commits) and training curves of many runs.
import { createHash } from 'node:crypto';
import type { MetricSeries, Run, Split } from '../../../src/core/metrics/model';
import { seededRandom } from '../../helpers/prng';

export function series(key: string, points: [number, number][], split?: Split): MetricSeries {
  const baseKey = split && key.startsWith(`${split}.`) ? key.slice(split.length + 1) : key;
  return { key, baseKey, split, points: points.map(([step, value]) => ({ step, value })) };
}

const DAY = 86_400_000;
export const HISTORY_START = Date.UTC(2025, 0, 6, 9, 0, 0);

/**
 * `count` commits of a metrics file: `<split>.f1`, `.precision`, `.recall` for train/validation/test, a tag every
 * 8 commits (`v0.1`, `v0.2`, ...), one commit a day, oldest first, each the parent of the next.
 */
export function versionRuns(
  count: number,
  options: { seed?: number; location?: string; subjects?: (i: number) => string } = {},
): Run[] {
  const next = seededRandom(options.seed ?? 7);
  const runs: Run[] = [];
  for (let i = 0; i < count; i++) {
    const sha = createHash('sha1')
      .update(`${options.location ?? ''}#${i}`)
      .digest('hex');
    const progress = i / Math.max(1, count - 1);
    const dip = i === 12 || i === 23 ? -0.06 : 0;
    const f1 = 0.6 + 0.22 * Math.sqrt(progress) + dip;
    const metrics: MetricSeries[] = [];
    for (const [split, offset] of [
      ['train', 0.07],
      ['validation', 0.01],
      ['test', 0],
    ] as const) {
      const value = (x: number) => Math.round((x + offset + 0.01 * (next() - 0.5)) * 10_000) / 10_000;
      const precision = value(f1 + 0.03);
      const recall = value(f1 - 0.02);
      metrics.push(
        series(`${split}.f1`, [[0, value(f1)]], split),
        series(`${split}.precision`, [[0, precision]], split),
        series(`${split}.recall`, [[0, recall]], split),
      );
    }
    const tags = i % 8 === 7 ? [`v0.${(i + 1) / 8}`] : [];
    runs.push({
      id: sha,
      source: { kind: 'git', location: options.location ?? 'metrics/eval.json' },
      label: sha.slice(0, 7),
      revision: sha,
      revisionInfo: {
        sha,
        shortSha: sha.slice(0, 7),
        subject: options.subjects?.(i) ?? `Retrain model (${i + 1})`,
        author: i % 3 === 0 ? 'Ada Lovelace' : 'Alan Turing',
        authorEmail: 'ml@example.com',
        date: HISTORY_START + i * DAY,
        tags,
        refs: i === count - 1 ? ['refs/heads/main', ...tags] : tags,
        parents: i === 0 ? [] : [runs[i - 1].id],
      },
      params: {},
      tags: {},
      status: 'finished',
      metrics,
    });
  }
  return runs;
}

/** `runCount` training runs, each with `steps` points of `train/loss` (falling) and `val/accuracy` (rising). */
export function stepRuns(
  runCount: number,
  steps: number,
  options: { seed?: number; keys?: ('loss' | 'accuracy')[]; names?: (i: number) => string } = {},
): Run[] {
  const next = seededRandom(options.seed ?? 11);
  const keys = options.keys ?? ['loss', 'accuracy'];
  const runs: Run[] = [];
  for (let r = 0; r < runCount; r++) {
    const rate = 2 + 3 * next();
    const floor = 0.05 + 0.1 * next();
    const metrics: MetricSeries[] = [];
    if (keys.includes('loss')) {
      const points = new Array<[number, number]>(steps);
      for (let s = 0; s < steps; s++)
        points[s] = [s, floor + Math.exp((-rate * s) / steps) * 0.9 + 0.03 * (next() - 0.5)];
      metrics.push(series('train/loss', points, 'train'));
      metrics[metrics.length - 1].baseKey = 'loss';
    }
    if (keys.includes('accuracy')) {
      const points = new Array<[number, number]>(steps);
      for (let s = 0; s < steps; s++)
        points[s] = [s, 0.95 - floor - Math.exp((-rate * s) / steps) * 0.5 + 0.02 * (next() - 0.5)];
      metrics.push(series('val/accuracy', points, 'validation'));
      metrics[metrics.length - 1].baseKey = 'accuracy';
    }
    runs.push({
      id: `run-${String(r).padStart(3, '0')}`,
      source: { kind: 'mlflow-file', location: 'mlruns' },
      label: options.names?.(r) ?? `run ${r + 1}`,
      experiment: 'baseline',
      time: HISTORY_START + r * 3_600_000,
      params: {
        lr: (0.001 * (1 + (r % 5))).toFixed(3),
        batch_size: String(32 << r % 3),
        optimizer: r % 2 ? 'adam' : 'sgd',
      },
      tags: {},
      status: 'finished',
      metrics,
    });
  }
  return runs;
}

/** A DVC experiment commit on top of `baseline`: its ref under refs/exps, its own f1. */
export function experimentRun(baseline: Run, name: string, f1: number, hoursLater: number): Run {
  const sha = `e${name.length}${name}`.padEnd(40, '0').slice(0, 40);
  const date = baseline.revisionInfo!.date + hoursLater * 3_600_000;
  const baseSha = baseline.revisionInfo!.sha;
  return {
    id: sha,
    source: baseline.source,
    label: name,
    experiment: name,
    revision: sha,
    revisionInfo: {
      sha,
      shortSha: sha.slice(0, 7),
      subject: `dvc: commit experiment ${name}`,
      author: 'Ada Lovelace',
      date,
      tags: [],
      refs: [`refs/exps/${baseSha.slice(0, 2)}/${baseSha.slice(2)}/${name}`],
      parents: [baseSha],
    },
    time: date,
    params: {},
    tags: {},
    status: 'finished',
    metrics: [series('test.f1', [[0, f1]], 'test')],
  };
}
