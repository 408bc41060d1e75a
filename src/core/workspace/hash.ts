// Content hashes of workspace files: sha256 by default, md5 to match DVC. Large files are read in 4 MiB chunks into two
// buffers (the next read runs while the current chunk is hashed). A cache keyed by (path, size, mtime, inode),
// persisted as JSON in a folder the caller owns, means an unchanged file is never read again.
//
// Cache rules: a rewrite (new mtime, size or inode) re-hashes; a rename is a cache miss and re-hashes (entries are
// keyed by path); a file modified within RACY_WINDOW_MS of being hashed is re-hashed next time, because file
// systems with coarse timestamps cannot tell such a change from the hashed content.
import { createHash } from 'node:crypto';
import { constants, type Stats, promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../atomicWrite';
import { forEachLimited } from '../concurrency';
import { formatBytes } from '../sizes';

export type HashAlgorithm = 'sha256' | 'md5';

export const CHUNK_SIZE = 4 * 1024 * 1024;
export const HASH_CACHE_FILE = 'hash-cache.json';
/** Entries hashed less than this long after the file's mtime are not trusted later. */
export const RACY_WINDOW_MS = 2000;

export type SkipReason = 'missing' | 'not-a-file' | 'too-large' | 'unreadable';

export type HashResult =
  | {
      status: 'hashed';
      path: string;
      algorithm: HashAlgorithm;
      hash: string;
      size: number;
      mtimeMs: number;
      fromCache: boolean;
    }
  | { status: 'skipped'; path: string; code: SkipReason; reason: string };

export interface HashOptions {
  algorithm?: HashAlgorithm;
  cache?: HashCache;
  signal?: AbortSignal;
  /** Called after each chunk (and once per cached file) with the bytes done and the bytes in total. */
  onProgress?: (done: number, total: number) => void;
  /** Files larger than this are skipped with a reason (default: no limit). */
  maxSize?: number;
}

export interface HashManyOptions extends HashOptions {
  /** Files hashed at once (default 4). */
  concurrency?: number;
}

/** Hashing was cancelled through its AbortSignal. */
export class HashCancelledError extends Error {
  constructor(readonly file: string) {
    super(`Hashing ${file} was cancelled.`);
    this.name = 'HashCancelledError';
  }
}

/** The hash cache file exists but cannot be written. */
export class HashCacheError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'HashCacheError';
  }
}

/** [size, mtimeMs, inode, hashedAt (when the content was read), sha256 or '', md5 or ''] */
type CacheEntry = [number, number, number, number, string, string];

const SIZE = 0;
const MTIME = 1;
const INODE = 2;
const HASHED_AT = 3;
const DIGEST_SLOT: Record<HashAlgorithm, 4 | 5> = { sha256: 4, md5: 5 };

/** The file layout: entries grouped by folder, so each folder path is written once. */
interface CacheFile {
  version: 1;
  folders: Record<string, Record<string, CacheEntry>>;
}

function isEntry(value: unknown): value is CacheEntry {
  return (
    Array.isArray(value) &&
    value.length === 6 &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'number' &&
    typeof value[2] === 'number' &&
    typeof value[3] === 'number' &&
    typeof value[4] === 'string' &&
    typeof value[5] === 'string'
  );
}

/** Hashes by (path, size, mtime, inode). Load with `HashCache.load(folder)`; `save()` writes it back when changed. */
export class HashCache {
  private entries: Map<string, CacheEntry>;
  private changed = false;
  /** Why the stored cache was discarded, when it was (unreadable or corrupt JSON). */
  readonly loadWarning?: string;

  private constructor(
    readonly file: string | undefined,
    entries: Map<string, CacheEntry>,
    loadWarning?: string,
  ) {
    this.entries = entries;
    if (loadWarning) this.loadWarning = loadWarning;
  }

  /** A cache that lives in memory only. */
  static inMemory(): HashCache {
    return new HashCache(undefined, new Map());
  }

