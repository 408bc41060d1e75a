import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseLogOutput, readAtRevision, readHistory } from '../../../src/core/git/history';
import { GitNotFoundError, NotARepositoryError } from '../../../src/core/git/run';
import { latest, MetricsError, type Run } from '../../../src/core/metrics/model';
import { commit, demoRepo, git, initRepo } from './historyRepos';

const value = (run: Run, key: string, file?: string): number | undefined => {
  const s = run.metrics.find((m) => m.key === key && (file === undefined || m.file === file));
  return s ? latest(s)?.value : undefined;
};

const demoFiles = {
  metrics: ['metrics/eval.json', 'dvclive/metrics.json'],
  params: ['params.yaml'],
  plots: ['dvclive/plots/metrics'],
};

describe('git history: the demo repository', function () {
  this.timeout(60_000);
  let tmp: string;
  let repo: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-history-demo-'));
    repo = demoRepo(path.join(tmp, 'demo'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('gives one run per commit on main plus one per experiment, newest first', async () => {
    const result = await readHistory(repo, demoFiles);
    assert.deepEqual(result.errors, []);
    assert.equal(result.shallow, false);
    assert.equal(result.runs.length, 43);
    const main = git(repo, ['rev-list', 'main']).trim().split('\n');
    assert.equal(main.length, 40);
    for (const sha of main)
      assert.ok(
        result.runs.some((r) => r.id === sha),
        sha,
      );
    for (let i = 1; i < result.runs.length; i++) assert.ok(result.runs[i - 1].time! >= result.runs[i].time!);
    assert.equal(result.start?.sha, main[main.length - 1]);
    assert.equal(result.start?.subject, 'Initial fraud-detection pipeline');
  });

  it('reads every revision’s values exactly as git has them', async () => {
    const result = await readHistory(repo, demoFiles);
    for (const run of result.runs) {
      const evalJson = JSON.parse(git(repo, ['show', `${run.id}:metrics/eval.json`])) as Record<
        string,
        Record<string, number>
      >;
      assert.equal(value(run, 'test.f1', 'metrics/eval.json'), evalJson.test.f1, run.label);
      assert.equal(value(run, 'validation.roc_auc', 'metrics/eval.json'), evalJson.validation.roc_auc, run.label);
      assert.equal(
        value(run, 'fraud_loss_prevented_usd'),
        (evalJson as unknown as Record<string, number>).fraud_loss_prevented_usd,
      );
      const params = git(repo, ['show', `${run.id}:params.yaml`]);
      assert.equal(run.params['train.max_depth'], /max_depth: (\d+)/.exec(params)![1]);
      const loss = run.metrics.find((m) => m.key === 'train.loss')!;
      assert.equal(loss.file, 'dvclive/metrics.json');
      assert.equal(loss.points.length, 20, 'per-epoch curve from dvclive/plots/metrics/train/loss.tsv');
      const tsv = git(repo, ['show', `${run.id}:dvclive/plots/metrics/train/loss.tsv`])
        .trim()
        .split('\n');
      assert.equal(loss.points[5].value, Number(tsv[6].split('\t')[1]));
      assert.equal(run.source.kind, 'git');
      assert.equal(run.revision, run.id);
      assert.equal(run.revisionInfo!.shortSha, run.id.slice(0, 7));
    }
  });

  it('leaves the model registry’s stage and deregistration tags out of the revisions’ tags', async () => {
    const events = git(repo, ['tag', '-l', 'fraud-classifier#*', 'fraud-classifier@*!']).trim().split('\n');
    assert.equal(events.length, 7, 'the demo has six stage tags and one deregistration');
    const result = await readHistory(repo, demoFiles);
    const tagged = result.runs.flatMap((r) => r.revisionInfo!.tags);
    assert.deepEqual(tagged.sort(), [
      'fraud-classifier@v1.0.0',
      'fraud-classifier@v1.1.0',
      'fraud-classifier@v1.2.0',
      'fraud-classifier@v2.0.0',
    ]);
  });

  it('puts the release tags on the right commits, with author, date and subject', async () => {
    const result = await readHistory(repo, demoFiles);
    for (const [version, index] of [
      ['1.0.0', 7],
      ['1.1.0', 16],
      ['1.2.0', 27],
      ['2.0.0', 37],
    ] as const) {
      const tag = `fraud-classifier@v${version}`;
      const sha = git(repo, ['rev-parse', `${tag}^{commit}`]).trim();
      const runs = result.runs.filter((r) => r.revisionInfo!.tags.includes(tag));
      assert.equal(runs.length, 1, tag);
      const run = runs[0];
      assert.equal(run.id, sha);
      assert.equal(run.label, `${sha.slice(0, 7)} ${tag}`);
      assert.equal(run.revisionInfo!.subject, `Release fraud-classifier v${version}`);
      assert.ok(run.revisionInfo!.refs.includes(tag));
      // The annotated tag's message records the test F1 of that release.
      const message = git(repo, ['for-each-ref', '--format=%(contents:subject)', `refs/tags/${tag}`]).trim();
      assert.equal(String(value(run, 'test.f1')), /test f1 ([\d.]+)/.exec(message)![1]);
      const main = git(repo, ['rev-list', '--reverse', 'main']).trim().split('\n');
      assert.equal(main[index], sha, `${tag} is commit #${index}`);
      assert.match(run.revisionInfo!.author, /^(Ana Ruiz|Ben Okafor|Chen Wei)$/);
      assert.match(run.revisionInfo!.authorEmail!, /@example\.com$/);
      assert.equal(run.revisionInfo!.date, Number(git(repo, ['log', '-1', '--format=%at', sha]).trim()) * 1000);
    }
  });

  it('finds the three DVC experiments with their names, baseline and params', async () => {
    const result = await readHistory(repo, demoFiles);
    const head = git(repo, ['rev-parse', 'HEAD']).trim();
    const exps = result.runs.filter((r) => r.experiment);
    assert.deepEqual(exps.map((r) => r.experiment).sort(), ['deep-trees', 'fast-lr', 'lean-trees']);
    const depth: Record<string, string> = { 'lean-trees': '4', 'deep-trees': '10', 'fast-lr': '6' };
    for (const r of exps) {
      assert.equal(r.label, r.experiment);
      assert.deepEqual(r.revisionInfo!.parents, [head]);
      assert.equal(r.revisionInfo!.refs[0], `refs/exps/${head.slice(0, 2)}/${head.slice(2)}/${r.experiment}`);
      assert.equal(r.params['train.max_depth'], depth[r.experiment!]);
    }
    const headRun = result.runs.find((r) => r.id === head)!;
    assert.deepEqual(headRun.revisionInfo!.refs, ['main']);
    assert.equal(headRun.label, `${head.slice(0, 7)} main`);
  });

  it('leaves tags and experiments out when asked', async () => {
    const result = await readHistory(repo, { ...demoFiles, tags: false, experiments: false });
    assert.equal(result.runs.length, 40);
    assert.equal(result.runs.filter((r) => r.experiment).length, 0);
  });

  it('limits to the newest commits with maxCount and still gives complete values', async () => {
    const result = await readHistory(repo, { ...demoFiles, maxCount: 3, tags: false, experiments: false });
    assert.equal(result.runs.length, 3);
    for (const r of result.runs) assert.equal(r.metrics.filter((m) => m.file === 'metrics/eval.json').length, 13);
  });

  it('reads a single revision by tag, and names the missing files', async () => {
    const { run, missing, errors } = await readAtRevision(repo, 'fraud-classifier@v1.0.0', {
      metrics: ['metrics/eval.json', 'nope.json'],
      params: ['params.yaml'],
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(missing, ['nope.json']);
    assert.equal(run.id, git(repo, ['rev-parse', 'fraud-classifier@v1.0.0^{commit}']).trim());
    assert.equal(run.metrics.length, 13);
    assert.equal(run.params['train.model'], 'random_forest');
    await assert.rejects(
      readAtRevision(repo, 'no-such-tag', { metrics: ['metrics/eval.json'] }),
      (err: unknown) => err instanceof MetricsError && /unknown revision 'no-such-tag'/.test(err.message),
    );
    await assert.rejects(readAtRevision(repo, '--output=x', { metrics: ['metrics/eval.json'] }), MetricsError);
  });

  it('follows a shallow clone to its boundary and says so', async () => {
    const clone = path.join(tmp, 'shallow');
    git(tmp, ['clone', '-q', '--depth', '5', `file://${repo}`, clone]);
    const result = await readHistory(clone, demoFiles);
    assert.equal(result.shallow, true);
    assert.equal(result.runs.length, 5);
    const boundary = git(clone, ['rev-list', 'HEAD']).trim().split('\n').pop();
    assert.equal(result.start?.sha, boundary);
    const oldest = result.runs[result.runs.length - 1];
    assert.equal(oldest.id, boundary);
    // The boundary commit has all its files, not only what changed in it.
    assert.equal(oldest.metrics.filter((m) => m.file === 'metrics/eval.json').length, 13);
    assert.equal(Object.keys(oldest.params).length, 10);
    assert.ok(result.runs.some((r) => r.revisionInfo!.tags.includes('fraud-classifier@v2.0.0')));
  });
});

describe('git history: renames, merges, subfolders and odd repositories', function () {
  this.timeout(30_000);
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-history-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('follows a metrics file renamed once, under its current name', async () => {
    const repo = initRepo(path.join(tmp, 'r'));
    const c1 = commit(repo, 'scores v1', { 'metrics/scores.json': '{"f1": 0.1}', 'params.yaml': 'lr: 0.1\n' });
    const c2 = commit(repo, 'scores v2', { 'metrics/scores.json': '{"f1": 0.2}' });
    commit(repo, 'readme', { 'README.md': 'x' });
    git(repo, ['mv', 'metrics/scores.json', 'metrics/eval.json']);
    const c3 = commit(repo, 'rename');
    const c4 = commit(repo, 'eval v3', { 'metrics/eval.json': '{"f1": 0.3}' });
    const result = await readHistory(repo, { metrics: ['metrics/eval.json'], params: ['params.yaml'] });
    assert.deepEqual(
      result.runs.map((r) => [r.id, value(r, 'f1', 'metrics/eval.json'), r.params.lr]),
      [
        [c4, 0.3, '0.1'],
        [c3, 0.2, '0.1'],
        [c2, 0.2, '0.1'],
        [c1, 0.1, '0.1'],
      ],
    );
  });

  it('follows first parents through a merge by default, every parent when asked', async () => {
    const repo = initRepo(path.join(tmp, 'r'));
    const c1 = commit(repo, 'c1', { 'm.json': '{"acc": 1}', 'p.yaml': 'a: 1\n' });
    git(repo, ['checkout', '-q', '-b', 'feature']);
    const f1 = commit(repo, 'f1', { 'm.json': '{"acc": 2}' });
    git(repo, ['checkout', '-q', 'main']);
    commit(repo, 'c2 unrelated', { 'README.md': 'x' });
    const c3 = commit(repo, 'c3 params', { 'p.yaml': 'a: 3\n' });
    git(repo, ['merge', '-q', '--no-ff', 'feature', '-m', 'merge feature']);
    const merge = git(repo, ['rev-parse', 'HEAD']).trim();
    const c4 = commit(repo, 'c4', { 'm.json': '{"acc": 4}' });
    git(repo, ['branch', '-q', '-D', 'feature']);
    const files = { metrics: ['m.json'], params: ['p.yaml'] };

    const firstParent = await readHistory(repo, files);
    assert.deepEqual(
      firstParent.runs.map((r) => [r.id, value(r, 'acc'), r.params['p.yaml:a']]),
      [
        [c4, 4, '3'],
        [merge, 2, '3'],
        [c3, 1, '3'],
        [c1, 1, '1'],
      ],
    );
    const mergeRun = firstParent.runs.find((r) => r.id === merge)!;
    assert.equal(mergeRun.revisionInfo!.parents.length, 2);
    assert.equal(mergeRun.revisionInfo!.parents[1], f1);

    const all = await readHistory(repo, { ...files, merges: 'all-parents' });
    assert.ok(all.runs.some((r) => r.id === f1 && value(r, 'acc') === 2 && r.params['p.yaml:a'] === '1'));
    assert.equal(all.runs.find((r) => r.id === merge) && value(all.runs.find((r) => r.id === merge)!, 'acc'), 2);
    assert.equal(value(all.runs.find((r) => r.id === c3)!, 'acc'), 1);
  });

  it('follows every local branch when asked, labelling branch tips', async () => {
    const repo = initRepo(path.join(tmp, 'r'));
    commit(repo, 'c1', { 'm.json': '{"acc": 1}' });
    git(repo, ['checkout', '-q', '-b', 'try-this']);
    const t1 = commit(repo, 't1', { 'm.json': '{"acc": 9}' });
    git(repo, ['checkout', '-q', 'main']);
    assert.equal((await readHistory(repo, { metrics: ['m.json'] })).runs.length, 1);
    const all = await readHistory(repo, { metrics: ['m.json'], branches: 'all' });
    assert.equal(all.runs.length, 2);
    const tip = all.runs.find((r) => r.id === t1)!;
    assert.equal(tip.label, `${t1.slice(0, 7)} try-this`);
    assert.equal(value(tip, 'acc'), 9);
  });

  it('includes a tagged commit that did not touch the files, with the values it has', async () => {
    const repo = initRepo(path.join(tmp, 'r'));
    commit(repo, 'c1', { 'm.json': '{"acc": 1}', 'plots/loss.csv': 'step,loss\n0,1\n1,0.5\n' });
    const docs = commit(repo, 'docs only', { 'README.md': 'x' });
    git(repo, ['tag', 'v1']);
    const result = await readHistory(repo, { metrics: ['m.json'], plots: ['plots'] });
    const tagged = result.runs.find((r) => r.id === docs)!;
    assert.equal(tagged.label, `${docs.slice(0, 7)} v1`);
    assert.equal(value(tagged, 'acc'), 1);
    assert.deepEqual(tagged.metrics.find((m) => m.key === 'loss')!.points, [
      { step: 0, value: 1 },
      { step: 1, value: 0.5 },
    ]);
    assert.equal(tagged.metrics.find((m) => m.key === 'loss')!.file, 'plots/loss.csv');
  });

  it('reads the data files of a plots folder and leaves its images alone (DVC image plots are not metrics)', async () => {
    const repo = initRepo(path.join(tmp, 'r'));
    // A 1x1 PNG, as a training script saves a figure beside its plot data (plots: - plots in dvc.yaml).
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    );
    const sha = commit(repo, 'c1', {
      'metrics.json': '{"acc": 0.9}',
      'plots/loss.csv': 'step,loss\n0,1\n1,0.5\n',
      'plots/confusion.png': png,
      'plots/figures/roc.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    });
    const result = await readHistory(repo, { metrics: ['metrics.json'], plots: ['plots'] });
    assert.deepEqual(result.errors, []);
    const run = result.runs.find((r) => r.id === sha)!;
    assert.deepEqual(
      run.metrics.map((m) => [m.file, m.key]),
      [
        ['metrics.json', 'acc'],
        ['plots/loss.csv', 'loss'],
      ],
    );
  });

  it('reports a malformed file at one revision and still reads the others', async () => {
    const repo = initRepo(path.join(tmp, 'r'));
    const good = commit(repo, 'good', { 'm.json': '{"acc": 1}' });
    const bad = commit(repo, 'bad', { 'm.json': '{"acc": \n' });
    const binary = commit(repo, 'binary', { 'm.json': Buffer.from([0x7b, 0xff, 0x7d]) });
    const fixed = commit(repo, 'fixed', { 'm.json': '{"acc": 3}' });
    const result = await readHistory(repo, { metrics: ['m.json'] });
    assert.equal(value(result.runs.find((r) => r.id === good)!, 'acc'), 1);
    assert.equal(value(result.runs.find((r) => r.id === fixed)!, 'acc'), 3);
    // Revisions whose file cannot be read stay in the timeline without values; the errors say why.
    assert.deepEqual(result.runs.find((r) => r.id === bad)!.metrics, []);
    assert.deepEqual(result.runs.find((r) => r.id === binary)!.metrics, []);
    assert.equal(result.errors.length, 2);
    const syntax = result.errors.find((e) => e.location === `${bad.slice(0, 7)}:m.json`)!;
    assert.deepEqual(syntax.position, { line: 2, column: 1, offset: 9 });
    assert.match(syntax.message, /^[0-9a-f]{7}:m\.json:2:1: expected a value: the file ends too early/);
    assert.match(result.errors.find((e) => e.location === `${binary.slice(0, 7)}:m.json`)!.message, /not UTF-8/);
  });

  it('reads a subfolder of the repository with paths relative to it', async () => {
    const repo = initRepo(path.join(tmp, 'r'));
    commit(repo, 'c1', { 'project/metrics.yaml': 'acc: 0.5\n', 'project/plots/a.tsv': 'step\tx\n0\t1\n' });
    const result = await readHistory(path.join(repo, 'project'), { metrics: ['metrics.yaml'], plots: ['plots'] });
    assert.equal(result.root, fs.realpathSync(repo));
    assert.deepEqual(
      result.runs[0].metrics.map((m) => [m.file, m.key]),
      [
        ['metrics.yaml', 'acc'],
        ['plots/a.tsv', 'x'],
      ],
    );
    const single = await readAtRevision(path.join(repo, 'project'), 'HEAD', { metrics: ['metrics.yaml'] });
    assert.equal(value(single.run, 'acc'), 0.5);
  });

  it('gives an empty result for a repository without commits', async () => {
    const repo = initRepo(path.join(tmp, 'empty'));
    const result = await readHistory(repo, { metrics: ['m.json'] });
    assert.deepEqual(result.runs, []);
    assert.deepEqual(result.errors, []);
    assert.equal(result.start, undefined);
    await assert.rejects(readAtRevision(repo, 'HEAD', { metrics: ['m.json'] }), /unknown revision 'HEAD'/);
  });

  it('says when a folder is not a repository, or does not exist', async () => {
    const plain = path.join(tmp, 'plain');
    fs.mkdirSync(plain);
    await assert.rejects(readHistory(plain, { metrics: ['m.json'] }), NotARepositoryError);
    await assert.rejects(readHistory(path.join(tmp, 'missing'), { metrics: ['m.json'] }), NotARepositoryError);
  });

  it('says when git is missing', async () => {
    const repo = initRepo(path.join(tmp, 'r'));
    const saved = process.env.PATH;
    process.env.PATH = path.join(tmp, 'no-bin');
    try {
      await assert.rejects(
        readHistory(repo, { metrics: ['m.json'] }),
        (err: unknown) => err instanceof GitNotFoundError && /Install git/.test(err.message),
      );
    } finally {
      process.env.PATH = saved;
    }
  });

  it('never throws on damaged log output', () => {
    const sample = [
      '\x1eabc',
      'def',
      'Ann',
      'a@x',
      '1700000000',
      'subject',
      '\n:100644 100644 aaa bbb M',
      'm.json',
      '\x1edef',
      '',
      'Bob',
      'b@x',
      '1700000000',
      's2',
      '\n:000000 100644 000 ccc R100',
      'old.json',
      'new.json',
      '',
    ].join('\x00');
    assert.equal(parseLogOutput(sample).length, 2);
    assert.deepEqual(parseLogOutput(sample)[1].changes, [
      { status: 'R', dst: 'ccc', path: 'new.json', from: 'old.json' },
    ]);
    for (let cut = 0; cut <= sample.length; cut++) parseLogOutput(sample.slice(0, cut));
    for (let i = 0; i < sample.length; i++) parseLogOutput(sample.slice(0, i) + '\0\x1e:' + sample.slice(i));
  });
});
