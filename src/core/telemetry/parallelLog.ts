// Large prediction logs read in parallel: an uncompressed JSON Lines file is cut at line ends into byte ranges, one
// per thread; this thread reads the first range and worker threads (telemetryWorker.ts, the same reader and
// aggregator) read the others. Each range gives an aggregate part (counts per group, bucket and caller, and every
// latency with its bucket, in typed arrays moved between threads without copying); the parts are merged into the one
// aggregator, so the figures, exact percentiles included, are those of a read from start to end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { isGzip } from '../formats/fileHead';
import {
  emptyStats,
  MAX_LISTED_BAD_LINES,
  PredictionLogAbortedError,
  eachPredictionLogEvent,
  type PredictionLogOptions,
  type PredictionLogStats,
} from '../formats/telemetry/predictionLog';
import { createAggregator, EXACT_LATENCY_LIMIT, type AggregatePart, type TelemetryAggregator } from './aggregate';
import type { TelemetryQuery } from './types';

/** Files smaller than this are read by one thread (starting workers costs more than it saves). */
export const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;
/** At most this many threads read one file (this one included). */
export const MAX_LOG_THREADS = 4;
/** The worker's script, next to this module's file (dist/ in the bundles, the transpiled tree in tests). */
export const WORKER_SCRIPT = 'telemetryWorker.js';

/** What a worker reads: one range of a file into an aggregator of the query. */
export interface LogPartRequest {
  file: string;
  range: { start: number; end: number };
  options: Omit<PredictionLogOptions, 'signal' | 'range'>;
  query: TelemetryQuery;
  /** The part's share of the latencies kept exactly: past it the part samples, and the file is read by one thread. */
  exactLatencyLimit: number;
}

export interface LogPartResult {
  part: AggregatePart;
  stats: PredictionLogStats;
}

/** Reads one range of a log into a fresh aggregator (in a worker, or in this thread). */
export async function readLogPart(request: LogPartRequest, signal?: AbortSignal): Promise<LogPartResult> {
  const aggregator = createAggregator(request.query, { exactLatencyLimit: request.exactLatencyLimit });
  const stats = emptyStats();
  const options: PredictionLogOptions = { ...request.options, range: request.range, ...(signal ? { signal } : {}) };
  await eachPredictionLogEvent(request.file, options, stats, (event) => aggregator.add(event));
  return { part: aggregator.part(), stats };
}

/** The buffers of a part's typed arrays, moved (not copied) to the thread that merges it. */
export function transferables(part: AggregatePart): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const group of part.groups) {
    buffers.add(group.latencies.buffer as ArrayBuffer);
    buffers.add(group.units.buffer as ArrayBuffer);
  }
  return [...buffers];
}

/**
 * The size of a file whose bytes can be read in ranges (not gzip: a compressed stream is read from its start), or
 * undefined for a gzip file. Throws the file system's error when it cannot be opened.
 */
export function uncompressedSize(file: string): number | undefined {
  const magic = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    fs.readSync(fd, magic, 0, 2, 0);
    return isGzip(magic) ? undefined : size;
  } finally {
    fs.closeSync(fd);
  }
}

/** How many threads read a file of `size` bytes: 1 below `minBytes`, else one per `minBytes`, up to the cores and 4. */
export function logThreads(
  size: number,
  cores: number = os.availableParallelism(),
  minBytes: number = PARALLEL_MIN_BYTES,
): number {
  if (size < minBytes) return 1;
  return Math.max(1, Math.min(MAX_LOG_THREADS, cores, Math.ceil(size / Math.max(1, minBytes))));
}

/** The offset just after the first line end at or after `at` (`size` when there is none). */
function nextLineStart(fd: number, at: number, size: number, probe: Buffer): number {
  while (at < size) {
    const n = fs.readSync(fd, probe, 0, probe.length, at);
    if (n <= 0) break;
    const nl = probe.subarray(0, n).indexOf(10);
    if (nl >= 0) return at + nl + 1;
    at += n;
  }
  return size;
}

/** Byte ranges of about equal size, each ending just after a line end (the last at the end of the file). */
export function splitAtLines(file: string, size: number, parts: number): { start: number; end: number }[] {
  const cuts = [0];
  const fd = fs.openSync(file, 'r');
  try {
    const probe = Buffer.alloc(64 * 1024);
    for (let k = 1; k < parts; k++) {
      const at = Math.max(Math.floor((size * k) / parts), cuts[cuts.length - 1]!);
      const cut = nextLineStart(fd, at, size, probe);
      if (cut >= size) break;
      if (cut > cuts[cuts.length - 1]!) cuts.push(cut);
    }
  } finally {
    fs.closeSync(fd);
  }
  return cuts.map((start, i) => ({ start, end: cuts[i + 1] ?? size }));
}

