// Interop with the real GTO (pinned in the interop environment): the tags our release actions write are read by
// `gto show` and `gto history` with the same versions and stages, and the tags `gto register|assign|unassign|
// deregister|deprecate` write are read by our registry the way GTO reads them (our model against GTO's JSON).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  assignStage,
  deprecateModel,
  deregisterVersion,
  registerVersion,
  unassignStage,
} from '../../src/core/registry/actions';
import { readRegistry } from '../../src/core/registry/read';
import { versionDetails } from '../../src/core/registry/details';
import { parseRecordMessage, recordMessage, reproducibilityRecord } from '../../src/core/registry/record';
import type { Registry } from '../../src/core/registry/model';

const python = process.env.MLOPS_PYTHON;
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Rel Ease',
  GIT_AUTHOR_EMAIL: 'release@example.com',
  GIT_COMMITTER_NAME: 'Rel Ease',
  GIT_COMMITTER_EMAIL: 'release@example.com',
};
const ENV = { ...process.env, ...IDENTITY, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8');
}

function gto(cwd: string, args: string[]): string {
  const bin = path.join(path.dirname(python!), 'gto');
  return execFileSync(bin, args, { cwd, env: { ...ENV, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] }).toString(
    'utf8',
  );
}

function repoWithCommits(n: number): { dir: string; commits: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-interop-gto-'));
  git(dir, ['init', '-q', '-b', 'main']);
  const commits: string[] = [];
  for (let i = 0; i < n; i++) {
    fs.writeFileSync(path.join(dir, 'model.txt'), `weights ${i}\n`);
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', `train ${i}`]);
    commits.push(git(dir, ['rev-parse', 'HEAD']).trim());
  }
  return { dir, commits };
}

type GtoRegistry = Record<string, { version: string | null; stage: Record<string, string | null> }>;
interface GtoVersion {
  version: string;
  commit_hexsha: string;
  stages: { stage: string }[];
}
interface GtoEvent {
  event: string;
  version: string | null;
  stage: string | null;
  ref: string;
  commit: string;
}

const EVENT: Record<string, string> = {
  registration: 'registered',
  deregistration: 'deregistered',
  assignment: 'assigned',
  unassignment: 'unassigned',
  deprecation: 'deprecated',
};

/** Compares our registry with `gto show`, `gto show <name>` and `gto history <name>`; returns what differs. */
function compareWithGto(dir: string, ours: Registry, all: Registry, versionsPerStage: number): string[] {
  const diffs: string[] = [];
  const vs = ['--vs', String(versionsPerStage)];
  const shown = JSON.parse(gto(dir, ['show', '--json', ...vs])) as GtoRegistry;
  const active = ours.models.filter((m) => !m.deprecated);
  assert.deepEqual(active.map((m) => m.name).sort(), Object.keys(shown).sort(), 'the same active models');
  for (const m of active) {
    const g = shown[m.name];
    if ((m.latest ?? null) !== g.version) diffs.push(`${m.name}: latest ${m.latest} vs gto ${g.version}`);
    const gStages = Object.fromEntries(
      Object.entries(g.stage)
        .filter(([, v]) => v !== null)
        .map(([s, v]) => [s, v!]),
    );
    const oStages = Object.fromEntries(Object.entries(m.stages).map(([s, v]) => [s, v.join(', ')]));
    if (JSON.stringify(Object.entries(oStages).sort()) !== JSON.stringify(Object.entries(gStages).sort()))
      diffs.push(`${m.name}: stages ${JSON.stringify(oStages)} vs gto ${JSON.stringify(gStages)}`);

    const versions = JSON.parse(gto(dir, ['show', m.name, '--json', ...vs])) as GtoVersion[];
    const gv = versions.map(
      (v) =>
        `${v.version}@${v.commit_hexsha.slice(0, 7)}[${v.stages
          .map((s) => s.stage)
          .sort()
          .join(',')}]`,
    );
    const ov = m.versions
      .filter((v) => v.active)
      .map((v) => `${v.version}@${v.commit!.slice(0, 7)}[${[...v.stages].sort().join(',')}]`);
    if (JSON.stringify(ov) !== JSON.stringify(gv))
      diffs.push(`${m.name}: versions ${ov.join(' ')} vs gto ${gv.join(' ')}`);
  }
  for (const m of all.models) {
    const history = JSON.parse(gto(dir, ['history', m.name, '--json'])) as GtoEvent[];
    const gh = history.map((e) => `${EVENT[e.event] ?? e.event} ${e.version ?? ''} ${e.stage ?? ''} ${e.ref}`).sort();
    const oh = [...m.events, ...m.versions.flatMap((v) => v.events)]
      .map((e) => `${e.kind} ${e.kind === 'deprecated' ? '' : (e.version ?? '')} ${e.stage ?? ''} ${e.tag}`)
      .sort();
    if (JSON.stringify(oh) !== JSON.stringify(gh))
      diffs.push(`${m.name}: history\n  ours ${oh.join('\n  ')}\n  gto  ${gh.join('\n  ')}`);
  }
  return diffs;
}

