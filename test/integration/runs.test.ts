import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { readNotesFile } from '../../src/core/formats/runNotes';
import type { RunRow } from '../../src/core/runs/model';
import type { ExtensionApi } from '../../src/extension';
import type { RunsApi } from '../../src/features/runs/register';
import { activateExtension, EXTENSION_ID } from './activation.test';
import { waitFor } from './wait';

function root(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: root(), env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } })
    .toString('utf8')
    .trim();
}

function extensionPath(): string {
  return vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
}

/** `mlops runs list` in the workspace, as JSON: the keys of the rows in order. */
function cliKeys(args: string[]): string[] {
  const out = execFileSync(process.execPath, [path.join(extensionPath(), 'dist', 'cli.js'), 'runs', 'list', ...args], {
    cwd: root(),
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', GIT_CONFIG_NOSYSTEM: '1', MLFLOW_TRACKING_URI: '' },
    maxBuffer: 64 * 1024 * 1024,
  }).toString('utf8');
  return (JSON.parse(out) as { key: string }[]).map((r) => r.key);
}

describe('Runs panel on the demo', () => {
  let api: ExtensionApi;
  let runs: RunsApi;
  const added: string[] = [];

  before(async function () {
    this.timeout(120_000);
    api = await activateExtension();
    runs = api.runs!;
    // The demo has git history and DVC experiments; an MLflow file store and TensorBoard logs join it here.
    const fixtures = path.join(extensionPath(), 'test', 'fixtures');
    for (const [from, to] of [
      [path.join(fixtures, 'mlflow', 'mlruns'), 'mlruns'],
      [path.join(fixtures, 'tensorboard', 'logs'), 'tb-logs'],
    ] as const) {
      fs.cpSync(from, path.join(root(), to), { recursive: true });
      added.push(path.join(root(), to));
    }
    await api.experiments!.service.ensureLoaded();
    await vscode.commands.executeCommand('mlops.refreshExperiments');
  });

  after(async () => {
    runs.close();
    for (const dir of added) fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(root(), '.mlops', 'notes.yaml'), { force: true });
    await vscode.commands.executeCommand('mlops.refreshExperiments');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** Opens the panel and waits for rows that satisfy `accept`. */
  async function rowsWhere(accept: (rows: RunRow[]) => boolean): Promise<RunRow[]> {
    await vscode.commands.executeCommand('mlops.showRunsTable');
    let seen = 'no rows posted';
    return waitFor(
      () => `the Runs panel rows (last seen: ${seen})`,
      () => {
        const rows = runs.lastPostedRows();
        if (rows) seen = `${rows.length} rows of ${[...new Set(rows.map((r) => r.sourceKind))].join(', ')}`;
        return rows && accept(rows) ? rows : undefined;
      },
      50_000,
    );
  }

  it('has one row per git revision, DVC experiment, MLflow run and TensorBoard run, keyed by source and run id', async function () {
    this.timeout(60_000);
    const service = api.experiments!.service;
    const rows = await rowsWhere(
      (r) => r.some((x) => x.sourceKind === 'tensorboard') && r.some((x) => x.sourceKind === 'mlflow-file'),
    );
    const byKind = (kind: string) => rows.filter((r) => r.sourceKind === kind);

    const commits = git(['rev-list', 'main']).split('\n');
    const experiments = git(['for-each-ref', '--format=%(objectname)', 'refs/exps']).split('\n');
    assert.ok(commits.length >= 40, 'the demo has 40 commits on main (later suites may add some)');
    assert.equal(experiments.length, 3);
    assert.deepEqual(
      byKind('git')
        .map((r) => r.key)
        .sort(),
      [...commits, ...experiments].map((sha) => `git:.:${sha}`).sort(),
      'every commit of main and every DVC experiment, once',
    );

    const mlflow = service.sources().find((s) => s.kind === 'mlflow-file')!;
    assert.equal(mlflow.runs.length, 4, 'the fixture store has four live runs');
    assert.deepEqual(
      byKind('mlflow-file')
        .map((r) => r.key)
        .sort(),
      mlflow.runs.map((r) => `mlflow-file:mlruns:${r.id}`).sort(),
    );
    const tensorboard = service.sources().filter((s) => s.kind === 'tensorboard');
    const tbRuns = tensorboard.flatMap((s) => s.runs);
    assert.equal(tbRuns.length, 4);
    assert.deepEqual(
      byKind('tensorboard')
        .map((r) => r.runId)
        .sort(),
      tbRuns.map((r) => r.id).sort(),
    );
    assert.ok(
      byKind('tensorboard').every((r) => r.key.startsWith('tensorboard:tb-logs')),
      'keyed by the log folder',
    );

    const workspace = rows.filter((r) => r.sourceKind === 'file' || r.sourceKind === 'dvc');
    assert.equal(workspace.length, 1, 'and the workspace itself');
    assert.equal(rows.length, commits.length + experiments.length + 4 + 4 + 1, 'nothing else, nothing twice');
    assert.equal(new Set(rows.map((r) => r.key)).size, rows.length);
  });

  it('writes a note and labels from the panel to .mlops/notes.yaml, and shows them after the panel reloads', async function () {
    this.timeout(60_000);
    const rows = await rowsWhere((r) => r.length > 0);
    const tag = git(['rev-list', '-n', '1', 'fraud-classifier@v2.0.0']);
    const target = rows.find((r) => r.key === `git:.:${tag}`)!;
    assert.ok(target, 'the v2.0.0 revision is a row');
    const note = 'Shipped: <b>best</b> recall so far';
    assert.equal(await runs.receive({ type: 'setNote', key: target.key, note }), true);
    assert.equal(
      await runs.receive({
        type: 'setLabels',
        key: target.key,
        labels: [
          { name: 'candidate', color: 'green' },
          { name: 'prod', color: 'blue' },
        ],
      }),
      true,
    );
    // A message of the wrong shape changes nothing.
    await runs.receive({ type: 'setNote', key: target.key, note: 42 });

    const file = await readNotesFile(root());
    assert.deepEqual(file.runs.get(target.key), { note, labels: ['candidate', 'prod'] });
    assert.equal(file.labels.get('candidate'), 'green');
    assert.equal(file.labels.get('prod'), 'blue');
    assert.match(fs.readFileSync(path.join(root(), '.mlops', 'notes.yaml'), 'utf8'), /version: 1/);

    runs.close();
    const stale = runs.lastPostedRows();
    const reopened = await rowsWhere(
      (r) => r !== stale && r.find((x) => x.key === target.key)?.annotation.note === note,
    );
    const row = reopened.find((x) => x.key === target.key)!;
    assert.deepEqual(row.annotation, {
      note,
      noteSource: 'notes-file',
      labels: [
        { name: 'candidate', color: 'green' },
        { name: 'prod', color: 'blue' },
      ],
    });
  });

  it('filters and sorts exactly as `mlops runs list` with the same arguments', async function () {
    this.timeout(90_000);
    await rowsWhere((r) => r.length > 0);
    const cases: { filter: string; sort: { id: string; desc: boolean }[]; args: string[] }[] = [
      {
        filter: 'metrics.test.f1 > 0.8',
        sort: [{ id: 'metrics.fraud_loss_prevented_usd', desc: true }],
        args: ['--filter', 'metrics.test.f1 > 0.8', '--sort', 'metrics.fraud_loss_prevented_usd:desc'],
      },
      {
        filter: 'tag:fraud-classifier@* or source:tensorboard',
        sort: [
          { id: 'source', desc: false },
          { id: 'name', desc: true },
        ],
        args: ['--filter', 'tag:fraud-classifier@* or source:tensorboard', '--sort', 'source', '--sort', 'name:desc'],
      },
      {
        filter: 'params.train.max_depth >= 6 and not status:failed',
        sort: [
          { id: 'params.train.max_depth', desc: false },
          { id: 'start', desc: true },
        ],
        args: [
          '--filter',
          'params.train.max_depth >= 6 and not status:failed',
          '--sort',
          'params.train.max_depth',
          '--sort',
          'start:desc',
        ],
      },
    ];
    for (const c of cases) {
      const before = runs.lastShown();
      runs.show({ filter: c.filter, sort: c.sort, group: 'none' });
      const shown = await waitFor(`the panel to show "${c.filter}"`, () => {
        const s = runs.lastShown();
        return s && s !== before && s.filter === c.filter && !s.filterError ? s : undefined;
      });
      const expected = cliKeys([...c.args, '--format', 'json']);
      assert.ok(expected.length > 0, `"${c.filter}" keeps some runs`);
      assert.ok(expected.length < shown.total, `"${c.filter}" leaves some out`);
      assert.deepEqual(shown.keys, expected, `"${c.filter}" sorted by ${c.args.join(' ')}`);
    }
  });
});
