// Runs a mocha suite inside the real VS Code extension host: @vscode/test-electron where VS Code can be
// downloaded, else code-server driven by headless Chromium. Both load the same compiled test index.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { openBrowser } from './browser';
import { startCodeServer } from './codeServer';
import { root } from './paths';

export type TestHost = 'electron' | 'code-server';

export interface SuiteResult {
  host: TestHost;
  exitCode: number;
  passes: number;
  failures: number;
  durationMs: number;
}

export interface SuiteOptions {
  /** Compiled folder holding index.js and the *.test.js files. */
  testsDir: string;
  /** Folder opened as the workspace. */
  workspace: string;
  host?: TestHost;
  env?: Record<string, string>;
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** The host from MLOPS_TEST_HOST, or electron when VS Code can be downloaded and a display exists, else code-server. */
export async function chooseHost(log: (line: string) => void): Promise<TestHost> {
  const wanted = process.env.MLOPS_TEST_HOST;
  if (wanted === 'electron' || wanted === 'code-server') return wanted;
  if (wanted) throw new Error(`MLOPS_TEST_HOST must be 'electron' or 'code-server', not '${wanted}'.`);
  if (!process.env.DISPLAY && process.platform === 'linux') {
    log('[integration] no DISPLAY for Electron: using code-server');
    return 'code-server';
  }
  try {
    const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
    await Promise.race([
      downloadAndUnzipVSCode({ version: 'stable', cachePath: path.join(root, '.cache', 'vscode-test') }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('download timed out')), 120_000).unref()),
    ]);
    return 'electron';
  } catch (err) {
    log(
      `[integration] VS Code cannot be downloaded (${err instanceof Error ? err.message : String(err)}): using code-server`,
    );
    return 'code-server';
  }
}

function readResult(file: string): { passes: number; failures: number } {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { passes: number; failures: number };
    return { passes: parsed.passes, failures: parsed.failures };
  } catch {
    return { passes: 0, failures: 1 };
  }
}

export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const host = options.host ?? (await chooseHost(log));
  const started = Date.now();
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-result-')), 'result.json');
  const env = { ...options.env, MLOPS_TEST_RESULT_FILE: resultFile, MLOPS_TEST_WORKSPACE: options.workspace };
  const indexPath = path.join(options.testsDir, 'index');
  let exitCode: number;
  if (host === 'electron') {
    const { runTests } = await import('@vscode/test-electron');
    exitCode = await runTests({
      extensionDevelopmentPath: root,
      extensionTestsPath: indexPath,
      extensionTestsEnv: env,
      cachePath: path.join(root, '.cache', 'vscode-test'),
      launchArgs: [
        options.workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    }).then(
      () => 0,
      () => 1,
    );
  } else {
    exitCode = await runInCodeServer(indexPath, options.workspace, env, options.timeoutMs ?? 10 * 60_000, log);
  }
  const { passes, failures } = readResult(resultFile);
  fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
  // A run that reported failures, or reported nothing, fails even if the host said 0.
  if (exitCode === 0 && (failures > 0 || passes === 0)) exitCode = 1;
  return { host, exitCode, passes, failures, durationMs: Date.now() - started };
}

async function runInCodeServer(
  indexPath: string,
  workspace: string,
  env: Record<string, string>,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<number> {
  const server = await startCodeServer({ env, log: (line) => process.env.MLOPS_TEST_VERBOSE && log(line) });
  const browser = await openBrowser();
  try {
    let settle: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (settle = resolve));
    await browser.page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const text = Array.isArray(args) ? format(...(args as [unknown, ...unknown[]])) : String(args);
      for (const line of text.split('\n')) log(`  ${line}`);
    });
    await browser.page.exposeFunction('codeAutomationExit', (code: number) => settle(Number(code)));
    browser.page.on('pageerror', (err) => process.env.MLOPS_TEST_VERBOSE && log(`[page error] ${err.message}`));
    await browser.page.goto(
      server.workbenchUrl(workspace, { extensionDevelopmentPath: root, extensionTestsPath: indexPath }),
    );
    let timeout: NodeJS.Timeout | undefined;
    const timer = new Promise<number>((resolve) => {
      timeout = setTimeout(() => {
        log(`[integration] no result within ${timeoutMs / 1000} s: failing the run`);
        resolve(124);
      }, timeoutMs).unref();
    });
    try {
      return await Promise.race([exited, timer]);
    } finally {
      clearTimeout(timeout);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}
