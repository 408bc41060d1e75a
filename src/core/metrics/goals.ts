// Which way a metric should go, from its name alone, for metrics mlops.yaml gives no goal: losses and errors go
// down, accuracies and scores go up. Browser-safe (the Runs panel marks best values with it).
import { splitOf } from './split';

export type MetricGoalName = 'maximize' | 'minimize';

/** Name tokens of metrics that are better when lower. */
const MINIMIZE = new Set([
  'loss',
  'error',
  'err',
  'mae',
  'mse',
  'rmse',
  'mape',
  'smape',
  'logloss',
  'perplexity',
  'ppl',
  'wer',
  'cer',
  'fpr',
  'fnr',
  'latency',
  'cost',
  'nll',
  'brier',
]);

/** Name tokens of metrics that are better when higher. */
const MAXIMIZE = new Set([
  'accuracy',
  'acc',
  'f1',
  'fbeta',
  'precision',
  'recall',
  'auc',
  'roc',
  'pr_auc',
  'ap',
  'map',
  'r2',
  'iou',
  'miou',
  'dice',
  'bleu',
  'rouge',
  'meteor',
  'tpr',
  'tnr',
  'specificity',
  'sensitivity',
  'throughput',
  'ndcg',
  'mrr',
]);

/**
 * The conventional goal of a metric key: its base key (without a split, `val_loss` -> `loss`) is split into tokens
 * at `/ . _ -` and spaces; the last token that names a known metric decides (`roc_auc` maximizes, `train/loss`
 * minimizes). Undefined when no token is known.
 */
export function conventionalGoal(key: string): MetricGoalName | undefined {
  const tokens = splitOf(key)
    .baseKey.toLowerCase()
    .split(/[/._\- ]+/)
    .filter(Boolean);
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i] as string;
    if (MINIMIZE.has(token)) return 'minimize';
    if (MAXIMIZE.has(token)) return 'maximize';
  }
  return undefined;
}
