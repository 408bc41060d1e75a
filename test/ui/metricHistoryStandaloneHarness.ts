// Runs the Metric History panel bundle in plain Chromium, without VS Code: a loopback HTTP server serves a page
// built by the real HTML shell (same CSP, nonce, stylesheets) from a temporary folder, with a fake
// `acquireVsCodeApi` that records what the panel posts and keeps its state in sessionStorage, and the VS Code
// theme variables of a dark, light or high-contrast theme.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { renderWebviewHtml } from '../../src/core/webview/html';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/metricHistory';
import { openBrowser, type Browser } from '../harness/browser';
import { resultsDir, root } from '../harness/paths';

export type ThemeName = 'dark' | 'light' | 'high-contrast';

export interface Posted {
  at: number;
  message: WebviewToHost;
}

export interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

export interface StandalonePanel {
  page: Page;
  browser: Browser;
  /** Everything the panel posted so far, oldest first. */
  posted(): Promise<Posted[]>;
  /** Waits for the next message of a type posted after `after` messages (default: any not yet seen). */
  waitForPosted<T extends WebviewToHost['type']>(
    type: T,
    options?: { after?: number; timeout?: number },
  ): Promise<Extract<WebviewToHost, { type: T }>>;
  /** Posts a host message to the panel. */
  post(message: HostToWebview): Promise<void>;
  setTheme(theme: ThemeName): Promise<void>;
  violations(): Promise<Violation[]>;
  errors(): Promise<string[]>;
  screenshot(name: string): Promise<string>;
  reload(): Promise<void>;
  close(): Promise<void>;
}

// Variable names as VS Code defines them; the colours are plausible values of its default themes.
const THEMES: Record<ThemeName, Record<string, string>> = {
  dark: {
    'font-weight': 'normal',
    'panelTitle-activeBorder': '#0078d4',
    'panelTitle-activeForeground': '#cccccc',
    'panelTitle-inactiveForeground': '#9d9d9d',
    'settings-checkboxForeground': '#cccccc',
    'settings-textInputBackground': '#313131',
    'settings-textInputBorder': '#3c3c3c',
    'settings-textInputForeground': '#cccccc',
    'button-border': '#ffffff12',
    'font-family': 'system-ui, "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
    'font-size': '13px',
    foreground: '#cccccc',
    descriptionForeground: '#9d9d9d',
    disabledForeground: '#6e7681',
    errorForeground: '#f85149',
    focusBorder: '#0078d4',
    'editor-background': '#1f1f1f',
    'panel-background': '#181818',
    'panel-border': '#2b2b2b',
    'charts-foreground': '#cccccc',
    'charts-lines': '#cccccc80',
    'charts-red': '#f14c4c',
    'charts-blue': '#3794ff',
    'charts-yellow': '#cca700',
    'charts-orange': '#d18616',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    'testing-iconPassed': '#73c991',
    'testing-iconFailed': '#f14c4c',
    'editorWarning-foreground': '#cca700',
    'textLink-foreground': '#4daafc',
    'textLink-activeForeground': '#4daafc',
    'input-background': '#313131',
    'input-foreground': '#cccccc',
    'input-border': '#3c3c3c',
    'input-placeholderForeground': '#989898',
    'button-background': '#0078d4',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#026ec1',
    'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc',
    'button-secondaryHoverBackground': '#3c3c3c',
    'list-hoverBackground': '#2a2d2e',
    'list-activeSelectionBackground': '#04395e',
    'list-activeSelectionForeground': '#ffffff',
    'settings-dropdownBackground': '#313131',
    'settings-dropdownBorder': '#3c3c3c',
    'settings-dropdownForeground': '#cccccc',
    'settings-checkboxBackground': '#313131',
    'settings-checkboxBorder': '#3c3c3c',
    'settings-headerBorder': '#2b2b2b',
    'badge-background': '#616161',
    'badge-foreground': '#f8f8f8',
  },
  light: {
    'font-weight': 'normal',
    'panelTitle-activeBorder': '#005fb8',
    'panelTitle-activeForeground': '#3b3b3b',
    'panelTitle-inactiveForeground': '#3b3b3b',
    'settings-checkboxForeground': '#3b3b3b',
    'settings-textInputBackground': '#ffffff',
    'settings-textInputBorder': '#cecece',
    'settings-textInputForeground': '#3b3b3b',
    'button-border': '#0000001a',
    'font-family': 'system-ui, "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
    'font-size': '13px',
    foreground: '#3b3b3b',
    descriptionForeground: '#717171',
    disabledForeground: '#a0a0a0',
    errorForeground: '#f85149',
    focusBorder: '#005fb8',
    'editor-background': '#ffffff',
    'panel-background': '#f8f8f8',
    'panel-border': '#e5e5e5',
    'charts-foreground': '#616161',
    'charts-lines': '#61616180',
    'charts-red': '#e51400',
    'charts-blue': '#1a85ff',
    'charts-yellow': '#bf8803',
    'charts-orange': '#d18616',
    'charts-green': '#388a34',
    'charts-purple': '#652d90',
    'testing-iconPassed': '#388a34',
    'testing-iconFailed': '#e51400',
    'editorWarning-foreground': '#bf8803',
    'textLink-foreground': '#005fb8',
    'textLink-activeForeground': '#005fb8',
    'input-background': '#ffffff',
    'input-foreground': '#3b3b3b',
    'input-border': '#cecece',
    'input-placeholderForeground': '#767676',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#0258a8',
    'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b',
    'button-secondaryHoverBackground': '#cccccc',
    'list-hoverBackground': '#f2f2f2',
    'list-activeSelectionBackground': '#e8e8e8',
    'list-activeSelectionForeground': '#000000',
    'settings-dropdownBackground': '#ffffff',
    'settings-dropdownBorder': '#cecece',
    'settings-dropdownForeground': '#3b3b3b',
    'settings-checkboxBackground': '#f8f8f8',
    'settings-checkboxBorder': '#cecece',
    'settings-headerBorder': '#e5e5e5',
    'badge-background': '#cccccc',
    'badge-foreground': '#3b3b3b',
  },
  'high-contrast': {
    'font-weight': 'normal',
    'panelTitle-activeBorder': '#6fc3df',
    'panelTitle-activeForeground': '#ffffff',
    'panelTitle-inactiveForeground': '#ffffff',
    'settings-checkboxForeground': '#ffffff',
    'settings-textInputBackground': '#000000',
    'settings-textInputBorder': '#6fc3df',
    'settings-textInputForeground': '#ffffff',
    'font-family': 'system-ui, "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
    'font-size': '13px',
    foreground: '#ffffff',
    descriptionForeground: '#ffffffb3',
    disabledForeground: '#a5a5a5',
    errorForeground: '#f48771',
    focusBorder: '#f38518',
    contrastBorder: '#6fc3df',
    'editor-background': '#000000',
    'panel-background': '#000000',
    'panel-border': '#6fc3df',
    'charts-foreground': '#ffffff',
    'charts-lines': '#ffffff80',
    'charts-red': '#f48771',
    'charts-blue': '#3794ff',
    'charts-yellow': '#ffd700',
    'charts-orange': '#f38518',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    'testing-iconPassed': '#73c991',
    'testing-iconFailed': '#f48771',
    'editorWarning-foreground': '#ffd700',
    'textLink-foreground': '#21a6ff',
    'textLink-activeForeground': '#21a6ff',
    'input-background': '#000000',
    'input-foreground': '#ffffff',
    'input-border': '#6fc3df',
    'input-placeholderForeground': '#ffffffb3',
    'button-background': '#000000',
    'button-foreground': '#ffffff',
    'button-border': '#6fc3df',
    'button-secondaryBackground': '#000000',
    'button-secondaryForeground': '#ffffff',
    'list-hoverBackground': '#000000',
    'settings-dropdownBackground': '#000000',
    'settings-dropdownBorder': '#6fc3df',
    'settings-dropdownForeground': '#ffffff',
    'settings-checkboxBackground': '#000000',
    'settings-checkboxBorder': '#6fc3df',
    'settings-headerBorder': '#6fc3df',
    'badge-background': '#000000',
    'badge-foreground': '#ffffff',
  },
};

