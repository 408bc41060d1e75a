// Interop with the real MLflow: generates a file store and an mlflow.db with the pinned mlflow client, runs a live
// `mlflow server`, and checks that our three readers read exactly what mlflow's own client reads back.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { root } from '../harness/paths';
import {
  listExperiments,
  listRegisteredModels,
  listRuns,
  readMetricHistory,
} from '../../src/core/formats/mlflow/fileStore';
import { MlflowRestClient, MlflowRestError } from '../../src/core/formats/mlflow/rest';
import { readServerRegistry } from '../../src/core/workspace/mlflowRegistry';
import { openMlflowDatabase } from '../../src/core/formats/mlflow/sqlite';
import { compareWithMlflow, type ExpectedStore } from '../unit/formats/mlflow/oracle';
import { quietEnv, startMlflowServer, type MlflowServer } from '../helpers/mlflowServer';

const run = promisify(execFile);
const scripts = path.join(root, 'test', 'interop', 'mlflow');
function python(): string {
  const value = process.env.MLOPS_PYTHON;
  if (!value)
    throw new Error(
      'MLOPS_PYTHON is not set: run `npm run test:interop`, or set it to the interop virtual environment (.cache/venv/bin/python).',
    );
  return value;
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

describe('MLflow interop (real mlflow 3.17)', function () {
  this.timeout(180_000);
  let tmp: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-interop-'));
    const generate = path.join(scripts, 'generate.py');
    await Promise.all([
      run(python(), [generate, tmp, 'file'], { env: quietEnv }),
      run(python(), [generate, tmp, 'sqlite'], { env: quietEnv }),
    ]);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('file store: our reader matches MlflowClient.search_runs and get_metric_history', async () => {
    const store = path.join(tmp, 'mlruns');
    const points = await compareWithMlflow(
      {
        experiments: (includeDeleted) => listExperiments(store, { includeDeleted }),
        runs: (query) => listRuns(store, query),
        history: (runId, key) => readMetricHistory(store, runId, key),
        models: () => listRegisteredModels(store),
      },
      readJson<ExpectedStore>(path.join(tmp, 'expected-file.json')),
      { sqlInfinity: false },
    );
    assert.ok(points > 350);
  });

  it('mlflow.db: our reader matches MlflowClient on the SQLite backend', async () => {
    const db = await openMlflowDatabase(path.join(tmp, 'mlflow.db'));
    try {
      await compareWithMlflow(
        {
          experiments: (includeDeleted) => Promise.resolve(db.listExperiments({ includeDeleted })),
          runs: (query) => Promise.resolve(db.listRuns(query)),
          history: (runId, key) => Promise.resolve(db.readMetricHistory(runId, key)),
          models: () => Promise.resolve(db.listRegisteredModels()),
        },
        readJson<ExpectedStore>(path.join(tmp, 'expected-sqlite.json')),
        { sqlInfinity: true },
      );
    } finally {
      db.close();
    }
  });

  describe('live tracking server', () => {
    let server: MlflowServer | undefined;
    let url = '';
    const stop = async (): Promise<void> => server?.stop();

    before(async () => {
      const dir = path.join(tmp, 'server');
      fs.mkdirSync(dir);
      // The server starts on a copy of the generated database: already migrated and holding that content.
      fs.copyFileSync(path.join(tmp, 'mlflow.db'), path.join(dir, 'mlflow.db'));
      server = await startMlflowServer(python(), dir);
      url = server.url;
      const serve = path.join(scripts, 'serve.py');
      await run(
        python(),
        [serve, url, path.join(tmp, 'expected-rest.json'), path.join(tmp, 'expected-registry.json')],
        {
          env: quietEnv,
          maxBuffer: 16 * 1024 * 1024,
        },
      );
    });
    after(stop);

    it('REST: our client matches MlflowClient through the server, paging runs and a 10,000-step history', async () => {
      const calls: string[] = [];
      const client = new MlflowRestClient({
        baseUrl: url,
        runPageSize: 4,
        historyPageSize: 3000,
        fetch: (input, init) => {
          calls.push(input instanceof URL ? input.pathname : typeof input === 'string' ? input : input.url);
          return fetch(input, init);
        },
      });
      const expected = readJson<ExpectedStore>(path.join(tmp, 'expected-rest.json'));
      await compareWithMlflow(
        {
          experiments: (includeDeleted) => client.searchExperiments({ includeDeleted }),
          runs: (query) => client.listRuns(query),
          history: (runId, key) => client.getMetricHistory(runId, key),
          models: () => client.listRegisteredModels(),
        },
        expected,
        { sqlInfinity: true },
      );
      const long = expected.runs.find((r) => r.name === 'long-run')!;
      assert.equal(long.history.loss.length, 10_000);
      calls.length = 0;
      const history = await client.getMetricHistory(long.id, 'loss');
      assert.equal(history.points.length, 10_000);
      assert.deepEqual(history.points.slice(-1)[0], { step: 9999, value: 1 / 10_000, timestamp: 1_700_000_009_999 });
      assert.equal(calls.length, 4, '10,000 points in pages of 3,000');
      calls.length = 0;
      const { runs } = await client.listRuns();
      assert.equal(runs.length, expected.runs.filter((r) => r.lifecycle_stage === 'active').length);
      assert.ok(runs.length > 16);
      assert.equal(
        calls.filter((c) => c.endsWith('runs/search')).length,
        Math.ceil(runs.length / 4),
        'runs/search paged by 4',
      );
      // What mlflow 3.17 sends for special values (SQL backend): NaN as the string "NaN", infinities as +/-DBL_MAX.
      const raw = await client.call('GET', 'metrics/get-history', { run_id: long.id, metric_key: 'special' });
      assert.deepEqual(
        (raw.metrics as { value: unknown }[]).map((m) => m.value),
        ['NaN', 1.7976931348623157e308, -1.7976931348623157e308, 2.5],
      );
      assert.deepEqual(
        (await client.getMetricHistory(long.id, 'special')).points.map((p) => p.value),
        [NaN, Infinity, -Infinity, 2.5],
      );
    });

    it('REST: the registry as MlflowClient registered it through the server: versions, stages, aliases, runs, paged', async () => {
      interface ExpectedVersion {
        version: string;
        stage: string;
        aliases: string[];
        run_id: string;
        source: string;
        status: string;
        description: string;
        tags: Record<string, string>;
        creation_timestamp: number;
        last_updated_timestamp: number;
        user_id: string;
      }
      interface ExpectedModel {
        name: string;
        description: string;
        tags: Record<string, string>;
        aliases: Record<string, string>;
        versions: ExpectedVersion[];
      }
      const expected = readJson<ExpectedModel[]>(path.join(tmp, 'expected-registry.json'));
      const calls: URL[] = [];
      const client = new MlflowRestClient({
        baseUrl: url,
        registryPageSize: 2,
        fetch: (input, init) => {
          calls.push(new URL(input instanceof URL ? input.href : typeof input === 'string' ? input : input.url));
          return fetch(input, init);
        },
      });
      const models = await client.listRegisteredModels();
      // Every field MlflowClient reads back, for every model and version.
      assert.deepEqual(
        models.map((m) => ({
          name: m.name,
          description: m.description,
          tags: m.tags,
          aliases: m.aliases,
          versions: m.versions.map((v) => ({
            version: v.version,
            stage: v.stage,
            aliases: Object.entries(m.aliases)
              .filter(([, version]) => version === v.version)
              .map(([alias]) => alias)
              .sort(),
            run_id: v.runId,
            source: v.source,
            status: v.status,
            description: v.description,
            tags: v.tags,
            creation_timestamp: v.creationTime,
            last_updated_timestamp: v.lastUpdatedTime,
            user_id: v.userId ?? '', // MLflow's client reads an unset user as ''
          })),
        })),
        expected,
      );
      // What was registered, spelled out: four versions of credit-risk from three runs, stages and aliases.
      const risk = expected.find((m) => m.name === 'credit-risk')!;
      const long = readJson<ExpectedStore>(path.join(tmp, 'expected-rest.json')).runs.find(
        (r) => r.name === 'long-run',
      )!;
      assert.deepEqual(
        risk.versions.map((v) => [v.version, v.stage, v.aliases]),
        [
          ['1', 'Archived', []],
          ['2', 'Production', ['champion']],
          ['3', 'Staging', ['challenger']],
          ['4', 'None', []],
        ],
      );
      assert.equal(risk.versions[0].run_id, long.id);
      assert.equal(new Set(risk.versions.map((v) => v.run_id)).size, 3);
      assert.ok(risk.versions[0].last_updated_timestamp > risk.versions[0].creation_timestamp, 'stage moves update it');

      // Paged by 2: every page of both listings was followed.
      const versionCount = expected.reduce((n, m) => n + m.versions.length, 0);
      const pagesOf = (endpoint: string) => calls.filter((c) => c.pathname.endsWith(endpoint));
      assert.equal(expected.length, 4);
      assert.equal(versionCount, 7, 'fraud-classifier 1-2 (3 deleted), credit-risk 1-4, the quoted one');
      assert.equal(pagesOf('registered-models/search').length, 2);
      assert.equal(pagesOf('model-versions/search').length, 4);
      assert.ok(pagesOf('model-versions/search').every((c) => c.searchParams.get('max_results') === '2'));

      // One model's versions by name, a name with a quote included (MLflow's filter has no escape).
      calls.length = 0;
      assert.deepEqual(
        (await client.listModelVersions('credit-risk')).map((v) => [v.version, v.stage, v.runId]),
        risk.versions.map((v) => [v.version, v.stage, v.run_id]),
      );
      assert.equal(calls[0]?.searchParams.get('filter'), "name = 'credit-risk'");
      assert.deepEqual(
        (await client.listModelVersions("analyst's-model")).map((v) => [v.name, v.version]),
        [["analyst's-model", '1']],
      );

      // As the Models view lists them: one entry per version, stages ours, aliases on their versions.
      const registry = await readServerRegistry(new MlflowRestClient({ baseUrl: url }));
      assert.deepEqual(registry.problems, []);
      assert.deepEqual(
        registry.versions
          .filter((v) => v.name === 'credit-risk')
          .map((v) => [v.version, v.stage, v.aliases, v.runId, v.backend, v.folder]),
        risk.versions.map((v) => [
          v.version,
          v.stage === 'None' ? undefined : v.stage.toLowerCase(),
          v.aliases,
          v.run_id,
          'server',
          url,
        ]),
      );

      // The page limit stops a listing with an error naming the setting to raise.
      const limited = await readServerRegistry(
        new MlflowRestClient({ baseUrl: url, registryPageSize: 1, maxPages: 2 }),
      );
      assert.deepEqual(limited.versions, []);
      assert.equal(limited.problems.length, 1);
      assert.match(
        limited.problems[0].message,
        /registered-models\/search has more than 2 pages; stopped there\. .*raise the mlops\.mlflow\.maxPages setting \(now 2\)/,
      );
    });

    it('REST: a wrong URL says it is not an MLflow tracking server', async () => {
      const err = await new MlflowRestClient({ baseUrl: `${url}/not-here` })
        .searchExperiments()
        .catch((e: unknown) => e);
      assert.ok(err instanceof MlflowRestError);
      assert.equal(err.kind, 'not-mlflow');
      assert.match(err.message, /not found \(HTTP 404\): is .*\/not-here an MLflow tracking server\?/);
      const run404 = await new MlflowRestClient({ baseUrl: url })
        .getMetricHistory('0123456789abcdef0123456789abcdef', 'loss')
        .catch((e: unknown) => e);
      // mlflow answers the history of an unknown run with an empty list, not an error.
      assert.deepEqual(run404, { key: 'loss', split: undefined, baseKey: 'loss', points: [] });
    });

    it('REST: a stopped server gives a clear error', async () => {
      await stop();
      const err = await new MlflowRestClient({ baseUrl: url }).searchExperiments().catch((e: unknown) => e);
      assert.ok(err instanceof MlflowRestError);
      assert.equal(err.kind, 'unreachable');
      assert.equal(
        err.message,
        `MLflow server at ${url} is not reachable: is \`mlflow server\` running? (connection refused)`,
      );
    });
  });
});
