// The Prometheus source's pure parts (templates, step choice, counter increases, histogram quantiles) and, against a
// local HTTP server on 127.0.0.1 speaking the query API, its choice of metric names and the queries it sends.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PrometheusClient, type PrometheusSeries } from '../../../src/core/formats/prometheus/api';
import {
  bucketQuantiles,
  chooseStep,
  counterIncreases,
  fillTemplate,
  histogramQuantile,
  latencyUnitMs,
  metricNames,
  modelSelector,
  promDuration,
  stepGrid,
  summarizePrometheus,
  type TemplateValues,
} from '../../../src/core/telemetry/prometheusSource';
import type { TelemetryConfig, TelemetryQuery, TelemetrySummary } from '../../../src/core/telemetry/types';
import { serve } from '../../helpers/httpServer';
import { seededRandom } from '../../helpers/prng';

/** A real Prometheus server's answers to the source's queries, and the summaries the source made of them. */
const RECORDED = path.resolve(__dirname, '../../../../test/fixtures/telemetry/prometheus/answers.json');

const VALUES: TemplateValues = {
  labels: { model: 'model_name', version: 'model_version', caller: 'client' },
  by: ['model_name', 'model_version'],
  selector: 'model_name=~"churn"',
  rangeMs: 300_000,
};

describe('Prometheus source: templates and steps', () => {
  it('fills placeholders and leaves PromQL braces alone', () => {
    assert.equal(
      fillTemplate('sum by ({by}) (increase(reqs_total{job="api",{selector}}[{range}]))', VALUES),
      'sum by (model_name, model_version) (increase(reqs_total{job="api",model_name=~"churn"}[5m]))',
    );
    assert.equal(
      fillTemplate(
        'histogram_quantile({quantile}, sum by (le, {model}, {version}, {caller}) (rate(x_bucket[{range}])))',
        {
          ...VALUES,
          quantile: 0.95,
          rangeMs: 90_000,
        },
      ),
      'histogram_quantile(0.95, sum by (le, model_name, model_version, client) (rate(x_bucket[90s])))',
    );
    assert.equal(fillTemplate('x{{selector}}', { ...VALUES, selector: '' }), 'x{}');
    assert.throws(
      () => fillTemplate('rate(x[{window}])', VALUES),
      /unknown placeholder \{window\}; the placeholders are \{model\}/,
    );
    assert.throws(() => fillTemplate('x * {quantile}', VALUES), /uses \{quantile\}, which only a latency query has/);
  });

  it('tells metric names from templates, escapes model names, writes PromQL durations', () => {
    assert.deepEqual(metricNames('model_requests_total'), ['model_requests_total']);
    assert.deepEqual(metricNames(' ovms_requests_success + ovms_requests_fail '), [
      'ovms_requests_success',
      'ovms_requests_fail',
    ]);
    assert.equal(metricNames('sum(rate(x[5m]))'), undefined);
    assert.equal(metricNames('x{job="a"}'), undefined);
    assert.equal(modelSelector('model', undefined), '');
    assert.equal(modelSelector('model', ['fraud.v2', 'a|b', 'q"uote']), 'model=~"fraud\\\\.v2|a\\\\|b|q\\"uote"');
    assert.deepEqual([1000, 59_000, 60_000, 90_000, 3_600_000, 86_400_000, 1500].map(promDuration), [
      '1s',
      '59s',
      '1m',
      '90s',
      '1h',
      '1d',
      '2s',
    ]);
    assert.deepEqual(
      ['x_seconds_bucket', 'ovms_request_time_us_bucket', 'lat_milliseconds_bucket', 'lat_ms_bucket', 'lat_bucket'].map(
        latencyUnitMs,
      ),
      [1000, 0.001, 1, 1, 1000],
    );
  });

  it('chooses about 200 round steps of at least a minute, and never more than 11,000 points', () => {
    const hour = 3_600_000;
    assert.deepEqual(chooseStep(hour), { stepMs: 60_000, widened: false });
    assert.deepEqual(chooseStep(24 * hour), { stepMs: 600_000, widened: false });
    assert.deepEqual(chooseStep(7 * 24 * hour), { stepMs: 3_600_000, widened: false });
    assert.deepEqual(chooseStep(365 * 24 * hour), { stepMs: 2 * 86_400_000, widened: false });
    assert.deepEqual(chooseStep(hour, 15_000), { stepMs: 15_000, widened: false });
    assert.deepEqual(chooseStep(hour, 1), { stepMs: 1000, widened: false });
    // A week at 15 s would be 40,320 points: widened to the smallest whole-second step that fits.
    const week = chooseStep(7 * 24 * hour, 15_000);
    assert.deepEqual(week, { stepMs: 55_000, widened: true });
    for (const range of [hour, 7 * 24 * hour, 30 * 24 * hour, 400 * 24 * hour]) {
      for (const bucket of [undefined, 1000, 15_000]) {
        const { stepMs } = chooseStep(range, bucket);
        const grid = stepGrid(Date.now() - range, Date.now(), stepMs);
        assert.ok(grid.buckets + 1 <= 11_000, `${range} / ${bucket}: ${grid.buckets + 1} points`);
      }
    }
    const grid = stepGrid(1000, 10_500, 2000);
    assert.deepEqual(grid, { start: 500, end: 10_500, stepMs: 2000, buckets: 5 });
  });
});

