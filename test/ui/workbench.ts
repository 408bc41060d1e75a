// Opens the real workbench (code-server) in headless Chromium with the extension loaded from the development
// folder (MLOPS_UI_MODE=dev, the default) or installed from the packaged VSIX (MLOPS_UI_MODE=vsix).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { openBrowser, type Browser } from '../harness/browser';
import { startCodeServer, type CodeServer } from '../harness/codeServer';
import { resultsDir, root, vsixPath } from '../harness/paths';

export interface Workbench {
  page: Page;
  server: CodeServer;
  browser: Browser;
  screenshot(name: string): Promise<string>;
  /** Copies code-server's logs (the extension's output channel among them) beside the screenshots, as `<name>-logs`. */
  saveLogs(name: string): string | undefined;
  close(): Promise<void>;
}

export const uiMode = (): 'dev' | 'vsix' => (process.env.MLOPS_UI_MODE === 'vsix' ? 'vsix' : 'dev');

/** Whether this run replaces the committed pictures (README, walkthrough): only a development run asked to. */
export const updateMedia = (): boolean => uiMode() === 'dev' && process.env.MLOPS_UPDATE_MEDIA === '1';

/**
 * Opens the real workbench on a folder, or on an empty window when `folder` is undefined (then `openFolder` opens one
 * later, in the same browser profile, as File > Open Folder does).
 */
export async function openWorkbench(
  folder: string | undefined,
  options: {
    theme?: string;
    settings?: Record<string, unknown>;
    workspaceTrust?: boolean;
    /** Native scrollbars drawn, as in a user's editor (webview content that scrolls shows its scrollbar). */
    scrollbars?: boolean;
  } = {},
): Promise<Workbench> {
  const mode = uiMode();
  if (mode === 'vsix' && !fs.existsSync(vsixPath))
    throw new Error(`MLOPS_UI_MODE=vsix needs ${vsixPath}: run npm run package first.`);
  const server = await startCodeServer({
    installVsix: mode === 'vsix' ? [vsixPath] : [],
    workspaceTrust: options.workspaceTrust,
    settings: { ...(options.theme ? { 'workbench.colorTheme': options.theme } : {}), ...options.settings },
  });
  const browser = await openBrowser({
    colorScheme: options.theme?.includes('Light') ? 'light' : 'dark',
    ...(options.scrollbars ? { scrollbars: true } : {}),
  });
  const page = browser.page;
  await goToWorkbench(page, server, folder);
  return {
    page,
    server,
    browser,
    async screenshot(name) {
      const dir = path.join(resultsDir, 'ui', mode);
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    saveLogs(name) {
      const logs = path.join(server.tempDir, 'user-data', 'logs');
      if (!fs.existsSync(logs)) return undefined;
      const target = path.join(resultsDir, 'ui', mode, `${name}-logs`);
      fs.rmSync(target, { recursive: true, force: true });
      fs.cpSync(logs, target, { recursive: true });
      return target;
    },
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}

/** Loads the workbench page on `folder` (an empty window when undefined) and waits until it is themed and ready. */
async function goToWorkbench(page: Page, server: CodeServer, folder: string | undefined): Promise<void> {
  const payload = uiMode() === 'dev' ? { extensionDevelopmentPath: root } : undefined;
  const url = new URL(server.workbenchUrl(folder ?? '/', payload));
  if (folder === undefined) {
    url.searchParams.delete('folder');
    url.searchParams.set('ew', 'true');
  }
  await page.goto(url.toString());
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  // The first paint is unthemed; wait for the theme class on the workbench.
  await page.waitForSelector(
    '.monaco-workbench.vs-dark, .monaco-workbench.vs, .monaco-workbench.hc-black, .monaco-workbench.hc-light',
    { timeout: 60_000 },
  );
  await page.waitForSelector('.part.activitybar', { timeout: 60_000 });
}

/** Opens a folder in the workbench's window (the window reloads on it, as after File > Open Folder). */
export async function openFolder(wb: Workbench, folder: string): Promise<void> {
  await goToWorkbench(wb.page, wb.server, folder);
}

/**
 * Opens a workbench on a fresh folder for a mocha suite: `makeFolder` before the suite, a screenshot and code-server's
 * logs of any failing test (`failed-<test>-<suffix>`), and the workbench closed and the folder removed after it. Call inside `describe`.
 */
export function useWorkbench(
  makeFolder: () => string,
  options: Parameters<typeof openWorkbench>[1] = {},
  suffix = '',
): { readonly wb: Workbench; readonly folder: string } {
  let wb: Workbench | undefined;
  let folder: string | undefined;
  before(async () => {
    folder = makeFolder();
    wb = await openWorkbench(folder, options);
  });
  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state === 'failed' && wb) {
      const name = `failed-${test.title.replace(/\W+/g, '-').slice(0, 60)}${suffix ? `-${suffix}` : ''}`;
      await wb.screenshot(name);
      wb.saveLogs(name);
    }
  });
  after(async () => {
    await wb?.close();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });
  return {
    get wb(): Workbench {
      if (!wb) throw new Error('the workbench is not open (its before hook failed)');
      return wb;
    },
    get folder(): string {
      if (!folder) throw new Error('the workspace folder was not made (its before hook failed)');
      return folder;
    },
  };
}

