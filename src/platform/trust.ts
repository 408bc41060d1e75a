import * as vscode from 'vscode';

/**
 * In an untrusted workspace the extension runs no git, DVC, MLflow or CLI processes. Features ask here before
 * spawning anything and say why they did not.
 */
export const UNTRUSTED_REASON =
  'Trust this workspace to see git state and history (MLOps Workbench runs no git or CLI processes in untrusted workspaces).';

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

export class UntrustedError extends Error {
  constructor() {
    super(UNTRUSTED_REASON);
    this.name = 'UntrustedError';
  }
}

/** Throws UntrustedError when the workspace is not trusted. */
export function requireTrust(): void {
  if (!vscode.workspace.isTrusted) throw new UntrustedError();
}
