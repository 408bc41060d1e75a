import * as vscode from 'vscode';
import { pushTags, recentCommits, resolveCommit } from '../../core/git/commands';
import { errorMessage } from '../../core/logging';
import {
  assignStage,
  deprecateModel,
  deregisterVersion,
  registerVersion,
  unassignStage,
  versionToRegister,
  type ActionResult,
} from '../../core/registry/actions';
import type { RegistryModel } from '../../core/registry/model';
import { readRegistry } from '../../core/registry/read';
import type { FeatureContext } from '../../platform/context';
import { Prompts } from '../../platform/prompts';
import { isTrusted } from '../../platform/trust';
import { serverClientOptions } from '../../platform/mlflowServer';
import { MLFLOW_STAGES, MlflowRestClient, type MlflowStage } from '../../core/formats/mlflow/rest';
import { hostOf } from '../../core/metrics/sources/mlflowServer';
import { MODEL_DASHBOARD_VIEW_TYPE, type HostToWebview, type ReleaseAction } from '../../protocol/modelDashboard';
import type { ExplorerApi } from '../explorer/register';
import type { ExplorerNode } from '../explorer/tree';
import { ModelDashboardPanel } from './panel';

export const SHOW_MODEL_DASHBOARD_COMMAND = 'mlops.showModelDashboard';
export const RELEASE_COMMANDS: Record<ReleaseAction, string> = {
  register: 'mlops.registerModelVersion',
  assign: 'mlops.assignStage',
  unassign: 'mlops.unassignStage',
  deprecate: 'mlops.deprecateModelVersion',
};
export const PUSH_MODEL_TAGS_COMMAND = 'mlops.pushModelTags';
/** Release actions on an MLflow tracking server's registry (Models view server items, palette). */
export const MLFLOW_COMMANDS = {
  setAlias: 'mlops.setMlflowModelAlias',
  removeAlias: 'mlops.removeMlflowModelAlias',
  transitionStage: 'mlops.transitionMlflowModelStage',
} as const;
type MlflowAction = keyof typeof MLFLOW_COMMANDS;

/** What an MLflow release command accepts: a Models view server item, or these fields (tests answer the prompts). */
export interface MlflowReleaseArgs {
  /** The tracking server's address as set in `mlops.mlflow.trackingUri`. */
  server?: string;
  model?: string;
  version?: string;
  alias?: string;
  stage?: MlflowStage;
  /** Move the versions now in the stage to Archived (transition only). */
  archiveExisting?: boolean;
}

/** What a release command accepts: a Models view item, or a model (and version) from the dashboard or a test. */
export interface ReleaseArgs {
  model?: string;
  version?: string;
  /** Answers for the prompts (tests): the commit, the stage, and skipping the confirmation. */
  commit?: string;
  stage?: string;
  confirmed?: boolean;
}

/** What the extension API exposes for tests. */
export interface ModelsApi {
  show(model?: string): void;
  /** The last message of each type the panel was sent. */
  lastPosted(type: HostToWebview['type']): HostToWebview | undefined;
  /** The tags the release actions wrote in this session and not pushed yet. */
  unpushedTags(): readonly string[];
  /** The questions and messages of the release actions (tests answer them through its responder). */
  readonly prompts: Prompts;
  /** Handles `message` as if the open dashboard had sent it (tests); resolves when it is handled. */
  receive(message: unknown): Promise<void>;
}

function folderRoot(): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
}

/**
 * The Model Dashboard (palette, Models view title, model items) and the release actions: Register Model Version…,
 * Assign Stage…, Unassign Stage…, Deprecate Version… (GTO tags; each asks first and says what it did; refused in
 * untrusted workspaces), and Push Model Tags (only the tags written here, only when asked).
 */
