import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import { describeFindings } from '../../src/core/checks/engine';
import type { CheckResult } from '../../src/core/checks/types';
import type { ExtensionApi } from '../../src/extension';
import type { ChecksApi } from '../../src/features/checks/register';
import { activateExtension, EXTENSION_ID } from './activation.test';
import { waitFor } from './wait';

interface JsonReport {
  counts: { error: number; warning: number; info: number; passed: number; skipped: number };
  checks: { id: string; type: string }[];
  results: CheckResult[];
}

function root(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

/** `mlops check --format json` on the workspace, through the shipped CLI bundle (in this process). */
async function cliReport(): Promise<{ code: number; report: JsonReport }> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { main } = require(path.join(extension.extensionPath, 'dist', 'cli.js')) as {
    main: (
      argv: string[],
      io: { stdout: (t: string) => void; stderr: (t: string) => void; cwd: string; isTty: boolean },
    ) => Promise<number>;
  };
  let stdout = '';
  let stderr = '';
  const code = await main(['check', '--format', 'json'], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: root(),
    isTty: false,
  });
  assert.equal(stderr, '', 'mlops check wrote nothing to stderr');
  return { code, report: JSON.parse(stdout) as JsonReport };
}

/** Every 'mlops checks' diagnostic as plain data. */
function publishedDiagnostics(checks: ChecksApi): {
  file: string;
  line: number;
  column: number;
  severity: string;
  type: string;
  message: string;
  target: string;
  source?: string;
}[] {
  const out: ReturnType<typeof publishedDiagnostics> = [];
  checks.diagnostics.forEach((uri, diagnostics) => {
    for (const d of diagnostics) {
      const code = d.code as { value: string; target: vscode.Uri };
      out.push({
        file: path.relative(root(), uri.fsPath).split(path.sep).join('/'),
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        severity: vscode.DiagnosticSeverity[d.severity],
        type: code.value,
        message: d.message.split('\n')[0],
        target: code.target.toString(true),
        source: d.source,
      });
    }
  });
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.message.localeCompare(b.message));
}

const SEVERITY_NAME = { error: 'Error', warning: 'Warning', info: 'Information' } as const;

