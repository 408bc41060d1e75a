import * as path from 'node:path';
import * as vscode from 'vscode';
import { CI_TARGETS, ciWorkflow, type CiProvider } from '../../core/checks/ci';
import { loadCheckConfig } from '../../core/checks/defaults/config';
import { runGit } from '../../core/checks/defaults/git';
import { describeFindings } from '../../core/checks/engine';
import { CheckInputError, ChecksConfigError } from '../../core/checks/types';
import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import { errorMessage } from '../../core/logging';
import { backgroundWork } from '../../platform/backgroundWork';
import type { FeatureContext } from '../../platform/context';
import { createFileExclusive, exists } from '../../platform/fsWrite';
import { isTrusted, UNTRUSTED_REASON } from '../../platform/trust';
import { CHECKS_VIEW_TYPE, type ChecksPanelFilter, type FolderReport, type HostToWebview } from '../../protocol/checks';
import { sharedValidator } from '../../platform/configValidator';
import { RetrainingAlerts, type AlertRecord } from './alerts';
import { ChecksCodeActions, registerFixCommands } from './codeActions';
import { ChecksDiagnostics } from './diagnostics';
import { ChecksPanel } from './panel';
import { CHECKS_WATCH_GLOB, ChecksRunner } from './runner';
import { getSetting } from '../../platform/config';
import { ChecksStatusBar, type StatusSnapshot } from './statusBar';
import { completeWalkthroughStep } from '../../platform/walkthrough';

export const RUN_CHECKS_COMMAND = 'mlops.runChecks';
export const SHOW_CHECKS_COMMAND = 'mlops.showChecks';
export const ADD_CI_WORKFLOW_COMMAND = 'mlops.addCiWorkflow';

/** When the workspace is ready for a first run: the explorer's workspace model (its first load). */
export interface ChecksTrigger {
  readonly onDidChange: vscode.Event<void>;
  readonly loaded: boolean;
}

/** What the extension API exposes for tests. */
export interface ChecksApi {
  runner: ChecksRunner;
  diagnostics: vscode.DiagnosticCollection;
  /** Resolves when no run is scheduled or running and the diagnostics are published. */
  whenIdle(): Promise<void>;
  /** The status bar entry as shown (its counts are those of the diagnostics). */
  status(): StatusSnapshot;
  /** The reports of the last `report` message the panel was sent. */
  lastPanelReport(): FolderReport[] | undefined;
  /** The retraining alerts shown in this session. */
  alerts(): readonly AlertRecord[];
  showPanel(filter?: ChecksPanelFilter): void;
}

const PROVIDERS: { provider: CiProvider; label: string; detail: string }[] = [
  {
    provider: 'github',
    label: 'GitHub Actions',
    detail: 'Uploads SARIF to code scanning, so findings show on their lines in pull requests.',
  },
  {
    provider: 'azure',
    label: 'Azure Pipelines',
    detail: 'Publishes JUnit test results and the SARIF report as a build artifact.',
  },
  { provider: 'gitlab', label: 'GitLab CI', detail: 'A job with a JUnit report; include it from .gitlab-ci.yml.' },
];

/**
 * Pipeline checks in the editor: the runner (first run when the workspace model loads, then on relevant file
 * changes), the 'mlops checks' diagnostics with quick fixes, the status bar entry, the Pipeline Checks panel,
 * retraining alerts, and "Add CI Workflow…".
 */