describe('interop: GTO', function () {
  this.timeout(240_000);
  const dirs: string[] = [];
  const saved: Record<string, string | undefined> = {};
  before(function () {
    if (!python) this.skip();
    for (const [k, v] of Object.entries(IDENTITY)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('gto show and gto history read the tags we write with the same versions and stages', async () => {
    const { dir, commits } = repoWithCommits(5);
    dirs.push(dir);
    const repo = { root: dir };
    const [c0, c1, c2, c3, c4] = commits as [string, string, string, string, string];
    await registerVersion(repo, 'churn', { rev: c0 });
    await registerVersion(repo, 'churn', { rev: c1, bump: 'minor' });
    await assignStage(repo, 'churn', 'production', { version: 'v0.0.1' });
    await assignStage(repo, 'churn', 'staging', { rev: c1 });
    await assignStage(repo, 'churn', 'production', { version: 'v0.1.0' });
    await registerVersion(repo, 'churn', { rev: c2, version: 'v1.0.0-rc.1' });
    await assignStage(repo, 'churn', 'staging', { version: 'v1.0.0-rc.1' });
    await unassignStage(repo, 'churn', 'production', { version: 'v0.1.0' });
    await assignStage(repo, 'churn', 'dev', { rev: c3 }); // registers v1.0.1 (v1.0.0-rc.1 bumped) first
    await registerVersion(repo, 'churn', { rev: c4, bump: 'major' });
    await deregisterVersion(repo, 'churn', 'v2.0.0');
    await registerVersion(repo, 'nested/path:fraud', { rev: c0 });
    await assignStage(repo, 'nested/path:fraud', 'production', { rev: c0 });
    await registerVersion(repo, 'legacy', { rev: c1 });
    await deprecateModel(repo, 'legacy');

    const ours = await readRegistry(dir);
    const churn = ours.models.find((m) => m.name === 'churn')!;
    assert.deepEqual(churn.stages, { production: ['v0.0.1'], staging: ['v1.0.0-rc.1'], dev: ['v1.0.1'] });
    assert.equal(ours.models.find((m) => m.name === 'legacy')!.deprecated, true);
    assert.deepEqual(compareWithGto(dir, ours, ours, 1), []);
    assert.deepEqual(compareWithGto(dir, await readRegistry(dir, { versionsPerStage: -1 }), ours, -1), []);
  });

  it('we read the tags gto register, assign and deprecate (a model, a version, a stage) write as gto reads them', async () => {
    const { dir, commits } = repoWithCommits(4);
    dirs.push(dir);
    const [c0, c1, c2, c3] = commits as [string, string, string, string];
    // GTO stamps tags with the current second and orders by it: a pause keeps each action in its own second.
    const step = (args: string[]): void => {
      gto(dir, args);
      execFileSync('sleep', ['1.05']);
    };
    step(['register', 'churn', c0]);
    step(['register', 'churn', c1, '--bump-minor']);
    step(['assign', 'churn', '--version', 'v0.0.1', '--stage', 'production']);
    step(['assign', 'churn', c1, '--stage', 'staging']);
    step(['assign', 'churn', c2, '--stage', 'production']); // registers v0.1.1 first, as gto does
    step(['deprecate', 'churn', 'v0.1.1', 'production']); // gto's unassign
    step(['register', 'churn', c3, '--version', 'v1.0.0']);
    step(['deprecate', 'churn', 'v1.0.0']); // gto's deregister
    step(['register', 'legacy', c0]);
    gto(dir, ['deprecate', 'legacy']);
    const tags = git(dir, ['tag', '-l']).split('\n').filter(Boolean).sort();
    assert.deepEqual(tags, [
      'churn#production!#4',
      'churn#production#1',
      'churn#production#3',
      'churn#staging#2',
      'churn@v0.0.1',
      'churn@v0.1.0',
      'churn@v0.1.1',
      'churn@v1.0.0',
      'churn@v1.0.0!',
      'legacy@deprecated',
      'legacy@v0.0.1',
    ]);
    const ours = await readRegistry(dir);
    const churn = ours.models.find((m) => m.name === 'churn')!;
    assert.deepEqual(churn.stages, { production: ['v0.0.1'], staging: ['v0.1.0'] });
    assert.equal(churn.latest, 'v0.1.1');
    assert.deepEqual(compareWithGto(dir, ours, ours, 1), []);
    assert.deepEqual(compareWithGto(dir, await readRegistry(dir, { versionsPerStage: -1 }), ours, -1), []);
  });

  it('gto reads a registration whose tag message carries our reproducibility record, and the record reads back', async () => {
    const { dir, commits } = repoWithCommits(2);
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'metrics.json'), '{"f1": 0.91}');
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'numpy==1.26.4\n');
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'evaluate']);
    const head = git(dir, ['rev-parse', 'HEAD']).trim();
    const details = await versionDetails(
      {
        model: 'churn',
        version: 'v1.0.0',
        source: 'gto',
        registered: true,
        active: true,
        commit: head,
        stages: [],
        aliases: [],
        events: [],
      },
      { root: dir, followed: { metrics: ['metrics.json'], params: [], plots: [], live: [] }, datasets: [] },
    );
    const record = reproducibilityRecord(details, head);
    const message = recordMessage('Registering artifact churn version v1.0.0', record);
    await registerVersion({ root: dir }, 'churn', { rev: head, version: 'v1.0.0', message });
    await assignStage({ root: dir }, 'churn', 'production', { version: 'v1.0.0' });
    const shown = JSON.parse(gto(dir, ['show', '--json'])) as GtoRegistry;
    assert.equal(shown.churn?.version, 'v1.0.0');
    assert.equal(shown.churn?.stage.production, 'v1.0.0');
    const history = JSON.parse(gto(dir, ['history', 'churn', '--json'])) as GtoEvent[];
    assert.ok(history.some((e) => e.event === 'registration' && e.version === 'v1.0.0' && e.commit === head));
    const stored = git(dir, ['tag', '-l', '--format=%(contents)', 'churn@v1.0.0']);
    assert.deepEqual(parseRecordMessage(stored), record);
    assert.deepEqual(record.metrics, { f1: 0.91 });
    assert.equal(commits.length, 2);
  });
});
