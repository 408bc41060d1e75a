import * as vscode from 'vscode';
import { walkthroughsOpenOnInstall } from '../../platform/config';
import type { FeatureContext } from '../../platform/context';
import { completeWalkthroughStep, WALKTHROUGH_ID } from '../../platform/walkthrough';
const SHOWN_KEY = 'mlops.walkthrough.shown';

export interface WalkthroughApi {
  /** `<publisher>.<name>#mlops.getStarted`: what `workbench.action.openWalkthrough` takes. */
  readonly id: string;
  /** Whether this activation opened the walkthrough (first run of an installed extension). */
  readonly openedOnFirstRun: Promise<boolean>;
}

/**
 * "MLOps: Get Started" opens the walkthrough "Get started with MLOps Workbench"; it opens by itself once, on the first
 * activation after install (remembered in globalState), unless VS Code's own setting says not to open walkthroughs
 * on install. Development and test hosts never open it by themselves. Each step is ticked when the user has done
 * what it asks (see `completeWalkthroughStep`); here, "Open a project".
 */
export function registerWalkthrough({ extension, logger }: FeatureContext): WalkthroughApi {
  const id = `${extension.extension.id}#${WALKTHROUGH_ID}`;
  // "Open a project": this window has a folder (opening one reloads the window, so the activation is the moment after).
  const projectOpen = () => {
    if (vscode.workspace.workspaceFolders?.length) completeWalkthroughStep(extension, 'openProject', logger);
  };
  projectOpen();
  extension.subscriptions.push(vscode.workspace.onDidChangeWorkspaceFolders(projectOpen));
  const open = () => vscode.commands.executeCommand('workbench.action.openWalkthrough', id, false);
  extension.subscriptions.push(vscode.commands.registerCommand('mlops.getStarted', open));
  const firstRun = async (): Promise<boolean> => {
    if (extension.extensionMode !== vscode.ExtensionMode.Production) return false;
    // Automated sessions (the packaged-extension UI tests) say so: a remote extension host may not see VS Code's
    // application-scoped walkthrough setting, and the walkthrough would cover the editor of every test.
    if (process.env.MLOPS_NO_FIRST_RUN_WALKTHROUGH === '1') return false;
    if (extension.globalState.get<boolean>(SHOWN_KEY)) return false;
    await extension.globalState.update(SHOWN_KEY, true);
    if (!walkthroughsOpenOnInstall()) return false;
    await open();
    return true;
  };
  return { id, openedOnFirstRun: firstRun().catch(() => false) };
}
