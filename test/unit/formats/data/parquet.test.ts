import assert from 'node:assert/strict';
import path from 'node:path';
import { ColumnAccumulator, EXACT_DISTINCT, EXACT_VALUES, profileDataset } from '../../../../src/core/data/profile';
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

  for (const file of ['flat-snappy.parquet', 'flat-zstd-v2.parquet']) {
    it(`profiles ${file} column by column with the figures of a row-by-row read`, async () => {
      // Row by row: every cell as the rows carry it, into one accumulator per column.
      const accumulators: ColumnAccumulator[] = [];
      let rows = 0;
      await readParquet(
        { kind: 'file', path: fixture(file) },
        {
          columns: (names) => {
            for (const name of names)
              accumulators.push(
                new ColumnAccumulator(name, { exactValues: EXACT_VALUES, exactDistinct: EXACT_DISTINCT }),
              );
          },
          row: (cells) => {
            rows++;
            cells.forEach((cell, i) => accumulators[i]?.addValue(cell));
          },
          bad: () => assert.fail('no bad rows'),
        },
      );
      // Column by column (the profile's own read): pages of numbers and instants, no row made.
      let columnar = 0;
      await readParquet(
        { kind: 'file', path: fixture(file) },
        {
          columns: () => undefined,
          row: () => assert.fail('a columnar read makes no row'),
          bad: () => assert.fail('no bad rows'),
          columnar: { values: () => columnar++, rowsRead: () => undefined },
        },
      );
      assert.ok(columnar > 17 * 3, `${columnar} batches: several pages per column chunk`);
      const p = await profileDataset({ source: { kind: 'file', path: fixture(file) }, format: 'parquet', path: file });
      assert.equal(rows, 3000);
      assert.equal(p.rows, 3000);
      assert.deepEqual(
        p.columns,
        accumulators.map((a) => a.profile()),
      );
      const column = (name: string) => p.columns.find((c) => c.name === name);
      assert.deepEqual(
        p.columns.map((c) => [c.name, c.type]),
        [
          ['i8', 'integer'],
          ['i32', 'integer'],
          ['i64', 'integer'],
          ['u32', 'integer'],
          ['u64', 'integer'],
          ['f32', 'number'],
          ['f64', 'number'],
          ['flag', 'boolean'],
          ['cat', 'categorical'],
          ['text', 'string'],
          ['ts_ms', 'datetime'],
          ['ts_us', 'datetime'],
          ['ts_ns_tz', 'datetime'],
          ['day', 'datetime'],
          ['price', 'number'],
          ['blob', 'string'],
          ['empty', 'string'],
        ],
      );
      // Nulls of f64 as pandas counts them (isna): every fifth row, and NaN counts as missing too.
      assert.equal(column('f64')?.nulls, 683);
      assert.equal(column('i64')?.max, 2 ** 40 + 59_870);
      assert.equal(column('u64')?.min, 2 ** 63);
      assert.equal(column('ts_ms')?.min, '2026-01-01T01:00:07.000Z');
      assert.equal(column('ts_ns_tz')?.max, '2025-06-03T02:48:59.000Z');
      assert.equal(column('empty')?.nulls, 3000);
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
