// A real Prometheus server on 127.0.0.1 for the tests and the benchmark that query one, and a small exporter for it
// to scrape: a model server's series (requests and errors per version and caller, a latency histogram, memory)
// driven by a seeded load whose own counts are the expected figures. Both run on free ports; Prometheus gets a
// temporary TSDB folder (or a given one, e.g. backfilled by promtool) and a 1 s scrape interval. Every wait is bounded.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { errorMessage } from '../../src/core/logging';
import { freePort } from './mlflowServer';
import { seededRandom } from './prng';

/** The `prometheus` binary: MLOPS_PROMETHEUS, else the one on the PATH (Debian's package installs /usr/bin/prometheus). */
export function prometheusBinary(name: 'prometheus' | 'promtool' = 'prometheus'): string {
  const configured = name === 'prometheus' ? process.env.MLOPS_PROMETHEUS : process.env.MLOPS_PROMTOOL;
  if (configured) return configured;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is not installed: install the Debian package 'prometheus' (apt-get install prometheus).`);
}

/** Polls `check` every `intervalMs` until it returns a value, or throws `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (${errorMessage(last)})` : ''}`, {
        cause: last,
      });
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Latency histogram bounds in seconds (the exporter's `le` values, +Inf last). */
export const LATENCY_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export interface ExporterCounts {
  /** Per `version`, then per `caller`. */
  requests: Record<string, Record<string, number>>;
  errors: Record<string, Record<string, number>>;
  /** Every latency served, in seconds, per version. */
  latencies: Record<string, number[]>;
}

export interface ExporterLoad {
  seed: number;
  /** Batches of requests, `intervalMs` apart (so they spread over several scrapes). */
  batches: number;
  perBatch: number;
  intervalMs: number;
}

export interface Exporter {
  url: string;
  /** `127.0.0.1:port`, the scrape target. */
  target: string;
  readonly model: string;
  readonly versions: readonly string[];
  readonly callers: readonly string[];
  /** Serves the seeded load; resolves when the last batch is counted. */
  run(load: ExporterLoad): Promise<void>;
  counts(): ExporterCounts;
  /** Total requests served so far. */
  total(): number;
  /** Bytes of resident memory the exporter reports per version. */
  memoryBytes: Record<string, number>;
  stop(): Promise<void>;
}

/**
 * The exporter: model `churn`, versions `1` and `2` in an A/B split (version 2 slower), callers `web`, `batch` and
 * `crawler` (the crawler's requests fail a third of the time). Every series is exposed from zero before the load.
 */
export async function startExporter(): Promise<Exporter> {
  const model = 'churn';
  const versions = ['1', '2'];
  const callers = ['web', 'batch', 'crawler'];
  const counts: ExporterCounts = { requests: {}, errors: {}, latencies: {} };
  const buckets: Record<string, number[]> = {};
  const sums: Record<string, number> = {};
  const memoryBytes: Record<string, number> = { '1': 512 * 1024 * 1024, '2': 640 * 1024 * 1024 };
  for (const v of versions) {
    counts.requests[v] = Object.fromEntries(callers.map((c) => [c, 0]));
    counts.errors[v] = Object.fromEntries(callers.map((c) => [c, 0]));
    counts.latencies[v] = [];
    buckets[v] = LATENCY_BOUNDS.map(() => 0);
    sums[v] = 0;
  }
  const metrics = (): string => {
    const lines: string[] = ['# HELP model_requests_total Requests served.', '# TYPE model_requests_total counter'];
    for (const v of versions)
      for (const c of callers)
        lines.push(`model_requests_total{model="${model}",version="${v}",caller="${c}"} ${counts.requests[v][c]}`);
    lines.push('# HELP model_errors_total Requests that failed.', '# TYPE model_errors_total counter');
    for (const v of versions)
      for (const c of callers)
        lines.push(`model_errors_total{model="${model}",version="${v}",caller="${c}"} ${counts.errors[v][c]}`);
    lines.push(
      '# HELP model_request_duration_seconds Request latency.',
      '# TYPE model_request_duration_seconds histogram',
    );
    for (const v of versions) {
      LATENCY_BOUNDS.forEach((le, i) =>
        lines.push(
          `model_request_duration_seconds_bucket{model="${model}",version="${v}",le="${le}"} ${buckets[v][i]}`,
        ),
      );
      lines.push(
        `model_request_duration_seconds_bucket{model="${model}",version="${v}",le="+Inf"} ${counts.latencies[v].length}`,
        `model_request_duration_seconds_sum{model="${model}",version="${v}"} ${sums[v]}`,
        `model_request_duration_seconds_count{model="${model}",version="${v}"} ${counts.latencies[v].length}`,
      );
    }
    lines.push('# HELP model_memory_bytes Resident memory.', '# TYPE model_memory_bytes gauge');
    for (const v of versions) lines.push(`model_memory_bytes{model="${model}",version="${v}"} ${memoryBytes[v]}`);
    return `${lines.join('\n')}\n`;
  };
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(metrics());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const serve = (random: () => number): void => {
    const version = random() < 0.5 ? '1' : '2';
    const caller = callers[Math.floor(random() * callers.length)];
    // Version 1 around 20 ms, version 2 around 120 ms (the regression), both with a tail.
    const base = version === '1' ? 0.02 : 0.12;
    const latency = base * (0.5 + random()) * (random() < 0.05 ? 8 : 1);
    const failed = caller === 'crawler' ? random() < 1 / 3 : random() < 0.01;
    counts.requests[version][caller]++;
    if (failed) counts.errors[version][caller]++;
    counts.latencies[version].push(latency);
    sums[version] += latency;
    LATENCY_BOUNDS.forEach((le, i) => {
      if (latency <= le) buckets[version][i]++;
    });
  };
  return {
    url: `http://127.0.0.1:${port}`,
    target: `127.0.0.1:${port}`,
    model,
    versions,
    callers,
    memoryBytes,
    async run(load) {
      const random = seededRandom(load.seed);
      for (let b = 0; b < load.batches; b++) {
        for (let i = 0; i < load.perBatch; i++) serve(random);
        if (b < load.batches - 1) await new Promise((resolve) => setTimeout(resolve, load.intervalMs));
      }
    },
    counts: () => counts,
    total: () => versions.reduce((n, v) => n + callers.reduce((m, c) => m + counts.requests[v][c], 0), 0),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface PrometheusServer {
  url: string;
  tsdb: string;
  log(): string;
  /** Stops it (SIGTERM, SIGKILL after 5 s) and removes a TSDB folder it created. */
  stop(): Promise<void>;
}

/**
 * Starts `prometheus` on a free port scraping `targets` every second, with the TSDB in `tsdb` (default: a new
 * temporary folder), and waits until it is ready (at most 30 s).
 */
export async function startPrometheus(options: {
  targets: string[];
  tsdb?: string;
  scrapeInterval?: string;
}): Promise<PrometheusServer> {
  const binary = prometheusBinary();
  const port = await freePort();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-prometheus-'));
  const tsdb = options.tsdb ?? path.join(work, 'data');
  const interval = options.scrapeInterval ?? '1s';
  const config = path.join(work, 'prometheus.yml');
  fs.writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'scrape_configs:',
      '  - job_name: model-server',
      `    scrape_interval: ${interval}`,
      '    static_configs:',
      `      - targets: [${options.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  let log = '';
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${tsdb}`,
      '--storage.tsdb.retention.time=30d',
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const killOnExit = (): void => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(work, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      'prometheus ready',
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log.slice(-2000)}`);
        const response = await fetch(`${url}/-/ready`);
        return response.ok ? true : undefined;
      },
      30_000,
    );
  } catch (err) {
    await stop();
    throw new Error(`${errorMessage(err)}\n${log.slice(-2000)}`, { cause: err });
  }
  return { url, tsdb, log: () => log, stop };
}

/** An instant query's first value (a plain fetch, independent of the client under test); undefined when empty. */
export async function instantValue(url: string, query: string): Promise<number | undefined> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await response.json()) as { data?: { result?: { value?: [number, string] }[] } };
  const value = body.data?.result?.[0]?.value?.[1];
  return value === undefined ? undefined : Number(value);
}

/** `promtool tsdb create-blocks-from openmetrics <file> <tsdb>`: backfills blocks; throws with its output on failure. */
export function backfill(openMetricsFile: string, tsdb: string): void {
  fs.mkdirSync(tsdb, { recursive: true });
  const result = spawnSync(
    prometheusBinary('promtool'),
    ['tsdb', 'create-blocks-from', 'openmetrics', openMetricsFile, tsdb],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (result.status !== 0) throw new Error(`promtool failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}