/**
 * The last whole lines of a file of `size` bytes, about `bytes` of them: the range from the first line start in the
 * last `bytes`, or the whole file when it is no larger; undefined when those bytes hold no line end.
 */
export function tailRange(file: string, size: number, bytes: number): { start: number; end: number } | undefined {
  if (size <= bytes) return { start: 0, end: size };
  const fd = fs.openSync(file, 'r');
  try {
    const start = nextLineStart(fd, size - bytes, size, Buffer.alloc(64 * 1024));
    return start < size ? { start, end: size } : undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** A worker that could not start or stopped without an answer: the file is then read by one thread. */
class WorkerUnavailable extends Error {}

function readInWorker(script: string, request: LogPartRequest, signal?: AbortSignal): Promise<LogPartResult> {
  return new Promise<LogPartResult>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(script, { workerData: request });
    } catch (err) {
      reject(new WorkerUnavailable(err instanceof Error ? err.message : String(err)));
      return;
    }
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => settle(() => reject(new PredictionLogAbortedError()));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: { result?: LogPartResult; error?: { name: string; message: string } }) => {
      if (message.result) {
        const result = message.result;
        settle(() => resolve(result));
      } else {
        const failure = new Error(message.error?.message ?? 'the worker failed');
        failure.name = message.error?.name ?? 'Error';
        settle(() => reject(failure));
      }
    });
    worker.on('error', (err) => settle(() => reject(new WorkerUnavailable(err.message))));
    worker.on('exit', (code) => settle(() => reject(new WorkerUnavailable(`it exited with code ${code}`))));
  });
}

/** The stats of consecutive ranges as those of one read: line numbers of a range count on from the one before. */
export function joinStats(parts: readonly PredictionLogStats[]): PredictionLogStats {
  const joined = emptyStats();
  for (const stats of parts) {
    for (const bad of stats.bad)
      if (joined.bad.length < MAX_LISTED_BAD_LINES) joined.bad.push({ ...bad, line: joined.lines + bad.line });
    joined.lines += stats.lines;
    joined.events += stats.events;
    joined.badLines += stats.badLines;
  }
  return joined;
}

/**
 * Reads a large uncompressed JSON Lines log in parallel into `into`, filling `stats` as one read would. Answers
 * false, having added nothing, when the file is better read by one thread (small, compressed, features wanted, one
 * core, no worker script), a worker could not run, or the latencies are too many to keep exactly (then one read
 * samples them); the caller then reads it the ordinary way.
 */
export async function aggregateLogInParts(
  file: string,
  options: PredictionLogOptions,
  query: TelemetryQuery,
  into: TelemetryAggregator,
  stats: PredictionLogStats,
  tuning: { workerScript?: string; cores?: number; minBytes?: number; exactLatencyLimit?: number } = {},
): Promise<boolean> {
  const workerScript = tuning.workerScript ?? path.join(__dirname, WORKER_SCRIPT);
  if (options.features || options.range || options.format === 'csv') return false;
  const size = uncompressedSize(file);
  if (size === undefined) return false;
  const threads = logThreads(size, tuning.cores, tuning.minBytes);
  if (threads < 2 || !fs.existsSync(workerScript)) return false;
  const ranges = splitAtLines(file, size, threads);
  if (ranges.length < 2) return false;
  const { signal, ...plain } = options;
  // Each part keeps its share of the exact latencies, so the parts together hold no more than one read would.
  const exactLatencyLimit = Math.floor((tuning.exactLatencyLimit ?? EXACT_LATENCY_LIMIT) / ranges.length);
  const requests = ranges.map((range): LogPartRequest => ({ file, range, options: plain, query, exactLatencyLimit }));
  // Each read stops the others when it fails: a cancel, a read error, or a worker that cannot run.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let results: LogPartResult[];
  try {
    results = await Promise.all(
      requests.map((request, i) =>
        (i === 0 ? readLogPart(request, stop.signal) : readInWorker(workerScript, request, stop.signal)).catch(
          (err: unknown) => {
            stop.abort();
            throw err;
          },
        ),
      ),
    );
  } catch (err) {
    if (signal?.aborted) throw new PredictionLogAbortedError();
    if (err instanceof WorkerUnavailable) return false;
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (!into.merge(results.map((r) => r.part))) return false;
  Object.assign(stats, joinStats(results.map((r) => r.stats)));
  return true;
}
