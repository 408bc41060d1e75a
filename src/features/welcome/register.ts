import * as path from 'node:path';
import * as vscode from 'vscode';
import { seedConfigFor } from '../../core/formats/mlopsYaml/seed';
import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import { errorMessage } from '../../core/logging';
import type { FeatureContext } from '../../platform/context';
import { createFileExclusive, exists } from '../../platform/fsWrite';

export const HAS_CONFIG_CONTEXT = 'mlops.hasConfig';

/** "Create mlops.yaml", "Open Log" and the `mlops.hasConfig` context key that drives the welcome view. */
export function registerWelcome({ extension, logger, channel }: FeatureContext): void {
  const refreshContext = async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const found = await Promise.all(folders.map((f) => exists(vscode.Uri.joinPath(f.uri, CONFIG_FILE_NAME))));
    await vscode.commands.executeCommand('setContext', HAS_CONFIG_CONTEXT, found.some(Boolean));
  };
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE_NAME}`, false, true, false);
  extension.subscriptions.push(
    watcher,
    watcher.onDidCreate(() => void refreshContext()),
    watcher.onDidDelete(() => void refreshContext()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void refreshContext()),
    vscode.commands.registerCommand('mlops.openLog', () => channel.show(true)),
    vscode.commands.registerCommand('mlops.createConfig', async (folderArg?: vscode.Uri) => {
      const folder = await pickFolder(folderArg);
      if (!folder) return undefined;
      const target = vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME);
      try {
        // Seeded from the folder's models, datasets and metric files, as `mlops init` does.
        const text = await seedConfigFor(folder.uri.fsPath, path.basename(folder.uri.fsPath));
        const result = await createFileExclusive(target, text);
        if (result === 'exists') {
          const open = 'Open Existing';
          void vscode.window
            .showWarningMessage(`${CONFIG_FILE_NAME} already exists in ${folder.name}; it was left unchanged.`, open)
            .then(async (choice) => {
              if (choice === open) await vscode.window.showTextDocument(target);
            });
          logger.info(`createConfig: ${target.fsPath} exists, not overwritten`);
          return 'exists';
        }
        logger.info(`createConfig: wrote ${target.fsPath}`);
        await refreshContext();
        await vscode.window.showTextDocument(target);
        return 'created';
      } catch (err) {
        logger.error(`createConfig: ${errorMessage(err)}`);
        void vscode.window.showErrorMessage(`Could not create ${CONFIG_FILE_NAME}: ${errorMessage(err)}`);
        return 'failed';
      }
    }),
  );
  void refreshContext();
}

async function pickFolder(arg?: vscode.Uri): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (arg) return vscode.workspace.getWorkspaceFolder(arg);
  if (folders.length === 0) {
    void vscode.window.showInformationMessage(
      `Open a folder first: ${CONFIG_FILE_NAME} lives at the root of a workspace folder.`,
    );
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: `Folder to create ${CONFIG_FILE_NAME} in` });
}
