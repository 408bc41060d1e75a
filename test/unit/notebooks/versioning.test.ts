import assert from 'node:assert/strict';
import { notebooksConfigSchema, readNotebooksConfig, stripOptionsFromConfig } from '../../../src/core/notebooks/config';
import {
  checkSnapshotTag,
  cliCommand,
  linkedFiles,
  nextSnapshotTag,
  parseCliCommand,
  refNameProblem,
  shellQuote,
  snapshotName,
  taggedVersions,
} from '../../../src/core/notebooks/versioning';

describe('notebooks: versioning helpers', () => {
  it('links a notebook to the files named in notebooks.links, exact path before glob', () => {
    const links = {
      'notebooks/*.ipynb': ['params.yaml'],
      'notebooks/eval.ipynb': ['metrics/eval.json', './params.yaml', 'notebooks/eval.ipynb'],
    };
    assert.deepEqual(
      linkedFiles({
        notebook: 'notebooks/eval.ipynb',
        links,
        siblings: ['params.yaml'],
        declared: ['dvclive/metrics.json'],
      }),
      {
        files: ['metrics/eval.json', 'params.yaml'],
        source: 'config',
        key: 'notebooks/eval.ipynb',
      },
    );
    assert.deepEqual(linkedFiles({ notebook: 'notebooks/explore.ipynb', links, siblings: [], declared: ['x.json'] }), {
      files: ['params.yaml'],
      source: 'config',
      key: 'notebooks/*.ipynb',
    });
  });

  it('otherwise finds params and metrics files next to the notebook and those dvc.yaml declares', () => {
    const result = linkedFiles({
      notebook: 'experiments/run.ipynb',
      links: { 'other.ipynb': ['a.json'] },
      siblings: ['params.yaml', 'metrics.json', 'data.csv', 'run.ipynb', 'notes.md'],
      declared: ['params.yaml', 'metrics/eval.json', 'experiments/metrics.json', '../outside.json'],
    });
    assert.deepEqual(result, {
      files: ['experiments/metrics.json', 'experiments/params.yaml', 'metrics/eval.json', 'params.yaml'],
      source: 'discovered',
    });
    assert.deepEqual(linkedFiles({ notebook: 'top.ipynb', siblings: ['params.yml'], declared: [] }).files, [
      'params.yml',
    ]);
  });

  it('names snapshot tags after the notebook convention, else the file name', () => {
    assert.equal(snapshotName('notebooks/2026-01-05-churn.ipynb', ['notebooks/{date}-{name}.ipynb']), 'churn');
    assert.equal(snapshotName('notebooks/02-evaluate-model.ipynb', ['reports/{name}.ipynb']), '02-evaluate-model');
    assert.equal(snapshotName('analysis/model-v3.ipynb'), 'model');
    assert.equal(snapshotName('My Notebook: draft?.ipynb'), 'My-Notebook-draft');
  });

  it('suggests the next version from the existing tags', () => {
    const tags = ['eval@v1.0.0', 'eval@v1.10.0', 'eval@v1.9.2', 'other@v7.0.0', 'eval-old@v9.0.0', 'eval@vnext'];
    assert.deepEqual(taggedVersions('eval', tags), ['1.10.0', '1.9.2', '1.0.0']);
    assert.deepEqual(nextSnapshotTag('eval', tags), { tag: 'eval@v1.11.0', version: '1.11.0' });
    assert.deepEqual(nextSnapshotTag('fresh', tags), { tag: 'fresh@v1.0.0', version: '1.0.0' });
  });

  it('checks tag names as git does, and the naming convention as a warning', () => {
    assert.deepEqual(checkSnapshotTag('eval@v1.2.0', 'eval', []), {});
    assert.match(checkSnapshotTag('eval@v1.2.0', 'eval', ['eval@v1.2.0']).error!, /already exists/);
    assert.match(
      checkSnapshotTag('release-1', 'eval', []).warning!,
      /does not follow the naming convention \{name\}@v\{version\}/,
    );
    assert.match(
      checkSnapshotTag('train@v1.0.0', 'eval', []).warning!,
      /names "train", not this notebook's name "eval"/,
    );
    for (const bad of ['', 'a b', 'a..b', '-x', 'a@{1}', 'x.lock', 'a/.b', 'end.', 'a:b', 'tab\there', 'a~1', '@'])
      assert.ok(refNameProblem(bad), `"${bad}" is refused`);
    for (const good of ['eval@v1.0.0', 'team/eval@v2', 'v1.0.0-rc.1'])
      assert.equal(refNameProblem(good), undefined, good);
  });

  it('writes the filter command for node and for Electron, and reads it back', () => {
    assert.equal(shellQuote('/usr/bin/node'), '/usr/bin/node');
    assert.equal(shellQuote("/home/o'neil/My Code/cli.js"), `'/home/o'\\''neil/My Code/cli.js'`);
    const node = cliCommand(
      { execPath: '/usr/bin/node', electron: false },
      '/home/me/.config/Code/User/globalStorage/x/bin/mlops-cli.js',
    );
    assert.equal(node, '/usr/bin/node /home/me/.config/Code/User/globalStorage/x/bin/mlops-cli.js');
    const electron = cliCommand(
      { execPath: '/Applications/Visual Studio Code.app/Contents/MacOS/Electron', electron: true },
      "/Users/o'neil/cli.js",
    );
    assert.equal(
      electron,
      `ELECTRON_RUN_AS_NODE=1 '/Applications/Visual Studio Code.app/Contents/MacOS/Electron' '/Users/o'\\''neil/cli.js'`,
    );
    assert.deepEqual(parseCliCommand(`${electron} nbstrip --stdin`), {
      execPath: '/Applications/Visual Studio Code.app/Contents/MacOS/Electron',
      cliPath: "/Users/o'neil/cli.js",
      electron: true,
    });
    assert.deepEqual(
      parseCliCommand(`${node} nbstrip --stdin`)?.cliPath,
      '/home/me/.config/Code/User/globalStorage/x/bin/mlops-cli.js',
    );
    assert.equal(parseCliCommand('nbstripout'), undefined);
    assert.equal(parseCliCommand('mlops nbstrip --stdin'), undefined);
  });

  it('reads notebooks.links next to notebooks.strip and rejects a wrong shape', () => {
    const config = readNotebooksConfig({ strip: { keepCount: true }, links: { 'nb.ipynb': ['params.yaml'] } });
    assert.deepEqual(config, { strip: { keepCount: true }, links: { 'nb.ipynb': ['params.yaml'] } });
    assert.deepEqual(stripOptionsFromConfig(config), { keepCount: true });
    assert.deepEqual(readNotebooksConfig({ links: { 'a.ipynb': [] } }), { links: { 'a.ipynb': [] } });
    assert.throws(
      () => readNotebooksConfig({ links: ['params.yaml'] }),
      /notebooks\.links: expected a mapping of notebook path -> list of files/,
    );
    assert.throws(
      () => readNotebooksConfig({ links: { 'a.ipynb': 'params.yaml' } }),
      /notebooks\.links\.a\.ipynb: expected a list of file paths/,
    );
    assert.throws(() => readNotebooksConfig({ link: {} }), /no such key \(known: strip, links\)/);
    assert.ok('links' in notebooksConfigSchema.properties);
  });
});
