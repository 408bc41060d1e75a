// ESLint flat config: type-aware typescript-eslint rules for src, webview and test; `vscode` is kept out of
// the host-independent layers (src/core, src/cli, webview) so they run in plain Node, in CI and in browsers; only the
// git process helpers import child_process, and only the git façade imports simple-git.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const vscodePaths = [{ name: 'vscode', message: 'src/core, src/cli and webview must not depend on the VS Code API.' }];
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
// One rule entry per file set: a later no-restricted-imports replaces an earlier one, so each set lists all its paths.
const restrictedImports = (...paths) => ({ 'no-restricted-imports': ['error', { paths: paths.flat() }] });
const noVscode = restrictedImports(vscodePaths, childProcessPaths, simpleGitPaths);

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
  { files: ['src/**/*.ts', 'webview/**/*.ts'], rules: restrictedImports(childProcessPaths, simpleGitPaths) },
  { files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'webview/**/*.ts'], rules: noVscode },
  { files: processHelpers, rules: restrictedImports(vscodePaths, simpleGitPaths) },
  { files: [gitCommands], rules: restrictedImports(vscodePaths, childProcessPaths) },
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
