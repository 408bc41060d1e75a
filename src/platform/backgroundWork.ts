import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { Logger } from '../core/logging';
import { WorkerWork, type CoreWork } from '../core/worker/client';

let shared: { context: vscode.ExtensionContext; work: CoreWork } | undefined;

/**
 * The one worker thread of the extension that runs checks, discovery and hashing (dist/worker.js). Creating it costs
 * nothing: the thread starts on the first request and is terminated with the extension's subscriptions.
 */
export function backgroundWork(context: vscode.ExtensionContext, logger: Logger): CoreWork {
  if (shared?.context !== context) {
    const work = new WorkerWork({ script: path.join(context.extensionPath, 'dist', 'worker.js'), logger });
    const entry = { context, work };
    shared = entry;
    context.subscriptions.push({
      dispose: () => {
        work.dispose();
        if (shared === entry) shared = undefined;
      },
    });
  }
  return shared.work;
}
