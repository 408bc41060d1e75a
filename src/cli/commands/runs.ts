// `mlops runs list`: the Runs table on the command line. The same sources as `mlops metrics` (the one source list),
// the same rows, columns, filter language, sort and exporter as the Runs panel (src/core/runs).
import { collectRows } from '../../core/runs/collect';
import { columnsOf, parseColumnId, RUN_COLUMNS, columnAccessor } from '../../core/runs/columns';
import { EXPORT_FORMATS, exportRows, type ExportFormat } from '../../core/runs/export';
import { compileFilter, FilterError } from '../../core/runs/filter';
import type { ColumnDef, RunRow } from '../../core/runs/model';
import { parseSortKey, SortKeyError, sortRows, type SortKey } from '../../core/runs/sort';
import { escapeControlCharacters } from '../../core/security/controlCharacters';
import { KIND_NAMES, kindSet, readTeamConfig, sourceOptions } from '../metricsSources';
import { defineCommand, EXIT, parseCommandArgs, UsageError, type CliIo, type OptionSpecs } from '../registry';

const PREFIX = 'mlops runs list';

const help = `Usage:
  mlops runs list [--filter <expr>] [--sort <key>[:desc]]... [--columns <a,b,...>] [--format table|csv|json|md]
                  [--kind <kind>]... [--tracking-uri <uri>] [--min-max] [--limit <n>]
      Every run of every metrics source (the workspace, git history with tags and DVC experiments, MLflow file
      stores, mlflow.db and a tracking server, TensorBoard) as one table: the run's facts, then one column per
      param and per metric (latest value), with notes and labels from .mlops/notes.yaml, MLflow notes and git
      notes. The same table, filter language and sort as the Runs panel.
Options:
  --filter <expr>       keep the runs an expression matches, e.g.
                        'metrics.f1 > 0.8 and params.lr < 0.01', 'tag:fraud-classifier@*', 'status:failed'
                        (the language is described in the README, "Runs table")
  --sort <key>[:desc]   sort by a column (repeatable; the first is the main key), e.g. metrics.f1:desc
  --columns <a,b,...>   these columns, in this order (ids as in --filter: name, source, commit, experiment,
                        status, start, duration, author, labels, note, params.<key>, metrics.<key>[.min|.max];
                        * globs: 'name,metrics.*'); default every column with a value
  --format <format>     table (default), csv, json or md (Markdown, for a pull request)
  --min-max             add each metric's min and max columns
  --limit <n>           at most n rows (after filtering and sorting)
  --kind <kind>         only these sources (repeatable): ${KIND_NAMES.join(', ')}
  --tracking-uri <uri>  an MLflow tracking server (http/https), file store or sqlite:/// database;
                        default: MLFLOW_TRACKING_URI. A server's token comes from MLFLOW_TRACKING_TOKEN.
  --help, -h            print this help
Exit codes: 0 ok, 2 usage error or an invalid filter (shown with a caret under the error).
`;

const options: OptionSpecs = {
  filter: { type: 'string' },
  sort: { type: 'string', multiple: true },
  columns: { type: 'string' },
  format: { type: 'string' },
  'min-max': { type: 'boolean' },
  limit: { type: 'string' },
  kind: { type: 'string', multiple: true },
  'tracking-uri': { type: 'string' },
};

/** The filter error under its expression, control characters visible and the caret still under the error. */
function filterErrorText(expression: string, error: FilterError): string {
  const shown = escapeControlCharacters(expression);
  const before = escapeControlCharacters(expression.slice(0, error.offset)).length;
  const span = escapeControlCharacters(expression.slice(error.offset, error.offset + error.length)).length;
  return `${PREFIX}: invalid --filter: ${escapeControlCharacters(error.message)}\n  ${shown}\n  ${' '.repeat(before)}${'^'.repeat(Math.max(1, span))}\n`;
}

const globRe = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .replace(/[\\^$.|+()[\]{}]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );

/** The columns asked for: ids and globs against the known columns; an id no row has is still a column. */
function chosenColumns(spec: string | undefined, all: readonly ColumnDef[], rows: readonly RunRow[]): ColumnDef[] {
  if (spec === undefined) {
    // Run columns without a value in any row are left out.
    return all.filter((c) => {
      if (c.group !== 'run') return true;
      const read = columnAccessor(parseColumnId(c.id));
      return rows.some((r) => read(r) !== null);
    });
  }
  const out: ColumnDef[] = [];
  for (const raw of spec.split(',')) {
    const id = raw.trim();
    if (!id) continue;
    if (/[*?]/.test(id)) {
      const re = globRe(id);
      for (const c of all) if (re.test(c.id) && !out.includes(c)) out.push(c);
      continue;
    }
    const known = all.find((c) => c.id === id) ?? RUN_COLUMNS.find((c) => c.id === id);
    if (known) out.push(known);
    else {
      const ref = parseColumnId(id);
      if (ref.group === 'any')
        throw new UsageError(
          `unknown column '${id}' in --columns: write params.<key> or metrics.<key>, or one of ${RUN_COLUMNS.map((c) => c.id).join(', ')}.`,
        );
      const variant = ref.group === 'metrics' && ref.variant ? ref.variant : undefined;
      const base = variant ? all.find((c) => c.id === `metrics.${ref.key}`) : undefined;
      out.push(
        base
          ? { ...base, id, label: `${base.label} (${variant})` }
          : { id, group: ref.group === 'run' ? 'run' : ref.group, label: ref.key, type: 'number' },
      );
    }
  }
  if (out.length === 0) throw new UsageError(`--columns '${spec}' names no column.`);
  return out;
}

async function list(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs('runs', help, args, options);
  if (parsed === 'help') {
    io.stdout(help);
    return EXIT.ok;
  }
  const values = parsed.values;
  if (parsed.positionals.length) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'.`);
  const format = (values.format as string | undefined) ?? 'table';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format needs one of ${EXPORT_FORMATS.join(', ')}, not '${format}'.`);
  const kinds = Array.isArray(values.kind) ? values.kind.filter((k): k is string => typeof k === 'string') : [];
  for (const kind of kinds)
    if (!KIND_NAMES.includes(kind))
      throw new UsageError(`--kind needs one of ${KIND_NAMES.join(', ')}, not '${kind}'.`);
  let sortKeys: SortKey[];
  try {
    sortKeys = (Array.isArray(values.sort) ? values.sort : [])
      .filter((s): s is string => typeof s === 'string')
      .map(parseSortKey);
  } catch (err) {
    if (err instanceof SortKeyError) throw new UsageError(`--sort: ${err.message}`);
    throw err;
  }
  let limit: number | undefined;
  if (typeof values.limit === 'string') {
    limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 0)
      throw new UsageError(`--limit needs a whole number, not '${values.limit}'.`);
  }
  // The filter is checked before anything is read: a typo fails fast.
  const expression = typeof values.filter === 'string' ? values.filter : '';
  let keep;
  try {
    keep = compileFilter(expression);
  } catch (err) {
    if (!(err instanceof FilterError)) throw err;
    io.stderr(filterErrorText(expression, err));
    return EXIT.usage;
  }
  const trackingUri = typeof values['tracking-uri'] === 'string' ? values['tracking-uri'] : undefined;
  if (trackingUri !== undefined && !trackingUri.trim()) throw new UsageError('--tracking-uri needs a URI.');

  const folder = io.cwd;
  const team = await readTeamConfig(folder, io, PREFIX);
  const { rows, sources, notes } = await collectRows(folder, {
    ...sourceOptions({ trackingUri, modelMetrics: team.metricsFiles }),
    kinds: kindSet(kinds),
    fullHistory: values['min-max'] === true,
  });
  for (const l of sources)
    for (const p of l.problems)
      io.stderr(escapeControlCharacters(`${PREFIX}: ${l.label} · ${l.where}: ${p.message}`) + '\n');
  for (const problem of notes.problems) io.stderr(escapeControlCharacters(`${PREFIX}: ${problem}`) + '\n');
  let shown: RunRow[] = [];
  for (const row of rows) if (keep(row)) shown.push(row);
  shown = sortRows(shown, sortKeys);
  if (limit !== undefined) shown = shown.slice(0, limit);
  // The columns of the rows shown: a filter to MLflow runs does not list the git runs' params.
  const all = columnsOf(shown, { metricDefinitions: team.metrics, minMax: values['min-max'] === true });
  const columns = chosenColumns(typeof values.columns === 'string' ? values.columns : undefined, all, shown);
  if (format === 'table' && shown.length === 0) {
    io.stderr(rows.length ? `No run matches the filter (${rows.length} runs read).\n` : 'No runs found.\n');
    return EXIT.ok;
  }
  io.stdout(exportRows(shown, columns, format as ExportFormat));
  return EXIT.ok;
}

defineCommand('runs', 'list the runs of every source as one table (filter, sort, export)', async (args, io) => {
  const [sub, ...rest] = args;
  try {
    if (sub === 'list' || sub === 'ls') return await list(rest, io);
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      io.stdout(help);
      return sub === undefined ? EXIT.usage : EXIT.ok;
    }
    throw new UsageError(`unknown subcommand '${sub}'.`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`mlops runs: ${err.message}\n${help}`);
      return EXIT.usage;
    }
    throw err;
  }
});
