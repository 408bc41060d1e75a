// Data metrics: an exact profile of a 200 MB CSV (2.5M rows x 9 columns) and of the same data as snappy Parquet
// written by pyarrow, and the drift report of two 1M-row versions with 20 columns. Ours runs as `mlops data` in a
// child process (peak RSS by /usr/bin/time). The baselines come from the interop environment: DuckDB (one thread,
// one query computing the same statistics: counts, nulls, min/max/mean/std, exact quantiles, exact distinct counts)
// with pandas beside it for the profiles, and Evidently's DataDriftPreset for the drift report.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type Benchmark, type BenchContext, type Measure } from './types';

const root = path.resolve(__dirname, '..', '..', '..');
const cacheDir = path.join(root, '.cache', 'bench', 'data');
const cli = path.join(root, 'dist', 'cli.js');

const CATEGORIES = ['grocery', 'electronics', 'travel', 'restaurants', 'fuel', 'online_retail', 'gaming', 'pharmacy'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'NL', 'BR', 'IN', 'NG'];

/** 2.5M rows x 9 columns (~200 MB), written once into .cache/bench/data. */
function bigCsv(rows = 2_500_000): string {
  const file = path.join(cacheDir, `transactions-${rows}.csv`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(cacheDir, { recursive: true });
  let s = 0x2545f491;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const fd = fs.openSync(`${file}.tmp`, 'w');
  fs.writeSync(fd, 'id,ts,amount,merchant_category,country,card_present,hour,score,note\n');
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    const ts = new Date(Date.UTC(2026, 0, 1) + Math.floor(next() * 300 * 86_400_000)).toISOString().slice(0, 19);
    const amount = Math.exp(3.4 + 1.1 * (next() + next() + next() - 1.5) * 2).toFixed(2);
    const note = next() < 0.1 ? '' : `"note ${Math.floor(next() * 5000)}, ok"`;
    chunk.push(
      `${i},${ts},${amount},${CATEGORIES[Math.floor(next() * 8)]},${COUNTRIES[Math.floor(next() * 8)]},${next() < 0.4 ? 1 : 0},${Math.floor(next() * 24)},${(next() * 100).toFixed(4)},${note}`,
    );
    if (chunk.length === 50_000) {
      fs.writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

/** Wall seconds, CPU seconds (user + system) and peak RSS (MB) of `mlops data ...` in a child process. */
function ours(args: string[], cwd: string): { seconds: number; cpu: number; rssMb: number; stdout: string } {
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%M %U %S', process.execPath, cli, 'data', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0 && run.status !== 1) throw new Error(`mlops data failed: ${run.stderr}`);
  const [rss, user, system] = (run.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return { seconds, cpu: (user ?? NaN) + (system ?? NaN), rssMb: (rss ?? NaN) / 1024, stdout: run.stdout };
}

const BASELINE = `
import sys, time, json
path, kind, peer = sys.argv[1], sys.argv[2], sys.argv[3]
if peer == 'duckdb':
    import duckdb
    con = duckdb.connect(config={'threads': 1})
    con.execute('SET threads=1')
    src = f"read_csv('{path}')" if kind == 'csv' else f"read_parquet('{path}')"
    t, c = time.perf_counter(), time.process_time()
    exprs = []
    for name, typ, *_ in con.execute(f'DESCRIBE SELECT * FROM {src}').fetchall():
        q = '"' + name + '"'
        exprs += [f'count({q})', f'count(*) - count({q})', f'count(DISTINCT {q})', f'min({q})', f'max({q})']
        if typ in ('DOUBLE', 'FLOAT', 'BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT') or typ.startswith('DECIMAL'):
            exprs += [f'avg({q})', f'stddev_samp({q})', f'quantile_cont({q}, [0.05, 0.25, 0.5, 0.75, 0.95])']
    con.execute(f"SELECT {', '.join(exprs)} FROM {src}").fetchall()
    print(json.dumps({'seconds': time.perf_counter() - t, 'cpu': time.process_time() - c, 'tool': f'duckdb {duckdb.__version__} (1 thread)'}))
else:
    import pandas as pd
    t, c = time.perf_counter(), time.process_time()
    df = pd.read_csv(path) if kind == 'csv' else pd.read_parquet(path)
    df.describe(); df.isna().sum(); df.nunique(); df.select_dtypes('number').quantile([0.05, 0.25, 0.5, 0.75, 0.95])
    print(json.dumps({'seconds': time.perf_counter() - t, 'cpu': time.process_time() - c, 'tool': f'pandas {pd.__version__}'}))
`;

function needPython(ctx: BenchContext): string {
  if (!ctx.python) throw new Error('the interop Python environment is missing: run `node scripts/setupPython.mjs`');
  return ctx.python;
}

/** Seconds of a Python peer (its own clock, around the work only: interpreter start-up and imports excluded). */
function baseline(
  ctx: BenchContext,
  file: string,
  kind: 'csv' | 'parquet',
  peer: 'duckdb' | 'pandas',
): { seconds: number; cpu: number; tool: string } {
  const script = path.join(ctx.tmp, 'baseline.py');
  fs.writeFileSync(script, BASELINE);
  return JSON.parse(execFileSync(needPython(ctx), [script, file, kind, peer], { encoding: 'utf8' })) as {
    seconds: number;
    cpu: number;
    tool: string;
  };
}

/** The big CSV as snappy Parquet written by pyarrow (row groups of pyarrow's default size), once. */
function bigParquet(ctx: BenchContext): string {
  const csv = bigCsv();
  const file = csv.replace(/\.csv$/, '.parquet');
  if (fs.existsSync(file)) return file;
  execFileSync(needPython(ctx), [
    '-c',
    'import sys, pyarrow.csv as c, pyarrow.parquet as q; q.write_table(c.read_csv(sys.argv[1]), sys.argv[2] + ".tmp", compression="snappy")',
    csv,
    file,
  ]);
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

async function profile(ctx: BenchContext, file: string, kind: 'csv' | 'parquet', id: string, limit: number) {
  const size = fs.statSync(file).size;
  const run = ours(['profile', path.basename(file), '--format', 'json'], path.dirname(file));
  const profile = JSON.parse(run.stdout) as { rows: number; exact: boolean };
  ctx.log(
    `ours: ${run.seconds.toFixed(2)} s (CPU ${run.cpu.toFixed(2)} s), peak RSS ${run.rssMb.toFixed(0)} MB, ${profile.rows} rows, exact ${String(profile.exact)}`,
  );
  const duck = baseline(ctx, file, kind, 'duckdb');
  ctx.log(`${duck.tool}: ${duck.seconds.toFixed(2)} s (CPU ${duck.cpu.toFixed(2)} s)`);
  const pandas = baseline(ctx, file, kind, 'pandas');
  ctx.log(`${pandas.tool}: ${pandas.seconds.toFixed(2)} s (CPU ${pandas.cpu.toFixed(2)} s)`);
  const ratio = run.seconds / duck.seconds;
  const rssLimit = kind === 'csv' ? 300 : Infinity;
  return Promise.resolve({
    id,
    value: run.seconds,
    unit: 's',
    baseline: duck.tool,
    baselineValue: duck.seconds,
    ratio,
    target: kind === 'csv' ? `ratio <= ${limit}, peak RSS <= 300 MB` : `ratio <= ${limit}`,
    met: ratio <= limit && run.rssMb <= rssLimit,
    notes: `${(size / 1e6).toFixed(0)} MB ${kind === 'csv' ? 'CSV' : 'snappy Parquet (pyarrow)'}, ${profile.rows} rows x 9 columns, exact profile; ours includes Node start-up and the sha256 of the file; peak RSS ${run.rssMb.toFixed(0)} MB; CPU seconds ours ${run.cpu.toFixed(2)} vs DuckDB ${duck.cpu.toFixed(2)} (ratio ${(run.cpu / duck.cpu).toFixed(2)}: steadier than wall time on a busy machine); ${pandas.tool} ${pandas.seconds.toFixed(2)} s (ratio ${(run.seconds / pandas.seconds).toFixed(2)})`,
  });
}

const profileCsv = (ctx: BenchContext): Promise<Measure> =>
  profile(ctx, bigCsv(), 'csv', 'data-profile-csv-200mb', 1.5);

const profileParquet = (ctx: BenchContext): Promise<Measure> =>
  profile(ctx, bigParquet(ctx), 'parquet', 'data-profile-parquet', 3);

/** Two 1M-row versions of a 20-column CSV (12 numeric, 8 categorical; the second drifts on 6), committed to git. */
const DRIFT_DATA = `
import sys, numpy as np, pandas as pd
out, rows, version = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(42 + version)
shift = 0.3 if version == 2 else 0.0
cols = {}
for k in range(12):
    if k % 3 == 0:
        cols[f'n{k}'] = rng.normal(50 + (shift * 10 if k < 6 else 0), 10, rows).round(3)
    elif k % 3 == 1:
        cols[f'n{k}'] = rng.integers(0, 1000 + (300 if shift and k < 6 else 0), rows)
    else:
        cols[f'n{k}'] = rng.exponential(3 + (shift * 3 if k < 6 else 0), rows).round(4)
for k in range(8):
    p = np.ones(6) / 6
    if shift and k < 2:
        p = np.array([0.4, 0.2, 0.1, 0.1, 0.1, 0.1])
    cols[f'c{k}'] = rng.choice([f'cat_{k}_{j}' for j in range(6)], rows, p=p)
pd.DataFrame(cols).to_csv(out, index=False)
`;

function driftRepo(ctx: BenchContext, rows = 1_000_000): string {
  const repo = path.join(cacheDir, `drift-${rows}`);
  if (fs.existsSync(path.join(repo, '.done'))) return repo;
  fs.rmSync(repo, { recursive: true, force: true });
  fs.mkdirSync(repo, { recursive: true });
  const script = path.join(ctx.tmp, 'driftData.py');
  fs.writeFileSync(script, DRIFT_DATA);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], { cwd: repo });
  git('init', '-q');
  for (const version of [1, 2]) {
    execFileSync(needPython(ctx), [script, path.join(repo, 'data.csv'), String(rows), String(version)]);
    git('add', 'data.csv');
    git('commit', '-q', '-m', `version ${version}`);
  }
  fs.writeFileSync(path.join(repo, '.done'), '');
  return repo;
}

const EVIDENTLY = `
import sys, time, json, subprocess, io
import pandas as pd
import evidently
from evidently import Report
from evidently.presets import DataDriftPreset
repo = sys.argv[1]
t, c = time.perf_counter(), time.process_time()
ref = pd.read_csv(io.BytesIO(subprocess.run(['git', 'show', 'HEAD~1:data.csv'], cwd=repo, capture_output=True, check=True).stdout))
cur = pd.read_csv(io.BytesIO(subprocess.run(['git', 'show', 'HEAD:data.csv'], cwd=repo, capture_output=True, check=True).stdout))
read = time.perf_counter() - t
t = time.perf_counter()
snapshot = Report([DataDriftPreset()]).run(current_data=cur, reference_data=ref)
result = snapshot.dict()
report = time.perf_counter() - t
cpu = time.process_time() - c
drifted = [m for m in result['metrics'] if 'DriftedColumnsCount' in m['metric_name']]
print(json.dumps({'read': read, 'report': report, 'cpu': cpu, 'tool': f'evidently {evidently.__version__}', 'drifted': drifted[0]['value'] if drifted else None}))
`;

function drift1m(ctx: BenchContext): Promise<Measure> {
  const repo = driftRepo(ctx);
  const run = ours(['diff', 'data.csv', 'HEAD~1', 'HEAD', '--format', 'json'], repo);
  const report = JSON.parse(run.stdout) as { columns: { drifted: boolean }[]; drifted: boolean };
  const drifted = report.columns.filter((c) => c.drifted).length;
  ctx.log(
    `ours: ${run.seconds.toFixed(2)} s (CPU ${run.cpu.toFixed(2)} s), peak RSS ${run.rssMb.toFixed(0)} MB, ${drifted} of ${report.columns.length} columns drifted`,
  );
  const script = path.join(ctx.tmp, 'evidently_peer.py');
  fs.writeFileSync(script, EVIDENTLY);
  const peer = JSON.parse(execFileSync(needPython(ctx), [script, repo], { encoding: 'utf8' })) as {
    read: number;
    report: number;
    cpu: number;
    tool: string;
    drifted: unknown;
  };
  const seconds = peer.read + peer.report;
  ctx.log(
    `${peer.tool}: ${seconds.toFixed(2)} s (pandas reads ${peer.read.toFixed(2)} s, report ${peer.report.toFixed(2)} s), drifted ${JSON.stringify(peer.drifted)}`,
  );
  const ratio = run.seconds / seconds;
  return Promise.resolve({
    id: 'data-drift-1m',
    value: run.seconds,
    unit: 's',
    baseline: `${peer.tool} DataDriftPreset (with pandas reading both versions)`,
    baselineValue: seconds,
    ratio,
    target: 'ratio <= 0.1',
    met: ratio <= 0.1,
    notes: `two 1M-row x 20-column CSV versions from git; ours includes Node start-up and both git reads; ${drifted} of 20 columns drifted (Evidently: ${JSON.stringify(peer.drifted)}); Evidently's report alone ${peer.report.toFixed(2)} s (ratio ${(run.seconds / peer.report).toFixed(2)}); CPU seconds ours ${run.cpu.toFixed(2)} vs Evidently ${peer.cpu.toFixed(2)} (ratio ${(run.cpu / peer.cpu).toFixed(2)}); peak RSS ${run.rssMb.toFixed(0)} MB`,
  });
}

export const benchmarks: Benchmark[] = [
  {
    id: 'data-profile-csv-200mb',
    title: 'Exact profile of a 200 MB CSV (mlops data profile vs DuckDB one thread)',
    run: profileCsv,
  },
  {
    id: 'data-profile-parquet',
    title: 'Exact profile of the same data as snappy Parquet (mlops data profile vs DuckDB one thread)',
    run: profileParquet,
  },
  {
    id: 'data-drift-1m',
    title: "Drift report of two 1M-row versions, 20 columns (mlops data diff vs Evidently's DataDriftPreset)",
    run: drift1m,
  },
];
