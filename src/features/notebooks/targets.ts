import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExplorerApi } from '../explorer/register';
import type { ExplorerNode } from '../explorer/tree';

/**
 * The notebooks a command was invoked on. Commands receive: a Uri (explorer context, programmatic), a Uri and the
 * selected Uris (explorer multi-select), an ExplorerNode and the selected nodes (Notebooks view), the notebook
 * toolbar's context (`{ notebookEditor: { notebookUri } }`), a NotebookDocument-like `{ uri }`, or nothing.
 */
export function notebookUris(explorer: ExplorerApi, first: unknown, second?: unknown): vscode.Uri[] {
  const many = Array.isArray(second) && second.length > 0 ? (second as unknown[]) : [first];
  const uris: vscode.Uri[] = [];
  for (const arg of many) {
    const uri = toUri(explorer, arg);
    if (uri && isNotebookPath(uri) && !uris.some((u) => u.toString() === uri.toString())) uris.push(uri);
  }
  return uris;
}

export function isNotebookPath(uri: vscode.Uri): boolean {
  return path.posix.extname(uri.path).toLowerCase() === '.ipynb';
}

function toUri(explorer: ExplorerApi, arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (!arg || typeof arg !== 'object') return undefined;
  const record = arg as Record<string, unknown>;
  if (record.type === 'item' && typeof record.folderKey === 'string' && typeof record.itemId === 'string') {
    const node = arg as Extract<ExplorerNode, { type: 'item' }>;
    const item = explorer.trees.notebooks.find(node.folderKey, node.itemId);
    return item && !item.missing && !item.isDirectory ? vscode.Uri.file(item.absolutePath) : undefined;
  }
  const editor = record.notebookEditor as { notebookUri?: unknown } | undefined;
  if (editor && editor.notebookUri instanceof vscode.Uri) return editor.notebookUri;
  if (record.notebookUri instanceof vscode.Uri) return record.notebookUri;
  if (record.uri instanceof vscode.Uri) return record.uri;
  return undefined;
}

/** The notebook of the active notebook editor, or of the active text editor showing an .ipynb as JSON. */
export function activeNotebookUri(): vscode.Uri | undefined {
  const notebook = vscode.window.activeNotebookEditor?.notebook.uri;
  if (notebook && notebook.scheme === 'file' && isNotebookPath(notebook)) return notebook;
  const text = vscode.window.activeTextEditor?.document.uri;
  if (text && text.scheme === 'file' && isNotebookPath(text)) return text;
  return undefined;
}

/**
 * Every notebook the Notebooks view lists (discovery honours .gitignore, files.exclude and mlops.yaml), one by one:
 * a folder the view shows as one item ("notebooks, 136 files") gives each of its notebooks.
 */
export async function workspaceNotebooks(explorer: ExplorerApi): Promise<vscode.Uri[]> {
  await explorer.model.ensureLoaded();
  const items = explorer.model
    .folders()
    .flatMap((state) => state.items.filter((item) => item.kind === 'notebook' && !item.missing));
  const files = await Promise.all(
    items.map(async (item) => (item.isDirectory ? notebooksIn(item.absolutePath) : [item.absolutePath])),
  );
  return [...new Set(files.flat())]
    .map((file) => vscode.Uri.file(file))
    .sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

/** The notebooks directly in a folder (discovery groups the notebooks of one folder). */
async function notebooksIn(folder: string): Promise<string[]> {
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() && path.extname(entry.name).toLowerCase() === '.ipynb')
    .map((entry) => path.join(folder, entry.name));
}

/** One notebook: from the arguments, else the active notebook, else a quick pick of the workspace's notebooks. */
export async function singleNotebook(
  explorer: ExplorerApi,
  first: unknown,
  placeHolder: string,
): Promise<vscode.Uri | undefined> {
  const [given] = notebookUris(explorer, first);
  if (given) return given;
  const active = activeNotebookUri();
  if (active) return active;
  const all = await workspaceNotebooks(explorer);
  if (all.length === 0) {
    void vscode.window.showInformationMessage('There are no notebooks (.ipynb) in this workspace.');
    return undefined;
  }
  if (all.length === 1) return all[0];
  const chosen = await vscode.window.showQuickPick(
    all.map((uri) => ({
      label: path.basename(uri.fsPath, '.ipynb'),
      description: vscode.workspace.asRelativePath(uri),
      uri,
    })),
    { placeHolder, matchOnDescription: true },
  );
  return chosen?.uri;
}

/** The open notebook document of a file, if any (NotebookDocument), and any text document showing it as JSON. */
export function openDocumentsOf(uri: vscode.Uri): { notebook?: vscode.NotebookDocument; text?: vscode.TextDocument } {
  const key = uri.toString();
  return {
    notebook: vscode.workspace.notebookDocuments.find((doc) => doc.uri.toString() === key),
    text: vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === key),
  };
}

/** Whether the file has unsaved changes in an open editor (as a notebook or as text). */
export function isDirty(uri: vscode.Uri): boolean {
  const open = openDocumentsOf(uri);
  return Boolean(open.notebook?.isDirty || open.text?.isDirty);
}
