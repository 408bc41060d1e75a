import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

interface Setting {
  type: string;
  default?: unknown;
  minimum?: number;
  scope?: string;
  description?: string;
  markdownDescription?: string;
  order?: number;
}
interface ConfigurationGroup {
  id: string;
  title: string;
  order: number;
  properties: Record<string, Setting>;
}
interface Step {
  id: string;
  title: string;
  description: string;
  media: { image: { light: string; dark: string; hc: string; hcLight: string }; altText: string };
  completionEvents: string[];
}
interface Manifest {
  contributes: {
    configuration: ConfigurationGroup[];
    walkthroughs: { id: string; title: string; steps: Step[] }[];
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    problemMatchers: {
      name: string;
      pattern: [
        { regexp: string; file: number; line: number; column: number; severity: number; code: number; message: number },
        { regexp: string; message: number },
      ];
    }[];
    taskDefinitions: { type: string; properties: { command: { enum: string[] } } }[];
    menus: Record<string, { command: string; when?: string }[]>;
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

/** The settings the extension shipped before they were grouped: their ids must never change. */
const KNOWN_SETTINGS = [
  'mlops.discovery.exclude',
  'mlops.discovery.respectGitignore',
  'mlops.discovery.autoRefresh',
  'mlops.hash.algorithm',
  'mlops.hash.maxFileSizeMB',
  'mlops.checks.runOnSave',
  'mlops.checks.retrainingAlerts',
  'mlops.metrics.historyScope',
  'mlops.mlflow.trackingUri',
  'mlops.mlflow.timeoutSeconds',
  'mlops.mlflow.maxPages',
  'mlops.mlflow.maxResponseMB',
  'mlops.terminal.addCliToPath',
];
const GROUPS = ['Discovery', 'Metrics', 'MLflow', 'Checks', 'Notebooks', 'Data', 'Telemetry', 'Terminal'];

describe('package.json contributions', () => {
  it('groups every setting in a titled configuration group, each with a markdown description, an example and an order', () => {
    const groups = manifest.contributes.configuration;
    assert.ok(Array.isArray(groups), 'contributes.configuration is a list of groups');
    assert.ok(groups.length >= 4, `${groups.length} groups`);
    const seen: string[] = [];
    for (const group of groups) {
      assert.ok(GROUPS.includes(group.title), `group '${group.title}' is one of ${GROUPS.join(', ')}`);
      assert.equal(group.id, `mlops.${group.title.toLowerCase()}`);
      assert.ok(Object.keys(group.properties).length > 0, `group ${group.title} has settings`);
      const orders: number[] = [];
      for (const [id, setting] of Object.entries(group.properties)) {
        seen.push(id);
        assert.equal(setting.description, undefined, `${id}: markdownDescription only`);
        assert.ok((setting.markdownDescription ?? '').length > 40, `${id} has a markdownDescription`);
        assert.match(setting.markdownDescription ?? '', /\n\nExamples?: \S/, `${id} gives an example`);
        assert.ok(Number.isInteger(setting.order) && setting.order! > 0, `${id} has an order`);
        orders.push(setting.order!);
      }
      assert.equal(new Set(orders).size, orders.length, `orders within ${group.title} are distinct`);
    }
    assert.deepEqual(
      groups.map((g) => g.order),
      groups.map((_, i) => i + 1),
      'groups are ordered',
    );
    assert.equal(new Set(seen).size, seen.length, 'no setting is in two groups');
    for (const id of KNOWN_SETTINGS) assert.ok(seen.includes(id), `${id} is still contributed under its id`);
  });

  it('orders the groups as Discovery, Metrics, MLflow, Checks, Notebooks, Data, Telemetry (then Terminal)', () => {
    assert.deepEqual(
      manifest.contributes.configuration.map((g) => [g.order, g.title]),
      GROUPS.map((title, i) => [i + 1, title]),
    );
  });

  it('offers a Notebooks setting that hides the status item and a Data setting that limits what is profiled unasked', () => {
    const group = (title: string) => manifest.contributes.configuration.find((g) => g.title === title)?.properties;
    const statusItem = group('Notebooks')?.['mlops.notebooks.statusItem'];
    assert.deepEqual(
      [statusItem?.type, statusItem?.default, statusItem?.scope, statusItem?.order],
      ['boolean', true, 'resource', 1],
    );
    assert.match(statusItem?.markdownDescription ?? '', /status bar item/);
    const maxProfile = group('Data')?.['mlops.data.maxProfileSizeMB'];
    assert.deepEqual(
      [maxProfile?.type, maxProfile?.default, maxProfile?.minimum, maxProfile?.scope, maxProfile?.order],
      ['number', 1024, 0, 'resource', 1],
    );
    assert.match(maxProfile?.markdownDescription ?? '', /`0` never asks/);
  });

  it('contributes the walkthrough: six steps, each with a completion event, light and dark media that exist, and alt text', () => {
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.ok(walkthrough);
    assert.equal(walkthrough.id, 'mlops.getStarted');
    assert.equal(walkthrough.title, 'Get started with MLOps Workbench');
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['openProject', 'seeModels', 'chartMetric', 'runChecks', 'notebookFilter', 'addCi'],
    );
    const commands = new Set(manifest.contributes.commands.map((c) => c.command));
    const views = new Set(Object.values(manifest.contributes.views).flatMap((list) => list.map((v) => v.id)));
    assert.ok(views.has('mlops.views.models') && views.has('mlops.views.experiments'));
    for (const step of walkthrough.steps) {
      assert.ok(step.completionEvents.length > 0, `${step.id} has a completion event`);
      for (const event of step.completionEvents) {
        assert.match(event, /^(onCommand|onView|onContext|onSettingChanged|onLink|onStepSelected):/);
        // VS Code records an onContext event only when the expression turns true while its walkthrough service
        // listens; one that already holds when the walkthrough registers (a folder is open) is never recorded.
        assert.doesNotMatch(event, /^onContext:.*workbenchState/, `${step.id}: ${event} holds before it is observed`);
        if (event.startsWith('onView:mlops.'))
          assert.ok(views.has(event.slice('onView:'.length)), `${event} names a contributed view`);
        if (event.startsWith('onCommand:mlops.'))
          assert.ok(commands.has(event.slice('onCommand:'.length)), `${event} names a contributed command`);
      }
      // VS Code reads all four; a missing one drops the whole walkthrough.
      for (const theme of ['light', 'dark', 'hc', 'hcLight'] as const) {
        const file = path.join(ROOT, step.media.image[theme]);
        assert.ok(fs.existsSync(file), `${step.media.image[theme]} exists`);
        const bytes = fs.readFileSync(file);
        assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', `${step.media.image[theme]} is a PNG`);
        assert.ok(bytes.length < 200_000, `${step.media.image[theme]} is small (${bytes.length} bytes)`);
      }
      assert.ok(step.media.altText.length > 10);
      // Every command link of a description names a command the extension contributes (or a VS Code command).
      for (const [, command] of step.description.matchAll(/\(command:([\w.]+)/g))
        assert.ok(commands.has(command) || command.startsWith('workbench.'), `${step.id}: ${command} exists`);
    }
  });

  it('offers the $mlops problem matcher for the `mlops` task type, and Compare Metrics with HEAD in git SCM titles', () => {
    assert.deepEqual(
      manifest.contributes.taskDefinitions.map((t) => [t.type, t.properties.command.enum]),
      [['mlops', ['check', 'data validate', 'telemetry summary']]],
    );
    // The provider offers exactly the commands the manifest declares (its list is in the tasks feature's source).
    const provider = fs.readFileSync(path.join(ROOT, 'src', 'features', 'tasks', 'register.ts'), 'utf8');
    const offered = [...provider.matchAll(/^ {2}(?:'([\w ]+)'|(\w+)): \{$/gm)].map((m) => m[1] ?? m[2]);
    assert.deepEqual(offered, ['check', 'data validate', 'telemetry summary']);
    assert.equal(
      manifest.contributes.taskDefinitions[0]?.properties.command.enum.length,
      (
        manifest.contributes.taskDefinitions[0] as unknown as {
          properties: { command: { enumDescriptions: string[] } };
        }
      ).properties.command.enumDescriptions.length,
      'one description per task command',
    );
    const [matcher] = manifest.contributes.problemMatchers;
    assert.equal(matcher?.name, 'mlops');
    // Two lines per finding: the finding, then its hint (joined into one message, as the editor's diagnostic has it).
    assert.equal(matcher.pattern.length, 2);
    const [p, hint] = matcher.pattern;
    const match = new RegExp(p.regexp).exec(
      'models/a b.onnx:12:5: warning naming-convention: Model a b should be named in kebab-case.',
    );
    assert.ok(match);
    assert.deepEqual(
      [match[p.file], match[p.line], match[p.column], match[p.severity], match[p.code], match[p.message]],
      ['models/a b.onnx', '12', '5', 'warning', 'naming-convention', 'Model a b should be named in kebab-case.'],
    );
    const lineOnly = new RegExp(p.regexp).exec('C:\\work\\x.ipynb:3: info lineage: m');
    assert.deepEqual(
      [lineOnly?.[p.file], lineOnly?.[p.line], lineOnly?.[p.column]],
      ['C:\\work\\x.ipynb', '3', undefined],
    );
    assert.equal(new RegExp(p.regexp).exec('    hint: rename it'), null, 'hint lines are not findings');
    assert.equal(new RegExp(hint.regexp).exec('    hint: rename it')?.[hint.message], 'rename it');
    assert.equal(new RegExp(hint.regexp).exec('mlops.yaml:1:1: error lineage: m'), null, 'findings are not hints');
    assert.deepEqual(manifest.contributes.menus['scm/title'], [
      { command: 'mlops.compareMetricsWithHead', when: 'scmProvider == git && isWorkspaceTrusted', group: '9_mlops@1' },
    ]);
  });
});
