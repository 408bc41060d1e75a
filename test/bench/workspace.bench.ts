// Workspace core benchmarks: discovery against `git ls-files`, hashing against `openssl dgst`, and a warm-cache
// rescan against a plain stat walk. Trees are generated in the benchmark's temporary folder.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { discoverWorkspace } from '../../src/core/workspace/discovery';
import { HashCache, hashFile, hashTree } from '../../src/core/workspace/hash';
import { timeMedian, type Benchmark, type BenchContext, type Measure } from './types';

const run = promisify(execFile);

/** Median wall times (ms) of `ours` and `baseline`, run alternately so that a busy machine slows both alike. */
async function interleavedMedians(
  ours: () => Promise<unknown>,
  baseline: () => Promise<unknown>,
  runs: number,
): Promise<[number, number]> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(await timeMedian(ours, 1));
    b.push(await timeMedian(baseline, 1));
  }
  const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)];
  return [median(a), median(b)];
}
const MATCHING = ['.csv', '.parquet', '.pt', '.onnx', '.ipynb'];

/**
 * `count` files in nested folders (10 x 10 x 10 leaves plus a few deeper ones), `share` of them models, datasets or
 * notebooks, with a root .gitignore, nested .gitignore files and ignored folders (counted in the total).
 */
function generateTree(root: string, count: number, share: number): { matching: number; folders: number } {
  let matching = 0;
  const folders: string[] = [];
  for (let a = 0; a < 10; a++)
    for (let b = 0; b < 10; b++) for (let c = 0; c < 10; c++) folders.push(`pkg${a}/mod${b}/part${c}`);
  for (let i = 0; i < 20; i++) folders.push(`deep/l1/l2/l3/l4/l5/f${i}`);
  const ignoredFolders = ['build/out', 'cache/tmp'];
  fs.writeFileSync(path.join(root, '.gitignore'), 'build/\ncache/\n*.log\n');
  for (const folder of [...folders, ...ignoredFolders]) fs.mkdirSync(path.join(root, folder), { recursive: true });
  for (let a = 0; a < 10; a++) fs.writeFileSync(path.join(root, `pkg${a}`, '.gitignore'), 'secret*\n');
  const every = Math.round(1 / share);
  for (let i = 0; i < count; i++) {
    const ignored = i % 50 === 49;
    const folder = ignored ? ignoredFolders[i % 2] : folders[i % folders.length];
    const isMatch = !ignored && i % every === 0;
    const extension = isMatch ? MATCHING[(i / every) % MATCHING.length] : i % 7 === 0 ? '.log' : '.py';
    if (isMatch) matching++;
    fs.writeFileSync(path.join(root, folder, `file${i}${extension}`), '');
  }
  return { matching, folders: folders.length };
}

async function gitLsFiles(root: string): Promise<number> {
  const { stdout } = await run('git', ['ls-files', '--others', '--cached', '--exclude-standard', '-z'], {
    cwd: root,
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout.split('\0').length - 1;
}

/** The baseline of rescan-20k: read every folder and stat every file, 16 at a time. */
async function statWalk(root: string): Promise<number> {
  const queue = [root];
  const files: string[] = [];
  while (queue.length) {
    const batch = queue.splice(0, 16);
    const listed = await Promise.all(batch.map((d) => fsp.readdir(d, { withFileTypes: true })));
    listed.forEach((entries, i) => {
      for (const e of entries) (e.isDirectory() ? queue : files).push(path.join(batch[i], e.name));
    });
  }
  let next = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < files.length) bytes += (await fsp.stat(files[next++])).size;
    }),
  );
  return bytes;
}

