// The Models view on the demo with a real MLflow tracking server configured: the server's registered models (made by
// the real MlflowClient: versions, stage transitions, aliases) appear after the local items, grouped under the
// server's host; a server that cannot be reached is one error item.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { MlflowRestClient } from '../../src/core/formats/mlflow/rest';
import type { ExplorerNode, ExplorerTree } from '../../src/features/explorer/tree';
import { freePort, quietEnv, startMlflowServer, testPython, type MlflowServer } from '../helpers/mlflowServer';
import { activateExtension, EXTENSION_ID } from './activation.test';
import { waitFor } from './wait';

interface ExpectedVersion {
  version: string;
  stage: string;
  aliases: string[];
  run_id: string;
  tags: Record<string, string>;
}

interface Shown {
  node: ExplorerNode;
  item: vscode.TreeItem;
  label: string;
}

async function children(tree: ExplorerTree, node?: ExplorerNode): Promise<Shown[]> {
  return (await tree.getChildren(node)).map((n) => {
    const item = tree.getTreeItem(n);
    return { node: n, item, label: typeof item.label === 'string' ? item.label : (item.label?.label ?? '') };
  });
}

/** A description without its trailing relative time. */
function withoutTime(description: unknown): string {
  return String(description).replace(/ · (just now|in the future|\d+ \w+ ago)$/, '');
}

