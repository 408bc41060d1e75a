import * as path from 'node:path';
import * as vscode from 'vscode';
import { absentMessage, explainAbsentAtRevision, explainAbsentInWorkspace } from '../../core/metrics/absence';
import { breachesThreshold, findDefinition } from '../../core/chart/annotations';
import type { MetricDefinition } from '../../core/chart/types';
import { latest, type MetricSeries, type Run } from '../../core/metrics/model';
import { formatDate, formatMetricValue, runMatches, runTitle } from '../../core/metrics/report';
import { Disposable } from '../../platform/disposable';
import { relativeTime } from '../../core/relativeTime';
import type { MetricsService, ServiceSource, SourceProblem } from './metricsService';

/** Tree elements are plain data; TreeItems are built in getTreeItem. */
export type ExperimentsNode =
  | { type: 'folder'; folderKey: string }
  | { type: 'source'; sourceId: string }
  /** MLflow stores without runs beside sources with runs, folded into one node. */
  | { type: 'emptyStores'; folderKey: string }
  | { type: 'run'; sourceId: string; runId: string }
  | { type: 'metric'; sourceId: string; runId: string; key: string; file?: string }
  | { type: 'more'; sourceId: string }
  | { type: 'problem'; sourceId: string; index: number };

export const PAGE_SIZE = 50;
const SPLIT_ORDER: Record<string, number> = { train: 0, validation: 1, test: 2 };
const SOURCE_ICON: Record<string, string> = {
  dvc: 'folder-active',
  file: 'folder-active',
  git: 'history',
  'mlflow-file': 'beaker',
  'mlflow-sqlite': 'database',
  'mlflow-rest': 'server',
  tensorboard: 'graph-line',
  dvclive: 'pulse',
};

/** An MLflow store (file store or database) that holds no run: MLflow creates one wherever a script ran once. */
export function isEmptyStore(source: ServiceSource): boolean {
  return (
    (source.kind === 'mlflow-file' || source.kind === 'mlflow-sqlite') &&
    source.runs.length === 0 &&
    source.problems.length === 0
  );
}

/**
 * The sources of one folder as the view lists them: empty MLflow stores are folded into one "N empty MLflow stores"
 * node when another source has something to show (alone, they are listed as they are).
 */
export function foldEmptyStores(sources: readonly ServiceSource[]): {
  listed: ServiceSource[];
  empty: ServiceSource[];
} {
  const empty = sources.filter(isEmptyStore);
  if (!empty.length || empty.length === sources.length) return { listed: [...sources], empty: [] };
  return { listed: sources.filter((s) => !isEmptyStore(s)), empty };
}

/** One metric of a run for the tree: a series or a text value. */
interface MetricEntry {
  key: string;
  baseKey: string;
  split?: string;
  file?: string;
  value: number | string;
  step?: number;
  points: number;
}

/**
 * The Experiments view: sources -> runs (newest first, 50 at a time) -> metrics with their latest values. A filter
 * narrows the runs; a source's problems show as warning items.
 */
