// The Model Dashboard panel: the stage board, a model's versions table (key metrics with deltas coloured by goal,
// datasets and environment changed), a version's detail, A/B compare with "Copy as Markdown", and release actions.
// It talks to the host only through the typed protocol and keeps only UI state. Every name is inserted as text.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import type {
  CompareView,
  DashboardModel,
  HostToWebview,
  LineageGraph,
  MetricCell,
  ServerAction,
  ServerRegistryView,
  VersionDetailView,
  VersionRow,
  WebviewToHost,
} from '../../src/protocol/modelDashboard';
import { scrollRegion } from '../shared/scrollRegion';
import { connect, el } from '../shared/vscodeApi';

interface UiState {
  model?: string;
  a?: string;
  b?: string;
}

const WORKSPACE = 'workspace';
/** The smallest scale of the lineage graph: its 12px labels stay at least 10px tall. */
const MIN_GRAPH_SCALE = 0.85;
const channel = connect<WebviewToHost, HostToWebview, UiState>();

const date = (ms: number | undefined): string =>
  ms === undefined ? '' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const short = (hash: string | undefined): string => (hash ? hash.slice(0, 12) : '—');
const fmt = (v: number | string | undefined): string =>
  v === undefined ? '—' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : v;
const signed = (n: number): string => `${n >= 0 ? '+' : ''}${Number.isInteger(n) ? n : n.toPrecision(3)}`;

function button(text: string, title: string, onClick: () => void, icon?: string): HTMLElement {
  const b = el('vscode-button', { text, attrs: { title, ...(icon ? { icon } : {}) } });
  b.addEventListener('click', onClick);
  return b;
}

function table(head: string[], rows: (Node | string)[][], label: string, className = 'md-table'): HTMLTableElement {
  const t = el('table', { className, attrs: { 'aria-label': label } });
  t.append(
    el('thead', {}, [
      el(
        'tr',
        {},
        head.map((h) => el('th', { text: h, attrs: { scope: 'col' } })),
      ),
    ]),
  );
  t.append(
    el(
      'tbody',
      {},
      rows.map((r) =>
        el(
          'tr',
          {},
          r.map((c) => el('td', {}, [c])),
        ),
      ),
    ),
  );
  return t;
}

function deltaNode(cell: MetricCell | undefined): Node {
  const span = el('span', { className: 'md-metric' });
  // A compare's change column has a delta and no value: show the delta alone, not "— +0.02".
  if (cell?.value !== undefined || cell?.delta === undefined) span.append(el('span', { text: fmt(cell?.value) }));
  if (cell?.delta !== undefined && cell.delta !== 0) {
    const cls =
      cell.improvement === undefined ? 'md-delta' : cell.improvement ? 'md-delta md-better' : 'md-delta md-worse';
    span.append(
      el('span', {
        className: cls,
        text: ` ${signed(cell.delta)}`,
        attrs: { title: cell.improvement === undefined ? 'change' : cell.improvement ? 'better' : 'worse' },
      }),
    );
  }
  return span;
}

