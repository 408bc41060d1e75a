// The Pipeline Checks panel: the results of the last run grouped by check or by model, severity and text filters,
// rerun, a jump to each finding, the documentation of each check type. It talks to the host only through the typed
// protocol and keeps only UI state (setState/getState). Every message, path and name is inserted as text.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeCheckbox } from '@vscode-elements/elements/dist/vscode-checkbox/vscode-checkbox.js';
import type { CheckResult } from '../../src/core/checks/types';
import type {
  CheckTypeDoc,
  FolderProblem,
  FolderReport,
  HostToWebview,
  WebviewToHost,
} from '../../src/protocol/checks';
import { connect, el } from '../shared/vscodeApi';
import {
  buildGroups,
  countsByFilter,
  filterOf,
  locationText,
  restoreState,
  type Filter,
  type Group,
  type GroupBy,
  type UiState,
} from './model';

const channel = connect<WebviewToHost, HostToWebview, UiState>();

const FILTERS: { filter: Filter; label: string; icon: string }[] = [
  { filter: 'error', label: 'Errors', icon: 'error' },
  { filter: 'warning', label: 'Warnings', icon: 'warning' },
  { filter: 'info', label: 'Info', icon: 'info' },
  { filter: 'passed', label: 'Passed', icon: 'pass' },
];

const STATUS_ICON: Record<Filter, string> = { error: 'error', warning: 'warning', info: 'info', passed: 'pass' };
const STATUS_WORD: Record<Filter, string> = { error: 'Error', warning: 'Warning', info: 'Info', passed: 'Passed' };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

class ChecksApp {
  private state: UiState;
  private docs = new Map<string, CheckTypeDoc>();
  private folders: FolderReport[] | undefined;
  private running = false;
  private trusted = true;

