// Benchmarks measure ours and a baseline side by side in the same run and report the ratio; they never assert
// on time. `npm run bench [id...]` runs them and writes test-results/bench.json.

export interface Measure {
  id: string;
  value: number;
  unit: string;
  /** What the baseline is (e.g. "git ls-files", "openssl dgst -sha256"); empty when the figure stands alone. */
  baseline: string;
  baselineValue: number | null;
  /** As each benchmark defines it (e.g. ours / baseline time); null without a baseline. */
  ratio: number | null;
  /** The target in words, e.g. "ratio <= 2" or ">= 1M events/s". */
  target: string;
  /** Whether the target was met (information only: benchmarks never fail the build). */
  met?: boolean;
  notes?: string;
}

export interface BenchContext {
  /** A fresh temporary folder for this benchmark, removed afterwards. */
  tmp: string;
  /** The Python of the interop virtual environment, when it exists. */
  python?: string;
  log(message: string): void;
}

export interface Benchmark {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<Measure | Measure[]>;
}

/** Median wall time of `runs` calls, in milliseconds. */
export async function timeMedian(fn: () => unknown, runs = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