/** The content of the active webview panel (a webview is two nested iframes). */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Waits until the panel's icon font is loaded, so a screenshot shows the icons. */
export async function iconsLoaded(frame: FrameLocator): Promise<void> {
  await frame.locator('body').evaluate(async () => {
    for (let i = 0; i < 100 && !document.fonts.check('16px codicon'); i++) await new Promise((r) => setTimeout(r, 100));
    await document.fonts.ready;
    if (!document.fonts.check('16px codicon')) throw new Error('the codicon font did not load');
  });
}

/** A view of the MLOps container (Models, Datasets, Notebooks, Experiments) by its title. */
export function viewPane(page: Page, title: string): Locator {
  return page
    .locator('.pane')
    .filter({ has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${title}$`, 'i') }) });
}

/** Collapses the named views so the others get the height. */
export async function collapseViews(page: Page, titles: readonly string[]): Promise<void> {
  for (const title of titles) {
    const header = page
      .locator('.pane-header')
      .filter({ has: page.locator('h3.title', { hasText: new RegExp(`^${title}$`, 'i') }) });
    if ((await header.count()) && (await header.first().getAttribute('aria-expanded')) === 'true')
      await header.first().click();
  }
}

/** Drags the side bar's edge so long labels and descriptions fit. */
export async function widenSidebar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const x = box.x + box.width - 1;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 8 });
  await page.mouse.up();
}

/** Opens the MLOps view container from its activity-bar entry. */
export async function openMlopsContainer(page: Page): Promise<void> {
  const tab = page.getByRole('tab', { name: /^MLOps/ });
  await tab.waitFor({ timeout: 60_000 });
  await tab.click();
  await page.locator('.sidebar .composite.title').filter({ hasText: /MLOps/i }).waitFor({ timeout: 30_000 });
}

/** Runs a command from the palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  // The palette lists an extension's commands once the extension host has registered it; on a slow first start that
  // can take longer than one wait, and an open palette does not pick up commands registered later: reopen it.
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await input.waitFor();
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 20_000 });
      break;
    } catch (err) {
      if (attempt === 4) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

/** A fresh copy of the demo workspace in a temp folder (deterministic; about half a second). */
export function demoWorkspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-ui-demo-'));
  execFileSync(process.execPath, [path.join(root, 'scripts', 'demo', 'generate.mjs'), dir], { stdio: 'ignore' });
  return dir;
}

/**
 * Shows the hover of a tree row and returns its text once `until` matches. Headless Chromium does not always raise
 * VS Code's managed hover from synthetic mouse moves, so this also sends the mouseover it listens for.
 */
export async function treeRowHover(
  page: Page,
  rowText: string | RegExp,
  until: RegExp,
  attempts = 20,
  hoverText = 'Path:',
): Promise<string> {
  const row = page.locator('.pane-body .monaco-list-row').filter({ hasText: rowText }).first();
  let text = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    await page.keyboard.press('Escape');
    await row.hover();
    await row.dispatchEvent('mouseover');
    await row.locator('.monaco-icon-label[custom-hover="true"]').first().dispatchEvent('mouseover');
    const hover = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: hoverText }).first();
    try {
      await hover.waitFor({ timeout: 3000 });
      text = await hover.innerText();
      if (until.test(text)) return text;
    } catch {
      // not shown yet: try again
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`the hover of "${String(rowText)}" never matched ${String(until)}; last text: ${text}`);
}
