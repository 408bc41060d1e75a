// Provisions code-server (the real VS Code workbench and Node extension host) into .cache/. code-server cannot be
// a plain devDependency: as root its install scripts refuse to run, ripgrep's postinstall downloads a binary, and
// node-gyp wants a terminal. This does its install steps by hand, once; later runs reuse the cache.
// It prints one line per step; npm's and node-gyp's output goes to .cache/logs/provision.log.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CODE_SERVER_VERSION, cacheDir, codeServerDir, codeServerEntry } from './paths';

const logFile = path.join(cacheDir, 'logs', 'provision.log');

function run(step: string, cmd: string, args: string[], cwd: string): void {
  const started = Date.now();
  process.stdout.write(`[provision] ${step}…`);
  fs.appendFileSync(logFile, `\n$ (${path.basename(cwd)}) ${cmd} ${args.join(' ')}\n`);
  const out = fs.openSync(logFile, 'a');
  try {
    execFileSync(cmd, args, {
      cwd,
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        npm_config_yes: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
      },
    });
  } catch (err) {
    process.stdout.write(' failed\n');
    throw new Error(
      `${step} failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); see ${logFile}`,
      { cause: err },
    );
  } finally {
    fs.closeSync(out);
  }
  process.stdout.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function relink(target: string, link: string): void {
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(target, link);
}

/** Returns the code-server entry script, provisioning it first when the cache lacks it. */
export function provisionCodeServer(force = false): string {
  const marker = path.join(codeServerDir, '.provisioned');
  if (!force && fs.existsSync(marker) && fs.existsSync(codeServerEntry)) return codeServerEntry;
  // code-server's text search runs ripgrep; its npm package would download a binary, so the system one is linked.
  // Without it everything but Search works.
  const rg = which('rg');
  if (!rg)
    console.log('[provision] ripgrep (rg) not found: Search in the workbench will not work (apt-get install ripgrep)');
  const started = Date.now();
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.writeFileSync(logFile, `code-server ${CODE_SERVER_VERSION} provisioning, ${new Date().toISOString()}\n`);
  fs.rmSync(codeServerDir, { recursive: true, force: true });
  fs.mkdirSync(codeServerDir, { recursive: true });
  fs.writeFileSync(
    path.join(codeServerDir, 'package.json'),
    JSON.stringify({ name: 'code-server-cache', private: true }),
  );
  run(
    `downloading code-server ${CODE_SERVER_VERSION}`,
    'npm',
    ['install', '--no-save', '--ignore-scripts', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`],
    codeServerDir,
  );
  run('building argon2', 'npm', ['rebuild', 'argon2'], codeServerDir);
  const vscodeDir = path.join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode');
  run(
    'installing the VS Code server modules',
    'npm',
    ['install', '--omit=dev', '--ignore-scripts', '--no-save', '--no-package-lock'],
    vscodeDir,
  );
  const rgBin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgBin, { recursive: true });
  if (rg) relink(rg, path.join(rgBin, 'rg'));
  run('building native modules', 'npm', ['rebuild', '--foreground-scripts'], vscodeDir);
  relink('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  const remoteCli = path.join(vscodeDir, 'bin', 'remote-cli');
  if (fs.existsSync(path.join(remoteCli, 'code-linux.sh')))
    relink('code-linux.sh', path.join(remoteCli, 'code-server'));
  const helpers = path.join(vscodeDir, 'bin', 'helpers');
  if (fs.existsSync(path.join(helpers, 'browser-linux.sh')))
    relink('browser-linux.sh', path.join(helpers, 'browser.sh'));
  run(
    'installing the built-in extensions',
    'npm',
    ['install', '--omit=dev', '--no-save', '--no-package-lock'],
    path.join(vscodeDir, 'extensions'),
  );
  fs.writeFileSync(marker, new Date().toISOString());
  console.log(
    `[provision] code-server ${CODE_SERVER_VERSION} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return codeServerEntry;
}

if (require.main === module) {
  try {
    provisionCodeServer(process.argv.includes('--force'));
  } catch (err) {
    console.error(`[provision] failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
