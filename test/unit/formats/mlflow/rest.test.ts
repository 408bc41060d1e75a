import assert from 'node:assert/strict';
import type http from 'node:http';
import { MetricsError } from '../../../../src/core/metrics/model';
import {
  MlflowRestClient,
  MlflowRestError,
  nameFilter,
  restMetricValue,
} from '../../../../src/core/formats/mlflow/rest';
import { readServerRegistry } from '../../../../src/core/workspace/mlflowRegistry';
import { seededRandom } from '../../../helpers/prng';
import { serve, type Handler } from '../../../helpers/httpServer';
import { mutate } from './fuzz';

/** A tiny MLflow: 2 experiments, 5 runs, one metric with 7 points, paged by max_results. */
function fakeMlflow(req: http.IncomingMessage, body: string, url: URL): { status?: number; body: string } {
  const path = url.pathname.replace(/^\/prefix/, '');
  const page = <T>(items: T[], size: number, token: string | null | undefined): { items: T[]; next?: string } => {
    const start = token ? Number(token) : 0;
    const end = start + size;
    return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
  };
  if (path === '/api/2.0/mlflow/experiments/search') {
    const request = JSON.parse(body) as { view_type: string };
    const experiments = [
      {
        experiment_id: '655485960150330050',
        name: 'big id',
        lifecycle_stage: 'active',
        tags: [{ key: 'k', value: 'v' }],
      },
      { experiment_id: '2', name: 'gone', lifecycle_stage: 'deleted' },
    ].filter((e) => request.view_type === 'ALL' || e.lifecycle_stage === 'active');
    return { body: JSON.stringify({ experiments }) };
  }
  if (path === '/api/2.0/mlflow/runs/search') {
    const request = JSON.parse(body) as { max_results: number; page_token?: string; experiment_ids: string[] };
    const runs = Array.from({ length: 5 }, (_, i) => ({
      info: {
        run_id: `run${i}`,
        experiment_id: request.experiment_ids[0],
        run_name: i === 4 ? '' : `r${i}`,
        status: 'FINISHED',
        start_time: 1000 + i,
        end_time: 2000 + i,
        lifecycle_stage: 'active',
      },
      data: {
        metrics: [
          {
            key: 'val_loss',
            value: i === 0 ? 'NaN' : i === 1 ? 'Infinity' : i === 2 ? -1.7976931348623157e308 : 0.5,
            timestamp: 5,
            step: '12',
          },
          { key: 'train/acc', value: 0.25, timestamp: 6, step: 3 },
        ],
        params: [{ key: 'lr', value: '0.1' }],
        tags: [{ key: 'mlflow.runName', value: i === 4 ? 'from-tag' : `r${i}` }],
      },
    }));
    const { items, next } = page(runs, request.max_results, request.page_token);
    return { body: JSON.stringify({ runs: items, next_page_token: next }) };
  }
  if (path === '/api/2.0/mlflow/metrics/get-history') {
    const points = Array.from({ length: 7 }, (_, i) => ({
      key: 'loss',
      value: i === 3 ? 'NaN' : i === 4 ? '-Infinity' : i / 10,
      timestamp: 100 + i,
      step: i,
    }));
    const { items, next } = page(
      points,
      Number(url.searchParams.get('max_results')),
      url.searchParams.get('page_token'),
    );
    return { body: JSON.stringify({ metrics: items, next_page_token: next }) };
  }
  if (path === '/api/2.0/mlflow/registered-models/search') {
    return {
      body: JSON.stringify({
        registered_models: [
          { name: 'm', aliases: [{ alias: 'champion', version: '2' }], tags: [{ key: 'owner', value: 'me' }] },
        ],
      }),
    };
  }
  if (path === '/api/2.0/mlflow/model-versions/search') {
    return {
      body: JSON.stringify({
        model_versions: [
          { name: 'm', version: '2', current_stage: 'None', status: 'READY', run_id: 'run1' },
          { name: 'm', version: '1', current_stage: 'None', status: 'READY', run_id: 'run0' },
          { name: 'm', version: '3', current_stage: 'Deleted_Internal', status: 'READY' },
        ],
      }),
    };
  }
  return { status: 404, body: '<!doctype html><title>404 Not Found</title>', type: 'text/html' } as {
    status: number;
    body: string;
  };
}

