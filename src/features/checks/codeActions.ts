import * as path from 'node:path';
import * as vscode from 'vscode';
import { pathValueEdits } from '../../core/formats/mlopsYaml/edits';
import type { CheckResult } from '../../core/checks/types';
import { errorMessage, type Logger } from '../../core/logging';
import { exists } from '../../platform/fsWrite';
import { isTrusted } from '../../platform/trust';
import { resolveInFolder, type ChecksDiagnostics } from './diagnostics';
import { MODEL_CARD_FILE, modelCardTemplate } from './modelCard';
import type { FolderRun } from './runner';

/** Saves a file a quick fix changed (mlops.yaml, .gitattributes) when it had no unsaved changes before. Internal command. */
export const SAVE_AFTER_FIX_COMMAND = 'mlops.checks.saveAfterFix';
/** Asks for the values a convention leaves open (`<version>`, `<date>`), then renames. Internal command. */
export const RENAME_TO_CONVENTION_COMMAND = 'mlops.checks.renameToConvention';
/** Fixes one result of the last run (the panel's Fix button); asks which fix when there are several. Internal. */
export const FIX_RESULT_COMMAND = 'mlops.checks.fixResult';

/** Names a result of the last run: its folder and what identifies it within the report. */
export interface ResultRef {
  folder: string;
  checkId: string;
  target: string;
  key?: string;
  file?: string;
}

export function findResult(run: FolderRun, ref: ResultRef): CheckResult | undefined {
  return run.report.results.find(
    (r) =>
      r.checkId === ref.checkId &&
      r.target === ref.target &&
      r.key === ref.key &&
      r.location?.file === ref.file &&
      r.status === 'fail',
  );
}

const PLACEHOLDER = /<(version|date|ext)>/g;

export interface RenameRequest {
  /** The workspace folder's URI. */
  folder: string;
  from: string;
  to: string;
}

/**
 * Quick fixes for the pipeline-check diagnostics: rename to the naming convention (and the path in mlops.yaml),
 * add a Git LFS rule to .gitattributes, create a model card. Each is a WorkspaceEdit the user applies (undoable).
 */
export class ChecksCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(
    private readonly diagnostics: ChecksDiagnostics,
    private readonly logger: Logger,
  ) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'mlops') continue;
      const entry = this.diagnostics.find(document.uri, diagnostic);
      if (!entry) continue;
      try {
        for (const fix of await fixesFor(entry.run, entry.result)) {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          action.edit = fix.edit;
          action.command = fix.command;
          action.isPreferred = fix.preferred;
          action.diagnostics = [diagnostic];
          actions.push(action);
        }
      } catch (err) {
        this.logger.warn(`checks: quick fixes for ${entry.result.checkId}: ${errorMessage(err)}`);
      }
    }
    return actions;
  }
}

/** One way to fix a finding: an edit (undoable), a command run after it, or a command alone (it asks first). */
export interface Fix {
  title: string;
  edit?: vscode.WorkspaceEdit;
  command?: vscode.Command;
  preferred: boolean;
}

/** The fixes of a result: rename to the convention, add a .gitattributes line, create a model card. */
export async function fixesFor(run: FolderRun, result: CheckResult): Promise<Fix[]> {
  const fix = result.fix;
  const fixes: Fix[] = [];
  // Fixes write files: none until the workspace is trusted.
  if (result.status !== 'fail' || !isTrusted()) return fixes;
  if (fix?.kind === 'rename') {
    const resolved = fix.to.match(PLACEHOLDER) ? run.renameTargets.get(result) : { to: fix.to, reason: '' };
    if (resolved && !resolved.to.match(PLACEHOLDER)) {
      const rename = await renameEdit(run.folder, run.configFile, fix.from, resolved.to);
      if (rename) {
        fixes.push({
          title: `Rename to ${resolved.to}${resolved.reason ? ` (${resolved.reason})` : ''}${rename.configChanged ? ` and update ${run.configFile}` : ''}`,
          edit: rename.edit,
          command: rename.configChanged
            ? {
                title: 'Save',
                command: SAVE_AFTER_FIX_COMMAND,
                arguments: [rename.configUri.toString(), rename.configWasDirty],
              }
            : undefined,
          preferred: true,
        });
      }
    }
    if (fix.to.match(PLACEHOLDER)) {
      const request: RenameRequest = { folder: run.folder.uri.toString(), from: fix.from, to: fix.to };
      fixes.push({
        title: 'Rename to the naming convention…',
        command: { title: 'Rename…', command: RENAME_TO_CONVENTION_COMMAND, arguments: [request] },
        preferred: false,
      });
    }
  } else if (fix?.kind === 'appendLine') {
    const append = await appendLineEdit(run.folder, fix.file, fix.line);
    if (append) {
      fixes.push({
        title: `Add '${fix.line}' to ${fix.file}`,
        edit: append.edit,
        // Saved unless the file had unsaved changes of its own.
        command: {
          title: 'Save',
          command: SAVE_AFTER_FIX_COMMAND,
          arguments: [append.uri.toString(), append.wasDirty],
        },
        preferred: true,
      });
    }
  }
  if (result.fix?.kind === 'modelCard' && result.model) {
    const card = await modelCardEdit(run, result);
    if (card) {
      fixes.push({
        title: `Create ${card.relative} from a template`,
        edit: card.edit,
        command: {
          title: 'Save and open',
          command: SAVE_AFTER_FIX_COMMAND,
          arguments: [card.uri.toString(), false, true],
        },
        preferred: true,
      });
    }
  }
  return fixes;
}

