// Hostile mlops.yaml files: one too large to read, one nested too deep to parse, thresholds that are not numbers a
// comparison can use. The crash cases run in a child process: a crash there fails the test instead of mocha.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCheckConfig, parseProjectConfig } from '../../../../src/core/checks/defaults/config';
import { CheckInputError, ChecksConfigError } from '../../../../src/core/checks/types';
import { ConfigValidator, loadConfig } from '../../../../src/core/formats/mlopsYaml/validate';

const outRoot = path.resolve(__dirname, '..', '..', '..', '..');

/** Runs loadCheckConfig(folder) in a child Node with a small heap; prints the error message or 'loaded'. */
function loadInChild(folder: string): { status: number | null; signal: string | null; output: string } {
  const loader = path.join(outRoot, 'src', 'core', 'checks', 'defaults', 'config.js');
  const script = `require(${JSON.stringify(loader)}).loadCheckConfig(${JSON.stringify(folder)}).then(
    () => console.log('loaded'),
    (err) => console.log(err.name + ': ' + String(err.message).split('\\n').slice(0, 3).join(' | ')),
  );`;
  const result = spawnSync(process.execPath, ['--max-old-space-size=256', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, signal: result.signal, output: `${result.stdout}${result.stderr}`.trim() };
}

/** A block sequence nested `depth` levels deep, one level per line. */
function nestedSequence(depth: number): string {
  let text = '';
  for (let level = 0; level < depth; level++) text += `${'  '.repeat(level)}-\n`;
  return text;
}

describe('mlops.yaml limits', () => {
  let folder = '';
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-limits-'));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('refuses a file over 2 MB before reading it: the validator never sees it', async () => {
    fs.writeFileSync(path.join(folder, 'mlops.yaml'), `version: 1\nexclude:\n${'  - a\n'.repeat(600_000)}`);
    const spy = new ConfigValidator();
    let validated = 0;
    spy.validate = () => {
      validated++;
      throw new Error('the validator must not run on a file over the limit');
    };
    const loaded = await loadConfig(folder, spy);
    assert.equal(validated, 0);
    assert.deepEqual(
      loaded.validation.problems.map((p) => [p.code, p.severity, p.line, p.column]),
      [['too-large', 'error', 0, 0]],
    );
    assert.match(loaded.validation.problems[0].message, /^mlops\.yaml is 3600020 bytes; it must be under 2 MB\./);
    await assert.rejects(
      loadCheckConfig(folder, spy),
      (err: unknown) => err instanceof CheckInputError && /3600020 bytes; it must be under 2 MB/.test(err.message),
    );
    assert.equal(validated, 0);
  });

  it('refuses a 50 MB file within a 256 MB heap (it used to parse it first: seconds and gigabytes)', () => {
    const line = '  - models/some/fairly/long/path/to/a/model/file.pkl\n';
    const chunk = line.repeat(Math.ceil((1024 * 1024) / line.length));
    const fd = fs.openSync(path.join(folder, 'mlops.yaml'), 'w');
    fs.writeSync(fd, 'version: 1\nexclude:\n');
    for (let i = 0; i < 50; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    const started = Date.now();
    const result = loadInChild(folder);
    assert.equal(result.signal, null, result.output);
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /^CheckInputError: mlops\.yaml is \d{8} bytes; it must be under 2 MB\./);
    assert.ok(Date.now() - started < 30_000);
  });

  it('refuses a block sequence nested 1,000 deep with a positioned error instead of crashing', () => {
    fs.writeFileSync(path.join(folder, 'mlops.yaml'), nestedSequence(1000));
    const result = loadInChild(folder);
    assert.equal(result.signal, null, result.output.slice(0, 400));
    assert.equal(result.status, 0, result.output.slice(0, 400));
    assert.match(result.output, /^ChecksConfigError: /);
    assert.match(result.output, /mlops\.yaml:65:129: .*nested more than 64 levels deep/);
  });

  it('gives the depth error with its position in the editor too, for block and flow nesting alike', () => {
    const validator = new ConfigValidator();
    const block = validator.validate(nestedSequence(1000));
    assert.deepEqual(
      block.problems.map((p) => [p.code, p.severity, p.line, p.column]),
      [['too-deep', 'error', 64, 128]],
    );
    assert.match(block.problems[0].message, /nested more than 64 levels deep/);
    const flow = validator.validate(`version: 1\nexclude: ${'['.repeat(200_000)}`);
    assert.deepEqual(
      flow.problems.map((p) => [p.code, p.line, p.column]),
      [['too-deep', 1, 72]],
    );
    // Brackets inside quotes, comments and block text are not nesting; 10 real levels are fine.
    const fine = validator.validate(
      [
        'version: 1',
        `project: "${'['.repeat(100)}" # ${'{'.repeat(100)}`,
        'models:',
        '  - name: m',
        `    description: |`,
        `      ${'['.repeat(100)}`,
        '    path: m.pkl',
        `    tags: [[[[[[[[[a]]]]]]]]]`,
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      fine.problems.filter((p) => p.code === 'too-deep'),
      [],
    );
  });

  it('rejects NaN and infinite thresholds and bounds with a positioned error, so no check compares with them', () => {
    const text = [
      'version: 1',
      'metrics:',
      '  - key: f1',
      '    goal: maximize',
      '    threshold: .nan',
      '  - key: loss',
      '    threshold: -.inf',
      'checks:',
      '  - type: metric-threshold',
      '    options: { min: .inf }',
      '',
    ].join('\n');
    const problems = new ConfigValidator().validate(text).problems;
    assert.deepEqual(
      problems.map((p) => [p.path, p.line, p.column]),
      [
        ['metrics[0].threshold', 4, 15],
        ['metrics[1].threshold', 6, 15],
        ['checks[0].options.min', 9, 20],
      ],
    );
    assert.match(problems[0].message, /^metrics\[0\]\.threshold must be a finite number \(found \.nan\)\.$/);
    assert.match(problems[1].message, /must be a finite number \(found -\.inf\)/);
    assert.throws(
      () => parseProjectConfig(text),
      (err: unknown) =>
        err instanceof ChecksConfigError &&
        err.problems.length === 3 &&
        err.problems.every((p) => /must be a finite number/.test(p.message) && p.position !== undefined) &&
        !/below the minimum NaN/.test(err.message),
    );
  });
});
