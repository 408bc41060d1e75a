// Every `mlops` command parses its arguments the same way (util.parseArgs): --help and -h print the command's usage
// and exit 0; an unknown option is named on stderr, followed by the usage, with exit code 2.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COMMAND_MODULES, loadAllCommands, main } from '../../../src/cli/main';
import { commands } from '../../../src/cli/registry';

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, isTty: false });
  return { code, stdout, stderr };
}

describe('mlops: arguments of every command', () => {
  let folder: string;
  before(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-args-'))));
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('lists the ten commands', async () => {
    const ten = ['check', 'data', 'init', 'init-ci', 'metrics', 'models', 'nbdiff', 'nbstrip', 'runs', 'telemetry'];
    // Each command's module is loaded when the command runs; loaded, each defines the command it is listed under.
    assert.deepEqual(Object.keys(COMMAND_MODULES).sort(), ten);
    await loadAllCommands();
    assert.deepEqual([...commands.keys()].sort(), [
      'check',
      'data',
      'init',
      'init-ci',
      'metrics',
      'models',
      'nbdiff',
      'nbstrip',
      'runs',
      'telemetry',
    ]);
  });

  for (const name of [
    'check',
    'data',
    'init',
    'init-ci',
    'metrics',
    'models',
    'nbdiff',
    'nbstrip',
    'runs',
    'telemetry',
  ]) {
    it(`${name}: --help and -h print the usage and exit 0; an unknown option exits 2 naming it, with the usage`, async () => {
      for (const flag of ['--help', '-h']) {
        const help = await cli([name, flag], folder);
        assert.equal(help.code, 0, `${name} ${flag}`);
        assert.match(help.stdout, new RegExp(`Usage:[\\s\\S]*mlops ${name}\\b`), `${name} ${flag}`);
        assert.equal(help.stderr, '');
      }
      const sub =
        name === 'metrics'
          ? ['show']
          : name === 'models' || name === 'runs'
            ? ['list']
            : name === 'data'
              ? ['validate']
              : name === 'telemetry'
                ? ['summary']
                : [];
      const unknown = await cli([name, ...sub, '--frobnicate=3'], folder);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, new RegExp(`^mlops ${name}: unknown option '--frobnicate'\\.\\n[\\s\\S]*Usage:`));
      assert.equal(fs.readdirSync(folder).length, 0, 'nothing written');
    });
  }

  it('names an option that lacks its value, and one given a value it does not take', async () => {
    const missing = await cli(['check', '--format'], folder);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^mlops check: --format needs a value\./);
    const ambiguous = await cli(['metrics', 'show', '--source', '--json'], folder);
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /mlops metrics: --source needs a value\./);
    const valued = await cli(['nbdiff', 'a.ipynb', 'b.ipynb', '--json=yes'], folder);
    assert.equal(valued.code, 2);
    assert.match(valued.stderr, /^mlops nbdiff: --json takes no value\./);
    const subcommandHelp = await cli(['metrics', 'diff', '--help'], folder);
    assert.equal(subcommandHelp.code, 0);
    assert.match(subcommandHelp.stdout, /mlops metrics diff/);
  });
});
