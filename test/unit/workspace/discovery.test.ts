import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { validateConfig } from '../../../src/core/formats/mlopsYaml/validate';
import {
  DiscoveryCancelledError,
  DiscoveryError,
  discoverWorkspace,
  statItems,
  WorkspaceIndex,
  type DiscoveryOptions,
  type WorkspaceItem,
} from '../../../src/core/workspace/discovery';
import { checkProject, type Expected } from './projectCheck';
import { copyFixture, fixturesRoot, removeFolder, tempFolder, writeTree } from './tempTree';

const config = (text: string) => {
  const result = validateConfig(text);
  assert.deepEqual(
    result.problems.filter((p) => p.severity === 'error'),
    [],
  );
  return result.config;
};

/** `kind:path (source)` lines, the shape most assertions compare. */
const summary = (items: readonly WorkspaceItem[]) =>
  items.map((i) => `${i.kind}:${i.relativePath} (${i.source})`).sort();

describe('discoverWorkspace', () => {
  let root = '';
  beforeEach(() => {
    root = tempFolder();
  });
  afterEach(() => removeFolder(root));

  const discover = (options: Partial<DiscoveryOptions> = {}) => discoverWorkspace({ root, ...options });

  it('finds models, datasets and notebooks by extension, with names and versions from file names', async () => {
    writeTree(root, {
      'models/classifier-v1.2.0.onnx': 'x',
      'models/weights.SAFETENSORS': 'x',
      'models/legacy.h5': 'x',
      'ckpt/epoch=3.ckpt': 'x',
      'data/train.csv': 'a,b\n',
      'data/events.parquet': 'x',
      'data/rows.jsonl': '{}\n',
      'notebooks/eda.ipynb': '{}',
      'src/train.py': 'print()',
      'README.md': '# x',
    });
    const result = await discover();
    assert.deepEqual(summary(result.items), [
      'dataset:data/events.parquet (discovery)',
      'dataset:data/rows.jsonl (discovery)',
      'dataset:data/train.csv (discovery)',
      'model:ckpt/epoch=3.ckpt (discovery)',
      'model:models/classifier-v1.2.0.onnx (discovery)',
      'model:models/legacy.h5 (discovery)',
      'model:models/weights.SAFETENSORS (discovery)',
      'notebook:notebooks/eda.ipynb (discovery)',
    ]);
    const classifier = result.items.find((i) => i.relativePath === 'models/classifier-v1.2.0.onnx')!;
    assert.deepEqual(
      [classifier.name, classifier.version, classifier.absolutePath],
      ['classifier', '1.2.0', path.join(root, 'models', 'classifier-v1.2.0.onnx')],
    );
    assert.equal(result.items.find((i) => i.relativePath === 'data/train.csv')?.format, 'csv');
    assert.deepEqual(result.problems, []);
    assert.ok(result.stats.directories >= 5 && result.stats.entries >= 10);
  });

  it('lets mlops.yaml win: one entry per path with the config name, stage, owner and tags', async () => {
    writeTree(root, { 'models/model.pkl': 'x', 'data/train.csv': 'x', 'models/other.pt': 'x' });
    const cfg = config(`version: 1
models:
  - name: fraud
    path: ./models/model.pkl
    stage: production
    owner: risk
    tags: [tabular]
    datasets: [train]
datasets:
  - name: train
    path: data/train.csv
    description: Training rows
    format: csv
`);
    const result = await discover({ config: cfg });
    assert.deepEqual(summary(result.items), [
      'dataset:data/train.csv (config)',
      'model:models/model.pkl (config)',
      'model:models/other.pt (discovery)',
    ]);
    const fraud = result.items.find((i) => i.name === 'fraud')!;
    assert.deepEqual(
      {
        sources: fraud.sources,
        stage: fraud.stage,
        owner: fraud.owner,
        tags: fraud.tags,
        datasets: fraud.datasets,
        configIndex: fraud.configIndex,
        missing: fraud.missing,
      },
      {
        sources: ['config', 'discovery'],
        stage: 'production',
        owner: 'risk',
        tags: ['tabular'],
        datasets: ['train'],
        configIndex: 0,
        missing: false,
      },
    );
    assert.equal(result.items.find((i) => i.name === 'train')?.description, 'Training rows');
  });

  it('marks config entries whose path is missing, with a hint to fix them', async () => {
    const cfg = config(
      'version: 1\nmodels:\n  - name: gone\n    path: models/gone.pkl\ndatasets:\n  - name: folder\n    path: data/images\n',
    );
    fs.mkdirSync(path.join(root, 'data', 'images'), { recursive: true });
    fs.writeFileSync(path.join(root, 'data', 'images', 'a.csv'), 'x');
    const result = await discover({ config: cfg });
    const gone = result.items.find((i) => i.name === 'gone')!;
    assert.equal(gone.missing, true);
    assert.match(gone.fixHint ?? '', /models\/gone\.pkl.*models\[0\].*"gone".*mlops\.yaml/);
    const folder = result.items.find((i) => i.name === 'folder')!;
    assert.deepEqual([folder.missing, folder.isDirectory], [false, true]);
    // A file inside a configured folder belongs to it.
    assert.deepEqual(summary(result.items), ['dataset:data/images (config)', 'model:models/gone.pkl (config)']);
  });

  it('honours .gitignore files at the root and below (with negation), .git/info/exclude, extra globs and mlops.yaml exclude', async () => {
    writeTree(root, {
      '.gitignore': 'checkpoints/\n*.tmp.csv\n/build\n',
      '.git/info/exclude': 'private.pkl\n',
      'checkpoints/a.ckpt': 'x',
      'keep/x.tmp.csv': 'x',
      'build/model.onnx': 'x',
      'src/build/model.onnx': 'x',
      'private.pkl': 'x',
      'data/.gitignore': '*.csv\n!keep.csv\n',
      'data/drop.csv': 'x',
      'data/keep.csv': 'x',
      'data/sub/also.csv': 'x',
      'scratch/a.pt': 'x',
      'tmp/deep/b.pt': 'x',
      'models/m.pt': 'x',
    });
    const cfg = config('version: 1\nexclude:\n  - "**/scratch/**"\n');
    const result = await discover({ config: cfg, exclude: ['tmp/**'] });
    assert.deepEqual(summary(result.items), [
      'dataset:data/keep.csv (discovery)',
      'model:models/m.pt (discovery)',
      'model:src/build/model.onnx (discovery)',
    ]);
    const unfiltered = await discover({ respectGitignore: false });
    assert.equal(unfiltered.items.length, 11);
  });

  it('never enters node_modules, .git, virtual environments, caches or notebook checkpoints', async () => {
    writeTree(root, {
      'node_modules/pkg/model.onnx': 'x',
      '.git/objects/x.pkl': 'x',
      '.venv/pyvenv.cfg': 'home = /usr/bin',
      '.venv/lib/site-packages/sklearn/data.csv': 'x',
      'py311/pyvenv.cfg': 'home = /usr/bin',
      'py311/share/x.csv': 'x',
      'env/bin/python': '',
      'env/lib/data.csv': 'x',
      'env-not/bin/tool': '',
      'env-not/data.csv': 'x',
      'conda/conda-meta/history': '',
      'conda/pkgs/a.pkl': 'x',
      '__pycache__/x.pkl': 'x',
      'notebooks/.ipynb_checkpoints/eda-checkpoint.ipynb': '{}',
      'notebooks/eda.ipynb': '{}',
      '.dvc/cache/files/md5/ab/cdef': 'x',
      '.dvc/tmp/x.csv': 'x',
      'mlruns/.trash/1/x.pkl': 'x',
      'mlruns/0/abc/artifacts/model.pkl': 'x',
      'mlartifacts/1/abc/artifacts/model/model.pkl': 'x',
      'mlartifacts/1/models/m-abc/artifacts/model.pkl': 'x',
      'mlartifacts/1/abc/artifacts/eval.csv': 'x',
    });
    const result = await discover();
    assert.deepEqual(summary(result.items), [
      'dataset:env-not/data.csv (discovery)',
      'notebook:notebooks/eda.ipynb (discovery)',
    ]);
  });

  it('lists DVC-tracked data even when .gitignore hides it, present or not, with DVC facts', async () => {
    writeTree(root, {
      'data/.gitignore': '/raw.csv\n/images\n/gone.parquet\n',
      'data/raw.csv': 'a,b\n1,2\n',
      'data/raw.csv.dvc': 'outs:\n- md5: 0123456789abcdef0123456789abcdef\n  size: 8\n  hash: md5\n  path: raw.csv\n',
      'data/images/a.png': 'x',
      'data/images.dvc':
        'outs:\n- md5: 0123456789abcdef0123456789abcdef.dir\n  size: 1\n  nfiles: 1\n  hash: md5\n  path: images\n',
      'data/gone.parquet.dvc': 'outs:\n- md5: 0123456789abcdef0123456789abcdef\n  size: 3\n  path: gone.parquet\n',
      'models/weights.dvc': 'outs:\n- md5: 0123456789abcdef0123456789abcdef.dir\n  nfiles: 2\n  path: weights\n',
    });
    const result = await discover();
    assert.deepEqual(summary(result.items), [
      'dataset:data/gone.parquet (dvc-tracked)',
      'dataset:data/images (dvc-tracked)',
      'dataset:data/raw.csv (dvc-tracked)',
      'model:models/weights (dvc-tracked)',
    ]);
    const raw = result.items.find((i) => i.relativePath === 'data/raw.csv')!;
    assert.deepEqual(raw.dvc, { declaredIn: 'data/raw.csv.dvc', md5: '0123456789abcdef0123456789abcdef', size: 8 });
    assert.equal(raw.missing, false);
    const gone = result.items.find((i) => i.relativePath === 'data/gone.parquet')!;
    assert.equal(gone.missing, true);
    assert.match(gone.fixHint ?? '', /dvc pull data\/gone\.parquet\.dvc/);
    assert.equal(result.items.find((i) => i.relativePath === 'data/images')?.isDirectory, true);
    assert.equal(result.items.find((i) => i.relativePath === 'models/weights')?.missing, true);
  });

  it('reads DVC artifacts (versions from name@vX.Y.Z tags) and stage outs, and leaves DVC plots and DVCLive files out', async () => {
    writeTree(root, {
      'dvc.yaml': `stages:
  train:
    cmd: python train.py
    outs:
      - models/model.pkl
      - data/features.parquet:
          cache: false
    plots:
      - reports/curve.csv
artifacts:
  fraud:
    path: models/model.pkl
    type: model
    desc: Fraud model
    labels: [tabular]
  notes:
    path: docs/notes.md
    type: doc
`,
      'dvc.lock':
        "schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    outs:\n    - path: models/model.pkl\n      hash: md5\n      md5: ffffffffffffffffffffffffffffffff\n      size: 9\n",
      'models/model.pkl': 'x',
      'reports/curve.csv': 'x',
      'dvclive/plots/metrics/loss.tsv': 'x',
      '.git/refs/tags/fraud@v1.9.0': 'x',
      '.git/refs/tags/other@v9.0.0': 'x',
      '.git/packed-refs': '# pack-refs\n1111111111111111111111111111111111111111 refs/tags/fraud@v1.10.0\n',
    });
    const result = await discover();
    assert.deepEqual(summary(result.items), [
      'dataset:data/features.parquet (dvc-tracked)',
      'model:models/model.pkl (dvc-artifact)',
    ]);
    const fraud = result.items.find((i) => i.name === 'fraud')!;
    assert.deepEqual(
      {
        version: fraud.version,
        description: fraud.description,
        tags: fraud.tags,
        sources: fraud.sources,
        dvc: fraud.dvc,
      },
      {
        version: '1.10.0',
        description: 'Fraud model',
        tags: ['tabular'],
        sources: ['dvc-artifact', 'dvc-tracked', 'discovery'],
        dvc: {
          declaredIn: 'dvc.yaml',
          md5: 'ffffffffffffffffffffffffffffffff',
          size: 9,
          stage: 'train',
          artifact: 'fraud',
        },
      },
    );
    const features = result.items.find((i) => i.relativePath === 'data/features.parquet')!;
    assert.equal(features.missing, true);
    assert.match(features.fixHint ?? '', /dvc repro/);
  });

  it('reads the fixture written by the real DVC and MLflow as the tools report it', async () => {
    const project = copyFixture(path.join(fixturesRoot, 'project'), path.join(root, 'project'));
    const expected = JSON.parse(fs.readFileSync(path.join(fixturesRoot, 'expected.json'), 'utf8')) as Expected;
    await checkProject(project, expected);
    const result = await discoverWorkspace({ root: project });
    const champion = result.items.find((i) => i.mlflow?.aliases.includes('champion'))!;
    assert.deepEqual(
      [champion.id, champion.relativePath, champion.tags],
      ['model:mlflow:mlruns/fraud-classifier/2', 'mlruns/models/fraud-classifier/version-2', ['@champion']],
    );
    assert.equal(
      result.items.find((i) => i.relativePath === 'data/raw.csv')?.source,
      'dvc-tracked',
      'gitignored by data/.gitignore, listed through data/raw.csv.dvc',
    );
  });

  it('lists the registered models of an MLflow SQLite store whatever its name, as the real MLflow wrote them', async () => {
    const database = gunzipSync(
      fs.readFileSync(path.join(fixturesRoot, '..', 'mlflow', 'releases', '3.17.2', 'mlflow.db.gz')),
    );
    writeTree(root, { 'tracking/.gitignore': '*.db\n', 'notes.db': 'not a database', README: '# x' });
    fs.writeFileSync(path.join(root, 'tracking', 'backend.db'), database);
    const index = new WorkspaceIndex({ root });
    const result = await index.scan();
    const registry = result.items.filter((i) => i.source === 'mlflow-registry');
    assert.deepEqual(
      registry.map((i) => [
        i.id,
        i.name,
        i.version,
        i.relativePath,
        i.isDirectory,
        i.tags.filter((t) => t.startsWith('@')),
      ]),
      [
        ['model:mlflow:tracking/backend.db/churn-model/1', 'churn-model', '1', 'tracking/backend.db', false, []],
        [
          'model:mlflow:tracking/backend.db/churn-model/2',
          'churn-model',
          '2',
          'tracking/backend.db',
          false,
          ['@champion'],
        ],
        [
          'model:mlflow:tracking/backend.db/churn-model/3',
          'churn-model',
          '3',
          'tracking/backend.db',
          false,
          ['@challenger'],
        ],
      ],
    );
    assert.deepEqual(result.problems, []);
    // When each version was registered, as the registry records it (not when the database file was written).
    const created = registry.map((i) => i.mlflow?.created ?? NaN);
    const written = fs.statSync(path.join(root, 'tracking', 'backend.db')).mtimeMs;
    assert.ok(
      created.every((t, k) => t > Date.UTC(2023, 0, 1) && t < written - 60_000 && (k === 0 || t >= created[k - 1])),
      `registered in order, before the file was copied: ${created.join(', ')}`,
    );

    // Renamed without an extension, it is still recognised; deleted, its models go.
    fs.renameSync(path.join(root, 'tracking', 'backend.db'), path.join(root, 'store'));
    await index.applyChanges([
      { path: 'tracking/backend.db', type: 'deleted' },
      { path: 'store', type: 'created' },
    ]);
    assert.deepEqual(
      index.result.items.filter((i) => i.source === 'mlflow-registry').map((i) => i.id),
      ['model:mlflow:store/churn-model/1', 'model:mlflow:store/churn-model/2', 'model:mlflow:store/churn-model/3'],
    );
    fs.rmSync(path.join(root, 'store'));
    await index.applyChanges([{ path: 'store', type: 'deleted' }]);
    assert.deepEqual(
      index.result.items.filter((i) => i.source === 'mlflow-registry'),
      [],
    );
  });

  it('lists a folder of many matching files as one item', async () => {
    const files: Record<string, string> = { 'data/one.csv': 'x' };
    for (let i = 0; i < 30; i++) files[`data/shards/part-${String(i).padStart(4, '0')}.parquet`] = 'x';
    writeTree(root, files);
    const result = await discover({ folderThreshold: 25 });
    assert.deepEqual(summary(result.items), ['dataset:data/one.csv (discovery)', 'dataset:data/shards (discovery)']);
    const shards = result.items.find((i) => i.relativePath === 'data/shards')!;
    assert.deepEqual([shards.isDirectory, shards.fileCount, shards.format], [true, 30, 'parquet']);
    assert.equal((await discover({ folderThreshold: 0 })).items.length, 31);
  });

  it('does not follow folder symlinks (a loop ends), but counts a link to a model file', async function () {
    if (process.platform === 'win32') this.skip();
    writeTree(root, { 'a/b/model.pt': 'x', 'real.onnx': 'x' });
    fs.symlinkSync(root, path.join(root, 'a', 'b', 'loop'));
    fs.symlinkSync(path.join(root, 'a'), path.join(root, 'a', 'up'));
    fs.symlinkSync(path.join(root, 'real.onnx'), path.join(root, 'a', 'linked.onnx'));
    fs.symlinkSync(path.join(root, 'nowhere.pt'), path.join(root, 'a', 'dangling.pt'));
    fs.symlinkSync('self.pkl', path.join(root, 'self.pkl'));
    const result = await discover();
    assert.deepEqual(summary(result.items), [
      'model:a/b/model.pt (discovery)',
      'model:a/linked.onnx (discovery)',
      'model:real.onnx (discovery)',
    ]);
  });

  it('lists a binary file named .csv as a dataset without reading it', async () => {
    writeTree(root, { 'data/weird.csv': Buffer.from([0, 255, 0, 1, 2, 3, 0xc3, 0x28]) });
    const result = await discover();
    assert.deepEqual(summary(result.items), ['dataset:data/weird.csv (discovery)']);
    const stats = await statItems(result.items);
    assert.equal(stats.get('dataset:data/weird.csv')?.size, 8);
  });

  it('reports a broken dvc.yaml as a problem and keeps going', async () => {
    writeTree(root, { 'dvc.yaml': 'stages:\n  train: [a\n', 'm.pt': 'x' });
    const result = await discover();
    assert.deepEqual(summary(result.items), ['model:m.pt (discovery)']);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0].message, /^dvc\.yaml:\d+:\d+: /);
  });

  it('fails with a DiscoveryError for a folder that does not exist, and stops when cancelled', async () => {
    await assert.rejects(
      discoverWorkspace({ root: path.join(root, 'nope') }),
      (err: unknown) => err instanceof DiscoveryError && /does not exist/.test(err.message),
    );
    writeTree(root, { 'a/b/c/m.pt': 'x' });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(discover({ signal: controller.signal }), DiscoveryCancelledError);
  });
});

