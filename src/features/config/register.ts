import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import { type ConfigProblem } from '../../core/formats/mlopsYaml/validate';
import type { FeatureContext } from '../../platform/context';
import { sharedValidator } from '../../platform/configValidator';

/** Diagnostics of mlops.yaml files: live as the user types, and for files on disk at startup and on change. */
export function registerConfigValidation({ extension, logger }: FeatureContext): vscode.DiagnosticCollection {
  const collection = vscode.languages.createDiagnosticCollection('mlops.yaml');
  const timers = new Map<string, NodeJS.Timeout>();
  const isConfig = (uri: vscode.Uri) =>
    uri.scheme === 'file' &&
    path.basename(uri.fsPath) === CONFIG_FILE_NAME &&
    vscode.workspace.getWorkspaceFolder(uri) !== undefined;

  const publish = (uri: vscode.Uri, text: string) => {
    const { problems } = sharedValidator().validate(text, { fileName: CONFIG_FILE_NAME });
    collection.set(uri, problems.map(toDiagnostic));
    logger.debug(`mlops.yaml: ${problems.length} problem(s) in ${uri.fsPath}`);
  };
  const validateDocument = (doc: vscode.TextDocument, delay: number) => {
    if (!isConfig(doc.uri)) return;
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => publish(doc.uri, doc.getText()), delay),
    );
  };
  const validateOnDisk = async (uri: vscode.Uri) => {
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return;
    try {
      publish(uri, Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'));
    } catch {
      collection.delete(uri);
    }
  };

  const watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE_NAME}`);
  extension.subscriptions.push(
    collection,
    watcher,
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
    vscode.workspace.onDidOpenTextDocument((doc) => validateDocument(doc, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => validateDocument(e.document, 150)),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (isConfig(doc.uri)) void validateOnDisk(doc.uri);
    }),
    watcher.onDidCreate((uri) => void validateOnDisk(uri)),
    watcher.onDidChange((uri) => void validateOnDisk(uri)),
    watcher.onDidDelete((uri) => collection.delete(uri)),
  );
  // The root mlops.yaml of each folder: one small file each, read after activation returns.
  setTimeout(() => {
    for (const doc of vscode.workspace.textDocuments) validateDocument(doc, 0);
    for (const folder of vscode.workspace.workspaceFolders ?? [])
      void validateOnDisk(vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME));
  }, 0);
  return collection;
}

function toDiagnostic(problem: ConfigProblem): vscode.Diagnostic {
  const range = new vscode.Range(
    problem.line,
    problem.column,
    problem.endLine,
    Math.max(problem.endColumn, problem.endLine === problem.line ? problem.column + 1 : problem.endColumn),
  );
  const diagnostic = new vscode.Diagnostic(
    range,
    problem.message,
    problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.source = 'mlops';
  diagnostic.code = problem.code;
  return diagnostic;
}