export function registerChecks(feature: FeatureContext, trigger: ChecksTrigger): ChecksApi {
  const { extension, logger } = feature;
  const subscriptions = extension.subscriptions;
  const runner = new ChecksRunner(logger, backgroundWork(extension, logger));
  const diagnostics = new ChecksDiagnostics();
  const statusBar = new ChecksStatusBar(SHOW_CHECKS_COMMAND);
  subscriptions.push(runner, diagnostics, statusBar);

  let ranOnce = false;
  let started = false;
  let hasConfig = false;
  let published: Promise<void> = Promise.resolve();
  let panel: ChecksPanel | undefined;
  let lastReport: FolderReport[] | undefined;

  const refreshStatus = () =>
    statusBar.update({
      counts: diagnostics.counts(),
      runs: runner.folderRuns,
      hasConfig: hasConfig || runner.folderRuns.some((r) => r.report.status !== 'no-config'),
      running: runner.running,
      ranOnce,
    });
  const start = (reason: string, delay = 0) => {
    started = true;
    runner.schedule(reason, delay);
    refreshStatus();
  };

  const alerts = new RetrainingAlerts(extension.workspaceState, logger, () => showPanel({ retrainOnly: true }));
  subscriptions.push(
    runner.onDidStart(() => refreshStatus()),
    runner.onDidFinish((event) => {
      ranOnce = true;
      published = published.then(async () => {
        try {
          await diagnostics.update(event.runs);
          refreshStatus();
          await alerts.onRun(event.runs);
        } catch (err) {
          logger.error(`checks: publishing results failed: ${errorMessage(err)}`);
        }
      });
    }),
  );

  // Quick fixes on every file the diagnostics can be on.
  subscriptions.push(
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, new ChecksCodeActions(diagnostics, logger), {
      providedCodeActionKinds: ChecksCodeActions.kinds,
    }),
  );
  registerFixCommands(
    subscriptions,
    (folder) => runner.folderRuns.find((r) => r.folder.uri.toString() === folder),
    logger,
  );

  // First run: when the explorer's workspace model first loads (or at once if it already has).
  if (trigger.loaded) start('workspace loaded');
  else {
    const once = trigger.onDidChange(() => {
      once.dispose();
      if (!started) start('workspace loaded');
    });
    subscriptions.push(once);
  }

  // Later runs: relevant files saved, created, changed or deleted (debounced; a new run cancels the old one).
  const onFile = (uri: vscode.Uri) => {
    if (!started || !getSetting('checks.runOnSave', uri) || !runner.isRelevant(uri)) return;
    runner.schedule(`${path.basename(uri.fsPath)} changed`);
    refreshStatus();
  };
  const watcher = vscode.workspace.createFileSystemWatcher(CHECKS_WATCH_GLOB);
  subscriptions.push(
    watcher,
    watcher.onDidCreate(onFile),
    watcher.onDidChange(onFile),
    watcher.onDidDelete(onFile),
    vscode.workspace.onDidSaveTextDocument((d) => onFile(d.uri)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => started && start('workspace trusted')),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      void updateHasConfig();
      if (started) start('workspace folders changed');
    }),
  );

  async function updateHasConfig(): Promise<void> {
    const found = await Promise.all(
      (vscode.workspace.workspaceFolders ?? []).map((f) => exists(vscode.Uri.joinPath(f.uri, CONFIG_FILE_NAME))),
    );
    hasConfig = found.some(Boolean);
    refreshStatus();
  }
  const configWatcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE_NAME}`, false, true, false);
  subscriptions.push(
    configWatcher,
    configWatcher.onDidCreate(() => void updateHasConfig()),
    configWatcher.onDidDelete(() => void updateHasConfig()),
  );
  // One stat per folder, after activation returns.
  setTimeout(() => void updateHasConfig(), 0);

  // The panel.
  const panelContext = {
    extensionUri: extension.extensionUri,
    logger,
    runner,
    onDidPost: (message: HostToWebview) => {
      if (message.type === 'report') lastReport = message.folders;
    },
  };
  const adopt = (webviewPanel: vscode.WebviewPanel, filter?: ChecksPanelFilter): ChecksPanel => {
    webviewPanel.iconPath = vscode.Uri.joinPath(extension.extensionUri, 'media', 'mlops.svg');
    const created = new ChecksPanel(webviewPanel, panelContext, filter);
    panel = created;
    created.onDidDispose(() => {
      if (panel === created) panel = undefined;
    });
    return created;
  };
  function showPanel(filter?: ChecksPanelFilter): void {
    if (!started) start('panel opened');
    if (panel) {
      panel.reveal(filter);
      return;
    }
    const webviewPanel = vscode.window.createWebviewPanel(
      CHECKS_VIEW_TYPE,
      'Pipeline Checks',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      {
        enableScripts: true,
        localResourceRoots: [
          vscode.Uri.joinPath(extension.extensionUri, 'dist', 'webview'),
          vscode.Uri.joinPath(extension.extensionUri, 'media'),
        ],
      },
    );
    adopt(webviewPanel, filter);
  }

  subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(CHECKS_VIEW_TYPE, {
      deserializeWebviewPanel: (webviewPanel) => {
        // The panel restores its own UI state (getState); the host only needs to be there again, with results.
        if (panel) webviewPanel.dispose();
        else {
          adopt(webviewPanel);
          if (!started) start('panel restored');
        }
        return Promise.resolve();
      },
    }),
    vscode.commands.registerCommand(RUN_CHECKS_COMMAND, async () => {
      started = true;
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Running pipeline checks', cancellable: true },
        (_progress, token) => runner.run('command', token),
      );
      await published;
      completeWalkthroughStep(extension, 'runChecks', logger);
      const status = statusBar.snapshot;
      void vscode.window.setStatusBarMessage(
        `Pipeline checks: ${status.counts.error} errors, ${status.counts.warning} warnings, ${status.counts.info} info`,
        5000,
      );
      // A visible answer from the palette: what was found, and the way to the panel.
      const runs = runner.folderRuns;
      const unusable = runs.filter((r) => r.report.status === 'config-error' || r.report.status === 'failed');
      const message = unusable.length
        ? `Pipeline checks could not run in ${unusable.map((r) => r.folder.name).join(', ')}: ${unusable[0]?.report.problems[0]?.message ?? 'see the panel'}`
        : `Pipeline checks: ${describeFindings(runs.flatMap((r) => r.report.results))}.`;
      const show = 'Show Checks';
      const shown =
        unusable.length || status.counts.error
          ? vscode.window.showWarningMessage(message, show)
          : vscode.window.showInformationMessage(message, show);
      void shown.then((choice) => {
        if (choice === show) showPanel();
      });
      return { ...status.counts, message };
    }),
    vscode.commands.registerCommand(SHOW_CHECKS_COMMAND, (filter?: ChecksPanelFilter) => {
      showPanel(filter && typeof filter === 'object' ? { retrainOnly: filter.retrainOnly === true } : undefined);
      completeWalkthroughStep(extension, 'runChecks', logger);
    }),
    vscode.commands.registerCommand(ADD_CI_WORKFLOW_COMMAND, (provider?: CiProvider) => addCiWorkflow(provider)),
    { dispose: () => panel?.dispose() },
  );

  /** Writes the CI workflow of a provider at the repository root; never overwrites. Returns what happened. */
  async function addCiWorkflow(
    providerArg?: CiProvider,
  ): Promise<{ status: 'created' | 'exists'; uri: vscode.Uri } | undefined> {
    if (!isTrusted()) {
      void vscode.window.showWarningMessage(`Add CI Workflow: ${UNTRUSTED_REASON}`);
      return undefined;
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    const folder =
      folders.length <= 1
        ? folders[0]
        : await vscode.window.showWorkspaceFolderPick({
            placeHolder: `Folder whose ${CONFIG_FILE_NAME} the workflow checks`,
          });
    if (!folder) {
      if (folders.length === 0)
        void vscode.window.showInformationMessage(`Open a folder with ${CONFIG_FILE_NAME} first.`);
      return undefined;
    }
    const provider =
      providerArg && PROVIDERS.some((p) => p.provider === providerArg)
        ? providerArg
        : (
            await vscode.window.showQuickPick(
              PROVIDERS.map((p) => ({
                label: p.label,
                description: CI_TARGETS[p.provider],
                detail: p.detail,
                provider: p.provider,
              })),
              {
                title: 'Add CI Workflow',
                placeHolder:
                  'Where does your CI run? The workflow runs mlops check when models, data, notebooks or metrics change.',
              },
            )
          )?.provider;
    if (!provider) return undefined;
    const root = folder.uri.fsPath;
    let loaded;
    try {
      loaded = await loadCheckConfig(root, sharedValidator());
    } catch (err) {
      if (err instanceof ChecksConfigError || err instanceof CheckInputError) {
        const open = `Open ${CONFIG_FILE_NAME}`;
        const missing = err instanceof CheckInputError && /not found/.test(err.message);
        const choice = await vscode.window.showErrorMessage(
          `Add CI Workflow: ${err.message}`,
          missing ? 'Create mlops.yaml' : open,
        );
        if (choice === open) await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME));
        if (choice === 'Create mlops.yaml') await vscode.commands.executeCommand('mlops.createConfig', folder.uri);
        return undefined;
      }
      throw err;
    }
    // The workflow lives at the repository root; mlops.yaml may sit in a subfolder of it.
    const [top, prefix] = await Promise.all(
      [
        ['rev-parse', '--show-toplevel'],
        ['rev-parse', '--show-prefix'],
      ].map((args) =>
        runGit(root, args).then(
          (r) => (r.code === 0 ? r.stdout.trim() : undefined),
          () => undefined,
        ),
      ),
    );
    const repositoryRoot = top ? path.resolve(top) : root;
    const subfolder = top ? (prefix ?? '').replace(/\/+$/, '') : '';
    const target = vscode.Uri.file(path.join(repositoryRoot, CI_TARGETS[provider]));
    const version = String((extension.extension.packageJSON as { version?: string }).version ?? 'latest');
    const text = ciWorkflow(provider, loaded.config, {
      packageSpec: `mlops-workbench@${version}`,
      configFile: loaded.file,
      folder: subfolder,
    });
    const shown = vscode.workspace.asRelativePath(target, folders.length > 1);
    const result = await createFileExclusive(target, text);
    // The project has its CI workflow either way.
    completeWalkthroughStep(extension, 'addCi', logger);
    if (result === 'exists') {
      const openExisting = 'Open Existing';
      void vscode.window
        .showWarningMessage(`${shown} already exists; it was left unchanged.`, openExisting)
        .then(async (choice) => {
          if (choice === openExisting) await vscode.window.showTextDocument(target);
        });
      logger.info(`addCiWorkflow: ${target.fsPath} exists, not overwritten`);
      return { status: 'exists', uri: target };
    }
    logger.info(`addCiWorkflow: wrote ${target.fsPath}`);
    await vscode.window.showTextDocument(target);
    if (provider === 'gitlab')
      void vscode.window.showInformationMessage(
        `Wrote ${shown}. Include it from .gitlab-ci.yml (include: - local: ${CI_TARGETS.gitlab}).`,
      );
    else if (provider === 'azure')
      void vscode.window.showInformationMessage(
        `Wrote ${shown}. In Azure DevOps, create a pipeline from this file (Pipelines > New pipeline > Existing YAML file).`,
      );
    else
      void vscode.window.showInformationMessage(
        `Wrote ${shown}. Commit it to run the checks on pushes and pull requests.`,
      );
    return { status: 'created', uri: target };
  }

  return {
    runner,
    diagnostics: diagnostics.collection,
    whenIdle: async () => {
      for (;;) {
        await runner.whenIdle();
        const settled = published;
        await settled;
        if (!runner.running && settled === published) return;
      }
    },
    status: () => statusBar.snapshot,
    lastPanelReport: () => lastReport,
    alerts: () => alerts.shown,
    showPanel,
  };
}
