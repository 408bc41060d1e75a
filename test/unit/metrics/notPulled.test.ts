// A DVC project on a fresh clone, written by the real dvc (test/interop/dvc/generateNotPulled.py): its data, model and
// metrics are DVC-tracked, so git holds only their hashes. Every view and command must say so ("not pulled", with the
// size and hash DVC recorded, and `dvc pull`), and DVC experiment names must work as revisions.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type CliIo } from '../../../src/cli/registry';
import { AmbiguousExperimentError, resolveExperiment } from '../../../src/core/git/experimentRefs';
import {
  absentMessage,
  explainAbsentAtRevision,
  explainAbsentInWorkspace,
  neitherHasValuesMessage,
} from '../../../src/core/metrics/absence';
import { MetricsError } from '../../../src/core/metrics/model';
import { applyRange } from '../../../src/core/chart/series';
import { ChartError } from '../../../src/core/chart/types';
import { datasetAt, DatasetNotFoundError, NotInCacheError, WORKSPACE } from '../../../src/core/data/versions';
import { readAtRevision, readHistory } from '../../../src/core/git/history';
import { discoverWorkspace } from '../../../src/core/workspace/discovery';
import { gitHistorySource } from '../../../src/core/metrics/sources/gitHistory';
import { followedFiles, readWorkspaceRun } from '../../../src/core/metrics/sources/workspaceFiles';
import { checkFolder, findings } from '../checks/helpers';
import { git } from '../formats/dvc/oracle';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const fixture = path.join(repoRoot, 'test', 'fixtures', 'dvc-not-pulled');

interface Expected {
  notInCache: string[];
  workspaceFiles: string[];
  experiments: { name: string; rev: string; baseline: string }[];
  lockOuts: { path: string; md5: string; size: number }[];
  dotDvcOuts: { path: string; md5: string; size: number }[];
}

let main: (argv: string[], io: CliIo) => Promise<number>;

