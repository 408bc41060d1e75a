// Tag names of a git repository read straight from its files (packed-refs and refs/tags), without running git:
// cheap, and allowed in untrusted workspaces where no git process may run.
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The git directory of the repository that contains `folder` (a `.git` folder or a `.git` file's `gitdir:`). */
export async function findGitDirectory(
  folder: string,
): Promise<{ gitDir: string; commonDir: string; root: string } | undefined> {
  let current = path.resolve(folder);
  for (;;) {
    const dotGit = path.join(current, '.git');
    const stat = await fs.stat(dotGit).catch(() => undefined);
    if (stat?.isDirectory()) return { gitDir: dotGit, commonDir: dotGit, root: current };
    if (stat?.isFile()) {
      const text = await fs.readFile(dotGit, 'utf8').catch(() => '');
      const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
      if (match?.[1] !== undefined) {
        const gitDir = path.resolve(current, match[1]);
        const common = (await fs.readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => '')).trim();
        return { gitDir, commonDir: common ? path.resolve(gitDir, common) : gitDir, root: current };
      }
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Every tag name of the repository containing `folder` (empty outside a repository). */
export async function readTagNames(folder: string): Promise<string[]> {
  const found = await findGitDirectory(folder);
  if (!found) return [];
  const names = new Set<string>();
  const packed = await fs.readFile(path.join(found.commonDir, 'packed-refs'), 'utf8').catch(() => '');
  for (const line of packed.split('\n')) {
    const match = /^[0-9a-f]{40,64} refs\/tags\/(.+)$/.exec(line.trim());
    if (match?.[1] !== undefined) names.add(match[1]);
  }
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory()) await walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.isFile()) names.add(`${prefix}${entry.name}`);
    }
  };
  await walk(path.join(found.commonDir, 'refs', 'tags'), '');
  return [...names].sort();
}
