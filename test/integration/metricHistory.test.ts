import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ChartPayload } from '../../src/core/chart/types';
import type { ExtensionApi } from '../../src/extension';
import type { MetricHistorySelection } from '../../src/protocol/metricHistory';
import { activateExtension } from './activation.test';
import { waitFor } from './wait';

const TAGS = [
  'fraud-classifier@v1.0.0',
  'fraud-classifier@v1.1.0',
  'fraud-classifier@v1.2.0',
  'fraud-classifier@v2.0.0',
];

function root(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

const gitEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Ana Ruiz',
  GIT_AUTHOR_EMAIL: 'ana.ruiz@example.com',
  GIT_COMMITTER_NAME: 'Ana Ruiz',
  GIT_COMMITTER_EMAIL: 'ana.ruiz@example.com',
};

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: root(), env: gitEnv }).toString('utf8').trim();
}

function testF1At(rev: string): number {
  return (JSON.parse(git(['show', `${rev}:metrics/eval.json`])) as { test: { f1: number } }).test.f1;
}

describe('Metric History panel on the demo', () => {
  let api: ExtensionApi;

  before(async () => {
    api = await activateExtension();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** Runs "Show Metric History" with a selection and waits for the panel to post data for it. */
  async function show(selection: MetricHistorySelection, accept: (p: ChartPayload) => boolean): Promise<ChartPayload> {
    await vscode.commands.executeCommand('mlops.showMetricHistory', selection);
    return waitFor(`a ${selection.view} payload for ${JSON.stringify(selection)}`, () => {
      const payload = api.metricHistory!.lastPostedData();
      return payload && payload.view === selection.view && accept(payload) ? payload : undefined;
    });
  }

  const keysAre = (keys: string[]) => (p: ChartPayload) => JSON.stringify(p.query.keys) === JSON.stringify(keys);
  /** The revisions of the branch line (DVC experiments are versions too, drawn beside their baseline). */
  const commits = (p: ChartPayload) => p.versions.filter((v) => v.experiment === undefined);

  it('charts f1, precision and recall across the 40 commits of main, with tags and the thresholds of mlops.yaml', async () => {
    const payload = await show(
      { view: 'versions', keys: ['f1', 'precision', 'recall'], splits: ['test'] },
      keysAre(['f1', 'precision', 'recall']),
    );
    assert.equal(commits(payload).length, 40, 'every commit of main');
    assert.deepEqual(
      commits(payload)
        .map((v) => v.sha)
        .reverse(),
      git(['rev-list', 'main']).split('\n'),
    );
    // The DVC experiments branch off HEAD: each is its own point, named, attached to its baseline.
    const head = git(['rev-parse', 'main']);
    const experiments = payload.versions.filter((v) => v.experiment !== undefined);
    assert.deepEqual(experiments.map((v) => v.experiment).sort(), ['deep-trees', 'fast-lr', 'lean-trees']);
    for (const e of experiments) {
      assert.equal(payload.versions[e.baseline!].sha, head, `${e.experiment} ran on HEAD`);
      assert.equal(e.label, `${e.experiment} · experiment on ${head.slice(0, 7)}`);
    }
    assert.deepEqual(
      payload.series.map((s) => s.key),
      ['test.f1', 'test.precision', 'test.recall'],
      'in the order of the keys asked for',
    );
    for (const s of payload.series) assert.equal(s.xs.length, 43, `${s.key}: one point per revision and experiment`);
    assert.equal(payload.axis, 'date');
    assert.deepEqual(
      payload.sources.map((s) => s.kind),
      ['git'],
    );

    const tagged = payload.versions.filter((v) => v.tags.length).map((v) => [v.tags.join(','), v.sha]);
    assert.deepEqual(
      tagged,
      TAGS.map((t) => [t, git(['rev-list', '-n', '1', t])]),
      'the four releases are marked, oldest first',
    );

    const f1 = payload.series.find((s) => s.key === 'test.f1')!;
    for (let i = 0; i < f1.xs.length; i++) {
      const version = payload.versions[f1.versions![i]];
      assert.equal(f1.ys[i], testF1At(version.sha), `test.f1 at ${version.shortSha}`);
    }
    const threshold = payload.thresholds[f1.threshold!];
    assert.deepEqual([threshold.key, threshold.value, threshold.goal], ['f1', 0.75, 'maximize']);
    assert.ok(f1.breaches.length > 0, 'the early revisions miss the f1 threshold');
    for (const b of f1.breaches) assert.ok(f1.ys[b] < 0.75);
    assert.deepEqual(payload.thresholds.map((t) => `${t.key} ${t.value}`).sort(), [
      'f1 0.75',
      'precision 0.7',
      'recall 0.7',
    ]);
  });

  it('adds a point when a new commit changes metrics/eval.json', async function () {
    this.timeout(90_000);
    const file = path.join(root(), 'metrics', 'eval.json');
    const original = fs.readFileSync(file, 'utf8');
    const head = git(['rev-parse', 'HEAD']);
    const before = api.metricHistory!.lastPostedData()!;
    assert.equal(commits(before).length, 40);
    const changed = JSON.parse(original) as { test: { f1: number } };
    changed.test.f1 = 0.9321;
    try {
      fs.writeFileSync(file, JSON.stringify(changed, null, 2) + '\n');
      git(['add', 'metrics/eval.json']);
      git(['commit', '--quiet', '-m', 'Retrain with merchant embeddings']);
      const sha = git(['rev-parse', 'HEAD']);
      const after = await waitFor('the new revision in the chart', () => {
        const p = api.metricHistory!.lastPostedData();
        return p && commits(p).length === 41 ? p : undefined;
      });
      const index = after.versions.findIndex((v) => v.sha === sha);
      assert.ok(index >= 0, 'the new commit is a version');
      assert.equal(after.versions[index].subject, 'Retrain with merchant embeddings');
      const f1 = after.series.find((s) => s.key === 'test.f1')!;
      assert.equal(f1.ys[f1.versions!.indexOf(index)], 0.9321);
      assert.deepEqual(after.query.keys, ['f1', 'precision', 'recall'], 'the selection is kept');
    } finally {
      // Put the demo back as it was for later suites: branch, index and file.
      fs.writeFileSync(file, original);
      git(['update-ref', 'refs/heads/main', head]);
      git(['read-tree', 'HEAD']);
    }
    await waitFor('the chart back at 40 revisions', () => {
      const p = api.metricHistory!.lastPostedData();
      return p && commits(p).length === 40 ? true : undefined;
    });
  });

  it('charts per-step curves of the workspace, the branch tip, the releases and the experiments', async () => {
    const payload = await show({ view: 'steps', keys: ['loss'] }, keysAre(['loss']));
    const labels = payload.runs.map((r) => r.label);
    assert.equal(labels.length, 9, labels.join(' | '));
    assert.ok(labels.includes('workspace'));
    for (const name of ['deep-trees', 'fast-lr', 'lean-trees']) assert.ok(labels.includes(name), name);
    for (const tag of TAGS) assert.ok(labels.includes(tag), tag);
    assert.ok(labels.includes(`main (${git(['rev-parse', '--short=7', 'main'])})`), 'the branch tip');
    assert.equal(payload.series.length, 9);
    const workspace = payload.series[payload.runs.findIndex((r) => r.label === 'workspace')];
    const tsv = fs
      .readFileSync(path.join(root(), 'dvclive', 'plots', 'metrics', 'train', 'loss.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t').map(Number));
    assert.deepEqual(
      workspace.xs,
      tsv.map(([step]) => step),
    );
    assert.deepEqual(
      workspace.ys,
      tsv.map(([, value]) => value),
    );
    assert.equal(workspace.goal, 'minimize', 'loss is minimized in mlops.yaml');
  });

  it('opens a run from the steps view as Markdown details', async () => {
    const payload = api.metricHistory!.lastPostedData()!;
    const run = payload.runs.find((r) => r.label === 'workspace')!;
    const markdown = await vscode.commands.executeCommand<string>('mlops.openRun', run.id, run.sourceId);
    assert.match(markdown, /^# workspace\n/);
    assert.match(markdown, /\| train\.loss \| [\d.]+ \| 19 \| 2\d \| dvclive\/metrics\.json \|/);
    assert.match(markdown, /\| train\.model \| gradient\\_boosting \|/);
  });

  it('opens the metrics file at a revision read-only, as a click on a point does', async () => {
    const sha = git(['rev-list', '-n', '1', 'fraud-classifier@v1.1.0']);
    const uri = await vscode.commands.executeCommand<vscode.Uri>(
      'mlops.openRevision',
      root(),
      sha,
      'metrics/eval.json',
    );
    assert.equal(uri.scheme, 'mlops-rev');
    const doc = await waitFor('the revision editor', () =>
      vscode.window.activeTextEditor?.document.uri.toString() === uri.toString()
        ? vscode.window.activeTextEditor.document
        : undefined,
    );
    assert.equal(doc.getText(), git(['show', `${sha}:metrics/eval.json`]) + '\n');
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.writeFile(uri, Buffer.from('x'))),
      /read-only|NoPermissions/i,
    );
  });
});
