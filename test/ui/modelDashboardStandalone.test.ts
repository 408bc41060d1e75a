// The Model Dashboard panel in plain Chromium: the real bundle, the real CSP, a fake VS Code API. The test plays the
// host with messages built by the real core from the demo repository (scripts/demo/generate.mjs), and with the
// registry of a live MLflow tracking server that the real MlflowClient filled (test/interop/mlflow/registry.py).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { MlflowRestClient } from '../../src/core/formats/mlflow/rest';
import { commitsBetween } from '../../src/core/git/commands';
import { loadConfig } from '../../src/core/formats/mlopsYaml/validate';
import type { Goal } from '../../src/core/metrics/diff';
import { followedFiles } from '../../src/core/metrics/sources/workspaceFiles';
import { latest } from '../../src/core/metrics/model';
import { keyMetrics, stageBoard, versionRows } from '../../src/core/registry/dashboard';
import { versionDetails, type DetailsContext } from '../../src/core/registry/details';
import { diffVersions } from '../../src/core/registry/diff';
import { readLineage } from '../../src/core/registry/lineage';
import type { Registry } from '../../src/core/registry/model';
import { readRegistry } from '../../src/core/registry/read';
import { addRowCounts } from '../../src/core/registry/workspace';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/modelDashboard';
import { compareView, dashboardModel } from '../../src/features/models/dashboardModel';
import { quietEnv, startMlflowServer, testPython, type MlflowServer } from '../helpers/mlflowServer';
import { openStandalone, type ThemeName } from './metricHistoryStandaloneHarness';

interface DashboardStandalone {
  page: Page;
  post(message: HostToWebview): Promise<void>;
  waitForPosted<T extends WebviewToHost['type']>(
    type: T,
    options?: { after?: number; timeout?: number },
  ): Promise<Extract<WebviewToHost, { type: T }>>;
  violations(): Promise<unknown[]>;
  errors(): Promise<string[]>;
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Demo {
  root: string;
  registry: Registry;
  details: DetailsContext;
  goals: Record<string, Goal>;
  config: Awaited<ReturnType<typeof loadConfig>>['validation']['config'];
}

async function readDemo(root: string): Promise<Demo> {
  const config = (await loadConfig(root)).validation.config;
  const goals: Record<string, Goal> = {};
  for (const m of config.metrics) if (m.goal) goals[m.key] = m.goal;
  const modelMetrics = config.models.flatMap((m) => m.metrics);
  return {
    root,
    config,
    registry: await readRegistry(root, { git: true }),
    details: { root, followed: followedFiles(root, { modelMetrics }).followed, datasets: config.datasets },
    goals,
  };
}

function registryMessage(demo: Demo, rename?: Record<string, string>): HostToWebview {
  const models = demo.registry.models.map(dashboardModel);
  const board = stageBoard(demo.registry);
  if (rename) {
    for (const m of models) m.name = rename[m.name] ?? m.name;
    for (const col of board) for (const c of col.cells) c.model = rename[c.model] ?? c.model;
  }
  return { type: 'registry', folder: 'demo', trusted: true, models, board, goals: demo.goals, problems: [] };
}

async function versionsMessage(demo: Demo, name: string): Promise<HostToWebview> {
  const model = demo.registry.models.find((m) => m.name === name);
  assert.ok(model, `the demo has model ${name}`);
  const details = await Promise.all(model.versions.map((v) => versionDetails(v, demo.details)));
  const keys = keyMetrics(details, demo.goals);
  return {
    type: 'versions',
    model: name,
    keys,
    rows: versionRows(model.versions, details, demo.goals, keys, demo.root),
  };
}

async function detailMessage(demo: Demo, name: string, version: string): Promise<HostToWebview> {
  const model = demo.registry.models.find((m) => m.name === name);
  const v = model?.versions.find((x) => x.version === version);
  assert.ok(v, `the demo has ${name} ${version}`);
  const index = model?.versions.indexOf(v) ?? -1;
  const previous = model?.versions.slice(index + 1).find((x) => x.active && x.commit);
  const d = await versionDetails(v, demo.details);
  const commits =
    previous?.commit && v.commit ? await commitsBetween({ root: demo.root }, previous.commit, v.commit, 200) : [];
  const metrics: { key: string; value: number | string }[] = [];
  for (const s of d.run?.metrics ?? []) {
    const point = latest(s);
    if (point) metrics.push({ key: s.key, value: point.value });
  }
  return {
    type: 'detail',
    detail: {
      model: name,
      version,
      ...(v.commit ? { commit: v.commit } : {}),
      stages: v.stages,
      metrics,
      params: Object.entries(d.params)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, value]) => ({ key, value })),
      datasets: d.datasets,
      environment: d.environment,
      commits,
      ...(previous ? { previous: previous.version } : {}),
      problems: d.problems,
    },
  };
}

