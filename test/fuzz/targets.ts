// Every parser of an untrusted file or answer, as a fuzz target: valid seeds (real files from test/fixtures where
// there are some), the typed error the parser may throw, and how one input is fed to it. Used by the unit tier
// (test/unit/fuzz.test.ts, a few thousand inputs each) and by `npm run fuzz` (scripts/fuzz.mjs, 100,000 and more).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { starterConfig } from '../../src/core/formats/mlopsYaml/starter';
import { ConfigError, ConfigValidator } from '../../src/core/formats/mlopsYaml/validate';
import { parseDvcLock, parseDvcYaml } from '../../src/core/formats/dvc/project';
import { parseMetricsDocument } from '../../src/core/formats/metricsFiles/parse';
import { listRuns, parseMetricFile } from '../../src/core/formats/mlflow/fileStore';
import { MlflowRestClient, MlflowRestError } from '../../src/core/formats/mlflow/rest';
import { loadSqlJs, MlflowDatabase } from '../../src/core/formats/mlflow/sqlite';
import { MetricsError } from '../../src/core/metrics/model';
import { parseEventBytes } from '../../src/core/formats/tensorboard/events';
import { NotebookError, parseNotebook } from '../../src/core/formats/notebook/format';
import { parseDvcMetadata } from '../../src/core/formats/dvc/metadata';
import { parseGtoArtifacts } from '../../src/core/formats/gto/artifacts';
import { gtoModels } from '../../src/core/registry/gtoState';
import { seededRandom } from '../helpers/prng';
import { collectDataset } from '../../src/core/data/profile';
import { DataFormatError } from '../../src/core/formats/data/source';
import { NotesFileError, parseNotes } from '../../src/core/formats/runNotes';
import { OtlpFormatError, readOtlpBuffer, type OtlpHistogramPoint } from '../../src/core/formats/otlp/read';
import { histogramDeltas, HistogramSpreader } from '../../src/core/formats/otlp/histogram';
import {
  emptyStats,
  PredictionLogFormatError,
  readPredictionLog,
} from '../../src/core/formats/telemetry/predictionLog';
import { gzipSync } from 'node:zlib';
import { PrometheusApiError, PrometheusClient } from '../../src/core/formats/prometheus/api';
import { sampleValue } from '../../src/core/formats/prometheus/samples';

const CSV_SEED =
  'id,name,amount,when\r\n1,plain,10.5,2024-01-01\r\n2,"comma, ""q""\nline",,2024-01-02\r\n3,naïve,-3,\r\n';

const NOTES_SEED =
  'version: 1\nlabels:\n  candidate: green\nruns:\n  "git:.:abc":\n    note: "ship it"\n    labels: [candidate, x]\n';

const GTO_ARTIFACTS = 'churn:\n  type: model\n  path: models/churn.pkl\n  labels: [tabular]\n  description: Churn\n';
const GTO_TAGS = [
  'churn@v1.0.0',
  'churn#prod#1',
  'churn@v1.1.0-rc.1',
  'churn#prod!#2',
  'd/x=m@v0.0.1',
  'churn@deprecated',
].join('\n');
import { mutate } from '../unit/formats/mlflow/fuzz';
import { SAMPLE_CONFIG } from '../unit/checks/sample';

export interface FuzzTarget {
  name: string;
  /** The only error class the parser may throw; anything else is an untyped error. */
  typedError: abstract new (...args: never[]) => Error;
  seeds: Buffer[];
  /** Parses one input; returns or throws `typedError`. */
  run(input: Buffer, index: number): unknown;
  /** Prepares what `run` needs (a WebAssembly module, a temporary folder). */
  open?(): Promise<void>;
  close?(): void;
}

/** A generator for input `index` of `target` under `seed`: the same input on every run, whatever ran before it. */
export function inputRandom(seed: number, target: string, index: number): () => number {
  let hash = 0x811c9dc5 ^ seed;
  for (const c of `${target}:${index}`) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193);
  return seededRandom(hash >>> 0);
}

