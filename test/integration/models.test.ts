// The model registry in the real extension host on the demo: the four fraud-classifier releases and their stages as
// git has them, in the core and in the Model Dashboard; the stage-gate check finds the production version below the
// demo's release bar, in Problems and in `mlops check`; Register Model Version and Assign Stage through the real
// commands (their questions answered as a user would) write tags the core and the real gto read.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { defaultChecks } from '../../src/core/checks/engine';
import type { CheckResult } from '../../src/core/checks/types';
import { loadConfig } from '../../src/core/formats/mlopsYaml/validate';
import type { ActionResult } from '../../src/core/registry/actions';
import { stageBoard } from '../../src/core/registry/dashboard';
import { readRegistry } from '../../src/core/registry/read';
import { parseRecordMessage } from '../../src/core/registry/record';
import { registrationMessage } from '../../src/core/registry/registration';
import type { ExtensionApi } from '../../src/extension';
import { dashboardModel } from '../../src/features/models/dashboardModel';
import type { ModelsApi } from '../../src/features/models/register';
import type { PromptRecord } from '../../src/platform/prompts';
import type { HostToWebview } from '../../src/protocol/modelDashboard';
import { quietEnv, testPython } from '../helpers/mlflowServer';
import { activateExtension, EXTENSION_ID } from './activation.test';
import { waitFor } from './wait';

const MODEL = 'fraud-classifier';

function root(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: root(), env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } })
    .toString('utf8')
    .trim();
}

interface GitTag {
  name: string;
  type: string;
  commit: string;
  date: number;
}

/** The model's tags as `git for-each-ref` lists them: name, object type, the commit it points at, tagger date. */
function tagsOf(model: string): GitTag[] {
  return git([
    'for-each-ref',
    '--sort=creatordate',
    '--format=%(refname:strip=2)%09%(objecttype)%09%(*objectname)%09%(creatordate:unix)',
    `refs/tags/${model}*`,
  ])
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name = '', type = '', commit = '', date = ''] = line.split('\t');
      return { name, type, commit, date: Number(date) };
    });
}

/** The real gto of the pinned Python environment, in the workspace. */
async function gto(args: string[]): Promise<string> {
  const bin = path.join(path.dirname(testPython()), 'gto');
  const { stdout } = await promisify(execFile)(bin, args, { cwd: root(), env: quietEnv, maxBuffer: 16 << 20 });
  return stdout;
}

interface GtoShown {
  version: string | null;
  stage: Record<string, string | null>;
}

