// `mlops runs list` as a real process on a folder with git history (tags, git notes), an MLflow file store written
// by the mlflow client, a notes file and the workspace's metrics: rows, filter, sort, columns, formats and errors.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnMlops } from '../../helpers/cliBundle';

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures');
const noEnv = { MLFLOW_TRACKING_URI: '', MLFLOW_TRACKING_TOKEN: '' };

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'init.defaultBranch=main', '-c', 'user.name=Ana Ruiz', '-c', 'user.email=ana@example.com', ...args],
    { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
  ).toString('utf8');
}

describe('mlops runs list (CLI)', function () {
  this.timeout(120_000);
  let dir = '';
  const shas: string[] = [];

  before(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-runs-cli-')));
    git(dir, 'init', '-q');
    fs.writeFileSync(path.join(dir, '.gitignore'), 'mlruns/\n');
    for (const [f1, lr] of [
      [0.7, 0.1],
      [0.8, 0.01],
      [0.9, 0.001],
    ] as const) {
      fs.writeFileSync(path.join(dir, 'metrics.json'), JSON.stringify({ f1 }));
      fs.writeFileSync(path.join(dir, 'params.yaml'), `lr: ${lr}\n`);
      git(dir, 'add', '.');
      git(dir, 'commit', '-q', '-m', `f1 ${f1}`);
      shas.push(git(dir, 'rev-parse', 'HEAD').trim());
    }
    git(dir, 'tag', 'fraud-classifier@v1', shas[1] ?? '');
    git(dir, 'notes', 'add', '-m', 'from git notes', shas[0] ?? '');
    fs.cpSync(path.join(FIXTURES, 'mlflow', 'mlruns'), path.join(dir, 'mlruns'), { recursive: true });
    fs.mkdirSync(path.join(dir, '.mlops'));
    fs.writeFileSync(
      path.join(dir, '.mlops', 'notes.yaml'),
      `version: 1\nlabels:\n  candidate: green\nruns:\n  "git:.:${shas[2]}":\n    note: ship it\n    labels: [candidate]\n`,
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => spawnMlops(['runs', 'list', ...args], dir, noEnv);

  it('lists git revisions, the workspace and MLflow runs as JSON rows with notes', async () => {
    const r = await run('--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    const keys = rows.map((x) => x.key as string);
    for (const sha of shas) assert.ok(keys.includes(`git:.:${sha}`), `git row ${sha}`);
    assert.ok(keys.includes('file:.:workspace'), 'workspace row');
    assert.equal(keys.filter((k) => k.startsWith('mlflow-file:mlruns:')).length, 4);
    const bySha = (i: number) => rows.find((x) => x.key === `git:.:${shas[i]}`);
    assert.equal(bySha(0)?.note, 'from git notes');
    assert.equal(bySha(2)?.note, 'ship it');
    assert.equal(bySha(2)?.labels, 'candidate');
    assert.equal(bySha(1)?.['metrics.f1'], 0.8);
    assert.equal(bySha(1)?.['params.lr'], 0.01);
    assert.equal(bySha(1)?.author, 'Ana Ruiz');
    assert.equal(rows.find((x) => x.name === 'resnet-baseline')?.note, 'line one\nline two\n');
  });

  it('--min-max gives min and max over every step of an MLflow run (not the latest value thrice)', async () => {
    const runFolder = path.join(FIXTURES, 'mlflow', 'mlruns', '475802460420245233', '82918625ba864fa497d46de95a6dd32a');
    const values = fs
      .readFileSync(path.join(runFolder, 'metrics', 'train_loss'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => Number(l.split(' ')[1]));
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assert.ok(min < max, 'the fixture metric has more than one value');
    const r = await run('--min-max', '--kind', 'mlflow', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    const row = rows.find((x) => String(x.key).endsWith(':82918625ba864fa497d46de95a6dd32a'));
    assert.ok(row, 'the run is listed');
    assert.equal(row['metrics.train_loss.min'], min);
    assert.equal(row['metrics.train_loss.max'], max);
  });

  it('filters, sorts and picks columns, as CSV', async () => {
    const r = await run(
      '--filter',
      'source:git and metrics.f1 >= 0.8',
      '--sort',
      'metrics.f1:desc',
      '--columns',
      'commit,metrics.f1,params.*',
      '--format',
      'csv',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Commit,metrics.f1,params.lr\r\n${shas[2]},0.9,0.001\r\n${shas[1]},0.8,0.01\r\n`);
  });

  it('filters by tag glob, label and text, and writes Markdown', async () => {
    const tagged = await run('--filter', 'tag:fraud-classifier@*', '--columns', 'commit', '--format', 'md');
    assert.equal(tagged.code, 0, tagged.stderr);
    assert.equal(tagged.stdout, `| Commit |\n| --- |\n| ${shas[1]?.slice(0, 7)} |\n`);
    const labelled = await run(
      '--filter',
      'label:candidate or "git notes"',
      '--sort',
      'metrics.f1',
      '--columns',
      'metrics.f1',
      '--format',
      'csv',
    );
    assert.equal(labelled.stdout, 'metrics.f1\r\n0.7\r\n0.9\r\n');
  });

  it('prints a table with control characters made visible', async () => {
    const r = await run('--filter', 'source:mlflow', '--sort', 'name');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 5);
    assert.match(lines[0] ?? '', /^Run\s+Source\s+/);
    assert.match(lines[1] ?? '', /^resnet-baseline\s+MLflow mlruns\s/);
    assert.ok(r.stdout.includes('line one\\nline two\\n'));
    // eslint-disable-next-line no-control-regex -- looking for raw control characters
    assert.doesNotMatch(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f]/);
  });

  it('shows a filter error under the expression with a caret, and exits 2', async () => {
    const r = await run('--filter', 'metrics.f1 > 0.8 and params.lr <');
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      "mlops runs list: invalid --filter: expected a value after '<' at column 32\n" +
        '  metrics.f1 > 0.8 and params.lr <\n' +
        '                                 ^\n',
    );
  });

  it('refuses bad options with exit 2', async () => {
    const format = await run('--format', 'xml');
    assert.equal(format.code, 2);
    assert.match(format.stderr, /--format needs one of table, csv, json, md, not 'xml'/);
    const sort = await run('--sort', ':desc');
    assert.equal(sort.code, 2);
    assert.match(sort.stderr, /--sort: ':desc' names no column/);
    const columns = await run('--columns', 'nonsense');
    assert.equal(columns.code, 2);
    assert.match(columns.stderr, /unknown column 'nonsense'/);
  });
});
