// Why a declared metrics file has no values, in the words a user can act on. On a fresh clone of a DVC project the
// metrics files a stage writes with the cache on are DVC-tracked: dvc.lock records their hash, git does not hold
// them, and `dvc pull` fetches them. The DVC metadata is read through the one DVC reader (formats/dvc).
import fs from 'node:fs';
import path from 'node:path';
import { DVC_LOCK, DVC_YAML, parseDotDvc, parseDvcLock, parseDvcYaml } from '../formats/dvc/project';
import { resolveInside } from '../security/confine';
import { escapeControlCharacters } from '../security/controlCharacters';
import { formatBytes } from '../sizes';

export type AbsentState =
  /** DVC-tracked (a `.dvc` file or a cached out in dvc.lock): in the DVC cache or remote, `dvc pull` fetches it. */
  | 'not-pulled'
  /** Declared in dvc.yaml, but dvc.lock has no entry: the stage has not run (`dvc repro`). */
  | 'not-built'
  /** A `cache: false` out recorded in dvc.lock but absent: it belongs in git and was not committed. */
  | 'not-committed'
  /** Nothing records it. */
  | 'not-found';

export interface AbsentFile {
  path: string;
  state: AbsentState;
  /** The DVC file that records or declares it (`dvc.yaml`, `data.dvc`). */
  declaredIn?: string;
  md5?: string;
  size?: number;
  /** The DVC-tracked folder that holds it, when DVC tracks the folder rather than the file. */
  within?: string;
}

/** Reads a file of the project (relative, posix), or undefined when there is none. */
export type ReadProjectFile = (relative: string) => string | Buffer | undefined | Promise<string | Buffer | undefined>;

/** Whether `file` is `out` or inside the folder `out`. */
const covers = (out: string, file: string): boolean => out === file || file.startsWith(`${out.replace(/\/$/, '')}/`);

/**
 * What DVC records about each of `files` (relative to the project root, posix), none of which has values. Metadata
 * that does not parse counts as absent (the readers report it elsewhere).
 */
export async function explainAbsent(files: readonly string[], read: ReadProjectFile): Promise<AbsentFile[]> {
  const safe = async <T>(f: () => Promise<T | undefined> | T | undefined): Promise<T | undefined> => {
    try {
      return await f();
    } catch {
      return undefined;
    }
  };
  const yamlText = await safe(() => read(DVC_YAML));
  const lockText = await safe(() => read(DVC_LOCK));
  const project = yamlText === undefined ? undefined : await safe(() => parseDvcYaml(yamlText, DVC_YAML));
  const lock = lockText === undefined ? undefined : await safe(() => parseDvcLock(lockText, DVC_LOCK));
  const declared = new Map<string, boolean>();
  for (const stage of project?.stages ?? [])
    for (const out of [...stage.outs, ...stage.metrics, ...stage.plots]) declared.set(out.path, out.cache !== false);
  const lockOuts = Object.values(lock?.stages ?? {}).flatMap((s) => s.outs);
  const out: AbsentFile[] = [];
  for (const file of files) {
    const dotDvcText = await safe(() => read(`${file}.dvc`));
    const dotDvc = dotDvcText === undefined ? undefined : await safe(() => parseDotDvc(dotDvcText, `${file}.dvc`));
    const tracked = dotDvc?.outs.find((o) => o.path === path.posix.basename(file));
    if (tracked) {
      out.push(absent(file, 'not-pulled', `${file}.dvc`, tracked.md5 ?? tracked.hash, tracked.size));
      continue;
    }
    const entry = lockOuts.find((o) => covers(o.path, file));
    const cached = [...declared].find(([p]) => covers(p, file))?.[1];
    const inYaml = cached !== undefined || (project?.metrics ?? []).includes(file);
    const size = entry?.path === file ? entry.size : undefined;
    if (entry && (entry.md5 ?? entry.hash) && cached !== false && entry.cache !== false) {
      const a = absent(file, 'not-pulled', DVC_YAML, entry.md5 ?? entry.hash, size);
      if (entry.path !== file) a.within = entry.path;
      out.push(a);
    } else if (entry) out.push(absent(file, 'not-committed', DVC_LOCK, entry.md5 ?? entry.hash, size));
    else if (inYaml) out.push(absent(file, 'not-built', DVC_YAML));
    else out.push({ path: file, state: 'not-found' });
  }
  return out;
}

