import * as vscode from 'vscode';
import { MlflowRestClient } from '../../core/formats/mlflow/rest';
import { errorMessage, type Logger } from '../../core/logging';
import { hostOf } from '../../core/metrics/sources/mlflowServer';
import { registryItem, type WorkspaceItem } from '../../core/workspace/discovery';
import { readServerRegistry } from '../../core/workspace/mlflowRegistry';
import { affectsSetting } from '../../platform/config';
import { Disposable } from '../../platform/disposable';
import { configuredServer, isTokenKey, serverClientOptions, serverLocation } from '../../platform/mlflowServer';
import { isTrusted } from '../../platform/trust';

/** The registered models of one tracking server, as the Models view shows them. */
export interface ServerRegistryState {
  /** The address as set (may hold credentials: never shown; `location` is). */
  setting: string;
  /** The server's address without credentials; the key of the state. */
  location: string;
  /** What labels the server: its host (and port). */
  host: string;
  status: 'loading' | 'loaded' | 'failed' | 'untrusted';
  /** One item per live version, in name and version order (when loaded). */
  items: WorkspaceItem[];
  /** Why the models are not listed (failed, untrusted): a message naming the server and what to do. */
  message?: string;
}

export interface ServerRegistriesOptions {
  secrets?: vscode.SecretStorage;
  logger: Logger;
  /** Whether the network may be used; default: whether the workspace is trusted. */
  isTrusted?: () => boolean;
}

/**
 * The model registries of the tracking servers that `mlops.mlflow.trackingUri` names (one per distinct server across
 * the workspace folders), read through the REST client with the token from secret storage and the limits of the
 * settings. Nothing is contacted until `load()` (the Models view loads it after the local items), and never in an
 * untrusted workspace; settings, token and trust changes reload it.
 */
export class ServerRegistries extends Disposable {
  private states: ServerRegistryState[] = [];
  private generation = 0;
  private started = false;
  private readonly emitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.emitter.event;
  private readonly trusted: () => boolean;

  constructor(private readonly options: ServerRegistriesOptions) {
    super();
    this.trusted = options.isTrusted ?? isTrusted;
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (this.started && affectsSetting(e, 'mlflow')) void this.load();
      }),
    );
    if (options.secrets)
      this.register(
        options.secrets.onDidChange((e) => {
          if (this.started && isTokenKey(e.key)) void this.load();
        }),
      );
  }

  /** The servers configured, in the order of the folders, with what is known of each. */
  servers(): readonly ServerRegistryState[] {
    return this.states;
  }

  /** Reads every configured server again; a later call supersedes one still running. */
  async load(): Promise<void> {
    this.started = true;
    const generation = ++this.generation;
    const wanted = new Map<string, { setting: string; folder: vscode.WorkspaceFolder }>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const setting = configuredServer(folder);
      if (!setting) continue;
      const location = serverLocation(setting);
      if (!wanted.has(location)) wanted.set(location, { setting, folder });
    }
    const states: ServerRegistryState[] = [...wanted].map(([location, { setting }]) => ({
      setting,
      location,
      host: hostOf(location),
      status: this.trusted() ? 'loading' : 'untrusted',
      items: [],
      ...(this.trusted()
        ? {}
        : {
            message: `Trust this workspace to list the registered models of the MLflow server at ${location} (MLOps Workbench contacts no tracking server in an untrusted workspace).`,
          }),
    }));
    this.states = states;
    this.emitter.fire();
    await Promise.all(
      states
        .filter((s) => s.status === 'loading')
        .map(async (state) => {
          const next = await this.read(state, wanted.get(state.location)!.folder);
          if (generation !== this.generation) return;
          Object.assign(state, next);
          this.emitter.fire();
        }),
    );
  }

  private async read(
    state: ServerRegistryState,
    folder: vscode.WorkspaceFolder,
  ): Promise<Pick<ServerRegistryState, 'status' | 'items' | 'message'>> {
    const started = performance.now();
    try {
      const client = new MlflowRestClient(await serverClientOptions(state.setting, folder.uri, this.options.secrets));
      const { versions, problems } = await readServerRegistry(client);
      const [problem] = problems;
      if (problem) {
        this.options.logger.warn(`models: MLflow server: ${problem.message}`);
        return { status: 'failed', items: [], message: problem.message };
      }
      this.options.logger.info(
        `models: MLflow server ${state.location}: ${versions.length} model versions (${(performance.now() - started).toFixed(0)} ms)`,
      );
      return {
        status: 'loaded',
        items: versions.map((v) => registryItem(v, state.location, state.location)),
        message: undefined,
      };
    } catch (err) {
      this.options.logger.warn(`models: MLflow server ${state.location}: ${errorMessage(err)}`);
      return { status: 'failed', items: [], message: errorMessage(err) };
    }
  }
}
