import * as vscode from 'vscode';

/**
 * Bearer tokens of servers (an MLflow tracking server, a Prometheus server), as every feature sets, clears and reads
 * them: in VS Code's secret storage under one key per kind of server and origin, so a token only goes where it was
 * set; never in settings or the log.
 */

/** The kind of server a token belongs to: how it is named to the user and where its address is set. */
export interface TokenServerKind {
  /** The secret-storage key prefix, e.g. `mlops.mlflow.token:`. */
  keyPrefix: string;
  /** The input box's title, e.g. `MLflow tracking token`. */
  title: string;
  /** How messages name it, e.g. `MLflow`. */
  product: string;
  /** The servers the settings name, e.g. one per workspace folder. */
  servers(): string[];
  /** Says that no server is set, and where to set it (a settings id to open). */
  missing: { message: (action: string) => string; setting: string };
  /** The quick pick's title when there are several. */
  pickTitle: string;
}

export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The secret-storage key of the token for a server (one per origin; a malformed address keys by its text). */
export function serverTokenKey(keyPrefix: string, url: string): string {
  return `${keyPrefix}${originOf(url)}`;
}

async function chooseServer(kind: TokenServerKind, action: string): Promise<string | undefined> {
  const servers = kind.servers();
  if (servers.length === 0) {
    const open = 'Open Settings';
    const choice = await vscode.window.showWarningMessage(kind.missing.message(action), open);
    if (choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', kind.missing.setting);
    return undefined;
  }
  if (servers.length === 1) return servers[0];
  return vscode.window.showQuickPick(servers, { title: kind.pickTitle, placeHolder: `The server to ${action} for` });
}

/** Asks for a server's token (a password box) and keeps it in the secret storage. */
export async function setServerToken(secrets: vscode.SecretStorage, kind: TokenServerKind): Promise<boolean> {
  const server = await chooseServer(kind, 'set its token');
  if (!server) return false;
  const token = await vscode.window.showInputBox({
    title: kind.title,
    prompt: `Token for ${originOf(server)}, sent as a bearer token. It is kept in VS Code's secret storage, never in settings or logs.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Enter the token, or press Escape to cancel.'),
  });
  if (!token?.trim()) return false;
  await secrets.store(serverTokenKey(kind.keyPrefix, server), token.trim());
  void vscode.window.showInformationMessage(`Saved the ${kind.product} token for ${originOf(server)}.`);
  return true;
}

/** Removes a server's token from the secret storage. */
export async function clearServerToken(secrets: vscode.SecretStorage, kind: TokenServerKind): Promise<boolean> {
  const server = await chooseServer(kind, 'clear its token');
  if (!server) return false;
  await secrets.delete(serverTokenKey(kind.keyPrefix, server));
  void vscode.window.showInformationMessage(`Cleared the ${kind.product} token for ${originOf(server)}.`);
  return true;
}
