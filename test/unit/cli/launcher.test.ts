import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { batchQuote, launcherScripts } from '../../../src/core/cliLauncher';

const ROOT = path.resolve(__dirname, '../../../..');
const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('mlops launcher scripts for the terminal', () => {
  it('run the CLI with the given Node, as Node under Electron, passing every argument', () => {
    const electron = launcherScripts({ execPath: '/opt/Code Helper', electron: true }, '/s/mlops-cli.js', '1.2.3');
    assert.equal(
      electron.posix,
      "#!/bin/sh\n# mlops 1.2.3: the command line of MLOps Workbench, run by the editor's own Node.\n" +
        'ELECTRON_RUN_AS_NODE=1 exec \'/opt/Code Helper\' /s/mlops-cli.js "$@"\n',
    );
    assert.deepEqual(electron.windows.split('\r\n'), [
      '@echo off',
      "rem mlops 1.2.3: the command line of MLOps Workbench, run by the editor's own Node.",
      'setlocal',
      'set ELECTRON_RUN_AS_NODE=1',
      '"/opt/Code Helper" "/s/mlops-cli.js" %*',
      '',
    ]);
    const node = launcherScripts({ execPath: '/usr/bin/node', electron: false }, '/s/cli.js', '1.2.3');
    assert.ok(!node.posix.includes('ELECTRON') && !node.windows.includes('ELECTRON'));
    assert.equal(batchQuote('C:\\Users\\a%b\\cli.js'), '"C:\\Users\\a%%b\\cli.js"');
  });

  it('the sh launcher prints the package version for `mlops --version` and passes arguments with spaces', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops launcher '));
    try {
      const cli = path.join(ROOT, 'out', 'src', 'cli', 'main.js');
      const script = path.join(dir, 'mlops');
      fs.writeFileSync(script, launcherScripts({ execPath: process.execPath, electron: false }, cli, version).posix, {
        mode: 0o755,
      });
      const run = spawnSync(script, ['--version'], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, `${version}\n`);
      const help = spawnSync(script, ['check', '--help'], { encoding: 'utf8' });
      assert.equal(help.status, 0);
      assert.match(help.stdout, /^Usage: mlops check/);
      const bad = spawnSync(script, ['check', 'no such folder'], { encoding: 'utf8' });
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /no such folder is not a folder/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
