// Release actions as GTO performs them, written as annotated git tags GTO reads: register a version (an explicit
// version, or the latest bumped: patch by default, or minor / major), assign a stage (`name#stage#N`, numbered like
// GTO's default), unassign it (`name#stage!#N`), deregister a version (`name@vX.Y.Z!`) and deprecate a model
// (`name@deprecated`). Every action checks the registry first and refuses what GTO refuses, with a message that says
// why. Callers refuse these in untrusted workspaces (they run git and write tags).
import { createAnnotatedTag, listTagRecords, resolveCommit, type GitLocation, type TagRecord } from '../git/commands';
import {
  assertFullName,
  assertStageName,
  assertVersion,
  bumpVersion,
  formatGtoTag,
  GtoNameError,
  MINIMAL_VERSION,
  nextCounter,
  parseGtoTag,
  type Bump,
} from '../formats/gto/tags';
import { gtoModels } from './gtoState';
import { registrationMessage, registrationSummary } from './registration';
import type { ModelVersion, RegistryModel } from './model';

export class RegistryActionError extends Error {}

export interface ActionResult {
  /** The tags written, in order. */
  tags: string[];
  version: string;
  commit: string;
  /** What was done, in a sentence. */
  summary: string;
}

interface State {
  tags: TagRecord[];
  model?: RegistryModel;
}

async function state(repo: GitLocation, name: string): Promise<State> {
  assertFullName(name);
  const tags = await listTagRecords(repo);
  const model = gtoModels(tags, { versionsPerStage: -1 }).find((m) => m.name === name);
  return model ? { tags, model } : { tags };
}

async function commitOf(repo: GitLocation, rev: string): Promise<string> {
  const commit = await resolveCommit(repo, rev);
  if (!commit) throw new RegistryActionError(`'${rev}' is not a commit in this repository.`);
  return commit;
}

function tagExists(s: State, tag: string): boolean {
  return s.tags.some((t) => t.name === tag);
}

/**
 * Writes the tag one second after the newest tag of the model at the latest: GTO orders events by their tagger date
 * (whole seconds), so two actions in the same second would have no order.
 */
async function writeTag(repo: GitLocation, s: State, tag: string, commit: string, message: string): Promise<void> {
  if (tagExists(s, tag)) throw new RegistryActionError(`The tag '${tag}' exists already.`);
  const name = parseGtoTag(tag)?.name;
  let newest = 0;
  for (const t of s.tags)
    if (t.taggerDate !== undefined && t.taggerDate > newest && parseGtoTag(t.name)?.name === name)
      newest = t.taggerDate;
  const now = Math.floor(Date.now() / 1000) * 1000;
  const date = Math.max(now, newest + 1000);
  await createAnnotatedTag(repo, tag, commit, message, { date });
  s.tags.push({ name: tag, annotated: true, commit, message, taggerDate: date });
}

export interface RegisterOptions {
  /** The commit (default HEAD). */
  rev?: string;
  /** `vX.Y.Z`; else the latest version bumped. */
  version?: string;
  bump?: Bump;
  /** The first line of the tag message (default GTO's). */
  message?: string;
  /** Add the reproducibility record of the commit to the message (what the dashboard and the CLI write). */
  record?: boolean;
}

/** The version `register` would write, without writing it. */
export function versionToRegister(model: RegistryModel | undefined, options: RegisterOptions): string {
  if (options.version !== undefined && options.bump !== undefined)
    throw new RegistryActionError('Give either a version or a bump, not both.');
  if (options.version !== undefined) {
    assertVersion(options.version);
    if (model?.versions.some((v) => v.version === options.version))
      throw new RegistryActionError(`Version ${options.version} of '${model.name}' is registered already.`);
    return options.version;
  }
  const latest = model?.latest;
  if (latest) return bumpVersion(latest, options.bump ?? 'patch');
  if (options.bump)
    throw new RegistryActionError(`Cannot bump: no version of '${model?.name ?? 'this model'}' is registered yet.`);
  return MINIMAL_VERSION;
}

