// Operational telemetry: 1 GB of generated prediction logs (JSON Lines) aggregated to per-minute counts and errors,
// error rate, exact p50/p95/p99 latency by model version and top callers. Ours runs as `mlops telemetry summary` in a
// child process (peak RSS by /usr/bin/time); the baseline is DuckDB (Python package, one thread) answering the same
// questions from the same file. The figures of both are compared, so a fast wrong answer does not pass.
// Ours reads a log over 64 MB with up to 4 threads (one per core): the notes say how many, and give the CPU time of
// all of them beside the wall time. telemetry-1gb-jsonl-one-thread runs ours with `--threads 1`, DuckDB's resources.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { logThreads } from '../../src/core/telemetry/parallelLog';
import { type Benchmark, type BenchContext, type Measure } from './types';

const root = path.resolve(__dirname, '..', '..', '..');
const cacheDir = path.join(root, '.cache', 'bench', 'telemetry');
const cli = path.join(root, 'dist', 'cli.js');

const CALLERS = ['checkout-api', 'mobile-app', 'partner-gateway', 'back-office', 'fraud-review', 'batch-scorer'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'NL', 'BR', 'IN', 'NG'];
const T0 = Date.UTC(2026, 2, 1, 0, 0, 0);

/**
 * About `bytes` of prediction log (written once into .cache/bench/telemetry): two versions of one model in a 70/30
 * split, ~1,000 requests a minute, a caller that errs, a latency regression in 2.0.0, logged input features.
 */
function predictionLog(bytes: number): { file: string; lines: number } {
  const label = bytes >= 1e9 ? `${Math.round(bytes / 1e9)}gb` : `${Math.round(bytes / 1e6)}mb`;
  const file = path.join(cacheDir, `predictions-${label}.jsonl`);
  const meta = `${file}.lines`;
  if (fs.existsSync(file) && fs.existsSync(meta)) return { file, lines: Number(fs.readFileSync(meta, 'utf8')) };
  fs.mkdirSync(cacheDir, { recursive: true });
  let s = 0x1b873593;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const fd = fs.openSync(`${file}.tmp`, 'w');
  let written = 0;
  let lines = 0;
  let chunk: string[] = [];
  let time = T0;
  while (written < bytes) {
    time += Math.floor(next() * 120); // ~1,000 requests a minute
    const v2 = next() < 0.3;
    const caller = CALLERS[Math.floor(next() * next() * CALLERS.length)];
    const slow = v2 && time > T0 + 2 * 86_400_000;
    const latency = (8 + 40 * next() * next() + (next() < 0.02 ? 300 * next() : 0)) * (slow ? 1.8 : 1);
    const error = next() < (caller === 'partner-gateway' ? 0.08 : 0.004);
    const line = `{"timestamp":"${new Date(time).toISOString()}","model":"fraud-classifier","model_version":"${v2 ? '2.0.0' : '1.2.0'}","caller":"${caller}","latency_ms":${latency.toFixed(2)},"status":"${error ? 'error' : 'ok'}","memory_mb":${(480 + 60 * next()).toFixed(1)},"features":{"amount":${(5 + 400 * next() * next()).toFixed(2)},"country":"${COUNTRIES[Math.floor(next() * 8)]}","card_present":${next() < 0.4}},"score":${next().toFixed(4)}}`;
    chunk.push(line);
    written += line.length + 1;
    lines++;
    if (chunk.length === 20_000) {
      fs.writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
  fs.renameSync(`${file}.tmp`, file);
  fs.writeFileSync(meta, String(lines));
  return { file, lines };
}

interface Figures {
  versions: { version: string; requests: number; errors: number; p50: number; p95: number; p99: number }[];
  minutes: number;
  topCallers: Record<string, string[]>;
}

interface SummaryJson {
  groups: {
    version: string;
    requests: number;
    errors: number;
    latency: { p50: number; p95: number; p99: number };
    series: unknown[];
    topCallers: { caller: string }[];
  }[];
}

/** Wall seconds and peak RSS (MB) of `mlops telemetry summary` in a child process. */
function ours(
  file: string,
  threads?: number,
): { seconds: number; cpuSeconds: number; rssMb: number; figures: Figures } {
  const started = performance.now();
  const run = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%U %S %M',
      process.execPath,
      cli,
      'telemetry',
      'summary',
      path.dirname(file),
      '--source',
      path.basename(file),
      '--bucket',
      '1m',
      '--format',
      'json',
      ...(threads !== undefined ? ['--threads', String(threads)] : []),
    ],
    { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 },
  );
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`mlops telemetry summary failed: ${run.stderr}`);
  const [user = NaN, system = NaN, rss = NaN] = (run.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  const rssMb = rss / 1024;
  const cpuSeconds = user + system;
  const summary = JSON.parse(run.stdout) as SummaryJson;
  const minutes = summary.groups.reduce((n, g) => n + g.series.length, 0);
  return {
    seconds,
    cpuSeconds,
    rssMb,
    figures: {
      versions: summary.groups.map((g) => ({
        version: g.version,
        requests: g.requests,
        errors: g.errors,
        p50: g.latency.p50,
        p95: g.latency.p95,
        p99: g.latency.p99,
      })),
      minutes,
      topCallers: Object.fromEntries(summary.groups.map((g) => [g.version, g.topCallers.map((c) => c.caller)])),
    },
  };
}

