import assert from 'node:assert/strict';
import { walkFiles } from '../../../src/core/checks/defaults/files';
import { createFileLister } from '../../../src/core/checks/defaults/files';
import { createGitHelper } from '../../../src/core/checks/defaults/git';
import { flattenMetrics, parseMetricsText } from '../../../src/core/checks/defaults/metrics';
import { splitKey } from '../../../src/core/checks/metricValues';
import { CheckInputError } from '../../../src/core/checks/types';
import { commitAll, DAY, BASE_TIME, git, makeRepo, removeTempDirs, tempDir, writeFiles } from './helpers';

describe('default readers', () => {
  after(removeTempDirs);

  it('walks files honouring nested .gitignore files, negations, virtual environments and exclude globs', () => {
    const dir = tempDir();
    writeFiles(dir, {
      '.gitignore': '*.log\n/build/\n!keep.log\n',
      'a.log': '',
      'keep.log': '',
      'build/out.bin': '',
      'src/build/ok.txt': '',
      'src/.gitignore': 'secret.txt\n!important.log\n',
      'src/secret.txt': '',
      'src/important.log': '',
      'src/main.py': '',
      'env/pyvenv.cfg': 'home = /usr/bin\n',
      'env/lib/site.py': '',
      'node_modules/x/index.js': '',
      'nb/.ipynb_checkpoints/a-checkpoint.ipynb': '',
      'nb/a.ipynb': '',
      'data/prepared/train.csv': '',
      'data/raw.csv': '',
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/info/exclude': 'local-only.txt\n',
      'local-only.txt': '',
    });
    const files = walkFiles(dir, { exclude: ['data/prepared/**'] }).map((f) => f.path);
    assert.deepEqual(files, [
      '.gitignore',
      'data/raw.csv',
      'keep.log',
      'nb/a.ipynb',
      'src/.gitignore',
      'src/build/ok.txt',
      'src/important.log',
      'src/main.py',
    ]);
  });

  it('reads text with clear errors for missing, large, binary and outside files', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.txt': '\uFEFFhello', 'big.txt': 'x'.repeat(100), 'bin.dat': Buffer.from([1, 0, 2]) });
    const files = createFileLister(dir);
    assert.equal(await files.readText('a.txt'), 'hello');
    await assert.rejects(
      files.readText('nope.txt'),
      (e: unknown) => e instanceof CheckInputError && e.message === 'nope.txt does not exist.',
    );
    await assert.rejects(files.readText('big.txt', 10), /big\.txt is 100 B, more than the 10 B this check reads/);
    await assert.rejects(files.readText('bin.dat'), /bin\.dat is a binary file/);
    await assert.rejects(files.readText('../outside.txt'), /outside the workspace/);
    assert.equal(await files.stat('../outside.txt'), undefined);
    assert.deepEqual((await files.stat('a.txt'))?.isDirectory, false);
  });

  it('parses metric files of every format, flattening scalar numbers', () => {
    assert.deepEqual(
      [...flattenMetrics(parseMetricsText('{"test": {"f1": 0.8, "n": "x", "ok": true}, "loss": 0.1}', 'm.json'))],
      [
        ['test.f1', 0.8],
        ['loss', 0.1],
      ],
    );
    assert.deepEqual([...flattenMetrics(parseMetricsText('val:\n  auc: .nan\n', 'm.yaml'))], [['val.auc', NaN]]);
    assert.deepEqual(
      [...flattenMetrics(parseMetricsText('acc = 0.9\n[eval]\nloss = 1_000\n', 'm.toml'))],
      [
        ['acc', 0.9],
        ['eval.loss', 1000],
      ],
    );
    assert.deepEqual(splitKey('eval.roc_auc'), { split: 'validation', baseKey: 'roc_auc' });
    assert.deepEqual(splitKey('train/loss'), { split: 'train', baseKey: 'loss' });
    assert.deepEqual(splitKey('fraud_loss_prevented_usd'), { baseKey: 'fraud_loss_prevented_usd' });
  });

  it('names the file and position of a malformed metrics file', () => {
    assert.throws(
      () => parseMetricsText('{\n  "a": 1,\n  "b": }\n', 'metrics/eval.json'),
      (e: unknown) =>
        e instanceof CheckInputError &&
        /^metrics\/eval\.json:3:\d+: not valid JSON/.test(e.message) &&
        e.position?.line === 3,
    );
    assert.throws(
      () => parseMetricsText('a: [1\n', 'm.yaml'),
      /m\.yaml:2:1: not valid YAML \(Flow sequence in block collection must be sufficiently indented and end with a \]\)\./,
    );
    assert.throws(
      () => parseMetricsText('[t]\nthis is not toml\n', 'm.toml'),
      /m\.toml:2:1: cannot read 'this is not toml' as TOML/,
    );
  });

  it('answers git questions: tracking, LFS attributes, last commit date, newest tag, merge base', async () => {
    const dir = makeRepo({ 'a.txt': 'a', '.gitattributes': '*.bin filter=lfs\n' }, BASE_TIME);
    git(dir, ['tag', 'm@v1.0.0'], BASE_TIME);
    writeFiles(dir, { 'b.txt': 'b' });
    commitAll(dir, 'b', BASE_TIME + DAY);
    git(dir, ['tag', '-a', 'm@v1.1.0', '-m', 'x'], BASE_TIME + DAY);
    writeFiles(dir, { 'untracked.txt': 'u' });
    const helper = createGitHelper(dir);
    assert.equal(await helper.isRepository(), true);
    assert.equal(await helper.isTracked('a.txt'), true);
    assert.equal(await helper.isTracked('untracked.txt'), false);
    assert.equal(await helper.isLfsPointer('x.bin'), true);
    assert.equal(await helper.isLfsPointer('a.txt'), false);
    assert.equal(await helper.lastCommitDate('b.txt'), BASE_TIME + DAY);
    assert.equal(await helper.lastCommitDate('untracked.txt'), undefined);
    assert.equal(await helper.newestTag('m@v*'), 'm@v1.1.0');
    assert.equal(await helper.newestTag('other@v*'), undefined);
    assert.equal(await helper.resolveRevision('--all'), undefined, 'an option is never passed through');
    assert.equal(await helper.mergeBase(), git(dir, ['rev-parse', 'HEAD']).trim());
    assert.equal(await helper.showFile('HEAD~1', 'a.txt'), 'a');
    assert.equal(await helper.showFile('HEAD~1', 'b.txt'), undefined);
    const outside = createGitHelper(tempDir());
    assert.equal(await outside.isRepository(), false);
    assert.equal(await outside.mergeBase(), undefined);
  });
});
