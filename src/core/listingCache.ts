// What a source listing read last time, kept on disk between processes, so that listing an unchanged MLflow store
// again (`mlops runs list` in a loop, a CI step after a training step) reads only what changed. The readers decide
// what is still valid (the file store per run folder, mlflow.db by the database file); this module only keeps JSON
// values by key.
//
// It lives in the user's cache folder (XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS,
// %LOCALAPPDATA% on Windows), never in the workspace: `.mlops/` holds files the team commits, a cache there would
// need an ignore rule written into the user's repository, would travel with copies of the workspace, and a read-only
// checkout could not keep it. A missing, unreadable, corrupt or foreign file reads as "nothing cached"; a write that
// fails is skipped; every write is a whole file renamed into place, so a reader never sees half of one.
import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { replaceCacheFileSync } from './atomicWrite';

/**
 * Bump when what a reader stores changes shape or meaning: older files then read as nothing cached. 2: a small
 * MLflow metric file's latest point is its highest step, no longer its last line. 3: a cached MLflow run keeps the
 * names of the files it was stamped from.
 */
const FORMAT = 3;
/** The most files kept; the least recently written go first. */
const MAX_FILES = 200;
const NON_FINITE = '$nonFinite';

export interface ListingCache {
  /** The value last written under `key`, or undefined. */
  read(key: string): unknown;
  /** Keeps `value` (JSON, with NaN and +/-Infinity kept) under `key`. Never throws. */
  write(key: string, value: unknown): void;
}

/**
 * The folder the cache lives in: MLOPS_CACHE_DIR when set (`off` turns the cache off: undefined), else the
 * platform's per-user cache folder.
 */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string | undefined {
  const own = env.MLOPS_CACHE_DIR;
  if (own !== undefined && own !== '') return own === 'off' ? undefined : path.resolve(own);
  if (!home) return undefined;
  if (platform === 'win32')
    return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'mlops-workbench', 'Cache');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'mlops-workbench');
  const xdg = env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache'), 'mlops-workbench');
}

/** The listing cache in `folder` (its `listings` subfolder, created on the first write). */
export function listingCache(folder: string): ListingCache {
  const dir = path.join(folder, 'listings');
  const fileOf = (key: string) => path.join(dir, `${hashOf(key)}.json`);
  return {
    read(key) {
      let text: string;
      try {
        text = readFileSync(fileOf(key), 'utf8');
      } catch {
        return undefined;
      }
      try {
        const data = (
          text.includes(`"${NON_FINITE}"`) ? JSON.parse(text, reviveNonFinite) : JSON.parse(text)
        ) as unknown;
        if (typeof data !== 'object' || data === null) return undefined;
        const { format, key: stored, value } = data as { format?: unknown; key?: unknown; value?: unknown };
        return format === FORMAT && stored === key ? value : undefined;
      } catch {
        return undefined;
      }
    },
    write(key, value) {
      // The replacer costs a call per value: only a value holding NaN or an infinity needs it.
      const record = { format: FORMAT, key, value };
      let text: string;
      try {
        text = hasNonFinite(value) ? JSON.stringify(record, keepNonFinite) : JSON.stringify(record);
      } catch {
        return;
      }
      if (replaceCacheFileSync(fileOf(key), text)) prune(dir);
    },
  };
}

/** Removes the least recently written files beyond MAX_FILES (a cache of many stores must not grow forever). */
function prune(dir: string): void {
  try {
    const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    if (names.length <= MAX_FILES) return;
    const aged = names
      .map((name) => {
        try {
          return { name, time: statSync(path.join(dir, name)).mtimeMs };
        } catch {
          return { name, time: 0 };
        }
      })
      .sort((a, b) => b.time - a.time);
    for (const { name } of aged.slice(MAX_FILES)) unlinkSync(path.join(dir, name));
  } catch {
    // Another process pruned first, or the folder is read-only: the cache only grows a little.
  }
}

/**
 * A file name for a key: two 32-bit FNV-1a hashes (different offsets) as 16 hex digits. Not cryptographic (loading
 * node's crypto costs more than the whole lookup); the file keeps its key, and a file of another key reads as nothing.
 */
function hashOf(key: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 + 2) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** Whether a JSON value holds NaN or an infinity (or an object with its own toJSON, which may give one). */
function hasNonFinite(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length) {
    const item = pending.pop();
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) return true;
    } else if (Array.isArray(item)) {
      for (const element of item) pending.push(element);
    } else if (typeof item === 'object' && item !== null) {
      if (typeof (item as { toJSON?: unknown }).toJSON === 'function') return true;
      for (const key in item)
        if (Object.prototype.hasOwnProperty.call(item, key)) pending.push((item as Record<string, unknown>)[key]);
    }
  }
  return false;
}

function keepNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? { [NON_FINITE]: String(value) } : value;
}

function reviveNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && NON_FINITE in value) {
    const text = (value as Record<string, unknown>)[NON_FINITE];
    return text === 'NaN' ? NaN : text === 'Infinity' ? Infinity : text === '-Infinity' ? -Infinity : value;
  }
  return value;
}
