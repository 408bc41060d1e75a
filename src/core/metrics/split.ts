// Recognises the data split (train / validation / test) in a metric key, so the same metric can be grouped across
// splits: `train/loss`, `val_accuracy`, `test.f1`, `validation.f1`, `f1_test`, `eval.roc_auc`.
import { type Split } from './model';

/** Extra tokens a team maps to a split (from configuration), compared case-insensitively. */
export type SplitTokens = Partial<Record<Split, readonly string[]>>;

const defaultTokens: Record<Split, readonly string[]> = {
  train: ['train', 'training'],
  validation: ['val', 'valid', 'validation', 'dev', 'eval'],
  test: ['test', 'testing', 'holdout'],
};

const separators = new Set(['/', '.', '_', '-', ' ']);

function splitForToken(token: string, configured: SplitTokens | undefined): Split | undefined {
  const lower = token.toLowerCase();
  for (const split of ['train', 'validation', 'test'] as const) {
    if (defaultTokens[split].includes(lower)) return split;
    if (configured?.[split]?.some((t) => t.toLowerCase() === lower)) return split;
  }
  return undefined;
}

/**
 * The split named by the first or the last token of `key` (tokens are separated by `/ . _ -` or a space) and the key
 * without that token and its separator. Only whole tokens count: `trainable_params`, `contest`, `retrain_count`
 * and `evaluation_time` have no split. A key that is nothing but a split name (`train`) has no split either, so the
 * base key is never empty. When both ends name a split, the first token wins.
 */
export function splitOf(key: string, configured?: SplitTokens): { split?: Split; baseKey: string } {
  // First token: up to the first separator.
  let first = 0;
  while (first < key.length && !separators.has(key.charAt(first))) first++;
  if (first > 0 && first < key.length) {
    const split = splitForToken(key.slice(0, first), configured);
    const rest = key.slice(first + 1);
    if (split && rest.length > 0) return { split, baseKey: rest };
  }
  // Last token: after the last separator.
  let last = key.length - 1;
  while (last >= 0 && !separators.has(key.charAt(last))) last--;
  if (last >= 0 && last < key.length - 1) {
    const split = splitForToken(key.slice(last + 1), configured);
    const rest = key.slice(0, last);
    if (split && rest.length > 0) return { split, baseKey: rest };
  }
  return { baseKey: key };
}