const BODY_CLASS: Record<ThemeName, string> = {
  dark: 'vscode-dark',
  light: 'vscode-light',
  'high-contrast': 'vscode-high-contrast',
};

function themeCss(): string {
  return (Object.keys(THEMES) as ThemeName[])
    .map(
      (name) =>
        `body.${BODY_CLASS[name]} {\n${Object.entries(THEMES[name])
          .map(([k, v]) => `  --vscode-${k}: ${v};`)
          .join('\n')}\n}`,
    )
    .join('\n');
}

const FAKE_API = `(() => {
  const KEY = 'mlops-standalone-state';
  const record = { posted: [], violations: [], errors: [] };
  window.__standalone = record;
  document.addEventListener('securitypolicyviolation', (e) => record.violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample || '' }));
  window.addEventListener('error', (e) => record.errors.push(String(e.message)));
  window.addEventListener('unhandledrejection', (e) => record.errors.push(String(e.reason)));
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called only once');
    acquired = true;
    return {
      postMessage(message) { record.posted.push({ at: performance.now(), message: JSON.parse(JSON.stringify(message)) }); },
      getState() { const s = sessionStorage.getItem(KEY); return s ? JSON.parse(s) : undefined; },
      setState(state) { sessionStorage.setItem(KEY, JSON.stringify(state)); },
    };
  };
  const theme = new URLSearchParams(location.search).get('theme') || 'dark';
  document.body.className = { dark: 'vscode-dark', light: 'vscode-light', 'high-contrast': 'vscode-high-contrast' }[theme] || 'vscode-dark';
  document.body.dataset.vscodeThemeKind = document.body.className;
})();
`;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.html': 'text/html',
  '.map': 'application/json',
};

