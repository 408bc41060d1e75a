import assert from 'node:assert/strict';
import {
  breachIndices,
  breachesThreshold,
  findDefinition,
  formatValue,
  thresholdLabel,
} from '../../../src/core/chart/annotations';
import { compareItems, formatDelta, verdict } from '../../../src/core/chart/deltas';

describe('chart deltas and goals', () => {
  it('judges a change by the goal', () => {
    assert.equal(verdict(0.02, 'maximize'), 'improved');
    assert.equal(verdict(-0.02, 'maximize'), 'regressed');
    assert.equal(verdict(0.02, 'minimize'), 'regressed');
    assert.equal(verdict(-0.02, 'minimize'), 'improved');
    assert.equal(verdict(0, 'minimize'), 'unchanged');
    assert.equal(verdict(0.5, undefined), 'unknown');
    assert.equal(verdict(Number.NaN, 'maximize'), 'unknown');
  });

  it('compares every item with the first, per column', () => {
    const table = compareItems(
      [
        { id: 'a', label: 'a1b2c3d v1.0', values: { f1: 0.8, loss: 0.4, auc: 0 } },
        { id: 'b', label: 'e4f5a6b', values: { f1: 0.84, loss: 0.5, auc: 0.9 } },
        { id: 'c', label: 'c0ffee0', values: { f1: 0.75, loss: Number.NaN } },
      ],
      [
        { id: 'f1', label: 'f1', goal: 'maximize' },
        { id: 'loss', label: 'loss', goal: 'minimize' },
        { id: 'auc', label: 'auc' },
      ],
    );
    assert.equal(table.rows[0].baseline, true);
    assert.deepEqual(
      table.rows[0].cells.map((c) => c.delta),
      [undefined, undefined, undefined],
    );
    const [f1, loss, auc] = table.rows[1].cells;
    assert.ok(Math.abs(f1.delta! - 0.04) < 1e-12);
    assert.ok(Math.abs(f1.relative! - 0.05) < 1e-12);
    assert.equal(f1.verdict, 'improved');
    assert.equal(loss.verdict, 'regressed');
    assert.ok(Math.abs(loss.relative! - 0.25) < 1e-12);
    assert.equal(auc.relative, undefined, 'no relative change from a zero baseline');
    assert.equal(auc.verdict, 'unknown', 'no goal: unknown');
    const third = table.rows[2].cells;
    assert.equal(third[0].verdict, 'regressed');
    assert.equal(third[1].value, undefined, 'NaN shows as empty');
    assert.equal(third[2].value, undefined);
  });

  it('formats deltas with sign and percentage', () => {
    assert.equal(formatDelta({ delta: 0.04, relative: 0.05, verdict: 'improved' }), '+0.04 (+5.0%)');
    assert.equal(formatDelta({ delta: -0.5, verdict: 'regressed' }), '−0.5');
    assert.equal(formatDelta({ verdict: 'unknown' }), '');
    assert.equal(formatValue(0.123456789), '0.123457');
    assert.equal(formatValue(1e-9), '1.0000e-9');
    assert.equal(formatValue(Number.NaN), 'NaN');
  });

  it('finds definitions by full key first, then by key without split, and marks breaches', () => {
    const defs = [
      { key: 'f1', goal: 'maximize' as const, threshold: 0.75, label: 'F1 score' },
      { key: 'test.f1', goal: 'maximize' as const, threshold: 0.8 },
      { key: 'loss', goal: 'minimize' as const, threshold: 0.2, unit: 'nats' },
      { key: 'auc', threshold: 0.9 },
    ];
    assert.equal(findDefinition(defs, 'test.f1', 'f1')?.threshold, 0.8);
    assert.equal(findDefinition(defs, 'train.f1', 'f1')?.threshold, 0.75);
    assert.equal(findDefinition(defs, 'other', 'other'), undefined);
    assert.deepEqual(breachIndices([0.7, 0.75, 0.8, 0.74], defs[0]), [0, 3]);
    assert.deepEqual(breachIndices([0.1, 0.3, 0.2, Number.NaN], defs[2]), [1]);
    assert.deepEqual(breachIndices([0.1, 0.3], defs[3]), [], 'no goal, no breach');
    assert.equal(breachesThreshold(0.5, 0.6, 'maximize'), true);
    assert.equal(thresholdLabel({ ...defs[0] }), 'F1 score ≥ 0.75');
    assert.equal(thresholdLabel({ ...defs[2] }), 'loss ≤ 0.2 nats');
  });
});