/** A series without labels from [time ms, value] samples. */
function columns(samples: [number, number][], labels: Record<string, string> = {}): PrometheusSeries {
  return {
    labels,
    times: Float64Array.from(samples, ([t]) => t),
    values: Float64Array.from(samples, ([, v]) => v),
  };
}

describe('Prometheus source: counting', () => {
  const grid = stepGrid(0, 40_000, 10_000); // samples at 0 (baseline), 10, 20, 30, 40 s; 4 buckets

  it('counts a counter exactly: differences between samples, a reset counted from zero', () => {
    const series = columns([
      [0, 100],
      [10_000, 105],
      [20_000, 105],
      [30_000, 3],
      [40_000, 10],
    ]);
    assert.deepEqual(counterIncreases(series, grid), [5, 0, 3, 7]);
  });

  it('counts a series born in the range from zero, and skips NaN samples and gaps', () => {
    const born = columns([
      [20_000, 4],
      [40_000, 9],
    ]);
    assert.deepEqual(counterIncreases(born, grid), [0, 4, 0, 5]);
    const holes = columns([
      [0, 1],
      [10_000, NaN],
      [20_000, 6],
    ]);
    assert.deepEqual(counterIncreases(holes, grid), [0, 5, 0, 0]);
  });

  it('interpolates quantiles within histogram buckets as histogram_quantile does', () => {
    // 10 observations <= 10 ms, 30 <= 50 ms, 40 in all (10 above 100 ms).
    const histogram = new Map([
      [10, 10],
      [50, 30],
      [100, 30],
      [Infinity, 40],
    ]);
    assert.equal(histogramQuantile(0.25, histogram), 10); // rank 10: the top of the first bucket
    assert.equal(histogramQuantile(0.5, histogram), 30); // rank 20: halfway through (10, 50]
    assert.equal(histogramQuantile(0.125, histogram), 5); // rank 5: half of the first bucket, from 0
    assert.equal(histogramQuantile(0.95, histogram), 100); // in +Inf: the highest finite bound
    assert.equal(histogramQuantile(0.5, new Map([[Infinity, 0]])), undefined);
    assert.equal(histogramQuantile(0.5, new Map()), undefined);
    // Out-of-order cumulative counts are made monotonic instead of giving a negative width.
    assert.equal(
      histogramQuantile(
        0.5,
        new Map([
          [10, 6],
          [20, 5],
          [Infinity, 10],
        ]),
      ),
      10 * (5 / 6),
    );
  });
});

