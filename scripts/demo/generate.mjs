#!/usr/bin/env node
// Writes the demo workspace: a fraud-detection ML project as a git repository with ~40 commits of retraining
// over simulated months. Deterministic (seeded PRNG, fixed dates, one `git fast-import`), no network.
// Usage: node scripts/demo/generate.mjs <dir> [--seed N] [--commits N]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pngChart } from './png.mjs';
import { notebookJson } from './notebook.mjs';

const DAY = 86_400;
const START = Date.UTC(2026, 0, 5, 9, 30) / 1000; // Monday 5 January 2026, 09:30 UTC

export const DEMO = {
  model: 'fraud-classifier',
  releases: [
    { at: 7, version: '1.0.0' },
    { at: 16, version: '1.1.0' },
    { at: 27, version: '1.2.0' },
    { at: 37, version: '2.0.0' },
  ],
  // Registry events after the releases, as GTO writes them (annotated tags): stage assignments `name#stage#N` and
  // a deregistration `name@vX.Y.Z!`, `days` after the release commit. In the end v1.2.0 is in production, v2.0.0
  // in staging, and v1.0.0 is withdrawn.
  registry: [
    { version: '1.0.0', stage: 'production', days: 2 },
    { version: '1.1.0', stage: 'staging', days: 1 },
    { version: '1.1.0', stage: 'production', days: 4 },
    { version: '1.2.0', stage: 'staging', days: 1 },
    { version: '1.2.0', stage: 'production', days: 5 },
    { version: '2.0.0', stage: 'staging', days: 1 },
    { version: '1.0.0', deregister: true, after: '1.2.0', days: 6 },
  ],
  dataVersions: [0, 14, 31],
  authors: [
    { name: 'Ana Ruiz', email: 'ana.ruiz@example.com' },
    { name: 'Ben Okafor', email: 'ben.okafor@example.com' },
    { name: 'Chen Wei', email: 'chen.wei@example.com' },
  ],
};

/** mulberry32: a small, fast, seeded PRNG. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => {
    const u = Math.max(next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  const pick = (items, weights) => {
    let r = next() * weights.reduce((s, w) => s + w, 0);
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r <= 0) return items[i];
    }
    return items[items.length - 1];
  };
  return { next, normal, pick };
}

const round = (x, digits = 4) => Number(x.toFixed(digits));
const md5 = (text) => createHash('md5').update(text).digest('hex');

// ---------------------------------------------------------------------------------------------- datasets

const CATEGORIES = ['grocery', 'electronics', 'travel', 'restaurants', 'fuel', 'online_retail', 'gaming', 'pharmacy'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'NL', 'BR', 'IN', 'NG'];

/** The shape of a transactions snapshot: merchant-category weights (in CATEGORIES order) and an amount scale. */
const NORMAL_MIX = { catWeights: [24, 9, 7, 18, 14, 16, 4, 8], scale: 1 };
/** The newest snapshot drifts: more online retail and gaming, larger amounts. */
const DRIFTED_MIX = { catWeights: [14, 10, 6, 10, 6, 30, 18, 6], scale: 1.35 };
/** The predictions log's drift episode: the same shift, further (mostly online retail and gaming, amounts x2.4). */
const EPISODE_MIX = { catWeights: [6, 8, 4, 6, 4, 36, 30, 6], scale: 1.35 * 1.8 };

/** One transaction's features (the columns the model takes) drawn from a mix. */
function transactionFeatures(rng, mix) {
  const category = rng.pick(CATEGORIES, mix.catWeights);
  const country = rng.pick(COUNTRIES, [40, 12, 10, 9, 6, 8, 9, 6]);
  const cardPresent = rng.next() < (category === 'online_retail' || category === 'gaming' ? 0.05 : 0.7) ? 1 : 0;
  const hour = Math.floor(rng.next() * 24);
  const amount =
    Math.exp(3.4 + 1.1 * rng.normal()) * mix.scale * (category === 'travel' ? 4 : category === 'electronics' ? 3 : 1);
  return { amount, category, country, cardPresent, hour };
}

