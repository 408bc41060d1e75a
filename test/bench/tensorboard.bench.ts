// tfevents-rate: events per second reading a ~60 MB TensorBoard event file (PyTorch-style simple_value scalars),
// ours against TensorBoard's own Python EventAccumulator on the same file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { maskedCrc32c } from '../../src/core/formats/tensorboard/crc32c';
import { readEventFile } from '../../src/core/formats/tensorboard/events';
import { timeMedian, type Benchmark } from './types';

const TAGS = ['train/loss', 'train/accuracy', 'val/loss', 'val/accuracy', 'learning_rate'];

function varint(value: number, out: number[]): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** Writes `targetBytes` of framed Event records: one scalar per event, tags in turn, like tensorboardX writes. */
function writeEventFile(file: string, targetBytes: number): number {
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  let used = 0;
  let written = 0;
  let events = 0;
  const tagBytes = TAGS.map((t) => Buffer.from(t));
  try {
    for (let step = 0; written + used < targetBytes; step++) {
      for (let t = 0; t < TAGS.length; t++) {
        // Event { wall_time=1 (double), step=2 (varint), summary=5 { value=1 { tag=1, simple_value=2 (float) } } }
        const value: number[] = [0x0a];
        varint(tagBytes[t].length, value);
        value.push(...tagBytes[t], 0x15, 0, 0, 0, 0);
        const summary = [0x0a];
        varint(value.length, summary);
        summary.push(...value);
        const data: number[] = [0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x10];
        varint(step, data);
        data.push(0x2a);
        varint(summary.length, data);
        data.push(...summary);
        const bytes = Buffer.from(data);
        bytes.writeDoubleLE(1_700_000_000 + step * 0.1, 1);
        bytes.writeFloatLE(Math.sin(step / 1000) + t, bytes.length - 4);
        const total = 16 + bytes.length;
        if (used + total > chunk.length) {
          fs.writeSync(fd, chunk, 0, used);
          written += used;
          used = 0;
        }
        chunk.writeUInt32LE(bytes.length, used);
        chunk.writeUInt32LE(0, used + 4);
        chunk.writeUInt32LE(maskedCrc32c(chunk, used, used + 8), used + 8);
        bytes.copy(chunk, used + 12);
        chunk.writeUInt32LE(maskedCrc32c(bytes), used + 12 + bytes.length);
        used += total;
        events++;
      }
    }
    fs.writeSync(fd, chunk, 0, used);
  } finally {
    fs.closeSync(fd);
  }
  return events;
}

const BASELINE = `
import json, sys, time
from tensorboard.backend.event_processing import event_accumulator
started = time.perf_counter()
acc = event_accumulator.EventAccumulator(sys.argv[1], size_guidance={event_accumulator.SCALARS: 0})
acc.Reload()
scalars = sum(len(acc.Scalars(tag)) for tag in acc.Tags()["scalars"])
print(json.dumps({"seconds": time.perf_counter() - started, "scalars": scalars}))
`;

export const benchmarks: Benchmark[] = [
  {
    id: 'tfevents-rate',
    title: 'TensorBoard event file, ~60 MB of scalar events: events per second',
    async run(ctx) {
      const file = path.join(ctx.tmp, 'events.out.tfevents.1700000000.bench');
      const written = writeEventFile(file, 60 * 1024 * 1024);
      const size = fs.statSync(file).size;
      ctx.log(`wrote ${written} events, ${(size / 1024 / 1024).toFixed(1)} MB`);
      let events = 0;
      let scalars = 0;
      const ms = await timeMedian(async () => {
        const result = await readEventFile(file);
        events = result.events;
        scalars = result.scalars.reduce((n, s) => n + s.values.length, 0);
      }, 5);
      if (events !== written || scalars !== written)
        throw new Error(`read ${events} events and ${scalars} scalars, wrote ${written}`);
      const rate = events / (ms / 1000);
      ctx.log(
        `ours: ${events} events in ${ms.toFixed(0)} ms (${(size / 1024 / 1024 / (ms / 1000)).toFixed(0)} MB/s, CRCs checked)`,
      );
      let baselineRate: number | null = null;
      let notes = `${(size / 1024 / 1024).toFixed(1)} MB, ${events} events, both CRCs verified`;
      if (ctx.python) {
        const out = JSON.parse(
          execFileSync(ctx.python, ['-c', BASELINE, file], {
            encoding: 'utf8',
            maxBuffer: 1024 * 1024,
            env: { ...process.env, PYTHONWARNINGS: 'ignore' },
          }),
        ) as { seconds: number; scalars: number };
        if (out.scalars !== written) throw new Error(`EventAccumulator read ${out.scalars} scalars, wrote ${written}`);
        baselineRate = out.scalars / out.seconds;
        ctx.log(`EventAccumulator: ${out.scalars} scalars in ${out.seconds.toFixed(1)} s`);
      } else notes += '; no Python environment, so no baseline';
      return {
        id: 'tfevents-rate',
        value: rate,
        unit: 'events/s',
        baseline: baselineRate === null ? '' : 'TensorBoard EventAccumulator (Python, size_guidance all scalars)',
        baselineValue: baselineRate,
        ratio: baselineRate === null ? null : rate / baselineRate,
        target: '>= 1M events/s',
        met: rate >= 1_000_000,
        notes,
      };
    },
  },
];