export function registerModels(feature: FeatureContext, explorer: ExplorerApi): ModelsApi {
  const { extension, logger } = feature;
  let current: ModelDashboardPanel | undefined;
  const posted = new Map<string, HostToWebview>();
  const unpushed: string[] = [];
  const prompts = new Prompts();
  const confirm = async (args: ReleaseArgs, question: string, action: string): Promise<boolean> =>
    args.confirmed === true || (await prompts.ask(question, undefined, action)) === action;

  const runAction = async (action: ReleaseAction, args: ReleaseArgs): Promise<ActionResult | undefined> => {
    if (!isTrusted()) {
      void prompts.warn('Release actions write git tags: trust this workspace first (Manage Workspace Trust).');
      return undefined;
    }
    const folder = folderRoot();
    if (!folder) {
      void prompts.warn('Open a folder with a git repository to register model versions.');
      return undefined;
    }
    const root = folder.uri.fsPath;
    const repo = { root };
    const registry = await readRegistry(root, { mlflowStores: [] });
    const model = args.model ?? (await pickModel(registry.models, action));
    if (!model) return undefined;
    const known = registry.models.find((m) => m.name === model);
    let result: ActionResult | undefined;
    switch (action) {
      case 'register': {
        const commit = args.commit ?? (await pickCommit(root));
        if (!commit) return undefined;
        const version = versionToRegister(known, {});
        const sha = (await resolveCommit(repo, commit)) ?? commit;
        if (!(await confirm(args, `Register ${model} ${version} at commit ${sha.slice(0, 7)}?`, 'Register')))
          return undefined;
        result = await registerVersion(repo, model, { rev: sha, version, record: true });
        break;
      }
      case 'assign': {
        const version = args.version ?? (await pickVersion(known, 'Version to promote'));
        if (!version) return undefined;
        const stage = args.stage ?? (await pickStage(registry.stages, 'Stage to assign'));
        if (!stage) return undefined;
        if (!(await confirm(args, `Assign stage '${stage}' to ${model} ${version}?`, 'Assign'))) return undefined;
        result = await assignStage(repo, model, stage, { version });
        break;
      }
      case 'unassign': {
        const held = Object.keys(known?.stages ?? {});
        const stage = args.stage ?? (await pickStage(held, 'Stage to take back', false));
        if (!stage) return undefined;
        const version = args.version ?? known?.stages[stage]?.[0];
        if (!(await confirm(args, `Unassign stage '${stage}' from ${model} ${version ?? ''}?`, 'Unassign')))
          return undefined;
        result = await unassignStage(repo, model, stage, version ? { version } : {});
        break;
      }
      case 'deprecate': {
        const version = args.version ?? (await pickVersion(known, 'Version to deprecate (deregister)', true));
        if (version === undefined) return undefined;
        const question = version
          ? `Deprecate ${model} ${version}? It stays in history but no longer counts as registered.`
          : `Deprecate the whole model ${model}?`;
        if (!(await confirm(args, question, 'Deprecate'))) return undefined;
        result = version ? await deregisterVersion(repo, model, version) : await deprecateModel(repo, model);
        break;
      }
    }
    for (const t of result.tags) unpushed.push(t);
    logger.info(`models: ${result.summary}`);
    await current?.refresh();
    void explorer.model.reload();
    void prompts.info(result.summary, 'Push Tags').then((choice) => {
      if (choice === 'Push Tags') void vscode.commands.executeCommand(PUSH_MODEL_TAGS_COMMAND);
    });
    return result;
  };

  /** The server version a command argument names: a Models view server item, or the fields of MlflowReleaseArgs. */
  const serverVersionOf = async (
    arg: unknown,
  ): Promise<{ setting: string; model: string; version: string; aliases: string[]; args: MlflowReleaseArgs }> => {
    // A server item may carry the answers too (tests): `{ ...node, alias: 'champion' }`.
    const given = arg && typeof arg === 'object' ? (arg as MlflowReleaseArgs) : {};
    const servers = explorer.model.servers.servers();
    const node = arg as ExplorerNode | undefined;
    if (node && typeof node === 'object' && node.type === 'serverItem') {
      const server = servers.find((s) => s.location === node.location);
      const item = server?.items.find((i) => i.id === node.itemId);
      if (server && item?.mlflow)
        return {
          setting: server.setting,
          model: item.mlflow.registeredModel,
          version: item.mlflow.version,
          aliases: item.mlflow.aliases,
          args: given,
        };
    }
    if (given.server && given.model && given.version) {
      const known = servers
        .find((s) => s.setting === given.server || s.location === given.server)
        ?.items.find((i) => i.mlflow?.registeredModel === given.model && i.mlflow?.version === given.version);
      return {
        setting: given.server,
        model: given.model,
        version: given.version,
        aliases: known?.mlflow?.aliases ?? [],
        args: given,
      };
    }
    // From the palette: a version of a loaded server's registry.
    const picks = servers.flatMap((s) =>
      s.items.flatMap((i) =>
        i.mlflow
          ? [
              {
                label: `${i.mlflow.registeredModel} v${i.mlflow.version}`,
                description: [i.stage, ...i.mlflow.aliases.map((a) => `@${a}`), s.host].filter(Boolean).join(' · '),
                setting: s.setting,
                mlflow: i.mlflow,
              },
            ]
          : [],
      ),
    );
    if (!picks.length)
      throw new Error(
        'No MLflow server models are listed: set mlops.mlflow.trackingUri to a tracking server and open the Models view.',
      );
    const picked = await vscode.window.showQuickPick(picks, { title: 'MLflow model version' });
    if (!picked) throw new CancelledError();
    return {
      setting: picked.setting,
      model: picked.mlflow.registeredModel,
      version: picked.mlflow.version,
      aliases: picked.mlflow.aliases,
      args: given,
    };
  };

  const runMlflowAction = async (action: MlflowAction, arg: unknown): Promise<string | undefined> => {
    if (!isTrusted()) {
      void prompts.warn('MLflow release actions change the tracking server: trust this workspace first.');
      return undefined;
    }
    const target = await serverVersionOf(arg);
    const { setting, model, version, args } = target;
    const host = hostOf(setting);
    const scope = vscode.workspace.workspaceFolders?.[0]?.uri;
    let question: string;
    let button: string;
    let act: (client: MlflowRestClient) => Promise<string>;
    switch (action) {
      case 'setAlias': {
        const alias =
          args.alias ??
          (await vscode.window.showInputBox({
            title: `Set an alias of ${model} v${version}`,
            prompt: 'Alias (e.g. champion); an alias another version holds moves to this one',
            validateInput: (v) => (/^[\w-]+$/.test(v) ? undefined : 'Letters, digits, _ and -'),
          }));
        if (!alias) return undefined;
        question = `Set alias '@${alias}' of ${model} to version ${version} on ${host}?`;
        button = 'Set Alias';
        act = async (client) => {
          await client.setModelAlias(model, alias, version);
          return `Set @${alias} of ${model} to version ${version} on ${host}.`;
        };
        break;
      }
      case 'removeAlias': {
        const alias =
          args.alias ??
          (target.aliases.length === 1
            ? target.aliases[0]
            : (
                await vscode.window.showQuickPick(
                  target.aliases.map((a) => ({ label: a })),
                  { title: `Remove an alias of ${model} v${version}` },
                )
              )?.label);
        if (!alias) return undefined;
        question = `Remove alias '@${alias}' from ${model} on ${host}?`;
        button = 'Remove Alias';
        act = async (client) => {
          await client.deleteModelAlias(model, alias);
          return `Removed @${alias} from ${model} on ${host}.`;
        };
        break;
      }
      case 'transitionStage': {
        const stage =
          args.stage ??
          (
            await vscode.window.showQuickPick(
              MLFLOW_STAGES.map((s) => ({ label: s })),
              { title: `Transition ${model} v${version} to stage` },
            )
          )?.label;
        if (!stage) return undefined;
        if (!MLFLOW_STAGES.includes(stage))
          throw new Error(`'${String(stage)}' is not an MLflow stage (${MLFLOW_STAGES.join(', ')}).`);
        const archive = args.archiveExisting ?? false;
        question = `Transition ${model} version ${version} to ${stage} on ${host}${archive ? `, archiving the versions now in ${stage}` : ''}?`;
        button = 'Transition';
        act = async (client) => {
          const moved = await client.transitionModelVersionStage(model, version, stage, archive);
          return `${model} version ${version} is now in ${moved.stage ?? stage} on ${host}.`;
        };
        break;
      }
    }
    if ((await prompts.ask(question, undefined, button)) !== button) return undefined;
    const client = new MlflowRestClient(await serverClientOptions(setting, scope, extension.secrets));
    const summary = await act(client);
    logger.info(`models: ${summary}`);
    void prompts.info(summary);
    await Promise.all([explorer.model.servers.load(), current?.refresh()]);
    return summary;
  };

  const adopt = (webviewPanel: vscode.WebviewPanel, model?: string): ModelDashboardPanel => {
    webviewPanel.iconPath = vscode.Uri.joinPath(extension.extensionUri, 'media', 'mlops.svg');
    const panel = new ModelDashboardPanel(
      webviewPanel,
      {
        extensionUri: extension.extensionUri,
        logger,
        onDidPost: (m) => posted.set(m.type, m),
        runAction: async (m) => {
          await vscode.commands.executeCommand(RELEASE_COMMANDS[m.action], { model: m.model, version: m.version });
        },
        runServerAction: async (m) => {
          const args: MlflowReleaseArgs = { server: m.server, model: m.model, version: m.version };
          if (m.alias !== undefined) args.alias = m.alias;
          if (m.stage !== undefined) args.stage = m.stage as MlflowStage;
          await vscode.commands.executeCommand(MLFLOW_COMMANDS[m.action], args);
        },
        secrets: extension.secrets,
      },
      model,
    );
    current = panel;
    panel.onDidDispose(() => {
      if (current === panel) current = undefined;
    });
    return panel;
  };

  const show = (model?: string): void => {
    if (current) {
      current.reveal(model);
      return;
    }
    const webviewPanel = vscode.window.createWebviewPanel(
      MODEL_DASHBOARD_VIEW_TYPE,
      'Model Dashboard',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      {
        enableScripts: true,
        localResourceRoots: [
          vscode.Uri.joinPath(extension.extensionUri, 'dist', 'webview'),
          vscode.Uri.joinPath(extension.extensionUri, 'media'),
        ],
      },
    );
    adopt(webviewPanel, model);
  };

  /** The model a command argument names: a Models view item (its name), a string, or `{ model }`. */
  const modelOf = (arg: unknown): string | undefined => {
    if (typeof arg === 'string') return arg;
    if (!arg || typeof arg !== 'object') return undefined;
    const node = arg as ExplorerNode;
    if (node.type === 'item') return explorer.trees.models.find(node.folderKey, node.itemId)?.name;
    const m = (arg as ReleaseArgs).model;
    return typeof m === 'string' ? m : undefined;
  };
  const releaseArgs = (arg: unknown): ReleaseArgs => {
    const model = modelOf(arg);
    const given = arg && typeof arg === 'object' && !('type' in arg) ? (arg as ReleaseArgs) : {};
    return { ...given, ...(model ? { model } : {}) };
  };

  extension.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(MODEL_DASHBOARD_VIEW_TYPE, {
      deserializeWebviewPanel: (webviewPanel) => {
        if (current) webviewPanel.dispose();
        else adopt(webviewPanel);
        return Promise.resolve();
      },
    }),
    vscode.commands.registerCommand(SHOW_MODEL_DASHBOARD_COMMAND, (arg?: unknown) => show(modelOf(arg))),
    vscode.commands.registerCommand(PUSH_MODEL_TAGS_COMMAND, async () => {
      const folder = folderRoot();
      if (!folder || !isTrusted()) return;
      if (!unpushed.length) {
        void prompts.info('No new model tags to push.');
        return;
      }
      const tags = [...unpushed];
      const answer = await prompts.ask(
        `Push ${tags.length} tag${tags.length === 1 ? '' : 's'} to origin: ${tags.join(', ')}?`,
        undefined,
        'Push',
      );
      if (answer !== 'Push') return;
      try {
        await pushTags({ root: folder.uri.fsPath }, 'origin', tags);
        unpushed.splice(0, unpushed.length);
        void prompts.info(`Pushed ${tags.join(', ')} to origin.`);
      } catch (err) {
        void prompts.error(`Could not push the tags: ${errorMessage(err)}`);
      }
    }),
    { dispose: () => current?.dispose() },
  );

  for (const [action, id] of Object.entries(RELEASE_COMMANDS) as [ReleaseAction, string][])
    extension.subscriptions.push(
      vscode.commands.registerCommand(id, async (arg?: unknown) => {
        try {
          return await runAction(action, releaseArgs(arg));
        } catch (err) {
          logger.error(`models: ${action} failed: ${errorMessage(err)}`);
          void prompts.error(`${errorMessage(err)}`);
          return undefined;
        }
      }),
    );

  for (const [action, id] of Object.entries(MLFLOW_COMMANDS) as [MlflowAction, string][])
    extension.subscriptions.push(
      vscode.commands.registerCommand(id, async (arg?: unknown) => {
        try {
          return await runMlflowAction(action, arg);
        } catch (err) {
          if (err instanceof CancelledError) return undefined;
          logger.error(`models: MLflow ${action} failed: ${errorMessage(err)}`);
          void prompts.error(`${errorMessage(err)}`);
          return undefined;
        }
      }),
    );

  return {
    show,
    lastPosted: (type) => posted.get(type),
    unpushedTags: () => unpushed,
    prompts,
    receive: async (message) => {
      await current?.receive(message);
    },
  };
}

