// Pure helpers behind notebook versioning in the editor: which params and metrics files go with a notebook in a
// snapshot commit, tag names in the `{name}@v{version}` style, and the command line git runs as the clean filter.

import path from 'node:path';
import picomatch from 'picomatch';
import { compareVersions, compileConvention } from '../formats/naming';

// ---------------------------------------------------------------------------------------------- linked files

/** Names of params and metrics files looked for next to a notebook. */
export const SIBLING_LINK_NAMES: readonly string[] = Object.freeze([
  'params.yaml',
  'params.yml',
  'params.json',
  'params.toml',
  'metrics.json',
  'metrics.yaml',
  'metrics.yml',
  'metrics.toml',
]);

export interface LinkedFilesInput {
  /** The notebook, relative to the workspace folder, forward slashes. */
  notebook: string;
  /** `notebooks.links` of mlops.yaml: notebook path or glob -> files. */
  links?: Record<string, string[]>;
  /** Names of the files in the notebook's folder. */
  siblings: readonly string[];
  /** Params and metrics files declared by dvc.yaml (or present at the root), relative to the workspace folder. */
  declared: readonly string[];
}

export interface LinkedFiles {
  /** Relative to the workspace folder, forward slashes, without the notebook itself, sorted, no duplicates. */
  files: string[];
  /** Where the list came from: mlops.yaml `notebooks.links`, or found next to the notebook and in dvc.yaml. */
  source: 'config' | 'discovered';
  /** The `notebooks.links` key that matched, when the list came from the configuration. */
  key?: string;
}

function normalize(relative: string): string {
  const joined = path.posix.normalize(relative.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/$/, '');
  return joined === '.' ? '' : joined;
}

/**
 * The params and metrics files committed with a notebook: the `notebooks.links` entry of mlops.yaml that names the
 * notebook (its exact path first, then the first glob that matches), else the params/metrics files next to the
 * notebook plus those dvc.yaml declares.
 */
