import assert from 'node:assert/strict';
import path from 'node:path';
import { profileDataset } from '../../../../src/core/data/profile';
import { readParquet } from '../../../../src/core/formats/data/parquet';
import { DataFormatError } from '../../../../src/core/formats/data/source';
import { root } from '../../../harness/paths';
import { fuzzInput, fuzzTargets } from '../../../fuzz/targets';

const fixture = (name: string): string => path.join(root, 'test', 'fixtures', 'data', name);

describe('Parquet reader (files written by pyarrow)', () => {
  it('refuses a page header without a compressed size instead of looping forever (fuzz seed 1, input 4884)', async () => {
    const target = fuzzTargets(root).find((t) => t.name === 'parquet')!;
    const bytes = fuzzInput(target, 1, 4884);
    await assert.rejects(
      readParquet(
        { kind: 'buffer', bytes, name: 'f.parquet' },
        { columns: () => undefined, row: () => undefined, bad: () => undefined },
      ),
      (err: unknown) => err instanceof DataFormatError && /page header/.test(err.message),
    );
  });

  for (const codec of ['snappy', 'gzip', 'zstd']) {
    it(`reads ${codec} row groups, nulls, list and struct columns`, async () => {
      const rows: unknown[][] = [];
      let names: readonly string[] = [];
      await readParquet(
        { kind: 'file', path: fixture(`sample-${codec}.parquet`) },
        {
          columns: (n) => (names = n),
          row: (cells, line) => rows.push([line, ...cells]),
          bad: () => assert.fail('no bad rows'),
        },
      );
      assert.deepEqual(names, ['id', 'amount', 'category', 'tags', 'point', 'flag']);
      assert.equal(rows.length, 5);
      assert.deepEqual(rows[0], [1, 1n, 10.5, 'a', [1, 2], { x: 1n, y: 'p' }, true]);
      assert.deepEqual(rows[2]?.slice(2), [-3.25, null, null, null, null]);
      const p = await profileDataset({
        source: { kind: 'file', path: fixture(`sample-${codec}.parquet`) },
        format: 'parquet',
        path: 'sample.parquet',
      });
      assert.deepEqual(
        p.columns.map((c) => [c.name, c.type, c.count, c.nulls, c.distinct.value]),
        [
          ['id', 'integer', 5, 0, 5],
          ['amount', 'number', 4, 1, 4],
          ['category', 'categorical', 4, 1, 3],
          ['tags', 'list', 4, 1, 4],
          ['point', 'struct', 4, 1, 4],
          ['flag', 'boolean', 4, 1, 2],
        ],
      );
      assert.equal(p.columns[1]?.mean, 253.5625);
    });
  }

  it('refuses a file that is not Parquet with a DataFormatError', async () => {
    await assert.rejects(
      readParquet(
        { kind: 'buffer', bytes: Buffer.from('a,b\n1,2\n'), name: 'x.parquet' },
        { columns: () => undefined, row: () => undefined, bad: () => undefined },
      ),
      DataFormatError,
    );
  });
});
