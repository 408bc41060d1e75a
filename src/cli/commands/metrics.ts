import fs from 'node:fs';
import path from 'node:path';
import { combineFiles, loadWorkspaceFiles, readDvcProjects } from '../../core/formats/dvc/project';
import { readAtRevision } from '../../core/git/history';
import {
  explainAbsentAtRevision,
  explainAbsentInWorkspace,
  neitherHasValuesMessage,
  noValuesInWorkspaceMessage,
} from '../../core/metrics/absence';
import { diff, diffToJson, diffToMarkdown, diffToText, formatValue } from '../../core/metrics/diff';
import { latest, MetricsError, type Run, type SourceKind } from '../../core/metrics/model';
import { readSources, walkingFinder, type FindFiles, type ListedSource } from '../../core/metrics/sources/discover';
import type { FollowedFiles } from '../../core/metrics/sources/types';
import { DVCLIVE_GLOB, followedFiles, liveFoldersOf } from '../../core/metrics/sources/workspaceFiles';
import { confineFollowed } from '../../core/metrics/sources/gitHistory';
import { metricSources } from '../../core/metrics/sources/list';
import { outsideMessage, resolveInside } from '../../core/security/confine';
import {
  KIND_NAMES,
  kindSet,
  readTeamConfig,
  sourceOptions,
  type SourceOptions,
  type TeamConfig,
} from '../metricsSources';
import { line } from '../output';
import { defineCommand, EXIT, parseCommandArgs, UsageError, type CliIo, type OptionSpecs } from '../registry';
import { escapeControlCharacters } from '../../core/security/controlCharacters';
import { alignedTable } from '../../core/textTable';

const WORKSPACE = 'workspace';

const help = `Usage:
  mlops metrics show [--source <path>]... [--kind <kind>]... [--tracking-uri <uri>] [--json]
      Metrics of every source the Experiments view shows: the workspace's metrics files (dvc.yaml's,
      mlops.yaml models[].metrics, DVCLive), MLflow file stores (mlruns/) and databases (mlflow.db), an
      MLflow tracking server, and TensorBoard event files, each run with its latest values. Git history
      is listed with --kind git or --kind all. --source: only those metrics files. Without dvc.yaml,
      metrics.json|yaml|yml at the root or in metrics/, eval/ or results/ are read.
  mlops metrics diff [<old>] [<new>] [--source <path>]... [--kind <kind>]... [--tracking-uri <uri>]
                     [--json | --md] [--all]
      Compares metrics between two revisions (a branch, tag, commit or DVC experiment name; 'workspace'
      for the working tree)
      or tracker runs ('<kind>:<run id or name>', e.g. mlflow:3f2a…, tensorboard:train).
      Defaults: HEAD against the workspace. --md prints a Markdown table for a pull-request comment;
      --all also lists unchanged metrics.
Options:
  --kind <kind>         only these sources (repeatable): ${KIND_NAMES.join(', ')}
  --tracking-uri <uri>  an MLflow tracking server (http/https), file store or sqlite:/// database;
                        default: MLFLOW_TRACKING_URI. A server's token comes from MLFLOW_TRACKING_TOKEN.
  --help, -h            print this help
Paths from the repository that resolve outside the workspace folder (.., absolute, symlinks) are never
read: they are reported as outside the workspace.
Exit codes: 0 ok, 2 usage or read error (the message is on stderr).
`;

interface Parsed {
  positional: string[];
  sources: string[];
  kinds: string[];
  trackingUri?: string;
  flags: Set<string>;
}

/**
 * `--source`/`-s` and `--kind` (repeatable), `--tracking-uri`, plus the boolean flags in `allowed`, through
 * util.parseArgs; `help` for --help.
 */