/** Input `index` of `target`: one seed (chosen by the generator) mutated, other seeds as splice donors. */
export function fuzzInput(target: FuzzTarget, seed: number, index: number): Buffer {
  const next = inputRandom(seed, target.name, index);
  const base = target.seeds[Math.floor(next() * target.seeds.length)];
  return mutate(base, next, target.seeds);
}

function read(root: string, ...parts: string[]): Buffer {
  return fs.readFileSync(path.join(root, ...parts));
}

function filesUnder(folder: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) for (const f of filesUnder(full, keep)) out.push(f);
    else if (keep(entry.name)) out.push(full);
  }
  return out.sort();
}

const text = (input: Buffer): string => input.toString('utf8');

/** The first `n` lines of a file (small seeds mutate faster than the whole fixture). */
function firstLines(file: string, n: number): Buffer {
  return Buffer.from(`${fs.readFileSync(file, 'utf8').split('\n').slice(0, n).join('\n')}\n`);
}

const PREDICTION_JSONL = [
  '{"timestamp":"2026-03-02T10:00:01.250Z","model":"churn","model_version":"v1","caller":"billing","latency_ms":41.5,"status":200,"features":{"age":41,"plan":"pro"},"prediction":0.82}',
  '{"ts":1772445602,"model":"churn","version":"v2","client_id":"10.0.0.7","duration":0.231,"status_code":500,"error":"timeout","memory_mb":812}',
  '{"time":"2026-03-02 10:00:03","model_name":"churn","model_version":"v2","user":"batch","latency":"88","status":"ok","inputs":[1,2.5,null]}',
].join('\n');

const PREDICTION_CSV =
  'timestamp,model,model_version,caller,latency_ms,status,error,age,plan\r\n2026-03-02T10:00:01Z,churn,v1,billing,41.5,200,,41,pro\r\n1772445602000,churn,v2,"a ""quoted"", caller",230,500,timeout,29,free\r\n';

/** A real Prometheus server's recorded range answers. */
function prometheusAnswers(fixtures: string): Buffer[] {
  const recorded = JSON.parse(
    fs.readFileSync(path.join(fixtures, 'telemetry', 'prometheus', 'answers.json'), 'utf8'),
  ) as {
    cases: { answers: { answer: string }[] }[];
  };
  const answers = recorded.cases.flatMap((c) => c.answers.map((a) => a.answer)).filter((a) => a.includes('"matrix"'));
  return answers.map((a) => Buffer.from(a));
}

