import { ConfigError, loadConfig } from '../../core/formats/mlopsYaml/validate';
import { followedFiles } from '../../core/metrics/sources/workspaceFiles';
import type { Goal } from '../../core/metrics/diff';
import { readRegistry, type ReadRegistryOptions } from '../../core/registry/read';
import { MlflowRestClient } from '../../core/formats/mlflow/rest';
import { DEFAULT_TIMEOUT_MS, trackingTarget } from '../../core/metrics/sources/mlflowServer';
import type { ModelVersion, Registry, RegistryModel } from '../../core/registry/model';
import {
  assignStage,
  deprecateModel,
  deregisterVersion,
  registerVersion,
  RegistryActionError,
  unassignStage,
  type ActionResult,
} from '../../core/registry/actions';
import { GtoNameError } from '../../core/formats/gto/tags';
import { diffVersions, versionDiffToJson, versionDiffToMarkdown, versionDiffToText } from '../../core/registry/diff';
import type { DetailsContext } from '../../core/registry/details';
import { escapeControlCharacters } from '../../core/security/controlCharacters';
import { alignedTable } from '../../core/textTable';
import { discoverWorkspace } from '../../core/workspace/discovery';
import { defineCommand, EXIT, parseCommandArgs, UsageError, type CliIo, type OptionSpecs } from '../registry';

const help = `Usage:
  mlops models list [--json] [--all-stages] [--deprecated]
      Every model of the workspace's registries, merged per model: GTO git tags (name@vX.Y.Z, name#stage#N),
      the MLflow registry (mlruns/, mlflow.db) and models: in mlops.yaml; the latest version and the version in
      each stage. As 'gto show': a stage is held by the version assigned it last (--all-stages: by every version
      that holds it); deprecated models are left out unless --deprecated.
  mlops models show <name> [--json] [--all-stages]
      The versions of a model (newest first) with their stages, who registered them and when, the commit, and
      the history of registrations and stage changes.
  mlops models diff <name> <version-a> <version-b> [--json | --md]
      Compares two versions: metric deltas judged by goal, params that differ, datasets whose hash changed,
      environment changes (requirements pins, lock files, Dockerfile base image) and the commits in between.
  mlops models register <name> [<commit>] [--version vX.Y.Z | --bump-major | --bump-minor | --bump-patch] [-m <msg>]
      Registers a version at a commit (default HEAD): tag <name>@vX.Y.Z, its message GTO's line (or -m) and the
      reproducibility record of the commit (params, data hashes, metrics, environment digest). Without a version,
      the latest one is bumped (patch unless told); the first version is v0.0.1.
  mlops models assign <name> <stage> [<commit> | --version vX.Y.Z] [-m <msg>] [--force]
      Assigns a stage: tag <name>#<stage>#N. A commit without a version is registered first.
  mlops models unassign <name> <stage> [<commit> | --version vX.Y.Z] [-m <msg>]
      Takes a stage back: tag <name>#<stage>!#N.
  mlops models deregister <name> <version> [-m <msg>]
      Withdraws a version: tag <name>@vX.Y.Z!.
  mlops models deprecate <name> [<commit>] [-m <msg>]
      Deprecates the model: tag <name>@deprecated.
Options of list, show and diff:
  --tracking-uri <uri>  also an MLflow registry: an http(s) tracking server, a file store or sqlite:///mlflow.db;
                        default: MLFLOW_TRACKING_URI. A server's token comes from MLFLOW_TRACKING_TOKEN.
Tags are annotated, as GTO writes them, and are not pushed: run 'git push origin <tag>' to share them.
Exit codes: 0 ok, 1 refused (the message says why), 2 usage or read error.
`;

