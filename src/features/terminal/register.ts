import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/logging';
import { ensureLaunchers, extensionVersion } from '../../platform/cli';
import { affectsSetting, getSetting } from '../../platform/config';
import type { FeatureContext } from '../../platform/context';

export interface TerminalApi {
  /** The extension's terminal environment (what new terminals get). */
  readonly collection: vscode.GlobalEnvironmentVariableCollection;
  /** Applies the setting again; resolves with the folder put on PATH, or undefined when it is off or failed. */
  apply(): Promise<string | undefined>;
}

/**
 * Puts the shipped `mlops` command line on the integrated terminal's PATH (new terminals; VS Code offers to relaunch
 * open ones), through the extension's environment variable collection: a folder in the global storage with an
 * `mlops` launcher (sh and .cmd) that runs the CLI with this editor's Node. `mlops.terminal.addCliToPath` turns it off.
 */
export function registerTerminal({ extension, logger }: FeatureContext): TerminalApi {
  const collection = extension.environmentVariableCollection;
  const apply = async (): Promise<string | undefined> => {
    if (!getSetting('terminal.addCliToPath')) {
      collection.clear();
      return undefined;
    }
    try {
      const folder = await ensureLaunchers(extension);
      collection.description = `Adds the \`mlops\` command line of MLOps Workbench ${extensionVersion(extension)} to PATH (setting \`mlops.terminal.addCliToPath\`).`;
      collection.prepend('PATH', `${folder}${path.delimiter}`);
      return folder;
    } catch (err) {
      collection.clear();
      logger.warn(`Cannot put the mlops command line on the terminal's PATH: ${errorMessage(err)}`);
      return undefined;
    }
  };
  extension.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsSetting(e, 'terminal.addCliToPath')) void apply();
    }),
  );
  void apply();
  return { collection, apply };
}
