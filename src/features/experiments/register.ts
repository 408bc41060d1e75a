import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/logging';
import { diff, type MetricsDiff } from '../../core/metrics/diff';
import type { Run } from '../../core/metrics/model';
import { comparisonMarkdown, runDetailsMarkdown, runShortName, type RunDescription } from '../../core/metrics/report';
import { affectsSetting, getSetting, settingId } from '../../platform/config';
import type { FeatureContext } from '../../platform/context';
import { completeWalkthroughStep } from '../../platform/walkthrough';
import { isTrusted, UNTRUSTED_REASON } from '../../platform/trust';
import type { MetricHistorySelection } from '../../protocol/metricHistory';
import { relativeTime } from '../../core/relativeTime';
import { revisionUri } from '../../platform/revisionUri';
import { MLFLOW_TOKEN_KEY_PREFIX } from '../../platform/mlflowServer';
import { clearServerToken, setServerToken, type TokenServerKind } from '../../platform/serverToken';
import { MetricsService, trackingTarget, type ServiceSource } from './metricsService';
import { ExperimentsTree, metricEntries, runLabel, type ExperimentsNode } from './tree';

export const EXPERIMENTS_VIEW = 'mlops.views.experiments';
const FILTERED_CONTEXT = 'mlops.experiments.filtered';
const METRICS_FILES_CONTEXT = 'mlops.metricsFiles';
const METRICS_FILE = /\.(json|ya?ml|toml|csv|tsv)$/i;
export const REPORT_SCHEME = 'mlops-report';
const MAX_REPORTS = 50;

/** What the extension API exposes for tests. */
export interface ExperimentsApi {
  service: MetricsService;
  tree: ExperimentsTree;
  view: vscode.TreeView<ExperimentsNode>;
}

/** What "Compare Selected Runs" produced (returned for tests). */
export interface Comparison {
  old: { sourceId: string; runId: string };
  new: { sourceId: string; runId: string };
  diff: MetricsDiff;
  markdown: string;
  document: vscode.Uri;
}

interface Picked {
  source: ServiceSource;
  run: Run;
}

/**
 * The Experiments view over the MetricsService, its commands (filter, compare, copy id, show metric history,
 * refresh, MLflow token), the commands the Metric History panel calls (open a revision, open a run), and the
 * context key that puts "Show Metric History" on metrics files' editor title.
 */
