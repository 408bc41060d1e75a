import assert from 'node:assert/strict';
import { parseProjectConfig } from '../../../src/core/checks/defaults/config';
import { checksSchema, defaultChecks, resolveChecks, runChecks } from '../../../src/core/checks/engine';
import {
  CheckCancelledError,
  ChecksConfigError,
  CheckSelectionError,
  type CheckReport,
} from '../../../src/core/checks/types';
import { BUILTIN_CHECK_TYPES } from '../../../src/core/checks/builtinTypes';
import { config, contextFor, failures, makeRepo, removeTempDirs, run } from './helpers';

/** The error of reading the config (the validator) or of resolving its checks (what a schema cannot say). */
function configError(text: string): ChecksConfigError {
  try {
    const loaded = parseProjectConfig(text);
    resolveChecks(loaded.config, { file: loaded.file, positionOf: loaded.positionOf });
  } catch (err) {
    if (err instanceof ChecksConfigError) return err;
    throw err;
  }
  assert.fail('expected a ChecksConfigError');
}

const withoutTimes = (report: CheckReport): unknown => ({
  ...report,
  durationMs: 0,
  checks: report.checks.map((c) => ({ ...c, durationMs: 0 })),
});

describe('checks engine', () => {
  after(removeTempDirs);

  it('runs the default set when the config declares no checks', () => {
    const loaded = parseProjectConfig(config('').replace('checks:\n', ''));
    const ids = resolveChecks(loaded.config).map((c) => `${c.id}:${c.type}:${c.severity}:${c.scope.kind}`);
    assert.deepEqual(ids, [
      'metric-thresholds:metric-threshold:error:models',
      'metric-regression:metric-regression:warning:models',
      'model-naming:naming-convention:warning:models',
      'dataset-naming:naming-convention:warning:datasets',
      'large-files:large-file-untracked:error:paths',
      'notebook-hygiene:notebook-hygiene:warning:notebooks',
      'lineage:lineage:warning:models',
      'staleness:staleness:info:models',
      'environment:environment:warning:paths',
      'model-card:required-files:warning:models',
      'data-schema:data-schema:error:datasets',
      'data-drift:data-drift:warning:datasets',
    ]);
    assert.deepEqual(
      resolveChecks(parseProjectConfig(config('')).config).length,
      defaultChecks(loaded.config).length,
      'an empty checks: key also means the defaults',
    );
  });

  it('fills defaults: id from the type, severity and scope from the type, enabled true', () => {
    const [check] = resolveChecks(parseProjectConfig(config('  - type: environment\n')).config);
    assert.deepEqual(
      { ...check, position: undefined },
      {
        id: 'environment',
        type: 'environment',
        severity: 'warning',
        scope: { kind: 'paths' },
        options: {},
        enabled: true,
        position: undefined,
      },
    );
  });

  it('reports schema problems with their line and column and what to use', () => {
    const err = configError(
      config(
        '  - type: metric-treshold\n  - id: strict\n    type: lineage\n    severity: fatal\n    options:\n      requireDataset: true\n    colour: red\n',
      ),
    );
    const messages = err.message.split('\n');
    assert.equal(messages.length, 4, err.message);
    assert.match(
      messages[0],
      /^mlops\.yaml:22:11: checks\[0\]\.type must be one of metric-threshold, metric-regression, /,
    );
    assert.match(
      messages.find((m) => m.includes('.severity must'))!,
      /^mlops\.yaml:25:15: checks\[1\]\.severity must be one of error, warning, info \(found the text "fatal"\)\.$/,
    );
    assert.match(
      messages.find((m) => m.includes('requireDataset'))!,
      /^mlops\.yaml:27:7: Unknown key "requireDataset" in checks\[1\]\.options: the checks do not run with it\. Did you mean "requireDatasets"\?/,
    );
    assert.match(
      messages.find((m) => m.includes('colour'))!,
      /^mlops\.yaml:28:5: Unknown key "colour" in checks\[1\]: the checks do not run with it\. Known keys: id, type/,
    );
    assert.equal(err.problems.length, 4);
  });

  it('checks option values against the check type and the scope shape', () => {
    const err = configError(
      config(
        '  - { type: large-file-untracked, options: { maxSize: 10 parsecs } }\n  - { type: metric-regression, options: { tolerance: -1, baseline: 3 } }\n  - { type: required-files, scope: { kind: models, glob: x } }\n  - { type: required-files, options: { anyOf: [] } }\n',
      ),
    );
    assert.deepEqual(
      err.problems.map((p) => p.message),
      [
        "checks[0].options.maxSize is not valid (found the text \"10 parsecs\"): Largest size allowed as a plain git blob: bytes, or text such as '10MB' or '500KB' (units of 1024). Default 10MB.",
        'checks[1].options.tolerance must be >= 0.',
        'checks[1].options.baseline must be text (found the number 3).',
        'checks[2].scope is not valid (found a mapping): What the check looks at: models, datasets, notebooks or paths; optionally narrowed by names or globs.',
        'checks[3].options.anyOf must NOT have fewer than 1 items.',
      ],
    );
    assert.equal(
      configError(config('  type: lineage\n')).message,
      'mlops.yaml:22:3: checks must be a list or empty (found a mapping).',
    );
  });

  it('rejects duplicate ids, unsupported scopes and unknown scope names', () => {
    const err = configError(
      config(
        '  - { id: a, type: lineage }\n  - { id: a, type: staleness }\n  - { id: b, type: staleness, scope: notebooks }\n  - { id: c, type: lineage, scope: { kind: models, names: [churn, nope] } }\n',
      ),
    );
    assert.deepEqual(
      err.problems.map((p) => [p.message, p.position?.line]),
      [
        ["checks[1] has the id 'a' of checks[0]; give each check a distinct id.", 23],
        ["checks[2] (staleness) cannot have scope 'notebooks'; use models.", 24],
        ["checks[3].scope.names: no model named 'nope' (known: churn).", 25],
      ],
    );
  });

  it('reports YAML syntax and shape errors of the config with positions', () => {
    assert.throws(
      () => parseProjectConfig('models:\n  - name: a\n   path: [\n'),
      (err: unknown) => err instanceof ChecksConfigError && /^mlops\.yaml:\d+:\d+: YAML: /.test(err.message),
    );
    assert.throws(
      () => parseProjectConfig('version: 1\nmodels:\n  - name: a\n'),
      /mlops\.yaml:3:5: models\[0\] is missing "path"\./,
    );
    assert.throws(
      () => parseProjectConfig('version: 1\nmetrics:\n  - key: f1\n    goal: up\n'),
      /mlops\.yaml:4:11: metrics\[0\]\.goal must be one of maximize, minimize \(found the text "up"\)\./,
    );
    assert.throws(() => parseProjectConfig('- a\n'), /must be a mapping/);
  });

  it("keeps running the other checks when one throws, and records the error as that check's result", async () => {
    const dir = makeRepo({
      'mlops.yaml': config(
        '  - { id: thresholds, type: metric-threshold }\n  - { id: environment, type: environment }\n',
      ),
      'metrics/eval.json': '{\n  "test": {"f1": 0.9,}\n}\n',
      'requirements.txt': 'x==1\n',
    });
    const report = await run(dir);
    const [error] = failures(report);
    assert.equal(error.status, 'error');
    assert.equal(error.checkId, 'thresholds');
    assert.equal(error.severity, 'error');
    assert.match(
      error.message,
      /^The check 'thresholds' \(metric-threshold\) could not run: metrics\/eval\.json:2:\d+: not valid JSON/,
    );
    assert.equal(error.location?.file, 'metrics/eval.json');
    assert.equal(error.location?.line, 2);
    assert.equal(report.checks[0].error !== undefined, true);
    assert.deepEqual(
      report.results.filter((r) => r.checkId === 'environment').map((r) => r.status),
      ['pass'],
    );
    assert.equal(report.counts.error, 1);
  });

  it('isolates a provider that throws a plain error too', async () => {
    const dir = makeRepo({
      'mlops.yaml': config('  - { id: staleness, type: staleness }\n  - { id: lineage, type: lineage }\n'),
      'metrics/eval.json': '{}',
      'models/churn/churn-v1.0.0.pkl': 'w',
    });
    const context = contextFor(dir);
    context.metrics = {
      current: () => Promise.reject(new Error('tracker offline')),
      atRevision: () => Promise.resolve([]),
      mergeBase: () => Promise.resolve(undefined),
    };
    const report = await runChecks(context);
    assert.equal(report.checks[0].error, 'tracker offline');
    assert.deepEqual(
      report.results[0].location,
      { file: 'mlops.yaml', line: 22, column: 5 },
      'points at the check declaration',
    );
    assert.ok(report.results.some((r) => r.checkId === 'lineage'));
  });

  it('reports progress, honours --only, rejects unknown ids, and is deterministic', async () => {
    const dir = makeRepo({
      'mlops.yaml': config(
        '  - { id: a, type: environment }\n  - { id: b, type: lineage }\n  - { id: c, type: staleness, enabled: false }\n',
      ),
      'requirements.txt': 'x\n',
    });
    const progress: string[] = [];
    const report = await runChecks(contextFor(dir), {
      onProgress: (p) => progress.push(`${p.completed}/${p.total}:${p.checkId ?? 'done'}`),
    });
    assert.deepEqual(progress, ['0/2:a', '1/2:b', '2/2:done'], 'disabled checks do not run');
    assert.deepEqual(withoutTimes(await runChecks(contextFor(dir))), withoutTimes(report));
    const only = await runChecks(contextFor(dir), { only: ['c'] });
    assert.deepEqual(
      only.checks.map((c) => c.id),
      ['c'],
      '--only runs a disabled check',
    );
    await assert.rejects(
      runChecks(contextFor(dir), { only: ['a', 'zz'] }),
      (err: unknown) =>
        err instanceof CheckSelectionError && /Unknown check id 'zz'\. Declared checks: a, b, c\./.test(err.message),
    );
  });

  it('can be cancelled', async () => {
    const dir = makeRepo({ 'mlops.yaml': config('  - { id: a, type: environment }\n  - { id: b, type: lineage }\n') });
    const controller = new AbortController();
    await assert.rejects(
      runChecks(contextFor(dir), {
        signal: controller.signal,
        onProgress: (p) => p.completed === 1 && controller.abort(),
      }),
      CheckCancelledError,
    );
  });

  it('exports a JSON-schema fragment naming every check type with its options', () => {
    const items = checksSchema.items as { properties: { type: { enum: string[] } }; allOf: unknown[] };
    assert.deepEqual(
      items.properties.type.enum,
      BUILTIN_CHECK_TYPES.map((t) => t.type),
    );
    assert.equal(items.allOf.length, 13);
    assert.deepEqual(JSON.parse(JSON.stringify(checksSchema)), checksSchema, 'plain JSON');
  });
});
