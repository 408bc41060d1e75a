// The Dataset panel: overview cards, a column table with sparkline histograms, a column detail, a version compare
// with per-column drift verdicts, and schema violations. The host sends figures computed by the core; the page only
// lays them out. Every piece of user-derived text (column names, values, paths) is inserted as text.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { Chart } from 'chart.js';
import type {
  ColumnDrift,
  ColumnProfile,
  DatasetProfile,
  DriftReport,
  SchemaViolation,
} from '../../src/core/data/model';
import type { DatasetFacts, DatasetVersionInfo, HostToWebview, WebviewToHost } from '../../src/protocol/dataset';
import { connect, el } from '../shared/vscodeApi';
import { readTheme, watchTheme, type ChartTheme } from '../metricHistory/theme';
import { columnChart, drawSparkline, topValueBins } from './charts';
import {
  driftMarkdown,
  driftScore,
  driftSummary,
  figureKind,
  formatBytes,
  formatDate,
  formatFigure,
  formatNumber,
  formatValue,
  nullShare,
  profileMarkdown,
  QUANTILE_KEYS,
  rowList,
  TEST_NAMES,
} from './format';

interface UiState {
  /** The dataset shown (folder-relative): the host finds it again after a reload. */
  path?: string;
  column?: string;
  reference?: string;
  current?: string;
  tab?: 'profile' | 'compare';
}

type Shown =
  | {
      kind: 'profile';
      profile: DatasetProfile;
      versions: DatasetVersionInfo[];
      facts: DatasetFacts;
      violations?: SchemaViolation[];
      cached: boolean;
    }
  | { kind: 'none' };

const channel = connect<WebviewToHost, HostToWebview, UiState>();
const root = document.getElementById('root')!;
let ui: UiState = channel.state() ?? {};
let shown: Shown = { kind: 'none' };
let compare: { report: DriftReport; reference: DatasetProfile; current: DatasetProfile } | undefined;
let theme: ChartTheme = readTheme();
const charts: Chart[] = [];

// vscode-button draws its icon from the codicon stylesheet it finds by this id.
const codicons = Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')).find((l) =>
  l.href.endsWith('codicon.css'),
);
if (codicons && !document.getElementById('vscode-codicon-stylesheet')) codicons.id = 'vscode-codicon-stylesheet';

const header = el('header', { className: 'ds-header' });
const status = el('div', { className: 'ds-status', attrs: { role: 'status', 'aria-live': 'polite' } });
const body = el('div', { className: 'ds-body' });
root.append(header, status, body);

function save(): void {
  channel.saveState(ui);
}

function clearCharts(): void {
  for (const c of charts.splice(0)) c.destroy();
}

function rendered(view: 'profile' | 'column' | 'compare' | 'state', columns: number): void {
  root.setAttribute('aria-busy', 'false');
  channel.post({ type: 'rendered', view, columns });
}

function button(label: string, icon: string, onClick: () => void, secondary = true, id?: string): HTMLElement {
  const b = el('vscode-button', { text: label, attrs: { icon, ...(id ? { id } : {}) } });
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', onClick);
  return b;
}

function select(
  id: string,
  label: string,
  versions: DatasetVersionInfo[],
  value: string | undefined,
): VscodeSingleSelect {
  const s: VscodeSingleSelect = el('vscode-single-select', { attrs: { id, 'aria-label': label } });
  for (const v of versions) {
    const option = el('vscode-option', {
      text: `${v.label}${v.available ? '' : ' (not pulled)'}`,
      attrs: { value: v.revision, description: formatDate(v.date) },
    });
    if (v.revision === value) option.setAttribute('selected', '');
    s.append(option);
  }
  return s;
}

