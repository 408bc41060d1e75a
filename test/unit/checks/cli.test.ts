// `mlops check` and `mlops init-ci` through the bundled CLI (the shared test bundle, built with the same esbuild settings as the
// product): golden outputs for every format, exit codes, the CI workflows, and the demo repository.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { FAKE, git, makeRepo, removeTempDirs, tempDir, writeFiles } from './helpers';
import { cliBundle } from '../../helpers/cliBundle';
import { parseXml } from './xml';
import { SAMPLE_CONFIG, sampleRepo } from './sample';

const ROOT = path.resolve(__dirname, '../../../..');
const GOLDEN = path.join(ROOT, 'test', 'fixtures', 'checks', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const TOOL_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

type Main = (
  argv: string[],
  io: { stdout: (t: string) => void; stderr: (t: string) => void; cwd: string; isTty: boolean },
) => Promise<number>;

let cliPath = '';
let main: Main;

/** Runs the CLI in this process (fast), as `mlops <args>` in `cwd`. */
async function cli(args: string[], cwd: string, isTty = false): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, isTty });
  return { code, stdout, stderr };
}

/** Runs the CLI as a real process. */
function spawnCli(args: string[], cwd: string): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Removes what changes from run to run: timings and the tool version (a JSON string equal to it). */
function normalize(text: string): string {
  return text
    .replace(/"durationMs": \d+/g, '"durationMs": 0')
    .replace(/time="[\d.]+"/g, 'time="0"')
    .replace(/checks? in [\d.]+ s\)/g, 'checks in 0.0 s)')
    .split(`"${TOOL_VERSION}"`)
    .join('"<version>"');
}

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (UPDATE || !fs.existsSync(file)) {
    fs.mkdirSync(GOLDEN, { recursive: true });
    fs.writeFileSync(file, actual);
    if (!UPDATE) assert.fail(`wrote the missing golden file ${name}; check it and run again`);
    return;
  }
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `golden ${name} (UPDATE_GOLDEN=1 rewrites it)`);
}