async function registerIn(repo: GitLocation, s: State, name: string, options: RegisterOptions): Promise<ActionResult> {
  const commit = await commitOf(repo, options.rev ?? 'HEAD');
  const existing = s.model?.versions.find((v) => v.commit === commit && v.registered && v.active);
  if (existing)
    throw new RegistryActionError(
      `Commit ${commit.slice(0, 7)} is registered already as ${name} ${existing.version}; give another commit.`,
    );
  const version = versionToRegister(s.model, options);
  const tag = formatGtoTag('register', name, { version });
  const summary = options.message ?? registrationSummary(name, version);
  const message = options.record ? await registrationMessage(repo.root, name, version, commit, summary) : summary;
  await writeTag(repo, s, tag, commit, message);
  s.model = gtoModels(s.tags).find((m) => m.name === name);
  return {
    tags: [tag],
    version,
    commit,
    summary: `Registered ${name} ${version} at ${commit.slice(0, 7)} (tag ${tag}).`,
  };
}

/** Registers a version of `name` at a commit. */
export async function registerVersion(
  repo: GitLocation,
  name: string,
  options: RegisterOptions = {},
): Promise<ActionResult> {
  return registerIn(repo, await state(repo, name), name, options);
}

export interface StageOptions {
  /** The version (`vX.Y.Z`); else the version at `rev`. */
  version?: string;
  /** A commit (default HEAD when no version is given). */
  rev?: string;
  message?: string;
  /** Write the tag even when the version holds the stage already. */
  force?: boolean;
}

function findVersion(s: State, name: string, options: StageOptions): ModelVersion | undefined {
  if (options.version !== undefined) {
    assertVersion(options.version);
    const found = s.model?.versions.find((v) => v.version === options.version && v.registered);
    if (!found) throw new RegistryActionError(`Version ${options.version} of '${name}' is not registered.`);
    if (!found.active) throw new RegistryActionError(`Version ${options.version} of '${name}' was deregistered.`);
    return found;
  }
  return undefined;
}

/** Writes the stage tag (`assign` or `unassign`) with the model's next `#N` counter, as gto does; returns its name. */
async function writeStageTag(
  repo: GitLocation,
  s: State,
  kind: 'assign' | 'unassign',
  name: string,
  stage: string,
  commit: string,
  message: string,
): Promise<string> {
  const counter = nextCounter(
    name,
    s.tags.map((t) => t.name),
  );
  const tag = formatGtoTag(kind, name, { stage, counter });
  await writeTag(repo, s, tag, commit, message);
  return tag;
}

/** Assigns `stage` to a version of `name` (a commit without a version is registered first, as GTO does). */
export async function assignStage(
  repo: GitLocation,
  name: string,
  stage: string,
  options: StageOptions = {},
): Promise<ActionResult> {
  assertStageName(stage);
  const s = await state(repo, name);
  if (options.version !== undefined && options.rev !== undefined)
    throw new RegistryActionError('Give either a version or a commit, not both.');
  let version = findVersion(s, name, options);
  const tags: string[] = [];
  if (!version) {
    const commit = await commitOf(repo, options.rev ?? 'HEAD');
    version = s.model?.versions.find((v) => v.commit === commit && v.registered && v.active);
    if (!version) {
      const registered = await registerIn(repo, s, name, { rev: commit });
      for (const t of registered.tags) tags.push(t);
      version = s.model?.versions.find((v) => v.version === registered.version);
    }
  }
  if (!version?.commit) throw new RegistryActionError(`No version of '${name}' to assign.`);
  if (!options.force && s.model?.stages[stage]?.includes(version.version) && version.stages.includes(stage))
    throw new RegistryActionError(`${name} ${version.version} is in stage '${stage}' already.`);
  const tag = await writeStageTag(
    repo,
    s,
    'assign',
    name,
    stage,
    version.commit,
    options.message ?? `Assigning stage ${stage} to artifact ${name} version ${version.version}`,
  );
  tags.push(tag);
  return {
    tags,
    version: version.version,
    commit: version.commit,
    summary: `Assigned stage '${stage}' to ${name} ${version.version} (tag ${tag}).`,
  };
}