function parseArgs(args: string[], allowed: string[]): Parsed | 'help' {
  const options: OptionSpecs = {
    source: { type: 'string', short: 's', multiple: true },
    kind: { type: 'string', multiple: true },
    'tracking-uri': { type: 'string' },
  };
  for (const flag of allowed) options[flag.slice(2)] = { type: 'boolean' };
  const parsed = parseCommandArgs('metrics', help, args, options);
  if (parsed === 'help') return 'help';
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : [];
  const kinds = strings(parsed.values.kind);
  for (const kind of kinds)
    if (!KIND_NAMES.includes(kind))
      throw new UsageError(`--kind needs one of ${KIND_NAMES.join(', ')}, not '${kind}'.`);
  const trackingUri = parsed.values['tracking-uri'];
  if (typeof trackingUri === 'string' && !trackingUri.trim()) throw new UsageError('--tracking-uri needs a URI.');
  return {
    positional: parsed.positionals,
    sources: strings(parsed.values.source),
    kinds,
    ...(typeof trackingUri === 'string' ? { trackingUri } : {}),
    flags: new Set(allowed.filter((flag) => parsed.values[flag.slice(2)] === true)),
  };
}

/**
 * The files to read: --source, else what the workspace follows (the same files as the Experiments view): dvc.yaml's
 * metrics, params and plots, mlops.yaml's models[].metrics and every DVCLive folder's output.
 */
async function metricsFiles(
  folder: string,
  sources: string[],
  team: TeamConfig,
  find: FindFiles,
): Promise<FollowedFiles> {
  // Paths keep the text given (so a refusal names it); an absolute path inside the folder becomes relative.
  const rel = (p: string): string => {
    const relative = path.relative(folder, path.resolve(folder, p));
    const inside = relative && !relative.startsWith('..') && !path.isAbsolute(relative);
    return (inside ? relative : p).split(path.sep).join('/').replace(/^\.\//, '');
  };
  if (sources.length) return { metrics: sources.map(rel), params: [], plots: [], live: [] };
  const { followed, problems } = followedFiles(folder, {
    modelMetrics: team.metricsFiles.map(rel),
    liveFolders: liveFoldersOf(await find(DVCLIVE_GLOB, 100), folder),
  });
  // A malformed dvc.yaml stops the command, as before: its message names the file and position.
  if (problems.length) readDvcProjects(folder);
  return followed;
}

async function workspaceRun(
  folder: string,
  files: FollowedFiles,
  explicit: boolean,
): Promise<{ run: Run; errors: MetricsError[] }> {
  const { loaded, errors } = await loadWorkspaceFiles(folder, files);
  if (explicit) {
    for (const f of files.metrics) {
      const full = resolveInside(folder, f);
      if (full && !fs.existsSync(full)) errors.push(new MetricsError(`${f} does not exist.`, f));
    }
  }
  // The metrics files' own values (a value per file, or its rows), then the series only plots files have.
  const combined = combineFiles(loaded.filter((f) => f.role !== 'plots'));
  const seen = new Set(combined.metrics.map((m) => `${m.file ?? ''}\0${m.key}`));
  if (loaded.some((f) => f.role === 'plots'))
    for (const m of combineFiles(loaded).metrics) if (!seen.has(`${m.file ?? ''}\0${m.key}`)) combined.metrics.push(m);
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
  for (const e of errors) io.stderr(line(`mlops metrics ${command}: ${e.message}`));
}

const jsonValue = (v: number | string): number | string =>
  typeof v === 'number' && !Number.isFinite(v) ? formatValue(v) : v;

/** A metric's value for JSON: NaN and the infinities as the strings every report uses. */
function runValues(run: Run): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const s of run.metrics) {
    const p = latest(s);
    if (p) out[s.key] = jsonValue(p.value);
  }
  for (const t of run.textMetrics ?? []) out[t.key] = t.value;
  return out;
}

function sourceJson(s: ListedSource): Record<string, unknown> {
  return {
    kind: s.kind,
    label: s.label,
    where: s.where,
    runs: s.runs.map((r) => ({
      id: r.id,
      label: r.label,
      ...(r.experiment ? { experiment: r.experiment } : {}),
      metrics: runValues(r),
    })),
    problems: s.problems.map((p) => ({ severity: p.severity, message: p.message })),
  };
}