const OPTIONS = {
  json: { type: 'boolean' },
  md: { type: 'boolean' },
  'all-stages': { type: 'boolean' },
  deprecated: { type: 'boolean' },
  version: { type: 'string' },
  'bump-major': { type: 'boolean' },
  'bump-minor': { type: 'boolean' },
  'bump-patch': { type: 'boolean' },
  message: { type: 'string', short: 'm' },
  force: { type: 'boolean' },
  'tracking-uri': { type: 'string' },
} satisfies OptionSpecs;

const text = escapeControlCharacters;
const date = (ms: number | undefined): string =>
  ms === undefined ? '' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

function stageText(model: RegistryModel, stage: string): string {
  return (model.stages[stage] ?? []).join(', ') || '—';
}

const MAX_UNREGISTERED = 10;

/** Model files and DVC artifacts the explorer lists that no registry holds a version of (the Models view shows them). */
async function unregisteredText(root: string): Promise<string> {
  const found = (await discoverWorkspace({ root })).items.filter((i) => i.kind === 'model' && !i.mlflow);
  if (!found.length) return '';
  const describe = (i: (typeof found)[number]): string => {
    const facts = [
      i.dvc?.artifact ? `DVC artifact '${text(i.dvc.artifact)}'` : '',
      i.notPulled ? 'DVC-tracked, not pulled' : '',
    ].filter(Boolean);
    return `  ${text(i.relativePath)}${facts.length ? ` (${facts.join(', ')})` : ''}\n`;
  };
  const more = found.length > MAX_UNREGISTERED ? `  and ${found.length - MAX_UNREGISTERED} more\n` : '';
  return (
    `Model files found, with no version registered (${found.length}):\n` +
    found.slice(0, MAX_UNREGISTERED).map(describe).join('') +
    more +
    "Register a version with 'mlops models register <name>', or name them in mlops.yaml ('mlops init').\n"
  );
}

function listText(registry: Registry, models: RegistryModel[], unregistered = ''): string {
  if (!models.length)
    return registry.models.length
      ? `No active models (${registry.models.length} deprecated; --deprecated lists them).\n`
      : 'No models: no GTO tags, MLflow registry or mlops.yaml models in this workspace.\n' + unregistered;
  const stages = [...new Set(models.flatMap((m) => Object.keys(m.stages)))].sort();
  const rows = [
    ['Model', 'Latest', ...stages.map((s) => `#${s}`), 'Versions', 'Sources'],
    ...models.map((m) => [
      m.deprecated ? `${m.name} (deprecated)` : m.name,
      m.latest ?? m.versions[0]?.version ?? '—',
      ...stages.map((s) => stageText(m, s)),
      String(m.versions.filter((v) => v.active).length),
      m.sources.join(', '),
    ]),
  ];
  return alignedTable(rows) + problemsText(registry);
}

function problemsText(registry: Registry): string {
  return registry.problems.map((p) => `warning: ${p.source}: ${text(p.message)}\n`).join('');
}

function showText(model: RegistryModel): string {
  const lines: string[] = [`${text(model.name)}${model.deprecated ? ' (deprecated)' : ''}`];
  if (model.description) lines.push(`  ${text(model.description)}`);
  const facts = [
    model.type && `type: ${model.type}`,
    model.path && `path: ${model.path}`,
    model.labels.length && `labels: ${model.labels.join(', ')}`,
    `sources: ${model.sources.join(', ')}`,
  ].filter(Boolean);
  lines.push(`  ${text(facts.join(' · '))}`);
  for (const [stage, versions] of Object.entries(model.stages).sort(([a], [b]) => (a < b ? -1 : 1)))
    lines.push(`  #${text(stage)}: ${text(versions.join(', '))}`);
  lines.push('');
  const rows = [
    ['Version', 'Stages', 'Registered', 'By', 'Commit', 'State'],
    ...model.versions.map((v) => [
      v.version,
      [...v.stages, ...v.aliases.map((a) => `@${a}`)].join(', '),
      date(v.createdAt),
      v.author ?? '',
      v.commit?.slice(0, 7) ?? (v.runId ? `run ${v.runId.slice(0, 8)}` : ''),
      !v.active ? 'deregistered' : v.registered ? '' : 'unregistered commit',
    ]),
  ];
  lines.push(alignedTable(rows).trimEnd(), '', 'History');
  const events = [...model.events, ...model.versions.flatMap((v) => v.events)].sort((a, b) => a.time - b.time);
  for (const e of events)
    lines.push(
      `  ${date(e.time)}  ${text(e.kind.padEnd(12))} ${text(e.version ?? '')}${e.stage ? ` #${text(e.stage)}` : ''}${e.author ? `  by ${text(e.author)}` : ''}${e.tag ? `  (${text(e.tag)})` : ''}${e.message ? `: ${text(e.message.split('\n')[0] ?? '')}` : ''}`,
    );
  return lines.join('\n') + '\n';
}

