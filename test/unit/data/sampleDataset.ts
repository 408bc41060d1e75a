// A typed sample of the data-metrics model shaped like the demo's data/transactions.csv (three versions, the newest
// drifting on amount and merchant_category), for the Dataset panel's tests. Figures are plausible, not computed.
import type {
  ColumnProfile,
  DatasetProfile,
  DriftReport,
  HistogramBin,
  SchemaViolation,
} from '../../../src/core/data/model';
import type { DatasetFacts, DatasetVersionInfo } from '../../../src/protocol/dataset';

function bins(lower: number, width: number, counts: number[]): HistogramBin[] {
  return counts.map((count, i) => ({ lower: lower + i * width, upper: lower + (i + 1) * width, count }));
}

const exact = (value: number) => ({ value, exact: true });

function amount(scale: number, counts: number[]): ColumnProfile {
  return {
    name: 'amount',
    type: 'number',
    count: 20_000,
    nulls: 0,
    distinct: exact(15_873),
    min: 0.62,
    max: 2_981.4 * scale,
    mean: 54.3 * scale,
    std: 71.8 * scale,
    quantiles: {
      '0.05': exact(4.91 * scale),
      '0.25': exact(14.2 * scale),
      '0.5': exact(30.1 * scale),
      '0.75': exact(62.4 * scale),
      '0.95': exact(181.5 * scale),
    },
    histogram: bins(0, 25 * scale, counts),
  };
}

const CATEGORIES = ['grocery', 'online_retail', 'restaurants', 'fuel', 'travel', 'electronics', 'gaming', 'pharmacy'];

function category(counts: number[]): ColumnProfile {
  const top = CATEGORIES.map((value, i) => ({ value, count: counts[i] ?? 0 })).sort((a, b) => b.count - a.count);
  return {
    name: 'merchant_category',
    type: 'categorical',
    count: 20_000,
    nulls: 0,
    distinct: exact(8),
    min: 'electronics',
    max: 'travel',
    topValues: top,
    length: { min: 4, max: 13, mean: 8.2 },
  };
}

function common(): ColumnProfile[] {
  return [
    {
      name: 'transaction_id',
      type: 'string',
      count: 20_000,
      nulls: 0,
      distinct: exact(20_000),
      min: 'tx-0-000000',
      max: 'tx-0-019999',
      topValues: [{ value: 'tx-0-000000', count: 1 }],
      length: { min: 11, max: 11, mean: 11 },
    },
    {
      name: 'country',
      type: 'categorical',
      count: 19_950,
      nulls: 50,
      distinct: exact(8),
      topValues: [
        { value: 'US', count: 7_980 },
        { value: 'GB', count: 2_390 },
        { value: 'DE', count: 1_996 },
        { value: 'FR', count: 1_797 },
        { value: 'IN', count: 1_800 },
        { value: 'BR', count: 1_600 },
        { value: 'NG', count: 1_197 },
        { value: 'JP', count: 1_190 },
      ],
      length: { min: 2, max: 2, mean: 2 },
    },
    {
      name: 'hour',
      type: 'integer',
      count: 20_000,
      nulls: 0,
      distinct: exact(24),
      min: 0,
      max: 23,
      mean: 11.5,
      std: 6.92,
      quantiles: { '0.05': exact(1), '0.25': exact(6), '0.5': exact(12), '0.75': exact(17), '0.95': exact(22) },
      histogram: bins(0, 2, [1680, 1650, 1702, 1666, 1640, 1671, 1689, 1655, 1662, 1690, 1650, 1645]),
    },
    {
      name: 'is_fraud',
      type: 'boolean',
      count: 20_000,
      nulls: 0,
      distinct: exact(2),
      min: 0,
      max: 1,
      mean: 0.021,
      std: 0.143,
      histogram: bins(0, 0.5, [19_580, 420]),
      topValues: [
        { value: '0', count: 19_580 },
        { value: '1', count: 420 },
      ],
    },
  ];
}

