import * as vscode from 'vscode';
import { errorMessage, type Logger } from '../core/logging';

/** The walkthrough "Get started with MLOps Workbench" (`contributes.walkthroughs` in package.json). */
export const WALKTHROUGH_ID = 'mlops.getStarted';

/** Its steps, in package.json's order. */
export const WALKTHROUGH_STEPS = [
  'openProject',
  'seeModels',
  'chartMetric',
  'runChecks',
  'notebookFilter',
  'addCi',
] as const;
export type WalkthroughStep = (typeof WALKTHROUGH_STEPS)[number];

const completed = new Set<string>();

/**
 * Ticks a walkthrough step once the user has done what it asks (opened a project, charted a metric...), however they
 * did it: from the palette, a view, a panel's button or a task.
 *
 * The step's `completionEvents` alone are not enough: VS Code's walkthrough service only listens for them once it
 * exists, and it is created when a Welcome page or walkthrough first opens in the window. Whatever the user did
 * before that (or in an earlier window) is never recorded, and a command run from inside the extension host (a panel
 * button running `mlops.runChecks`) never reaches the workbench's command events at all. VS Code's own
 * `welcome.markStepComplete` records the step whether or not the service existed (it creates it). Once per step and
 * window; never awaited and never fails the caller.
 */
export function completeWalkthroughStep(
  extension: vscode.ExtensionContext,
  step: WalkthroughStep,
  logger?: Logger,
): void {
  const id = `${extension.extension.id}#${WALKTHROUGH_ID}#${step}`;
  if (completed.has(id)) return;
  completed.add(id);
  // The step's progress is stored before VS Code looks the step up, so even an early call (the walkthrough not yet
  // registered in a fresh window) is remembered.
  void Promise.resolve(vscode.commands.executeCommand('welcome.markStepComplete', id)).then(undefined, (err) =>
    logger?.debug(`walkthrough: ${step} recorded, VS Code answered: ${errorMessage(err)}`),
  );
}