/** ~20k transactions; version 2 drifts: more online retail and gaming, larger amounts. */
function transactions(rng, version, rows = 20_000) {
  const mix = version === 2 ? DRIFTED_MIX : NORMAL_MIX;
  const lines = ['transaction_id,timestamp,amount,merchant_category,country,card_present,hour,is_fraud'];
  const base = START - 90 * DAY + version * 120 * DAY;
  for (let i = 0; i < rows; i++) {
    const { amount, category, country, cardPresent, hour } = transactionFeatures(rng, mix);
    const risk =
      0.004 +
      (cardPresent ? 0 : 0.02) +
      (hour < 5 ? 0.015 : 0) +
      (amount > 800 ? 0.03 : 0) +
      (country === 'NG' ? 0.01 : 0);
    const fraud = rng.next() < risk ? 1 : 0;
    const ts = new Date((base + Math.floor(rng.next() * 120 * DAY)) * 1000).toISOString().replace('.000Z', 'Z');
    lines.push(
      `tx-${version}-${String(i).padStart(6, '0')},${ts},${amount.toFixed(2)},${category},${country},${cardPresent},${hour},${fraud}`,
    );
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------- training

/** Quality climbs with retraining, dips sometimes, jumps at the 2.0 architecture change. */
function evaluate(rng, i, total) {
  const progress = i / (total - 1);
  const jump = i >= 34 ? 0.04 : 0;
  const dip = i === 12 || i === 23 ? -0.05 : 0;
  const f1Base = 0.6 + 0.2 * Math.sqrt(progress) + jump + dip;
  const split = (offset, noise) => {
    const f1 = Math.min(0.99, f1Base + offset + noise * rng.normal());
    const precision = Math.min(0.995, f1 + 0.03 + 0.01 * rng.normal());
    const recall = Math.max(0.05, (f1 * precision) / (2 * precision - f1));
    const rocAuc = Math.min(0.999, 0.86 + 0.6 * (f1 - 0.55) * 0.5 + 0.004 * rng.normal());
    return { precision: round(precision), recall: round(recall), f1: round(f1), roc_auc: round(rocAuc) };
  };
  const test = split(0, 0.008);
  return {
    train: split(0.07, 0.004),
    validation: split(0.01, 0.008),
    test,
    fraud_loss_prevented_usd: round(180_000 + 950_000 * test.recall * (0.9 + 0.1 * rng.next()), 2),
  };
}

function params(i) {
  const era2 = i >= 34;
  return {
    prepare: { split: 0.2, seed: 20260105 },
    train: {
      model: era2 ? 'gradient_boosting' : 'random_forest',
      n_estimators: 100 + 20 * Math.floor(i / 3),
      max_depth: era2 ? 6 : 8 + (i % 5),
      learning_rate: era2 ? round(0.05 + 0.01 * (i % 3), 3) : null,
      class_weight: i >= 10 ? 'balanced' : null,
      epochs: 20,
    },
    evaluate: { threshold: round(0.5 - 0.01 * (i % 6), 2), seed: 7 },
  };
}

function paramsYaml(p) {
  const v = (x) => (x === null ? 'null' : typeof x === 'string' ? x : String(x));
  return `prepare:
  split: ${p.prepare.split}
  seed: ${p.prepare.seed}
train:
  model: ${p.train.model}
  n_estimators: ${p.train.n_estimators}
  max_depth: ${p.train.max_depth}
  learning_rate: ${v(p.train.learning_rate)}
  class_weight: ${v(p.train.class_weight)}
  epochs: ${p.train.epochs}
evaluate:
  threshold: ${p.evaluate.threshold}
  seed: ${p.evaluate.seed}
`;
}

/** DVCLive-style per-epoch plots: `step<TAB>value` rows, one TSV per metric. */
function epochCurves(rng, metrics, epochs) {
  const loss = ['step\tloss'];
  const auc = ['step\troc_auc'];
  const final = metrics.validation.roc_auc;
  for (let e = 0; e < epochs; e++) {
    const t = (e + 1) / epochs;
    loss.push(`${e}\t${round(0.08 + 0.55 * Math.exp(-4 * t) + 0.01 * rng.normal() * (1 - t), 5)}`);
    auc.push(`${e}\t${round(final - 0.25 * Math.exp(-5 * t) + 0.004 * rng.normal() * (1 - t), 5)}`);
  }
  return { loss: loss.join('\n') + '\n', auc: auc.join('\n') + '\n' };
}

function modelBytes(rng, i, size = 48 * 1024) {
  const buf = Buffer.alloc(size);
  // A pickle header, then deterministic pseudo-random weights.
  Buffer.from([0x80, 0x05, 0x95]).copy(buf, 0);
  for (let k = 3; k < size; k += 4) buf.writeUInt32LE(Math.floor(rng.next() * 2 ** 32) >>> 0, Math.min(k, size - 4));
  buf.writeUInt32LE(i, 3);
  return buf;
}

// ---------------------------------------------------------------------------------------------- static files

const FILES = {
  'README.md': `# Fraud detection

Card-transaction fraud classifier, retrained weekly. The pipeline is described in \`dvc.yaml\`
(prepare -> train -> evaluate); metrics land in \`metrics/eval.json\`, per-epoch curves in \`dvclive/\`.
Model releases are git tags \`fraud-classifier@vX.Y.Z\`; stages are GTO tags (\`fraud-classifier#production#N\`).
`,
  '.gitignore': `__pycache__/
.venv/
/logs/
*.tmp
`,
  '.gitattributes': `*.onnx filter=lfs diff=lfs merge=lfs -text
`,
  'requirements.txt': `pandas==2.2.3
scikit-learn==1.5.2
dvc==3.55.2
dvclive==3.48.0
jupyterlab==4.2.5
matplotlib==3.9.2
`,
  'src/prepare.py': `"""Split transactions into train and test sets."""
import pandas as pd
import yaml

params = yaml.safe_load(open("params.yaml"))["prepare"]
df = pd.read_csv("data/transactions.csv")
test = df.sample(frac=params["split"], random_state=params["seed"])
train = df.drop(test.index)
train.to_csv("data/prepared/train.csv", index=False)
test.to_csv("data/prepared/test.csv", index=False)
`,
  'src/train.py': `"""Train the fraud classifier and log per-epoch curves with DVCLive."""
import pickle

import pandas as pd
import yaml
from dvclive import Live
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier

params = yaml.safe_load(open("params.yaml"))["train"]
train = pd.read_csv("data/prepared/train.csv")
X, y = pd.get_dummies(train.drop(columns=["transaction_id", "timestamp", "is_fraud"])), train["is_fraud"]
with Live() as live:
    model = (GradientBoostingClassifier if params["model"] == "gradient_boosting" else RandomForestClassifier)(
        n_estimators=params["n_estimators"], max_depth=params["max_depth"]
    )
    model.fit(X, y)
    live.log_param("model", params["model"])
pickle.dump(model, open("models/fraud-classifier/model.pkl", "wb"))
`,
  'src/evaluate.py': `"""Evaluate on every split and write metrics/eval.json."""
import json

print(json.dumps({"note": "see metrics/eval.json"}))
`,
  'dvc.yaml': `stages:
  prepare:
    cmd: python src/prepare.py
    deps:
      - src/prepare.py
      - data/transactions.csv
    params:
      - prepare
    outs:
      - data/prepared
  train:
    cmd: python src/train.py
    deps:
      - src/train.py
      - data/prepared
    params:
      - train
    outs:
      - models/fraud-classifier/model.pkl:
          cache: false
    plots:
      - dvclive/plots/metrics/train/loss.tsv:
          x: step
          y: loss
      - dvclive/plots/metrics/eval/roc_auc.tsv:
          x: step
          y: roc_auc
  evaluate:
    cmd: python src/evaluate.py
    deps:
      - src/evaluate.py
      - models/fraud-classifier/model.pkl
      - data/prepared
    params:
      - evaluate
    metrics:
      - metrics/eval.json:
          cache: false
metrics:
  - dvclive/metrics.json
plots:
  - dvclive/plots/metrics:
      x: step
artifacts:
  fraud-classifier:
    path: models/fraud-classifier/model.pkl
    type: model
    desc: Card-transaction fraud classifier
    labels:
      - fraud
      - tabular
  transactions:
    path: data/transactions.csv
    type: dataset
    desc: Card transactions with fraud labels
`,
  'mlops.yaml': `# MLOps Workbench team configuration for the fraud-detection project.
version: 1
project: fraud-detection

models:
  - name: fraud-classifier
    path: models/fraud-classifier/model.pkl
    description: Card-transaction fraud classifier, retrained weekly.
    owner: risk-ml
    stage: production
    datasets: [transactions, holdout]
    metrics: [metrics/eval.json, dvclive/metrics.json]
    tags: [fraud, tabular]
  - name: fraud-classifier-onnx
    path: models/fraud-classifier/fraud-classifier.onnx
    description: ONNX export for the scoring service (stored in Git LFS).
    owner: platform
    stage: staging
    datasets: [transactions]

datasets:
  - name: transactions
    path: data/transactions.csv
    description: Card transactions with fraud labels (about 20k rows a version).
    schema:
      columns:
        transaction_id: { type: string, nullable: false, unique: true, pattern: "^tx-[0-9]+-[0-9]{6}$" }
        timestamp: { type: datetime, nullable: false }
        amount: { type: number, nullable: false, min: 0 }
        merchant_category:
          type: categorical
          allowed: [grocery, electronics, travel, restaurants, fuel, online_retail, gaming, pharmacy]
        country: { type: categorical, allowed: [US, GB, DE, FR, NL, BR, IN, NG] }
        card_present: { type: integer, allowed: [0, 1] }
        hour: { type: integer, min: 0, max: 23 }
        is_fraud: { type: integer, allowed: [0, 1] }
      rows: { min: 10000 }
    drift:
      # Identifiers and timestamps always differ between versions: not tested.
      ignore: [transaction_id, timestamp]
      # Retrain when a third of the features drift (Evidently's default is half).
      share: 0.3
  - name: holdout
    path: data/holdout.csv
    description: Frozen hold-out set, tracked with DVC.

metrics:
  - key: f1
    label: F1 score
    goal: maximize
    threshold: 0.75
  - key: precision
    goal: maximize
    threshold: 0.7
  - key: recall
    goal: maximize
    threshold: 0.7
  - key: roc_auc
    label: ROC AUC
    goal: maximize
    threshold: 0.9
  - key: fraud_loss_prevented_usd
    label: Fraud loss prevented
    unit: USD
    goal: maximize
    # The release bar: v1.2.0, in production, prevented less (the stage-gate check says so); v2.0.0 clears it.
    threshold: 850000
  - key: loss
    goal: minimize

conventions:
  models: models/{name}/{name}-v{version}.{ext}
  datasets: data/{name}.{ext}

exclude:
  - "data/prepared/**"

# Operational telemetry of the deployed model: the scoring service's prediction log (logs/, not in git).
telemetry:
  sources:
    - path: logs/predictions.jsonl
      fields: { features: features, prediction: score }
  slos:
    # Every version of fraud-classifier, judged over the last day of its traffic.
    - model: fraud-classifier
      maxErrorRate: 0.05
      latency: { percentile: 95, maxMs: 250 }
      minRequests: 50
      window: 24h
  # Prediction drift: the logged input features against the training data.
  drift:
    dataset: transactions
`,
  'models/fraud-classifier/model_card.md': `# fraud-classifier

- Task: binary classification of card transactions (fraud / not fraud)
- Training data: \`data/transactions.csv\` (see \`dvc.yaml\`)
- Metrics: \`metrics/eval.json\` per split (train, validation, test)
- Owner: risk-ml
`,
  'data/.gitignore': `/holdout.csv
/prepared
`,
};

function lfsPointer(content) {
  const oid = createHash('sha256').update(content).digest('hex');
  return `version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${content.length}\n`;
}

function dvcLock(files, p) {
  const entry = (filePath) =>
    `      - path: ${filePath}\n        hash: md5\n        md5: ${md5(files[filePath] ?? '')}\n        size: ${Buffer.byteLength(files[filePath] ?? '')}`;
  const paramBlock = (section) => {
    const lines = Object.entries(p[section]).map(([k, v]) => `          ${section}.${k}: ${v === null ? 'null' : v}`);
    return `      params.yaml:\n${lines.join('\n')}`;
  };
  return `schema: '2.0'
stages:
  prepare:
    cmd: python src/prepare.py
    deps:
${entry('data/transactions.csv')}
${entry('src/prepare.py')}
    params:
${paramBlock('prepare')}
  train:
    cmd: python src/train.py
    deps:
${entry('src/train.py')}
    params:
${paramBlock('train')}
    outs:
${entry('models/fraud-classifier/model.pkl')}
  evaluate:
    cmd: python src/evaluate.py
    deps:
${entry('src/evaluate.py')}
    params:
${paramBlock('evaluate')}
    outs:
${entry('metrics/eval.json')}
`;
}

// ---------------------------------------------------------------------------------------------- history

const SUBJECTS = [
  'Retrain on latest transactions',
  'Tune tree depth',
  'Retrain with class weights',
  'Weekly retrain',
  'Add more estimators',
  'Retrain after label fixes',
  'Adjust decision threshold',
  'Refresh evaluation notebook',
];

function build(seed, totalCommits) {
  const rng = prng(seed);
  const commits = [];
  const files = { ...FILES };
  const datasets = DEMO.dataVersions.map((_, v) => transactions(prng(seed + 101 + v), v));
  const holdout = transactions(prng(seed + 999), 0, 2_000);
  let dataVersion = 0;
  let evalCount = 0;
  for (let i = 0; i < totalCommits; i++) {
    const changed = {};
    const set = (p, content) => {
      files[p] = content;
      changed[p] = content;
    };
    if (i === 0) for (const [p, c] of Object.entries(FILES)) changed[p] = c;
    const newData = DEMO.dataVersions.indexOf(i);
    if (newData >= 0) {
      dataVersion = newData;
      set('data/transactions.csv', datasets[newData]);
    }
    const p = params(i);
    const metrics = evaluate(rng, i, totalCommits);
    set('params.yaml', paramsYaml(p));
    set('metrics/eval.json', JSON.stringify(metrics, null, 2) + '\n');
    const curves = epochCurves(rng, metrics, p.train.epochs);
    set('dvclive/plots/metrics/train/loss.tsv', curves.loss);
    set('dvclive/plots/metrics/eval/roc_auc.tsv', curves.auc);
    set(
      'dvclive/metrics.json',
      JSON.stringify(
        {
          step: p.train.epochs - 1,
          train: { loss: Number(curves.loss.trim().split('\n').pop().split('\t')[1]) },
          eval: { roc_auc: Number(curves.auc.trim().split('\n').pop().split('\t')[1]) },
        },
        null,
        4,
      ) + '\n',
    );
    set('models/fraud-classifier/model.pkl', modelBytes(rng, i));
    const release = DEMO.releases.find((r) => r.at === i);
    if (i === 0 || release) {
      const onnx = modelBytes(prng(seed + i), i, 96 * 1024);
      set('models/fraud-classifier/fraud-classifier.onnx', lfsPointer(onnx));
    }
    if (i === 0) {
      set(
        'data/holdout.csv.dvc',
        `outs:\n- md5: ${md5(holdout)}\n  size: ${Buffer.byteLength(holdout)}\n  hash: md5\n  path: holdout.csv\n`,
      );
    }
    // Notebooks are re-run every few commits: outputs and execution counts change, sources now and then.
    if (i === 0 || i % 3 === 0 || release) {
      evalCount += 1;
      set(
        'notebooks/01-explore-transactions.ipynb',
        notebookJson('eda', {
          rng: prng(seed + i),
          run: evalCount,
          dataVersion,
          metrics,
          png: pngChart(prng(seed + 7 * i), 'bars'),
        }),
      );
    }
    if (i === 0 || i % 4 === 1 || release) {
      set(
        'notebooks/02-evaluate-model.ipynb',
        notebookJson('eval', {
          rng: prng(seed + 3 * i),
          run: i + 1,
          dataVersion,
          metrics,
          png: pngChart(prng(seed + 11 * i), 'curve'),
        }),
      );
    }
    set('dvc.lock', dvcLock(files, p));
    const author = DEMO.authors[i % DEMO.authors.length];
    const when = START + i * 7 * DAY + Math.floor(rng.next() * 3 * DAY);
    let subject = i === 0 ? 'Initial fraud-detection pipeline' : SUBJECTS[i % SUBJECTS.length];
    if (newData > 0) subject = `Add transactions snapshot v${newData + 1}`;
    if (release) subject = `Release ${DEMO.model} v${release.version}`;
    commits.push({ i, changed, author, when, subject, metrics, release });
  }
  return { commits, files, holdout };
}

function fastImportStream(commits) {
  const out = [];
  const data = (content) => {
    const buf = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    out.push(Buffer.from(`data ${buf.length}\n`), buf, Buffer.from('\n'));
  };
  for (const c of commits) {
    const person = `${c.author.name} <${c.author.email}> ${c.when} +0000`;
    out.push(Buffer.from(`commit refs/heads/main\nmark :${c.i + 1}\nauthor ${person}\ncommitter ${person}\n`));
    data(`${c.subject}\n`);
    if (c.i > 0) out.push(Buffer.from(`from :${c.i}\n`));
    for (const [p, content] of Object.entries(c.changed).sort(([a], [b]) => a.localeCompare(b))) {
      out.push(Buffer.from(`M 100644 inline ${p}\n`));
      data(content);
    }
    out.push(Buffer.from('\n'));
    if (c.release) {
      out.push(Buffer.from(`tag ${DEMO.model}@v${c.release.version}\nfrom :${c.i + 1}\ntagger ${person}\n`));
      data(`${DEMO.model} v${c.release.version}: test f1 ${c.metrics.test.f1}\n`);
    }
  }
  for (const t of registryTags(commits)) {
    out.push(Buffer.from(`tag ${t.name}\nfrom :${t.mark}\ntagger ${t.tagger}\n`));
    data(`${t.message}\n`);
  }
  return Buffer.concat(out);
}

/** The registry tags of DEMO.registry, in time order, numbered as GTO numbers them; messages as GTO writes them. */
export function registryTags(commits) {
  const events = DEMO.registry.map((e, k) => {
    const commitOf = (version) => commits.find((x) => x.i === DEMO.releases.find((r) => r.version === version).at);
    const c = commitOf(e.version);
    const author = DEMO.authors[(k + 1) % DEMO.authors.length];
    // `after`: the event comes `days` after that release (the version's own release by default).
    return { ...e, mark: c.i + 1, when: commitOf(e.after ?? e.version).when + e.days * DAY + 3600 + k, author };
  });
  events.sort((a, b) => a.when - b.when);
  let counter = 0;
  return events.map((e) => {
    const version = `v${e.version}`;
    const tagger = `${e.author.name} <${e.author.email}> ${e.when} +0000`;
    if (e.deregister)
      return {
        name: `${DEMO.model}@${version}!`,
        mark: e.mark,
        tagger,
        message: `Deregistering artifact ${DEMO.model} version ${version}`,
      };
    counter += 1;
    return {
      name: `${DEMO.model}#${e.stage}#${counter}`,
      mark: e.mark,
      tagger,
      message: `Assigning stage ${e.stage} to artifact ${DEMO.model} version ${version}`,
    };
  });
}

function git(dir, args, input) {
  return execFileSync('git', args, {
    cwd: dir,
    input,
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  }).toString();
}

export function generate(dir, { seed = 20260105, commits: totalCommits = 40 } = {}) {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw new Error(`${dir} is not empty; the demo generator only writes into a new or empty folder.`);
  }
  fs.mkdirSync(dir, { recursive: true });
  const { commits, holdout } = build(seed, totalCommits);
  git(dir, ['init', '--quiet', '--initial-branch=main']);
  git(dir, ['config', 'user.name', 'Demo Generator']);
  git(dir, ['config', 'user.email', 'demo@example.com']);
  git(dir, ['fast-import', '--quiet', '--done'], Buffer.concat([fastImportStream(commits), Buffer.from('done\n')]));
  // DVC experiments: refs/exps/<2 hex>/<38 hex>/<name>, each a commit on top of HEAD with other params/metrics.
  const head = git(dir, ['rev-parse', 'main']).trim();
  const last = commits[commits.length - 1];
  const expRng = prng(seed + 4242);
  const exps = [
    { name: 'lean-trees', depth: 4 },
    { name: 'deep-trees', depth: 10 },
    { name: 'fast-lr', depth: 6 },
  ];
  const expStream = [];
  exps.forEach((exp, k) => {
    const metrics = evaluate(expRng, totalCommits - 1 + (k - 1) * 0.5, totalCommits);
    const p = params(totalCommits - 1);
    p.train.max_depth = exp.depth;
    const person = `${DEMO.authors[k].name} <${DEMO.authors[k].email}> ${last.when + (k + 1) * 3600} +0000`;
    const files = { 'params.yaml': paramsYaml(p), 'metrics/eval.json': JSON.stringify(metrics, null, 2) + '\n' };
    const ref = `refs/exps/${head.slice(0, 2)}/${head.slice(2)}/${exp.name}`;
    let text = `commit ${ref}\nauthor ${person}\ncommitter ${person}\n`;
    const msg = `dvc: commit experiment ${exp.name}\n`;
    text += `data ${Buffer.byteLength(msg)}\n${msg}from ${head}\n`;
    for (const [fp, c] of Object.entries(files)) text += `M 100644 inline ${fp}\ndata ${Buffer.byteLength(c)}\n${c}\n`;
    expStream.push(text + '\n');
  });
  git(dir, ['fast-import', '--quiet', '--done'], expStream.join('') + 'done\n');
  git(dir, ['checkout', '--quiet', '-f', 'main']);
  // Files outside git: DVC-tracked hold-out data and the (ignored) inference log.
  fs.writeFileSync(path.join(dir, 'data', 'holdout.csv'), holdout);
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'logs', 'predictions.jsonl'), predictionsLog(prng(seed + 77), last.when));
  return {
    dir,
    commits: commits.length,
    head,
    tags: DEMO.releases.map((r) => `${DEMO.model}@v${r.version}`),
    registryTags: registryTags(commits).map((t) => t.name),
    experiments: exps.map((e) => e.name),
  };
}

