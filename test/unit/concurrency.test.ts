import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { forEachLimited } from '../../src/core/concurrency';

describe('forEachLimited', () => {
  it('calls every item once with its index, never more than `limit` at a time, starting in order', async () => {
    const items = Array.from({ length: 50 }, (_, i) => `item ${i}`);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    await forEachLimited(items, 4, async (item, index) => {
      assert.equal(item, `item ${index}`);
      started.push(index);
      most = Math.max(most, ++running);
      for (let i = 0; i < (index % 3) + 1; i++) await tick();
      running--;
    });
    assert.deepEqual(
      started,
      items.map((_, i) => i),
    );
    assert.equal(most, 4);
  });

  it('runs one at a time for a limit below one, and nothing for no items', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachLimited([1, 2, 3], 0, async (item) => {
      most = Math.max(most, ++running);
      await tick();
      seen.push(item);
      running--;
    });
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(most, 1);
    await forEachLimited([], 8, () => Promise.reject(new Error('not called')));
  });

  it('rejects with the first failure and starts no new item after it', async () => {
    const started: number[] = [];
    await assert.rejects(
      forEachLimited([0, 1, 2, 3, 4, 5], 2, async (item) => {
        started.push(item);
        await tick();
        if (item === 1) throw new Error('item 1 failed');
      }),
      /item 1 failed/,
    );
    for (let i = 0; i < 10; i++) await tick();
    assert.deepEqual(started, [0, 1, 2]);
  });
});
