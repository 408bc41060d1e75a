// The bundled `mlops` command line as the editor runs it: with the Node that runs the extension host, from a copy in
// the extension's global storage (the install folder changes with every version, the global storage does not, so a
// command written into .git/config or a terminal's PATH stays valid), and behind small launchers for terminals.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { writeFileAtomic } from '../core/atomicWrite';
import { launcherScripts } from '../core/cliLauncher';
import type { NodeRuntime } from '../core/notebooks/versioning';

const CLI_STAMP_KEY = 'mlops.notebooks.cliStamp';

/** The Node that runs the extension host: a real node (code-server, remote) or Electron (desktop VS Code). */
export function currentRuntime(): NodeRuntime {
  return { execPath: process.execPath, electron: typeof process.versions.electron === 'string' };
}

/** The extension's version, as package.json says (what `mlops --version` prints too). */
export function extensionVersion(context: vscode.ExtensionContext): string {
  return String((context.extension.packageJSON as { version?: string }).version);
}

/** The folder holding the CLI copy and the launchers: `<globalStorage>/bin`. */
export function cliBinFolder(context: vscode.ExtensionContext): string {
  if (context.globalStorageUri.scheme !== 'file')
    throw new Error(`the extension's storage (${context.globalStorageUri.toString()}) is not on this machine's disk`);
  return path.join(context.globalStorageUri.fsPath, 'bin');
}

/**
 * The bundled command line's files in dist/ and the names of their copies: the bundle and what it loads beside it
 * (SQLite's WebAssembly, the prediction-log reading threads), then the entry that loads the bundle (last, so that a
 * process starting during the copy finds the bundle it loads).
 */
const CLI_FILES: readonly (readonly [string, string])[] = [
  ['cli-main.js', 'cli-main.js'],
  ['sql-wasm.wasm', 'sql-wasm.wasm'],
  ['telemetryWorker.js', 'telemetryWorker.js'],
  ['cli.js', 'mlops-cli.js'],
];

/**
 * Copies the command line (dist/cli.js as `<globalStorage>/bin/mlops-cli.js`, and the files it loads beside it) when
 * a copy is missing or the extension changed (version, or the files' sizes and times in development). Each file is
 * written atomically: a temporary file renamed into place.
 */
export async function ensureCli(context: vscode.ExtensionContext): Promise<string> {
  const folder = cliBinFolder(context);
  const files = CLI_FILES.map(([name, copy]) => ({
    source: context.asAbsolutePath(path.join('dist', name)),
    target: path.join(folder, copy),
  }));
  const stamps: string[] = [extensionVersion(context)];
  for (const { source } of files) {
    const stat = await fs.stat(source).catch(() => undefined);
    if (!stat) throw new Error(`the bundled command line (${source}) is missing; reinstall MLOps Workbench`);
    stamps.push(`${stat.size}:${Math.round(stat.mtimeMs)}`);
  }
  const stamp = stamps.join(':');
  const entry = files[files.length - 1]!.target;
  const present = await Promise.all(
    files.map(({ target }) =>
      fs.stat(target).then(
        (s) => s.isFile(),
        () => false,
      ),
    ),
  );
  if (present.every(Boolean) && context.globalState.get<string>(CLI_STAMP_KEY) === stamp) return entry;
  for (const { source, target } of files)
    await writeFileAtomic(target, await fs.readFile(source), {
      mode: target === entry ? 0o755 : 0o644,
      createFolders: true,
    });
  await context.globalState.update(CLI_STAMP_KEY, stamp);
  return entry;
}

/**
 * Writes `mlops` (sh) and `mlops.cmd` (Windows) next to the CLI copy, each running it with this editor's Node; only
 * when their text changed (a new editor path, a new version). Resolves with the folder to put on PATH.
 */
export async function ensureLaunchers(context: vscode.ExtensionContext): Promise<string> {
  const cli = await ensureCli(context);
  const folder = path.dirname(cli);
  const scripts = launcherScripts(currentRuntime(), cli, extensionVersion(context));
  const write = async (name: string, text: string, mode: number) => {
    const file = path.join(folder, name);
    const current = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (current !== text) await writeFileAtomic(file, text, { mode, createFolders: true });
  };
  await write('mlops', scripts.posix, 0o755);
  await write('mlops.cmd', scripts.windows, 0o644);
  return folder;
}

/** How a task runs the bundled CLI: this editor's Node (as Node) on the install folder's dist/cli.js. */
export function cliProcess(context: vscode.ExtensionContext): {
  execPath: string;
  script: string;
  env: Record<string, string>;
} {
  const runtime = currentRuntime();
  return {
    execPath: runtime.execPath,
    script: context.asAbsolutePath(path.join('dist', 'cli.js')),
    env: runtime.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
  };
}