  /** Loads `<folder>/hash-cache.json`; a missing or corrupt file gives an empty cache (with `loadWarning`). */
  static async load(folder: string): Promise<HashCache> {
    const file = path.join(folder, HASH_CACHE_FILE);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new HashCache(file, new Map());
      return new HashCache(
        file,
        new Map(),
        `Cannot read ${file}: ${(err as Error).message}; starting with an empty hash cache.`,
      );
    }
    try {
      const data = JSON.parse(text) as Partial<CacheFile>;
      if (data.version !== 1 || !data.folders || typeof data.folders !== 'object') throw new Error('unknown format');
      const entries = new Map<string, CacheEntry>();
      for (const [dir, files] of Object.entries(data.folders)) {
        if (!files || typeof files !== 'object') continue;
        const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
        for (const [name, entry] of Object.entries(files)) if (isEntry(entry)) entries.set(prefix + name, entry);
      }
      return new HashCache(file, entries);
    } catch (err) {
      return new HashCache(
        file,
        new Map(),
        `${file} is not a valid hash cache (${(err as Error).message}); starting with an empty one.`,
      );
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get dirty(): boolean {
    return this.changed;
  }

  /** The cached hash of a file with these stats, if it is still valid. */
  lookup(file: string, stat: Pick<Stats, 'size' | 'mtimeMs' | 'ino'>, algorithm: HashAlgorithm): string | undefined {
    const entry = this.entries.get(file);
    if (!entry || entry[SIZE] !== stat.size || entry[MTIME] !== stat.mtimeMs || entry[INODE] !== stat.ino)
      return undefined;
    if (entry[MTIME] >= entry[HASHED_AT] - RACY_WINDOW_MS) return undefined;
    return entry[DIGEST_SLOT[algorithm]] || undefined;
  }

  store(
    file: string,
    stat: Pick<Stats, 'size' | 'mtimeMs' | 'ino'>,
    algorithm: HashAlgorithm,
    hash: string,
    hashedAt: number,
  ): void {
    const previous = this.entries.get(file);
    const entry: CacheEntry = [stat.size, stat.mtimeMs, stat.ino, hashedAt, '', ''];
    // Keep the other algorithm's hash when it belongs to the same, trustworthy content.
    if (
      previous &&
      previous[SIZE] === stat.size &&
      previous[MTIME] === stat.mtimeMs &&
      previous[INODE] === stat.ino &&
      previous[MTIME] < previous[HASHED_AT] - RACY_WINDOW_MS
    ) {
      entry[4] = previous[4];
      entry[5] = previous[5];
    }
    entry[DIGEST_SLOT[algorithm]] = hash;
    this.entries.set(file, entry);
    this.changed = true;
  }

  delete(file: string): void {
    if (this.entries.delete(file)) this.changed = true;
  }

  /** Drops entries whose path `keep` rejects (e.g. files no longer in the workspace). */
  prune(keep: (file: string) => boolean): number {
    let removed = 0;
    for (const key of [...this.entries.keys()]) {
      if (!keep(key)) {
        this.entries.delete(key);
        removed++;
      }
    }
    if (removed) this.changed = true;
    return removed;
  }

  /** Writes the cache (atomically) when it changed. */
  async save(): Promise<void> {
    if (!this.file || !this.changed) return;
    const folders: Record<string, Record<string, CacheEntry>> = {};
    for (const [file, entry] of this.entries) (folders[path.dirname(file)] ??= {})[path.basename(file)] = entry;
    const data: CacheFile = { version: 1, folders };
    try {
      await writeFileAtomic(this.file, JSON.stringify(data), { createFolders: true });
      this.changed = false;
    } catch (err) {
      throw new HashCacheError(
        `Cannot write the hash cache ${this.file}: ${(err as Error).message}. Check that the folder is writable.`,
        this.file,
      );
    }
  }
}

function describeSpecial(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

const NONBLOCK = (constants as Record<string, number | undefined>).O_NONBLOCK ?? 0;

/** Hashes one file; `stat` may be passed when the caller has it. Never throws for a file's state: skips with a reason. */
export async function hashFile(file: string, options: HashOptions = {}, known?: Stats): Promise<HashResult> {
  const algorithm = options.algorithm ?? 'sha256';
  let stat: Stats;
  try {
    stat = known ?? (await fs.stat(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { status: 'skipped', path: file, code: 'missing', reason: `${file} does not exist.` };
    if (code === 'ELOOP')
      return { status: 'skipped', path: file, code: 'unreadable', reason: `${file} is a symbolic link loop.` };
    return {
      status: 'skipped',
      path: file,
      code: 'unreadable',
      reason: `Cannot read ${file}: ${(err as Error).message}`,
    };
  }
  if (!stat.isFile())
    return {
      status: 'skipped',
      path: file,
      code: 'not-a-file',
      reason: `${file} is ${describeSpecial(stat)}, not a regular file; it has no content hash.`,
    };
  if (options.maxSize !== undefined && stat.size > options.maxSize) {
    return {
      status: 'skipped',
      path: file,
      code: 'too-large',
      reason: `${file} is ${formatBytes(stat.size)}, over the ${formatBytes(options.maxSize)} limit for hashing.`,
    };
  }
  const key = path.resolve(file);
  const cached = options.cache?.lookup(key, stat, algorithm);
  if (cached) {
    options.onProgress?.(stat.size, stat.size);
    return {
      status: 'hashed',
      path: file,
      algorithm,
      hash: cached,
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      fromCache: true,
    };
  }
  const hashedAt = Date.now();
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | NONBLOCK);
  } catch (err) {
    return {
      status: 'skipped',
      path: file,
      code: 'unreadable',
      reason: `Cannot open ${file}: ${(err as Error).message}`,
    };
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile())
      return {
        status: 'skipped',
        path: file,
        code: 'not-a-file',
        reason: `${file} is ${describeSpecial(opened)}, not a regular file; it has no content hash.`,
      };
    const { hash, bytes } = await hashHandle(handle, file, algorithm, opened.size, options);
    // A file that changed while being read is not cached (one that changed within the same mtime tick is caught by
    // the racy-window rule of the cache).
    if (bytes === opened.size) options.cache?.store(key, opened, algorithm, hash, hashedAt);
    return { status: 'hashed', path: file, algorithm, hash, size: bytes, mtimeMs: opened.mtimeMs, fromCache: false };
  } catch (err) {
    if (err instanceof HashCancelledError) throw err;
    return {
      status: 'skipped',
      path: file,
      code: 'unreadable',
      reason: `Cannot read ${file}: ${(err as Error).message}`,
    };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function hashHandle(
  handle: fs.FileHandle,
  file: string,
  algorithm: HashAlgorithm,
  expected: number,
  options: HashOptions,
): Promise<{ hash: string; bytes: number }> {
  const hash = createHash(algorithm);
  // Small files get one small buffer; large ones two 4 MiB buffers (the next read runs while one is hashed).
  const size = expected < CHUNK_SIZE ? Math.max(expected + 1, 16) : CHUNK_SIZE;
  const first = Buffer.allocUnsafe(size);
  const buffers = size < CHUNK_SIZE ? [first, first] : [first, Buffer.allocUnsafe(size)];
  let position = 0;
  let which = 0;
  let pending = handle.read(buffers[which], 0, size, position);
  try {
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const current = buffers[which];
      position += bytesRead;
      if (options.signal?.aborted) throw new HashCancelledError(file);
      which = 1 - which;
      if (buffers[0] === buffers[1]) {
        // One buffer: hash it before reading into it again.
        hash.update(current.subarray(0, bytesRead));
        pending = handle.read(current, 0, size, position);
      } else {
        pending = handle.read(buffers[which], 0, size, position);
        hash.update(bytesRead === size ? current : current.subarray(0, bytesRead));
      }
      options.onProgress?.(position, Math.max(expected, position));
    }
  } catch (err) {
    // Let the read in flight finish before the handle closes.
    await pending.catch(() => undefined);
    throw err;
  }
  return { hash: hash.digest('hex'), bytes: position };
}

/** Hashes many files (bounded concurrency); progress counts bytes over all of them. Results keep the input order. */
export async function hashFiles(files: readonly string[], options: HashManyOptions = {}): Promise<HashResult[]> {
  const stats = new Array<Stats | undefined>(files.length);
  await forEachLimited(files, 32, async (file, i) => {
    stats[i] = await fs.stat(file).catch(() => undefined);
  });
  const total = stats.reduce((sum, s) => sum + (s?.isFile() ? s.size : 0), 0);
  const progress = new Array<number>(files.length).fill(0);
  let done = 0;
  const results = new Array<HashResult>(files.length);
  await forEachLimited(files, options.concurrency ?? 4, async (file, i) => {
    if (options.signal?.aborted) throw new HashCancelledError(file);
    const onProgress = options.onProgress
      ? (bytes: number) => {
          done += bytes - progress[i];
          progress[i] = bytes;
          options.onProgress!(done, total);
        }
      : undefined;
    results[i] = await hashFile(file, { ...options, onProgress }, stats[i]);
  });
  return results;
}

export interface TreeHashResult {
  /** Files under the folder, relative to it with forward slashes, in DVC's order. */
  relativePaths: string[];
  /** The result of each file, same order. */
  results: HashResult[];
}

/**
 * Hashes every regular file under a folder (folder symlinks are not followed; `.git` and `.dvc` folders are skipped).
 * With a warm cache this costs a folder walk and a `stat` per file.
 */
export async function hashTree(folder: string, options: HashManyOptions = {}): Promise<TreeHashResult> {
  const base = path.resolve(folder);
  const separator = base.endsWith(path.sep) ? '' : path.sep;
  const algorithm = options.algorithm ?? 'sha256';
  const relativePaths: string[] = [];
  const queue: string[] = [''];
  const readOne = async (relative: string) => {
    const entries = await fs
      .readdir(relative ? path.join(base, relative) : base, { withFileTypes: true })
      .catch(() => []);
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name !== '.git' && entry.name !== '.dvc') queue.push(child);
      } else if (entry.isFile() || entry.isSymbolicLink()) relativePaths.push(child);
    }
  };
  const concurrency = Math.max(1, options.concurrency ?? 16);
  await drain(queue, concurrency, readOne, options.signal);
  if (options.signal?.aborted) throw new HashCancelledError(folder);
  relativePaths.sort(compareCodePoints);
  const nativeSeparators = path.sep === '/';

  // Pass 1: a stat each; unchanged files are answered from the cache and never opened.
  const results = new Array<HashResult>(relativePaths.length);
  const misses: { index: number; stat: Stats }[] = [];
  let total = 0;
  let done = 0;
  // The hot path of a rescan (a stat per file): workers inlined rather than forEachLimited, whose extra promise per
  // file costs about a tenth of a warm 20k-file rescan.
  let next = 0;
  const statWorker = async () => {
    while (next < relativePaths.length) {
      const i = next++;
      const relative = relativePaths[i];
      const file = base + separator + (nativeSeparators ? relative : relative.split('/').join(path.sep));
      let stat: Stats;
      try {
        stat = await fs.stat(file);
      } catch {
        results[i] = {
          status: 'skipped',
          path: file,
          code: 'unreadable',
          reason: `${file} is a broken link or disappeared.`,
        };
        continue;
      }
      if (stat.isFile() && (options.maxSize === undefined || stat.size <= options.maxSize)) {
        total += stat.size;
        const cached = options.cache?.lookup(file, stat, algorithm);
        if (cached) {
          done += stat.size;
          results[i] = {
            status: 'hashed',
            path: file,
            algorithm,
            hash: cached,
            size: stat.size,
            mtimeMs: stat.mtimeMs,
            fromCache: true,
          };
          continue;
        }
      }
      misses.push({ index: i, stat });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, relativePaths.length) }, statWorker));
  if (options.onProgress && total > 0) options.onProgress(done, total);

  // Pass 2: read what changed.
  await forEachLimited(misses, Math.min(concurrency, 8), async ({ index, stat }) => {
    const file = path.join(base, relativePaths[index]);
    if (options.signal?.aborted) throw new HashCancelledError(file);
    let last = 0;
    const onProgress = options.onProgress
      ? (bytes: number) => {
          done += bytes - last;
          last = bytes;
          options.onProgress!(done, total);
        }
      : undefined;
    results[index] = await hashFile(file, { ...options, onProgress }, stat);
  });
  return { relativePaths, results };
}

