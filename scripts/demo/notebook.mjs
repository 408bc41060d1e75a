// Demo notebooks serialised exactly as Jupyter writes them: keys sorted, one-space indent, non-ASCII kept,
// a trailing newline. 'eda' is nbformat 4.5 with cell ids; 'eval' is 4.4 without.

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys(value[k])]),
    );
  }
  return value;
}

export function serializeNotebook(nb) {
  return JSON.stringify(sortKeys(nb), null, 1) + '\n';
}

const lines = (text) => {
  const parts = text.split('\n');
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l)).filter((l) => l !== '');
};

const kernel = {
  kernelspec: { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' },
  language_info: {
    codemirror_mode: { name: 'ipython', version: 3 },
    file_extension: '.py',
    mimetype: 'text/x-python',
    name: 'python',
    nbconvert_exporter: 'python',
    pygments_lexer: 'ipython3',
    version: '3.11.9',
  },
};

function idFor(rng) {
  return Math.floor(rng.next() * 0xffffffff)
    .toString(16)
    .padStart(8, '0');
}

export function notebookJson(kind, { rng, run, dataVersion, metrics, png }) {
  let count = (run - 1) * 7;
  const code = (source, outputs = []) => ({
    cell_type: 'code',
    execution_count: ++count,
    metadata: {},
    outputs,
    source: lines(source),
  });
  const md = (source) => ({ cell_type: 'markdown', metadata: {}, source: lines(source) });
  const result = (text, html) => ({
    data: { 'text/plain': lines(text), ...(html ? { 'text/html': lines(html) } : {}) },
    execution_count: count + 1,
    metadata: {},
    output_type: 'execute_result',
  });
  const stream = (text) => ({ name: 'stdout', output_type: 'stream', text: lines(text) });
  const image = () => ({
    data: { 'image/png': png, 'text/plain': ['<Figure size 640x360 with 1 Axes>'] },
    metadata: {},
    output_type: 'display_data',
  });
  let cells;
  if (kind === 'eda') {
    const rows = 20_000;
    const fraudRate = (0.011 + 0.004 * dataVersion + 0.001 * rng.next()).toFixed(4);
    const mean = (48 + 14 * dataVersion + rng.next() * 3).toFixed(2);
    cells = [
      md(
        '# Explore transactions\n\nA first look at the labelled card transactions: volume, amounts, categories and the fraud rate.',
      ),
      code(
        'import pandas as pd\nimport matplotlib.pyplot as plt\n\ndf = pd.read_csv("../data/transactions.csv", parse_dates=["timestamp"])\ndf.shape',
        [result(`(${rows}, 8)`)],
      ),
      code('df["amount"].describe()', [
        result(
          `count    ${rows}.000000\nmean        ${mean}\nstd         ${(Number(mean) * 1.9).toFixed(2)}\nmin          0.41\nmax       ${(4000 + dataVersion * 900).toFixed(2)}\nName: amount, dtype: float64`,
        ),
      ]),
      code('print(f"fraud rate: {df.is_fraud.mean():.4f}")', [stream(`fraud rate: ${fraudRate}\n`)]),
      code(
        'df.merchant_category.value_counts().plot.bar(figsize=(8, 4.5))\nplt.title("Transactions by merchant category")\nplt.show()',
        [image()],
      ),
      md('Online retail and gaming have almost no card-present transactions; watch them for drift.'),
    ];
    for (const cell of cells) cell.id = idFor(rng);
  } else {
    const t = metrics.test;
    cells = [
      md(
        '# Evaluate the fraud classifier\n\nLoads `metrics/eval.json` written by the `evaluate` stage and plots the training curve.',
      ),
      code('import json\nmetrics = json.load(open("../metrics/eval.json"))\nmetrics["test"]', [
        result(`{'precision': ${t.precision}, 'recall': ${t.recall}, 'f1': ${t.f1}, 'roc_auc': ${t.roc_auc}}`),
      ]),
      code('for split in ("train", "validation", "test"):\n    print(split, metrics[split]["f1"])', [
        stream(`train ${metrics.train.f1}\nvalidation ${metrics.validation.f1}\ntest ${t.f1}\n`),
      ]),
      code(
        'import pandas as pd\ncurve = pd.read_csv("../dvclive/plots/metrics/eval/roc_auc.tsv", sep="\\t")\ncurve.plot(x="step", y="roc_auc", figsize=(8, 4.5))',
        [result("<Axes: xlabel='step'>"), image()],
      ),
      md(`Fraud loss prevented on the test period: **$${metrics.fraud_loss_prevented_usd.toLocaleString('en-US')}**.`),
    ];
  }
  const nb = {
    cells,
    metadata: { ...kernel },
    nbformat: 4,
    nbformat_minor: kind === 'eda' ? 5 : 4,
  };
  return serializeNotebook(nb);
}
