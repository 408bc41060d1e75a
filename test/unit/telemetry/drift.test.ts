import assert from 'node:assert/strict';
import { driftReport } from '../../../src/core/data/drift';
import { collectDataset } from '../../../src/core/data/profile';
import { episodeRange, predictionDrift, type DriftReference } from '../../../src/core/telemetry/drift';
import type { TelemetryEvent } from '../../../src/core/telemetry/types';
import { seededRandom } from '../../helpers/prng';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1); // a UTC midnight

const rng = seededRandom;

const CATEGORIES = ['grocery', 'travel', 'gaming', 'fuel'];

function features(next: () => number, shifted: boolean): { amount: number; category: string; hour: number } {
  const r = next();
  const category = shifted
    ? CATEGORIES[r < 0.1 ? 0 : r < 0.2 ? 1 : r < 0.9 ? 2 : 3]
    : CATEGORIES[r < 0.4 ? 0 : r < 0.6 ? 1 : r < 0.7 ? 2 : 3];
  const amount = Math.round((10 + next() * 90) * (shifted ? 3 : 1) * 100) / 100;
  return { amount, category, hour: Math.floor(next() * 24) };
}

async function referenceOf(rows: number, seed: number): Promise<DriftReference> {
  const next = rng(seed);
  const lines = ['id,amount,category,hour,label'];
  for (let i = 0; i < rows; i++) {
    const f = features(next, false);
    lines.push(`${i},${f.amount},${f.category},${f.hour},${next() < 0.05 ? 1 : 0}`);
  }
  const collected = await collectDataset({
    source: { kind: 'buffer', bytes: Buffer.from(lines.join('\n') + '\n'), name: 'train.csv' },
    format: 'csv',
    path: 'data/train.csv',
  });
  return { path: 'data/train.csv', revision: 'workspace', columns: collected.columns };
}

/** `days` days of events, 400 a day; the days in `shiftedDays` (0-based) shift the inputs. */
function log(days: number, shiftedDays: readonly number[], seed = 5): TelemetryEvent[][] {
  const next = rng(seed);
  const batches: TelemetryEvent[][] = [];
  for (let d = 0; d < days; d++) {
    const batch: TelemetryEvent[] = [];
    for (let i = 0; i < 400; i++) {
      const f = features(next, shiftedDays.includes(d));
      batch.push({
        time: T0 + d * DAY + Math.floor((i / 400) * DAY),
        model: 'fraud',
        version: '1',
        caller: 'app',
        error: false,
        features: { amount: f.amount, category: f.category, hour: f.hour },
      });
    }
    batches.push(batch);
  }
  return batches;
}

