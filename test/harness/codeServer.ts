// Starts code-server on loopback in its own process group, with every state folder in a per-run temp folder.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { provisionCodeServer } from './provision';

export interface CodeServerOptions {
  /** Extra environment for code-server and so for the extension host (test settings travel this way). */
  env?: Record<string, string>;
  /** User settings merged over the fixed test settings. */
  settings?: Record<string, unknown>;
  /** Extensions to install from .vsix files before starting. */
  installVsix?: string[];
  /** Enable workspace trust, so folders open in Restricted Mode until trusted (default: trust off). */
  workspaceTrust?: boolean;
  /** Port on 127.0.0.1; a free one when absent. */
  port?: number;
  /** Keep the temp folder after stop (for debugging). */
  keepTemp?: boolean;
  log?: (line: string) => void;
}

export interface CodeServer {
  url: string;
  port: number;
  tempDir: string;
  extensionsDir: string;
  /** Builds the URL that opens a folder, optionally loading an extension under development and its tests. */
  workbenchUrl(folder: string, payload?: { extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const baseSettings = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  // An installed extension's walkthrough (ours opens once after install) would cover the editor area of every test.
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'git.openRepositoryInParentFolders': 'never',
  'window.restoreWindows': 'none',
};

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const entry = provisionCodeServer();
  const log = options.log ?? (() => undefined);
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-cs-'));
  const userDataDir = path.join(tempDir, 'user-data');
  const extensionsDir = path.join(tempDir, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const trust = options.workspaceTrust
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' }
    : {};
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...baseSettings, ...trust, ...options.settings }, null, 2),
  );
  const configFile = path.join(tempDir, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    EXTENSIONS_GALLERY: '{}',
    XDG_CONFIG_HOME: path.join(tempDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(tempDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(tempDir, 'xdg-cache'),
    MLOPS_NO_FIRST_RUN_WALKTHROUGH: '1',
    ...options.env,
  };
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  for (const vsix of options.installVsix ?? []) {
    await runOnce(entry, [...common, '--install-extension', vsix], env, log);
  }
  const port = options.port ?? (await freePort());
  const args = [
    entry,
    ...common,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = `http://127.0.0.1:${port}`;
  await waitForListening(child, log);
  return {
    url,
    port,
    tempDir,
    extensionsDir,
    workbenchUrl(folder, payload) {
      const params = new URLSearchParams({ folder });
      const items: string[][] = [];
      if (payload?.extensionDevelopmentPath)
        items.push(['extensionDevelopmentPath', `vscode-remote://remote${payload.extensionDevelopmentPath}`]);
      if (payload?.extensionTestsPath)
        items.push(['extensionTestsPath', `vscode-remote://remote${payload.extensionTestsPath}`]);
      items.push(['skipWelcome', 'true']);
      params.set('payload', JSON.stringify(items));
      return `${url}/?${params.toString()}`;
    },
    async stop() {
      await killGroup(child);
      if (!options.keepTemp) fs.rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

function waitForListening(child: ChildProcess, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`code-server did not start within 60 s:\n${output.slice(-2000)}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split('\n')) if (line.trim()) log(`[code-server] ${line}`);
      if (output.includes('HTTP server listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    const fail = (err: Error) => {
      clearTimeout(timer);
      void killGroup(child);
      reject(err);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      fail(new Error(`code-server exited with code ${String(code)} before listening:\n${output.slice(-2000)}`)),
    );
  });
}

function runOnce(entry: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      log(`[code-server] ${output.trim()}`);
      if (code === 0) resolve();
      else reject(new Error(`code-server ${args.join(' ')} failed (${String(code)}):\n${output}`));
    });
  });
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
