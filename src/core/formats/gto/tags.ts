// GTO's git-tag grammar: the one place that reads and writes the tags GTO (the git-tag ops model registry) uses.
//
//   name@vX.Y.Z[#N]      register version vX.Y.Z          name@vX.Y.Z![#N]   deregister it
//   name#stage[#N]       assign a stage to the commit     name#stage![#N]    unassign it
//   name@deprecated[#N]  deprecate the artifact           (name@created parses but has no action)
//
// An artifact name is letters, digits, `-`, `_` and `/`, starting and ending with a letter or digit (one character
// is enough); an artifact with a path is `path:name`, written `path=name` in a tag. Versions are semantic versions
// with a `v` prefix. The patterns below are GTO's own (constants.py), translated: Python's `\d` matches any Unicode
// decimal digit, hence `\p{Nd}`; a counter is ASCII digits.

export type GtoAction = 'register' | 'deregister' | 'assign' | 'unassign' | 'deprecate' | 'create';

export interface GtoTag {
  /** The artifact's full name (`path:name` for an artifact with a path). */
  name: string;
  action: GtoAction;
  version?: string;
  stage?: string;
  /** The `#N` suffix, when the tag has one. */
  counter?: number;
}

const NAME = '[a-zA-Z0-9](?:[a-zA-Z0-9\\-/_]*[a-zA-Z0-9])?';
const DIRNAME = '[a-zA-Z0-9\\-_./]+';
const NUMBER = '(?:0|[1-9]\\p{Nd}*)';
const IDENTIFIER = '(?:0|[1-9]\\p{Nd}*|\\p{Nd}*[a-zA-Z\\-][0-9a-zA-Z\\-]*)';
const SEMVER = `${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-${IDENTIFIER}(?:\\.${IDENTIFIER})*)?(?:\\+[0-9a-zA-Z\\-]+(?:\\.[0-9a-zA-Z\\-]+)*)?`;

const NAME_RE = new RegExp(`^${NAME}$`, 'u');
const FULLNAME_RE = new RegExp(`^(?:${DIRNAME}:)?${NAME}$`, 'u');
const VERSION_RE = new RegExp(`^v${SEMVER}$`, 'u');
const TAG_RE = new RegExp(
  `^(?<artifact>(?:${DIRNAME}=)?${NAME})` +
    `(?:(?:#(?<stage>${NAME})|@(?<version>v${SEMVER}))(?<cancel>!?)|@(?:(?<deprecated>deprecated)|(?<created>created)))` +
    `(?:#(?<counter>[0-9]+))?$`,
  'u',
);

/** Whether `value` is a valid artifact name or stage name (no path part). */
export function isValidName(value: string): boolean {
  return NAME_RE.test(value);
}

/** Whether `value` is a valid full artifact name: `name` or `path:name`. */
export function isValidFullName(value: string): boolean {
  return FULLNAME_RE.test(value);
}

/** Whether `value` is a version GTO accepts: `v` and a semantic version (`v1.2.3`, `v1.0.0-rc.1`). */
export function isValidVersion(value: string): boolean {
  return VERSION_RE.test(value);
}

/** The artifact name as written in a tag (`path:name` becomes `path=name`). */
export function nameToTag(name: string): string {
  return name.replaceAll(':', '=');
}

/** The artifact name a tag writes (`path=name` becomes `path:name`). */
export function tagToName(value: string): string {
  return value.replaceAll('=', ':');
}

/** Parses a tag name; undefined when it is not a GTO tag. */
export function parseGtoTag(tag: string): GtoTag | undefined {
  const m = TAG_RE.exec(tag);
  const g = m?.groups;
  if (!g?.artifact) return undefined;
  const parsed: GtoTag = { name: tagToName(g.artifact), action: 'create' };
  if (g.deprecated) parsed.action = 'deprecate';
  if (g.version) {
    parsed.version = g.version;
    parsed.action = g.cancel === '!' ? 'deregister' : 'register';
  }
  if (g.stage) {
    parsed.stage = g.stage;
    parsed.action = g.cancel === '!' ? 'unassign' : 'assign';
  }
  if (g.counter) parsed.counter = Number(g.counter);
  return parsed;
}

/**
 * Whether a tag records a registry event other than a version: a stage assignment or unassignment, a
 * deregistration or a deprecation. Views that mark releases on a history leave these out.
 */
export function isRegistryEventTag(tag: string): boolean {
  const parsed = parseGtoTag(tag);
  return parsed !== undefined && parsed.action !== 'register' && parsed.action !== 'create';
}

export class GtoNameError extends Error {}

