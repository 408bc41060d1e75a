// The drift statistics against scipy 1.17.1 (values computed with it on the same inputs; the interop tier repeats
// the comparison live).
import assert from 'node:assert/strict';
import {
  chiSquaredSf,
  chiSquareTest,
  jensenShannon,
  ks2samp,
  normalTwoSided,
  populationStd,
  wasserstein,
} from '../../../src/core/data/stats';

/** ((i*k) % m) / d + o: rational values both Node and numpy compute exactly, sorted. */
function sample(n: number, m = 101, k = 37, d = 7, o = 0): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = ((i * k) % m) / d + o;
  return a.sort();
}

const close = (actual: number, expected: number, rel = 1e-9): void =>
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.max(Math.abs(expected), 1e-300),
    `${actual} vs ${expected} (rel ${rel})`,
  );

describe('drift statistics (scipy oracles)', () => {
  it('ks_2samp exact, unequal sizes', () => {
    const r = ks2samp(sample(60), sample(45, 97, 53, 5, 1));
    assert.equal(r.method, 'exact');
    close(r.statistic, 0.28888888888888886);
    close(r.p, 0.02258055429922651, 1e-9);
  });

  it('ks_2samp exact, equal sizes', () => {
    const r = ks2samp(sample(80), sample(80, 97, 53, 6, 2));
    close(r.statistic, 0.225);
    close(r.p, 0.034531796924497385, 1e-9);
  });

  it('ks_2samp exact with thousands of values', () => {
    const r = ks2samp(sample(3000), sample(2500, 97, 53, 6.9, 0.3));
    assert.equal(r.method, 'exact');
    close(r.statistic, 0.029666666666666668);
    close(r.p, 0.1775528201408226, 1e-7);
  });

  it("ks_2samp asymptotic above 10,000 values (Stephens' approximation: within 5e-3 of scipy's kstwo)", () => {
    const r = ks2samp(sample(20000), sample(800, 97, 53, 6.9, 0.3));
    assert.equal(r.method, 'asymp');
    close(r.statistic, 0.02975);
    assert.ok(Math.abs(r.p - 0.49473448382698615) < 5e-3, String(r.p));
  });

  it('ks_2samp: identical samples have p = 1', () => {
    const a = sample(30);
    assert.equal(ks2samp(a, a).p, 1);
    assert.equal(ks2samp(a, a).statistic, 0);
  });

  it('chi2.sf across the range, the far tail included', () => {
    close(chiSquaredSf(0.5, 1), 0.47950012218695337, 1e-12);
    close(chiSquaredSf(3.84, 1), 0.05004352124870519, 1e-12);
    close(chiSquaredSf(10, 3), 0.01856613546304325, 1e-12);
    close(chiSquaredSf(100, 50), 3.454931382984871e-5, 1e-10);
    close(chiSquaredSf(0.001, 2), 0.9995001249791693, 1e-12);
    close(chiSquaredSf(400, 7), 2.3852710811123476e-82, 1e-9);
  });

  it('chisquare p-value', () => {
    close(chiSquareTest([18, 22, 25, 35], [25, 25, 25, 25]).p, 0.09703806460956206, 1e-12);
  });

  it('wasserstein_distance and numpy std', () => {
    close(wasserstein(sample(60), sample(45, 97, 53, 5, 1)), 2.948412698412698, 1e-12);
    close(populationStd(sample(60)), 4.16410737726984, 1e-12);
    assert.equal(wasserstein(sample(10), sample(10)), 0);
  });

  it('jensenshannon (natural log), zeros on one side', () => {
    close(jensenShannon([10, 20, 30, 0], [5, 25, 25, 5]), 0.20044055809797806, 1e-12);
    assert.equal(jensenShannon([1, 2], [1, 2]), 0);
  });

  it('normal two-sided tail as norm.sf', () => {
    close(normalTwoSided(0.5), 0.6170750774519738, 1e-12);
    close(normalTwoSided(1.96), 0.04999579029644087, 1e-10);
    close(normalTwoSided(5), 5.733031437583866e-7, 1e-9);
    close(normalTwoSided(-9), 2.2571768119076647e-19, 1e-8);
  });
});
