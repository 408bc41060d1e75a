import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root } from '../../../harness/paths';
import { MetricsError } from '../../../../src/core/metrics/model';
import { EventFileReader, parseEventBytes, readEventFile } from '../../../../src/core/formats/tensorboard/events';
import { seededRandom } from '../../../helpers/prng';
import { mutate } from '../mlflow/fuzz';
import { compareWithTensorBoard, type ExpectedLogs } from './oracle';
import {
  event,
  eventFile,
  fieldBytes,
  fieldDouble,
  fieldFloat,
  fieldVarint,
  frame,
  referenceCrc32c,
  referenceMask,
  tensor,
  varint,
} from './write';

const fixture = path.join(root, 'test', 'fixtures', 'tensorboard');
const logs = path.join(fixture, 'logs');
const expected = JSON.parse(fs.readFileSync(path.join(fixture, 'expected.json'), 'utf8')) as ExpectedLogs;
const tbxFile = (): string => {
  const dir = path.join(logs, 'tbx');
  return path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith('events.out.tfevents.'))!);
};

/** Offsets at which the records of a TFRecord file start. */
function recordOffsets(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = 0; at + 12 <= bytes.length; at += 16 + bytes.readUInt32LE(at)) offsets.push(at);
  return offsets;
}

describe('TensorBoard event files', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfevents-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads exactly the scalars TensorBoard reads: simple_value and TF2 tensors of every numeric type', async () => {
    const points = await compareWithTensorBoard(logs, expected);
    assert.ok(points > 1000, `compared ${points} points`);
  });

  it('reports the events, file version and wall times of a file; ignores histograms and text', async () => {
    const result = await readEventFile(tbxFile());
    assert.equal(result.fileVersion, 'brain.Event:2');
    assert.equal(result.truncatedAt, undefined);
    assert.equal(result.nextOffset, fs.statSync(tbxFile()).size);
    assert.deepEqual(
      result.scalars.map((s) => s.tag),
      ['train/loss', 'train/lr', 'val/acc', 'special'],
    );
    // 1 file_version + 200 x 2 scalars + 10 val/acc + 2 histograms + 7 special + 1 text
    assert.equal(result.events, 421);
    assert.equal(result.firstWallTime, 1700000000);
    assert.ok(result.lastWallTime! > 1700001006, 'the file_version event carries the time the file was created');
  });

  it('reads the same with tiny chunks as with one big chunk (records across chunk ends, growing the buffer)', async () => {
    const whole = await readEventFile(tbxFile());
    for (const chunkSize of [64, 100, 4096])
      assert.deepEqual(await readEventFile(tbxFile(), { chunkSize }), whole, `chunk ${chunkSize}`);
  });

  it('tolerates a truncated last record and continues from it when the file grows (tailing)', async () => {
    const bytes = fs.readFileSync(tbxFile());
    const offsets = recordOffsets(bytes);
    const file = path.join(tmp, 'events.out.tfevents.1.live');
    const cut = offsets[100] + 7; // inside the header of record 100
    fs.writeFileSync(file, bytes.subarray(0, cut));
    const reader = new EventFileReader(file, { chunkSize: 256 });
    const first = await reader.readFrom();
    assert.equal(first.events, 100);
    assert.equal(first.truncatedAt, offsets[100]);
    assert.equal(first.nextOffset, offsets[100]);
    const cut2 = offsets[250] + 20; // inside the data of record 250
    fs.appendFileSync(file, bytes.subarray(cut, cut2));
    const second = await reader.readFrom();
    assert.equal(second.startOffset, offsets[100]);
    assert.equal(second.events, 150);
    assert.equal(second.truncatedAt, offsets[250]);
    fs.appendFileSync(file, bytes.subarray(cut2));
    const third = await reader.readFrom();
    assert.equal(third.truncatedAt, undefined);
    assert.equal(third.nextOffset, bytes.length);
    const whole = await readEventFile(tbxFile());
    assert.equal(first.events + second.events + third.events, whole.events);
    for (const tag of ['train/loss', 'val/acc', 'special']) {
      const parts = [first, second, third].flatMap((r) => r.scalars.filter((s) => s.tag === tag));
      assert.deepEqual(
        parts.flatMap((p) => p.values),
        whole.scalars.find((s) => s.tag === tag)!.values,
        tag,
      );
    }
    const nothing = await reader.readFrom();
    assert.equal(nothing.events, 0);
    assert.deepEqual(nothing.scalars, []);
    fs.writeFileSync(file, bytes.subarray(0, 100));
    await assert.rejects(
      reader.readFrom(),
      (err: unknown) => err instanceof MetricsError && /was replaced; read it again from the start/.test(err.message),
    );
  });

  it('keeps TF2 tags of the scalars plugin across incremental reads (metadata only in a tag first event)', async () => {
    const plugin = 'scalars';
    const value = (step: number, withMetadata: boolean): Buffer =>
      frame(
        event({
          wallTime: 10 + step,
          step,
          values: [
            {
              tag: 'loss',
              tensor: tensor({ dtype: 1, fields: [fieldBytes(5, Buffer.from(new Float32Array([step / 2]).buffer))] }),
              plugin: withMetadata ? plugin : undefined,
            },
          ],
        }),
      );
    const file = path.join(tmp, 'events.out.tfevents.2.x');
    fs.writeFileSync(file, Buffer.concat([value(0, true), value(1, false)]));
    const reader = new EventFileReader(file);
    assert.deepEqual((await reader.readFrom()).scalars[0].values, [0, 0.5]);
    fs.appendFileSync(file, value(2, false));
    assert.deepEqual(
      (await reader.readFrom()).scalars.map((s) => [s.tag, s.values]),
      [['loss', [1]]],
    );
  });

  it('decodes scalar tensors in every encoding and skips what is not a one-element number', () => {
    const f32 = (v: number): Buffer => Buffer.from(new Float32Array([v]).buffer);
    const f64 = (v: number): Buffer => Buffer.from(new Float64Array([v]).buffer);
    const cases: [string, Buffer, number | undefined][] = [
      ['float content', tensor({ dtype: 1, content: f32(0.1) }), Math.fround(0.1)],
      ['float_val packed', tensor({ dtype: 1, fields: [fieldBytes(5, f32(2.5))] }), 2.5],
      ['float_val unpacked', tensor({ dtype: 1, fields: [fieldFloat(5, -3)] }), -3],
      ['double content', tensor({ dtype: 2, content: f64(Math.PI) }), Math.PI],
      ['double_val packed', tensor({ dtype: 2, fields: [fieldBytes(6, f64(1e300))] }), 1e300],
      ['double_val unpacked', tensor({ dtype: 2, fields: [fieldDouble(6, -0.5)] }), -0.5],
      ['int32 int_val negative', tensor({ dtype: 3, fields: [fieldVarint(7, -7n)] }), -7],
      ['int64 int64_val', tensor({ dtype: 9, fields: [fieldVarint(10, 2n ** 40n)] }), 2 ** 40],
      ['int64 content', tensor({ dtype: 9, content: Buffer.from(new BigInt64Array([-5n]).buffer) }), -5],
      ['uint8 int_val', tensor({ dtype: 4, fields: [fieldVarint(7, 200)] }), 200],
      ['half half_val', tensor({ dtype: 19, fields: [fieldVarint(13, 0x3c00)] }), 1],
      ['half content', tensor({ dtype: 19, content: Buffer.from([0x00, 0xc0]) }), -2],
      ['half infinity', tensor({ dtype: 19, fields: [fieldVarint(13, 0x7c00)] }), Infinity],
      ['bfloat16 half_val', tensor({ dtype: 14, fields: [fieldVarint(13, 0x3fc0)] }), 1.5],
      ['shape [1, 1]', tensor({ dtype: 1, shape: [1, 1], content: f32(4) }), 4],
      ['empty float (TensorBoard reads 0)', tensor({ dtype: 1 }), 0],
      ['vector of 3', tensor({ dtype: 1, shape: [3], content: Buffer.concat([f32(1), f32(2), f32(3)]) }), undefined],
      ['string', tensor({ dtype: 7, fields: [fieldBytes(8, 'text')] }), undefined],
      ['bool', tensor({ dtype: 10, fields: [fieldVarint(11, 1)] }), undefined],
      ['short content', tensor({ dtype: 2, content: Buffer.from([1, 2, 3]) }), undefined],
    ];
    const events = cases.map(([tag, t], i) =>
      frame(event({ wallTime: 100 + i, step: i, values: [{ tag, tensor: t, plugin: 'scalars' }] })),
    );
    const result = parseEventBytes(Buffer.concat(events), 'tensors');
    const got = Object.fromEntries(result.scalars.map((s) => [s.tag, s.values[0]]));
    for (const [tag, , want] of cases) assert.deepEqual(got[tag], want, tag);
    // A scalar tensor of another plugin, or with no plugin at all, is not a TensorBoard scalar.
    const other = parseEventBytes(
      Buffer.concat([
        frame(
          event({
            wallTime: 1,
            step: 1,
            values: [{ tag: 'h', tensor: tensor({ dtype: 1, content: f32(1) }), plugin: 'histograms' }],
          }),
        ),
        frame(event({ wallTime: 1, step: 1, values: [{ tag: 'n', tensor: tensor({ dtype: 1, content: f32(1) }) }] })),
      ]),
      'other',
    );
    assert.deepEqual(other.scalars, []);
  });

  it('reads negative and 64-bit steps, and keeps tags with slashes, dots, spaces, HTML and invalid UTF-8', () => {
    const tags: (string | Buffer)[] = [
      'a/b/c',
      'x.y z',
      '<img src=x onerror=alert(1)>',
      Buffer.from([0x6c, 0xff, 0x6f]),
    ];
    const events = tags.map((tag, i) =>
      frame(event({ wallTime: 5, step: [-3, 2 ** 40, 0, 7][i], values: [{ tag, simple: i }] })),
    );
    const result = parseEventBytes(Buffer.concat(events), 'tags');
    assert.deepEqual(
      result.scalars.map((s) => [s.tag, s.steps[0], s.values[0]]),
      [
        ['a/b/c', -3, 0],
        ['x.y z', 2 ** 40, 1],
        ['<img src=x onerror=alert(1)>', 0, 2],
        ['l\ufffdo', 7, 3],
      ],
    );
  });

  it('names the byte offset of a record whose checksum does not match', async () => {
    const bytes = fs.readFileSync(tbxFile());
    const offsets = recordOffsets(bytes);
    const damagedData = Buffer.from(bytes);
    damagedData[offsets[42] + 14] ^= 0x10;
    const file = path.join(tmp, 'events.out.tfevents.3.damaged');
    fs.writeFileSync(file, damagedData);
    await assert.rejects(
      readEventFile(file),
      (err: unknown) =>
        err instanceof MetricsError &&
        err.position?.offset === offsets[42] &&
        err.message.includes(`data checksum of the record at byte ${offsets[42]}`) &&
        err.message.includes(file),
    );
    const damagedLength = Buffer.from(bytes);
    damagedLength[offsets[7] + 1] ^= 0x01;
    assert.throws(
      () => parseEventBytes(damagedLength, 'len'),
      (err: unknown) =>
        err instanceof MetricsError && err.position?.offset === offsets[7] && /length checksum/.test(err.message),
    );
    // Without checks, a flipped bit in a value is read as it is.
    const valueFlip = Buffer.from(bytes);
    valueFlip[offsets[1] + 12 + 8] ^= 0x01;
    assert.equal(parseEventBytes(valueFlip, 'nocheck', { verifyChecksums: false }).events, recordOffsets(bytes).length);
  });

  it('handles an empty file, a missing file, a text file and a record claiming gigabytes', async () => {
    const empty = path.join(tmp, 'events.out.tfevents.0.empty');
    fs.writeFileSync(empty, '');
    const result = await readEventFile(empty);
    assert.deepEqual([result.events, result.scalars, result.truncatedAt, result.nextOffset], [0, [], undefined, 0]);
    await assert.rejects(
      readEventFile(path.join(tmp, 'missing')),
      (err: unknown) => err instanceof MetricsError && /ENOENT/.test(err.message),
    );
    const text = Buffer.from('this is a text file, not TensorBoard events\n'.repeat(3));
    assert.throws(
      () => parseEventBytes(text, 'text'),
      (err: unknown) => err instanceof MetricsError && err.position?.offset === 0,
    );
    const huge = Buffer.alloc(16);
    huge.writeUInt32LE(0x7fffffff, 0);
    huge.writeUInt32LE(referenceMask(referenceCrc32c(huge.subarray(0, 8))), 8);
    assert.throws(() => parseEventBytes(huge, 'huge'), /claims 2147483647 bytes/);
    huge.writeUInt32LE(1, 4);
    huge.writeUInt32LE(referenceMask(referenceCrc32c(huge.subarray(0, 8))), 8);
    assert.throws(() => parseEventBytes(huge, 'huge'), /more than 4 GiB/);
  });

  it('rejects an Event that is not a valid message, with the record offset', () => {
    const bad = eventFile([Buffer.concat([fieldBytes(5, Buffer.from([0x0a, 0x7f, 0x01]))])]);
    assert.throws(
      () => parseEventBytes(bad, 'bad'),
      (err: unknown) =>
        err instanceof MetricsError &&
        /record at byte \d+ is not a valid Event/.test(err.message) &&
        err.position?.offset !== undefined,
    );
    const groups = eventFile([Buffer.concat([Buffer.alloc(100, 0x0b)])]); // start-group keys nested 100 deep
    assert.throws(() => parseEventBytes(groups, 'groups'), MetricsError);
    const longVarint = eventFile([Buffer.concat([varint(2 << 3), Buffer.alloc(11, 0xff)])]);
    assert.throws(() => parseEventBytes(longVarint, 'varint'), /not a valid Event/);
  });

  it('survives thousands of mutated files, with and without checksums: no crash or hang, every failure a MetricsError', function () {
    this.timeout(60_000);
    const next = seededRandom(5);
    const sources = [
      fs.readFileSync(tbxFile()).subarray(0, 4000),
      ...fs
        .readdirSync(path.join(logs, 'tf2'))
        .map((f) => fs.readFileSync(path.join(logs, 'tf2', f)).subarray(0, 3000)),
    ];
    let ok = 0;
    for (let i = 0; i < 3000; i++) {
      const source = sources[i % sources.length];
      let input = mutate(source, next);
      if (i % 3 === 0) {
        // Mutate inside one record's data and fix its checksums, so the protobuf decoder sees the damage.
        const offsets = recordOffsets(source);
        const at = offsets[Math.floor(next() * offsets.length)];
        const length = source.readUInt32LE(at);
        const data = mutate(source.subarray(at + 12, at + 12 + length), next);
        input = Buffer.concat([source.subarray(0, at), frame(data), source.subarray(at + 16 + length)]);
      }
      try {
        parseEventBytes(input, `fuzz-${i}`, { verifyChecksums: i % 2 === 0 });
        ok++;
      } catch (err) {
        assert.ok(err instanceof MetricsError, `input ${i}: ${String(err)}`);
      }
    }
    assert.ok(ok > 100, `${ok} inputs parsed`);
  });
});
