// `mlops metrics show|diff` on every source the Experiments view shows (run as a real process): MLflow file stores
// and databases, TensorBoard logs, a tracking server from MLFLOW_TRACKING_URI or --tracking-uri with its token from
// MLFLOW_TRACKING_TOKEN (never printed), and --kind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnMlops, spawnMlopsAsync } from '../../helpers/cliBundle';

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures');
const TOKEN = 'tok-3xyz-never-print-me';

interface Shown {
  files: Record<string, Record<string, number | string>>;
  sources: {
    kind: string;
    label: string;
    where: string;
    runs: { id: string; label: string; metrics: Record<string, number | string> }[];
    problems: { message: string }[];
  }[];
}

describe('mlops metrics on trackers (CLI)', function () {
  this.timeout(120_000);
  let dir: string;
  let server: http.Server;
  let url: string;
  const auth: (string | undefined)[] = [];
  const noEnv = { MLFLOW_TRACKING_URI: '', MLFLOW_TRACKING_TOKEN: '' };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-cli-trackers-'));
    fs.cpSync(path.join(FIXTURES, 'mlflow', 'mlruns'), path.join(dir, 'mlruns'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'mlflow.db'),
      zlib.gunzipSync(fs.readFileSync(path.join(FIXTURES, 'mlflow', 'mlflow.db.gz'))),
    );
    fs.cpSync(path.join(FIXTURES, 'tensorboard', 'logs'), path.join(dir, 'logs'), { recursive: true });
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        auth.push(req.headers.authorization);
        if (req.headers.authorization !== `Bearer ${TOKEN}`) {
          res.writeHead(401, { 'Content-Type': 'application/json' });
          res.end(
            JSON.stringify({
              error_code: 'UNAUTHENTICATED',
              message: `bad token ${String(req.headers.authorization)}`,
            }),
          );
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        if (req.url?.endsWith('/experiments/search'))
          res.end(JSON.stringify({ experiments: [{ experiment_id: '1', name: 'remote', lifecycle_stage: 'active' }] }));
        else
          res.end(
            JSON.stringify({
              runs: [
                {
                  info: {
                    run_id: 'remote1',
                    experiment_id: '1',
                    run_name: 'served',
                    status: 'FINISHED',
                    start_time: 1,
                    lifecycle_stage: 'active',
                  },
                  data: {
                    metrics: [
                      { key: 'f1', value: 0.75, timestamp: 1, step: 0 },
                      { key: 'loss', value: 'NaN', timestamp: 1, step: 3 },
                    ],
                  },
                },
              ],
            }),
          );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows MLflow file-store, mlflow.db and TensorBoard runs with their latest values, NaN and -Infinity kept', async () => {
    const r = await spawnMlops(['metrics', 'show', '--json'], dir, noEnv);
    assert.equal(r.code, 0, r.stderr);
    const shown = JSON.parse(r.stdout) as Shown;
    assert.deepEqual(
      shown.sources.map((s) => `${s.kind} ${s.where} ${s.runs.length}`),
      ['mlflow-file mlruns 4', 'mlflow-sqlite mlflow.db 4', 'tensorboard logs 4'],
    );
    for (const s of shown.sources.slice(0, 2)) {
      const special = s.runs.find((run) => run.label === 'special-values');
      assert.equal(special?.metrics.ends_nan, 'NaN');
      assert.equal(special?.metrics.ends_inf, '-Infinity');
      assert.equal(s.runs.find((run) => run.label === 'sweep-1')?.metrics.train_loss, 0.050000000000000044);
    }
    assert.deepEqual(shown.sources[2]?.runs.map((run) => run.label).sort(), [
      'tbx',
      'tbx/compare/a',
      'tbx/compare/b',
      'tf2',
    ]);
    const text = await spawnMlops(['metrics', 'show'], dir, noEnv);
    assert.match(text.stdout, /^MLflow · mlruns\nRun\s+Metric\s+Value\n/m);
    assert.match(text.stdout, /^special-values\s+ends_nan\s+NaN$/m);
    assert.match(text.stdout, /^TensorBoard · logs$/m);
  });

  it('--kind picks sources; an unknown kind is a usage error', async () => {
    const only = JSON.parse(
      (await spawnMlops(['metrics', 'show', '--json', '--kind', 'tensorboard'], dir, noEnv)).stdout,
    ) as Shown;
    assert.deepEqual(
      only.sources.map((s) => s.kind),
      ['tensorboard'],
    );
    const mlflow = JSON.parse(
      (await spawnMlops(['metrics', 'show', '--json', '--kind=mlflow'], dir, noEnv)).stdout,
    ) as Shown;
    assert.deepEqual(
      mlflow.sources.map((s) => s.kind),
      ['mlflow-file', 'mlflow-sqlite'],
    );
    const bad = await spawnMlops(['metrics', 'show', '--kind', 'wandb'], dir, noEnv);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--kind needs one of workspace, file, dvc, git, mlflow-file, .*, not 'wandb'/);
    const help = await spawnMlops(['metrics', '--help'], dir, noEnv);
    assert.match(help.stdout, /--tracking-uri <uri>/);
    assert.match(help.stdout, /MLFLOW_TRACKING_TOKEN/);
  });

  it('reads a tracking server from MLFLOW_TRACKING_URI with the token of MLFLOW_TRACKING_TOKEN, never printing it', async () => {
    const env = { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_TOKEN: TOKEN };
    const r = await spawnMlopsAsync(['metrics', 'show', '--json', '--kind', 'mlflow-rest'], dir, env);
    assert.equal(r.code, 0, r.stderr);
    const shown = JSON.parse(r.stdout) as Shown;
    assert.deepEqual(
      shown.sources.map((s) => `${s.label} ${s.where}`),
      [`MLflow server ${new URL(url).host}`],
    );
    assert.deepEqual(shown.sources[0]?.runs, [
      { id: 'remote1', label: 'served', experiment: 'remote', metrics: { f1: 0.75, loss: 'NaN' } },
    ]);
    assert.ok(auth.every((a) => a === `Bearer ${TOKEN}`));
    // A wrong token: the problem is reported, the token is not.
    const wrong = await spawnMlopsAsync(['metrics', 'show', '--kind', 'mlflow-rest'], dir, {
      ...env,
      MLFLOW_TRACKING_TOKEN: `${TOKEN}-old`,
    });
    assert.match(wrong.stderr, /MLflow server/);
    assert.ok(!(wrong.stdout + wrong.stderr).includes(TOKEN), wrong.stderr);
    // --tracking-uri wins over the environment.
    const flag = await spawnMlopsAsync(
      ['metrics', 'show', '--json', '--kind', 'mlflow', '--tracking-uri', 'mlruns'],
      dir,
      env,
    );
    assert.deepEqual(
      (JSON.parse(flag.stdout) as Shown).sources.map((s) => s.kind),
      ['mlflow-file', 'mlflow-sqlite'],
    );
  });

  it('diffs two tracker runs by <kind>:<run>', async () => {
    const r = await spawnMlops(
      ['metrics', 'diff', 'mlflow-file:sweep-1', 'mlflow-sqlite:sweep-2', '--json', '--all'],
      dir,
      noEnv,
    );
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as {
      a: { label: string };
      b: { label: string };
      metrics: { key: string; status: string; old: number; new: number }[];
    };
    assert.deepEqual([result.a.label, result.b.label], ['mlflow-file:sweep-1', 'mlflow-sqlite:sweep-2']);
    assert.deepEqual(
      result.metrics.map((m) => [m.key, m.status, m.old, m.new]),
      [['train_loss', 'changed', 0.050000000000000044, 0.9]],
    );
    const missing = await spawnMlops(['metrics', 'diff', 'tensorboard:nope', 'tensorboard:tf2'], dir, noEnv);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no run 'nope' in tensorboard/);
  });
});
