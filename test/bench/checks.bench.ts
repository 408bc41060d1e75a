// Pipeline checks from the command line: `mlops check` with the default checks on a 100,000-file repository, and
// the CLI's cold start. Each is compared with `node -e ''` started in the same run (Node's own start-up cost).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { timeMedian, type Benchmark, type Measure } from './types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1' };

const CONFIG = `version: 1
project: bench
models:
  - name: ranker
    path: models/ranker/ranker-v1.0.0.pkl
    datasets: [events]
    metrics: [metrics/eval.json]
datasets:
  - name: events
    path: data/events.csv
metrics:
  - key: ndcg
    goal: maximize
    threshold: 0.5
conventions:
  models: models/{name}/{name}-v{version}.{ext}
  datasets: data/{name}.{ext}
exclude:
  - "**/scratch/**"
`;

function notebookText(i: number): string {
  const cells = Array.from({ length: 6 }, (_, k) => ({
    cell_type: 'code',
    execution_count: k + 1,
    id: `c${k}`,
    metadata: {},
    outputs: [{ output_type: 'stream', name: 'stdout', text: [`cell ${k} of ${i}\n`] }],
    source: [`x = ${k}\n`, 'print(x)'],
  }));
  return `${JSON.stringify({ cells, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } }, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
}

/**
 * A repository of `count` files: source trees 5 folders deep, a few hundred notebooks, an ignored build folder,
 * requirements and a Dockerfile, committed with one `git fast-import` (the index is read from the commit).
 */
export function generateRepository(dir: string, count: number): void {
  const files = new Map<string, string>();
  files.set('mlops.yaml', CONFIG);
  files.set('.gitignore', '/build/\n*.tmp\n');
  files.set('requirements.txt', 'pandas==2.2.3\nnumpy==1.26.4\nscikit-learn==1.5.2\n');
  files.set('Dockerfile', 'FROM python:3.11-slim\n');
  files.set('metrics/eval.json', '{"test": {"ndcg": 0.61}, "validation": {"ndcg": 0.63}}\n');
  files.set('models/ranker/ranker-v1.0.0.pkl', 'weights\n');
  files.set('models/ranker/model_card.md', '# ranker\n');
  files.set('data/events.csv', 'id,value\n1,2\n');
  for (let i = 0; i < 300; i++) files.set(`notebooks/team${i % 10}/analysis-${i}.ipynb`, notebookText(i));
  for (let i = 0; files.size < count; i++) {
    const folder = `src/pkg${i % 20}/mod${Math.floor(i / 20) % 25}/part${Math.floor(i / 500) % 10}`;
    files.set(`${folder}/file${i}.py`, `# module ${i}\nVALUE = ${i}\n`);
  }
  for (const [relative, content] of files) {
    const full = path.join(dir, relative);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  for (let i = 0; i < 2000; i++) {
    const full = path.join(dir, 'build', `out${i % 10}`, `artifact${i}.o`);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, 'ignored');
  }
  execFileSync('git', ['init', '--quiet', '--initial-branch=main'], { cwd: dir, env: GIT_ENV });
  const chunks: Buffer[] = [
    Buffer.from(
      'commit refs/heads/main\nauthor Bench <bench@example.com> 1767225600 +0000\ncommitter Bench <bench@example.com> 1767225600 +0000\ndata 6\nbench\n',
    ),
  ];
  for (const [relative, content] of files)
    chunks.push(Buffer.from(`M 100644 inline ${relative}\ndata ${Buffer.byteLength(content)}\n${content}\n`));
  chunks.push(Buffer.from('\ndone\n'));
  execFileSync('git', ['fast-import', '--quiet', '--done'], {
    cwd: dir,
    env: GIT_ENV,
    input: Buffer.concat(chunks),
    maxBuffer: 64 * 1024 * 1024,
  });
  execFileSync('git', ['read-tree', 'main'], { cwd: dir, env: GIT_ENV });
}

function nodeStartup(): void {
  spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
}

export const benchmarks: Benchmark[] = [
  {
    id: 'check-100k',
    title: '`mlops check` with the default checks on a 100,000-file repository',
    async run(ctx): Promise<Measure> {
      const dir = path.join(ctx.tmp, 'repo');
      fs.mkdirSync(dir);
      const started = performance.now();
      generateRepository(dir, 100_000);
      ctx.log(`generated the repository in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const output = path.join(ctx.tmp, 'report.json');
      let code = -1;
      const ms = await timeMedian(() => {
        const r = spawnSync(
          process.execPath,
          [CLI, 'check', dir, '--format', 'json', '--output', output, '--fail-on', 'never'],
          { stdio: 'ignore' },
        );
        code = r.status ?? -1;
      }, 3);
      if (code !== 0) throw new Error(`mlops check exited ${code}`);
      const report = JSON.parse(fs.readFileSync(output, 'utf8')) as {
        checks: unknown[];
        results: { checkId: string; status: string; message: string }[];
      };
      const within =
        report.results.find((r) => r.checkId === 'large-files' && r.message.includes('files are within'))?.message ??
        '';
      ctx.log(`${report.checks.length} checks, ${report.results.length} results; large-files: ${within}`);
      const baseline = await timeMedian(nodeStartup, 5);
      const seconds = ms / 1000;
      return {
        id: 'check-100k',
        value: seconds,
        unit: 's',
        baseline: "node -e ''",
        baselineValue: baseline / 1000,
        ratio: ms / baseline,
        target: '<= 3 s',
        met: seconds <= 3,
        notes: `median of 3 runs; ${within}; ${report.checks.length} default checks`,
      };
    },
  },
  {
    id: 'cli-cold-start',
    title: '`mlops --version` cold start',
    async run(): Promise<Measure> {
      const version = await timeMedian(() => spawnSync(process.execPath, [CLI, '--version'], { stdio: 'ignore' }), 15);
      const baseline = await timeMedian(nodeStartup, 15);
      return {
        id: 'cli-cold-start',
        value: version,
        unit: 'ms',
        baseline: "node -e ''",
        baselineValue: baseline,
        ratio: version / baseline,
        target: '<= 300 ms',
        met: version <= 300,
        notes: 'median of 15 runs each',
      };
    },
  },
];