/** A state the user can act on: a title, what to do, and optional actions. */
function showState(
  kind: 'empty' | 'error' | 'loading',
  title: string,
  hint?: string,
  actions: HTMLElement[] = [],
): void {
  clearCharts();
  const box = el('div', {
    className: `${kind}-state`,
    attrs: kind === 'error' ? { role: 'alert' } : {},
  });
  box.append(el('h2', { text: title }));
  if (hint) box.append(el('p', { className: 'ds-hint', text: hint }));
  if (actions.length) box.append(el('div', { className: 'ds-actions' }, actions));
  body.replaceChildren(box);
  rendered('state', 0);
}

function renderHeader(): void {
  if (shown.kind !== 'profile') {
    header.replaceChildren();
    return;
  }
  const { profile, versions } = shown;
  const title = el('h1', { className: 'ds-title' }, [
    el('span', { className: 'codicon codicon-database', attrs: { 'aria-hidden': 'true' } }),
    el('span', { className: 'ds-path', text: profile.path }),
  ]);
  const picker = select('ds-version', 'Version', versions, profile.revision);
  picker.addEventListener('change', () => {
    if (picker.value && picker.value !== profile.revision) {
      ui.tab = 'profile';
      save();
      channel.post({ type: 'requestProfile', revision: picker.value });
    }
  });
  const tools = el('div', { className: 'ds-tools' }, [
    el('label', { text: 'Version', attrs: { for: 'ds-version' } }),
    picker,
    button('Copy as Markdown', 'copy', copyMarkdown, true, 'ds-copy'),
    button('Infer Schema', 'symbol-structure', () => channel.post({ type: 'inferSchema' }), true, 'ds-infer'),
  ]);
  const compareBar = el('div', { className: 'ds-tools ds-compare-bar' });
  if (versions.length >= 2) {
    // By default the oldest version on this machine: the reference a drift check usually means.
    const reference =
      ui.reference ?? [...versions].reverse().find((v) => v.available && v.revision !== profile.revision)?.revision;
    const current = ui.current ?? profile.revision;
    const refSelect = select('ds-reference', 'Reference version', versions, reference);
    const curSelect = select('ds-current', 'Current version', versions, current);
    compareBar.append(
      el('label', { text: 'Compare', attrs: { for: 'ds-current' } }),
      curSelect,
      el('label', { text: 'against', attrs: { for: 'ds-reference' } }),
      refSelect,
      button(
        'Compare',
        'diff',
        () => {
          ui.reference = refSelect.value;
          ui.current = curSelect.value;
          ui.tab = 'compare';
          save();
          channel.post({ type: 'requestCompare', reference: refSelect.value, current: curSelect.value });
        },
        false,
        'ds-compare',
      ),
    );
    if (ui.tab === 'compare' && compare)
      compareBar.append(
        button('Back to profile', 'arrow-left', () => {
          ui.tab = 'profile';
          save();
          render();
        }),
      );
  } else {
    compareBar.append(el('span', { className: 'ds-muted', text: 'One version only: commit a change to compare.' }));
  }
  header.replaceChildren(title, tools, compareBar);
}

function card(label: string, value: string, detail?: string): HTMLElement {
  return el('div', { className: 'ds-card', attrs: { role: 'group', 'aria-label': label } }, [
    el('div', { className: 'ds-card-label', text: label }),
    el('div', { className: 'ds-card-value', text: value }),
    ...(detail ? [el('div', { className: 'ds-card-detail', text: detail })] : []),
  ]);
}

function overview(profile: DatasetProfile, facts: DatasetFacts, cached: boolean): HTMLElement {
  return el('section', { className: 'ds-cards', attrs: { 'aria-label': 'Overview' } }, [
    card(
      'Rows',
      formatNumber(profile.rows),
      profile.badRows.count ? `${formatNumber(profile.badRows.count)} unreadable` : undefined,
    ),
    card('Columns', formatNumber(profile.columns.length)),
    card('Size', formatBytes(profile.bytes), profile.format.toUpperCase()),
    card('Last change', formatDate(facts.lastChange)),
    card('Update frequency', facts.updateFrequency ?? '—'),
    card('Figures', profile.exact ? 'exact' : 'sketched', `${cached ? 'cached · ' : ''}${profile.hash.slice(0, 12)}`),
  ]);
}

