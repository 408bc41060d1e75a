import * as vscode from 'vscode';
import { plural } from '../../core/checks/report/common';
import type { DiagnosticCounts } from './diagnostics';
import type { FolderRun } from './runner';

export interface StatusSnapshot {
  visible: boolean;
  text: string;
  tooltip: string;
  counts: DiagnosticCounts;
}

/**
 * The status bar entry of the pipeline checks: the counts of the 'mlops checks' diagnostics by severity; a click
 * opens the Pipeline Checks panel. Hidden in a workspace without mlops.yaml and without results.
 */
export class ChecksStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mlops.checks.status', vscode.StatusBarAlignment.Left, 40);
  private snapshotValue: StatusSnapshot = {
    visible: false,
    text: '',
    tooltip: '',
    counts: { error: 0, warning: 0, info: 0 },
  };

  constructor(command: string) {
    this.item.name = 'MLOps Pipeline Checks';
    this.item.command = command;
  }

  dispose(): void {
    this.item.dispose();
  }

  get snapshot(): StatusSnapshot {
    return this.snapshotValue;
  }

  update(state: {
    counts: DiagnosticCounts;
    runs: readonly FolderRun[];
    hasConfig: boolean;
    running: boolean;
    ranOnce: boolean;
  }): void {
    const { counts, runs } = state;
    const problems = runs.filter((r) => r.report.status === 'config-error' || r.report.status === 'failed');
    const passed = runs.reduce((sum, r) => sum + r.report.counts.passed, 0);
    const visible = state.hasConfig || counts.error + counts.warning + counts.info > 0;
    const icon = state.running ? '$(sync~spin)' : '$(checklist)';
    let text = `${icon} $(error) ${counts.error} $(warning) ${counts.warning}${counts.info ? ` $(info) ${counts.info}` : ''}`;
    const lines: string[] = [];
    if (!state.ranOnce) {
      text = icon;
      lines.push(state.running ? 'Pipeline checks are running…' : 'Pipeline checks have not run yet.');
    } else {
      lines.push(
        `Pipeline checks: ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.info, 'info')}; ${passed} passed.`,
      );
      if (state.running) lines.push('Running again…');
    }
    for (const run of problems)
      lines.push(`${run.folder.name}: ${run.report.problems[0]?.message ?? 'the checks could not run'}`);
    if (problems.length) text += ' $(alert)';
    const notice = runs.find((r) => r.report.notice)?.report.notice;
    if (notice) lines.push(notice);
    lines.push('Click to open Pipeline Checks.');
    const tooltip = lines.join('\n');
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: tooltip, role: 'button' };
    this.item.backgroundColor = problems.length ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    if (visible) this.item.show();
    else this.item.hide();
    this.snapshotValue = { visible, text, tooltip, counts: { ...counts } };
  }
}
