// Provisions code-server (the real VS Code workbench and Node extension host) into .cache/. code-server cannot be
// a plain devDependency: as root its install scripts refuse to run, ripgrep's postinstall downloads a binary, and
// node-gyp wants a terminal. This does its install steps by hand, once; later runs reuse the cache.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CODE_SERVER_VERSION, codeServerDir, codeServerEntry } from './paths';

function run(cmd: string, args: string[], cwd: string): void {
  console.log(`[provision] ${path.basename(cwd)}$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      npm_config_yes: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    },
  });
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
  const rg = which('rg');
  if (!rg) throw new Error('ripgrep (rg) is needed to provision code-server. Install it: apt-get install ripgrep');
  const started = Date.now();
  fs.rmSync(codeServerDir, { recursive: true, force: true });
  fs.mkdirSync(codeServerDir, { recursive: true });
  fs.writeFileSync(
    path.join(codeServerDir, 'package.json'),
    JSON.stringify({ name: 'code-server-cache', private: true }),
  );
  run(
    'npm',
    ['install', '--no-save', '--ignore-scripts', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`],
    codeServerDir,
  );
  run('npm', ['rebuild', 'argon2'], codeServerDir);
  const vscodeDir = path.join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-save', '--no-package-lock'], vscodeDir);
  const rgBin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgBin, { recursive: true });
  relink(rg, path.join(rgBin, 'rg'));
  run('npm', ['rebuild', '--foreground-scripts'], vscodeDir);
  relink('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  const remoteCli = path.join(vscodeDir, 'bin', 'remote-cli');
  if (fs.existsSync(path.join(remoteCli, 'code-linux.sh')))
    relink('code-linux.sh', path.join(remoteCli, 'code-server'));
  const helpers = path.join(vscodeDir, 'bin', 'helpers');
  if (fs.existsSync(path.join(helpers, 'browser-linux.sh')))
    relink('browser-linux.sh', path.join(helpers, 'browser.sh'));
  run('npm', ['install', '--omit=dev', '--no-save', '--no-package-lock'], path.join(vscodeDir, 'extensions'));
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