describe('Pipeline checks in the editor on the demo', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let checks: ChecksApi;

  before(async () => {
    api = await activateExtension();
    assert.ok(api.checks, 'the extension API exposes the checks');
    checks = api.checks;
    // The first run starts when the workspace model first loads.
    await api.explorer.model.ensureLoaded();
    await waitFor('the first run', () => checks.runner.folderRuns.length > 0);
    await checks.whenIdle();
  });

  after(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows every finding of `mlops check --format json` in Problems, at its file, line and column', async () => {
    const { code, report } = await cliReport();
    assert.equal(
      code,
      1,
      "the staging version's latency SLO is breached (an error): mlops check fails at --fail-on error",
    );
    const findings = report.results.filter((r) => r.status === 'fail' || r.status === 'error');
    const byType = (type: string, key?: string) =>
      findings.filter((r) => r.type === type && (key === undefined || r.key === key)).length;
    assert.equal(byType('naming-convention'), 2, 'two models break the naming convention');
    assert.equal(byType('notebook-hygiene', 'outputs'), 2, 'two notebooks have committed outputs');
    assert.equal(byType('lineage'), 1, 'one model declares no metric files');
    assert.equal(
      byType('data-drift'),
      3,
      'the newest transactions drift on amount, merchant_category and card_present (a 0/1 column judged as categories, as Evidently does)',
    );
    assert.equal(byType('service-slo'), 1, 'the staging version breaches its p95 latency SLO');
    assert.equal(byType('prediction-drift'), 1, 'one drift episode in the logged inputs');
    assert.equal(findings.length, 10);

    const expected = findings
      .map((r) => ({
        file: r.location!.file,
        line: r.location!.line!,
        column: r.location!.column!,
        severity: SEVERITY_NAME[r.severity],
        type: r.type,
        message: r.message,
        target: `https://marketplace.visualstudio.com/items?itemName=mlops-workbench.mlops-workbench#${r.type}`,
        source: 'mlops',
      }))
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.message.localeCompare(b.message));
    assert.deepEqual(publishedDiagnostics(checks), expected);

    // The same diagnostics are what the Problems panel lists for the file.
    const config = vscode.Uri.file(path.join(root(), 'mlops.yaml'));
    const inProblems = vscode.languages.getDiagnostics(config).filter((d) => typeof d.code === 'object');
    assert.deepEqual(
      inProblems
        .map((d) => [d.range.start.line, d.range.start.character, (d.code as { value: string }).value] as const)
        .sort((a, b) => a[0] - b[0] || a[2].localeCompare(b[2])),
      [
        [5, 4, 'naming-convention'],
        [13, 4, 'lineage'],
        [13, 4, 'naming-convention'],
        [28, 16, 'data-drift'],
        [30, 10, 'data-drift'],
        [33, 22, 'data-drift'],
        [84, 6, 'service-slo'],
        [91, 13, 'prediction-drift'],
      ],
    );
    // A config entry is underlined to the end of its line: "- name: fraud-classifier".
    const naming = inProblems.find((d) => d.range.start.line === 5)!;
    assert.equal(naming.range.end.character, '  - name: fraud-classifier'.length);
  });

  it('reads mlops.yaml the way `mlops check` does: the editor results equal the CLI results', async () => {
    const { report } = await cliReport();
    const [run] = checks.runner.folderRuns;
    assert.equal(run.report.status, 'ok');
    assert.deepEqual(
      run.report.checks.map((c) => [c.id, c.type]),
      report.checks.map((c) => [c.id, c.type]),
    );
    assert.deepEqual(run.report.results, report.results);
    assert.deepEqual(run.report.counts, report.counts);
    assert.equal(report.counts.passed, 50);
  });

  it('shows counts in the status bar equal to the diagnostics', () => {
    const status = checks.status();
    const diagnostics = publishedDiagnostics(checks);
    const count = (severity: string) => diagnostics.filter((d) => d.severity === severity).length;
    assert.deepEqual(status.counts, { error: count('Error'), warning: count('Warning'), info: count('Information') });
    assert.deepEqual(status.counts, { error: 1, warning: 9, info: 0 });
    assert.equal(status.visible, true);
    assert.equal(status.text, '$(checklist) $(error) 1 $(warning) 9');
    assert.match(status.tooltip, /1 error, 9 warnings, 0 info; 50 passed/);
  });

  it('renames a model to the convention with a quick fix, updates mlops.yaml in the same edit, and undo restores both', async () => {
    const config = vscode.Uri.file(path.join(root(), 'mlops.yaml'));
    const oldPath = 'models/fraud-classifier/model.pkl';
    const newPath = 'models/fraud-classifier/fraud-classifier-v2.0.0.pkl';
    const original = fs.readFileSync(config.fsPath, 'utf8');
    const diagnostic = vscode.languages
      .getDiagnostics(config)
      .find((d) => d.message.startsWith(`${oldPath} should be named`));
    assert.ok(diagnostic, 'the naming finding of fraud-classifier is on mlops.yaml');
    // Code actions are asked of an open document, as the editor does.
    await vscode.workspace.openTextDocument(config);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      config,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const titles = actions.map((a) => a.title);
    const rename = actions.find((a) => a.title.startsWith(`Rename to ${newPath}`));
    assert.ok(rename, `a rename quick fix among: ${titles.join(' | ')}`);
    assert.equal(
      rename.title,
      `Rename to ${newPath} (the version of tag fraud-classifier@v2.0.0) and update mlops.yaml`,
    );
    assert.ok(titles.includes('Rename to the naming convention…'), 'and one that asks for the version');
    assert.ok(rename.edit && rename.command);

    // What VS Code does when the user picks it: apply the edit, then run its command (saves mlops.yaml).
    assert.equal(await vscode.workspace.applyEdit(rename.edit), true);
    await vscode.commands.executeCommand(rename.command.command, ...((rename.command.arguments ?? []) as unknown[]));
    try {
      assert.ok(fs.existsSync(path.join(root(), newPath)), 'the model file moved');
      assert.ok(!fs.existsSync(path.join(root(), oldPath)), 'the old name is gone');
      const saved = fs.readFileSync(config.fsPath, 'utf8');
      assert.equal(
        saved,
        original.replace(`path: ${oldPath}`, `path: ${newPath}`),
        'mlops.yaml names the new path, and nothing else changed',
      );
      // The checks run again on their own: one naming finding is left (the ONNX model).
      await waitFor(
        'the rerun without the fixed finding',
        () => publishedDiagnostics(checks).filter((d) => d.type === 'naming-convention').length === 1,
      );
      await checks.whenIdle();
      await waitFor('the status bar to count the fixed finding out', () => checks.status().counts.warning === 8);

      // Undo (in the editor of mlops.yaml) takes back the text edit and the rename together.
      await vscode.window.showTextDocument(config);
      await vscode.commands.executeCommand('undo');
      await waitFor(
        'the rename to be undone',
        () => fs.existsSync(path.join(root(), oldPath)) && !fs.existsSync(path.join(root(), newPath)),
      );
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === config.toString())!;
      assert.equal(document.getText(), original);
      if (document.isDirty) await document.save();
      assert.equal(fs.readFileSync(config.fsPath, 'utf8'), original);
    } finally {
      // Leave the demo as it was for the other suites, whatever happened above.
      if (!fs.existsSync(path.join(root(), oldPath)) && fs.existsSync(path.join(root(), newPath)))
        fs.renameSync(path.join(root(), newPath), path.join(root(), oldPath));
      if (fs.readFileSync(config.fsPath, 'utf8') !== original) fs.writeFileSync(config.fsPath, original);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await waitFor('the findings to be back', () => publishedDiagnostics(checks).length === 10);
    await checks.whenIdle();
    assert.deepEqual(checks.status().counts, { error: 1, warning: 9, info: 0 });
  });

  it("adds a Git LFS rule to .gitattributes for a large untracked file (the panel's Fix), and the finding goes away", async () => {
    const big = path.join(root(), 'models', 'big.pt');
    const attributes = path.join(root(), '.gitattributes');
    const original = fs.readFileSync(attributes, 'utf8');
    const line = '*.pt filter=lfs diff=lfs merge=lfs -text';
    try {
      fs.writeFileSync(big, Buffer.alloc(11 * 1024 * 1024, 7));
      const finding = await waitFor('the large-file finding', () =>
        checks.runner.folderRuns[0]?.report.results.find(
          (r) => r.type === 'large-file-untracked' && r.status === 'fail' && r.location?.file === 'models/big.pt',
        ),
      );
      assert.deepEqual(finding.fix, { kind: 'appendLine', file: '.gitattributes', line });
      await checks.whenIdle();
      // A binary file: the diagnostic covers the start of the file; the fix comes from the panel (no text editor).
      const [diagnostic] = checks.diagnostics.get(vscode.Uri.file(big)) ?? [];
      assert.ok(diagnostic, 'a diagnostic on models/big.pt');
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
      assert.deepEqual(
        [
          diagnostic.range.start.line,
          diagnostic.range.start.character,
          diagnostic.range.end.line,
          diagnostic.range.end.character,
        ],
        [0, 0, 0, 0],
      );
      const applied = await vscode.commands.executeCommand<string>('mlops.checks.fixResult', {
        folder: vscode.workspace.workspaceFolders![0].uri.toString(),
        checkId: finding.checkId,
        target: finding.target,
        key: finding.key,
        file: finding.location?.file,
      });
      assert.equal(applied, `Add '${line}' to .gitattributes`);
      assert.equal(fs.readFileSync(attributes, 'utf8'), `${original}${line}\n`, 'the line is appended and saved');
      await waitFor(
        'the finding to go',
        () => !(checks.diagnostics.get(vscode.Uri.file(big)) ?? []).length && !checks.runner.running,
      );
      await checks.whenIdle();
      assert.ok(
        !checks.runner.folderRuns[0].report.results.some(
          (r) => r.type === 'large-file-untracked' && r.status === 'fail',
        ),
        'git now stores it with LFS',
      );
    } finally {
      fs.rmSync(big, { force: true });
      fs.writeFileSync(attributes, original);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
    await waitFor('the findings to be back', () => publishedDiagnostics(checks).length === 10);
  });

  it('creates a missing model card from a template with a quick fix on the model in mlops.yaml', async () => {
    const config = vscode.Uri.file(path.join(root(), 'mlops.yaml'));
    const original = fs.readFileSync(config.fsPath, 'utf8');
    const card = path.join(root(), 'models', 'churn', 'model_card.md');
    try {
      fs.mkdirSync(path.join(root(), 'models', 'churn'), { recursive: true });
      fs.writeFileSync(path.join(root(), 'models', 'churn', 'model.pkl'), 'weights');
      fs.writeFileSync(
        config.fsPath,
        original.replace(
          '\n\ndatasets:\n',
          '\n  - name: churn\n    path: models/churn/model.pkl\n    owner: growth\n    datasets: [transactions]\n\ndatasets:\n',
        ),
      );
      const churnLine = fs.readFileSync(config.fsPath, 'utf8').split('\n').indexOf('  - name: churn');
      const diagnostic = await waitFor('the model-card finding', () =>
        vscode.languages
          .getDiagnostics(config)
          .find(
            (d) =>
              (d.code as { value?: string } | undefined)?.value === 'required-files' &&
              d.range.start.line === churnLine,
          ),
      );
      assert.match(
        diagnostic.message,
        /^models\/churn has none of model_card\.md, MODEL_CARD\.md, README\.md \(model 'churn'\)\./,
      );
      await vscode.workspace.openTextDocument(config);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        config,
        diagnostic.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const create = actions.find((a) => a.title === 'Create models/churn/model_card.md from a template');
      assert.ok(
        create?.edit && create.command,
        `a model-card quick fix among: ${actions.map((a) => a.title).join(' | ')}`,
      );
      assert.equal(await vscode.workspace.applyEdit(create.edit), true);
      await vscode.commands.executeCommand(create.command.command, ...((create.command.arguments ?? []) as unknown[]));
      assert.equal(
        path.basename(vscode.window.activeTextEditor?.document.uri.fsPath ?? ''),
        'model_card.md',
        'the new card is open',
      );
      const text = fs.readFileSync(card, 'utf8');
      assert.match(text, /^# churn\n/);
      assert.ok(
        text.includes('- File: `models/churn/model.pkl`') &&
          text.includes('- Owner: growth') &&
          text.includes('- transactions: `data/transactions.csv`'),
      );
      assert.ok(text.includes('- F1 score: at least 0.75'), 'the thresholds the checks enforce');
      await waitFor('the model card to pass', () =>
        checks.runner.folderRuns[0]?.report.results.some(
          (r) => r.type === 'required-files' && r.model === 'churn' && r.status === 'pass',
        ),
      );
    } finally {
      fs.writeFileSync(config.fsPath, original);
      // File by file, so every watcher sees each file go (not only its folder).
      for (const file of ['model_card.md', 'model.pkl'])
        fs.rmSync(path.join(root(), 'models', 'churn', file), { force: true });
      await new Promise((r) => setTimeout(r, 500));
      fs.rmSync(path.join(root(), 'models', 'churn'), { recursive: true, force: true });
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
    await waitFor('the findings to be back', () => publishedDiagnostics(checks).length === 10);
  });

  it('raises one retraining alert when metrics fall past their thresholds, and not again on the next run', async () => {
    const config = path.join(root(), 'mlops.yaml');
    const original = fs.readFileSync(config, 'utf8');
    // One alert is shown at a time: the demo's data drift raised one on the first run; dismiss it first.
    await vscode.commands.executeCommand('notifications.clearAll');
    await checks.whenIdle();
    const before = checks.alerts().length;
    try {
      // F1 must now be at least 0.99: every F1 value fails, and the staleness check asks for a retrain.
      fs.writeFileSync(config, original.replace('    threshold: 0.75', '    threshold: 0.99'));
      await waitFor('the alert', () => checks.alerts().length > before);
      await checks.whenIdle();
      assert.equal(checks.alerts().length, before + 1, 'one notification for all the findings');
      const alert = checks.alerts()[before];
      assert.ok(alert.findings >= 4, `several findings in one alert (${alert.findings})`);
      assert.match(alert.message, /^Retraining alert for fraud-classifier: \d+ new findings/);
      const results = checks.runner.folderRuns[0].report.results;
      assert.ok(results.some((r) => r.type === 'staleness' && r.status === 'fail' && r.retrain === true));
      assert.ok(checks.status().counts.error >= 3, 'metric thresholds fail as errors');
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('mlops.runChecks');
      await checks.whenIdle();
      assert.equal(checks.alerts().length, before + 1, 'the same findings do not alert twice');
    } finally {
      fs.writeFileSync(config, original);
      await vscode.commands.executeCommand('notifications.clearAll');
    }
    await waitFor(
      'the thresholds to pass again',
      () => checks.status().counts.error === 1 && publishedDiagnostics(checks).length === 10,
    );
  });

  it('puts a checks section the engine refuses (but the schema allows) in Problems at its position', async () => {
    const config = path.join(root(), 'mlops.yaml');
    const original = fs.readFileSync(config, 'utf8');
    const line = original.split('\n').length + 1;
    try {
      fs.writeFileSync(
        config,
        `${original}checks:\n  - { id: same, type: lineage }\n  - { id: same, type: environment }\n`,
      );
      const problem = await waitFor('the config problem', () => {
        const found = (checks.diagnostics.get(vscode.Uri.file(config)) ?? []).filter(
          (d) => (d.code as { value: string }).value === 'checks',
        );
        return found.length ? found : undefined;
      });
      assert.equal(problem.length, 1);
      assert.deepEqual(
        [problem[0].range.start.line, problem[0].range.start.character],
        [line, 10],
        'at the repeated id',
      );
      assert.equal(problem[0].severity, vscode.DiagnosticSeverity.Error);
      assert.match(
        problem[0].message,
        /^checks\[1\] has the id 'same' of checks\[0\]; give each check a distinct id\. The pipeline checks do not run until this is fixed\.$/,
      );
      await checks.whenIdle();
      const [run] = checks.runner.folderRuns;
      assert.equal(run.report.status, 'config-error');
      assert.deepEqual(run.report.problems[0], {
        message: "checks[1] has the id 'same' of checks[0]; give each check a distinct id.",
        file: 'mlops.yaml',
        line: line + 1,
        column: 11,
      });
      assert.deepEqual(checks.status().counts, { error: 1, warning: 0, info: 0 });
      assert.match(checks.status().text, /\$\(alert\)$/);
    } finally {
      fs.writeFileSync(config, original);
    }
    await waitFor('the findings to be back', () => publishedDiagnostics(checks).length === 10);
  });

  it('writes a CI workflow that parses with "Add CI Workflow…", and refuses to overwrite it', async () => {
    const target = path.join(root(), '.github', 'workflows', 'mlops-check.yml');
    try {
      const created = await vscode.commands.executeCommand<{ status: string; uri: vscode.Uri }>(
        'mlops.addCiWorkflow',
        'github',
      );
      assert.equal(created.status, 'created');
      assert.equal(created.uri.fsPath, target);
      const text = fs.readFileSync(target, 'utf8');
      const workflow = parse(text) as {
        on: { push: { paths: string[] }; pull_request: { paths: string[] } };
        jobs: Record<string, { steps: { run?: string; uses?: string }[] }>;
      };
      for (const p of [
        'mlops.yaml',
        'models/fraud-classifier/model.pkl',
        'data/transactions.csv',
        'metrics/eval.json',
        '**/*.ipynb',
      ]) {
        assert.ok(workflow.on.push.paths.includes(p), `push paths include ${p}`);
        assert.ok(workflow.on.pull_request.paths.includes(p), `pull request paths include ${p}`);
      }
      const runs = workflow.jobs['mlops-check'].steps.map((s) => s.run ?? s.uses ?? '');
      assert.ok(
        runs.some((r) => /npm install .*mlops-workbench@\d+\.\d+\.\d+/.test(r)),
        'installs this version of the CLI',
      );
      assert.ok(runs.some((r) => r.includes('npx mlops check --format sarif --output mlops.sarif')));
      assert.ok(runs.includes('github/codeql-action/upload-sarif@v3'));
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, target, 'the new workflow is open');

      fs.appendFileSync(target, '# edited by the team\n');
      const again = await vscode.commands.executeCommand<{ status: string }>('mlops.addCiWorkflow', 'github');
      assert.equal(again.status, 'exists');
      assert.ok(
        fs.readFileSync(target, 'utf8').endsWith('# edited by the team\n'),
        'the existing file is left unchanged',
      );
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('notifications.clearAll');
      fs.rmSync(path.join(root(), '.github'), { recursive: true, force: true });
    }
  });

  it('sends the panel the same report, and opens it filtered to retraining', async () => {
    checks.showPanel({ retrainOnly: true });
    const report = await waitFor('the panel report', () => checks.lastPanelReport());
    assert.equal(report.length, 1);
    assert.deepEqual(report[0].results, checks.runner.folderRuns[0].report.results);
    assert.equal(report[0].name, path.basename(root()));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  it('without mlops.yaml: the default checks run on what is found, in Problems and the palette answer, as the CLI finds', async () => {
    const config = path.join(root(), 'mlops.yaml');
    const aside = path.join(root(), '..', `mlops.yaml.aside-${process.pid}`);
    fs.renameSync(config, aside);
    try {
      await waitFor('a run without mlops.yaml', () =>
        (checks.runner.folderRuns[0]?.report.notice ?? '').startsWith('No mlops.yaml:'),
      );
      const answer = await vscode.commands.executeCommand<{ message: string; warning: number }>('mlops.runChecks');
      await checks.whenIdle();
      const run = checks.runner.folderRuns[0];
      assert.equal(run.report.status, 'ok');
      assert.match(
        run.report.notice ?? '',
        /^No mlops\.yaml: the default checks ran on what was found \(\d+ models?, \d+ datasets?, \d+ notebooks?\)/,
      );
      const failing = run.report.results.filter((r) => r.status === 'fail' || r.status === 'error');
      assert.ok(failing.length > 0, 'the demo has findings without mlops.yaml too');
      assert.equal(answer.message, `Pipeline checks: ${describeFindings(run.report.results)}.`);
      assert.match(answer.message, /^Pipeline checks: (\d+ errors?, )?\d+ warnings?(, \d+ info)? in \d+ files?\.$/);
      // Problems: one diagnostic per finding, none pointing at the missing mlops.yaml.
      const problems = vscode.languages
        .getDiagnostics()
        .flatMap(([uri, list]) => list.filter((d) => d.source === 'mlops').map((d) => ({ uri, d })));
      assert.equal(problems.length, failing.length);
      assert.equal(
        problems.some(({ uri }) => uri.fsPath === config),
        false,
      );
      // The CLI gives the same findings (one code path), and says on stderr why it ran without mlops.yaml.
      const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { main } = require(path.join(extension.extensionPath, 'dist', 'cli.js')) as {
        main: (
          argv: string[],
          io: { stdout: (t: string) => void; stderr: (t: string) => void; cwd: string; isTty: boolean },
        ) => Promise<number>;
      };
      let stdout = '';
      let stderr = '';
      await main(['check', '--format', 'json', '--fail-on', 'never'], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        cwd: root(),
        isTty: false,
      });
      assert.match(stderr, /^mlops check: No mlops\.yaml: the default checks ran on what was found/);
      const key = (r: CheckResult) => `${r.checkId} ${r.location?.file ?? ''} ${r.message}`;
      const cli = (JSON.parse(stdout) as JsonReport).results.filter((r) => r.status === 'fail' || r.status === 'error');
      assert.deepEqual(cli.map(key).sort(), failing.map(key).sort());
    } finally {
      fs.renameSync(aside, config);
      await vscode.commands.executeCommand('notifications.clearAll');
    }
    await waitFor('the run with mlops.yaml again', () => checks.runner.folderRuns[0]?.report.notice === undefined);
    await checks.whenIdle();
  });
});
