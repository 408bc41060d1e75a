// A FileLister over the file system: walks the root once (skipping .git, node_modules, virtual environments and
// caches), honours .gitignore files at every level and .git/info/exclude, and the config's `exclude` globs.
import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { detectEncoding } from '../../formats/data/csv';
import { outsideMessage, resolveInside } from '../../security/confine';
import { globMatcher } from '../scope';
import { formatBytes } from '../../sizes';
import { CheckCancelledError, CheckInputError, type FileEntry, type FileLister, type FileStat } from '../types';

/** Folders never walked: version control, dependencies, caches, virtual environments, notebook checkpoints. */
export const SKIPPED_FOLDERS = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '.venv',
  'venv',
  '__pycache__',
  '.ipynb_checkpoints',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.dvc',
]);

const DEFAULT_MAX_TEXT_BYTES = 16 * 1024 * 1024;

interface IgnoreLevel {
  /** Folder of the .gitignore, relative to the root ('' for the root). */
  base: string;
  rules: Ignore;
}

function readIgnore(file: string): Ignore | undefined {
  try {
    return ignore({ allowRelativePaths: true }).add(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Whether git ignores a path, given the .gitignore levels above it (deepest last). */
function ignored(levels: readonly IgnoreLevel[], relativePath: string, isDirectory: boolean): boolean {
  for (const { base, rules } of [...levels].reverse()) {
    const inner = base ? relativePath.slice(base.length + 1) : relativePath;
    const result = rules.test(isDirectory ? `${inner}/` : inner);
    if (result.ignored) return true;
    if (result.unignored) return false;
  }
  return false;
}

export interface FileListerOptions {
  /** Globs (relative to the root) of files to leave out, e.g. the config's `exclude`. */
  exclude?: readonly string[];
}

/** Walks `root` synchronously; checks `signal` every few folders. Returns files sorted by path. */
export function walkFiles(root: string, options: FileListerOptions = {}, signal?: AbortSignal): FileEntry[] {
  const excluded = options.exclude?.length ? globMatcher(options.exclude) : () => false;
  const files: FileEntry[] = [];
  const rootLevels: IgnoreLevel[] = [];
  const infoExclude = readIgnore(path.join(root, '.git', 'info', 'exclude'));
  if (infoExclude) rootLevels.push({ base: '', rules: infoExclude });
  const stack: { relative: string; levels: IgnoreLevel[] }[] = [{ relative: '', levels: rootLevels }];
  let folders = 0;
  while (stack.length) {
    if (++folders % 64 === 0 && signal?.aborted) throw new CheckCancelledError();
    const { relative, levels: parentLevels } = stack.pop()!;
    const absolute = relative ? `${root}${path.sep}${relative.split('/').join(path.sep)}` : root;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absolute, { withFileTypes: true });
    } catch {
      continue;
    }
    // A folder with pyvenv.cfg is a Python virtual environment, whatever its name.
    if (relative && entries.some((e) => e.name === 'pyvenv.cfg' && e.isFile())) continue;
    let levels = parentLevels;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      const rules = readIgnore(path.join(absolute, '.gitignore'));
      if (rules) levels = [...parentLevels, { base: relative, rules }];
    }
    for (const entry of entries) {
      const name = entry.name;
      const child = relative ? `${relative}/${name}` : name;
      if (entry.isDirectory()) {
        if (SKIPPED_FOLDERS.has(name) || (levels.length > 0 && ignored(levels, child, true)) || excluded(child))
          continue;
        stack.push({ relative: child, levels });
      } else if (entry.isFile()) {
        if (name === '.git' || (levels.length > 0 && ignored(levels, child, false)) || excluded(child)) continue;
        let stat: fs.Stats | undefined;
        try {
          stat = fs.statSync(`${absolute}${path.sep}${name}`);
        } catch {
          continue;
        }
        files.push({ path: child, size: stat.size, mtimeMs: stat.mtimeMs });
      }
      // Symbolic links are left out: git stores them as links, and following them could leave the root.
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Resolves a root-relative path, refusing ones that leave the root (symlinks included). */
function inside(root: string, relativePath: string): string | undefined {
  return resolveInside(root, relativePath);
}

/** A FileLister for `root`; the walk happens on the first `list` and is cached. */
export function createFileLister(root: string, options: FileListerOptions = {}): FileLister {
  let cached: FileEntry[] | undefined;
  return {
    list(signal?: AbortSignal): Promise<readonly FileEntry[]> {
      try {
        cached ??= walkFiles(root, options, signal);
        return Promise.resolve(cached);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
    isOutside(relativePath: string): boolean {
      return inside(root, relativePath) === undefined;
    },
    async stat(relativePath: string): Promise<FileStat | undefined> {
      const full = inside(root, relativePath);
      if (!full) return undefined;
      try {
        const stat = await fs.promises.stat(full);
        return { size: stat.size, mtimeMs: stat.mtimeMs, isDirectory: stat.isDirectory() };
      } catch {
        return undefined;
      }
    },
    async readText(relativePath: string, maxBytes = DEFAULT_MAX_TEXT_BYTES): Promise<string> {
      const full = inside(root, relativePath);
      if (!full) throw new CheckInputError(outsideMessage(relativePath), relativePath);
      let stat: fs.Stats;
      try {
        stat = await fs.promises.stat(full);
      } catch {
        throw new CheckInputError(`${relativePath} does not exist.`, relativePath);
      }
      if (!stat.isFile()) throw new CheckInputError(`${relativePath} is not a file.`, relativePath);
      if (stat.size > maxBytes)
        throw new CheckInputError(
          `${relativePath} is ${formatBytes(stat.size)}, more than the ${formatBytes(maxBytes)} this check reads.`,
          relativePath,
        );
      const buffer = await fs.promises.readFile(full);
      // A UTF-16 byte-order mark says the file is text: Windows PowerShell writes `pip freeze > requirements.txt` so,
      // and pip reads it.
      const { encoding, bom } = detectEncoding(buffer.subarray(0, 4));
      if (encoding === 'utf-16le' || encoding === 'utf-16be')
        return new TextDecoder(encoding).decode(buffer.subarray(bom));
      if (buffer.subarray(0, 8000).includes(0))
        throw new CheckInputError(`${relativePath} is a binary file, not text.`, relativePath);
      return buffer.toString('utf8').replace(/^\uFEFF/, '');
    },
  };
}
