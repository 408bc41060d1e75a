// The one way a local file is written: a temporary file in the target's own folder, written, fsynced, then renamed
// over the target, so a crash or a full disk never leaves half a file. The target keeps its permissions; a read-only
// target is refused (nothing replaces a file its owner protected); a symbolic link is written through, so the link
// stays a link and its target gets the new content, atomically.
import { mkdirSync, promises as fs, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** Permissions of a new file (default 0o666 less the umask). An existing file keeps its own. */
  mode?: number;
  /** Refuse to replace an existing file: rejects with a `FileExistsError` (the check and the write are one step). */
  exclusive?: boolean;
  /** Create the target's folder (and its parents) when missing. */
  createFolders?: boolean;
}

/** The target is read-only (no write permission): it is left as it was. */
export class ReadOnlyFileError extends Error {
  constructor(readonly file: string) {
    super(`${file} is read-only; left unchanged. Make it writable (chmod u+w) to change it.`);
    this.name = 'ReadOnlyFileError';
  }
}

/** An exclusive write found the target already there: it is left as it was. */
export class FileExistsError extends Error {
  constructor(readonly file: string) {
    super(`${file} already exists; left unchanged.`);
    this.name = 'FileExistsError';
  }
}

/** The file a write to `file` must replace: `file` itself, or the final target of a symbolic link. */
async function writeTarget(file: string): Promise<string> {
  let current = path.resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    const stat = await fs.lstat(current).catch(() => undefined);
    if (!stat?.isSymbolicLink()) return current;
    current = path.resolve(path.dirname(current), await fs.readlink(current));
  }
  throw new Error(`${file}: too many levels of symbolic links`);
}

/**
 * Replaces (or creates) `file` with `content` atomically. Rejects with `ReadOnlyFileError` for a read-only target and,
 * with `exclusive`, `FileExistsError` when it exists; the target is then untouched and no temporary file is left.
 */
export async function writeFileAtomic(
  file: string,
  content: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const target = await writeTarget(file);
  const folder = path.dirname(target);
  if (options.createFolders) await fs.mkdir(folder, { recursive: true });
  const existing = await fs.stat(target).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing && options.exclusive) throw new FileExistsError(file);
  if (existing && !(await writable(target, existing.mode))) throw new ReadOnlyFileError(file);
  const mode = existing ? existing.mode & 0o7777 : options.mode;
  const temporary = path.join(folder, `.${path.basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    const handle = await fs.open(temporary, 'wx', mode ?? 0o666);
    try {
      await handle.writeFile(content);
      // The mode given to open() passes through the umask: set the kept permissions exactly.
      if (mode !== undefined) await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) {
      // link() fails when the target exists, even if it appeared since the check above.
      await fs.link(temporary, target).catch((err: NodeJS.ErrnoException) => {
        throw err.code === 'EEXIST' ? new FileExistsError(file) : err;
      });
    } else await fs.rename(temporary, target);
  } finally {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
  }
  await syncFolder(folder);
}

/**
 * Replaces (or creates, with its folders) a file of a cache, synchronously: a temporary file beside it renamed over
 * it, so a reader never sees half of one. Without fsync (a cache lost in a crash is rebuilt) and without throwing:
 * answers whether the file was written. For the user's cache folder, never for a workspace file.
 */
export function replaceCacheFileSync(file: string, content: string | Uint8Array): boolean {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temporary, content);
    renameSync(temporary, file);
    return true;
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written (the folder could not be made).
    }
    return false;
  }
}

/** Writable for this process, and not protected by its mode (root may write anything, but a 444 file says no). */
async function writable(file: string, mode: number): Promise<boolean> {
  if ((mode & 0o222) === 0) return false;
  return fs.access(file, fs.constants.W_OK).then(
    () => true,
    () => false,
  );
}

/** Makes the rename durable where the platform allows it (Windows cannot open a folder). */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close().catch(() => undefined);
}