export function linkedFiles(input: LinkedFilesInput): LinkedFiles {
  const notebook = normalize(input.notebook);
  const finish = (files: Iterable<string>, source: LinkedFiles['source'], key?: string): LinkedFiles => {
    const unique = [...new Set([...files].map(normalize))].filter(
      (file) => file !== '' && file !== notebook && !file.startsWith('../') && !path.posix.isAbsolute(file),
    );
    return { files: unique.sort(), source, ...(key !== undefined ? { key } : {}) };
  };
  const links = input.links ?? {};
  const exact = Object.keys(links).find((key) => normalize(key) === notebook);
  if (exact !== undefined) return finish(links[exact], 'config', exact);
  const glob = Object.keys(links).find(
    (key) => /[*?[{]/.test(key) && picomatch(normalize(key), { dot: true })(notebook),
  );
  if (glob !== undefined) return finish(links[glob], 'config', glob);
  const folder = path.posix.dirname(notebook) === '.' ? '' : path.posix.dirname(notebook);
  const siblings = input.siblings
    .filter((name) => SIBLING_LINK_NAMES.includes(name))
    .map((name) => (folder ? `${folder}/${name}` : name));
  return finish([...siblings, ...input.declared], 'discovered');
}

// ---------------------------------------------------------------------------------------------- tags

/** The naming convention of snapshot tags, as for model releases. */
export const SNAPSHOT_TAG_CONVENTION = '{name}@v{version}';

const matchTag = compileConvention(SNAPSHOT_TAG_CONVENTION);

/**
 * The name a notebook's snapshot tags carry: the `{name}` of the first `conventions.notebooks` pattern its path
 * matches, else its file name without extension (and without a trailing version such as `-v2`).
 */
export function snapshotName(notebook: string, conventions: readonly string[] = []): string {
  const relative = normalize(notebook);
  for (const pattern of conventions) {
    const name = compileConvention(pattern)(relative)?.name;
    if (name) return sanitizeTagPart(name);
  }
  const stem = path.posix.basename(relative).replace(/\.ipynb$/i, '');
  const match = /^(.+?)[-_.]v\d+(?:\.\d+){0,2}$/i.exec(stem);
  return sanitizeTagPart(match ? match[1] : stem);
}

/** Makes a name usable inside a tag: spaces and characters git refuses become '-'. */
function sanitizeTagPart(name: string): string {
  const cleaned = [...name]
    .map((c) => (hasControl(c) ? '-' : c))
    .join('')
    .replace(/[\s~^:?*[\\@{}]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '');
  return cleaned || 'notebook';
}

/** The versions of `name` among existing tags (`name@v1.2.0` -> `1.2.0`), highest first. */
export function taggedVersions(name: string, tags: readonly string[]): string[] {
  const versions: string[] = [];
  for (const tag of tags) {
    const match = matchTag(tag);
    if (match?.name === name && match.version) versions.push(match.version);
  }
  return versions.sort((a, b) => compareVersions(b, a));
}

/** The next snapshot tag of a notebook: `1.0.0` for the first, then the next minor version of the highest. */
export function nextSnapshotTag(name: string, tags: readonly string[]): { tag: string; version: string } {
  const [highest] = taggedVersions(name, tags);
  let version = '1.0.0';
  if (highest) {
    const parts = highest.split(/[-+]/)[0].split('.').map(Number);
    version = `${parts[0] ?? 0}.${(parts[1] ?? 0) + 1}.0`;
  }
  return { tag: `${name}@v${version}`, version };
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Why git would refuse `name` as a tag (the rules of `git check-ref-format`), or undefined when it is valid. */
export function refNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'A tag name cannot be empty.';
  if (hasControl(name) || /[ ~^:?*[\\]/.test(name))
    return 'A tag name cannot contain spaces, control characters or any of ~ ^ : ? * [ \\.';
  if (name.startsWith('-')) return 'A tag name cannot start with "-".';
  if (name.includes('..')) return 'A tag name cannot contain "..".';
  if (name.includes('@{')) return 'A tag name cannot contain "@{".';
  if (name === '@') return 'A tag name cannot be "@".';
  if (name.endsWith('.') || name.endsWith('/') || name.startsWith('/') || name.includes('//'))
    return 'A tag name cannot start or end with "/" or end with ".".';
  if (name.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock')))
    return 'No part of a tag name can start with "." or end with ".lock".';
  return undefined;
}

export interface TagCheck {
  /** The tag cannot be created. */
  error?: string;
  /** The tag can be created but does not follow the convention. */
  warning?: string;
}

/** Checks a snapshot tag the user typed: a valid, new git tag (error otherwise) named `{name}@v{version}` (warning otherwise). */
export function checkSnapshotTag(tag: string, name: string, existing: readonly string[]): TagCheck {
  const problem = refNameProblem(tag);
  if (problem) return { error: problem };
  if (existing.includes(tag)) return { error: `The tag ${tag} already exists.` };
  const match = matchTag(tag);
  if (!match?.version)
    return {
      warning: `${tag} does not follow the naming convention ${SNAPSHOT_TAG_CONVENTION} (e.g. ${name}@v1.0.0).`,
    };
  if (match.name !== name)
    return { warning: `${tag} names "${match.name ?? ''}", not this notebook's name "${name}".` };
  return {};
}

// ---------------------------------------------------------------------------------------------- filter command

/** Quotes one argument for the POSIX shell git runs filters with (git for Windows runs them with its sh too). */
export function shellQuote(argument: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(argument)) return argument;
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

export interface NodeRuntime {
  /** The executable running the extension host (process.execPath). */
  execPath: string;
  /** It is Electron (desktop VS Code), which runs scripts as Node only with ELECTRON_RUN_AS_NODE=1. */
  electron: boolean;
}

/**
 * The command git runs for the `mlops` CLI at `cliPath` (the arguments `nbstrip --stdin` are appended by the filter
 * settings). Electron needs ELECTRON_RUN_AS_NODE=1 to behave as Node.
 */
export function cliCommand(runtime: NodeRuntime, cliPath: string): string {
  const command = `${shellQuote(runtime.execPath)} ${shellQuote(cliPath)}`;
  return runtime.electron ? `ELECTRON_RUN_AS_NODE=1 ${command}` : command;
}

/** The executable and script of a command `cliCommand` wrote (undefined for any other command). */
export function parseCliCommand(command: string): { execPath: string; cliPath: string; electron: boolean } | undefined {
  const words: string[] = [];
  const pattern = /'((?:[^']|'\\'')*)'|([^\s']+)/g;
  for (const match of command.matchAll(pattern))
    words.push(match[1] !== undefined ? match[1].replace(/'\\''/g, "'") : match[2]);
  const electron = words[0] === 'ELECTRON_RUN_AS_NODE=1';
  const rest = electron ? words.slice(1) : words;
  if (rest.length < 2 || !/\.js$/.test(rest[1])) return undefined;
  return { execPath: rest[0], cliPath: rest[1], electron };
}