describe('WorkspaceIndex.applyChanges', () => {
  let root = '';
  beforeEach(() => {
    root = tempFolder();
  });
  afterEach(() => removeFolder(root));

  /** The incremental result must equal a full rescan of the same tree. */
  const assertSameAsRescan = async (index: WorkspaceIndex, options: Partial<DiscoveryOptions> = {}) => {
    const fresh = await discoverWorkspace({ root, ...options });
    assert.deepEqual(summary(index.result.items), summary(fresh.items));
  };

  it('adds created files and folders and removes deleted ones without a rescan', async () => {
    writeTree(root, { 'models/a.pt': 'x', 'data/.gitignore': '*.tmp.csv\n' });
    const index = new WorkspaceIndex({ root });
    await index.scan();
    const directories = index.result.stats.directories;

    writeTree(root, { 'models/b.onnx': 'x' });
    let delta = await index.applyChanges([{ path: path.join(root, 'models', 'b.onnx'), type: 'created' }]);
    assert.deepEqual(summary(delta.added), ['model:models/b.onnx (discovery)']);
    assert.deepEqual([delta.removed, delta.updated], [[], []]);
    assert.equal(delta.result.stats.directories, directories, 'no folder was read again');

    writeTree(root, { 'new/deep/x.csv': 'x', 'new/deep/y.tmp.csv': 'x', 'data/z.tmp.csv': 'x' });
    delta = await index.applyChanges([
      { path: 'new/deep/x.csv', type: 'created' },
      { path: 'data/z.tmp.csv', type: 'created' },
    ]);
    assert.deepEqual(summary(delta.added), [
      'dataset:new/deep/x.csv (discovery)',
      'dataset:new/deep/y.tmp.csv (discovery)',
    ]);

    fs.rmSync(path.join(root, 'new'), { recursive: true });
    fs.rmSync(path.join(root, 'models', 'a.pt'));
    delta = await index.applyChanges([
      { path: 'new', type: 'deleted' },
      { path: 'models/a.pt', type: 'deleted' },
    ]);
    assert.deepEqual(summary(delta.removed), [
      'dataset:new/deep/x.csv (discovery)',
      'dataset:new/deep/y.tmp.csv (discovery)',
      'model:models/a.pt (discovery)',
    ]);
    await assertSameAsRescan(index);
  });

  it('re-reads rules when a .gitignore changes, and DVC metadata when it changes', async () => {
    writeTree(root, { 'out/a.pkl': 'x', 'out/b.pkl': 'x', 'data/.gitignore': '/raw.csv\n' });
    const index = new WorkspaceIndex({ root });
    await index.scan();
    assert.equal(index.result.items.length, 2);

    writeTree(root, { '.gitignore': 'out/\n' });
    let delta = await index.applyChanges([{ path: '.gitignore', type: 'created' }]);
    assert.deepEqual(summary(delta.removed), ['model:out/a.pkl (discovery)', 'model:out/b.pkl (discovery)']);
    await assertSameAsRescan(index);

    writeTree(root, {
      'data/raw.csv.dvc': 'outs:\n- md5: 00000000000000000000000000000000\n  size: 1\n  path: raw.csv\n',
    });
    delta = await index.applyChanges([{ path: 'data/raw.csv.dvc', type: 'created' }]);
    assert.deepEqual(summary(delta.added), ['dataset:data/raw.csv (dvc-tracked)']);
    assert.equal(delta.added[0].missing, true);

    writeTree(root, { 'data/raw.csv': 'a\n' });
    delta = await index.applyChanges([{ path: 'data/raw.csv', type: 'created' }]);
    assert.deepEqual(
      delta.updated.map((i) => [i.relativePath, i.missing]),
      [['data/raw.csv', false]],
    );

    fs.rmSync(path.join(root, '.gitignore'));
    delta = await index.applyChanges([{ path: '.gitignore', type: 'deleted' }]);
    assert.deepEqual(summary(delta.added), ['model:out/a.pkl (discovery)', 'model:out/b.pkl (discovery)']);
    await assertSameAsRescan(index);
  });

  it('notices a folder becoming a virtual environment, and ceasing to be one', async () => {
    writeTree(root, { 'tools/data.csv': 'x' });
    const index = new WorkspaceIndex({ root });
    await index.scan();
    writeTree(root, { 'tools/pyvenv.cfg': 'home = /usr/bin\n' });
    let delta = await index.applyChanges([{ path: 'tools/pyvenv.cfg', type: 'created' }]);
    assert.deepEqual(summary(delta.removed), ['dataset:tools/data.csv (discovery)']);
    fs.rmSync(path.join(root, 'tools', 'pyvenv.cfg'));
    delta = await index.applyChanges([{ path: 'tools/pyvenv.cfg', type: 'deleted' }]);
    assert.deepEqual(summary(delta.added), ['dataset:tools/data.csv (discovery)']);
  });

  it('handles a file named like a parent reference ("..data.csv") as a workspace file', async () => {
    const index = new WorkspaceIndex({ root });
    await index.scan();
    writeTree(root, { '..data.csv': 'x' });
    const delta = await index.applyChanges([{ path: path.join(root, '..data.csv'), type: 'created' }]);
    assert.deepEqual(summary(delta.added), ['dataset:..data.csv (discovery)']);
    const outside = await index.applyChanges([{ path: path.join(root, '..', 'elsewhere.csv'), type: 'created' }]);
    assert.deepEqual(outside.added, []);
  });

  it('runs overlapping calls one after the other', async () => {
    writeTree(root, { 'a.pt': 'x' });
    const index = new WorkspaceIndex({ root });
    const first = index.scan();
    writeTree(root, { 'b.pt': 'x' });
    const second = index.applyChanges([{ path: 'b.pt', type: 'created' }]);
    const third = index.scan();
    const [, delta, last] = await Promise.all([first, second, third]);
    assert.deepEqual(summary(delta.result.items), ['model:a.pt (discovery)', 'model:b.pt (discovery)']);
    assert.deepEqual(summary(last.items), summary(delta.result.items));
  });

  it('follows the MLflow registry and ignores events inside skipped folders', async () => {
    copyFixture(path.join(fixturesRoot, 'project', 'mlruns'), path.join(root, 'mlruns'));
    const index = new WorkspaceIndex({ root });
    await index.scan();
    const before = index.result.items.filter((i) => i.source === 'mlflow-registry').length;
    assert.equal(before, 3);
    fs.rmSync(path.join(root, 'mlruns', 'models', 'churn'), { recursive: true });
    let delta = await index.applyChanges([{ path: 'mlruns/models/churn/version-1/meta.yaml', type: 'deleted' }]);
    assert.deepEqual(
      delta.removed.map((i) => i.id),
      ['model:mlflow:mlruns/churn/1'],
    );
    writeTree(root, { 'node_modules/x/m.onnx': 'x' });
    delta = await index.applyChanges([{ path: 'node_modules/x/m.onnx', type: 'created' }]);
    assert.deepEqual([delta.added, delta.removed, delta.updated], [[], [], []]);
  });

  it('takes a new mlops.yaml: re-merges, and rescans only when exclude globs change', async () => {
    writeTree(root, { 'models/m.pt': 'x', 'scratch/s.pt': 'x' });
    const index = new WorkspaceIndex({ root });
    await index.scan();
    let delta = await index.reconfigure({
      config: config('version: 1\nmodels:\n  - name: main\n    path: models/m.pt\n    stage: staging\n'),
    });
    assert.deepEqual(
      delta.updated.map((i) => [i.name, i.source, i.stage]),
      [['main', 'config', 'staging']],
    );
    delta = await index.reconfigure({ config: config('version: 1\nexclude: ["scratch/**"]\n') });
    assert.deepEqual(summary(delta.removed), ['model:scratch/s.pt (discovery)']);
    assert.deepEqual(
      delta.updated.map((i) => [i.name, i.source]),
      [['m', 'discovery']],
    );
  });
});
