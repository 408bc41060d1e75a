import * as vscode from 'vscode';

/**
 * Writes a new file through the workspace file system, refusing to overwrite an existing one. The write goes to a
 * temporary sibling first and is renamed into place, so a crash never leaves a half-written file.
 */
export async function createFileExclusive(target: vscode.Uri, content: string): Promise<'created' | 'exists'> {
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

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
