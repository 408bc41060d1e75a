import * as vscode from 'vscode';
import { checkTypeNamed } from '../../core/checks/builtinTypes';
import { isRetrainTrigger as isTrigger, retrainingAlertMessage as alertMessage } from '../../core/checks/checkType';
import type { CheckResult } from '../../core/checks/types';
import type { Logger } from '../../core/logging';
import type { FolderRun } from './runner';
import { getSetting } from '../../platform/config';

const KNOWN_KEY = 'mlops.checks.retrainFailing';
const SNOOZE_KEY = 'mlops.checks.retrainSnoozedUntil';
export const SNOOZE_DAYS = 7;
const DAY_MS = 86_400_000;

/** Whether a result is a retraining trigger, as its check type says (a stale model, a metric past its bound). */
export function isRetrainTrigger(result: CheckResult): boolean {
  return isTrigger(checkTypeNamed(result.type), result);
}

/** A stable identity of a finding across runs. */
function identity(run: FolderRun, result: CheckResult): string {
  return [run.folder.uri.toString(), result.checkId, result.target, result.key ?? '', result.location?.file ?? ''].join(
    '\u0000',
  );
}

export interface AlertRecord {
  message: string;
  findings: number;
}

/**
 * Retraining alerts: one notification when staleness or metric-threshold findings appear that the previous run
 * did not have (remembered in workspaceState, so a reload does not repeat them). "Show Details" opens the panel
 * filtered to retraining; "Snooze" silences alerts for seven days.
 */
export class RetrainingAlerts {
  /** The alerts shown in this session (for tests). */
  readonly shown: AlertRecord[] = [];
  private visible = false;

  constructor(
    private readonly state: vscode.Memento,
    private readonly logger: Logger,
    private readonly showDetails: () => void,
  ) {}

  /** Compares a run with the findings already known and raises one alert for the new ones. */
  async onRun(runs: readonly FolderRun[]): Promise<void> {
    const ran = runs.filter((r) => r.report.status === 'ok');
    if (ran.length === 0) return;
    const current = new Map<string, { run: FolderRun; result: CheckResult }>();
    for (const run of ran)
      for (const result of run.report.results)
        if (isRetrainTrigger(result)) current.set(identity(run, result), { run, result });
    const folders = new Set(ran.map((r) => r.folder.uri.toString()));
    const known = this.state.get<string[]>(KNOWN_KEY, []);
    const knownSet = new Set(known);
    const fresh = [...current].filter(([key]) => !knownSet.has(key)).map(([, value]) => value);
    // Forget the findings of the folders that ran and are gone; keep those of folders that did not run.
    const kept = known.filter((key) => !folders.has(key.split('\u0000')[0] ?? ''));
    await this.state.update(KNOWN_KEY, [...kept, ...current.keys()]);
    if (fresh.length === 0) return;
    if (!getSetting('checks.retrainingAlerts')) {
      this.logger.debug(
        `checks: ${fresh.length} new retraining finding(s); alerts are off (mlops.checks.retrainingAlerts)`,
      );
      return;
    }
    const snoozedUntil = this.state.get<number>(SNOOZE_KEY, 0);
    if (snoozedUntil > Date.now()) {
      this.logger.info(
        `checks: ${fresh.length} new retraining finding(s); alerts snoozed until ${new Date(snoozedUntil).toISOString()}`,
      );
      return;
    }
    if (this.visible) return;
    const message = alertMessage(fresh.map((f) => f.result));
    this.shown.push({ message, findings: fresh.length });
    this.logger.info(`checks: retraining alert: ${message}`);
    this.visible = true;
    const details = 'Show Details';
    const snooze = `Snooze for ${SNOOZE_DAYS} Days`;
    void vscode.window.showWarningMessage(message, details, snooze).then(async (choice) => {
      this.visible = false;
      if (choice === details) this.showDetails();
      if (choice === snooze) {
        await this.state.update(SNOOZE_KEY, Date.now() + SNOOZE_DAYS * DAY_MS);
        this.logger.info(`checks: retraining alerts snoozed for ${SNOOZE_DAYS} days`);
      }
    });
  }
}