function columnTable(profile: DatasetProfile): HTMLElement {
  const table = el('table', {
    className: 'ds-table ds-columns',
    attrs: {
      role: 'grid',
      'aria-label': 'Columns (Enter opens a column)',
      'aria-rowcount': String(profile.columns.length + 1),
    },
  });
  const head = el('tr', { attrs: { role: 'row' } }, [
    ...['Column', 'Type', 'Nulls', 'Distinct', 'Min', 'Max', 'Mean', 'Distribution'].map((h) =>
      el('th', { text: h, attrs: { role: 'columnheader', scope: 'col' } }),
    ),
  ]);
  table.append(el('thead', {}, [head]));
  const rows = el('tbody');
  const sparklines: [HTMLCanvasElement, ColumnProfile][] = [];
  profile.columns.forEach((c, i) => {
    const canvas = el('canvas', {
      className: 'ds-spark',
      attrs: { role: 'img', 'aria-label': `Distribution of ${c.name}`, width: '96', height: '20' },
    });
    sparklines.push([canvas, c]);
    const tr = el('tr', {
      className: `ds-row${ui.column === c.name ? ' selected' : ''}`,
      attrs: {
        role: 'row',
        tabindex: ui.column === c.name || (!ui.column && i === 0) ? '0' : '-1',
        'aria-selected': String(ui.column === c.name),
        'data-column': c.name,
      },
    });
    tr.append(
      el('td', { className: 'ds-name', text: c.name, attrs: { role: 'gridcell' } }),
      el('td', { text: c.type, attrs: { role: 'gridcell' } }),
      el('td', { className: 'num', text: nullShare(c), attrs: { role: 'gridcell' } }),
      el('td', {
        className: 'num',
        text: formatFigure(c.distinct),
        attrs: { role: 'gridcell', title: figureKind(c.distinct) },
      }),
      el('td', { className: 'num', text: formatValue(c.min), attrs: { role: 'gridcell' } }),
      el('td', { className: 'num', text: formatValue(c.max), attrs: { role: 'gridcell' } }),
      el('td', { className: 'num', text: formatNumber(c.mean), attrs: { role: 'gridcell' } }),
      el('td', { attrs: { role: 'gridcell' } }, [canvas]),
    );
    tr.addEventListener('click', () => selectColumn(c.name));
    rows.append(tr);
  });
  rows.addEventListener('keydown', (event) => {
    const row = (event.target as HTMLElement).closest('tr');
    if (!row) return;
    const all = Array.from(rows.querySelectorAll('tr'));
    const index = all.indexOf(row);
    let next: HTMLTableRowElement | undefined;
    if (event.key === 'ArrowDown') next = all[Math.min(all.length - 1, index + 1)];
    else if (event.key === 'ArrowUp') next = all[Math.max(0, index - 1)];
    else if (event.key === 'Home') next = all[0];
    else if (event.key === 'End') next = all[all.length - 1];
    else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      selectColumn(row.dataset.column ?? '');
      return;
    }
    if (next) {
      event.preventDefault();
      for (const r of all) r.setAttribute('tabindex', '-1');
      next.setAttribute('tabindex', '0');
      next.focus();
    }
  });
  table.append(rows);
  requestAnimationFrame(() => {
    for (const [canvas, c] of sparklines)
      drawSparkline(canvas, c.histogram?.length ? c.histogram : topValueBins(c), theme.base[0] ?? theme.foreground);
  });
  return table;
}

function selectColumn(name: string): void {
  ui.column = ui.column === name ? undefined : name;
  save();
  render(true);
}

function smallTable(label: string, header: string[], rows: string[][], numeric: number[] = []): HTMLElement {
  const table = el('table', { className: 'ds-table ds-small', attrs: { role: 'table', 'aria-label': label } });
  table.append(
    el('thead', {}, [
      el(
        'tr',
        { attrs: { role: 'row' } },
        header.map((h) => el('th', { text: h, attrs: { role: 'columnheader', scope: 'col' } })),
      ),
    ]),
    el(
      'tbody',
      {},
      rows.map((r) =>
        el(
          'tr',
          { attrs: { role: 'row' } },
          r.map((v, i) => el('td', { text: v, className: numeric.includes(i) ? 'num' : '', attrs: { role: 'cell' } })),
        ),
      ),
    ),
  );
  return table;
}

