// `mlflow server` with its default artifact store keeps every run's artifacts under `mlartifacts/` beside the
// database (a repository that commits `mlflow.db` often commits that folder too). Those are MLflow's copies: the
// workspace's models and datasets are the project's own files, not each run's logged ones (a repository with 156 runs
// listed 136 "models" and as many staleness findings).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { discoverWorkspace } from '../../src/core/workspace/discovery';
import { quietEnv, startMlflowServer, testPython, type MlflowServer } from '../helpers/mlflowServer';

const run = promisify(execFile);

/** Logs a model file and a dataset as artifacts of two runs through the server. */
const LOG = `
import os, sys
import mlflow
mlflow.set_tracking_uri(sys.argv[1])
mlflow.set_experiment("churn")
os.makedirs("scratch", exist_ok=True)
open("scratch/model.pkl", "wb").write(b"model bytes")
open("scratch/eval.csv", "w").write("y,p\\n1,0.9\\n")
for _ in range(2):
    with mlflow.start_run() as run:
        mlflow.log_artifact("scratch/model.pkl", "model")
        mlflow.log_artifact("scratch/eval.csv", "data")
        print(run.info.artifact_uri)
`;

describe('MLflow server artifacts beside the database (real mlflow server)', function () {
  this.timeout(180_000);
  let dir: string;
  let server: MlflowServer | undefined;
  let uris: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-artifacts-'));
    server = await startMlflowServer(testPython(), dir, { defaultArtifacts: true });
    const { stdout } = await run(testPython(), ['-c', LOG, server.url], { cwd: dir, env: quietEnv });
    uris = stdout.split('\n').filter((l) => /^\w[\w-]*:\/.*\/artifacts$/.test(l));
    fs.rmSync(path.join(dir, 'scratch'), { recursive: true, force: true });
    // The project's own model and dataset.
    fs.mkdirSync(path.join(dir, 'models'));
    fs.writeFileSync(path.join(dir, 'models', 'churn.pkl'), 'model');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'customers.csv'), 'a,b\n1,2\n');
  });
  after(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the server kept the runs’ artifacts under mlartifacts/', () => {
    assert.equal(uris.length, 2);
    for (const uri of uris) assert.match(uri, /^mlflow-artifacts:\//);
    const logged: string[] = [];
    const walk = (folder: string): void => {
      for (const e of fs.readdirSync(folder, { withFileTypes: true })) {
        const full = path.join(folder, e.name);
        if (e.isDirectory()) walk(full);
        else logged.push(path.relative(dir, full).split(path.sep).join('/'));
      }
    };
    walk(path.join(dir, 'mlartifacts'));
    assert.equal(logged.filter((f) => f.endsWith('/artifacts/model/model.pkl')).length, 2, logged.join('\n'));
    assert.equal(logged.filter((f) => f.endsWith('/artifacts/data/eval.csv')).length, 2, logged.join('\n'));
  });

  it('lists the project’s model and dataset, not the runs’ artifacts', async () => {
    const { items } = await discoverWorkspace({ root: dir });
    assert.deepEqual(items.map((i) => `${i.kind}:${i.relativePath}`).sort(), [
      'dataset:data/customers.csv',
      'model:models/churn.pkl',
    ]);
  });
});