/** Applies a fix as the editor does: the edit (undoable), then its command. False when the edit was refused. */
export async function applyFix(fix: Fix): Promise<boolean> {
  if (fix.edit && !(await vscode.workspace.applyEdit(fix.edit, { isRefactoring: true }))) return false;
  if (fix.command)
    await vscode.commands.executeCommand(fix.command.command, ...((fix.command.arguments ?? []) as unknown[]));
  return true;
}

export interface RenameEdit {
  edit: vscode.WorkspaceEdit;
  configUri: vscode.Uri;
  configChanged: boolean;
  configWasDirty: boolean;
}

/**
 * Renames `from` to `to` (folder-relative) and, in the same edit, every value in mlops.yaml that names `from`.
 * Undefined when the source is missing or the target exists.
 */
export async function renameEdit(
  folder: vscode.WorkspaceFolder,
  configFile: string,
  from: string,
  to: string,
): Promise<RenameEdit | undefined> {
  const source = resolveInFolder(folder, from);
  const target = resolveInFolder(folder, to);
  const configUri = resolveInFolder(folder, configFile);
  if (!source || !target || !configUri || source.toString() === target.toString()) return undefined;
  if (!(await exists(source)) || (await exists(target))) return undefined;
  const edit = new vscode.WorkspaceEdit();
  edit.renameFile(source, target, { overwrite: false });
  let configChanged = false;
  let configWasDirty = false;
  if (await exists(configUri)) {
    const document = await vscode.workspace.openTextDocument(configUri);
    configWasDirty = document.isDirty;
    for (const { range, text } of pathValueEdits(document.getText(), from, to)) {
      edit.replace(configUri, new vscode.Range(document.positionAt(range[0]), document.positionAt(range[1])), text);
      configChanged = true;
    }
  }
  return { edit, configUri, configChanged, configWasDirty };
}

/**
 * Appends a line to a folder-relative file (creating it when missing); undefined when the line is already there.
 * An open file is edited in its editor, unsaved changes included.
 */
export async function appendLineEdit(
  folder: vscode.WorkspaceFolder,
  file: string,
  line: string,
): Promise<{ edit: vscode.WorkspaceEdit; uri: vscode.Uri; existed: boolean; wasDirty: boolean } | undefined> {
  const uri = resolveInFolder(folder, file);
  if (!uri) return undefined;
  const edit = new vscode.WorkspaceEdit();
  if (!(await exists(uri))) {
    createWithText(edit, uri, `${line}\n`);
    return { edit, uri, existed: false, wasDirty: false };
  }
  const document = await vscode.workspace.openTextDocument(uri);
  const text = document.getText();
  if (text.split(/\r?\n/).some((l) => l.trim() === line.trim())) return undefined;
  const end = document.lineAt(document.lineCount - 1).range.end;
  const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  edit.insert(uri, end, `${text.length === 0 || /\r?\n$/.test(text) ? '' : eol}${line}${eol}`);
  return { edit, uri, existed: true, wasDirty: document.isDirty };
}

