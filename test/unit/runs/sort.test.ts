import assert from 'node:assert/strict';
import { compareCells, parseSortKey, SortKeyError, sortRows } from '../../../src/core/runs/sort';
import { row } from './rowFixtures';

describe('runs sort', () => {
  it('parses KEY[:asc|:desc]', () => {
    assert.deepEqual(parseSortKey('metrics.f1'), { column: 'metrics.f1', direction: 'asc' });
    assert.deepEqual(parseSortKey('metrics.f1:desc'), { column: 'metrics.f1', direction: 'desc' });
    assert.deepEqual(parseSortKey('params.a:b:DESC'), { column: 'params.a:b', direction: 'desc' });
    assert.deepEqual(parseSortKey('start:asc'), { column: 'start', direction: 'asc' });
    assert.deepEqual(parseSortKey('-duration'), { column: 'duration', direction: 'desc' });
    assert.throws(() => parseSortKey(':desc'), SortKeyError);
  });

  const rows = [
    row({ name: 'a', metrics: { f1: 0.5 }, params: { opt: 'sgd' } }),
    row({ name: 'b', metrics: { f1: NaN }, params: { opt: 'adam' } }),
    row({ name: 'c', params: { opt: 3 } }),
    row({ name: 'd', metrics: { f1: 0.9 }, params: { opt: 'Adam2' } }),
    row({ name: 'e', metrics: { f1: 0.5 }, params: { opt: 10 } }),
    row({ name: 'f', metrics: { f1: -Infinity } }),
  ];
  const names = (keys: string[]): string[] => sortRows(rows, keys.map(parseSortKey)).map((r) => r.name);

  it('puts numbers first, then NaN, then missing, whatever the direction', () => {
    assert.deepEqual(names(['metrics.f1']), ['f', 'a', 'e', 'd', 'b', 'c']);
    assert.deepEqual(names(['metrics.f1:desc']), ['d', 'a', 'e', 'f', 'b', 'c']);
  });

  it('puts numbers before texts, texts in natural case-insensitive order, missing last', () => {
    assert.deepEqual(names(['params.opt']), ['c', 'e', 'b', 'd', 'a', 'f']);
    assert.deepEqual(names(['params.opt:desc']), ['e', 'c', 'a', 'd', 'b', 'f']);
  });

  it('sorts by several keys and is stable', () => {
    assert.deepEqual(names(['metrics.f1:desc', 'name:desc']), ['d', 'e', 'a', 'f', 'b', 'c']);
    assert.deepEqual(names(['status']), ['a', 'b', 'c', 'd', 'e', 'f']);
    assert.deepEqual(names([]), ['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('compares cells by the same rules', () => {
    assert.ok(compareCells(1, 'a') < 0);
    assert.ok(compareCells('a', 1, 'desc') > 0);
    assert.ok(compareCells(null, 1, 'desc') > 0);
    assert.ok(compareCells(NaN, 1e9) > 0);
    assert.equal(compareCells('x', 'X'), 0);
    assert.ok(compareCells('run-2', 'run-10') < 0);
  });
});
