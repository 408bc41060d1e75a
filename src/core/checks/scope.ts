// Which models, datasets, notebooks or files a check looks at, from its `scope`.
import type { DatasetConfig, ModelConfig } from '../formats/mlopsYaml/model';
import picomatch from 'picomatch';
import type { CheckContext, CheckDefinition, FileEntry, Location, SourcePosition } from './types';

export const DEFAULT_NOTEBOOK_GLOBS = ['**/*.ipynb'];

/** A predicate for a list of globs (dot files included); matches everything when the list is empty. */
export function globMatcher(globs: readonly string[] | undefined): (relativePath: string) => boolean {
  if (!globs || globs.length === 0) return () => true;
  const matchers = globs.map((g) => picomatch(g, { dot: true }));
  return (relativePath) => matchers.some((m) => m(relativePath));
}

function byNamesAndGlobs<T extends { name: string; path: string }>(entries: readonly T[], check: CheckDefinition): T[] {
  const names = check.scope.names;
  const matches = globMatcher(check.scope.globs);
  return entries.filter((e) => (!names || names.includes(e.name)) && matches(e.path));
}

export function selectModels(context: CheckContext, check: CheckDefinition): ModelConfig[] {
  return byNamesAndGlobs(context.config.models, check);
}

export function selectDatasets(context: CheckContext, check: CheckDefinition): DatasetConfig[] {
  return byNamesAndGlobs(context.config.datasets, check);
}

/** Notebooks: the scope's globs, else every `.ipynb`. */
export async function selectNotebooks(
  context: CheckContext,
  check: CheckDefinition,
  signal: AbortSignal,
): Promise<FileEntry[]> {
  const globs = check.scope.globs ?? DEFAULT_NOTEBOOK_GLOBS;
  const matches = globMatcher(globs);
  const isNotebook = (p: string): boolean => p.toLowerCase().endsWith('.ipynb');
  return (await context.files.list(signal)).filter((f) => isNotebook(f.path) && matches(f.path));
}

/** Files matching the scope's globs (every listed file when there are none). */
export async function selectPaths(
  context: CheckContext,
  check: CheckDefinition,
  signal: AbortSignal,
  defaultGlobs?: readonly string[],
): Promise<FileEntry[]> {
  const matches = globMatcher(check.scope.globs ?? defaultGlobs);
  return (await context.files.list(signal)).filter((f) => matches(f.path));
}

/** A location in the config file (an entry's position), or undefined when there is no config file. */
export function configLocation(context: CheckContext, position?: SourcePosition): Location | undefined {
  if (!context.configFile) return undefined;
  return position
    ? { file: context.configFile, line: position.line, column: position.column }
    : { file: context.configFile };
}

/** The folder of a model or dataset: the path itself when it is a folder, else its parent ('' for the root). */
export async function entryFolder(context: CheckContext, entryPath: string): Promise<string> {
  const stat = await context.files.stat(entryPath);
  if (stat?.isDirectory) return entryPath.replace(/\/+$/, '');
  const slash = entryPath.lastIndexOf('/');
  return slash === -1 ? '' : entryPath.slice(0, slash);
}