export function registerExperiments({ extension, logger }: FeatureContext): ExperimentsApi {
  const subscriptions = extension.subscriptions;
  const service = new MetricsService({
    logger,
    secrets: extension.secrets,
    wasmPath: path.join(extension.extensionUri.fsPath, 'dist', 'sql-wasm.wasm'),
    // MLflow listings kept between sessions: a window reload rereads only the runs that changed.
    cacheDir:
      extension.globalStorageUri.scheme === 'file' ? path.join(extension.globalStorageUri.fsPath, 'cache') : undefined,
  });
  const tree = new ExperimentsTree(service);
  const view = vscode.window.createTreeView(EXPERIMENTS_VIEW, {
    treeDataProvider: tree,
    canSelectMany: true,
    showCollapseAll: true,
  });
  subscriptions.push(service, tree, view);
  // "See models and runs": the Experiments view shown.
  const seen = () => {
    if (view.visible) completeWalkthroughStep(extension, 'seeModels', logger);
  };
  seen();
  subscriptions.push(view.onDidChangeVisibility(seen));

  subscriptions.push(
    vscode.workspace.onDidChangeWorkspaceFolders(() => void service.reload()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void service.reload()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsSetting(e, 'metrics.historyScope') || affectsSetting(e, 'mlflow')) void service.reload();
    }),
    extension.secrets.onDidChange((e) => {
      if (e.key.startsWith('mlops.mlflow.token:')) void service.reload();
    }),
  );

  registerMetricsFilesContext(service, subscriptions);

  const pickedOf = (node: ExperimentsNode): Picked | undefined => {
    if (node.type !== 'run') return undefined;
    const source = service.source(node.sourceId);
    const run = service.run(node.sourceId, node.runId);
    return source && run ? { source, run } : undefined;
  };
  const describe = (p: Picked): RunDescription => ({ run: p.run, source: `${p.source.label} · ${p.source.where}` });

  // Reports (comparisons, run details) are read-only Markdown documents: never dirty, never asking to be saved.
  const reports = new ReportDocuments();
  subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports));

  /** Shows Markdown in the Markdown preview, from a read-only document. */
  const showMarkdown = async (name: string, content: string): Promise<vscode.Uri> => {
    const uri = reports.add(name, content);
    await vscode.workspace.openTextDocument(uri);
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return uri;
  };

  const compare = async (
    first?: ExperimentsNode,
    selected?: readonly ExperimentsNode[],
  ): Promise<Comparison | undefined> => {
    await service.ensureLoaded();
    const nodes = selected?.length ? selected : first ? [first] : view.selection;
    let picked = nodes.map(pickedOf).filter((p): p is Picked => p !== undefined);
    if (picked.length > 2) {
      void vscode.window.showInformationMessage(
        `Select exactly two runs to compare (${picked.length} are selected); pick two now.`,
      );
      picked = [];
    }
    while (picked.length < 2) {
      const next = await pickRun(
        service,
        picked[0] === undefined
          ? 'Compare runs (1/2): the baseline (older) run'
          : `Compare runs (2/2): compare ${runLabel(picked[0].run)} with`,
        picked.map((p) => p.run),
      );
      if (!next) return undefined;
      picked.push(next);
    }
    const [a, b] = picked;
    if (!a || !b) return undefined;
    const [old, now] = timeOf(a.run) <= timeOf(b.run) ? [a, b] : [b, a];
    const result = diff(old.run, now.run, service.goalsOf(now.source.folderKey));
    const markdown = comparisonMarkdown(describe(old), describe(now), result, {
      keys: service.definitions(now.source.folderKey).map((d) => d.key),
    });
    const document = await showMarkdown(`Compare ${runShortName(old.run)} with ${runShortName(now.run)}`, markdown);
    logger.info(`experiments: compared ${old.run.id} with ${now.run.id} (${result.entries.length} metrics)`);
    return {
      old: { sourceId: old.source.id, runId: old.run.id },
      new: { sourceId: now.source.id, runId: now.run.id },
      diff: result,
      markdown,
      document,
    };
  };

  const setFilter = async (text: string): Promise<void> => {
    tree.setFilter(text);
    describeFilter();
    await vscode.commands.executeCommand('setContext', FILTERED_CONTEXT, tree.filter !== '');
  };
  const describeFilter = (): void => {
    if (!tree.filter) {
      view.message = undefined;
      return;
    }
    const count = service.loaded ? tree.matchingRuns() : undefined;
    view.message =
      count === 0
        ? `No run matches “${tree.filter}”. Clear the filter to see every run.`
        : `Runs matching “${tree.filter}”${count === undefined ? '' : `: ${count}`}`;
  };
  subscriptions.push(service.onDidChange(describeFilter));

  subscriptions.push(
    vscode.commands.registerCommand('mlops.refreshExperiments', () =>
      vscode.window.withProgress({ location: { viewId: EXPERIMENTS_VIEW }, title: 'Reading experiments' }, () =>
        service.loaded ? service.reload() : service.ensureLoaded(),
      ),
    ),
    vscode.commands.registerCommand('mlops.filterExperiments', async (text?: unknown) => {
      const value =
        typeof text === 'string'
          ? text
          : await vscode.window.showInputBox({
              title: 'Filter runs',
              prompt: 'Show runs whose name, commit, subject, tag, experiment, author or parameters contain every word',
              placeHolder: 'e.g. fraud-classifier@v1   or   max_depth=6',
              value: tree.filter,
            });
      if (value === undefined) return;
      await setFilter(value);
    }),
    vscode.commands.registerCommand('mlops.clearExperimentsFilter', () => setFilter('')),
    vscode.commands.registerCommand('mlops.loadMoreRuns', (node?: ExperimentsNode) => {
      if (node && node.type !== 'folder' && node.type !== 'emptyStores') tree.loadMore(node.sourceId);
    }),
    vscode.commands.registerCommand(
      'mlops.compareRuns',
      async (first?: ExperimentsNode, selected?: readonly ExperimentsNode[]) => {
        try {
          return await compare(first, selected);
        } catch (err) {
          logger.error(`experiments: compare failed: ${errorMessage(err)}`);
          void vscode.window.showErrorMessage(`Could not compare the runs: ${errorMessage(err)}`);
          return undefined;
        }
      },
    ),
    vscode.commands.registerCommand('mlops.copyRunId', async (node?: ExperimentsNode) => {
      const target = node ?? view.selection[0];
      const picked = target ? pickedOf(target) : undefined;
      if (!picked) return undefined;
      await vscode.env.clipboard.writeText(picked.run.id);
      void vscode.window.setStatusBarMessage(`Copied run ID ${picked.run.id}`, 3000);
      return picked.run.id;
    }),
    vscode.commands.registerCommand('mlops.showItemMetricHistory', async (node?: ExperimentsNode) => {
      const target = node ?? view.selection[0];
      const selection = target ? selectionFor(service, target) : undefined;
      return vscode.commands.executeCommand('mlops.showMetricHistory', selection ?? {});
    }),
    vscode.commands.registerCommand('mlops.openRun', async (runId?: unknown, sourceIdArg?: unknown) => {
      await service.ensureLoaded();
      let picked: Picked | undefined;
      if (runId && typeof runId === 'object' && (runId as ExperimentsNode).type === 'run')
        picked = pickedOf(runId as ExperimentsNode);
      else if (typeof runId === 'string' && typeof sourceIdArg === 'string') {
        const source = service.source(sourceIdArg);
        const run = service.run(sourceIdArg, runId);
        if (source && run) picked = { source, run };
      } else picked = await pickRun(service, 'Open run details', []);
      if (!picked) {
        if (typeof runId === 'string')
          void vscode.window.showWarningMessage(
            `Run ${runId} is no longer in its source; refresh the Experiments view.`,
          );
        return undefined;
      }
      const markdown = runDetailsMarkdown(describe(picked));
      await showMarkdown(`Run ${runShortName(picked.run)}`, markdown);
      return markdown;
    }),
    vscode.commands.registerCommand('mlops.openRevision', async (repoRoot?: unknown, sha?: unknown, file?: unknown) => {
      if (typeof repoRoot !== 'string' || typeof sha !== 'string' || typeof file !== 'string' || !sha || !file)
        return undefined;
      if (!isTrusted()) {
        void vscode.window.showWarningMessage(UNTRUSTED_REASON);
        return undefined;
      }
      const uri = revisionUri({ repo: repoRoot, rev: sha, path: file.split(path.sep).join('/') });
      await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
      return uri;
    }),
    vscode.commands.registerCommand('mlops.setMlflowToken', () => setServerToken(extension.secrets, MLFLOW_TOKENS)),
    vscode.commands.registerCommand('mlops.clearMlflowToken', () => clearServerToken(extension.secrets, MLFLOW_TOKENS)),
  );

  return { service, tree, view };
}

