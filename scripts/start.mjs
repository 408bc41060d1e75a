#!/usr/bin/env node
// `npm start`: builds, generates the demo workspace (once, into .cache/demo), provisions code-server (once), and
// serves the real VS Code workbench on 127.0.0.1 with the extension under development and the demo open.
// Ctrl-C stops everything. Options: --port N (default 8765, or a free one when that is taken), --folder DIR (open
// another folder), --fresh-demo.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

execFileSync('node', [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
execFileSync('node', [path.join(root, 'scripts', 'build.mjs'), '--tests'], { stdio: 'inherit' });

const demo = path.join(root, '.cache', 'demo');
if (args.includes('--fresh-demo')) fs.rmSync(demo, { recursive: true, force: true });
if (!fs.existsSync(path.join(demo, '.git'))) {
  fs.rmSync(demo, { recursive: true, force: true });
  execFileSync('node', [path.join(root, 'scripts', 'demo', 'generate.mjs'), demo], { stdio: 'inherit' });
}
const folder = path.resolve(opt('folder') ?? demo);

const DEFAULT_PORT = 8765;

/** True when nothing listens on 127.0.0.1:port. */
function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

let port = opt('port') ? Number(opt('port')) : DEFAULT_PORT;
if (!opt('port') && !(await portIsFree(port))) {
  console.log(`Port ${port} is taken; using a free port instead.`);
  port = undefined;
}

const { startCodeServer } = require(path.join(root, 'out', 'test', 'harness', 'codeServer.js'));
const server = await startCodeServer({
  port,
  log: (line) => process.env.MLOPS_VERBOSE && console.log(line),
});
const url = server.workbenchUrl(folder, { extensionDevelopmentPath: root });
console.log(
  `\nMLOps Workbench is running in VS Code ${'(code-server)'} with ${folder}\n\n  ${url}\n\nOpen the URL in a browser. Press Ctrl-C to stop.`,
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