export class ExperimentsTree extends Disposable implements vscode.TreeDataProvider<ExperimentsNode> {
  private readonly emitter = this.register(new vscode.EventEmitter<ExperimentsNode | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly limits = new Map<string, number>();
  private filterText = '';
  /** Runs shown per page (and per "Load more…"). */
  pageSize = PAGE_SIZE;

  constructor(private readonly service: MetricsService) {
    super();
    this.register(service.onDidChange(() => this.emitter.fire(undefined)));
  }

  get filter(): string {
    return this.filterText;
  }

  /** Shows only runs matching the text (every word, case-insensitive); '' shows all. */
  setFilter(text: string): void {
    this.filterText = text.trim();
    this.limits.clear();
    this.emitter.fire(undefined);
  }

  /** Shows another page of a source's runs. */
  loadMore(sourceId: string): void {
    this.limits.set(sourceId, this.limitOf(sourceId) + this.pageSize);
    this.emitter.fire(undefined);
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  private limitOf(sourceId: string): number {
    return this.limits.get(sourceId) ?? this.pageSize;
  }

  /** How many runs the filter lets through, over every source. */
  matchingRuns(): number {
    return this.service.sources().reduce((n, s) => n + this.visibleRuns(s).length, 0);
  }

  /** The runs of a source the filter lets through, newest first. */
  visibleRuns(source: ServiceSource): Run[] {
    return this.filterText ? source.runs.filter((r) => runMatches(r, this.filterText)) : source.runs;
  }

  async getChildren(node?: ExperimentsNode): Promise<ExperimentsNode[]> {
    await this.service.ensureLoaded();
    // While filtering, sources without a matching run are left out.
    const shown = this.service.sources().filter((s) => !this.filterText || this.visibleRuns(s).length > 0);
    const sourcesOf = (folderKey: string): ExperimentsNode[] => {
      const { listed, empty } = foldEmptyStores(shown.filter((s) => s.folderKey === folderKey));
      return [
        ...listed.map((s): ExperimentsNode => ({ type: 'source', sourceId: s.id })),
        ...(empty.length ? [{ type: 'emptyStores', folderKey } as const] : []),
      ];
    };
    if (!node) {
      const folders = this.service.folders().filter((f) => shown.some((s) => s.folderKey === f.key));
      if (folders.length > 1) return folders.map((f) => ({ type: 'folder', folderKey: f.key }));
      return folders.flatMap((f) => sourcesOf(f.key));
    }
    if (node.type === 'folder') return sourcesOf(node.folderKey);
    if (node.type === 'emptyStores')
      return foldEmptyStores(shown.filter((s) => s.folderKey === node.folderKey)).empty.map(
        (s): ExperimentsNode => ({ type: 'source', sourceId: s.id }),
      );
    if (node.type === 'source') {
      const source = this.service.source(node.sourceId);
      if (!source) return [];
      const problems = source.problems.map(
        (_, index): ExperimentsNode => ({ type: 'problem', sourceId: source.id, index }),
      );
      const runs = this.visibleRuns(source);
      const limit = this.limitOf(source.id);
      const shown = runs
        .slice(0, limit)
        .map((r): ExperimentsNode => ({ type: 'run', sourceId: source.id, runId: r.id }));
      return [...problems, ...shown, ...(runs.length > limit ? [{ type: 'more', sourceId: source.id } as const] : [])];
    }
    if (node.type === 'run') {
      const run = this.service.run(node.sourceId, node.runId);
      if (!run) return [];
      const definitions = this.definitionsOf(node.sourceId);
      return metricEntries(run, definitions).map(
        (m): ExperimentsNode => ({
          type: 'metric',
          sourceId: node.sourceId,
          runId: node.runId,
          key: m.key,
          file: m.file,
        }),
      );
    }
    return [];
  }

  private definitionsOf(sourceId: string): MetricDefinition[] {
    const source = this.service.source(sourceId);
    return source ? this.service.definitions(source.folderKey) : [];
  }

  /** An empty workspace or revision row: its tooltip says why (declared files DVC-tracked and not pulled, ...). */
  async resolveTreeItem(item: vscode.TreeItem, node: ExperimentsNode): Promise<vscode.TreeItem> {
    if (node.type !== 'run' || !(item.tooltip instanceof vscode.MarkdownString)) return item;
    const source = this.service.source(node.sourceId);
    const run = this.service.run(node.sourceId, node.runId);
    const folder = this.service.folders().find((f) => f.key === source?.folderKey);
    const workspaceFolder = folder && vscode.workspace.getWorkspaceFolder(vscode.Uri.file(folder.root));
    if (!source || !run || !folder || !workspaceFolder || !explainsEmpty(source)) return item;
    if (run.metrics.length + (run.textMetrics?.length ?? 0) > 0) return item;
    const files = (await this.service.metricsFilesOf(workspaceFolder)).map((f) =>
      path.relative(folder.root, f).split(path.sep).join('/'),
    );
    const sha = run.revisionInfo?.sha;
    const absent = (
      sha ? await explainAbsentAtRevision(folder.root, sha, files) : await explainAbsentInWorkspace(folder.root, files)
    ).filter((a) => a.state !== 'not-found');
    item.tooltip.appendMarkdown('\n\n**Why no values:**\n\n');
    if (absent.length === 0)
      item.tooltip.appendText(
        files.length ? `none of ${files.join(', ')} has values here` : 'no metrics files are declared',
      );
    for (const a of absent) {
      item.tooltip.appendMarkdown('- ');
      item.tooltip.appendText(absentMessage(a, sha !== undefined));
      item.tooltip.appendMarkdown('\n');
    }
    return item;
  }

  getTreeItem(node: ExperimentsNode): vscode.TreeItem {
    switch (node.type) {
      case 'folder': {
        const folder = this.service.folders().find((f) => f.key === node.folderKey);
        const item = new vscode.TreeItem(folder?.name ?? 'folder', vscode.TreeItemCollapsibleState.Expanded);
        item.id = `folder|${node.folderKey}`;
        item.iconPath = vscode.ThemeIcon.Folder;
        item.contextValue = 'mlopsFolder';
        return item;
      }
      case 'source':
        return this.sourceItem(node.sourceId);
      case 'emptyStores':
        return this.emptyStoresItem(node.folderKey);
      case 'run':
        return this.runItem(node.sourceId, node.runId);
      case 'metric':
        return this.metricItem(node);
      case 'more': {
        const source = this.service.source(node.sourceId);
        const total = source ? this.visibleRuns(source).length : 0;
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = `more|${node.sourceId}|${this.limitOf(node.sourceId)}`;
        item.description = `${Math.min(this.limitOf(node.sourceId), total)} of ${total} shown`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.contextValue = 'mlopsMore';
        item.command = { command: 'mlops.loadMoreRuns', title: 'Load more', arguments: [node] };
        return item;
      }
      case 'problem':
        return problemItem(this.service.source(node.sourceId)?.problems[node.index], node);
    }
  }

  private emptyStoresItem(folderKey: string): vscode.TreeItem {
    const { empty } = foldEmptyStores(this.service.sources().filter((s) => s.folderKey === folderKey));
    const label = `${empty.length} empty MLflow store${empty.length === 1 ? '' : 's'}`;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `emptyStores|${folderKey}`;
    item.description = empty.map((s) => s.where).join(', ');
    item.iconPath = new vscode.ThemeIcon('circle-slash');
    item.contextValue = 'mlopsEmptyStores';
    const md = markdown();
    md.appendText(`${label}: MLflow created them where a script ran, but they hold no run.`);
    for (const s of empty) {
      md.appendMarkdown('\n\n- ');
      md.appendText(s.location);
    }
    item.tooltip = md;
    return item;
  }

  private sourceItem(id: string): vscode.TreeItem {
    const source = this.service.source(id);
    if (!source) return new vscode.TreeItem('(gone)');
    // Few sources open by themselves; among many, those with a problem to read open (not for a quiet note, such as
    // where values came from), the rest stay closed.
    const expanded =
      this.service.sources().filter((s) => s.folderKey === source.folderKey).length <= 2 ||
      source.problems.some((p) => !p.quiet);
    const item = new vscode.TreeItem(
      source.label,
      expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = `source|${id}`;
    const runs = this.visibleRuns(source);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const experiments = source.kind === 'git' ? source.runs.filter((r) => r.experiment).length : 0;
    const count =
      this.filterText && runs.length !== source.runs.length
        ? `${runs.length} of ${plural(source.runs.length, 'run')}`
        : source.kind === 'git'
          ? [
              plural(source.runs.length - experiments, 'revision'),
              ...(experiments ? [plural(experiments, 'experiment')] : []),
            ].join(' · ')
          : plural(source.runs.length, 'run');
    // A git source's folder name only helps when there are several folders.
    const where = source.kind === 'git' && this.service.folders().length < 2 ? '' : source.where;
    item.description = [where, count].filter(Boolean).join(' · ');
    const warn = source.problems.some((p) => p.severity === 'warning');
    item.iconPath = new vscode.ThemeIcon(
      SOURCE_ICON[source.kind] ?? 'symbol-misc',
      warn ? new vscode.ThemeColor('list.warningForeground') : undefined,
    );
    item.contextValue = `mlopsSource kind-${source.kind}${source.runs.length ? ' hasRuns' : ''}`;
    const md = markdown();
    md.appendMarkdown(`**${source.label}** — `);
    md.appendText(source.where);
    md.appendMarkdown('\n\n');
    md.appendText(source.location);
    md.appendMarkdown(`\n\n${count}`);
    for (const p of source.problems) {
      md.appendMarkdown(`\n\n$(${p.severity === 'warning' ? 'warning' : 'info'}) `);
      md.appendText(p.message);
    }
    item.tooltip = md;
    return item;
  }

  private runItem(sourceId: string, runId: string): vscode.TreeItem {
    const source = this.service.source(sourceId);
    const run = this.service.run(sourceId, runId);
    if (!source || !run) return new vscode.TreeItem('(gone)');
    const info = run.revisionInfo;
    const hasMetrics = run.metrics.length + (run.textMetrics?.length ?? 0) > 0;
    const item = new vscode.TreeItem(
      runLabel(run),
      hasMetrics ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `run|${sourceId}|${runId}`;
    const when = info?.date ?? run.time;
    const branches = info ? info.refs.filter((r) => !r.startsWith('refs/') && !info.tags.includes(r)) : [];
    const parts: string[] = [];
    if (run.experiment && info) parts.push('experiment');
    else if (run.experiment) parts.push(run.experiment);
    if (branches.length) parts.push(branches.join(', '));
    if (!info && run.status !== 'unknown' && run.status !== 'finished') parts.push(run.status);
    if (info?.author) parts.push(info.author);
    if (run.id === 'workspace' && !info) parts.push('working tree');
    if (when !== undefined && Number.isFinite(when)) parts.push(relativeTime(when));
    if (!hasMetrics && explainsEmpty(source)) parts.push('no metric values');
    item.description = parts.join(' · ');
    item.iconPath = runIcon(run, source);
    const flags = [
      'mlopsRun',
      `kind-${source.kind}`,
      info ? 'revision' : '',
      run.experiment && info ? 'experiment' : '',
      info?.tags.length ? 'tagged' : '',
      run.id === 'workspace' ? 'workspace' : '',
    ];
    item.contextValue = flags.filter(Boolean).join(' ');
    item.tooltip = runTooltip(run, source);
    item.accessibilityInformation = { label: `${info ? 'Revision' : 'Run'} ${runLabel(run)}, ${item.description}` };
    return item;
  }

  private metricItem(node: Extract<ExperimentsNode, { type: 'metric' }>): vscode.TreeItem {
    const run = this.service.run(node.sourceId, node.runId);
    const entry = run ? metricEntries(run, []).find((m) => m.key === node.key && m.file === node.file) : undefined;
    if (!run || !entry) return new vscode.TreeItem('(gone)');
    const definition = findDefinition(this.definitionsOf(node.sourceId), entry.key, entry.baseKey);
    const item = new vscode.TreeItem(
      `${entry.baseKey} = ${formatMetricValue(entry.value)}${definition?.unit ? ` ${definition.unit}` : ''}`,
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = `metric|${node.sourceId}|${node.runId}|${node.file ?? ''}|${node.key}`;
    const parts: string[] = [];
    if (entry.split) parts.push(entry.split);
    else if (entry.key !== entry.baseKey) parts.push(entry.key);
    if (entry.key !== 'step' && (entry.points > 1 || (entry.step !== undefined && entry.step !== 0)))
      parts.push(`step ${entry.step ?? 0}`);
    // When a run combines files, the series of the less common files say where they come from.
    const main = mainFile(run);
    if (entry.file && main !== undefined && entry.file !== main) parts.push(entry.file);
    item.description = parts.join(' · ');
    const breach =
      typeof entry.value === 'number' &&
      definition?.threshold !== undefined &&
      definition.goal !== undefined &&
      breachesThreshold(entry.value, definition.threshold, definition.goal);
    item.iconPath = breach
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : new vscode.ThemeIcon(entry.points > 1 ? 'graph-line' : 'symbol-number');
    item.contextValue = `mlopsMetric${entry.points > 1 ? ' steps' : ''}${typeof entry.value === 'number' ? ' numeric' : ''}`;
    const md = markdown();
    md.appendMarkdown('`');
    md.appendText(entry.key);
    md.appendMarkdown('` = ');
    md.appendText(typeof entry.value === 'number' ? String(entry.value) : entry.value);
    md.appendMarkdown('\n\n');
    const rows: [string, string][] = [];
    if (definition?.label) rows.push(['Metric', definition.label]);
    if (entry.file) rows.push(['File', entry.file]);
    if (entry.split) rows.push(['Split', entry.split]);
    if (entry.points > 1) rows.push(['Steps', `${entry.points} points, last at step ${entry.step ?? 0}`]);
    if (definition?.goal) rows.push(['Goal', definition.goal === 'maximize' ? 'higher is better' : 'lower is better']);
    if (definition?.threshold !== undefined)
      rows.push(['Threshold', `${definition.threshold}${breach ? ' (not met)' : ''}`]);
    for (const [k, v] of rows) {
      md.appendMarkdown(`**${k}:** `);
      md.appendText(v);
      md.appendMarkdown('  \n');
    }
    item.tooltip = md;
    item.accessibilityInformation = {
      label: `${entry.key} ${formatMetricValue(entry.value)}${breach ? ', below its threshold' : ''}`,
    };
    return item;
  }
}

/** `a1b2c3d fraud-classifier@v1.0.0 — subject` for a revision; the run name otherwise. */
export function runLabel(run: Run): string {
  return runTitle(run);
}

/** The metrics of a run, defined ones first (in mlops.yaml order), then by key; splits in train, validation, test order. */
export function metricEntries(run: Run, definitions: readonly MetricDefinition[]): MetricEntry[] {
  const entries: MetricEntry[] = [];
  const add = (s: MetricSeries) => {
    const point = latest(s);
    if (point)
      entries.push({
        key: s.key,
        baseKey: s.baseKey || s.key,
        split: s.split,
        file: s.file,
        value: point.value,
        step: point.step,
        points: s.points.length,
      });
  };
  run.metrics.forEach(add);
  for (const t of run.textMetrics ?? [])
    entries.push({ key: t.key, baseKey: t.key, file: t.file, value: t.value, points: 1 });
  const rank = (e: MetricEntry) => {
    const i = definitions.findIndex((d) => d.key === e.key || d.key === e.baseKey);
    return i < 0 ? definitions.length : i;
  };
  return entries.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.baseKey.localeCompare(b.baseKey) ||
      (SPLIT_ORDER[a.split ?? ''] ?? 3) - (SPLIT_ORDER[b.split ?? ''] ?? 3) ||
      a.key.localeCompare(b.key) ||
      (a.file ?? '').localeCompare(b.file ?? ''),
  );
}

/** The file most of a run's series come from, when they come from more than one file. */
function mainFile(run: Run): string | undefined {
  const counts = new Map<string, number>();
  for (const s of run.metrics) if (s.file) counts.set(s.file, (counts.get(s.file) ?? 0) + 1);
  if (counts.size < 2) return undefined;
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}

function runIcon(run: Run, source: ServiceSource): vscode.ThemeIcon {
  const info = run.revisionInfo;
  if (info) {
    if (run.experiment) return new vscode.ThemeIcon('beaker', new vscode.ThemeColor('charts.purple'));
    if (info.tags.length) return new vscode.ThemeIcon('tag', new vscode.ThemeColor('charts.blue'));
    return new vscode.ThemeIcon('git-commit');
  }
  if (run.id === 'workspace') return new vscode.ThemeIcon('edit');
  switch (run.status) {
    case 'running':
      return new vscode.ThemeIcon('sync~spin');
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    case 'killed':
      return new vscode.ThemeIcon('circle-slash');
    case 'scheduled':
      return new vscode.ThemeIcon('clock');
    case 'finished':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    default:
      return new vscode.ThemeIcon(source.kind === 'tensorboard' ? 'graph-line' : 'play-circle');
  }
}

function markdown(): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.supportHtml = false;
  md.isTrusted = false;
  return md;
}

/** Sources whose rows are the workspace or git revisions of declared metrics files (not tracker runs). */
function explainsEmpty(source: ServiceSource): boolean {
  return source.kind === 'git' || source.kind === 'file' || source.kind === 'dvc';
}

/** The run's facts for its tooltip; every name and value from the data is appended as text. */
function runTooltip(run: Run, source: ServiceSource): vscode.MarkdownString {
  const md = markdown();
  const info = run.revisionInfo;
  md.appendMarkdown('**');
  md.appendText(runLabel(run));
  md.appendMarkdown('**\n\n');
  const rows: [string, string][] = [];
  if (info) {
    rows.push(['Commit', info.sha]);
    rows.push(['Author', `${info.author}${info.authorEmail ? ` <${info.authorEmail}>` : ''}`]);
    rows.push(['Date', formatDate(info.date)]);
    if (info.tags.length) rows.push(['Tags', info.tags.join(', ')]);
    if (run.experiment) rows.push(['DVC experiment', run.experiment]);
    const branches = info.refs.filter((r) => !r.startsWith('refs/') && !info.tags.includes(r));
    if (branches.length) rows.push(['Branch', branches.join(', ')]);
  } else {
    rows.push(['Run ID', run.id]);
    if (run.experiment) rows.push(['Experiment', run.experiment]);
    if (run.status !== 'unknown') rows.push(['Status', run.status]);
    if (run.time !== undefined) rows.push([run.id === 'workspace' ? 'Changed' : 'Started', formatDate(run.time)]);
  }
  rows.push(['Source', `${source.label} · ${source.where}`]);
  for (const [k, v] of rows) {
    md.appendMarkdown(`**${k}:** `);
    md.appendText(v);
    md.appendMarkdown('  \n');
  }
  const params = Object.entries(run.params);
  if (params.length) {
    md.appendMarkdown('\n**Parameters**\n\n');
    for (const [k, v] of params.slice(0, 24)) {
      md.appendMarkdown('- ');
      md.appendText(`${k} = ${v}`);
      md.appendMarkdown('\n');
    }
    if (params.length > 24) md.appendMarkdown(`- … ${params.length - 24} more\n`);
  }
  const count = run.metrics.length + (run.textMetrics?.length ?? 0);
  md.appendMarkdown(`\n${count} metric${count === 1 ? '' : 's'}`);
  return md;
}

function problemItem(
  problem: SourceProblem | undefined,
  node: Extract<ExperimentsNode, { type: 'problem' }>,
): vscode.TreeItem {
  const message = problem?.message ?? '';
  const item = new vscode.TreeItem(
    message.length > 160 ? `${message.slice(0, 159)}…` : message,
    vscode.TreeItemCollapsibleState.None,
  );
  item.id = `problem|${node.sourceId}|${node.index}|${message.slice(0, 80)}`;
  const warning = problem?.severity !== 'info';
  item.iconPath = new vscode.ThemeIcon(
    warning ? 'warning' : 'info',
    warning ? new vscode.ThemeColor('list.warningForeground') : undefined,
  );
  item.contextValue = `mlopsProblem ${warning ? 'warning' : 'info'}`;
  const md = markdown();
  md.appendText(message);
  if (problem?.detail) {
    md.appendMarkdown('\n\n');
    md.appendText(problem.detail);
  }
  item.tooltip = md;
  return item;
}