const BASELINE = `
import sys, time, json, duckdb
path = sys.argv[1]
con = duckdb.connect(config={'threads': 1})
t = time.perf_counter()
cpu = time.process_time()
src = f"""read_json('{path}', format='newline_delimited', columns={{'timestamp': 'TIMESTAMP', 'model': 'VARCHAR', 'model_version': 'VARCHAR', 'caller': 'VARCHAR', 'latency_ms': 'DOUBLE', 'status': 'VARCHAR', 'memory_mb': 'DOUBLE'}})"""
con.execute(f"CREATE TEMP TABLE t AS SELECT * FROM {src}")
versions = con.execute("""SELECT model_version, count(*), count(*) FILTER (WHERE status = 'error'),
  quantile_cont(latency_ms, 0.5), quantile_cont(latency_ms, 0.95), quantile_cont(latency_ms, 0.99),
  avg(memory_mb), max(memory_mb), count(DISTINCT caller)
  FROM t GROUP BY ALL ORDER BY 1""").fetchall()
minutes = con.execute("""SELECT model_version, date_trunc('minute', timestamp) AS m, count(*),
  count(*) FILTER (WHERE status = 'error') FROM t GROUP BY ALL""").fetchall()
callers = con.execute("""SELECT model_version, caller, count(*) AS n, count(*) FILTER (WHERE status = 'error')
  FROM t GROUP BY ALL ORDER BY 1, n DESC, caller""").fetchall()
seconds = time.perf_counter() - t
cpu = time.process_time() - cpu
top = {}
for v, c, n, e in callers:
    top.setdefault(v, [])
    if len(top[v]) < 10: top[v].append(c)
print(json.dumps({'seconds': seconds, 'cpuSeconds': cpu, 'tool': 'duckdb ' + duckdb.__version__ + ' (1 thread)',
  'figures': {'versions': [{'version': v, 'requests': n, 'errors': e, 'p50': a, 'p95': b, 'p99': c} for v, n, e, a, b, c, *_ in versions],
              'minutes': len(minutes), 'topCallers': top}}))
`;

