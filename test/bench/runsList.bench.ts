// `mlops runs list` over 1,000 MLflow runs, in a file store and in mlflow.db, against the mlflow Python client's
// search_runs (every page) on the same store, in two pairs:
// - runs-list-mlflow-1000 and runs-list-mlflow-1000-db: process vs process, what a user runs. Ours is the whole CLI
//   process (start, discover, read, rows, notes, sort, print JSON); mlflow's is a `python -c` process that imports
//   mlflow, calls search_runs for every page and prints the runs as JSON.
// - the same ids with `-in-process`: our core listing function (collectRows, then sort and JSON) in a warm node
//   process vs search_runs timed inside Python, neither side's start or imports counted.
// The stores are written by the real mlflow client once and cached under .cache/bench (never committed); each measure
// reads a fresh copy.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { listingCache } from '../../src/core/listingCache';
import { collectRows } from '../../src/core/runs/collect';
import { columnsOf } from '../../src/core/runs/columns';
import { exportRows } from '../../src/core/runs/export';
import { parseSortKey, sortRows } from '../../src/core/runs/sort';
import { timeMedian, type Benchmark, type BenchContext, type Measure } from './types';

const ROOT = path.resolve(__dirname, '../../..');
const RUNS = 1000;
/** Bump when the generator changes: a new cache folder is written. */
const CACHE = path.join(ROOT, '.cache', 'bench', `runs-list-mlflow-${RUNS}-v1`);
const PYTHON_ENV = { MLFLOW_DISABLE_TELEMETRY: 'true', DO_NOT_TRACK: '1', PYTHONWARNINGS: 'ignore' };

/** Writes RUNS runs with the mlflow client: 10 params, 10 metrics x 20 steps, tags, some notes, mixed statuses. */
const GENERATE = `
import os, random, sys
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag
uri, count = sys.argv[1], int(sys.argv[2])
client = MlflowClient(uri)
rng = random.Random(13)
experiments = [client.create_experiment(name) for name in ("fraud-sweep", "fraud-baseline")]
metrics = ["train/loss", "val/loss", "val/f1", "val/precision", "val/recall", "val/auc", "lr", "grad_norm",
           "epoch_time", "business_value"]
base = 1_700_000_000_000
for r in range(count):
    start = base + r * 60_000
    run = client.create_run(experiments[r % 2], start_time=start, run_name=f"run-{r}", tags={"team": "risk"})
    run_id = run.info.run_id
    params = [Param("lr", str(10 ** -rng.randint(1, 5))), Param("batch_size", str(2 ** rng.randint(4, 9))),
              Param("optimizer", rng.choice(["adam", "sgd", "adamw"])), Param("seed", str(r))]
    params += [Param(f"p{i}", str(rng.random())) for i in range(6)]
    points = []
    for m, key in enumerate(metrics):
        for step in range(20):
            points.append(Metric(key, rng.random() / (step + 1) + m, start + step * 1000, step))
    client.log_batch(run_id, metrics=points, params=params, tags=[RunTag("stage", rng.choice(["dev", "prod"]))])
    if r % 10 == 0:
        client.set_tag(run_id, "mlflow.note.content", f"note of run {r}")
    client.set_terminated(run_id, status="FAILED" if r % 17 == 0 else "FINISHED", end_time=start + 50_000)
`;

/** search_runs over every experiment, every page; the median of three timings in one process. */
const BASELINE = `
import json, os, sys, time
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
from mlflow import MlflowClient
client = MlflowClient(sys.argv[1])
times, cpu, runs = [], [], []
for _ in range(3):
    started = time.perf_counter()
    started_cpu = time.process_time()
    experiment_ids = [e.experiment_id for e in client.search_experiments()]
    runs, token = [], None
    while True:
        page = client.search_runs(experiment_ids, max_results=1000, page_token=token)
        runs.extend(page)
        token = page.token
        if not token:
            break
    times.append(time.perf_counter() - started)
    cpu.append(time.process_time() - started_cpu)
times.sort()
cpu.sort()
print(json.dumps({"seconds": times[1], "cpu": cpu[1], "runs": len(runs), "metrics": sum(len(r.data.metrics) for r in runs)}))
`;

/**
 * What a user runs to list the runs with the mlflow client: a whole Python process that imports mlflow, calls
 * search_runs over every experiment for every page and prints the runs as JSON (as `mlops runs list --format json`
 * prints its rows).
 */
