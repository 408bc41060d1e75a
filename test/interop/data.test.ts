// Profiles against pandas and drift scores against scipy (with Evidently's test choice) on data written by pandas
// (CSV with delimiters, quotes and line breaks in text) and pyarrow (snappy Parquet); drift tests, scores and
// verdicts against Evidently itself (pinned; its legacy Report with DataDriftPreset) on the same two versions.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { driftReport } from '../../src/core/data/drift';
import { collectDataset, type CollectedDataset } from '../../src/core/data/profile';

const root = path.resolve(__dirname, '..', '..', '..');
const python = process.env.MLOPS_PYTHON;

interface Expected {
  profile: Record<
    string,
    { nulls: number; distinct: number; mean?: number; std?: number; min?: number; max?: number; quantiles?: number[] }
  >;
  drift: { columns: Record<string, { test: string; score: number; drifted: boolean }>; drifted: boolean };
  driftSmall: Expected['drift'];
}

interface EvidentlyDrift {
  columns: Record<string, { test: string; score: number; threshold: number; drifted: boolean }>;
  drifted: boolean;
  share: number;
}

/** Evidently's names of the tests (stattest_name). */
const EVIDENTLY_TESTS: Record<string, string> = {
  ks: 'K-S p_value',
  'chi-squared': 'chi-square p_value',
  'z-test': 'Z-test p_value',
  wasserstein: 'Wasserstein distance (normed)',
  'jensen-shannon': 'Jensen-Shannon distance',
};

const near = (a: number | undefined, b: number | undefined, rel = 1e-9, what = ''): void =>
  assert.ok(
    a !== undefined && b !== undefined && Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)),
    `${what}: ${String(a)} vs ${String(b)}`,
  );

describe('interop: data metrics against pandas, scipy and Evidently', function () {
  this.timeout(240_000);
  let tmp: string;
  let expected: Expected;
  let evidently: { version: string; drift: EvidentlyDrift; driftSmall: EvidentlyDrift };
  const read = (file: string, format: 'csv' | 'parquet'): Promise<CollectedDataset> =>
    collectDataset({ source: { kind: 'file', path: path.join(tmp, file) }, format, path: file });

  before(function () {
    if (!python) this.skip();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-interop-data-'));
    execFileSync(python, [path.join(root, 'test', 'interop', 'data', 'oracle.py'), tmp, '5000']);
    expected = JSON.parse(fs.readFileSync(path.join(tmp, 'expected.json'), 'utf8')) as Expected;
    execFileSync(python, [path.join(root, 'test', 'interop', 'data', 'evidently_verdicts.py'), tmp]);
    evidently = JSON.parse(fs.readFileSync(path.join(tmp, 'evidently.json'), 'utf8')) as typeof evidently;
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  for (const [file, format] of [
    ['ref.csv', 'csv'],
    ['ref.parquet', 'parquet'],
  ] as const) {
    it(`profile of ${file} equals pandas (isna, nunique, describe, quantile)`, async () => {
      const { profile } = await read(file, format);
      assert.equal(profile.rows, 5000);
      for (const [name, want] of Object.entries(expected.profile)) {
        const c = profile.columns.find((x) => x.name === name);
        assert.ok(c, name);
        assert.equal(c.nulls, want.nulls, `${name} nulls`);
        assert.equal(c.distinct.value, want.distinct, `${name} distinct`);
        if (want.mean === undefined) continue;
        near(c.mean, want.mean, 1e-9, `${name} mean`);
        near(c.std, want.std, 1e-9, `${name} std`);
        near(c.min as number, want.min, 0, `${name} min`);
        near(c.max as number, want.max, 0, `${name} max`);
        const q = ['0.05', '0.25', '0.5', '0.75', '0.95'].map((k) => c.quantiles?.[k]?.value);
        q.forEach((v, i) => near(v, want.quantiles?.[i], 1e-12, `${name} q${i}`));
      }
    });
  }

  it('drift tests, scores and verdicts equal scipy and Evidently itself (large and small references)', async () => {
    const ref = await read('ref.csv', 'csv');
    const cur = await read('cur.csv', 'csv');
    const check = (report: ReturnType<typeof driftReport>, want: Expected['drift']): void => {
      for (const c of report.columns) {
        const w = want.columns[c.column];
        assert.ok(w, c.column);
        assert.equal(c.test, w.test, c.column);
        near(c.score, w.score, c.test === 'ks' ? 1e-6 : 1e-9, `${c.column} ${c.test}`);
        assert.equal(c.drifted, w.drifted, `${c.column} verdict`);
      }
      assert.equal(report.columns.length, Object.keys(want.columns).length);
      assert.equal(report.drifted, want.drifted);
    };
    check(
      driftReport({
        path: 'd',
        reference: { revision: 'a', columns: ref.columns },
        current: { revision: 'b', columns: cur.columns },
      }),
      expected.drift,
    );
    const head = async (file: string, n: number): Promise<CollectedDataset> => {
      const lines: string[] = [];
      // The first n records (text fields may hold line breaks): re-read through the profile's own reader.
      const all = fs.readFileSync(path.join(tmp, file), 'utf8');
      let count = -1;
      let inQuote = false;
      let start = 0;
      for (let i = 0; i < all.length; i++) {
        const ch = all[i];
        if (ch === '"') inQuote = !inQuote;
        if (ch === '\n' && !inQuote) {
          lines.push(all.slice(start, i + 1));
          start = i + 1;
          if (++count === n) break;
        }
      }
      return collectDataset({
        source: { kind: 'buffer', bytes: Buffer.from(lines.join('')), name: file },
        format: 'csv',
        path: file,
      });
    };
    const small = driftReport({
      path: 'd',
      reference: { revision: 'a', columns: (await head('ref.csv', 800)).columns },
      current: { revision: 'b', columns: (await head('cur.csv', 600)).columns },
    });
    check(small, expected.driftSmall);
    const large = driftReport({
      path: 'd',
      reference: { revision: 'a', columns: ref.columns },
      current: { revision: 'b', columns: cur.columns },
    });
    // Evidently itself: per column the test it chose, its score and its verdict; the dataset's verdict and share.
    for (const [report, want] of [
      [large, evidently.drift],
      [small, evidently.driftSmall],
    ] as const) {
      assert.equal(report.columns.length, Object.keys(want.columns).length);
      for (const c of report.columns) {
        const w = want.columns[c.column];
        assert.ok(w, c.column);
        assert.equal(EVIDENTLY_TESTS[c.test], w.test, `${c.column}: Evidently ${evidently.version} chose ${w.test}`);
        near(c.score, w.score, c.test === 'ks' ? 1e-6 : 1e-9, `${c.column} ${c.test} vs Evidently`);
        assert.equal(c.threshold, w.threshold, `${c.column} threshold`);
        assert.equal(c.drifted, w.drifted, `${c.column} verdict vs Evidently`);
      }
      assert.equal(report.drifted, want.drifted, 'dataset verdict vs Evidently');
      near(report.share, want.share, 1e-12, 'share of drifted columns vs Evidently');
    }
  });
});
