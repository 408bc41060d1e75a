import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILTIN_CHECK_TYPES } from '../../../../src/core/checks/builtinTypes';
import { checksSchema } from '../../../../src/core/checks/engine';
import { starterConfig } from '../../../../src/core/formats/mlopsYaml/starter';
import {
  ConfigError,
  ConfigValidator,
  configSchema,
  loadConfig,
  validateConfig,
  type ConfigProblem,
} from '../../../../src/core/formats/mlopsYaml/validate';
import { notebooksConfigSchema } from '../../../../src/core/notebooks/config';

const repositoryRoot = path.resolve(__dirname, '..', '..', '..', '..', '..');

/** The demo workspace's mlops.yaml, as the demo generator writes it. */
function demoConfig(): string {
  const source = fs.readFileSync(path.join(repositoryRoot, 'scripts', 'demo', 'generate.mjs'), 'utf8');
  const match = /'mlops\.yaml': `([^`]*)`/.exec(source);
  assert.ok(match, 'the demo generator defines mlops.yaml');
  return match[1];
}

const validator = new ConfigValidator();
const check = (text: string) => validator.validate(text);
const only = (problems: ConfigProblem[], code: string) => problems.filter((p) => p.code === code);

describe('mlops.yaml schema', () => {
  it('is draft-07 with an $id, and every property has a title, a description and a markdownDescription', () => {
    assert.equal(configSchema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.match(String(configSchema.$id), /mlops/);
    const missing: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (!node || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (record.properties && typeof record.properties === 'object') {
        for (const [key, property] of Object.entries(record.properties as Record<string, Record<string, unknown>>)) {
          for (const field of ['title', 'description', 'markdownDescription'])
            if (typeof property[field] !== 'string') missing.push(`${where}.${key}.${field}`);
          walk(property, `${where}.${key}`);
        }
      }
      for (const key of ['items', 'definitions']) {
        const child = record[key];
        if (child && typeof child === 'object') {
          if (key === 'definitions') for (const [name, def] of Object.entries(child)) walk(def, `#${name}`);
          else walk(child, `${where}[]`);
        }
      }
    };
    walk(configSchema, '');
    assert.deepEqual(missing, []);
  });

  it('ships the same schema to editors as dist/mlops.schema.json (written by the build)', () => {
    const built = path.join(repositoryRoot, 'dist', 'mlops.schema.json');
    assert.ok(fs.existsSync(built), `${built} is missing: run node scripts/build.mjs first`);
    const file = JSON.parse(fs.readFileSync(built, 'utf8')) as unknown;
    assert.deepEqual(file, configSchema);
  });

  it('accepts the starter configuration without any problem', () => {
    const result = check(starterConfig('fraud-detection'));
    assert.deepEqual(result.problems, []);
    assert.equal(result.config.project, 'fraud-detection');
    assert.deepEqual(
      result.config.models.map((m) => [m.name, m.path, m.stage, m.datasets, m.metrics]),
      [['classifier', 'models/classifier.pkl', 'dev', ['training-data'], ['metrics/eval.json']]],
    );
    assert.deepEqual(result.config.conventions, {
      models: ['models/{name}/{name}-v{version}.{ext}'],
      datasets: ['data/{name}.{ext}'],
    });
    assert.deepEqual(result.config.exclude, ['**/scratch/**']);
  });

  it("accepts the demo workspace's mlops.yaml without any problem", () => {
    const result = check(demoConfig());
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.config.models.map((m) => m.name),
      ['fraud-classifier', 'fraud-classifier-onnx'],
    );
    assert.deepEqual(result.config.models[0].tags, ['fraud', 'tabular']);
    assert.equal(result.config.metrics.find((m) => m.key === 'fraud_loss_prevented_usd')?.unit, 'USD');
    assert.deepEqual(result.config.exclude, ['data/prepared/**']);
  });
});