async function context(cwd: string): Promise<{ details: DetailsContext; goals: Record<string, Goal> }> {
  const goals: Record<string, Goal> = {};
  let modelMetrics: string[] = [];
  let datasets: DetailsContext['datasets'] = [];
  try {
    const config = (await loadConfig(cwd)).validation.config;
    modelMetrics = config.models.flatMap((m) => m.metrics);
    datasets = config.datasets;
    for (const m of config.metrics) if (m.goal) goals[m.key] = m.goal;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
  }
  return { details: { root: cwd, followed: followedFiles(cwd, { modelMetrics }).followed, datasets }, goals };
}

/** The registry options for --tracking-uri (else MLFLOW_TRACKING_URI): a server's client, or one more store. */
function trackingOptions(cwd: string, flag: string | undefined): ReadRegistryOptions {
  const uri = flag ?? process.env.MLFLOW_TRACKING_URI;
  if (!uri) return {};
  const target = trackingTarget(uri, cwd);
  if (target.kind === 'unsupported')
    throw new UsageError(`${flag !== undefined ? '--tracking-uri' : 'MLFLOW_TRACKING_URI'}: ${target.reason}`);
  if (target.kind === 'server')
    return {
      mlflowServer: new MlflowRestClient({
        baseUrl: target.location,
        token: process.env.MLFLOW_TRACKING_TOKEN || undefined,
        timeoutMs: DEFAULT_TIMEOUT_MS,
      }),
    };
  return { extraMlflowStores: [target.location] };
}

function findModel(registry: Registry, name: string): RegistryModel {
  const model = registry.models.find((m) => m.name === name);
  if (!model)
    throw new UsageError(
      `no model '${text(name)}' (models: ${registry.models.map((m) => text(m.name)).join(', ') || 'none'}).`,
    );
  return model;
}

function findVersion(model: RegistryModel, version: string): ModelVersion {
  const found =
    model.versions.find((v) => v.version === version) ??
    model.versions.find((v) => v.version === `v${version}`) ??
    model.versions.find((v) => v.commit?.startsWith(version) && version.length >= 7);
  if (!found) throw new UsageError(`${text(model.name)} has no version '${text(version)}'.`);
  return found;
}

function bumpOf(values: Record<string, unknown>): 'major' | 'minor' | 'patch' | undefined {
  const bumps = (['major', 'minor', 'patch'] as const).filter((b) => values[`bump-${b}`] === true);
  if (bumps.length > 1) throw new UsageError('give one of --bump-major, --bump-minor, --bump-patch.');
  return bumps[0];
}

async function act(io: CliIo, action: () => Promise<ActionResult>, json: boolean): Promise<number> {
  try {
    const result = await action();
    io.stdout(
      json
        ? JSON.stringify(result, null, 2) + '\n'
        : `${text(result.summary)}\nTo share: git push origin ${result.tags.map(text).join(' ')}\n`,
    );
    return EXIT.ok;
  } catch (err) {
    if (err instanceof RegistryActionError || err instanceof GtoNameError) {
      io.stderr(`mlops models: ${text(err.message)}\n`);
      return EXIT.failed;
    }
    throw err;
  }
}

