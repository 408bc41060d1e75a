// ESLint flat config: type-aware typescript-eslint rules for src, webview and test. The boundaries are rules here:
// `vscode` is kept out of the host-independent layers (src/core, src/cli, src/protocol, webview) so they run in plain
// Node, in CI and in browsers; src/core imports no feature, platform or CLI code; webview code imports only
// src/protocol and a named list of browser-safe modules.
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
// src/core is the host-independent core: it imports no adapter (features, platform) and not the CLI built on it.
const adapters = {
  regex: '^(?:\\.\\./)+(?:features|platform|cli)(?:/|$)',
  message:
    'src/core imports no src/features, src/platform or src/cli code: pass what it needs as data or an interface.',
};

/** The import restrictions of a layer. */
function restrict({ vscode = false, yaml = false, core = false }) {
  const paths = [...(vscode ? [vscodeApi] : []), ...(yaml ? [yamlParser] : [])];
  return { 'no-restricted-imports': ['error', { paths, patterns: core ? [adapters] : [] }] };
}

// One reader per format: YAML is parsed only by the format modules of src/core/formats. These files still read their
// YAML format themselves; each leaves the list when its reader moves to src/core/formats.
const YAML_READERS_TO_MOVE = [
  'src/core/metrics/files.ts',
  'src/core/metrics/mlflow/fileStore.ts',
  'src/core/checks/defaults/git.ts',
  'src/core/checks/defaults/metrics.ts',
  'src/core/workspace/mlflowRegistry.ts',
  'src/core/workspace/dvcFiles.ts',
];

const BROWSER_SAFE = [
  'src/protocol/[A-Za-z]+',
  'src/core/chart/(?:annotations|deltas|export|palette|smoothing|types)',
  'src/core/checks/types',
  'src/core/metrics/model',
];
// And the browser packages the panels are built from.
const WEBVIEW_PACKAGES = ['chart\\.js', 'chartjs-plugin-zoom', '@vscode-elements/elements/dist/[A-Za-z0-9/_.-]+'];

const webviewBoundary = {
  'no-restricted-imports': [
    'error',
    {
      paths: [vscodeApi],
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
    ignores: ['src/core/formats/**', ...YAML_READERS_TO_MOVE],
    rules: restrict({ vscode: true, yaml: true, core: true }),
  },
  { files: ['src/core/formats/**/*.ts', ...YAML_READERS_TO_MOVE], rules: restrict({ vscode: true, core: true }) },
  { files: ['src/cli/**/*.ts', 'src/protocol/**/*.ts'], rules: restrict({ vscode: true, yaml: true }) },
  { files: ['src/features/**/*.ts', 'src/platform/**/*.ts', 'src/extension.ts'], rules: restrict({ yaml: true }) },
  { files: ['webview/**/*.ts'], rules: webviewBoundary },
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