async function show(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, ['--json']);
  if (parsed === 'help') {
    io.stdout(help);
    return EXIT.ok;
  }
  const { positional, sources, flags, kinds: kindNames, trackingUri } = parsed;
  if (positional.length)
    throw new UsageError(`unexpected argument '${positional[0]}'. Use --source <path> to name files.`);
  const folder = io.cwd;
  const team = await readTeamConfig(folder, io, 'mlops metrics show');
  const find = walkingFinder(folder);
  const files = await metricsFiles(folder, sources, team, find);
  // Default: every source but git history (a revision list: see `mlops metrics diff`); with --source, only files.
  const named = kindSet(kindNames);
  const wantsWorkspace = named ? named.has('file') : true;
  const others = named
    ? new Set([...named].filter((k) => k !== 'file' && k !== 'dvc'))
    : sources.length
      ? new Set<SourceKind>()
      : new Set(metricSources.map((s) => s.kind).filter((k) => k !== 'file' && k !== 'git'));
  const listed = others.size
    ? await readSources(folder, {
        ...sourceOptions({ trackingUri, modelMetrics: team.metricsFiles }),
        kinds: others,
        find,
      })
    : [];
  const { run, errors } = wantsWorkspace
    ? await workspaceRun(folder, files, sources.length > 0)
    : { run: undefined, errors: [] as MetricsError[] };
  const byFile = new Map<string, { key: string; value: number | string; step?: number }[]>();
  const add = (file: string | undefined, row: { key: string; value: number | string; step?: number }): void => {
    const list = byFile.get(file ?? '') ?? [];
    list.push(row);
    byFile.set(file ?? '', list);
  };
  for (const s of run?.metrics ?? []) {
    const p = latest(s);
    if (p)
      add(s.file, s.points.length > 1 ? { key: s.key, value: p.value, step: p.step } : { key: s.key, value: p.value });
  }
  for (const t of run?.textMetrics ?? []) add(t.file, { key: t.key, value: t.value });
  const withRuns = listed.filter((l) => l.runs.length > 0);
  if (flags.has('--json')) {
    const out: Record<string, Record<string, number | string>> = {};
    for (const [file, rows] of byFile) out[file] = Object.fromEntries(rows.map((r) => [r.key, jsonValue(r.value)]));
    io.stdout(
      JSON.stringify(
        {
          files: out,
          errors: errors.map((e) => ({ location: e.location, message: e.message, ...e.position })),
          sources: listed.map(sourceJson),
        },
        null,
        2,
      ) + '\n',
    );
  } else if (byFile.size === 0 && errors.length === 0 && withRuns.length === 0) {
    io.stderr(
      noValuesInWorkspaceMessage(await explainAbsentInWorkspace(folder, files.metrics)) ??
        'No metrics files found. Declare them in dvc.yaml (metrics:) or mlops.yaml (models[].metrics), or pass --source <path>.\n',
    );
  } else {
    const parts: string[] = [];
    if (byFile.size || errors.length)
      parts.push(
        alignedTable([
          ['Path', 'Metric', 'Value'],
          ...[...byFile].flatMap(([file, rows]) =>
            rows.map((r) => [file, r.key, formatValue(r.value) + (r.step === undefined ? '' : ` (step ${r.step})`)]),
          ),
        ]),
      );
    for (const l of withRuns)
      parts.push(
        `${escapeControlCharacters(`${l.label} · ${l.where}`)}\n` +
          alignedTable([
            ['Run', 'Metric', 'Value'],
            ...l.runs.flatMap((r) =>
              Object.entries(runValues(r)).map(([key, value]) => [r.label, key, formatValue(value)]),
            ),
          ]),
      );
    io.stdout(parts.join('\n'));
  }
  reportErrors(errors, io, 'show');
  for (const l of listed)
    for (const p of l.problems) io.stderr(line(`mlops metrics show: ${l.label} · ${l.where}: ${p.message}`));
  return errors.length ? EXIT.usage : EXIT.ok;
}

