// Compares our TensorBoard reader with what TensorBoard's EventAccumulator read from the same folders (the expected
// JSON written by test/interop/tensorboard/generate.py).
import assert from 'node:assert/strict';
import { findEventRuns, mergeScalars, readEventRun } from '../../../../src/core/formats/tensorboard/runs';
import { readEventFile } from '../../../../src/core/formats/tensorboard/events';

type Float = number | 'NaN' | 'Infinity' | '-Infinity';
export interface ExpectedLogs {
  runs: Record<string, Record<string, [number, number, Float][]>>;
  /** Per run folder, the hyperparameters TensorBoard's HParams plugin reads from its session (typed as stored). */
  hparams: Record<string, Record<string, number | string | boolean>>;
  /** Run folders holding only the HParams experiment definition. */
  definitionOnly: string[];
  /** The same for the HParams log folder (`hparams/` beside `logs/`). */
  hparamsLogs?: ExpectedLogs;
}

function decode(value: Float): number {
  return value === 'NaN' ? NaN : value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : value;
}

/** Asserts every run folder, tag, step, wall time and value matches; returns the number of points compared. */
export async function compareWithTensorBoard(logDir: string, expected: ExpectedLogs): Promise<number> {
  const folders = await findEventRuns(logDir);
  assert.deepEqual(
    folders.map((f) => f.id),
    Object.keys(expected.runs).sort(),
    'run folders',
  );
  let points = 0;
  for (const folder of folders) {
    const want = expected.runs[folder.id];
    const results = [];
    for (const file of folder.files) results.push(await readEventFile(file));
    const merged = mergeScalars(results.map((r) => r.scalars));
    assert.deepEqual(merged.map((c) => c.tag).sort(), Object.keys(want).sort(), `${folder.id}: tags`);
    for (const columns of merged) {
      const rows = want[columns.tag];
      const got = columns.steps.map((step, i) => [step, columns.wallTimes[i], columns.values[i]]);
      assert.deepEqual(
        got,
        rows.map(([step, wall, value]) => [step, wall, decode(value)]),
        `${folder.id}: ${columns.tag}`,
      );
      points += got.length;
    }
    const { run, truncated, definitionOnly } = await readEventRun(folder);
    assert.deepEqual(truncated, []);
    assert.equal(run.source.kind, 'tensorboard');
    // Hyperparameters become params as text (numbers as JavaScript writes them); the definition folder is no run.
    const hparams = expected.hparams[folder.id] ?? {};
    assert.deepEqual(
      run.params,
      Object.fromEntries(Object.entries(hparams).map(([name, value]) => [name, String(value)])),
      `${folder.id}: hparams`,
    );
    assert.equal(definitionOnly, expected.definitionOnly.includes(folder.id), `${folder.id}: definition only`);
    for (const series of run.metrics) {
      const rows = want[series.key];
      assert.deepEqual(
        series.points.map((p) => [p.step, p.timestamp, p.value]),
        rows.map(([step, wall, value]) => [step, wall * 1000, decode(value)]),
        `${folder.id}: ${series.key} as a Run`,
      );
    }
  }
  return points;
}