export function bundlePath(name = 'metricHistory'): string {
  const bundle = path.join(root, 'dist', 'webview', `${name}.js`);
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run "node scripts/build.mjs" first.`);
  return bundle;
}

export interface StandaloneOptions {
  theme?: ThemeName;
  width?: number;
  height?: number;
  /** Extra files to serve (name -> content), e.g. a baseline bundle for a benchmark. */
  files?: Record<string, string>;
  /** The panel script to load instead of the Metric History bundle (one of `files`). */
  script?: string;
  /** Another panel's bundle (`dist/webview/<bundle>.js`) and stylesheet (`media/<bundle>.css`), e.g. `dataset`. */
  bundle?: string;
  /** The same as `bundle` (kept for the panels' tests that name it so). */
  panel?: string;
}

/** Waits for the bundle while a build in progress rewrites dist/ (the build clears it first). */
async function waitForBundle(name: string, timeoutMs = 30_000): Promise<void> {
  const bundle = path.join(root, 'dist', 'webview', `${name}.js`);
  const end = Date.now() + timeoutMs;
  while (!fs.existsSync(bundle) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 250));
}

export async function openStandalone(options: StandaloneOptions = {}): Promise<StandalonePanel> {
  const name = options.bundle ?? options.panel ?? 'metricHistory';
  await waitForBundle(name);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-standalone-'));
  for (const file of [`${name}.js`, 'codicon.css', 'codicon.ttf']) {
    const from = path.join(root, 'dist', 'webview', file);
    if (fs.existsSync(from) || file === `${name}.js`)
      fs.copyFileSync(file === `${name}.js` ? bundlePath(name) : from, path.join(folder, file));
  }
  for (const file of ['webview.css', `${name}.css`])
    fs.copyFileSync(path.join(root, 'media', file), path.join(folder, file));
  fs.writeFileSync(path.join(folder, 'theme.css'), themeCss());
  fs.writeFileSync(path.join(folder, 'fakeVscodeApi.js'), FAKE_API);
  for (const [name, content] of Object.entries(options.files ?? {}))
    fs.writeFileSync(path.join(folder, path.basename(name)), content);
  const script = options.script ?? `${name}.js`;

  let origin = '';
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const nonce = crypto.randomBytes(16).toString('base64');
      const html = renderWebviewHtml({
        title: 'Metric History',
        cspSource: origin,
        nonce,
        scriptUri: `${origin}/${script}`,
        styleUris: [`${origin}/codicon.css`, `${origin}/theme.css`, `${origin}/webview.css`, `${origin}/${name}.css`],
      }).replace(
        `<script nonce="${nonce}"`,
        `<script nonce="${nonce}" src="${origin}/fakeVscodeApi.js"></script>\n    <script nonce="${nonce}"`,
      );
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(html);
      return;
    }
    const file = path.join(folder, path.basename(url.pathname));
    if (!fs.existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const browser = await openBrowser({
    width: options.width ?? 1280,
    height: options.height ?? 900,
    colorScheme: options.theme === 'light' ? 'light' : 'dark',
  });
  const page = browser.page;
  const theme = options.theme ?? 'dark';
  await page.goto(`${origin}/?theme=${theme}`);
  let seen = 0;

  const panel: StandalonePanel = {
    page,
    browser,
    posted: () =>
      page.evaluate(() => (window as unknown as { __standalone: { posted: Posted[] } }).__standalone.posted),
    async waitForPosted(type, waitOptions = {}) {
      const after = waitOptions.after ?? seen;
      const handle = await page.waitForFunction(
        ({ type: wanted, after: from }) => {
          const posted = (window as unknown as { __standalone: { posted: Posted[] } }).__standalone.posted;
          for (let i = from; i < posted.length; i++)
            if (posted[i].message.type === wanted) return { index: i, message: posted[i].message };
          return undefined;
        },
        { type, after },
        { timeout: waitOptions.timeout ?? 15_000, polling: 20 },
      );
      const found = (await handle.jsonValue()) as { index: number; message: WebviewToHost };
      seen = Math.max(seen, found.index + 1);
      return found.message as Extract<WebviewToHost, { type: typeof type }>;
    },
    async post(message) {
      await page.evaluate((m) => window.postMessage(m, '*'), message);
    },
    async setTheme(name) {
      await page.evaluate((cls) => {
        document.body.className = cls;
      }, BODY_CLASS[name]);
    },
    violations: () =>
      page.evaluate(() => (window as unknown as { __standalone: { violations: Violation[] } }).__standalone.violations),
    errors: () =>
      page.evaluate(() => (window as unknown as { __standalone: { errors: string[] } }).__standalone.errors),
    async screenshot(name) {
      const dir = path.join(resultsDir, 'ui', 'standalone');
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async reload() {
      seen = 0;
      await page.reload();
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
  return panel;
}
