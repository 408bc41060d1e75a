// `mlops data validate --format problems`: the violation lines the `$mlops` problem matcher reads, at the same place in
// mlops.yaml as the data-schema check's findings.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validationToProblems } from '../../../src/core/data/report';
import { readDatasetSchema, validateDataset, violationPosition } from '../../../src/core/data/schema';
import { validateConfig } from '../../../src/core/formats/mlopsYaml/validate';
import { spawnMlops } from '../../helpers/cliBundle';
import { contributedMatchers, matchProblems } from '../../helpers/problemMatcher';

const CONFIG = `version: 1
datasets:
  - name: d
    path: d.csv
    schema:
      columns:
        amount:
          min: 0
        cat: { allowed: [a, b] }
`;
const CSV = 'amount,cat\n-5,a\n3,z\n4,b\n';
const LINES = [
  `mlops.yaml:8:16: error data-schema: Dataset 'd': 1 values of "amount" below 0 (rows 1).`,
  '    hint: Fix the data, or change the schema in mlops.yaml if the data is right.',
  `mlops.yaml:9:25: error data-schema: Dataset 'd': 1 values of "cat" not in a, b (rows 2).`,
  '    hint: Fix the data, or change the schema in mlops.yaml if the data is right.',
  '2 errors, 0 warnings, 0 info',
];

describe('mlops data validate --format problems', function () {
  this.timeout(60_000);

  it('prints one file:line:column line per violation, at the rule of the column in mlops.yaml', async () => {
    const config = validateConfig(CONFIG);
    const dataset = config.config.datasets[0];
    const schema = readDatasetSchema(dataset.schema)!;
    const source = { kind: 'buffer' as const, bytes: Buffer.from(CSV), name: 'd.csv' };
    const result = await validateDataset(source, 'csv', schema, {});
    const violations = result.violations.map((v) => {
      const p = violationPosition(config.positionOf, 0, dataset, v);
      return { ...v, line: p?.line, character: p?.column };
    });
    assert.equal(
      validationToProblems([{ dataset: 'd', rows: result.rows, violations }], 'mlops.yaml'),
      LINES.join('\n') + '\n',
    );
    // A violation without a place in the file is reported at line 1 of the file, as the check's findings are.
    assert.equal(
      validationToProblems(
        [{ dataset: 'd', rows: 1, violations: [{ ...result.violations[0], line: undefined }] }],
        'cfg.yaml',
      ).split('\n')[0],
      `cfg.yaml:1:1: error data-schema: Dataset 'd': 1 values of "amount" below 0 (rows 1).`,
    );
    assert.equal(
      validationToProblems([{ dataset: 'd', rows: 3, violations: [] }], 'mlops.yaml'),
      '0 errors, 0 warnings, 0 info\n',
    );
  });

  it('runs from the command line, with the same lines as mlops check and read by the $mlops matcher', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-validate-problems-'));
    try {
      fs.writeFileSync(path.join(dir, 'mlops.yaml'), CONFIG);
      fs.writeFileSync(path.join(dir, 'd.csv'), CSV);
      const validate = await spawnMlops(['data', 'validate', '--format', 'problems'], dir);
      assert.equal(validate.code, 1, validate.stderr);
      assert.equal(validate.stdout, LINES.join('\n') + '\n');
      const check = await spawnMlops(['check', '--format', 'problems'], dir);
      assert.deepEqual(
        check.stdout.split('\n').filter((l) => / data-schema: /.test(l)),
        LINES.filter((l) => / data-schema: /.test(l)),
        'the data-schema check puts its findings at the same places',
      );
      const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as {
        contributes: { problemMatchers: { pattern: Record<string, string | number>[] }[] };
      };
      const p = manifest.contributes.problemMatchers[0].pattern[0];
      const match = new RegExp(p.regexp as string).exec(validate.stdout.split('\n')[0]);
      assert.ok(match);
      assert.deepEqual(
        [p.file, p.line, p.column, p.severity, p.code].map((i) => match[i as number]),
        ['mlops.yaml', '8', '16', 'error', 'data-schema'],
      );
      assert.equal(new RegExp(p.regexp as string).exec(LINES[1]), null, 'the hint is not a finding');
      // Read as VS Code reads a task's output: each violation with its hint, as the data-schema check's diagnostic.
      const [$mlops] = contributedMatchers(path.resolve(__dirname, '../../../..'));
      assert.deepEqual(
        matchProblems($mlops, validate.stdout).map((m) => [m.line, m.column, m.code, m.message]),
        [
          ['8', '16', 'data-schema', `${LINES[0].split('data-schema: ')[1]}\n${LINES[1].slice('    hint: '.length)}`],
          ['9', '25', 'data-schema', `${LINES[2].split('data-schema: ')[1]}\n${LINES[3].slice('    hint: '.length)}`],
        ],
      );
      const profile = await spawnMlops(['data', 'profile', 'd.csv', '--format', 'problems'], dir);
      assert.equal(profile.code, 2);
      assert.match(profile.stderr, /--format problems is for data validate/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
