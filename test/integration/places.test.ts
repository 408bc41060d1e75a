// MLOps Workbench in VS Code's own places: the `mlops` task type and its $mlops problem matcher, the terminal's
// PATH, the walkthrough's contribution, and Compare Metrics with HEAD.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { MetricsDiffReport } from '../../src/features/scm/register';
import { WALKTHROUGH_ID, WALKTHROUGH_STEPS } from '../../src/platform/walkthrough';
import { activateExtension, EXTENSION_ID } from './activation.test';
import { waitFor } from './wait';

function root(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

interface Finding {
  file: string;
  line: number;
  column: number;
  severity: string;
  code: string;
  source: string | undefined;
  message: string;
}

const key = (f: Finding) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.code} ${f.message}`;

/** A diagnostic as the Problems panel lists it: where, how bad, which check, from whom, and what it says. */
const finding = (uri: vscode.Uri, d: vscode.Diagnostic): Finding => ({
  file: relative(uri),
  line: d.range.start.line + 1,
  column: d.range.start.character + 1,
  severity: vscode.DiagnosticSeverity[d.severity],
  code: String(typeof d.code === 'object' ? d.code.value : d.code),
  source: d.source,
  message: d.message,
});
const relative = (uri: vscode.Uri) => path.relative(root(), uri.fsPath).split(path.sep).join('/');

/** Diagnostics with source 'mlops' whose code is plain text: what the $mlops problem matcher of a task reports. */
function taskFindings(): Finding[] {
  return vscode.languages
    .getDiagnostics()
    .flatMap(([uri, list]) =>
      list
        .filter((d) => d.source === 'mlops' && (typeof d.code === 'string' || typeof d.code === 'number'))
        .map((d) => finding(uri, d)),
    )
    .sort((a, b) => key(a).localeCompare(key(b)));
}

describe("MLOps Workbench in VS Code's own places", function () {
  this.timeout(180_000);
  let api: ExtensionApi;

  before(async () => {
    api = await activateExtension();
  });

  it('provides the mlops check, data validate and telemetry summary tasks: the shipped CLI run by this editor’s Node, read by $mlops', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'mlops' });
    assert.deepEqual(
      tasks.map((t) => [t.name, t.source, t.definition.type, (t.definition as { command?: string }).command]),
      [
        ['check', 'mlops', 'mlops', 'check'],
        ['data validate', 'mlops', 'mlops', 'data validate'],
        ['telemetry summary', 'mlops', 'mlops', 'telemetry summary'],
      ],
    );
    const telemetry = tasks[2];
    assert.ok(telemetry);
    assert.deepEqual(telemetry.problemMatchers, [], 'a summary in the terminal, no findings');
    assert.equal(telemetry.group, undefined, 'not a test task');
    assert.deepEqual((telemetry.execution as vscode.ProcessExecution).args.slice(1), ['telemetry', 'summary']);
    const validate = tasks[1];
    assert.deepEqual(validate.problemMatchers, ['$mlops']);
    assert.deepEqual((validate.execution as vscode.ProcessExecution).args.slice(1), [
      'data',
      'validate',
      '--format',
      'problems',
    ]);
    const [task] = tasks;
    assert.ok(task);
    assert.deepEqual(task.problemMatchers, ['$mlops']);
    assert.equal((task.scope as vscode.WorkspaceFolder).uri.fsPath, root());
    const execution = task.execution as vscode.ProcessExecution;
    assert.ok(execution instanceof vscode.ProcessExecution, 'a process, not a shell command line');
    assert.equal(execution.process, process.execPath);
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    assert.deepEqual(execution.args, [
      path.join(extension.extensionPath, 'dist', 'cli.js'),
      'check',
      '--format',
      'problems',
    ]);
    assert.equal(execution.options?.cwd, root());
    assert.deepEqual(
      execution.options?.env,
      typeof process.versions.electron === 'string' ? { ELECTRON_RUN_AS_NODE: '1' } : {},
    );
    // tasks.json: `{ "type": "mlops", "command": "check", "args": [...] }` resolves to the same run, with the args.
    const resolved = await api.tasks!.provider.resolveTask(
      new vscode.Task(
        { type: 'mlops', command: 'check', args: ['--fail-on', 'warning'] },
        vscode.workspace.workspaceFolders![0],
        'check',
        'mlops',
      ),
      new vscode.CancellationTokenSource().token,
    );
    assert.deepEqual((resolved?.execution as vscode.ProcessExecution).args.slice(1), [
      'check',
      '--format',
      'problems',
      '--fail-on',
      'warning',
    ]);
    const unknown = await api.tasks!.provider.resolveTask(
      new vscode.Task({ type: 'mlops', command: 'nope' }, vscode.TaskScope.Workspace, 'nope', 'mlops'),
      new vscode.CancellationTokenSource().token,
    );
    assert.equal(unknown, undefined);
  });

  it('running the check task puts the same findings in Problems as the extension’s own run', async () => {
    const checks = api.checks!;
    await api.explorer.model.ensureLoaded();
    await waitFor('the extension’s first checks run', () => checks.runner.folderRuns.length > 0);
    await checks.whenIdle();
    // A fresh run of the editor's checks: earlier suites edit the demo's notebooks, and the task reads them now.
    await vscode.commands.executeCommand('mlops.runChecks');
    await checks.whenIdle();
    const own: Finding[] = [];
    checks.diagnostics.forEach((uri, list) => {
      for (const d of list) own.push(finding(uri, d));
    });
    own.sort((a, b) => key(a).localeCompare(key(b)));
    assert.equal(own.length, 10, 'the demo has ten findings (three of them data drift, one an SLO breach)');
    assert.deepEqual(taskFindings(), [], 'no task findings before the task runs');

    const [task] = await vscode.tasks.fetchTasks({ type: 'mlops' });
    const ended = new Promise<number | undefined>((resolve) => {
      const listener = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.definition.type === 'mlops') {
          listener.dispose();
          resolve(e.exitCode);
        }
      });
    });
    const started = Date.now();
    await vscode.tasks.executeTask(task);
    assert.equal(await ended, 1, "the staging version's SLO breach is an error: mlops check fails");
    console.log(`mlops check as a task took ${Date.now() - started} ms`);
    await waitFor('the task’s findings in Problems', () => taskFindings().length >= own.length, 30_000);
    // The same entries: file, line, column, severity, check type, source, and the whole message (the finding, then
    // its hint on a line of its own: the task prints the hint under the finding and $mlops reads both lines).
    assert.deepEqual(taskFindings(), own);
    assert.ok(
      own.every((f) => f.source === 'mlops' && f.message.split('\n').length === 2),
      'each message is the finding and its hint',
    );
    // Each at the same place with the same check type as the editor's diagnostic.
    const codes = vscode.languages
      .getDiagnostics()
      .flatMap(([, list]) => list.filter((d) => d.source === 'mlops' && typeof d.code === 'string').map((d) => d.code))
      .sort();
    assert.deepEqual(codes, [
      'data-drift',
      'data-drift',
      'data-drift',
      'lineage',
      'naming-convention',
      'naming-convention',
      'notebook-hygiene',
      'notebook-hygiene',
      'prediction-drift',
      'service-slo',
    ]);
  });

  it('puts the shipped mlops on the terminal’s PATH; `mlops --version` is the extension’s version; the setting turns it off', async () => {
    const terminal = api.terminal!;
    const folder = await terminal.apply();
    assert.ok(folder, 'the launchers were written');
    const entry = terminal.collection.get('PATH');
    assert.deepEqual(
      { value: entry?.value, type: entry?.type },
      { value: `${folder}${path.delimiter}`, type: vscode.EnvironmentVariableMutatorType.Prepend },
    );
    assert.ok(fs.existsSync(path.join(folder, 'mlops')) && fs.existsSync(path.join(folder, 'mlops.cmd')));
    const version = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { version: string }).version;
    if (process.platform !== 'win32') {
      const printed = execFileSync(path.join(folder, 'mlops'), ['--version'], { encoding: 'utf8' });
      assert.equal(printed, `${version}\n`);
    }
    const config = vscode.workspace.getConfiguration('mlops');
    await config.update('terminal.addCliToPath', false, vscode.ConfigurationTarget.Global);
    try {
      await waitFor('PATH no longer changed', () => terminal.collection.get('PATH') === undefined);
    } finally {
      await config.update('terminal.addCliToPath', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('PATH changed again', () => terminal.collection.get('PATH')?.value === `${folder}${path.delimiter}`);
  });

  it('contributes the walkthrough with media files that exist, opened by MLOps: Get Started', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const { walkthroughs } = (
      extension.packageJSON as {
        contributes: {
          walkthroughs: {
            id: string;
            steps: { id: string; completionEvents: string[]; media: { image: Record<string, string> } }[];
          }[];
        };
      }
    ).contributes;
    assert.equal(walkthroughs.length, 1);
    const [walkthrough] = walkthroughs;
    assert.equal(`${EXTENSION_ID}#${walkthrough.id}`, api.walkthrough!.id);
    assert.equal(walkthrough.steps.length, 6);
    // The steps the extension ticks itself are the contributed ones, through a command this VS Code has.
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      [...WALKTHROUGH_STEPS],
    );
    assert.equal(walkthrough.id, WALKTHROUGH_ID);
    assert.ok((await vscode.commands.getCommands(true)).includes('welcome.markStepComplete'));
    for (const step of walkthrough.steps) {
      assert.deepEqual(Object.keys(step.media.image).sort(), ['dark', 'hc', 'hcLight', 'light']);
      for (const file of Object.values(step.media.image))
        assert.ok(fs.statSync(path.join(extension.extensionPath, file)).size > 1000, `${step.id}: ${file} exists`);
      assert.ok(step.completionEvents.length > 0);
    }
    // A test host never opens it by itself; the palette command is registered.
    assert.equal(await api.walkthrough!.openedOnFirstRun, false);
    assert.ok((await vscode.commands.getCommands(true)).includes('mlops.getStarted'));
  });

  it('says on the status bar whether an open notebook’s outputs will be committed, with its size', async () => {
    const status = api.notebooks!.status;
    const file = path.join(root(), 'notebooks', '02-evaluate-model.ipynb');
    const document = await vscode.workspace.openNotebookDocument(vscode.Uri.file(file));
    await vscode.window.showNotebookDocument(document);
    const shown = await waitFor('the notebook status item', () =>
      status.snapshot.visible && status.snapshot.notebook === file ? status.snapshot : undefined,
    );
    const bytes = fs.statSync(file).size;
    // The demo's .gitattributes routes only *.onnx through a filter: notebooks are committed with their outputs.
    assert.deepEqual(
      { state: shown.state, bytes: shown.bytes, command: shown.command },
      { state: 'off', bytes, command: 'mlops.setupNotebookGitFilter' },
    );
    assert.equal(shown.text, `$(warning) Outputs will be committed · ${(bytes / 1024).toFixed(1)} KB`);
    assert.match(
      shown.tooltip,
      /^02-evaluate-model\.ipynb \([\d.]+ KB\): its outputs will be committed with it\. Click to set up the notebook git filter\.$/,
    );
    // mlops.notebooks.statusItem hides the item and shows it again, live, with the notebook still open.
    const config = () => vscode.workspace.getConfiguration('mlops');
    try {
      await config().update('notebooks.statusItem', false, vscode.ConfigurationTarget.Workspace);
      await waitFor('the item hidden by the setting', () => !status.snapshot.visible);
      assert.equal(vscode.window.activeNotebookEditor?.notebook.uri.fsPath, file, 'the notebook is still open');
      await config().update('notebooks.statusItem', true, vscode.ConfigurationTarget.Workspace);
      const again = await waitFor('the item shown again', () =>
        status.snapshot.visible && status.snapshot.notebook === file ? status.snapshot : undefined,
      );
      assert.equal(again.text, shown.text);
    } finally {
      await config().update('notebooks.statusItem', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the item hidden without a notebook editor', () => !status.snapshot.visible);
  });

  it('Compare Metrics with HEAD shows the working tree’s metrics against HEAD', async () => {
    const file = path.join(root(), 'metrics', 'eval.json');
    const original = fs.readFileSync(file);
    const unchanged = await vscode.commands.executeCommand<MetricsDiffReport>('mlops.compareMetricsWithHead');
    assert.equal(unchanged?.code, 0);
    assert.equal(unchanged?.errors, '');
    assert.equal(unchanged?.markdown, 'No metric changed between HEAD and workspace.\n');
    try {
      const metrics = JSON.parse(original.toString('utf8')) as { test: { f1: number } };
      const before = metrics.test.f1;
      metrics.test.f1 = 0.9123;
      fs.writeFileSync(file, JSON.stringify(metrics, null, 2) + '\n');
      const changed = await vscode.commands.executeCommand<MetricsDiffReport>('mlops.compareMetricsWithHead', {
        rootUri: vscode.Uri.file(root()),
      });
      assert.equal(changed?.code, 0);
      assert.match(changed.markdown, /^\|/m, 'a Markdown table');
      assert.ok(changed.markdown.includes('f1'), changed.markdown);
      assert.ok(changed.markdown.includes(String(before)) && changed.markdown.includes('0.9123'), changed.markdown);
      const shown = await vscode.workspace.openTextDocument(changed.document);
      assert.ok(shown.getText().startsWith('# Metrics: HEAD → working tree'));
      assert.ok(shown.getText().includes(changed.markdown));
    } finally {
      fs.writeFileSync(file, original);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
