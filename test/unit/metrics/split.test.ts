import assert from 'node:assert/strict';
import { splitOf } from '../../../src/core/metrics/split';

describe('metric key splits', () => {
  const cases: [string, string | undefined, string][] = [
    ['train/loss', 'train', 'loss'],
    ['training_loss', 'train', 'loss'],
    ['val_accuracy', 'validation', 'accuracy'],
    ['valid-loss', 'validation', 'loss'],
    ['validation.f1', 'validation', 'f1'],
    ['dev f1', 'validation', 'f1'],
    ['eval.roc_auc', 'validation', 'roc_auc'],
    ['test.f1', 'test', 'f1'],
    ['testing/acc', 'test', 'acc'],
    ['holdout_auc', 'test', 'auc'],
    ['f1_test', 'test', 'f1'],
    ['accuracy/VAL', 'validation', 'accuracy'],
    ['Train/Loss', 'train', 'Loss'],
    ['test.precision.macro', 'test', 'precision.macro'],
    ['loss_per_sample_train', 'train', 'loss_per_sample'],
  ];
  for (const [key, split, baseKey] of cases) {
    it(`${key} -> ${split} / ${baseKey}`, () => {
      const result = splitOf(key);
      assert.equal(result.split, split);
      assert.equal(result.baseKey, baseKey);
    });
  }

  it('does not split words that merely contain a split name', () => {
    for (const key of [
      'trainable_params',
      'contest',
      'retrain_count',
      'evaluation_time',
      'latest',
      'devices',
      'validated.rows',
      'testament',
      'train',
      'val',
      'loss',
      '',
    ]) {
      const result = splitOf(key);
      assert.equal(result.split, undefined, key);
      assert.equal(result.baseKey, key, key);
    }
  });

  it('prefers the first token when both ends name a split', () => {
    assert.deepEqual(splitOf('train_loss_test'), { split: 'train', baseKey: 'loss_test' });
  });

  it('never returns an empty base key', () => {
    assert.deepEqual(splitOf('train/'), { baseKey: 'train/' });
    assert.deepEqual(splitOf('/test'), { baseKey: '/test' });
  });

  it('accepts extra tokens from configuration, case-insensitively', () => {
    assert.deepEqual(splitOf('oot_auc', { test: ['OOT'] }), { split: 'test', baseKey: 'auc' });
    assert.deepEqual(splitOf('oot_auc'), { baseKey: 'oot_auc' });
  });
});