function columnDetail(column: ColumnProfile): HTMLElement {
  const section = el('section', {
    className: 'ds-detail',
    attrs: { 'aria-label': `Column ${column.name}`, tabindex: '-1', id: 'ds-detail' },
  });
  const close = button('Close', 'close', () => selectColumn(column.name));
  section.append(
    el('div', { className: 'ds-detail-head' }, [
      el('h2', {}, [el('span', { text: 'Column ' }), el('span', { className: 'ds-name', text: column.name })]),
      el('span', { className: 'ds-badge', text: column.type }),
      close,
    ]),
  );
  const facts: string[][] = [
    ['Values', formatNumber(column.count), 'exact'],
    ['Nulls', nullShare(column), 'exact'],
    ['Distinct', formatFigure(column.distinct), figureKind(column.distinct)],
    ['Min', formatValue(column.min), 'exact'],
    ['Max', formatValue(column.max), 'exact'],
    ['Mean', formatNumber(column.mean), 'exact'],
    ['Std', formatNumber(column.std), 'exact'],
  ];
  if (column.length)
    facts.push([
      'String length',
      `${column.length.min}–${column.length.max} (mean ${formatNumber(column.length.mean)})`,
      'exact',
    ]);
  const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `Histogram of ${column.name}` } });
  const chartBox = el('div', { className: 'ds-chart' }, [canvas]);
  const side = el('div', { className: 'ds-detail-tables' }, [
    smallTable('Statistics', ['Figure', 'Value', 'How'], facts, [1]),
  ]);
  if (column.quantiles)
    side.append(
      smallTable(
        'Quantiles',
        ['Quantile', 'Value', 'How'],
        QUANTILE_KEYS.filter((q) => column.quantiles?.[q]).map((q) => {
          const f = column.quantiles![q]!;
          return [`${Number(q) * 100}%`, formatFigure(f), figureKind(f)];
        }),
        [1],
      ),
    );
  if (column.topValues?.length)
    side.append(
      smallTable(
        'Top values',
        ['Value', 'Count', 'Share'],
        column.topValues.map((t) => [
          t.value,
          formatNumber(t.count),
          `${((t.count / Math.max(1, column.count + column.nulls)) * 100).toFixed(1)}%`,
        ]),
        [1, 2],
      ),
    );
  section.append(el('div', { className: 'ds-detail-grid' }, [chartBox, side]));
  requestAnimationFrame(() => {
    charts.push(
      columnChart(canvas, [{ label: column.name, column, colour: theme.base[0] ?? theme.foreground }], theme),
    );
  });
  return section;
}

function violationsSection(violations: readonly SchemaViolation[]): HTMLElement {
  const section = el('section', { className: 'ds-violations', attrs: { 'aria-label': 'Schema violations' } });
  section.append(
    el('h2', {}, [
      el('span', { className: 'codicon codicon-warning', attrs: { 'aria-hidden': 'true' } }),
      el('span', { text: ` Schema violations (${violations.length})` }),
    ]),
    smallTable(
      'Schema violations',
      ['Column', 'Rule', 'Message', 'Rows'],
      violations.map((v) => [v.column ?? '(dataset)', v.rule, v.message, rowList(v)]),
    ),
  );
  return section;
}

