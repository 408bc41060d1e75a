// What the Pipeline Checks panel shows, computed from the host's reports and the UI state: filtering, grouping by
// check or by model, counts. No DOM here.
import type { CheckResult, CheckSummary } from '../../src/core/checks/types';
import type { CheckTypeDoc, FolderReport } from '../../src/protocol/checks';

/** What the panel knows of each check type (its facts), by type. */
export type TypeFacts = ReadonlyMap<string, Pick<CheckTypeDoc, 'retraining'>>;

export type GroupBy = 'check' | 'model';
export type Filter = 'error' | 'warning' | 'info' | 'passed';

/** The panel's UI state: what the user chose, never data. Saved with setState and restored after a reload. */
export interface UiState {
  groupBy: GroupBy;
  show: Record<Filter, boolean>;
  text: string;
  retrainOnly: boolean;
  /** Groups the user closed or opened, by group key (the default: open when they have findings). */
  open: Record<string, boolean>;
}

export function defaultState(): UiState {
  return {
    groupBy: 'check',
    show: { error: true, warning: true, info: true, passed: false },
    text: '',
    retrainOnly: false,
    open: {},
  };
}

/** A saved state, checked field by field (an older or damaged one falls back to the defaults). */
export function restoreState(saved: unknown): UiState {
  const state = defaultState();
  if (!saved || typeof saved !== 'object') return state;
  const s = saved as Partial<UiState>;
  if (s.groupBy === 'check' || s.groupBy === 'model') state.groupBy = s.groupBy;
  if (s.show && typeof s.show === 'object')
    for (const key of Object.keys(state.show) as Filter[])
      if (typeof s.show[key] === 'boolean') state.show[key] = s.show[key];
  if (typeof s.text === 'string') state.text = s.text.slice(0, 200);
  if (typeof s.retrainOnly === 'boolean') state.retrainOnly = s.retrainOnly;
  if (s.open && typeof s.open === 'object')
    for (const [k, v] of Object.entries(s.open)) if (typeof v === 'boolean') state.open[k] = v;
  return state;
}

/** The filter a result falls under: its severity when it failed, passed when it passed or was skipped. */
export function filterOf(result: CheckResult): Filter {
  return result.status === 'pass' || result.status === 'skip' ? 'passed' : result.severity;
}

export interface ShownResult {
  folder: FolderReport;
  result: CheckResult;
  check?: CheckSummary;
}

export interface Group {
  key: string;
  title: string;
  /** The check type of a group by check (for its documentation). */
  type?: string;
  checkId?: string;
  results: ShownResult[];
  /** Counts of the group's results before the severity filter (what it holds). */
  failed: number;
  passed: number;
  /** The worst status among the shown results, for the header's icon. */
  worst: Filter | undefined;
}

const RANK: Record<Filter, number> = { error: 3, warning: 2, info: 1, passed: 0 };

/** Whether a result matches the text filter: its message, target, check, model, dataset, file or hint. */
function matchesText(item: ShownResult, text: string): boolean {
  if (!text) return true;
  const r = item.result;
  const haystack = [
    r.message,
    r.target,
    r.checkId,
    r.type,
    r.model,
    r.dataset,
    r.location?.file,
    r.hint,
    item.check?.title,
  ]
    .filter(Boolean)
    .join('\n')
    .toLowerCase();
  return text
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

/** Counts by filter of the results that pass the text and retrain filters (what the filter toggles show). */
export function countsByFilter(
  folders: readonly FolderReport[],
  state: UiState,
  facts: TypeFacts = new Map(),
): Record<Filter, number> {
  const counts: Record<Filter, number> = { error: 0, warning: 0, info: 0, passed: 0 };
  for (const item of candidates(folders, state, facts)) counts[filterOf(item.result)]++;
  return counts;
}

function candidates(folders: readonly FolderReport[], state: UiState, facts: TypeFacts): ShownResult[] {
  const out: ShownResult[] = [];
  for (const folder of folders) {
    for (const result of folder.results) {
      const item = { folder, result, check: folder.checks.find((c) => c.id === result.checkId) };
      if (state.retrainOnly && !isRetrain(result, facts)) continue;
      if (!matchesText(item, state.text.trim())) continue;
      out.push(item);
    }
  }
  return out;
}

/** Retraining results, by their check type's facts: every result of a retraining check, or its failures. */
export function isRetrain(result: CheckResult, facts: TypeFacts): boolean {
  const retraining = facts.get(result.type)?.retraining;
  return result.retrain === true || retraining === 'all' || (retraining === 'failures' && result.status === 'fail');
}

/** The groups to show, in report order, each with its shown results; groups with nothing shown are left out. */
export function buildGroups(folders: readonly FolderReport[], state: UiState, facts: TypeFacts = new Map()): Group[] {
  const many = folders.filter((f) => f.status === 'ok').length > 1;
  const groups = new Map<string, Group>();
  const all = candidates(folders, state, facts);
  for (const item of all) {
    const { folder, result, check } = item;
    const prefix = many ? `${folder.name} · ` : '';
    const byCheck = state.groupBy === 'check';
    const owner = result.model ? `Model ${result.model}` : result.dataset ? `Dataset ${result.dataset}` : 'Workspace';
    const key = `${folder.folder}\u0000${byCheck ? result.checkId : owner}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        title: prefix + (byCheck ? (check?.title ?? result.checkId) : owner),
        type: byCheck ? result.type : undefined,
        checkId: byCheck ? result.checkId : undefined,
        results: [],
        failed: 0,
        passed: 0,
        worst: undefined,
      };
      groups.set(key, group);
    }
    const filter = filterOf(result);
    if (filter === 'passed') group.passed++;
    else group.failed++;
    if (!state.show[filter]) continue;
    group.results.push(item);
    if (!group.worst || RANK[filter] > RANK[group.worst]) group.worst = filter;
  }
  const list = [...groups.values()].filter((g) => g.results.length > 0);
  // By model: models first (by name), then datasets, then the workspace-wide findings.
  if (state.groupBy === 'model') {
    const order = (g: Group) => (g.title.includes('Model ') ? 0 : g.title.includes('Dataset ') ? 1 : 2);
    list.sort((a, b) => order(a) - order(b) || a.title.localeCompare(b.title));
  }
  // Within a group: findings first (most severe first), then passes, keeping report order otherwise.
  for (const group of list) group.results.sort((a, b) => RANK[filterOf(b.result)] - RANK[filterOf(a.result)]);
  return list;
}

/** `file:line:column`, `file:line` or `file`. */
export function locationText(result: CheckResult): string | undefined {
  const l = result.location;
  if (!l) return undefined;
  return l.line === undefined
    ? l.file
    : l.column === undefined
      ? `${l.file}:${l.line}`
      : `${l.file}:${l.line}:${l.column}`;
}
