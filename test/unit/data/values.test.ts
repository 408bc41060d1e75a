// The value store behind profiles (counted while few distinct, blocks past that), its radix sort, and the number
// reader of text cells.
import assert from 'node:assert/strict';
import { readNumber } from '../../../src/core/data/profile';
import { BLOCK_VALUES, radixSort, SMALL_DISTINCT, SortScratch, ValueStore } from '../../../src/core/data/values';

function xorshift(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

describe('value store', () => {
  it('sorts doubles as Float64Array.prototype.sort does: negatives, -0, infinities, ties', () => {
    const next = xorshift(99);
    const values = new Float64Array(50_000);
    for (let i = 0; i < values.length; i++) {
      const r = next();
      values[i] =
        r < 0.1
          ? Math.round(next() * 10) - 5
          : r < 0.2
            ? -0
            : r < 0.21
              ? -Infinity
              : r < 0.22
                ? Infinity
                : (next() - 0.5) * 1e6;
    }
    const want = values.slice().sort();
    const got = radixSort(values.slice(), new SortScratch());
    assert.deepEqual(Array.from(got), Array.from(want));
    assert.ok(Object.is(got[got.findIndex((v) => v === 0)], -0), '-0 sorts before 0');
  });

  it('counts few distinct values and sorts them without holding each', () => {
    const store = new ValueStore();
    const hours: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const h = (i * 7) % 24;
      hours.push(h);
      store.push(h);
    }
    const runs: [number, number][] = [];
    store.forEachRun((value, count) => runs.push([value, count]));
    assert.equal(runs.length, 24, 'one run per distinct value while counted');
    assert.equal(
      runs.reduce((s, [, c]) => s + c, 0),
      100_000,
    );
    assert.equal(store.length, 100_000);
    assert.deepEqual(
      Array.from(store.sorted()),
      hours.sort((a, b) => a - b),
    );
  });

  it('holds every value in blocks past SMALL_DISTINCT, across block boundaries, and replaces by index', () => {
    const store = new ValueStore();
    const next = xorshift(7);
    const values: number[] = [];
    const n = BLOCK_VALUES * 2 + 123;
    for (let i = 0; i < n; i++) {
      // The first SMALL_DISTINCT * 2 values repeat a few, then every value is new: the store switches mid-way.
      const v = i < SMALL_DISTINCT * 2 ? i % 10 : Math.floor(next() * 1e9);
      values.push(v);
      store.push(v);
    }
    assert.equal(store.length, n);
    let seen = 0;
    store.forEachRun((_, count) => (seen += count));
    assert.equal(seen, n);
    store.set(BLOCK_VALUES + 5, -1);
    // Which value was replaced: the store's order after switching is the counted values first, then the rest.
    const sorted = Array.from(store.sorted(new SortScratch()));
    assert.equal(sorted[0], -1);
    assert.equal(sorted.length, n);
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1] <= sorted[i]);
  });

  it('reads numbers to the same value as Number(): integers, decimals, exponents, long mantissas', () => {
    const cases = ['0', '-0', '+7', '12.50', '-0.000123', '1e5', '1.5E-7', '2e22', '3e23', '1e-22', '9007199254740993'];
    const next = xorshift(3);
    for (let k = 0; k < 20_000; k++) {
      const digits = 1 + Math.floor(next() * 18);
      let t = next() < 0.3 ? '-' : '';
      for (let j = 0; j < digits; j++) t += String(Math.floor(next() * 10));
      const r = next();
      if (r < 0.6) {
        const at = 1 + Math.floor(next() * (t.length - 1));
        t = t.slice(0, at) + '.' + t.slice(at);
      }
      if (next() < 0.2) t += `e${Math.floor(next() * 60) - 30}`;
      cases.push(t);
    }
    const out = { value: NaN };
    for (const t of cases) {
      const shape = readNumber(t, out);
      assert.notEqual(shape, 0, t);
      assert.ok(Object.is(out.value, Number(t)), `${t}: ${out.value} vs ${Number(t)}`);
    }
    assert.equal(readNumber('12a', out), 0);
  });
});