async function pickModel(models: RegistryModel[], action: ReleaseAction): Promise<string | undefined> {
  const items = models.filter((m) => !m.deprecated).map((m) => ({ label: m.name, description: m.latest ?? '' }));
  if (action === 'register') {
    const picked = await vscode.window.showQuickPick([...items, { label: '$(add) New model…', description: '' }], {
      title: 'Register Model Version: model',
    });
    if (!picked) return undefined;
    if (!picked.label.startsWith('$(add)')) return picked.label;
    return vscode.window.showInputBox({ title: 'Register Model Version: new model name', prompt: 'e.g. churn-model' });
  }
  return (await vscode.window.showQuickPick(items, { title: 'Model' }))?.label;
}

async function pickCommit(root: string): Promise<string | undefined> {
  const commits = await recentCommits({ root }, 50);
  const picked = await vscode.window.showQuickPick(
    commits.map((c) => ({
      label: c.subject,
      description: `${c.sha.slice(0, 7)} · ${c.author} · ${new Date(c.date).toISOString().slice(0, 10)}`,
      sha: c.sha,
    })),
    { title: 'Register Model Version: commit', placeHolder: 'The commit the version is made from' },
  );
  return picked?.sha;
}

/** A version of the model (`allowModel`: also "the whole model", answered as ''). */
async function pickVersion(
  model: RegistryModel | undefined,
  title: string,
  allowModel = false,
): Promise<string | undefined> {
  const items = (model?.versions ?? [])
    .filter((v) => v.registered && v.active)
    .map((v) => ({ label: v.version, description: v.stages.join(', ') }));
  if (allowModel) items.push({ label: 'The whole model', description: `${model?.name ?? ''}@deprecated` });
  const picked = await vscode.window.showQuickPick(items, { title });
  if (!picked) return undefined;
  return picked.label === 'The whole model' ? '' : picked.label;
}

async function pickStage(stages: readonly string[], title: string, allowNew = true): Promise<string | undefined> {
  const base = [...new Set([...stages, ...(allowNew ? ['dev', 'staging', 'production'] : [])])];
  const items = base.map((s) => ({ label: s }));
  if (allowNew) items.push({ label: '$(add) Other stage…' });
  const picked = await vscode.window.showQuickPick(items, { title });
  if (!picked) return undefined;
  if (!picked.label.startsWith('$(add)')) return picked.label;
  return vscode.window.showInputBox({ title, prompt: 'Stage name (letters, digits, - and _)' });
}

/** The user dismissed a pick: nothing to say. */
class CancelledError extends Error {}
