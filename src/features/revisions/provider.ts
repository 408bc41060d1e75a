import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseRevisionUri } from '../../platform/revisionUri';

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
