import { ChartError } from './types';

/**
 * TensorBoard's smoothing: an exponential moving average, debiased so the first values are not pulled towards
 * zero. `weight` is in [0, 1): 0 returns the values unchanged; 0.99 is very smooth. Non-finite values pass through
 * unchanged and do not disturb the average; a constant series is returned as it is.
 */
export function smoothEma(values: readonly number[], weight: number): number[] {
  if (!Number.isFinite(weight) || weight < 0 || weight >= 1) {
    throw new ChartError(
      `The smoothing weight must be at least 0 and below 1; got ${String(weight)}.`,
      'invalid-input',
    );
  }
  if (weight === 0 || values.length === 0) return values.slice();
  const first = values[0];
  let constant = true;
  for (const v of values) {
    if (v !== first) {
      constant = false;
      break;
    }
  }
  if (constant) return values.slice();
  const out = new Array<number>(values.length);
  let last = 0;
  let accumulated = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) {
      out[i] = value;
      continue;
    }
    last = last * weight + (1 - weight) * value;
    accumulated++;
    out[i] = last / (1 - Math.pow(weight, accumulated));
  }
  return out;
}
