import fs from 'node:fs';
import path from 'node:path';
import { readAtRevision } from '../../core/git/history';
import { combineFiles, declaredFiles, loadWorkspaceFiles, readDvcProjects } from '../../core/formats/dvc/project';
import {
  explainAbsentAtRevision,
  explainAbsentInWorkspace,
  neitherHasValuesMessage,
  noValuesInWorkspaceMessage,
} from '../../core/metrics/absence';
import { conventionalMetricsFiles } from '../../core/metrics/conventional';
import { diff, diffToJson, diffToMarkdown, diffToText, formatValue, type Goal } from '../../core/metrics/diff';
import { parseStructuredText } from '../../core/formats/metricsFiles/parse';
import { latest, MetricsError, type Run } from '../../core/metrics/model';
import { defineCommand, EXIT, parseCommandArgs, UsageError, type CliIo, type OptionSpecs } from '../registry';

const WORKSPACE = 'workspace';

const help = `Usage:
  mlops metrics show [--source <path>]... [--json]
      Metrics of the workspace: the files dvc.yaml declares, mlops.yaml models[].metrics, DVCLive's
      metrics.json and metrics.json|yaml|yml at the root or in metrics/, eval/, results/ (or only the
      --source files).
  mlops metrics diff [<old>] [<new>] [--source <path>]... [--json | --md] [--all]
      Compares metrics between two revisions (a branch, tag or commit; 'workspace' for the working tree).
      Defaults: HEAD against the workspace. --md prints a Markdown table for a pull-request comment;
      --all also lists unchanged metrics.
Exit codes: 0 ok, 2 usage or read error (the message is on stderr).
`;

interface Parsed {
  positional: string[];
  sources: string[];
  flags: Set<string>;
}

/** `--source`/`-s` (repeatable) plus the boolean flags in `allowed`, through util.parseArgs; `help` for --help. */
function parseArgs(args: string[], allowed: string[]): Parsed | 'help' {
  const options: OptionSpecs = { source: { type: 'string', short: 's', multiple: true } };
  for (const flag of allowed) options[flag.slice(2)] = { type: 'boolean' };
  const parsed = parseCommandArgs('metrics', help, args, options);
  if (parsed === 'help') return 'help';
  const sources = parsed.values.source;
  return {
    positional: parsed.positionals,
    sources: Array.isArray(sources) ? sources.filter((s): s is string => typeof s === 'string') : [],
    flags: new Set(allowed.filter((flag) => parsed.values[flag.slice(2)] === true)),
  };
}

interface TeamConfig {
  metricsFiles: string[];
  goals: Record<string, Goal>;
}

/** The parts of mlops.yaml this command uses: models[].metrics and metrics[].goal. */
function readTeamConfig(folder: string): TeamConfig {
  const file = path.join(folder, 'mlops.yaml');
  const config: TeamConfig = { metricsFiles: [], goals: {} };
  if (!fs.existsSync(file)) return config;
  const doc = parseStructuredText(fs.readFileSync(file), file, 'yaml');
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return config;
  const record = doc as Record<string, unknown>;
  for (const model of Array.isArray(record.models) ? record.models : []) {
    const metrics = (model as Record<string, unknown> | null)?.metrics;
    for (const m of Array.isArray(metrics) ? metrics : typeof metrics === 'string' ? [metrics] : [])
      if (typeof m === 'string') config.metricsFiles.push(m);
  }
  for (const metric of Array.isArray(record.metrics) ? record.metrics : []) {
    const m = metric as Record<string, unknown> | null;
    if (typeof m?.key === 'string' && (m.goal === 'maximize' || m.goal === 'minimize')) config.goals[m.key] = m.goal;
  }
  return config;
}

/** The metrics files to read: --source, else dvc.yaml's, mlops.yaml's and DVCLive's. */
function metricsFiles(folder: string, sources: string[], team: TeamConfig): string[] {
  const rel = (p: string): string => path.relative(folder, path.resolve(folder, p)).split(path.sep).join('/');
  if (sources.length) return sources.map(rel);
  const declared = declaredFiles(folder, readDvcProjects(folder));
  const files = new Set([...declared.metrics, ...team.metricsFiles.map(rel), ...conventionalMetricsFiles(folder)]);
  if (fs.existsSync(path.join(folder, 'dvclive', 'metrics.json'))) files.add('dvclive/metrics.json');
  return [...files];
}

async function workspaceRun(
  folder: string,
  files: string[],
  explicit: boolean,
): Promise<{ run: Run; errors: MetricsError[] }> {
  const { loaded, errors } = await loadWorkspaceFiles(folder, { metrics: files });
  if (explicit) {
    for (const f of files)
      if (!fs.existsSync(path.join(folder, f))) errors.push(new MetricsError(`${f} does not exist.`, f));
  }
  const combined = combineFiles(loaded);
  const run: Run = {
    id: WORKSPACE,
    source: { kind: 'file', location: folder },
    label: WORKSPACE,
    params: combined.params,
    tags: {},
    status: 'unknown',
    metrics: combined.metrics,
  };
  if (combined.textMetrics.length) run.textMetrics = combined.textMetrics;
  return { run, errors: [...errors, ...combined.errors] };
}

function reportErrors(errors: MetricsError[], io: CliIo, command: string): void {
  for (const e of errors) io.stderr(`mlops metrics ${command}: ${e.message}\n`);
}