/** The fuzz targets, seeded from the fixtures under `root` (the repository). */
export function fuzzTargets(root: string): FuzzTarget[] {
  const fixtures = path.join(root, 'test', 'fixtures');
  const dvcWorkspace = path.join(fixtures, 'dvc', 'workspace');
  const project = path.join(fixtures, 'workspace', 'project');
  const mlruns = path.join(fixtures, 'mlflow', 'mlruns');
  const validator = new ConfigValidator();

  const metrics = (name: string, extension: string, seeds: Buffer[]): FuzzTarget => ({
    name,
    typedError: MetricsError,
    seeds,
    run: (input) => parseMetricsDocument(input, `fuzz.${extension}`),
  });

  let sqlJs: Awaited<ReturnType<typeof loadSqlJs>> | undefined;
  let store = '';
  let runFolder = '';

  const otlp = path.join(fixtures, 'telemetry', 'otlp');
  let logFolder = '';
  const predictionLog = (name: string, extension: string, seeds: Buffer[]): FuzzTarget => ({
    // A prediction log through the reader, from a file (the reader's input), plain or gzip; content problems are bad
    // lines, never thrown; a damaged gzip stream is a PredictionLogFormatError.
    name,
    typedError: PredictionLogFormatError,
    seeds,
    open() {
      logFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-fuzz-log-'));
      return Promise.resolve();
    },
    close() {
      if (logFolder) fs.rmSync(logFolder, { recursive: true, force: true });
    },
    async run(input, index) {
      const file = path.join(
        logFolder,
        `log${index % 2 === 0 ? '' : '-gz'}.${extension}${index % 2 === 0 ? '' : '.gz'}`,
      );
      fs.writeFileSync(file, input);
      const stats = emptyStats();
      let events = 0;
      for await (const batch of readPredictionLog(file, { features: index % 3 === 0 }, stats)) events += batch.length;
      if (events !== stats.events) throw new Error(`${events} events yielded, stats say ${stats.events}`);
      return stats;
    },
  });

  const restAnswers = [
    JSON.stringify({
      experiments: [{ experiment_id: '1', name: 'e', lifecycle_stage: 'active', tags: [{ key: 'a', value: 'b' }] }],
      next_page_token: '',
    }),
    JSON.stringify({
      runs: [
        {
          info: { run_id: 'r', experiment_id: '1', run_name: 'n', status: 'FINISHED', start_time: 1, end_time: 2 },
          data: {
            metrics: [{ key: 'loss', value: 'NaN', step: '3', timestamp: 4 }],
            params: [{ key: 'p', value: 'v' }],
            tags: [{ key: 'mlflow.runName', value: 'n' }],
          },
        },
      ],
    }),
    JSON.stringify({
      metrics: [
        { key: 'loss', value: 1.5, step: 1, timestamp: 2 },
        { key: 'loss', value: 'Infinity', step: 2, timestamp: 3 },
      ],
    }),
    JSON.stringify({
      registered_models: [{ name: 'm', aliases: [{ alias: 'a', version: '1' }], tags: [] }],
      model_versions: [{ name: 'm', version: '1', current_stage: 'None', run_id: 'r' }],
    }),
  ];

  return [
    {
      name: 'mlops.yaml',
      typedError: ConfigError,
      seeds: [Buffer.from(starterConfig('fuzz')), Buffer.from(SAMPLE_CONFIG_WITH_NOTEBOOKS)],
      run: (input) => validator.validate(text(input)),
    },
    metrics('metrics-json', 'json', [
      read(dvcWorkspace, 'metrics', 'eval.json'),
      read(dvcWorkspace, 'dvclive', 'metrics.json'),
      Buffer.from('[{"step": 1, "loss": 0.5}, {"step": 2, "loss": NaN}]'),
    ]),
    metrics('metrics-yaml', 'yaml', [
      read(dvcWorkspace, 'metrics', 'summary.yaml'),
      read(dvcWorkspace, 'params.yaml'),
      Buffer.from('base: &b\n  f1: 1\ntest:\n  <<: *b\n  acc: .nan\n'),
    ]),
    metrics('metrics-csv', 'csv', [
      read(project, 'plots', 'curve.csv'),
      Buffer.from('step,loss,"val acc"\n0,0.5,"0.1"\n1,nan,0.2\r\n2,inf,"a ""b"""\n'),
    ]),
    metrics('metrics-tsv', 'tsv', [
      read(dvcWorkspace, 'dvclive', 'plots', 'metrics', 'train', 'loss.tsv'),
      read(dvcWorkspace, 'dvclive', 'plots', 'metrics', 'eval', 'acc.tsv'),
    ]),
    // TOML goes through the same entry point as the other metrics formats.
    metrics('metrics-toml', 'toml', [
      Buffer.from('[train]\nloss = 0.5\nacc = nan\n\n[test]\nf1 = 0.9\nsteps = [1, 2, 3]\nname = "x"\n'),
    ]),
    {
      name: 'mlruns-metric',
      typedError: MetricsError,
      seeds: filesUnder(mlruns, () => true)
        .filter((f) => f.includes(`${path.sep}metrics${path.sep}`))
        .slice(0, 4)
        .map((f) => fs.readFileSync(f)),
      run: (input) => parseMetricFile(text(input), 'fuzz'),
    },
    {
      // A store with one experiment and one run whose meta.yaml (and metric file) is the input, through the reader.
      name: 'mlruns-meta.yaml',
      typedError: MetricsError,
      seeds: filesUnder(mlruns, (n) => n === 'meta.yaml')
        .filter((f) => !f.includes('models'))
        .map((f) => fs.readFileSync(f)),
      async open() {
        store = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-fuzz-mlruns-'));
        const experiment = filesUnder(mlruns, (n) => n === 'meta.yaml').find(
          (f) => path.dirname(f) === path.join(mlruns, '248489911814549040'),
        )!;
        fs.mkdirSync(path.join(store, '248489911814549040'), { recursive: true });
        fs.copyFileSync(experiment, path.join(store, '248489911814549040', 'meta.yaml'));
        runFolder = path.join(store, '248489911814549040', '36c5ef71469440ac833755d802f02a2a');
        fs.cpSync(path.join(mlruns, '248489911814549040', '36c5ef71469440ac833755d802f02a2a'), runFolder, {
          recursive: true,
        });
        return Promise.resolve();
      },
      close() {
        if (store) fs.rmSync(store, { recursive: true, force: true });
      },
      async run(input, index) {
        const experiment = index % 5 === 0;
        fs.writeFileSync(path.join(experiment ? path.dirname(runFolder) : runFolder, 'meta.yaml'), input);
        try {
          const listing = await listRuns(store, { fullHistory: index % 2 === 0, includeDeleted: true });
          // A problem that is not a MetricsError is an untyped error that the reader swallowed.
          for (const problem of listing.problems as unknown[])
            if (!(problem instanceof MetricsError)) throw new Error(`untyped problem: ${String(problem)}`);
          return listing;
        } finally {
          if (experiment)
            fs.copyFileSync(
              path.join(mlruns, '248489911814549040', 'meta.yaml'),
              path.join(path.dirname(runFolder), 'meta.yaml'),
            );
        }
      },
    },
    {
      name: 'mlflow.db',
      typedError: MetricsError,
      seeds: [gunzipSync(read(fixtures, 'mlflow', 'mlflow.db.gz'))],
      async open() {
        sqlJs = await loadSqlJs();
      },
      run(input, index) {
        const db = MlflowDatabase.fromBytes(input, `fuzz-${index}.db`, sqlJs!);
        try {
          db.listExperiments({ includeDeleted: true });
          db.listRuns({ includeDeleted: true, fullHistory: index % 2 === 0 });
          return db.listRegisteredModels();
        } finally {
          db.close();
        }
      },
    },
    {
      name: 'tfevents',
      typedError: MetricsError,
      seeds: filesUnder(path.join(fixtures, 'tensorboard', 'logs'), (n) => n.includes('tfevents')).map((f) =>
        fs.readFileSync(f),
      ),
      run: (input, index) => parseEventBytes(input, `fuzz-${index}`, { verifyChecksums: index % 2 === 0 }),
    },
    {
      name: 'ipynb',
      typedError: NotebookError,
      seeds: ['basic-v4.5.ipynb', 'empty-cells.ipynb', 'metadata-keys.ipynb', 'keep-output.ipynb'].map((n) =>
        read(fixtures, 'notebooks', 'corpus', n),
      ),
      run: (input) => parseNotebook(input, { file: 'fuzz.ipynb' }),
    },
    {
      name: 'dvc.yaml',
      typedError: MetricsError,
      seeds: [read(project, 'dvc.yaml'), Buffer.from(DVC_YAML)],
      run: (input) => [parseDvcMetadata('dvc.yaml', text(input)), parseDvcYaml(input, 'dvc.yaml')],
    },
    {
      name: 'dvc.lock',
      typedError: MetricsError,
      seeds: [read(project, 'dvc.lock'), read(dvcWorkspace, 'dvc.lock')],
      run: (input) => [parseDvcMetadata('dvc.lock', text(input)), parseDvcLock(input, 'dvc.lock')],
    },
    {
      name: '.dvc',
      typedError: MetricsError,
      seeds: [read(project, 'data', 'images.dvc'), read(project, 'data', 'raw.csv.dvc')],
      run: (input) => parseDvcMetadata('data/fuzz.dvc', text(input)),
    },
    {
      // The runs' notes file: problems are reported, never thrown (the error class is one parseNotes never throws).
      name: 'notes.yaml',
      typedError: NotesFileError,
      seeds: [Buffer.from(NOTES_SEED)],
      run: (input) => parseNotes(text(input)),
    },
    {
      name: 'artifacts.yaml',
      typedError: MetricsError,
      seeds: [Buffer.from(GTO_ARTIFACTS)],
      run: (input) => parseGtoArtifacts(input, 'artifacts.yaml'),
    },
    {
      // Tag names, one a line (a repository's tags are anyone's text): parsed and folded into the registry state.
      name: 'gto-tags',
      typedError: MetricsError,
      seeds: [Buffer.from(GTO_TAGS)],
      run: (input) =>
        gtoModels(
          text(input)
            .split('\n')
            .map((name, i) => ({ name, annotated: true, commit: 'c'.repeat(40), taggerDate: i * 1000, message: name })),
        ),
    },
    {
      // A dataset's bytes through the CSV reader and the profile (dialect and encoding detection included).
      name: 'csv',
      typedError: DataFormatError,
      seeds: [Buffer.from(CSV_SEED), Buffer.from(CSV_SEED.replace(/,/g, ';'), 'latin1')],
      run: (input) =>
        collectDataset({ source: { kind: 'buffer', bytes: input, name: 'f.csv' }, format: 'csv', path: 'f.csv' }),
    },
    {
      name: 'jsonl',
      typedError: DataFormatError,
      seeds: [Buffer.from('{"a":1,"b":"x","c":[1,2]}\n{"a":2.5,"b":null,"d":{"e":true}}\n')],
      run: (input) =>
        collectDataset({ source: { kind: 'buffer', bytes: input, name: 'f.jsonl' }, format: 'jsonl', path: 'f.jsonl' }),
    },
    {
      // Parquet files written by pyarrow (snappy, gzip, zstd; list and struct columns).
      name: 'parquet',
      typedError: DataFormatError,
      seeds: ['snappy', 'gzip', 'zstd'].map((c) => read(fixtures, 'data', `sample-${c}.parquet`)),
      run: (input) =>
        collectDataset({
          source: { kind: 'buffer', bytes: input, name: 'f.parquet' },
          format: 'parquet',
          path: 'f.parquet',
        }),
    },
    {
      // OTLP JSON as the OpenTelemetry SDK's file exporters write it (JSON lines, one indented request, gzip; explicit and
      // exponential histograms), through the reader, the cumulative-to-delta histogram step and the spreading of
      // histogram requests into events.
      name: 'otlp-json',
      typedError: OtlpFormatError,
      seeds: [
        firstLines(path.join(otlp, 'traces.jsonl'), 1),
        read(otlp, 'traces-single.json'),
        read(otlp, 'metrics.jsonl'),
        firstLines(path.join(otlp, 'metrics-delta.jsonl'), 2),
        read(otlp, 'metrics-exponential.jsonl'),
        gzipSync(read(otlp, 'traces-single.json')),
      ],
      run(input) {
        const points: OtlpHistogramPoint[] = [];
        let events = 0;
        const stats = readOtlpBuffer(
          input,
          'fuzz.jsonl',
          { event: () => events++, histogram: (p) => points.push(p), bad: () => undefined },
          { maxLineBytes: 1024 * 1024, maxDocumentBytes: 8 * 1024 * 1024 },
        );
        if (events !== stats.events) throw new Error(`${events} events, stats say ${stats.events}`);
        const deltas = histogramDeltas(points);
        const requests = deltas.reduce((n, d) => n + d.count, 0);
        // The source refuses more histogram requests than it can spread; spread what a fuzz input may hold.
        if (requests <= 100_000) {
          const spreader = new HistogramSpreader(deltas);
          for (const delta of deltas)
            for (const event of spreader.events(delta)) if (!Number.isFinite(event.time)) throw new Error('no time');
        }
        return stats;
      },
    },
    {
      // A range query's answer; what the client reads must be what JSON.parse of the same text gives (the fast reader
      // of large answers against the ordinary one): a difference is an untyped error.
      name: 'prometheus-answer',
      typedError: PrometheusApiError,
      seeds: prometheusAnswers(fixtures),
      async run(input) {
        const client = new PrometheusClient({
          baseUrl: 'http://127.0.0.1:9',
          fetch: () => Promise.resolve(new Response(new Uint8Array(input))),
        });
        const read = await client.queryRange('x', 0, 60_000, 15_000);
        if (read.resultType !== 'matrix') return read;
        const json = JSON.parse(new TextDecoder().decode(input)) as { data: { result: { values: unknown[][] }[] } };
        read.series.forEach((series, i) => {
          const pairs = json.data.result[i].values;
          const same =
            pairs.length === series.times.length &&
            pairs.every(
              ([t, v], j) =>
                Object.is(Math.round((t as number) * 1000), series.times[j]) &&
                Object.is(sampleValue(v), series.values[j]),
            );
          if (!same) throw new Error(`series ${i + 1} reads differently from JSON.parse of the same answer`);
        });
        return read;
      },
    },
    predictionLog('prediction-log-jsonl', 'jsonl', [Buffer.from(PREDICTION_JSONL), gzipSync(PREDICTION_JSONL)]),
    predictionLog('prediction-log-csv', 'csv', [Buffer.from(PREDICTION_CSV), gzipSync(PREDICTION_CSV)]),
    {
      // One answer per listing is the input; the endpoint is chosen by the input index.
      name: 'mlflow-rest',
      typedError: MlflowRestError,
      seeds: restAnswers.map((a) => Buffer.from(a)),
      async run(input, index) {
        const status = index % 20 === 19 ? [201, 302, 400, 404, 500][index % 5] : 200;
        let calls = 0;
        const client = new MlflowRestClient({
          baseUrl: 'http://127.0.0.1:9',
          maxPages: 50,
          fetch: () =>
            Promise.resolve(
              new Response(calls++ === 0 ? new Uint8Array(input) : (restAnswers[index % 4] ?? '{}'), { status }),
            ),
        });
        switch (index % 4) {
          case 0:
            return client.searchExperiments();
          case 1:
            return client.listRuns({ experimentIds: ['1'], fullHistory: true });
          case 2:
            return client.getMetricHistory('r', 'loss');
          default:
            return client.listRegisteredModels();
        }
      },
    },
  ];
}

/** The sample repository's mlops.yaml with a notebooks section too, so the seed reaches that part of the schema. */
const SAMPLE_CONFIG_WITH_NOTEBOOKS = SAMPLE_CONFIG.replace(
  '\nchecks:\n',
  '\nnotebooks:\n  strip: { keepOutput: false, extraKeys: [metadata.kernelspec] }\nchecks:\n',
);

const DVC_YAML = `vars:
  - lrs: [0.1, 0.2]
stages:
  train:
    foreach: \${lrs}
    do:
      cmd: python train.py \${item}
      metrics:
        - m/\${item}.json:
            cache: false
  grid:
    matrix:
      a: [1, 2]
      b: [x, y]
    cmd: run \${item.a} \${item.b}
    plots:
      - p/\${item.a}.tsv
metrics:
  - dvclive/metrics.json
plots:
  - roc:
      x: fpr
      y:
        eval/roc.json: tpr
artifacts:
  model:
    path: m.pkl
    type: model
`;
