// mlflow-1000-runs: a file store of 1,000 runs x 10 metrics x 1,000 steps; the time to list every run with its
// latest metric values and read one full metric history, ours against the mlflow Python client (search_runs +
// get_metric_history) on the same store.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { listExperiments, listRuns, readMetricHistory } from '../../src/core/formats/mlflow/fileStore';
import { timeMedian, type Benchmark } from './types';

const RUNS = 1000;
const METRICS = [
  'train/loss',
  'train/accuracy',
  'val/loss',
  'val/accuracy',
  'test/f1',
  'learning_rate',
  'grad_norm',
  'epoch_time',
  'throughput',
  'memory_gb',
];
const STEPS = 1000;
const EXPERIMENT = '652879404170538216';

/** Writes the store in MLflow's file-store layout (what mlflow's FileStore writes and reads). */
export function writeStore(root: string): { runIds: string[] } {
  const now = 1_700_000_000_000;
  const experimentMeta = (id: string, name: string): string =>
    `artifact_location: file://${root}/${id}\ncreation_time: ${now}\nexperiment_id: '${id}'\nlast_update_time: ${now}\nlifecycle_stage: active\nname: ${name}\n`;
  fs.mkdirSync(path.join(root, '0'), { recursive: true });
  fs.writeFileSync(path.join(root, '0', 'meta.yaml'), experimentMeta('0', 'Default'));
  const experimentDir = path.join(root, EXPERIMENT);
  fs.mkdirSync(experimentDir);
  fs.writeFileSync(path.join(experimentDir, 'meta.yaml'), experimentMeta(EXPERIMENT, 'sweep'));
  const runIds: string[] = [];
  for (let r = 0; r < RUNS; r++) {
    const runId = randomBytes(16).toString('hex');
    runIds.push(runId);
    const dir = path.join(experimentDir, runId);
    fs.mkdirSync(path.join(dir, 'metrics', 'train'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'metrics', 'val'));
    fs.mkdirSync(path.join(dir, 'metrics', 'test'));
    fs.mkdirSync(path.join(dir, 'params'));
    fs.mkdirSync(path.join(dir, 'tags'));
    fs.mkdirSync(path.join(dir, 'artifacts'));
    const start = now + r * 60_000;
    fs.writeFileSync(
      path.join(dir, 'meta.yaml'),
      `artifact_uri: file://${dir}/artifacts\nend_time: ${start + 50_000}\nentry_point_name: ''\nexperiment_id: '${EXPERIMENT}'\nlifecycle_stage: active\nrun_id: ${runId}\nrun_name: run-${r}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: ${start}\nstatus: 3\ntags: []\nuser_id: bench\n`,
    );
    fs.writeFileSync(path.join(dir, 'params', 'lr'), String(0.001 * (1 + (r % 10))));
    fs.writeFileSync(path.join(dir, 'params', 'batch_size'), String(32 << r % 4));
    fs.writeFileSync(path.join(dir, 'tags', 'mlflow.runName'), `run-${r}`);
    for (let m = 0; m < METRICS.length; m++) {
      const lines: string[] = new Array<string>(STEPS);
      for (let s = 0; s < STEPS; s++) lines[s] = `${start + s * 50} ${Math.exp(-s / (200 + r + m)) + m * 1e-3} ${s}`;
      fs.writeFileSync(path.join(dir, 'metrics', ...METRICS[m].split('/')), `${lines.join('\n')}\n`);
    }
  }
  return { runIds };
}

const BASELINE = `
import json, os, sys, time
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
from mlflow import MlflowClient
root, run_id, key = sys.argv[1], sys.argv[2], sys.argv[3]
client = MlflowClient("file:" + root)
started = time.perf_counter()
experiment_ids = [e.experiment_id for e in client.search_experiments()]
runs, token = [], None
while True:
    page = client.search_runs(experiment_ids, max_results=1000, page_token=token)
    runs.extend(page)
    token = page.token
    if not token:
        break
latest = sum(len(r.data.metrics) for r in runs)
history = client.get_metric_history(run_id, key)
print(json.dumps({"seconds": time.perf_counter() - started, "runs": len(runs), "latest": latest, "history": len(history)}))
`;

export const benchmarks: Benchmark[] = [
  {
    id: 'mlflow-1000-runs',
    title: 'MLflow file store, 1,000 runs x 10 metrics x 1,000 steps: all latest values + one full history',
    async run(ctx) {
      const root = path.join(ctx.tmp, 'mlruns');
      const started = Date.now();
      const { runIds } = writeStore(root);
      ctx.log(`wrote the store in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const target = runIds[RUNS - 1];
      // The baseline runs first: its 30-odd seconds also let the freshly written files settle in the page cache.
      let baseline: number | null = null;
      if (ctx.python) {
        const out = JSON.parse(
          execFileSync(ctx.python, ['-c', BASELINE, root, target, 'val/loss'], {
            encoding: 'utf8',
            maxBuffer: 1024 * 1024,
            env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: '1', PYTHONWARNINGS: 'ignore' },
          }),
        ) as { seconds: number; runs: number; latest: number; history: number };
        if (out.runs !== RUNS || out.latest !== RUNS * METRICS.length || out.history !== STEPS)
          throw new Error(`mlflow read ${JSON.stringify(out)}`);
        baseline = out.seconds;
        ctx.log(
          `mlflow client: ${out.runs} runs, ${out.latest} latest values, ${out.history}-point history in ${out.seconds.toFixed(1)} s`,
        );
      }
      let check = { runs: 0, latest: 0, history: 0 };
      const ms = await timeMedian(async () => {
        const experiments = await listExperiments(root);
        const { runs, problems } = await listRuns(root, { experimentIds: experiments.map((e) => e.id) });
        if (problems.length) throw problems[0];
        const history = await readMetricHistory(root, target, 'val/loss');
        check = {
          runs: runs.length,
          latest: runs.reduce((n, r) => n + r.metrics.length, 0),
          history: history.points.length,
        };
      }, 3);
      if (check.runs !== RUNS || check.latest !== RUNS * METRICS.length || check.history !== STEPS)
        throw new Error(`read ${JSON.stringify(check)}`);
      ctx.log(`ours: the same in ${ms.toFixed(0)} ms`);
      return {
        id: 'mlflow-1000-runs',
        value: ms / 1000,
        unit: 's',
        baseline: baseline === null ? '' : 'mlflow 3.17 MlflowClient: search_runs (all pages) + get_metric_history',
        baselineValue: baseline,
        ratio: baseline === null ? null : ms / 1000 / baseline,
        target: 'ratio < 1 (much faster than the mlflow client)',
        met: baseline === null ? undefined : ms / 1000 < baseline,
        notes: `${RUNS} runs x ${METRICS.length} metrics x ${STEPS} steps; warm file cache for both; ours reads the last 1 KiB of each metric file`,
      };
    },
  },
];
