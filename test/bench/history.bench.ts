// History of one metrics file over 10,000 commits: our reader (one git log + one cat-file --batch, parsed into runs)
// against the raw floor (the same two git processes with a trivial parser), and against one `git show` per commit.
import { execFileSync, spawn } from 'node:child_process';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { readHistory } from '../../src/core/git/history';
import { timeMedian, type Benchmark, type BenchContext, type Measure } from './types';

const run = promisify(execFile);
const COMMITS = 10_000;
const SAMPLE = 500;
const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

/** A repository where metrics/eval.json changes in every commit (and params.yaml every 100), written by fast-import. */
function generate(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  const parts: string[] = [];
  const start = 1_700_000_000;
  for (let i = 0; i < COMMITS; i++) {
    const when = `${start + i * 600} +0000`;
    const message = `Train run ${i}\n`;
    parts.push(
      `commit refs/heads/main\nmark :${i + 1}\nauthor Bench <bench@example.com> ${when}\ncommitter Bench <bench@example.com> ${when}\ndata ${Buffer.byteLength(message)}\n${message}`,
    );
    if (i > 0) parts.push(`from :${i}\n`);
    const metrics =
      JSON.stringify(
        {
          train: { loss: 1 / (i + 1), acc: 0.5 + i / (4 * COMMITS) },
          test: { f1: 0.4 + i / (3 * COMMITS), auc: 0.7 + i / (5 * COMMITS) },
          step: i,
        },
        null,
        2,
      ) + '\n';
    parts.push(`M 100644 inline metrics/eval.json\ndata ${Buffer.byteLength(metrics)}\n${metrics}\n`);
    if (i % 100 === 0) {
      const params = `train:\n  lr: ${(0.1 / (1 + i / 100)).toFixed(6)}\n  epochs: 20\n`;
      parts.push(`M 100644 inline params.yaml\ndata ${Buffer.byteLength(params)}\n${params}\n`);
    }
    parts.push('\n');
  }
  parts.push('done\n');
  execFileSync('git', ['fast-import', '--quiet', '--done'], {
    cwd: dir,
    env,
    input: parts.join(''),
    maxBuffer: 1024 * 1024 * 1024,
  });
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir, env });
}

/** The floor: raw `git log --raw` for the file, then every blob through one cat-file --batch, JSON-parsed. */
async function rawHistory(dir: string): Promise<number> {
  const { stdout } = await run(
    'git',
    ['log', '--raw', '-z', '--no-abbrev', '--format=%x1e%H', '--', 'metrics/eval.json'],
    { cwd: dir, env, maxBuffer: 1024 * 1024 * 1024, encoding: 'utf8' },
  );
  const blobs: string[] = [];
  for (const record of stdout.split('\x1e')) {
    const meta = record.indexOf(':');
    if (meta >= 0) blobs.push(record.slice(meta + 1).split(' ')[3]);
  }
  const output = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: dir, env });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(chunks)));
    child.stdin.end(blobs.join('\n') + '\n');
  });
  let at = 0;
  let parsed = 0;
  while (at < output.length) {
    const newline = output.indexOf(10, at);
    const size = Number(output.toString('latin1', output.lastIndexOf(32, newline) + 1, newline));
    JSON.parse(output.toString('utf8', newline + 1, newline + 1 + size));
    parsed++;
    at = newline + 1 + size + 1;
  }
  return parsed;
}

/** What a naive loop does: one `git show <sha>:metrics/eval.json` per commit, on a sample of commits. */
async function perProcess(dir: string, shas: string[]): Promise<void> {
  for (const sha of shas) {
    const { stdout } = await run('git', ['show', `${sha}:metrics/eval.json`], { cwd: dir, env, encoding: 'utf8' });
    JSON.parse(stdout);
  }
}

export const benchmarks: Benchmark[] = [
  {
    id: 'history-10k-commits',
    title: 'Values of one metrics file at each of 10,000 commits: readHistory vs raw git log + cat-file --batch',
    async run(ctx: BenchContext): Promise<Measure[]> {
      const dir = path.join(ctx.tmp, 'repo');
      const started = performance.now();
      generate(dir);
      ctx.log(`generated ${COMMITS} commits in ${((performance.now() - started) / 1000).toFixed(1)} s`);

      const files = { metrics: ['metrics/eval.json'], params: ['params.yaml'], tags: false, experiments: false };
      const check = await readHistory(dir, files);
      if (check.runs.length !== COMMITS) throw new Error(`expected ${COMMITS} runs, got ${check.runs.length}`);
      const last = check.runs[0].metrics.find((m) => m.key === 'step')?.points[0].value;
      if (last !== COMMITS - 1 || check.runs[COMMITS - 1].params['train.lr'] !== '0.1')
        throw new Error('history values are wrong');
      if ((await rawHistory(dir)) !== COMMITS) throw new Error('raw baseline did not read every blob');

      // Timed: the history of the one file, as the baseline reads it.
      const ours = await timeMedian(
        () => readHistory(dir, { metrics: ['metrics/eval.json'], tags: false, experiments: false }),
        5,
      );
      const raw = await timeMedian(() => rawHistory(dir), 5);
      ctx.log(`ours ${ours.toFixed(0)} ms, raw git log + cat-file ${raw.toFixed(0)} ms`);

      const shas = execFileSync('git', ['rev-list', '--max-count', String(SAMPLE), 'HEAD'], {
        cwd: dir,
        env,
        encoding: 'utf8',
      })
        .trim()
        .split('\n');
      const sampleStarted = performance.now();
      await perProcess(dir, shas);
      const sample = performance.now() - sampleStarted;
      const extrapolated = (sample * COMMITS) / SAMPLE;
      ctx.log(
        `git show per commit: ${SAMPLE} commits in ${sample.toFixed(0)} ms, ~${(extrapolated / 1000).toFixed(1)} s for ${COMMITS}`,
      );

      return [
        {
          id: 'history-10k-commits',
          value: ours,
          unit: 'ms',
          baseline: 'git log --raw + one git cat-file --batch, trivial parser',
          baselineValue: raw,
          ratio: ours / raw,
          target: 'ratio <= 1.5',
          met: ours / raw <= 1.5,
          notes: `${COMMITS} commits, metrics/eval.json changes in each; ours builds ${COMMITS} runs with 5 series each (median of 5, after one untimed run that also checks values and params)`,
        },
        {
          id: 'history-10k-commits-per-process',
          value: ours,
          unit: 'ms',
          baseline: `git show <sha>:path per commit (${SAMPLE} commits measured, extrapolated x${COMMITS / SAMPLE})`,
          baselineValue: extrapolated,
          ratio: ours / extrapolated,
          target: 'ratio <= 0.1 (10x faster than a process per commit)',
          met: ours / extrapolated <= 0.1,
          notes: `speed-up ${(extrapolated / ours).toFixed(0)}x; the per-process figure is extrapolated from ${SAMPLE} sequential git show calls`,
        },
      ];
    },
  },
];
