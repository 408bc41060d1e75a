import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type CliIo } from '../../../src/cli/registry';
import { demoRepo, git, repoRoot } from '../git/historyRepos';

let main: (argv: string[], io: CliIo) => Promise<number>;

async function cli(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd, isTty: false, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('mlops metrics (CLI)', function () {
  this.timeout(60_000);
  let tmp: string;
  let repo: string;
  const evalAt = (rev: string): { test: Record<string, number> } =>
    JSON.parse(git(repo, ['show', `${rev}:metrics/eval.json`])) as { test: Record<string, number> };

  before(() => {
    // The transpiled CLI reads its version from ../../package.json, relative to out/src/cli/.
    const outPackage = path.resolve(__dirname, '..', '..', '..', 'package.json');
    if (!fs.existsSync(outPackage)) fs.copyFileSync(path.join(repoRoot, 'package.json'), outPackage);
    ({ main } = createRequire(__filename)('../../../src/cli/main') as { main: typeof main });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-cli-metrics-'));
    repo = demoRepo(path.join(tmp, 'demo'));
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the workspace metrics declared in dvc.yaml, mlops.yaml and DVCLive', async () => {
    const { code, stdout, stderr } = await cli(repo, ['metrics', 'show']);
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split('\n');
    assert.match(lines[0], /^Path\s+Metric\s+Value$/);
    assert.ok(
      lines.some((l) => /^metrics\/eval\.json\s+test\.f1\s+0\.8457$/.test(l)),
      stdout,
    );
    assert.ok(
      lines.some((l) => /^dvclive\/metrics\.json\s+train\.loss\s+0\.09007$/.test(l)),
      stdout,
    );
    assert.equal(lines.length, 1 + 13 + 3);
  });

  it('shows JSON, and only the --source files when given', async () => {
    const all = await cli(repo, ['metrics', 'show', '--json']);
    const parsed = JSON.parse(all.stdout) as { files: Record<string, Record<string, number>>; errors: unknown[] };
    assert.equal(parsed.files['metrics/eval.json']['test.f1'], evalAt('HEAD').test.f1);
    assert.deepEqual(parsed.errors, []);
    const one = JSON.parse(
      (await cli(repo, ['metrics', 'show', '--source', 'dvclive/metrics.json', '--json'])).stdout,
    ) as { files: Record<string, unknown> };
    assert.deepEqual(Object.keys(one.files), ['dvclive/metrics.json']);
  });

  it('exits 2 with the file and position on stderr for a missing or malformed source', async () => {
    const missing = await cli(repo, ['metrics', 'show', '--source', 'nope.json']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.json does not exist/);
    fs.writeFileSync(path.join(tmp, 'bad.json'), '{\n  "a": 1,\n  "b": \n}');
    const bad = await cli(tmp, ['metrics', 'show', '--source', 'bad.json']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.json:4:1: unexpected character "\}"/);
  });

  it('diffs HEAD against a clean workspace: nothing changed', async () => {
    const { code, stdout } = await cli(repo, ['metrics', 'diff']);
    assert.equal(code, 0);
    assert.equal(stdout, 'No metric changed between HEAD and workspace.\n');
  });

  it('diffs two tags as JSON with the values git has', async () => {
    const { code, stdout, stderr } = await cli(repo, [
      'metrics',
      'diff',
      'fraud-classifier@v1.0.0',
      'fraud-classifier@v2.0.0',
      '--json',
    ]);
    assert.equal(code, 0, stderr);
    const parsed = JSON.parse(stdout) as {
      a: { label: string };
      metrics: { file: string; key: string; old: number; new: number; improvement?: boolean; status: string }[];
    };
    assert.equal(parsed.a.label, 'fraud-classifier@v1.0.0');
    const f1 = parsed.metrics.find((m) => m.file === 'metrics/eval.json' && m.key === 'test.f1')!;
    assert.equal(f1.old, evalAt('fraud-classifier@v1.0.0').test.f1);
    assert.equal(f1.new, evalAt('fraud-classifier@v2.0.0').test.f1);
    assert.equal(f1.improvement, f1.new > f1.old, 'mlops.yaml says f1 is maximized');
  });

  it('prints a Markdown table for a pull request after a workspace change', async () => {
    const file = path.join(repo, 'metrics', 'eval.json');
    const original = fs.readFileSync(file, 'utf8');
    try {
      const changed = JSON.parse(original) as { test: { f1: number; recall: number } };
      changed.test.f1 = 0.9;
      changed.test.recall = 0.5;
      fs.writeFileSync(file, JSON.stringify(changed));
      const { code, stdout } = await cli(repo, ['metrics', 'diff', '--md']);
      assert.equal(code, 0);
      assert.equal(
        stdout,
        [
          '| File | Metric | HEAD | workspace | Change |  |',
          '| --- | --- | --: | --: | --: | :-: |',
          `| metrics/eval.json | test.f1 | 0.8457 | 0.9 | ▲ +0.0543 (+6.42%) | ✅ better |`,
          `| metrics/eval.json | test.recall | 0.8145 | 0.5 | ▼ -0.3145 (-38.61%) | ❌ worse |`,
          '',
          '1 better, 1 worse.',
          '',
        ].join('\n'),
      );
      const all = await cli(repo, ['metrics', 'diff', 'HEAD', 'workspace', '--all']);
      assert.equal(all.stdout.trim().split('\n').length, 1 + 13 + 3);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it('exits 2 on usage errors, unknown revisions and outside a repository', async () => {
    for (const args of [
      ['metrics'],
      ['metrics', 'bogus'],
      ['metrics', 'diff', 'a', 'b', 'c'],
      ['metrics', 'diff', '--json', '--md'],
      ['metrics', 'show', '--frobnicate'],
      ['metrics', 'show', '--source'],
    ]) {
      const r = await cli(repo, args);
      assert.equal(r.code, 2, args.join(' '));
    }
    const unknown = await cli(repo, ['metrics', 'diff', 'v9.9.9']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown revision 'v9\.9\.9'/);
    const plain = path.join(tmp, 'plain');
    fs.mkdirSync(plain, { recursive: true });
    fs.writeFileSync(path.join(plain, 'm.json'), '{"a": 1}');
    const outside = await cli(plain, ['metrics', 'diff', '--source', 'm.json']);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /not inside a git repository/);
    assert.equal((await cli(plain, ['metrics', 'show', '--source', 'm.json'])).code, 0);
    assert.equal((await cli(repo, ['metrics', '--help'])).code, 0);
  });

  it('works the same from the built dist/cli.js', () => {
    const cliJs = path.join(repoRoot, 'dist', 'cli.js');
    if (!fs.existsSync(cliJs)) execFileSync('node', [path.join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'ignore' });
    const ok = spawnSync(
      'node',
      [cliJs, 'metrics', 'diff', 'fraud-classifier@v1.0.0', 'fraud-classifier@v1.1.0', '--md'],
      { cwd: repo, encoding: 'utf8' },
    );
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(
      ok.stdout,
      /^\| File \| Metric \| fraud-classifier@v1\.0\.0 \| fraud-classifier@v1\.1\.0 \| Change \|/,
    );
    assert.match(ok.stdout, /\| metrics\/eval\.json \| test\.f1 \| /);
    const bad = spawnSync('node', [cliJs, 'metrics', 'show', '--source', 'nope.json'], { cwd: repo, encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /nope\.json does not exist/);
  });
});
