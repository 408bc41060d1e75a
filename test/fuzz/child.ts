// One fuzz target in its own process (started by scripts/fuzz.mjs with an IPC channel): writes the index of the
// input it is on to a progress file before each input (so a hang or a crash names its input), sends a heartbeat
// with the counts a few times a second, and its totals and peak memory at the end.
import fs from 'node:fs';
import path from 'node:path';
import { runTarget, type FuzzStats } from './run';
import { fuzzTargets } from './targets';

interface ChildArgs {
  root: string;
  target: string;
  seed: number;
  start: number;
  count: number;
  timeLimitMs: number;
  progressFile: string;
}

export type ChildMessage =
  | { type: 'heartbeat'; done: number; maxRssKb: number }
  | { type: 'result'; stats: FuzzStats; maxRssKb: number };

async function main(args: ChildArgs): Promise<void> {
  const target = fuzzTargets(args.root).find((t) => t.name === args.target);
  if (!target) throw new Error(`unknown fuzz target ${args.target}`);
  const send = (message: ChildMessage): void => {
    process.send?.(message);
  };
  const fd = fs.openSync(args.progressFile, 'w');
  const slot = Buffer.alloc(16);
  let lastBeat = 0;
  await target.open?.();
  try {
    const stats = await runTarget(target, {
      seed: args.seed,
      start: args.start,
      count: args.count,
      timeLimitMs: args.timeLimitMs,
      progress: (index, done) => {
        if (!done) {
          slot.fill(0x20).write(String(index));
          fs.writeSync(fd, slot, 0, slot.length, 0);
          return;
        }
        const now = Date.now();
        if (now - lastBeat >= 200) {
          lastBeat = now;
          send({ type: 'heartbeat', done: index, maxRssKb: process.resourceUsage().maxRSS });
        }
      },
    });
    send({ type: 'result', stats, maxRssKb: process.resourceUsage().maxRSS });
  } finally {
    target.close?.();
    fs.closeSync(fd);
  }
}

if (require.main === module) {
  const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
  args.root = path.resolve(args.root);
  main(args).then(
    () => process.disconnect?.(),
    (err: unknown) => {
      console.error(err);
      process.exit(3);
    },
  );
}
