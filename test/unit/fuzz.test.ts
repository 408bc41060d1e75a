// The unit tier's share of `npm run fuzz`: a few thousand mutated inputs per parser, in this process, each of which
// parses or throws the parser's typed error within the time limit. Plus the inputs the long runs found.
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseDvcMetadata } from '../../src/core/formats/dvc/metadata';
import { runTarget } from '../fuzz/run';
import { fuzzInput, fuzzTargets } from '../fuzz/targets';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * Inputs per target here (1,500 unless listed): fewer where one input costs more (YAML, a file system or a database
 * per input), so the whole share stays near 15 s. `npm run fuzz` runs 100,000 of each.
 */
const COUNTS: Record<string, number> = {
  'mlops.yaml': 300,
  'metrics-yaml': 300,
  'dvc.yaml': 300,
  'dvc.lock': 300,
  '.dvc': 300,
  'mlruns-meta.yaml': 200,
  'mlflow.db': 200,
  'mlflow-rest': 500,
  csv: 500,
  jsonl: 500,
  parquet: 300,
  'otlp-json': 500,
  'prometheus-answer': 500,
  'prediction-log-jsonl': 300,
  'prediction-log-csv': 300,
};

describe('fuzzing every parser (unit share of npm run fuzz)', function () {
  this.timeout(120_000);
  for (const target of fuzzTargets(ROOT)) {
    const count = COUNTS[target.name] ?? 1500;
    it(`${target.name}: ${count} mutated inputs parse or throw ${target.typedError.name}, each under 2 s`, async () => {
      await target.open?.();
      try {
        const stats = await runTarget(target, { seed: 0x5eed, start: 0, count, timeLimitMs: 2000 });
        assert.deepEqual(stats.failures, []);
        assert.equal(stats.inputs, count);
        assert.equal(stats.parsed + stats.typedErrors, count);
      } finally {
        target.close?.();
      }
    });
  }

  it('every target has seeds that parse', async () => {
    for (const target of fuzzTargets(ROOT)) {
      assert.ok(target.seeds.length > 0, target.name);
      await target.open?.();
      try {
        for (const [i, seed] of target.seeds.entries()) await target.run(seed, i);
      } finally {
        target.close?.();
      }
    }
  });
});

describe('inputs found by npm run fuzz', () => {
  it('a .dvc file nested thousands deep is a problem of that file, not a stack overflow', () => {
    // npm run fuzz -- --seed 1 .dvc: inputs 122 (a block sequence 2,345 deep) and 270 (a block map 4,000 deep).
    const target = fuzzTargets(ROOT).find((t) => t.name === '.dvc')!;
    for (const index of [122, 270]) {
      const facts = parseDvcMetadata('data/deep.dvc', fuzzInput(target, 1, index).toString('utf8'));
      assert.equal(facts.outs.length, 0);
      assert.equal(facts.problems.length, 1);
      assert.match(facts.problems[0].message, /^data\/deep\.dvc(:\d+:\d+)?: .*DVC entries in this file are skipped/);
    }
  });
});