/** The text of the reports this session showed, as read-only documents (`mlops-report:/<n>/<name>.md`). */
class ReportDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private count = 0;

  add(name: string, content: string): vscode.Uri {
    const file =
      name
        .replace(/[^\w.@-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 80) || 'report';
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${++this.count}/${file}.md` });
    this.contents.set(uri.toString(), content);
    if (this.contents.size > MAX_REPORTS) this.contents.delete(this.contents.keys().next().value as string);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '# Report no longer available\n\nRun the command again to see it.\n';
  }
}

/** Runs without a date (the workspace) count as the newest. */
function timeOf(run: Run): number {
  const t = run.revisionInfo?.date ?? run.time;
  return t === undefined || !Number.isFinite(t) ? Infinity : t;
}

/** A quick pick of every run of every source (newest first), without the ones already picked. */
async function pickRun(service: MetricsService, title: string, exclude: readonly Run[]): Promise<Picked | undefined> {
  await service.ensureLoaded();
  const items = service.sources().flatMap((source) =>
    source.runs
      .filter((run) => !exclude.includes(run))
      .map((run) => {
        const when = run.revisionInfo?.date ?? run.time;
        return {
          label: runLabel(run),
          description: [source.label, run.revisionInfo?.author, when !== undefined ? relativeTime(when) : undefined]
            .filter(Boolean)
            .join(' · '),
          source,
          run,
        };
      }),
  );
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No runs to choose from: the Experiments view lists none.');
    return undefined;
  }
  const chosen = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: 'Type to filter by commit, tag, experiment or run name',
    matchOnDescription: true,
  });
  return chosen ? { source: chosen.source, run: chosen.run } : undefined;
}

/** What "Show Metric History" on an item charts: a source, a run's source, or one metric. */
function selectionFor(service: MetricsService, node: ExperimentsNode): MetricHistorySelection | undefined {
  if (node.type === 'folder' || node.type === 'emptyStores' || node.type === 'more' || node.type === 'problem')
    return undefined;
  const source = service.source(node.sourceId);
  if (!source) return undefined;
  const gitOf = (s: ServiceSource) =>
    s.kind === 'git'
      ? s
      : service.sources().find((o) => o.kind === 'git' && o.folderKey === s.folderKey && o.runs.length > 0);
  const steps = (runs: readonly Run[]) => runs.some((r) => r.metrics.some((m) => m.points.length > 1));
  if (node.type === 'source')
    return source.kind === 'git' || !steps(source.runs)
      ? { view: 'versions', sources: [source.id] }
      : { view: 'steps', sources: [source.id] };
  if (node.type === 'run') {
    const run = service.run(node.sourceId, node.runId);
    if (source.kind === 'git' || !run || !steps([run])) {
      const git = gitOf(source);
      return { view: 'versions', sources: [git?.id ?? source.id] };
    }
    return { view: 'steps', sources: [source.id] };
  }
  const run = service.run(node.sourceId, node.runId);
  const entry = run ? metricEntries(run, []).find((m) => m.key === node.key && m.file === node.file) : undefined;
  if (entry && entry.points > 1) return { view: 'steps', sources: [source.id], keys: [node.key] };
  const git = source.kind === 'git' || source.kind === 'dvc' || source.kind === 'file' ? gitOf(source) : undefined;
  return { view: 'versions', sources: [git?.id ?? source.id], keys: [node.key] };
}

/**
 * `mlops.metricsFiles`: the metrics files of the folders the user opened files in, for the editor-title action.
 * Learned on first need (a metrics-like file becomes active), not at activation.
 */
function registerMetricsFilesContext(service: MetricsService, subscriptions: vscode.Disposable[]): void {
  const known = new Map<string, string[]>();
  const publish = () =>
    void vscode.commands.executeCommand('setContext', METRICS_FILES_CONTEXT, [...new Set([...known.values()].flat())]);
  const learn = async (uri: vscode.Uri | undefined, force = false): Promise<void> => {
    if (!uri || uri.scheme !== 'file' || !METRICS_FILE.test(uri.fsPath)) return;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || (known.has(folder.uri.toString()) && !force)) return;
    try {
      known.set(folder.uri.toString(), await service.metricsFilesOf(folder));
      publish();
    } catch {
      // Without the list the editor-title action stays hidden; the palette still has the command.
    }
  };
  subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor((editor) => void learn(editor?.document.uri)),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      const name = path.basename(doc.uri.fsPath);
      if (name === 'mlops.yaml' || name === 'dvc.yaml') void learn(doc.uri, true);
    }),
    service.onDidChange(() => {
      for (const f of vscode.workspace.workspaceFolders ?? []) {
        if (!service.folders().some((s) => s.key === f.uri.toString())) continue;
        void service.metricsFilesOf(f).then((files) => {
          known.set(f.uri.toString(), files);
          publish();
        });
      }
    }),
  );
  setTimeout(() => void learn(vscode.window.activeTextEditor?.document.uri), 0);
}

/** The tracking servers the folders' settings name (http or https). */
function configuredServers(): string[] {
  const servers = new Set<string>();
  for (const folder of vscode.workspace.workspaceFolders ?? [undefined]) {
    const uri = getSetting('mlflow.trackingUri', folder?.uri).trim();
    if (uri && trackingTarget(uri, folder?.uri.fsPath ?? '').kind === 'server') servers.add(uri);
  }
  return [...servers];
}

/** MLflow tracking servers, for the shared token commands. */
const MLFLOW_TOKENS: TokenServerKind = {
  keyPrefix: MLFLOW_TOKEN_KEY_PREFIX,
  title: 'MLflow tracking token',
  product: 'MLflow',
  servers: configuredServers,
  missing: {
    message: (action) =>
      `Set mlops.mlflow.trackingUri to your MLflow tracking server's address (http:// or https://) first, then ${action}.`,
    setting: settingId('mlflow.trackingUri'),
  },
  pickTitle: 'MLflow tracking server',
};
