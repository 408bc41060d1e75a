// Hostile mlops.yaml files: one too large to read, one nested too deep to parse, thresholds that are not numbers a
// comparison can use; shapes that used to make validation quadratic or unbounded (repeated keys, aliases, thousands
// of problems), each now a bounded count of problems with a clear message. The crash cases run in a child process: a crash there fails the test instead of mocha.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCheckConfig, parseProjectConfig } from '../../../../src/core/checks/defaults/config';
import { CheckInputError, ChecksConfigError } from '../../../../src/core/checks/types';
import {
  ConfigValidator,
  loadConfig,
  MAX_LISTED_PROBLEMS,
  unreadable,
} from '../../../../src/core/formats/mlopsYaml/validate';
import { MAX_YAML_TOKENS, MAX_YAML_VALUES, nestingBeyond } from '../../../../src/core/formats/yamlText';

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

describe('mlops.yaml on hostile text: bounded work, clear errors', () => {
  const validator = new ConfigValidator();
  const codes = (text: string) => validator.validate(text).problems.map((p) => [p.code, p.severity]);

  it('sees block nesting after a flow collection that a short line cut off (the depth scan used to miss it)', () => {
    // `{ id: x` is never closed: the next, less indented line ends it, and the nesting after it is block nesting.
    const text = `version: 1\nchecks:\n  - { id: x\n- ${'- '.repeat(100)}a\n`;
    const excess = nestingBeyond(text);
    assert.ok(excess, 'the scan must see the 100 levels');
    assert.equal(excess.line, 3);
    const [problem, ...others] = validator.validate(text).problems;
    assert.deepEqual(others, []);
    assert.deepEqual([problem?.code, problem?.line], ['too-deep', 3]);
    assert.match(problem?.message ?? '', /nested more than 64 levels deep \(at line 4, column \d+\)/);
  });

  it('lists the first 100 problems in file order and counts the rest in one more', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => `section${i}: 1`);
    const { problems } = validator.validate(`version: 1\n${keys.join('\n')}\n`);
    assert.equal(problems.length, MAX_LISTED_PROBLEMS + 1);
    assert.deepEqual(
      problems.slice(0, 3).map((p) => [p.code, p.line]),
      [
        ['unknown-key', 1],
        ['unknown-key', 2],
        ['unknown-key', 3],
      ],
    );
    const summary = problems[MAX_LISTED_PROBLEMS];
    assert.deepEqual([summary?.code, summary?.severity, summary?.line], ['unknown-key', 'warning', 101]);
    assert.equal(
      summary?.message,
      '4900 more problems in mlops.yaml from here on (4900 warnings) are not listed: only the first 100 are. Fix these and validate again.',
    );
    // Suggestions are made for the listed problems.
    assert.match(problems[0]?.message ?? '', /Known keys: version, project, /);
  });

  it('finds thousands of repeated keys in one pass and still reports the file as unreadable YAML', () => {
    const validation = validator.validate(`version: 1\n${'project: p\n'.repeat(3000)}`);
    const { problems } = validation;
    assert.equal(problems.length, MAX_LISTED_PROBLEMS + 1);
    assert.deepEqual(
      problems.slice(0, 2).map((p) => [p.code, p.severity, p.line, p.column, p.message]),
      [
        ['yaml-syntax', 'error', 2, 0, 'YAML: Map keys must be unique.'],
        ['yaml-syntax', 'error', 3, 0, 'YAML: Map keys must be unique.'],
      ],
    );
    assert.match(problems[MAX_LISTED_PROBLEMS]?.message ?? '', /^2899 more problems in mlops\.yaml .*\(2899 errors\)/);
    assert.equal(unreadable(validation)?.code, 'yaml-syntax');
  });

  it('refuses text with more YAML tokens than a configuration has before parsing it', () => {
    const text = `version: 1\nexclude: [${'a,'.repeat(MAX_YAML_TOKENS / 2)}a]\n`;
    const problems = validator.validate(text).problems;
    assert.deepEqual(
      problems.map((p) => [p.code, p.severity, p.line]),
      [['too-many-values', 'error', 1]],
    );
    assert.match(problems[0]?.message ?? '', /^mlops\.yaml has more than 200,000 YAML tokens .* it is not read\./);
  });

  it('refuses aliases that expand to more values than the limit ("billion laughs") with the alias position', () => {
    const lines = ['version: 1', `a0: &a0 [${Array(10).fill('x').join(', ')}]`];
    for (let level = 1; level <= 6; level++)
      lines.push(
        `a${level}: &a${level} [${Array(10)
          .fill(`*a${level - 1}`)
          .join(', ')}]`,
      );
    const problems = validator.validate(`${lines.join('\n')}\n`).problems;
    assert.deepEqual(
      problems.map((p) => [p.code, p.severity, p.line]),
      [['too-many-values', 'error', 5]],
    );
    // a4 is the first to pass the limit: 1 + 10 x 11,111 values.
    assert.match(problems[0]?.message ?? '', /more than 100,000 values \(at line 6, column \d+, aliases expanded\)/);
    assert.equal(MAX_YAML_VALUES, 100_000);
  });

  it('refuses an alias inside the collection it names instead of building an endless structure', () => {
    const problems = validator.validate('version: 1\nmodels: &x [*x]\n').problems;
    assert.deepEqual(
      problems.map((p) => [p.code, p.severity, p.line, p.column]),
      [['yaml-syntax', 'error', 1, 12]],
    );
    assert.match(problems[0]?.message ?? '', /alias \*x .* is inside the collection it names/);
  });

  it('counts nesting through aliases against the depth limit', () => {
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
    const text = `version: 1\na: &deep ${deep}\nb: ${'['.repeat(30)}*deep${']'.repeat(30)}\n`;
    assert.deepEqual(codes(text), [['too-deep', 'error']]);
  });

  it('writes no warning on the process for collection keys, and names such keys shortly', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const { problems } = validator.validate(`version: 1\n? [${'a, '.repeat(1000)}b]\n: 1\n`);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings, []);
      assert.equal(problems.length, 1);
      assert.match(problems[0]?.message ?? '', /^Unknown top-level section "\[ a, a, a, .{0,30}\.\.\."/);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('quotes at most 80 characters of a value and lists at most 10 known names in a message', () => {
    const datasets = Array.from({ length: 2000 }, (_, i) => `  - { name: dataset-${i}, path: d${i} }`);
    const text = [
      'version: 1',
      'models:',
      `  - { name: m, path: m.pkl, stage: ${'x'.repeat(10_000)}, datasets: [${'y'.repeat(5000)}] }`,
      'datasets:',
      ...datasets,
      '',
    ].join('\n');
    const problems = validator.validate(text).problems;
    const stage = problems.find((p) => p.path === 'models[0].stage');
    const dataset = problems.find((p) => p.code === 'unknown-dataset');
    assert.ok(stage && dataset);
    assert.ok(stage.message.length < 300, stage.message);
    assert.match(stage.message, /found the text "x{77}\.\.\."/);
    assert.ok(dataset.message.length < 500, dataset.message);
    assert.match(dataset.message, /Known datasets: dataset-0, .*, dataset-9 and 1990 more\.$/);
  });
});
