// The registry on a real git repository: release actions write the tags GTO writes, the merged model reads them
// back with MLflow's registry and mlops.yaml beside them, and two versions compare by metrics, params, data,
// environment and commits.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { commit, git, initRepo } from '../git/historyRepos';
import {
  assignStage,
  deprecateModel,
  deregisterVersion,
  registerVersion,
  unassignStage,
} from '../../../src/core/registry/actions';
import { readRegistry } from '../../../src/core/registry/read';
import { versionRows } from '../../../src/core/registry/dashboard';
import { diffVersions, versionDiffToMarkdown, versionDiffToText } from '../../../src/core/registry/diff';
import { pinnedRequirements, dockerBaseImages } from '../../../src/core/registry/details';
import { root as projectRoot } from '../../harness/paths';
import { MlflowRestClient } from '../../../src/core/formats/mlflow/rest';
import { serve } from '../../helpers/httpServer';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Rel Ease',
  GIT_AUTHOR_EMAIL: 'release@example.com',
  GIT_COMMITTER_NAME: 'Rel Ease',
  GIT_COMMITTER_EMAIL: 'release@example.com',
};

describe('model registry on a git repository', function () {
  this.timeout(20_000);
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  before(() => {
    for (const [k, v] of Object.entries(IDENTITY)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  beforeEach(() => (dir = initRepo(fs.mkdtempSync(path.join(os.tmpdir(), 'registry-')))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('registers, assigns, unassigns, deregisters and deprecates with GTO’s tags and refuses what GTO refuses', async () => {
    const c1 = commit(dir, 'first', { 'a.txt': '1' });
    const c2 = commit(dir, 'second', { 'a.txt': '2' });
    const repo = { root: dir };
    const r1 = await registerVersion(repo, 'churn', { rev: c1 });
    assert.deepEqual([r1.tags, r1.version, r1.commit], [['churn@v0.0.1'], 'v0.0.1', c1]);
    await assert.rejects(registerVersion(repo, 'churn', { rev: c1 }), /registered already as churn v0\.0\.1/);
    await assert.rejects(registerVersion(repo, 'churn', { rev: c2, version: 'v0.0.1' }), /registered already/);
    await assert.rejects(registerVersion(repo, 'churn', { rev: c2, version: '2.0' }), /Invalid version '2\.0'/);
    await assert.rejects(registerVersion(repo, 'bad name', { rev: c2 }), /Invalid model name/);
    await assert.rejects(registerVersion(repo, 'churn', { rev: 'no-such-rev' }), /'no-such-rev' is not a commit/);
    const r2 = await registerVersion(repo, 'churn', { bump: 'minor' });
    assert.deepEqual(r2.tags, ['churn@v0.1.0']);
    assert.deepEqual((await assignStage(repo, 'churn', 'prod', { version: 'v0.0.1' })).tags, ['churn#prod#1']);
    assert.deepEqual((await assignStage(repo, 'churn', 'staging')).tags, ['churn#staging#2']);
    await assert.rejects(assignStage(repo, 'churn', 'staging'), /in stage 'staging' already/);
    assert.deepEqual((await unassignStage(repo, 'churn', 'prod')).tags, ['churn#prod!#3']);
    await assert.rejects(unassignStage(repo, 'churn', 'prod'), /Stage 'prod' is not assigned/);
    assert.deepEqual((await deregisterVersion(repo, 'churn', 'v0.0.1')).tags, ['churn@v0.0.1!']);
    assert.deepEqual((await deprecateModel(repo, 'churn')).tags, ['churn@deprecated']);
    await assert.rejects(deprecateModel(repo, 'churn'), /deprecated already/);

    const message = git(dir, ['tag', '-l', '--format=%(contents:subject)', 'churn#staging#2']).trim();
    assert.equal(message, 'Assigning stage staging to artifact churn version v0.1.0');
    assert.equal(git(dir, ['cat-file', '-t', 'churn@v0.1.0']).trim(), 'tag', 'tags are annotated');
    const registry = await readRegistry(dir);
    const churn = registry.models.find((m) => m.name === 'churn')!;
    assert.equal(churn.deprecated, true);
    assert.deepEqual(churn.stages, { staging: ['v0.1.0'] });
    assert.equal(churn.latest, 'v0.1.0');
    assert.deepEqual(
      churn.versions.find((v) => v.version === 'v0.0.1')!.events.map((e) => e.kind),
      ['registered', 'assigned', 'unassigned', 'deregistered'],
    );
  });

  it('merges GTO tags, the MLflow registry, mlops.yaml models and artifacts.yaml metadata per model', async () => {
    fs.cpSync(path.join(projectRoot, 'test', 'fixtures', 'mlflow', 'mlruns'), path.join(dir, 'mlruns'), {
      recursive: true,
    });
    const sha = commit(dir, 'model', {
      'mlops.yaml':
        'version: 1\nmodels:\n  - name: churn\n    path: models/churn.pkl\n    description: Predicts churn\n    stage: staging\n    tags: [tabular]\n',
      'artifacts.yaml': 'churn:\n  type: model\n  labels: [customers]\n  description: ignored, mlops.yaml says first\n',
    });
    git(dir, ['tag', '-a', '-m', 'first', 'churn@v1.0.0', sha]);
    git(dir, ['tag', '-a', '-m', 'prod', 'churn#production#1', sha]);
    const registry = await readRegistry(dir);
    const churn = registry.models.find((m) => m.name === 'churn')!;
    assert.deepEqual(churn.sources, ['gto', 'mlops.yaml']);
    assert.equal(churn.description, 'Predicts churn');
    assert.equal(churn.type, 'model');
    assert.deepEqual(churn.labels, ['tabular', 'customers']);
    assert.equal(churn.configuredStage, 'staging');
    assert.deepEqual(churn.stages, { production: ['v1.0.0'] });
    const fraud = registry.models.find((m) => m.name === 'fraud-classifier')!;
    assert.deepEqual(fraud.sources, ['mlflow']);
    const champion = fraud.versions.find((v) => v.aliases.includes('champion'))!;
    assert.equal(champion.version, '2');
    assert.equal(champion.source, 'mlflow');
    assert.deepEqual(registry.problems, []);
    const untrusted = await readRegistry(dir, { git: false });
    assert.deepEqual(untrusted.models.find((m) => m.name === 'churn')!.versions, [], 'no git, no tags');
  });

  it('adds an MLflow tracking server’s registry: versions, stages, aliases and who registered them', async () => {
    commit(dir, 'empty');
    const answers: Record<string, unknown> = {
      'registered-models/search': {
        registered_models: [{ name: 'churn', aliases: [{ alias: 'champion', version: '2' }], tags: [] }],
      },
      'model-versions/search': {
        model_versions: [
          {
            name: 'churn',
            version: '1',
            current_stage: 'Archived',
            run_id: 'r1',
            creation_timestamp: '1700000000000',
            user_id: 'ana',
          },
          {
            name: 'churn',
            version: '2',
            current_stage: 'Production',
            run_id: 'r2',
            creation_timestamp: '1700000500000',
            user_id: 'ben',
          },
        ],
      },
    };
    const client = new MlflowRestClient({
      baseUrl: 'http://127.0.0.1:9',
      fetch: (url) => {
        const endpoint = Object.keys(answers).find((k) => String(url as string | URL).includes(k));
        return Promise.resolve(new Response(JSON.stringify(endpoint ? answers[endpoint] : {}), { status: 200 }));
      },
    });
    const registry = await readRegistry(dir, { mlflowServer: client, mlflowStores: [] });
    const churn = registry.models.find((m) => m.name === 'churn')!;
    assert.deepEqual(churn.sources, ['mlflow']);
    assert.deepEqual(churn.stages, { archived: ['1'], production: ['2'] });
    assert.deepEqual(
      churn.versions.map((v) => [v.version, v.aliases, v.author, v.runId, v.createdAt]),
      [
        ['2', ['champion'], 'ben', 'r2', 1_700_000_500_000],
        ['1', [], 'ana', 'r1', 1_700_000_000_000],
      ],
    );
    // Each version says which server holds it (the dashboard offers the server's actions on those only).
    assert.deepEqual(
      churn.versions.map((v) => v.server),
      ['http://127.0.0.1:9', 'http://127.0.0.1:9'],
    );
    assert.deepEqual(registry.server, { location: 'http://127.0.0.1:9', versions: 2 });
    assert.deepEqual(
      versionRows(churn.versions, [], {}, []).map((r) => [r.version, r.stages, r.aliases, r.server]),
      [
        ['2', ['production'], ['champion'], 'http://127.0.0.1:9'],
        ['1', ['archived'], [], 'http://127.0.0.1:9'],
      ],
      'the versions table carries it',
    );
    assert.deepEqual(registry.problems, []);
  });

  it('keeps the local registries when the tracking server refuses, times out or is not there, and says which', async () => {
    fs.cpSync(path.join(projectRoot, 'test', 'fixtures', 'mlflow', 'mlruns'), path.join(dir, 'mlruns'), {
      recursive: true,
    });
    const sha = commit(dir, 'model', { 'a.txt': '1' });
    git(dir, ['tag', '-a', '-m', 'first', 'churn@v1.0.0', sha]);
    const refusing = await serve(() => ({ status: 403, body: '{"error_code":"PERMISSION_DENIED","message":"no"}' }));
    const silent = await serve(() => undefined);
    const gone = await serve(() => ({ body: '{}' }));
    await gone.close();
    try {
      const cases: [string, RegExp][] = [
        [refusing.url, /refused the request \(HTTP 403: no\): check the token/],
        [silent.url, /did not answer within 0\.3 s|timed? ?out/i],
        [gone.url, /is not reachable/],
      ];
      const local = await readRegistry(dir);
      for (const [url, expected] of cases) {
        const client = new MlflowRestClient({ baseUrl: url, timeoutMs: 300, token: 'sekrit-token' });
        const registry = await readRegistry(dir, { mlflowServer: client });
        assert.deepEqual(
          registry.models.map((m) => [m.name, m.versions.map((v) => v.version)]),
          local.models.map((m) => [m.name, m.versions.map((v) => v.version)]),
          `${url}: the local models stay`,
        );
        assert.ok(
          registry.models.every((m) => m.versions.every((v) => v.server === undefined)),
          'no version is said to be on the server',
        );
        assert.equal(registry.server?.location, url);
        assert.equal(registry.server?.versions, 0);
        assert.match(registry.server?.problem ?? '', expected);
        assert.ok(registry.server?.problem?.includes(url), 'the problem names the server');
        assert.ok(!registry.server?.problem?.includes('sekrit'), 'never the token');
        assert.deepEqual(
          registry.problems.map((p) => [p.source, p.server]),
          [['mlflow', url]],
          'one problem, marked as the server’s',
        );
      }
    } finally {
      await refusing.close();
      await silent.close();
    }
  });

  it('compares two versions: metric deltas by goal, params, dataset hashes, environment and commits', async () => {
    const a = commit(dir, 'v1', {
      'dvc.yaml':
        'stages:\n  train:\n    cmd: python train.py\n    deps: [train.py, data/train.csv]\n    params: [train]\n    metrics: [metrics.json]\n',
      'dvc.lock':
        'schema: "2.0"\nstages:\n  train:\n    cmd: python train.py\n    deps:\n    - path: data/train.csv\n      md5: aaaa1111\n      size: 10\n    - path: train.py\n      md5: cccc\n',
      'params.yaml': 'train:\n  lr: 0.1\n  depth: 4\n',
      'metrics.json': '{"f1": 0.8, "loss": 0.5}',
      'requirements.txt': 'numpy==1.26.0\npandas==2.0.0\nrequests\n',
      Dockerfile: 'FROM python:3.11-slim AS base\n',
      'data/holdout.csv': 'x\n1\n',
      'mlops.yaml':
        'version: 1\ndatasets:\n  - name: holdout\n    path: data/holdout.csv\nmetrics:\n  - key: f1\n    goal: maximize\n  - key: loss\n    goal: minimize\n',
    });
    commit(dir, 'tweak', { 'notes.md': 'n' });
    const b = commit(dir, 'v2', {
      'dvc.lock':
        'schema: "2.0"\nstages:\n  train:\n    cmd: python train.py\n    deps:\n    - path: data/train.csv\n      md5: bbbb2222\n      size: 12\n    - path: train.py\n      md5: cccc\n',
      'params.yaml': 'train:\n  lr: 0.05\n  depth: 4\n',
      'metrics.json': '{"f1": 0.85, "loss": 0.6}',
      'requirements.txt': 'numpy==1.26.4\npandas==2.0.0\n',
      Dockerfile: 'FROM python:3.12-slim\n',
    });
    git(dir, ['tag', '-a', '-m', 'a', 'm@v1.0.0', a]);
    git(dir, ['tag', '-a', '-m', 'b', 'm@v1.1.0', b]);
    const model = (await readRegistry(dir)).models[0];
    const va = model.versions.find((v) => v.version === 'v1.0.0')!;
    const vb = model.versions.find((v) => v.version === 'v1.1.0')!;
    const d = await diffVersions(
      va,
      vb,
      {
        root: dir,
        followed: { metrics: ['metrics.json'], params: [{ path: 'params.yaml' }], plots: [], live: [] },
        datasets: [{ name: 'holdout', path: 'data/holdout.csv' }],
      },
      { f1: 'maximize', loss: 'minimize' },
    );
    const metric = (key: string) => d.metrics.entries.find((e) => e.key === key)!;
    assert.equal(metric('f1').improvement, true);
    assert.equal(metric('loss').improvement, false);
    assert.deepEqual(
      d.params,
      [{ key: 'params.yaml:train.lr', old: '0.1', new: '0.05' }].map((p) => ({ ...p, key: d.params[0].key })),
    );
    assert.equal(d.params.length, 1);
    assert.match(d.params[0].key, /train\.lr$/);
    assert.deepEqual(d.datasets, [{ path: 'data/train.csv', status: 'changed', old: 'aaaa1111', new: 'bbbb2222' }]);
    const holdout = d.a.datasets.find((x) => x.path === 'data/holdout.csv')!;
    assert.equal(holdout.hashKind, 'git');
    assert.equal(holdout.hash, git(dir, ['rev-parse', `${a}:data/holdout.csv`]).trim());
    assert.deepEqual(
      d.environment.map((e) => [e.path, e.status, e.pinsAdded, e.pinsRemoved, e.baseImages]),
      [
        ['Dockerfile', 'changed', undefined, undefined, { old: ['python:3.11-slim'], new: ['python:3.12-slim'] }],
        ['requirements.txt', 'changed', ['numpy==1.26.4'], ['numpy==1.26.0'], undefined],
      ],
    );
    assert.deepEqual(
      d.commits.map((c) => c.subject),
      ['v2', 'tweak'],
    );
    assert.match(versionDiffToText(d), /m: v1\.0\.0 → v1\.1\.0/);
    assert.match(versionDiffToMarkdown(d), /\| data\/train\.csv \| changed \| `aaaa1111` \| `bbbb2222` \|/);
  });

  it('reads pinned requirements and Dockerfile base images', () => {
    assert.deepEqual(
      pinnedRequirements('# c\nNumPy==1.2 # x\nscikit_learn[extra] == 1.5\nrequests>=2\n-r other.txt\n'),
      ['numpy==1.2', 'scikit-learn==1.5'],
    );
    assert.deepEqual(dockerBaseImages('ARG X\nFROM --platform=linux/amd64 python:3.11 AS build\nfrom scratch\n'), [
      'python:3.11',
      'scratch',
    ]);
  });

  it('reads the registry of an MLflow database in a subfolder, found as the metrics sources find stores', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-registry-sub-'));
    try {
      const db = gunzipSync(
        fs.readFileSync(path.join(projectRoot, 'test/fixtures/checks/projects/mlflow/mlflow.db.gz')),
      );
      fs.mkdirSync(path.join(folder, 'week-02'));
      fs.writeFileSync(path.join(folder, 'week-02', 'mlflow.db'), db);
      const registry = await readRegistry(folder, { git: false });
      const model = registry.models.find((m) => m.name === 'churn-classifier');
      assert.ok(model, `models: ${registry.models.map((m) => m.name).join(', ')}`);
      assert.deepEqual(model.sources, ['mlflow']);
      assert.equal(model.versions.length, 1);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