/** Unassigns `stage` from the version of `name` that holds it (or from the version given). */
export async function unassignStage(
  repo: GitLocation,
  name: string,
  stage: string,
  options: StageOptions = {},
): Promise<ActionResult> {
  assertStageName(stage);
  const s = await state(repo, name);
  if (!s.model) throw new RegistryActionError(`No model '${name}' in the registry.`);
  let version = findVersion(s, name, options);
  if (!version && options.rev !== undefined) {
    const commit = await commitOf(repo, options.rev);
    version = s.model.versions.find((v) => v.commit === commit && v.active);
  }
  if (!version) {
    // The version that holds the stage as `gto show` shows it: the one assigned it last.
    const shown = gtoModels(s.tags).find((m) => m.name === name);
    const holders = s.model.versions.filter((v) => shown?.stages[stage]?.includes(v.version));
    if (holders.length > 1)
      throw new RegistryActionError(
        `Stage '${stage}' of '${name}' is held by ${holders.map((v) => v.version).join(', ')}; name the version.`,
      );
    version = holders[0];
  }
  if (!version?.commit || (!options.force && !version.stages.includes(stage)))
    throw new RegistryActionError(
      `Stage '${stage}' is not assigned to ${version ? `${name} ${version.version}` : `any version of '${name}'`}.`,
    );
  const tag = await writeStageTag(
    repo,
    s,
    'unassign',
    name,
    stage,
    version.commit,
    options.message ?? `Unassigning stage '${stage}' to artifact '${name}' version '${version.version}'`,
  );
  return {
    tags: [tag],
    version: version.version,
    commit: version.commit,
    summary: `Unassigned stage '${stage}' from ${name} ${version.version} (tag ${tag}).`,
  };
}

/** Deregisters a version of `name` (`name@vX.Y.Z!`): it stays in history but is no longer active. */
export async function deregisterVersion(
  repo: GitLocation,
  name: string,
  version: string,
  options: { message?: string } = {},
): Promise<ActionResult> {
  const s = await state(repo, name);
  const found = findVersion(s, name, { version });
  if (!found?.commit) throw new RegistryActionError(`Version ${version} of '${name}' is not registered.`);
  const tag = formatGtoTag('deregister', name, { version });
  await writeTag(repo, s, tag, found.commit, options.message ?? `Deregistering artifact ${name} version ${version}`);
  return { tags: [tag], version, commit: found.commit, summary: `Deregistered ${name} ${version} (tag ${tag}).` };
}

/** Deprecates the model `name` (`name@deprecated`, at the commit of its newest event unless a commit is given). */
export async function deprecateModel(
  repo: GitLocation,
  name: string,
  options: { rev?: string; message?: string } = {},
): Promise<ActionResult> {
  const s = await state(repo, name);
  if (!s.model) throw new RegistryActionError(`No model '${name}' in the registry.`);
  if (s.model.deprecated) throw new RegistryActionError(`'${name}' is deprecated already.`);
  const newest = [...s.model.events, ...s.model.versions.flatMap((v) => v.events)]
    .sort((a, b) => a.time - b.time)
    .at(-1);
  const commit = options.rev !== undefined ? await commitOf(repo, options.rev) : newest?.commit;
  if (!commit) throw new RegistryActionError(`No commit to deprecate '${name}' at; give one.`);
  let tag = formatGtoTag('deprecate', name);
  if (tagExists(s, tag))
    tag = formatGtoTag('deprecate', name, {
      counter: nextCounter(
        name,
        s.tags.map((t) => t.name),
      ),
    });
  await writeTag(repo, s, tag, commit, options.message ?? `Deprecating artifact '${name}'`);
  return { tags: [tag], version: '', commit, summary: `Deprecated ${name} (tag ${tag}).` };
}

export { GtoNameError };
