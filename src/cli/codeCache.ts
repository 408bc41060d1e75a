// V8's code cache for the `mlops` command (src/cli/launch.ts loads the CLI bundle through it).
//
// A cold Node process spends a good part of a short command compiling the functions it calls (`mlops runs list` on
// a thousand cached runs: about 35 ms of 300). V8 can save what it compiled and take it back in the next process;
// Node 22 does this itself (module.enableCompileCache), the Node 20 this extension supports does not, so this file
// does it with `vm.Script`'s cachedData: the first run of a command saves the code it compiled as it exits, the next
// runs of that command start from it. Each command keeps its own file (each compiles other functions), named by the
// bundle's size and time and by the Node and V8 versions, in the user's cache folder (the listing cache's;
// MLOPS_CACHE_DIR=off turns both off). A cache V8 refuses (another V8, other flags) or whose checksum is wrong is not used and is
// written again; one that cannot be read or written is skipped: the command runs the same either way, only slower.
//
// The bundle has no dynamic `import()` (esbuild turns the commands' lazy imports into function calls), so the script
// needs no module loader of its own.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { replaceCacheFileSync } from '../core/atomicWrite';

/** The first bytes of a code cache file: a name and a format version. */
const MAGIC = 'mlops-code-cache-1\n';
/** The header after MAGIC: the checksum of the data (4 bytes, little-endian). */
const HEADER_BYTES = Buffer.byteLength(MAGIC) + 4;

/**
 * Where the code cache of `command` is kept in `cacheDir`, for a bundle of that size and time, run by this Node and
 * V8 (an editor's Electron and a terminal's Node may report the same Node version with different V8s).
 */
export function codeCacheFile(stat: fs.Stats, command: string | undefined, cacheDir: string): string {
  const name = command !== undefined && /^[a-z][a-z-]{0,31}$/.test(command) ? command : 'other';
  const runtime = `${process.version}-${process.versions.v8}-${process.arch}`.replace(/[^\w.-]/g, '_');
  const stamp = `${stat.size}-${Math.round(stat.mtimeMs)}`;
  return path.join(cacheDir, 'code', `cli-${name}-${runtime}-${stamp}.bin`);
}

/** FNV-1a over the data's 32-bit words (and its last bytes): cheap, and catches a damaged file. */
export function checksum(data: Uint8Array): number {
  let hash = 0x811c9dc5;
  const words = data.byteLength >>> 2;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < words; i++) hash = Math.imul(hash ^ view.getUint32(i * 4, true), 0x01000193) >>> 0;
  for (let i = words * 4; i < data.byteLength; i++) hash = Math.imul(hash ^ (data[i] ?? 0), 0x01000193) >>> 0;
  return hash;
}

/** The cached code in a cache file, or undefined when there is none or it is damaged. */
export function readCodeCache(file: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length <= HEADER_BYTES || bytes.toString('latin1', 0, HEADER_BYTES - 4) !== MAGIC) return undefined;
  const data = bytes.subarray(HEADER_BYTES);
  return bytes.readUInt32LE(HEADER_BYTES - 4) === checksum(data) ? data : undefined;
}

/**
 * Writes a code cache file (whole, renamed into place) and removes the files of older bundles or Node versions kept
 * for the same command. Never throws.
 */
export function writeCodeCache(file: string, data: Buffer): void {
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(MAGIC, 'latin1');
  header.writeUInt32LE(checksum(data), HEADER_BYTES - 4);
  if (!replaceCacheFileSync(file, Buffer.concat([header, data]))) return;
  // The same command and runtime, another bundle: `cli-<command>-<node>-<v8>-<arch>-`, then the bundle's stamp.
  const prefix = /^(.*-)\d+-\d+\.bin$/.exec(path.basename(file))?.[1];
  if (prefix === undefined) return;
  try {
    const folder = path.dirname(file);
    for (const name of fs.readdirSync(folder))
      if (name.startsWith(prefix) && /^\d+-\d+\.bin$/.test(name.slice(prefix.length)) && name !== path.basename(file))
        fs.rmSync(path.join(folder, name), { force: true });
  } catch {
    // Another process removed them first: they go next time.
  }
}

/** How a load used the code cache: taken, none yet (or damaged), refused by V8, or no cache folder. */
export type CodeCacheUse = 'used' | 'missing' | 'rejected' | 'off';

/**
 * Loads the CommonJS file `file` through the code cache of `command` kept in `cacheDir` (none when undefined): with
 * no usable cache, the code compiled by the time the process exits is saved for the next process.
 */
export function loadWithCodeCache<T>(
  file: string,
  command: string | undefined,
  cacheDir: string | undefined,
): { exports: T; cache: CodeCacheUse } {
  const fd = fs.openSync(file, 'r');
  let source: string;
  let stat: fs.Stats;
  try {
    stat = fs.fstatSync(fd);
    source = fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
  // A `#!` line is not JavaScript inside a function: made a comment of the same length (positions unchanged).
  if (source.startsWith('#!')) source = `//${source.slice(2)}`;
  const cacheFile = cacheDir === undefined ? undefined : codeCacheFile(stat, command, cacheDir);
  const cachedData = cacheFile === undefined ? undefined : readCodeCache(cacheFile);
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true))
    // At exit, the code holds every function the command compiled, not only the top level.
    process.once('exit', () => writeCodeCache(cacheFile, script.createCachedData()));
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: unknown,
    filename: string,
    dirname: string,
  ) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return {
    exports: module.exports,
    cache:
      cacheFile === undefined
        ? 'off'
        : cachedData === undefined
          ? 'missing'
          : script.cachedDataRejected === true
            ? 'rejected'
            : 'used',
  };
}
