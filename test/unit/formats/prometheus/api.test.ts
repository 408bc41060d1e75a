// The Prometheus HTTP API client against a local HTTP server on 127.0.0.1 that answers as Prometheus does, and
// then in every wrong way: HTTP errors, `status: error`, non-JSON, wrong shapes, silence, endless bodies.
import assert from 'node:assert/strict';
import {
  PrometheusApiError,
  isLoopbackHost,
  PrometheusClient,
  type PrometheusApiErrorKind,
} from '../../../../src/core/formats/prometheus/api';
import { serve, type Handler } from '../../../helpers/httpServer';

const TOKEN = 's3cr3t-prometheus-token';

async function rejection(promise: Promise<unknown>, kind: PrometheusApiErrorKind): Promise<PrometheusApiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof PrometheusApiError, String(err));
    assert.equal(err.kind, kind, err.message);
    assert.ok(!err.message.includes(TOKEN), `the token stays out of: ${err.message}`);
    return err;
  }
  assert.fail('expected a rejection');
}

/** Runs `fn` against a server answering every request with `handler`. */
async function withServer<T>(
  handler: Handler,
  fn: (url: string, requests: { body: string; auth?: string; url: URL }[]) => Promise<T>,
): Promise<T> {
  const server = await serve(handler);
  try {
    return await fn(server.url, server.requests);
  } finally {
    await server.close();
  }
}

const json = (value: unknown, status = 200): { status: number; body: string } => ({
  status,
  body: JSON.stringify(value),
});

