// ESLint flat config: type-aware typescript-eslint rules for src, webview and test. The boundaries are rules here:
// `vscode` is kept out of the host-independent layers (src/core, src/cli, src/protocol, webview) so they run in plain
// Node, in CI and in browsers; src/core imports no feature, platform or CLI code; YAML is parsed only by the format
// readers of src/core/formats; webview code imports only src/protocol and a named list of browser-safe modules; only
// the git process helpers import child_process, and only the git façade imports simple-git.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const vscodeApi = {
  name: 'vscode',
  message: 'src/core, src/cli, src/protocol and webview must not depend on the VS Code API.',
};
const yamlParser = {
  name: 'yaml',
  message: 'YAML is read only in src/core/formats: import the reader of the format there.',
};
// Only the git process helpers start processes; everything else goes through the git façade (src/core/git).
const processHelpers = ['src/core/git/gitProcess.ts', 'src/core/git/catFile.ts'];
const childProcessPaths = ['child_process', 'node:child_process'].map((name) => ({
  name,
  message: 'Only the process helpers in src/core/git start processes: use the git façade (src/core/git).',
}));
const gitCommands = 'src/core/git/commands.ts';
const simpleGitPaths = [
  { name: 'simple-git', message: `simple-git is used only by ${gitCommands}: import from there.` },
];
// src/core is the host-independent core: it imports no adapter (features, platform) and not the CLI built on it.
const adapters = {
  regex: '^(?:\\.\\./)+(?:features|platform|cli)(?:/|$)',
  message:
    'src/core imports no src/features, src/platform or src/cli code: pass what it needs as data or an interface.',
};

/**
 * The import restrictions of a layer. One rule entry per file set: a later no-restricted-imports replaces an earlier
 * one, so the file sets below do not overlap (or a later, narrower set repeats every restriction it keeps).
 */
function restrict({ vscode = false, yaml = false, core = false, childProcess = true, simpleGit = true }) {
  const paths = [
    ...(vscode ? [vscodeApi] : []),
    ...(yaml ? [yamlParser] : []),
    ...(childProcess ? childProcessPaths : []),
    ...(simpleGit ? simpleGitPaths : []),
  ];
  return { 'no-restricted-imports': ['error', { paths, patterns: core ? [adapters] : [] }] };
}

const BROWSER_SAFE = [
  'src/protocol/[A-Za-z]+',
  'src/core/chart/(?:annotations|deltas|export|palette|panels|smoothing|types)',
  'src/core/checks/types',
  'src/core/data/model',
  'src/core/metrics/(?:goals|model|split)',
  'src/core/runs/(?:columns|export|filter|model|sort)',
  'src/core/telemetry/(?:overlays|report|types)',
];
// And the browser packages the panels are built from.
const WEBVIEW_PACKAGES = [
  'chart\\.js',
  'chartjs-plugin-zoom',
  '@vscode-elements/elements/dist/[A-Za-z0-9/_.-]+',
  '@tanstack/table-core',
  '@tanstack/virtual-core',
];

const webviewBoundary = {
  'no-restricted-imports': [
    'error',
    {
      paths: [vscodeApi, ...childProcessPaths, ...simpleGitPaths],
      patterns: [
        {
          // Anything but: a module of the same panel (./x), of another webview folder (../shared/x), a listed src
          // module, or a listed package.
          regex: `^(?!\\./|\\.\\./(?!\\.\\./)|(?:\\.\\./)+(?:${BROWSER_SAFE.join('|')})$|(?:${WEBVIEW_PACKAGES.join('|')})$)`,
          message:
            'webview code imports only src/protocol, the browser-safe modules listed in eslint.config.mjs (BROWSER_SAFE) and the listed browser packages.',
        },
      ],
    },
  ],
};

// A spread argument puts every element on the call stack: with an array read from a file (a million metric
// columns, a large download) it throws "Maximum call stack size exceeded". Loop instead.
const spreadMessage =
  'Spreading an array into call arguments overflows the stack on large inputs; use a loop (or reduce) instead.';
const noUnboundedSpread = {
  'no-restricted-syntax': [
    'error',
    {
      selector: "CallExpression[callee.object.name='Math'][callee.property.name=/^(max|min)$/] > SpreadElement",
      message: spreadMessage,
    },
    {
      selector: 'CallExpression[callee.property.name=/^(push|unshift|splice)$/] > SpreadElement',
      message: spreadMessage,
    },
    {
      selector: 'CallExpression[callee.property.name=/^(fromCharCode|fromCodePoint)$/] > SpreadElement',
      message: spreadMessage,
    },
  ],
};

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'out/**', '.cache/**', 'test-results/**', '**/*.d.ts', 'test/fixtures/**'],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './webview/tsconfig.json', './test/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/formats/**'],
    rules: restrict({ vscode: true, yaml: true, core: true }),
  },
  { files: ['src/core/formats/**/*.ts'], rules: restrict({ vscode: true, core: true }) },
  { files: processHelpers, rules: restrict({ vscode: true, yaml: true, core: true, childProcess: false }) },
  { files: [gitCommands], rules: restrict({ vscode: true, yaml: true, core: true, simpleGit: false }) },
  { files: ['src/cli/**/*.ts', 'src/protocol/**/*.ts'], rules: restrict({ vscode: true, yaml: true }) },
  { files: ['src/features/**/*.ts', 'src/platform/**/*.ts', 'src/extension.ts'], rules: restrict({ yaml: true }) },
  { files: ['webview/**/*.ts'], rules: webviewBoundary },
  { files: ['src/**/*.ts', 'webview/**/*.ts', 'scripts/**/*.ts'], rules: noUnboundedSpread },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] },
  },
);
