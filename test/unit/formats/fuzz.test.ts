// Seeded mutation fuzzing of every parser: thousands of damaged inputs, each either parses or fails with a
// MetricsError (never another exception, never a hang).
import assert from 'node:assert/strict';
import { parseDvcLock, parseDvcYaml } from '../../../src/core/formats/dvc/project';
import { parseMetricsDocument } from '../../../src/core/formats/metricsFiles/parse';
import { MetricsError } from '../../../src/core/metrics/model';
import { seededRandom } from '../../helpers/prng';

const tokens = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ',',
  ':',
  '\n',
  '\t',
  ' ',
  '-',
  'NaN',
  'Infinity',
  '1e999',
  '\\',
  '\\u12',
  '&a',
  '*a',
  '<<:',
  '- ',
  '#',
  '\r\n',
  '${item}',
  '\u00e9',
  '\ud83d\ude00',
  '\0',
];

function mutate(seed: Buffer, random: () => number): Buffer {
  let bytes = Buffer.from(seed);
  const rounds = 1 + Math.floor(random() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(random() * (bytes.length + 1));
    const choice = random();
    if (choice < 0.2)
      bytes = bytes.subarray(0, at); // truncate
    else if (choice < 0.4 && bytes.length) {
      const copy = Buffer.from(bytes);
      copy[Math.min(at, copy.length - 1)] = Math.floor(random() * 256); // random byte
      bytes = copy;
    } else if (choice < 0.6) {
      const end = Math.min(bytes.length, at + Math.floor(random() * 16));
      bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(end)]); // delete a range
    } else if (choice < 0.85) {
      const token = Buffer.from(tokens[Math.floor(random() * tokens.length)]);
      bytes = Buffer.concat([bytes.subarray(0, at), token, bytes.subarray(at)]); // insert a token
    } else {
      const end = Math.min(bytes.length, at + Math.floor(random() * 40));
      bytes = Buffer.concat([bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)]); // duplicate a slice
    }
  }
  return bytes;
}

function fuzz(name: string, seeds: string[], parse: (input: Buffer) => unknown, iterations = 3000): void {
  it(`${name}: ${iterations} mutated inputs parse or fail with a MetricsError`, function () {
    this.timeout(60_000);
    const random = seededRandom(0x5eed ^ name.length);
    let parsed = 0;
    let failed = 0;
    for (let i = 0; i < iterations; i++) {
      const input = mutate(Buffer.from(seeds[i % seeds.length]), random);
      const started = performance.now();
      try {
        parse(input);
        parsed++;
      } catch (err) {
        if (!(err instanceof MetricsError))
          assert.fail(
            `input ${JSON.stringify(input.toString('latin1'))} threw ${err instanceof Error ? err.stack : String(err)}`,
          );
        assert.ok(err.message.length > 0 && err.location.length > 0);
        failed++;
      }
      const took = performance.now() - started;
      assert.ok(took < 2000, `input ${i} took ${took.toFixed(0)} ms`);
    }
    // Both outcomes happen: the mutations are neither all harmless nor all fatal.
    assert.ok(parsed > 0 && failed > 0, `parsed ${parsed}, failed ${failed}`);
  });
}

describe('parser fuzzing', () => {
  fuzz(
    'JSON metrics',
    [
      '{"train": {"loss": 0.5, "acc": [1, 2]}, "test": {"f1": NaN, "name": "x\\"y"}, "n": -1.5e3}',
      '[{"step": 1, "loss": 0.5}, {"step": 2, "loss": 0.25}]',
    ],
    (b) => parseMetricsDocument(b, 'fuzz.json'),
  );
  fuzz(
    'YAML metrics',
    [
      'train:\n  loss: 0.5\n  acc: .nan\nbase: &b\n  f1: 1\ntest:\n  <<: *b\n  list: [1, 2]\n"quoted key": "v"\n',
      '- step: 1\n  loss: 0.5\n- step: 2\n  loss: .inf\n',
    ],
    (b) => parseMetricsDocument(b, 'fuzz.yaml'),
  );
  fuzz('CSV plots', ['step,loss,"val acc"\n0,0.5,"0.1"\n1,nan,0.2\r\n2,inf,"a ""b"""\n'], (b) =>
    parseMetricsDocument(b, 'fuzz.csv'),
  );
  fuzz('TSV plots', ['timestamp\tstep\tloss\n1700000000000\t0\t0.5\n1700000000100\t1\t0.4\n'], (b) =>
    parseMetricsDocument(b, 'fuzz.tsv'),
  );
  fuzz(
    'dvc.yaml',
    [
      'vars:\n  - lrs: [0.1, 0.2]\nstages:\n  train:\n    foreach: ${lrs}\n    do:\n      cmd: python train.py ${item}\n      metrics:\n        - m/${item}.json:\n            cache: false\n  grid:\n    matrix:\n      a: [1, 2]\n      b: [x, y]\n    cmd: run ${item.a} ${item.b}\n    plots:\n      - p/${item.a}.tsv\nmetrics:\n  - dvclive/metrics.json\nplots:\n  - roc:\n      x: fpr\n      y:\n        eval/roc.json: tpr\nartifacts:\n  model:\n    path: m.pkl\n    type: model\n',
    ],
    (b) => parseDvcYaml(b, 'dvc.yaml'),
    1500,
  );
  fuzz(
    'dvc.lock',
    [
      "schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n    - path: data\n      hash: md5\n      md5: 0123.dir\n      size: 10\n      nfiles: 2\n    params:\n      params.yaml:\n        train.lr: 0.1\n    outs:\n    - path: model.pkl\n      md5: abc\n      size: 3\n",
    ],
    (b) => parseDvcLock(b, 'dvc.lock'),
    1500,
  );
});
