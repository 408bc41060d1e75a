// One long-lived `git cat-file --batch` process reads any number of objects: object names go in on stdin, one a
// line; the answers come back in order as `<oid> <type> <size>\n<content>\n` (or `<name> missing\n`), parsed here
// as a state machine over Buffers so a blob split across chunks, or many blobs in one chunk, cost no extra copies.
import { type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { GitError, NotARepositoryError, spawnGit, startFailure } from './gitProcess';
import { gitFailure } from './run';

const ARGS = ['cat-file', '--batch'];
const COMMAND = ['git', ...ARGS];

export interface GitObject {
  oid: string;
  type: 'blob' | 'tree' | 'commit' | 'tag';
  content: Buffer;
}

/** The answers of one readMany call, filled in order as they arrive. */
interface Batch {
  results: (GitObject | undefined)[];
  remaining: number;
  resolve: (objects: (GitObject | undefined)[]) => void;
  reject: (err: Error) => void;
  settled: boolean;
}

interface Pending {
  batch: Batch;
  index: number;
}

const emptyBuffer = Buffer.alloc(0);

export class CatFileBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private head = 0;
  private tail: Buffer = emptyBuffer;
  private body: { oid: string; type: GitObject['type']; parts: Buffer[]; have: number; need: number } | undefined;
  private stderr = '';
  private failure: Error | undefined;
  private readonly exited: Promise<void>;

  /** Starts `git cat-file --batch` in `cwd` (a folder inside the repository). */
  constructor(private readonly cwd: string) {
    if (!fs.existsSync(cwd)) throw new NotARepositoryError(cwd);
    this.child = spawnGit(cwd, ARGS);
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 64 * 1024) this.stderr += chunk.toString('utf8');
    });
    this.child.stdin.on('error', () => undefined); // reported through 'close'
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e: NodeJS.ErrnoException) => {
        this.fail(startFailure(e, COMMAND));
        resolve();
      });
      this.child.on('close', (code) => {
        if (this.pendingCount() > 0 || code !== 0) {
          const message = this.stderr.trim() || `git cat-file exited with code ${code ?? 'null'}`;
          this.fail(
            gitFailure(this.stderr, this.cwd) ??
              new GitError(`git cat-file: ${message}`, 'failed', COMMAND, this.stderr),
          );
        }
        resolve();
      });
    });
  }

  /** Reads one object by name (an oid, `rev`, `rev:path`, `rev^{commit}`); undefined when it does not exist. */
  read(name: string): Promise<GitObject | undefined> {
    return this.readMany([name]).then((objects) => objects[0]);
  }

  /** Reads many objects with one write; the answers come back in the same order. */
  readMany(names: readonly string[]): Promise<(GitObject | undefined)[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.child.stdin.writableEnded) return Promise.reject(new Error('git cat-file: the reader is closed.'));
    for (const name of names) {
      if (/[\n\r]/.test(name) || name.length === 0)
        return Promise.reject(new Error(`Not a valid object name: ${JSON.stringify(name)}`));
    }
    if (names.length === 0) return Promise.resolve([]);
    const promise = new Promise<(GitObject | undefined)[]>((resolve, reject) => {
      const batch: Batch = {
        results: new Array<GitObject | undefined>(names.length),
        remaining: names.length,
        resolve,
        reject,
        settled: false,
      };
      for (let index = 0; index < names.length; index++) this.queue.push({ batch, index });
    });
    this.child.stdin.write(names.join('\n') + '\n');
    return promise;
  }

  private answer(object: GitObject | undefined): void {
    const pending = this.next();
    if (!pending) return;
    const { batch, index } = pending;
    batch.results[index] = object;
    if (--batch.remaining === 0 && !batch.settled) {
      batch.settled = true;
      batch.resolve(batch.results);
    }
  }

  /** Ends the process (answers already requested still arrive). */
  async close(): Promise<void> {
    if (!this.child.stdin.writableEnded) this.child.stdin.end();
    await this.exited;
  }

  private pendingCount(): number {
    return this.queue.length - this.head;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (let pending = this.queue[this.head]; pending; pending = this.queue[this.head]) {
      this.head++;
      const { batch } = pending;
      if (!batch.settled) {
        batch.settled = true;
        batch.reject(this.failure);
      }
    }
  }

  private next(): Pending | undefined {
    const pending = this.queue[this.head++];
    // Drop answered entries now and then so a long-lived reader does not grow without bound.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return pending;
  }

  private onData(chunk: Buffer): void {
    const data = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    this.tail = emptyBuffer;
    let at = 0;
    while (at < data.length) {
      if (this.body) {
        const body = this.body;
        const take = Math.min(body.need - body.have, data.length - at);
        body.parts.push(data.subarray(at, at + take));
        body.have += take;
        at += take;
        if (body.have < body.need) break;
        this.body = undefined;
        const [only] = body.parts;
        const whole = body.parts.length === 1 && only ? only : Buffer.concat(body.parts, body.need);
        // The content is followed by one LF.
        this.answer({ oid: body.oid, type: body.type, content: whole.subarray(0, body.need - 1) });
        continue;
      }
      const newline = data.indexOf(10, at);
      if (newline < 0) {
        this.tail = Buffer.from(data.subarray(at));
        break;
      }
      const line = data.toString('utf8', at, newline);
      at = newline + 1;
      if (line.endsWith(' missing') || line.endsWith(' ambiguous')) {
        this.answer(undefined);
        continue;
      }
      const sizeAt = line.lastIndexOf(' ');
      const typeAt = line.lastIndexOf(' ', sizeAt - 1);
      const size = Number(line.slice(sizeAt + 1));
      const type = line.slice(typeAt + 1, sizeAt) as GitObject['type'];
      if (typeAt < 0 || !Number.isSafeInteger(size)) {
        this.fail(new Error(`git cat-file: unexpected answer ${JSON.stringify(line.slice(0, 200))}`));
        this.child.kill();
        return;
      }
      this.body = { oid: line.slice(0, typeAt), type, parts: [], have: 0, need: size + 1 };
    }
  }
}