  private readonly root =
    document.getElementById('root') ?? document.body.appendChild(el('main', { attrs: { id: 'root' } }));
  private readonly summary = el('p', { className: 'ck-summary' });
  private readonly rerun = el('vscode-button', {
    text: 'Rerun',
    attrs: { icon: 'refresh', title: 'Run the pipeline checks again', 'aria-label': 'Rerun the pipeline checks' },
  });
  private readonly groupBy = el('vscode-radio-group', { attrs: { 'aria-label': 'Group results by' } });
  private readonly filterBoxes = new Map<Filter, VscodeCheckbox>();
  private readonly text = el('vscode-textfield', {
    attrs: { id: 'ck-text', placeholder: 'Filter by text, file, model…', 'aria-label': 'Filter results by text' },
  });
  private readonly retrainOnly = el('vscode-checkbox', {
    attrs: { id: 'ck-retrain', label: 'Retraining only', title: 'Only staleness and metric-threshold results' },
  });
  private readonly status = el('div', { className: 'ck-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly notice = el('div', { className: 'ck-notice', attrs: { role: 'note' } });
  private readonly problems = el('section', {
    className: 'ck-problems',
    attrs: { 'aria-label': 'Configuration problems' },
  });
  private readonly list = el('section', { className: 'ck-groups', attrs: { 'aria-label': 'Check results' } });

  constructor() {
    this.state = restoreState(channel.state());
    const codicons = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].find((l) =>
      l.href.endsWith('codicon.css'),
    );
    if (codicons && !document.getElementById('vscode-codicon-stylesheet')) codicons.id = 'vscode-codicon-stylesheet';
    this.buildLayout();
    this.showLoading();
    channel.onMessage((m) => this.onMessage(m));
    channel.ready();
  }

  // ------------------------------------------------------------------------------------------------ layout

  private buildLayout(): void {
    this.rerun.addEventListener('click', () => channel.post({ type: 'rerun' }));
    const header = el('header', { className: 'ck-header' }, [
      el('div', { className: 'ck-title' }, [el('h1', { text: 'Pipeline Checks' }), this.summary]),
      this.rerun,
    ]);

    for (const [value, label] of [
      ['check', 'By check'],
      ['model', 'By model'],
    ] as [GroupBy, string][]) {
      const radio = el('vscode-radio', { attrs: { name: 'ck-group-by', value, label } });
      radio.checked = this.state.groupBy === value;
      radio.addEventListener('change', () => {
        if (!radio.checked) return;
        this.state.groupBy = value;
        this.save();
        this.render();
      });
      this.groupBy.append(radio);
    }
    const filters = el('div', {
      className: 'ck-filters',
      attrs: { role: 'group', 'aria-label': 'Show results by severity' },
    });
    for (const { filter, label } of FILTERS) {
      const box = el('vscode-checkbox', {
        attrs: {
          id: `ck-show-${filter}`,
          label,
          title: filter === 'passed' ? 'Passed and skipped results' : `${label} (failing results)`,
        },
      });
      box.checked = this.state.show[filter];
      box.addEventListener('change', () => {
        this.state.show[filter] = box.checked;
        this.save();
        this.render();
      });
      this.filterBoxes.set(filter, box);
      filters.append(box);
    }
    this.text.value = this.state.text;
    this.text.addEventListener('input', () => {
      this.state.text = this.text.value;
      this.save();
      this.render();
    });
    this.retrainOnly.checked = this.state.retrainOnly;
    this.retrainOnly.addEventListener('change', () => {
      this.state.retrainOnly = this.retrainOnly.checked;
      this.save();
      this.render();
    });
    const toolbar = el(
      'div',
      { className: 'ck-toolbar', attrs: { role: 'group', 'aria-label': 'Filters and grouping' } },
      [
        el('div', { className: 'ck-field' }, [
          el('span', { className: 'ck-field-label', text: 'Group' }),
          this.groupBy,
        ]),
        el('div', { className: 'ck-field' }, [el('span', { className: 'ck-field-label', text: 'Show' }), filters]),
        el('div', { className: 'ck-field ck-grow' }, [
          el('label', { className: 'ck-field-label', text: 'Filter', attrs: { for: 'ck-text' } }),
          el('div', { className: 'ck-inline' }, [this.text, this.retrainOnly]),
        ]),
      ],
    );
    this.notice.hidden = true;
    this.root.classList.add('ck-root');
    this.root.replaceChildren(header, toolbar, this.status, this.notice, this.problems, this.list);
  }

  private save(): void {
    channel.saveState(this.state);
  }

  // ------------------------------------------------------------------------------------------------ messages

  private onMessage(message: HostToWebview): void {
    switch (message.type) {
      case 'init':
        this.docs = new Map(message.docs.map((d) => [d.type, d]));
        this.trusted = message.trusted;
        if (message.filter) this.applyFilter(message.filter.retrainOnly === true);
        return;
      case 'filter':
        this.applyFilter(message.filter.retrainOnly === true);
        this.render();
        return;
      case 'running':
        this.running = true;
        this.renderSummary();
        if (!this.folders) this.showLoading();
        return;
      case 'report':
        this.folders = message.folders;
        this.running = message.running;
        this.render();
        return;
    }
  }

  private applyFilter(retrainOnly: boolean): void {
    this.state.retrainOnly = retrainOnly;
    this.retrainOnly.checked = retrainOnly;
    if (retrainOnly) {
      // Show every retraining finding, whatever the severity filters said.
      for (const f of ['error', 'warning', 'info'] as Filter[]) {
        this.state.show[f] = true;
        const box = this.filterBoxes.get(f);
        if (box) box.checked = true;
      }
    }
    this.save();
  }

  // ------------------------------------------------------------------------------------------------ rendering

  private showLoading(): void {
    this.root.setAttribute('aria-busy', 'true');
    this.problems.replaceChildren();
    this.list.replaceChildren(
      el('div', { className: 'loading-state' }, [
        el('vscode-progress-ring', { attrs: { 'aria-label': 'Running' } }),
        el('p', { text: 'Running the pipeline checks…' }),
      ]),
    );
    this.status.textContent = 'Running the pipeline checks…';
  }

  private renderSummary(): void {
    const folders = this.folders ?? [];
    const ran = folders.filter((f) => f.status === 'ok');
    this.rerun.toggleAttribute('disabled', false);
    this.rerun.setAttribute('icon', 'refresh');
    this.rerun.toggleAttribute('icon-spin', this.running);
    if (ran.length === 0) {
      this.summary.textContent = this.running ? 'Running…' : '';
      return;
    }
    const counts = { error: 0, warning: 0, info: 0, passed: 0, skipped: 0 };
    for (const f of ran) for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += f.counts[k];
    const finished = ran.reduce((latest, f) => Math.max(latest, f.finishedAt), -Infinity);
    const seconds = ran.reduce((s, f) => s + f.durationMs, 0) / 1000;
    const checks = ran.reduce((s, f) => s + f.checks.length, 0);
    const parts = [
      `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info`,
      `${counts.passed} passed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`,
      `${plural(checks, 'check')} at ${new Date(finished).toLocaleTimeString()} in ${seconds.toFixed(1)} s`,
    ];
    this.summary.textContent = parts.join(' · ') + (this.running ? ' · running again…' : '');
  }

  private render(): void {
    this.renderSummary();
    const folders = this.folders;
    if (!folders) return;
    this.root.setAttribute('aria-busy', this.running ? 'true' : 'false');
    const counts = countsByFilter(folders, this.state, this.docs);
    for (const { filter, label } of FILTERS) {
      const box = this.filterBoxes.get(filter);
      if (box) {
        box.setAttribute('label', `${label} (${counts[filter]})`);
        box.checked = this.state.show[filter];
      }
    }
    this.renderNotice(folders);
    this.renderProblems(folders);

    const ran = folders.filter((f) => f.status === 'ok');
    if (folders.length === 0) {
      this.empty('No folder is open', 'Open a folder that has an mlops.yaml to run its pipeline checks.');
      return;
    }
    if (folders.every((f) => f.status === 'no-config')) {
      this.empty(
        'No mlops.yaml in this workspace',
        'Pipeline checks read the models, datasets, metrics and checks declared in mlops.yaml at the root of a workspace folder.',
        [this.button('Create mlops.yaml', 'new-file', () => channel.post({ type: 'createConfig' }))],
      );
      return;
    }
    if (ran.length === 0) {
      this.list.replaceChildren();
      this.status.textContent = 'The checks did not run: the problem is described below.';
      return;
    }
    const groups = buildGroups(folders, this.state, this.docs);
    const total = ran.reduce((s, f) => s + f.results.length, 0);
    if (groups.length === 0) {
      const failing = counts.error + counts.warning + counts.info;
      if (failing === 0 && !this.state.text && !this.state.retrainOnly && total > 0) {
        this.empty('No findings', `All ${plural(counts.passed, 'result')} passed. Turn on Passed to list them.`, [
          this.button('Show Passed', 'pass', () => this.setShow('passed', true)),
        ]);
      } else {
        this.empty(
          'Nothing matches the filters',
          `${plural(total, 'result')} in all; change the filters to see them.`,
          [this.button('Clear Filters', 'clear-all', () => this.clearFilters())],
        );
      }
      return;
    }
    this.list.replaceChildren(...groups.map((g) => this.renderGroup(g)));
    const shown = groups.reduce((s, g) => s + g.results.length, 0);
    this.status.textContent = `${plural(shown, 'result')} shown in ${plural(groups.length, 'group')}.`;
  }

  private empty(title: string, hint: string, actions: HTMLElement[] = []): void {
    this.list.replaceChildren(
      el('div', { className: 'empty-state' }, [
        el('h2', { text: title }),
        el('p', { text: hint }),
        ...(actions.length ? [el('div', { className: 'ck-actions' }, actions)] : []),
      ]),
    );
    this.status.textContent = `${title}. ${hint}`;
  }

  private button(text: string, icon: string, onClick: () => void, secondary = false): HTMLElement {
    const b = el('vscode-button', { text, attrs: { icon, ...(secondary ? { secondary: '' } : {}) } });
    b.addEventListener('click', onClick);
    return b;
  }

  private setShow(filter: Filter, on: boolean): void {
    this.state.show[filter] = on;
    this.save();
    this.render();
  }

  private clearFilters(): void {
    this.state.text = '';
    this.text.value = '';
    this.state.retrainOnly = false;
    this.retrainOnly.checked = false;
    for (const { filter } of FILTERS) this.state.show[filter] = true;
    this.save();
    this.render();
  }

  private renderNotice(folders: FolderReport[]): void {
    const notice = folders.find((f) => f.notice)?.notice;
    this.notice.hidden = !notice;
    if (!notice) {
      this.notice.replaceChildren();
      return;
    }
    this.notice.replaceChildren(
      el('span', { className: 'codicon codicon-shield', attrs: { 'aria-hidden': 'true' } }),
      el('span', { text: notice }),
      ...(this.trusted
        ? []
        : [this.button('Manage Workspace Trust', 'workspace-trusted', () => channel.post({ type: 'trust' }), true)]),
    );
  }

  private renderProblems(folders: FolderReport[]): void {
    const broken = folders.filter((f) => f.status === 'config-error' || f.status === 'failed');
    this.problems.replaceChildren(
      ...broken.map((folder) => {
        const title =
          folder.status === 'config-error'
            ? `${folders.length > 1 ? `${folder.name}: ` : ''}mlops.yaml cannot be used, so the checks did not run`
            : `${folders.length > 1 ? `${folder.name}: ` : ''}The checks could not run`;
        return el('div', { className: 'error-state ck-problem', attrs: { role: 'alert' } }, [
          el('h2', { text: title }),
          el(
            'ul',
            {},
            folder.problems.map((p) =>
              el('li', {}, [
                el('span', { className: 'ck-problem-message', text: problemText(p) }),
                ...(p.file ? [this.openButton(folder, p)] : []),
              ]),
            ),
          ),
          el('p', {
            className: 'ck-hint',
            text:
              folder.status === 'config-error'
                ? 'Fix mlops.yaml and save it: the checks run again on their own.'
                : 'Rerun the checks; the log (MLOps: Open Log) has the details.',
          }),
        ]);
      }),
    );
  }

  private openButton(folder: FolderReport, p: FolderProblem): HTMLElement {
    const where =
      p.line !== undefined
        ? `${p.file ?? ''}:${p.line}${p.column !== undefined ? `:${p.column}` : ''}`
        : (p.file ?? '');
    return this.button(
      `Open ${where}`,
      'go-to-file',
      () =>
        channel.post({
          type: 'open',
          folder: folder.folder,
          file: p.file ?? 'mlops.yaml',
          line: p.line,
          column: p.column,
        }),
      true,
    );
  }

  private renderGroup(group: Group): HTMLElement {
    const failing = group.failed;
    const open = this.state.open[group.key] ?? failing > 0;
    const counts = [failing ? plural(failing, 'finding') : 'no findings', group.passed ? `${group.passed} passed` : '']
      .filter(Boolean)
      .join(', ');
    const description = group.checkId ? `${group.checkId} · ${counts}` : counts;
    const collapsible = el('vscode-collapsible', {
      className: `ck-group ck-${group.worst ?? 'passed'}`,
      attrs: { heading: group.title, description },
    });
    collapsible.open = open;
    collapsible.addEventListener('vsc-collapsible-toggle', (event) => {
      this.state.open[group.key] = event.detail.open;
      this.save();
    });
    const decoration = el('span', {
      className: `codicon codicon-${STATUS_ICON[group.worst ?? 'passed']} ck-icon-${group.worst ?? 'passed'}`,
      attrs: { slot: 'decorations', 'aria-hidden': 'true' },
    });
    const body: HTMLElement[] = [];
    const doc = group.type ? this.docs.get(group.type) : undefined;
    if (doc) body.push(this.renderDoc(doc));
    body.push(
      el(
        'ul',
        { className: 'ck-results', attrs: { 'aria-label': group.title } },
        group.results.map((item) => this.renderResult(item.folder, item.result, group)),
      ),
    );
    collapsible.append(decoration, ...body);
    return collapsible;
  }

  private renderDoc(doc: CheckTypeDoc): HTMLElement {
    const link = el('button', {
      className: 'ck-link',
      text: `Documentation of ${doc.type}`,
      attrs: { type: 'button', title: doc.helpUri },
    });
    link.addEventListener('click', () => channel.post({ type: 'openDocs', checkType: doc.type }));
    const details = el('details', { className: 'ck-doc-more' }, [
      el('summary', { text: 'More about this check' }),
      el('p', { text: doc.description }),
    ]);
    return el('div', { className: 'ck-doc' }, [
      el('p', {}, [
        el('span', { className: 'ck-type', text: doc.type }),
        ' ',
        el('span', { text: doc.summary }),
        ' ',
        link,
      ]),
      details,
    ]);
  }

  private renderResult(folder: FolderReport, result: CheckResult, group: Group): HTMLElement {
    const filter = filterOf(result);
    const where = locationText(result);
    const skipped = result.status === 'skip';
    const word = skipped ? 'Skipped' : result.status === 'error' ? 'Check error' : STATUS_WORD[filter];
    const icon = el('span', {
      className: `codicon codicon-${skipped ? 'circle-slash' : STATUS_ICON[filter]} ck-icon-${skipped ? 'skipped' : filter}`,
      attrs: { role: 'img', 'aria-label': word, title: word },
    });
    const message: HTMLElement = where
      ? el('button', {
          className: 'ck-message ck-open',
          text: result.message,
          attrs: { type: 'button', title: `Open ${where}`, 'aria-label': `${word}: ${result.message}. Open ${where}` },
        })
      : el('span', { className: 'ck-message', text: result.message });
    if (where && result.location) {
      const location = result.location;
      message.addEventListener('click', () =>
        channel.post({
          type: 'open',
          folder: folder.folder,
          file: location.file,
          line: location.line,
          column: location.column,
        }),
      );
    }
    const meta: (Node | string)[] = [];
    // What the result is about, unless the group or the location already says it.
    const about = result.model ?? result.dataset ?? result.target;
    const context = group.type
      ? about !== result.location?.file && about !== result.message
        ? about
        : undefined
      : result.checkId;
    if (context) meta.push(el('span', { className: 'ck-target', text: context }));
    if (where) meta.push(el('span', { className: 'ck-where', text: where }));
    if (result.retrain)
      meta.push(
        el('vscode-badge', {
          className: 'ck-retrain',
          text: 'Retrain',
          attrs: { title: 'The model should be retrained' },
        }),
      );
    // Fixes write files: offered once the workspace is trusted.
    const fixLabel = this.trusted ? fixLabelOf(result) : undefined;
    const actions: HTMLElement[] = [];
    if (fixLabel) {
      const fix = el('vscode-button', {
        text: fixLabel.text,
        attrs: {
          secondary: '',
          icon: 'lightbulb',
          title: fixLabel.title,
          'aria-label': `${fixLabel.text}: ${fixLabel.title}`,
        },
      });
      fix.addEventListener('click', () =>
        channel.post({
          type: 'fix',
          folder: folder.folder,
          checkId: result.checkId,
          target: result.target,
          key: result.key,
          file: result.location?.file,
        }),
      );
      actions.push(fix);
    }
    return el('li', { className: `ck-result ck-${skipped ? 'skipped' : filter}` }, [
      icon,
      el('div', { className: 'ck-result-main' }, [
        message,
        el('div', { className: 'ck-meta' }, meta),
        ...(result.hint && filter !== 'passed' ? [el('p', { className: 'ck-hint', text: result.hint })] : []),
      ]),
      ...(actions.length ? [el('div', { className: 'ck-result-actions' }, actions)] : []),
    ]);
  }
}

/** The Fix button of a result that has a quick fix (the same fixes as the light bulb in the editor). */
function fixLabelOf(result: CheckResult): { text: string; title: string } | undefined {
  if (result.status !== 'fail') return undefined;
  if (result.fix?.kind === 'rename')
    return {
      text: 'Rename…',
      title: `Rename ${result.fix.from} to the naming convention (and its path in mlops.yaml)`,
    };
  if (result.fix?.kind === 'appendLine')
    return { text: `Add to ${result.fix.file}`, title: `Add '${result.fix.line}' to ${result.fix.file}` };
  if (result.fix?.kind === 'modelCard' && result.model)
    return { text: 'Create model card', title: `Create a model card for ${result.model} from a template` };
  return undefined;
}

function problemText(p: FolderProblem): string {
  return p.message;
}

new ChecksApp();
