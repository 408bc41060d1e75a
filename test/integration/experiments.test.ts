import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { Comparison, ExperimentsApi } from '../../src/features/experiments/register';
import { latest, type Run } from '../../src/core/metrics/model';
import { MetricsService } from '../../src/features/experiments/metricsService';
import { ExperimentsTree, type ExperimentsNode } from '../../src/features/experiments/tree';
import { activateExtension, EXTENSION_ID } from './activation.test';
import { waitFor } from './wait';

const TAGS = [
  'fraud-classifier@v1.0.0',
  'fraud-classifier@v1.1.0',
  'fraud-classifier@v1.2.0',
  'fraud-classifier@v2.0.0',
];
const EXPERIMENTS = ['deep-trees', 'fast-lr', 'lean-trees'];

function root(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

function git(args: string[], cwd = root()): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } })
    .toString('utf8')
    .trim();
}

interface EvalJson {
  train: Record<string, number>;
  validation: Record<string, number>;
  test: Record<string, number>;
  fraud_loss_prevented_usd: number;
}

function evalAt(rev: string, cwd = root()): EvalJson {
  return JSON.parse(git(['show', `${rev}:metrics/eval.json`], cwd)) as EvalJson;
}

/** Markdown appended as text, back to the text (VS Code escapes punctuation and writes spaces as &nbsp;). */
function plain(markdown: string): string {
  return markdown.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!|<>~$])/g, '$1');
}

interface Shown {
  node: ExperimentsNode;
  item: vscode.TreeItem;
  label: string;
}

async function children(tree: ExperimentsTree, node?: ExperimentsNode): Promise<Shown[]> {
  return (await tree.getChildren(node)).map((n) => {
    const item = tree.getTreeItem(n);
    return { node: n, item, label: typeof item.label === 'string' ? item.label : (item.label?.label ?? '') };
  });
}

async function sourceNamed(tree: ExperimentsTree, label: string): Promise<Shown> {
  const found = (await children(tree)).find((s) => s.label === label);
  assert.ok(found, `a "${label}" source; the view shows ${(await children(tree)).map((s) => s.label).join(', ')}`);
  return found;
}

