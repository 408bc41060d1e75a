// Telling apart items that share a name, as VS Code does for editor tabs: two notebooks named `homework` in
// `week-01/` and `week-02/` are described by their folders, `week-01` and `week-02`; `data/a/train.csv` and
// `data/b/train.csv` by the shortest folder suffix that differs (`…/a`, `…/b`); a model `x` beside `x.h5` in the same
// folder by its file name. Items whose name is unique get nothing.

export interface Nameable {
  /** The key of a name: items with equal keys are the ambiguous ones (say, the name and the version). */
  key: string;
  /** Where the item is, relative to its workspace folder, with forward slashes (`week-02/homework.ipynb`). */
  path: string;
}

/** The label of the workspace folder's root, for an item at the top level beside a namesake in a folder. */
export const ROOT_LABEL = './';

/**
 * For each item whose key another item shares, the text that tells it apart (by index into `items`): the shortest
 * suffix of its folder that no namesake's folder ends with (`…/` in front when the folder is longer), then, when a
 * namesake is in the same folder, its file name. Items with a unique key are not in the map.
 */
export function distinguishingLabels(items: readonly Nameable[]): Map<number, string> {
  const byKey = new Map<string, { index: number; folders: string[]; base: string }[]>();
  items.forEach((item, index) => {
    const entry = { index, ...split(item.path) };
    const group = byKey.get(item.key);
    if (group) group.push(entry);
    else byKey.set(item.key, [entry]);
  });
  const labels = new Map<number, string>();
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    for (const own of group) {
      const others = group.filter((other) => other !== own);
      const elsewhere = others.filter((other) => !sameFolder(other.folders, own.folders));
      const parts: string[] = [];
      if (elsewhere.length)
        parts.push(
          folderLabel(
            own.folders,
            elsewhere.map((o) => o.folders),
          ),
        );
      if (elsewhere.length < others.length) parts.push(own.base);
      labels.set(own.index, parts.join(' · '));
    }
  }
  return labels;
}

function split(relativePath: string): { folders: string[]; base: string } {
  const segments = relativePath.split('/').filter((s) => s !== '' && s !== '.');
  return { folders: segments.slice(0, -1), base: segments.at(-1) ?? relativePath };
}

function sameFolder(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}

/** The last `count` segments of `folders` (all of them when it has fewer). */
function suffix(folders: string[], count: number): string {
  return folders.slice(Math.max(0, folders.length - count)).join('/');
}

/** The shortest folder suffix of `own` that none of `others` ends with. */
function folderLabel(own: string[], others: string[][]): string {
  if (own.length === 0) return ROOT_LABEL;
  for (let count = 1; count <= own.length; count++) {
    const candidate = suffix(own, count);
    const clash = others.some((other) => other.length >= count && suffix(other, count) === candidate);
    if (!clash) return count < own.length ? `…/${candidate}` : candidate;
  }
  return own.join('/');
}
