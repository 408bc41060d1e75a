#!/usr/bin/env node
// One esbuild script for every bundle: the extension and its worker thread (CommonJS, node, `vscode` external), the
// `mlops` CLI (node, with a shebang), one browser bundle per webview panel, and (--tests) the test files transpiled
// one-to-one into out/ so mocha can load them in plain Node or in the extension host.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const tests = args.has('--tests');

function listTs(dir) {
  if (!fs.existsSync(dir)) return [];
  const outFiles = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) outFiles.push(...listTs(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) outFiles.push(full);
  }
  return outFiles;
}

/** Every folder under webview/ with an index.ts is one panel bundle. */
function webviewEntries() {
  const dir = path.join(root, 'webview');
  if (!fs.existsSync(dir)) return {};
  const entries = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const index = path.join(dir, entry.name, 'index.ts');
    if (entry.isDirectory() && fs.existsSync(index)) entries[entry.name] = index;
  }
  return entries;
}

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: production ? 'linked' : 'none',
  target: 'es2022',
};

const configs = [
  {
    ...common,
    // The worker thread that runs checks, discovery and hashing off the extension host's thread (src/core/worker).
    entryPoints: {
      extension: path.join(root, 'src', 'extension.ts'),
      worker: path.join(root, 'src', 'core', 'worker', 'worker.ts'),
      // The threads that read parts of a large prediction log (src/core/telemetry/parallelLog.ts).
      telemetryWorker: path.join(root, 'src', 'core', 'telemetry', 'telemetryWorker.ts'),
    },
    outdir: path.join(root, 'dist'),
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    // sql.js ships its WebAssembly next to the JS; the bundle loads it from dist/.
    loader: { '.wasm': 'file' },
  },
  {
    ...common,
    // The CLI: its bundle (cli-main.js) and the small entry that loads it through V8's code cache (src/cli/launch.ts).
    entryPoints: { 'cli-main': path.join(root, 'src', 'cli', 'main.ts') },
    outdir: path.join(root, 'dist'),
    platform: 'node',
    format: 'cjs',
  },
  {
    ...common,
    entryPoints: { cli: path.join(root, 'src', 'cli', 'launch.ts') },
    outdir: path.join(root, 'dist'),
    platform: 'node',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: webviewEntries(),
    outdir: path.join(root, 'dist', 'webview'),
    platform: 'browser',
    format: 'iife',
    loader: { '.css': 'text', '.ttf': 'file' },
  },
];

function copyStatic() {
  const wasm = path.join(root, 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');
  if (fs.existsSync(wasm)) fs.copyFileSync(wasm, path.join(root, 'dist', 'sql-wasm.wasm'));
  const codicons = path.join(root, 'node_modules', '@vscode', 'codicons', 'dist');
  if (fs.existsSync(codicons)) {
    fs.mkdirSync(path.join(root, 'dist', 'webview'), { recursive: true });
    for (const f of ['codicon.css', 'codicon.ttf'])
      fs.copyFileSync(path.join(codicons, f), path.join(root, 'dist', 'webview', f));
  }
}

/** Writes dist/mlops.schema.json (for jsonValidation / yamlValidation) from the one schema module the validator uses. */
async function writeSchema() {
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'src', 'core', 'formats', 'mlopsYaml', 'mlopsSchema.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
  // The schema composes in the checks' and notebooks' fragments, so the bundle may require Node built-ins.
  const module = { exports: {} };
  const require = createRequire(import.meta.url);
  new Function('module', 'exports', 'require', result.outputFiles[0].text)(module, module.exports, require);
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'dist', 'mlops.schema.json'),
    JSON.stringify(module.exports.mlopsSchema, null, 2) + '\n',
  );
}

async function buildTests() {
  // Start from an empty out/: a test whose source moved or was deleted must not keep running from a stale copy.
  fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });
  // Webview modules too: their pure parts (formatting, Markdown) are unit-tested in plain Node.
  const files = [
    ...listTs(path.join(root, 'src')),
    ...listTs(path.join(root, 'webview')),
    ...listTs(path.join(root, 'test')),
  ];
  await esbuild.build({
    entryPoints: files,
    outdir: path.join(root, 'out'),
    outbase: root,
    platform: 'node',
    format: 'cjs',
    sourcemap: 'inline',
    target: 'es2022',
    logLevel: 'warning',
  });
  // The transpiled CLI reads its version from ../../package.json, relative to out/src/cli.
  fs.copyFileSync(path.join(root, 'package.json'), path.join(root, 'out', 'package.json'));
}

async function main() {
  const started = Date.now();
  if (!tests) fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  if (tests) {
    await buildTests();
    console.log(`[build] tests transpiled in ${Date.now() - started} ms`);
    return;
  }
  if (watch) {
    const contexts = await Promise.all(
      configs.filter((c) => Object.keys(c.entryPoints).length).map((c) => esbuild.context(c)),
    );
    await Promise.all(contexts.map((c) => c.watch()));
    copyStatic();
    await writeSchema();
    console.log('[build] watching for changes (Ctrl-C to stop)');
    return;
  }
  await Promise.all(configs.filter((c) => Object.keys(c.entryPoints).length).map((c) => esbuild.build(c)));
  copyStatic();
  await writeSchema();
  fs.chmodSync(path.join(root, 'dist', 'cli.js'), 0o755);
  console.log(`[build] ${production ? 'production' : 'development'} bundles in ${Date.now() - started} ms`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
