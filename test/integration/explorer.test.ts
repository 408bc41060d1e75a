import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { ExplorerTree } from '../../src/features/explorer/tree';
import { activateExtension, EXTENSION_ID } from './activation.test';
import { waitFor } from './wait';

async function labels(tree: ExplorerTree): Promise<string[]> {
  const nodes = await tree.getChildren();
  return nodes.map((n) => tree.getTreeItem(n).label as string);
}

function root(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

describe('Models, Datasets and Notebooks views on the demo', () => {
  let api: ExtensionApi;

  before(async () => {
    api = await activateExtension();
    await api.explorer.model.ensureLoaded();
  });

  it('lists the demo models, datasets and notebooks by kind', async () => {
    assert.deepEqual((await labels(api.explorer.trees.models)).sort(), ['fraud-classifier', 'fraud-classifier-onnx']);
    assert.deepEqual((await labels(api.explorer.trees.datasets)).sort(), ['holdout', 'transactions']);
    assert.deepEqual((await labels(api.explorer.trees.notebooks)).sort(), [
      '01-explore-transactions',
      '02-evaluate-model',
    ]);
  });

  it('shows git state, last commit and the content hash in the tooltip', async () => {
    const tree = api.explorer.trees.datasets;
    const tooltipOf = async (name: string) => {
      const node = (await tree.getChildren()).find((n) => tree.getTreeItem(n).label === name)!;
      const item = tree.getTreeItem(node);
      return { text: (item.tooltip as vscode.MarkdownString).value, item };
    };
    const expected = createHash('sha256')
      .update(fs.readFileSync(path.join(root(), 'data', 'transactions.csv')))
      .digest('hex');
    const { text, item } = await waitFor('the hash of transactions.csv', async () => {
      const t = await tooltipOf('transactions');
      return t.text.includes(expected) ? t : undefined;
    });
    assert.match(text, /\*\*Git:\*\* tracked/);
    assert.match(text, /\*\*Last commit:\*\* Add transactions snapshot v3/);
    assert.match(String(item.description), /^1\.1 MB · \d+ months? ago$/);
    assert.match(String(item.contextValue), /\bmlopsItem\b.*\bkind-dataset\b.*\bpresent\b.*\bfile\b.*\binGit\b/);
    assert.match((await tooltipOf('holdout')).text, /\*\*Git:\*\* DVC-tracked/);
    const onnx = (await api.explorer.trees.models.getChildren())
      .map((n) => api.explorer.trees.models.getTreeItem(n))
      .find((i) => i.label === 'fraud-classifier-onnx')!;
    assert.match((onnx.tooltip as vscode.MarkdownString).value, /\*\*Git:\*\* LFS pointer/);
  });

  it('copies a content hash equal to sha256 of the file', async () => {
    const tree = api.explorer.trees.datasets;
    const node = (await tree.getChildren()).find((n) => tree.getTreeItem(n).label === 'holdout');
    const hash = await vscode.commands.executeCommand<string>('mlops.copyItemHash', node);
    assert.equal(
      hash,
      createHash('sha256')
        .update(fs.readFileSync(path.join(root(), 'data', 'holdout.csv')))
        .digest('hex'),
    );
    assert.equal(await vscode.env.clipboard.readText(), hash);
  });

  it('updates the tree when mlops.yaml changes, and shows a missing dataset as a warning item', async () => {
    const configPath = path.join(root(), 'mlops.yaml');
    const original = fs.readFileSync(configPath, 'utf8');
    try {
      fs.writeFileSync(
        configPath,
        original.replace(
          'datasets:\n  - name: transactions',
          'datasets:\n  - name: labels-2027\n    path: data/labels-2027.csv\n  - name: transactions',
        ),
      );
      const names = await waitFor('the new dataset in the tree', async () => {
        const now = await labels(api.explorer.trees.datasets);
        return now.includes('labels-2027') ? now : undefined;
      });
      assert.deepEqual(names.sort(), ['holdout', 'labels-2027', 'transactions']);
      const tree = api.explorer.trees.datasets;
      const item = (await tree.getChildren()).map((n) => tree.getTreeItem(n)).find((i) => i.label === 'labels-2027')!;
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning');
      assert.match(String(item.description), /missing/);
      assert.match((item.tooltip as vscode.MarkdownString).value, /missing/);
    } finally {
      fs.writeFileSync(configPath, original);
    }
    await waitFor('the dataset to go away', async () =>
      (await labels(api.explorer.trees.datasets)).includes('labels-2027') ? undefined : true,
    );
  });

  it('shows a DVC-tracked file that is not pulled as "not pulled" with its size, hash and dvc pull, not a warning', async () => {
    // The .dvc entry the real dvc wrote for data/raw.csv in the not-pulled fixture, placed in the demo without its data.
    const clone = JSON.parse(
      fs.readFileSync(
        path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'dvc-not-pulled', 'expected', 'clone.json'),
        'utf8',
      ),
    ) as { dotDvcOuts: { md5: string; size: number; hash: string }[] };
    const out = clone.dotDvcOuts[0];
    const dotDvc = path.join(root(), 'data', 'fresh-clone.csv.dvc');
    fs.writeFileSync(
      dotDvc,
      `outs:\n- md5: ${out.md5}\n  size: ${out.size}\n  hash: ${out.hash}\n  path: fresh-clone.csv\n`,
    );
    try {
      const tree = api.explorer.trees.datasets;
      const item = await waitFor('the not-pulled dataset in the tree', async () =>
        (await tree.getChildren()).map((n) => tree.getTreeItem(n)).find((i) => i.label === 'fresh-clone.csv'),
      );
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'cloud-download');
      assert.equal((item.iconPath as vscode.ThemeIcon).color, undefined);
      assert.ok(out.size < 1024, 'a size under 1 KB is written in bytes');
      assert.equal(item.description, `not pulled (${out.size} B)`);
      // Markdown escapes removed: the text as the hover shows it.
      const tooltip = (item.tooltip as vscode.MarkdownString).value.replace(/\\(.)/g, '$1');
      assert.ok(tooltip.includes(`not pulled (${out.size} B) — DVC-tracked`), tooltip);
      assert.ok(tooltip.includes('`dvc pull data/fresh-clone.csv.dvc`'), tooltip);
      assert.ok(tooltip.includes(`md5 ${out.md5}`), tooltip);
      assert.ok(!tooltip.includes('$(warning)'), tooltip);
      assert.match(String(item.contextValue), /\bmissing\b.*\bnotPulled\b/);
    } finally {
      fs.rmSync(dotDvc, { force: true });
    }
    await waitFor('the dataset to go away', async () =>
      (await labels(api.explorer.trees.datasets)).includes('fresh-clone.csv') ? undefined : true,
    );
  });

  it('puts mlops.yaml problems in the Problems panel at the right line, live as the user types', async () => {
    const uri = vscode.Uri.file(path.join(root(), 'mlops.yaml'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('stage: production'));
    assert.ok(line > 0);
    try {
      await editor.edit((e) =>
        e.replace(new vscode.Range(line, 0, line, doc.lineAt(line).text.length), '    stage: prod'),
      );
      const diagnostics = await waitFor('a diagnostic for stage', () => {
        const found = vscode.languages.getDiagnostics(uri).filter((d) => /stage/.test(d.message));
        return found.length ? found : undefined;
      });
      assert.equal(diagnostics[0].range.start.line, line);
      assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Error);
      assert.match(diagnostics[0].message, /dev, staging, production, archived/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
    await waitFor('the diagnostic to clear', () =>
      (api.configDiagnostics.get(uri) ?? []).length === 0 ? true : undefined,
    );
  });

  it('opens an older revision of a file read-only from the history command', async () => {
    const file = path.join(root(), 'metrics', 'eval.json');
    const pending = vscode.commands.executeCommand<vscode.Uri | undefined>(
      'mlops.showItemHistory',
      vscode.Uri.file(file),
    );
    await new Promise((r) => setTimeout(r, 1500));
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const uri = await pending;
    assert.ok(uri, 'a revision was opened');
    assert.equal(uri.scheme, 'mlops-rev');
    const query = JSON.parse(uri.query) as { rev: string; path: string };
    const expected = execFileSync('git', ['show', `${query.rev}:metrics/eval.json`], { cwd: root() }).toString('utf8');
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root() }).toString().trim();
    assert.notEqual(query.rev, head, 'the second entry is an older commit');
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.toString(), uri.toString());
    assert.equal(doc?.getText(), expected);
    await assert.rejects(
      Promise.resolve(vscode.workspace.fs.writeFile(uri, Buffer.from('x'))),
      /read-only|NoPermissions/i,
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('sets the context keys from discovery: the demo has models, datasets and notebooks, so Getting Started goes', () => {
    assert.deepEqual(api.explorer.context(), {
      'mlops.explorer.scanned': true,
      'mlops.explorer.hasItems': true,
      'mlops.explorer.hasModels': true,
      'mlops.explorer.hasDatasets': true,
      'mlops.explorer.hasNotebooks': true,
    });
    const views = (
      vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
        contributes: { views: { mlops: { id: string; when?: string }[] } };
      }
    ).contributes.views.mlops;
    assert.equal(
      views.find((v) => v.id === 'mlops.views.welcome')?.when,
      '!mlops.hasConfig && !mlops.explorer.hasItems',
    );
    assert.equal(
      views.find((v) => v.id === 'mlops.views.datasets')?.when,
      '!mlops.explorer.hasItems || mlops.explorer.hasDatasets',
    );
  });

  it('lists the registered models of an MLflow SQLite store named otherwise, written by the real MLflow', async function () {
    this.timeout(60_000);
    const fixtures = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.fsPath, 'test', 'fixtures');
    const folder = path.join(root(), 'tracking');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(
      path.join(folder, 'backend.db'),
      zlib.gunzipSync(fs.readFileSync(path.join(fixtures, 'mlflow', 'releases', '3.17.2', 'mlflow.db.gz'))),
    );
    const tree = api.explorer.trees.models;
    const registry = async () =>
      (await tree.getChildren())
        .map((n) => tree.getTreeItem(n))
        .filter((i) => /\bmlflow\b/.test(String(i.contextValue)))
        .map(
          (i) =>
            `${typeof i.label === 'string' ? i.label : (i.label?.label ?? '')} ${String(i.description).replace(/ · (just now|yesterday|last \w+|\d+ \w+ ago)$/, '')}`,
        )
        .sort();
    try {
      await vscode.commands.executeCommand('mlops.refreshExplorer');
      const listed = await waitFor('the models of tracking/backend.db', async () => {
        const found = await registry();
        return found.length >= 3 ? found : undefined;
      });
      // Versions, stages and aliases as the real MLflow registered them (then the time each was registered).
      assert.deepEqual(listed, [
        'churn-model v1 · archived',
        'churn-model v2 · production',
        'churn-model v3 · staging',
      ]);
      const champion = (await tree.getChildren())
        .map((n) => tree.getTreeItem(n))
        .find((i) => i.label === 'churn-model' && String(i.description).startsWith('v2 '))!;
      const tooltip = (champion.tooltip as vscode.MarkdownString).value;
      assert.match(tooltip, /\*\*Path:\*\* `tracking\/backend\.db`/);
      assert.match(tooltip, /\*\*Tags:\*\* @champion/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
      await vscode.commands.executeCommand('mlops.refreshExplorer');
    }
    assert.deepEqual(await registry(), []);
  });
});