describe('mlops check (CLI)', function () {
  this.timeout(60_000);
  let sample: string;

  before(async () => {
    cliPath = await cliBundle();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    main = (require(cliPath) as { main: Main }).main;
    sample = sampleRepo();
  });
  after(removeTempDirs);

  for (const [format, extension] of [
    ['text', 'txt'],
    ['json', 'json'],
    ['junit', 'xml'],
    ['sarif', 'sarif'],
    ['markdown', 'md'],
  ] as const) {
    it(`writes the ${format} report (golden) and exits 1 on errors`, async () => {
      const result = await cli(['check', '--format', format], sample);
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stderr, '');
      assert.ok(!result.stdout.includes(FAKE.awsKeyId), 'no secret in the output');
      golden(`sample.${extension}`, normalize(result.stdout));
    });
  }

  it('colours text only on a TTY', async () => {
    assert.ok((await cli(['check', sample], ROOT, true)).stdout.includes('\u001b[31m'));
    assert.ok(!(await cli(['check', sample], ROOT, false)).stdout.includes('\u001b['));
  });

  it('writes --output atomically and prints the summary, and parses its JUnit back', async () => {
    const result = await cli(['check', '.', '--format=junit', '--output', 'reports/mlops-junit.xml'], sample);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /4 errors, 7 warnings, 2 info/);
    assert.match(result.stdout, /Wrote reports\/mlops-junit\.xml\n$/);
    const doc = parseXml(fs.readFileSync(path.join(sample, 'reports', 'mlops-junit.xml'), 'utf8'));
    assert.equal(doc.attributes.tests, '11');
    assert.deepEqual(fs.readdirSync(path.join(sample, 'reports')), ['mlops-junit.xml'], 'no temporary file left');
    fs.rmSync(path.join(sample, 'reports'), { recursive: true });
  });

  it('exit codes: 0 passing or --fail-on never, 1 failing at the level, 2 usage and config errors', async () => {
    assert.equal((await cli(['check', '--fail-on', 'never'], sample)).code, 0);
    assert.equal((await cli(['check', '--only', 'regression,naming'], sample)).code, 0, 'warnings only');
    assert.equal((await cli(['check', '--only', 'regression', '--fail-on', 'warning'], sample)).code, 1);
    const clean = makeRepo({
      'mlops.yaml': 'version: 1\nmodels: []\nchecks:\n  - type: environment\n',
      'requirements.txt': 'a==1\n',
    });
    const passing = await cli(['check', '--fail-on', 'warning'], clean);
    assert.deepEqual([passing.code, passing.stderr], [0, '']);
    assert.match(passing.stdout, /^✔ environment \(environment\) {2}1 passed\n/);
    const usage: [string[], RegExp][] = [
      [['check', '--format', 'html'], /unknown format 'html'; use one of text, json, junit, sarif, markdown/],
      [['check', '--fail-on', 'sometimes'], /--fail-on must be one of error, warning, never/],
      [['check', '--colour'], /unknown option '--colour'/],
      [['check', '--only', 'nope'], /Unknown check id 'nope'\. Declared checks: thresholds, regression/],
      [['check', 'missing-folder'], /missing-folder is not a folder/],
      [['check', 'a', 'b'], /only one folder/],
    ];
    for (const [args, message] of usage) {
      const result = await cli(args, sample);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, message);
    }
    const bad = makeRepo({ 'mlops.yaml': SAMPLE_CONFIG.replace('type: lineage', 'type: lineag') });
    const invalid = await cli(['check'], bad);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /^mlops check: mlops\.yaml:23:26: checks\[5\]\.type must be one of /);
    // Without mlops.yaml the default checks run on what is found: an empty folder passes, and stderr says why.
    const none = tempDir();
    const missing = await cli(['check'], none);
    assert.equal(missing.code, 0);
    assert.match(
      missing.stderr,
      /^mlops check: No mlops\.yaml: the default checks ran on what was found \(0 models, 0 datasets, 0 notebooks\)/,
    );
  });

  it('exits with the same codes as a real process, and --version stays cheap', () => {
    assert.equal(spawnCli(['check', '--fail-on', 'never'], sample).code, 0);
    assert.equal(spawnCli(['check'], sample).code, 1);
    const usage = spawnCli(['check', '--format', 'xml'], sample);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /unknown format/);
    assert.match(spawnCli(['--version'], sample).stdout, /^\d+\.\d+\.\d+\n$/);
    assert.match(
      spawnCli(['--help'], sample).stdout,
      /check +run the pipeline checks[\s\S]*init-ci +write a CI workflow/,
    );
    const bundle = fs.readFileSync(cliPath, 'utf8');
    assert.match(bundle, /var init_engine = __esm\(/, 'the engine loads lazily, not on --version');
  });

  it('checks the demo repository', async function () {
    const demo = path.join(tempDir('mlops-demo-'), 'demo');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'demo', 'generate.mjs'), demo], { stdio: 'pipe' });
    const result = await cli(['check', '--format', 'json'], demo);
    assert.equal(result.code, 1, 'the staging version breaches its latency SLO (an error): fails at --fail-on error');
    const report = JSON.parse(result.stdout) as {
      results: {
        checkId: string;
        status: string;
        severity: string;
        target: string;
        message: string;
        retrain?: boolean;
        location?: { file: string; line?: number };
      }[];
    };
    const failing = report.results.filter((r) => r.status !== 'pass' && r.status !== 'skip');
    const passed = (checkId: string): string[] =>
      report.results.filter((r) => r.checkId === checkId && r.status === 'pass').map((r) => r.target);
    // The version before the newest snapshot of the transactions is the drift reference.
    const previous = execFileSync(
      'git',
      ['log', '--format=%h', '--abbrev=8', '-n', '1', '--skip', '1', '--', 'data/transactions.csv'],
      {
        cwd: demo,
        encoding: 'utf8',
      },
    ).trim();
    assert.deepEqual(
      failing.map((r) => [r.checkId, r.severity, r.message]),
      [
        [
          'model-naming',
          'warning',
          'models/fraud-classifier/model.pkl should be named models/fraud-classifier/fraud-classifier-v<version>.pkl',
        ],
        [
          'model-naming',
          'warning',
          'models/fraud-classifier/fraud-classifier.onnx should be named models/fraud-classifier-onnx/fraud-classifier-onnx-v<version>.onnx',
        ],
        [
          'notebook-hygiene',
          'warning',
          'notebooks/01-explore-transactions.ipynb has committed outputs in 4 cells (946 B), first in cell 2.',
        ],
        [
          'notebook-hygiene',
          'warning',
          'notebooks/02-evaluate-model.ipynb has committed outputs in 3 cells (1.0 KB), first in cell 2.',
        ],
        ['lineage', 'warning', "Model 'fraud-classifier-onnx' declares no metric files."],
        ...[
          ['amount', 'wasserstein distance 0.160'],
          ['merchant_category', 'jensen-shannon distance 0.234'],
          // A 0/1 integer column is categorical for Evidently: the share of card-present payments fell with the
          // shift to online retail and gaming.
          ['card_present', 'jensen-shannon distance 0.128'],
        ].map(([column, score]) => [
          'data-drift',
          'warning',
          `Dataset 'transactions' drifted on '${column}': ${score} (threshold 0.1); 3 of 6 columns drifted since ${previous} (share 0.50, threshold 0.3).`,
        ]),
        [
          'service-slos',
          'error',
          "fraud-classifier 2.0.0: latency p95 352 ms is above the SLO's 250 ms (218 requests in the last 24h).",
        ],
        [
          'prediction-drift',
          'warning',
          "The inputs logged for 'fraud-classifier' drifted from the training data 'transactions' from 2026-10-02 to 2026-10-04 (2 windows of 1d, 1428 requests): amount (wasserstein distance 0.468), merchant_category (jensen-shannon distance 0.158); up to 2 of 5 features drifted (share 0.40, threshold 0.3).",
        ],
      ],
    );
    assert.ok(
      report.results
        .filter((r) => r.checkId === 'prediction-drift' && r.status === 'fail')
        .every((r) => r.retrain === true),
      "the logged inputs' drift episode is a retraining trigger",
    );
    assert.ok(
      report.results.filter((r) => r.checkId === 'data-drift' && r.status === 'fail').every((r) => r.retrain === true),
      'a drifted dataset is a retraining trigger',
    );
    assert.deepEqual(passed('data-schema'), ['transactions'], 'the newest version matches the schema');
    assert.deepEqual(passed('environment'), ['requirements.txt'], 'requirements.txt is pinned');
    assert.equal(passed('metric-thresholds').length, 14, 'every metric with a threshold, per split and file');
    assert.ok(
      passed('metric-thresholds').some((t) => t.startsWith('fraud-classifier: fraud_loss_prevented_usd')),
      'the release bar on fraud loss prevented',
    );
    assert.ok(passed('metric-thresholds').includes('fraud-classifier: roc_auc (validation) in dvclive/metrics.json'));
    assert.deepEqual(passed('large-files'), ['(all files)']);
    assert.deepEqual(passed('dataset-naming'), ['holdout', 'transactions']);
    assert.deepEqual(
      passed('service-slos'),
      [
        'fraud-classifier 1.2.0',
        'fraud-classifier 1.2.0',
        'fraud-classifier 1.2.0',
        'fraud-classifier 2.0.0',
        'fraud-classifier 2.0.0',
      ],
      'production meets traffic, error rate and latency; staging meets traffic and error rate',
    );
    const tagged = await cli(['check', '--only', 'metric-regression', '--fail-on', 'warning'], demo);
    assert.equal(tagged.code, 0, 'no regression against the merge base (HEAD itself on main)');
    assert.equal((await cli(['check', '--fail-on', 'warning'], demo)).code, 1);
  });
});