async function runAt(
  folder: string,
  rev: string,
  files: FollowedFiles,
  explicit: boolean,
  options: SourceOptions,
): Promise<{ run: Run; errors: MetricsError[] }> {
  if (rev === WORKSPACE) return workspaceRun(folder, files, explicit);
  const tracked = trackerRef(rev);
  if (tracked) return trackerRun(folder, rev, tracked, options);
  const { followed, refused } = confineFollowed(folder, files);
  const { run, errors } = await readAtRevision(folder, rev, {
    metrics: followed.metrics,
    params: followed.params,
    plots: followed.plots,
  });
  return {
    run: { ...run, label: rev },
    errors: [...refused.map((f) => new MetricsError(outsideMessage(f), f)), ...errors],
  };
}

/** `<kind>:<run>` names a tracker run (`mlflow` matches every MLflow kind); anything else is a git revision. */
function trackerRef(rev: string): { kinds: Set<SourceKind>; run: string } | undefined {
  const colon = rev.indexOf(':');
  if (colon <= 0) return undefined;
  const kind = rev.slice(0, colon);
  const kinds = kindSet([kind]);
  if (!kinds || kinds.has('git') || kinds.has('file')) return undefined;
  return { kinds, run: rev.slice(colon + 1) };
}

async function trackerRun(
  folder: string,
  rev: string,
  ref: { kinds: Set<SourceKind>; run: string },
  options: SourceOptions,
): Promise<{ run: Run; errors: MetricsError[] }> {
  const sources = await readSources(folder, { ...sourceOptions(options), kinds: ref.kinds });
  const runs = sources.flatMap((s) => s.runs);
  const matches = runs.filter((r) => r.id === ref.run || r.revision === ref.run || r.label === ref.run);
  const [first] = matches;
  if (!first) throw new UsageError(`no run '${ref.run}' in ${[...ref.kinds].join(', ')} (${runs.length} runs read).`);
  if (matches.length > 1) throw new UsageError(`'${ref.run}' names ${matches.length} runs; give a run id.`);
  return { run: { ...first, label: rev }, errors: [] };
}

async function diffCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, ['--json', '--md', '--all']);
  if (parsed === 'help') {
    io.stdout(help);
    return EXIT.ok;
  }
  const { positional, sources, flags, trackingUri } = parsed;
  if (positional.length > 2) throw new UsageError(`at most two revisions, got ${positional.length}.`);
  if (flags.has('--json') && flags.has('--md')) throw new UsageError('choose one of --json and --md.');
  const [revA = 'HEAD', revB = WORKSPACE] = positional;
  const folder = io.cwd;
  const team = await readTeamConfig(folder, io, 'mlops metrics diff');
  const files = await metricsFiles(folder, sources, team, walkingFinder(folder));
  const options: SourceOptions = { trackingUri, modelMetrics: team.metricsFiles };
  const [a, b] = await Promise.all([
    runAt(folder, revA, files, sources.length > 0, options),
    runAt(folder, revB, files, sources.length > 0, options),
  ]);
  const result = diff(a.run, b.run, team.goals);
  const all = flags.has('--all');
  const sides = [a.run, b.run];
  const empty = (r: Run): boolean => r.metrics.length === 0 && !r.textMetrics?.length && !trackerRef(r.label);
  if (!flags.has('--json') && sides.every(empty)) {
    const explained = await Promise.all(
      sides.map(async (r) => ({
        label: r.label,
        workspace: r.id === WORKSPACE,
        absent:
          r.id === WORKSPACE
            ? await explainAbsentInWorkspace(folder, files.metrics)
            : await explainAbsentAtRevision(folder, r.revisionInfo?.sha ?? r.label, files.metrics),
      })),
    );
    io.stdout(neitherHasValuesMessage(files.metrics, explained));
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
      io.stderr(`${line(`mlops metrics: ${err.message}`)}${help}`);
      return EXIT.usage;
    }
    throw err;
  }
});
