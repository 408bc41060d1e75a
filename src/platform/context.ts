import type * as vscode from 'vscode';
import type { Logger } from '../core/logging';

/** What every feature's `register` receives: the extension context, the logger and its channel. */
export interface FeatureContext {
  extension: vscode.ExtensionContext;
  logger: Logger;
  channel: vscode.LogOutputChannel;
}
