// Temporary folders for the workspace tests: trees written from a map of files, and copies of the committed
// fixtures (whose .gitignore files are stored as `_gitignore` so they do not hide fixture files from this repository).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repositoryRoot = path.resolve(__dirname, '..', '..', '..', '..');
export const fixturesRoot = path.join(repositoryRoot, 'test', 'fixtures', 'workspace');

export function tempFolder(prefix = 'mlops-workspace-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** Writes `files` (relative path -> content) under `root`, creating folders. */
export function writeTree(root: string, files: Record<string, string | Buffer>): string {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, ...relative.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return root;
}

/** Copies a folder, renaming `_gitignore` files to `.gitignore`. */
export function copyFixture(from: string, to: string): string {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name === '_gitignore' ? '.gitignore' : entry.name);
    if (entry.isDirectory()) copyFixture(source, target);
    else fs.copyFileSync(source, target);
  }
  return to;
}

/** Copies a generated project into the fixture layout: no .git, .dvc or MLflow runs; `.gitignore` as `_gitignore`. */
export function storeFixture(from: string, to: string): void {
  fs.rmSync(to, { recursive: true, force: true });
  const copy = (source: string, target: string, relative: string) => {
    fs.mkdirSync(target, { recursive: true });
    for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (
        ['.git', '.dvc', '.dvcignore'].includes(child) ||
        (child.startsWith('mlruns/') && !child.startsWith('mlruns/models'))
      )
        continue;
      const name = entry.name === '.gitignore' ? '_gitignore' : entry.name;
      if (entry.isDirectory()) copy(path.join(source, entry.name), path.join(target, name), child);
      else fs.copyFileSync(path.join(source, entry.name), path.join(target, name));
    }
  };
  copy(from, to, '');
}

export function removeFolder(folder: string): void {
  fs.rmSync(folder, { recursive: true, force: true });
}
