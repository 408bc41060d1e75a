import * as vscode from 'vscode';
import { type Logger } from '../core/logging';

export const LOG_CHANNEL_NAME = 'MLOps Workbench';

/** The one LogOutputChannel of the extension, behind the `core` Logger interface. */
export function createLogger(): { logger: Logger; channel: vscode.LogOutputChannel } {
  const channel = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  const logger: Logger = {
    trace: (message, ...args) => channel.trace(message, ...args),
    debug: (message, ...args) => channel.debug(message, ...args),
    info: (message, ...args) => channel.info(message, ...args),
    warn: (message, ...args) => channel.warn(message, ...args),
    error: (message, ...args) => channel.error(message, ...args),
  };
  return { logger, channel };
}