export function sampleProfile(revision = 'workspace', drifted = true): DatasetProfile {
  return {
    path: 'data/transactions.csv',
    revision,
    format: 'csv',
    hash: 'd41d8cd98f00b204e9800998ecf8427e',
    bytes: 1_187_342,
    rows: 20_000,
    columns: [
      common()[0],
      drifted
        ? amount(1.35, [5200, 5100, 3300, 2100, 1400, 900, 700, 500, 400, 400])
        : amount(1, [7100, 5200, 3000, 1800, 1100, 700, 500, 300, 200, 100]),
      drifted
        ? category([2800, 6000, 1200, 2000, 1200, 2000, 3600, 1200])
        : category([4800, 1800, 1400, 3600, 2800, 3200, 800, 1600]),
      ...common().slice(1),
    ],
    badRows: { count: 0, lines: [] },
    dialect: { delimiter: ',', quote: '"', header: true, encoding: 'utf-8' },
    exact: true,
  };
}

export const sampleVersions: DatasetVersionInfo[] = [
  { revision: 'workspace', label: 'Working tree', date: '2026-11-30T09:00:00Z', source: 'workspace', available: true },
  {
    revision: '9f2c1e7',
    label: '9f2c1e7 Retrain on latest transactions',
    date: '2026-11-30T09:00:00Z',
    source: 'git',
    available: true,
  },
  {
    revision: '4b7d0a2',
    label: '4b7d0a2 Add October transactions',
    date: '2026-08-02T10:00:00Z',
    source: 'git',
    available: true,
  },
  {
    revision: '1c9e8f3',
    label: '1c9e8f3 Initial transactions',
    date: '2026-04-04T12:00:00Z',
    source: 'dvc',
    available: false,
  },
];

export const sampleFacts: DatasetFacts = {
  lastChange: '2026-11-30T09:00:00Z',
  updateFrequency: '3 versions in 240 days (about every 120 days)',
};

export const sampleViolations: SchemaViolation[] = [
  { column: 'amount', rule: 'max', message: 'amount above the maximum 2500', rows: [812, 4410, 17_003], count: 3 },
  {
    column: 'country',
    rule: 'nullable',
    message: 'country is empty but not nullable',
    rows: [7, 19, 112, 260, 301],
    count: 50,
  },
];

export function sampleDrift(): DriftReport {
  return {
    path: 'data/transactions.csv',
    reference: '4b7d0a2',
    current: 'workspace',
    columns: [
      { column: 'transaction_id', test: 'jensen-shannon', score: 0.8326, threshold: 0.1, drifted: true },
      { column: 'amount', test: 'wasserstein', score: 0.3127, threshold: 0.1, drifted: true },
      { column: 'merchant_category', test: 'jensen-shannon', score: 0.2415, threshold: 0.1, drifted: true },
      { column: 'country', test: 'jensen-shannon', score: 0.0121, threshold: 0.1, drifted: false },
      { column: 'hour', test: 'wasserstein', score: 0.0094, threshold: 0.1, drifted: false },
      { column: 'is_fraud', test: 'jensen-shannon', score: 0.0213, threshold: 0.1, drifted: false },
    ],
    share: 0.5,
    shareThreshold: 0.5,
    drifted: true,
  };
}

/** Column names a hostile dataset may have: every one must show as text. */
export const HOSTILE_NAMES = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  '"><svg onload=window.__pwned=3>',
  'a|b`c`\n**bold**',
];

export function hostileProfile(): DatasetProfile {
  const profile = sampleProfile();
  profile.path = 'data/<b>evil</b>.csv';
  profile.columns = HOSTILE_NAMES.map((name, i) => ({
    ...category([10 + i, 5, 3]),
    name,
    topValues: [
      { value: HOSTILE_NAMES[(i + 1) % HOSTILE_NAMES.length], count: 10 },
      { value: '<iframe src="javascript:window.__pwned=4">', count: 5 },
    ],
  }));
  return profile;
}
