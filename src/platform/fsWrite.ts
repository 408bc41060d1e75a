// File writes from the editor. A `file:` target goes through core's one atomic write (temp file, fsync, rename, mode
// kept, read-only refused, symbolic links written through). The vscode.workspace.fs path remains only for targets on
// other file systems: a save dialog or a workspace folder may point at a file system provider (a remote or virtual
// one) that Node's fs cannot reach, and there only the provider's own write and rename exist.
import * as vscode from 'vscode';
import { FileExistsError, writeFileAtomic } from '../core/atomicWrite';

/**
 * Writes a new file (and its folders), refusing to overwrite an existing one. The write goes to a temporary sibling
 * first and is moved into place, so a crash never leaves a half-written file.
 */
export async function createFileExclusive(target: vscode.Uri, content: string): Promise<'created' | 'exists'> {
  if (target.scheme === 'file') {
    try {
      await writeFileAtomic(target.fsPath, content, { exclusive: true, createFolders: true });
      return 'created';
    } catch (err) {
      if (err instanceof FileExistsError) return 'exists';
      throw err;
    }
  }
  if (await exists(target)) return 'exists';
  const temp = target.with({ path: `${target.path}.${process.pid}.${Date.now()}.tmp` });
  await vscode.workspace.fs.writeFile(temp, Buffer.from(content, 'utf8'));
  try {
    await vscode.workspace.fs.rename(temp, target, { overwrite: false });
  } catch (err) {
    await vscode.workspace.fs.delete(temp).then(undefined, () => undefined);
    if (await exists(target)) return 'exists';
    throw err;
  }
  return 'created';
}

/** Replaces (or creates) a file atomically, on the local disk or through the file system provider of `target`. */
export async function writeUriAtomic(target: vscode.Uri, bytes: Uint8Array): Promise<void> {
  if (target.scheme === 'file') return writeFileAtomic(target.fsPath, bytes, { createFolders: true });
  const temp = target.with({ path: `${target.path}.${process.pid}.${Date.now()}.tmp` });
  await vscode.workspace.fs.writeFile(temp, bytes);
  try {
    await vscode.workspace.fs.rename(temp, target, { overwrite: true });
  } catch (err) {
    await vscode.workspace.fs.delete(temp).then(undefined, () => undefined);
    throw err;
  }
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