export interface DvcDirectoryHash {
  /** `<md5>.dir`, as DVC writes it in `.dvc` files and dvc.lock. */
  md5: string;
  nfiles: number;
  size: number;
  /** Files that could not be hashed (the hash is then not DVC's). */
  skipped: HashResult[];
}

/** DVC's hash of a folder: md5 of the JSON list of `{md5, relpath}` sorted by path, plus `.dir`. */
export async function dvcDirectoryHash(
  folder: string,
  options: Omit<HashManyOptions, 'algorithm'> = {},
): Promise<DvcDirectoryHash> {
  const tree = await hashTree(folder, { ...options, algorithm: 'md5' });
  const listing: { md5: string; relpath: string }[] = [];
  const skipped: HashResult[] = [];
  let size = 0;
  tree.results.forEach((result, i) => {
    const relativePath = tree.relativePaths[i];
    if (result.status === 'hashed') {
      listing.push({ md5: result.hash, relpath: relativePath });
      size += result.size;
    } else skipped.push(result);
  });
  const json = `[${listing.map((e) => `{"md5": ${pythonJson(e.md5)}, "relpath": ${pythonJson(e.relpath)}}`).join(', ')}]`;
  return { md5: `${createHash('md5').update(json).digest('hex')}.dir`, nfiles: listing.length, size, skipped };
}

/** A string as Python's json.dumps writes it (ASCII only, non-ASCII as \uXXXX escapes). */
function pythonJson(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Orders paths as DVC does: the whole relative path, by code point (not by UTF-16 unit). */
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates encode code points above U+FFFF, which sort after every other character.
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Runs `fn` on queue items (which may add more) with bounded concurrency. */
async function drain(
  queue: string[],
  limit: number,
  fn: (item: string) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let active = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (active < limit && queue.length > 0 && !signal?.aborted) {
        const item = queue.pop()!;
        active++;
        fn(item).then(() => {
          active--;
          pump();
        }, reject);
      }
      if (active === 0 && (queue.length === 0 || signal?.aborted)) resolve();
    };
    pump();
  });
}
