// Plain-text views of runs for people: a two-run comparison and a run's details as Markdown documents, the text a
// run is found by when filtering, a metric value as a list shows it, and the TensorBoard log folders that group
// the run folders found in a workspace.
import path from 'node:path';
import { escapeMarkdownCell, formatChange, formatValue, type DiffEntry, type MetricsDiff } from './diff';
import { latest, type Run } from './model';

/** A metric value short enough for a list: as written when it is short, else six significant digits. */
export function formatMetricValue(value: number | string): string {
  if (typeof value === 'string') return value;
  const text = formatValue(value);
  if (text.length <= 10 || !Number.isFinite(value) || Number.isInteger(value)) return text;
  return String(Number(value.toPrecision(6)));
}

/** A date as `2026-01-05 09:30 UTC` (the same on every machine). */
export function formatDate(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Text safe inside a Markdown line (a heading, a sentence): emphasis, links, HTML and line breaks escaped. */
export function escapeMarkdownText(text: string): string {
  return escapeMarkdownCell(text);
}

/** The revision of a run in a few words: short sha, tags or experiment, subject. */
export function runTitle(run: Run): string {
  const info = run.revisionInfo;
  if (!info) return run.label || run.id;
  const names = run.experiment ? [run.experiment] : info.tags;
  const head = [info.shortSha, ...names].join(' ');
  // DVC's own message for an experiment commit only repeats the name.
  const subject = run.experiment && info.subject === `dvc: commit experiment ${run.experiment}` ? '' : info.subject;
  return subject ? `${head} — ${subject}` : head;
}

/** Everything a filter looks in: names, sha, subject, tags, refs, experiment, author, status, parameters. */
export function runSearchText(run: Run): string {
  const info = run.revisionInfo;
  const parts = [
    run.id,
    run.label,
    run.experiment ?? '',
    run.status,
    info?.sha ?? '',
    info?.subject ?? '',
    info?.author ?? '',
    ...(info?.tags ?? []),
    ...(info?.refs ?? []),
  ];
  for (const [k, v] of Object.entries(run.params)) parts.push(`${k}=${v}`);
  for (const [k, v] of Object.entries(run.tags)) if (!k.startsWith('mlflow.')) parts.push(`${k}=${v}`);
  return parts.join('\n').toLowerCase();
}

/** Whether a run matches filter text: every whitespace-separated word appears somewhere (case-insensitive). */
export function runMatches(run: Run, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = runSearchText(run);
  return words.every((w) => text.includes(w));
}

function relative(entry: DiffEntry): string {
  if (entry.relative === undefined || !Number.isFinite(entry.relative)) return '';
  const percent = entry.relative * 100;
  const text = Math.abs(percent) >= 100 ? percent.toFixed(0) : percent.toFixed(2);
  return `${percent > 0 ? '+' : ''}${text}%`;
}

function verdict(entry: DiffEntry): string {
  if (entry.improvement === true) return '↑ better';
  if (entry.improvement === false) return '↓ worse';
  if (entry.status === 'unchanged') return '=';
  return '';
}

function change(entry: DiffEntry): string {
  if (entry.status === 'added') return 'added';
  if (entry.status === 'removed') return 'removed';
  if (entry.change === undefined) return entry.status === 'changed' ? 'changed' : '';
  return entry.status === 'unchanged' ? '0' : formatChange(entry.change);
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export interface RunDescription {
  run: Run;
  /** Where the run comes from, e.g. `Git history` or `MLflow · mlruns`. */
  source: string;
}

/** A run's name in a few characters: its DVC experiment, its tags, its short sha, or its label. */
export function runShortName(run: Run): string {
  const info = run.revisionInfo;
  if (run.experiment) return run.experiment;
  if (info?.tags.length) return info.tags.join(', ');
  if (info) return info.shortSha;
  return run.label || run.id;
}

export interface ComparisonOptions {
  /** Keys listed first, in this order (a key or its base key matches): the team's defined metrics. */
  keys?: readonly string[];
}

/**
 * A comparison of two runs as a Markdown document: which runs, then every metric with the old and new value, the
 * absolute and relative change and, where mlops.yaml gives the metric a goal, whether it got better (↑) or
 * worse (↓); then the parameters that differ.
 */
export function comparisonMarkdown(
  old: RunDescription,
  now: RunDescription,
  result: MetricsDiff,
  options: ComparisonOptions = {},
): string {
  const lines: string[] = [];
  lines.push(
    `# Compare ${escapeMarkdownText(runShortName(old.run))} → ${escapeMarkdownText(runShortName(now.run))}`,
    '',
  );
  lines.push(row(['', 'Old', 'New']), row(['---', '---', '---']));
  const fact = (label: string, get: (r: Run) => string | undefined) => {
    const a = get(old.run);
    const b = get(now.run);
    if (a || b) lines.push(row([label, escapeMarkdownCell(a ?? '—'), escapeMarkdownCell(b ?? '—')]));
  };
  fact('Commit', (r) => r.revisionInfo?.shortSha);
  fact('Run', (r) => (r.revisionInfo ? undefined : r.label || r.id));
  fact('Run ID', (r) => (r.revisionInfo || r.id === r.label ? undefined : r.id));
  fact('Subject', (r) => r.revisionInfo?.subject);
  fact('Tags', (r) => (r.revisionInfo?.tags.length ? r.revisionInfo.tags.join(', ') : undefined));
  fact('Experiment', (r) => r.experiment);
  fact('Author', (r) => r.revisionInfo?.author);
  fact('Date', (r) =>
    (r.revisionInfo?.date ?? r.time) !== undefined ? formatDate(r.revisionInfo?.date ?? r.time) : undefined,
  );
  lines.push(row(['Source', escapeMarkdownCell(old.source), escapeMarkdownCell(now.source)]), '');

  lines.push('## Metrics', '');
  if (result.entries.length === 0) {
    lines.push('Neither run has metrics.', '');
  } else {
    lines.push(
      row(['File', 'Metric', 'Old', 'New', 'Change', 'Change %', 'Goal']),
      row(['---', '---', '--:', '--:', '--:', '--:', ':-:']),
    );
    const keys = options.keys ?? [];
    const rank = (e: DiffEntry) => {
      const i = keys.findIndex((k) => k === e.key || k === e.baseKey);
      return i < 0 ? keys.length : i;
    };
    const entries = result.entries
      .map((e, index) => ({ e, index }))
      .sort((a, b) => rank(a.e) - rank(b.e) || a.index - b.index);
    for (const { e } of entries) {
      lines.push(
        row(
          [e.file ?? '', e.key, formatValue(e.old), formatValue(e.new), change(e), relative(e), verdict(e)].map(
            escapeMarkdownCell,
          ),
        ),
      );
    }
    const better = result.entries.filter((e) => e.improvement === true).length;
    const worse = result.entries.filter((e) => e.improvement === false).length;
    const changed = result.entries.filter((e) => e.status !== 'unchanged').length;
    lines.push(
      '',
      `${changed} of ${result.entries.length} metrics changed: ${better} better, ${worse} worse by the goals in mlops.yaml.`,
      '',
    );
  }

  const keys = [...new Set([...Object.keys(old.run.params), ...Object.keys(now.run.params)])].sort();
  const differing = keys.filter((k) => old.run.params[k] !== now.run.params[k]);
  lines.push('## Parameters', '');
  if (differing.length === 0)
    lines.push(keys.length ? `The ${keys.length} parameters are the same.` : 'Neither run has parameters.');
  else {
    lines.push(row(['Parameter', 'Old', 'New']), row(['---', '---', '---']));
    for (const k of differing)
      lines.push(row([k, old.run.params[k] ?? '—', now.run.params[k] ?? '—'].map(escapeMarkdownCell)));
    if (keys.length > differing.length)
      lines.push('', `${keys.length - differing.length} other parameters are the same.`);
  }
  return lines.join('\n') + '\n';
}

/** One run as a Markdown document: what it is, its latest metrics, its parameters and tags. */
export function runDetailsMarkdown(d: RunDescription): string {
  const { run } = d;
  const lines: string[] = [`# ${escapeMarkdownText(runTitle(run))}`, ''];
  const facts: [string, string | undefined][] = [
    ['Run ID', run.id],
    ['Source', d.source],
    ['Experiment', run.experiment],
    ['Status', run.status === 'unknown' ? undefined : run.status],
    ['Started', run.time !== undefined && !run.revisionInfo ? formatDate(run.time) : undefined],
    ['Ended', run.endTime !== undefined ? formatDate(run.endTime) : undefined],
    [
      'Duration',
      run.time !== undefined && run.endTime !== undefined && run.endTime >= run.time
        ? duration(run.endTime - run.time)
        : undefined,
    ],
    ['Commit', run.revisionInfo?.sha],
    ['Subject', run.revisionInfo?.subject],
    [
      'Author',
      run.revisionInfo
        ? `${run.revisionInfo.author}${run.revisionInfo.authorEmail ? ` <${run.revisionInfo.authorEmail}>` : ''}`
        : undefined,
    ],
    ['Date', run.revisionInfo ? formatDate(run.revisionInfo.date) : undefined],
    ['Tags', run.revisionInfo?.tags.length ? run.revisionInfo.tags.join(', ') : undefined],
  ];
  lines.push(row(['', '']), row(['---', '---']));
  for (const [k, v] of facts) if (v) lines.push(row([k, escapeMarkdownCell(v)]));
  lines.push('', '## Metrics (latest values)', '');
  if (run.metrics.length === 0 && !run.textMetrics?.length) lines.push('This run has no metrics.');
  else {
    lines.push(row(['Metric', 'Value', 'Step', 'Points', 'File']), row(['---', '--:', '--:', '--:', '---']));
    for (const s of run.metrics) {
      const point = latest(s);
      lines.push(
        row(
          [
            s.key,
            point ? formatValue(point.value) : '—',
            point ? String(point.step) : '',
            String(s.points.length),
            s.file ?? '',
          ].map(escapeMarkdownCell),
        ),
      );
    }
    for (const t of run.textMetrics ?? [])
      lines.push(row([t.key, t.value, '', '1', t.file ?? ''].map(escapeMarkdownCell)));
  }
  const params = Object.entries(run.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  lines.push('', '## Parameters', '');
  if (params.length === 0) lines.push('This run has no parameters.');
  else {
    lines.push(row(['Parameter', 'Value']), row(['---', '---']));
    for (const [k, v] of params) lines.push(row([k, v].map(escapeMarkdownCell)));
  }
  const tags = Object.entries(run.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (tags.length) {
    lines.push('', '## Tags', '');
    lines.push(row(['Tag', 'Value']), row(['---', '---']));
    for (const [k, v] of tags) lines.push(row([k, v].map(escapeMarkdownCell)));
  }
  return lines.join('\n') + '\n';
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * The log folders to read TensorBoard runs from, given the folders holding event files: each run folder's parent
 * (the run folder itself when its parent is the workspace root), outermost only, so `runs/a` and `runs/b` are one
 * log folder `runs` with two runs.
 */
export function eventLogFolders(runFolders: readonly string[], root: string): string[] {
  const top = path.resolve(root);
  const candidates = new Set<string>();
  for (const folder of runFolders) {
    const abs = path.resolve(folder);
    const parent = path.dirname(abs);
    candidates.add(abs === top || parent === top || !isInside(parent, top) ? abs : parent);
  }
  const sorted = [...candidates].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const kept: string[] = [];
  for (const c of sorted) if (!kept.some((k) => isInside(c, k))) kept.push(c);
  return kept.sort();
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
