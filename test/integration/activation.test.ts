import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { summarizeConfig } from '../../src/core/formats/mlopsYaml/starter';
import type { ExtensionApi } from '../../src/extension';

export const EXTENSION_ID = 'mlops-workbench.mlops-workbench';

export async function activateExtension(): Promise<ExtensionApi> {
  const extension = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed in the extension host`);
  return extension.activate();
}

function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return folder.uri;
}

describe('activation on the demo workspace', () => {
  let api: ExtensionApi;

  before(async () => {
    api = await activateExtension();
  });

  it('runs in a real VS Code and reports where', () => {
    console.log(
      `VS Code ${vscode.version} | appName ${vscode.env.appName} | uiKind ${vscode.UIKind[vscode.env.uiKind]} | remote ${vscode.env.remoteName ?? 'none'}`,
    );
    console.log(`activate() took ${api.activationMs.toFixed(2)} ms`);
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.ok(Number(vscode.version.split('.')[1]) >= 100, 'engine is 1.100 or later');
  });

  it('is active, and activate() stays fast', () => {
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.ok(api.activationMs > 0 && Number.isFinite(api.activationMs));
  });

  it('registers every contributed command', async () => {
    const contributed = (
      vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: { command: string }[] } }
    ).contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 2);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], 'contributed commands without a handler');
  });

  it('opens its log channel named "MLOps Workbench"', async () => {
    await vscode.commands.executeCommand('mlops.openLog');
    const deadline = Date.now() + 15_000;
    let found: vscode.TextDocument | undefined;
    // The output document appears before its content is flushed into it: wait for the activation line.
    while (Date.now() < deadline) {
      found = vscode.workspace.textDocuments.find(
        (d) => d.uri.scheme === 'output' && decodeURIComponent(d.uri.toString()).includes('MLOps Workbench'),
      );
      if (found && /MLOps Workbench [\d.]+ activated in [\d.]+ ms/.test(found.getText())) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(
      found,
      `log channel document; open: ${vscode.workspace.textDocuments.map((d) => d.uri.toString()).join(', ')}`,
    );
    assert.match(found.getText(), /MLOps Workbench [\d.]+ activated in [\d.]+ ms/);
  });
});

describe('MLOps: Create mlops.yaml', () => {
  it('refuses to overwrite an existing mlops.yaml', async () => {
    const target = vscode.Uri.joinPath(workspaceRoot(), 'mlops.yaml');
    const before = Buffer.from(await vscode.workspace.fs.readFile(target)).toString('utf8');
    const result = await vscode.commands.executeCommand('mlops.createConfig');
    assert.equal(result, 'exists');
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(target)).toString('utf8'), before);
  });

  it('writes a valid mlops.yaml seeded from the workspace when none exists', async () => {
    const target = vscode.Uri.joinPath(workspaceRoot(), 'mlops.yaml');
    const original = await vscode.workspace.fs.readFile(target);
    await vscode.workspace.fs.delete(target);
    try {
      const result = await vscode.commands.executeCommand('mlops.createConfig');
      assert.equal(result, 'created');
      const text = Buffer.from(await vscode.workspace.fs.readFile(target)).toString('utf8');
      const summary = summarizeConfig(text);
      assert.equal(summary.version, 1);
      // Seeded from the demo's own models and data, not placeholders; metric definitions are left as a commented example.
      assert.ok(summary.models.length > 0 && summary.datasets.length > 0);
      assert.equal(summary.models.includes('classifier') || /models\/classifier\.pkl/.test(text), false);
      assert.deepEqual(summary.metrics, []);
      assert.match(text, /^# MLOps Workbench team configuration/);
      assert.match(text, /^ {2}# (DVC artifact|output of DVC stage|tracked by DVC|found in the workspace)/m);
      assert.equal(vscode.window.activeTextEditor?.document.uri.path, target.path, 'the new file is opened');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.writeFile(target, original);
    }
  });
});
