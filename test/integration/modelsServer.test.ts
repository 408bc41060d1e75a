// The Models view and the Model Dashboard on the demo with a real MLflow tracking server configured: the server's
// registered models (made by the real MlflowClient: versions, stage transitions, aliases) appear after the local items,
// grouped under the server's host, and in the dashboard merged with the demo's GTO registry; the alias and stage
// actions change the server after a question; a server that cannot be reached, refuses or does not answer is one
// error item in the view and a clear state in the dashboard.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { MlflowRestClient } from '../../src/core/formats/mlflow/rest';
import type { ExplorerNode, ExplorerTree } from '../../src/features/explorer/tree';
import type { HostToWebview } from '../../src/protocol/modelDashboard';
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

  describe('in the Model Dashboard', () => {
    type RegistryMessage = Extract<HostToWebview, { type: 'registry' }>;
    const host = () => new URL(server.url).host;
    const models = () => api.models!;

    /** The last registry message the dashboard was sent, once it satisfies `accept`. */
    const registry = (what: string, accept: (m: RegistryMessage) => boolean, timeoutMs = 60_000) => {
      let seen = '';
      return waitFor(
        () => `the dashboard's registry ${what} (last: ${seen})`,
        () => {
          const m = models().lastPosted('registry') as RegistryMessage | undefined;
          seen = JSON.stringify(m?.server ?? m?.models.map((x) => x.name));
          return m && accept(m) ? m : undefined;
        },
        timeoutMs,
      );
    };

    /** The server's registry as its REST API answers, in the dashboard's terms: model -> version, stages, aliases. */
    async function restAnswer(): Promise<Record<string, string[]>> {
      const get = async (endpoint: string) => {
        const response = await fetch(`${server.url}/api/2.0/mlflow/${endpoint}?max_results=1000`);
        assert.equal(response.status, 200, endpoint);
        return (await response.json()) as Record<string, unknown>;
      };
      const registered = (await get('registered-models/search')).registered_models as {
        name: string;
        aliases?: { alias: string; version: string }[];
      }[];
      const versions = (await get('model-versions/search')).model_versions as {
        name: string;
        version: string;
        current_stage: string;
      }[];
      const out: Record<string, string[]> = {};
      for (const m of registered)
        out[m.name] = versions
          .filter((v) => v.name === m.name)
          .sort((a, b) => Number(b.version) - Number(a.version))
          .map((v) => {
            const aliases = (m.aliases ?? [])
              .filter((a) => a.version === v.version)
              .map((a) => `@${a.alias}`)
              .sort();
            const stage = v.current_stage === 'None' ? [] : [v.current_stage.toLowerCase()];
            return [v.version, ...stage, ...aliases].join(' ');
          });
      return out;
    }

    /** The dashboard's rows of the server's models, as restAnswer() gives them. */
    function shown(m: RegistryMessage, names: string[]): Record<string, string[]> {
      const out: Record<string, string[]> = {};
      for (const name of names)
        out[name] = (m.models.find((x) => x.name === name)?.versions ?? []).map((v) =>
          [v.version, ...v.stages, ...v.aliases.map((a) => `@${a}`)].join(' '),
        );
      return out;
    }

    after(async () => {
      models().prompts.responder = undefined;
      await config().update('mlflow.trackingUri', undefined, vscode.ConfigurationTarget.Global);
      await config().update('mlflow.timeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it("shows the server's versions merged with the demo's registry, with the stages and aliases its REST API gives", async () => {
      await config().update('mlflow.trackingUri', server.url, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('mlops.showModelDashboard', 'credit-risk');
      const m = await registry('with the server read', (x) => x.server?.status === 'loaded');
      assert.deepEqual(m.server, { location: server.url, host: host(), status: 'loaded', versions: 5 });
      const rest = await restAnswer();
      const names = Object.keys(rest).sort();
      assert.deepEqual(names, ["analyst's-model", 'credit-risk']);
      assert.deepEqual(shown(m, names), rest, "the server's versions, stages and aliases as its REST API has them");
      for (const name of names) {
        const model = m.models.find((x) => x.name === name)!;
        assert.deepEqual(model.sources, ['mlflow']);
        assert.ok(
          model.versions.every((v) => v.server === server.url),
          `${name}: every version is marked as the server's`,
        );
      }
      // Merged like the other registries: the demo's GTO model is still there, and the stage board holds both.
      const fraud = m.models.find((x) => x.name === 'fraud-classifier');
      assert.ok(fraud, 'the GTO model stays');
      assert.ok(
        fraud.versions.every((v) => v.server === undefined),
        'its versions are not on the server',
      );
      const production = m.board.find((c) => c.stage === 'production')?.cells.map((c) => `${c.model} ${c.version}`);
      const serverProduction = rest['credit-risk']
        .filter((r) => r.split(' ')[1] === 'production')
        .map((r) => `credit-risk ${r.split(' ')[0]}`);
      assert.deepEqual(production, [...serverProduction, 'fraud-classifier v1.2.0']);
      assert.ok(serverProduction.length > 0, 'the server has a version in production');
      assert.ok(production?.includes('fraud-classifier v1.2.0'));
      assert.deepEqual(m.problems, [], 'no warnings');
      const versions = await waitFor('the versions of credit-risk', () => {
        const v = models().lastPosted('versions');
        return v?.type === 'versions' && v.model === 'credit-risk' ? v : undefined;
      });
      assert.deepEqual(
        versions.rows.map((r) => `${r.version} ${r.server ?? ''}`),
        rest['credit-risk'].map((r) => `${r.split(' ')[0]} ${server.url}`),
      );
    });

    it('sets and removes an alias and transitions a stage from the dashboard after asking; a dismissed question changes nothing', async () => {
      await config().update('mlflow.trackingUri', server.url, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('mlops.showModelDashboard', 'credit-risk');
      await registry('with the server read', (x) => x.server?.status === 'loaded');
      const prompts = models().prompts;
      const asked: string[] = [];
      const said: string[] = [];
      let yes = false;
      prompts.responder = (p) => {
        if (p.modal) asked.push(p.message);
        else said.push(p.message);
        return p.modal && yes ? p.items[0] : undefined;
      };
      const before = await restAnswer();
      const v3 = before['credit-risk'].find((r) => r.startsWith('3 '))!;
      assert.ok(!v3.includes('@picked'), v3);

      // Dismissed: the question was asked, the server is as it was.
      await models().receive({
        type: 'serverAction',
        action: 'setAlias',
        model: 'credit-risk',
        version: '3',
        alias: 'picked',
      });
      assert.deepEqual(asked, [`Set alias '@picked' of credit-risk to version 3 on ${host()}?`]);
      assert.deepEqual(await restAnswer(), before, 'nothing changed on the server');
      assert.deepEqual(said, [], 'and nothing is said to be done');

      // Answered: the alias is on the server, the dashboard shows it, and the user is told.
      yes = true;
      await models().receive({
        type: 'serverAction',
        action: 'setAlias',
        model: 'credit-risk',
        version: '3',
        alias: 'picked',
      });
      const withAlias = await restAnswer();
      assert.ok(
        withAlias['credit-risk'].find((r) => r.startsWith('3 '))!.endsWith('@picked'),
        JSON.stringify(withAlias),
      );
      assert.deepEqual(said, [`Set @picked of credit-risk to version 3 on ${host()}.`]);
      let m = await registry('with @picked', (x) =>
        shown(x, ['credit-risk'])['credit-risk'].some((r) => r.includes('@picked')),
      );
      assert.deepEqual(shown(m, Object.keys(withAlias)), withAlias);

      // Remove it again, from its chip.
      await models().receive({
        type: 'serverAction',
        action: 'removeAlias',
        model: 'credit-risk',
        version: '3',
        alias: 'picked',
      });
      assert.equal(asked.at(-1), `Remove alias '@picked' from credit-risk on ${host()}?`);
      assert.equal(said.at(-1), `Removed @picked from credit-risk on ${host()}.`);
      assert.deepEqual(await restAnswer(), before);
      m = await registry(
        'without @picked',
        (x) => !shown(x, ['credit-risk'])['credit-risk'].some((r) => r.includes('@picked')),
      );
      assert.deepEqual(shown(m, Object.keys(before)), before);

      // Transition version 1 to Staging.
      await models().receive({
        type: 'serverAction',
        action: 'transitionStage',
        model: 'credit-risk',
        version: '1',
        stage: 'Staging',
      });
      assert.equal(asked.at(-1), `Transition credit-risk version 1 to Staging on ${host()}?`);
      assert.equal(said.at(-1), `credit-risk version 1 is now in Staging on ${host()}.`);
      const moved = await restAnswer();
      assert.equal(
        moved['credit-risk'].find((r) => r.startsWith('1 ')),
        '1 staging',
      );
      m = await registry('with version 1 in staging', (x) =>
        shown(x, ['credit-risk'])['credit-risk'].includes('1 staging'),
      );
      assert.deepEqual(shown(m, Object.keys(moved)), moved);
      assert.ok(
        m.board.find((c) => c.stage === 'staging')?.cells.some((c) => c.model === 'credit-risk' && c.version === '1'),
        'the stage board has it',
      );

      // A version that is not on the server: no question, a clear error.
      const questions = asked.length;
      await models().receive({
        type: 'serverAction',
        action: 'setAlias',
        model: 'fraud-classifier',
        version: 'v2.0.0',
        alias: 'x',
      });
      assert.equal(asked.length, questions, 'nothing asked');
      const error = models().lastPosted('error');
      assert.equal(
        error?.type === 'error' ? error.message : '',
        `fraud-classifier version v2.0.0 is not in the registry of the MLflow server at ${server.url}: refresh the dashboard.`,
      );
      assert.deepEqual(await restAnswer(), moved);
    });

    it('shows a server that is not there, refuses the token or does not answer as a clear state, with the local models', async () => {
      const answering = (status: number | undefined) => {
        const s = http.createServer((_req, res) => {
          if (status === undefined) return; // never answers
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error_code: 'UNAUTHENTICATED', message: 'Invalid token' }));
        });
        return new Promise<http.Server>((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
      };
      const refusing = await answering(401);
      const silent = await answering(undefined);
      const urlOf = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
      const gone = `http://127.0.0.1:${await freePort()}`;
      await config().update('mlflow.timeoutSeconds', 1, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('mlops.showModelDashboard');
      try {
        const cases: [string, string][] = [
          [gone, `MLflow server at ${gone} is not reachable: is \`mlflow server\` running? (connection refused)`],
          [
            urlOf(refusing),
            `MLflow server at ${urlOf(refusing)} refused the request (HTTP 401: Invalid token): check the token (none was given).`,
          ],
          [urlOf(silent), ''],
        ];
        for (const [url, message] of cases) {
          await config().update('mlflow.trackingUri', url, vscode.ConfigurationTarget.Global);
          const m = await registry(
            `failed on ${url}`,
            (x) => x.server?.location === url && x.server.status === 'failed',
          );
          assert.equal(m.server?.host, new URL(url).host);
          if (message) assert.equal(m.server?.message, message);
          else
            assert.match(
              m.server?.message ?? '',
              new RegExp(`^MLflow server at ${url.replace(/[.]/g, '\\.')} did not answer within 1 s \\(`),
            );
          assert.ok(
            m.models.some((x) => x.name === 'fraud-classifier'),
            'the local models stay',
          );
          assert.ok(!m.models.some((x) => x.name === 'credit-risk'), 'no server model');
          assert.deepEqual(m.problems, [], 'the server is a state, not a warning');
        }
      } finally {
        refusing.close();
        silent.closeAllConnections();
        silent.close();
      }
    });
  });
});