describe('validateConfig', () => {
  it('reports a wrong enum value at the value, with the allowed values', () => {
    const text = 'version: 1\nmodels:\n  - name: a\n    path: a.pkl\n    stage: prod\n';
    const [problem] = check(text).problems;
    assert.deepEqual(problem, {
      severity: 'error',
      code: 'enum',
      path: 'models[0].stage',
      line: 4,
      column: 11,
      endLine: 4,
      endColumn: 15,
      message: 'models[0].stage must be one of dev, staging, production, archived (found the text "prod").',
      segments: ['models', 0, 'stage'],
    });
  });

  it('reports wrong types in words a person understands', () => {
    const text =
      'version: 1\nmodels:\n  - name: a\n    path: a.pkl\n    tags: fraud\nmetrics:\n  - key: f1\n    threshold: high\n';
    const problems = check(text).problems;
    assert.deepEqual(
      problems.map((p) => [p.path, p.line, p.column, p.message]),
      [
        ['models[0].tags', 4, 10, 'models[0].tags must be a list (found the text "fraud").'],
        ['metrics[0].threshold', 7, 15, 'metrics[0].threshold must be a number (found the text "high").'],
      ],
    );
  });

  it('points a missing key at the key of the mapping that lacks it, or at the first key of a list item', () => {
    const problems = check('project: p\nmodels:\n  - description: no name or path\n').problems;
    assert.deepEqual(
      problems.map((p) => [p.code, p.path, p.line, p.column, p.endColumn, p.message]),
      [
        ['missing-key', 'version', 0, 0, 7, 'The file is missing "version".'],
        ['missing-key', 'models[0].name', 2, 4, 15, 'models[0] is missing "name".'],
        ['missing-key', 'models[0].path', 2, 4, 15, 'models[0] is missing "path".'],
      ],
    );
  });

  it('warns (not errors) about unknown top-level sections and unknown keys, suggesting the closest known key', () => {
    const result = check('version: 1\nregistry:\n  - id: x\nmodels:\n  - name: a\n    path: a.pkl\n    stge: dev\n');
    assert.deepEqual(
      result.problems.map((p) => [p.severity, p.code, p.path, p.line, p.column, p.endColumn]),
      [
        ['warning', 'unknown-key', 'registry', 1, 0, 8],
        ['warning', 'unknown-key', 'models[0].stge', 6, 4, 8],
      ],
    );
    assert.match(result.problems[0].message, /Unknown top-level section "registry"/);
    assert.match(result.problems[1].message, /Did you mean "stage"\?/);
    assert.deepEqual(result.config.unknownSections, { registry: [{ id: 'x' }] });
  });

  it('validates the checks and notebooks sections with positions, and keeps them in the configuration', () => {
    const text = [
      'version: 1',
      'checks:',
      '  - { id: names, type: naming-convention, scope: models }',
      '  - type: lineag',
      '  - type: staleness',
      '    scope: everything',
      '    options: { maxAgeDays: 30, maxAge: 2 }',
      'notebooks:',
      '  strip:',
      '    keepOutput: yes please',
      '',
    ].join('\n');
    const result = check(text);
    assert.deepEqual(
      result.problems.map((p) => [p.severity, p.code, p.path, p.line, p.column, p.endColumn]),
      [
        ['error', 'enum', 'checks[1].type', 3, 10, 16],
        ['error', 'anyOf', 'checks[2].scope', 5, 11, 21],
        ['error', 'unknown-key', 'checks[2].options.maxAge', 6, 31, 37],
        ['error', 'type', 'notebooks.strip.keepOutput', 9, 16, 26],
      ],
    );
    assert.match(result.problems[0].message, /checks\[1\]\.type must be one of metric-threshold, .*lineage/);
    assert.match(
      result.problems[1].message,
      /checks\[2\]\.scope is not valid \(found the text "everything"\): What the check looks at/,
    );
    assert.match(
      result.problems[2].message,
      /^Unknown key "maxAge" in checks\[2\]\.options: the checks do not run with it\. Known keys: maxAgeDays, datasets, metrics\.$/,
    );
    const valid = check('version: 1\nchecks:\n  - { type: lineage }\nnotebooks:\n  strip: { keepCount: true }\n');
    assert.deepEqual(valid.problems, []);
    assert.deepEqual(valid.config.checks, [{ type: 'lineage' }]);
    assert.deepEqual(valid.config.notebooks, { strip: { keepCount: true } });
    assert.deepEqual(valid.config.unknownSections, {});
  });

  it('composes the checks and notebooks fragments in by code: the same objects, plus markdownDescription for editors', () => {
    const withoutMarkdown = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(withoutMarkdown);
      if (!node || typeof node !== 'object') return node;
      return Object.fromEntries(
        Object.entries(node)
          .filter(([key]) => key !== 'markdownDescription')
          .map(([key, value]) => [key, withoutMarkdown(value)]),
      );
    };
    const properties = (configSchema as { properties: Record<string, Record<string, unknown>> }).properties;
    assert.deepEqual(withoutMarkdown(properties.checks), JSON.parse(JSON.stringify(checksSchema)));
    assert.deepEqual(withoutMarkdown(properties.notebooks), JSON.parse(JSON.stringify(notebooksConfigSchema)));
    // What editors show comes from the fragments: a title and a description written once, where the reader is.
    const items = properties.checks.items as { properties: Record<string, Record<string, unknown>> };
    assert.equal(items.properties.severity.title, 'Severity');
    assert.equal(
      items.properties.severity.markdownDescription,
      'How serious a finding is (default depends on the type).',
    );
    const strip = (properties.notebooks.properties as Record<string, { properties: Record<string, object> }>).strip;
    assert.deepEqual(strip.properties.keepCount, {
      title: 'Keep count',
      type: 'boolean',
      description: 'Keep execution counts.',
      markdownDescription: 'Keep execution counts.',
    });
    // A check type's options (with their titles) reach the schema from the check type itself.
    const threshold = BUILTIN_CHECK_TYPES.find((t) => t.type === 'metric-threshold');
    assert.equal((threshold?.options.min as { title?: string }).title, 'Min');
    const branches = (properties.checks.items as { allOf: { then: { properties: { options: object } } }[] }).allOf;
    assert.deepEqual(withoutMarkdown(branches[0]?.then.properties.options), {
      type: 'object',
      additionalProperties: false,
      properties: JSON.parse(JSON.stringify(threshold?.options)) as unknown,
    });
  });

  it('rejects another format version and placeholders that do not exist', () => {
    const problems = check(
      'version: 2\nconventions:\n  models: "models/{nam}.{ext}"\n  notebooks: ["ok/{name}.ipynb", "{when}.ipynb"]\n',
    ).problems;
    assert.deepEqual(
      problems.map((p) => [p.code, p.path, p.line]),
      [
        ['const', 'version', 0],
        ['pattern', 'conventions.models', 2],
        ['pattern', 'conventions.notebooks[1]', 3],
      ],
    );
    assert.match(problems[0].message, /version must be 1 \(found the number 2\)/);
    assert.match(problems[1].message, /may use only the placeholders \{name\}, \{version\}, \{date\} and \{ext\}/);
  });

  it('reports duplicate names and dataset references that do not exist', () => {
    const text = [
      'version: 1',
      'models:',
      '  - name: clf',
      '    path: a.pkl',
      '    datasets: [train, tset]',
      '  - name: clf',
      '    path: b.pkl',
      'datasets:',
      '  - name: train',
      '    path: train.csv',
      '  - name: test',
      '    path: test.csv',
      '',
    ].join('\n');
    const problems = check(text).problems;
    assert.deepEqual(
      problems.map((p) => [p.severity, p.code, p.path, p.line, p.column, p.endColumn]),
      [
        ['error', 'unknown-dataset', 'models[0].datasets[1]', 4, 22, 26],
        ['error', 'duplicate-name', 'models[1].name', 5, 10, 13],
      ],
    );
    assert.match(problems[0].message, /names "tset", which is not in the datasets section\. Did you mean "test"\?/);
    assert.match(problems[1].message, /already used by models\[0\]/);
  });

  it('warns about absolute paths and paths outside the workspace', () => {
    const problems = check(
      'version: 1\ndatasets:\n  - name: a\n    path: /data/a.csv\n  - name: b\n    path: ../b.csv\n',
    ).problems;
    assert.deepEqual(
      problems.map((p) => [p.severity, p.code, p.line]),
      [
        ['warning', 'absolute-path', 3],
        ['warning', 'outside-path', 5],
      ],
    );
  });

  it('reports a YAML syntax error with its line and column and still returns a configuration', () => {
    const result = check('version: 1\nproject: p\nmodels: [a, b\n');
    const syntax = only(result.problems, 'yaml-syntax');
    assert.equal(syntax.length, result.problems.length);
    assert.ok(syntax.length >= 1);
    assert.equal(syntax[0].severity, 'error');
    assert.equal(syntax[0].line, 3);
    assert.match(syntax[0].message, /^YAML: /);
    assert.equal(result.config.version, 1);
  });

  it('reports a duplicate YAML key at the second occurrence', () => {
    const [problem] = check('version: 1\nproject: a\nproject: b\n').problems;
    assert.deepEqual([problem.code, problem.severity, problem.line, problem.column], ['yaml-syntax', 'error', 2, 0]);
    assert.match(problem.message, /unique/);
  });

  it('treats an empty file (or one of comments) as an empty configuration with a warning', () => {
    for (const text of ['', '\n\n', '# nothing yet\n']) {
      const result = check(text);
      assert.equal(result.empty, true);
      assert.deepEqual(
        result.problems.map((p) => [p.severity, p.code, p.line, p.column]),
        [['warning', 'empty', 0, 0]],
      );
      assert.deepEqual(result.config.models, []);
    }
  });

  it('rejects a top level that is not a mapping', () => {
    for (const [text, found] of [
      ['- a\n- b\n', 'a list'],
      ['just text\n', 'the text "just text"'],
    ]) {
      const [problem] = check(text).problems;
      assert.equal(problem.severity, 'error');
      assert.equal(problem.code, 'type');
      assert.ok(problem.message.endsWith(`not ${found}.`), problem.message);
    }
  });

  it('returns the usable part of a broken configuration, with defaults filled', () => {
    const text =
      'version: 1\nmodels:\n  - name: a\n    path: ./models\\a.pkl/\n    stage: prod\n    tags: [x, 3]\n  - 42\n  - path: b.onnx\nmetrics:\n  - key: f1\n    goal: up\n    threshold: 0.8\n  - label: no key\n';
    const { config } = check(text);
    assert.deepEqual(config.models, [
      { name: 'a', path: 'models/a.pkl', datasets: [], metrics: [], tags: ['x'], position: { line: 3, column: 5 } },
      { name: 'b.onnx', path: 'b.onnx', datasets: [], metrics: [], tags: [], position: { line: 8, column: 5 } },
    ]);
    assert.deepEqual(config.metrics, [{ key: 'f1', threshold: 0.8, position: { line: 10, column: 5 } }]);
    assert.deepEqual([config.project, config.datasets, config.exclude, config.conventions], ['', [], [], {}]);
  });

  it('resolves anchors and aliases and reports positions through them', () => {
    const text =
      'version: 1\nx-defaults: &owner\n  owner: ml\nmodels:\n  - name: a\n    path: a.pkl\n    stage: *owner\n';
    const problems = check(text).problems;
    const stage = problems.find((p) => p.path === 'models[0].stage');
    assert.ok(stage);
    assert.equal(stage.line, 6);
    assert.match(stage.message, /must be text \(found a mapping\)/);
  });

  it('compiles the schema once per validator, and the convenience function agrees with it', () => {
    const text = starterConfig('x');
    const { positionOf: convenient, ...viaFunction } = validateConfig(text);
    const { positionOf: compiled, ...viaValidator } = check(text);
    assert.deepEqual(viaFunction, viaValidator);
    assert.deepEqual(convenient?.(['models', 0]), compiled?.(['models', 0]));
  });
});