describe('mlops init-ci (CLI)', function () {
  this.timeout(60_000);
  after(removeTempDirs);

  function repoWithNotebooks(): string {
    return makeRepo({
      'mlops.yaml': SAMPLE_CONFIG,
      'models/churn/model.pkl': 'w',
      'src/app.py': 'print(1)\n',
    });
  }

  it('writes a GitHub workflow that parses, runs the checks and uploads SARIF, triggered by the configured paths only', async () => {
    const dir = repoWithNotebooks();
    const result = await cli(['init-ci', '--provider', 'github'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Wrote .github/workflows/mlops-check.yml\n');
    const workflow = parse(fs.readFileSync(path.join(dir, '.github/workflows/mlops-check.yml'), 'utf8')) as {
      on: { push: { paths: string[] }; pull_request: { paths: string[] } };
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { uses?: string; run?: string; with?: Record<string, unknown>; if?: string }[] }>;
    };
    const filters = workflow.on.push.paths;
    assert.deepEqual(workflow.on.pull_request.paths, filters);
    const matches = (p: string): boolean => filters.some((f) => picomatch(f, { dot: true })(p));
    for (const configured of [
      'mlops.yaml',
      'models/churn/model.pkl',
      'models/churn/model.pkl.dvc',
      'data/customers.csv',
      'data/customers.csv.dvc',
      'metrics/eval.json',
      'analysis/2026/eda.ipynb',
    ]) {
      assert.ok(matches(configured), `${configured} triggers the workflow`);
    }
    for (const other of ['src/app.py', 'README.md', 'models/other.pkl', 'data/customers.csv.bak'])
      assert.ok(!matches(other), `${other} does not`);
    assert.equal(workflow.permissions['security-events'], 'write');
    const steps = Object.values(workflow.jobs)[0].steps;
    assert.equal(Object.keys(workflow.jobs).length, 1, 'its own workflow with one job');
    const runs = steps.map((s) => s.run ?? '').join('\n');
    assert.match(runs, /npx mlops check --format sarif --output mlops\.sarif/);
    assert.match(runs, /npx mlops check --format junit --output mlops-junit\.xml --fail-on error/);
    assert.match(runs, /npm install --no-save --no-package-lock mlops-workbench@\d+\.\d+\.\d+/);
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    assert.equal(upload.with?.sarif_file, 'mlops.sarif');
    assert.equal(upload.if, '${{ always() }}');
    assert.ok(steps.some((s) => s.uses?.startsWith('actions/setup-node')));
  });

  it('refuses to overwrite without --force (exit 1), overwrites with it', async () => {
    const dir = repoWithNotebooks();
    assert.equal((await cli(['init-ci', '--provider', 'github'], dir)).code, 0);
    const target = path.join(dir, '.github/workflows/mlops-check.yml');
    fs.writeFileSync(target, '# mine\n');
    const again = await cli(['init-ci', '--provider', 'github'], dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /\.github\/workflows\/mlops-check\.yml already exists; left unchanged\. Use --force/);
    assert.equal(fs.readFileSync(target, 'utf8'), '# mine\n');
    assert.equal((await cli(['init-ci', '--provider', 'github', '--force'], dir)).code, 0);
    assert.match(fs.readFileSync(target, 'utf8'), /name: MLOps checks/);
    assert.deepEqual(fs.readdirSync(path.dirname(target)), ['mlops-check.yml'], 'no temporary file left');
  });

  it('writes Azure Pipelines (JUnit published) and GitLab CI (junit report) files that parse', async () => {
    const dir = repoWithNotebooks();
    assert.equal((await cli(['init-ci', '--provider', 'azure'], dir)).code, 0);
    const azure = parse(fs.readFileSync(path.join(dir, '.azure-pipelines/mlops-check.yml'), 'utf8')) as {
      trigger: { paths: { include: string[] } };
      pr: { paths: { include: string[] } };
      steps: { task?: string; inputs?: Record<string, string>; condition?: string }[];
    };
    assert.ok(azure.trigger.paths.include.includes('metrics/eval.json'));
    assert.deepEqual(azure.pr.paths.include, azure.trigger.paths.include);
    const publish = azure.steps.find((s) => s.task === 'PublishTestResults@2')!;
    assert.deepEqual(
      [publish.inputs?.testResultsFormat, publish.inputs?.testResultsFiles, publish.condition],
      ['JUnit', 'mlops-junit.xml', 'succeededOrFailed()'],
    );
    const gitlabRun = await cli(['init-ci', '--provider=gitlab'], dir);
    assert.match(gitlabRun.stdout, /include:\n {4}- local: \.gitlab\/mlops-check\.yml/);
    const gitlab = parse(fs.readFileSync(path.join(dir, '.gitlab/mlops-check.yml'), 'utf8')) as Record<
      string,
      {
        needs: unknown[];
        rules: { changes: string[] }[];
        artifacts: { when: string; reports: { junit: string } };
        script: string[];
      }
    >;
    const job = gitlab['mlops-check'];
    assert.deepEqual(job.needs, []);
    assert.equal(job.artifacts.reports.junit, 'mlops-junit.xml');
    assert.equal(job.artifacts.when, 'always');
    assert.ok(job.rules[0].changes.includes('**/*.ipynb'));
    assert.ok(job.script.some((s) => s.includes('npx mlops check --format sarif --output mlops.sarif')));
  });

  it('places the workflow at the repository root and filters on the subfolder of the config', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'ml/mlops.yaml': 'version: 1\nmodels:\n  - { name: m, path: models/m.pkl }\n',
      'app/main.py': '',
    });
    git(dir, ['init', '--quiet']);
    const result = await cli(['init-ci', 'ml', '--provider', 'github'], dir);
    assert.equal(result.code, 0, result.stderr);
    const text = fs.readFileSync(path.join(dir, '.github/workflows/mlops-check.yml'), 'utf8');
    const workflow = parse(text) as { on: { push: { paths: string[] } } };
    assert.ok(workflow.on.push.paths.includes('ml/mlops.yaml') && workflow.on.push.paths.includes('ml/models/m.pkl'));
    assert.match(text, /run: cd "ml" && npx mlops check --format sarif/);
    assert.match(text, /sarif_file: ml\/mlops\.sarif/);
  });

  it('exit 2 for a missing or unknown provider, and without mlops.yaml', async () => {
    const dir = repoWithNotebooks();
    const missing = await cli(['init-ci'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--provider is required: github, azure, gitlab/);
    assert.equal((await cli(['init-ci', '--provider', 'jenkins'], dir)).code, 2);
    const empty = tempDir();
    const noConfig = await cli(['init-ci', '--provider', 'github'], empty);
    assert.equal(noConfig.code, 2);
    assert.match(noConfig.stderr, /mlops\.yaml not found/);
    assert.equal(fs.existsSync(path.join(empty, '.github')), false);
  });
});
