// One project, one answer: on the demo and on the projects the real tools wrote (test/fixtures, made by
// test/interop), the explorer's discovery, the metric sources, the checks and the CLI (a real child process) report
// the same models, datasets and metric values, NaN and the infinities included.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createDefaultContext } from '../../src/core/checks/defaults/context';
import { ConfigValidator, loadConfig } from '../../src/core/formats/mlopsYaml/validate';
import { latest, type Run } from '../../src/core/metrics/model';
import { readSources, type ListedSource } from '../../src/core/metrics/sources/discover';
import { discoverWorkspace } from '../../src/core/workspace/discovery';
import { spawnMlops } from '../helpers/cliBundle';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');

type Values = Record<string, number | string>;

/** A value as every JSON report writes it: NaN and the infinities as strings. */
function jsonValue(v: number | string): number | string {
  if (typeof v === 'string' || Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

function runValues(run: Run): Values {
  const out: Values = {};
  for (const s of run.metrics) {
    const p = latest(s);
    if (p) out[s.key] = jsonValue(p.value);
  }
  for (const t of run.textMetrics ?? []) out[t.key] = t.value;
  return out;
}

/** Latest values by metrics file (the workspace run's series name their file). */
function valuesByFile(runs: readonly Run[]): Record<string, Values> {
  const out: Record<string, Values> = {};
  for (const run of runs) {
    for (const s of run.metrics) {
      const p = latest(s);
      if (p) (out[s.file ?? ''] ??= {})[s.key] = jsonValue(p.value);
    }
    for (const t of run.textMetrics ?? []) (out[t.file ?? ''] ??= {})[t.key] = t.value;
  }
  return out;
}

interface CliShow {
  files: Record<string, Values>;
  errors: { message: string }[];
  sources: { kind: string; where: string; runs: { id: string; metrics: Values }[] }[];
}

interface Project {
  name: string;
  root: string;
  /** Runs the checks too (the project has an mlops.yaml). */
  checks: boolean;
  /** Source kinds with runs the project must show. */
  kinds: string[];
}

describe('consistency: explorer, metric sources, checks and the CLI agree', function () {
  this.timeout(300_000);
  let tmp: string;
  const projects: Project[] = [];

  before(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-consistency-')));
    const demo = path.join(tmp, 'demo');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'demo', 'generate.mjs'), demo], { stdio: 'pipe' });
    projects.push({ name: 'demo', root: demo, checks: true, kinds: ['dvc', 'git'] });

    const written = path.join(tmp, 'dvc-mlflow');
    fs.cpSync(path.join(FIXTURES, 'workspace', 'project'), written, { recursive: true });
    projects.push({ name: 'DVC + MLflow registry', root: written, checks: false, kinds: ['dvc'] });

    const dvclive = path.join(tmp, 'dvclive');
    fs.cpSync(path.join(FIXTURES, 'dvc', 'workspace'), dvclive, { recursive: true });
    projects.push({ name: 'DVC workspace with DVCLive', root: dvclive, checks: false, kinds: ['file'] });

    const trackers = path.join(tmp, 'trackers');
    fs.mkdirSync(trackers);
    fs.cpSync(path.join(FIXTURES, 'mlflow', 'mlruns'), path.join(trackers, 'mlruns'), { recursive: true });
    fs.writeFileSync(
      path.join(trackers, 'mlflow.db'),
      zlib.gunzipSync(fs.readFileSync(path.join(FIXTURES, 'mlflow', 'mlflow.db.gz'))),
    );
    fs.cpSync(path.join(FIXTURES, 'tensorboard', 'logs'), path.join(trackers, 'logs'), { recursive: true });
    projects.push({
      name: 'MLflow and TensorBoard',
      root: trackers,
      checks: false,
      kinds: ['mlflow-file', 'mlflow-sqlite', 'tensorboard'],
    });

    // Python's yaml.dump writes .nan and .inf, its json.dump NaN and Infinity: every reader must keep them.
    const special = path.join(tmp, 'special');
    fs.mkdirSync(path.join(special, 'metrics'), { recursive: true });
    fs.mkdirSync(path.join(special, 'models'), { recursive: true });
    fs.writeFileSync(path.join(special, 'models', 'churn.pkl'), 'weights');
    fs.writeFileSync(path.join(special, 'metrics', 'eval.yaml'), 'f1: .nan\nloss: .inf\nmargin: -.inf\nauc: 0.91\n');
    // The text Python's json.dumps writes for {precision: nan, recall: inf, drift: -inf, acc: 0.8}.
    fs.writeFileSync(
      path.join(special, 'metrics', 'scores.json'),
      '{"precision": NaN, "recall": Infinity, "drift": -Infinity, "acc": 0.8}',
    );
    fs.writeFileSync(
      path.join(special, 'mlops.yaml'),
      'version: 1\nproject: special\nmodels:\n  - name: churn\n    path: models/churn.pkl\n    metrics: [metrics/eval.yaml, metrics/scores.json]\n' +
        'metrics:\n  - { key: auc, goal: maximize, threshold: 0.5 }\n  - { key: precision, goal: maximize, threshold: 0.5 }\n' +
        'checks:\n  - { id: thresholds, type: metric-threshold }\n',
    );
    projects.push({ name: 'NaN and infinities', root: special, checks: true, kinds: ['file'] });
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const validator = new ConfigValidator();
  const names = [
    'the demo',
    'the DVC + MLflow project written by dvc and mlflow',
    'the DVC workspace written by dvc and dvclive',
    'the MLflow store, database and TensorBoard logs written by the tools',
    'a project with NaN and infinities',
  ];
  for (const [index, title] of names.entries()) {
    it(`${title}: the same models, datasets and metric values everywhere`, async () => {
      const project = projects[index];
      const { root } = project;
      const config = (await loadConfig(root, validator)).validation.config;
      const modelMetrics = config.models.flatMap((m) => m.metrics);

      // Metric sources (the core list) and the CLI, as a real process.
      const sources: ListedSource[] = await readSources(root, { modelMetrics });
      const env = { MLFLOW_TRACKING_URI: '', MLFLOW_TRACKING_TOKEN: '' };
      const shown = await spawnMlops(['metrics', 'show', '--json', '--kind', 'all'], root, env);
      const cli = JSON.parse(shown.stdout) as CliShow;
      assert.deepEqual(cli.errors, [], `${project.name}: ${shown.stderr}`);
      for (const kind of project.kinds)
        assert.ok(
          sources.some((s) => s.kind === kind && s.runs.length > 0),
          `${project.name}: ${kind} runs (${sources.map((s) => `${s.kind} ${s.runs.length}`).join(', ')})`,
        );
      const workspace = sources.filter((s) => s.kind === 'file' || s.kind === 'dvc');
      assert.deepEqual(cli.files, valuesByFile(workspace.flatMap((s) => s.runs)), `${project.name}: workspace files`);
      const others = sources.filter((s) => s.kind !== 'file' && s.kind !== 'dvc');
      assert.deepEqual(
        cli.sources.map((s) => `${s.kind} ${s.where}`),
        others.map((s) => `${s.kind} ${s.where}`),
      );
      for (const source of others) {
        const listed = cli.sources.find((s) => s.kind === source.kind && s.where === source.where)!;
        assert.deepEqual(
          Object.fromEntries(listed.runs.map((r) => [r.id, r.metrics])),
          Object.fromEntries(source.runs.map((r) => [r.id, runValues(r)])),
          `${project.name}: ${source.kind} ${source.where}`,
        );
      }

      // The explorer lists every model and dataset of the config, by the config's names.
      const explored = await discoverWorkspace({ root, config });
      const names = (kind: string) =>
        explored.items
          .filter((i) => i.kind === kind && i.source === 'config')
          .map((i) => i.name)
          .sort();
      assert.deepEqual(names('model'), config.models.map((m) => m.name).sort(), `${project.name}: models`);
      assert.deepEqual(names('dataset'), config.datasets.map((d) => d.name).sort(), `${project.name}: datasets`);
      for (const model of config.models)
        assert.deepEqual(
          explored.items.find((i) => i.kind === 'model' && i.name === model.name)?.metrics,
          model.metrics,
        );

      if (!project.checks) return;
      // The checks read each model's metrics files to the same values as the metric sources and the CLI.
      const context = createDefaultContext(root);
      const checkRuns = await context.metrics.current();
      // Its runs are one per metrics file (the file is the run's location).
      const fromChecks = valuesByFile(
        checkRuns.map((r) => ({ ...r, metrics: r.metrics.map((m) => ({ ...m, file: r.source.location })) })),
      );
      for (const [file, values] of Object.entries(fromChecks))
        assert.deepEqual(values, cli.files[file], `${project.name}: ${file} as the checks read it`);
      assert.deepEqual(Object.keys(fromChecks).sort(), [...new Set(modelMetrics)].sort());
      // ... and name the same models.
      const checked = await spawnMlops(['check', '--format', 'json', '--fail-on', 'never'], root, env);
      const report = JSON.parse(checked.stdout) as { results: { model?: string; dataset?: string }[] };
      const configModels = new Set(config.models.map((m) => m.name));
      const configDatasets = new Set(config.datasets.map((d) => d.name));
      for (const r of report.results) {
        if (r.model) assert.ok(configModels.has(r.model), `${project.name}: check result for model ${r.model}`);
        if (r.dataset) assert.ok(configDatasets.has(r.dataset), `${project.name}: check result for ${r.dataset}`);
      }
      assert.ok(report.results.some((r) => r.model !== undefined));
    });
  }

  it('the special values are kept as NaN and infinities by every reader', async () => {
    const special = projects[4];
    const cli = JSON.parse((await spawnMlops(['metrics', 'show', '--json'], special.root)).stdout) as CliShow;
    assert.deepEqual(cli.files['metrics/eval.yaml'], { f1: 'NaN', loss: 'Infinity', margin: '-Infinity', auc: 0.91 });
    assert.deepEqual(cli.files['metrics/scores.json'], {
      precision: 'NaN',
      recall: 'Infinity',
      drift: '-Infinity',
      acc: 0.8,
    });
    // The checks read the JSON file through the same reader: NaN is a finding against its threshold, not an error.
    const checked = await spawnMlops(['check', '--format', 'json', '--fail-on', 'never'], special.root);
    const report = JSON.parse(checked.stdout) as { results: { status: string; message: string }[] };
    const precision = report.results.filter((r) => /\bprecision\b/.test(r.message));
    assert.deepEqual(
      precision.map((r) => [r.status, r.message]),
      [['fail', 'churn: precision is NaN, below the minimum 0.5 (goal: maximize).']],
      checked.stderr,
    );
    assert.ok(!report.results.some((r) => r.status === 'error'), checked.stdout);
    const trackers = projects[3];
    const listed = JSON.parse(
      (await spawnMlops(['metrics', 'show', '--json', '--kind', 'mlflow'], trackers.root)).stdout,
    ) as CliShow;
    for (const source of listed.sources) {
      const values = source.runs.map((r) => r.metrics).find((m) => 'ends_nan' in m);
      assert.equal(values?.ends_nan, 'NaN', source.where);
      assert.equal(values?.ends_inf, '-Infinity', source.where);
    }
  });
});
