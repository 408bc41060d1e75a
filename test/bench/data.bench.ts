// Data metrics: an exact profile of a 200 MB CSV (2.5M rows x 9 columns) and of the same data as snappy Parquet,
// and the drift report of two 1M-row versions with 20 columns. Ours runs as `mlops data` in a child process (peak
// RSS by /usr/bin/time); the baseline is DuckDB (Python package, one thread) computing the same statistics when the
// interop environment has it, else pandas (stated in the notes); drift compares with scipy's tests on the same data.
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

/** Wall seconds and peak RSS (MB) of `mlops data ...` in a child process. */
function ours(args: string[], cwd: string): { seconds: number; rssMb: number; stdout: string } {
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, 'data', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0 && run.status !== 1) throw new Error(`mlops data failed: ${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  return { seconds, rssMb: Number(lines.at(-1)) / 1024, stdout: run.stdout };
}

const BASELINE = `
import sys, time, json
path, kind = sys.argv[1], sys.argv[2]
try:
    import duckdb
    con = duckdb.connect(config={'threads': 1})
    src = f"read_csv_auto('{path}')" if kind == 'csv' else f"read_parquet('{path}')"
    cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
    exprs = []
    for c in cols:
        q = '"' + c + '"'
        exprs += [f"count({q})", f"count(*) - count({q})", f"count(DISTINCT {q})", f"min({q})", f"max({q})"]
    t = time.perf_counter()
    con.execute(f"CREATE TEMP TABLE t AS SELECT * FROM {src}")
    num = [r[0] for r in con.execute("DESCRIBE t").fetchall() if r[1] in ('DOUBLE','BIGINT','INTEGER')]
    for c in cols:
        q = '"' + c + '"'
        con.execute(f"SELECT count({q}), count(*)-count({q}), count(DISTINCT {q}), min({q}), max({q}) FROM t").fetchall()
    for c in num:
        q = '"' + c + '"'
        con.execute(f"SELECT avg({q}), stddev_samp({q}), quantile_cont({q}, [0.05,0.25,0.5,0.75,0.95]) FROM t").fetchall()
    print(json.dumps({'seconds': time.perf_counter() - t, 'tool': 'duckdb ' + duckdb.__version__ + ' (1 thread)'}))
except ImportError:
    import pandas as pd
    t = time.perf_counter()
    df = pd.read_csv(path) if kind == 'csv' else pd.read_parquet(path)
    df.describe(); df.isna().sum(); df.nunique(); df.select_dtypes('number').quantile([0.05,0.25,0.5,0.75,0.95])
    print(json.dumps({'seconds': time.perf_counter() - t, 'tool': 'pandas ' + pd.__version__ + ' (duckdb is not in the interop environment)'}))
`;

function baseline(ctx: BenchContext, file: string, kind: 'csv' | 'parquet'): { seconds: number; tool: string } {
  if (!ctx.python) throw new Error('the interop Python environment is missing: run `node scripts/setupPython.mjs`');
  const script = path.join(ctx.tmp, 'baseline.py');
  fs.writeFileSync(script, BASELINE);
  return JSON.parse(execFileSync(ctx.python, [script, file, kind], { encoding: 'utf8' })) as {
    seconds: number;
    tool: string;
  };
}

async function profileCsv(ctx: BenchContext): Promise<Measure> {
  const file = bigCsv();
  const size = fs.statSync(file).size;
  const run = ours(['profile', file, '--format', 'json'], path.dirname(file));
  const profile = JSON.parse(run.stdout) as { rows: number; exact: boolean };
  ctx.log(
    `ours: ${run.seconds.toFixed(2)} s, peak RSS ${run.rssMb.toFixed(0)} MB, ${profile.rows} rows, exact ${String(profile.exact)}`,
  );
  const base = baseline(ctx, file, 'csv');
  ctx.log(`${base.tool}: ${base.seconds.toFixed(2)} s`);
  const ratio = run.seconds / base.seconds;
  return Promise.resolve({
    id: 'data-profile-csv-200mb',
    value: run.seconds,
    unit: 's',
    baseline: base.tool,
    baselineValue: base.seconds,
    ratio,
    target: 'ratio <= 1.5, peak RSS <= 300 MB',
    met: ratio <= 1.5 && run.rssMb <= 300,
    notes: `${(size / 1e6).toFixed(0)} MB, ${profile.rows} rows x 9 columns, exact profile; ours includes Node start-up and the sha256 of the file; peak RSS ${run.rssMb.toFixed(0)} MB`,
  });
}

export const benchmarks: Benchmark[] = [
  {
    id: 'data-profile-csv-200mb',
    title: 'Exact profile of a 200 MB CSV (mlops data profile vs DuckDB)',
    run: profileCsv,
  },
];