function absent(file: string, state: AbsentState, declaredIn: string, md5?: string, size?: number): AbsentFile {
  const a: AbsentFile = { path: file, state, declaredIn };
  if (md5) a.md5 = md5;
  if (size !== undefined) a.size = size;
  return a;
}

/**
 * The files of `files` missing from the workspace folder, explained. Paths that resolve outside the folder are
 * neither checked nor read (they are reported elsewhere as outside the workspace).
 */
export async function explainAbsentInWorkspace(folder: string, files: readonly string[]): Promise<AbsentFile[]> {
  const missing = files.filter((f) => {
    const full = resolveInside(folder, f);
    return full !== undefined && !fs.existsSync(full);
  });
  if (missing.length === 0) return [];
  return explainAbsent(missing, (rel) => {
    const full = resolveInside(folder, rel);
    return full && fs.existsSync(full) ? fs.readFileSync(full) : undefined;
  });
}

/** `files` as they are at a git revision (none of them there), explained by that revision's DVC metadata. */
export async function explainAbsentAtRevision(
  folder: string,
  revision: string,
  files: readonly string[],
): Promise<AbsentFile[]> {
  // Only paths that stay in the folder as written (the history reader refuses the others).
  const inside = files.filter((f) => !path.isAbsolute(f) && !path.posix.normalize(f).startsWith('..'));
  // The git façade is loaded when a revision's files are explained, not with the module.
  const { showFileText } = await import('../git/commands.js');
  return explainAbsent(inside, (rel) => showFileText(folder, revision, rel));
}

/**
 * One line for a file: what is true about it and what to run. `atRevision`: the file as a past revision records it
 * (`dvc pull` fetches the workspace's version only).
 */
export function absentMessage(a: AbsentFile, atRevision = false): string {
  const facts = [
    a.within ? `in the folder ${a.within}` : '',
    a.md5 ? `md5 ${a.md5.slice(0, 8)}` : '',
    a.size === undefined ? '' : formatBytes(a.size),
  ]
    .filter(Boolean)
    .join(', ');
  switch (a.state) {
    case 'not-pulled':
      return `${a.path}: declared in ${a.declaredIn ?? DVC_YAML}, DVC-tracked${facts ? ` (${facts})` : ''}, not in git: ${
        atRevision
          ? 'run "dvc fetch --all-commits --type metrics" and compare with "dvc metrics diff".'
          : `run "dvc pull ${a.within ?? a.path}".`
      }`;
    case 'not-built':
      return `${a.path}: declared in ${a.declaredIn ?? DVC_YAML}, not produced yet (dvc.lock has no entry): run "dvc repro".`;
    case 'not-committed':
      return `${a.path}: recorded in dvc.lock${facts ? ` (${facts})` : ''} as a git-tracked output (cache: false), but not committed: run "dvc repro" and commit it.`;
    case 'not-found':
      return `${a.path}: does not exist, and no DVC file records it.`;
  }
}

/**
 * `mlops metrics diff` when neither side has a value: which files were looked for and, per side, what DVC records
 * about them (sides: a revision or the workspace, with the files it explains).
 */
export function neitherHasValuesMessage(
  files: readonly string[],
  sides: readonly { label: string; absent: readonly AbsentFile[]; workspace?: boolean }[],
): string {
  const lines = [
    `Neither ${sides.map((s) => s.label).join(' nor ')} has values for ${files.length ? files.join(', ') : 'any metrics file'}.`,
  ];
  for (const side of sides)
    for (const a of side.absent.filter((x) => x.state !== 'not-found'))
      lines.push(`  at ${side.label}: ${absentMessage(a, !side.workspace)}`);
  // File names come from the repository: a line break in one must not start a line of this text.
  return lines.map(escapeControlCharacters).join('\n') + '\n';
}

/** `mlops metrics show` when no declared file has values: what DVC records about each (none: undefined). */
export function noValuesInWorkspaceMessage(absent: readonly AbsentFile[]): string | undefined {
  const known = absent.filter((a) => a.state !== 'not-found');
  if (known.length === 0) return undefined;
  return `No metrics values in the workspace:\n${known.map((a) => escapeControlCharacters(`  ${absentMessage(a)}`)).join('\n')}\n`;
}
