// A small repository with a finding for every check type (and a file name full of characters that reports must
// escape), built the same way every time: fixed contents, fixed commit dates.
import { BASE_TIME, commitAll, DAY, FAKE, makeRepo, notebook, writeFiles } from './helpers';

export const SAMPLE_CONFIG = `version: 1
project: sample
models:
  - name: churn
    path: models/churn/model.pkl
    datasets: [customers, clicks]
    metrics: [metrics/eval.json]
datasets:
  - name: customers
    path: data/customers.csv
metrics:
  - key: f1
    goal: maximize
    threshold: 0.8
conventions:
  models: models/{name}/{name}-v{version}.{ext}
checks:
  - { id: thresholds, type: metric-threshold }
  - { id: regression, type: metric-regression, options: { baseline: HEAD~1, tolerance: 0.01 } }
  - { id: naming, type: naming-convention, scope: models }
  - { id: large-files, type: large-file-untracked, options: { maxSize: 2KB } }
  - { id: notebooks, type: notebook-hygiene }
  - { id: lineage, type: lineage }
  - { id: staleness, type: staleness, options: { maxAgeDays: 100000 } }
  - { id: environment, type: environment }
  - { id: license, type: required-files, scope: paths, severity: error }
`;

/** A file name with a pipe, angle brackets, an ampersand, quotes and a space. */
export const AWKWARD_FILE = `data/raw|v1 <x>&"y".bin`;

export function sampleRepo(): string {
  const dir = makeRepo(
    {
      'mlops.yaml': SAMPLE_CONFIG,
      'models/churn/model.pkl': 'weights',
      'models/churn/model_card.md': '# churn\n',
      'metrics/eval.json': `${JSON.stringify({ test: { f1: 0.85 } }, null, 2)}\n`,
      'data/customers.csv': 'id\n1\n',
      'requirements.txt': 'pandas==2.2.3\nnumpy>=1.2\n',
      Dockerfile: 'FROM python:latest\n',
      'notebooks/leak.ipynb': notebook([
        {
          source: ['import boto3\n', `key = "${FAKE.awsKeyId}"`],
          count: 2,
          outputs: [{ output_type: 'stream', name: 'stdout', text: ['connected\n'] }],
        },
        { source: ['print(1)'], count: 1 },
      ]),
    },
    BASE_TIME,
  );
  writeFiles(dir, {
    'metrics/eval.json': `${JSON.stringify({ test: { f1: 0.78 } }, null, 2)}\n`,
    'data/customers.csv': 'id\n1\n2\n',
    [AWKWARD_FILE]: Buffer.alloc(3000, 1),
  });
  commitAll(dir, 'Retrain on new customers', BASE_TIME + DAY);
  return dir;
}
