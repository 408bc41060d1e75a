// The Prometheus client's fast reader of range answers (samples straight into columns) against JSON.parse of the
// same text: on a real server's recorded answers and on hand-written ones, the same times and values, bit for bit;
// on anything but the well-formed shape it gives up, and the client reads the answer the ordinary way.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PrometheusClient } from '../../../../src/core/formats/prometheus/api';
import { readMatrixAnswer, sampleValue, type SampleColumns } from '../../../../src/core/formats/prometheus/samples';

const FIXTURE = path.resolve(__dirname, '../../../../../test/fixtures/telemetry/prometheus/answers.json');

interface Recorded {
  cases: { answers: { request: string; answer: string }[] }[];
}

/** The columns of every `values` list of an answer, as JSON.parse reads it (the reference). */
function parsedColumns(text: string): SampleColumns[] {
  const json = JSON.parse(text) as { data: { result: { values?: [number, string][] }[] } };
  return (Array.isArray(json.data.result) ? json.data.result : [])
    .filter((series) => Array.isArray(series.values))
    .map((series) => ({
      times: Float64Array.from(series.values!, ([t]) => Math.round(t * 1000)),
      values: Float64Array.from(series.values!, ([, v]) => sampleValue(v)!),
    }));
}

/** The columns the fast reader gives, in the order of the series. */
function fastColumns(text: string): SampleColumns[] | undefined {
  const read = readMatrixAnswer(text);
  if (!read) return undefined;
  const json = read.json as { data: { result: { values?: number }[] } };
  return json.data.result.filter((s) => typeof s.values === 'number').map((s) => read.columns[s.values!]);
}

const LONG_TIME = 9876543210987;

const matrix = (result: unknown[]): string =>
  JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } });

describe('Prometheus answers read into columns', () => {
  it('reads sample values as Prometheus writes them', () => {
    assert.equal(sampleValue('0.25'), 0.25);
    assert.equal(sampleValue('-3e-2'), -0.03);
    assert.equal(sampleValue('+Inf'), Infinity);
    assert.equal(sampleValue('-Inf'), -Infinity);
    assert.ok(Number.isNaN(sampleValue('NaN')));
    assert.equal(sampleValue(''), undefined);
    assert.equal(sampleValue('abc'), undefined);
    assert.equal(sampleValue(1), undefined);
    assert.equal(sampleValue(null), undefined);
  });

  it('reads every recorded answer of a real Prometheus as JSON.parse does', () => {
    const recorded = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Recorded;
    let samples = 0;
    for (const { answers } of recorded.cases)
      for (const { answer } of answers) {
        const fast = fastColumns(answer);
        assert.ok(fast, `read on the fast path: ${answer.slice(0, 80)}`);
        const reference = parsedColumns(answer);
        assert.deepStrictEqual(fast, reference);
        samples += reference.reduce((n, c) => n + c.times.length, 0);
      }
    assert.ok(samples > 1500, `${samples} samples compared`);
  });

  it('reads the shapes other servers write: spacing, key order, decimals, long numbers, NaN and infinities', () => {
    const pretty = JSON.stringify(
      {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              values: [
                [1700000000, '1'],
                [1700000015.5, '0.25'],
                [1700000030.125, '-0'],
                [1700000045, '12345678901234567890'],
                [1700000060, '123456789012345'],
                [1700000075, '-42'],
                [1700000090, 'NaN'],
                [1700000105, '+Inf'],
                [1700000120, '-Inf'],
                [1700000135, '1.5e3'],
                [1700000150, '+7'],
                [1700000165, '007'],
              ],
              metric: { values: 'a label named values', text: '"values":[[1,"2"]]' },
            },
            { metric: {}, values: [] },
            { metric: { x: 'y' }, values: [[-1.25, '3']] },
            { metric: { x: 'z' }, values: [[LONG_TIME, '3']] },
          ],
        },
      },
      null,
      2,
    )
      .replace(/\n/g, '\r\n')
      .replace(String(LONG_TIME), '98765432109876543'); // 17 digits: more than a double holds exactly
    const fast = fastColumns(pretty);
    assert.ok(fast);
    const reference = parsedColumns(pretty);
    assert.deepStrictEqual(fast, reference);
    assert.equal(fast.length, 4);
    assert.ok(Object.is(fast[0].values[2], -0));
    assert.deepEqual([...fast[0].values.slice(3, 6)], [Number('12345678901234567890'), 123456789012345, -42]);
    assert.deepEqual([...fast[0].times.slice(0, 3)], [1_700_000_000_000, 1_700_000_015_500, 1_700_000_030_125]);
    assert.deepEqual([...fast[2].times], [-1250]);
    const json = readMatrixAnswer(pretty)!.json as { data: { result: { metric: Record<string, string> }[] } };
    assert.deepEqual(json.data.result[0].metric, { values: 'a label named values', text: '"values":[[1,"2"]]' });
  });

  it('reads series of any length, longer or shorter than the one before', () => {
    const series = (length: number, seed: number): unknown => ({
      metric: { n: String(length) },
      values: Array.from({ length }, (_, i) => [1_700_000_000 + i * 15, String((i * seed) % 1000)]),
    });
    const text = matrix([
      series(1000, 7),
      series(10, 3),
      series(10, 5),
      series(2500, 11),
      series(1, 2),
      series(64, 13),
    ]);
    const fast = fastColumns(text);
    assert.ok(fast);
    assert.deepEqual(
      fast.map((c) => c.times.length),
      [1000, 10, 10, 2500, 1, 64],
    );
    assert.deepStrictEqual(fast, parsedColumns(text));
    assert.equal(fast[3].values[2499], (2499 * 11) % 1000);
  });

  it('gives up on anything but the well-formed shape, and the client then reads it the ordinary way', async () => {
    const giveUp = [
      matrix([{ metric: {}, values: [[1, '\\u0031']] }]).replace('\\\\u0031', '\\u0031'), // an escape in a value
      matrix([{ metric: {}, values: [[1.7e9, '1']] }]).replace('1700000000', '1.7e9'), // an exponent in a time
      matrix([{ metric: {}, values: [[1, 2]] }]), // a value that is not text
      matrix([{ metric: {}, values: [[1, 'abc']] }]), // text that is not a number
      matrix([{ metric: {}, values: [[1, '']] }]),
      matrix([{ metric: {}, values: [[1, '1', 2]] }]), // not a pair
      matrix([{ metric: {}, values: [['1', '2']] }]),
      matrix([{ metric: {}, values: 3 }]), // not a list
      matrix([{ metric: {}, values: [[1, '1']] }]).replace('"1"]', '"1\n"]'), // a control character
      matrix([{ metric: {}, values: [[1, '1']] }]).replace('[[1,', '[[01,'), // not JSON
      matrix([{ metric: {}, values: [[1, '1']] }]).slice(0, -3), // cut short
      matrix([
        {
          metric: {},
          values: [
            [1, '1'],
            [2, '2'],
          ],
        },
      ]).replace('],[', '],,['),
    ];
    for (const text of giveUp) assert.equal(readMatrixAnswer(text), undefined, text);
    // What the client makes of them is what JSON.parse makes of them: the escaped value reads as 1, the rest fail.
    let answer = giveUp[0];
    const client = new PrometheusClient({
      baseUrl: 'http://127.0.0.1:9090',
      fetch: () => Promise.resolve(new Response(answer)),
    });
    const read = await client.queryRange('x', 0, 60_000, 15_000);
    assert.deepEqual([...read.series[0].values], [1]);
    assert.deepEqual([...read.series[0].times], [1000]);
    for (const text of giveUp.slice(2)) {
      answer = text;
      await assert.rejects(client.queryRange('x', 0, 60_000, 15_000), /malformed|unexpected shape|not JSON/, text);
    }
  });
});