describe('Models view with an MLflow tracking server', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let server: MlflowServer;
  let tmp: string;
  let expected: { name: string; versions: ExpectedVersion[] }[];
  const config = () => vscode.workspace.getConfiguration('mlops');

  before(async () => {
    api = await activateExtension();
    await api.explorer.model.ensureLoaded();
    const python = testPython();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-models-server-'));
    server = await startMlflowServer(python, tmp);
    const scripts = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.fsPath, 'test', 'interop');
    await promisify(execFile)(
      python,
      [path.join(scripts, 'mlflow', 'registry.py'), server.url, path.join(tmp, 'expected.json')],
      { env: quietEnv },
    );
    expected = JSON.parse(fs.readFileSync(path.join(tmp, 'expected.json'), 'utf8')) as typeof expected;
  });

  after(async () => {
    await config().update('mlflow.trackingUri', undefined, vscode.ConfigurationTarget.Global);
    await server?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("lists the server's models with their versions, stages and aliases, after the local items", async () => {
    const tree = api.explorer.trees.models;
    const local = (await children(tree)).map((s) => s.label);
    assert.deepEqual([...local].sort(), ['fraud-classifier', 'fraud-classifier-onnx'], 'the demo models first');
    await config().update('mlflow.trackingUri', server.url, vscode.ConfigurationTarget.Global);
    const host = new URL(server.url).host;
    const group = await waitFor(`the models of ${host}`, async () =>
      (await children(tree)).find((s) => s.label === host),
    );
    const root = (await children(tree)).map((s) => s.label);
    assert.deepEqual(root, [...local, host], 'the server after the local items');
    assert.equal(group.item.description, 'MLflow server · 2 models, 5 versions');
    assert.equal(group.item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);

    const versions = await children(tree, group.node);
    const stageOf = (v: ExpectedVersion) => (v.stage === 'None' ? '' : ` · ${v.stage.toLowerCase()}`);
    assert.deepEqual(
      versions.map((v) => `${v.label} ${withoutTime(v.item.description)}`),
      expected
        .flatMap((m) => m.versions.map((v) => `${m.name} v${v.version}${stageOf(v)}`))
        .sort((a, b) => a.localeCompare(b)),
    );
    assert.deepEqual(
      versions.map((v) => v.label),
      ["analyst's-model", 'credit-risk', 'credit-risk', 'credit-risk', 'credit-risk'],
    );
    assert.deepEqual(
      versions.slice(1).map((v) => withoutTime(v.item.description)),
      ['v1 · archived', 'v2 · production', 'v3 · staging', 'v4'],
    );
    assert.ok(
      versions.every((v) => /\d+ \w+ ago|just now/.test(String(v.item.description))),
      'when it changed',
    );

    const risk = expected.find((m) => m.name === 'credit-risk')!;
    const champion = versions[2];
    const tooltip = (champion.item.tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, new RegExp(`\\*\\*Server:\\*\\* \`${server.url.replace(/[.]/g, '\\.')}\``));
    assert.match(tooltip, /\*\*MLflow:\*\* credit\\-risk version 2 \\\(READY\\\)/);
    assert.ok(tooltip.includes(`**Run:** \`${risk.versions[1].run_id}\``), tooltip);
    assert.match(tooltip, /\*\*Tags:\*\* @champion, approved\\_by=risk\\-board/);
    assert.match(tooltip, /\*\*Stage:\*\* production/);
    assert.match(String(champion.item.contextValue), /^mlopsServerModel kind-model present file mlflow$/);
    assert.equal(champion.item.command, undefined, 'nothing to open: the model is on the server');
    assert.equal(api.explorer.context()['mlops.explorer.hasModels'], true);
  });

  it('shows a server that cannot be reached as one error item, and keeps the local items', async () => {
    const tree = api.explorer.trees.models;
    const port = await freePort(); // nothing listens there
    const stopped = `http://127.0.0.1:${port}`;
    await config().update('mlflow.trackingUri', stopped, vscode.ConfigurationTarget.Global);
    const failed = await waitFor('the error item', async () =>
      (await children(tree)).find((s) => s.label.startsWith(`MLflow server 127.0.0.1:${port}`)),
    );
    assert.equal(failed.label, `MLflow server 127.0.0.1:${port}: cannot list registered models`);
    assert.match(String((failed.item.iconPath as vscode.ThemeIcon).id), /^error$/);
    assert.equal(
      failed.item.tooltip,
      `MLflow server at ${stopped} is not reachable: is \`mlflow server\` running? (connection refused)`,
    );
    assert.deepEqual(
      (await children(tree)).map((s) => s.label),
      ['fraud-classifier', 'fraud-classifier-onnx', failed.label],
    );
    await config().update('mlflow.trackingUri', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the error item gone', async () => ((await children(tree)).length === 2 ? true : undefined));
  });

  it("sets and removes an alias and transitions a stage on the server from a version's item, after asking", async () => {
    const tree = api.explorer.trees.models;
    await config().update('mlflow.trackingUri', server.url, vscode.ConfigurationTarget.Global);
    const host = new URL(server.url).host;
    const version = async (v: string): Promise<Shown> => {
      const group = await waitFor(`the models of ${host}`, async () =>
        (await children(tree)).find((s) => s.label === host),
      );
      const found = (await children(tree, group.node)).find(
        (s) => s.label === 'credit-risk' && withoutTime(s.item.description).startsWith(`v${v}`),
      );
      assert.ok(found, `credit-risk v${v} is listed`);
      return found;
    };
    const client = new MlflowRestClient({ baseUrl: server.url, timeoutMs: 30_000 });
    const aliases = async () => (await client.listRegisteredModels()).find((m) => m.name === 'credit-risk')?.aliases;
    const prompts = api.models!.prompts;
    const asked: string[] = [];
    let yes = false;
    prompts.responder = (p) => {
      if (p.modal) asked.push(p.message);
      return p.modal && yes ? p.items[0] : undefined;
    };
    try {
      const v4 = await version('4');
      assert.match(String(v4.item.contextValue), /^mlopsServerModel\b/, 'the server item the menu shows on');
      // Dismissed: nothing changes on the server.
      const dismissed = await vscode.commands.executeCommand('mlops.setMlflowModelAlias', {
        ...v4.node,
        alias: 'candidate',
      });
      assert.equal(dismissed, undefined);
      assert.deepEqual(asked, [`Set alias '@candidate' of credit-risk to version 4 on ${host}?`]);
      assert.deepEqual(await aliases(), { challenger: '3', champion: '2' });

      yes = true;
      const set = await vscode.commands.executeCommand('mlops.setMlflowModelAlias', { ...v4.node, alias: 'candidate' });
      assert.equal(set, `Set @candidate of credit-risk to version 4 on ${host}.`);
      assert.deepEqual(await aliases(), { candidate: '4', challenger: '3', champion: '2' });
      await waitFor('the item to show the alias', async () => {
        const tooltip = ((await version('4')).item.tooltip as vscode.MarkdownString).value;
        return tooltip.includes('@candidate');
      });

      const removed = await vscode.commands.executeCommand('mlops.removeMlflowModelAlias', {
        ...(await version('3')).node,
        alias: 'challenger',
      });
      assert.equal(removed, `Removed @challenger from credit-risk on ${host}.`);
      assert.deepEqual(await aliases(), { candidate: '4', champion: '2' });

      const moved = await vscode.commands.executeCommand('mlops.transitionMlflowModelStage', {
        ...(await version('4')).node,
        stage: 'Production',
        archiveExisting: true,
      });
      assert.equal(moved, `credit-risk version 4 is now in Production on ${host}.`);
      assert.equal(
        asked.at(-1),
        `Transition credit-risk version 4 to Production on ${host}, archiving the versions now in Production?`,
      );
      const stages = async () =>
        (await children(tree, (await children(tree)).find((s) => s.label === host)!.node))
          .filter((s) => s.label === 'credit-risk')
          .map((s) => withoutTime(s.item.description));
      let seen: string[] = [];
      await waitFor(
        () => `the new stages (seen: ${seen.join(', ')})`,
        async () => {
          seen = await stages();
          return seen.join('|') === 'v1 · archived|v2 · archived|v3 · staging|v4 · production';
        },
      );
    } finally {
      prompts.responder = undefined;
      await config().update('mlflow.trackingUri', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
