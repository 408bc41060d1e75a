// Runs inputs of one fuzz target and sorts every outcome: parsed, a typed error, or a failure (an untyped error,
// an input over the time limit). Hangs and crashes of the process are caught one level up, by scripts/fuzz.mjs.
import { fuzzInput, type FuzzTarget } from './targets';

export interface FuzzFailure {
  index: number;
  kind: 'untyped-error' | 'slow' | 'hang' | 'crash';
  message: string;
}

export interface FuzzStats {
  inputs: number;
  parsed: number;
  typedErrors: number;
  failures: FuzzFailure[];
  worstMs: number;
  worstIndex: number;
}

export interface FuzzRun {
  seed: number;
  start: number;
  count: number;
  /** An input that takes longer than this counts as a failure (`slow`). */
  timeLimitMs: number;
  /** Called before each input (index) and, with `done`, after it. */
  progress?: (index: number, done: boolean) => void;
}

export async function runTarget(target: FuzzTarget, run: FuzzRun): Promise<FuzzStats> {
  // Node's default depth of stack traces, as the CLI and the extension host run with (mocha raises it to Infinity,
  // which makes every error thrown thousands of frames deep cost milliseconds).
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 10;
  try {
    return await runInputs(target, run);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

async function runInputs(target: FuzzTarget, run: FuzzRun): Promise<FuzzStats> {
  const stats: FuzzStats = { inputs: 0, parsed: 0, typedErrors: 0, failures: [], worstMs: 0, worstIndex: -1 };
  for (let index = run.start; index < run.start + run.count; index++) {
    const input = fuzzInput(target, run.seed, index);
    run.progress?.(index, false);
    const started = performance.now();
    try {
      await target.run(input, index);
      stats.parsed++;
    } catch (err) {
      if (err instanceof target.typedError && err.message.length > 0) stats.typedErrors++;
      else
        stats.failures.push({
          index,
          kind: 'untyped-error',
          message: err instanceof Error ? (err.stack ?? err.message) : String(err),
        });
    }
    const took = performance.now() - started;
    stats.inputs++;
    if (took > stats.worstMs) {
      stats.worstMs = took;
      stats.worstIndex = index;
    }
    if (took > run.timeLimitMs)
      stats.failures.push({ index, kind: 'slow', message: `took ${took.toFixed(0)} ms (limit ${run.timeLimitMs} ms)` });
    run.progress?.(index, true);
  }
  return stats;
}
