// `mlops models` as a child process on the demo repository and on a repository with hostile names: the same facts
// as the registry core, JSON and Markdown forms, release actions through the CLI, control characters escaped.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnMlops } from '../../helpers/cliBundle';
import { commit, demoRepo, git, initRepo } from '../git/historyRepos';
import type { RegistryModel } from '../../../src/core/registry/model';
import { registerVersion } from '../../../src/core/registry/actions';
import { parseRecordMessage } from '../../../src/core/registry/record';
import { registrationMessage } from '../../../src/core/registry/registration';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Rel Ease',
  GIT_AUTHOR_EMAIL: 'release@example.com',
  GIT_COMMITTER_NAME: 'Rel Ease',
  GIT_COMMITTER_EMAIL: 'release@example.com',
};

describe('mlops models', function () {
  this.timeout(60_000);
  let tmp: string;
  let demo: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-models-cli-'));
    demo = demoRepo(path.join(tmp, 'demo'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('lists the demo model with v1.2.0 in production and v2.0.0 in staging, as its tags say', async () => {
    const r = await spawnMlops(['models', 'list'], demo);
    assert.equal(r.code, 0, r.stderr);
    const line = r.stdout.split('\n').find((l) => l.startsWith('fraud-classifier '))!;
    assert.deepEqual(line.split(/\s{2,}/).slice(0, 5), ['fraud-classifier', 'v2.0.0', 'v1.2.0', 'v2.0.0', '3']);
    const json = await spawnMlops(['models', 'show', 'fraud-classifier', '--json'], demo);
    const model = JSON.parse(json.stdout) as RegistryModel;
    assert.deepEqual(model.stages, { production: ['v1.2.0'], staging: ['v2.0.0'] });
    const v1 = model.versions.find((v) => v.version === 'v1.0.0')!;
    assert.equal(v1.active, false, 'v1.0.0 is deregistered');
    assert.equal(v1.commit, git(demo, ['rev-parse', 'fraud-classifier@v1.0.0^{commit}']).trim());
    assert.deepEqual(
      model.versions.find((v) => v.version === 'v1.2.0')!.events.map((e) => `${e.kind} ${e.stage ?? ''}`.trim()),
      ['registered', 'assigned staging', 'assigned production'],
    );
  });

  it('list with no registered version names the model files the explorer found (DVC artifact, not pulled)', async () => {
    // A DVC pipeline with a model artifact, built by the real dvc and cloned without the cache
    // (test/interop/checks/make_projects.py): `gto show` says "Nothing found", the Models view lists the artifact.
    const dir = path.join(tmp, 'unregistered');
    fs.cpSync(path.resolve(__dirname, '../../../..', 'test', 'fixtures', 'checks', 'projects', 'dvc'), dir, {
      recursive: true,
    });
    initRepo(dir);
    commit(dir, 'Clone');
    const r = await spawnMlops(['models', 'list'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'No models: no GTO tags, MLflow registry or mlops.yaml models in this workspace.\n' +
        'Model files found, with no version registered (1):\n' +
        "  models/model.pkl (DVC artifact 'churn-model', DVC-tracked, not pulled)\n" +
        "Register a version with 'mlops models register <name>', or name them in mlops.yaml ('mlops init').\n",
    );
    const json = await spawnMlops(['models', 'list', '--json'], dir);
    assert.deepEqual((JSON.parse(json.stdout) as { models: unknown[] }).models, []);
  });

  it('diffs two demo versions as JSON and Markdown', async () => {
    const json = await spawnMlops(['models', 'diff', 'fraud-classifier', 'v1.2.0', 'v2.0.0', '--json'], demo);
    assert.equal(json.code, 0, json.stderr);
    const d = JSON.parse(json.stdout) as {
      metrics: { key: string; file: string; improvement?: boolean }[];
      params: { key: string }[];
      datasets: { path: string; status: string }[];
      commits: unknown[];
    };
    const f1 = d.metrics.find((m) => m.key === 'test.f1' && m.file === 'metrics/eval.json')!;
    assert.equal(f1.improvement, true);
    assert.ok(d.params.some((p) => p.key.endsWith('train.model')));
    assert.deepEqual(
      d.datasets.map((x) => [x.path, x.status]),
      [['data/transactions.csv', 'changed']],
    );
    assert.equal(
      d.commits.length,
      Number(git(demo, ['rev-list', '--count', 'fraud-classifier@v1.2.0..fraud-classifier@v2.0.0']).trim()),
    );
    const md = await spawnMlops(['models', 'diff', 'fraud-classifier', 'v1.2.0', 'v2.0.0', '--md'], demo);
    assert.match(md.stdout, /^## fraud-classifier: v1\.2\.0 → v2\.0\.0/);
    assert.match(md.stdout, /### Datasets/);
  });

  it('registers and promotes through the CLI, refuses bad input with exit 1, and escapes hostile text', async () => {
    const dir = initRepo(path.join(tmp, 'hostile'));
    commit(dir, 'one', { 'a.txt': '1' });
    const sha = commit(dir, 'two', { 'a.txt': '2' });
    const reg = await spawnMlops(
      ['models', 'register', 'churn', '--version', 'v1.0.0', '-m', 'first\u001b[31m red'],
      dir,
      IDENTITY,
    );
    assert.equal(reg.code, 0, reg.stderr);
    assert.match(reg.stdout, /Registered churn v1\.0\.0 at [0-9a-f]{7} \(tag churn@v1\.0\.0\)/);
    const assign = await spawnMlops(['models', 'assign', 'churn', 'prod'], dir, IDENTITY);
    assert.equal(assign.code, 0, assign.stderr);
    assert.equal(git(dir, ['rev-parse', 'churn#prod#1^{commit}']).trim(), sha);
    const again = await spawnMlops(['models', 'assign', 'churn', 'prod'], dir, IDENTITY);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /churn v1\.0\.0 is in stage 'prod' already/);
    const bad = await spawnMlops(['models', 'register', 'x\u001b]0;evil\u0007', '--version', 'v1.0.0'], dir, IDENTITY);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Invalid model name 'x\\x1b\]0;evil\\x07'/);
    const show = await spawnMlops(['models', 'show', 'churn'], dir);
    assert.ok(!show.stdout.includes('\u001b'), 'no raw escape character reaches the terminal');
    assert.match(show.stdout, /\(churn@v1\.0\.0\): first\\x1b\[31m red/, 'the tag message, escaped');
    assert.match(show.stdout, /#prod: v1\.0\.0/);
    const usage = await spawnMlops(['models', 'diff', 'churn'], dir);
    assert.equal(usage.code, 2);
  });

  it('diff says why neither version has metric values (DVC-tracked, not in git) instead of "no metric changed"', async () => {
    const repo = initRepo(path.join(tmp, 'not-pulled'));
    const dvcYaml = 'stages:\n  evaluate:\n    cmd: python evaluate.py\n    metrics:\n      - eval/metrics.json\n';
    const lock = (md5: string) =>
      `schema: '2.0'\nstages:\n  evaluate:\n    cmd: python evaluate.py\n    outs:\n    - path: eval/metrics.json\n      hash: md5\n      md5: ${md5}\n      size: 40\n`;
    commit(repo, 'v1', {
      'dvc.yaml': dvcYaml,
      'dvc.lock': lock('1111aaaa2222bbbb3333cccc4444dddd'),
      '.gitignore': '/eval\n',
    });
    git(repo, ['tag', '-a', 'clf@v1.0.0', '-m', 'Registering artifact clf version v1.0.0']);
    commit(repo, 'v2', { 'dvc.lock': lock('5555eeee6666ffff7777aaaa8888bbbb') });
    git(repo, ['tag', '-a', 'clf@v1.1.0', '-m', 'Registering artifact clf version v1.1.0']);
    const r = await spawnMlops(['models', 'diff', 'clf', 'v1.0.0', 'v1.1.0'], repo);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /No metric changed/);
    assert.match(r.stdout, /Neither v1\.0\.0 nor v1\.1\.0 has values for eval\/metrics\.json\./);
    assert.match(
      r.stdout,
      /at v1\.0\.0: eval\/metrics\.json: declared in dvc\.yaml, DVC-tracked \(md5 1111aaaa, 40 B\)/,
    );
    assert.match(
      r.stdout,
      /at v1\.1\.0: eval\/metrics\.json: declared in dvc\.yaml, DVC-tracked \(md5 5555eeee, 40 B\)/,
    );
    const json = JSON.parse(
      (await spawnMlops(['models', 'diff', 'clf', 'v1.0.0', 'v1.1.0', '--json'], repo)).stdout,
    ) as {
      metricsAbsent?: string;
    };
    assert.match(json.metricsAbsent ?? '', /^Neither v1\.0\.0 nor v1\.1\.0 has values/);
  });

  it('register writes the reproducibility record the dashboard action writes: one message from the core', async () => {
    const viaCli = demoRepo(path.join(tmp, 'register-cli'));
    const viaAction = demoRepo(path.join(tmp, 'register-action'));
    const head = git(viaCli, ['rev-parse', 'HEAD']).trim();
    assert.equal(git(viaAction, ['rev-parse', 'HEAD']).trim(), head, 'the demo is deterministic');
    const r = await spawnMlops(['models', 'register', 'fraud-classifier'], viaCli, IDENTITY);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Registered fraud-classifier v2\.0\.1 at [0-9a-f]{7} \(tag fraud-classifier@v2\.0\.1\)/);
    // What the dashboard's Register Model Version… calls.
    const action = await registerVersion({ root: viaAction }, 'fraud-classifier', {
      rev: head,
      version: 'v2.0.1',
      record: true,
    });
    assert.deepEqual(action.tags, ['fraud-classifier@v2.0.1']);
    const message = (dir: string) =>
      git(dir, ['for-each-ref', '--format=%(contents)', 'refs/tags/fraud-classifier@v2.0.1']).trimEnd();
    const expected = (await registrationMessage(viaCli, 'fraud-classifier', 'v2.0.1', head)).trimEnd();
    assert.equal(message(viaCli), expected);
    assert.equal(message(viaAction), expected);
    assert.match(
      expected,
      /^Registering artifact fraud-classifier version v2\.0\.1\n\nmlops-reproducibility-record: v1\n/,
    );
    const record = parseRecordMessage(message(viaCli));
    assert.ok(record, 'the record reads back');
    assert.equal(record.commit, head);
    const evalJson = JSON.parse(fs.readFileSync(path.join(viaCli, 'metrics', 'eval.json'), 'utf8')) as {
      test: { f1: number };
    };
    assert.equal(record.metrics['test.f1'], evalJson.test.f1, 'the metrics at the commit');
    assert.match(record.data['data/transactions.csv'] ?? '', /^[0-9a-f]{32}$/, 'the dataset hash from dvc.lock');
    assert.ok(
      Object.keys(record.params).some((k) => k.endsWith('train.max_depth')),
      Object.keys(record.params).join(),
    );
    assert.match(record.environment, /^[0-9a-f]{64}$/);
    // -m replaces GTO's line, the record stays.
    const second = await spawnMlops(
      ['models', 'register', 'fraud-classifier', 'HEAD~1', '-m', 'Candidate for the spring release'],
      viaCli,
      IDENTITY,
    );
    assert.equal(second.code, 0, second.stderr);
    const withSummary = git(viaCli, ['for-each-ref', '--format=%(contents)', 'refs/tags/fraud-classifier@v2.0.2']);
    assert.match(withSummary, /^Candidate for the spring release\n\nmlops-reproducibility-record: v1\n/);
    assert.equal(parseRecordMessage(withSummary)?.commit, git(viaCli, ['rev-parse', 'HEAD~1']).trim());
  });
});