/** The version each stage holds once every registry event has happened (production 1.2.0, staging 2.0.0). */
export function finalStages() {
  const stages = {};
  for (const e of DEMO.registry) {
    if (e.deregister) continue;
    for (const [stage, version] of Object.entries(stages)) if (version === e.version) delete stages[stage];
    stages[e.stage] = e.version;
  }
  return stages;
}

// The predictions log: 14 days of traffic to fraud-classifier. The production version serves everything until the
// A/B split, then the staging version takes a share of the requests. The staging version has a latency regression
// (p95 far above 250 ms), partner-gateway errors often (about 15% of its calls), and for two days (the drift
// episode) the logged input features shift the way the newest transactions snapshot did, only further.
export const PREDICTIONS = {
  days: 14,
  rows: 10_000,
  /** The A/B split starts this many days before the newest request; the staging version then gets `share`. */
  split: { daysBeforeEnd: 6, share: 0.3 },
  /** The drift episode: whole UTC days, from the start of the day `from` days before the newest request to `to`. */
  driftEpisode: { from: 5, to: 3 },
  callers: ['checkout-api', 'mobile-app', 'back-office', 'partner-gateway'],
  callerWeights: [50, 30, 8, 12],
  errorRate: { 'partner-gateway': 0.15, other: 0.01 },
};

