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

  return { show, lastPosted: (type) => posted.get(type), unpushedTags: () => unpushed, prompts };
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
