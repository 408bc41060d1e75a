// Issue 11, case 3: a file name carrying a line break and a GitHub Actions workflow command must not reach the
// text output of `mlops check` or `mlops nbstrip --check` raw (CI would run `::warning ...` as a command), nor any
// warning, error or notice the CLI writes besides its reports (every command, stdout and stderr).
// Runs the real CLI as a child process on a git repository holding such a notebook.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { escapeControlCharacters } from '../../../src/core/security/controlCharacters';
import { spawnMlops, type SpawnResult } from '../../helpers/cliBundle';
import { makeRepo, notebook, removeTempDirs } from '../checks/helpers';

const HOSTILE = 'notebooks/x\n::warning title=INJECTED::hello.ipynb';

/** Lines that start a workflow command, or hold a raw control character (other than the line break itself). */
function unsafeLines(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point.
  const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;
  return text.split('\n').filter((line) => line.startsWith('::') || control.test(line));
}

describe('hostile file names in text reports (CLI)', function () {
  this.timeout(60_000);
  let repo = '';

  const run = (args: string[], cwd = repo): Promise<SpawnResult> => spawnMlops(args, cwd);

  before(() => {
    repo = makeRepo({
      'mlops.yaml': 'version: 1\nmodels: []\nchecks:\n  - { id: notebooks, type: notebook-hygiene }\n',
      [HOSTILE]: notebook([
        { source: ['print(1)'], count: 1, outputs: [{ output_type: 'stream', name: 'stdout', text: ['1\n'] }] },
      ]),
    });
  });
  after(removeTempDirs);

  it('mlops check: the name is escaped, no line starts a workflow command', async () => {
    const result = await run(['check']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /notebooks\/x\\n::warning title=INJECTED::hello\.ipynb has committed outputs/);
    assert.deepEqual(unsafeLines(result.stdout), []);
    assert.deepEqual(unsafeLines(result.stderr), []);
  });

  it('mlops nbstrip --check: the name is escaped, no line starts a workflow command', async () => {
    const result = await run(['nbstrip', '--check', 'notebooks']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stdout,
      /^notebooks\/x\\n::warning title=INJECTED::hello\.ipynb: would be stripped \(\d+ bytes\)$/m,
    );
    assert.deepEqual(unsafeLines(result.stdout), []);
    assert.deepEqual(unsafeLines(result.stderr), []);
  });
});

describe('hostile names in what the CLI writes besides its reports', function () {
  this.timeout(120_000);
  const INJECTED = 'x\n::warning title=X::y';
  const ESCAPED = 'x\\n::warning title=X::y';
  let repo = '';

  before(() => {
    const hostileCell = JSON.parse(notebook([{ source: ['print(1)'] }])) as { cells: { id: string }[] };
    hostileCell.cells[0].id = INJECTED;
    repo = makeRepo({
      // The checks refuse an unknown key in a check: a configuration error on stderr that quotes the key.
      'mlops.yaml': `version: 1\nmodels: []\nchecks:\n  - { id: lineage, type: lineage, ${JSON.stringify(INJECTED)}: 1 }\n`,
      [`${INJECTED}.ipynb`]: '{ not a notebook',
      'a.ipynb': notebook([{ source: ['print(1)'] }]),
      'b.ipynb': `${JSON.stringify(hostileCell)}\n`,
    });
    // A folder without mlops.yaml, for the commands that read it.
    fs.mkdirSync(path.join(repo, 'plain'));
  });
  after(removeTempDirs);

  // Each command writes the injected text somewhere (escaped); none may write a line that starts a workflow command.
  const cases: [string, string[], 'stdout' | 'stderr', string?][] = [
    ['check (configuration error)', ['check'], 'stderr'],
    ['init-ci (configuration error)', ['init-ci', '--provider', 'github'], 'stderr'],
    ['nbstrip (unreadable notebook)', ['nbstrip', '--no-config', `${INJECTED}.ipynb`], 'stderr'],
    ['nbstrip --textconv (missing file)', ['nbstrip', '--no-config', '--textconv', `${INJECTED}.missing`], 'stderr'],
    ['nbdiff (names)', ['nbdiff', 'a.ipynb', `${INJECTED}.ipynb`], 'stderr'],
    ['nbdiff (cell id)', ['nbdiff', 'a.ipynb', 'b.ipynb'], 'stdout'],
    ['metrics show (missing source)', ['metrics', 'show', '--source', `${INJECTED}.json`], 'stderr', 'plain'],
    ['an unknown command', [INJECTED], 'stderr'],
  ];
  for (const [name, args, stream, folder] of cases)
    it(`${name}: escaped, no output line starts with ::`, async () => {
      const result = await spawnMlops(args, folder ? path.join(repo, folder) : repo);
      assert.ok(result[stream].includes(ESCAPED), `${stream}: ${result[stream]}`);
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