/** Throws a GtoNameError naming the problem when `name` is not a valid full artifact name. */
export function assertFullName(name: string): void {
  if (!isValidFullName(name))
    throw new GtoNameError(
      `Invalid model name '${name}'. Only letters, numbers, '_', '-', '/' are allowed (and a 'path:' prefix); a name must start and end with a letter or a number.`,
    );
}

/** Throws a GtoNameError when `stage` is not a valid stage name. */
export function assertStageName(stage: string): void {
  if (!isValidName(stage))
    throw new GtoNameError(
      `Invalid stage '${stage}'. Only letters, numbers, '_', '-', '/' are allowed; a stage must start and end with a letter or a number.`,
    );
}

/** Throws a GtoNameError when `version` is not `v` followed by a semantic version. */
export function assertVersion(version: string): void {
  if (!isValidVersion(version))
    throw new GtoNameError(
      `Invalid version '${version}'. Write 'v' and a semantic version, e.g. v1.2.3 or v2.0.0-rc.1.`,
    );
}

/**
 * The name of the tag for an action, as GTO writes it. `counter` (the next `#N`) is appended when given: GTO numbers
 * assignments, unassignments and forced deprecations, not registrations.
 */
export function formatGtoTag(
  action: Exclude<GtoAction, 'create'>,
  name: string,
  options: { version?: string; stage?: string; counter?: number } = {},
): string {
  assertFullName(name);
  const artifact = nameToTag(name);
  let tag: string;
  switch (action) {
    case 'register':
    case 'deregister':
      if (options.version === undefined) throw new GtoNameError(`A version is needed to ${action} a version.`);
      assertVersion(options.version);
      tag = `${artifact}@${options.version}${action === 'deregister' ? '!' : ''}`;
      break;
    case 'assign':
    case 'unassign':
      if (options.stage === undefined) throw new GtoNameError(`A stage is needed to ${action} a stage.`);
      assertStageName(options.stage);
      tag = `${artifact}#${options.stage}${action === 'unassign' ? '!' : ''}`;
      break;
    case 'deprecate':
      tag = `${artifact}@deprecated`;
      break;
  }
  return options.counter === undefined ? tag : `${tag}#${options.counter}`;
}

/** The next `#N` for an artifact, as GTO counts: one more than the highest counter of any of its tags. */
export function nextCounter(name: string, tags: Iterable<string>): number {
  let counter = 0;
  for (const tag of tags) {
    const parsed = parseGtoTag(tag);
    if (parsed?.name === name && parsed.counter !== undefined && parsed.counter > counter) counter = parsed.counter;
  }
  return counter + 1;
}

// ---------------------------------------------------------------------------------------------- versions

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: (string | number)[];
}

/** Parses `vX.Y.Z[-pre][+build]`; undefined when it is not one. */
export function parseVersion(version: string): SemVer | undefined {
  if (!isValidVersion(version)) return undefined;
  const body = version.slice(1).split('+')[0] ?? '';
  const dash = body.indexOf('-');
  const core = dash === -1 ? body : body.slice(0, dash);
  const pre = dash === -1 ? '' : body.slice(dash + 1);
  const [major = 0, minor = 0, patch = 0] = core.split('.').map((n) => Number(n.normalize('NFKD')));
  return {
    major,
    minor,
    patch,
    prerelease: pre ? pre.split('.').map((p) => (/^[0-9]+$/.test(p) ? Number(p) : p)) : [],
  };
}

/** Semantic-version order (build metadata ignored, a prerelease before its release); invalid versions last. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return x ? -1 : y ? 1 : a < b ? -1 : a > b ? 1 : 0;
  return compareParsedVersions(x, y);
}

/** compareVersions for parsed versions. */
export function compareParsedVersions(x: SemVer, y: SemVer): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (x[k] !== y[k]) return x[k] - y[k];
  if (!x.prerelease.length || !y.prerelease.length) return y.prerelease.length - x.prerelease.length;
  for (let i = 0; i < Math.max(x.prerelease.length, y.prerelease.length); i++) {
    const p = x.prerelease[i];
    const q = y.prerelease[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return p - q;
    if (typeof p === 'number') return -1;
    if (typeof q === 'number') return 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

export type Bump = 'major' | 'minor' | 'patch';

/** The version after `version`, as GTO bumps it (python-semver's bump: a prerelease and build are dropped). */
export function bumpVersion(version: string, bump: Bump): string {
  const v = parseVersion(version);
  if (!v) throw new GtoNameError(`Cannot bump '${version}': it is not a semantic version.`);
  if (bump === 'major') return `v${v.major + 1}.0.0`;
  if (bump === 'minor') return `v${v.major}.${v.minor + 1}.0`;
  return `v${v.major}.${v.minor}.${v.patch + 1}`;
}

/** The first version GTO registers when there is none. */
export const MINIMAL_VERSION = 'v0.0.1';