/** Operational telemetry: one JSON line per prediction served, with the input features the model took. */
function predictionsLog(rng, endSeconds) {
  const stages = finalStages();
  const production = stages.production;
  const staging = stages.staging;
  const lines = [];
  const start = endSeconds - PREDICTIONS.days * DAY;
  const gap = (PREDICTIONS.days * DAY) / PREDICTIONS.rows;
  const splitAt = endSeconds - PREDICTIONS.split.daysBeforeEnd * DAY;
  const midnight = (seconds) => seconds - (seconds % DAY);
  const driftFrom = midnight(endSeconds - PREDICTIONS.driftEpisode.from * DAY);
  const driftTo = midnight(endSeconds - PREDICTIONS.driftEpisode.to * DAY);
  for (let i = 0; i < PREDICTIONS.rows; i++) {
    // Evenly spread with jitter; the last request is at endSeconds exactly.
    const t =
      i === PREDICTIONS.rows - 1 ? endSeconds : Math.min(endSeconds, start + Math.floor(i * gap + rng.next() * gap));
    const caller = rng.pick(PREDICTIONS.callers, PREDICTIONS.callerWeights);
    const version = t >= splitAt && rng.next() < PREDICTIONS.split.share ? staging : production;
    const regressed = version === staging;
    const latency = regressed
      ? 60 + Math.exp(4.9 + 0.45 * rng.normal()) * (caller === 'partner-gateway' ? 1.3 : 1)
      : 20 + Math.exp(3.6 + 0.5 * rng.normal()) * (caller === 'partner-gateway' ? 1.5 : 1);
    const failed = rng.next() < (PREDICTIONS.errorRate[caller] ?? PREDICTIONS.errorRate.other);
    const mix = t >= driftFrom && t < driftTo ? EPISODE_MIX : DRIFTED_MIX;
    const f = transactionFeatures(rng, mix);
    const memory = (regressed ? 620 : 410) + 15 * rng.normal();
    const record = {
      timestamp: new Date(t * 1000).toISOString(),
      model: DEMO.model,
      model_version: version,
      caller,
      latency_ms: round(latency, 1),
      status: failed ? 'error' : 'ok',
      memory_mb: round(memory, 1),
      features: {
        amount: round(f.amount, 2),
        merchant_category: f.category,
        country: f.country,
        card_present: f.cardPresent,
        hour: f.hour,
      },
      score: failed ? null : round(rng.next() ** 6, 4),
    };
    lines.push(JSON.stringify(record));
  }
  return lines.join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  if (!dir) {
    console.error('Usage: npm run demo:generate -- <dir> [--seed N] [--commits N]');
    process.exit(2);
  }
  try {
    const started = Date.now();
    const result = generate(path.resolve(dir), { seed: opt('seed', 20260105), commits: opt('commits', 40) });
    console.log(
      `Demo workspace: ${result.dir} (${result.commits} commits, tags ${result.tags.join(', ')}, ${result.registryTags.length} registry tags, ${result.experiments.length} experiments) in ${Date.now() - started} ms`,
    );
  } catch (err) {
    console.error(`demo:generate: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