async function cli(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { cwd, isTty: false, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('DVC outputs not pulled, and experiment names as revisions (fixture by the real dvc)', function () {
  this.timeout(60_000);
  let tmp: string;
  let clone: string;
  const expected = JSON.parse(fs.readFileSync(path.join(fixture, 'expected', 'clone.json'), 'utf8')) as Expected;
  const lockOut = (p: string) => expected.lockOuts.find((o) => o.path === p)!;
  const exp = (name: string, baselineIndex = 0) => expected.experiments.filter((e) => e.name === name)[baselineIndex];

  before(() => {
    const outPackage = path.resolve(__dirname, '..', '..', '..', 'package.json');
    if (!fs.existsSync(outPackage)) fs.copyFileSync(path.join(repoRoot, 'package.json'), outPackage);
    ({ main } = createRequire(__filename)('../../../src/cli/main') as { main: typeof main });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-not-pulled-'));
    // The bundle holds only what git holds: restoring it is a clone without the DVC cache.
    clone = path.join(tmp, 'clone');
    fs.mkdirSync(clone);
    git(clone, ['init', '-q', '-b', 'main']);
    git(clone, ['fetch', '-q', '--update-head-ok', path.join(fixture, 'project.bundle'), 'refs/*:refs/*']);
    git(clone, ['checkout', '-q', '-f', 'main']);
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the restored clone has exactly the files DVC found in its own clone (the outs are not there)', () => {
    const files = git(clone, ['ls-files']).trim().split('\n').sort();
    assert.deepEqual(
      files.filter((f) => !f.startsWith('.dvc/')),
      expected.workspaceFiles.filter((f) => !f.startsWith('.dvc/')),
    );
    for (const f of expected.notInCache) assert.equal(fs.existsSync(path.join(clone, f)), false, f);
  });

  it('explains each declared file DVC lists as not in cache: not pulled, with the hash and size DVC recorded', async () => {
    const absent = await explainAbsentInWorkspace(clone, ['metrics/eval.json', 'models/model.pkl', 'data/raw.csv']);
    const metrics = lockOut('metrics/eval.json');
    const raw = expected.dotDvcOuts[0];
    assert.deepEqual(absent, [
      { path: 'metrics/eval.json', state: 'not-pulled', declaredIn: 'dvc.yaml', md5: metrics.md5, size: metrics.size },
      {
        path: 'models/model.pkl',
        state: 'not-pulled',
        declaredIn: 'dvc.yaml',
        md5: lockOut('models/model.pkl').md5,
        size: lockOut('models/model.pkl').size,
      },
      { path: 'data/raw.csv', state: 'not-pulled', declaredIn: 'data/raw.csv.dvc', md5: raw.md5, size: raw.size },
    ]);
    assert.deepEqual(absent.map((a) => a.path).sort(), [...expected.notInCache].sort());
    assert.ok(metrics.size < 1024, 'a size under 1 KB is written in bytes');
    assert.equal(
      absentMessage(absent[0]),
      `metrics/eval.json: declared in dvc.yaml, DVC-tracked (md5 ${metrics.md5.slice(0, 8)}, ${metrics.size} B), not in git: run "dvc pull metrics/eval.json".`,
    );
    assert.deepEqual(await explainAbsentInWorkspace(clone, ['dvc.yaml']), []);
    const [unknown] = await explainAbsentInWorkspace(clone, ['nowhere.json']);
    assert.equal(unknown?.state, 'not-found');
  });

  it('explains files at a past revision from that revision’s dvc.lock', async () => {
    const [atV1] = await explainAbsentAtRevision(clone, 'model@v1.0.0', ['metrics/eval.json']);
    const [atHead] = await explainAbsentAtRevision(clone, 'HEAD', ['metrics/eval.json']);
    assert.equal(atV1?.state, 'not-pulled');
    assert.equal(atHead?.md5, lockOut('metrics/eval.json').md5);
    assert.notEqual(atV1?.md5, atHead?.md5, 'each release recorded its own metrics');
    const text = neitherHasValuesMessage(
      ['metrics/eval.json'],
      [
        { label: 'model@v1.0.0', absent: [atV1] },
        { label: 'model@v1.1.0', absent: [atHead] },
      ],
    );
    assert.match(text, /^Neither model@v1\.0\.0 nor model@v1\.1\.0 has values for metrics\/eval\.json\.\n/);
    assert.match(
      text,
      /at model@v1\.0\.0: metrics\/eval\.json: declared in dvc\.yaml, DVC-tracked .*dvc fetch --all-commits --type metrics/,
    );
  });

  it('mlops metrics show and diff say the metrics are declared, DVC-tracked and not pulled', async () => {
    const show = await cli(clone, ['metrics', 'show']);
    assert.equal(show.code, 0);
    assert.doesNotMatch(show.stderr, /No metrics files found/);
    assert.match(
      show.stderr,
      /metrics\/eval\.json: declared in dvc\.yaml, DVC-tracked .* not in git: run "dvc pull metrics\/eval\.json"/,
    );
    const diff = await cli(clone, ['metrics', 'diff', 'model@v1.0.0', 'model@v1.1.0']);
    assert.equal(diff.code, 0, diff.stderr);
    assert.doesNotMatch(diff.stdout, /No metric changed/);
    assert.match(diff.stdout, /^Neither model@v1\.0\.0 nor model@v1\.1\.0 has values for metrics\/eval\.json\./);
    assert.equal(diff.stdout.match(/DVC-tracked/g)?.length, 2);
  });

  it('the Experiments view’s workspace source says why it has no run: not pulled, with what to run', async () => {
    const { followed } = followedFiles(clone);
    const { run, problems } = await readWorkspaceRun(clone, followed, 'dvc');
    assert.equal(run, undefined);
    const metrics = lockOut('metrics/eval.json');
    assert.deepEqual(problems, [
      {
        severity: 'info',
        message: `metrics/eval.json: declared in dvc.yaml, DVC-tracked (md5 ${metrics.md5.slice(0, 8)}, ${metrics.size} B), not in git: run "dvc pull metrics/eval.json".`,
      },
    ]);
  });

  it('the git history source says why its revisions have no metric values: DVC-tracked, and what to run', async () => {
    const { followed } = followedFiles(clone);
    const { runs, problems } = await gitHistorySource.read(clone, { root: clone, followed });
    assert.equal(runs.length, 2 + expected.experiments.length);
    assert.ok(runs.every((r) => r.metrics.length === 0));
    assert.equal(runs[0]?.revision, exp('deep').rev, 'the newest revision is the last experiment');
    assert.deepEqual(problems, [
      {
        severity: 'info',
        message: `${runs.length} of ${runs.length} revisions have no metric values in git. At ${exp('deep').rev.slice(0, 7)}, the newest of them, metrics/eval.json is DVC-tracked: dvc.lock holds its hash, the DVC cache or remote the values. Run "dvc fetch --all-commits --type metrics" and compare with "dvc metrics diff" or "dvc exp show".`,
      },
    ]);
    // A metrics file git holds has values: nothing to explain.
    const params = await gitHistorySource.read(clone, {
      root: clone,
      followed: { metrics: ['params.yaml'], params: [], plots: [], live: [] },
    });
    assert.deepEqual(params.problems, []);
  });

  it('the git history source reads the metrics of revisions whose files the local DVC cache holds', async () => {
    // What `dvc exp run` and `dvc repro` leave in the cache of the repository they ran in: train.py's metrics file
    // (json.dump with indent 2) for each revision's params, checked against the md5 that revision's dvc.lock records.
    const { followed } = followedFiles(clone);
    const before = await gitHistorySource.read(clone, { root: clone, followed });
    const cache = path.join(clone, '.dvc', 'cache');
    const written: { revision: string; acc: number; loss: number }[] = [];
    try {
      for (const run of before.runs) {
        const lr = Number(run.params['train.lr']);
        const layers = Number(run.params['train.layers']);
        const acc = Math.round((0.5 + lr + 0.05 * layers) * 1e5) / 1e5;
        const loss = Math.round((1 - acc) * 1e5) / 1e5;
        const bytes = `{\n  "acc": ${acc},\n  "loss": ${loss}\n}`;
        const [recorded] = await explainAbsentAtRevision(clone, run.revision!, ['metrics/eval.json']);
        assert.equal(
          createHash('md5').update(bytes).digest('hex'),
          recorded?.md5,
          `${run.label}: the bytes dvc cached`,
        );
        // All but the oldest revision's metrics in the cache: that one stays explained as not fetched.
        if (run === before.runs.at(-1)) continue;
        const object = path.join(cache, 'files', 'md5', recorded.md5!.slice(0, 2), recorded.md5!.slice(2));
        fs.mkdirSync(path.dirname(object), { recursive: true });
        fs.writeFileSync(object, bytes);
        written.push({ revision: run.revision!, acc, loss });
      }
      const { runs, problems } = await gitHistorySource.read(clone, { root: clone, followed });
      const values = (revision: string) => {
        const run = runs.find((r) => r.revision === revision)!;
        const last = (key: string) => run.metrics.find((m) => m.key === key)?.points.at(-1)?.value;
        return { revision, acc: last('acc')!, loss: last('loss')! };
      };
      assert.equal(written.length, runs.length - 1);
      assert.deepEqual(
        written.map((w) => values(w.revision)),
        written,
      );
      // The values dvc exp show lists for the experiments (deep 0.9; tuned 0.65 on v1.0.0, 0.75 on v1.1.0).
      assert.deepEqual(
        ['deep', 'tuned']
          .flatMap((name) => expected.experiments.filter((e) => e.name === name))
          .map((e) => values(e.rev).acc),
        [0.9, 0.65, 0.75],
      );
      assert.equal(runs.at(-1)!.metrics.length, 0);
      assert.deepEqual(
        problems.map((p) => p.message.replace(/At \w+,/, 'At <rev>,')),
        [
          `The metric values of ${written.length} revisions come from the local DVC cache: their metrics files are DVC-tracked (dvc.lock holds the hash, git not the file).`,
          `1 of ${runs.length} revisions have no metric values in git. At <rev>, the newest of them, metrics/eval.json is DVC-tracked: dvc.lock holds its hash, the DVC cache or remote the values. Run "dvc fetch --all-commits --type metrics" and compare with "dvc metrics diff" or "dvc exp show".`,
        ],
      );
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it('the checks find no lineage problem with the outputs DVC holds in its cache (metrics included)', async () => {
    const { report, file } = await checkFolder(clone);
    assert.equal(file, undefined, 'no mlops.yaml: the default checks on what discovery found');
    // dvc.yaml declares metrics/eval.json as a cached stage metric: on a fresh clone it is not pulled, not missing.
    assert.deepEqual(findings(report), [
      "model-card: models has none of model_card.md, MODEL_CARD.md, README.md (model 'model'). @ models/model.pkl",
    ]);
    assert.deepEqual(
      report.results.filter((r) => r.checkId === 'lineage').map((r) => r.status),
      ['pass'],
    );
  });

  it('resolves a DVC experiment name as dvc exp show lists it; the same name on two baselines is ambiguous', () => {
    const refs = git(clone, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/exps'])
      .trim()
      .split('\n')
      .map((l) => {
        const [name, commit] = l.split(' ');
        return { name: name, commit: commit };
      });
    assert.equal(resolveExperiment(refs, 'deep')?.commit, exp('deep').rev);
    assert.equal(resolveExperiment(refs, 'deep')?.baseline, exp('deep').baseline);
    assert.equal(resolveExperiment(refs, 'no-such-exp'), undefined);
    const tuned = expected.experiments.filter((e) => e.name === 'tuned');
    assert.throws(
      () => resolveExperiment(refs, 'tuned'),
      (err: unknown) =>
        err instanceof AmbiguousExperimentError &&
        err.candidates
          .map((c) => c.commit)
          .sort()
          .join() ===
          tuned
            .map((t) => t.rev)
            .sort()
            .join() &&
        tuned.every((t) => err.message.includes(`refs/exps/${t.baseline.slice(0, 2)}/${t.baseline.slice(2)}/tuned`)),
    );
    const full = `refs/exps/${tuned[0].baseline.slice(0, 2)}/${tuned[0].baseline.slice(2)}/tuned`;
    assert.equal(resolveExperiment(refs, full)?.commit, tuned[0].rev);
  });

  it('readAtRevision and mlops metrics diff accept experiment names; ambiguity names the candidates', async () => {
    const { run } = await readAtRevision(clone, 'deep', { metrics: ['params.yaml'] });
    assert.equal(run.revision, exp('deep').rev);
    assert.equal(run.experiment, 'deep');
    await assert.rejects(
      readAtRevision(clone, 'tuned', { metrics: ['params.yaml'] }),
      (err: unknown) =>
        err instanceof MetricsError && /'tuned' names 2 DVC experiments: refs\/exps\//.test(err.message),
    );
    const diff = await cli(clone, ['metrics', 'diff', 'HEAD', 'deep', '--source', 'params.yaml', '--json']);
    assert.equal(diff.code, 0, diff.stderr);
    const rows = JSON.parse(diff.stdout) as { key: string; old: unknown; new: unknown }[] | Record<string, unknown>;
    assert.match(JSON.stringify(rows), /"train\.layers"/);
    assert.match(JSON.stringify(rows), /6/);
    const ambiguous = await cli(clone, ['metrics', 'diff', 'HEAD', 'tuned']);
    assert.equal(ambiguous.code, 2);
    assert.match(ambiguous.stderr, /'tuned' names 2 DVC experiments/);
  });

  it('the Metric History branch range accepts an experiment name', async () => {
    const history = await readHistory(clone, { metrics: ['params.yaml'], experiments: true });
    const v1 = git(clone, ['rev-parse', 'model@v1.0.0^{commit}']).trim();
    const picked = applyRange(history.runs, { kind: 'branch', name: 'deep' });
    assert.deepEqual(picked.map((r) => r.revisionInfo?.sha).sort(), [exp('deep').rev, exp('deep').baseline, v1].sort());
    assert.throws(
      () => applyRange(history.runs, { kind: 'branch', name: 'tuned' }),
      (err: unknown) => err instanceof ChartError && /'tuned' names 2 DVC experiments/.test(err.message),
    );
  });

  it('mlops data profile on a DVC-tracked file not pulled says so and what to run, not that it does not exist', async () => {
    const profile = await cli(clone, ['data', 'profile', 'data/raw.csv']);
    assert.equal(profile.code, 2);
    assert.equal(profile.stdout, '');
    assert.doesNotMatch(profile.stderr, /does not exist/);
    assert.match(
      profile.stderr,
      /data\/raw\.csv is tracked by DVC but not pulled: it is not in the working tree nor in the local cache: dvc pull data\/raw\.csv\n/,
    );
    await assert.rejects(
      datasetAt(clone, 'models/model.pkl', WORKSPACE),
      (err: unknown) => err instanceof NotInCacheError && /dvc pull models\/model\.pkl$/.test(err.message),
    );
    await assert.rejects(
      datasetAt(clone, 'data/nowhere.csv', WORKSPACE),
      (err: unknown) => err instanceof DatasetNotFoundError && /does not exist in the working tree/.test(err.message),
    );
  });

  it('a DVC-tracked file fetched into the local cache but not checked out is profiled from the cache', async () => {
    // The bytes train.py read in test/interop/dvc/generateNotPulled.py, where `dvc add` recorded their md5.
    const bytes = 'x,y\n' + Array.from({ length: 40 }, (_, i) => `${i},${i % 2}\n`).join('');
    const raw = expected.dotDvcOuts[0];
    assert.equal(createHash('md5').update(bytes).digest('hex'), raw.md5);
    const cached = path.join(clone, '.dvc', 'cache', 'files', 'md5', raw.md5.slice(0, 2), raw.md5.slice(2));
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.writeFileSync(cached, bytes); // what `dvc fetch` leaves: the cache filled, the working tree not
    try {
      const found = await datasetAt(clone, 'data/raw.csv', WORKSPACE);
      assert.deepEqual([found.storage, found.md5], ['dvc-cache', raw.md5]);
      const profile = await cli(clone, ['data', 'profile', 'data/raw.csv', '--format', 'json']);
      assert.equal(profile.code, 0, profile.stderr);
      const parsed = JSON.parse(profile.stdout) as { rows: number; columns: { name: string }[] };
      assert.deepEqual([parsed.rows, parsed.columns.map((c) => c.name)], [40, ['x', 'y']]);
    } finally {
      fs.rmSync(path.join(clone, '.dvc', 'cache'), { recursive: true, force: true });
    }
  });

  it('the explorer lists the clone’s outs as not pulled (size and hash from DVC), not as missing warnings', async () => {
    const result = await discoverWorkspace({ root: clone });
    const byPath = new Map(result.items.map((i) => [i.relativePath, i]));
    const raw = byPath.get('data/raw.csv');
    const model = byPath.get('models/model.pkl');
    assert.deepEqual(
      [raw?.notPulled, raw?.dvc?.md5, raw?.dvc?.size, raw?.fixHint],
      [
        true,
        expected.dotDvcOuts[0].md5,
        expected.dotDvcOuts[0].size,
        'Not pulled: run "dvc pull data/raw.csv.dvc" to fetch it.',
      ],
    );
    assert.deepEqual(
      [model?.notPulled, model?.dvc?.md5, model?.dvc?.size, model?.fixHint],
      [
        true,
        lockOut('models/model.pkl').md5,
        lockOut('models/model.pkl').size,
        'Not pulled: run "dvc pull models/model.pkl" to fetch it (or "dvc repro" to rebuild it).',
      ],
    );
  });
});
