import assert from 'node:assert/strict';
import { columnDrift, defaultTest, driftReport, driftScore, integerCategorical } from '../../../src/core/data/drift';
import { type ColumnData } from '../../../src/core/data/profile';

function numeric(name: string, values: number[]): ColumnData {
  const sorted = Float64Array.from(values).sort();
  const counts = new Map<string, number>();
  for (const v of sorted) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  return { name, type: 'number', numeric: sorted, counts, count: values.length, exact: true };
}

function categorical(name: string, counts: Record<string, number>): ColumnData {
  const map = new Map(Object.entries(counts));
  return { name, type: 'categorical', counts: map, count: [...map.values()].reduce((a, b) => a + b, 0), exact: true };
}

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

describe('drift (Evidently defaults)', () => {
  it('chooses the test by reference size, type and distinct values', () => {
    const small = numeric(
      'x',
      range(100, (i) => i),
    );
    assert.equal(defaultTest(small, small), 'ks');
    const few = numeric(
      'x',
      range(100, (i) => i % 5),
    );
    assert.equal(defaultTest(few, few), 'chi-squared', 'numeric with <= 5 distinct values is categorical');
    const two = numeric(
      'x',
      range(100, (i) => i % 2),
    );
    assert.equal(defaultTest(two, two), 'z-test');
    const big = numeric(
      'x',
      range(1001, (i) => i),
    );
    assert.equal(defaultTest(big, big), 'wasserstein');
    const bigCat = categorical('c', { a: 600, b: 401, c: 3 });
    assert.equal(defaultTest(bigCat, bigCat), 'jensen-shannon');
    assert.equal(defaultTest(categorical('c', { a: 500, b: 500 }), categorical('c', { a: 1 })), 'z-test');
  });

  it('Wasserstein normalised by the reference population std, drift at >= 0.1', () => {
    const ref = numeric(
      'x',
      range(2000, (i) => i % 100),
    );
    const cur = numeric(
      'x',
      range(2000, (i) => (i % 100) + 10),
    );
    const d = columnDrift(ref, cur);
    assert.equal(d?.test, 'wasserstein');
    // Shift 10 over std of 0..99 (28.866...).
    assert.ok(Math.abs((d?.score ?? 0) - 10 / Math.sqrt((100 * 100 - 1) / 12)) < 1e-9);
    assert.equal(d?.drifted, true);
    assert.equal(d?.threshold, 0.1);
  });

  it('constant columns: std floored at 0.001, identical constants do not drift', () => {
    const ref = numeric(
      'x',
      range(2000, () => 5),
    );
    assert.equal(
      driftScore(
        'wasserstein',
        ref,
        numeric(
          'x',
          range(2000, () => 5),
        ),
      ),
      0,
    );
    assert.ok(
      Math.abs(
        driftScore(
          'wasserstein',
          ref,
          numeric(
            'x',
            range(2000, () => 5.001),
          ),
        ) - 1,
      ) < 1e-9,
      'shift 0.001 over the floor 0.001',
    );
    const z = columnDrift(numeric('x', [1, 1, 1]), numeric('x', [1, 1]));
    assert.deepEqual([z?.test, z?.score, z?.drifted], ['z-test', 1, false]);
  });

  it('all nulls on one side: the column is not tested', () => {
    const empty: ColumnData = { name: 'x', type: 'string', counts: new Map(), count: 0, exact: true };
    assert.equal(columnDrift(empty, categorical('x', { a: 3 })), undefined);
    const report = driftReport({
      path: 'd.csv',
      reference: { revision: 'a', columns: [empty] },
      current: { revision: 'b', columns: [categorical('x', { a: 3 })] },
    });
    assert.deepEqual([report.columns.length, report.drifted, report.share], [0, false, 0]);
  });

  it('a single row on each side', () => {
    const d = columnDrift(numeric('x', [1]), numeric('x', [2]));
    assert.equal(d?.test, 'z-test');
    assert.ok(d && d.score > 0.05 && !d.drifted, 'one observation each is no evidence');
    const ks = columnDrift(numeric('x', [1]), numeric('x', [2]), {
      smallReference: 1000,
      categoricalMaxDistinct: 0,
      pValue: 0.05,
      distance: 0.1,
      share: 0.5,
    });
    assert.deepEqual([ks?.test, ks?.score], ['ks', 1]);
  });

  it('integer columns with at most 5 distinct reference values are categorical, as Evidently types them', () => {
    const ints = (zeros: number, ones: number): ColumnData => ({
      ...numeric(
        'flag',
        range(zeros + ones, (i) => (i < zeros ? 0 : 1)),
      ),
      type: 'integer',
      nulls: 0,
    });
    const ref = ints(3500, 1500);
    const cur = ints(3400, 1600);
    // Sturges bins of 0/1 integers are one bin (numpy's integer bins are at least 1 wide): the distance would be 0.
    assert.equal(defaultTest(ref, cur), 'jensen-shannon');
    // scipy.spatial.distance.jensenshannon([0.7, 0.3], [0.68, 0.32])
    assert.ok(Math.abs(driftScore('jensen-shannon', ref, cur) - 0.015290016740580186) < 1e-12);
    // With missing values pandas reads the current column as floats: numeric again.
    assert.equal(integerCategorical(ref, { ...cur, nulls: 3 }), false);
    assert.equal(integerCategorical(ref, cur), true);
    // Few distinct in the reference but more in the current: still categorical (chi-squared, not KS).
    const small = ints(60, 40);
    const wide: ColumnData = {
      ...numeric(
        'flag',
        range(100, (i) => i % 10),
      ),
      type: 'integer',
      nulls: 0,
    };
    assert.equal(defaultTest(small, wide), 'chi-squared');
  });

  it('chi-squared: expected counts scaled to the current size; a new category is drift', () => {
    const ref = categorical('c', { a: 50, b: 30, c: 20 });
    assert.ok(Math.abs(driftScore('chi-squared', ref, categorical('c', { a: 100, b: 60, c: 40 })) - 1) < 1e-12);
    const p = driftScore('chi-squared', ref, categorical('c', { a: 50, b: 30, c: 10, d: 10 }));
    assert.equal(p, 0);
  });

  it('Z-test for two values as Evidently computes it', () => {
    // p1 = 0.3, p2 = 0.5, n = 100 each: z = -0.2 / sqrt(0.4 * 0.6 * 0.02) = -2.886751...
    const p = driftScore('z-test', categorical('c', { yes: 30, no: 70 }), categorical('c', { yes: 50, no: 50 }));
    assert.ok(Math.abs(p - 0.003892417122778628) < 1e-12, String(p));
  });

  it('PSI with Sturges bins and empty bins floored at 0.0001', () => {
    const ref = numeric(
      'x',
      range(100, (i) => i),
    );
    assert.ok(
      Math.abs(
        driftScore(
          'psi',
          ref,
          numeric(
            'x',
            range(100, (i) => i),
          ),
        ),
      ) < 1e-15,
    );
    const shifted = driftScore(
      'psi',
      ref,
      numeric(
        'x',
        range(100, (i) => i + 50),
      ),
    );
    assert.ok(shifted > 1, String(shifted));
  });

  it('the dataset drifts when at least half the columns drift; per-column settings and ignores apply', () => {
    const ref = [
      numeric(
        'a',
        range(2000, (i) => i % 100),
      ),
      numeric(
        'b',
        range(2000, (i) => i % 100),
      ),
      categorical('id', { x: 2000 }),
    ];
    const cur = [
      numeric(
        'a',
        range(2000, (i) => (i % 100) + 20),
      ),
      numeric(
        'b',
        range(2000, (i) => i % 100),
      ),
      categorical('id', { y: 2000 }),
    ];
    const input = {
      path: 'd.csv',
      reference: { revision: 'v1', columns: ref },
      current: { revision: 'v2', columns: cur },
    };
    const all = driftReport(input);
    assert.deepEqual(
      all.columns.map((c) => [c.column, c.drifted]),
      [
        ['a', true],
        ['b', false],
        ['id', true],
      ],
    );
    assert.equal(all.drifted, true);
    const ignored = driftReport(input, { ignore: ['id'] });
    assert.deepEqual([ignored.share, ignored.drifted], [0.5, true]);
    const lenient = driftReport(input, { ignore: ['id'], columns: { a: { threshold: 2 } } });
    assert.deepEqual([lenient.share, lenient.drifted], [0, false]);
    const psi = driftReport(input, { test: 'psi', ignore: ['id'] });
    assert.deepEqual(
      psi.columns.map((c) => c.test),
      ['psi', 'psi'],
    );
  });
});