describe('Prometheus API client', () => {
  it('reads a range query (matrix): labels, times in ms, values as text including NaN and infinities', async () => {
    await withServer(
      () =>
        json({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: [
              {
                metric: { __name__: 'model_requests_total', model: 'churn', version: '2' },
                values: [
                  [1700000000, '1'],
                  [1700000060.5, 'NaN'],
                  [1700000120, '+Inf'],
                  [1700000180, '-Inf'],
                  [1700000240, '1.5e3'],
                ],
              },
            ],
          },
          warnings: ['query is slow'],
        }),
      async (url, requests) => {
        const client = new PrometheusClient({ baseUrl: `${url}/prom/`, token: TOKEN });
        const result = await client.queryRange('model_requests_total', 1_700_000_000_000, 1_700_000_240_000, 60_000);
        assert.equal(result.resultType, 'matrix');
        assert.deepEqual(result.warnings, ['query is slow']);
        assert.deepEqual(result.series[0].labels, { __name__: 'model_requests_total', model: 'churn', version: '2' });
        const { times, values } = result.series[0];
        assert.deepEqual(
          [...times],
          [1_700_000_000_000, 1_700_000_060_500, 1_700_000_120_000, 1_700_000_180_000, 1_700_000_240_000],
        );
        assert.equal(values[0], 1);
        assert.ok(Number.isNaN(values[1]));
        assert.equal(values[2], Infinity);
        assert.equal(values[3], -Infinity);
        assert.equal(values[4], 1500);
        // A form post under the path prefix, with the bearer token.
        const sent = requests[0];
        assert.equal(sent.url.pathname, '/prom/api/v1/query_range');
        assert.equal(sent.auth, `Bearer ${TOKEN}`);
        assert.deepEqual(Object.fromEntries(new URLSearchParams(sent.body)), {
          query: 'model_requests_total',
          start: '1700000000',
          end: '1700000240',
          step: '60',
        });
        assert.equal(client.baseUrl, `${url}/prom`);
      },
    );
  });

  it('reads instant queries: a vector as one sample per series, a scalar as one series without labels', async () => {
    let answer: unknown;
    await withServer(
      () => json(answer),
      async (url, requests) => {
        const client = new PrometheusClient({ baseUrl: url });
        answer = {
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: { version: '1' }, value: [1700000000.25, '42'] }] },
        };
        const vector = await client.query('sum by (version) (x)', 1_700_000_000_250);
        assert.deepEqual(vector.series, [
          { labels: { version: '1' }, times: Float64Array.of(1_700_000_000_250), values: Float64Array.of(42) },
        ]);
        assert.equal(new URLSearchParams(requests[0].body).get('time'), '1700000000.25');
        answer = { status: 'success', data: { resultType: 'scalar', result: [1700000000, 'NaN'] } };
        const scalar = await client.query('0/0');
        assert.equal(scalar.series.length, 1);
        assert.deepEqual(scalar.series[0].labels, {});
        assert.ok(Number.isNaN(scalar.series[0].values[0]));
        assert.equal(new URLSearchParams(requests[1].body).get('time'), null);
      },
    );
  });

  it('turns Prometheus error answers into errors that say what to do, without the token', async () => {
    const cases: {
      answer: { status: number; body: string; type?: string };
      kind: PrometheusApiErrorKind;
      message: RegExp;
    }[] = [
      {
        answer: json(
          { status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected end of input' },
          400,
        ),
        kind: 'bad-query',
        message: /rejected the range query \(bad_data\): 1:5: parse error: unexpected end of input\. Query: rate\(/,
      },
      {
        answer: json(
          { status: 'error', errorType: 'execution', error: 'query processing would load too many samples' },
          422,
        ),
        kind: 'bad-query',
        message: /\(execution\): query processing would load too many samples/,
      },
      {
        answer: json({ status: 'error', errorType: 'unavailable', error: 'TSDB not ready' }, 503),
        kind: 'server',
        message: /rejected the range query \(unavailable\): TSDB not ready$/,
      },
      {
        answer: json({ status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' }, 200),
        kind: 'server',
        message: /\(timeout\): query timed out/,
      },
      {
        answer: json({ status: 'error', error: `bad token ${TOKEN}` }, 401),
        kind: 'unauthorized',
        message: /refused the request \(HTTP 401: bad token \*\*\*\): check the token \(MLOps: Set Prometheus Token\)/,
      },
      { answer: { status: 403, body: 'forbidden', type: 'text/plain' }, kind: 'unauthorized', message: /HTTP 403/ },
      {
        answer: { status: 404, body: '404 page not found', type: 'text/plain' },
        kind: 'not-prometheus',
        message: /api\/v1\/query_range was not found \(HTTP 404\): is http:\/\/127\.0\.0\.1:\d+ a Prometheus server\?/,
      },
      {
        answer: { status: 502, body: '<html><body>Bad Gateway</body></html>', type: 'text/html' },
        kind: 'server',
        message: /answered HTTP 502 to query_range: <html><body>Bad Gateway/,
      },
      {
        answer: { status: 200, body: '<html>login</html>', type: 'text/html' },
        kind: 'malformed',
        message: /something that is not JSON \("<html>login<\/html>"\): is .* a Prometheus server\?/,
      },
      { answer: json([1, 2]), kind: 'malformed', message: /JSON that is not an object/ },
      { answer: json({ status: 'pending' }), kind: 'malformed', message: /its status is "pending"/ },
      { answer: json({ status: 'success' }), kind: 'malformed', message: /no 'data' object/ },
      {
        answer: json({ status: 'success', data: { resultType: 'histogram', result: [] } }),
        kind: 'malformed',
        message: /resultType "histogram"/,
      },
      {
        answer: json({ status: 'success', data: { resultType: 'matrix', result: {} } }),
        kind: 'malformed',
        message: /'result' is not a list/,
      },
      {
        answer: json({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {} }] } }),
        kind: 'malformed',
        message: /series 1 has no 'values' list/,
      },
      {
        answer: json({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, 2]] }] } }),
        kind: 'malformed',
        message: /series 1, point 1 has the value 2, not a number as text/,
      },
      {
        answer: json({
          status: 'success',
          data: { resultType: 'matrix', result: [{ metric: {}, values: [['1', '2']] }] },
        }),
        kind: 'malformed',
        message: /series 1, point 1 is not a \[time, "value"\] pair/,
      },
      {
        answer: json({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { a: 1 }, values: [] }] } }),
        kind: 'malformed',
        message: /series 1's label "a" is not text/,
      },
      {
        answer: json({ status: 'success', data: { resultType: 'vector', result: [null] } }),
        kind: 'malformed',
        message: /series 1 is not an object/,
      },
    ];
    let current = cases[0].answer;
    await withServer(
      () => current,
      async (url) => {
        const client = new PrometheusClient({ baseUrl: url, token: TOKEN });
        for (const c of cases) {
          current = c.answer;
          const err = await rejection(client.queryRange('rate(', 0, 60_000, 15_000), c.kind);
          assert.match(err.message, c.message);
          assert.equal(err.location, url);
        }
      },
    );
  });

  it('times out a silent server, stops an oversized answer, and says when nothing listens', async () => {
    await withServer(
      () => undefined,
      async (url) => {
        const started = Date.now();
        const err = await rejection(new PrometheusClient({ baseUrl: url, timeoutMs: 200 }).query('up'), 'timeout');
        assert.ok(Date.now() - started < 5000);
        assert.match(err.message, /did not answer within 0\.2 s .*raise mlops\.telemetry\.timeoutMs/);
      },
    );
    const big = JSON.stringify({
      status: 'success',
      data: {
        resultType: 'vector',
        result: Array.from({ length: 5000 }, (_, i) => ({ metric: { i: String(i) }, value: [1, '1'] })),
      },
    });
    await withServer(
      () => ({ body: big }),
      async (url) => {
        const client = new PrometheusClient({ baseUrl: url, maxResponseBytes: 10_000 });
        const err = await rejection(client.query('up'), 'limit');
        assert.match(err.message, /the answer to query is larger than 0 MB.*stopped reading it/);
        const roomy = new PrometheusClient({ baseUrl: url, maxResponseBytes: big.length });
        assert.equal((await roomy.query('up')).series.length, 5000);
      },
    );
    const closed = await serve(() => json({}));
    const address = closed.url;
    await closed.close();
    const err = await rejection(new PrometheusClient({ baseUrl: address }).query('up'), 'unreachable');
    assert.match(err.message, /is not reachable: is it running\? \(connection refused\)/);
  });

  it('cancels on the caller’s signal, and refuses bad addresses and over-long ranges before any request', async () => {
    await withServer(
      () => undefined,
      async (url, requests) => {
        const controller = new AbortController();
        const client = new PrometheusClient({ baseUrl: url, signal: controller.signal, timeoutMs: 10_000 });
        const pending = client.query('up');
        setTimeout(() => controller.abort(), 50);
        await rejection(pending, 'cancelled');
        const before = requests.length;
        const err = await rejection(client.queryRange('up', 0, 7 * 86_400_000, 15_000), 'bad-query');
        assert.match(
          err.message,
          /40321 points per series is more than the 11000 Prometheus answers; use a step of at least 55 s/,
        );
        await rejection(client.queryRange('up', 10, 0, 1000), 'bad-query');
        assert.equal(requests.length, before, 'no request was sent');
      },
    );
    await rejection(
      Promise.resolve().then(() => new PrometheusClient({ baseUrl: 'localhost:9090' })),
      'invalid-url',
    );
    const ftp = await rejection(
      Promise.resolve().then(() => new PrometheusClient({ baseUrl: 'ftp://host' })),
      'invalid-url',
    );
    assert.match(ftp.message, /ftp:\/\/ is not supported/);
  });

  it('authenticates with credentials in the address and never shows the password', async () => {
    await withServer(
      () => json({ status: 'error', errorType: 'bad_data', error: 'nope hunter2' }, 400),
      async (url, requests) => {
        const client = new PrometheusClient({ baseUrl: url.replace('http://', 'http://ops:hunter2@') });
        assert.equal(client.baseUrl, url);
        const err = await rejection(client.query('up'), 'bad-query');
        assert.ok(!err.message.includes('hunter2'), err.message);
        assert.equal(requests[0].auth, `Basic ${Buffer.from('ops:hunter2').toString('base64')}`);
      },
    );
  });

  it('asks a server on the loopback interface for uncompressed answers, any other server for gzip', async () => {
    const encodings: (string | undefined)[] = [];
    await withServer(
      (req) => {
        encodings.push(req.headers['accept-encoding']);
        return json({ status: 'success', data: { resultType: 'vector', result: [] } });
      },
      async (url) => {
        await new PrometheusClient({ baseUrl: url }).query('up');
        await new PrometheusClient({ baseUrl: url.replace('127.0.0.1', 'localhost') }).query('up');
      },
    );
    assert.deepEqual(encodings, ['identity', 'identity']);
    // A remote server: no Accept-Encoding of ours, so fetch asks for gzip as it does by default.
    const sent: Record<string, string>[] = [];
    const client = new PrometheusClient({
      baseUrl: 'https://prometheus.example.com:9090',
      fetch: (_url, init) => {
        sent.push(init?.headers as Record<string, string>);
        return Promise.resolve(
          new Response(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } })),
        );
      },
    });
    assert.equal((await client.query('up')).series.length, 0);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]['Accept-Encoding'], undefined);
    assert.equal(sent[0]['Content-Type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(
      [
        'localhost',
        'LOCALHOST.',
        'grafana.localhost',
        '127.0.0.1',
        '127.10.0.3',
        '[::1]',
        '[::ffff:7f00:1]',
        '128.0.0.1',
        '10.0.0.1',
        'localhost.example.com',
        '[::2]',
        '127.0.0.1.nip.io',
      ].map(isLoopbackHost),
      [true, true, true, true, true, true, true, false, false, false, false, false],
    );
  });
});
