// Issue 11, cases 1 and 2: a repository's metrics entries that point outside the workspace folder (`..`, an absolute
// path, a symlink to an outside file) are never opened or printed by `mlops metrics` and `mlops check` (run as real
// processes on temporary folders), nor by the readers the editor uses; each is reported as outside the workspace.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadWorkspaceFiles } from '../../../src/core/formats/dvc/project';
import { gitHistorySource } from '../../../src/core/metrics/sources/gitHistory';
import { resolveInside, isInsideWorkspace } from '../../../src/core/security/confine';
import { spawnMlops } from '../../helpers/cliBundle';
import { git } from '../checks/helpers';

const SECRET = 'S3CRET-do-not-print';
const SECRET_NUMBER = 271828;
const ENV_SECRET = 'ENV-S3CRET-token-value';

describe('confinement of repository paths (issue 11, cases 1 and 2)', function () {
  this.timeout(120_000);
  let tmp: string;
  let ws: string;

  before(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-confine-')));
    fs.mkdirSync(path.join(tmp, 'outside'));
    // A numeric value is what a metrics reader would print as a metric; the text is what a parse error would quote.
    fs.writeFileSync(path.join(tmp, 'outside', 'secret.yaml'), `token: ${SECRET_NUMBER}\nname: ${SECRET}\n`);
    fs.writeFileSync(path.join(tmp, '.git-credentials'), `https://user:${SECRET}@example.com\n`);
    ws = path.join(tmp, 'ws');
    fs.mkdirSync(path.join(ws, 'metrics'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'metrics', 'eval.json'), '{"f1": 0.8, "loss": 0.25}\n');
    fs.symlinkSync(path.join('..', '..', 'outside', 'secret.yaml'), path.join(ws, 'metrics', 'link.yaml'));
    fs.symlinkSync(path.join(tmp, 'outside'), path.join(ws, 'metrics', 'linked-folder'));
    fs.writeFileSync(
      path.join(ws, 'mlops.yaml'),
      [
        'version: 1',
        'project: confinement',
        'models:',
        '  - name: churn',
        '    path: models/churn.pkl',
        '    metrics:',
        '      - metrics/eval.json',
        '      - ../outside/secret.yaml',
        '      - /proc/self/environ',
        '      - ../.git-credentials',
        '      - metrics/link.yaml',
        '      - metrics/linked-folder',
        'checks:',
        '  - { id: thresholds, type: metric-threshold }',
        'metrics:',
        '  - { key: f1, goal: maximize, threshold: 0.5 }',
        '',
      ].join('\n'),
    );
    fs.mkdirSync(path.join(ws, 'models'));
    fs.writeFileSync(path.join(ws, 'models', 'churn.pkl'), 'weights');
    git(ws, ['init', '-q']);
    git(ws, ['add', '-A']);
    git(ws, ['commit', '-q', '-m', 'start']);
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const run = (args: string[]) => spawnMlops(args, ws, { MLOPS_TEST_SECRET: ENV_SECRET });
  const assertNoLeak = (text: string, what: string): void => {
    assert.ok(!text.includes(SECRET), `${what} printed an outside file:\n${text}`);
    assert.ok(!text.includes(String(SECRET_NUMBER)), `${what} printed an outside value:\n${text}`);
    assert.ok(!text.includes(ENV_SECRET), `${what} printed the environment:\n${text}`);
  };
  const outsideEntries = [
    '../outside/secret.yaml',
    '/proc/self/environ',
    '../.git-credentials',
    'metrics/link.yaml',
    'metrics/linked-folder',
  ];

  it('metrics show (text and JSON) reads only the files inside the workspace', async () => {
    const text = await run(['metrics', 'show']);
    assertNoLeak(text.stdout + text.stderr, 'metrics show');
    assert.match(text.stdout, /metrics\/eval\.json\s+f1\s+0\.8/);
    for (const entry of outsideEntries)
      assert.ok(text.stderr.includes(`${entry} is outside the workspace`), `${entry} not reported:\n${text.stderr}`);
    const json = await run(['metrics', 'show', '--json']);
    assertNoLeak(json.stdout + json.stderr, 'metrics show --json');
    const parsed = JSON.parse(json.stdout) as {
      files: Record<string, Record<string, unknown>>;
      errors: { location: string; message: string }[];
    };
    assert.deepEqual(Object.keys(parsed.files), ['metrics/eval.json']);
    assert.equal(parsed.files['metrics/eval.json']?.loss, 0.25);
    assert.equal(parsed.errors.filter((e) => /outside the workspace/.test(e.message)).length, outsideEntries.length);
  });

  it('metrics show --source refuses outside paths too', async () => {
    const r = await run(['metrics', 'show', '--source', '../outside/secret.yaml', '--source', 'metrics/link.yaml']);
    assertNoLeak(r.stdout + r.stderr, 'metrics show --source');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.\.\/outside\/secret\.yaml is outside the workspace/);
    assert.match(r.stderr, /metrics\/link\.yaml is outside the workspace/);
  });

  it('metrics diff HEAD, and workspace workspace --md --all, print no outside file', async () => {
    const head = await run(['metrics', 'diff', 'HEAD']);
    assertNoLeak(head.stdout + head.stderr, 'metrics diff HEAD');
    assert.match(head.stderr, /metrics\/link\.yaml is outside the workspace/);
    const md = await run(['metrics', 'diff', 'workspace', 'workspace', '--md', '--all']);
    assertNoLeak(md.stdout + md.stderr, 'metrics diff --md --all');
    assert.match(md.stdout, /\| metrics\/eval\.json \| f1 \|/);
    for (const entry of outsideEntries)
      assert.ok(md.stderr.includes(`${entry} is outside the workspace`), `${entry} not reported:\n${md.stderr}`);
    const json = await run(['metrics', 'diff', 'HEAD', 'workspace', '--json', '--all']);
    assertNoLeak(json.stdout + json.stderr, 'metrics diff --json');
  });

  it('mlops check refuses the same entries, a symlink out of the workspace included', async () => {
    const r = await run(['check', '--format', 'json']);
    assertNoLeak(r.stdout + r.stderr, 'check');
    assert.match(r.stdout, /\.\.\/outside\/secret\.yaml is outside the workspace/);
    // Only the symlink listed: the check does not follow it either.
    const config = fs.readFileSync(path.join(ws, 'mlops.yaml'), 'utf8');
    try {
      fs.writeFileSync(
        path.join(ws, 'mlops.yaml'),
        config.replace(
          / {6}- \.\.\/outside\/secret\.yaml\n {6}- \/proc\/self\/environ\n {6}- \.\.\/\.git-credentials\n/,
          '',
        ),
      );
      const link = await run(['check', '--format', 'json']);
      assertNoLeak(link.stdout + link.stderr, 'check');
      assert.match(link.stdout, /metrics\/link\.yaml is outside the workspace/);
    } finally {
      fs.writeFileSync(path.join(ws, 'mlops.yaml'), config);
    }
  });

  it('the readers the editor uses refuse the same entries and read the inside one', async () => {
    const { loaded, errors } = await loadWorkspaceFiles(ws, { metrics: ['metrics/eval.json', ...outsideEntries] });
    assert.deepEqual(
      loaded.map((f) => f.path),
      ['metrics/eval.json'],
    );
    assert.deepEqual(
      errors.map((e) => e.message),
      outsideEntries.map((e) => `${e} is outside the workspace.`),
    );
    for (const f of loaded) assert.ok(!f.content.toString().includes(SECRET));
  });

  it("the git history source (the editor's and the CLI's) refuses them at every revision", async () => {
    const { runs, problems } = await gitHistorySource.read(ws, {
      root: ws,
      followed: { metrics: ['metrics/eval.json', ...outsideEntries], params: [], plots: [], live: [] },
    });
    assert.deepEqual(
      problems.map((p) => p.message),
      outsideEntries.map((e) => `${e} is outside the workspace.`),
    );
    assert.equal(runs.length, 1);
    assert.deepEqual([...new Set(runs.flatMap((r) => r.metrics.map((m) => m.file)))], ['metrics/eval.json']);
    assertNoLeak(JSON.stringify(runs), 'git history');
  });

  it('resolveInside: symlinks resolved, lexical escapes and absolute paths refused', () => {
    assert.equal(resolveInside(ws, 'metrics/eval.json'), path.join(ws, 'metrics', 'eval.json'));
    assert.equal(resolveInside(ws, 'metrics/not-yet.json'), path.join(ws, 'metrics', 'not-yet.json'));
    assert.equal(resolveInside(ws, 'metrics/../metrics/eval.json'), path.join(ws, 'metrics', 'eval.json'));
    assert.equal(resolveInside(ws, path.join(ws, 'metrics', 'eval.json')), path.join(ws, 'metrics', 'eval.json'));
    for (const entry of [...outsideEntries, '..', '/etc/passwd', 'metrics/linked-folder/secret.yaml'])
      assert.equal(resolveInside(ws, entry), undefined, entry);
    assert.equal(isInsideWorkspace(ws, 'metrics'), true);
    assert.equal(isInsideWorkspace(ws, 'metrics/link.yaml'), false);
  });
});