describe('prediction drift (logged features against the training data)', () => {
  let reference: DriftReference;
  before(async () => {
    reference = await referenceOf(5000, 11);
  });

  it('finds one episode for consecutive drifted days, with the drifted features and their scores', async () => {
    const [result] = await predictionDrift(log(7, [3, 4]), reference, { drift: { ignore: ['id'] } });
    assert.ok(result);
    assert.equal(result.model, 'fraud');
    assert.equal(result.events, 2800);
    assert.equal(result.withFeatures, 2800);
    assert.deepEqual(
      result.windows.map((w) => [w.from, w.events, w.report?.drifted]),
      [0, 1, 2, 3, 4, 5, 6].map((d) => [T0 + d * DAY, 400, d === 3 || d === 4]),
    );
    assert.equal(result.episodes.length, 1);
    const [episode] = result.episodes;
    assert.equal(episode.from, T0 + 3 * DAY);
    assert.equal(episode.to, T0 + 5 * DAY);
    assert.equal(episode.windows, 2);
    assert.equal(episode.events, 800);
    assert.deepEqual(
      episode.columns.map((c) => [c.column, c.test]),
      [
        ['amount', 'wasserstein'],
        ['category', 'jensen-shannon'],
      ],
    );
    // The label is in the training data but not logged: not tested; the identifier is ignored.
    assert.equal(episode.tested, 3);
    assert.equal(episode.share, 2 / 3);
    assert.equal(episodeRange(episode), '2026-10-04 to 2026-10-06');
  });

  it("judges a window with the data drift engine's own report (same columns, scores and decision)", async () => {
    const batches = log(7, [3, 4]);
    const [result] = await predictionDrift(batches, reference, { drift: { ignore: ['id'] } });
    const day3 = batches[3];
    const current = await collectDataset({
      source: {
        kind: 'buffer',
        bytes: Buffer.from(day3.map((e) => JSON.stringify(e.features)).join('\n') + '\n', 'utf8'),
        name: 'day3.jsonl',
      },
      format: 'jsonl',
      path: 'day3.jsonl',
    });
    const expected = driftReport(
      {
        path: reference.path,
        reference: { revision: 'workspace', columns: reference.columns },
        current: { revision: 'x', columns: current.columns },
      },
      { ignore: ['id'] },
    );
    const report = result.windows[3].report!;
    assert.deepEqual(
      report.columns.map((c) => [c.column, c.test, c.score, c.drifted]),
      expected.columns.map((c) => [c.column, c.test, c.score, c.drifted]),
    );
    assert.equal(report.drifted, true);
  });

  it('makes two episodes of drifted days with a calm day between them, and none without a shift', async () => {
    const [two] = await predictionDrift(log(7, [1, 3, 4]), reference, { drift: { ignore: ['id'] } });
    assert.deepEqual(
      two.episodes.map((e) => [e.from, e.windows]),
      [
        [T0 + DAY, 1],
        [T0 + 3 * DAY, 2],
      ],
    );
    const [calm] = await predictionDrift(log(7, []), reference, { drift: { ignore: ['id'] } });
    assert.equal(calm.episodes.length, 0);
    assert.ok(calm.windows.every((w) => w.report && !w.report.drifted));
  });

  it('judges only the lookback, skips windows with too few events, and follows the share threshold', async () => {
    // 10 days, the shift on day 1: outside a 7-day lookback ending on day 9.
    const [old] = await predictionDrift(log(10, [1]), reference, { drift: { ignore: ['id'] } });
    assert.deepEqual(
      old.windows.map((w) => w.from),
      [3, 4, 5, 6, 7, 8, 9].map((d) => T0 + d * DAY),
    );
    assert.equal(old.episodes.length, 0);
    const [few] = await predictionDrift(log(3, [1]), reference, { minEvents: 401, drift: { ignore: ['id'] } });
    assert.ok(few.windows.every((w) => w.report === undefined));
    assert.equal(few.episodes.length, 0);
    // Two of three features drift: a share threshold of 0.7 is not reached.
    const [strict] = await predictionDrift(log(7, [3]), reference, { drift: { ignore: ['id'], share: 0.7 } });
    assert.equal(strict.windows[3].report!.share, 2 / 3);
    assert.equal(strict.episodes.length, 0);
  });

  it('tests only the configured features and models; events without features are counted, not judged', async () => {
    const batches = log(7, [3]);
    batches[0].push({ time: T0, model: 'fraud', version: '1', caller: '', error: true });
    batches[0].push({ time: T0, model: 'other', version: '1', caller: '', error: false, features: { amount: 1 } });
    const [only] = await predictionDrift(batches, reference, { features: ['category'], models: ['fraud'] });
    assert.equal(only.events, 2801);
    assert.equal(only.withFeatures, 2800);
    assert.deepEqual(
      only.windows[3].report!.columns.map((c) => c.column),
      ['category'],
    );
    assert.deepEqual(
      only.episodes.map((e) => e.columns.map((c) => c.column)),
      [['category']],
    );
    const all = await predictionDrift(batches, reference, {});
    assert.deepEqual(
      all.map((m) => [m.model, m.withFeatures]),
      [
        ['fraud', 2800],
        ['other', 1],
      ],
    );
  });
});