export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

/** Entries of a tree object's raw content (`<mode> <name>\0<binary oid>`), oid length 20 (SHA-1) or 32 (SHA-256). */
export function parseTree(content: Buffer, oidBytes: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(32, at);
    const nul = content.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + oidBytes > content.length) break;
    entries.push({
      mode: content.toString('latin1', at, space),
      name: content.toString('utf8', space + 1, nul),
      oid: content.toString('hex', nul + 1, nul + 1 + oidBytes),
    });
    at = nul + 1 + oidBytes;
  }
  return entries;
}

/** Every blob under a tree (recursively), as paths relative to that tree. One batch round trip per level. */
export async function listTreeBlobs(cat: CatFileBatch, treeOid: string): Promise<{ path: string; oid: string }[]> {
  const out: { path: string; oid: string }[] = [];
  let level: { prefix: string; oid: string }[] = [{ prefix: '', oid: treeOid }];
  const oidBytes = treeOid.length / 2;
  for (let depth = 0; level.length && depth < 64; depth++) {
    const trees = await cat.readMany(level.map((t) => t.oid));
    const nextLevel: { prefix: string; oid: string }[] = [];
    trees.forEach((tree, i) => {
      const prefix = level[i]?.prefix;
      if (tree?.type !== 'tree' || prefix === undefined) return;
      for (const entry of parseTree(tree.content, oidBytes)) {
        const entryPath = prefix + entry.name;
        if (entry.mode === '40000') nextLevel.push({ prefix: `${entryPath}/`, oid: entry.oid });
        else if (entry.mode.startsWith('100') || entry.mode === '120000') out.push({ path: entryPath, oid: entry.oid });
      }
    });
    level = nextLevel;
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface CommitInfo {
  tree: string;
  parents: string[];
  author: string;
  authorEmail: string;
  /** Author date, milliseconds since the epoch. */
  date: number;
  subject: string;
}

/** The fields of a raw commit object; the subject is its first paragraph on one line, as `git log --format=%s`. */
export function parseCommit(content: Buffer): CommitInfo {
  const text = content.toString('utf8');
  const blank = text.indexOf('\n\n');
  const headers = (blank < 0 ? text : text.slice(0, blank)).split('\n');
  const message = blank < 0 ? '' : text.slice(blank + 2);
  const info: CommitInfo = { tree: '', parents: [], author: '', authorEmail: '', date: 0, subject: '' };
  for (const header of headers) {
    if (header.startsWith('tree ')) info.tree = header.slice(5);
    else if (header.startsWith('parent ')) info.parents.push(header.slice(7));
    else if (header.startsWith('author ')) {
      const m = /^author (.*) <([^>]*)> (\d+) [+-]\d{4}$/.exec(header);
      if (m) {
        info.author = m[1] ?? '';
        info.authorEmail = m[2] ?? '';
        info.date = Number(m[3]) * 1000;
      }
    }
  }
  const paragraph = message.replace(/^\n+/, '').split(/\n[ \t]*\n/)[0] ?? '';
  info.subject = paragraph
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
  return info;
}
