import * as path from 'node:path';
import * as vscode from 'vscode';

export const REVISION_SCHEME = 'mlops-rev';

export interface RevisionRef {
  /** Absolute path of the repository root. */
  repo: string;
  /** Commit sha (or any revision git understands). */
  rev: string;
  /** Path of the file relative to the repository root, with forward slashes. */
  path: string;
}

/**
 * `mlops-rev:/<path>?<query>` URIs name a file at a git revision. The URI path ends with the file's own name so
 * editors pick the right language or notebook serializer; the query carries the repository and revision.
 */
export function revisionUri(ref: RevisionRef): vscode.Uri {
  const shortRev = ref.rev.length > 12 ? ref.rev.slice(0, 7) : ref.rev;
  return vscode.Uri.from({
    scheme: REVISION_SCHEME,
    path: `/${shortRev}/${ref.path}`,
    query: JSON.stringify({ repo: ref.repo, rev: ref.rev, path: ref.path }),
  });
}

export function parseRevisionUri(uri: vscode.Uri): RevisionRef {
  if (uri.scheme !== REVISION_SCHEME) throw vscode.FileSystemError.FileNotFound(uri);
  try {
    const parsed = JSON.parse(uri.query) as Partial<RevisionRef>;
    if (typeof parsed.repo === 'string' && typeof parsed.rev === 'string' && typeof parsed.path === 'string') {
      return { repo: parsed.repo, rev: parsed.rev, path: parsed.path };
    }
  } catch {
    // fall through
  }
  throw vscode.FileSystemError.FileNotFound(uri);
}

export type ReadAtRevision = (repo: string, rev: string, filePath: string) => Promise<Uint8Array>;

/**
 * A read-only file system for files at git revisions: editors, diff editors and notebook diff editors open these
 * URIs like files, and every write is refused.
 */
export class RevisionFileSystem implements vscode.FileSystemProvider {
  private readonly cache = new Map<string, Promise<Uint8Array>>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  constructor(private readonly read: ReadAtRevision) {}

  private load(uri: vscode.Uri): Promise<Uint8Array> {
    const ref = parseRevisionUri(uri);
    const key = `${ref.repo}\0${ref.rev}\0${ref.path}`;
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.read(ref.repo, ref.rev, ref.path).catch((err: unknown) => {
        this.cache.delete(key);
        throw vscode.FileSystemError.FileNotFound(
          `${ref.path} at ${ref.rev.slice(0, 7)}: ${err instanceof Error ? err.message : String(err)}`,
        );
      });
      this.cache.set(key, pending);
      if (this.cache.size > 200) this.cache.delete(this.cache.keys().next().value as string);
    }
    return pending;
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const bytes = await this.load(uri);
    return {
      type: vscode.FileType.File,
      ctime: 0,
      mtime: 0,
      size: bytes.byteLength,
      permissions: vscode.FilePermission.Readonly,
    };
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.load(uri);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  private readonly refuse = (uri: vscode.Uri): never => {
    throw vscode.FileSystemError.NoPermissions(`${path.posix.basename(uri.path)} is a read-only revision`);
  };

  createDirectory(uri: vscode.Uri): void {
    this.refuse(uri);
  }

  writeFile(uri: vscode.Uri): void {
    this.refuse(uri);
  }

  delete(uri: vscode.Uri): void {
    this.refuse(uri);
  }

  rename(uri: vscode.Uri): void {
    this.refuse(uri);
  }
}
