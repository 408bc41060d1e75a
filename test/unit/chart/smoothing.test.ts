import assert from 'node:assert/strict';
import { smoothEma } from '../../../src/core/chart/smoothing';

describe('chart smoothing (debiased EMA)', () => {
  it('returns the values unchanged at weight 0 and for a constant series', () => {
    assert.deepEqual(smoothEma([1, 5, 2], 0), [1, 5, 2]);
    assert.deepEqual(smoothEma([3, 3, 3], 0.9), [3, 3, 3]);
    assert.deepEqual(smoothEma([], 0.5), []);
  });

  it('is debiased: the first smoothed value equals the first value', () => {
    const out = smoothEma([10, 20, 30], 0.6);
    assert.equal(out[0], 10);
    // last = 0.6*4 + 0.4*20 = 10.4; debias 1 - 0.36 = 0.64 -> 16.25
    assert.ok(Math.abs(out[1] - 16.25) < 1e-12, String(out[1]));
    // last = 0.6*10.4 + 0.4*30 = 18.24; debias 1 - 0.216 = 0.784 -> 23.2653...
    assert.ok(Math.abs(out[2] - 18.24 / 0.784) < 1e-12, String(out[2]));
  });

  it('passes non-finite values through without disturbing the average', () => {
    const out = smoothEma([1, Number.NaN, 3, Infinity], 0.5);
    assert.equal(out[0], 1);
    assert.ok(Number.isNaN(out[1]));
    // after 1: last = 0.5; after 3: last = 0.25 + 1.5 = 1.75; debias 1 - 0.25 = 0.75
    assert.ok(Math.abs(out[2] - 1.75 / 0.75) < 1e-12);
    assert.equal(out[3], Infinity);
  });

  it('reduces noise: a smoothed noisy line varies less than the raw one', () => {
    const raw = Array.from({ length: 500 }, (_, i) => i / 500 + (i % 2 ? 0.1 : -0.1));
    const smooth = smoothEma(raw, 0.9);
    const roughness = (v: number[]) => v.slice(1).reduce((s, x, i) => s + Math.abs(x - v[i]), 0);
    assert.ok(roughness(smooth) < roughness(raw) / 5);
  });

  it('rejects weights outside [0, 1)', () => {
    assert.throws(() => smoothEma([1], 1), /smoothing weight/);
    assert.throws(() => smoothEma([1], -0.1), /smoothing weight/);
    assert.throws(() => smoothEma([1], Number.NaN), /smoothing weight/);
  });
});