async function rejection(promise: Promise<unknown>): Promise<MlflowRestError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof MlflowRestError, String(err));
    assert.ok(err instanceof MetricsError);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('MLflow REST client', function () {
  this.timeout(10_000);

  it('pages through runs and histories, keeps string ids and decodes NaN, Infinity and SQL infinities', async () => {
    const server = await serve(fakeMlflow);
    try {
      const client = new MlflowRestClient({
        baseUrl: `${server.url}/prefix/`,
        runPageSize: 2,
        historyPageSize: 3,
        token: 's3cret',
      });
      const { runs } = await client.listRuns();
      assert.deepEqual(
        runs.map((r) => r.id),
        ['run0', 'run1', 'run2', 'run3', 'run4'],
      );
      assert.equal(
        server.requests.filter((r) => r.url.pathname.endsWith('runs/search')).length,
        3,
        '5 runs in pages of 2',
      );
      assert.deepEqual(
        runs.map((r) => r.metrics.find((m) => m.key === 'val_loss')!.points[0].value),
        [NaN, Infinity, -Infinity, 0.5, 0.5],
      );
      assert.deepEqual(
        runs[0].metrics.map((m) => [m.key, m.split, m.baseKey, m.points[0].step]),
        [
          ['train/acc', 'train', 'acc', 3],
          ['val_loss', 'validation', 'loss', 12],
        ],
      );
      assert.equal(runs[0].experimentId, '655485960150330050');
      assert.equal(runs[0].experiment, 'big id');
      assert.equal(runs[4].label, 'from-tag');
      assert.equal(runs[0].source.kind, 'mlflow-rest');
      assert.equal(runs[0].source.location, `${server.url}/prefix`);
      assert.deepEqual(runs[0].params, { lr: '0.1' });
      assert.equal(runs[0].status, 'finished');
      const history = await client.getMetricHistory('run0', 'loss');
      assert.deepEqual(
        history.points.map((p) => p.value),
        [0, 0.1, 0.2, NaN, -Infinity, 0.5, 0.6],
      );
      assert.deepEqual(
        history.points.map((p) => p.step),
        [0, 1, 2, 3, 4, 5, 6],
      );
      const historyCalls = server.requests.filter((r) => r.url.pathname.endsWith('get-history'));
      assert.equal(historyCalls.length, 3, '7 points in pages of 3');
      assert.equal(historyCalls[1].url.searchParams.get('page_token'), '3');
      assert.equal(historyCalls[0].method, 'GET');
      assert.ok(server.requests.every((r) => r.auth === 'Bearer s3cret'));
      const models = await client.listRegisteredModels();
      assert.deepEqual(
        models.map((m) => [m.name, m.aliases, m.tags, m.versions.map((v) => v.version)]),
        [['m', { champion: '2' }, { owner: 'me' }, ['1', '2']]],
      );
      const experiments = await client.searchExperiments({ includeDeleted: true });
      assert.deepEqual(
        experiments.map((e) => [e.id, e.lifecycleStage]),
        [
          ['655485960150330050', 'active'],
          ['2', 'deleted'],
        ],
      );
      const full = await client.listRuns({ fullHistory: true, experimentIds: ['655485960150330050'] });
      assert.equal(full.runs[0].fullHistory, true);
    } finally {
      await server.close();
    }
  });

  it('says the server is not reachable when nothing listens', async () => {
    const server = await serve(fakeMlflow);
    const url = server.url;
    await server.close();
    const err = await rejection(new MlflowRestClient({ baseUrl: url }).searchExperiments());
    assert.equal(err.kind, 'unreachable');
    assert.equal(
      err.message,
      `MLflow server at ${url} is not reachable: is \`mlflow server\` running? (connection refused)`,
    );
  });

  it('says a wrong URL is not an MLflow tracking server, and passes on MLflow errors', async () => {
    const server = await serve((req, body, url) =>
      url.pathname.includes('get-history')
        ? { status: 404, body: JSON.stringify({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Run 'x' not found" }) }
        : { status: 404, body: 'Not Found', type: 'text/plain' },
    );
    try {
      const wrong = await rejection(new MlflowRestClient({ baseUrl: `${server.url}/wrong` }).searchExperiments());
      assert.equal(wrong.kind, 'not-mlflow');
      assert.match(
        wrong.message,
        /wrong\/api\/2\.0\/mlflow\/experiments\/search was not found \(HTTP 404\): is .* an MLflow tracking server\?/,
      );
      const missing = await rejection(new MlflowRestClient({ baseUrl: server.url }).getMetricHistory('x', 'loss'));
      assert.equal(missing.kind, 'not-found');
      assert.match(missing.message, /Run 'x' not found \(RESOURCE_DOES_NOT_EXIST\)/);
    } finally {
      await server.close();
    }
  });

  it('asks to check the token on 401/403 and never shows the token or a URL password', async () => {
    const server = await serve((req) => ({
      status: req.headers.authorization?.startsWith('Basic') ? 403 : 401,
      body: JSON.stringify({
        error_code: 'UNAUTHENTICATED',
        message: `bad credentials ${req.headers.authorization ?? ''}`,
      }),
    }));
    try {
      const err = await rejection(
        new MlflowRestClient({ baseUrl: server.url, token: 'tok-12345' }).searchExperiments(),
      );
      assert.equal(err.kind, 'unauthorized');
      assert.equal(err.status, 401);
      assert.match(err.message, /refused the request \(HTTP 401.*\): check the token/);
      assert.ok(!err.message.includes('tok-12345'), err.message);
      assert.ok(err.message.includes('Bearer ***'));
      const withPassword = new MlflowRestClient({ baseUrl: server.url.replace('http://', 'http://alice:pa55word@') });
      assert.ok(!withPassword.baseUrl.includes('pa55word'));
      const basic = await rejection(withPassword.searchExperiments());
      assert.equal(basic.status, 403);
      assert.ok(!basic.message.includes('pa55word'));
      assert.equal(server.requests[1].auth, `Basic ${Buffer.from('alice:pa55word').toString('base64')}`);
    } finally {
      await server.close();
    }
  });

  it('times out a server that does not answer', async () => {
    const server = await serve(() => undefined);
    try {
      const started = Date.now();
      const err = await rejection(new MlflowRestClient({ baseUrl: server.url, timeoutMs: 300 }).searchExperiments());
      assert.equal(err.kind, 'timeout');
      assert.match(err.message, /did not answer within 0\.3 s/);
      assert.ok(Date.now() - started < 5000);
    } finally {
      await server.close();
    }
  });

  it('reports malformed answers: not JSON, not an object, a repeated page token, a server error', async () => {
    let mode = 'html';
    const server = await serve(() => {
      if (mode === 'html') return { body: '<html>hello</html>', type: 'text/html' };
      if (mode === 'array') return { body: '[1,2]' };
      if (mode === 'loop') return { body: JSON.stringify({ experiments: [], next_page_token: 'same' }) };
      if (mode === 'list') return { body: JSON.stringify({ experiments: 'nope' }) };
      return { status: 500, body: JSON.stringify({ error_code: 'INTERNAL_ERROR', message: 'database is locked' }) };
    });
    try {
      const client = new MlflowRestClient({ baseUrl: server.url });
      const html = await rejection(client.searchExperiments());
      assert.equal(html.kind, 'malformed');
      assert.match(html.message, /not JSON .*an MLflow tracking server\?/);
      mode = 'array';
      assert.equal((await rejection(client.searchExperiments())).kind, 'malformed');
      mode = 'loop';
      assert.match((await rejection(client.searchExperiments())).message, /same page token twice/);
      mode = 'list';
      assert.match((await rejection(client.searchExperiments())).message, /'experiments' is not a list/);
      mode = 'error';
      const failed = await rejection(client.searchExperiments());
      assert.equal(failed.kind, 'server');
      assert.equal(failed.status, 500);
      assert.match(failed.message, /HTTP 500 .*database is locked \(INTERNAL_ERROR\)/);
    } finally {
      await server.close();
    }
  });

  it('rejects an address that is not an http(s) URL', () => {
    assert.throws(
      () => new MlflowRestClient({ baseUrl: 'localhost:5000x' }),
      (err: unknown) => err instanceof MlflowRestError && err.kind === 'invalid-url',
    );
    assert.throws(() => new MlflowRestClient({ baseUrl: 'not a url' }), /is not a URL/);
    assert.throws(
      () => new MlflowRestClient({ baseUrl: 'file:///tmp/mlruns' }),
      /use an http:\/\/ or https:\/\/ address/,
    );
  });

  it('survives 2,000 mutated server answers: every failure is an MlflowRestError', async function () {
    this.timeout(60_000);
    const next = seededRandom(13);
    const valid = {
      experiments: JSON.stringify({
        experiments: [{ experiment_id: '1', name: 'e', lifecycle_stage: 'active', tags: [{ key: 'a', value: 'b' }] }],
      }),
      runs: JSON.stringify({
        runs: [
          {
            info: { run_id: 'r', experiment_id: '1', status: 'FINISHED', start_time: 1 },
            data: {
              metrics: [{ key: 'loss', value: 'NaN', step: '3', timestamp: 4 }],
              params: [{ key: 'p', value: 'v' }],
              tags: [],
            },
          },
        ],
        next_page_token: '',
      }),
      history: JSON.stringify({
        metrics: [
          { key: 'loss', value: 1.5, step: 1, timestamp: 2 },
          { key: 'loss', value: 'Infinity', step: 2, timestamp: 3 },
        ],
      }),
      models: JSON.stringify({
        registered_models: [{ name: 'm', aliases: [{ alias: 'a', version: '1' }] }],
        model_versions: [{ name: 'm', version: '1' }],
      }),
    };
    const weird = [
      'null',
      '[]',
      '{}',
      '"x"',
      '1e999',
      '-1',
      'true',
      '{"next_page_token": 5}',
      '{"runs": [null, 1, "x", {"info": "s", "data": []}]}',
    ];
    for (let i = 0; i < 2000; i++) {
      const kind = (['experiments', 'runs', 'history', 'models'] as const)[i % 4];
      let calls = 0;
      const body =
        i % 10 === 9
          ? weird[Math.floor(next() * weird.length)]
          : mutate(Buffer.from(valid[kind]), next).toString('utf8');
      const status = next() < 0.1 ? [200, 201, 302, 400, 404, 500, 503][Math.floor(next() * 7)] : 200;
      const client = new MlflowRestClient({
        baseUrl: 'http://127.0.0.1:9',
        // Only the first call of each method gets the mutated answer; later pages are empty.
        fetch: () => Promise.resolve(new Response(calls++ === 0 ? body : valid[kind], { status })),
      });
      try {
        if (kind === 'experiments') await client.searchExperiments();
        else if (kind === 'runs') await client.listRuns({ experimentIds: ['1'] });
        else if (kind === 'history') await client.getMetricHistory('r', 'loss');
        else await client.listRegisteredModels();
      } catch (err) {
        assert.ok(err instanceof MlflowRestError, `input ${i} (${kind}): ${String(err)}`);
      }
    }
  });

  it('decodes metric values as the server may send them', () => {
    assert.deepEqual(
      ['NaN', 'Infinity', '-Infinity', 1.5, 1.7976931348623157e308, -1.7976931348623157e308, '2.5', null, 'x'].map(
        restMetricValue,
      ),
      [NaN, Infinity, -Infinity, 1.5, Infinity, -Infinity, 2.5, NaN, NaN],
    );
  });
});

// The registry listings against a tiny local HTTP server written here: it gives the hostile answers (endless pages,
// oversized bodies, silence) a real MLflow server does not; the real server's answers are checked in the interop
// tier (test/interop/mlflow.test.ts).
describe('MLflow REST client: the model registry', function () {
  this.timeout(10_000);

  /** `models` registered models, model `m<i>` with i+1 versions (version 2 of m3 deleted), paged by max_results. */
  function registry(models: number): Handler {
    const all = Array.from({ length: models }, (_, i) => ({
      name: `m${i}`,
      aliases: i === 3 ? [{ alias: 'champion', version: '10' }] : [],
      tags: [{ key: 'i', value: String(i) }],
    }));
    const versions = all.flatMap((m, i) =>
      Array.from({ length: i + 1 }, (_, v) => ({
        name: m.name,
        version: String(i + 1 - v), // newest first, as a server may order them
        current_stage: i === 3 && v === i - 1 ? 'Deleted_Internal' : v === 0 ? 'Production' : 'None',
        run_id: `run-${i}-${v}`,
        user_id: v === 0 ? 'alice' : '',
        creation_timestamp: '1700000000000',
        last_updated_timestamp: 1700000000500,
      })),
    );
    // m3 has versions 1..4; give it a version 10 so numeric order matters.
    versions.push({ ...versions.find((v) => v.name === 'm3')!, version: '10', current_stage: 'Staging' });
    return (_req, _body, url) => {
      const size = Number(url.searchParams.get('max_results'));
      const start = Number(url.searchParams.get('page_token') ?? 0);
      const list = url.pathname.endsWith('registered-models/search')
        ? { field: 'registered_models', items: all }
        : {
            field: 'model_versions',
            items: versions.filter((v) => {
              const filter = url.searchParams.get('filter');
              return !filter || filter === nameFilter(v.name);
            }),
          };
      const next = start + size < list.items.length ? String(start + size) : '';
      return { body: JSON.stringify({ [list.field]: list.items.slice(start, start + size), next_page_token: next }) };
    };
  }

  it('follows every page of models and versions, in version order, without deleted versions', async () => {
    const server = await serve(registry(5));
    try {
      const client = new MlflowRestClient({ baseUrl: server.url, registryPageSize: 2 });
      const models = await client.listRegisteredModels();
      assert.deepEqual(
        models.map((m) => [m.name, m.versions.map((v) => v.version)]),
        [
          ['m0', ['1']],
          ['m1', ['1', '2']],
          ['m2', ['1', '2', '3']],
          ['m3', ['1', '3', '4', '10']],
          ['m4', ['1', '2', '3', '4', '5']],
        ],
      );
      const pages = (endpoint: string) => server.requests.filter((r) => r.url.pathname.endsWith(endpoint));
      assert.equal(pages('registered-models/search').length, 3, '5 models in pages of 2');
      assert.equal(pages('model-versions/search').length, 8, '16 versions in pages of 2');
      assert.deepEqual(
        pages('model-versions/search').map((r) => r.url.searchParams.get('page_token')),
        [null, '2', '4', '6', '8', '10', '12', '14'],
      );
      const m3 = models[3];
      assert.deepEqual(m3.aliases, { champion: '10' });
      assert.deepEqual(
        m3.versions.map((v) => [v.version, v.stage, v.runId, v.userId, v.creationTime, v.lastUpdatedTime]),
        [
          ['1', 'None', 'run-3-3', undefined, 1700000000000, 1700000000500],
          ['3', 'None', 'run-3-1', undefined, 1700000000000, 1700000000500],
          ['4', 'Production', 'run-3-0', 'alice', 1700000000000, 1700000000500],
          ['10', 'Staging', 'run-3-0', 'alice', 1700000000000, 1700000000500],
        ],
      );
      // One model's versions by name: the filter names it, and only its versions come back.
      server.requests.length = 0;
      assert.deepEqual(
        (await client.listModelVersions('m2')).map((v) => [v.name, v.version]),
        [
          ['m2', '1'],
          ['m2', '2'],
          ['m2', '3'],
        ],
      );
      assert.deepEqual(
        server.requests.map((r) => r.url.searchParams.get('filter')),
        ["name = 'm2'", "name = 'm2'"],
      );
    } finally {
      await server.close();
    }
  });

  it('quotes a model name for the search filter, and filters itself when no quoting can', async () => {
    assert.equal(nameFilter('fraud-classifier'), "name = 'fraud-classifier'");
    assert.equal(nameFilter("analyst's"), 'name = "analyst\'s"');
    assert.equal(nameFilter('both\'"'), undefined);
    const server = await serve(() => ({
      body: JSON.stringify({
        model_versions: [
          { name: 'both\'"', version: '1' },
          { name: 'other', version: '1' },
        ],
      }),
    }));
    try {
      const versions = await new MlflowRestClient({ baseUrl: server.url }).listModelVersions('both\'"');
      assert.deepEqual(
        versions.map((v) => v.name),
        ['both\'"'],
      );
      assert.equal(server.requests[0].url.searchParams.has('filter'), false, 'no filter sent');
    } finally {
      await server.close();
    }
  });

  it('stops endless pages at maxPages, with an error naming the setting', async () => {
    let n = 0;
    const server = await serve(() => ({ body: JSON.stringify({ registered_models: [], next_page_token: `t${n++}` }) }));
    try {
      const err = await rejection(new MlflowRestClient({ baseUrl: server.url, maxPages: 5 }).listRegisteredModels());
      assert.equal(err.kind, 'limit');
      assert.equal(
        err.message,
        `MLflow server at ${server.url}: registered-models/search has more than 5 pages; stopped there. If the server really holds that much, raise the mlops.mlflow.maxPages setting (now 5).`,
      );
      assert.equal(server.requests.length, 5);
    } finally {
      await server.close();
    }
  });

  it('stops reading an oversized answer at maxResponseBytes, with an error naming the setting', async () => {
    const huge = JSON.stringify({
      registered_models: [],
      model_versions: Array.from({ length: 20_000 }, (_, i) => ({ name: 'm', version: String(i) })),
    });
    const server = await serve((_req, _body, url) =>
      url.pathname.endsWith('registered-models/search') ? { body: '{"registered_models": []}' } : { body: huge },
    );
    try {
      const err = await rejection(
        new MlflowRestClient({ baseUrl: server.url, maxResponseBytes: 100_000 }).listRegisteredModels(),
      );
      assert.equal(err.kind, 'limit');
      assert.match(
        err.message,
        /the answer to model-versions\/search is larger than 0\.1 MB.*raise the mlops\.mlflow\.maxResponseMB setting \(now 0\.1\)/,
      );
    } finally {
      await server.close();
    }
  });

  it('gives a server that fails as one problem naming it, without the token; a silent one times out', async () => {
    const server = await serve((req, _body, url) =>
      url.pathname.endsWith('model-versions/search')
        ? undefined
        : {
            status: 403,
            body: JSON.stringify({ error_code: 'PERMISSION_DENIED', message: `no: ${req.headers.authorization}` }),
          },
    );
    try {
      const refused = await readServerRegistry(new MlflowRestClient({ baseUrl: server.url, token: 'sekret-tok' }));
      assert.deepEqual(refused.versions, []);
      assert.equal(refused.problems.length, 1);
      assert.equal(refused.problems[0].file, server.url);
      assert.match(
        refused.problems[0].message,
        /refused the request \(HTTP 403: no: Bearer \*\*\*\): check the token\.$/,
      );
      assert.ok(!refused.problems[0].message.includes('sekret-tok'));
    } finally {
      await server.close();
    }
    const silent = await serve((_req, _body, url) =>
      url.pathname.endsWith('model-versions/search') ? undefined : { body: '{"registered_models": [{"name": "m"}]}' },
    );
    try {
      const started = Date.now();
      const timedOut = await readServerRegistry(new MlflowRestClient({ baseUrl: silent.url, timeoutMs: 300 }));
      assert.deepEqual(timedOut.versions, []);
      assert.match(timedOut.problems[0].message, /did not answer within 0\.3 s \(.*model-versions\/search\)/);
      assert.ok(Date.now() - started < 5000);
    } finally {
      await silent.close();
    }
  });

  it('maps a server registry to one entry per version, with stages, aliases, run, user and times', async () => {
    const server = await serve(registry(4));
    try {
      const { versions, problems } = await readServerRegistry(new MlflowRestClient({ baseUrl: `${server.url}/` }));
      assert.deepEqual(problems, []);
      assert.deepEqual(
        versions.filter((v) => v.name === 'm3'),
        [
          { version: '1', stage: undefined, aliases: [], runId: 'run-3-3', user: undefined },
          { version: '3', stage: undefined, aliases: [], runId: 'run-3-1', user: undefined },
          { version: '4', stage: 'production', aliases: [], runId: 'run-3-0', user: 'alice' },
          { version: '10', stage: 'staging', aliases: ['champion'], runId: 'run-3-0', user: 'alice' },
        ].map(({ stage, user, ...v }) => ({
          name: 'm3',
          ...v,
          folder: server.url,
          backend: 'server',
          tags: {},
          ...(stage ? { stage } : {}),
          ...(user ? { user } : {}),
          created: 1700000000000,
          lastUpdated: 1700000000500,
        })),
      );
    } finally {
      await server.close();
    }
  });
});
