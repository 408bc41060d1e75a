// Issue 11, case 3: a file name carrying a line break and a GitHub Actions workflow command must not reach the
// text output of `mlops check` or `mlops nbstrip --check` raw (CI would run `::warning ...` as a command).
// Runs the real CLI as a child process on a git repository holding such a notebook.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { escapeControlCharacters } from '../../../src/core/security/controlCharacters';
import { makeRepo, notebook, removeTempDirs, tempDir } from '../checks/helpers';

const ROOT = path.resolve(__dirname, '../../../..');
const HOSTILE = 'notebooks/x\n::warning title=INJECTED::hello.ipynb';

/** Lines that start a workflow command, or hold a raw control character (other than the line break itself). */
function unsafeLines(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point.
  const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
  return text.split('\n').filter((line) => line.startsWith('::') || control.test(line));
}

describe('hostile file names in text reports (CLI)', function () {
  this.timeout(60_000);
  let cliPath = '';
  let repo = '';

  const run = (args: string[]): { code: number; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: repo, encoding: 'utf8' });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  before(async () => {
    cliPath = path.join(tempDir('mlops-hostile-cli-'), 'cli.js');
    await esbuild.build({
      entryPoints: [path.join(ROOT, 'src', 'cli', 'main.ts')],
      outfile: cliPath,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'es2022',
      logLevel: 'error',
    });
    repo = makeRepo({
      'mlops.yaml': 'version: 1\nmodels: []\nchecks:\n  - { id: notebooks, type: notebook-hygiene }\n',
      [HOSTILE]: notebook([
        { source: ['print(1)'], count: 1, outputs: [{ output_type: 'stream', name: 'stdout', text: ['1\n'] }] },
      ]),
    });
  });
  after(removeTempDirs);

  it('mlops check: the name is escaped, no line starts a workflow command', () => {
    const result = run(['check']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /notebooks\/x\\n::warning title=INJECTED::hello\.ipynb has committed outputs/);
    assert.deepEqual(unsafeLines(result.stdout), []);
    assert.deepEqual(unsafeLines(result.stderr), []);
  });

  it('mlops nbstrip --check: the name is escaped, no line starts a workflow command', () => {
    const result = run(['nbstrip', '--check', 'notebooks']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stdout,
      /^notebooks\/x\\n::warning title=INJECTED::hello\.ipynb: would be stripped \(\d+ bytes\)$/m,
    );
    assert.deepEqual(unsafeLines(result.stdout), []);
    assert.deepEqual(unsafeLines(result.stderr), []);
  });
});

describe('escapeControlCharacters', () => {
  it('writes control characters as visible escapes and leaves other text alone', () => {
    assert.equal(escapeControlCharacters('a\nb\rc\td'), 'a\\nb\\rc\\td');
    assert.equal(escapeControlCharacters('\u001b[31mred\u0000'), '\\x1b[31mred\\x00');
    assert.equal(escapeControlCharacters('\u007f\u0085\u2028\u2029'), '\\x7f\\x85\\u2028\\u2029');
    assert.equal(escapeControlCharacters('bidi \u202e\u2066'), 'bidi \\u202e\\u2066');
    assert.equal(escapeControlCharacters('data/raw|v1 <x>&"y" é ✔ 日本.bin'), 'data/raw|v1 <x>&"y" é ✔ 日本.bin');
  });
});
