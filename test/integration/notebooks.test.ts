import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { describeDiff, diffNotebooks } from '../../src/core/notebooks/diff';
import { joinText, parseNotebook } from '../../src/core/formats/notebook/format';
import { stripNotebook } from '../../src/core/notebooks/strip';
import type { ExtensionApi } from '../../src/extension';
import type { NotebooksApi } from '../../src/features/notebooks/register';
import type { StripRunResult } from '../../src/features/notebooks/strip';
import type { SnapshotResult } from '../../src/features/notebooks/snapshot';
import { activateExtension } from './activation.test';
import { waitFor } from './wait';

const EDA = 'notebooks/01-explore-transactions.ipynb';
const EVAL = 'notebooks/02-evaluate-model.ipynb';

function root(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: root(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function gitBytes(...args: string[]): Buffer {
  return execFileSync('git', args, { cwd: root(), maxBuffer: 64 * 1024 * 1024 });
}

function fileUri(relative: string): vscode.Uri {
  return vscode.Uri.file(path.join(root(), relative));
}

function read(relative: string): Buffer {
  return fs.readFileSync(path.join(root(), relative));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The source of every cell, as the notebook editor shows it. */
function cellTexts(doc: vscode.NotebookDocument): string[] {
  return doc.getCells().map((cell) => cell.document.getText());
}

function sourcesOf(bytes: Buffer): string[] {
  return parseNotebook(bytes).notebook.cells.map((cell) => joinText(cell.source));
}

/** Reverts unsaved test edits (never saves them). */
async function revertAll(): Promise<void> {
  for (const doc of vscode.workspace.notebookDocuments) {
    if (doc.isDirty) {
      await vscode.window.showNotebookDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  }
}

async function closeAll(): Promise<void> {
  await revertAll();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('Notebook versioning in the editor', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let notebooks: NotebooksApi;
  let originalHead: string;
  const originals = new Map<string, Buffer>();
  /** What the test answers to modal questions and notifications. */
  let answer: (message: string) => string | undefined = () => undefined;

  before(async () => {
    api = await activateExtension();
    assert.ok(api.notebooks, 'the extension exposes the notebooks API');
    notebooks = api.notebooks;
    notebooks.prompts.responder = (prompt) => answer(prompt.message);
    // VS Code for the Web (code-server) saves after a delay by default: unsaved edits must stay unsaved here.
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Workspace);
    originalHead = git('rev-parse', 'HEAD').trim();
    for (const file of [EDA, EVAL, 'mlops.yaml', 'params.yaml', 'metrics/eval.json', 'README.md'])
      originals.set(file, read(file));
    // One notebook editor stays open throughout: in code-server, opening one after none was open can take 30 s.
    await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(fileUri(EDA)), {
      preview: false,
    });
  });

  afterEach(async () => {
    answer = () => undefined;
    // Editors stay open between tests (see before).
    await revertAll();
  });

  after(async () => {
    notebooks.prompts.responder = undefined;
    await closeAll();
    await vscode.workspace
      .getConfiguration('files')
      .update('autoSave', undefined, vscode.ConfigurationTarget.Workspace);
    // The demo workspace is a throw-away copy in the temp folder: put its repository back as it was for later suites.
    assert.ok(
      root().startsWith(fs.realpathSync(os.tmpdir())) || root().startsWith(os.tmpdir()),
      'cleaning up only a temporary demo workspace',
    );
    for (const section of ['filter.mlops-nbstrip', 'diff.mlops-nbstrip']) {
      try {
        execFileSync('git', ['config', '--local', '--remove-section', section], { cwd: root(), stdio: 'ignore' });
      } catch {
        // not set
      }
    }
    for (const tag of git('tag', '--list', '02-evaluate-model@*').split('\n').filter(Boolean)) git('tag', '-d', tag);
    git('reset', '--quiet', '--hard', originalHead);
    for (const [file, bytes] of originals) fs.writeFileSync(path.join(root(), file), bytes);
  });

  it('lists the tags and commits of a notebook with summaries against the working copy', async () => {
    const list = await notebooks.revisions(fileUri(EVAL), 'working');
    const commits = list.revisions.filter((r) => r.kind === 'commit');
    assert.deepEqual(
      commits.map((r) => r.sha),
      git('log', '--format=%H', '--', EVAL).trim().split('\n'),
    );
    assert.deepEqual(
      list.revisions.filter((r) => r.kind === 'tag').map((r) => r.tag),
      ['fraud-classifier@v2.0.0', 'fraud-classifier@v1.2.0', 'fraud-classifier@v1.1.0', 'fraud-classifier@v1.0.0'],
    );
    assert.equal(commits[0].summary, 'no changes', 'HEAD is the working copy');
    const working = parseNotebook(read(EVAL));
    for (const revision of [commits[1], commits[commits.length - 1], list.revisions[2]]) {
      const expected = describeDiff(diffNotebooks(parseNotebook(gitBytes('show', `${revision.sha}:${EVAL}`)), working));
      assert.equal(revision.summary, expected, `summary of ${revision.tag ?? revision.shortSha}`);
    }
    assert.match(commits[1].summary!, /outputs only in \d+/, 'a re-run shows as output noise, not as a source change');
  });

  it('summarises each version of the history against the previous one', async () => {
    const list = await notebooks.revisions(fileUri(EVAL), 'previous');
    assert.ok(list.revisions.every((r) => r.kind === 'commit'));
    const [newest, previous] = list.revisions;
    const expected = describeDiff(
      diffNotebooks(
        parseNotebook(gitBytes('show', `${previous.sha}:${EVAL}`)),
        parseNotebook(gitBytes('show', `${newest.sha}:${EVAL}`)),
      ),
    );
    assert.equal(newest.summary, expected);
    assert.notEqual(newest.summary, 'no changes');
    assert.equal(list.revisions[list.revisions.length - 1].summary, 'first version: 5 cells');
  });

  it('opens the notebook diff editor for a revision chosen in the quick pick', async () => {
    const pending = vscode.commands.executeCommand<{ original: vscode.Uri; modified: vscode.Uri } | undefined>(
      'mlops.diffNotebookWithRevision',
      fileUri(EVAL),
    );
    await sleep(2500);
    // The first entry is the newest tag; the next one is the tag before it.
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const result = await pending;
    assert.ok(result, 'a revision was chosen');
    const expectedSha = git('rev-parse', 'fraud-classifier@v1.2.0^{commit}').trim();
    assert.equal(result.original.scheme, 'mlops-rev');
    assert.equal((JSON.parse(result.original.query) as { rev: string }).rev, expectedSha);
    const tab = await waitFor('the notebook diff tab', () => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return active?.input instanceof vscode.TabInputNotebookDiff ? active : undefined;
    });
    const input = tab.input as vscode.TabInputNotebookDiff;
    assert.equal(input.original.toString(), result.original.toString());
    assert.equal(input.modified.toString(), fileUri(EVAL).toString());
    assert.equal(input.notebookType, 'jupyter-notebook');
    assert.equal(tab.label, `02-evaluate-model.ipynb (${expectedSha.slice(0, 7)}) ↔ Working Tree`);
  });

  it('opens the diff for a revision named by the caller', async () => {
    const result = await vscode.commands.executeCommand<{ original: vscode.Uri } | undefined>(
      'mlops.diffNotebookWithRevision',
      fileUri(EVAL),
      'fraud-classifier@v1.0.0',
    );
    assert.ok(result);
    assert.equal(
      (JSON.parse(result.original.query) as { rev: string }).rev,
      git('rev-parse', 'fraud-classifier@v1.0.0^{commit}').trim(),
    );
    const input = await waitFor('the notebook diff tab', () => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return active instanceof vscode.TabInputNotebookDiff ? active : undefined;
    });
    assert.equal(input.original.toString(), result.original.toString());
  });

  it('opens a version from the history read-only', async () => {
    const sha = git('log', '--format=%H', '--', EVAL).trim().split('\n')[2];
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>(
      'mlops.showNotebookHistory',
      fileUri(EVAL),
      sha,
      'open',
    );
    assert.ok(uri instanceof vscode.Uri);
    const editor = await waitFor('the revision in a notebook editor', () =>
      vscode.window.activeNotebookEditor?.notebook.uri.toString() === uri.toString()
        ? vscode.window.activeNotebookEditor
        : undefined,
    );
    assert.deepEqual(cellTexts(editor.notebook), sourcesOf(gitBytes('show', `${sha}:${EVAL}`)));
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.writeFile(uri, Buffer.from('{}'))),
      /read-only|NoPermissions/i,
    );
  });

  it('restores a revision as an edit that Undo reverts, without writing the file', async () => {
    const doc = await vscode.workspace.openNotebookDocument(fileUri(EVAL));
    await vscode.window.showNotebookDocument(doc);
    const before = cellTexts(doc);
    const first = git('log', '--format=%H', '--', EVAL).trim().split('\n').pop()!;
    const expected = sourcesOf(gitBytes('show', `${first}:${EVAL}`));
    assert.notDeepEqual(expected, before, 'the first version differs from the working copy');
    const restored = await vscode.commands.executeCommand<boolean>('mlops.restoreNotebook', fileUri(EVAL), first);
    assert.equal(restored, true);
    assert.deepEqual(cellTexts(doc), expected);
    assert.equal(doc.isDirty, true);
    assert.deepEqual(read(EVAL), originals.get(EVAL), 'nothing is written until the user saves');
    assert.ok(notebooks.prompts.log.some((p) => /^Restored 02-evaluate-model\.ipynb to [0-9a-f]{7}/.test(p.message)));
    await vscode.window.showNotebookDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor('Undo to bring the content back', () => JSON.stringify(cellTexts(doc)) === JSON.stringify(before));
  });

  it('asks before restoring over unsaved changes and keeps them when the user declines', async () => {
    const doc = await vscode.workspace.openNotebookDocument(fileUri(EVAL));
    await vscode.window.showNotebookDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    edit.set(doc.uri, [
      vscode.NotebookEdit.insertCells(0, [
        new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, 'unsaved work', 'markdown'),
      ]),
    ]);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(doc.isDirty);
    const asked: string[] = [];
    answer = (message) => (asked.push(message), undefined);
    const first = git('log', '--format=%H', '--', EVAL).trim().split('\n').pop()!;
    assert.equal(await vscode.commands.executeCommand('mlops.restoreNotebook', fileUri(EVAL), first), false);
    assert.deepEqual(asked, ['02-evaluate-model.ipynb has unsaved changes. Restore and discard unsaved changes?']);
    assert.equal(notebooks.prompts.log[notebooks.prompts.log.length - 1].modal, true);
    assert.equal(cellTexts(doc)[0], 'unsaved work');
  });

  it('refuses to strip a notebook with unsaved changes unless the user says so', async () => {
    const doc = await vscode.workspace.openNotebookDocument(fileUri(EDA));
    await vscode.window.showNotebookDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    edit.set(doc.uri, [
      vscode.NotebookEdit.insertCells(0, [
        new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, 'not saved yet', 'markdown'),
      ]),
    ]);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(doc.isDirty);
    const before = notebooks.prompts.log.length;
    const result = await vscode.commands.executeCommand<StripRunResult>('mlops.stripNotebookOutputs', fileUri(EDA));
    const asked = notebooks.prompts.log.slice(before).filter((p) => p.modal);
    assert.equal(asked.length, 1, 'one modal question');
    assert.equal(asked[0].message, '01-explore-transactions.ipynb has unsaved changes.');
    assert.deepEqual(asked[0].items, ['Save and Strip', 'Skip Them']);
    assert.deepEqual(
      result.files.map((f) => f.status),
      ['cancelled'],
    );
    assert.deepEqual(read(EDA), originals.get(EDA), 'the file on disk is untouched');
    assert.ok(doc.isDirty, 'the unsaved edit is still there');

    // "Skip Them": the dirty one is left alone, a clean one in the same run is stripped.
    answer = (message) => (/unsaved changes/.test(message) ? 'Skip Them' : undefined);
    const both = await vscode.commands.executeCommand<StripRunResult>('mlops.stripNotebookOutputs', fileUri(EDA), [
      fileUri(EDA),
      fileUri(EVAL),
    ]);
    assert.deepEqual(
      both.files.map((f) => [path.basename(f.file), f.status]),
      [
        ['01-explore-transactions.ipynb', 'skipped-unsaved'],
        ['02-evaluate-model.ipynb', 'stripped'],
      ],
    );
    assert.deepEqual(read(EDA), originals.get(EDA));
    const expected = stripNotebook(originals.get(EVAL)!);
    assert.equal(read(EVAL).toString('utf8'), expected.text);
    assert.equal(both.files[1].bytesRemoved, expected.bytesRemoved);
    assert.equal(both.bytesRemoved, expected.bytesRemoved);
    assert.ok(expected.bytesRemoved > 500);
    assert.ok(
      parseNotebook(read(EVAL)).notebook.cells.every((cell) => (cell.outputs ?? []).length === 0),
      'the outputs, the PNG chart among them, are gone',
    );
    fs.writeFileSync(path.join(root(), EVAL), originals.get(EVAL)!);
  });

  it('strips every notebook of the workspace with the options of mlops.yaml', async () => {
    fs.writeFileSync(
      path.join(root(), 'mlops.yaml'),
      `${originals.get('mlops.yaml')!.toString('utf8')}\nnotebooks:\n  strip:\n    keepCount: true\n`,
    );
    try {
      const result = await vscode.commands.executeCommand<StripRunResult>('mlops.stripNotebookOutputs', {
        scope: 'workspace',
      });
      assert.deepEqual(
        result.files.map((f) => [path.relative(root(), f.file).split(path.sep).join('/'), f.status]),
        [
          [EDA, 'stripped'],
          [EVAL, 'stripped'],
        ],
      );
      let total = 0;
      for (const file of [EDA, EVAL]) {
        const expected = stripNotebook(originals.get(file)!, { keepCount: true });
        assert.equal(read(file).toString('utf8'), expected.text, `${file} stripped as nbstripout --keep-count would`);
        total += expected.bytesRemoved;
      }
      assert.equal(result.bytesRemoved, total);
      assert.ok(
        parseNotebook(read(EDA)).notebook.cells.some((cell) => typeof cell.execution_count === 'number'),
        'execution counts kept',
      );
      const report = notebooks.prompts.log[notebooks.prompts.log.length - 1];
      assert.match(
        report.message,
        /^Stripped 2 notebooks: .+ removed \(01-explore-transactions\.ipynb: .+, 02-evaluate-model\.ipynb: .+\)\.$/,
      );
    } finally {
      for (const file of [EDA, EVAL, 'mlops.yaml']) fs.writeFileSync(path.join(root(), file), originals.get(file)!);
    }
  });

  it('sets up the git filter so commits store notebooks without outputs while the working copy keeps them', async () => {
    const attributesBefore = read('.gitattributes').toString('utf8');
    const result = await vscode.commands.executeCommand<{ attributesChanged: boolean; command: string } | undefined>(
      'mlops.setupNotebookGitFilter',
      vscode.Uri.file(root()),
    );
    assert.ok(result);
    assert.equal(result.attributesChanged, true);
    const line = '*.ipynb filter=mlops-nbstrip diff=mlops-nbstrip\n';
    assert.equal(read('.gitattributes').toString('utf8'), attributesBefore + line);
    // Running it again adds nothing.
    const again = await vscode.commands.executeCommand<{ attributesChanged: boolean }>(
      'mlops.setupNotebookGitFilter',
      vscode.Uri.file(root()),
    );
    assert.equal(again.attributesChanged, false);
    assert.equal(read('.gitattributes').toString('utf8'), attributesBefore + line);

    const cli = await notebooks.cliPath();
    assert.equal(path.basename(cli), 'mlops-cli.js');
    const dist = path.join(__dirname, '..', '..', '..', 'dist');
    assert.deepEqual(
      fs.readFileSync(cli),
      fs.readFileSync(path.join(dist, 'cli.js')),
      'the CLI copy is the bundled one',
    );
    // With what it loads beside it: the bundle, SQLite's WebAssembly, the log-reading threads.
    for (const name of ['cli-main.js', 'sql-wasm.wasm', 'telemetryWorker.js'])
      assert.deepEqual(
        fs.readFileSync(path.join(path.dirname(cli), name)),
        fs.readFileSync(path.join(dist, name)),
        `${name} is copied beside the CLI`,
      );
    const clean = git('config', '--get', 'filter.mlops-nbstrip.clean').trim();
    assert.ok(clean.endsWith(' nbstrip --stdin'));
    assert.ok(clean.includes(cli), `the filter runs the copy in global storage: ${clean}`);
    assert.equal(git('config', '--get', 'filter.mlops-nbstrip.required').trim(), 'true');
    assert.equal(git('config', '--get', 'diff.mlops-nbstrip.textconv').trim(), clean.replace('--stdin', '--textconv'));

    // A real edit, then git add + commit through the filter.
    const notebook = parseNotebook(read(EDA));
    notebook.notebook.cells[1].source = ['# filtered on commit\n', ...(notebook.notebook.cells[1].source as string[])];
    const edited = JSON.stringify(notebook.notebook, null, 1) + '\n';
    fs.writeFileSync(path.join(root(), EDA), edited);
    git('add', '--', EDA, '.gitattributes');
    git('commit', '--quiet', '-m', 'Touch the EDA notebook');
    const committed = parseNotebook(gitBytes('show', `HEAD:${EDA}`)).notebook;
    for (const cell of committed.cells.filter((c) => c.cell_type === 'code')) {
      assert.deepEqual(cell.outputs, [], 'no outputs in the commit');
      assert.equal(cell.execution_count, null);
    }
    assert.equal(joinText(committed.cells[1].source).split('\n')[0], '# filtered on commit');
    assert.equal(read(EDA).toString('utf8'), edited, 'the working copy keeps its outputs');
    assert.ok(parseNotebook(read(EDA)).notebook.cells.some((c) => (c.outputs ?? []).length > 0));
    assert.equal(git('status', '--porcelain', '--', EDA), '', 'git sees no change: outputs are not content');
  });

  it('offers the git filter once per workspace when .gitattributes asks for it and this clone lacks it', async () => {
    git('config', '--local', '--remove-section', 'filter.mlops-nbstrip');
    await notebooks.resetFilterOffer();
    const offers: string[] = [];
    answer = (message) => {
      if (/is not set up for it/.test(message)) {
        offers.push(message);
        return 'Set Up';
      }
      return undefined;
    };
    const folder = vscode.workspace.workspaceFolders![0];
    assert.equal(await notebooks.checkFilterOffer(folder), true);
    assert.equal(offers.length, 1);
    assert.match(offers[0], /strips notebook outputs on commit with the "mlops-nbstrip" git filter/);
    // Accepting runs the setup.
    await waitFor('the filter to be configured again', () => {
      try {
        return git('config', '--get', 'filter.mlops-nbstrip.clean').trim() || undefined;
      } catch {
        return undefined;
      }
    });
    // Asked once: not again in this session, nor in a later one (remembered in workspaceState), even if unset again.
    git('config', '--local', '--remove-section', 'filter.mlops-nbstrip');
    assert.equal(await notebooks.checkFilterOffer(folder), false);
    await notebooks.resetFilterOffer(true);
    assert.equal(await notebooks.checkFilterOffer(folder), false);
    assert.equal(offers.length, 1);
    await vscode.commands.executeCommand('mlops.setupNotebookGitFilter', vscode.Uri.file(root()));
  });

  it('commits a snapshot of the notebook with its params and metrics files, and tags it', async () => {
    fs.writeFileSync(
      path.join(root(), 'params.yaml'),
      originals
        .get('params.yaml')!
        .toString('utf8')
        .replace(/threshold: [\d.]+/, 'threshold: 0.42'),
    );
    const metrics = JSON.parse(originals.get('metrics/eval.json')!.toString('utf8')) as { test: { f1: number } };
    metrics.test.f1 = 0.9123;
    fs.writeFileSync(path.join(root(), 'metrics/eval.json'), JSON.stringify(metrics, null, 2) + '\n');
    const notebook = parseNotebook(read(EVAL));
    notebook.notebook.cells[0].source = ['# Evaluate the fraud classifier (threshold 0.42)\n'];
    fs.writeFileSync(path.join(root(), EVAL), JSON.stringify(notebook.notebook, null, 1) + '\n');
    // Something else staged stays staged and out of the snapshot.
    fs.writeFileSync(
      path.join(root(), 'README.md'),
      `${originals.get('README.md')!.toString('utf8')}\nStaged elsewhere.\n`,
    );
    git('add', 'README.md');

    const result = await vscode.commands.executeCommand<SnapshotResult | undefined>(
      'mlops.commitNotebookSnapshot',
      fileUri(EVAL),
      { message: 'Snapshot evaluate-model at threshold 0.42', tag: '02-evaluate-model@v1.0.0' },
    );
    assert.ok(result);
    assert.equal(result.shortSha, git('rev-parse', '--short', 'HEAD').trim());
    assert.equal(git('log', '-1', '--format=%s').trim(), 'Snapshot evaluate-model at threshold 0.42');
    assert.deepEqual(git('show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort(), [
      'metrics/eval.json',
      EVAL,
      'params.yaml',
    ]);
    assert.deepEqual([...result.files].sort(), ['metrics/eval.json', EVAL, 'params.yaml']);
    assert.equal(git('cat-file', '-t', '02-evaluate-model@v1.0.0').trim(), 'tag', 'an annotated tag');
    assert.equal(git('rev-parse', '02-evaluate-model@v1.0.0^{commit}').trim(), result.sha);
    assert.equal(git('diff', '--cached', '--name-only').trim(), 'README.md');
    assert.ok(
      notebooks.prompts.log.some((p) =>
        p.message.startsWith(`Committed ${result.shortSha} and tagged it 02-evaluate-model@v1.0.0`),
      ),
    );

    // Nothing changed since: refused, no commit.
    const head = git('rev-parse', 'HEAD').trim();
    const again = await vscode.commands.executeCommand<SnapshotResult | undefined>(
      'mlops.commitNotebookSnapshot',
      fileUri(EVAL),
      { message: 'again', tag: false },
    );
    assert.equal(again, undefined);
    assert.equal(git('rev-parse', 'HEAD').trim(), head);
    assert.match(
      notebooks.prompts.log[notebooks.prompts.log.length - 1].message,
      /^Nothing to commit: 02-evaluate-model\.ipynb and .*params\.yaml.* have no changes/,
    );
    git('reset', '--quiet', 'README.md');
  });

  it('toggles outputs and metadata in notebook diffs at workspace scope', async () => {
    const key = 'notebook.diff.ignoreOutputs';
    const start = vscode.workspace.getConfiguration().get<boolean>(key, false);
    // The extension's configuration defaults hide outputs and metadata in notebook diffs until the user toggles.
    assert.equal(vscode.workspace.getConfiguration().inspect<boolean>(key)?.defaultValue, true);
    assert.equal(
      vscode.workspace.getConfiguration().inspect<boolean>('notebook.diff.ignoreMetadata')?.defaultValue,
      true,
    );
    try {
      const hidden = await vscode.commands.executeCommand<boolean>('mlops.toggleNotebookDiffOutputs');
      assert.equal(hidden, !start);
      assert.equal(vscode.workspace.getConfiguration().inspect<boolean>(key)?.workspaceValue, !start);
      assert.equal(
        vscode.workspace.getConfiguration().inspect<boolean>('notebook.diff.ignoreMetadata')?.workspaceValue,
        !start,
      );
      assert.equal(await vscode.commands.executeCommand<boolean>('mlops.toggleNotebookDiffOutputs'), start);
    } finally {
      for (const setting of [key, 'notebook.diff.ignoreMetadata'])
        await vscode.workspace.getConfiguration().update(setting, undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