function renderProfile(focusDetail: boolean): void {
  if (shown.kind !== 'profile') return;
  const { profile, facts, violations, cached } = shown;
  const parts: HTMLElement[] = [overview(profile, facts, cached)];
  if (profile.rows === 0 && profile.columns.length === 0) {
    parts.push(el('div', { className: 'empty-state' }, [el('h2', { text: 'This version has no rows' })]));
  }
  if (violations?.length) parts.push(violationsSection(violations));
  parts.push(columnTable(profile));
  const column = profile.columns.find((c) => c.name === ui.column);
  if (column) parts.push(columnDetail(column));
  if (profile.badRows.count)
    parts.push(
      el('p', {
        className: 'ds-muted',
        text: `${formatNumber(profile.badRows.count)} rows could not be read (lines ${profile.badRows.lines.join(', ')}${profile.badRows.count > profile.badRows.lines.length ? ', …' : ''}).`,
      }),
    );
  body.replaceChildren(...parts);
  if (focusDetail && column) document.getElementById('ds-detail')?.focus();
  rendered(column ? 'column' : 'profile', profile.columns.length);
}

function verdictCell(c: ColumnDrift): HTMLElement {
  return el('td', { className: `ds-verdict ${c.drifted ? 'drifted' : 'stable'}`, attrs: { role: 'gridcell' } }, [
    el('span', {
      className: `codicon codicon-${c.drifted ? 'warning' : 'pass'}`,
      attrs: { 'aria-hidden': 'true' },
    }),
    el('span', { text: c.drifted ? ' drifted' : ' stable' }),
  ]);
}

function renderCompare(): void {
  if (!compare) return;
  const { report, reference, current } = compare;
  const summary = el(
    'div',
    {
      className: `ds-summary ${report.drifted ? 'drifted' : 'stable'}`,
      attrs: { role: 'note' },
    },
    [
      el('span', {
        className: `codicon codicon-${report.drifted ? 'warning' : 'pass'}`,
        attrs: { 'aria-hidden': 'true' },
      }),
      el('span', { text: ` ${driftSummary(report)}` }),
    ],
  );
  const title = el('h2', {}, [
    el('span', { text: 'Drift of ' }),
    el('span', { className: 'ds-rev', text: report.current }),
    el('span', { text: ' against ' }),
    el('span', { className: 'ds-rev', text: report.reference }),
  ]);
  const table = el('table', {
    className: 'ds-table ds-drift',
    attrs: { role: 'grid', 'aria-label': 'Drift per column (Enter overlays its histograms)' },
  });
  table.append(
    el('thead', {}, [
      el(
        'tr',
        { attrs: { role: 'row' } },
        ['Column', 'Test', 'Score', 'Threshold', 'Verdict'].map((h) =>
          el('th', { text: h, attrs: { role: 'columnheader', scope: 'col' } }),
        ),
      ),
    ]),
  );
  const rows = el('tbody');
  const selected =
    ui.column && report.columns.some((c) => c.column === ui.column)
      ? ui.column
      : (report.columns.find((c) => c.drifted)?.column ?? report.columns[0]?.column);
  for (const c of report.columns) {
    const tr = el(
      'tr',
      {
        className: `ds-row${c.column === selected ? ' selected' : ''}`,
        attrs: {
          role: 'row',
          tabindex: c.column === selected ? '0' : '-1',
          'aria-selected': String(c.column === selected),
          'data-column': c.column,
        },
      },
      [
        el('td', { className: 'ds-name', text: c.column, attrs: { role: 'gridcell' } }),
        el('td', { text: TEST_NAMES[c.test] ?? c.test, attrs: { role: 'gridcell' } }),
        el('td', { className: 'num', text: driftScore(c.score), attrs: { role: 'gridcell' } }),
        el('td', { className: 'num', text: String(c.threshold), attrs: { role: 'gridcell' } }),
        verdictCell(c),
      ],
    );
    const pick = () => {
      ui.column = c.column;
      save();
      renderCompare();
      body.querySelector<HTMLElement>(`tr[data-column="${CSS.escape(c.column)}"]`)?.focus();
    };
    tr.addEventListener('click', pick);
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        pick();
      } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const next = (
          event.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling
        ) as HTMLElement | null;
        if (next) {
          tr.setAttribute('tabindex', '-1');
          next.setAttribute('tabindex', '0');
          next.focus();
        }
      }
    });
    rows.append(tr);
  }
  table.append(rows);
  const parts: HTMLElement[] = [title, summary, table];
  const refColumn = reference.columns.find((c) => c.name === selected);
  const curColumn = current.columns.find((c) => c.name === selected);
  if (selected && (refColumn || curColumn)) {
    const canvas = el('canvas', {
      attrs: { role: 'img', 'aria-label': `Histograms of ${selected}: ${report.reference} and ${report.current}` },
    });
    parts.push(
      el('section', { className: 'ds-detail', attrs: { 'aria-label': `Column ${selected} in both versions` } }, [
        el('h3', {}, [el('span', { text: 'Column ' }), el('span', { className: 'ds-name', text: selected })]),
        el('div', { className: 'ds-chart' }, [canvas]),
      ]),
    );
    clearCharts();
    requestAnimationFrame(() => {
      const series = [];
      if (refColumn)
        series.push({ label: `reference ${report.reference}`, column: refColumn, colour: theme.base[0] ?? '#3794ff' });
      if (curColumn)
        series.push({ label: `current ${report.current}`, column: curColumn, colour: theme.base[1] ?? '#d18616' });
      charts.push(columnChart(canvas, series, theme));
    });
  }
  body.replaceChildren(...parts);
  rendered('compare', report.columns.length);
}