describe('loadConfig', () => {
  let folder = '';
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-config-'));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('gives the empty configuration without problems when there is no mlops.yaml', async () => {
    const loaded = await loadConfig(folder);
    assert.equal(loaded.exists, false);
    assert.deepEqual(loaded.validation.problems, []);
    assert.equal(loaded.file, path.join(folder, 'mlops.yaml'));
  });

  it('reads and validates the file (a byte-order mark is fine)', async () => {
    fs.writeFileSync(path.join(folder, 'mlops.yaml'), `\uFEFF${starterConfig('p')}`);
    const loaded = await loadConfig(folder);
    assert.equal(loaded.exists, true);
    assert.deepEqual(loaded.validation.problems, []);
    assert.equal(loaded.validation.config.project, 'p');
  });

  it('reports a binary file as one error instead of YAML noise', async () => {
    fs.writeFileSync(path.join(folder, 'mlops.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    const loaded = await loadConfig(folder);
    assert.deepEqual(
      loaded.validation.problems.map((p) => p.code),
      ['binary'],
    );
  });

  it('throws a ConfigError naming the file when mlops.yaml is a folder', async () => {
    fs.mkdirSync(path.join(folder, 'mlops.yaml'));
    await assert.rejects(
      loadConfig(folder),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.includes(path.join(folder, 'mlops.yaml')) &&
        /is a folder/.test(err.message),
    );
  });
});