describe('Experiments view on the demo', () => {
  let api: ExtensionApi;
  let experiments: ExperimentsApi;

  before(async () => {
    api = await activateExtension();
    experiments = api.experiments!;
    await experiments.service.ensureLoaded();
  });

  afterEach(async () => {
    experiments.tree.pageSize = 50;
    await vscode.commands.executeCommand('mlops.clearExperimentsFilter');
  });

  it('lists the workspace run, the 40 revisions and the 3 DVC experiments, newest first, tags on the right commits', async () => {
    const tree = experiments.tree;
    assert.deepEqual(
      (await children(tree)).map((s) => s.label),
      ['Workspace', 'Git history'],
    );
    const workspace = await children(tree, (await sourceNamed(tree, 'Workspace')).node);
    assert.deepEqual(
      workspace.map((r) => r.label),
      ['workspace'],
    );
    assert.match(String(workspace[0].item.description), /working tree/);

    const history = await sourceNamed(tree, 'Git history');
    assert.equal(history.item.description, '40 revisions · 3 experiments');
    const runs = await children(tree, history.node);
    assert.equal(runs.length, 43, 'no paging item below 50 runs');
    const ids = runs.map((r) => (r.node.type === 'run' ? r.node.runId : ''));
    const commits = git(['rev-list', 'main']).split('\n');
    const expShas = git(['for-each-ref', '--format=%(objectname)', 'refs/exps']).split('\n');
    assert.equal(commits.length, 40);
    assert.deepEqual([...ids].sort(), [...commits, ...expShas].sort(), 'every commit of main and every experiment ref');

    const dates = runs.map(
      (r) =>
        experiments.service.run((r.node as { sourceId: string }).sourceId, (r.node as { runId: string }).runId)!
          .revisionInfo!.date,
    );
    assert.deepEqual(
      dates,
      [...dates].sort((a, b) => b - a),
      'newest first',
    );

    const exps = runs.filter((r) => /\bexperiment\b/.test(String(r.item.contextValue)));
    assert.deepEqual(exps.map((r) => r.label.split(' ')[1]).sort(), EXPERIMENTS);
    for (const e of exps) assert.match(String(e.item.description), /^experiment · /);
    assert.ok(exps.every((e) => (e.item.iconPath as vscode.ThemeIcon).id === 'beaker'));

    for (const tag of TAGS) {
      const sha = git(['rev-list', '-n', '1', tag]);
      const tagged = runs.filter((r) => r.label.includes(tag));
      assert.equal(tagged.length, 1, `one revision carries ${tag}`);
      assert.equal((tagged[0].node as { runId: string }).runId, sha, `${tag} is on ${sha.slice(0, 7)}`);
      const version = tag.split('@v')[1];
      assert.equal(tagged[0].label, `${sha.slice(0, 7)} ${tag} — Release fraud-classifier v${version}`);
      assert.match(String(tagged[0].item.contextValue), /\btagged\b/);
    }
    const head = runs.find((r) => (r.node as { runId: string }).runId === commits[0])!;
    assert.match(String(head.item.description), /\bmain\b/, 'the branch tip names its branch');
    const tooltip = plain((head.item.tooltip as vscode.MarkdownString).value);
    assert.match(tooltip, /\*\*Author:\*\* Ana Ruiz /);
    assert.match(tooltip, /- train\.max_depth = \d+/, 'parameters in the tooltip');
  });

  it("shows a revision's metrics with their latest values, as git has them", async () => {
    const tree = experiments.tree;
    const runs = await children(tree, (await sourceNamed(tree, 'Git history')).node);
    const release = runs.find((r) => r.label.includes('fraud-classifier@v1.1.0'))!;
    const metrics = await children(tree, release.node);
    const expected = evalAt('fraud-classifier@v1.1.0');
    const row = (label: string, description: string) =>
      metrics.find((m) => m.label.startsWith(`${label} = `) && m.item.description === description);
    for (const split of ['train', 'validation', 'test'] as const) {
      for (const key of ['f1', 'precision', 'recall', 'roc_auc']) {
        const shown = row(key, split);
        assert.ok(shown, `${split}.${key} is listed`);
        assert.equal(shown.label, `${key} = ${expected[split][key]}`);
      }
    }
    assert.equal(
      row('fraud_loss_prevented_usd', '')?.label,
      `fraud_loss_prevented_usd = ${expected.fraud_loss_prevented_usd} USD`,
    );
    assert.deepEqual(
      metrics.slice(0, 3).map((m) => [m.label.split(' = ')[0], m.item.description]),
      [
        ['f1', 'train'],
        ['f1', 'validation'],
        ['f1', 'test'],
      ],
      'defined metrics first, in mlops.yaml order',
    );
    const loss = metrics.find((m) => m.label.startsWith('loss = '))!;
    assert.equal(
      loss.item.description,
      'train · step 19 · dvclive/metrics.json',
      'DVCLive per-step series show their last step and file',
    );
    const breach = metrics.filter((m) => (m.item.iconPath as vscode.ThemeIcon).id === 'warning').map((m) => m.label);
    // The thresholds of the demo's mlops.yaml (all maximized).
    const thresholds: Record<string, number> = {
      f1: 0.75,
      precision: 0.7,
      recall: 0.7,
      roc_auc: 0.9,
      fraud_loss_prevented_usd: 850_000,
    };
    for (const label of breach) {
      const [key = '', value = ''] = label.split(' = ');
      assert.ok(thresholds[key] !== undefined, `${label} has a threshold`);
      assert.ok(Number.parseFloat(value) < thresholds[key], `${label} is flagged because it misses its threshold`);
    }
  });

  it('pages long lists with a "Load more…" item', async () => {
    const tree = experiments.tree;
    tree.pageSize = 20;
    tree.refresh();
    const history = (await sourceNamed(tree, 'Git history')).node;
    let shown = await children(tree, history);
    assert.equal(shown.length, 21);
    const more = shown[20];
    assert.equal(more.label, 'Load more…');
    assert.equal(more.item.description, '20 of 43 shown');
    assert.equal(more.item.command?.command, 'mlops.loadMoreRuns');
    await vscode.commands.executeCommand('mlops.loadMoreRuns', more.node);
    shown = await children(tree, history);
    assert.equal(shown.length, 41);
    await vscode.commands.executeCommand('mlops.loadMoreRuns', shown[40].node);
    shown = await children(tree, history);
    assert.equal(shown.length, 43);
    assert.ok(shown.every((s) => s.node.type === 'run'));
  });

  it('filters runs by text and clears the filter', async () => {
    const tree = experiments.tree;
    await vscode.commands.executeCommand('mlops.filterExperiments', 'fraud-classifier@v1');
    const history = await sourceNamed(tree, 'Git history');
    assert.deepEqual(
      (await children(tree, history.node)).map((r) => r.label.split(' ')[1]),
      ['fraud-classifier@v1.2.0', 'fraud-classifier@v1.1.0', 'fraud-classifier@v1.0.0'],
    );
    assert.equal(history.item.description, '3 of 43 runs');
    assert.equal(experiments.view.message, 'Runs matching “fraud-classifier@v1”: 3');
    assert.deepEqual(
      (await children(tree)).map((s) => s.label),
      ['Git history'],
      'the workspace source has no matching run, so it is left out',
    );
    await vscode.commands.executeCommand('mlops.filterExperiments', 'max_depth=10');
    assert.deepEqual(
      (await children(tree, (await sourceNamed(tree, 'Git history')).node))
        .map((r) => r.label.split(' ')[1])
        .filter((l) => EXPERIMENTS.includes(l)),
      ['deep-trees'],
      'parameters are searched too',
    );
    await vscode.commands.executeCommand('mlops.clearExperimentsFilter');
    assert.equal((await children(tree, (await sourceNamed(tree, 'Git history')).node)).length, 43);
    assert.equal(experiments.view.message, undefined);
  });

  it('compares two selected revisions: old, new, absolute and relative change, better or worse by goal', async () => {
    const tree = experiments.tree;
    const runs = await children(tree, (await sourceNamed(tree, 'Git history')).node);
    const v1 = runs.find((r) => r.label.includes('fraud-classifier@v1.0.0'))!.node;
    const v2 = runs.find((r) => r.label.includes('fraud-classifier@v2.0.0'))!.node;
    // Selected newest first: the older one still becomes the baseline.
    const comparison = await vscode.commands.executeCommand<Comparison>('mlops.compareRuns', v2, [v2, v1]);
    assert.ok(comparison);
    assert.equal(comparison.old.runId, git(['rev-list', '-n', '1', 'fraud-classifier@v1.0.0']));
    assert.equal(comparison.new.runId, git(['rev-list', '-n', '1', 'fraud-classifier@v2.0.0']));
    const before = evalAt('fraud-classifier@v1.0.0');
    const after = evalAt('fraud-classifier@v2.0.0');
    for (const split of ['train', 'validation', 'test'] as const) {
      for (const key of ['f1', 'precision', 'recall']) {
        const entry = comparison.diff.entries.find(
          (e) => e.file === 'metrics/eval.json' && e.key === `${split}.${key}`,
        );
        assert.ok(entry, `${split}.${key} is compared`);
        assert.equal(entry.old, before[split][key]);
        assert.equal(entry.new, after[split][key]);
        assert.ok(Math.abs(entry.change! - (after[split][key] - before[split][key])) < 1e-12);
        assert.ok(Math.abs(entry.relative! - (after[split][key] - before[split][key]) / before[split][key]) < 1e-12);
        assert.equal(
          entry.improvement,
          after[split][key] > before[split][key],
          'f1, precision and recall are maximized',
        );
      }
    }
    const f1 = comparison.diff.entries.find((e) => e.key === 'test.f1')!;
    const delta = Number((after.test.f1 - before.test.f1).toPrecision(10));
    const percent = (((after.test.f1 - before.test.f1) / before.test.f1) * 100).toFixed(2);
    const line = comparison.markdown.split('\n').find((l) => l.startsWith('| metrics/eval.json | test.f1 |'));
    assert.equal(
      line,
      `| metrics/eval.json | test.f1 | ${before.test.f1} | ${after.test.f1} | ${delta > 0 ? '+' : ''}${delta} | ${delta > 0 ? '+' : ''}${percent}% | ${f1.improvement ? '↑ better' : '↓ worse'} |`,
    );
    assert.match(comparison.markdown, /^# Compare fraud-classifier@v1\.0\.0 → fraud-classifier@v2\.0\.0\n/);
    assert.match(comparison.markdown, /\| Commit \| [0-9a-f]{7} \| [0-9a-f]{7} \|/);
    const rows = comparison.markdown
      .split('\n')
      .filter((l) => l.startsWith('| metrics/eval.json |') || l.startsWith('| dvclive/'));
    assert.deepEqual(
      rows.slice(0, 3).map((l) => l.split(' | ')[1]),
      ['test.f1', 'train.f1', 'validation.f1'],
      'the defined metrics first, f1 before precision',
    );
    assert.match(
      comparison.markdown,
      /\| train\.model \| random\\_forest \| gradient\\_boosting \|/,
      'changed parameters are listed',
    );
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === comparison.document.toString());
    assert.equal(document?.languageId, 'markdown');
    assert.equal(document?.getText(), comparison.markdown);
    assert.equal(document?.isDirty, false, 'a read-only report, never asking to be saved');
    assert.equal(comparison.document.scheme, 'mlops-report');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('compares the workspace with a run picked in a quick pick', async () => {
    const tree = experiments.tree;
    const workspace = (await children(tree, (await sourceNamed(tree, 'Workspace')).node))[0].node;
    const pending = vscode.commands.executeCommand<Comparison | undefined>('mlops.compareRuns', workspace, [workspace]);
    await new Promise((r) => setTimeout(r, 1500));
    // The first item is the newest run: the fast-lr experiment.
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const comparison = await pending;
    assert.ok(comparison, 'a run was picked');
    const fastLr = git(['for-each-ref', '--format=%(objectname)', 'refs/exps/*/*/fast-lr']);
    assert.equal(comparison.old.runId, fastLr, 'the experiment is the baseline: the workspace is newest');
    assert.equal(comparison.new.runId, 'workspace');
    const now = JSON.parse(fs.readFileSync(path.join(root(), 'metrics', 'eval.json'), 'utf8')) as EvalJson;
    const entry = comparison.diff.entries.find((e) => e.key === 'validation.recall')!;
    assert.equal(entry.old, evalAt(fastLr).validation.recall);
    assert.equal(entry.new, now.validation.recall);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('copies a run id and opens run details as Markdown', async () => {
    const tree = experiments.tree;
    const history = await sourceNamed(tree, 'Git history');
    const runs = await children(tree, history.node);
    const tagged = runs.find((r) => r.label.includes('fraud-classifier@v1.2.0'))!;
    const sha = git(['rev-list', '-n', '1', 'fraud-classifier@v1.2.0']);
    assert.equal(await vscode.commands.executeCommand('mlops.copyRunId', tagged.node), sha);
    assert.equal(await vscode.env.clipboard.readText(), sha);
    const sourceId = (history.node as { sourceId: string }).sourceId;
    const markdown = await vscode.commands.executeCommand<string>('mlops.openRun', sha, sourceId);
    assert.match(markdown, new RegExp(`\\| Commit \\| ${sha} \\|`));
    assert.match(markdown, /\| Tags \| fraud-classifier@v1\.2\.0 \|/);
    assert.match(
      markdown,
      new RegExp(`\\| test\\.f1 \\| ${evalAt(sha).test.f1} \\| 0 \\| 1 \\| metrics/eval\\.json \\|`),
    );
    assert.match(markdown, /\| train\.n\\_estimators \| \d+ \|/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('charts one metric of a revision from its item, across the git history', async () => {
    const tree = experiments.tree;
    const history = await sourceNamed(tree, 'Git history');
    const runs = await children(tree, history.node);
    const release = runs.find((r) => r.label.includes('fraud-classifier@v1.1.0'))!;
    const f1 = (await children(tree, release.node)).find(
      (m) => m.label.startsWith('f1 = ') && m.item.description === 'test',
    )!;
    await vscode.commands.executeCommand('mlops.showItemMetricHistory', f1.node);
    const payload = await waitFor('the panel charting test.f1', () => {
      const p = api.metricHistory!.lastPostedData();
      return p?.view === 'versions' && p.query.keys.join() === 'test.f1' ? p : undefined;
    });
    assert.deepEqual(payload.query.sources, [(history.node as { sourceId: string }).sourceId]);
    assert.deepEqual(
      payload.series.map((s) => s.key),
      ['test.f1'],
    );
    assert.equal(payload.versions.filter((v) => v.experiment === undefined).length, 40, 'main, and its experiments');
    const at = payload.versions.findIndex((v) => v.tags.includes('fraud-classifier@v1.1.0'));
    assert.equal(
      payload.series[0].ys[payload.series[0].versions!.indexOf(at)],
      evalAt('fraud-classifier@v1.1.0').test.f1,
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('picks up a TensorBoard run logging into the workspace, and its new points as they come', async function () {
    this.timeout(60_000);
    const fixture = path.join(
      vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.fsPath,
      'test',
      'fixtures',
      'tensorboard',
      'logs',
      'tf2',
    );
    // The demo's logs/ folder exists from the start (a job logging into a folder made just now can race the watcher).
    const logs = path.join(root(), 'logs');
    const files = fs
      .readdirSync(fixture)
      .map((file) => ({ target: path.join(logs, file), bytes: fs.readFileSync(path.join(fixture, file)) }));
    const tensorboard = async () => (await children(experiments.tree)).find((s) => s.label === 'TensorBoard');
    const points = () => {
      const source = experiments.service.sources().find((s) => s.kind === 'tensorboard');
      return source?.runs[0]?.metrics.reduce((n, m) => n + m.points.length, 0) ?? 0;
    };
    try {
      // The job has written the first half of its events...
      for (const { target, bytes } of files) fs.writeFileSync(target, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const source = await waitFor('a TensorBoard source', tensorboard);
      assert.equal(source.item.description, 'logs · 1 run');
      const runs = await children(experiments.tree, source.node);
      assert.deepEqual(
        runs.map((r) => r.label),
        ['logs'],
      );
      const early = points();
      assert.ok(early > 0, 'the complete records of the half-written files are read');
      // ...then the rest: only that source reloads, with every point.
      for (const { target, bytes } of files) fs.appendFileSync(target, bytes.subarray(Math.floor(bytes.length / 2)));
      const all = await waitFor('the rest of the points', () => (points() > early ? points() : undefined));
      const expected = JSON.parse(fs.readFileSync(path.join(fixture, '..', '..', 'expected.json'), 'utf8')) as {
        runs: Record<string, Record<string, unknown[]>>;
      };
      assert.equal(
        all,
        Object.values(expected.runs.tf2).reduce((n, list) => n + list.length, 0),
      );
      const metrics = await children(
        experiments.tree,
        (await children(experiments.tree, (await tensorboard())!.node))[0].node,
      );
      assert.ok(
        metrics.length > 0 && metrics.every((m) => / = /.test(m.label)),
        metrics.map((m) => m.label).join(', '),
      );
    } finally {
      for (const { target } of files) fs.rmSync(target, { force: true });
      await vscode.commands.executeCommand('mlops.refreshExperiments');
    }
    assert.equal(await tensorboard(), undefined, 'gone after a refresh');
  });

  it('shows a tracking server that does not answer as a warning item, not a popup', async () => {
    const config = vscode.workspace.getConfiguration('mlops');
    await config.update('mlflow.trackingUri', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Global);
    try {
      const server = await waitFor('the MLflow server source', async () =>
        (await children(experiments.tree)).find((s) => s.label === 'MLflow server'),
      );
      assert.match(String(server.item.description), /^127\.0\.0\.1:9 · 0 runs$/);
      const items = await children(experiments.tree, server.node);
      assert.equal(items.length, 1);
      assert.match(items[0].label, /MLflow server at http:\/\/127\.0\.0\.1:9 is not reachable/);
      assert.equal((items[0].item.iconPath as vscode.ThemeIcon).id, 'warning');
      assert.match(String(items[0].item.contextValue), /mlopsProblem warning/);
    } finally {
      await config.update('mlflow.trackingUri', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('the server source to go', async () =>
      (await children(experiments.tree)).some((s) => s.label === 'MLflow server') ? undefined : true,
    );
  });

  it('lists MLflow file-store and mlflow.db runs and TensorBoard runs, with whole histories across steps', async function () {
    this.timeout(60_000);
    const fixtures = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.fsPath, 'test', 'fixtures');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-trackers-'));
    fs.cpSync(path.join(fixtures, 'mlflow', 'mlruns'), path.join(dir, 'mlruns'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'mlflow.db'),
      zlib.gunzipSync(fs.readFileSync(path.join(fixtures, 'mlflow', 'mlflow.db.gz'))),
    );
    fs.cpSync(path.join(fixtures, 'tensorboard', 'logs'), path.join(dir, 'logs'), { recursive: true });
    const wasmPath = path.join(
      vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.fsPath,
      'dist',
      'sql-wasm.wasm',
    );
    const service = new MetricsService({
      logger: api.logger,
      folders: () => [{ uri: vscode.Uri.file(dir), name: 'trackers', index: 0 }],
      wasmPath,
      watch: false,
    });
    const tree = new ExperimentsTree(service);
    try {
      const sources = await children(tree);
      assert.deepEqual(
        sources.map((s) => `${s.label} ${String(s.item.description)}`),
        ['MLflow mlruns · 4 runs', 'MLflow mlflow.db · 4 runs', 'TensorBoard logs · 4 runs'],
      );
      const store = await children(tree, sources[0].node);
      assert.deepEqual(store.map((r) => r.label).sort(), ['resnet-baseline', 'special-values', 'sweep-1', 'sweep-2']);
      const sweep = store.find((r) => r.label === 'sweep-1')!;
      assert.match(String(sweep.item.description), /^tuning · running · /);
      assert.equal((sweep.item.iconPath as vscode.ThemeIcon).id, 'sync~spin');
      assert.match(
        plain((store.find((r) => r.label === 'resnet-baseline')!.item.tooltip as vscode.MarkdownString).value),
        /note = naïve — ünïcode <b>bold<\/b> & 'quotes'/,
      );
      assert.deepEqual(
        (await children(tree, sweep.node)).map((m) => `${m.label} ${String(m.item.description)}`),
        ['loss = 0.05 train · step 19'],
      );
      const tensorboard = await children(tree, sources[2].node);
      assert.deepEqual(tensorboard.map((r) => r.label).sort(), ['tbx', 'tbx/compare/a', 'tbx/compare/b', 'tf2']);

      // Across steps the MLflow runs come with whole histories (the listing reads only the latest points).
      const cancel = new vscode.CancellationTokenSource();
      const steps = await service.loadRuns(
        { view: 'steps', keys: [], sources: [(sources[0].node as { sourceId: string }).sourceId] },
        cancel.token,
      );
      const resnet = steps.find((r) => r.label === 'resnet-baseline')!;
      assert.equal(resnet.metrics.find((m) => m.key === 'train/loss')!.points.length, 300);
      const sqlite = await service.loadRuns(
        { view: 'steps', keys: [], sources: [(sources[1].node as { sourceId: string }).sourceId] },
        cancel.token,
      );
      assert.equal(
        sqlite.find((r) => r.label === 'resnet-baseline')!.metrics.find((m) => m.key === 'train/loss')!.points.length,
        300,
      );
    } finally {
      tree.dispose();
      service.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('folds MLflow stores without runs, written by the real MLflow, into one node beside the store with runs', async function () {
    this.timeout(60_000);
    const fixtures = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.fsPath, 'test', 'fixtures');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-empty-stores-'));
    fs.cpSync(path.join(fixtures, 'mlflow', 'mlruns'), path.join(dir, 'week-02', 'mlruns'), { recursive: true });
    fs.cpSync(path.join(fixtures, 'mlflow', 'empty', 'mlruns'), path.join(dir, 'mlruns'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'mlflow.db'),
      zlib.gunzipSync(fs.readFileSync(path.join(fixtures, 'mlflow', 'empty', 'empty.db.gz'))),
    );
    const service = new MetricsService({
      logger: api.logger,
      folders: () => [{ uri: vscode.Uri.file(dir), name: 'course', index: 0 }],
      wasmPath: path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.fsPath, 'dist', 'sql-wasm.wasm'),
      watch: false,
    });
    const tree = new ExperimentsTree(service);
    try {
      const sources = await children(tree);
      assert.deepEqual(
        sources.map((s) => s.label),
        ['MLflow', '2 empty MLflow stores'],
      );
      assert.match(String(sources[0].item.description), /^week-02\/mlruns · 4 runs$/);
      const folded = await children(tree, sources[1].node);
      assert.deepEqual(folded.map((s) => String(s.item.description)).sort(), ['mlflow.db · 0 runs', 'mlruns · 0 runs']);
      assert.match((sources[1].item.tooltip as vscode.MarkdownString).value, /mlflow\.db/);
    } finally {
      tree.dispose();
      service.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mlops metrics show --json lists the same runs and values as the view: git, MLflow and TensorBoard', async function () {
    this.timeout(120_000);
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.fsPath;
    const fixtures = path.join(extension, 'test', 'fixtures');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-cli-view-'));
    const demo = path.join(dir, 'demo');
    fs.cpSync(root(), demo, { recursive: true });
    fs.cpSync(path.join(fixtures, 'mlflow', 'mlruns'), path.join(demo, 'mlruns'), { recursive: true });
    fs.writeFileSync(
      path.join(demo, 'mlflow.db'),
      zlib.gunzipSync(fs.readFileSync(path.join(fixtures, 'mlflow', 'mlflow.db.gz'))),
    );
    fs.cpSync(path.join(fixtures, 'tensorboard', 'logs'), path.join(demo, 'logs'), { recursive: true });
    const service = new MetricsService({
      logger: api.logger,
      folders: () => [{ uri: vscode.Uri.file(demo), name: 'demo', index: 0 }],
      wasmPath: path.join(extension, 'dist', 'sql-wasm.wasm'),
      watch: false,
    });
    try {
      await service.ensureLoaded();
      const env = { ...process.env, MLFLOW_TRACKING_URI: '', MLFLOW_TRACKING_TOKEN: '' };
      const out = execFileSync(
        process.execPath,
        [path.join(extension, 'dist', 'cli.js'), 'metrics', 'show', '--json', '--kind', 'all'],
        {
          cwd: demo,
          env: { ...env, ELECTRON_RUN_AS_NODE: '1' },
          maxBuffer: 64 * 1024 * 1024,
        },
      ).toString('utf8');
      const cli = JSON.parse(out) as {
        files: Record<string, Record<string, number | string>>;
        sources: { kind: string; where: string; runs: { id: string; metrics: Record<string, number | string> }[] }[];
      };
      const value = (v: number | string) =>
        typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity') : v;
      const latestValues = (run: Run) => {
        const values: Record<string, number | string> = {};
        for (const m of run.metrics) {
          const last = latest(m);
          if (last) values[m.key] = value(last.value);
        }
        for (const t of run.textMetrics ?? []) values[t.key] = t.value;
        return values;
      };
      const view = service.sources();
      const viewOthers = view.filter((s) => s.kind !== 'file' && s.kind !== 'dvc');
      assert.deepEqual(
        cli.sources.map((s) => `${s.kind} ${s.where} ${s.runs.length}`).sort(),
        viewOthers.map((s) => `${s.kind} ${s.where} ${s.runs.length}`).sort(),
      );
      for (const kind of ['git', 'mlflow-file', 'mlflow-sqlite', 'tensorboard'])
        assert.ok(
          viewOthers.some((s) => s.kind === kind && s.runs.length > 0),
          `the view lists ${kind} runs: ${viewOthers.map((s) => s.kind).join(', ')}`,
        );
      for (const source of viewOthers) {
        const listed = cli.sources.find((s) => s.kind === source.kind && s.where === source.where)!;
        const cliRuns = new Map(listed.runs.map((r) => [r.id, r.metrics]));
        assert.deepEqual([...cliRuns.keys()].sort(), source.runs.map((r) => r.id).sort(), `${source.kind} run ids`);
        for (const run of source.runs)
          assert.deepEqual(cliRuns.get(run.id), latestValues(run), `${source.kind} ${run.label} values`);
      }
      const workspace = view.find((s) => s.kind === 'file' || s.kind === 'dvc')!;
      const byFile: Record<string, Record<string, number | string>> = {};
      for (const m of workspace.runs[0].metrics) {
        const last = latest(m);
        if (last) (byFile[m.file ?? ''] ??= {})[m.key] = value(last.value);
      }
      for (const t of workspace.runs[0].textMetrics ?? []) (byFile[t.file ?? ''] ??= {})[t.key] = t.value;
      assert.deepEqual(cli.files, byFile);
    } finally {
      service.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says how far back a shallow clone goes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-shallow-'));
    const clone = path.join(dir, 'fraud-detection');
    git(['clone', '--quiet', '--depth', '5', `file://${root()}`, clone], dir);
    const service = new MetricsService({
      logger: api.logger,
      folders: () => [{ uri: vscode.Uri.file(clone), name: 'fraud-detection', index: 0 }],
      watch: false,
    });
    const tree = new ExperimentsTree(service);
    try {
      const history = await sourceNamed(tree, 'Git history');
      const items = await children(tree, history.node);
      const boundary = git(['rev-parse', '--short=7', 'HEAD~4'], clone);
      const date = git(['log', '-1', '--format=%ad', '--date=short', 'HEAD~4'], clone);
      assert.equal(items[0].label, `Shallow clone: history goes back to ${boundary} (${date}).`);
      assert.equal((items[0].item.iconPath as vscode.ThemeIcon).id, 'info');
      assert.equal(items.filter((i) => i.node.type === 'run').length, 5);
      assert.ok(
        items.some((i) => i.label.includes('fraud-classifier@v2.0.0')),
        'the tag inside the clone is shown',
      );
    } finally {
      tree.dispose();
      service.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs no git in an untrusted workspace and says why, still listing the workspace run', async () => {
    const service = new MetricsService({
      logger: api.logger,
      folders: () => vscode.workspace.workspaceFolders!,
      isTrusted: () => false,
      watch: false,
    });
    const tree = new ExperimentsTree(service);
    try {
      const history = await sourceNamed(tree, 'Git history');
      const items = await children(tree, history.node);
      assert.deepEqual(
        items.map((i) => i.label),
        ['Git history is not read in an untrusted workspace.'],
      );
      assert.match(
        plain((items[0].item.tooltip as vscode.MarkdownString).value),
        /Trust this workspace to see git state and history/,
      );
      const workspace = await children(tree, (await sourceNamed(tree, 'Workspace')).node);
      assert.deepEqual(
        workspace.map((r) => r.label),
        ['workspace'],
      );
      const metrics = await children(tree, workspace[0].node);
      const now = JSON.parse(fs.readFileSync(path.join(root(), 'metrics', 'eval.json'), 'utf8')) as EvalJson;
      assert.ok(metrics.some((m) => m.label === `f1 = ${now.test.f1}` && m.item.description === 'test'));
    } finally {
      tree.dispose();
      service.dispose();
    }
  });
});