async function compareMessage(demo: Demo, name: string, a: string, b: string): Promise<HostToWebview> {
  const model = demo.registry.models.find((m) => m.name === name);
  const va = model?.versions.find((x) => x.version === a);
  const vb = model?.versions.find((x) => x.version === b);
  assert.ok(va && vb);
  const diff = await diffVersions(va, vb, demo.details, demo.goals);
  await addRowCounts(diff, demo.root);
  return { type: 'compare', compare: compareView(name, diff) };
}

async function rows(page: Page, selector: string): Promise<string[][]> {
  return page.evaluate(
    (s) =>
      Array.from(document.querySelectorAll(`${s} tbody tr`), (tr) =>
        Array.from(tr.querySelectorAll('td,th'), (td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim()),
      ),
    selector,
  );
}

describe('Model Dashboard panel, standalone in Chromium, on the demo', function () {
  this.timeout(180_000);
  const panels: DashboardStandalone[] = [];
  const dialogs: string[] = [];
  let tmp: string;
  let demo: Demo;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-dashboard-ui-'));
    const dir = path.join(tmp, 'demo');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'demo', 'generate.mjs'), dir], { stdio: 'ignore' });
    demo = await readDemo(dir);
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function open(theme: ThemeName): Promise<DashboardStandalone> {
    const panel = (await openStandalone({
      theme,
      bundle: 'modelDashboard',
      width: 1200,
      height: 1000,
    })) as unknown as DashboardStandalone;
    panel.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    panels.push(panel);
    await panel.waitForPosted('ready');
    return panel;
  }

  afterEach(async () => {
    for (const panel of panels) {
      assert.deepEqual(await panel.violations(), [], 'no Content-Security-Policy violations');
      assert.deepEqual(await panel.errors(), [], 'no script errors');
    }
    assert.deepEqual(dialogs, [], 'no dialogs');
    for (const panel of panels.splice(0)) await panel.close();
  });

  for (const theme of ['dark', 'light'] as const) {
    it(`shows the stage board, versions, a version's detail, A/B compare and lineage (${theme})`, async () => {
      const panel = await open(theme);
      const page = panel.page;
      const reg = registryMessage(demo);
      await panel.post(reg);
      await panel.waitForPosted('showLineage');
      const name = demo.registry.models.find((m) => m.stages.production?.length)?.name ?? '';
      await panel.post(await versionsMessage(demo, name));
      await panel.post({ type: 'lineageGraph', graph: await readLineage(demo.root, demo.config) });
      await page.waitForSelector('.md-versions-table tbody tr');

      const board = await page
        .locator('.md-column')
        .evaluateAll((els) =>
          els.map((e) => [
            e.querySelector('h3')?.textContent ?? '',
            Array.from(e.querySelectorAll('.md-card'), (c) => (c.textContent ?? '').trim()).join(' | '),
          ]),
        );
      assert.deepEqual(board, [
        ['staging', 'fraud-classifierv2.0.0'],
        ['production', 'fraud-classifierv1.2.0'],
      ]);
      const table = await rows(page, '.md-versions-table');
      assert.deepEqual(await page.locator('.md-versions-table thead th').allTextContents(), [
        'Version',
        'Date',
        'Author',
        'Stages',
        'test.f1',
        'test.precision',
        'test.recall',
        'test.roc_auc',
        'Datasets changed',
        'Environment changed',
        '',
      ]);
      assert.deepEqual(
        table.map((r) => r.slice(0, 10)),
        [
          [
            'v2.0.0',
            '2026-09-22 07:24',
            'Ben Okafor',
            'staging',
            '0.8368 +0.0667',
            '0.8644 +0.0581',
            '0.8108 +0.0737',
            '0.9401 +0.0143',
            'transactions',
            'no',
          ],
          [
            'v1.2.0',
            '2026-07-15 16:45',
            'Ana Ruiz',
            'production',
            '0.7701 +0.0379',
            '0.8063 +0.0462',
            '0.7371 +0.0308',
            '0.9258 +0.0102',
            'no',
            'no',
          ],
          ['v1.1.0', '2026-04-29 22:49', 'Ben Okafor', '', '0.7322', '0.7601', '0.7063', '0.9156', '', ''],
          ['v1.0.0deregistered', '2026-02-23 15:02', 'Ben Okafor', '', '0.6782', '0.7015', '0.6565', '0.8910', '', ''],
        ],
      );
      // Registered, active versions can be promoted; the deregistered one cannot.
      assert.deepEqual(
        table.map((r) => r[10]),
        ['Promote…Deprecate…', 'Promote…Deprecate…', 'Promote…Deprecate…', ''],
      );
      const deltas = await page
        .locator('.md-versions-table .md-delta')
        .evaluateAll((els: Element[]): string[][] =>
          els.map((e) => [e.textContent ?? '', e.className, getComputedStyle(e).color]),
        );
      const green = theme === 'dark' ? 'rgb(115, 201, 145)' : 'rgb(56, 138, 52)';
      assert.deepEqual(
        deltas.map((d) => d[0]?.trim()),
        ['+0.0667', '+0.0581', '+0.0737', '+0.0143', '+0.0379', '+0.0462', '+0.0308', '+0.0102'],
      );
      for (const [text, cls, colour] of deltas) {
        assert.equal(cls, 'md-delta md-better', `${text} is an improvement`);
        assert.equal(colour, green, `${text} is coloured as the theme's passed colour`);
      }
      await panel.screenshot(`dashboard-stage-board-${theme}`);

      await panel.post(await detailMessage(demo, name, 'v1.2.0'));
      await page.waitForSelector('.md-detail h2');
      assert.equal(await page.locator('.md-detail h2').first().textContent(), 'fraud-classifier v1.2.0');
      const detail = await page.locator('.md-detail').innerText();
      assert.match(detail, /stages: production/);
      assert.match(detail, /test\.f1\t0\.7701/);
      assert.match(detail, /train\.model\trandom_forest/);
      assert.match(detail, /transactions \(data\/transactions\.csv\)\teb2007ad3c54\tdvc\.lock/);
      assert.match(detail, /requirements\.txt\trequirements\t\w{12}\t6 pinned/);
      assert.doesNotMatch(detail, /This is the first version/, 'v1.2.0 follows v1.1.0');

      await panel.post(await compareMessage(demo, name, 'v1.2.0', 'v2.0.0'));
      await page.waitForSelector('.md-compare table');
      const compare = await rows(page, '.md-compare table');
      assert.equal(await page.locator('.md-compare h2').textContent(), 'fraud-classifier: v1.2.0 → v2.0.0');
      assert.deepEqual(compare.slice(0, 3), [
        ['eval.roc_auc', '0.9181', '0.9455', '+0.0274'],
        ['fraud_loss_prevented_usd', '8.463e+5', '8.812e+5', '+3.49e+4'],
        ['test.f1', '0.7701', '0.8368', '+0.0667'],
      ]);
      assert.ok(
        compare.some((r) => r.join('|') === 'train.model|random_forest|gradient_boosting'),
        'the params table shows the model change',
      );
      assert.ok(
        compare.some(
          (r) => r.slice(0, 4).join('|') === 'transactions (data/transactions.csv)|changed|eb2007ad3c54|4021612c36f4',
        ),
        'the datasets table shows the new transactions snapshot',
      );
      const release = execFileSync('git', ['rev-parse', '--short=7', 'fraud-classifier@v2.0.0^{commit}'], {
        cwd: demo.root,
      })
        .toString()
        .trim();
      assert.ok(
        compare.some((r) => r.join('|') === `${release}|2026-09-22 07:24|Ben Okafor|Release fraud-classifier v2.0.0`),
        'the commits in between are listed',
      );
      const compareDeltas = await page
        .locator('.md-compare .md-delta')
        .evaluateAll((els: Element[]): string[] => els.map((e) => e.className));
      assert.equal(compareDeltas.length, 14);
      assert.ok(compareDeltas.every((c) => c === 'md-delta md-better'));
      await page.locator('.md-compare').scrollIntoViewIfNeeded();
      await panel.screenshot(`dashboard-compare-${theme}`);

      const nodes = await page.locator('.md-lineage svg text').allTextContents();
      for (const node of [
        'prepare',
        'train',
        'evaluate',
        'data/transactions.csv',
        'data/holdout.csv',
        'params.yaml',
        'data/prepared',
        'metrics/eval.json',
      ])
        assert.ok(nodes.includes(node), `the lineage graph shows ${node}`);
      assert.ok(
        nodes.some((n) => n.startsWith('fraud-classifier (models/')),
        'the model is a node',
      );
      assert.equal(nodes.filter((n) => n === 'needs rerun').length, 2, 'train and evaluate need a rerun');
      await page.locator('.md-lineage').scrollIntoViewIfNeeded();
      await panel.screenshot(`dashboard-lineage-${theme}`);
    });
  }

  it('renders hostile model names as text', async () => {
    const panel = await open('dark');
    const page = panel.page;
    const name = demo.registry.models.find((m) => m.stages.production?.length)?.name ?? '';
    const hostile: [string, string] = ['<img src=x onerror=alert(1)>', 'model\n::warning file=x::pwned'];
    const rename: Record<string, string> = { [name]: hostile[0] };
    const other = demo.registry.models.find((m) => m.name !== name);
    if (other) rename[other.name] = hostile[1];
    await panel.post(registryMessage(demo, rename));
    await panel.waitForPosted('showLineage');
    assert.deepEqual(await page.locator('.md-card-model').allTextContents(), [hostile[0], hostile[0]]);
    assert.equal(await page.locator('.md-model h2').first().textContent(), hostile[0]);
    const options = await page.locator('#md-model vscode-option').allTextContents();
    assert.ok(options.includes(hostile[0]), 'the model picker lists the name as text');
    assert.ok(
      options.some((o) => o.startsWith(hostile[1])),
      'the name with a newline is one option, as text',
    );
    assert.equal(await page.locator('img, [onerror]').count(), 0, 'no element made from a model name');
    await panel.screenshot('dashboard-hostile-dark');
  });

  it('says why neither version has metric values, as mlops models diff does', async () => {
    // Two versions whose metrics file DVC tracks (dvc.lock records it, git does not hold it): a fresh clone.
    const repo = path.join(tmp, 'not-pulled');
    fs.mkdirSync(repo);
    const env = {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'A',
      GIT_AUTHOR_EMAIL: 'a@example.com',
      GIT_COMMITTER_NAME: 'A',
      GIT_COMMITTER_EMAIL: 'a@example.com',
    };
    const git = (args: string[]) => execFileSync('git', args, { cwd: repo, env, stdio: 'pipe' }).toString();
    const lock = (md5: string) =>
      `schema: '2.0'\nstages:\n  evaluate:\n    cmd: python evaluate.py\n    outs:\n    - path: eval/metrics.json\n      hash: md5\n      md5: ${md5}\n      size: 40\n`;
    git(['init', '-q', '-b', 'main']);
    fs.writeFileSync(
      path.join(repo, 'dvc.yaml'),
      'stages:\n  evaluate:\n    cmd: python evaluate.py\n    metrics:\n      - eval/metrics.json\n',
    );
    fs.writeFileSync(path.join(repo, '.gitignore'), '/eval\n');
    for (const [version, md5] of [
      ['v1.0.0', '1111aaaa2222bbbb3333cccc4444dddd'],
      ['v1.1.0', '5555eeee6666ffff7777aaaa8888bbbb'],
    ] as const) {
      fs.writeFileSync(path.join(repo, 'dvc.lock'), lock(md5));
      git(['add', '-A']);
      git(['commit', '-q', '-m', version]);
      git(['tag', '-a', `clf@${version}`, '-m', `Registering artifact clf version ${version}`]);
    }
    const notPulled = await readDemo(repo);
    const model = notPulled.registry.models.find((m) => m.name === 'clf');
    const [vb, va] = model?.versions ?? [];
    assert.ok(va && vb);
    const diff = await diffVersions(va, vb, notPulled.details, notPulled.goals);
    assert.ok(diff.metricsAbsent, 'the core explains the absence');

    const panel = await open('dark');
    const page = panel.page;
    await panel.post(registryMessage(notPulled));
    await panel.post({ type: 'compare', compare: compareView('clf', diff) });
    await page.waitForSelector('.md-compare .md-absent');
    const lines = await page.locator('.md-compare .md-absent p').allTextContents();
    assert.deepEqual(
      lines,
      diff.metricsAbsent.split('\n').map((l) => l.trim()),
      'the lines of the explanation, as text',
    );
    assert.equal(lines[0], 'Neither v1.0.0 nor v1.1.0 has values for eval/metrics.json.');
    assert.ok(
      lines.some((l) =>
        /^at v1\.0\.0: eval\/metrics\.json: declared in dvc\.yaml, DVC-tracked \(md5 1111aaaa, 40 B\)/.test(l),
      ),
      lines.join('\n'),
    );
    assert.equal(await page.locator('.md-compare').getByText('No metric changed.').count(), 0);
    await page.locator('.md-compare').scrollIntoViewIfNeeded();
    await panel.screenshot('dashboard-compare-no-values-dark');
  });

  describe('with an MLflow tracking server', () => {
    let server: MlflowServer;
    let withServer: Demo;
    let host: string;

    before(async function () {
      this.timeout(240_000);
      const python = testPython();
      const dir = path.join(tmp, 'server');
      server = await startMlflowServer(python, dir);
      await promisify(execFile)(
        python,
        [path.join(ROOT, 'test', 'interop', 'mlflow', 'registry.py'), server.url, path.join(dir, 'expected.json')],
        { env: quietEnv },
      );
      host = new URL(server.url).host;
      const client = new MlflowRestClient({ baseUrl: server.url, timeoutMs: 30_000 });
      withServer = { ...demo, registry: await readRegistry(demo.root, { git: true, mlflowServer: client }) };
    });

    after(async () => {
      await server?.stop();
    });

    function serverRegistry(aliases?: Record<string, string>): HostToWebview {
      const message = registryMessage(withServer) as Extract<HostToWebview, { type: 'registry' }>;
      if (aliases)
        for (const m of message.models) for (const v of m.versions) v.aliases = v.aliases.map((a) => aliases[a] ?? a);
      return {
        ...message,
        select: 'credit-risk',
        server: { location: server.url, host, status: 'loaded', versions: withServer.registry.server?.versions ?? 0 },
      };
    }

    for (const theme of ['dark', 'light'] as const) {
      it(`shows the server's versions with their stages, aliases and actions, merged with the demo's (${theme})`, async () => {
        const panel = await open(theme);
        const page = panel.page;
        await panel.post(serverRegistry());
        await panel.waitForPosted('showLineage');
        await panel.post(await versionsMessage(withServer, 'credit-risk'));
        await page.waitForSelector('.md-versions-table tbody tr');

        assert.equal(
          (await page.locator('.md-server').innerText()).replace(/\s+/g, ' ').trim(),
          `MLflow server ${host} 5 versions in its registry, merged below; set or remove an alias and transition a stage on a server version.`,
        );
        // The stage board holds the server's versions beside the demo's GTO ones.
        const board = await page
          .locator('.md-column')
          .evaluateAll((els) =>
            els.map((e) => [
              e.querySelector('h3')?.textContent ?? '',
              Array.from(e.querySelectorAll('.md-card'), (c) => (c.textContent ?? '').trim()).join(' | '),
            ]),
          );
        assert.deepEqual(board, [
          ['staging', 'credit-risk3 | fraud-classifierv2.0.0'],
          ['production', 'credit-risk2 | fraud-classifierv1.2.0'],
          ['archived', 'credit-risk1'],
        ]);
        assert.equal(await page.locator('.md-model h2').first().textContent(), 'credit-risk');
        const table = await rows(page, '.md-versions-table');
        assert.deepEqual(
          table.map((r) => [r[0], r[3], r[4], r[5], r.at(-1)]),
          [
            ['4server', '', '', '', 'Set Alias…Transition Stage…'],
            ['3server', 'staging@challenger×', '', '', 'Set Alias…Transition Stage…'],
            ['2server', 'production@champion×', '', '', 'Set Alias…Transition Stage…'],
            ['1server', 'archived', '', '', 'Set Alias…Transition Stage…'],
          ],
          'no commit, so nothing is said about datasets or environment changes',
        );
        assert.equal(await page.getByText('Promote…').count(), 0, 'no GTO action on a server version');

        // Each button posts its action for its version; the host asks before anything is written.
        const row = (version: string) =>
          page.locator('.md-versions-table tbody tr').filter({ hasText: `${version}server` });
        await row('3').getByText('Set Alias…').click();
        assert.deepEqual(await panel.waitForPosted('serverAction'), {
          type: 'serverAction',
          action: 'setAlias',
          model: 'credit-risk',
          version: '3',
        });
        await row('4').getByText('Transition Stage…').click();
        assert.deepEqual(await panel.waitForPosted('serverAction'), {
          type: 'serverAction',
          action: 'transitionStage',
          model: 'credit-risk',
          version: '4',
        });
        await page.getByRole('button', { name: 'Remove alias @champion' }).click();
        assert.deepEqual(await panel.waitForPosted('serverAction'), {
          type: 'serverAction',
          action: 'removeAlias',
          model: 'credit-risk',
          version: '2',
          alias: 'champion',
        });
        await panel.screenshot(`dashboard-server-${theme}`);
      });
    }

    it('renders hostile alias names as text, and posts them back unchanged', async () => {
      const panel = await open('dark');
      const page = panel.page;
      const hostile = '<img src=x onerror=alert(1)>';
      await panel.post(serverRegistry({ champion: hostile, challenger: 'a"b\n::warning::x' }));
      await panel.waitForPosted('showLineage');
      await page.waitForSelector('.md-versions-table tbody tr');
      const chips = await page.locator('.md-alias').allTextContents();
      assert.deepEqual(chips, ['@a"b\n::warning::x×', `@${hostile}×`]);
      assert.equal(await page.locator('img, [onerror]').count(), 0, 'no element made from an alias');
      await page.getByRole('button', { name: `Remove alias @${hostile}` }).click();
      assert.deepEqual(await panel.waitForPosted('serverAction'), {
        type: 'serverAction',
        action: 'removeAlias',
        model: 'credit-risk',
        version: '2',
        alias: hostile,
      });
      await panel.screenshot('dashboard-server-hostile-dark');
    });

    it('shows a server that cannot be read, or is not contacted, as a state with what to do, and no server action', async () => {
      const panel = await open('light');
      const page = panel.page;
      const message = `MLflow server at ${server.url} refused the request (HTTP 401: Invalid token): check the token (none was given).`;
      await panel.post({
        ...(registryMessage(demo) as Extract<HostToWebview, { type: 'registry' }>),
        server: { location: server.url, host, status: 'failed', versions: 0, message },
      });
      await panel.waitForPosted('showLineage');
      await page.waitForSelector('.md-server-failed');
      assert.equal(
        (await page.locator('.md-server').innerText()).replace(/\s+/g, ' ').trim(),
        `MLflow server ${host} cannot read its registry. ${message} Refresh`,
      );
      assert.equal(await page.getByText('Set Alias…').count(), 0);
      await page.locator('.md-server').getByText('Refresh').click();
      await panel.waitForPosted('refresh');
      await panel.screenshot('dashboard-server-failed-light');

      const untrusted = `Trust this workspace to see the registry of the MLflow server at ${server.url} (MLOps Workbench contacts no tracking server in an untrusted workspace).`;
      await panel.post({
        ...(registryMessage(demo) as Extract<HostToWebview, { type: 'registry' }>),
        trusted: false,
        server: { location: server.url, host, status: 'untrusted', versions: 0, message: untrusted },
      });
      await page.waitForSelector('.md-server-untrusted');
      assert.equal(
        (await page.locator('.md-server').innerText()).replace(/\s+/g, ' ').trim(),
        `MLflow server ${host} ${untrusted} Manage Workspace Trust`,
      );
      await page.locator('.md-server').getByText('Manage Workspace Trust').click();
      await panel.waitForPosted('trust');
    });
  });
});
