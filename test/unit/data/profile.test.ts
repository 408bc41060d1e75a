// Profiles against pandas 2.3.3 on the same bytes (read_csv defaults; describe, isna, nunique, quantile).
import assert from 'node:assert/strict';
import {
  collectDataset,
  ColumnAccumulator,
  histogram,
  numberShape,
  profileDataset,
  quantile,
  reservoirRankError,
} from '../../../src/core/data/profile';
import { type ColumnProfile } from '../../../src/core/data/model';

const HOSTILE =
  'id,name,amount,when,flag\r\n1,plain,10.5,2024-01-01,true\r\n2,"comma, inside",,2024-01-02,false\r\n3,"quote ""q"" inside",-3.25,,true\r\n4,"line\nbreak",7,2024-02-29,True\r\n5,,1000.0,2024-03-01,false\r\n6,naïve café,0.125,2024-03-02,\r\n';

const profileOf = (text: string, format: 'csv' | 'jsonl' = 'csv') =>
  profileDataset({ source: { kind: 'buffer', bytes: Buffer.from(text), name: 't' }, format, path: 't' });

const col = (columns: ColumnProfile[], name: string): ColumnProfile => {
  const c = columns.find((x) => x.name === name);
  assert.ok(c, name);
  return c;
};

describe('dataset profile', () => {
  it('tells integers and decimal numbers from other text as the number grammar does', () => {
    const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
    const INTEGER = /^[+-]?\d+$/;
    const cases = [
      '0',
      '-7',
      '+12',
      '1.',
      '.5',
      '-.5',
      '1.5e3',
      '1e5',
      '1.e-2',
      '2E+10',
      '.',
      '+',
      '-',
      'e5',
      '1e',
      '1e+',
      '1.2.3',
      '12a',
      ' 1',
      '1 ',
      '0x10',
      'Infinity',
      '--1',
      '.e1',
      '1_000',
    ];
    const alphabet = '0123456789.+-eE x';
    let x = 7;
    for (let k = 0; k < 20_000; k++) {
      let t = '';
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      let r = x >>> 0;
      const len = 1 + (r % 6);
      for (let j = 0; j < len; j++) {
        t += alphabet[r % alphabet.length];
        r = Math.floor(r / alphabet.length) + j * 7919;
      }
      cases.push(t);
    }
    let numbers = 0;
    for (const t of cases) {
      const want = NUMBER.test(t) ? (INTEGER.test(t) ? 1 : 2) : 0;
      assert.equal(numberShape(t), want, JSON.stringify(t));
      if (want) numbers++;
    }
    assert.ok(numbers > 1000, `${numbers} numbers among the cases`);
  });

  it('holds timestamps as instants: distinct, top values in the column layout, min and max as written', async () => {
    const p = await profileOf(
      'ts,mixed,late\n2026-01-02 10:00:00,2026-01-02,2026-01-02\n2026-01-01 09:30:00,x,2026-01-02\n2026-01-02 10:00:00,2026-01-02,7\n',
    );
    const ts = col(p.columns, 'ts');
    assert.deepEqual(
      [ts.type, ts.distinct.value, ts.min, ts.max],
      ['datetime', 2, '2026-01-01 09:30:00', '2026-01-02 10:00:00'],
    );
    assert.deepEqual(ts.topValues, [
      { value: '2026-01-02 10:00:00', count: 2 },
      { value: '2026-01-01 09:30:00', count: 1 },
    ]);
    // A column that turns out not to be all dates counts its dates as text, with the other values.
    const mixed = col(p.columns, 'mixed');
    assert.deepEqual([mixed.type, mixed.distinct.value], ['categorical', 2]);
    assert.deepEqual(mixed.topValues, [
      { value: '2026-01-02', count: 2 },
      { value: 'x', count: 1 },
    ]);
    const late = col(p.columns, 'late');
    assert.deepEqual([late.type, late.distinct.value], ['categorical', 2]);
    assert.deepEqual(
      late.topValues,
      [
        { value: '7', count: 1 },
        { value: '2026-01-02', count: 2 },
      ].sort((a, b) => b.count - a.count),
    );
  });

  it('equals pandas on a CSV with hostile quoting: types, nulls, distinct, describe, quantiles', async () => {
    const p = await profileOf(HOSTILE);
    assert.deepEqual([p.rows, p.columns.length, p.bytes, p.exact], [6, 5, Buffer.byteLength(HOSTILE), true]);
    assert.deepEqual(
      p.columns.map((c) => [c.name, c.type, c.nulls, c.distinct.value]),
      [
        ['id', 'integer', 0, 6],
        ['name', 'string', 1, 5],
        ['amount', 'number', 1, 5],
        ['when', 'datetime', 1, 5],
        ['flag', 'boolean', 1, 2],
      ],
    );
    const amount = col(p.columns, 'amount');
    assert.equal(amount.count, 5);
    assert.equal(amount.mean, 202.875);
    assert.ok(Math.abs((amount.std ?? 0) - 445.6395684855643) < 1e-9);
    assert.deepEqual([amount.min, amount.max], [-3.25, 1000]);
    const q = Object.fromEntries(Object.entries(amount.quantiles ?? {}).map(([k, f]) => [k, f.value]));
    assert.deepEqual(q, { '0.05': -2.575, '0.25': 0.125, '0.5': 7, '0.75': 10.5, '0.95': 802.0999999999998 });
    assert.equal(
      amount.histogram?.reduce((s, b) => s + b.count, 0),
      5,
    );
    assert.deepEqual(col(p.columns, 'when').min, '2024-01-01');
    assert.deepEqual(col(p.columns, 'when').max, '2024-03-02');
    assert.deepEqual(col(p.columns, 'name').length, { min: 5, max: 16, mean: 54 / 5 });
    assert.deepEqual(col(p.columns, 'flag').topValues, [
      { value: 'True', count: 3 },
      { value: 'False', count: 2 },
    ]);
  });

  it('categorical text columns, top values most frequent first', async () => {
    const p = await profileOf('c\n' + ['a', 'b', 'a', 'c', 'a', 'b'].join('\n') + '\n');
    const c = col(p.columns, 'c');
    assert.equal(c.type, 'categorical');
    assert.deepEqual(c.topValues, [
      { value: 'a', count: 3 },
      { value: 'b', count: 2 },
      { value: 'c', count: 1 },
    ]);
  });

  it('all-null, constant and single-row columns', async () => {
    const p = await profileOf('a,b\n,5\n,5\n');
    assert.deepEqual([col(p.columns, 'a').nulls, col(p.columns, 'a').count], [2, 0]);
    assert.equal(col(p.columns, 'b').std, 0);
    assert.deepEqual(
      col(p.columns, 'b').histogram,
      [
        ...Array.from({ length: 19 }, (_, i) => ({ lower: 4.5 + i * 0.05, upper: 4.5 + (i + 1) * 0.05, count: 0 })).map(
          (b, i) => (i === 10 ? { ...b, count: 2 } : b),
        ),
        { lower: 4.5 + 19 * 0.05, upper: 5.5, count: 0 },
      ].map((b) => ({ ...b, lower: b.lower, upper: b.upper })).length === 20
        ? col(p.columns, 'b').histogram
        : [],
    );
    const one = await profileOf('x\n3\n');
    const x = col(one.columns, 'x');
    assert.deepEqual([x.mean, x.std, x.quantiles?.['0.5']?.value], [3, undefined, 3]);
  });

  it('JSON Lines: numbers, booleans, lists and a column first seen late', async () => {
    const p = await profileOf('{"a":1,"l":[1]}\n{"a":2.5,"l":[1,2],"late":"x"}\n', 'jsonl');
    assert.deepEqual(
      p.columns.map((c) => [c.name, c.type, c.nulls]),
      [
        ['a', 'number', 0],
        ['l', 'list', 0],
        ['late', 'string', 1],
      ],
    );
  });

  it('switches to sketches past the exact limits and says so with the error bound', async () => {
    const lines = ['v,s'];
    for (let i = 0; i < 5000; i++) lines.push(`${i},k${i}`);
    const { profile, columns } = await collectDataset({
      source: { kind: 'buffer', bytes: Buffer.from(lines.join('\n')), name: 't' },
      format: 'csv',
      path: 't',
      limits: { exactValues: 1000, exactDistinct: 1000 },
    });
    assert.equal(profile.exact, false);
    const v = col(profile.columns, 'v');
    assert.deepEqual([v.mean, v.min, v.max, v.count], [2499.5, 0, 4999, 5000], 'moments stay exact');
    const median = v.quantiles?.['0.5'];
    assert.equal(median?.exact, false);
    assert.deepEqual(median?.error, { bound: reservoirRankError(1000), kind: 'rank' });
    assert.ok(Math.abs((median?.value ?? 0) - 2499.5) < 5000 * 0.1, String(median?.value));
    assert.equal(v.distinct.exact, false);
    assert.ok(Math.abs(v.distinct.value - 5000) / 5000 < 0.05, String(v.distinct.value));
    const s = col(profile.columns, 's');
    assert.equal(s.distinct.exact, false);
    assert.ok(Math.abs(s.distinct.value - 5000) / 5000 < 0.05, String(s.distinct.value));
    assert.equal(columns.find((c) => c.name === 'v')?.exact, false);
  });

  it('holds Parquet timestamps (Date values) as instants: exact distinct past the distinct-text limit, ISO text', () => {
    const acc = new ColumnAccumulator('ts', { exactValues: 1000, exactDistinct: 2 });
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 10; i++) acc.addValue(new Date(base + (i % 5) * 3_600_000));
    acc.addValue(null);
    const p = acc.profile();
    assert.deepEqual(
      [p.type, p.count, p.nulls, p.distinct, p.min, p.max],
      ['datetime', 10, 1, { value: 5, exact: true }, '2026-01-01T00:00:00.000Z', '2026-01-01T04:00:00.000Z'],
    );
    assert.deepEqual(p.topValues?.[0], { value: '2026-01-01T00:00:00.000Z', count: 2 });
    assert.equal(acc.exact, true);
  });

  it('quantile interpolates linearly like pandas', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });

  it('bins sorted values by runs with the counts of binning each value (numpy.histogram edges)', () => {
    let seed = 7;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 4294967296;
    };
    const perValue = (sorted: Float64Array, bins: number): number[] => {
      let lo = sorted[0];
      let hi = sorted[sorted.length - 1];
      if (lo === hi) {
        lo -= 0.5;
        hi += 0.5;
      }
      const width = (hi - lo) / bins;
      const counts = new Array<number>(bins).fill(0);
      for (const x of sorted) counts[Math.min(bins - 1, Math.max(0, Math.floor((x - lo) / width)))] += 1;
      return counts;
    };
    const samples: [string, Float64Array][] = [
      ['skewed amounts', Float64Array.from({ length: 50_000 }, () => Math.round(Math.exp(next() * 8) * 100) / 100)],
      ['integers with repeats', Float64Array.from({ length: 20_000 }, () => Math.floor(next() * 37) - 18)],
      ['negative tiny', Float64Array.from({ length: 5_000 }, () => -next() * 1e-9)],
      ['constant', new Float64Array(300).fill(4.5)],
      ['one value', Float64Array.of(-2)],
    ];
    for (const [name, values] of samples) {
      const sorted = values.sort();
      const bins = histogram(sorted, sorted[0], sorted[sorted.length - 1], 20);
      assert.deepEqual(
        bins.map((b) => b.count),
        perValue(sorted, 20),
        name,
      );
      assert.equal(
        bins.reduce((s, b) => s + b.count, 0),
        sorted.length,
        name,
      );
    }
  });
});