describe('Model registry on the demo', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let models: ModelsApi;
  /** What the test answers to the release actions' questions and notifications. */
  let answer: (prompt: PromptRecord) => string | undefined = () => undefined;
  const written: string[] = [];

  before(async () => {
    api = await activateExtension();
    assert.ok(api.models, 'the extension API exposes the models feature');
    models = api.models;
    models.prompts.responder = (p) => answer(p);
  });

  after(async () => {
    models.prompts.responder = undefined;
    // Later suites see the demo's registry as it was generated.
    for (const tag of written) git(['tag', '-d', tag]);
    await api.explorer.model.reload();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** The last message of `type` the dashboard was sent that satisfies `accept`. */
  function posted<T extends HostToWebview['type']>(
    type: T,
    accept: (m: Extract<HostToWebview, { type: T }>) => boolean,
  ): Promise<Extract<HostToWebview, { type: T }>> {
    return waitFor(
      `the dashboard's '${type}' message`,
      () => {
        const error = models.lastPosted('error');
        const m = models.lastPosted(type) as Extract<HostToWebview, { type: T }> | undefined;
        if (!m && error?.type === 'error') throw new Error(`the dashboard showed an error: ${error.message}`);
        return m && accept(m) ? m : undefined;
      },
      60_000,
    );
  }

  it('has the four releases and their stages as git has them, in the core and in the Model Dashboard', async () => {
    const tags = tagsOf(MODEL);
    const releases = tags.filter((t) => /^fraud-classifier@v\d+\.\d+\.\d+$/.test(t.name));
    assert.deepEqual(
      releases.map((t) => t.name),
      ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v2.0.0'].map((v) => `${MODEL}@${v}`),
    );
    assert.ok(
      tags.every((t) => t.type === 'tag'),
      'annotated tags, as GTO writes them',
    );
    const versionAt = new Map(releases.map((t) => [t.commit, t.name.split('@')[1]]));
    // GTO's rule: a stage is held by the version assigned it last (the demo has no unassignments).
    const expectedStages: Record<string, string[]> = {};
    for (const t of tags) {
      const m = /^fraud-classifier#([\w-]+)#\d+$/.exec(t.name);
      if (m) expectedStages[m[1]] = [versionAt.get(t.commit)!];
    }
    assert.deepEqual(expectedStages, { production: ['v1.2.0'], staging: ['v2.0.0'] });
    const deregistered = tags.filter((t) => t.name.endsWith('!')).map((t) => t.name);
    assert.deepEqual(deregistered, [`${MODEL}@v1.0.0!`]);

    const registry = await readRegistry(root());
    const model = registry.models.find((m) => m.name === MODEL);
    assert.ok(model, 'the core reads the model');
    assert.deepEqual(model.stages, expectedStages);
    assert.equal(model.latest, 'v2.0.0');
    assert.deepEqual(
      model.versions.map((v) => [v.version, v.commit, v.active]),
      [...releases].reverse().map((t) => [t.name.split('@')[1], t.commit, !t.name.endsWith('@v1.0.0')]),
      'newest first, each at its tag’s commit; v1.0.0 deregistered',
    );

    // The dashboard shows what the core reads.
    await vscode.commands.executeCommand('mlops.showModelDashboard', MODEL);
    const shown = await posted('registry', (m) => m.models.some((x) => x.name === MODEL));
    assert.deepEqual(shown.board, stageBoard(registry));
    assert.deepEqual(
      shown.board.map((c) => [c.stage, c.cells.map((x) => `${x.model} ${x.version}`)]),
      [
        ['staging', [`${MODEL} v2.0.0`]],
        ['production', [`${MODEL} v1.2.0`]],
      ],
    );
    assert.deepEqual(
      shown.models.find((m) => m.name === MODEL),
      dashboardModel(model),
    );
    const rows = await posted('versions', (m) => m.model === MODEL);
    assert.deepEqual(
      rows.rows.map((r) => `${r.version} ${r.stages.join(',')} ${r.commit ?? ''}`),
      model.versions.map((v) => `${v.version} ${v.stages.join(',')} ${v.commit ?? ''}`),
    );
    assert.ok(rows.keys.includes('test.f1'), `key metrics ${rows.keys.join(', ')}`);

    // And the real gto reads the same.
    const gtoShown = (JSON.parse(await gto(['show', '--json'])) as Record<string, GtoShown>)[MODEL];
    assert.deepEqual(gtoShown, {
      version: 'v2.0.0',
      stage: { production: 'v1.2.0', staging: 'v2.0.0' },
      registered: true,
      active: true,
    });
  });

  it('the stage-gate check finds the production version below the release bar, in Problems and in mlops check', async function () {
    this.timeout(240_000);
    const checks = api.checks!;
    await api.explorer.model.ensureLoaded();
    await waitFor('the first checks run', () => checks.runner.folderRuns.length > 0, 60_000);
    await checks.whenIdle();
    const diagnosticsCount = () => {
      let n = 0;
      checks.diagnostics.forEach((_uri, d) => (n += d.length));
      return n;
    };
    const before = diagnosticsCount();
    const file = path.join(root(), 'mlops.yaml');
    const original = fs.readFileSync(file, 'utf8');
    assert.ok(!/^checks:/m.test(original), 'the demo runs the default checks');
    // The default set, declared, with two stage gates beside it.
    const defaults = defaultChecks((await loadConfig(root())).validation.config);
    const entries = [
      ...defaults.map(
        (c) => `  - id: ${c.id}\n    type: ${c.type}\n    severity: ${c.severity}\n    scope: ${c.scope.kind}`,
      ),
      '  - id: production-gate\n    type: stage-gate',
      '  - id: staging-gate\n    type: stage-gate\n    options:\n      stage: staging',
    ];
    const gateResults = (): CheckResult[] =>
      (checks.runner.folderRuns[0]?.report.results ?? []).filter((r) => r.type === 'stage-gate');
    const production = JSON.parse(git(['show', `${MODEL}@v1.2.0:metrics/eval.json`])) as {
      fraud_loss_prevented_usd: number;
    };
    try {
      fs.writeFileSync(file, `${original.trimEnd()}\n\nchecks:\n${entries.join('\n')}\n`);
      const results = await waitFor(
        () => `the stage gates to run (seen: ${JSON.stringify(gateResults().map((r) => r.message))})`,
        () => {
          const r = gateResults();
          return r.length === 2 ? r : undefined;
        },
        120_000,
      );
      await checks.whenIdle();
      const fail = results.find((r) => r.status === 'fail');
      assert.ok(fail, JSON.stringify(results));
      assert.equal(
        fail.message,
        `${MODEL} v1.2.0 holds 'production' but fraud_loss_prevented_usd is ${production.fraud_loss_prevented_usd.toFixed(2)} USD, below the minimum 850000 USD.`,
      );
      assert.equal(fail.severity, 'error');
      const pass = results.find((r) => r.status === 'pass');
      assert.equal(pass?.message, `${MODEL} v2.0.0 meets the bar for 'staging'.`, 'staging clears the bar');

      // In Problems at the model's line of mlops.yaml, beside the default findings.
      const modelLine = original.split('\n').findIndex((l) => l === `  - name: ${MODEL}`);
      const gate = vscode.languages
        .getDiagnostics(vscode.Uri.file(file))
        .find((d) => d.message.startsWith(`${MODEL} v1.2.0 holds 'production'`));
      assert.ok(gate, 'the finding is in Problems');
      assert.equal(gate.range.start.line, modelLine);
      assert.equal(gate.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(diagnosticsCount(), before + 1, 'the default findings stay, the gate adds one');

      // `mlops check` finds the same and fails.
      const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { main } = require(path.join(extension.extensionPath, 'dist', 'cli.js')) as {
        main: (
          argv: string[],
          io: { stdout: (t: string) => void; stderr: (t: string) => void; cwd: string; isTty: boolean },
        ) => Promise<number>;
      };
      let stdout = '';
      const code = await main(['check', '--format', 'json', '--only', 'production-gate,staging-gate'], {
        stdout: (t) => (stdout += t),
        stderr: () => undefined,
        cwd: root(),
        isTty: false,
      });
      assert.equal(code, 1, 'an error finding fails mlops check');
      const report = JSON.parse(stdout) as { results: CheckResult[] };
      assert.deepEqual(
        report.results.map((r) => [r.status, r.message]),
        results.map((r) => [r.status, r.message]),
      );
    } finally {
      fs.writeFileSync(file, original);
    }
    await waitFor('the gates gone', () => gateResults().length === 0 && diagnosticsCount() === before, 120_000);
  });

  it('registers a version and promotes it through the real commands: the core and gto read the new tags', async () => {
    const head = git(['rev-parse', 'HEAD']);
    const registerTag = `${MODEL}@v2.0.1`;
    // Asked first; dismissed, nothing is written.
    answer = () => undefined;
    const asked = models.prompts.log.length;
    const dismissed = await vscode.commands.executeCommand<ActionResult | undefined>('mlops.registerModelVersion', {
      model: MODEL,
      commit: head,
    });
    assert.equal(dismissed, undefined);
    const question = models.prompts.log.slice(asked).find((p) => p.modal);
    assert.ok(question, 'a modal question');
    assert.equal(question.message, `Register ${MODEL} v2.0.1 at commit ${head.slice(0, 7)}?`);
    assert.deepEqual(question.items, ['Register']);
    assert.equal(git(['tag', '--list', registerTag]), '', 'no tag without a yes');

    // Answered: the tag is written, with GTO's line and the reproducibility record of the commit.
    answer = (p) => (p.modal ? p.items[0] : undefined);
    const registered = await vscode.commands.executeCommand<ActionResult>('mlops.registerModelVersion', {
      model: MODEL,
      commit: head,
    });
    written.push(...registered.tags);
    assert.deepEqual(registered.tags, [registerTag]);
    assert.equal(registered.commit, head);
    const [tag] = tagsOf(registerTag);
    assert.deepEqual([tag?.type, tag?.commit], ['tag', head]);
    const message = git(['for-each-ref', '--format=%(contents)', `refs/tags/${registerTag}`]);
    assert.equal(message, (await registrationMessage(root(), MODEL, 'v2.0.1', head)).trimEnd(), 'the CLI’s message');
    const record = parseRecordMessage(message);
    assert.equal(record?.commit, head);
    const evalJson = JSON.parse(git(['show', `${head}:metrics/eval.json`])) as { test: { f1: number } };
    assert.equal(record?.metrics['test.f1'], evalJson.test.f1);
    const said = models.prompts.log.find((p) => p.message.startsWith(`Registered ${MODEL} v2.0.1`));
    assert.ok(said, 'it says what it did');
    assert.deepEqual(said.items, ['Push Tags'], 'and offers to push; nothing is pushed unasked');

    // Assign Stage…: staging moves to the new version.
    const assigned = await vscode.commands.executeCommand<ActionResult>('mlops.assignStage', {
      model: MODEL,
      version: 'v2.0.1',
      stage: 'staging',
    });
    written.push(...assigned.tags);
    assert.ok(
      models.prompts.log.some((p) => p.modal && p.message === `Assign stage 'staging' to ${MODEL} v2.0.1?`),
      'asked before assigning',
    );
    assert.deepEqual(assigned.tags, [`${MODEL}#staging#7`], 'numbered after the demo’s six stage tags');
    assert.equal(tagsOf(`${MODEL}#staging#7`)[0]?.commit, head);
    assert.deepEqual([...models.unpushedTags()].slice(-2), [registerTag, `${MODEL}#staging#7`]);

    const model = (await readRegistry(root())).models.find((m) => m.name === MODEL)!;
    assert.equal(model.latest, 'v2.0.1');
    assert.deepEqual(model.stages, { production: ['v1.2.0'], staging: ['v2.0.1'] });
    const shown = await posted('registry', (m) =>
      m.board.some((c) => c.stage === 'staging' && c.cells.some((x) => x.version === 'v2.0.1')),
    );
    assert.deepEqual(shown.models.find((m) => m.name === MODEL)?.stages, model.stages, 'the dashboard refreshed');

    const gtoShown = (JSON.parse(await gto(['show', '--json'])) as Record<string, GtoShown>)[MODEL];
    assert.equal(gtoShown?.version, 'v2.0.1');
    assert.deepEqual(gtoShown?.stage, { production: 'v1.2.0', staging: 'v2.0.1' });
    const gtoVersions = JSON.parse(await gto(['show', MODEL, '--json'])) as {
      version: string;
      commit_hexsha: string;
    }[];
    assert.equal(gtoVersions.find((v) => v.version === 'v2.0.1')?.commit_hexsha, head);
  });
});
