import * as vscode from 'vscode';
import { MODEL_CARD_FILES } from '../../core/checks/builtin/requiredFiles';
import { ConfigError, loadConfig } from '../../core/formats/mlopsYaml/validate';
import type { MlopsConfig } from '../../core/formats/mlopsYaml/model';
import { CatFileBatch } from '../../core/git/catFile';
import { commitsBetween } from '../../core/git/commands';
import { errorMessage, type Logger } from '../../core/logging';
import type { Goal } from '../../core/metrics/diff';
import { latest } from '../../core/metrics/model';
import { followedFiles } from '../../core/metrics/sources/workspaceFiles';
import { keyMetrics, readModelCard, stageBoard, versionRows } from '../../core/registry/dashboard';
import { versionDetails, type DetailsContext, type VersionDetails } from '../../core/registry/details';
import { diffVersions, type VersionDiff } from '../../core/registry/diff';
import type { ModelVersion, Registry, RegistryModel } from '../../core/registry/model';
import { readRegistry } from '../../core/registry/read';
import { readLineage } from '../../core/registry/lineage';
import { addRowCounts, diffWithWorkspace } from '../../core/registry/workspace';
import { MlflowRestClient } from '../../core/formats/mlflow/rest';
import { hostOf } from '../../core/metrics/sources/mlflowServer';
import { affectsSetting } from '../../platform/config';
import { Disposable } from '../../platform/disposable';
import { configuredServer, isTokenKey, serverClientOptions, serverLocation } from '../../platform/mlflowServer';
import { compareView, dashboardModel } from './dashboardModel';
import { isTrusted } from '../../platform/trust';
import { WebviewHost } from '../../platform/webviewHost';
import {
  parseModelDashboardMessage,
  WORKSPACE_TARGET,
  type HostToWebview,
  type ServerRegistryView,
  type VersionDetailView,
  type WebviewToHost,
} from '../../protocol/modelDashboard';

/** The versions whose details (metrics, data, environment) the table reads, newest first. */
export const DETAILS_LIMIT = 40;

export interface ModelDashboardContext {
  extensionUri: vscode.Uri;
  logger: Logger;
  /** Called with every message the panel posts (the test hook keeps the last ones). */
  onDidPost(message: HostToWebview): void;
  /** Runs a release action from the panel (the commands ask, write and say what they did). */
  runAction(message: Extract<WebviewToHost, { type: 'action' }>): Promise<void>;
  /**
   * Runs an action on a version of the tracking server's registry (`server`: the address as set), through the
   * commands the Models view uses: they ask, write through the REST client and say what they did.
   */
  runServerAction(message: Extract<WebviewToHost, { type: 'serverAction' }> & { server: string }): Promise<void>;
  /** Where the tracking server's token is (one per server). */
  secrets?: vscode.SecretStorage;
}

interface FolderData {
  folder: vscode.WorkspaceFolder;
  root: string;
  config?: MlopsConfig;
  name: string;
  registry: Registry;
  details: DetailsContext;
  goals: Record<string, Goal>;
}

/** The workspace folder the dashboard shows: the first one with registered models, else the first. */
async function readFolder(): Promise<FolderData | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  let first: FolderData | undefined;
  for (const folder of folders) {
    if (folder.uri.scheme !== 'file') continue;
    const root = folder.uri.fsPath;
    const goals: Record<string, Goal> = {};
    let datasets: DetailsContext['datasets'] = [];
    let modelMetrics: string[] = [];
    let config: MlopsConfig | undefined;
    try {
      config = (await loadConfig(root)).validation.config;
      datasets = config.datasets;
      modelMetrics = config.models.flatMap((m) => m.metrics);
      for (const m of config.metrics) if (m.goal) goals[m.key] = m.goal;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
    }
    const registry = await readRegistry(root, { git: isTrusted() });
    const data: FolderData = {
      folder,
      root,
      ...(config ? { config } : {}),
      name: folder.name,
      registry,
      details: { root, followed: followedFiles(root, { modelMetrics }).followed, datasets },
      goals,
    };
    if (registry.models.some((m) => m.versions.length)) return data;
    first ??= data;
  }
  return first;
}

/**
 * The Model Dashboard: the stage board, each model's versions table with key metrics and deltas, a version's
 * detail, A/B compare (two versions, or a version and the workspace) and "Copy as Markdown". The host reads the
 * registry and the versions' details through core; the panel keeps only UI state.
 */