const PROCESS_LISTING = `
import json, os, sys
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
from mlflow import MlflowClient
client = MlflowClient(sys.argv[1])
ids = [e.experiment_id for e in client.search_experiments()]
runs, token = [], None
while True:
    page = client.search_runs(ids, max_results=1000, page_token=token)
    runs.extend(page)
    token = page.token
    if not token:
        break
json.dump([r.to_dictionary() for r in runs], sys.stdout)
sys.stdout.flush()
import resource
usage = resource.getrusage(resource.RUSAGE_SELF)
print(f"cpu-ms {(usage.ru_utime + usage.ru_stime) * 1000:.1f}", file=sys.stderr)
`;

/** The cached store of a kind (`file`: mlruns/, `db`: mlflow.db), written by the mlflow client when missing. */
function cachedStore(kind: 'file' | 'db', python: string, ctx: BenchContext): string {
  const folder = path.join(CACHE, kind);
  if (fs.existsSync(folder)) return folder;
  const staging = `${folder}.${process.pid}.tmp`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const uri = kind === 'file' ? `file:${path.join(staging, 'mlruns')}` : `sqlite:///${path.join(staging, 'mlflow.db')}`;
  const started = Date.now();
  execFileSync(python, ['-c', GENERATE, uri, String(RUNS)], {
    cwd: staging,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...PYTHON_ENV },
  });
  // The file store records absolute artifact locations; the copy each measure reads is elsewhere, and neither side
  // reads artifacts.
  fs.rmSync(path.join(staging, 'mlartifacts'), { recursive: true, force: true });
  if (kind === 'db') fs.rmSync(path.join(staging, 'mlruns'), { recursive: true, force: true });
  fs.renameSync(staging, folder);
  ctx.log(`wrote the ${kind} store with the mlflow client in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return folder;
}

/** The ids of a store kind's two pairs: whole processes (what a user runs) and in-process. */
function idsOf(kind: 'file' | 'db'): { process: string; inProcess: string } {
  const id = kind === 'file' ? `runs-list-mlflow-${RUNS}` : `runs-list-mlflow-${RUNS}-db`;
  return { process: id, inProcess: `${id}-in-process` };
}

async function measure(kind: 'file' | 'db', ctx: BenchContext): Promise<Measure[]> {
  const ids = idsOf(kind);
  if (!ctx.python) throw new Error('needs the Python venv with mlflow (npm run setup:python)');
  const python = ctx.python;
  const folder = path.join(ctx.tmp, kind);
  fs.cpSync(cachedStore(kind, python, ctx), folder, { recursive: true });
  const uri = kind === 'file' ? `file:${path.join(folder, 'mlruns')}` : `sqlite:///${path.join(folder, 'mlflow.db')}`;
  const store = kind === 'file' ? 'file store' : 'mlflow.db';

  // mlflow in-process: search_runs over every experiment and page, timed inside Python (median of 3).
  const out = JSON.parse(
    execFileSync(python, ['-c', BASELINE, uri], {
      encoding: 'utf8',
      env: { ...process.env, ...PYTHON_ENV },
      maxBuffer: 16 * 1024 * 1024,
    }),
  ) as { seconds: number; cpu: number; runs: number; metrics: number };
  if (out.runs !== RUNS || out.metrics !== RUNS * 10) throw new Error(`mlflow read ${JSON.stringify(out)}`);
  ctx.log(
    `mlflow in-process, search_runs: ${out.runs} runs in ${(out.seconds * 1000).toFixed(0)} ms (CPU ${(out.cpu * 1000).toFixed(0)} ms)`,
  );
  // mlflow as a process: start Python, import mlflow, search_runs every page, print JSON (median of 5).
  let printed = 0;
  const pythonCpu: number[] = [];
  const pythonMs = await timeMedian(() => {
    const r = spawnSync(python, ['-c', PROCESS_LISTING, uri], {
      encoding: 'utf8',
      env: { ...process.env, ...PYTHON_ENV },
      maxBuffer: 256 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`the mlflow process exited ${r.status}: ${r.stderr}`);
    printed = (JSON.parse(r.stdout) as unknown[]).length;
    pythonCpu.push(Number(/cpu-ms (\S+)/.exec(r.stderr)?.[1] ?? NaN));
  }, 5);
  if (printed !== RUNS) throw new Error(`the mlflow process printed ${printed} runs`);
  const pythonCpuMs = pythonCpu.sort((a, b) => a - b)[2] ?? NaN;
  ctx.log(
    `mlflow process (python -c: import mlflow, search_runs, print JSON): ${pythonMs.toFixed(0)} ms (CPU ${pythonCpuMs.toFixed(0)} ms)`,
  );

  const cli = path.join(ROOT, 'dist', 'cli.js');
  // The process's CPU time (user + system), written to a file as it exits: on a busy machine wall times swing.
  const cpuFile = path.join(ctx.tmp, 'cpu.txt');
  const preload = path.join(ctx.tmp, 'cpu.js');
  fs.writeFileSync(
    preload,
    `process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeFileSync(${JSON.stringify(cpuFile)}, String((u.user + u.system) / 1000)); });`,
  );
  const cpuTimes: number[] = [];
  const args = ['--require', preload, cli, 'runs', 'list', '--format', 'json', '--sort', 'metrics.val/f1:desc'];
  // The listing cache in this measure's own folder: the first process finds it empty (cold), the next ones reuse it.
  const env = {
    ...process.env,
    MLFLOW_TRACKING_URI: '',
    MLFLOW_TRACKING_TOKEN: '',
    MLOPS_CACHE_DIR: path.join(ctx.tmp, 'cache'),
  };
  let rows: { key: string; 'metrics.val/f1'?: number; note?: string | null }[] = [];
  const once = (): void => {
    const r = spawnSync(process.execPath, args, { cwd: folder, encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`mlops runs list exited ${r.status}: ${r.stderr}`);
    rows = JSON.parse(r.stdout) as typeof rows;
    cpuTimes.push(Number(fs.readFileSync(cpuFile, 'utf8')));
  };
  // The first process: the page cache is warm (the copy was just written) but the listing cache is empty.
  const coldStarted = performance.now();
  once();
  const coldMs = performance.now() - coldStarted;
  ctx.log(`ours, first process (empty listing cache): ${coldMs.toFixed(0)} ms`);
  const ms = await timeMedian(once, 5);
  const notes = rows.filter((r) => r.note?.startsWith('note of run')).length;
  if (rows.length !== RUNS || notes !== RUNS / 10) throw new Error(`ours read ${rows.length} rows, ${notes} notes`);
  const f1 = rows.map((r) => r['metrics.val/f1'] ?? NaN);
  if (f1.some((v, i) => i > 0 && v > f1[i - 1])) throw new Error('ours did not sort by val/f1');
  const cpu = cpuTimes.slice(1).sort((a, b) => a - b)[2] ?? NaN;
  ctx.log(`ours, process: ${rows.length} rows, sorted, as JSON in ${ms.toFixed(0)} ms (CPU ${cpu.toFixed(0)} ms)`);

  // Ours in-process: the core listing function the CLI and the Runs panel call (read, rows, notes), then sort and
  // JSON; without the listing cache, as search_runs has none (median of 5), and with it filled (median of 5).
  const listOnce = async (cacheDir?: string): Promise<void> => {
    const cache = cacheDir === undefined ? undefined : listingCache(cacheDir);
    const { rows: collected } = await collectRows(folder, { context: { cache } });
    const sorted = sortRows(collected, [parseSortKey('metrics.val/f1:desc')]);
    if (collected.length !== RUNS || exportRows(sorted, columnsOf(sorted), 'json').length < RUNS)
      throw new Error('ours in-process: no output');
  };
  // CPU time (user + system) of each uncached listing too: on a busy machine wall times swing.
  const inProcessCpu: number[] = [];
  const inProcess = await timeMedian(async () => {
    const cpuStarted = process.cpuUsage();
    await listOnce();
    const used = process.cpuUsage(cpuStarted);
    inProcessCpu.push((used.user + used.system) / 1000);
  }, 5);
  const inProcessCpuMs = inProcessCpu.sort((a, b) => a - b)[2] ?? NaN;
  const cacheDir = path.join(ctx.tmp, 'in-process-cache');
  await listOnce(cacheDir);
  const inProcessCached = await timeMedian(() => listOnce(cacheDir), 5);
  ctx.log(
    `ours, in-process: ${inProcess.toFixed(0)} ms (CPU ${inProcessCpuMs.toFixed(0)} ms); with the listing cache filled: ${inProcessCached.toFixed(0)} ms`,
  );

  // What no reader can go below on this machine: every folder of the store listed and every file opened, read whole
  // and closed once, nothing parsed (median of 5, warm). An uncached listing reads all of it.
  const floorMs = await timeMedian(() => {
    const buffer = Buffer.allocUnsafe(1 << 16);
    const walk = (dir: string): number => {
      let bytes = 0;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) bytes += walk(full);
        else {
          const fd = fs.openSync(full, 'r');
          for (let n = fs.readSync(fd, buffer); n > 0; n = fs.readSync(fd, buffer)) bytes += n;
          fs.closeSync(fd);
        }
      }
      return bytes;
    };
    if (walk(kind === 'file' ? path.join(folder, 'mlruns') : folder) === 0) throw new Error('read nothing');
  }, 5);
  ctx.log(
    `reading every file of the store once, nothing parsed: ${floorMs.toFixed(0)} ms (${(floorMs / 1000 / out.seconds).toFixed(3)} of search_runs in-process)`,
  );

  const processRatio = ms / pythonMs;
  const inProcessRatio = inProcess / 1000 / out.seconds;
  const data = `${RUNS} runs x 10 params x 10 metrics x 20 steps, some notes, written by the mlflow client (${store})`;
  return [
    {
      id: ids.process,
      value: ms,
      unit: 'ms',
      baseline: 'python -c: import mlflow, search_runs (all pages), print JSON (median of 5)',
      baselineValue: pythonMs,
      ratio: processRatio,
      target: 'ratio <= 0.1',
      met: processRatio <= 0.1,
      notes: `Process vs process, what a user runs. Ours: \`mlops runs list --format json --sort metrics.val/f1:desc\` as a whole node process (start, load the CLI, discover the folder's sources, read the store, rows, notes, sort, print JSON), median of 5 with the listing cache filled by a first process (which took ${coldMs.toFixed(0)} ms: ratio ${(coldMs / pythonMs).toFixed(2)}). CPU time (user + system, steadier than wall time on a busy machine): ours ${cpu.toFixed(0)} ms, mlflow ${pythonCpuMs.toFixed(0)} ms (ratio ${(cpu / pythonCpuMs).toFixed(2)}). mlflow: a whole \`python -c\` process that imports mlflow, lists the experiments, calls MlflowClient.search_runs for every page and prints the runs as JSON (Run.to_dictionary). ${data}.`,
    },
    {
      id: ids.inProcess,
      value: inProcess,
      unit: 'ms',
      baseline: 'MlflowClient.search_runs (all pages), timed inside Python (median of 3)',
      baselineValue: out.seconds * 1000,
      ratio: inProcessRatio,
      target: 'ratio <= 0.1',
      met: inProcessRatio <= 0.1,
      notes: `In-process vs in-process, neither side's start nor imports. Ours: collectRows (the core function the CLI and the Runs panel call: discover, read, rows, notes) then sort and JSON, in a warm node process without the listing cache (median of 5); with the listing cache filled it takes ${inProcessCached.toFixed(0)} ms (ratio ${(inProcessCached / 1000 / out.seconds).toFixed(2)}). mlflow: search_experiments then search_runs for every page (no output). CPU time (user + system): ours ${inProcessCpuMs.toFixed(0)} ms, mlflow ${(out.cpu * 1000).toFixed(0)} ms (ratio ${(inProcessCpuMs / 1000 / out.cpu).toFixed(2)}). Reading every file of the store once and parsing nothing takes ${floorMs.toFixed(0)} ms here (ratio ${(floorMs / 1000 / out.seconds).toFixed(3)}): the floor of any uncached listing. ${data}.`,
    },
  ];
}

export const benchmarks: Benchmark[] = [
  {
    id: `runs-list-mlflow-${RUNS}`,
    title: `mlops runs list over ${RUNS} MLflow runs in a file store vs MlflowClient.search_runs (process and in-process pairs)`,
    run: (ctx) => measure('file', ctx),
  },
  {
    id: `runs-list-mlflow-${RUNS}-db`,
    title: `mlops runs list over ${RUNS} MLflow runs in mlflow.db vs MlflowClient.search_runs (process and in-process pairs)`,
    run: (ctx) => measure('db', ctx),
  },
];