function baseline(
  ctx: BenchContext,
  file: string,
): { seconds: number; cpuSeconds: number; tool: string; figures: Figures } {
  if (!ctx.python) throw new Error('the interop Python environment is missing: run `node scripts/setupPython.mjs`');
  const script = path.join(ctx.tmp, 'baseline.py');
  fs.writeFileSync(script, BASELINE);
  return JSON.parse(execFileSync(ctx.python, [script, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as {
    seconds: number;
    cpuSeconds: number;
    tool: string;
    figures: Figures;
  };
}

/** Where ours and DuckDB disagree (percentiles to 1e-6 relative), or '' when they agree. */
function disagreement(a: Figures, b: Figures): string {
  const close = (x: number, y: number): boolean => Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(y));
  const out: string[] = [];
  if (a.minutes !== b.minutes) out.push(`minute points ${a.minutes} vs ${b.minutes}`);
  for (const v of b.versions) {
    const mine = a.versions.find((x) => x.version === v.version);
    if (!mine) {
      out.push(`version ${v.version} missing`);
      continue;
    }
    for (const k of ['requests', 'errors', 'p50', 'p95', 'p99'] as const)
      if (!close(mine[k], v[k])) out.push(`${v.version} ${k} ${mine[k]} vs ${v[k]}`);
    if ((a.topCallers[v.version] ?? []).join() !== (b.topCallers[v.version] ?? []).join())
      out.push(`${v.version} top callers differ`);
  }
  return out.join('; ');
}

/**
 * Ours with its default threads (one per core, up to 4, for a log over 64 MB) and, when `oneThread` is set, with
 * `--threads 1` too: the same resources as DuckDB's one thread. Both against one DuckDB run.
 */
function aggregateJsonl(ctx: BenchContext, bytes: number, id: string, oneThread?: string): Measure[] {
  const { file, lines } = predictionLog(bytes);
  const size = fs.statSync(file).size;
  ctx.log(`${(size / 1e6).toFixed(0)} MB, ${lines} lines`);
  const base = baseline(ctx, file);
  ctx.log(`${base.tool}: ${base.seconds.toFixed(2)} s (CPU ${base.cpuSeconds.toFixed(2)} s)`);
  const measures: Measure[] = [];
  const threadCounts: [string, number][] = [[id, logThreads(size)]];
  if (oneThread) threadCounts.push([oneThread, 1]);
  for (const [measureId, threads] of threadCounts) {
    const run = ours(file, measureId === id ? undefined : threads);
    const differ = disagreement(run.figures, base.figures);
    if (differ) ctx.log(`figures differ: ${differ}`);
    const ratio = run.seconds / base.seconds;
    const cpuRatio = run.cpuSeconds / base.cpuSeconds;
    ctx.log(
      `ours with ${threads} thread${threads === 1 ? '' : 's'}: ${run.seconds.toFixed(2)} s (CPU ${run.cpuSeconds.toFixed(2)} s), peak RSS ${run.rssMb.toFixed(0)} MB; wall ${ratio.toFixed(2)}x, CPU ${cpuRatio.toFixed(2)}x`,
    );
    measures.push({
      id: measureId,
      value: run.seconds,
      unit: 's',
      baseline: base.tool,
      baselineValue: base.seconds,
      ratio,
      target: 'ratio <= 1.5, peak RSS <= 300 MB, same figures',
      met: ratio <= 1.5 && run.rssMb <= 300 && !differ,
      notes: `${(size / 1e6).toFixed(0)} MB, ${lines} requests; ours with ${threads === 1 ? '1 thread (--threads 1)' : `${threads} threads on ${os.availableParallelism()} cores`}, DuckDB with 1; per-minute counts and errors, exact p50/p95/p99 by version (ours also per minute), top callers; ours includes Node start-up; CPU time ours ${run.cpuSeconds.toFixed(2)} s, DuckDB ${base.cpuSeconds.toFixed(2)} s (${cpuRatio.toFixed(2)}x); peak RSS ${run.rssMb.toFixed(0)} MB; figures ${differ ? `differ: ${differ}` : 'equal to DuckDB'}`,
    });
  }
  return measures;
}

export const benchmarks: Benchmark[] = [
  {
    id: 'telemetry-1gb-jsonl',
    title: '1 GB of prediction logs by version and minute (mlops telemetry summary vs DuckDB)',
    run: (ctx) => Promise.resolve(aggregateJsonl(ctx, 1e9, 'telemetry-1gb-jsonl', 'telemetry-1gb-jsonl-one-thread')),
  },
  {
    id: 'telemetry-200mb-jsonl',
    title: '200 MB of prediction logs by version and minute (mlops telemetry summary vs DuckDB)',
    run: (ctx) => Promise.resolve(aggregateJsonl(ctx, 2e8, 'telemetry-200mb-jsonl')),
  },
];