function render(focusDetail = false): void {
  clearCharts();
  renderHeader();
  if (ui.tab === 'compare' && compare) renderCompare();
  else renderProfile(focusDetail);
}

function copyMarkdown(): void {
  if (ui.tab === 'compare' && compare) {
    channel.post({ type: 'copyMarkdown', markdown: driftMarkdown(compare.report) });
  } else if (shown.kind === 'profile') {
    channel.post({ type: 'copyMarkdown', markdown: profileMarkdown(shown.profile, shown.facts, shown.violations) });
  }
}

channel.onMessage((message) => {
  switch (message.type) {
    case 'loading': {
      status.textContent = message.message;
      root.setAttribute('aria-busy', 'true');
      if (shown.kind === 'none') {
        showState('loading', message.message, 'Large files are profiled in a stream; you can cancel.', [
          button('Cancel', 'close', () => channel.post({ type: 'cancel' })),
        ]);
        root.setAttribute('aria-busy', 'true');
      } else {
        status.replaceChildren(
          el('span', { className: 'codicon codicon-loading codicon-modifier-spin', attrs: { 'aria-hidden': 'true' } }),
          el('span', { text: ` ${message.message} ` }),
          button('Cancel', 'close', () => channel.post({ type: 'cancel' })),
        );
      }
      break;
    }
    case 'profile':
      status.replaceChildren();
      if (shown.kind === 'profile' && shown.profile.path !== message.profile.path) {
        ui = {};
        compare = undefined;
      }
      shown = {
        kind: 'profile',
        profile: message.profile,
        versions: message.versions,
        facts: message.facts,
        violations: message.violations,
        cached: message.cached,
      };
      ui.path = message.profile.path;
      if (ui.tab === 'compare' && !compare) ui.tab = 'profile';
      save();
      render();
      break;
    case 'compare':
      status.replaceChildren();
      compare = { report: message.report, reference: message.reference, current: message.current };
      ui.tab = 'compare';
      ui.reference = message.report.reference;
      ui.current = message.report.current;
      save();
      render();
      break;
    case 'empty':
      status.replaceChildren();
      shown = { kind: 'none' };
      renderHeader();
      showState('empty', message.title, message.hint);
      break;
    case 'notPulled':
      status.replaceChildren();
      showState(
        'empty',
        `${message.path} @ ${message.revision} is not in the local cache`,
        `Run "${message.command}" in a terminal to fetch it from the DVC remote, then pick the version again.`,
      );
      break;
    case 'error':
      status.replaceChildren();
      showState('error', message.message, message.hint);
      break;
  }
});

watchTheme(() => {
  theme = readTheme();
  if (shown.kind === 'profile') render();
});

channel.ready();