class DashboardApp {
  private state: UiState;
  private models: DashboardModel[] = [];
  private keys: string[] = [];
  private trusted = true;
  private server: ServerRegistryView | undefined;
  private readonly root =
    document.getElementById('root') ?? document.body.appendChild(el('main', { attrs: { id: 'root' } }));
  private readonly subtitle = el('p', { className: 'md-subtitle' });
  private readonly status = el('div', { className: 'md-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  /** The tracking server's state: reading, its versions, why it cannot be read, or why it is not contacted. */
  private readonly serverStatus = el('div', {
    className: 'md-server',
    attrs: { role: 'status', 'aria-live': 'polite', 'aria-label': 'MLflow tracking server' },
  });
  private readonly modelSelect = el('vscode-single-select', { attrs: { 'aria-label': 'Model', id: 'md-model' } });
  private readonly board = el('section', { className: 'md-board', attrs: { 'aria-label': 'Stage board' } });
  private readonly header = el('section', { className: 'md-model' });
  private readonly versions = el('section', { className: 'md-versions', attrs: { 'aria-label': 'Versions' } });
  private readonly compareBar = el('div', { className: 'md-compare-bar' });
  private readonly selectA = el('vscode-single-select', { attrs: { 'aria-label': 'Compare version A' } });
  private readonly selectB = el('vscode-single-select', { attrs: { 'aria-label': 'Compare with B' } });
  private readonly detail = el('section', { className: 'md-detail', attrs: { 'aria-label': 'Version detail' } });
  private readonly compare = el('section', { className: 'md-compare', attrs: { 'aria-label': 'A/B compare' } });
  private readonly lineage = el('section', { className: 'md-lineage', attrs: { 'aria-label': 'Lineage' } });

  constructor() {
    this.state = channel.state() ?? {};
    const codicons = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].find((l) =>
      l.href.endsWith('codicon.css'),
    );
    if (codicons && !document.getElementById('vscode-codicon-stylesheet')) codicons.id = 'vscode-codicon-stylesheet';
    this.layout();
    this.showStatus('Reading the model registry…', true);
    channel.onMessage((m) => this.onMessage(m));
    channel.ready();
  }

  private save(): void {
    channel.saveState(this.state);
  }

  private layout(): void {
    this.root.className = 'md-root';
    this.modelSelect.addEventListener('change', () => this.selectModel(this.modelSelect.value));
    const header = el('header', { className: 'md-header' }, [
      el('div', {}, [el('h1', { text: 'Model Dashboard' }), this.subtitle]),
      el('div', { className: 'md-toolbar' }, [
        this.modelSelect,
        button('Register Version…', 'Register a new version of this model at a commit (GTO tag)', () =>
          this.action('register'),
        ),
        button('Refresh', 'Read the registry again', () => channel.post({ type: 'refresh' }), 'refresh'),
      ]),
    ]);
    this.compareBar.append(
      el('span', { text: 'Compare' }),
      this.selectA,
      el('span', { text: 'with' }),
      this.selectB,
      button('Compare', 'Compare the two versions', () => this.requestCompare()),
    );
    this.serverStatus.hidden = true;
    this.root.append(
      header,
      this.status,
      this.serverStatus,
      el('h2', { text: 'Stages' }),
      this.board,
      this.header,
      this.versions,
      this.compareBar,
      this.compare,
      this.detail,
      el('h2', { text: 'Lineage' }),
      this.lineage,
    );
  }

  private showStatus(message: string, busy = false, action?: { label: string; run: () => void }): void {
    this.status.replaceChildren();
    this.status.hidden = !message;
    if (busy) this.status.append(el('vscode-progress-ring', { attrs: { 'aria-label': 'Loading' } }));
    this.status.append(el('span', { text: message }));
    if (action) this.status.append(button(action.label, action.label, action.run));
    this.root.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  private onMessage(m: HostToWebview): void {
    switch (m.type) {
      case 'loading':
        this.showStatus(m.message, true);
        return;
      case 'error':
        this.showStatus(
          m.message,
          false,
          m.action === 'trust'
            ? { label: 'Manage Workspace Trust', run: () => channel.post({ type: 'trust' }) }
            : m.action === 'refresh'
              ? { label: 'Refresh', run: () => channel.post({ type: 'refresh' }) }
              : undefined,
        );
        return;
      case 'registry':
        this.trusted = m.trusted;
        this.models = m.models;
        this.server = m.server;
        this.renderServer();
        this.subtitle.textContent = `${m.folder} · ${m.models.length} ${m.models.length === 1 ? 'model' : 'models'}`;
        if (m.select) this.state.model = m.select;
        // While the tracking server is read, a model of its registry stays selected (its versions are on the way).
        if (
          !this.state.model ||
          (!this.models.some((x) => x.name === this.state.model) && m.server?.status !== 'loading')
        )
          this.state.model = this.models.find((x) => !x.deprecated && x.versions.length)?.name ?? this.models[0]?.name;
        this.save();
        this.renderBoard(m.board);
        this.renderModelSelect();
        this.renderModel();
        if (!m.models.length)
          this.showStatus(
            'No models yet. Register a version (MLOps: Register Model Version…), add models: to mlops.yaml, or log models to an MLflow registry.',
          );
        else if (!m.trusted)
          this.showStatus('Trust this workspace to read metrics, data and environment at each version.', false, {
            label: 'Manage Workspace Trust',
            run: () => channel.post({ type: 'trust' }),
          });
        else this.showStatus(m.problems.length ? `Warnings: ${m.problems.join(' · ')}` : '');
        channel.post({ type: 'showLineage' });
        return;
      case 'lineageGraph':
        this.renderLineage(m.graph);
        return;
      case 'select':
        this.state.model = m.model;
        this.save();
        this.renderModelSelect();
        this.renderModel();
        return;
      case 'versions': {
        const model = this.models.find((x) => x.name === m.model);
        if (!model) return;
        model.versions = m.rows;
        this.keys = m.keys;
        if (m.model === this.state.model) this.renderModel(m.limited);
        return;
      }
      case 'detail':
        this.renderDetail(m.detail);
        return;
      case 'compare':
        this.renderCompare(m.compare);
        return;
    }
  }

  private selectModel(name: string): void {
    if (!name || name === this.state.model) return;
    this.state = { model: name };
    this.save();
    this.keys = [];
    this.renderModel();
    channel.post({ type: 'selectModel', model: name });
  }

  private action(action: 'register' | 'assign' | 'unassign' | 'deprecate', version?: string): void {
    if (!this.state.model && action !== 'register') return;
    channel.post({
      type: 'action',
      action,
      model: this.state.model ?? '',
      ...(version ? { version } : {}),
    });
  }

  private serverAction(action: ServerAction, version: string, extra: { alias?: string } = {}): void {
    if (!this.state.model) return;
    channel.post({ type: 'serverAction', action, model: this.state.model, version, ...extra });
  }

  private renderServer(): void {
    const s = this.server;
    this.serverStatus.replaceChildren();
    this.serverStatus.hidden = !s;
    if (!s) return;
    this.serverStatus.className = `md-server md-server-${s.status}`;
    const title = el('strong', { text: `MLflow server ${s.host}` });
    const refresh = () =>
      button('Refresh', `Read the registry of ${s.location} again`, () => channel.post({ type: 'refresh' }), 'refresh');
    switch (s.status) {
      case 'loading':
        this.serverStatus.append(
          el('vscode-progress-ring', { attrs: { 'aria-label': 'Reading the server' } }),
          title,
          el('span', { text: `Reading the registry of ${s.location}…` }),
        );
        return;
      case 'loaded':
        this.serverStatus.append(
          title,
          el('span', {
            text: `${s.versions} ${s.versions === 1 ? 'version' : 'versions'} in its registry, merged below; set or remove an alias and transition a stage on a server version.`,
          }),
        );
        return;
      case 'failed':
        this.serverStatus.append(
          el('span', { className: 'codicon codicon-error', attrs: { 'aria-hidden': 'true' } }),
          title,
          el('span', { text: `cannot read its registry. ${s.message ?? ''}` }),
          refresh(),
        );
        return;
      case 'untrusted':
        this.serverStatus.append(
          title,
          el('span', { text: s.message ?? 'Not contacted in an untrusted workspace.' }),
          button('Manage Workspace Trust', 'Manage Workspace Trust', () => channel.post({ type: 'trust' })),
        );
        return;
    }
  }

  private renderModelSelect(): void {
    this.modelSelect.replaceChildren(
      ...this.models.map((m) => {
        const o = el('vscode-option', { text: m.deprecated ? `${m.name} (deprecated)` : m.name });
        o.setAttribute('value', m.name);
        if (m.name === this.state.model) o.setAttribute('selected', '');
        return o;
      }),
    );
  }

  private renderBoard(board: { stage: string; cells: { model: string; version: string }[] }[]): void {
    this.board.replaceChildren();
    if (!board.length) {
      this.board.append(
        el('p', {
          className: 'md-empty',
          text: 'No stages assigned yet. Promote a version with MLOps: Assign Stage… (a GTO tag name#stage#N).',
        }),
      );
      return;
    }
    for (const column of board) {
      const col = el('div', {
        className: 'md-column',
        attrs: { role: 'group', 'aria-label': `Stage ${column.stage}` },
      });
      col.append(el('h3', { text: column.stage }));
      if (!column.cells.length) col.append(el('p', { className: 'md-empty', text: 'No version' }));
      for (const cell of column.cells) {
        const card = el('button', { className: 'md-card', attrs: { type: 'button' } }, [
          el('span', { className: 'md-card-model', text: cell.model }),
          el('span', { className: 'md-card-version', text: cell.version }),
        ]);
        card.addEventListener('click', () => {
          this.selectModel(cell.model);
          channel.post({ type: 'showVersion', model: cell.model, version: cell.version });
        });
        col.append(card);
      }
      this.board.append(col);
    }
  }

  private renderModel(limited?: number): void {
    const model = this.models.find((m) => m.name === this.state.model);
    this.header.replaceChildren();
    this.versions.replaceChildren();
    if (!model) return;
    const facts = [
      model.latest ? `latest ${model.latest}` : '',
      Object.entries(model.stages)
        .map(([s, v]) => `${s}: ${v.join(', ')}`)
        .join(' · '),
      `sources: ${model.sources.join(', ')}`,
    ].filter(Boolean);
    this.header.append(
      el('h2', { text: model.deprecated ? `${model.name} (deprecated)` : model.name }),
      el('p', { className: 'md-subtitle', text: model.description ?? '' }),
      el('p', { className: 'md-facts', text: facts.join(' · ') }),
    );
    if (model.path) {
      const p = model.path;
      this.header.append(
        button('Open File', `Open ${p}`, () => channel.post({ type: 'openFile', file: p }), 'go-to-file'),
      );
    }
    if (!model.versions.length) {
      this.versions.append(
        el('p', {
          className: 'md-empty',
          text: `No registered versions of ${model.name}. Register one with MLOps: Register Model Version….`,
        }),
      );
      this.compareBar.hidden = true;
      return;
    }
    this.compareBar.hidden = !this.trusted;
    const head = ['Version', 'Date', 'Author', 'Stages', ...this.keys, 'Datasets changed', 'Environment changed', ''];
    const rows = model.versions.map((v) => this.versionRow(v));
    const t = table(head, rows, `Versions of ${model.name}`, 'md-table md-versions-table');
    // Wider than the panel, the table scrolls in its own container with the Version column pinned.
    this.versions.append(scrollRegion(`Versions of ${model.name}`, t, 'md-versions-scroll'));
    if (limited)
      this.versions.append(
        el('p', { className: 'md-note', text: `Metrics and changes are read for the ${limited} newest versions.` }),
      );
    this.renderCompareSelects(model);
  }

  private versionRow(v: VersionRow): (Node | string)[] {
    const link = el('a', { className: 'md-nowrap', text: v.version, attrs: { href: '#', title: `Show ${v.version}` } });
    link.addEventListener('click', (e) => {
      e.preventDefault();
      channel.post({ type: 'showVersion', model: this.state.model ?? '', version: v.version });
    });
    const version = el('span', {}, [link]);
    if (!v.active) version.append(el('span', { className: 'md-tag md-deregistered', text: 'deregistered' }));
    // A version on the tracking server can be acted on while the server answers (and the workspace is trusted).
    const onServer = v.server !== undefined && this.trusted && this.server?.status === 'loaded';
    if (v.server !== undefined)
      version.append(
        el('span', { className: 'md-tag md-server-tag', text: 'server', attrs: { title: `On ${v.server}` } }),
      );
    const stages = el(
      'span',
      {},
      v.stages.map((s) => el('span', { className: 'md-tag', text: s })),
    );
    for (const alias of v.aliases) {
      const chip = el('span', { className: 'md-tag md-alias', text: `@${alias}` });
      if (onServer) {
        const remove = el('button', {
          className: 'md-alias-remove',
          text: '×',
          attrs: { type: 'button', title: `Remove alias @${alias}`, 'aria-label': `Remove alias @${alias}` },
        });
        remove.addEventListener('click', () => this.serverAction('removeAlias', v.version, { alias }));
        chip.append(remove);
      }
      stages.append(chip);
    }
    const changed = (list: string[] | undefined) => (list === undefined ? '' : list.length ? list.join(', ') : 'no');
    const actions = el('span', { className: 'md-actions' });
    if (v.server !== undefined) {
      if (onServer)
        actions.append(
          button('Set Alias…', `Set an alias of ${v.version} on the tracking server`, () =>
            this.serverAction('setAlias', v.version),
          ),
          button('Transition Stage…', `Move ${v.version} to an MLflow stage on the tracking server`, () =>
            this.serverAction('transitionStage', v.version),
          ),
        );
    } else if (this.trusted && v.active && v.registered) {
      actions.append(
        button('Promote…', `Assign a stage to ${v.version}`, () => this.action('assign', v.version)),
        button('Deprecate…', `Deprecate ${v.version}`, () => this.action('deprecate', v.version)),
      );
    }
    return [
      version,
      el('span', { className: 'md-nowrap', text: date(v.date) }),
      el('span', { className: 'md-nowrap', text: v.author ?? '' }),
      stages,
      ...this.keys.map((k) => deltaNode(v.metrics?.find((c) => c.key === k))),
      changed(v.datasetsChanged),
      changed(v.environmentChanged),
      actions,
    ];
  }

  private renderCompareSelects(model: DashboardModel): void {
    const versions = model.versions.map((v) => v.version);
    const a = this.state.a && versions.includes(this.state.a) ? this.state.a : (versions[1] ?? versions[0]);
    const b =
      this.state.b && (this.state.b === WORKSPACE || versions.includes(this.state.b)) ? this.state.b : versions[0];
    const fill = (select: HTMLElement, values: string[], selected: string | undefined) =>
      select.replaceChildren(
        ...values.map((v) => {
          const o = el('vscode-option', { text: v === WORKSPACE ? 'workspace (files on disk)' : v });
          o.setAttribute('value', v);
          if (v === selected) o.setAttribute('selected', '');
          return o;
        }),
      );
    fill(this.selectA, versions, a);
    fill(this.selectB, [WORKSPACE, ...versions], b);
  }

  private requestCompare(): void {
    const a = this.selectA.value;
    const b = this.selectB.value;
    if (!this.state.model || !a || !b || a === b) {
      this.compare.replaceChildren(el('p', { className: 'md-empty', text: 'Pick two different versions to compare.' }));
      return;
    }
    this.state.a = a;
    this.state.b = b;
    this.save();
    this.compare.replaceChildren(el('vscode-progress-ring', { attrs: { 'aria-label': 'Comparing' } }));
    channel.post({ type: 'compare', model: this.state.model, a, b });
  }

  private renderDetail(d: VersionDetailView): void {
    this.detail.replaceChildren();
    this.detail.append(
      el('h2', { text: `${d.model} ${d.version}` }),
      el('p', {
        className: 'md-facts',
        text: [
          d.commit ? `commit ${d.commit.slice(0, 7)}` : '',
          date(d.date),
          d.author ? `by ${d.author}` : '',
          d.stages.length ? `stages: ${d.stages.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' · '),
      }),
    );
    if (d.message) this.detail.append(el('pre', { className: 'md-message', text: d.message }));
    const section = (title: string, content: Node) => this.detail.append(el('h3', { text: title }), content);
    const none = (text: string) => el('p', { className: 'md-empty', text });
    section(
      'Metrics',
      d.metrics.length
        ? table(
            ['Metric', 'Value'],
            d.metrics.map((m) => [m.key, fmt(m.value)]),
            'Metrics',
          )
        : none('No metrics files at this commit.'),
    );
    section(
      'Params',
      d.params.length
        ? table(
            ['Param', 'Value'],
            d.params.map((p) => [p.key, p.value]),
            'Params',
          )
        : none('No params files at this commit.'),
    );
    section(
      'Data',
      d.datasets.length
        ? table(
            ['Dataset', 'Hash', 'From'],
            d.datasets.map((x) => [x.name ? `${x.name} (${x.path})` : x.path, short(x.hash), x.from ?? x.hashKind]),
            'Data hashes',
          )
        : none('No datasets declared (mlops.yaml datasets: or dvc.lock deps).'),
    );
    section(
      'Environment',
      d.environment.length
        ? table(
            ['File', 'Kind', 'Blob', 'Details'],
            d.environment.map((e) => [
              e.path,
              e.kind,
              short(e.hash),
              e.baseImages?.join(', ') ?? (e.pinned ? `${e.pinned.length} pinned` : ''),
            ]),
            'Environment',
          )
        : none('No environment files (requirements, lock files, Dockerfile) at this commit.'),
    );
    section(
      d.previous ? `Commits since ${d.previous} (${d.commits.length})` : 'Commits since the previous version',
      d.commits.length
        ? table(
            ['Commit', 'Date', 'Author', 'Subject'],
            d.commits.map((c) => [c.sha.slice(0, 7), date(c.date), c.author, c.subject]),
            'Commits',
          )
        : none(d.previous ? 'None.' : 'This is the first version.'),
    );
    if (d.modelCard)
      section(`Model card (${d.modelCard.path})`, el('pre', { className: 'md-card-text', text: d.modelCard.text }));
    else section('Model card', none('No model card next to the model (model_card.md or README.md).'));
    for (const p of d.problems) this.detail.append(el('p', { className: 'md-warning', text: p }));
  }

  private renderLineage(graph: LineageGraph): void {
    this.lineage.replaceChildren();
    if (!graph.nodes.length) {
      this.lineage.append(
        el('p', {
          className: 'md-empty',
          text: 'No pipeline to draw: add stages to dvc.yaml, or datasets and models to mlops.yaml.',
        }),
      );
      return;
    }
    const rerun = graph.nodes.filter((n) => n.kind === 'stage' && n.changes?.length);
    this.lineage.append(
      el('p', {
        className: 'md-facts',
        text: rerun.length
          ? `${rerun.length} ${rerun.length === 1 ? 'stage needs' : 'stages need'} a rerun (dvc repro): ${rerun.map((n) => n.label).join(', ')}`
          : 'Every stage is up to date with dvc.lock.',
      }),
    );
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('class', 'md-graph');
    svg.setAttribute('width', String(Math.ceil(graph.width)));
    svg.setAttribute('height', String(Math.ceil(graph.height)));
    svg.setAttribute('viewBox', `0 0 ${Math.ceil(graph.width)} ${Math.ceil(graph.height)}`);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'Lineage graph');
    const defs = document.createElementNS(NS, 'defs');
    const marker = document.createElementNS(NS, 'marker');
    for (const [k, v] of Object.entries({
      id: 'md-arrow',
      viewBox: '0 0 10 10',
      refX: '10',
      refY: '5',
      markerWidth: '7',
      markerHeight: '7',
      orient: 'auto',
    }))
      marker.setAttribute(k, v);
    const tip = document.createElementNS(NS, 'path');
    tip.setAttribute('d', 'M0,0 L10,5 L0,10 z');
    tip.setAttribute('class', 'md-arrow');
    marker.append(tip);
    defs.append(marker);
    svg.append(defs);
    for (const e of graph.edges) {
      const line = document.createElementNS(NS, 'polyline');
      line.setAttribute('points', e.points.map((p) => `${p.x},${p.y}`).join(' '));
      line.setAttribute('class', 'md-edge');
      line.setAttribute('marker-end', 'url(#md-arrow)');
      svg.append(line);
    }
    for (const n of graph.nodes) {
      const g = document.createElementNS(NS, 'g');
      const stale = n.kind === 'stage' && (n.changes?.length ?? 0) > 0;
      g.setAttribute('class', `md-node md-node-${n.kind}${stale ? ' md-stale' : ''}`);
      g.setAttribute('transform', `translate(${n.x},${n.y})`);
      g.setAttribute('tabindex', '0');
      g.setAttribute('role', 'button');
      g.setAttribute('aria-label', `${n.kind} ${n.label}${stale ? ', needs rerun' : ''}`);
      const rect = document.createElementNS(NS, 'rect');
      rect.setAttribute('width', String(n.width));
      rect.setAttribute('height', String(n.height));
      rect.setAttribute('rx', n.kind === 'stage' ? '4' : '12');
      const label = document.createElementNS(NS, 'text');
      label.setAttribute('x', '10');
      label.setAttribute('y', stale ? '15' : '22');
      label.textContent = n.label.length > 34 ? `${n.label.slice(0, 33)}…` : n.label;
      const title = document.createElementNS(NS, 'title');
      title.textContent = [`${n.kind}: ${n.label}`, ...(n.changes ?? [])].join('\n');
      g.append(title, rect, label);
      if (stale) {
        const badge = document.createElementNS(NS, 'text');
        badge.setAttribute('x', '10');
        badge.setAttribute('y', '29');
        badge.setAttribute('class', 'md-stale-text');
        badge.textContent = 'needs rerun';
        g.append(badge);
      }
      const open = () => {
        if (n.file) channel.post({ type: 'openFile', file: n.file });
      };
      g.addEventListener('click', open);
      g.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') open();
      });
      svg.append(g);
    }
    // The graph shrinks to the panel's width down to a scale whose labels stay legible; wider than that, its
    // container scrolls. The size is set through the style object (the CSP allows no inline style attribute).
    const width = Math.ceil(graph.width);
    svg.style.maxWidth = `${width}px`;
    svg.style.minWidth = `${Math.ceil(width * MIN_GRAPH_SCALE)}px`;
    svg.style.aspectRatio = `${width} / ${Math.max(1, Math.ceil(graph.height))}`;
    this.lineage.append(scrollRegion('Lineage graph', svg, 'md-graph-scroll'));
    for (const p of graph.problems) this.lineage.append(el('p', { className: 'md-warning', text: p }));
  }

  private renderCompare(c: CompareView): void {
    this.compare.replaceChildren();
    const copy = button(
      'Copy as Markdown',
      'Copy the comparison as Markdown for a pull request',
      () => channel.post({ type: 'copyMarkdown', markdown: c.markdown }),
      'copy',
    );
    this.compare.append(
      el('div', { className: 'md-compare-head' }, [el('h2', { text: `${c.model}: ${c.a} → ${c.b}` }), copy]),
    );
    const none = (text: string) => el('p', { className: 'md-empty', text });
    const metrics = c.metrics.filter((m) => m.status !== 'unchanged');
    this.compare.append(el('h3', { text: 'Metrics' }));
    this.compare.append(
      metrics.length
        ? table(
            ['Metric', c.a, c.b, 'Change'],
            metrics.map((m) => [
              m.key,
              fmt(m.old),
              fmt(m.new),
              deltaNode({
                key: m.key,
                ...(m.change !== undefined ? { delta: m.change } : {}),
                ...(m.improvement !== undefined ? { improvement: m.improvement } : {}),
              }),
            ]),
            'Metric deltas',
          )
        : c.metricsAbsent
          ? el(
              'div',
              { className: 'md-absent', attrs: { role: 'note' } },
              c.metricsAbsent.split('\n').map((line) => el('p', { text: line.trim() })),
            )
          : none('No metric changed.'),
    );
    this.compare.append(el('h3', { text: 'Params' }));
    this.compare.append(
      c.params.length
        ? table(
            ['Param', c.a, c.b],
            c.params.map((p) => [p.key, p.old ?? '—', p.new ?? '—']),
            'Params that differ',
          )
        : none('No param changed.'),
    );
    this.compare.append(el('h3', { text: 'Datasets' }));
    this.compare.append(
      c.datasets.length
        ? table(
            ['Dataset', 'Status', c.a, c.b, 'Rows'],
            c.datasets.map((d) => [
              d.name ? `${d.name} (${d.path})` : d.path,
              d.status,
              short(d.old),
              short(d.new),
              d.rows ? `${d.rows.old ?? '?'} → ${d.rows.new ?? '?'}` : '',
            ]),
            'Datasets changed',
          )
        : none('No dataset changed.'),
    );
    this.compare.append(el('h3', { text: 'Environment' }));
    this.compare.append(
      c.environment.length
        ? table(
            ['File', 'Status', 'Change'],
            c.environment.map((e) => [
              e.path,
              e.status,
              [
                e.pinsAdded?.length ? `+${e.pinsAdded.join(' +')}` : '',
                e.pinsRemoved?.length ? `-${e.pinsRemoved.join(' -')}` : '',
                e.baseImages
                  ? `FROM ${e.baseImages.old.join(', ') || '—'} → ${e.baseImages.new.join(', ') || '—'}`
                  : '',
              ]
                .filter(Boolean)
                .join('; '),
            ]),
            'Environment changes',
          )
        : none('No environment file changed.'),
    );
    this.compare.append(el('h3', { text: `Commits in between (${c.commits.length})` }));
    this.compare.append(
      c.commits.length
        ? table(
            ['Commit', 'Date', 'Author', 'Subject'],
            c.commits.slice(0, 100).map((x) => [x.sha.slice(0, 7), date(x.date), x.author, x.subject]),
            'Commits in between',
          )
        : none('None.'),
    );
    for (const p of c.problems) this.compare.append(el('p', { className: 'md-warning', text: p }));
  }
}

new DashboardApp();