describe('Prometheus source: recorded answers of a real server', () => {
  const recorded = JSON.parse(fs.readFileSync(RECORDED, 'utf8')) as {
    cases: { query: TelemetryQuery; answers: { request: string; answer: string }[]; expected: TelemetrySummary }[];
  };

  /** The summary of a recorded case, its answers passed through `edit` on the way. */
  function replay(index: number, edit: (answer: string) => string = (a) => a): Promise<TelemetrySummary> {
    const { query, answers } = recorded.cases[index];
    const byRequest = new Map(answers.map((a) => [a.request, edit(a.answer)]));
    const client = new PrometheusClient({
      baseUrl: 'http://127.0.0.1:9090',
      fetch: (_url, init) => {
        const answer = byRequest.get(init?.body as string);
        assert.ok(answer !== undefined, `a request that was not recorded: ${init?.body as string}`);
        return Promise.resolve(new Response(answer));
      },
    });
    return summarizePrometheus({ client, query, config: { sources: [], slos: [] } });
  }

  /** The first value of each series written with an escape (`\u0031` for `1`): the same JSON, off the fast path. */
  const escapeFirstValue = (answer: string): string =>
    answer.replace(/"values":\[\[([0-9.]+),"([0-9])/g, (_m, t: string, d: string) => `"values":[[${t},"\\u003${d}`);

  it('gives the figures it gave before its columnar reader: by version, resets, gaps, two instances, NaN', async () => {
    const expected = recorded.cases[0].expected;
    // The case is not trivial: two versions, an hour of minutes, latency per point.
    assert.equal(expected.groups.length, 2);
    assert.ok(expected.groups.every((g) => g.series.length === 55 && g.requests > 1000 && g.latency.p99 !== undefined));
    assert.ok(expected.groups[0].series.filter((p) => p.latency.p50 !== undefined).length > 50);
    assert.deepEqual(await replay(0), expected);
    // The same answers read by JSON.parse (an escape keeps them off the fast path) give the same figures.
    const slow = recorded.cases[0].answers.map((a) => escapeFirstValue(a.answer));
    assert.ok(slow.filter((a, i) => a !== recorded.cases[0].answers[i].answer).length >= 3);
    assert.deepEqual(await replay(0, escapeFirstValue), expected);
  });

  it('gives the figures it gave before its columnar reader: by caller', async () => {
    const expected = recorded.cases[1].expected;
    assert.deepEqual(
      expected.groups.map((g) => g.key),
      ['batch', 'web'],
    );
    assert.deepEqual(await replay(1), expected);
    assert.deepEqual(await replay(1, escapeFirstValue), expected);
  });

  it('gives each bucket the quantiles histogramQuantile gives its histogram', () => {
    const random = seededRandom(5);
    const bounds = [0.005, 0.01, 0.1, 0.25, 1, Infinity, -0.5, 0];
    for (let round = 0; round < 200; round++) {
      const buckets = 1 + Math.floor(random() * 6);
      const histogram = new Map<number, Float64Array>();
      for (const le of bounds.filter(() => random() < 0.7)) {
        // Mostly cumulative counts, sometimes out of order, sometimes empty.
        histogram.set(
          le,
          Float64Array.from({ length: buckets }, () => (random() < 0.2 ? 0 : Math.floor(random() * 50) * (le + 2))),
        );
      }
      const figures = bucketQuantiles(histogram, buckets);
      assert.equal(figures.length, buckets);
      figures.forEach((point, i) => {
        const one = new Map([...histogram].map(([le, column]) => [le, column[i]]));
        const expected: Record<string, number> = {};
        for (const [field, q] of [
          ['p50', 0.5],
          ['p95', 0.95],
          ['p99', 0.99],
        ] as const) {
          const value = histogramQuantile(q, one);
          if (value !== undefined) expected[field] = value;
        }
        assert.deepEqual(point, expected, `round ${round}, bucket ${i}`);
      });
    }
  });
});

describe('Prometheus source: queries sent to a server', () => {
  it('finds OpenVINO Model Server names, sums its success and failure counters, and groups by its labels', async () => {
    const queries: string[] = [];
    const now = 1_700_000_000_000;
    const server = await serve((_req, body) => {
      const params = new URLSearchParams(body);
      const query = params.get('query') ?? '';
      queries.push(query);
      if (query.startsWith('count by (__name__)'))
        return {
          body: JSON.stringify({
            status: 'success',
            data: {
              resultType: 'vector',
              result: [{ metric: { __name__: 'ovms_requests_success' }, value: [now / 1000, '2'] }],
            },
          }),
        };
      const start = Number(params.get('start'));
      const step = Number(params.get('step'));
      const series = (labels: Record<string, string>, values: number[]): unknown => ({
        metric: labels,
        values: values.map((v, i) => [start + i * step, String(v)]),
      });
      let result: unknown[] = [];
      if (query.startsWith('ovms_requests_success'))
        result = [series({ name: 'resnet', version: '1' }, [0, 50]), series({ name: 'resnet', version: '2' }, [0, 20])];
      if (query.startsWith('ovms_requests_fail'))
        result = [series({ name: 'resnet', version: '1' }, [0, 0]), series({ name: 'resnet', version: '2' }, [0, 5])];
      if (query.startsWith('ovms_request_time_us_bucket'))
        result = [
          series({ name: 'resnet', version: '1', le: '1000' }, [0, 40]),
          series({ name: 'resnet', version: '1', le: '+Inf' }, [0, 50]),
        ];
      return { body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } }) };
    });
    try {
      const config: TelemetryConfig = { sources: [], slos: [] };
      const summary = await summarizePrometheus({
        client: new PrometheusClient({ baseUrl: server.url }),
        query: { from: now - 3_600_000, to: now, bucketMs: 3_600_000, models: ['resnet'] },
        config,
      });
      assert.deepEqual(summary.problems, []);
      assert.deepEqual(
        summary.groups.map((g) => [g.key, g.requests, g.errors, g.errorRate]),
        [
          ['resnet@1', 50, 0, 0],
          ['resnet@2', 25, 5, 0.2],
        ],
      );
      // Rank 25 of 50 lies in (0, 1000 us]: 25/40 of the way, in milliseconds.
      assert.equal(summary.groups[0].latency.p50, 0.625);
      assert.equal(summary.bucketMs, 3_600_000);
      assert.match(
        queries[0],
        /^count by \(__name__\) \(\{__name__=~"model_requests_total\|ovms_requests_success"\}\)$/,
      );
      assert.deepEqual(queries.slice(1).sort(), [
        'ovms_request_time_us_bucket{name=~"resnet"}',
        'ovms_requests_fail{name=~"resnet"}',
        'ovms_requests_fail{name=~"resnet"}',
        'ovms_requests_success{name=~"resnet"}',
      ]);
    } finally {
      await server.close();
    }
  });

  it('keeps the figures it could read when an optional query is wrong: a bad template is a warning', async () => {
    const now = 1_700_000_000_000;
    const server = await serve((_req, body) => {
      const params = new URLSearchParams(body);
      const query = params.get('query') ?? '';
      if (query.startsWith('count by'))
        return { body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }) };
      if (query.startsWith('model_errors_total'))
        return {
          status: 503,
          body: JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'overloaded' }),
        };
      const start = Number(params.get('start'));
      const step = Number(params.get('step'));
      const result = query.startsWith('model_requests_total')
        ? [
            {
              metric: { model: 'm', version: '1' },
              values: [
                [start, '0'],
                [start + step, '7'],
              ],
            },
          ]
        : [];
      return { body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } }) };
    });
    try {
      const config: TelemetryConfig = {
        sources: [],
        slos: [],
        prometheus: {
          labels: { model: 'model', version: 'version', caller: 'caller' },
          queries: { latency: 'histogram_quantile({q}, x)', memory: 'sum by ({by}) (mem{{window}})' },
        },
      };
      const summary = await summarizePrometheus({
        client: new PrometheusClient({ baseUrl: server.url }),
        query: { from: now - 3_600_000, to: now, bucketMs: 3_600_000 },
        config,
      });
      assert.deepEqual(
        summary.groups.map((g) => [g.key, g.requests, g.errors]),
        [['m@1', 7, 0]],
      );
      const messages = summary.problems.map((p) => `${p.severity}: ${p.message}`);
      assert.equal(messages.length, 3, messages.join('\n'));
      assert.match(messages[0], /^warning: Errors: .*rejected the range query \(unavailable\): overloaded$/);
      assert.match(messages[1], /^warning: Latency: .*unknown placeholder \{q\}/);
      assert.match(messages[2], /^warning: Memory: .*unknown placeholder \{window\}/);
    } finally {
      await server.close();
    }
  });
});