const discovery100k: Benchmark = {
  id: 'discovery-100k',
  title:
    'Discover models, datasets and notebooks in a 100k-file tree (vs git ls-files --others --cached --exclude-standard)',
  async run(ctx: BenchContext): Promise<Measure> {
    const root = path.join(ctx.tmp, 'tree');
    fs.mkdirSync(root);
    const started = performance.now();
    const { matching } = generateTree(root, 100_000, 0.05);
    execFileSync('git', ['init', '-q'], { cwd: root });
    ctx.log(`generated 100,000 files (${matching} matching) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const found = (await discoverWorkspace({ root, folderThreshold: 0 })).items.length;
    const listed = await gitLsFiles(root);
    ctx.log(`discovery lists ${found} items; git ls-files lists ${listed} files`);
    const [oursMs, baselineMs] = await interleavedMedians(
      () => discoverWorkspace({ root, folderThreshold: 0 }),
      () => gitLsFiles(root),
      7,
    );
    const ours = oursMs / 1000;
    const baseline = baselineMs / 1000;
    const ratio = ours / baseline;
    return {
      id: 'discovery-100k',
      value: ours,
      unit: 's',
      baseline: 'git ls-files --others --cached --exclude-standard',
      baselineValue: baseline,
      ratio,
      target: 'ratio <= 2',
      met: ratio <= 2 && found === matching,
      notes: `median of 7 warm runs, alternating with the baseline; ${found} of ${matching} matching files found`,
    };
  },
};

const hash1gib: Benchmark = {
  id: 'hash-1gib',
  title: 'sha256 of a 1 GiB file (vs openssl dgst -sha256)',
  async run(ctx: BenchContext): Promise<Measure> {
    const file = path.join(ctx.tmp, 'one.gib');
    const block = randomBytes(4 * 1024 * 1024);
    const handle = fs.openSync(file, 'w');
    for (let i = 0; i < 256; i++) fs.writeSync(handle, block);
    fs.closeSync(handle);
    try {
      const mib = 1024;
      const result = await hashFile(file);
      const { stdout } = await run('openssl', ['dgst', '-sha256', file]);
      const same = result.status === 'hashed' && stdout.trim().endsWith(result.hash);
      const [oursMs, opensslMs] = await interleavedMedians(
        () => hashFile(file),
        () => run('openssl', ['dgst', '-sha256', file]),
        3,
      );
      const ours = (mib * 1.048576) / (oursMs / 1000);
      const baseline = (mib * 1.048576) / (opensslMs / 1000);
      const ratio = ours / baseline;
      return {
        id: 'hash-1gib',
        value: ours,
        unit: 'MB/s',
        baseline: 'openssl dgst -sha256',
        baselineValue: baseline,
        ratio,
        target: 'ratio >= 0.9',
        met: ratio >= 0.9 && same,
        notes: `median of 3 warm runs, alternating with the baseline; same digest as openssl: ${same}`,
      };
    } finally {
      fs.rmSync(file, { force: true });
    }
  },
};

const rescan20k: Benchmark = {
  id: 'rescan-20k',
  title: 'Re-hash an unchanged 20k-file tree with a warm hash cache (vs a stat-only walk)',
  async run(ctx: BenchContext): Promise<Measure> {
    const root = path.join(ctx.tmp, 'tree');
    const storage = path.join(ctx.tmp, 'storage');
    for (let i = 0; i < 20_000; i++) {
      const folder = path.join(root, `d${i % 20}`, `e${i % 200}`);
      if (i < 200) fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, `f${i}.bin`), randomBytes(512 + (i % 7) * 512));
    }
    // Files written seconds ago are within the hash cache's racy window; an existing tree is older than that.
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (let i = 0; i < 20_000; i++)
      fs.utimesSync(path.join(root, `d${i % 20}`, `e${i % 200}`, `f${i}.bin`), hourAgo, hourAgo);
    const cold = await HashCache.load(storage);
    const coldStarted = performance.now();
    await hashTree(root, { cache: cold });
    await cold.save();
    ctx.log(`first scan (reads every file) ${((performance.now() - coldStarted) / 1000).toFixed(2)} s`);
    let hits = 0;
    const second = async () => {
      const cache = await HashCache.load(storage);
      const tree = await hashTree(root, { cache });
      hits = tree.results.filter((r) => r.status === 'hashed' && r.fromCache).length;
      await cache.save();
    };
    const [oursMs, baselineMs] = await interleavedMedians(second, () => statWalk(root), 7);
    const ours = oursMs / 1000;
    const baseline = baselineMs / 1000;
    const ratio = ours / baseline;
    return {
      id: 'rescan-20k',
      value: ours,
      unit: 's',
      baseline: 'stat-only walk',
      baselineValue: baseline,
      ratio,
      target: 'ratio <= 1.5',
      met: ratio <= 1.5 && hits === 20_000,
      notes: `median of 7 runs, alternating with the baseline; includes loading the cache file; ${hits} of 20000 answered from the cache`,
    };
  },
};

export const benchmarks: Benchmark[] = [discovery100k, hash1gib, rescan20k];