defineCommand(
  'models',
  'list, show, compare and release model versions (GTO tags, MLflow registry)',
  async (args, io) => {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      io.stdout(help);
      return sub === undefined ? EXIT.usage : EXIT.ok;
    }
    const parsed = parseCommandArgs(`models ${sub}`, help, rest, OPTIONS);
    if (parsed === 'help') {
      io.stdout(help);
      return EXIT.ok;
    }
    const { values, positionals: pos } = parsed;
    const json = values.json === true;
    const repo = { root: io.cwd };
    const need = (n: number, max: number, what: string): void => {
      if (pos.length < n || pos.length > max) throw new UsageError(`models ${sub} takes ${what}.`, help);
    };
    switch (sub) {
      case 'list': {
        need(0, 0, 'no arguments');
        const registry = await readRegistry(io.cwd, { versionsPerStage: values['all-stages'] ? -1 : 1 });
        const models = registry.models.filter((m) => values.deprecated === true || !m.deprecated);
        const unregistered = !json && !registry.models.length ? await unregisteredText(io.cwd) : '';
        io.stdout(
          json ? JSON.stringify({ ...registry, models }, null, 2) + '\n' : listText(registry, models, unregistered),
        );
        return EXIT.ok;
      }
      case 'show': {
        need(1, 1, 'a model name');
        const registry = await readRegistry(io.cwd, { versionsPerStage: values['all-stages'] ? -1 : 1 });
        const model = findModel(registry, pos[0]!);
        io.stdout(json ? JSON.stringify(model, null, 2) + '\n' : showText(model) + problemsText(registry));
        return EXIT.ok;
      }
      case 'diff': {
        need(3, 3, 'a model name and two versions');
        if (json && values.md) throw new UsageError('give --json or --md, not both.', help);
        const tracking = trackingOptions(io.cwd, values['tracking-uri']);
        const [registry, ctx] = await Promise.all([readRegistry(io.cwd, tracking), context(io.cwd)]);
        const model = findModel(registry, pos[0]!);
        const result = await diffVersions(
          findVersion(model, pos[1]!),
          findVersion(model, pos[2]!),
          ctx.details,
          ctx.goals,
        );
        io.stdout(
          json
            ? JSON.stringify(versionDiffToJson(result), null, 2) + '\n'
            : values.md
              ? versionDiffToMarkdown(result)
              : versionDiffToText(result),
        );
        for (const p of result.problems) io.stderr(`mlops models diff: warning: ${text(p)}\n`);
        return EXIT.ok;
      }
      case 'register': {
        need(1, 2, 'a model name and an optional commit');
        const options = {
          version: values.version,
          bump: bumpOf(values),
          rev: pos[1],
          message: values.message,
          record: true,
        };
        return act(io, () => registerVersion(repo, pos[0]!, strip(options)), json);
      }
      case 'assign':
      case 'unassign': {
        need(2, 3, 'a model name, a stage and an optional commit');
        const options = strip({ version: values.version, rev: pos[2], message: values.message, force: values.force });
        return act(io, () => (sub === 'assign' ? assignStage : unassignStage)(repo, pos[0]!, pos[1]!, options), json);
      }
      case 'deregister': {
        need(2, 2, 'a model name and a version');
        return act(io, () => deregisterVersion(repo, pos[0]!, pos[1]!, strip({ message: values.message })), json);
      }
      case 'deprecate': {
        need(1, 2, 'a model name and an optional commit');
        return act(io, () => deprecateModel(repo, pos[0]!, strip({ rev: pos[1], message: values.message })), json);
      }
      default:
        throw new UsageError(`unknown subcommand '${text(sub)}'.`, help);
    }
  },
);

/** The object without its undefined values (for exact optional properties). */
function strip<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
