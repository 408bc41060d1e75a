// The `mlops` launcher scripts the editor puts on its terminals' PATH: a POSIX shell script and a Windows batch file
// that run the bundled command line with the editor's own Node (Electron needs ELECTRON_RUN_AS_NODE=1 for that).
import { shellQuote, type NodeRuntime } from './notebooks/versioning';

export interface LauncherScripts {
  /** `mlops`: for sh, bash, zsh, fish (and Git Bash on Windows). */
  posix: string;
  /** `mlops.cmd`: for cmd.exe and PowerShell. */
  windows: string;
}

/** Quotes one argument for a batch file: in double quotes, with `%` doubled (a literal percent sign there). */
export function batchQuote(argument: string): string {
  return `"${argument.replace(/%/g, '%%').replace(/"/g, '')}"`;
}

export function launcherScripts(runtime: NodeRuntime, cliPath: string, version: string): LauncherScripts {
  const posixEnv = runtime.electron ? 'ELECTRON_RUN_AS_NODE=1 ' : '';
  const posix = [
    '#!/bin/sh',
    `# mlops ${version}: the command line of MLOps Workbench, run by the editor's own Node.`,
    `${posixEnv}exec ${shellQuote(runtime.execPath)} ${shellQuote(cliPath)} "$@"`,
    '',
  ].join('\n');
  const windows = [
    '@echo off',
    `rem mlops ${version}: the command line of MLOps Workbench, run by the editor's own Node.`,
    'setlocal',
    ...(runtime.electron ? ['set ELECTRON_RUN_AS_NODE=1'] : []),
    `${batchQuote(runtime.execPath)} ${batchQuote(cliPath)} %*`,
    '',
  ].join('\r\n');
  return { posix, windows };
}