export class ModelDashboardPanel extends Disposable {
  private readonly host: WebviewHost<HostToWebview, WebviewToHost>;
  private data: FolderData | undefined;
  private loading: Promise<FolderData | undefined> | undefined;
  private pendingSelect: string | undefined;
  /** The model whose versions were sent last (sent again when the registry is). */
  private shownModel: string | undefined;
  private readonly detailsCache = new Map<string, Promise<VersionDetails>>();
  /** Counts registry reads: a read superseded by a later one posts nothing more. */
  private generation = 0;
  private readonly disposeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: ModelDashboardContext,
    select?: string,
  ) {
    super();
    this.pendingSelect = select;
    this.host = this.register(
      new WebviewHost<HostToWebview, WebviewToHost>(panel, {
        bundle: 'modelDashboard',
        title: 'Model Dashboard',
        extensionUri: context.extensionUri,
        styles: ['modelDashboard.css'],
      }),
    );
    this.register(this.host.onReady(() => void this.sendRegistry(false)));
    this.register(this.host.onMessage((raw) => void this.onMessage(raw)));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.sendRegistry(true)));
    // A tracking server set, changed or removed, or its token: read the registry again.
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.host.isReady && affectsSetting(e, 'mlflow')) void this.sendRegistry(true);
      }),
    );
    if (context.secrets)
      this.register(
        context.secrets.onDidChange((e) => {
          if (this.host.isReady && isTokenKey(e.key)) void this.sendRegistry(true);
        }),
      );
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposeEmitter.fire();
    super.dispose();
  }

  /** Brings the panel to the front, showing `model` when given. */
  reveal(model?: string): void {
    this.panel.reveal(undefined, false);
    if (!model) return;
    this.shownModel = model;
    if (this.host.isReady && this.data) {
      this.post({ type: 'select', model });
      void this.sendVersions(model);
    } else this.pendingSelect = model;
  }

  /** Reads the registry again (after a release action) and sends it. */
  refresh(): Promise<void> {
    return this.sendRegistry(true);
  }

  private post(message: HostToWebview): void {
    this.host.post(message);
    this.context.onDidPost(message);
  }

  private async load(fresh: boolean): Promise<FolderData | undefined> {
    if (fresh || !this.loading) {
      this.detailsCache.clear();
      this.loading = readFolder();
    }
    this.data = await this.loading;
    return this.data;
  }

  private async sendRegistry(fresh: boolean): Promise<void> {
    const generation = ++this.generation;
    this.post({ type: 'loading', message: 'Reading the model registry…' });
    try {
      const data = await this.load(fresh);
      if (generation !== this.generation) return;
      if (!data) {
        this.post({
          type: 'error',
          message: 'Open a folder to see its models: the dashboard reads GTO tags, MLflow registries and mlops.yaml.',
        });
        return;
      }
      const select = this.pendingSelect;
      this.pendingSelect = undefined;
      // The local registries first; a tracking server's versions join them when its answer is in.
      const setting = configuredServer(data.folder);
      const server = setting ? this.serverView(setting) : undefined;
      const shown = this.postRegistry(data, server, select);
      if (shown && isTrusted()) await this.sendVersions(shown);
      if (!setting || server?.status !== 'loading') return;
      const started = performance.now();
      const client = new MlflowRestClient(await serverClientOptions(setting, data.folder.uri, this.context.secrets));
      const registry = await readRegistry(data.root, { git: true, mlflowServer: client });
      if (generation !== this.generation) return;
      const read = registry.server;
      if (read?.problem) {
        this.context.logger.warn(`model dashboard: MLflow server: ${read.problem}`);
        Object.assign(server, { status: 'failed', message: read.problem });
      } else {
        this.context.logger.info(
          `model dashboard: MLflow server ${server.location}: ${read?.versions ?? 0} model versions (${(performance.now() - started).toFixed(0)} ms)`,
        );
        Object.assign(server, { status: 'loaded', versions: read?.versions ?? 0 });
      }
      data.registry = registry;
      const again = this.postRegistry(data, server);
      if (again) await this.sendVersions(again);
    } catch (err) {
      this.context.logger.error(`model dashboard: ${errorMessage(err)}`);
      this.post({
        type: 'error',
        message: `The model registry cannot be read: ${errorMessage(err)}`,
        action: 'refresh',
      });
    }
  }

  /** What the panel shows of the tracking server `setting` before its registry is read. */
  private serverView(setting: string): ServerRegistryView {
    const location = serverLocation(setting);
    const view: ServerRegistryView = { location, host: hostOf(location), status: 'loading', versions: 0 };
    if (!isTrusted()) {
      view.status = 'untrusted';
      view.message = `Trust this workspace to see the registry of the MLflow server at ${location} (MLOps Workbench contacts no tracking server in an untrusted workspace).`;
    }
    return view;
  }

  /** Posts the registry of `data`; returns the model whose versions to send (the selected or the first one). */
  private postRegistry(data: FolderData, server?: ServerRegistryView, select?: string): string | undefined {
    const models = data.registry.models.map(dashboardModel);
    this.post({
      type: 'registry',
      folder: data.name,
      trusted: isTrusted(),
      models,
      board: stageBoard(data.registry),
      goals: data.goals,
      // The server's own problem is its state, not a warning.
      problems: data.registry.problems.filter((p) => !p.server).map((p) => `${p.source}: ${p.message}`),
      ...(select ? { select } : {}),
      ...(server ? { server: { ...server } } : {}),
    });
    // The model asked for, else the one shown, else the first with versions (as the panel picks); while the server is
    // read, a model of its registry is kept (its versions are sent when they are in).
    const kept = (name: string | undefined) =>
      name !== undefined && (models.some((m) => m.name === name) || server?.status === 'loading');
    const shown = [select, this.shownModel].find(kept) ?? models.find((m) => !m.deprecated && m.versions.length)?.name;
    this.shownModel = shown;
    return shown;
  }

  private model(name: string): RegistryModel | undefined {
    return this.data?.registry.models.find((m) => m.name === name);
  }

  private details(data: FolderData, version: ModelVersion, cat?: CatFileBatch): Promise<VersionDetails> {
    const key = `${version.model}\0${version.version}`;
    let found = this.detailsCache.get(key);
    if (!found) {
      found = versionDetails(version, data.details, cat);
      this.detailsCache.set(key, found);
      found.catch(() => this.detailsCache.delete(key));
    }
    return found;
  }

  private async sendVersions(name: string): Promise<void> {
    const data = this.data;
    const model = this.model(name);
    if (!data || !model || !isTrusted()) return;
    this.shownModel = name;
    const versions = model.versions.slice(0, DETAILS_LIMIT);
    const cat = new CatFileBatch(data.root);
    let details: VersionDetails[];
    try {
      details = [];
      // A few at a time: each version reads its metrics files at its commit.
      for (let i = 0; i < versions.length; i += 4)
        for (const d of await Promise.all(versions.slice(i, i + 4).map((v) => this.details(data, v, cat))))
          details.push(d);
    } finally {
      await cat.close();
    }
    const keys = keyMetrics(details, data.goals);
    this.post({
      type: 'versions',
      model: name,
      keys,
      rows: versionRows(model.versions, details, data.goals, keys, data.root),
      ...(model.versions.length > DETAILS_LIMIT ? { limited: DETAILS_LIMIT } : {}),
    });
  }

  private async sendDetail(name: string, versionName: string): Promise<void> {
    const data = this.data;
    const model = this.model(name);
    const index = model?.versions.findIndex((v) => v.version === versionName) ?? -1;
    const version = model?.versions[index];
    if (!data || !model || !version) return;
    const previous = model.versions.slice(index + 1).find((v) => v.active && v.commit);
    const [details, commits, modelCard] = await Promise.all([
      this.details(data, version),
      previous?.commit && version.commit
        ? commitsBetween({ root: data.root }, previous.commit, version.commit, 200)
        : Promise.resolve([]),
      model.path ? readModelCard(data.root, model.path, version.commit, MODEL_CARD_FILES) : Promise.resolve(undefined),
    ]);
    const detail: VersionDetailView = {
      model: name,
      version: versionName,
      stages: version.stages,
      metrics: [],
      params: Object.entries(details.params)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, value]) => ({ key, value })),
      datasets: details.datasets,
      environment: details.environment,
      commits,
      problems: details.problems,
    };
    for (const s of details.run?.metrics ?? []) {
      const point = latest(s);
      if (point) detail.metrics.push({ key: s.key, value: point.value });
    }
    for (const t of details.run?.textMetrics ?? []) detail.metrics.push({ key: t.key, value: t.value });
    if (version.commit) detail.commit = version.commit;
    const date = version.createdAt ?? version.commitDate;
    if (date !== undefined) detail.date = date;
    const author = version.author ?? version.commitAuthor;
    if (author) detail.author = author;
    if (version.message) detail.message = version.message;
    if (previous) detail.previous = previous.version;
    if (modelCard) detail.modelCard = modelCard;
    this.post({ type: 'detail', detail });
  }

  private async sendCompare(name: string, a: string, b: string): Promise<void> {
    const data = this.data;
    const model = this.model(name);
    const va = model?.versions.find((v) => v.version === a);
    if (!data || !model || !va) return;
    let diff: VersionDiff;
    if (b === WORKSPACE_TARGET) diff = await diffWithWorkspace(va, data.details, data.goals);
    else {
      const vb = model.versions.find((v) => v.version === b);
      if (!vb) return;
      diff = await diffVersions(va, vb, data.details, data.goals);
    }
    await addRowCounts(diff, data.root);
    this.post({ type: 'compare', compare: compareView(name, diff) });
  }

  /** Handles `raw` as if the panel had sent it (the test hook); resolves when it is handled. */
  receive(raw: unknown): Promise<void> {
    return this.onMessage(raw);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseModelDashboardMessage(raw);
    if (!message) {
      this.context.logger.warn('model dashboard: ignored a malformed message from the panel');
      return;
    }
    try {
      switch (message.type) {
        case 'refresh':
          await this.sendRegistry(true);
          return;
        case 'showLineage':
          if (this.data)
            this.post({ type: 'lineageGraph', graph: await readLineage(this.data.root, this.data.config) });
          return;
        case 'selectModel':
          await this.sendVersions(message.model);
          return;
        case 'showVersion':
        case 'compare':
          if (!isTrusted()) {
            this.post({
              type: 'error',
              message:
                'Trust this workspace to read versions at their commits (git does not run in untrusted workspaces).',
              action: 'trust',
            });
            return;
          }
          if (message.type === 'compare') await this.sendCompare(message.model, message.a, message.b);
          else await this.sendDetail(message.model, message.version);
          return;
        case 'copyMarkdown':
          await vscode.env.clipboard.writeText(message.markdown);
          void vscode.window.setStatusBarMessage('Copied the comparison as Markdown', 3000);
          return;
        case 'openFile':
          await this.openFile(message.file);
          return;
        case 'action':
          await this.context.runAction(message);
          return;
        case 'serverAction':
          await this.serverAction(message);
          return;
        case 'trust':
          await vscode.commands.executeCommand('workbench.trust.manage');
          return;
        case 'ready':
          return;
      }
    } catch (err) {
      this.context.logger.error(`model dashboard: ${message.type} failed: ${errorMessage(err)}`);
      this.post({ type: 'error', message: `${errorMessage(err)}` });
    }
  }

  private async serverAction(message: Extract<WebviewToHost, { type: 'serverAction' }>): Promise<void> {
    if (!isTrusted()) {
      this.post({
        type: 'error',
        message: 'MLflow release actions change the tracking server: trust this workspace first.',
        action: 'trust',
      });
      return;
    }
    const setting = this.data && configuredServer(this.data.folder);
    if (!setting) {
      this.post({
        type: 'error',
        message: 'No MLflow tracking server is set: set mlops.mlflow.trackingUri to its address (http:// or https://).',
      });
      return;
    }
    const location = serverLocation(setting);
    const known = this.model(message.model)?.versions.some(
      (v) => v.version === message.version && v.server === location,
    );
    if (!known) {
      this.post({
        type: 'error',
        message: `${message.model} version ${message.version} is not in the registry of the MLflow server at ${location}: refresh the dashboard.`,
        action: 'refresh',
      });
      return;
    }
    await this.context.runServerAction({ ...message, server: setting });
  }

  private async openFile(file: string): Promise<void> {
    const data = this.data;
    if (!data) return;
    const uri = vscode.Uri.joinPath(vscode.Uri.file(data.root), file);
    if (!uri.fsPath.startsWith(data.root)) return;
    await vscode.commands.executeCommand('vscode.open', uri);
  }
}