const jsonValue = (v: number | string): number | string =>
  typeof v === 'number' && !Number.isFinite(v) ? formatValue(v) : v;

async function show(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, ['--json']);
  if (parsed === 'help') {
    io.stdout(help);
    return EXIT.ok;
  }
  const { positional, sources, flags } = parsed;
  if (positional.length)
    throw new UsageError(`unexpected argument '${positional[0]}'. Use --source <path> to name files.`);
  const folder = io.cwd;
  const files = metricsFiles(folder, sources, readTeamConfig(folder));
  const { run, errors } = await workspaceRun(folder, files, sources.length > 0);
  const byFile = new Map<string, { key: string; value: number | string; step?: number }[]>();
  const add = (file: string | undefined, row: { key: string; value: number | string; step?: number }): void => {
    const list = byFile.get(file ?? '') ?? [];
    list.push(row);
    byFile.set(file ?? '', list);
  };
  for (const s of run.metrics) {
    const p = latest(s);
    if (p)
      add(s.file, s.points.length > 1 ? { key: s.key, value: p.value, step: p.step } : { key: s.key, value: p.value });
  }
  for (const t of run.textMetrics ?? []) add(t.file, { key: t.key, value: t.value });
  if (flags.has('--json')) {
    const out: Record<string, Record<string, number | string>> = {};
    for (const [file, rows] of byFile) out[file] = Object.fromEntries(rows.map((r) => [r.key, jsonValue(r.value)]));
    io.stdout(
      JSON.stringify(
        { files: out, errors: errors.map((e) => ({ location: e.location, message: e.message, ...e.position })) },
        null,
        2,
      ) + '\n',
    );
  } else if (byFile.size === 0 && errors.length === 0) {
    io.stderr(
      noValuesInWorkspaceMessage(await explainAbsentInWorkspace(folder, files)) ??
        'No metrics files found. Declare them in dvc.yaml (metrics:) or mlops.yaml (models[].metrics), or pass --source <path>.\n',
    );
  } else {
    const table = [
      ['Path', 'Metric', 'Value'],
      ...[...byFile].flatMap(([file, rows]) =>
        rows.map((r) => [file, r.key, formatValue(r.value) + (r.step === undefined ? '' : ` (step ${r.step})`)]),
      ),
    ];
    const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
    io.stdout(
      table
        .map((r) =>
          r
            .map((c, i) => c.padEnd(widths[i]))
            .join('  ')
            .trimEnd(),
        )
        .join('\n') + '\n',
    );
  }
  reportErrors(errors, io, 'show');
  return errors.length ? EXIT.usage : EXIT.ok;
}

async function runAt(
  folder: string,
  rev: string,
  files: string[],
  explicit: boolean,
): Promise<{ run: Run; errors: MetricsError[] }> {
  if (rev === WORKSPACE) return workspaceRun(folder, files, explicit);
  const { run, errors } = await readAtRevision(folder, rev, { metrics: files });
  return { run: { ...run, label: rev }, errors };
}

async function diffCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, ['--json', '--md', '--all']);
  if (parsed === 'help') {
    io.stdout(help);
    return EXIT.ok;
  }
  const { positional, sources, flags } = parsed;
  if (positional.length > 2) throw new UsageError(`at most two revisions, got ${positional.length}.`);
  if (flags.has('--json') && flags.has('--md')) throw new UsageError('choose one of --json and --md.');
  const [revA = 'HEAD', revB = WORKSPACE] = positional;
  const folder = io.cwd;
  const team = readTeamConfig(folder);
  const files = metricsFiles(folder, sources, team);
  const [a, b] = await Promise.all([
    runAt(folder, revA, files, sources.length > 0),
    runAt(folder, revB, files, sources.length > 0),
  ]);
  const result = diff(a.run, b.run, team.goals);
  const all = flags.has('--all');
  const sides = [a.run, b.run];
  if (!flags.has('--json') && sides.every((r) => r.metrics.length === 0 && !r.textMetrics?.length)) {
    const explained = await Promise.all(
      sides.map(async (r) => ({
        label: r.label,
        workspace: r.id === WORKSPACE,
        absent:
          r.id === WORKSPACE
            ? await explainAbsentInWorkspace(folder, files)
            : await explainAbsentAtRevision(folder, r.revisionInfo?.sha ?? r.label, files),
      })),
    );
    io.stdout(neitherHasValuesMessage(files, explained));
  } else if (flags.has('--json')) io.stdout(JSON.stringify(diffToJson(result, { all }), null, 2) + '\n');
  else if (flags.has('--md')) io.stdout(diffToMarkdown(result, { all }));
  else io.stdout(diffToText(result, { all }));
  const errors = [...a.errors, ...b.errors];
  reportErrors(errors, io, 'diff');
  return errors.length ? EXIT.usage : EXIT.ok;
}

defineCommand('metrics', 'show metrics of the workspace, or diff them between revisions', async (args, io) => {
  const [sub, ...rest] = args;
  try {
    if (sub === 'show') return await show(rest, io);
    if (sub === 'diff') return await diffCommand(rest, io);
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      io.stdout(help);
      return sub === undefined ? EXIT.usage : EXIT.ok;
    }
    throw new UsageError(`unknown subcommand '${sub}'.`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`mlops metrics: ${err.message}\n${help}`);
      return EXIT.usage;
    }
    throw err;
  }
});
