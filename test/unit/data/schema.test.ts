import assert from 'node:assert/strict';
import { profileDataset } from '../../../src/core/data/profile';
import { inferSchema, readDatasetSchema, validateDataset } from '../../../src/core/data/schema';
import { setDatasetSchema } from '../../../src/core/formats/mlopsYaml/edits';
import { validateConfig } from '../../../src/core/formats/mlopsYaml/validate';

const CSV = 'id,amount,cat,code\n1,10,a,X1\n2,-5,b,X2\n2,,z,Y3\n4,20000,a,X4\n';
const source = { kind: 'buffer' as const, bytes: Buffer.from(CSV), name: 'd.csv' };

const CONFIG = `version: 1
datasets:
  - name: d
    path: data/d.csv
    # the schema
    schema:
      columns:
        id: { type: integer, unique: true }
        amount:
          type: number
          nullable: false
          min: 0
          max: 10000
        cat: { allowed: [a, b] }
        code: { pattern: "^X[0-9]$" }
        missing: { type: string }
      rows: { min: 10 }
      freshness: 30d
    drift:
      ignore: [id]
      columns:
        amount: { test: psi, threshold: 0.2 }
`;

describe('dataset schema', () => {
  it('is part of mlops.yaml: validated, positioned, typed', () => {
    const v = validateConfig(CONFIG);
    assert.deepEqual(v.problems, []);
    const d = v.config.datasets[0];
    assert.ok(d?.schema && d.drift);
    assert.deepEqual(v.positionOf?.(['datasets', 0, 'schema', 'columns', 'cat']), { line: 14, column: 14 });
    const bad = validateConfig(
      CONFIG.replace('type: integer', 'type: int').replace('freshness: 30d', 'freshness: soon'),
    );
    assert.deepEqual(
      bad.problems.map((p) => [p.code, p.line + 1]),
      [
        ['enum', 8],
        ['pattern', 18],
      ],
    );
  });

  it('validates every rule with the rows that break it', async () => {
    const schema = readDatasetSchema(validateConfig(CONFIG).config.datasets[0]?.schema);
    assert.ok(schema);
    assert.equal(schema.freshnessMs, 30 * 86_400_000);
    const result = await validateDataset(source, 'csv', schema, {
      lastChange: new Date('2026-01-01T00:00:00Z'),
      now: new Date('2026-03-01T00:00:00Z'),
    });
    assert.equal(result.rows, 4);
    assert.deepEqual(
      result.violations.map((v) => [v.column, v.rule, v.count, v.rows]),
      [
        ['id', 'unique', 1, [3]],
        ['amount', 'nullable', 1, [3]],
        ['amount', 'min', 1, [2]],
        ['amount', 'max', 1, [4]],
        ['cat', 'allowed', 1, [3]],
        ['code', 'pattern', 1, [3]],
        ['missing', 'missing-column', 1, []],
        [undefined, 'rows', 1, []],
        [undefined, 'freshness', 1, []],
      ],
    );
    assert.equal(result.violations[2]?.message, '1 values of "amount" below 0');
  });

  it('type rules: a value that is not of the declared type', async () => {
    const r = await validateDataset(source, 'csv', {
      columns: { cat: { type: 'integer' }, amount: { type: 'integer' } },
    });
    assert.deepEqual(
      r.violations.map((v) => [v.column, v.rule, v.rows]),
      [['cat', 'type', [1, 2, 3, 4]]],
    );
  });

  it('infers a schema from a profile and writes it into mlops.yaml, keeping comments', async () => {
    const profile = await profileDataset({ source, format: 'csv', path: 'data/d.csv' });
    const schema = inferSchema(profile);
    assert.deepEqual(schema.columns, {
      id: { type: 'integer', nullable: false, min: 1, max: 4 },
      amount: { type: 'integer', nullable: true, min: -5, max: 20000 },
      cat: { type: 'categorical', nullable: false, allowed: ['a', 'b', 'z'] },
      code: { type: 'string', nullable: false, unique: true },
    });
    const text = setDatasetSchema(CONFIG, 'd', schema);
    assert.ok(text.includes('# the schema'));
    const v = validateConfig(text);
    assert.deepEqual(v.problems, []);
    assert.deepEqual((v.config.datasets[0]?.schema as { columns: unknown }).columns, schema.columns);
    const again = await validateDataset(source, 'csv', readDatasetSchema(v.config.datasets[0]?.schema)!);
    assert.deepEqual(again.violations, [], 'the data satisfies the schema inferred from it');
    assert.throws(() => setDatasetSchema(CONFIG, 'nope', schema), /no dataset named "nope"/);
  });
});
