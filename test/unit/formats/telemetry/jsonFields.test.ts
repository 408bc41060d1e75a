import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonFieldScanner } from '../../../../src/core/formats/telemetry/jsonFields';
import {
  BATCH_EVENTS,
  eachPredictionLogEvent,
  emptyStats,
  readPredictionLog,
  type PredictionLogStats,
} from '../../../../src/core/formats/telemetry/predictionLog';
import type { TelemetryEvent } from '../../../../src/core/telemetry/types';

const NAMES = ['timestamp', 'model', 'model_version', 'caller', 'latency_ms', 'status', 'error', 'memory_mb'];

/** What JSON.parse says of a line: the wanted values, or undefined when it is not a JSON object. */
function parsed(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Scans a line; when the scanner answers, its values must be JSON.parse's. Returns whether it answered. */
function agrees(scanner: JsonFieldScanner, line: string): boolean {
  const bytes = Buffer.from(`xx${line}yy`);
  const answered = scanner.scan(bytes, 2, bytes.length - 2);
  const record = parsed(line);
  if (answered) {
    assert.ok(record, `scanned a line JSON.parse refuses: ${line}`);
    for (const name of NAMES) assert.ok(Object.is(scanner.value(name), record[name]), `${name} of ${line}`);
  }
  return answered;
}

describe('JSON field scanner (prediction logs)', () => {
  const scanner = new JsonFieldScanner(NAMES);

  it('takes the wanted keys out of a line with the values JSON.parse gives, skipping the others', () => {
    const line =
      '{"timestamp":"2026-03-01T00:00:00.042Z","model":"fraud","model_version":"2.0.0","caller":"checkout-api","latency_ms":9.93,"status":"ok","memory_mb":485.3,"features":{"amount":269.70,"country":"IN","card_present":false,"tags":["a\\"b",1e3,null]},"score":0.6016}';
    assert.equal(agrees(scanner, line), true);
    assert.equal(scanner.value('latency_ms'), 9.93);
    assert.equal(scanner.value('memory_mb'), 485.3);
    assert.equal(scanner.value('caller'), 'checkout-api');
    assert.equal(scanner.value('error'), undefined);
    assert.equal(scanner.value('features'), undefined);
  });

  it('reads numbers exactly as JSON.parse does (exponents, many digits, -0, integers)', () => {
    for (const n of [
      '0',
      '-0',
      '12',
      '-7.25',
      '0.1',
      '1e3',
      '2.5E-3',
      '123456789012345',
      '0.12345678901234567',
      '1234567890123456789',
      '9.999999999999999e22',
      '-0.0',
    ])
      assert.equal(agrees(scanner, `{"latency_ms":${n}}`), true, n);
  });

  it('last duplicate key wins; booleans, null and empty strings are kept as they are', () => {
    assert.equal(
      agrees(scanner, '{"caller":"a","caller":"b","error":false,"status":true,"memory_mb":null,"model":""}'),
      true,
    );
    assert.equal(scanner.value('caller'), 'b');
    assert.equal(scanner.value('error'), false);
    assert.equal(scanner.value('memory_mb'), null);
    assert.equal(scanner.value('model'), '');
  });

  it('leaves to JSON.parse what it is not sure of, and refuses what JSON.parse refuses', () => {
    const unsure = [
      '{"caller":"caf\\u00e9"}', // an escape in a wanted value
      '{"caller":"café"}', // not ASCII
      '{"error":{"code":1}}', // an object in a wanted key
      '{"cal\\u006cer":"x"}', // an escaped key
    ];
    for (const line of unsure) assert.equal(agrees(scanner, line), false, line);
    const invalid = [
      '{"caller":"a",}',
      '{"caller":"a"',
      '{"caller":"a\tb"}', // a raw tab inside a string
      '{"latency_ms":01}',
      '{"latency_ms":1.}',
      '{"latency_ms":-}',
      '{"latency_ms":1e}',
      '{"x":"\\x41"}',
      '{"x":[1,2,]}',
      '{"x":tru}',
      '{"x":{"a" 1}}',
      '{} {}',
      '[1,2]',
      '"text"',
      '',
    ];
    for (const line of invalid) {
      assert.equal(parsed(line), undefined, `JSON.parse takes ${line}`);
      assert.equal(agrees(scanner, line), false, line);
    }
    assert.equal(agrees(scanner, ' \t{ "caller" : "a" , "x" : [ { } , [ ] ] }\r'), true);
  });

  it('checks again what it remembers (keys by position, values per key) wherever a line differs', () => {
    const fresh = new JsonFieldScanner(NAMES);
    const line = (caller: string, extra = ''): string =>
      `{"timestamp":"2026-03-01T00:00:00Z","caller":${caller},"status":"ok"${extra}}`;
    const cases: [string, boolean][] = [
      [line('"web"'), true],
      [line('"web"'), true],
      [line('"web2"'), true], // longer than the value remembered
      [line('"we"'), true], // shorter: a prefix of it
      [line('"web"'), true],
      [line('"web\\"x"'), false], // an escape after the remembered bytes: JSON.parse decides
      [line('"web\u0001"'), false], // a control character after them: not JSON
      [line('"web'), false], // no closing quote
      [line('"web" '), true],
      [line('12'), true], // a number where a string was
      ['{"caller":"web","timestamp":"2026-03-01T00:00:00Z","status":"ok"}', true], // other key order
      ['{"callers":"x","timestamp":"2026-03-01T00:00:00Z","status":"ok"}', true], // a longer key at the position
      ['{"calle":"x","timestamp":"2026-03-01T00:00:00Z","status":"ok"}', true], // a shorter one
      ['{"caller":"web","timestamp":"2026-03-01T00:00:00Z","statu\\u0073":"error"}', false], // escaped key
      ['{"caller\u0000":"web"}', false],
    ];
    // More distinct values than are remembered per key, then the first ones again.
    for (let k = 0; k < 40; k++) cases.push([line(`"caller-${k % 20}"`), true]);
    for (const [text, answers] of cases) assert.equal(agrees(fresh, text), answers, text);
    assert.equal(agrees(fresh, line('"caller-3"')), true);
    assert.equal(fresh.value('caller'), 'caller-3');
    assert.equal(agrees(fresh, line('"web"', ',"caller":"last"')), true);
    assert.equal(fresh.value('caller'), 'last');
  });

  it('never disagrees with JSON.parse on damaged lines (10,000 seeded mutations)', () => {
    const base =
      '{"timestamp":"2026-03-01T00:00:00.042Z","model":"fraud","model_version":"2.0.0","caller":"web","latency_ms":-9.93e1,"status":"ok","memory_mb":485,"features":{"a":[1,{"b":"c\\n"}],"t":true},"score":null}';
    const alphabet = '{}[]":,.-+eE0123456789 \\tnulrfasx\t\u00e9';
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let answered = 0;
    for (let k = 0; k < 10_000; k++) {
      const chars = [...base];
      for (let m = 1 + random(3); m > 0; m--) {
        const at = random(chars.length);
        const op = random(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, alphabet[random(alphabet.length)]);
        else chars[at] = alphabet[random(alphabet.length)]!;
      }
      if (agrees(scanner, chars.join(''))) answered++;
    }
    // Most mutations break the line; some leave valid JSON the scanner reads.
    assert.ok(answered > 100, `answered ${answered}`);
  });
});

describe('prediction log reader: scanned lines give the events JSON.parse gives', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jsonfields-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function read(
    file: string,
    features: boolean,
  ): Promise<{ events: TelemetryEvent[]; stats: PredictionLogStats }> {
    const stats = emptyStats();
    const events: TelemetryEvent[] = [];
    for await (const batch of readPredictionLog(file, { features }, stats))
      for (const e of batch) {
        delete e.features;
        delete e.prediction;
        events.push(e);
      }
    return { events, stats };
  }

  it('same events, line numbers and bad lines as the JSON.parse path (BOM, CRLF, escapes, units, odd timestamps)', async () => {
    const lines = [
      '\ufeff{"timestamp":"2026-03-01T12:00:00Z","model":"fraud","model_version":"1.0","caller":"web","latency_ms":12.5,"status":"ok","memory_mb":512,"features":{"a":1}}',
      '{"timestamp":"2026-03-01T12:00:01.5Z","model":"fraud","version":"2.0","caller":"caf\\u00e9","latency_ms":"7","status":"error"}',
      '{"ts":1772366401,"model_name":"fraud","client":"mobile","duration_ms":40,"status_code":503}',
      '   ',
      'not json',
      '{"timestamp":"2026-03-01T12:59:59.999Z","model":"fraud","model_version":"1.0","caller":"ünï","latency_s":0.25,"error":"boom"}',
      '{"timestamp":"2026-03-01T13:00:00+01:00","model":"fraud","model_version":"1.0","latency_ms":1,"error":null,"status":200}',
      '{"timestamp":"2026-03-01T12:61:00Z","latency_ms":3}',
      '{"timestamp":"","time":"2026-03-01 12:00:02","latency_ms":3,"exception":{"type":"E"}}',
      '{"timestamp":"2026-03-01T12:00:03Z","latency_ms":3,"status":false}',
      '{"timestamp":"2026-03-01T12:00:04Z","latency_ms":1.7976931348623157e308,"memory_mb":-0}',
      '{"timestamp":"2026-03-01T12:00:05Z","latency_ms":3,',
      '{"timestamp":"2026-03-01T12:00:06Z","model":"fraud","model_version":"1.0","latency_ms":4}',
    ];
    const file = path.join(dir, 'mixed.jsonl');
    fs.writeFileSync(file, lines.join('\r\n'));
    const scanned = await read(file, false);
    const parsedRead = await read(file, true);
    assert.deepEqual(scanned.events, parsedRead.events);
    assert.deepEqual(scanned.stats, parsedRead.stats);
    assert.equal(scanned.events.length, 10);
    assert.deepEqual(
      scanned.stats.bad.map((b) => [b.line, b.message]),
      [
        [5, 'not valid JSON'],
        [12, 'not valid JSON'],
      ],
    );
    assert.deepEqual(
      scanned.events.map((e) => [e.line, e.caller, e.latencyMs, e.error]),
      [
        [1, 'web', 12.5, false],
        [2, 'café', 7, true],
        [3, 'mobile', 40, true],
        [6, 'ünï', 250, true],
        [7, '', 1, false],
        [8, '', 3, false],
        [9, '', 3, true],
        [10, '', 3, true],
        [11, '', 1.7976931348623157e308, false],
        [13, '', 4, false],
      ],
    );
    assert.equal(scanned.events[0].time, Date.UTC(2026, 2, 1, 12, 0, 0));
    // One by one (one reused object for scanned lines): the same events, in the same order.
    const each: TelemetryEvent[] = [];
    const eachStats = emptyStats();
    await eachPredictionLogEvent(file, {}, eachStats, (e) => each.push(withoutUndefined(e)));
    assert.deepEqual(each, scanned.events.map(withoutUndefined));
    assert.deepEqual(eachStats, scanned.stats);
    assert.equal(scanned.events[3].time, Date.UTC(2026, 2, 1, 12, 59, 59, 999));
    assert.equal(scanned.events[4].time, Date.UTC(2026, 2, 1, 12, 0, 0));
  });

  it('hands events one by one in file order when scanned and parsed lines alternate across batches', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 3 * BATCH_EVENTS + 10; i++) {
      const second = String(i % 60).padStart(2, '0');
      // Every 7th line has an escaped caller, so JSON.parse reads it and its event is batched.
      const caller = i % 7 === 0 ? `"c\\u00e9-${i % 3}"` : `"web-${i % 5}"`;
      const latency = i % 11 === 0 ? '' : `,"latency_ms":${(i % 97) / 4}`;
      lines.push(
        `{"timestamp":"2026-03-01T12:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${second}Z","model":"m","model_version":"${i % 3}","caller":${caller}${latency},"status":"${i % 13 === 0 ? 'error' : 'ok'}"}`,
      );
    }
    lines.splice(100, 0, 'not json');
    const file = path.join(dir, 'alternating.jsonl');
    fs.writeFileSync(file, lines.join('\n'));
    const batched = await read(file, false);
    const each: TelemetryEvent[] = [];
    const stats = emptyStats();
    await eachPredictionLogEvent(file, {}, stats, (e) => each.push(withoutUndefined(e)));
    assert.equal(each.length, 3 * BATCH_EVENTS + 10);
    assert.deepEqual(each, batched.events.map(withoutUndefined));
    assert.deepEqual(stats, batched.stats);
    assert.deepEqual(
      each.slice(0, 3).map((e) => [e.line, e.caller, e.latencyMs]),
      [
        [1, 'cé-0', undefined],
        [2, 'web-1', 0.25],
        [3, 'web-2', 0.5],
      ],
    );
  });
});

/** A copy of an event without the keys that hold undefined (a reused event keeps them as keys). */
function withoutUndefined(event: TelemetryEvent): TelemetryEvent {
  return Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined)) as unknown as TelemetryEvent;
}
