// Confinement of paths that come from a repository (mlops.yaml, dvc.yaml, metrics entries, a command line run in
// CI on a pull request): every reader resolves them here, symlinks included, and never opens one that leaves the
// workspace folder.
import fs from 'node:fs';
import path from 'node:path';

/** The words every refusal uses, so users and tests can recognise it. */
export const OUTSIDE_WORKSPACE = 'is outside the workspace';

/** The message of a refused path: `<path> is outside the workspace.` */
export function outsideMessage(given: string): string {
  return `${given} ${OUTSIDE_WORKSPACE}.`;
}

/** Whether `child` is `parent` or below it (both absolute, compared as written). */
export function isWithin(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/** The real path of `p`, or of its deepest existing ancestor joined with the rest (for files not there yet). */
function realpathOfExisting(p: string): string {
  const rest: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * `target` (relative to `root`, or absolute) resolved inside the workspace folder `root`, or `undefined` when it
 * leaves it: by `..`, by an absolute path elsewhere, or through a symbolic link anywhere on the way. The answer is
 * the real path (symlinks inside the folder resolved), so the file opened is the file checked.
 */
export function resolveInside(root: string, target: string): string | undefined {
  if (target.includes('\0')) return undefined;
  const lexicalRoot = path.resolve(root);
  const absolute = path.resolve(lexicalRoot, target);
  const realRoot = realpathOfExisting(lexicalRoot);
  if (!isWithin(absolute, lexicalRoot) && !isWithin(absolute, realRoot)) return undefined;
  const real = realpathOfExisting(absolute);
  return isWithin(real, realRoot) ? real : undefined;
}

/** Whether `target` resolves inside `root` (see `resolveInside`). */
export function isInsideWorkspace(root: string, target: string): boolean {
  return resolveInside(root, target) !== undefined;
}