/** Creates a model card next to the model of a finding whose fix is a model card; undefined when one exists. */
async function modelCardEdit(
  run: FolderRun,
  result: CheckResult,
): Promise<{ edit: vscode.WorkspaceEdit; uri: vscode.Uri; relative: string } | undefined> {
  const model = run.config?.models.find((m) => m.name === result.model);
  if (!model || !run.config) return undefined;
  const modelUri = resolveInFolder(run.folder, model.path);
  if (!modelUri) return undefined;
  let folder = path.posix.dirname(model.path.replace(/\/+$/, ''));
  try {
    if ((await vscode.workspace.fs.stat(modelUri)).type & vscode.FileType.Directory)
      folder = model.path.replace(/\/+$/, '');
  } catch {
    // A missing model: the card goes where its file would be.
  }
  const relative = folder === '.' ? MODEL_CARD_FILE : `${folder}/${MODEL_CARD_FILE}`;
  const uri = resolveInFolder(run.folder, relative);
  if (!uri || (await exists(uri))) return undefined;
  const edit = new vscode.WorkspaceEdit();
  createWithText(edit, uri, modelCardTemplate(model, run.config));
  return { edit, uri, relative };
}

/**
 * Creates a file and inserts its text, in one undoable edit. (A text edit rather than `contents`: the edit of a code
 * action travels between processes, and file contents do not survive the trip back from `executeCodeActionProvider`.)
 */
function createWithText(edit: vscode.WorkspaceEdit, uri: vscode.Uri, text: string): void {
  edit.createFile(uri, { overwrite: false });
  edit.insert(uri, new vscode.Position(0, 0), text);
}

/** The internal commands the quick fixes use. */
export function registerFixCommands(
  subscriptions: vscode.Disposable[],
  findRun: (folder: string) => FolderRun | undefined,
  logger: Logger,
): void {
  subscriptions.push(
    vscode.commands.registerCommand(SAVE_AFTER_FIX_COMMAND, async (uri: string, wasDirty: boolean, open?: boolean) => {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
      if (!wasDirty && document?.isDirty) await document.save();
      if (open) await vscode.window.showTextDocument(vscode.Uri.parse(uri));
    }),
    vscode.commands.registerCommand(FIX_RESULT_COMMAND, async (ref: ResultRef): Promise<string | undefined> => {
      if (!isTrusted()) {
        void vscode.window.showWarningMessage(
          'Trust this workspace to apply fixes: MLOps Workbench writes nothing in untrusted workspaces.',
        );
        return undefined;
      }
      const run = findRun(ref.folder);
      const result = run && findResult(run, ref);
      const fixes = run && result ? await fixesFor(run, result) : [];
      if (fixes.length === 0) {
        void vscode.window.showInformationMessage(
          'This finding has no quick fix any more: the checks will run again after the change.',
        );
        return undefined;
      }
      const fix =
        fixes.length === 1
          ? fixes[0]
          : (
              await vscode.window.showQuickPick(
                fixes.map((f) => ({ label: f.title, fix: f })),
                { title: 'Fix the finding', placeHolder: result?.message },
              )
            )?.fix;
      if (!fix) return undefined;
      if (!(await applyFix(fix))) {
        void vscode.window.showWarningMessage(
          `Could not apply "${fix.title}": a file it changes may have been modified.`,
        );
        return undefined;
      }
      logger.info(`checks: applied "${fix.title}"`);
      return fix.title;
    }),
    vscode.commands.registerCommand(RENAME_TO_CONVENTION_COMMAND, async (request: RenameRequest) => {
      const run = findRun(request.folder);
      if (!run) return;
      let to = request.to;
      for (const [placeholder, name] of [...new Set(to.match(PLACEHOLDER) ?? [])].map(
        (p) => [p, p.slice(1, -1)] as const,
      )) {
        const value = await vscode.window.showInputBox({
          title: `Rename ${request.from}`,
          prompt: `The ${name} in ${to}`,
          value:
            name === 'date'
              ? new Date().toISOString().slice(0, 10)
              : name === 'version'
                ? '1.0.0'
                : path.posix.extname(request.from).slice(1),
          validateInput: (v) =>
            name === 'version' && !/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(v)
              ? 'A semantic version, e.g. 1.2.0'
              : name === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)
                ? 'A date as YYYY-MM-DD'
                : /[/\\]/.test(v) || !v
                  ? 'A value without slashes'
                  : undefined,
        });
        if (value === undefined) return;
        to = to.split(placeholder).join(value);
      }
      const rename = await renameEdit(run.folder, run.configFile, request.from, to);
      if (!rename) {
        void vscode.window.showWarningMessage(
          `Cannot rename ${request.from} to ${to}: the file is missing or the new name is taken.`,
        );
        return;
      }
      if (!(await vscode.workspace.applyEdit(rename.edit, { isRefactoring: true }))) {
        logger.warn(`checks: the rename of ${request.from} to ${to} was not applied`);
        return;
      }
      if (rename.configChanged && !rename.configWasDirty)
        await vscode.workspace.textDocuments.find((d) => d.uri.toString() === rename.configUri.toString())?.save();
    }),
  );
}
