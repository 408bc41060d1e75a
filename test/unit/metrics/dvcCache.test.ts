// Metric values of past revisions read from the local DVC cache when the metrics file sits inside a cached folder
// output (a stage writing `results/train/`, as DVC's example projects do). The cache objects are the bytes `dvc add`
// wrote for such a folder (dvc 3.x: the folder's `.dir` listing and the file, under files/md5), checked by md5 here.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitHistorySource } from '../../../src/core/metrics/sources/gitHistory';
import { followedFiles } from '../../../src/core/metrics/sources/workspaceFiles';
import { git } from '../formats/dvc/oracle';

const METRICS = '{"f1": 0.5}\n';
const METRICS_MD5 = 'b664cbdf93b3476f841b943baf8c6b35';
const LISTING =
  '[{"md5": "b664cbdf93b3476f841b943baf8c6b35", "relpath": "metrics.json"}, {"md5": "401b30e3b8b5d629635a5c613cdb7919", "relpath": "other.txt"}]';
const LISTING_MD5 = '5648c991ea8d646ee4fa40f6daa5fb14';

describe('metric values from the local DVC cache (a metrics file inside a cached folder output)', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-dvc-cache-'));
    git(root, ['init', '-q', '-b', 'main']);
    fs.writeFileSync(
      path.join(root, 'dvc.yaml'),
      'metrics:\n- results/train/metrics.json\nstages:\n  train:\n    cmd: python train.py\n    params:\n    - lr\n    outs:\n    - results/train\n',
    );
    fs.writeFileSync(path.join(root, 'params.yaml'), 'lr: 0.01\n');
    fs.writeFileSync(
      path.join(root, 'dvc.lock'),
      `schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    outs:\n    - path: results/train\n      hash: md5\n      md5: ${LISTING_MD5}.dir\n      size: 14\n      nfiles: 2\n`,
    );
    fs.writeFileSync(path.join(root, '.gitignore'), '/results/train\n');
    fs.mkdirSync(path.join(root, '.dvc'));
    fs.writeFileSync(path.join(root, '.dvc', 'config'), '');
    git(root, ['add', '-A']);
    git(root, ['-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'Train']);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  afterEach(() => fs.rmSync(path.join(root, '.dvc', 'cache'), { recursive: true, force: true }));

  const put = (layout: 'dvc3' | 'dvc2', md5: string, bytes: string): void => {
    const file =
      layout === 'dvc3'
        ? path.join(root, '.dvc', 'cache', 'files', 'md5', md5.slice(0, 2), md5.slice(2))
        : path.join(root, '.dvc', 'cache', md5.slice(0, 2), md5.slice(2));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  };
  const read = async () => {
    const { followed } = followedFiles(root);
    assert.deepEqual(followed.metrics, ['results/train/metrics.json']);
    const { runs, problems } = await gitHistorySource.read(root, { root, followed });
    assert.equal(runs.length, 1);
    // Where values came from is a quiet note (the source does not open for it); why there are none is not.
    for (const p of problems) assert.equal(p.quiet === true, /local DVC cache/.test(p.message), p.message);
    return { run: runs[0], problems: problems.map((p) => p.message) };
  };

  it('the cached objects are what DVC writes (their names are their md5)', () => {
    assert.equal(createHash('md5').update(METRICS).digest('hex'), METRICS_MD5);
    assert.equal(createHash('md5').update(LISTING).digest('hex'), LISTING_MD5);
  });

  it('reads the file through the folder’s listing, in the DVC 3 and the DVC 2 cache layout', async () => {
    for (const layout of ['dvc3', 'dvc2'] as const) {
      put(layout, `${LISTING_MD5}.dir`, LISTING);
      put(layout, METRICS_MD5, METRICS);
      const { run, problems } = await read();
      assert.deepEqual(
        run.metrics.map((m) => [m.key, m.points.at(-1)?.value]),
        [['f1', 0.5]],
        layout,
      );
      assert.deepEqual(problems, [
        'The metric values of 1 revision come from the local DVC cache: their metrics files are DVC-tracked (dvc.lock holds the hash, git not the file).',
      ]);
      fs.rmSync(path.join(root, '.dvc', 'cache'), { recursive: true, force: true });
    }
  });

  it('without the file’s object (only the listing), or with none, the revision stays without values, explained', async () => {
    put('dvc3', `${LISTING_MD5}.dir`, LISTING);
    const listingOnly = await read();
    assert.equal(listingOnly.run.metrics.length, 0);
    assert.match(
      listingOnly.problems.join('\n'),
      /results\/train\/metrics\.json \(in the folder results\/train\) is DVC-tracked/,
    );
    fs.rmSync(path.join(root, '.dvc', 'cache'), { recursive: true, force: true });
    const none = await read();
    assert.equal(none.run.metrics.length, 0);
    assert.doesNotMatch(none.problems.join('\n'), /local DVC cache/);
  });
});
