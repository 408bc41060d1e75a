// The CLI loads what a command needs when it runs: `mlops --version` loads no command, `mlops runs list` loads
// neither the other commands nor the mlops.yaml validator (and the checks engine behind its schema) when the folder
// has no mlops.yaml, nor sql.js when it has no MLflow database, nor the git façade outside a repository. Run as real
// processes (the transpiled CLI), each recording the modules it loaded.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

/** The transpiled CLI entry point (out/src/cli/main.js). */
const CLI = path.resolve(__dirname, '..', '..', '..', 'src', 'cli', 'main.js');
const OUT_SRC = path.dirname(path.dirname(CLI));
const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures');

interface Loaded {
  code: number;
  stdout: string;
  stderr: string;
  /** The modules the process loaded: paths under out/src with `/`, and `node_modules/<package>` for packages. */
  modules: Set<string>;
}

function run(args: string[], cwd: string, scratch: string): Loaded {
  const list = path.join(scratch, `modules-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  const preload = path.join(scratch, 'record.js');
  fs.writeFileSync(
    preload,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(Object.keys(require.cache))));`,
  );
  const r = spawnSync(process.execPath, ['--require', preload, CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, MLOPS_CACHE_DIR: 'off', MLFLOW_TRACKING_URI: '', MLFLOW_TRACKING_TOKEN: '' },
  });
  const modules = new Set<string>();
  for (const file of JSON.parse(fs.readFileSync(list, 'utf8')) as string[]) {
    const slashed = file.split(path.sep).join('/');
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(slashed)?.[1];
    if (pkg) modules.add(`node_modules/${pkg}`);
    else if (file.startsWith(OUT_SRC + path.sep)) modules.add(path.relative(OUT_SRC, file).split(path.sep).join('/'));
  }
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, modules };
}

describe('mlops: modules are loaded when a command needs them', function () {
  this.timeout(60_000);
  let scratch = '';
  let folder = '';
  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-lazy-'));
    folder = path.join(scratch, 'project');
    fs.mkdirSync(folder);
    fs.cpSync(path.join(FIXTURES, 'mlflow', 'mlruns'), path.join(folder, 'mlruns'), { recursive: true });
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('--version loads no command; --help loads them all and lists each', () => {
    const version = run(['--version'], folder, scratch);
    assert.equal(version.code, 0);
    assert.deepEqual(
      [...version.modules].filter((m) => m.startsWith('cli/commands/')),
      [],
    );
    const help = run(['--help'], folder, scratch);
    assert.equal(help.code, 0);
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
    ])
      assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'), name);
    assert.ok(help.modules.has('cli/commands/check.js'));
  });

  it('runs list without mlops.yaml, mlflow.db or git: no other command, no validator, no checks engine, no sql.js, no git', () => {
    const r = run(['runs', 'list', '--format', 'json'], folder, scratch);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { key: string }[];
    assert.ok(rows.length >= 2, r.stdout);
    assert.ok(
      rows.every((row) => row.key.startsWith('mlflow-file:mlruns:')),
      rows.map((row) => row.key).join(' '),
    );
    assert.ok(r.modules.has('cli/commands/runs.js'));
    assert.ok(r.modules.has('core/formats/mlflow/fileStore.js'));
    for (const unwanted of [
      'cli/commands/check.js',
      'cli/commands/metrics.js',
      'cli/commands/data.js',
      'core/formats/mlopsYaml/validate.js',
      'core/checks/engine.js',
      'node_modules/ajv',
      'node_modules/sql.js',
      // Not a git repository: no git runs, no git notes.
      'node_modules/simple-git',
      'core/git/history.js',
    ])
      assert.ok(!r.modules.has(unwanted), `${unwanted} was loaded`);
  });

  it('runs list with mlops.yaml and mlflow.db: both are read (the validator and sql.js are loaded then)', () => {
    const withBoth = path.join(scratch, 'both');
    fs.cpSync(folder, withBoth, { recursive: true });
    fs.writeFileSync(
      path.join(withBoth, 'mlflow.db'),
      zlib.gunzipSync(fs.readFileSync(path.join(FIXTURES, 'mlflow', 'mlflow.db.gz'))),
    );
    fs.writeFileSync(path.join(withBoth, 'mlops.yaml'), 'metrics: 5\n');
    const r = run(['runs', 'list', '--format', 'json'], withBoth, scratch);
    assert.equal(r.code, 0, r.stderr);
    const kinds = new Set((JSON.parse(r.stdout) as { key: string }[]).map((row) => row.key.split(':')[0]));
    assert.deepEqual([...kinds].sort(), ['mlflow-file', 'mlflow-sqlite']);
    // mlops.yaml was read: its problem is a warning.
    assert.match(r.stderr, /^mlops runs list: warning: mlops\.yaml:1:\d+: /m);
    assert.ok(r.modules.has('core/formats/mlopsYaml/validate.js'));
    assert.ok(r.modules.has('node_modules/sql.js'));
  });
});
